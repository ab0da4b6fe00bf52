//! The gateway's rules: tokens, refunds, lookups and the enquiry, as EnKash documents them and
//! as the configured personality answers where the documents are silent.

use axum::http::{HeaderMap, StatusCode};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::model::*;
use crate::state::{now_ms, parse_money, State, Txn};

pub(crate) const CODE_INVALID: i64 = 1001;
pub(crate) const CODE_NOT_REFUNDABLE: i64 = 1002;
pub(crate) const CODE_EXCEEDS: i64 = 1003;
pub(crate) const CODE_BALANCE: i64 = 1004;
pub(crate) const CODE_FROZEN: i64 = 1005;
pub(crate) const CODE_DUPLICATE: i64 = 1006;
pub(crate) const CODE_NOT_FOUND: i64 = 1007;
pub(crate) const CODE_TOKEN: i64 = 117;

pub(crate) type Reply = (StatusCode, String);

pub(crate) fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

pub(crate) fn envelope(code: i64, message: &str, payload: &str) -> String {
    format!(
        "{{\"response_code\":{code},\"response_message\":{},\"payload\":{payload}}}",
        json_str(message)
    )
}

pub(crate) fn fail(status: StatusCode, code: i64, message: &str) -> Reply {
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

pub(crate) fn iso(ms: i64) -> String {
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

pub(crate) fn txn_json(state: &State, t: &Txn) -> String {
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
pub(crate) fn authorize(state: &State, headers: &HeaderMap) -> Result<String, Reply> {
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

pub(crate) fn require_json(headers: &HeaderMap) -> Result<(), Reply> {
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

pub(crate) fn do_token(state: &mut State, headers: &HeaderMap, body: &[u8]) -> Reply {
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

pub(crate) fn do_refund(
    state: &mut State,
    headers: &HeaderMap,
    txn_id: &str,
    body: &[u8],
) -> Reply {
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
    let raw_text = raw_amount.get();
    let text = match (state.amount_mode(), raw_text.strip_prefix('"')) {
        (AmountMode::Number, Some(_)) => return bad("amount must be a JSON number"),
        (AmountMode::StringOnly, None) => return bad("amount must be a string such as \"100.50\""),
        (AmountMode::StringOnly, Some(quoted)) => quoted.strip_suffix('"').unwrap_or(quoted),
        (AmountMode::Number, None) => raw_text,
    };
    let amount = match parse_money(text, "amount") {
        Ok(a) => a.normalize(),
        Err(_) => return bad("amount must be a plain decimal number"),
    };
    if amount <= Decimal::ZERO || amount.scale() > 2 {
        return bad("amount must be greater than 0 with at most 2 decimals");
    }
    let key = (merchant.clone(), request_id.clone());
    if let Some(existing) = state.refunds_by_request.get(&key).cloned() {
        match state.duplicate_mode() {
            DuplicateMode::Reject1006 => {
                return fail(
                    StatusCode::BAD_REQUEST,
                    CODE_DUPLICATE,
                    "Duplicate requestId",
                )
            }
            DuplicateMode::Reject409 => {
                let text = format!("Refund request already exists for requestId {request_id}");
                return (
                    StatusCode::CONFLICT,
                    envelope(409, "CONFLICT", &json_str(&text)),
                );
            }
            DuplicateMode::AlreadyProcessed200 => {
                return (
                    StatusCode::OK,
                    envelope(0, "Refund already processed", "null"),
                )
            }
            DuplicateMode::Replay => {
                let t = state.txns.get(&existing).cloned();
                return match t {
                    Some(t) => (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, &t))),
                    None => fail(StatusCode::INTERNAL_SERVER_ERROR, 1, "refund record lost"),
                };
            }
            DuplicateMode::None => {} // refunds again
        }
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
        visible_from_ms: 0,
    };
    let body = txn_json(state, &refund);
    state.txns.insert(refund_id.clone(), refund);
    state
        .refunds_by_request
        .entry(key)
        .or_insert(refund_id.clone());
    state.last_committed = Some(refund_id.clone());
    state.record_refund(AppliedRefund {
        refund_transaction_id: refund_id,
        transaction_id: txn_id.to_owned(),
        request_id,
        amount: amount.to_string(),
    });
    (StatusCode::OK, envelope(0, "SUCCESS", &body))
}

pub(crate) fn do_get_txn(state: &mut State, headers: &HeaderMap, id: &str) -> Reply {
    let merchant = match authorize(state, headers) {
        Ok(m) => m,
        Err(r) => return r,
    };
    match state.txns.get(id) {
        Some(t) if t.access_key == merchant && state.is_visible(t) => {
            (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, t)))
        }
        _ => fail(
            StatusCode::NOT_FOUND,
            CODE_NOT_FOUND,
            "Transaction not found",
        ),
    }
}

pub(crate) fn do_get_order(state: &mut State, headers: &HeaderMap, id: &str) -> Reply {
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

pub(crate) fn do_enquiry(state: &mut State, headers: &HeaderMap, body: &[u8]) -> Reply {
    if matches!(
        state.enquiry_mode(),
        EnquiryMode::MissingJson | EnquiryMode::MissingHtml
    ) {
        return unreachable_route(state);
    }
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
        .get(&(merchant.clone(), request_id.clone()))
        .and_then(|id| state.txns.get(id))
        .filter(|t| state.is_visible(t))
        .filter(|t| {
            q.transaction_id
                .as_deref()
                .is_none_or(|orig| t.refund_of.as_ref().is_some_and(|(o, _)| o == orig))
        })
        .cloned();
    // A refund for someone else's requestId, as a wrong endpoint might answer.
    let stranger = |state: &mut State, request_id: Option<&str>| {
        let now = now_ms();
        let t = Txn {
            id: state.new_txn_id(),
            access_key: merchant.clone(),
            amount: Decimal::ONE,
            status: "SUCCESS".into(),
            payment_mode: "UPI".into(),
            beneficiary_frozen: false,
            refunded: Decimal::ZERO,
            created_ms: now,
            modified_ms: now,
            refund_of: request_id.map(|r| (String::new(), r.to_owned())),
            order_id: None,
            visible_from_ms: 0,
        };
        txn_json(state, &t)
    };
    match state.enquiry_mode() {
        EnquiryMode::Real => match found {
            Some(t) => (StatusCode::OK, envelope(0, "SUCCESS", &txn_json(state, &t))),
            None => fail(StatusCode::NOT_FOUND, CODE_NOT_FOUND, "Refund not found"),
        },
        EnquiryMode::MissingJson | EnquiryMode::MissingHtml => unreachable_route(state),
        EnquiryMode::GenericEmpty => (StatusCode::OK, envelope(0, "SUCCESS", "{}")),
        EnquiryMode::GenericNull => (StatusCode::OK, envelope(0, "SUCCESS", "null")),
        EnquiryMode::GenericOther => {
            let other = format!("OTHER-{request_id}");
            let body = stranger(state, Some(&other));
            (StatusCode::OK, envelope(0, "SUCCESS", &body))
        }
        EnquiryMode::NoRequestId => {
            let body = match found {
                Some(mut t) => {
                    t.refund_of = None;
                    txn_json(state, &t)
                }
                None => stranger(state, None),
            };
            (StatusCode::OK, envelope(0, "SUCCESS", &body))
        }
    }
}

/// What a gateway without the enquiry endpoint answers (a framework's 404).
fn unreachable_route(state: &State) -> Reply {
    match state.enquiry_mode() {
        EnquiryMode::MissingHtml => (
            StatusCode::NOT_FOUND,
            "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
                .to_owned(),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            format!(
                "{{\"timestamp\":{},\"status\":404,\"error\":\"Not Found\",\"path\":\"/refund/enquiry\"}}",
                now_ms()
            ),
        ),
    }
}
