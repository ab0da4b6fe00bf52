//! HTTP side of the simulator: API routes, admin routes, fault application, accept loop.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, State as AxState};
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tower::ServiceExt;

use crate::model::*;
use crate::state::{now_ms, parse_money, State, Txn};

/// Shared handle to the simulator state.
pub(crate) type Shared = Arc<Mutex<State>>;

pub(crate) fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// Lets a handler reset its own TCP connection.
#[derive(Clone)]
struct ConnKill(Arc<Notify>);

const CODE_INVALID: i64 = 1001;
const CODE_NOT_REFUNDABLE: i64 = 1002;
const CODE_EXCEEDS: i64 = 1003;
const CODE_BALANCE: i64 = 1004;
const CODE_FROZEN: i64 = 1005;
const CODE_DUPLICATE: i64 = 1006;
const CODE_NOT_FOUND: i64 = 1007;
const CODE_TOKEN: i64 = 117;

type Reply = (StatusCode, String);

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn envelope(code: i64, message: &str, payload: &str) -> String {
    format!(
        "{{\"response_code\":{code},\"response_message\":{},\"payload\":{payload}}}",
        json_str(message)
    )
}

fn fail(status: StatusCode, code: i64, message: &str) -> Reply {
    (status, envelope(code, message, &json_str(message)))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TxnOut<'a> {
    transaction_id: &'a str,
    created: String,
    last_modified: String,
    amount: Box<RawValue>,
    payment_mode: &'a str,
    bank_code: &'a str,
    bank_name: &'a str,
    currency: &'a str,
    status: String,
    txn_msg: &'a str,
    txn_date: String,
    unique_transaction_id: String,
    bank_transaction_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant), enough for a simulator's timestamps
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn txn_json(state: &State, t: &Txn) -> String {
    let status = state.status_of(t);
    let msg = match (t.refund_of.is_some(), status.as_str()) {
        (true, "SUCCESS") => "Refund successful",
        (true, _) => "Refund initiated",
        (false, _) => "Transaction processed",
    };
    let out = TxnOut {
        transaction_id: &t.id,
        created: iso(t.created_ms),
        last_modified: iso(t.modified_ms),
        amount: RawValue::from_string(t.amount.normalize().to_string())
            .unwrap_or_else(|_| RawValue::from_string("0".into()).expect("literal")),
        payment_mode: &t.payment_mode,
        bank_code: "HDFC",
        bank_name: "HDFC Bank",
        currency: "INR",
        status,
        txn_msg: msg,
        txn_date: iso(t.created_ms),
        unique_transaction_id: format!("U{}", t.created_ms),
        bank_transaction_id: format!("4173{:08}", t.created_ms % 100_000_000),
        request_id: t.refund_of.as_ref().map(|(_, r)| r.as_str()),
    };
    serde_json::to_string(&out).unwrap_or_else(|_| "null".into())
}

/// Checks `Authorization: Bearer <token>` and `merchantAccessKey`; gives the merchant.
fn authorize(state: &State, headers: &HeaderMap) -> Result<String, Reply> {
    let invalid = || fail(StatusCode::UNAUTHORIZED, CODE_TOKEN, "Token is invalid.");
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(invalid)?;
    let token = auth.strip_prefix("Bearer ").ok_or_else(invalid)?;
    let rec = state.tokens.get(token).ok_or_else(invalid)?;
    if rec.revoked || rec.expires_at_ms.is_some_and(|e| now_ms() >= e) {
        return Err(invalid());
    }
    let mak = headers
        .get("merchantaccesskey")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            fail(
                StatusCode::BAD_REQUEST,
                CODE_INVALID,
                "merchantAccessKey header is required",
            )
        })?;
    if mak != rec.access_key {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            CODE_TOKEN,
            "merchantAccessKey does not match the token",
        ));
    }
    Ok(rec.access_key.clone())
}

