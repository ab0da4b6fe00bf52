//! Rust side of the benchmark (see bench/run.sh): the async client at concurrency 1/16/64 against
//! a running simulator, and the token requests made by 256 concurrent callers.
//!
//! Usage: `bench BASE_URL OPS [SECONDS]` — prints one JSON object per measurement. Each GET
//! measurement runs for SECONDS (default 3, like the `wrk -d3s` it is compared with) after a
//! warm-up that opens its connections; refund+status measurements run OPS operations.
//! `BENCH_ONLY=get|refund|token` runs one group and `BENCH_CONC=64` one GET concurrency (for profiling).
//! `BENCH_ONLY=roundtrips` makes OPS sequential refund + status round trips and prints nothing:
//! bench/instructions.sh runs it under callgrind twice and reports the difference per round trip.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// How long a measurement runs: a number of operations or a span of time.
#[derive(Clone, Copy)]
enum Span {
    Ops(usize),
    Time(Duration),
}

async fn run(name: &str, c: &Client, concurrency: usize, span: Span, refund: bool) {
    let ids: Arc<Vec<String>> = Arc::new((0..64).map(|i| format!("EKBENCH{i:03}")).collect());
    if let Span::Time(_) = span {
        // Warm-up: one call per worker so every connection is open before the clock starts.
        let warm: Vec<_> = (0..concurrency)
            .map(|i| {
                let (c, ids) = (c.clone(), ids.clone());
                tokio::spawn(async move { c.get_transaction(&ids[i % 64]).await })
            })
            .collect();
        for t in warm {
            t.await.expect("task").expect("warm-up");
        }
    }
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (c, next, stop, ids) = (c.clone(), next.clone(), stop.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if matches!(span, Span::Ops(n) if i >= n) || stop.load(Ordering::Relaxed) {
                    next.fetch_sub(1, Ordering::Relaxed);
                    break;
                }
                let t = &ids[i % 64];
                if refund {
                    c.refund(
                        t,
                        Amount::from_paise(1).expect("amount"),
                        RefundOptions::new(),
                    )
                    .await
                    .expect("refund");
                }
                c.get_transaction(t).await.expect("status");
            }
        }));
    }
    if let Span::Time(d) = span {
        tokio::time::sleep(d).await;
        stop.store(true, Ordering::Relaxed);
    }
    for t in tasks {
        t.await.expect("task");
    }
    let secs = start.elapsed().as_secs_f64();
    let ops = next.load(Ordering::Relaxed);
    println!(
        "{{\"name\":\"{name}\",\"ops\":{ops},\"concurrency\":{concurrency},\"secs\":{secs},\"ops_per_s\":{}}}",
        ops as f64 / secs
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let ops: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let secs: f64 = args.next().and_then(|v| v.parse().ok()).unwrap_or(3.0);
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let want = |group: &str| only.is_empty() || only == group;
    if want("get") {
        let only_conc: Option<usize> = std::env::var("BENCH_CONC")
            .ok()
            .and_then(|v| v.parse().ok());
        for conc in [1, 16, 64]
            .into_iter()
            .filter(|c| only_conc.is_none_or(|o| o == *c))
        {
            // Each concurrency with a client of its own runtime.
            runtime(wrk_threads(conc)).block_on(async {
                let c = client(&base);
                c.check_token().await.expect("token");
                let span = Span::Time(Duration::from_secs_f64(secs));
                run(&format!("rust_get_c{conc}"), &c, conc, span, false).await;
            });
        }
    }
    if want("refund") {
        for conc in [1, 16, 64] {
            runtime(wrk_threads(conc)).block_on(async {
                let c = client(&base);
                c.check_token().await.expect("token");
                let name = format!("rust_refund_status_c{conc}");
                run(&name, &c, conc, Span::Ops(ops / 2), true).await;
            });
        }
    }
    if want("token") {
        runtime(2).block_on(token_requests(&base));
    }
    if only == "roundtrips" {
        // Two workers (the instruction counts' series was taken this way).
        runtime(2).block_on(async {
            let c = client(&base);
            c.check_token().await.expect("token");
            for i in 0..ops {
                let t = format!("EKBENCH{:03}", i % 64);
                let amount = Amount::from_paise(1).expect("amount");
                c.refund(&t, amount, RefundOptions::new())
                    .await
                    .expect("refund");
                c.get_transaction(&t).await.expect("status");
            }
        });
    }
}

/// 256 concurrent callers on a fresh client: how many token requests reach the gateway?
async fn token_requests(base: &str) {
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
    // Made first: the SDK client installs the process's rustls crypto provider, which the
    // reqwest client reading the journal needs too.
    let fresh = client(base);
    let before = journal().await;
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

/// As many threads as wrk gets at `concurrency` (bench/run.sh: `-t1` at c=1, `-t2` above).
fn wrk_threads(concurrency: usize) -> usize {
    if concurrency < 2 {
        1
    } else {
        2
    }
}

/// A runtime with `threads` threads: the current-thread scheduler for one, else a multi-thread one.
fn runtime(threads: usize) -> tokio::runtime::Runtime {
    let mut builder = if threads < 2 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    builder.enable_all().build().expect("runtime")
}
