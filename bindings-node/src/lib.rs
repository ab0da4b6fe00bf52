//! Native half of the `enkash` npm package. Glue only: JS values ⇄ core types. Options are read
//! by name against the core's option list; results are the core's views as they serialize
//! (camelCase, exact money text); errors are the core's `ErrorInfo`, which `index.js` turns into
//! `Error` subclasses. Async methods run on napi's tokio runtime, never on the JS thread.

#![allow(missing_docs)] // the public API is documented in index.d.ts

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use enkash::host::{
    ClientOptions, DurationUnit, IssuedTokenView, OptionValue, OrderView, PaymentNotificationView,
    RefundView, TokenView, TransactionView,
};
use enkash::{Amount, Decimal, ErrorKind, RefundQuery};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Buffer, Either, Function, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::Status;
use napi_derive::napi;
use serde_json::{json, Value};

/// The User-Agent word for this binding (the user's `userAgentSuffix` follows it).
const BINDING: &str = concat!("enkash-node/", env!("CARGO_PKG_VERSION"));

#[napi(object)]
#[derive(Default)]
pub struct RefundOptions {
    pub request_id: Option<String>,
    pub remarks: Option<String>,
    pub reconcile_first: Option<bool>,
}

/// `{value}` or `{error}`: what every native call resolves to (index.js throws the error).
fn outcome<T: serde::Serialize>(result: Result<T, enkash::Error>) -> Value {
    match result {
        Ok(v) => json!({ "value": v, "error": null }),
        Err(e) => json!({ "value": null, "error": e.info() }),
    }
}