fn require_json(headers: &HeaderMap) -> Result<(), Reply> {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.split(';').next().map(str::trim) != Some("application/json") {
        return Err(fail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            CODE_INVALID,
            "Content-Type must be application/json",
        ));
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct TokenBody {
    #[serde(rename = "accessKey")]
    access_key: Option<String>,
    #[serde(rename = "secretKey")]
    secret_key: Option<String>,
}

fn do_token(state: &mut State, headers: &HeaderMap, body: &[u8]) -> Reply {
    if let Err(r) = require_json(headers) {
        return r;
    }
    let refuse = |status: StatusCode, msg: &str| {
        (
            status,
            format!(
                "{{\"resultCode\":{},\"resultMessage\":{}}}",
                status.as_u16(),
                json_str(msg)
            ),
        )
    };
    let Ok(b) = serde_json::from_slice::<TokenBody>(body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Body must be {accessKey, secretKey}",
        );
    };
    let (Some(ak), Some(sk)) = (b.access_key, b.secret_key) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "accessKey and secretKey are required",
        );
    };
    let ok = state.merchants.get(&ak).is_some_and(|m| m.secret_key == sk);
    if !ok {
        return refuse(StatusCode::UNAUTHORIZED, "Invalid access key or secret key");
    }
    let (token, expiry) = state.issue_token(&ak);
    let expiry = expiry
        .map(|e| format!(",\"expiry\":{e}"))
        .unwrap_or_default();
    (
        StatusCode::OK,
        format!(
            "{{\"token\":{}{expiry},\"resultCode\":200,\"resultMessage\":\"Token generated successfully.\"}}",
            json_str(&token)
        ),
    )
}

#[derive(serde::Deserialize)]
struct RefundIn {
    amount: Option<Box<RawValue>>,
    #[serde(rename = "requestId")]
    request_id: Option<serde_json::Value>,
    remarks: Option<serde_json::Value>,
}

