//! Text or JSON output of the CLI.

use enkash::host::{utc_text, Money};
use enkash::{Order, Refund, TokenInfo, Transaction};
use serde_json::{json, Value};

/// Where results go: text lines, or one JSON document per command.
pub struct Out {
    pub json: bool,
}

/// The core's one exact money text: "100.50", and a 3-decimal gateway amount as "1.005" (never
/// rounded).
fn money(d: Option<enkash::Decimal>) -> Value {
    d.map(|a| json!(Money(a).to_string()))
        .unwrap_or(Value::Null)
}

pub fn refund_json(r: &Refund) -> Value {
    json!({
        "request_id": r.request_id,
        "transaction_id": r.transaction_id,
        "refund_transaction_id": r.refund_transaction_id,
        "amount": money(Some(r.amount)),
        "status": r.status.as_str(),
        "raw_status": r.raw_status,
        "message": r.message,
        "txn_date": r.txn_date,
    })
}

pub fn error_json(e: &enkash::Error) -> Value {
    json!({
        "error": {
            "code": e.kind_code(),
            "message": e.message(),
            "field": e.field(),
            "http_status": e.http_status(),
            "response_code": e.response_code(),
            "request_id": e.request_id(),
            "retryable": e.is_retryable(),
        }
    })
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json }
    }

    pub fn emit(&self, v: &Value) {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    }

    pub fn error(&self, e: &enkash::Error) {
        if self.json {
            self.emit(&error_json(e));
        } else {
            eprintln!("error: {e}");
            if e.kind() == enkash::ErrorKind::OutcomeUnknown {
                eprintln!(
                    "hint: the refund may have been applied; check with `enkash refund status <transaction_id> --request-id {}` or retry with --resume",
                    e.request_id().unwrap_or("<request-id>")
                );
            }
            if e.kind() == enkash::ErrorKind::BeneficiaryAccount {
                eprintln!("hint: the customer's account is inactive or frozen; collect an alternate account");
            }
        }
    }

    pub fn token(&self, info: &TokenInfo) {
        if self.json {
            self.emit(
                &json!({"ok": true, "expires_at_ms": info.expires_at_ms, "expires_at": info.expires_at_ms.and_then(utc_text), "cached": info.cached}),
            );
        } else {
            println!("credentials ok; {}", token_text(info));
        }
    }

    pub fn transaction(&self, t: &Transaction) {
        let v = json!({
            "transaction_id": t.transaction_id,
            "status": t.status.as_str(),
            "amount": money(t.amount),
            "payment_mode": t.payment_mode.as_ref().map(|m| m.as_str().to_owned()),
            "message": t.message,
            "txn_date": t.txn_date,
            "bank_transaction_id": t.bank_transaction_id,
        });
        if self.json {
            self.emit(&v);
        } else {
            println!(
                "{} {} {} {}",
                t.transaction_id,
                t.status,
                v["amount"].as_str().unwrap_or("-"),
                t.payment_mode.as_ref().map(|m| m.as_str()).unwrap_or("-")
            );
        }
    }

    pub fn order(&self, o: &Order) {
        let v = json!({
            "order_id": o.order_id,
            "status": o.status.as_ref().map(|s| s.as_str().to_owned()),
            "amount": money(o.amount),
            "created": o.created,
        });
        if self.json {
            self.emit(&v);
        } else {
            println!(
                "{} {} {}",
                o.order_id,
                v["status"].as_str().unwrap_or("-"),
                v["amount"].as_str().unwrap_or("-")
            );
        }
    }

    pub fn refund(&self, r: &Refund) {
        if self.json {
            self.emit(&refund_json(r));
        } else {
            println!(
                "refund {} of {}: ₹{} {} ({}){}",
                r.request_id,
                r.transaction_id,
                Money(r.amount),
                r.status,
                r.raw_status,
                r.refund_transaction_id
                    .as_ref()
                    .map(|t| format!(" refund txn {t}"))
                    .unwrap_or_default()
            );
        }
    }
}

/// "token expires at 2026-12-04T15:51:42.457Z (UTC)" — a readable time, never `Some(…)`.
pub fn token_text(info: &TokenInfo) -> String {
    match info.expires_at_ms.and_then(utc_text) {
        Some(at) => format!("token expires at {at} (UTC)"),
        None => "token carries no expiry (fetched per call)".to_owned(),
    }
}
