//! A hostile or broken server: huge, truncated, slow-drip, wrong content type, deeply nested or
//! non-UTF-8 answers each end in a typed error within the total timeout, with bounded memory.

mod common;

use std::time::{Duration, Instant};

use common::*;
use enkash::ErrorKind;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

async fn against(f: FaultSpec, total: Duration) -> (enkash::Error, Duration, u64) {
    let mock = mock();
    seed_txns(&mock, &[("EKH1", "10")]);
    mock.add_fault(f).unwrap();
    let client = enkash::Client::new(
        config(&mock)
            .request_timeout(Duration::from_secs(2))
            .total_timeout(total)
            .retry_policy(fast_retry(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    client.check_token().await.unwrap();
    let before = rss_kb();
    let started = Instant::now();
    let err = match client.get_transaction("EKH1").await {
        Ok(t) => panic!("expected an error, got {t:?}"),
        Err(e) => e,
    };
    (err, started.elapsed(), rss_kb().saturating_sub(before))
}

fn spec(kind: FaultKind) -> FaultSpec {
    let mut f = fault("get_transaction", kind);
    f.times = Some(10);
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_body_is_cut_off_at_the_limit() {
    let mut f = spec(FaultKind::HugeBody);
    f.bytes = Some(200 << 20);
    let (err, took, grew_kb) = against(f, Duration::from_secs(10)).await;
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("larger than"), "{err}");
    assert!(took < Duration::from_secs(10));
    assert!(
        grew_kb < 64 * 1024,
        "memory grew by {grew_kb} KiB reading a 200 MB body"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_drip_ends_within_the_total_timeout() {
    let mut f = spec(FaultKind::SlowDrip);
    f.delay_ms = Some(300);
    let total = Duration::from_millis(2500);
    let (err, took, _) = against(f, total).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(took < total + Duration::from_millis(500), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_wrong_type_nested_and_invalid_utf8_answers_are_decode_errors() {
    let cases: Vec<(&str, FaultSpec)> = vec![
        ("truncated", {
            let mut f = spec(FaultKind::CannedBody);
            f.body = Some(r#"{"response_code":0,"payload":{"transactionId":"EK"#.into());
            f
        }),
        ("html", {
            let mut f = spec(FaultKind::CannedBody);
            f.body = Some("<html><body>502 Bad Gateway</body></html>".into());
            f.content_type = Some("text/html".into());
            f
        }),
        ("nested", {
            let mut f = spec(FaultKind::CannedBody);
            f.body = Some(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
            f
        }),
        ("nested payload", {
            let mut f = spec(FaultKind::CannedBody);
            f.body = Some(format!(
                r#"{{"response_code":0,"payload":{}{}}}"#,
                "{\"a\":".repeat(5_000),
                "1".to_owned() + &"}".repeat(5_000)
            ));
            f
        }),
        ("invalid utf-8", {
            let mut f = spec(FaultKind::CannedBody);
            // {"response_code":0,"payload":{"transactionId":"\xff\xfe"}}
            f.body_base64 = Some(
                "eyJyZXNwb25zZV9jb2RlIjowLCJwYXlsb2FkIjp7InRyYW5zYWN0aW9uSWQiOiL//iJ9fQ==".into(),
            );
            f
        }),
    ];
    for (name, f) in cases {
        let (err, took, _) = against(f, Duration::from_secs(5)).await;
        assert_eq!(err.kind(), ErrorKind::Decode, "{name}: {err}");
        assert!(took < Duration::from_secs(5), "{name}: {took:?}");
    }
}