fn do_refund(state: &mut State, headers: &HeaderMap, txn_id: &str, body: &[u8]) -> Reply {
    let merchant = match authorize(state, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(r) = require_json(headers) {
        return r;
    }
    let bad = |m: &str| fail(StatusCode::BAD_REQUEST, CODE_INVALID, m);
    let Ok(input) = serde_json::from_slice::<RefundIn>(body) else {
        return bad("Request body must be a JSON object");
    };
    let request_id = match input.request_id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        _ => return bad("requestId is required and must be a non-empty string"),
    };
    if !matches!(input.remarks, None | Some(serde_json::Value::String(_))) {
        return bad("remarks must be a string");
    }
    let Some(raw_amount) = input.amount else {
        return bad("amount is required");
    };
    let text = raw_amount.get();
    if text.starts_with('"') {
        return bad("amount must be a JSON number");
    }
    let amount = match parse_money(text, "amount") {
        Ok(a) => a.normalize(),
        Err(_) => return bad("amount must be a plain decimal number"),
    };
    if amount <= Decimal::ZERO || amount.scale() > 2 {
        return bad("amount must be greater than 0 with at most 2 decimals");
    }
    let key = (merchant.clone(), request_id.clone());
    if let Some(existing) = state.refunds_by_request.get(&key).cloned() {
        return match state.duplicate_mode() {
            DuplicateMode::Reject => {
                fail(StatusCode::CONFLICT, CODE_DUPLICATE, "Duplicate requestId")
            }
            DuplicateMode::Replay => {
                let t = state.txns.get(&existing).cloned();
                match t {
                    Some(t) => (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, &t))),
                    None => fail(StatusCode::INTERNAL_SERVER_ERROR, 1, "refund record lost"),
                }
            }
        };
    }
    let Some(orig) = state.txns.get(txn_id).cloned() else {
        return fail(
            StatusCode::NOT_FOUND,
            CODE_NOT_FOUND,
            "Transaction not found",
        );
    };
    if orig.access_key != merchant {
        return fail(
            StatusCode::NOT_FOUND,
            CODE_NOT_FOUND,
            "Transaction not found",
        );
    }
    if orig.refund_of.is_some()
        || !matches!(
            orig.status.as_str(),
            "SUCCESS" | "PARTIALLY_REFUNDED" | "REFUNDED"
        )
    {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_NOT_REFUNDABLE,
            &format!("Transaction is not refundable: status is {}", orig.status),
        );
    }
    let available = orig.amount - orig.refunded;
    if amount > available {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_EXCEEDS,
            &format!("Refund amount exceeds refundable amount ({available} available)"),
        );
    }
    if orig.beneficiary_frozen {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_FROZEN,
            "Beneficiary account is inactive or frozen",
        );
    }
    let balance = state
        .merchants
        .get(&merchant)
        .map(|m| m.balance)
        .unwrap_or_default();
    if balance < amount {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_BALANCE,
            "Insufficient balance in recharge account",
        );
    }
    // Commit.
    let refund_id = state.new_txn_id();
    let now = now_ms();
    if let Some(m) = state.merchants.get_mut(&merchant) {
        m.balance -= amount;
    }
    if let Some(o) = state.txns.get_mut(txn_id) {
        o.refunded += amount;
        o.status = if o.refunded == o.amount {
            "REFUNDED".into()
        } else {
            "PARTIALLY_REFUNDED".into()
        };
        o.modified_ms = now;
    }
    let refund = Txn {
        id: refund_id.clone(),
        access_key: merchant.clone(),
        amount,
        status: "PENDING_WITH_BANK".into(),
        payment_mode: orig.payment_mode.clone(),
        beneficiary_frozen: false,
        refunded: Decimal::ZERO,
        created_ms: now,
        modified_ms: now,
        refund_of: Some((txn_id.to_owned(), request_id.clone())),
        order_id: orig.order_id.clone(),
    };
    let body = txn_json(state, &refund);
    state.txns.insert(refund_id.clone(), refund);
    state.refunds_by_request.insert(key, refund_id.clone());
    state.journal.refunds.push(AppliedRefund {
        refund_transaction_id: refund_id,
        transaction_id: txn_id.to_owned(),
        request_id,
        amount: amount.to_string(),
    });
    (StatusCode::OK, envelope(0, "SUCCESS", &body))
}

fn do_get_txn(state: &mut State, headers: &HeaderMap, id: &str) -> Reply {
    let merchant = match authorize(state, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    match state.txns.get(id) {
        Some(t) if t.access_key == merchant => {
            (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, t)))
        }
        _ => fail(
            StatusCode::NOT_FOUND,
            CODE_NOT_FOUND,
            "Transaction not found",
        ),
    }
}

fn do_get_order(state: &mut State, headers: &HeaderMap, id: &str) -> Reply {
    let merchant = match authorize(state, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    match state.orders.get(id) {
        Some(o) if o.access_key == merchant => {
            let amount = o
                .amount
                .map(|a| {
                    format!(
                        ",\"amount\":{{\"value\":{},\"currency\":\"INR\"}}",
                        a.normalize()
                    )
                })
                .unwrap_or_default();
            let payload = format!(
                "{{\"orderId\":{},\"created\":{},\"lastModified\":{},\"orderStatus\":{}{amount}}}",
                json_str(id),
                json_str(&iso(now_ms())),
                json_str(&iso(now_ms())),
                json_str(&o.status)
            );
            (StatusCode::OK, envelope(0, "SUCCESS", &payload))
        }
        _ => fail(StatusCode::NOT_FOUND, CODE_NOT_FOUND, "Order not found"),
    }
}

#[derive(serde::Deserialize)]
struct EnquiryIn {
    #[serde(rename = "transactionId")]
    transaction_id: Option<String>,
    #[serde(rename = "requestId")]
    request_id: Option<String>,
}

fn do_enquiry(state: &mut State, headers: &HeaderMap, body: &[u8]) -> Reply {
    let merchant = match authorize(state, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(r) = require_json(headers) {
        return r;
    }
    let Ok(q) = serde_json::from_slice::<EnquiryIn>(body) else {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_INVALID,
            "Body must be {transactionId, requestId}",
        );
    };
    let Some(request_id) = q.request_id.filter(|r| !r.is_empty()) else {
        return fail(
            StatusCode::BAD_REQUEST,
            CODE_INVALID,
            "requestId is required",
        );
    };
    let found = state
        .refunds_by_request
        .get(&(merchant, request_id))
        .and_then(|id| state.txns.get(id))
        .filter(|t| {
            q.transaction_id
                .as_deref()
                .is_none_or(|orig| t.refund_of.as_ref().is_some_and(|(o, _)| o == orig))
        });
    match found {
        Some(t) => (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, t))),
        None => fail(StatusCode::NOT_FOUND, CODE_NOT_FOUND, "Refund not found"),
    }
}

