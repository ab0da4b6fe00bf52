//! HTTP transport: one connection pool per client, envelope decoding, attempt classification,
//! and the retry loop for calls that are safe to repeat.

mod pool;

use std::error::Error as StdError;
use std::time::Duration;

use bytes::Bytes;
use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST, RETRY_AFTER,
    USER_AGENT,
};
use http::uri::PathAndQuery;
use http::{Method, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::time::Instant;

use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::retry::parse_retry_after;
use crate::tls::{install_crypto_provider, tls_config};
use crate::token::Token;
use crate::wire;
use pool::{Pool, PoolError};

/// One HTTP request the SDK wants to make (the body is serialized once and reused on retries).
#[derive(Clone, Debug)]
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: String,
    /// Serialized once; each attempt shares it (no copy per attempt).
    pub body: Option<Bytes>,
    /// Short route name for logs and errors, e.g. `"refund"`.
    pub route: &'static str,
}

/// A response that arrived in full.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub server_request_id: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Bytes,
}

/// How one attempt failed, which decides whether it may be repeated.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Never reached the server (connect failed): always safe to send again.
    NotSent(Error),
    /// The server answered with a definite refusal; nothing was applied.
    Rejected(Error),
    /// The request may have been processed (timeout or reset after sending, 5xx, garbled 2xx).
    Ambiguous {
        /// The error to report if reconciliation cannot settle it.
        error: Error,
        /// A pooled keep-alive connection dropped under us; worth one extra try.
        stale_connection: bool,
    },
}

/// The HTTP side of a client: one connection pool + the configuration it was built from.
pub(crate) struct Transport {
    pub config: Config,
    backend: Backend,
    /// `base_url` in the parts request URIs are built from.
    origin: Origin,
    /// The `User-Agent` header value, built once.
    user_agent: HeaderValue,
    /// The `merchantAccessKey` header name and value (marked sensitive: never logged by hyper).
    merchant_access_key: (HeaderName, Option<HeaderValue>),
}

/// `base_url` split once into what each request needs: the connection pool dials `target`
/// (scheme and authority); a request's URI is `path` and the route's path (origin-form, as
/// HTTP/1 sends it to a server); its `Host` header is the authority, made once.
struct Origin {
    target: Uri,
    /// `base_url`'s path, ending with `/`.
    path: String,
    host: HeaderValue,
}

impl Origin {
    fn new(base: &url::Url) -> Option<Origin> {
        let host = base.host_str()?;
        let authority = match base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        Some(Origin {
            target: Uri::builder()
                .scheme(base.scheme())
                .authority(authority.as_str())
                .path_and_query("/")
                .build()
                .ok()?,
            host: HeaderValue::from_str(&authority).ok()?,
            path: base.path().to_owned(),
        })
    }
}

/// Response headers that may carry the gateway's request id, first match wins (as
/// [`wire::RESPONSE_REQUEST_ID_HEADERS`], made once: a lookup by text parses the name each time).
static REQUEST_ID_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static(wire::RESPONSE_REQUEST_ID_HEADERS[0]),
    HeaderName::from_static(wire::RESPONSE_REQUEST_ID_HEADERS[1]),
    HeaderName::from_static(wire::RESPONSE_REQUEST_ID_HEADERS[2]),
];

/// How long an idle pooled connection is kept (below common 60 s server keep-alive limits).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// Which HTTP stack carries the requests.
enum Backend {
    /// The default: our single-origin pool of hyper HTTP/1 connections over rustls (no
    /// per-request URL re-parsing, redirect or retry layers, no multi-host pool bookkeeping).
    Direct(Pool),
    /// reqwest, when a proxy applies (explicit `proxy`, or `HTTPS_PROXY` & co. in the
    /// environment for a non-loopback base URL): it implements CONNECT, proxy auth and `NO_PROXY`.
    /// Feature `proxy` (on by default; the mobile library leaves it out).
    #[cfg(feature = "proxy")]
    Proxied(reqwest::Client),
}

