//! Token cache: one token per client, refreshed before expiry, one fetch in flight at a time —
//! through the fleet's shared [`TokenStore`] when the client has one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt, Shared};
use http::Method;

use crate::error::{Error, ErrorKind};
use crate::retry::RetryDriver;
use crate::secret::Secret;
use crate::token::{expiry_from_wire, now_ms, Token, TokenInfo};
use crate::token_store::{key_for, StoredToken, TokenStore};
use crate::transport::{ApiRequest, Deadline, Failure, Transport};
use crate::wire;

type SharedFetch = Shared<BoxFuture<'static, Result<Token, Error>>>;

struct State {
    current: Option<Token>,
    inflight: Option<(u64, SharedFetch)>,
    next_flight: u64,
    /// The last fetch's failure and when it ended: callers within [`FAILURE_COOL_DOWN`] share it
    /// instead of each starting a fetch (no stampede on a failing token endpoint).
    last_failure: Option<(std::time::Instant, Error)>,
    /// The token the server last rejected: a shared store may still hold it.
    rejected: Option<Secret>,
}

/// How long a failed token fetch is reported to later callers before a new fetch is tried.
const FAILURE_COOL_DOWN: Duration = Duration::from_secs(1);

/// Caches the merchant token and makes sure concurrent callers share one fetch.
pub(crate) struct TokenCache {
    state: Mutex<State>,
    skew: Duration,
}

