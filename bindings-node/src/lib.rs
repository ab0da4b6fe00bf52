//! Native half of the `enkash` npm package. Glue only: JS values ⇄ core types, and core errors →
//! plain `ErrorInfo` objects that `index.js` turns into `Error` subclasses (one per error kind).
//! Async methods run on napi's tokio runtime, never on the JS thread.

#![allow(missing_docs)] // the public API is documented in index.d.ts

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::Duration;

use enkash::{Amount, Config, Decimal, Environment, ErrorKind, RefundLookup, RefundQuery};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;

/// Options of `new Client(...)`; durations in milliseconds.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub environment: Option<String>,
    pub base_url: Option<String>,
    pub timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub request_timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    pub initial_backoff_ms: Option<f64>,
    pub max_backoff_ms: Option<f64>,
    pub max_retry_after_ms: Option<f64>,
    pub proxy: Option<String>,
    pub extra_root_ca_pem: Option<String>,
    pub user_agent_suffix: Option<String>,
    pub token_refresh_skew_ms: Option<f64>,
    pub refund_lookup: Option<String>,
    pub refund_enquiry_path: Option<String>,
    pub merchant_access_key: Option<String>,
    pub from_env: Option<bool>,
}

#[napi(object)]
#[derive(Default)]
pub struct RefundOptions {
    pub request_id: Option<String>,
    pub remarks: Option<String>,
    pub reconcile_first: Option<bool>,
}

#[napi(object)]
pub struct ErrorInfo {
    pub name: String,
    pub code: String,
    pub message: String,
    pub http_status: Option<u32>,
    pub response_code: Option<i64>,
    pub request_id: Option<String>,
    pub server_request_id: Option<String>,
    pub retryable: bool,
    pub field: Option<String>,
    pub retry_after_ms: Option<f64>,
    pub cause: Option<String>,
}

#[napi(object)]
pub struct Refund {
    pub request_id: String,
    pub transaction_id: String,
    pub refund_transaction_id: Option<String>,
    /// Exact decimal rupees, e.g. "100.50".
    pub amount: String,
    /// "pending" | "succeeded" | "failed" | "unknown"
    pub status: String,
    pub raw_status: String,
    pub message: Option<String>,
    pub txn_date: Option<String>,
    pub created: Option<String>,
    pub last_modified: Option<String>,
    pub unique_transaction_id: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub payment_mode: Option<String>,
    pub currency: Option<String>,
}

#[napi(object)]
pub struct Transaction {
    pub transaction_id: String,
    pub status: String,
    pub amount: Option<String>,
    pub payment_mode: Option<String>,
    pub currency: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub message: Option<String>,
    pub txn_date: Option<String>,
    pub created: Option<String>,
    pub last_modified: Option<String>,
    pub unique_transaction_id: Option<String>,
    pub bank_transaction_id: Option<String>,
}

#[napi(object)]
pub struct Order {
    pub order_id: String,
    pub status: Option<String>,
    pub amount: Option<String>,
    pub created: Option<String>,
    pub last_modified: Option<String>,
}

#[napi(object)]
pub struct TokenInfo {
    pub expires_at_ms: Option<f64>,
    pub cached: bool,
}

#[napi(object)]
pub struct PaymentNotification {
    pub transaction_id: Option<String>,
    pub order_id: Option<String>,
    pub status: Option<String>,
    pub order_status: Option<String>,
    pub amount: Option<String>,
    pub final_amount: Option<String>,
    pub transaction_amount: Option<String>,
    pub surcharge: Option<String>,
    pub surcharge_gst: Option<String>,
    pub mdr: Option<String>,
    pub mdr_gst: Option<String>,
    pub payment_mode: Option<String>,
    pub currency: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub card_scheme: Option<String>,
    pub masked_card_number: Option<String>,
    pub card_holder_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub unique_transaction_id: Option<String>,
    pub message: Option<String>,
    pub txn_date: Option<String>,
    pub checksum: Option<String>,
    pub payment_token: Option<String>,
}

#[napi(object)]
pub struct RefundOutcome {
    pub value: Option<Refund>,
    pub error: Option<ErrorInfo>,
}

#[napi(object)]
pub struct TransactionOutcome {
    pub value: Option<Transaction>,
    pub error: Option<ErrorInfo>,
}

#[napi(object)]
pub struct OrderOutcome {
    pub value: Option<Order>,
    pub error: Option<ErrorInfo>,
}

#[napi(object)]
pub struct TokenOutcome {
    pub value: Option<TokenInfo>,
    pub error: Option<ErrorInfo>,
}