fn internal(message: &str) -> enkash::Error {
    enkash::Error::new(ErrorKind::Internal, message.to_owned())
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

/// The JS options object → [`ClientOptions`] (durations in milliseconds, keys camelCase).
fn client_options(options: Option<Value>) -> Result<(ClientOptions, bool), enkash::Error> {
    let mut o = ClientOptions::default();
    let mut from_env = false;
    let Some(Value::Object(map)) = options else {
        return Ok((o, from_env));
    };
    for (key, value) in map {
        if key == "fromEnv" {
            from_env = value.as_bool().unwrap_or(false);
            continue;
        }
        let spec = ClientOptions::spec_for_js(&key).ok_or_else(|| ClientOptions::unknown(&key))?;
        let value = match value {
            Value::Null => continue,
            Value::String(s) => OptionValue::Text(s),
            Value::Number(n) => OptionValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::Bool(b) => OptionValue::Flag(b),
            // An array or object fits no option: the setter names the option.
            _ => OptionValue::Number(f64::NAN),
        };
        o.set(spec.name, value, DurationUnit::Millis)?;
    }
    Ok((o, from_env))
}

/// Runs `fut`, turning a panic into an `InternalError` instead of crashing the process.
/// Boxed: napi moves each call's future several times before it runs, and an unboxed one is as
/// large as the deepest state of the core call (~9 KB copied per move, callgrind: a quarter of
/// the addon's instructions per round trip went to those copies).
fn guarded<T, F: Future<Output = Result<T, enkash::Error>>>(
    fut: F,
) -> impl Future<Output = Result<T, enkash::Error>> {
    AssertUnwindSafe(Box::pin(fut))
        .catch_unwind()
        .map(|caught| match caught {
            Ok(r) => r,
            Err(_) => Err(internal("a panic inside the enkash core was caught")),
        })
}

/// `index.js`'s wrapper of the host's `tokenProvider`: resolves to `{token, expiresAtMs}`.
/// Weak: a client never keeps the process alive.
type JsTokenFunction = ThreadsafeFunction<(), Promise<Value>, (), Status, false, true>;

/// A JavaScript token provider as the core's.
struct JsTokenProvider(Arc<JsTokenFunction>);

impl enkash::TokenProvider for JsTokenProvider {
    fn fetch_token(&self) -> enkash::TokenFuture<'_> {
        let function = self.0.clone();
        Box::pin(async move {
            let failed = |why: String| {
                enkash::Error::new(ErrorKind::Authentication, format!("token provider: {why}"))
            };
            let promise = function
                .call_async(())
                .await
                .map_err(|e| failed(e.reason))?;
            let answer = promise.await.map_err(|e| failed(e.reason.clone()))?;
            let token = answer.get("token").and_then(Value::as_str).ok_or_else(|| {
                failed("it must resolve to {token, expiresAtMs} (an issueToken() result)".into())
            })?;
            // A JavaScript number arrives as a float: 1796419695388.0 is the same instant.
            let expires_at_ms = answer
                .get("expiresAtMs")
                .and_then(Value::as_f64)
                .filter(|ms| ms.is_finite())
                .map(|ms| ms as i64);
            Ok(enkash::IssuedToken::new(token, expires_at_ms))
        })
    }
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

#[napi]
impl NativeClient {
    /// Never throws: a configuration error is reported by `configError`.
    #[napi(constructor)]
    pub fn new(
        options: Option<Value>,
        token_provider: Option<Function<(), Promise<Value>>>,
    ) -> Self {
        let provider = match token_provider.map(|f| {
            f.build_threadsafe_function::<()>()
                .callee_handled::<false>()
                .weak::<true>()
                .build()
        }) {
            None => Ok(None),
            Some(Ok(tsfn)) => Ok(Some(JsTokenProvider(Arc::new(tsfn)))),
            Some(Err(e)) => Err(internal(&format!("tokenProvider: {}", e.reason))),
        };
        let built = provider
            .and_then(|p| client_options(options).map(|o| (o, p)))
            .and_then(|((o, from_env), provider)| {
                let mut builder = o.into_builder(from_env, BINDING)?;
                if let Some(p) = provider {
                    builder = builder.token_provider(Arc::new(p));
                }
                builder.build()
            })
            .and_then(|c| {
                let url = c.base_url().to_owned();
                enkash::Client::new(c).map(|client| (client, url))
            });
        match built {
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
    pub fn config_error(&self) -> Option<Value> {
        self.config_error
            .as_ref()
            .map(|e| serde_json::to_value(e.info()).unwrap_or(Value::Null))
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

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn refund(
        &self,
        transaction_id: String,
        amount_value: Either<String, f64>,
        options: Option<RefundOptions>,
    ) -> Value {
        let o = options.unwrap_or_default();
        outcome(
            guarded(async {
                let amount = amount(amount_value)?;
                let mut opts = enkash::RefundOptions::new()
                    .reconcile_first(o.reconcile_first.unwrap_or(false));
                opts.request_id = o.request_id;
                opts.remarks = o.remarks;
                let r = self.client()?.refund(&transaction_id, amount, opts).await?;
                Ok(RefundView::from(r))
            })
            .await,
        )
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn get_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Value {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        outcome(guarded(async { Ok(RefundView::from(self.client()?.get_refund(&q).await?)) }).await)
    }

    /// `value` is null (and `error` too) only when the refund provably does not exist.
    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn find_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> Value {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        outcome(
            guarded(async { Ok(self.client()?.find_refund(&q).await?.map(RefundView::from)) })
                .await,
        )
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn wait_for_refund(
        &self,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout_ms: Option<f64>,
    ) -> Value {
        let q = RefundQuery::from_parts(transaction_id, request_id, refund_transaction_id);
        outcome(
            guarded(async {
                let timeout = match timeout_ms {
                    Some(ms) => enkash::host::duration(ms, "timeout", DurationUnit::Millis)?,
                    None => enkash::host::DEFAULT_WAIT,
                };
                let r = self.client()?.wait_for_refund(&q, timeout).await?;
                Ok(RefundView::from(r))
            })
            .await,
        )
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn get_transaction(&self, transaction_id: String) -> Value {
        outcome(
            guarded(async {
                let t = self.client()?.get_transaction(&transaction_id).await?;
                Ok(TransactionView::from(t))
            })
            .await,
        )
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn get_order(&self, order_id: String) -> Value {
        outcome(
            guarded(async { Ok(OrderView::from(self.client()?.get_order(&order_id).await?)) })
                .await,
        )
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn check_token(&self) -> Value {
        outcome(guarded(async { Ok(TokenView::from(self.client()?.check_token().await?)) }).await)
    }

    #[napi(ts_return_type = "Promise<Outcome>")]
    pub async fn issue_token(&self) -> Value {
        outcome(
            guarded(async { Ok(IssuedTokenView::from(self.client()?.issue_token().await?)) }).await,
        )
    }
}

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[napi(catch_unwind)]
pub fn parse_payment_notification(body: Buffer) -> Value {
    outcome(enkash::parse_payment_notification(&body).map(PaymentNotificationView::from))
}

/// Parses rupee text with the core's rules: `{value: "100.50"}` or `{error}`.
#[napi(catch_unwind)]
pub fn parse_amount(text: String) -> Value {
    outcome(Amount::parse(&text).map(|a| enkash::host::Money(a.as_decimal()).to_string()))
}

/// The `{error}` a refund rejects with when its `AbortSignal` fires after it may have been sent.
#[napi]
pub fn refund_left_running(request_id: String) -> Value {
    outcome::<()>(Err(enkash::host::refund_left_running(&request_id)))
}

/// A new refund `requestId`; store it before refunding, then pass it as `requestId`.
#[napi]
pub fn new_request_id() -> String {
    enkash::new_request_id()
}

/// The core's public surface (operations, options, model fields, error fields) as JSON.
#[napi]
pub fn surface() -> String {
    enkash::host::surface().to_json()
}

/// Panics inside the runtime, to prove a panic surfaces as `InternalError` (FFI-safety test).
#[napi(ts_return_type = "Promise<Outcome>")]
pub async fn trigger_internal_panic() -> Value {
    outcome(
        guarded(async {
            #[allow(clippy::panic)]
            if std::process::id() > 0 {
                panic!("deliberate panic for the FFI-safety test");
            }
            Ok(())
        })
        .await,
    )
}