fn body_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "requestId")]
        request_id: Option<serde_json::Value>,
        amount: Option<Box<RawValue>>,
    }
    match serde_json::from_slice::<Peek>(body) {
        Ok(p) => (
            p.request_id.and_then(|v| v.as_str().map(str::to_owned)),
            p.amount.map(|a| a.get().to_owned()),
        ),
        Err(_) => (None, None),
    }
}

/// Applies faults around one API call and records it in the journal.
#[allow(clippy::too_many_arguments)]
async fn api_call(
    app: Shared,
    kill: ConnKill,
    route: &'static str,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    handler: impl FnOnce(&mut State, &HeaderMap, &[u8]) -> Reply,
) -> Response {
    let (request_id, amount) = if route == "refund" || route == "refund_enquiry" {
        body_fields(&body)
    } else {
        (None, None)
    };
    let fault = lock(&app).take_fault(route);
    let record = |status: u16, fault: Option<FaultKind>| {
        lock(&app).record(JournalRequest {
            seq: 0,
            route: route.to_owned(),
            method: method.to_string(),
            path: uri.path().to_owned(),
            request_id: request_id.clone(),
            amount: amount.clone(),
            fault,
            status,
        });
    };
    let kind = fault.as_ref().map(|f| f.kind);
    match &fault {
        Some(f) if f.kind == FaultKind::HttpStatus => {
            let status = StatusCode::from_u16(f.status.unwrap_or(500))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            record(status.as_u16(), kind);
            return (status, envelope(1, "Internal error (injected)", "null")).into_response();
        }
        Some(f) if f.kind == FaultKind::RateLimit => {
            record(429, kind);
            let secs = f.retry_after_secs.unwrap_or(0);
            let mut resp =
                fail(StatusCode::TOO_MANY_REQUESTS, 429, "Too many requests").into_response();
            resp.headers_mut()
                .insert("retry-after", secs.to_string().parse().expect("digits"));
            return resp;
        }
        Some(f) if f.kind == FaultKind::CannedBody => {
            let status = StatusCode::from_u16(f.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
            record(status.as_u16(), kind);
            let bytes = match &f.body_base64 {
                Some(b64) => base64_decode(b64),
                None => f.body.clone().unwrap_or_default().into_bytes(),
            };
            let ct = f
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            return raw_response(status, &ct, Body::from(bytes));
        }
        Some(f) if f.kind == FaultKind::HugeBody => {
            record(200, kind);
            let total = f.bytes.unwrap_or(50 << 20);
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let head = Bytes::from_static(b"{\"response_code\":0,\"payload\":\"");
            let n = total / chunk.len() as u64;
            let stream = futures_util::stream::iter(
                std::iter::once(head)
                    .chain((0..n).map(move |_| chunk.clone()))
                    .map(Ok::<_, std::convert::Infallible>),
            );
            return raw_response(
                StatusCode::OK,
                "application/json",
                Body::from_stream(stream),
            );
        }
        Some(f) if f.kind == FaultKind::SlowDrip => {
            record(200, kind);
            let every = Duration::from_millis(f.delay_ms.unwrap_or(200));
            let text = Bytes::from(envelope(0, "SUCCESS", "null"));
            let stream = futures_util::stream::unfold(0usize, move |i| {
                let text = text.clone();
                async move {
                    if i >= text.len() {
                        return None;
                    }
                    tokio::time::sleep(every).await;
                    Some((
                        Ok::<_, std::convert::Infallible>(text.slice(i..i + 1)),
                        i + 1,
                    ))
                }
            });
            return raw_response(
                StatusCode::OK,
                "application/json",
                Body::from_stream(stream),
            );
        }
        Some(f) if f.kind == FaultKind::ResetBefore => {
            record(0, kind);
            return reset(kill).await;
        }
        Some(f) if f.kind == FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms.unwrap_or(1000))).await;
        }
        _ => {}
    }
    let (status, text) = {
        let mut st = lock(&app);
        handler(&mut st, &headers, &body)
    };
    match kind {
        Some(FaultKind::ResetAfterCommit) => {
            record(0, kind);
            reset(kill).await
        }
        Some(FaultKind::MalformedBody) => {
            record(200, kind);
            let cut = text.len() / 2;
            json_response(StatusCode::OK, text[..cut].to_owned())
        }
        _ => {
            record(status.as_u16(), kind);
            json_response(status, text)
        }
    }
}