#[napi(object)]
pub struct NotificationOutcome {
    pub value: Option<PaymentNotification>,
    pub error: Option<ErrorInfo>,
}

#[napi(object)]
pub struct ErrorKindInfo {
    pub code: String,
    pub name: String,
}

/// The JS class name for each error kind (the core's one table).
fn class_name(kind: ErrorKind) -> &'static str {
    kind.exception_name()
}

fn error_info(e: &enkash::Error) -> ErrorInfo {
    use std::error::Error as _;
    let cause = e.source().map(|s| {
        let mut chain = s.to_string();
        let mut cur = s.source();
        while let Some(c) = cur {
            chain.push_str(": ");
            chain.push_str(&c.to_string());
            cur = c.source();
        }
        chain
    });
    ErrorInfo {
        name: class_name(e.kind()).to_owned(),
        code: e.kind_code().to_owned(),
        message: e.to_string(),
        http_status: e.http_status().map(u32::from),
        response_code: e.response_code(),
        request_id: e.request_id().map(str::to_owned),
        server_request_id: e.server_request_id().map(str::to_owned),
        retryable: e.is_retryable(),
        field: e.field().map(str::to_owned),
        retry_after_ms: e.retry_after().map(|d| d.as_secs_f64() * 1000.0),
        cause,
    }
}

fn internal(message: &str) -> enkash::Error {
    enkash::Error::new(ErrorKind::Internal, message.to_owned())
}

/// Exact money text: two decimals when the value has at most two, else every digit it has.
fn money(d: Decimal) -> String {
    if d.scale() <= 2 {
        format!("{d:.2}")
    } else {
        d.normalize().to_string()
    }
}

/// A JS amount → [`Amount`]: a decimal string, or a number whose *exact* binary value has at
/// most two decimals (100, 99.5, 0.25). `0.07` or `0.1 + 0.2` are not exact: pass a string.
fn amount(value: Either<String, f64>) -> Result<Amount, enkash::Error> {
    match value {
        Either::A(text) => Amount::parse(&text),
        Either::B(n) => {
            if !n.is_finite() {
                return Err(enkash::Error::invalid(
                    "amount",
                    format!("must be a finite number, got {n}"),
                ));
            }
            let exact = Decimal::from_f64_retain(n).map(|d| d.normalize());
            match exact {
                Some(d) if d.scale() <= 2 => Amount::from_decimal(d),
                _ => Err(enkash::Error::invalid(
                    "amount",
                    format!(
                        "must be exact: the number {n} has no exact 2-decimal value in binary floating point; pass a string such as \"{n}\""
                    ),
                )),
            }
        }
    }
}

fn millis(field: &'static str, ms: f64) -> Result<Duration, enkash::Error> {
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| {
        enkash::Error::invalid(
            field,
            "must be a finite, non-negative number of milliseconds",
        )
    })
}

fn build_config(o: ClientOptions) -> Result<Config, enkash::Error> {
    let mut b = if o.from_env.unwrap_or(false) {
        Config::builder_from_env()?
    } else {
        Config::builder()
    };
    if let Some(v) = o.access_key {
        b = b.access_key(v);
    }
    if let Some(v) = o.secret_key {
        b = b.secret_key(v);
    }
    if let Some(v) = o.base_url {
        b = b.base_url(v);
    } else if let Some(v) = o.environment {
        b = b.environment(Environment::parse(&v)?);
    }
    if let Some(v) = o.timeout_ms {
        b = b.total_timeout(millis("timeoutMs", v)?);
    }
    if let Some(v) = o.connect_timeout_ms {
        b = b.connect_timeout(millis("connectTimeoutMs", v)?);
    }
    if let Some(v) = o.request_timeout_ms {
        b = b.request_timeout(millis("requestTimeoutMs", v)?);
    }
    if let Some(v) = o.max_retries {
        b = b.max_retries(v);
    }
    if let Some(v) = o.initial_backoff_ms {
        b = b.initial_backoff(millis("initialBackoffMs", v)?);
    }
    if let Some(v) = o.max_backoff_ms {
        b = b.max_backoff(millis("maxBackoffMs", v)?);
    }
    if let Some(v) = o.max_retry_after_ms {
        b = b.max_retry_after(millis("maxRetryAfterMs", v)?);
    }
    if let Some(v) = o.proxy {
        b = b.proxy(v);
    }
    if let Some(v) = o.extra_root_ca_pem {
        b = b.extra_root_ca_pem(v.into_bytes());
    }
    if let Some(v) = o.token_refresh_skew_ms {
        b = b.token_refresh_skew(millis("tokenRefreshSkewMs", v)?);
    }
    if let Some(v) = o.merchant_access_key {
        b = b.merchant_access_key(v);
    }
    if let Some(lookup) =
        RefundLookup::from_name(o.refund_lookup.as_deref(), o.refund_enquiry_path)?
    {
        b = b.refund_lookup(lookup);
    }
    let suffix = concat!("enkash-node/", env!("CARGO_PKG_VERSION"));
    b = b.user_agent_suffix(match o.user_agent_suffix {
        Some(extra) => format!("{suffix} {extra}"),
        None => suffix.to_owned(),
    });
    b.build()
}