#[cfg(feature = "proxy")]
/// Environment variables that make a proxy apply (the ones reqwest's system-proxy support reads).
const PROXY_ENV: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The reqwest client for proxied configurations (same TLS roots, timeouts, no redirects).
#[cfg(feature = "proxy")]
fn reqwest_client(config: &Config, loopback: bool) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true);
    if let Some(proxy) = &config.proxy {
        let p = reqwest::Proxy::all(proxy.expose())
            .map_err(|_| Error::invalid("proxy", "is not a valid proxy URL"))?;
        builder = builder.proxy(p);
    } else if loopback {
        builder = builder.no_proxy();
    }
    // The same trust as the direct stack: platform or bundled roots, plus `extra_root_ca_pem`.
    builder = builder.tls_backend_preconfigured(tls_config(
        config.tls_roots,
        config.extra_root_ca_pem.as_deref(),
    )?);
    builder
        .build()
        .map_err(|e| Error::config("cannot build the HTTP client").with_source(e))
}

impl Transport {
    pub(crate) fn new(config: Config) -> Result<Transport, Error> {
        install_crypto_provider();
        let origin = Origin::new(&config.base_url).ok_or_else(bad_base_url)?;
        #[cfg(feature = "proxy")]
        let proxied = {
            let loopback = config.base_url.scheme() == "http";
            let env_proxy = !loopback
                && PROXY_ENV
                    .iter()
                    .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
            if config.proxy.is_some() || env_proxy {
                Some(Backend::Proxied(reqwest_client(&config, loopback)?))
            } else {
                None
            }
        };
        #[cfg(not(feature = "proxy"))]
        let proxied: Option<Backend> = match config.proxy {
            Some(_) => {
                return Err(Error::config(
                    "proxy: this build of the SDK has no proxy support (the mobile library leaves it out; Rust: enable the `proxy` feature)",
                ))
            }
            None => None,
        };
        let backend = if let Some(proxied) = proxied {
            proxied
        } else {
            // A client talks only to its base URL's origin: over http:// it never verifies a
            // certificate, so it does not load the platform's trust store (≈ 3.5 ms of a one-call
            // process on Linux); the bundled roots are static. An extra CA is still checked.
            let roots = match config.base_url.scheme() {
                "http" => crate::TlsRoots::Bundled,
                _ => config.tls_roots,
            };
            let tls = tls_config(roots, config.extra_root_ca_pem.as_deref())?;
            let mut http = HttpConnector::new();
            http.enforce_http(false);
            http.set_nodelay(true);
            http.set_connect_timeout(Some(config.connect_timeout));
            let https = HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .wrap_connector(http);
            Backend::Direct(Pool::new(https, origin.target.clone(), POOL_IDLE_TIMEOUT))
        };
        let user_agent = HeaderValue::from_str(&config.user_agent()).map_err(|_| {
            Error::invalid(
                "user_agent_suffix",
                "has characters not allowed in a header",
            )
        })?;
        let merchant_header = HeaderName::from_bytes(wire::HEADER_MERCHANT_ACCESS_KEY.as_bytes())
            .map_err(|e| Error::config("merchant header name").with_source(e))?;
        let merchant_value = HeaderValue::from_str(config.merchant_access_key())
            .ok()
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
        let merchant_access_key = (merchant_header, merchant_value);
        Ok(Transport {
            origin,
            config,
            backend,
            user_agent,
            merchant_access_key,
        })
    }

    /// Removes the credentials and `token` from server-provided text before it goes into an error.
    pub(crate) fn scrub(&self, text: &str, token: Option<&Token>) -> String {
        let mut out: String = text.chars().take(500).collect();
        let mut secrets = vec![
            self.config.access_key.expose(),
            self.config.secret_key.expose(),
            self.config.merchant_access_key(),
        ];
        if let Some(t) = token {
            secrets.push(t.value.expose());
        }
        for s in secrets {
            if s.len() >= 4 && out.contains(s) {
                out = out.replace(s, "***");
            }
        }
        out
    }

    /// The headers of one attempt (besides `Host` and `Content-Length`, which the stack adds).
    fn headers(
        &self,
        request: &ApiRequest,
        token: Option<&Token>,
        extra_headers: &[(&'static str, &str)],
    ) -> Result<HeaderMap, Failure> {
        let not_sent = |what: &str| {
            Failure::NotSent(Error::new(
                ErrorKind::Configuration,
                format!(
                    "{}: {what} has characters not allowed in an HTTP header",
                    request.route
                ),
            ))
        };
        // Room for the six a call sends (Host is added by the direct stack) without growing; not
        // more: a larger map's allocation is big enough to make glibc's malloc consolidate its
        // free lists on every request.
        let mut headers = HeaderMap::with_capacity(6 + extra_headers.len());
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(t) = token {
            let auth = t
                .authorization
                .clone()
                .ok_or_else(|| not_sent("the access token"))?;
            headers.insert(HeaderName::from_static(wire::HEADER_AUTHORIZATION), auth);
            let (name, value) = &self.merchant_access_key;
            let value = value
                .clone()
                .ok_or_else(|| not_sent("merchant_access_key"))?;
            headers.insert(name.clone(), value);
        }
        for (name, value) in extra_headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| not_sent(name))?;
            let value = HeaderValue::from_str(value).map_err(|_| not_sent(name.as_str()))?;
            headers.insert(name, value);
        }
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(headers)
    }

