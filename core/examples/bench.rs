//! Rust side of the benchmark (see bench/run.sh): the async client at concurrency 1/16/64 against
//! a running simulator, and the token requests made by 256 concurrent callers.
//! Usage: `bench BASE_URL OPS` — prints one JSON object per measurement.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use enkash::{Amount, Client, Config, RefundOptions};

fn client(base: &str) -> Client {
    Client::new(
        Config::builder()
            .access_key("ak_test")
            .secret_key("sk_test")
            .base_url(base)
            .build()
            .expect("config"),
    )
    .expect("client")
}

async fn run(name: &str, c: &Client, concurrency: usize, ops: usize, refund: bool) {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (c, next) = (c.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= ops {
                    break;
                }
                let t = format!("EKBENCH{:03}", i % 64);
                if refund {
                    c.refund(
                        &t,
                        Amount::from_paise(1).expect("amount"),
                        RefundOptions::new(),
                    )
                    .await
                    .expect("refund");
                }
                c.get_transaction(&t).await.expect("status");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"name\":\"{name}\",\"ops\":{ops},\"concurrency\":{concurrency},\"secs\":{secs},\"ops_per_s\":{}}}",
        ops as f64 / secs
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let ops: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let c = client(&base);
    c.check_token().await.expect("token");
    for conc in [1, 16, 64] {
        run(&format!("rust_get_c{conc}"), &c, conc, ops, false).await;
    }
    for conc in [1, 16, 64] {
        run(
            &format!("rust_refund_status_c{conc}"),
            &c,
            conc,
            ops / 2,
            true,
        )
        .await;
    }
    // 256 concurrent callers on a fresh client: how many token requests reach the gateway?
    let journal = || async {
        let text = reqwest::get(format!("{base}/__mock/journal"))
            .await
            .expect("journal")
            .text()
            .await
            .expect("journal text");
        let v: serde_json::Value = serde_json::from_str(&text).expect("journal json");
        v["counts"]["token"].as_u64().unwrap_or(0)
    };
    let before = journal().await;
    let fresh = client(&base);
    let calls: Vec<_> = (0..256)
        .map(|i| {
            let f = fresh.clone();
            tokio::spawn(async move { f.get_transaction(&format!("EKBENCH{:03}", i % 64)).await })
        })
        .collect();
    for t in calls {
        t.await.expect("task").expect("status");
    }
    println!(
        "{{\"name\":\"token_requests_256_callers\",\"value\":{}}}",
        journal().await - before
    );
}
