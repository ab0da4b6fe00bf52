//! `enkash demo`: the SDK's tour on the embedded simulator, or on real EnKash with `--live`.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use enkash::{Amount, Client, Config, RefundOptions};
use enkash_mock::{MockConfig, MockServer, TransactionSeed};

use crate::bulk::{bulk_refund, print_summary, BulkArgs};
use crate::output::Out;
use crate::Global;

/// Arguments of `enkash demo`.
#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Run against real EnKash using ENKASH_ACCESS_KEY / ENKASH_SECRET_KEY and
    /// ENKASH_DEMO_TRANSACTION_ID (a successful payment; ENKASH_DEMO_AMOUNT is refunded, default 2.00).
    #[arg(long)]
    pub live: bool,
    /// Rows in the bulk-refund part (simulator only).
    #[arg(long, default_value_t = 1000)]
    pub rows: u32,
    /// Concurrency of the bulk-refund part.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
}

fn seed(id: &str, amount: &str, frozen: bool) -> TransactionSeed {
    TransactionSeed {
        id: id.into(),
        amount: amount.into(),
        status: "SUCCESS".into(),
        payment_mode: "UPI".into(),
        beneficiary_frozen: frozen,
        access_key: None,
        order_id: None,
    }
}

macro_rules! step {
    ($($t:tt)*) => { println!("\n▶ {}", format!($($t)*)) };
}

fn show_err(e: &enkash::Error) {
    println!(
        "  ✗ {} — {} (http {}, retryable: {})",
        e.kind_code(),
        e.message(),
        e.http_status().map(|s| s.to_string()).unwrap_or("-".into()),
        e.is_retryable()
    );
}

fn internal(e: impl ToString) -> enkash::Error {
    enkash::Error::new(enkash::ErrorKind::Internal, e.to_string())
}

/// Runs the demo; returns the exit code.
pub async fn run(g: &Global, args: DemoArgs, out: &Out) -> u8 {
    match demo(g, args, out).await {
        Ok(()) => 0,
        Err(e) => {
            out.error(&e);
            crate::exit_code(e.kind())
        }
    }
}

