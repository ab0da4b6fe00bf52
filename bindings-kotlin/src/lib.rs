//! uniffi bindings of the enkash SDK for Kotlin (`com.enkash.sdk`) and Swift (`Enkash`).
//! Glue only: type conversion and a 1:1 error mapping; every rule lives in the core.

#![allow(missing_docs)] // cases and fields mirror the documented core `ErrorKind` / models

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use enkash::{Config, Decimal, Environment, ErrorKind, RefundLookup, RefundQuery};

uniffi::setup_scaffolding!("enkash");

/// Exact decimal money; crosses the FFI as its decimal text (BigDecimal / Decimal on the other side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money(pub Decimal);

uniffi::custom_type!(Money, String, {
    lower: |m| m.0.normalize().to_string(),
    try_lift: |s| Ok(Money(s.trim().parse::<Decimal>().map_err(|_| EnkashError::invalid("amount", format!("{s:?} is not a decimal number")))?)),
});

/// A secret string (access or secret key): the foreign `Secret` type never prints its value.
#[derive(Clone)]
pub struct SecretString(pub String);

uniffi::custom_type!(SecretString, String, {
    lower: |s| s.0,
    try_lift: |s| Ok(SecretString(s)),
});

/// What every error case carries.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    /// Stable kind name, e.g. "refund_exceeds_available".
    pub code: String,
    /// Human message (never contains credentials or tokens).
    pub message: String,
    pub http_status: Option<u16>,
    /// The gateway's `response_code`.
    pub response_code: Option<i64>,
    /// The refund's `requestId` when the error concerns a refund.
    pub request_id: Option<String>,
    pub retryable: bool,
    /// For invalid input: the field that broke a rule.
    pub field: Option<String>,
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
        let info = ErrorInfo {
            code: e.kind_code().to_owned(),
            message: e.to_string(),
            http_status: e.http_status(),
            response_code: e.response_code(),
            request_id: e.request_id().map(str::to_owned),
            retryable: e.is_retryable(),
            field: e.field().map(str::to_owned),
        };
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
    fn invalid(field: &'static str, rule: impl Into<String>) -> EnkashError {
        enkash::Error::invalid(field, rule).into()
    }

    fn internal(message: &str) -> EnkashError {
        enkash::Error::new(ErrorKind::Internal, message.to_owned()).into()
    }
}

/// How a refund stands.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RefundStatus {
    Pending,
    Succeeded,
    Failed,
    Unknown,
}

