//! uniffi bindings of the enkash SDK for Kotlin (`com.enkash.sdk`) and Swift (`Enkash`).
//! Glue only: the records, the options and the error info are generated from the core's lists
//! (`enkash::for_each_host_model!`, `for_each_client_option!`, `for_each_error_field!`), so a
//! field added in core appears here without an edit; errors map 1:1 onto foreign exceptions.

#![allow(missing_docs)]
// cases and fields mirror the documented core lists
// The error crosses the FFI by value (uniffi lowers each case with its full ErrorInfo record).
#![allow(clippy::result_large_err)]

#[cfg(target_os = "android")]
mod android;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use enkash::host::{money_from_text, ClientOptions, Money, SecretText};
use enkash::{ErrorKind, RefundQuery, Secret};

uniffi::setup_scaffolding!("enkash");

/// The User-Agent word for this binding (the user's `userAgentSuffix` follows it).
const BINDING: &str = concat!("enkash-uniffi/", env!("CARGO_PKG_VERSION"));

// Exact decimal money crosses the FFI as the core's money text (BigDecimal / Decimal on the other
// side); text coming in is read exactly or refused, never rounded.
uniffi::custom_type!(Money, String, {
    remote,
    lower: |m| m.to_string(),
    try_lift: |s| Ok(Money(money_from_text(&s, "amount").map_err(EnkashError::from)?)),
});

// Secrets: the foreign `Secret` type never prints its value.
uniffi::custom_type!(Secret, String, {
    remote,
    lower: |s| s.expose().to_owned(),
    try_lift: |s| Ok(Secret::new(s)),
});

uniffi::custom_type!(SecretText, String, {
    remote,
    lower: |s| s.0,
    try_lift: |s| Ok(SecretText(s)),
});

macro_rules! ffi_error_info {
    ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// What every error case carries (the core's `ErrorInfo`).
        #[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
        pub struct ErrorInfo {
            $( $(#[$m])* pub $name: $ty, )*
        }

        impl From<enkash::host::ErrorInfo> for ErrorInfo {
            fn from(i: enkash::host::ErrorInfo) -> Self {
                ErrorInfo { $( $name: i.$name, )* }
            }
        }
    };
}
enkash::for_each_error_field!(ffi_error_info);

macro_rules! ffi_client_config {
    ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// Client configuration: every option of the core, each optional (`null`/`nil` keeps
        /// the SDK default); durations are `java.time.Duration` / `TimeInterval`.
        #[derive(Clone, uniffi::Record)]
        pub struct ClientConfig {
            $( $(#[$m])* #[uniffi(default = None)] pub $name: Option<$ty>, )*
        }

        impl From<ClientConfig> for ClientOptions {
            fn from(c: ClientConfig) -> Self {
                let mut o = ClientOptions::default();
                $( o.$name = c.$name; )*
                o
            }
        }
    };
}
enkash::for_each_client_option!(ffi_client_config);

macro_rules! ffi_model {
    ($(#[$m:meta])* $name:ident ($view:ident) {
        $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        impl From<enkash::host::$view> for $name {
            fn from(v: enkash::host::$view) -> Self {
                $name { $( $field: v.$field, )* }
            }
        }
    };
}
enkash::for_each_host_model!(ffi_model);

fn refund_record(r: enkash::Refund) -> Refund {
    enkash::host::RefundView::from(r).into()
}

fn transaction_record(t: enkash::Transaction) -> Transaction {
    enkash::host::TransactionView::from(t).into()
}

fn order_record(o: enkash::Order) -> Order {
    enkash::host::OrderView::from(o).into()
}

fn token_record(t: enkash::TokenInfo) -> TokenInfo {
    enkash::host::TokenView::from(t).into()
}

fn issued_record(t: enkash::IssuedToken) -> IssuedToken {
    enkash::host::IssuedTokenView::from(t).into()
}

/// Why a [`TokenProvider`] could not hand over a token (Kotlin `TokenProviderException.Failed`,
/// Swift `TokenProviderError.Failed`); the client reports it as an `Authentication` error.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TokenProviderError {
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TokenProviderError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TokenProviderError::Failed { reason: e.reason }
    }
}

/// Where an app's client gets its tokens without ever holding the secret key: typically the
/// merchant's own backend, which calls `issueToken()` with its own client. Kotlin: a class with
/// `override suspend fun fetchToken(): IssuedToken`; Swift: `func fetchToken() async throws ->
/// IssuedToken`. The client caches the token, asks once for many callers, refreshes before
/// `expiresAtMs` and once after the gateway rejects it.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync {
    async fn fetch_token(&self) -> Result<IssuedToken, TokenProviderError>;
}