async fn demo(g: &Global, args: DemoArgs, out: &Out) -> Result<(), enkash::Error> {
    let mut _mock = None;
    let (client, txn, total) = if args.live {
        let client = g.client()?;
        let txn = std::env::var("ENKASH_DEMO_TRANSACTION_ID").map_err(|_| {
            enkash::Error::invalid(
                "ENKASH_DEMO_TRANSACTION_ID",
                "must name a successful payment to refund with --live",
            )
        })?;
        let total = std::env::var("ENKASH_DEMO_AMOUNT").unwrap_or_else(|_| "2.00".into());
        println!("EnKash demo against {}", client.config().base_url());
        (client, txn, Amount::parse(&total)?)
    } else {
        let mock = MockServer::spawn().map_err(internal)?;
        mock.configure(MockConfig {
            pending_delay_ms: Some(400),
            ..MockConfig::default()
        });
        mock.add_transaction(seed("EK1743074262175e8KIO", "250.75", false))
            .map_err(internal)?;
        mock.add_transaction(seed("EK1743074262999FROZN", "99.00", true))
            .map_err(internal)?;
        println!(
            "EnKash demo on the embedded simulator at {} (use --live for real EnKash)",
            mock.base_url()
        );
        let client = Client::new(
            Config::builder()
                .access_key(enkash_mock::DEFAULT_ACCESS_KEY)
                .secret_key(enkash_mock::DEFAULT_SECRET_KEY)
                .base_url(mock.base_url())
                .user_agent_suffix("enkash-cli-demo")
                .build()?,
        )?;
        _mock = Some(mock);
        (
            client,
            "EK1743074262175e8KIO".to_owned(),
            Amount::parse("250.75")?,
        )
    };

    step!("1. token: POST /api/v0/merchant/token");
    let info = client.check_token().await?;
    println!(
        "  ✓ credentials accepted; {}, cached: {}",
        crate::output::token_text(&info),
        info.cached
    );

    let first = Amount::from_paise(total.paise() * 2 / 5)?;
    let rest = Amount::from_paise(total.paise() - first.paise())?;
    step!("2. partial refund of ₹{first} on {txn} (total ₹{total})");
    let partial = client
        .refund(&txn, first, RefundOptions::new().remarks("demo: partial"))
        .await?;
    println!(
        "  ✓ request_id {} → {} ({}); refund txn {}",
        partial.request_id,
        partial.status,
        partial.raw_status,
        partial.refund_transaction_id.as_deref().unwrap_or("-")
    );

    step!("3. status: wait for the refund, then read the payment");
    let done = client
        .wait_for_refund(&partial.query(), Duration::from_secs(120))
        .await?;
    println!(
        "  ✓ refund {} is {} ({})",
        done.request_id, done.status, done.raw_status
    );
    let payment = client.get_transaction(&txn).await?;
    println!(
        "  ✓ payment {} is {}",
        payment.transaction_id, payment.status
    );

    step!("4. full refund of the remaining ₹{rest}");
    let full = client
        .refund(&txn, rest, RefundOptions::new().remarks("demo: remainder"))
        .await?;
    println!("  ✓ request_id {} → {}", full.request_id, full.status);
    let payment = client.get_transaction(&txn).await?;
    println!(
        "  ✓ payment {} is {}",
        payment.transaction_id, payment.status
    );

    step!("5. one paisa more: the gateway refuses an over-refund");
    match client
        .refund(&txn, Amount::from_paise(1)?, RefundOptions::new())
        .await
    {
        Ok(r) => println!("  ! unexpectedly accepted: {}", r.request_id),
        Err(e) => show_err(&e),
    }
    step!("6. bad input is refused before anything is sent");
    match Amount::parse("10.005") {
        Ok(_) => println!("  ! accepted"),
        Err(e) => show_err(&e),
    }
    if args.live {
        return Ok(());
    }
    step!("7. refund to a frozen beneficiary account");
    match client
        .refund(
            "EK1743074262999FROZN",
            Amount::parse("99")?,
            RefundOptions::new(),
        )
        .await
    {
        Ok(r) => println!("  ! unexpectedly accepted: {}", r.request_id),
        Err(e) => {
            show_err(&e);
            println!("    → ask the customer for an alternate account and refund there");
        }
    }

    step!(
        "8. bulk refund of {} rows at concurrency {} (journaled; re-running never refunds twice)",
        args.rows,
        args.concurrency
    );
    let Some(mock) = &_mock else { return Ok(()) };
    let dir = std::env::temp_dir().join(format!("enkash-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(internal)?;
    let csv = dir.join("refunds.csv");
    let mut text = String::from("transaction_id,amount,remarks\n");
    for i in 0..args.rows {
        mock.add_transaction(seed(&format!("EKBULK{i:06}"), "500", false))
            .map_err(internal)?;
        text.push_str(&format!(
            "EKBULK{i:06},{}.{:02},demo bulk\n",
            1 + i % 400,
            i % 100
        ));
    }
    std::fs::write(&csv, text).map_err(internal)?;
    let bulk = BulkArgs {
        file: csv.clone(),
        journal: None,
        concurrency: args.concurrency,
        rate: None,
        out: None,
        no_progress_bar: false,
    };
    let started = Instant::now();
    let summary = bulk_refund(
        client.clone(),
        &bulk,
        out.json,
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .map_err(internal)?;
    print_summary(&summary, out);
    let applied = mock.journal().refunds.len();
    println!(
        "  ✓ {} rows in {:.1}s; the simulator applied {} refunds in all",
        summary.processed_this_run,
        started.elapsed().as_secs_f64(),
        applied
    );
    step!("9. the same file again: nothing is refunded twice");
    let again = bulk_refund(client, &bulk, true, Arc::new(AtomicBool::new(false)))
        .await
        .map_err(internal)?;
    println!(
        "  ✓ second run processed {} rows; simulator still applied {} refunds",
        again.processed_this_run,
        mock.journal().refunds.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
