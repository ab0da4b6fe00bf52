//! Token cache behaviour, counted in the simulator's journal.

mod common;

use std::time::Duration;

use common::*;
use enkash::{Client, ErrorKind};
use enkash_mock::TokenExpiryMode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_cached_across_calls() {
    let mock = mock();
    seed_txns(&mock, &[("EKC1", "10")]);
    let client = client(&mock);
    for _ in 0..10 {
        client.get_transaction("EKC1").await.unwrap();
    }
    let j = mock.journal();
    assert_eq!(j.count("token"), 1);
    assert_eq!(j.count("get_transaction"), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_token_request() {
    let mock = mock();
    seed_txns(&mock, &[("EKCONC1", "10")]);
    // Slow token endpoint so all 256 callers pile up while the first fetch is in flight.
    let mut slow = fault("token", FaultKind::Delay);
    slow.delay_ms = Some(300);
    mock.add_fault(slow).unwrap();
    let client = client(&mock);
    let mut tasks = Vec::new();
    for _ in 0..256 {
        let c = client.clone();
        tasks.push(tokio::spawn(
            async move { c.get_transaction("EKCONC1").await },
        ));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let j = mock.journal();
    println!(
        "token requests for 256 concurrent callers: {}",
        j.count("token")
    );
    assert_eq!(j.count("token"), 1);
    assert_eq!(j.count("get_transaction"), 256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_refreshed_before_expiry() {
    let mock = mock();
    seed_txns(&mock, &[("EKEXP1", "10")]);
    mock.configure(MockConfig {
        token_lifetime_ms: Some(1_200),
        ..MockConfig::default()
    });
    // skew 60 s > lifetime: the cache refreshes at half the lifetime instead (600 ms).
    let client = client(&mock);
    client.get_transaction("EKEXP1").await.unwrap();
    client.get_transaction("EKEXP1").await.unwrap();
    assert_eq!(mock.journal().count("token"), 1);
    tokio::time::sleep(Duration::from_millis(700)).await;
    client.get_transaction("EKEXP1").await.unwrap();
    let j = mock.journal();
    assert_eq!(
        j.count("token"),
        2,
        "refreshed before the server-side expiry"
    );
    assert!(
        j.requests.iter().all(|r| r.status == 200),
        "no call was rejected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_past_expiry_means_one_call_per_token() {
    for mode in [TokenExpiryMode::Missing, TokenExpiryMode::Past] {
        let mock = mock();
        seed_txns(&mock, &[("EKNOEXP", "10")]);
        mock.configure(MockConfig {
            token_expiry: Some(mode),
            ..MockConfig::default()
        });
        let client = client(&mock);
        for _ in 0..3 {
            client.get_transaction("EKNOEXP").await.unwrap();
        }
        assert_eq!(mock.journal().count("token"), 3, "{mode:?}");
        let info = client.check_token().await.unwrap();
        assert!(!info.cached);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_token_is_refreshed_once_then_the_error_surfaces() {
    let mock = mock();
    seed_txns(&mock, &[("EKREJ1", "10")]);
    let client = client(&mock);
    client.get_transaction("EKREJ1").await.unwrap();
    mock.expire_tokens();
    client.get_transaction("EKREJ1").await.unwrap();
    assert_eq!(mock.journal().count("token"), 2);
    // A gateway that keeps saying 117: one refresh, then Authentication.
    let mut always = fault("get_transaction", FaultKind::CannedBody);
    always.times = Some(5);
    always.body = Some(
        r#"{"response_code":117,"response_message":"string","payload":"Token is invalid."}"#.into(),
    );
    mock.add_fault(always).unwrap();
    let err = client.get_transaction("EKREJ1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.response_code(), Some(117));
    let j = mock.journal();
    assert_eq!(j.count("token"), 3);
    assert_eq!(
        j.count("get_transaction"),
        5,
        "1 + (rejected, retried) + (117, refresh, 117)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_token_reports_expiry_never_the_token() {
    let mock = mock();
    let client = client(&mock);
    let info = client.check_token().await.unwrap();
    assert!(info.cached);
    let exp = info.expires_at_ms.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(exp > now + 3_000_000 && exp <= now + 3_600_000 + 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_with_one_active_token_costs_one_client_one_token() {
    let mock = mock();
    seed_txns(&mock, &[("EKSA1", "1000")]);
    mock.configure(MockConfig {
        token_mode: Some(enkash_mock::TokenMode::SingleActive),
        ..MockConfig::default()
    });
    let client = client(&mock);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.refund(
                "EKSA1",
                enkash::Amount::parse("1").unwrap(),
                enkash::RefundOptions::new().request_id(format!("SA-{i}")),
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(mock.journal().count("token"), 1, "no thrash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_is_asked_once_per_cool_down_not_per_caller() {
    let mock = mock();
    seed_txns(&mock, &[("EKCD1", "10")]);
    let mut down = fault("token", FaultKind::HttpStatus);
    down.status = Some(503);
    down.times = Some(1000);
    mock.add_fault(down).unwrap();
    let client = Client::new(config(&mock).retry_policy(fast_retry(0)).build().unwrap()).unwrap();
    let first = client.get_transaction("EKCD1").await.unwrap_err();
    for _ in 0..20 {
        let again = client.get_transaction("EKCD1").await.unwrap_err();
        assert_eq!(again.kind(), first.kind());
    }
    assert_eq!(
        mock.journal().count("token"),
        1,
        "callers share the failure"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let _ = client.get_transaction("EKCD1").await;
    assert_eq!(
        mock.journal().count("token"),
        2,
        "after the cool-down, one new try"
    );
}