    /// Sends one attempt and reads the whole body (bounded), within `attempt_timeout`.
    pub(crate) async fn send_once(
        &self,
        request: &ApiRequest,
        token: Option<&Token>,
        extra_headers: &[(&'static str, &str)],
        attempt_timeout: Duration,
    ) -> Result<Reply, Failure> {
        let headers = self.headers(request, token, extra_headers)?;
        let exchange = async {
            let (status, headers, body) = match &self.backend {
                Backend::Direct(pool) => self.exchange_direct(pool, request, headers).await?,
                #[cfg(feature = "proxy")]
                Backend::Proxied(client) => {
                    // Boxed so that reqwest's large future does not size the direct path's.
                    Box::pin(self.exchange_proxied(client, request, headers)).await?
                }
            };
            let (server_request_id, retry_after) = reply_metadata(&headers);
            Ok(Reply {
                status,
                server_request_id,
                retry_after,
                body,
            })
        };
        let route = request.route;
        // Pinned in place: the timeout holds a pointer rather than a copy of the exchange.
        let exchange = std::pin::pin!(exchange);
        match tokio::time::timeout(attempt_timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Ambiguous {
                error: Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "{route}: no complete answer within {:.1}s",
                        attempt_timeout.as_secs_f64()
                    ),
                ),
                stale_connection: false,
            }),
        }
    }

    /// One exchange on the pool; the body is read up to `max_response_bytes`, and only a
    /// connection whose answer was read whole is kept for the next request.
    async fn exchange_direct(
        &self,
        pool: &Pool,
        request: &ApiRequest,
        mut headers: HeaderMap,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
        let route = request.route;
        let uri = self.origin_form(&request.path)?;
        let body = Full::new(request.body.clone().unwrap_or_default());
        headers.insert(HOST, self.origin.host.clone());
        let mut req = http::Request::new(body);
        *req.method_mut() = request.method.clone();
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        let (resp, lease) = pool.send(req).await.map_err(|e| match e {
            PoolError::NotSent(e) => connect_failure(e, route),
            PoolError::AfterSending(e) => stream_failure(e, route),
        })?;
        let read = self.read_bounded(resp, route).await?;
        lease.release();
        Ok(read)
    }

    /// One exchange through reqwest (proxy configurations).
    #[cfg(feature = "proxy")]
    async fn exchange_proxied(
        &self,
        client: &reqwest::Client,
        request: &ApiRequest,
        headers: HeaderMap,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure> {
        let route = request.route;
        let url = self.config.url(&request.path).map_err(Failure::NotSent)?;
        let mut rb = client.request(request.method.clone(), url).headers(headers);
        if let Some(body) = &request.body {
            rb = rb.body(body.clone());
        }
        let resp = rb.send().await.map_err(|e| reqwest_failure(e, route))?;
        self.read_bounded(http::Response::from(resp), route).await
    }

    /// Reads a whole response body, refusing more than `max_response_bytes` (announced or
    /// received); both stacks' responses come through here.
    async fn read_bounded<B>(
        &self,
        resp: http::Response<B>,
        route: &str,
    ) -> Result<(StatusCode, HeaderMap, Bytes), Failure>
    where
        B: hyper::body::Body,
        B::Error: StdError + Send + Sync + 'static,
    {
        let (parts, body) = resp.into_parts();
        let limit = self.config.max_response_bytes;
        if content_length(&parts.headers).is_some_and(|n| n > limit as u64) {
            return Err(too_large(route, parts.status, limit));
        }
        // `Limited` counts every chunk; a body that arrives as one chunk (the usual case) is
        // kept as it came, without a copy (`Collected::to_bytes`).
        let collected = Limited::new(body, limit).collect().await.map_err(|e| {
            // Anything but the limit is the stack's own error, boxed by `Limited`.
            match e.downcast::<B::Error>() {
                Ok(stack) => stream_failure(*stack, route),
                Err(_) => too_large(route, parts.status, limit),
            }
        })?;
        let body = collected.to_bytes();
        Ok((parts.status, parts.headers, body))
    }

    /// `base_url`'s path + `path` as an origin-form request URI (`/api/…?…`), without
    /// re-parsing the base on the usual path.
    fn origin_form(&self, path: &str) -> Result<Uri, Failure> {
        let origin = &self.origin;
        let path = path.trim_start_matches('/');
        let mut joined = String::with_capacity(origin.path.len() + path.len());
        joined.push_str(&origin.path);
        joined.push_str(path);
        if let Ok(path_and_query) = PathAndQuery::try_from(joined) {
            return Ok(Uri::from(path_and_query));
        }
        // Unusual characters: let the URL parser normalise them, as reqwest would.
        let url = self.config.url(path).map_err(Failure::NotSent)?;
        let normalised = &url[url::Position::BeforePath..url::Position::AfterQuery];
        Uri::try_from(normalised).map_err(|e| {
            Failure::NotSent(Error::config(format!("cannot build URL for {path}")).with_source(e))
        })
    }
}

