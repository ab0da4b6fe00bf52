//! A fleet sharing one token through a `TokenStore`: in memory (clients of one process) and in a
//! real Redis (`ENKASH_REDIS_URL`, started by the test script) — one token call for all clients,
//! no revocation loop on a gateway that keeps one active token per merchant.

mod common;

use std::sync::Arc;

use common::*;
use enkash::{Amount, Client, MemoryTokenStore, RefundOptions, TokenStore};

/// `n` clients (as if `n` processes) sharing `store`, on a gateway that revokes a merchant's older
/// tokens whenever it issues one.
fn fleet(mock: &MockServer, store: Option<Arc<dyn TokenStore>>, n: usize) -> Vec<Client> {
    mock.configure(MockConfig {
        token_mode: Some(enkash_mock::TokenMode::SingleActive),
        ..MockConfig::default()
    });
    (0..n)
        .map(|_| {
            let mut b = config(mock);
            if let Some(s) = &store {
                b = b.token_store(Arc::clone(s));
            }
            Client::new(b.build().expect("config")).expect("client")
        })
        .collect()
}

/// Every client refunds `per_client` times concurrently; the gateway's tokens are revoked once in
/// the middle. Returns the number of token calls.
async fn refund_together(
    mock: &MockServer,
    clients: &[Client],
    txn_id: &str,
    per_client: usize,
) -> u64 {
    let mut tasks = Vec::new();
    for (c, client) in clients.iter().enumerate() {
        for i in 0..per_client {
            let client = client.clone();
            let txn_id = txn_id.to_owned();
            tasks.push(tokio::spawn(async move {
                client
                    .refund(
                        &txn_id,
                        Amount::parse("0.01").unwrap(),
                        RefundOptions::new().request_id(format!("{txn_id}-{c}-{i}")),
                    )
                    .await
            }));
        }
    }
    let mut results = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if i == clients.len() * per_client / 2 {
            mock.expire_tokens();
        }
        results.push(t.await.expect("task"));
    }
    for r in &results {
        assert!(r.is_ok(), "no caller sees an authentication failure: {r:?}");
    }
    mock.journal().count("token")
}

async fn shares_one_token(store: Arc<dyn TokenStore>) {
    let mock = mock();
    seed_txns(&mock, &[("EKFLEET1", "100000")]);
    let clients = fleet(&mock, Some(store), 8);
    for c in &clients {
        c.get_transaction("EKFLEET1").await.expect("call");
    }
    assert_eq!(
        mock.journal().count("token"),
        1,
        "eight clients, one token call"
    );
    let tokens = refund_together(&mock, &clients, "EKFLEET1", 16).await;
    assert!(
        tokens <= 3,
        "one revocation mid-run costs the fleet one more token call, not one per client: {tokens}"
    );
    assert_eq!(mock.journal().refunds.len(), 8 * 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_memory_store_make_one_token_call() {
    shares_one_token(Arc::new(MemoryTokenStore::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_store_each_client_fetches_its_own_token() {
    // The baseline the store fixes: on a single-active gateway the clients revoke each other.
    let mock = mock();
    seed_txns(&mock, &[("EKFLEET0", "100000")]);
    let clients = fleet(&mock, None, 8);
    for c in &clients {
        c.get_transaction("EKFLEET0").await.expect("call");
    }
    assert_eq!(mock.journal().count("token"), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_cannot_be_reached_is_bypassed() {
    // Nothing listens on port 1: every client fetches its own token and calls still succeed.
    let mock = mock();
    seed_txns(&mock, &[("EKFLEET2", "100")]);
    let built = config(&mock)
        .token_store_url("redis://127.0.0.1:1/0")
        .build();
    match built {
        Ok(config) => {
            let client = Client::new(config).unwrap();
            client
                .get_transaction("EKFLEET2")
                .await
                .expect("store down, call succeeds");
            assert_eq!(mock.journal().count("token"), 1);
        }
        // A build without the redis-store feature says so, naming the option.
        Err(e) => assert!(e.to_string().contains("token_store_url"), "{e}"),
    }
}

#[test]
fn a_store_url_is_checked_and_never_printed() {
    let mock = mock();
    let e = config(&mock)
        .token_store_url("memcached://x")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), Some("token_store_url"));
    let e = config(&mock)
        .token_store(Arc::new(MemoryTokenStore::new()))
        .token_store_url("redis://h")
        .build()
        .unwrap_err();
    assert_eq!(e.field(), Some("token_store_url"));
    if let Ok(c) = config(&mock)
        .token_store_url("redis://:hunter2@127.0.0.1:6379/0")
        .build()
    {
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}

#[cfg(feature = "redis-store")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_real_redis_make_one_token_call() {
    let Ok(url) = std::env::var("ENKASH_REDIS_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set ENKASH_REDIS_URL"
        );
        eprintln!("SKIPPED: ENKASH_REDIS_URL is not set (scripts/test-all.sh starts redis-server)");
        return;
    };
    // Each client opens its own connection, as separate processes would.
    let mock = mock();
    seed_txns(&mock, &[("EKREDIS1", "100000")]);
    let clients: Vec<Client> = (0..8)
        .map(|_| {
            let c = config(&mock)
                .token_store_url(url.as_str())
                .build()
                .expect("config");
            Client::new(c).expect("client")
        })
        .collect();
    mock.configure(MockConfig {
        token_mode: Some(enkash_mock::TokenMode::SingleActive),
        ..MockConfig::default()
    });
    for c in &clients {
        c.get_transaction("EKREDIS1").await.expect("call");
    }
    assert_eq!(
        mock.journal().count("token"),
        1,
        "eight clients, one Redis, one token call"
    );
    let tokens = refund_together(&mock, &clients, "EKREDIS1", 16).await;
    assert!(tokens <= 3, "token calls: {tokens}");
    assert_eq!(mock.journal().refunds.len(), 8 * 16);
}
