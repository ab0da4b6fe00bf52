//! A client without the secret key: its tokens come from a provider (a mobile app asking the
//! merchant's backend, which calls `issue_token`). Caching, single flight and the one refresh
//! after a rejected token stay in the core.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use enkash::{Amount, Client, Config, ErrorKind, IssuedToken, RefundOptions, TokenFuture};

/// The app's provider: asks "the backend" (a client with the secret key) for a token.
struct Backend {
    server: Client,
    asked: AtomicUsize,
}

impl enkash::TokenProvider for Backend {
    fn fetch_token(&self) -> TokenFuture<'_> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Box::pin(self.server.issue_token())
    }
}

fn app_client(mock: &MockServer, backend: Arc<Backend>) -> Client {
    Client::new(
        Config::builder()
            .access_key(enkash_mock::DEFAULT_ACCESS_KEY)
            .base_url(mock.base_url())
            .retry_policy(fast_retry(2))
            .token_provider(backend)
            .build()
            .expect("no secret key needed"),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_without_the_secret_key_refunds_with_tokens_from_its_backend() {
    let mock = mock();
    seed_txns(&mock, &[("EKAPP1", "100")]);
    let backend = Arc::new(Backend {
        server: client(&mock),
        asked: AtomicUsize::new(0),
    });
    let app = app_client(&mock, backend.clone());
    let mut calls = Vec::new();
    for i in 0..32 {
        let app = app.clone();
        calls.push(tokio::spawn(async move {
            app.refund(
                "EKAPP1",
                Amount::parse("1").unwrap(),
                RefundOptions::new().request_id(format!("APP-{i}")),
            )
            .await
        }));
    }
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(
        backend.asked.load(Ordering::SeqCst),
        1,
        "one fetch for 32 callers"
    );
    assert_eq!(
        mock.journal().count("token"),
        1,
        "the backend fetched one token"
    );

    // The gateway revokes every token: the app asks its backend once more and carries on.
    mock.expire_tokens();
    app.get_transaction("EKAPP1").await.unwrap();
    assert_eq!(backend.asked.load(Ordering::SeqCst), 2);
    assert_eq!(mock.journal().count("token"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_client_refuses_a_secret_key_and_issuing_tokens() {
    let mock = mock();
    let backend = Arc::new(Backend {
        server: client(&mock),
        asked: AtomicUsize::new(0),
    });
    let both = Config::builder()
        .access_key("ak_test")
        .secret_key("sk_test")
        .token_provider(backend.clone())
        .build()
        .unwrap_err();
    assert_eq!(both.field(), Some("secret_key"));
    let neither = Config::builder().access_key("ak_test").build().unwrap_err();
    assert_eq!(neither.field(), Some("secret_key"));
    let app = app_client(&mock, backend);
    let e = app.issue_token().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issued_tokens_never_print_and_a_failing_provider_is_a_typed_error() {
    let mock = mock();
    let server = client(&mock);
    let issued = server.issue_token().await.unwrap();
    assert!(!issued.token.expose().is_empty());
    assert!(issued.expires_at_ms.is_some());
    assert!(!format!("{issued:?}").contains(issued.token.expose()));

    struct Down;
    impl enkash::TokenProvider for Down {
        fn fetch_token(&self) -> TokenFuture<'_> {
            Box::pin(async {
                Err(enkash::Error::new(
                    ErrorKind::Authentication,
                    "the backend refused",
                ))
            })
        }
    }
    let app = Client::new(
        Config::builder()
            .access_key("ak_test")
            .base_url(mock.base_url())
            .token_provider(Arc::new(Down))
            .build()
            .unwrap(),
    )
    .unwrap();
    let e = app.get_transaction("EKX").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(mock.journal().count("get_transaction"), 0, "nothing sent");
    let _ = IssuedToken::new("x", None);
}
