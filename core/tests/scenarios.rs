//! Runs every scenario of `tests/scenarios/*.json` through the Rust core against the simulator.
//! The Python, Node, Kotlin and Swift suites run the same files through their bindings.

mod common;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use enkash::{Amount, Decimal, Error, RefundLookup, RefundOptions, RefundQuery};
use serde_json::{json, Map, Value};

fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

fn error_json(e: &Error) -> Value {
    json!({
        "code": e.kind_code(),
        "field": e.field(),
        "request_id": e.request_id(),
        "retryable": e.is_retryable(),
        "http_status": e.http_status(),
    })
}

fn refund_json(r: &enkash::Refund) -> Value {
    json!({
        "request_id": r.request_id,
        "transaction_id": r.transaction_id,
        "refund_transaction_id": r.refund_transaction_id,
        "amount": r.amount.normalize().to_string(),
        "status": r.status.as_str(),
        "raw_status": r.raw_status,
        "message": r.message,
    })
}

fn arg<'a>(args: &'a Value, key: &str) -> &'a str {
    args.get(key).and_then(Value::as_str).unwrap_or("")
}

fn opt(args: &Value, key: &str) -> Option<String> {
    args.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The app side of a provider-backed scenario: its tokens come from the merchant's backend (a
/// client with the secret key calling `issue_token`), or the backend is down (`fails`).
struct BackendProvider {
    backend: enkash::Client,
    fails: bool,
}

impl enkash::TokenProvider for BackendProvider {
    fn fetch_token(&self) -> enkash::TokenFuture<'_> {
        Box::pin(async move {
            if self.fails {
                return Err(Error::new(
                    enkash::ErrorKind::Authentication,
                    "token provider: backend unreachable",
                ));
            }
            self.backend.issue_token().await
        })
    }
}

async fn run_call(client: &enkash::Client, call: &str, args: &Value) -> Result<Value, Error> {
    match call {
        "issue_token" => {
            let t = client.issue_token().await?;
            Ok(json!({ "expires_at_ms": t.expires_at_ms }))
        }
        "refund" => {
            let amount = Amount::parse(arg(args, "amount"))?;
            let mut options = RefundOptions::new();
            options.request_id = opt(args, "request_id");
            options.remarks = opt(args, "remarks");
            let r = client
                .refund(arg(args, "transaction_id"), amount, options)
                .await?;
            Ok(refund_json(&r))
        }
        "get_refund" | "wait_for_refund" => {
            let mut q = RefundQuery::new(arg(args, "transaction_id"), arg(args, "request_id"));
            q.refund_transaction_id = opt(args, "refund_transaction_id");
            let r = if call == "get_refund" {
                client.get_refund(&q).await?
            } else {
                let ms = args
                    .get("timeout_ms")
                    .and_then(Value::as_u64)
                    .unwrap_or(10_000);
                client
                    .wait_for_refund(&q, Duration::from_millis(ms))
                    .await?
            };
            Ok(refund_json(&r))
        }
        "get_transaction" => {
            let t = client.get_transaction(arg(args, "transaction_id")).await?;
            Ok(json!({
                "transaction_id": t.transaction_id,
                "status": t.status.as_str(),
                "amount": t.amount.map(|a| a.normalize().to_string()),
                "payment_mode": t.payment_mode.as_ref().map(|m| m.as_str().to_owned()),
            }))
        }
        "get_order" => {
            let o = client.get_order(arg(args, "order_id")).await?;
            Ok(json!({
                "order_id": o.order_id,
                "status": o.status.as_ref().map(|s| s.as_str().to_owned()),
                "amount": o.amount.map(|a| a.normalize().to_string()),
            }))
        }
        "parse_payment_notification" => {
            let n = enkash::parse_payment_notification(arg(args, "body").as_bytes())?;
            let d = |v: Option<Decimal>| v.map(|a| a.normalize().to_string());
            Ok(json!({
                "transaction_id": n.transaction_id,
                "order_id": n.order_id,
                "status": n.status.as_ref().map(|s| s.as_str().to_owned()),
                "order_status": n.order_status.as_ref().map(|s| s.as_str().to_owned()),
                "amount": d(n.amount),
                "final_amount": d(n.final_amount),
                "payment_mode": n.payment_mode.as_ref().map(|s| s.as_str().to_owned()),
            }))
        }
        other => panic!("unknown call {other}"),
    }
}

/// Expected values: amounts compare as decimals, everything else exactly.
fn matches(expected: &Map<String, Value>, actual: &Value) -> Result<(), String> {
    for (k, want) in expected {
        let got = actual.get(k).unwrap_or(&Value::Null);
        let same = if k.contains("amount") {
            match (want.as_str(), got.as_str()) {
                (Some(w), Some(g)) => Decimal::from_str(w).ok() == Decimal::from_str(g).ok(),
                _ => want == got,
            }
        } else {
            want == got
        };
        if !same {
            return Err(format!("{k}: expected {want}, got {got}"));
        }
    }
    Ok(())
}