async fn reset(kill: ConnKill) -> Response {
    kill.0.notify_one();
    std::future::pending::<()>().await;
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn raw_response(status: StatusCode, content_type: &str, body: Body) -> Response {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert("content-type", v);
    }
    r
}

/// Standard base64 (no crate needed for a test fixture).
fn base64_decode(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for v in text.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn json_response(status: StatusCode, text: String) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut()
        .insert("content-type", "application/json".parse().expect("static"));
    r
}

macro_rules! api_route {
    ($name:ident, $route:literal, |$st:ident, $h:ident, $b:ident, $id:ident| $body:expr) => {
        async fn $name(
            AxState(app): AxState<Shared>,
            Extension(kill): Extension<ConnKill>,
            $id: Option<Path<String>>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            let $id = $id.map(|p| p.0).unwrap_or_default();
            api_call(
                app,
                kill,
                $route,
                method,
                uri,
                headers,
                body,
                move |$st, $h, $b| $body,
            )
            .await
        }
    };
}

api_route!(token_route, "token", |st, h, b, _id| do_token(st, h, b));
api_route!(refund_route, "refund", |st, h, b, id| do_refund(
    st, h, &id, b
));
api_route!(txn_route, "get_transaction", |st, h, _b, id| do_get_txn(
    st, h, &id
));
api_route!(order_route, "get_order", |st, h, _b, id| do_get_order(
    st, h, &id
));
api_route!(enquiry_route, "refund_enquiry", |st, h, b, _id| do_enquiry(
    st, h, b
));

fn admin_ok(v: impl Serialize) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::to_string(&v).unwrap_or_else(|_| "null".into()),
    )
}

fn admin_err(msg: String) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        serde_json::json!({ "error": msg }).to_string(),
    )
}

async fn admin_seed(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<Seed>(&body) {
        Ok(seed) => match lock(&app).load(seed) {
            Ok(()) => admin_ok(serde_json::json!({"ok": true})),
            Err(e) => admin_err(e),
        },
        Err(e) => admin_err(format!("bad seed: {e}")),
    }
}

async fn admin_reset(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    *lock(&app) = State::new();
    admin_ok(serde_json::json!({"ok": true}))
}

async fn admin_config(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<MockConfig>(&body) {
        Ok(c) => {
            lock(&app).patch_config(c);
            admin_ok(serde_json::json!({"ok": true}))
        }
        Err(e) => admin_err(format!("bad config: {e}")),
    }
}