/// Client configuration; durations in milliseconds, `None` keeps the SDK default.
#[derive(uniffi::Record)]
pub struct ClientConfig {
    pub access_key: SecretString,
    pub secret_key: SecretString,
    /// "uat" or "production" (ignored when `base_url` is set).
    #[uniffi(default = None)]
    pub environment: Option<String>,
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<u64>,
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
    #[uniffi(default = None)]
    pub initial_backoff_ms: Option<u64>,
    #[uniffi(default = None)]
    pub max_backoff_ms: Option<u64>,
    /// "enquiry" (default) or "transaction_status_only".
    #[uniffi(default = None)]
    pub refund_lookup: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Refund {
    pub request_id: String,
    pub transaction_id: String,
    pub refund_transaction_id: Option<String>,
    pub amount: Money,
    pub status: RefundStatus,
    pub raw_status: String,
    pub message: Option<String>,
    pub txn_date: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub payment_mode: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Transaction {
    pub transaction_id: String,
    pub status: String,
    pub amount: Option<Money>,
    pub payment_mode: Option<String>,
    pub message: Option<String>,
    pub txn_date: Option<String>,
    pub bank_transaction_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Order {
    pub order_id: String,
    pub status: Option<String>,
    pub amount: Option<Money>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentNotification {
    pub transaction_id: Option<String>,
    pub order_id: Option<String>,
    pub status: Option<String>,
    pub order_status: Option<String>,
    pub amount: Option<Money>,
    pub final_amount: Option<Money>,
    pub payment_mode: Option<String>,
    pub checksum: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TokenInfo {
    pub expires_at_ms: Option<i64>,
    pub cached: bool,
}

fn refund_record(r: enkash::Refund) -> Refund {
    Refund {
        amount: Money(r.amount),
        status: match r.status {
            enkash::RefundStatus::Pending => RefundStatus::Pending,
            enkash::RefundStatus::Succeeded => RefundStatus::Succeeded,
            enkash::RefundStatus::Failed => RefundStatus::Failed,
            _ => RefundStatus::Unknown,
        },
        payment_mode: r.payment_mode.map(|m| m.as_str().to_owned()),
        request_id: r.request_id,
        transaction_id: r.transaction_id,
        refund_transaction_id: r.refund_transaction_id,
        raw_status: r.raw_status,
        message: r.message,
        txn_date: r.txn_date,
        bank_transaction_id: r.bank_transaction_id,
    }
}

fn transaction_record(t: enkash::Transaction) -> Transaction {
    Transaction {
        status: t.status.as_str().to_owned(),
        amount: t.amount.map(Money),
        payment_mode: t.payment_mode.map(|m| m.as_str().to_owned()),
        transaction_id: t.transaction_id,
        message: t.message,
        txn_date: t.txn_date,
        bank_transaction_id: t.bank_transaction_id,
    }
}

fn order_record(o: enkash::Order) -> Order {
    Order {
        status: o.status.map(|s| s.as_str().to_owned()),
        amount: o.amount.map(Money),
        order_id: o.order_id,
    }
}

fn build_config(c: ClientConfig) -> Result<Config, enkash::Error> {
    let mut b = Config::builder()
        .access_key(c.access_key.0)
        .secret_key(c.secret_key.0);
    if let Some(url) = c.base_url {
        b = b.base_url(url);
    } else if let Some(env) = c.environment {
        b = b.environment(Environment::parse(&env)?);
    }
    if let Some(v) = c.timeout_ms {
        b = b.total_timeout(Duration::from_millis(v));
    }
    if let Some(v) = c.connect_timeout_ms {
        b = b.connect_timeout(Duration::from_millis(v));
    }
    if let Some(v) = c.request_timeout_ms {
        b = b.request_timeout(Duration::from_millis(v));
    }
    if let Some(v) = c.max_retries {
        b = b.max_retries(v);
    }
    if let Some(v) = c.initial_backoff_ms {
        b = b.initial_backoff(Duration::from_millis(v));
    }
    if let Some(v) = c.max_backoff_ms {
        b = b.max_backoff(Duration::from_millis(v));
    }
    if let Some(lookup) = RefundLookup::from_name(c.refund_lookup.as_deref(), None)? {
        b = b.refund_lookup(lookup);
    }
    b.user_agent_suffix(concat!("enkash-uniffi/", env!("CARGO_PKG_VERSION")))
        .build()
}

fn query(
    transaction_id: String,
    request_id: String,
    refund_transaction_id: Option<String>,
) -> RefundQuery {
    RefundQuery::new(transaction_id, request_id)
        .with_optional_refund_transaction_id(refund_transaction_id)
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

/// The EnKash client: `suspend`/`async` methods, plus `*Blocking` variants for Java and threads.
#[derive(uniffi::Object)]
pub struct EnkashClient {
    inner: enkash::blocking::Client,
}

impl EnkashClient {
    /// Runs `make(client)` on the client's runtime and awaits it from any executor; a panic
    /// becomes `EnkashError::Internal`; dropping the awaiting future aborts the work.
    async fn spawn<T, F, Fut>(&self, make: F) -> Result<T, EnkashError>
    where
        T: Send + 'static,
        F: FnOnce(enkash::Client) -> Fut,
        Fut: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    {
        let fut = make(self.inner.async_client().clone());
        let handle = self.inner.runtime_handle().spawn(fut);
        let _guard = AbortOnDrop(handle.abort_handle());
        match handle.await {
            Ok(r) => r.map_err(EnkashError::from),
            Err(e) if e.is_panic() => Err(EnkashError::internal(
                "a panic inside the enkash core was caught",
            )),
            Err(_) => Err(EnkashError::internal("the call was cancelled")),
        }
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

#[uniffi::export(async_runtime = "tokio")]
impl EnkashClient {
    /// A client for `config`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<std::sync::Arc<Self>, EnkashError> {
        let config = build_config(config)?;
        let inner = enkash::blocking::Client::new(config)?;
        Ok(std::sync::Arc::new(EnkashClient { inner }))
    }

    /// The base URL in use.
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_owned()
    }

    /// Refunds `amount` of the successful payment `transaction_id`, exactly once.
    pub async fn refund(
        &self,
        transaction_id: String,
        amount: Money,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> Result<Refund, EnkashError> {
        let amount = enkash::Amount::from_decimal(amount.0)?;
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
        let q = query(transaction_id, request_id, refund_transaction_id);
        self.spawn(move |c| async move { c.get_refund(&q).await.map(refund_record) })
            .await
    }

    /// Polls until the refund is final or `timeout_ms` passes.
    pub async fn wait_for_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout_ms: u64,
    ) -> Result<Refund, EnkashError> {
        let q = query(transaction_id, request_id, refund_transaction_id);
        self.spawn(move |c| async move {
            c.wait_for_refund(&q, Duration::from_millis(timeout_ms))
                .await
                .map(refund_record)
        })
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
        self.spawn(|c| async move {
            let t = c.check_token().await?;
            Ok(TokenInfo {
                expires_at_ms: t.expires_at_ms,
                cached: t.cached,
            })
        })
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
        self.blocking(|c| {
            let amount = enkash::Amount::from_decimal(amount.0)?;
            c.refund(
                &transaction_id,
                amount,
                refund_options(request_id, remarks, reconcile_first),
            )
            .map(refund_record)
        })
    }

    /// Blocking `getRefund`.
    pub fn get_refund_blocking(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Result<Refund, EnkashError> {
        self.blocking(|c| {
            c.get_refund(&query(transaction_id, request_id, refund_transaction_id))
                .map(refund_record)
        })
    }

    /// Blocking `waitForRefund`.
    pub fn wait_for_refund_blocking(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout_ms: u64,
    ) -> Result<Refund, EnkashError> {
        self.blocking(|c| {
            c.wait_for_refund(
                &query(transaction_id, request_id, refund_transaction_id),
                Duration::from_millis(timeout_ms),
            )
            .map(refund_record)
        })
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
}

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[uniffi::export]
pub fn parse_payment_notification(body: Vec<u8>) -> Result<PaymentNotification, EnkashError> {
    let n = enkash::parse_payment_notification(&body)?;
    Ok(PaymentNotification {
        status: n.status.map(|s| s.as_str().to_owned()),
        order_status: n.order_status.map(|s| s.as_str().to_owned()),
        amount: n.amount.map(Money),
        final_amount: n.final_amount.map(Money),
        payment_mode: n.payment_mode.map(|s| s.as_str().to_owned()),
        transaction_id: n.transaction_id,
        order_id: n.order_id,
        checksum: n.checksum,
    })
}

/// Parses rupee text exactly with the core's rules ("100.50" ok; "1.005", "1e3", "-1" refused).
#[uniffi::export]
pub fn parse_amount(text: String) -> Result<Money, EnkashError> {
    Ok(Money(enkash::Amount::parse(&text)?.as_decimal()))
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
