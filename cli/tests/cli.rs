//! The `enkash` binary against the simulator: bulk refunds, resume after kill -9, bad rows, JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use enkash_mock::{FaultKind, FaultSpec, MockConfig, MockServer, Seed, TransactionSeed};
use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_enkash"));
    c.env_remove("ENKASH_BASE_URL")
        .env_remove("ENKASH_ENVIRONMENT")
        .env("ENKASH_ACCESS_KEY", "ak_test")
        .env("ENKASH_SECRET_KEY", "sk_test");
    c
}

fn run(mock: &MockServer, args: &[&str]) -> (Output, Value) {
    let out = bin()
        .args(["--base-url", &mock.base_url(), "--json"])
        .args(args)
        .output()
        .expect("run enkash");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, json)
}

fn txn(id: String, amount: &str) -> TransactionSeed {
    TransactionSeed {
        id,
        amount: amount.into(),
        status: "SUCCESS".into(),
        payment_mode: "UPI".into(),
        beneficiary_frozen: false,
        access_key: None,
        order_id: None,
    }
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("enkash-cli-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn bulk_file(dir: &Path, mock: &MockServer, n: usize) -> PathBuf {
    mock.seed(Seed {
        transactions: (0..n).map(|i| txn(format!("EKB{i:06}"), "100")).collect(),
        ..Seed::default()
    })
    .unwrap();
    let mut text = String::from("transaction_id,amount\n");
    for i in 0..n {
        text.push_str(&format!("EKB{i:06},{}.{:02}\n", 1 + i % 90, i % 100));
    }
    let path = dir.join("refunds.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_each_row_refunded_once(mock: &MockServer, n: usize) {
    let j = mock.journal();
    let mut per_txn = std::collections::HashMap::new();
    let mut per_rid = std::collections::HashMap::new();
    for r in &j.refunds {
        *per_txn.entry(r.transaction_id.clone()).or_insert(0) += 1;
        *per_rid.entry(r.request_id.clone()).or_insert(0) += 1;
    }
    assert!(
        per_rid.values().all(|&c| c == 1),
        "a request id was applied twice"
    );
    assert!(
        per_txn.values().all(|&c| c == 1),
        "a row was refunded twice"
    );
    assert_eq!(j.refunds.len(), n, "every row refunded");
}

#[test]
fn bulk_10000_rows_at_concurrency_16() {
    let mock = MockServer::spawn().unwrap();
    let dir = tempdir("bulk10k");
    let file = bulk_file(&dir, &mock, 10_000);
    let started = Instant::now();
    let (out, v) = run(
        &mock,
        &[
            "refund",
            "bulk",
            file.to_str().unwrap(),
            "--concurrency",
            "16",
        ],
    );
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(out.status.code(), Some(0), "{v}");
    let s = &v["summary"];
    assert_eq!(s["rows"], 10_000);
    assert_eq!(s["processed_this_run"], 10_000);
    assert_eq!(
        s["succeeded"].as_u64().unwrap() + s["pending"].as_u64().unwrap(),
        10_000
    );
    assert_each_row_refunded_once(&mock, 10_000);
    println!(
        "bulk: 10000 rows at concurrency 16 in {secs:.1}s ({:.0} rows/s)",
        s["rows_per_sec"].as_f64().unwrap()
    );
    let outcome = std::fs::read_to_string(dir.join("refunds.csv.outcome.csv")).unwrap();
    assert_eq!(outcome.lines().count(), 10_001);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kill_9_at_three_random_points_then_resume_refunds_each_row_once() {
    let mock = MockServer::spawn().unwrap();
    let dir = tempdir("kill9");
    let n = 3_000;
    let file = bulk_file(&dir, &mock, n);
    // Slow the gateway a little so each run is killed mid-flight, and fault some refunds.
    mock.configure(MockConfig {
        fault_seed: Some(9),
        ..MockConfig::default()
    });
    for (kind, p) in [
        (FaultKind::Delay, 1.0),
        (FaultKind::ResetAfterCommit, 0.03),
        (FaultKind::ResetBefore, 0.03),
    ] {
        let mut f = FaultSpec::new("refund", kind);
        f.probability = Some(p);
        f.delay_ms = Some(5);
        mock.add_fault(f).unwrap();
    }
    let mut rng = xorshift(0x5eed);
    let mut killed_after = Vec::new();
    for _ in 0..3 {
        let mut child = bin()
            .args([
                "--base-url",
                &mock.base_url(),
                "--json",
                "refund",
                "bulk",
                file.to_str().unwrap(),
                "--concurrency",
                "16",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a random point of the work: once a random number of further refunds landed.
        let target = mock.journal().refunds.len() + 100 + (rng() % 600) as usize;
        let started = Instant::now();
        while mock.journal().refunds.len() < target && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        killed_after.push((started.elapsed().as_millis(), mock.journal().refunds.len()));
    }
    let applied_before_resume = mock.journal().refunds.len();
    assert!(
        applied_before_resume < n,
        "the kills interrupted the work: {killed_after:?}"
    );
    // Resume until done (faulted rows may need a second pass to reconcile).
    let mut last = Value::Null;
    for _ in 0..3 {
        let (out, v) = run(
            &mock,
            &[
                "refund",
                "bulk",
                file.to_str().unwrap(),
                "--concurrency",
                "16",
            ],
        );
        last = v;
        if out.status.code() == Some(0) {
            break;
        }
    }
    let s = &last["summary"];
    assert_eq!(
        s["succeeded"].as_u64().unwrap() + s["pending"].as_u64().unwrap(),
        n as u64,
        "{last}"
    );
    assert_each_row_refunded_once(&mock, n);
    println!("kill -9 after (ms, refunds applied so far): {killed_after:?}; resumed to {n} rows, each refunded once");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A tiny deterministic generator (xorshift) so the kill points are reproducible.
fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

#[test]
fn bad_rows_are_reported_with_line_numbers_and_do_not_stop_the_others() {
    let mock = MockServer::spawn().unwrap();
    mock.seed(Seed {
        transactions: vec![
            txn("EKOK1".into(), "100"),
            txn("EKOK2".into(), "100"),
            txn("EKOK3".into(), "100"),
        ],
        ..Seed::default()
    })
    .unwrap();
    let dir = tempdir("badrows");
    let file = dir.join("mixed.csv");
    std::fs::write(
        &file,
        "transaction_id,amount,remarks,request_id\n\
         EKOK1,10.50,fine,R-1\n\
         EKOK2,10.555,too precise,R-2\n\
         ,5,missing txn,R-3\n\
         EKOK3,5,dup id,R-1\n\
         EKOK2,abc,bad,R-5\n\
         EKOK3,7,,\n\
         EKOK2,200,too much,R-7\n",
    )
    .unwrap();
    let (out, v) = run(&mock, &["refund", "bulk", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{v}");
    let s = &v["summary"];
    let bad: Vec<(u64, String)> = s["bad_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["line"].as_u64().unwrap(),
                b["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let lines: Vec<u64> = bad.iter().map(|b| b.0).collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{bad:?}");
    assert!(bad[0].1.contains("2 decimal places"));
    assert!(bad[1].1.contains("transaction_id"));
    assert!(bad[2]
        .1
        .contains("duplicate request_id R-1 (first at line 2)"));
    assert!(bad[3].1.contains("amount"));
    assert_eq!(
        s["succeeded"].as_u64().unwrap() + s["pending"].as_u64().unwrap(),
        2
    );
    assert_eq!(s["failed"]["refund_exceeds_available"], 1);
    assert_eq!(mock.journal().refunds.len(), 2);
    let outcome = std::fs::read_to_string(dir.join("mixed.csv.outcome.csv")).unwrap();
    assert!(outcome
        .lines()
        .any(|l| l.starts_with("3,") && l.contains("invalid")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_speaks_json_and_exit_codes_are_distinct() {
    let mock = MockServer::spawn().unwrap();
    mock.seed(Seed {
        transactions: vec![txn("EKJ1".into(), "100")],
        orders: vec![enkash_mock::OrderSeed {
            id: "ORDJ1".into(),
            status: Some("PAID".into()),
            amount: Some("100".into()),
            access_key: None,
        }],
        ..Seed::default()
    })
    .unwrap();
    let (out, v) = run(&mock, &["token", "check"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["ok"], true);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("sk_test"));
    let (_, v) = run(&mock, &["txn", "get", "EKJ1"]);
    assert_eq!(v["status"], "SUCCESS");
    assert_eq!(v["amount"], "100.00");
    let (_, v) = run(&mock, &["order", "get", "ORDJ1"]);
    assert_eq!(v["status"], "PAID");
    let (out, v) = run(
        &mock,
        &[
            "refund",
            "create",
            "EKJ1",
            "--amount",
            "12.30",
            "--request-id",
            "J-1",
            "--wait",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["status"], "succeeded");
    assert_eq!(v["amount"], "12.30");
    let (_, v) = run(&mock, &["refund", "status", "EKJ1", "--request-id", "J-1"]);
    assert_eq!(v["request_id"], "J-1");
    let (out, v) = run(
        &mock,
        &[
            "refund",
            "create",
            "EKJ1",
            "--amount",
            "12.30",
            "--request-id",
            "J-1",
            "--resume",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["request_id"], "J-1");
    assert_eq!(
        mock.journal().refunds.len(),
        1,
        "--resume found it, nothing resent"
    );
    let (out, v) = run(&mock, &["refund", "create", "EKJ1", "--amount", "1000"]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(v["error"]["code"], "refund_exceeds_available");
    let (out, v) = run(&mock, &["refund", "create", "EKJ1", "--amount", "1.001"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(v["error"]["field"], "amount");
    let out = bin()
        .args([
            "--base-url",
            &mock.base_url(),
            "--json",
            "--secret-key",
            "nope",
            "token",
            "check",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "authentication");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("nope"));
}

#[test]
fn editing_remarks_between_runs_never_refunds_a_row_again() {
    let mock = MockServer::spawn().unwrap();
    mock.seed(Seed {
        transactions: vec![txn("EKREM1".into(), "100"), txn("EKREM2".into(), "100")],
        ..Seed::default()
    })
    .unwrap();
    let dir = tempdir("remarks");
    let file = dir.join("r.csv");
    std::fs::write(&file, "EKREM1,10,damaged\nEKREM2,20,late\n").unwrap();
    let (out, v) = run(&mock, &["refund", "bulk", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{v}");
    std::fs::write(&file, "EKREM1,10,damaged in transit\nEKREM2,20,\n").unwrap();
    let (out, v) = run(&mock, &["refund", "bulk", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["summary"]["processed_this_run"], 0, "{v}");
    assert_eq!(mock.journal().refunds.len(), 2, "each row refunded once");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn credential_failures_leave_rows_retryable_and_files_private() {
    let mock = MockServer::spawn().unwrap();
    mock.seed(Seed {
        transactions: vec![txn("EKAUTH1".into(), "100")],
        ..Seed::default()
    })
    .unwrap();
    let dir = tempdir("auth");
    let file = dir.join("a.csv");
    std::fs::write(&file, "EKAUTH1,10\n").unwrap();
    let out = bin()
        .args(["--base-url", &mock.base_url(), "--json"])
        .env("ENKASH_SECRET_KEY", "sk_wrong")
        .args(["refund", "bulk", file.to_str().unwrap()])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["retry_later"], 1, "{v}");
    assert_eq!(out.status.code(), Some(5), "{v}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["a.csv.journal.db", "a.csv.outcome.csv"] {
            let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{f} is readable by others: {mode:o}");
        }
    }
    // Fixed credentials: the same run picks the row up again.
    let (out, v) = run(&mock, &["refund", "bulk", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(mock.journal().refunds.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
