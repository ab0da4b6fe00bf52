//! The blocking facade: shared across threads, one token, no panics inside a runtime.

mod common;

use common::*;
use enkash::{Amount, ErrorKind, RefundOptions};

#[test]
fn sixteen_threads_share_one_blocking_client() {
    let mock = mock();
    let txns: Vec<(String, String)> = (0..16)
        .map(|i| (format!("EKBL{i}"), "100".to_owned()))
        .collect();
    let refs: Vec<(&str, &str)> = txns.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    seed_txns(&mock, &refs);
    let client = enkash::blocking::Client::new(config(&mock).build().unwrap()).unwrap();
    std::thread::scope(|s| {
        for i in 0..16 {
            let c = client.clone();
            s.spawn(move || {
                for k in 0..5 {
                    let r = c
                        .refund(
                            &format!("EKBL{i}"),
                            Amount::parse("1.01").unwrap(),
                            RefundOptions::new().request_id(format!("BL-{i}-{k}")),
                        )
                        .unwrap();
                    assert_eq!(r.amount.to_string(), "1.01");
                    c.get_transaction(&format!("EKBL{i}")).unwrap();
                }
            });
        }
    });
    let j = mock.journal();
    assert_eq!(j.count("token"), 1);
    assert_eq!(j.refunds.len(), 80);
    assert_eq!(mock.transaction("EKBL3").unwrap()["refunded"], "5.05");
}

#[tokio::test]
async fn blocking_client_inside_a_runtime_errors_instead_of_panicking() {
    let mock = mock();
    let client = enkash::blocking::Client::new(config(&mock).build().unwrap()).unwrap();
    let err = client.get_transaction("EK1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(err.message().contains("async"));
    drop(client); // dropping inside a runtime must not panic either
    assert_eq!(mock.journal().requests.len(), 0);
}