fn refund_js(r: enkash::Refund) -> Refund {
    Refund {
        amount: money(r.amount),
        status: r.status.as_str().to_owned(),
        payment_mode: r.payment_mode.map(|m| m.as_str().to_owned()),
        request_id: r.request_id,
        transaction_id: r.transaction_id,
        refund_transaction_id: r.refund_transaction_id,
        raw_status: r.raw_status,
        message: r.message,
        txn_date: r.txn_date,
        created: r.created,
        last_modified: r.last_modified,
        unique_transaction_id: r.unique_transaction_id,
        bank_transaction_id: r.bank_transaction_id,
        currency: r.currency,
    }
}

fn transaction_js(t: enkash::Transaction) -> Transaction {
    Transaction {
        status: t.status.as_str().to_owned(),
        amount: t.amount.map(money),
        payment_mode: t.payment_mode.map(|m| m.as_str().to_owned()),
        transaction_id: t.transaction_id,
        currency: t.currency,
        bank_code: t.bank_code,
        bank_name: t.bank_name,
        message: t.message,
        txn_date: t.txn_date,
        created: t.created,
        last_modified: t.last_modified,
        unique_transaction_id: t.unique_transaction_id,
        bank_transaction_id: t.bank_transaction_id,
    }
}

/// Runs `fut`, turning a panic into an `InternalError` instead of crashing the process.
async fn guarded<T, F: Future<Output = Result<T, enkash::Error>>>(
    fut: F,
) -> Result<T, enkash::Error> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r,
        Err(_) => Err(internal("a panic inside the enkash core was caught")),
    }
}

macro_rules! outcome {
    ($ty:ident, $result:expr) => {
        match $result {
            Ok(v) => $ty {
                value: Some(v),
                error: None,
            },
            Err(e) => $ty {
                value: None,
                error: Some(error_info(&e)),
            },
        }
    };
}

/// The native client: `index.js` wraps it as `Client`.
#[napi]
pub struct NativeClient {
    client: Mutex<Option<enkash::Client>>,
    config_error: Option<enkash::Error>,
    base_url: String,
}

impl NativeClient {
    fn client(&self) -> Result<enkash::Client, enkash::Error> {
        if let Some(e) = &self.config_error {
            return Err(e.clone());
        }
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| enkash::Error::new(ErrorKind::Usage, "the client is closed"))
    }
}

fn query(
    transaction_id: String,
    request_id: String,
    refund_transaction_id: Option<String>,
) -> RefundQuery {
    RefundQuery::new(transaction_id, request_id)
        .with_optional_refund_transaction_id(refund_transaction_id)
}

#[napi]
impl NativeClient {
    /// Never throws: a configuration error is reported by `configError`.
    #[napi(constructor)]
    pub fn new(options: Option<ClientOptions>) -> Self {
        match build_config(options.unwrap_or_default()).and_then(|c| {
            let url = c.base_url().to_owned();
            enkash::Client::new(c).map(|client| (client, url))
        }) {
            Ok((client, base_url)) => NativeClient {
                client: Mutex::new(Some(client)),
                config_error: None,
                base_url,
            },
            Err(e) => NativeClient {
                client: Mutex::new(None),
                config_error: Some(e),
                base_url: String::new(),
            },
        }
    }