async fn run_scenario(path: &PathBuf) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let sc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mock = common::mock();
    let seed: enkash_mock::Seed =
        serde_json::from_value(sc["seed"].clone()).map_err(|e| format!("seed: {e}"))?;
    mock.seed(seed)?;
    let c = sc.get("client").cloned().unwrap_or(json!({}));
    let mut b = common::config(&mock);
    if c.get("token_source").and_then(Value::as_str) == Some("provider") {
        let backend = enkash::Client::new(b.build().map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let fails = c.get("provider").and_then(Value::as_str) == Some("fails");
        b = enkash::Config::builder()
            .access_key(enkash_mock::DEFAULT_ACCESS_KEY)
            .base_url(mock.base_url())
            .retry_policy(common::fast_retry(2))
            .request_timeout(Duration::from_secs(5))
            .total_timeout(Duration::from_secs(20))
            .token_provider(std::sync::Arc::new(BackendProvider { backend, fails }));
    }
    if let Some(n) = c.get("max_retries").and_then(Value::as_u64) {
        b = b.retry_policy(common::fast_retry(n as u32));
    }
    if let Some(s) = c.get("secret_key").and_then(Value::as_str) {
        b = b.secret_key(s);
    }
    if let Some(env) = c.get("environment").and_then(Value::as_str) {
        // The Rust builder is explicit: the later of environment/base_url wins.
        b = b
            .environment(enkash::Environment::parse(env).map_err(|e| e.to_string())?)
            .base_url(mock.base_url());
    }
    if let Some(s) = c.get("user_agent_suffix").and_then(Value::as_str) {
        b = b.user_agent_suffix(s);
    }
    if let Some(yes) = c.get("gateway_dedupes_request_id").and_then(Value::as_bool) {
        b = b.gateway_dedupes_request_id(yes);
    }
    if c.get("refund_lookup").and_then(Value::as_str) == Some("transaction_status_only") {
        b = b.refund_lookup(RefundLookup::TransactionStatusOnly);
    }
    let client =
        enkash::Client::new(b.build().map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let steps = sc["steps"].as_array().cloned().unwrap_or_default();
    for (i, step) in steps.iter().enumerate() {
        if let Some(ms) = step.get("wait_ms").and_then(Value::as_u64) {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            continue;
        }
        if let Some(admin) = step.get("admin").and_then(Value::as_str) {
            match admin {
                "expire_tokens" => mock.expire_tokens(),
                other => return Err(format!("unknown admin step {other}")),
            }
            continue;
        }
        let call = step["call"].as_str().unwrap_or("");
        let result = run_call(&client, call, &step["args"]).await;
        let expect = &step["expect"];
        let outcome = match (expect.get("ok"), expect.get("error"), &result) {
            (Some(want), _, Ok(v)) => matches(want.as_object().expect("object"), v),
            (_, Some(want), Err(e)) => matches(want.as_object().expect("object"), &error_json(e)),
            (Some(_), _, Err(e)) => Err(format!("expected success, got error {e}")),
            (_, Some(_), Ok(v)) => Err(format!("expected an error, got {v}")),
            _ => Err("step has no expect".into()),
        };
        outcome.map_err(|m| format!("step {i} ({call}): {m}"))?;
    }
    check_journal(&mock.journal(), &sc["journal"])
}

fn check_journal(j: &enkash_mock::Journal, want: &Value) -> Result<(), String> {
    let mut per_request = std::collections::HashMap::new();
    for r in &j.refunds {
        *per_request.entry(r.request_id.clone()).or_insert(0) += 1;
    }
    if let Some((id, n)) = per_request.iter().find(|(_, n)| **n > 1) {
        return Err(format!("requestId {id} applied {n} times"));
    }
    if let Some(n) = want.get("refunds_applied").and_then(Value::as_u64) {
        if j.refunds.len() as u64 != n {
            return Err(format!(
                "refunds applied: expected {n}, got {}",
                j.refunds.len()
            ));
        }
    }
    if let Some(counts) = want.get("counts").and_then(Value::as_object) {
        for (route, n) in counts {
            let got = j.count(route);
            if Some(got) != n.as_u64() {
                return Err(format!("journal count {route}: expected {n}, got {got}"));
            }
        }
    }
    if let Some(amounts) = want.get("refund_amounts").and_then(Value::as_object) {
        for (rid, amount) in amounts {
            let applied = j.refunds.iter().find(|r| &r.request_id == rid);
            let ok = applied.is_some_and(|r| {
                Decimal::from_str(&r.amount).ok()
                    == amount.as_str().and_then(|a| Decimal::from_str(a).ok())
            });
            if !ok {
                return Err(format!(
                    "refund {rid}: expected {amount} applied, got {applied:?}"
                ));
            }
        }
    }
    for text in want
        .get("user_agent_contains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if let Some(r) = j.requests.iter().find(|r| {
            !r.route.starts_with("__") && !r.user_agent.as_deref().unwrap_or("").contains(text)
        }) {
            return Err(format!(
                "User-Agent of {} lacks {text:?}: {:?}",
                r.route, r.user_agent
            ));
        }
    }
    if let Some(sent) = want.get("request_ids_sent").and_then(Value::as_object) {
        for (route, ids) in sent {
            let got: Vec<Value> = j
                .requests
                .iter()
                .filter(|r| &r.route == route)
                .map(|r| json!(r.request_id))
                .collect();
            if ids.as_array() != Some(&got) {
                return Err(format!(
                    "request ids sent on {route}: expected {ids}, got {got:?}"
                ));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_in_the_shared_manifest_passes() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the full manifest, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_owned();
        match run_scenario(f).await {
            Ok(()) => println!("scenario {name}: ok"),
            Err(e) => {
                println!("scenario {name}: FAILED: {e}");
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{} scenarios passed", files.len());
}