fn bad_base_url() -> Error {
    Error::invalid("base_url", "cannot be used as an HTTP request target")
}

fn too_large(route: &str, status: StatusCode, limit: usize) -> Failure {
    Failure::Ambiguous {
        error: Error::new(
            ErrorKind::Decode,
            format!("{route}: response body larger than {limit} bytes"),
        )
        .with_http_status(status.as_u16()),
        stale_connection: false,
    }
}

/// True when an error chain shows a connection that closed under a request (reset, EOF, a
/// keep-alive connection the server had already dropped).
fn is_stale_connection(err: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            if matches!(
                io.kind(),
                K::ConnectionReset | K::BrokenPipe | K::UnexpectedEof | K::ConnectionAborted
            ) {
                return true;
            }
        }
        let text = e.to_string();
        if text.contains("connection closed before message completed")
            || text.contains("connection reset")
            || text.contains("IncompleteMessage")
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The gateway's request id (the first of [`REQUEST_ID_HEADERS`] present, at most 128
/// characters) and its `Retry-After`, read in one pass over the answer's few headers (a lookup
/// per name hashes each name: four of them cost more than the pass).
fn reply_metadata(headers: &HeaderMap) -> (Option<String>, Option<Duration>) {
    let mut request_id: Option<(usize, &HeaderValue)> = None;
    let mut retry_after = None;
    for (name, value) in headers {
        if name == RETRY_AFTER {
            retry_after = retry_after.or(Some(value));
        } else if let Some(rank) = REQUEST_ID_HEADERS.iter().position(|h| h == name) {
            if request_id.is_none_or(|(kept, _)| rank < kept) {
                request_id = Some((rank, value));
            }
        }
    }
    let request_id = request_id
        .and_then(|(_, v)| v.to_str().ok())
        .map(|s| s.chars().take(128).collect::<String>());
    let retry_after = retry_after
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    (request_id, retry_after)
}

/// The `Content-Length` a response announced, if any.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Connecting failed (DNS, TCP, TLS handshake, proxy), or the request was handed back
/// unwritten: it was never sent.
fn connect_failure(e: impl Into<Box<dyn StdError + Send + Sync>>, route: &str) -> Failure {
    let msg = format!("{route}: could not connect");
    Failure::NotSent(Error::new(ErrorKind::Network, msg).with_boxed_source(e.into()))
}

/// A failure after the request may have been sent (while waiting or reading the body).
fn stream_failure(e: impl StdError + Send + Sync + 'static, route: &str) -> Failure {
    let stale = is_stale_connection(&e);
    let msg = if stale {
        format!("{route}: connection closed before the answer arrived")
    } else {
        format!("{route}: network error")
    };
    Failure::Ambiguous {
        error: Error::new(ErrorKind::Network, msg).with_source(e),
        stale_connection: stale,
    }
}