/// A foreign [`TokenProvider`] as the core's.
struct ForeignTokenProvider(Arc<dyn TokenProvider>);

impl enkash::TokenProvider for ForeignTokenProvider {
    fn fetch_token(&self) -> enkash::TokenFuture<'_> {
        Box::pin(async move {
            match self.0.fetch_token().await {
                Ok(t) => Ok(enkash::IssuedToken::new(t.token.0, t.expires_at_ms)),
                Err(TokenProviderError::Failed { reason }) => Err(enkash::Error::new(
                    ErrorKind::Authentication,
                    format!("token provider: {reason}"),
                )),
            }
        })
    }
}

fn refund_options(
    request_id: Option<String>,
    remarks: Option<String>,
    reconcile_first: bool,
) -> enkash::RefundOptions {
    let mut o = enkash::RefundOptions::new().reconcile_first(reconcile_first);
    o.request_id = request_id;
    o.remarks = remarks;
    o
}

fn amount(m: Money) -> Result<enkash::Amount, enkash::Error> {
    enkash::Amount::from_decimal(m.0)
}

/// One error type, one case per core error kind (Kotlin `EnkashException.*`, Swift `EnkashError.*`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum EnkashError {
    #[error("{}", info.message)]
    InvalidRequest { info: ErrorInfo },
    #[error("{}", info.message)]
    Configuration { info: ErrorInfo },
    #[error("{}", info.message)]
    Authentication { info: ErrorInfo },
    #[error("{}", info.message)]
    TransactionNotRefundable { info: ErrorInfo },
    #[error("{}", info.message)]
    RefundExceedsAvailable { info: ErrorInfo },
    #[error("{}", info.message)]
    InsufficientBalance { info: ErrorInfo },
    #[error("{}", info.message)]
    BeneficiaryAccount { info: ErrorInfo },
    #[error("{}", info.message)]
    RateLimited { info: ErrorInfo },
    #[error("{}", info.message)]
    NotFound { info: ErrorInfo },
    #[error("{}", info.message)]
    Api { info: ErrorInfo },
    #[error("{}", info.message)]
    Timeout { info: ErrorInfo },
    #[error("{}", info.message)]
    Network { info: ErrorInfo },
    #[error("{}", info.message)]
    OutcomeUnknown { info: ErrorInfo },
    #[error("{}", info.message)]
    Decode { info: ErrorInfo },
    #[error("{}", info.message)]
    Usage { info: ErrorInfo },
    #[error("{}", info.message)]
    Internal { info: ErrorInfo },
}

impl From<enkash::Error> for EnkashError {
    fn from(e: enkash::Error) -> Self {
        let info = ErrorInfo::from(e.info());
        match e.kind() {
            ErrorKind::InvalidRequest => EnkashError::InvalidRequest { info },
            ErrorKind::Configuration => EnkashError::Configuration { info },
            ErrorKind::Authentication => EnkashError::Authentication { info },
            ErrorKind::TransactionNotRefundable => EnkashError::TransactionNotRefundable { info },
            ErrorKind::RefundExceedsAvailable => EnkashError::RefundExceedsAvailable { info },
            ErrorKind::InsufficientBalance => EnkashError::InsufficientBalance { info },
            ErrorKind::BeneficiaryAccount => EnkashError::BeneficiaryAccount { info },
            ErrorKind::RateLimited => EnkashError::RateLimited { info },
            ErrorKind::NotFound => EnkashError::NotFound { info },
            ErrorKind::Api => EnkashError::Api { info },
            ErrorKind::Timeout => EnkashError::Timeout { info },
            ErrorKind::Network => EnkashError::Network { info },
            ErrorKind::OutcomeUnknown => EnkashError::OutcomeUnknown { info },
            ErrorKind::Decode => EnkashError::Decode { info },
            ErrorKind::Usage => EnkashError::Usage { info },
            _ => EnkashError::Internal { info },
        }
    }
}

impl EnkashError {
    fn internal(message: &str) -> EnkashError {
        enkash::Error::new(ErrorKind::Internal, message.to_owned()).into()
    }
}

/// The EnKash client: `suspend`/`async` methods, plus `*Blocking` variants for Java and threads.
#[derive(uniffi::Object)]
pub struct EnkashClient {
    inner: enkash::blocking::Client,
}

