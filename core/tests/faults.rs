//! Retries, timeouts and exactly-once refunds under injected faults.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::*;
use enkash::{Amount, ErrorKind, RefundOptions};
use enkash_mock::DuplicateMode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_each_transient_fault() {
    for kind in [
        FaultKind::HttpStatus,
        FaultKind::RateLimit,
        FaultKind::ResetBefore,
        FaultKind::ResetAfterCommit,
        FaultKind::MalformedBody,
    ] {
        let mock = mock();
        seed_txns(&mock, &[("EKR1", "10")]);
        let mut f = fault("get_transaction", kind);
        f.times = Some(2);
        f.status = Some(502);
        mock.add_fault(f).unwrap();
        let client = client(&mock);
        let t = client
            .get_transaction("EKR1")
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(t.status.as_str(), "SUCCESS");
        assert_eq!(mock.journal().count("get_transaction"), 3, "{kind:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_are_bounded_by_max_retries() {
    let mock = mock();
    seed_txns(&mock, &[("EKB1", "10")]);
    let mut f = fault("get_transaction", FaultKind::HttpStatus);
    f.times = Some(100);
    mock.add_fault(f).unwrap();
    let client =
        enkash::Client::new(config(&mock).retry_policy(fast_retry(3)).build().unwrap()).unwrap();
    let err = client.get_transaction("EKB1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.http_status(), Some(500));
    assert!(err.is_retryable());
    assert_eq!(mock.journal().count("get_transaction"), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let mock = mock();
    seed_txns(&mock, &[("EKRA1", "10")]);
    let mut f = fault("get_transaction", FaultKind::RateLimit);
    f.retry_after_secs = Some(1);
    mock.add_fault(f).unwrap();
    let client = client(&mock);
    let started = Instant::now();
    client.get_transaction("EKRA1").await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(mock.journal().count("get_transaction"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stall_beyond_the_attempt_timeout_is_retried() {
    let mock = mock();
    seed_txns(&mock, &[("EKST1", "10")]);
    let mut f = fault("get_transaction", FaultKind::Delay);
    f.delay_ms = Some(3_000);
    mock.add_fault(f).unwrap();
    let client = enkash::Client::new(
        config(&mock)
            .request_timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    )
    .unwrap();
    client.get_transaction("EKST1").await.unwrap();
    assert!(mock.journal().count("get_transaction") >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn total_timeout_bounds_the_whole_call() {
    let mock = mock();
    seed_txns(&mock, &[("EKTT1", "10")]);
    let mut f = fault("get_transaction", FaultKind::Delay);
    f.delay_ms = Some(2_000);
    f.times = Some(10);
    mock.add_fault(f).unwrap();
    let client = enkash::Client::new(
        config(&mock)
            .request_timeout(Duration::from_millis(400))
            .total_timeout(Duration::from_millis(900))
            .retry_policy(fast_retry(10))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = client.get_transaction("EKTT1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_refused_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = enkash::Client::new(
        enkash::Config::builder()
            .access_key("ak")
            .secret_key("sk")
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(fast_retry(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = client.get_transaction("EK1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert!(err.is_retryable());
    assert!(
        std::error::Error::source(&err).is_some(),
        "cause is chained"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_stalled_past_timeout_is_applied_once() {
    for mode in [
        DuplicateMode::Replay,
        DuplicateMode::Reject1006,
        DuplicateMode::Reject409,
        DuplicateMode::AlreadyProcessed200,
    ] {
        let mock = mock();
        seed_txns(&mock, &[("EKSTALL", "100")]);
        mock.configure(MockConfig {
            duplicate_mode: Some(mode),
            ..MockConfig::default()
        });
        let mut f = fault("refund", FaultKind::Delay);
        f.delay_ms = Some(800);
        mock.add_fault(f).unwrap();
        let client = enkash::Client::new(
            config(&mock)
                .request_timeout(Duration::from_millis(300))
                .build()
                .unwrap(),
        )
        .unwrap();
        let r = client
            .refund(
                "EKSTALL",
                Amount::parse("10").unwrap(),
                RefundOptions::new().request_id("STALL-1"),
            )
            .await;
        // Let the stalled first attempt finish on the server.
        tokio::time::sleep(Duration::from_millis(900)).await;
        let j = mock.journal();
        assert_eq!(j.refunds_with("STALL-1"), 1, "{mode:?}: {r:?}");
        assert_eq!(j.refunds.len(), 1);
        match r {
            Ok(refund) => assert_eq!(refund.request_id, "STALL-1"),
            Err(e) => assert_eq!(e.request_id(), Some("STALL-1"), "{mode:?}: {e}"),
        }
    }
}

/// Every refund faulted once after commit, in both duplicate modes, with concurrency:
/// each requestId is applied exactly once and every success matches an applied refund.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_after_commit_never_double_refunds() {
    for mode in [
        DuplicateMode::Replay,
        DuplicateMode::Reject1006,
        DuplicateMode::Reject409,
        DuplicateMode::AlreadyProcessed200,
    ] {
        let mock = mock();
        let txns: Vec<(String, String)> = (0..40)
            .map(|i| (format!("EKRAC{i}"), "100".to_owned()))
            .collect();
        let refs: Vec<(&str, &str)> = txns.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        seed_txns(&mock, &refs);
        mock.configure(MockConfig {
            duplicate_mode: Some(mode),
            ..MockConfig::default()
        });
        let mut f = fault("refund", FaultKind::ResetAfterCommit);
        f.times = Some(40);
        mock.add_fault(f).unwrap();
        let client = client(&mock);
        let mut tasks = Vec::new();
        for i in 0..40 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                c.refund(
                    &format!("EKRAC{i}"),
                    Amount::parse("33.33").unwrap(),
                    RefundOptions::new().request_id(format!("RAC-{i}")),
                )
                .await
            }));
        }
        let mut ok = 0;
        for t in tasks {
            let r = t.await.unwrap().unwrap();
            assert_eq!(r.amount.to_string(), "33.33");
            ok += 1;
        }
        let j = mock.journal();
        println!(
            "{mode:?}: {ok} refunds ok, {} applied, {} refund POSTs",
            j.refunds.len(),
            j.count("refund")
        );
        assert_eq!(j.refunds.len(), 40);
        for i in 0..40 {
            assert_eq!(j.refunds_with(&format!("RAC-{i}")), 1);
        }
        assert_eq!(
            j.count("refund"),
            40,
            "found by reconciliation, never resent"
        );
    }
}

/// A mixed fault storm: 30% of refund POSTs faulted with every kind. Outcomes must agree with the
/// journal: no duplicates, no success that was not applied, no definite failure that was applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_storm_outcomes_match_the_journal() {
    for mode in [
        DuplicateMode::Replay,
        DuplicateMode::Reject1006,
        DuplicateMode::Reject409,
        DuplicateMode::AlreadyProcessed200,
    ] {
        let mock = mock();
        let txns: Vec<(String, String)> = (0..60)
            .map(|i| (format!("EKS{i}"), "1000".to_owned()))
            .collect();
        let refs: Vec<(&str, &str)> = txns.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        seed_txns(&mock, &refs);
        mock.configure(MockConfig {
            duplicate_mode: Some(mode),
            fault_seed: Some(42),
            ..MockConfig::default()
        });
        for kind in [
            FaultKind::ResetAfterCommit,
            FaultKind::ResetBefore,
            FaultKind::HttpStatus,
            FaultKind::RateLimit,
            FaultKind::MalformedBody,
        ] {
            let mut f = fault("refund", kind);
            f.probability = Some(0.07);
            mock.add_fault(f).unwrap();
        }
        let mut enquiry_fault = fault("refund_enquiry", FaultKind::HttpStatus);
        enquiry_fault.probability = Some(0.1);
        mock.add_fault(enquiry_fault).unwrap();
        let client = client(&mock);
        let mut tasks = Vec::new();
        for i in 0..120 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move {
                let rid = format!("ST-{i}");
                let r = c
                    .refund(
                        &format!("EKS{}", i % 60),
                        Amount::from_paise(1234).unwrap(),
                        RefundOptions::new().request_id(rid.clone()),
                    )
                    .await;
                (rid, r)
            }));
        }
        let mut outcomes = HashMap::new();
        for t in tasks {
            let (rid, r) = t.await.unwrap();
            outcomes.insert(rid, r);
        }
        let j = mock.journal();
        let (mut ok, mut unknown, mut failed) = (0, 0, 0);
        for (rid, r) in &outcomes {
            let applied = j.refunds_with(rid);
            assert!(applied <= 1, "{rid} applied {applied} times");
            match r {
                Ok(_) => {
                    ok += 1;
                    assert_eq!(applied, 1, "{rid} reported succeeded but not applied");
                }
                Err(e) if e.kind() == ErrorKind::OutcomeUnknown => {
                    unknown += 1;
                    assert_eq!(e.request_id(), Some(rid.as_str()));
                }
                Err(e) => {
                    failed += 1;
                    assert_eq!(applied, 0, "{rid} reported failed ({e}) but applied");
                }
            }
        }
        println!(
            "{mode:?}: ok={ok} outcome_unknown={unknown} failed={failed} applied={}",
            j.refunds.len()
        );
        assert!(ok >= 90, "most refunds get through: {ok}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_request_id_is_reused_on_resend() {
    let mock = mock();
    seed_txns(&mock, &[("EKGEN1", "100")]);
    let mut f = fault("refund", FaultKind::ResetBefore);
    f.times = Some(2);
    mock.add_fault(f).unwrap();
    let client = client(&mock);
    let r = client
        .refund("EKGEN1", Amount::parse("5").unwrap(), RefundOptions::new())
        .await
        .unwrap();
    assert!(r.request_id.starts_with("RF") && r.request_id.len() == 32);
    let j = mock.journal();
    let sent: Vec<_> = j.requests.iter().filter(|q| q.route == "refund").collect();
    assert_eq!(sent.len(), 3);
    assert!(sent
        .iter()
        .all(|q| q.request_id.as_deref() == Some(r.request_id.as_str())));
    assert!(sent.iter().all(|q| q.amount.as_deref() == Some("5")));
    assert_eq!(j.refunds.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_go_on_the_wire_as_exact_json_numbers() {
    let mock = mock();
    seed_txns(&mock, &[("EKWIRE", "1000000")]);
    let client = client(&mock);
    for (input, wire) in [
        ("100", "100"),
        ("99.50", "99.5"),
        ("0.07", "0.07"),
        ("123456.78", "123456.78"),
        ("0.10", "0.1"),
    ] {
        client
            .refund(
                "EKWIRE",
                Amount::parse(input).unwrap(),
                RefundOptions::new(),
            )
            .await
            .unwrap();
        let j = mock.journal();
        assert_eq!(
            j.requests.last().unwrap().amount.as_deref(),
            Some(wire),
            "{input}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_first_never_resends_an_applied_refund() {
    let mock = mock();
    seed_txns(&mock, &[("EKRF1", "100")]);
    let client = client(&mock);
    let q = enkash::RefundQuery::new("EKRF1", "RF-1");
    assert_eq!(client.find_refund(&q).await.unwrap(), None, "proven absent");
    let opts = RefundOptions::new()
        .request_id("RF-1")
        .reconcile_first(true);
    let first = client
        .refund("EKRF1", Amount::parse("7").unwrap(), opts.clone())
        .await
        .unwrap();
    let again = client
        .refund("EKRF1", Amount::parse("7").unwrap(), opts)
        .await
        .unwrap();
    assert_eq!(first.refund_transaction_id, again.refund_transaction_id);
    let found = client.find_refund(&q).await.unwrap().unwrap();
    assert_eq!(found.refund_transaction_id, first.refund_transaction_id);
    let j = mock.journal();
    assert_eq!(
        j.count("refund"),
        1,
        "second call found it and sent nothing"
    );
    assert_eq!(j.refunds.len(), 1);
    // Without a request id there is nothing to reconcile.
    let err = client
        .refund(
            "EKRF1",
            Amount::parse("1").unwrap(),
            RefundOptions::new().reconcile_first(true),
        )
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("request_id"));
    // When the lookup itself fails, nothing is sent.
    let mut f = fault("refund_enquiry", FaultKind::HttpStatus);
    f.times = Some(10);
    mock.add_fault(f).unwrap();
    let err = client
        .refund(
            "EKRF1",
            Amount::parse("1").unwrap(),
            RefundOptions::new()
                .request_id("RF-2")
                .reconcile_first(true),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(mock.journal().count("refund"), 1);
}
