//! Every documented response in `spec/enkash-sample-payloads.json` parses through the real
//! client path (served verbatim by the simulator), and the notify example parses as a webhook.

mod common;

use std::path::PathBuf;

use common::*;
use enkash::{ErrorKind, RefundOptions, RefundStatus};
use serde_json::Value;

fn samples() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/enkash-sample-payloads.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} (the repository's contract copy): {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

fn canned(mock: &MockServer, route: &str, body: &Value, times: u32) {
    let mut f = fault(route, FaultKind::CannedBody);
    f.body = Some(body.to_string());
    f.times = Some(times);
    mock.add_fault(f).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_token_responses_parse() {
    let s = samples();
    for key in ["response_guide_sample", "response_reference_placeholder"] {
        let mock = mock();
        canned(&mock, "token", &s["generate_token"][key]["body"], 1);
        let client = client(&mock);
        let info = client
            .check_token()
            .await
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        // Both examples carry an expiry in the past (2022) or 0: used once, never cached.
        assert!(!info.cached, "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_refund_response_parses() {
    let s = samples();
    let mock = mock();
    seed_txns(&mock, &[("EKSAMPLE1", "500")]);
    canned(&mock, "refund", &s["refund"]["response"]["body"], 1);
    let client = client(&mock);
    let r = client
        .refund(
            "EKSAMPLE1",
            enkash::Amount::parse("100").unwrap(),
            RefundOptions::new().request_id("EK576354215522333D33233005"),
        )
        .await
        .unwrap();
    assert_eq!(r.raw_status, "CREATED");
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.refund_transaction_id.as_deref(), Some("string"));
    assert_eq!(
        r.amount.to_string(),
        "100",
        "placeholder amount 0 falls back to the requested amount"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_transaction_and_order_responses_parse() {
    let s = samples();
    let mock = mock();
    canned(
        &mock,
        "get_transaction",
        &s["get_transaction_status"]["response"]["body"],
        1,
    );
    canned(
        &mock,
        "get_transaction",
        &s["get_upi_transaction_status"]["response"]["body"],
        1,
    );
    canned(
        &mock,
        "get_order",
        &s["get_order_status"]["response"]["body"],
        1,
    );
    canned(
        &mock,
        "get_order",
        &s["create_order"]["response"]["body"],
        1,
    );
    let client = client(&mock);
    let t = client
        .get_transaction("EK1743074262175e8KIO")
        .await
        .unwrap();
    assert_eq!(t.status.as_str(), "SUCCESS");
    assert_eq!(t.amount.unwrap().to_string(), "100");
    assert_eq!(t.payment_mode.unwrap().as_str(), "UPI");
    assert!(enkash::parse_timestamp(t.created.as_deref().unwrap()).is_some());
    let upi = client
        .get_transaction("EK1743074262175e8KIO")
        .await
        .unwrap();
    assert_eq!(upi.status.as_str(), "SUCCESS");
    let o = client.get_order("RANDOMID123").await.unwrap();
    assert_eq!(o.status.unwrap().as_str(), "PAID");
    let created = client.get_order("RANDOMID123").await.unwrap();
    assert_eq!(created.order_id, "RANDOMID123");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_invalid_token_error_is_an_authentication_error() {
    let s = samples();
    let mock = mock();
    canned(
        &mock,
        "get_transaction",
        &s["error_examples"]["invalid_token"]["body"],
        2,
    );
    let client = client(&mock);
    let err = client.get_transaction("EK1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.response_code(), Some(117));
    assert!(err.message().contains("Token is invalid."));
}

#[test]
fn documented_payment_notify_parses() {
    let s = samples();
    let body = s["payment_notify_webhook"]["request_from_enkash"]["body"].to_string();
    let n = enkash::parse_payment_notification(body.as_bytes()).unwrap();
    assert_eq!(n.transaction_id.as_deref(), Some("EK1743074262175e8KIO"));
    assert_eq!(n.status.unwrap().as_str(), "SUCCESS");
    assert_eq!(n.order_status.unwrap().as_str(), "PAID");
    assert_eq!(n.amount.unwrap().to_string(), "100");
    assert_eq!(n.checksum.as_deref(), Some("string"));
}

#[test]
fn sample_refund_request_amount_forms_are_understood() {
    // The docs' own request example sends "100" as a string; our wire form is the number 100.
    let s = samples();
    let body = &s["refund"]["request_current_docs_example"]["body"];
    let a = enkash::Amount::parse(body["amount"].as_str().unwrap()).unwrap();
    assert_eq!(a.to_wire(), "100");
}