impl EnkashClient {
    /// Runs `make(client)` on the client's runtime and awaits it from any executor (the foreign
    /// one: a JoinHandle and a oneshot wake whichever executor polls them); a panic becomes
    /// `EnkashError::Internal`; dropping the awaiting future aborts the work.
    async fn spawn<T, F, Fut>(&self, make: F) -> Result<T, EnkashError>
    where
        T: Send + 'static,
        F: FnOnce(enkash::Client) -> Fut,
        Fut: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let call = make(self.inner.async_client().clone());
        // One task type for every method (the answer goes through the oneshot): tokio's task
        // machinery is instantiated once, not once per method, in a library built for size.
        // Boxed: a task is moved several times before it runs (kilobytes per move unboxed).
        let task: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(async move {
            let _ = answer.send(call.await);
        });
        let handle = self.inner.runtime_handle().spawn(task);
        let _guard = AbortOnDrop(handle.abort_handle());
        match handle.await {
            Ok(()) => match answered.await {
                Ok(r) => r.map_err(EnkashError::from),
                Err(_) => Err(EnkashError::internal("the call ended without an answer")),
            },
            Err(e) if e.is_panic() => Err(EnkashError::internal(
                "a panic inside the enkash core was caught",
            )),
            Err(_) => Err(EnkashError::internal("the call was cancelled")),
        }
    }

    fn build(
        config: ClientConfig,
        from_env: bool,
        provider: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Arc<Self>, EnkashError> {
        let mut builder = ClientOptions::from(config).into_builder(from_env, BINDING)?;
        if let Some(p) = provider {
            builder = builder.token_provider(Arc::new(ForeignTokenProvider(p)));
        }
        let config = builder.build()?;
        let inner = enkash::blocking::Client::new(config)?;
        Ok(Arc::new(EnkashClient { inner }))
    }

    fn blocking<T>(
        &self,
        f: impl FnOnce(&enkash::blocking::Client) -> Result<T, enkash::Error>,
    ) -> Result<T, EnkashError> {
        match std::panic::catch_unwind(AssertUnwindSafe(|| f(&self.inner))) {
            Ok(r) => r.map_err(EnkashError::from),
            Err(_) => Err(EnkashError::internal(
                "a panic inside the enkash core was caught",
            )),
        }
    }
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[uniffi::export]
impl EnkashClient {
    /// A client for `config`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, EnkashError> {
        Self::build(config, false, None)
    }

    /// A client for an app that must not hold the secret key: tokens come from `provider`
    /// (leave `secretKey` unset; `accessKey` is still needed).
    #[uniffi::constructor]
    pub fn with_token_provider(
        config: ClientConfig,
        provider: Arc<dyn TokenProvider>,
    ) -> Result<Arc<Self>, EnkashError> {
        Self::build(config, false, Some(provider))
    }

    /// A client from ENKASH_ACCESS_KEY / ENKASH_SECRET_KEY / ENKASH_BASE_URL /
    /// ENKASH_ENVIRONMENT; options set in `config` win.
    #[uniffi::constructor]
    pub fn from_env(config: ClientConfig) -> Result<Arc<Self>, EnkashError> {
        Self::build(config, true, None)
    }

    /// The base URL in use.
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_owned()
    }

    /// Refunds `amount` of the successful payment `transaction_id`, exactly once. Persist
    /// `request_id` before calling: it is how an `OutcomeUnknown` is settled later.
    pub async fn refund(
        &self,
        transaction_id: String,
        amount: Money,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> Result<Refund, EnkashError> {
        let amount = self::amount(amount)?;
        let opts = refund_options(request_id, remarks, reconcile_first);
        self.spawn(move |c| async move {
            c.refund(&transaction_id, amount, opts)
                .await
                .map(refund_record)
        })
        .await
    }

    /// Looks a refund up.
    pub async fn get_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Result<Refund, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        self.spawn(move |c| async move { c.get_refund(&q).await.map(refund_record) })
            .await
    }

    /// The refund, or null/nil only when the gateway proves it does not exist; settles an
    /// `OutcomeUnknown` with its `requestId`.
    pub async fn find_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Result<Option<Refund>, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        self.spawn(move |c| async move { Ok(c.find_refund(&q).await?.map(refund_record)) })
            .await
    }

    /// Polls until the refund is final or `timeout` passes (default: the SDK's default wait).
    pub async fn wait_for_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout: Option<Duration>,
    ) -> Result<Refund, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        let timeout = timeout.unwrap_or(enkash::host::DEFAULT_WAIT);
        self.spawn(move |c| async move { c.wait_for_refund(&q, timeout).await.map(refund_record) })
            .await
    }

    /// Status of a payment (or refund) transaction.
    pub async fn get_transaction(
        &self,
        transaction_id: String,
    ) -> Result<Transaction, EnkashError> {
        self.spawn(move |c| async move {
            c.get_transaction(&transaction_id)
                .await
                .map(transaction_record)
        })
        .await
    }

    /// Status of an order.
    pub async fn get_order(&self, order_id: String) -> Result<Order, EnkashError> {
        self.spawn(move |c| async move { c.get_order(&order_id).await.map(order_record) })
            .await
    }

    /// Gets (or reuses) a token; reports its expiry, never the token.
    pub async fn check_token(&self) -> Result<TokenInfo, EnkashError> {
        self.spawn(|c| async move { c.check_token().await.map(token_record) })
            .await
    }

    /// A new token for the merchant's apps (server side of `TokenProvider`; never logged).
    pub async fn issue_token(&self) -> Result<IssuedToken, EnkashError> {
        self.spawn(|c| async move { c.issue_token().await.map(issued_record) })
            .await
    }

    /// Blocking `refund`, for Java callers and plain threads.
    pub fn refund_blocking(
        &self,
        transaction_id: String,
        amount: Money,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> Result<Refund, EnkashError> {
        let amount = self::amount(amount)?;
        let opts = refund_options(request_id, remarks, reconcile_first);
        self.blocking(|c| c.refund(&transaction_id, amount, opts).map(refund_record))
    }

    /// Blocking `getRefund`.
    pub fn get_refund_blocking(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Result<Refund, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        self.blocking(|c| c.get_refund(&q).map(refund_record))
    }

    /// Blocking `findRefund`.
    pub fn find_refund_blocking(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Result<Option<Refund>, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        self.blocking(|c| Ok(c.find_refund(&q)?.map(refund_record)))
    }

    /// Blocking `waitForRefund`.
    pub fn wait_for_refund_blocking(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout: Option<Duration>,
    ) -> Result<Refund, EnkashError> {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        let timeout = timeout.unwrap_or(enkash::host::DEFAULT_WAIT);
        self.blocking(|c| c.wait_for_refund(&q, timeout).map(refund_record))
    }

    /// Blocking `getTransaction`.
    pub fn get_transaction_blocking(
        &self,
        transaction_id: String,
    ) -> Result<Transaction, EnkashError> {
        self.blocking(|c| c.get_transaction(&transaction_id).map(transaction_record))
    }

    /// Blocking `getOrder`.
    pub fn get_order_blocking(&self, order_id: String) -> Result<Order, EnkashError> {
        self.blocking(|c| c.get_order(&order_id).map(order_record))
    }

    /// Blocking `checkToken`.
    pub fn check_token_blocking(&self) -> Result<TokenInfo, EnkashError> {
        self.blocking(|c| c.check_token().map(token_record))
    }

    /// Blocking `issueToken`.
    pub fn issue_token_blocking(&self) -> Result<IssuedToken, EnkashError> {
        self.blocking(|c| c.issue_token().map(issued_record))
    }
}

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[uniffi::export]
pub fn parse_payment_notification(body: Vec<u8>) -> Result<PaymentNotification, EnkashError> {
    let n = enkash::parse_payment_notification(&body)?;
    Ok(enkash::host::PaymentNotificationView::from(n).into())
}

