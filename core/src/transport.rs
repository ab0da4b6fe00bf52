//! HTTP transport: one connection pool per client, envelope decoding, attempt classification,
//! and the retry loop for calls that are safe to repeat.

use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::value::RawValue;
use tokio::time::Instant;

use crate::auth::Token;
use crate::config::Config;
use crate::error::{classify, Error, ErrorKind};
use crate::retry::parse_retry_after;
use crate::wire;

/// One HTTP request the SDK wants to make (the body is serialized once and reused on retries).
#[derive(Clone, Debug)]
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub body: Option<Vec<u8>>,
    /// Short route name for logs and errors, e.g. `"refund"`.
    pub route: &'static str,
}

/// A response that arrived in full.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub server_request_id: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
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

/// The HTTP side of a client: reqwest pool + the configuration it was built from.
pub(crate) struct Transport {
    pub config: Config,
    http: reqwest::Client,
}

fn install_crypto_provider() {
    // rustls needs a process-wide provider; ignore "already installed" (by us or the host app).
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Transport {
    pub(crate) fn new(config: Config) -> Result<Transport, Error> {
        install_crypto_provider();
        let mut default_headers = HeaderMap::new();
        default_headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent())
            .default_headers(default_headers)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(50))
            .tcp_nodelay(true);
        let loopback = config.base_url.scheme() == "http";
        if let Some(proxy) = &config.proxy {
            let p = reqwest::Proxy::all(proxy.expose())
                .map_err(|_| Error::invalid("proxy", "is not a valid proxy URL"))?;
            builder = builder.proxy(p);
        } else if loopback {
            builder = builder.no_proxy();
        }
        if let Some(pem) = &config.extra_root_ca_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::invalid("extra_root_ca_pem", "is not a PEM certificate").with_source(e)
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder
            .build()
            .map_err(|e| Error::config("cannot build the HTTP client").with_source(e))?;
        Ok(Transport { config, http })
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

    /// Sends one attempt and reads the whole body (bounded), within `attempt_timeout`.
    pub(crate) async fn send_once(
        &self,
        request: &ApiRequest,
        token: Option<&Token>,
        extra_headers: &[(&'static str, &str)],
        attempt_timeout: Duration,
    ) -> Result<Reply, Failure> {
        let url = self.config.url(&request.path).map_err(Failure::NotSent)?;
        let mut rb = self
            .http
            .request(request.method.clone(), url)
            .timeout(attempt_timeout);
        if let Some(t) = token {
            rb = rb
                .header(
                    wire::HEADER_AUTHORIZATION,
                    format!("{} {}", self.config.auth_scheme, t.value.expose()),
                )
                .header(
                    wire::HEADER_MERCHANT_ACCESS_KEY,
                    self.config.merchant_access_key(),
                );
        }
        for (name, value) in extra_headers {
            rb = rb.header(*name, *value);
        }
        if let Some(body) = &request.body {
            rb = rb
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let limit = self.config.max_response_bytes;
        let route = request.route;
        let exchange = async move {
            let mut resp = rb.send().await.map_err(|e| transport_failure(e, route))?;
            let status = resp.status();
            let headers = resp.headers();
            let server_request_id = wire::RESPONSE_REQUEST_ID_HEADERS
                .iter()
                .find_map(|h| headers.get(*h))
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(128).collect::<String>());
            let retry_after = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            if resp.content_length().is_some_and(|n| n > limit as u64) {
                return Err(too_large(route, status, limit));
            }
            let mut body = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) => {
                        if body.len() + chunk.len() > limit {
                            return Err(too_large(route, status, limit));
                        }
                        body.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(e) => return Err(transport_failure(e, route)),
                }
            }
            Ok(Reply {
                status,
                server_request_id,
                retry_after,
                body,
            })
        };
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

    /// Decodes the `{response_code, response_message, payload}` envelope of a reply.
    /// Success gives the raw payload; a refusal is classified into the right error kind.
    pub(crate) fn decode_envelope(
        &self,
        reply: &Reply,
        route: &str,
        token: Option<&Token>,
    ) -> Result<Option<Box<RawValue>>, Failure> {
        let status = reply.status;
        if nesting_exceeds(&reply.body, MAX_JSON_DEPTH) {
            let error = Error::new(
                ErrorKind::Decode,
                format!("{route}: response nested more than {MAX_JSON_DEPTH} levels deep"),
            )
            .with_http_status(status.as_u16());
            return Err(if status.is_success() || status.is_server_error() {
                Failure::Ambiguous {
                    error,
                    stale_connection: false,
                }
            } else {
                Failure::Rejected(error)
            });
        }
        let parsed: Option<wire::Envelope> = serde_json::from_slice(&reply.body).ok();
        if status.is_success() {
            let Some(env) = parsed else {
                return Err(Failure::Ambiguous {
                    error: Error::new(
                        ErrorKind::Decode,
                        format!("{route}: HTTP {status} with a body that is not the EnKash JSON envelope"),
                    )
                    .with_http_status(status.as_u16())
                    .with_server_request_id(reply.server_request_id.clone()),
                    stale_connection: false,
                });
            };
            if env.response_code == wire::CODE_SUCCESS {
                return Ok(env.payload);
            }
            let err = self.refusal(reply, route, Some(&env), token);
            return Err(Failure::Rejected(err));
        }
        let err = self.refusal(reply, route, parsed.as_ref(), token);
        if status.is_server_error() {
            Err(Failure::Ambiguous {
                error: err,
                stale_connection: false,
            })
        } else {
            Err(Failure::Rejected(err))
        }
    }

    fn refusal(
        &self,
        reply: &Reply,
        route: &str,
        env: Option<&wire::Envelope>,
        token: Option<&Token>,
    ) -> Error {
        let status = reply.status.as_u16();
        let code = env.map(|e| e.response_code);
        let mut text = env
            .and_then(|e| e.response_message.clone())
            .unwrap_or_default();
        if let Some(payload) = env.and_then(|e| e.payload.as_ref()) {
            if let Ok(s) = serde_json::from_str::<String>(payload.get()) {
                if !s.is_empty() && s != text {
                    text = if text.is_empty() {
                        s
                    } else {
                        format!("{text}: {s}")
                    };
                }
            }
        }
        let text = self.scrub(&text, token);
        let kind = classify(status, code, &text);
        let message = if text.is_empty() {
            format!("{route}: HTTP {status}")
        } else {
            format!("{route}: {text}")
        };
        Error::new(kind, message)
            .with_http_status(status)
            .with_response_code(code)
            .with_server_request_id(reply.server_request_id.clone())
            .with_retry_after(if kind == ErrorKind::RateLimited {
                reply.retry_after
            } else {
                None
            })
    }
}

/// Deepest JSON nesting accepted in a response (EnKash objects are a few levels deep).
const MAX_JSON_DEPTH: usize = 64;

/// True when `body` nests arrays/objects deeper than `max` (strings are skipped; O(n), no parse).
fn nesting_exceeds(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
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

fn transport_failure(e: reqwest::Error, route: &str) -> Failure {
    if e.is_connect() {
        let msg = format!("{route}: could not connect");
        return Failure::NotSent(Error::new(ErrorKind::Network, msg).with_source(e));
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
    #[test]
    fn nesting_scan_ignores_strings() {
        assert!(!super::nesting_exceeds(br#"{"a":[1,{"b":"[[[[[[["}]}"#, 3));
        assert!(super::nesting_exceeds(b"[[[[", 3));
        assert!(!super::nesting_exceeds(br#"{"s":"\"[[[[[["}"#, 1));
    }
}