    #[napi(getter)]
    pub fn config_error(&self) -> Option<ErrorInfo> {
        self.config_error.as_ref().map(error_info)
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    #[napi]
    pub fn close(&self) {
        self.client.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    #[napi]
    pub async fn refund(
        &self,
        transaction_id: String,
        amount_value: Either<String, f64>,
        options: Option<RefundOptions>,
    ) -> RefundOutcome {
        let o = options.unwrap_or_default();
        let result = guarded(async {
            let amount = amount(amount_value)?;
            let mut opts =
                enkash::RefundOptions::new().reconcile_first(o.reconcile_first.unwrap_or(false));
            opts.request_id = o.request_id;
            opts.remarks = o.remarks;
            self.client()?
                .refund(&transaction_id, amount, opts)
                .await
                .map(refund_js)
        })
        .await;
        outcome!(RefundOutcome, result)
    }

    #[napi]
    pub async fn get_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> RefundOutcome {
        let q = query(transaction_id, request_id, refund_transaction_id);
        let result = guarded(async { self.client()?.get_refund(&q).await.map(refund_js) }).await;
        outcome!(RefundOutcome, result)
    }

    /// `value` is absent (and `error` too) only when the refund provably does not exist.
    #[napi]
    pub async fn find_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> RefundOutcome {
        let q = query(transaction_id, request_id, refund_transaction_id);
        match guarded(async { self.client()?.find_refund(&q).await }).await {
            Ok(found) => RefundOutcome {
                value: found.map(refund_js),
                error: None,
            },
            Err(e) => RefundOutcome {
                value: None,
                error: Some(error_info(&e)),
            },
        }
    }

    #[napi]
    pub async fn wait_for_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout_ms: Option<f64>,
    ) -> RefundOutcome {
        let q = query(transaction_id, request_id, refund_transaction_id);
        let result = guarded(async {
            let timeout = millis("timeoutMs", timeout_ms.unwrap_or(60_000.0))?;
            self.client()?
                .wait_for_refund(&q, timeout)
                .await
                .map(refund_js)
        })
        .await;
        outcome!(RefundOutcome, result)
    }

    #[napi]
    pub async fn get_transaction(&self, transaction_id: String) -> TransactionOutcome {
        let result = guarded(async {
            self.client()?
                .get_transaction(&transaction_id)
                .await
                .map(transaction_js)
        })
        .await;
        outcome!(TransactionOutcome, result)
    }

    #[napi]
    pub async fn get_order(&self, order_id: String) -> OrderOutcome {
        let result = guarded(async {
            let o = self.client()?.get_order(&order_id).await?;
            Ok(Order {
                amount: o.amount.map(money),
                status: o.status.map(|s| s.as_str().to_owned()),
                order_id: o.order_id,
                created: o.created,
                last_modified: o.last_modified,
            })
        })
        .await;
        outcome!(OrderOutcome, result)
    }

    #[napi]
    pub async fn check_token(&self) -> TokenOutcome {
        let result = guarded(async {
            let t = self.client()?.check_token().await?;
            Ok(TokenInfo {
                expires_at_ms: t.expires_at_ms.map(|v| v as f64),
                cached: t.cached,
            })
        })
        .await;
        outcome!(TokenOutcome, result)
    }
}

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[napi(catch_unwind)]
pub fn parse_payment_notification(body: Buffer) -> NotificationOutcome {
    let result = enkash::parse_payment_notification(&body).map(|n| PaymentNotification {
        amount: n.amount.map(money),
        final_amount: n.final_amount.map(money),
        transaction_amount: n.transaction_amount.map(money),
        surcharge: n.surcharge.map(money),
        surcharge_gst: n.surcharge_gst.map(money),
        mdr: n.mdr.map(money),
        mdr_gst: n.mdr_gst.map(money),
        status: n.status.map(|s| s.as_str().to_owned()),
        order_status: n.order_status.map(|s| s.as_str().to_owned()),
        payment_mode: n.payment_mode.map(|s| s.as_str().to_owned()),
        transaction_id: n.transaction_id,
        order_id: n.order_id,
        currency: n.currency,
        bank_code: n.bank_code,
        bank_name: n.bank_name,
        card_scheme: n.card_scheme,
        masked_card_number: n.masked_card_number,
        card_holder_name: n.card_holder_name,
        bank_transaction_id: n.bank_transaction_id,
        unique_transaction_id: n.unique_transaction_id,
        message: n.message,
        txn_date: n.txn_date,
        checksum: n.checksum,
        payment_token: n.payment_token,
    });
    outcome!(NotificationOutcome, result)
}

/// Every error kind with its class name, for the mapping test.
#[napi]
pub fn error_kinds() -> Vec<ErrorKindInfo> {
    ErrorKind::ALL
        .iter()
        .map(|k| ErrorKindInfo {
            code: k.code().to_owned(),
            name: class_name(*k).to_owned(),
        })
        .collect()
}

/// Panics inside the runtime, to prove a panic surfaces as `InternalError` (FFI-safety test).
#[napi]
pub async fn trigger_internal_panic() -> TokenOutcome {
    let result = guarded(async {
        #[allow(clippy::panic)]
        if std::process::id() > 0 {
            panic!("deliberate panic for the FFI-safety test");
        }
        Ok(TokenInfo {
            expires_at_ms: None,
            cached: false,
        })
    })
    .await;
    outcome!(TokenOutcome, result)
}