/// Parses rupee text exactly with the core's rules ("100.50" ok; "1.005", "1e3", "-1" refused).
#[uniffi::export]
pub fn parse_amount(text: String) -> Result<Money, EnkashError> {
    Ok(Money(enkash::Amount::parse(&text)?.as_decimal()))
}

/// A new refund `requestId`: store it before refunding, then pass it to `refund`; whatever happens
/// (a crash, a cancelled coroutine or Task, `OutcomeUnknown`) it finds the refund again.
#[uniffi::export]
pub fn new_request_id() -> String {
    enkash::new_request_id()
}

/// The core's public surface as JSON, for the parity test.
#[uniffi::export]
pub fn surface() -> String {
    enkash::host::surface().to_json()
}

/// Every error kind's stable code, in the order of the core's kinds (for the mapping test).
#[uniffi::export]
pub fn error_codes() -> Vec<String> {
    ErrorKind::ALL.iter().map(|k| k.code().to_owned()).collect()
}

/// Panics inside the core's runtime, to prove a panic surfaces as `EnkashError.Internal`.
#[uniffi::export]
pub fn trigger_internal_panic() -> Result<(), EnkashError> {
    match std::panic::catch_unwind(|| {
        #[allow(clippy::panic)]
        if std::process::id() > 0 {
            panic!("deliberate panic for the FFI-safety test");
        }
    }) {
        Ok(()) => Ok(()),
        Err(_) => Err(EnkashError::internal(
            "a panic inside the enkash core was caught",
        )),
    }
}
