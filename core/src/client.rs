//! The async client.

use std::fmt;
use std::sync::Arc;

use http::Method;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::TokenCache;
use crate::config::Config;
use crate::envelope::require_status;
use crate::error::{Error, ErrorKind};
use crate::models::{Order, Transaction};
use crate::retry::RetryDriver;
use crate::token::{IssuedToken, TokenInfo};
use crate::transport::{ApiRequest, Deadline, Failure, Transport};
use crate::{validate, wire};

/// The async EnKash client. Cheap to clone (clones share the connection pool and token cache).
///
/// ```no_run
/// # async fn demo() -> Result<(), enkash::Error> {
/// use enkash::{Amount, Client, RefundOptions};
/// let client = Client::from_env()?;
/// let refund = client
///     .refund("EK1743074262175e8KIO", Amount::parse("100.50")?, RefundOptions::new().remarks("damaged"))
///     .await?;
/// println!("{} is {}", refund.request_id, refund.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) transport: Arc<Transport>,
    pub(crate) tokens: TokenCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.transport.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Client, Error> {
        let skew = config.token_refresh_skew;
        let transport = Arc::new(Transport::new(config)?);
        Ok(Client {
            inner: Arc::new(ClientInner {
                transport,
                tokens: TokenCache::new(skew),
            }),
        })
    }

    /// A client configured from `ENKASH_*` environment variables (see [`Config::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_env()?)
    }

    /// The configuration this client uses.
    pub fn config(&self) -> &Config {
        &self.inner.transport.config
    }

    /// Gets (or reuses) a token and reports when it expires; proves the credentials work.
    pub async fn check_token(&self) -> Result<TokenInfo, Error> {
        let deadline = Deadline::after(self.config().total_timeout);
        let token = self
            .inner
            .tokens
            .get(&self.inner.transport, deadline)
            .await?;
        Ok(self.inner.tokens.info_of(&token))
    }

    /// A token for the merchant's own apps: the server side of [`crate::TokenProvider`]. A
    /// merchant backend (holding the secret key) serves it to its mobile apps, which never hold
    /// the key. Each call fetches a new token, and this client uses it from then on as well (a
    /// gateway that keeps one active token per merchant then has the server and its apps on the
    /// same one). Never logged.
    ///
    /// A client that itself gets its tokens from a provider has no secret key to issue with:
    /// [`ErrorKind::Usage`].
    pub async fn issue_token(&self) -> Result<IssuedToken, Error> {
        if self.config().token_provider.is_some() {
            return Err(Error::new(
                ErrorKind::Usage,
                "issue_token needs the secret key; this client gets its tokens from a token provider",
            ));
        }
        let deadline = Deadline::after(self.config().total_timeout);
        let token = self
            .inner
            .tokens
            .renew(&self.inner.transport, deadline)
            .await?;
        Ok(IssuedToken {
            token: token.value.clone(),
            expires_at_ms: token.expires_at_ms,
        })
    }

    /// Status of a payment (or refund) transaction: `GET /api/v0/payment/{transactionId}`.
    pub async fn get_transaction(&self, transaction_id: &str) -> Result<Transaction, Error> {
        validate::id("transaction_id", transaction_id)?;
        let request = ApiRequest {
            method: Method::GET,
            path: wire::fill_path(wire::PATH_TRANSACTION, "transactionId", transaction_id),
            body: None,
            route: "get_transaction",
        };
        let deadline = Deadline::after(self.config().total_timeout);
        let span = tracing::info_span!("enkash.get_transaction", transaction_id);
        let wire: wire::WireTransaction =
            self.inner.call(&request, deadline).instrument(span).await?;
        require_status(wire.status.as_deref(), "get_transaction")?;
        Ok(Transaction::from_wire(wire, transaction_id))
    }

    /// Status of an order: `GET /api/v0/orders/{orderId}` (EnKash or merchant id, §6 #10).
    pub async fn get_order(&self, order_id: &str) -> Result<Order, Error> {
        validate::id("order_id", order_id)?;
        let request = ApiRequest {
            method: Method::GET,
            path: wire::fill_path(wire::PATH_ORDER, "orderId", order_id),
            body: None,
            route: "get_order",
        };
        let deadline = Deadline::after(self.config().total_timeout);
        let span = tracing::info_span!("enkash.get_order", order_id);
        let wire: wire::WireOrder = self.inner.call(&request, deadline).instrument(span).await?;
        Ok(Order::from_wire(wire, order_id))
    }
}

impl ClientInner {
    pub(crate) fn config(&self) -> &Config {
        &self.transport.config
    }

    /// Runs a call that is safe to repeat (reads, enquiries): authenticates, refreshes the token
    /// once on rejection, retries network errors, timeouts, 5xx and 429 with backoff.
    /// The payload is decoded into `T` (a shape error is final, not retried).
    pub(crate) async fn call<T: DeserializeOwned + Default>(
        &self,
        request: &ApiRequest,
        deadline: Deadline,
    ) -> Result<T, Error> {
        let config = self.config();
        let mut retries = RetryDriver::new(&config.retry);
        let mut refreshed = false;
        loop {
            let token = self.tokens.get(&self.transport, deadline).await?;
            let Some(attempt_timeout) = deadline.attempt_timeout(config.request_timeout) else {
                return Err(deadline.timeout_error(request.route));
            };
            let outcome = self
                .transport
                .send_once(request, Some(&token), &[], attempt_timeout)
                .await
                .and_then(|reply| {
                    tracing::debug!(
                        status = reply.status.as_u16(),
                        attempt = retries.retries_used(),
                        "response"
                    );
                    self.transport
                        .decode_reply::<T>(&reply, request.route, Some(&token))
                });
            let (error, retry_after, stale) = match outcome {
                Ok(decoded) => return decoded,
                Err(Failure::Rejected(e))
                    if e.kind() == ErrorKind::Authentication && !refreshed =>
                {
                    tracing::info!("token rejected; refreshing once");
                    self.tokens.invalidate(&token);
                    refreshed = true;
                    continue;
                }
                Err(Failure::Rejected(e)) if e.kind() == ErrorKind::RateLimited => {
                    let ra = e.retry_after();
                    (e, ra, false)
                }
                Err(Failure::Rejected(e)) => return Err(e),
                Err(Failure::NotSent(e)) => (e, None, false),
                Err(Failure::Ambiguous {
                    error,
                    stale_connection,
                }) => (error, None, stale_connection),
            };
            let Some(delay) = retries.next_delay(retry_after, stale) else {
                return Err(error);
            };
            tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, route = request.route, "retrying");
            if !deadline.sleep_if_time(delay).await {
                return Err(error);
            }
        }
    }
}
