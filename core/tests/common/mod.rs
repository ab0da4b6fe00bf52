//! Helpers shared by the integration tests: a simulator per test and a client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use enkash::{Client, Config, ConfigBuilder, RetryPolicy};
#[allow(unused_imports)]
pub use enkash_mock::{FaultKind, FaultSpec, MockConfig, MockServer, Seed, TransactionSeed};

/// A simulator with the default merchant (`ak_test` / `sk_test`).
pub fn mock() -> MockServer {
    MockServer::spawn().expect("start simulator")
}

/// Fast retries so tests do not sleep long.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

/// A config builder for `mock` with the default merchant keys.
pub fn config(mock: &MockServer) -> ConfigBuilder {
    Config::builder()
        .access_key(enkash_mock::DEFAULT_ACCESS_KEY)
        .secret_key(enkash_mock::DEFAULT_SECRET_KEY)
        .base_url(mock.base_url())
        .retry_policy(fast_retry(2))
        .request_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(20))
}

pub fn client(mock: &MockServer) -> Client {
    Client::new(config(mock).build().expect("config")).expect("client")
}

pub fn txn(id: &str, amount: &str) -> TransactionSeed {
    TransactionSeed {
        id: id.to_owned(),
        amount: amount.to_owned(),
        status: "SUCCESS".to_owned(),
        payment_mode: "UPI".to_owned(),
        beneficiary_frozen: false,
        access_key: None,
        order_id: None,
    }
}

pub fn fault(route: &str, kind: FaultKind) -> FaultSpec {
    FaultSpec::new(route, kind)
}

pub fn seed_txns(mock: &MockServer, txns: &[(&str, &str)]) {
    mock.seed(Seed {
        transactions: txns.iter().map(|(i, a)| txn(i, a)).collect(),
        ..Seed::default()
    })
    .expect("seed");
}