impl TokenCache {
    pub(crate) fn new(skew: Duration) -> TokenCache {
        TokenCache {
            state: Mutex::new(State {
                current: None,
                inflight: None,
                next_flight: 0,
                last_failure: None,
                rejected: None,
            }),
            skew,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh token: the cached one, the one being fetched, or a new fetch.
    pub(crate) async fn get(
        &self,
        transport: &Arc<Transport>,
        deadline: Deadline,
    ) -> Result<Token, Error> {
        let (id, fetch) = {
            let mut st = self.lock();
            if let Some(t) = &st.current {
                if t.is_fresh(self.skew, now_ms()) {
                    return Ok(t.clone());
                }
            }
            if st.inflight.is_none() {
                if let Some((at, e)) = &st.last_failure {
                    if at.elapsed() < FAILURE_COOL_DOWN {
                        return Err(e.clone());
                    }
                }
            }
            match &st.inflight {
                Some((id, f)) => (*id, f.clone()),
                None => {
                    st.next_flight += 1;
                    let id = st.next_flight;
                    let t = Arc::clone(transport);
                    let rejected = st.rejected.clone();
                    let skew = self.skew;
                    let f = async move { fetch(&t, rejected, skew).await }
                        .boxed()
                        .shared();
                    st.inflight = Some((id, f.clone()));
                    (id, f)
                }
            }
        };
        let result = match tokio::time::timeout(deadline.remaining(), fetch).await {
            Ok(r) => r,
            Err(_) => return Err(deadline.timeout_error("token")),
        };
        let mut st = self.lock();
        if st.inflight.as_ref().is_some_and(|(i, _)| *i == id) {
            st.inflight = None;
            match &result {
                Ok(t) => {
                    // Missing or past expiry: use it for this call only (§6 #5).
                    st.current = t.is_fresh(self.skew, now_ms()).then(|| t.clone());
                    st.last_failure = None;
                }
                Err(e) => st.last_failure = Some((std::time::Instant::now(), e.clone())),
            }
        }
        result
    }

    /// A newly fetched token (joining a fetch already in flight), which later calls use too.
    pub(crate) async fn renew(
        &self,
        transport: &Arc<Transport>,
        deadline: Deadline,
    ) -> Result<Token, Error> {
        self.lock().current = None;
        self.get(transport, deadline).await
    }

    /// Forgets `used` after the server rejected it (a newer token is left alone).
    pub(crate) fn invalidate(&self, used: &Token) {
        let mut st = self.lock();
        if st.current.as_ref().is_some_and(|t| t.value == used.value) {
            st.current = None;
        }
        st.rejected = Some(used.value.clone());
    }

    pub(crate) fn info_of(&self, token: &Token) -> TokenInfo {
        TokenInfo {
            expires_at_ms: token.expires_at_ms,
            cached: token.is_fresh(self.skew, now_ms()),
        }
    }
}

/// A token for the cache: the fleet's shared one when the client has a store (fetched by one
/// process under the store's lock), else a new one.
async fn fetch(
    transport: &Arc<Transport>,
    rejected: Option<Secret>,
    skew: Duration,
) -> Result<Token, Error> {
    match &transport.config.token_store {
        Some(store) => match via_store(transport, store.as_ref(), rejected.as_ref(), skew).await {
            Ok(result) => result,
            Err(StoreFailed(e)) => {
                tracing::warn!(error = %e, "token store failed; fetching a token for this client alone");
                fetch_token(transport).await
            }
        },
        None => fetch_token(transport).await,
    }
}

/// The outcome of a fetch through the store: the store's own failure is told apart (the client
/// then fetches alone), while a token fetch's failure passes through as it is.
struct StoreFailed(Error);

impl From<Error> for StoreFailed {
    fn from(e: Error) -> StoreFailed {
        StoreFailed(e)
    }
}

/// How often a process waiting for another's refresh looks at the store.
const STORE_POLL: Duration = Duration::from_millis(25);

async fn via_store(
    transport: &Arc<Transport>,
    store: &dyn TokenStore,
    rejected: Option<&Secret>,
    skew: Duration,
) -> Result<Result<Token, Error>, StoreFailed> {
    let config = &transport.config;
    let key = key_for(config.base_url.as_str(), config.access_key.expose());
    let owner = uuid::Uuid::new_v4().to_string();
    let deadline = Deadline::after(config.total_timeout);
    let usable = |stored: &Option<StoredToken>| -> Option<Token> {
        let s = stored.as_ref()?;
        if rejected.is_some_and(|r| r.expose() == s.token.expose()) {
            return None;
        }
        let mut token = token_of(transport, s.token.expose(), Some(s.expires_at_ms));
        token.fetched_at_ms = s.fetched_at_ms;
        token.is_fresh(skew, now_ms()).then_some(token)
    };
    loop {
        let stored = store.get(&key).await?;
        if let Some(token) = usable(&stored) {
            return Ok(Ok(token));
        }
        if store.try_lock(&key, &owner, config.total_timeout).await? {
            // Under the lock: another process may have stored a token since we looked.
            let stored = store.get(&key).await;
            let result = match &stored {
                Ok(s) => match usable(s) {
                    Some(token) => Ok(token),
                    None => fetch_token(transport).await,
                },
                Err(_) => fetch_token(transport).await,
            };
            if let (Ok(token), Ok(previous)) = (&result, &stored) {
                if let Some(new) = stored_of(token, skew) {
                    if let Err(e) = store
                        .compare_and_set(&key, previous.as_ref(), Some(&new))
                        .await
                    {
                        tracing::warn!(error = %e, "token store: could not share the new token");
                    }
                }
            }
            if let Err(e) = store.unlock(&key, &owner).await {
                tracing::warn!(error = %e, "token store: could not release the refresh lock");
            }
            return Ok(result);
        }
        // Another process is fetching: its token will be in the store shortly.
        if !deadline.sleep_if_time(STORE_POLL).await {
            return Ok(Err(deadline.timeout_error("token")));
        }
    }
}

/// What the store keeps of a new token: only one that stays fresh for a while.
fn stored_of(token: &Token, skew: Duration) -> Option<StoredToken> {
    let expires_at_ms = token.expires_at_ms?;
    token.is_fresh(skew, now_ms()).then(|| StoredToken {
        token: token.value.clone(),
        expires_at_ms,
        fetched_at_ms: token.fetched_at_ms,
    })
}

/// A new token: from the configured [`crate::TokenProvider`], or from the token endpoint.
async fn fetch_token(transport: &Transport) -> Result<Token, Error> {
    match &transport.config.token_provider {
        Some(provider) => from_provider(transport, provider.as_ref()).await,
        None => from_token_endpoint(transport).await,
    }
}

/// Asks the host's provider, within the call's time (its own errors pass through as they are).
async fn from_provider(
    transport: &Transport,
    provider: &dyn crate::TokenProvider,
) -> Result<Token, Error> {
    let deadline = Deadline::after(transport.config.total_timeout);
    let issued = tokio::time::timeout(deadline.remaining(), provider.fetch_token())
        .await
        .map_err(|_| {
            Error::new(
                ErrorKind::Timeout,
                "token: the token provider did not answer in time",
            )
        })??;
    if issued.token.expose().is_empty() {
        return Err(Error::new(
            ErrorKind::Authentication,
            "token: the token provider returned an empty token",
        ));
    }
    Ok(token_of(
        transport,
        issued.token.expose(),
        issued.expires_at_ms,
    ))
}

fn token_of(transport: &Transport, token: &str, expires_at_ms: Option<i64>) -> Token {
    let authorization =
        http::HeaderValue::from_str(&format!("{} {token}", transport.config.auth_scheme))
            .ok()
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
    Token {
        authorization,
        value: Secret::new(token),
        expires_at_ms,
        fetched_at_ms: now_ms(),
    }
}

/// `POST /api/v0/merchant/token` with retries on network errors, 5xx and 429.
async fn from_token_endpoint(transport: &Transport) -> Result<Token, Error> {
    let config = &transport.config;
    let deadline = Deadline::after(config.total_timeout);
    let body = serde_json::to_vec(&wire::TokenRequest {
        access_key: config.access_key.expose(),
        secret_key: config.secret_key.expose(),
    })
    .map_err(|e| Error::new(ErrorKind::Internal, "cannot encode token request").with_source(e))?;
    let request = ApiRequest {
        method: Method::POST,
        path: wire::PATH_TOKEN.to_owned(),
        body: Some(body.into()),
        route: "token",
    };
    let api_key = config.access_key.expose().to_owned();
    let mut retries = RetryDriver::new(&config.retry);
    loop {
        let Some(attempt_timeout) = deadline.attempt_timeout(config.request_timeout) else {
            return Err(deadline.timeout_error("token"));
        };
        let span = tracing::debug_span!("enkash.token", attempt = retries.retries_used());
        let _g = span.enter();
        let outcome = transport
            .send_once(
                &request,
                None,
                &[(wire::HEADER_API_KEY, api_key.as_str())],
                attempt_timeout,
            )
            .await
            .and_then(|reply| decode_token(transport, &reply));
        let (error, retry_after, stale) = match outcome {
            Ok(token) => {
                tracing::debug!(expires_at_ms = ?token.expires_at_ms, "token issued");
                return Ok(token);
            }
            Err(Failure::Rejected(e)) if e.kind() != ErrorKind::RateLimited => return Err(e),
            Err(Failure::Rejected(e)) => {
                let ra = e.retry_after();
                (e, ra, false)
            }
            Err(Failure::NotSent(e)) => (e, None, false),
            Err(Failure::Ambiguous {
                error,
                stale_connection,
            }) => (error, None, stale_connection),
        };
        let Some(delay) = retries.next_delay(retry_after, stale) else {
            return Err(error);
        };
        tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, "token request failed; retrying");
        if !deadline.sleep_if_time(delay).await {
            return Err(error);
        }
    }
}

/// [`decode_token`] for the fuzz targets.
pub(crate) fn decode_token_for_fuzz(
    transport: &Transport,
    reply: &crate::transport::Reply,
) -> Result<(), Error> {
    decode_token(transport, reply)
        .map(|_| ())
        .map_err(|f| match f {
            Failure::NotSent(e) | Failure::Rejected(e) | Failure::Ambiguous { error: e, .. } => e,
        })
}

fn decode_token(transport: &Transport, reply: &crate::transport::Reply) -> Result<Token, Failure> {
    let status = reply.status;
    let parsed: Option<wire::TokenResponse> = serde_json::from_slice(&reply.body).ok();
    let token = parsed
        .as_ref()
        .and_then(|p| p.token.as_deref())
        .filter(|t| !t.is_empty());
    if status.is_success() {
        if let Some(token) = token {
            let expiry = parsed
                .as_ref()
                .and_then(|p| p.expiry)
                .and_then(|e| expiry_from_wire(e, now_ms()));
            return Ok(token_of(transport, token, expiry));
        }
    }
    // Not a token: report the token call's own resultCode/resultMessage, or an envelope.
    if parsed.is_none() || status.is_server_error() || status.as_u16() == 429 {
        return match transport.decode_envelope(reply, "token", None) {
            Err(f) => Err(match f {
                Failure::Rejected(e) if e.kind() == ErrorKind::Api && status.is_success() => {
                    Failure::Rejected(e.with_kind(ErrorKind::Authentication))
                }
                other => other,
            }),
            Ok(_) => Err(Failure::Ambiguous {
                error: Error::new(ErrorKind::Decode, "token: response has no token")
                    .with_http_status(status.as_u16()),
                stale_connection: false,
            }),
        };
    }
    let p = parsed.unwrap_or_default();
    let message = transport.scrub(
        p.result_message
            .as_deref()
            .unwrap_or("the token request was refused"),
        None,
    );
    Err(Failure::Rejected(
        Error::new(ErrorKind::Authentication, format!("token: {message}"))
            .with_http_status(status.as_u16())
            .with_response_code(p.result_code)
            .with_server_request_id(reply.server_request_id.clone()),
    ))
}
