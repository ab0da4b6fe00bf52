//! Access key, secret key and token never appear in Debug output, logs or errors.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use enkash::{Amount, RefundOptions, RefundQuery};
use enkash_mock::{MerchantSeed, Seed};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const ACCESS: &str = "AK-live-7f3a9c1e5b";
const SECRET: &str = "SK-live-0d8e2b4f6a";

#[test]
fn secrets_never_leak_through_a_full_flow() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = mock();
    mock.seed(Seed {
        merchants: vec![MerchantSeed {
            access_key: ACCESS.into(),
            secret_key: SECRET.into(),
            balance: "1000".into(),
        }],
        transactions: vec![txn("EKSEC1", "100")],
        ..Seed::default()
    })
    .unwrap();
    let mut f = fault("refund", FaultKind::ResetAfterCommit);
    f.times = Some(1);
    mock.add_fault(f).unwrap();

    let mut seen = Vec::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let config = config(&mock).access_key(ACCESS).secret_key(SECRET);
        seen.push(format!("{config:?}"));
        let config = config.build().unwrap();
        seen.push(format!("{config:?}"));
        let client = enkash::Client::new(config).unwrap();
        seen.push(format!("{client:?}"));
        let r = client
            .refund(
                "EKSEC1",
                Amount::parse("10").unwrap(),
                RefundOptions::new().request_id("SEC-1"),
            )
            .await
            .unwrap();
        seen.push(format!("{r:?}"));
        let q = RefundQuery::new("EKSEC1", "SEC-1");
        seen.push(format!("{:?}", client.get_refund(&q).await.unwrap()));
        seen.push(format!("{:?}", client.check_token().await.unwrap()));
        mock.expire_tokens();
        seen.push(format!(
            "{:?}",
            client.get_transaction("EKSEC1").await.unwrap()
        ));
        for e in [
            client.get_transaction("EKNOPE").await.unwrap_err(),
            client
                .refund(
                    "EKSEC1",
                    Amount::parse("1000").unwrap(),
                    RefundOptions::new(),
                )
                .await
                .unwrap_err(),
        ] {
            seen.push(format!("{e:?}"));
            seen.push(e.to_string());
        }
        // Wrong secret: the token call is refused; its error must not echo the keys.
        let bad = enkash::Client::new(
            common::config(&mock)
                .access_key(ACCESS)
                .secret_key("SK-wrong-11223344")
                .build()
                .unwrap(),
        )
        .unwrap();
        let e = bad.get_transaction("EKSEC1").await.unwrap_err();
        seen.push(format!("{e:?} {e}"));
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("enkash"), "logging was captured");
    let tokens = mock.issued_tokens();
    assert!(tokens.len() >= 2, "tokens were issued");
    let everything = format!("{}\n{}", seen.join("\n"), logs);
    for secret in [ACCESS, SECRET, "SK-wrong-11223344"]
        .iter()
        .map(|s| s.to_string())
        .chain(tokens)
    {
        assert!(!everything.contains(&secret), "secret {secret} leaked");
    }
    // The bearer token is 32 alphanumerics from the simulator; no Authorization value is printed.
    assert!(
        !everything.to_lowercase().contains("bearer "),
        "a bearer token leaked"
    );
}

#[test]
fn proxy_credentials_and_keys_stay_out_of_config_debug() {
    let b = enkash::Config::builder()
        .access_key(ACCESS)
        .secret_key(SECRET)
        .merchant_access_key("MAK-secret-99")
        .proxy("http://user:hunter2-proxy-pass@proxy.internal:3128");
    let shown = format!("{b:?} {:?}", b.clone().build().unwrap());
    for s in [ACCESS, SECRET, "MAK-secret-99", "hunter2-proxy-pass"] {
        assert!(!shown.contains(s), "{s} leaked in {shown}");
    }
}
