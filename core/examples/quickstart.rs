//! token → partial refund → status → full refund, printed step by step.
//!
//! With `ENKASH_ACCESS_KEY`/`ENKASH_SECRET_KEY` set, runs against real EnKash (UAT unless
//! `ENKASH_ENVIRONMENT`/`ENKASH_BASE_URL` say otherwise) on the transaction in
//! `ENKASH_DEMO_TRANSACTION_ID`; otherwise starts the embedded simulator and seeds one.
//!
//! `cargo run -p enkash --example quickstart`

use std::time::Duration;

use enkash::{Amount, Client, Config, RefundOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Runtime::new()?;
    let live =
        std::env::var("ENKASH_ACCESS_KEY").is_ok() && std::env::var("ENKASH_SECRET_KEY").is_ok();
    let _mock;
    let (config, txn, total) = if live {
        let txn = std::env::var("ENKASH_DEMO_TRANSACTION_ID")
            .map_err(|_| "set ENKASH_DEMO_TRANSACTION_ID to a successful UAT payment to refund")?;
        let total = std::env::var("ENKASH_DEMO_AMOUNT").unwrap_or_else(|_| "2.00".into());
        (Config::from_env()?, txn, total)
    } else {
        let mock = enkash_mock::MockServer::spawn()?;
        mock.configure(enkash_mock::MockConfig {
            pending_delay_ms: Some(300),
            ..Default::default()
        });
        mock.add_transaction(enkash_mock::TransactionSeed {
            id: "EK1743074262175e8KIO".into(),
            amount: "250.75".into(),
            status: "SUCCESS".into(),
            payment_mode: "UPI".into(),
            beneficiary_frozen: false,
            access_key: None,
            order_id: None,
        })?;
        println!(
            "simulator   {} (set ENKASH_ACCESS_KEY/ENKASH_SECRET_KEY to use EnKash)",
            mock.base_url()
        );
        let config = Config::builder()
            .access_key(enkash_mock::DEFAULT_ACCESS_KEY)
            .secret_key(enkash_mock::DEFAULT_SECRET_KEY)
            .base_url(mock.base_url())
            .build()?;
        _mock = mock;
        (
            config,
            "EK1743074262175e8KIO".to_owned(),
            "250.75".to_owned(),
        )
    };
    rt.block_on(async move {
        let client = Client::new(config)?;
        let info = client.check_token().await?;
        println!(
            "token       ok, expires at {:?} (epoch ms), cached: {}",
            info.expires_at_ms, info.cached
        );

        let total = Amount::parse(&total)?;
        let first = Amount::from_paise(total.paise() * 2 / 5)?;
        let rest = Amount::from_paise(total.paise() - first.paise())?;

        let partial = client
            .refund(
                &txn,
                first,
                RefundOptions::new().remarks("demo: partial refund"),
            )
            .await?;
        println!(
            "refund      ₹{:.2} of {txn}: {} ({}) request_id={}",
            partial.amount, partial.status, partial.raw_status, partial.request_id
        );

        let payment = client.get_transaction(&txn).await?;
        println!(
            "status      payment {} is {}",
            payment.transaction_id, payment.status
        );

        let done = client
            .wait_for_refund(&partial.query(), Duration::from_secs(60))
            .await?;
        println!(
            "refund      {} is now {} ({})",
            done.request_id, done.status, done.raw_status
        );

        let full = client
            .refund(&txn, rest, RefundOptions::new().remarks("demo: remainder"))
            .await?;
        println!(
            "refund      ₹{:.2} of {txn}: {} request_id={}",
            full.amount, full.status, full.request_id
        );
        let payment = client.get_transaction(&txn).await?;
        println!(
            "status      payment {} is {}",
            payment.transaction_id, payment.status
        );
        Ok::<_, enkash::Error>(())
    })?;
    Ok(())
}