/// Classifies a reqwest failure (proxied configurations).
#[cfg(feature = "proxy")]
fn reqwest_failure(e: reqwest::Error, route: &str) -> Failure {
    if e.is_connect() {
        return connect_failure(e, route);
    }
    if e.is_timeout() {
        let msg = format!("{route}: timed out waiting for the answer");
        return Failure::Ambiguous {
            error: Error::new(ErrorKind::Timeout, msg).with_source(e),
            stale_connection: false,
        };
    }
    if e.is_builder() {
        let msg = format!("{route}: cannot build the request");
        return Failure::NotSent(Error::new(ErrorKind::Configuration, msg).with_source(e));
    }
    stream_failure(e, route)
}

/// The deadline arithmetic of one SDK call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline(pub Instant);

impl Deadline {
    pub(crate) fn after(d: Duration) -> Deadline {
        Deadline(Instant::now() + d)
    }
    pub(crate) fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
    /// Timeout for the next attempt: the per-attempt timeout, or what is left if less.
    pub(crate) fn attempt_timeout(&self, per_attempt: Duration) -> Option<Duration> {
        let left = self.remaining();
        (left > Duration::from_millis(1)).then(|| left.min(per_attempt))
    }
    /// Sleeps `delay` if the deadline allows a further attempt after it.
    pub(crate) async fn sleep_if_time(&self, delay: Duration) -> bool {
        if self.remaining() <= delay + Duration::from_millis(5) {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }
    pub(crate) fn timeout_error(&self, route: &str) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!("{route}: total timeout reached"),
        )
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::StreamBody;
    use hyper::body::Frame;

    use super::*;

    fn response(
        chunks: Vec<Vec<u8>>,
    ) -> http::Response<impl hyper::body::Body<Data = Bytes, Error = std::io::Error> + Unpin> {
        let frames = chunks
            .into_iter()
            .map(|c| Ok::<_, std::io::Error>(Frame::data(Bytes::from(c))));
        http::Response::new(StreamBody::new(futures_util::stream::iter(frames)))
    }

    #[test]
    fn reply_metadata_keeps_the_first_listed_request_id_header_and_the_first_retry_after() {
        let mut headers = HeaderMap::new();
        assert_eq!(reply_metadata(&headers), (None, None));
        headers.append("x-correlation-id", HeaderValue::from_static("corr-1"));
        headers.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.append("request-id", HeaderValue::from_static("req-1"));
        headers.append("request-id", HeaderValue::from_static("req-2"));
        headers.append(RETRY_AFTER, HeaderValue::from_static("3"));
        headers.append(RETRY_AFTER, HeaderValue::from_static("9"));
        assert_eq!(
            reply_metadata(&headers),
            (Some("req-1".to_owned()), Some(Duration::from_secs(3)))
        );
        headers.append(
            "x-request-id",
            HeaderValue::from_str(&"r".repeat(300)).unwrap(),
        );
        assert_eq!(reply_metadata(&headers).0, Some("r".repeat(128)));
    }

    #[tokio::test]
    async fn a_body_is_read_whole_from_any_number_of_chunks() {
        let t = crate::__fuzz::transport_for_tests();
        let cases: [&[&str]; 6] = [
            &[],
            &[r#"{"a":1}"#],
            &[r#"{"a""#, ":1", "}"],
            &["", r#"{"a":1}"#],
            &[r#"{"a":1}"#, ""],
            &["", "", r#"{"a":"#, "", "1}"],
        ];
        for chunks in cases {
            let body = chunks.iter().map(|c| c.as_bytes().to_vec()).collect();
            let (status, _, read) = t.read_bounded(response(body), "test").await.unwrap();
            assert_eq!(status, StatusCode::OK);
            assert_eq!(&read[..], chunks.concat().as_bytes(), "{chunks:?}");
        }
    }

    #[tokio::test]
    async fn the_size_limit_counts_every_chunk() {
        let t = crate::__fuzz::transport_for_tests();
        let limit = t.config.max_response_bytes;
        let half = limit / 2 + 1;
        for chunks in [
            vec![vec![b' '; half]; 2],
            vec![vec![b' '; limit + 1]],
            vec![vec![b' '; 1]; limit + 1],
        ] {
            match t.read_bounded(response(chunks), "test").await {
                Err(Failure::Ambiguous { error, .. }) => {
                    assert!(error.message().contains("larger than"), "{error}")
                }
                other => panic!("expected the limit, got {:?}", other.map(|r| r.2.len())),
            }
        }
        let exact = t
            .read_bounded(
                response(vec![vec![b' '; half - 1], vec![b' '; half - 1]]),
                "test",
            )
            .await;
        assert!(exact.is_ok());
    }
}