async fn admin_faults(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    let specs: Vec<FaultSpec> = match serde_json::from_slice::<FaultSpec>(&body) {
        Ok(one) => vec![one],
        Err(_) => match serde_json::from_slice::<Vec<FaultSpec>>(&body) {
            Ok(v) => v,
            Err(e) => return admin_err(format!("bad fault: {e}")),
        },
    };
    let mut st = lock(&app);
    for s in specs {
        if let Err(e) = st.add_fault(s) {
            return admin_err(e);
        }
    }
    admin_ok(serde_json::json!({"ok": true}))
}

async fn admin_clear_faults(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    lock(&app).faults.clear();
    admin_ok(serde_json::json!({"ok": true}))
}

async fn admin_journal(AxState(app): AxState<Shared>) -> Response {
    admin_ok(&lock(&app).journal)
}

async fn admin_expire_tokens(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    let mut st = lock(&app);
    for t in st.tokens.values_mut() {
        t.revoked = true;
    }
    admin_ok(serde_json::json!({"ok": true}))
}

async fn admin_transactions(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    let seeds: Vec<TransactionSeed> = match serde_json::from_slice::<TransactionSeed>(&body) {
        Ok(one) => vec![one],
        Err(_) => match serde_json::from_slice::<Vec<TransactionSeed>>(&body) {
            Ok(v) => v,
            Err(e) => return admin_err(format!("bad transaction: {e}")),
        },
    };
    let mut st = lock(&app);
    for s in seeds {
        if let Err(e) = st.add_transaction(s) {
            return admin_err(e);
        }
    }
    admin_ok(serde_json::json!({"ok": true}))
}

async fn admin_transaction(AxState(app): AxState<Shared>, Path(id): Path<String>) -> Response {
    match lock(&app).transaction_view(&id) {
        Some(v) => admin_ok(v),
        None => json_response(
            StatusCode::NOT_FOUND,
            "{\"error\":\"no such transaction\"}".into(),
        ),
    }
}

async fn fallback(uri: Uri) -> Response {
    let (s, t) = fail(
        StatusCode::NOT_FOUND,
        CODE_INVALID,
        &format!("No route for {}", uri.path()),
    );
    json_response(s, t)
}

pub(crate) fn router(app: Shared) -> Router {
    Router::new()
        .route("/api/v0/merchant/token", post(token_route))
        .route("/api/v0/payment/{id}/refund", post(refund_route))
        .route("/api/v0/payment/{id}", get(txn_route))
        .route("/api/v0/orders/{id}", get(order_route))
        .route("/refund/enquiry", post(enquiry_route))
        .route("/__mock/health", get(|| async { "ok" }))
        .route("/__mock/seed", post(admin_seed))
        .route("/__mock/reset", post(admin_reset))
        .route("/__mock/config", post(admin_config))
        .route(
            "/__mock/faults",
            post(admin_faults).delete(admin_clear_faults),
        )
        .route("/__mock/journal", get(admin_journal))
        .route("/__mock/tokens/expire", post(admin_expire_tokens))
        .route("/__mock/transactions", post(admin_transactions))
        .route("/__mock/transactions/{id}", get(admin_transaction))
        .fallback(fallback)
        .with_state(app)
}

/// Accepts connections until `shutdown`; each connection can be reset by its handler.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = &mut shutdown => break,
        };
        let Ok((stream, _peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Keep a duplicate of the socket so a "connection reset" fault can set SO_LINGER 0 on it
        // before the connection is dropped (an RST); every other close stays a graceful FIN.
        let Ok(std_stream) = stream.into_std() else {
            continue;
        };
        let killer = std_stream.try_clone().ok();
        let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
            continue;
        };
        let app = app.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let conn_kill = ConnKill(kill.clone());
            let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(conn_kill.clone());
                let app = app.clone();
                async move { app.oneshot(req.map(Body::new)).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {
                    if let Some(k) = &killer {
                        let _ = socket2::SockRef::from(k).set_linger(Some(Duration::ZERO));
                    }
                }
            }
            drop(killer);
        });
    }
}

/// Binds `addr` and serves in the current runtime.
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
