//! `enkash refund bulk`: refunds every row of a CSV exactly once, resumable after any crash.
//!
//! Each row's state lives in a SQLite journal. A row is marked `sending` (committed) before its
//! refund is sent; a row found in `sending`, `unknown` or `retry` on a later run is resumed with
//! `reconcile_first`, so the SDK looks it up before sending again. Request ids missing from the
//! file are derived from the row's transaction, amount and occurrence (not its remarks), so
//! re-running the same file — edited remarks included — never refunds twice.
//!
//! [`rows`] reads the CSV, [`journal`] keeps the states, [`throttle`] spaces requests out,
//! [`progress`] shows the run, [`outcome`] writes the outcome CSV.

mod journal;
mod outcome;
mod progress;
mod rows;
mod throttle;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use clap::Args;
use enkash::{Client, ErrorKind, RefundOptions, RefundStatus};
use serde_json::json;

use crate::output::{error_json, Out};
use crate::Global;
use journal::{Journal, RowState, Todo};
use progress::Progress;
pub use rows::{read_rows, BadRow, Row};
use throttle::{parse_rate, RateLimiter};

/// Arguments of `enkash refund bulk`.
#[derive(Args, Debug, Clone)]
pub struct BulkArgs {
    /// CSV file: transaction_id,amount[,remarks][,request_id] (a header row is optional).
    pub file: PathBuf,
    /// SQLite journal of row states (default: FILE.journal.db).
    #[arg(long)]
    pub journal: Option<PathBuf>,
    /// Refunds in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Maximum rate, e.g. 20/s or 600/m (default: unlimited).
    #[arg(long)]
    pub rate: Option<String>,
    /// Outcome CSV (default: FILE.outcome.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Plain progress lines even on a terminal.
    #[arg(long)]
    pub no_progress_bar: bool,
}

/// Totals at the end of a run (over every row of the file, this run and earlier ones).
#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub rows: u64,
    pub succeeded: u64,
    pub pending: u64,
    pub failed: BTreeMap<String, u64>,
    pub outcome_unknown: u64,
    pub retry_later: u64,
    pub not_attempted: u64,
    pub bad_rows: Vec<BadRow>,
    pub processed_this_run: u64,
    pub elapsed_secs: f64,
    pub rows_per_sec: f64,
    pub interrupted: bool,
    pub journal: String,
    pub outcome_csv: String,
}

impl Summary {
    /// 0 all done · 4 failed or bad rows · 5 retryable leftovers · 6 outcome unknown · 130 interrupted.
    pub fn exit_code(&self) -> u8 {
        if self.interrupted {
            130
        } else if self.outcome_unknown > 0 {
            6
        } else if self.retry_later > 0 || self.not_attempted > 0 {
            5
        } else if !self.failed.is_empty() || !self.bad_rows.is_empty() {
            4
        } else {
            0
        }
    }
}

/// Runs a bulk refund to the end (or until `stop`), then writes the outcome CSV.
pub async fn bulk_refund(
    client: Client,
    args: &BulkArgs,
    progress_json: bool,
    stop: Arc<AtomicBool>,
) -> Result<Summary, String> {
    let started = Instant::now();
    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| with_suffix(&args.file, "journal.db"));
    let out_path = args
        .out
        .clone()
        .unwrap_or_else(|| with_suffix(&args.file, "outcome.csv"));
    let (rows, mut bad) = read_rows(&args.file)?;
    let file_rows: Vec<Row> = rows.clone();
    let journal = Arc::new(Journal::open(&journal_path)?);
    let todo = journal.admit(rows, &mut bad)?;
    let limiter = match &args.rate {
        Some(r) => Some(Arc::new(RateLimiter::new(parse_rate(r)?))),
        None => None,
    };
    let progress = Arc::new(Progress::new(
        todo.len() as u64,
        progress_json,
        args.no_progress_bar,
    ));
    let done = Arc::new(AtomicU64::new(0));
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let semaphore = Arc::new(tokio::sync::Semaphore::new(args.concurrency.clamp(1, 256)));
    let mut tasks = tokio::task::JoinSet::new();
    for Todo { row, maybe_sent } in todo {
        if stop.load(Ordering::SeqCst) || failure.lock().map(|f| f.is_some()).unwrap_or(true) {
            break;
        }
        let Ok(permit) = semaphore.clone().acquire_owned().await else {
            break;
        };
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if let Some(l) = &limiter {
            l.acquire().await;
        }
        let (client, journal, progress, done, failure) = (
            client.clone(),
            journal.clone(),
            progress.clone(),
            done.clone(),
            failure.clone(),
        );
        tasks.spawn(async move {
            let _permit = permit;
            if let Err(e) = process_row(&client, &journal, &row, maybe_sent).await {
                if let Ok(mut f) = failure.lock() {
                    f.get_or_insert(e);
                }
            }
            progress.tick(done.fetch_add(1, Ordering::SeqCst) + 1);
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    progress.finish();
    if let Some(e) = failure.lock().ok().and_then(|f| f.clone()) {
        return Err(format!("journal write failed: {e}"));
    }
    let mut summary = Summary {
        rows: file_rows.len() as u64 + bad.len() as u64,
        processed_this_run: done.load(Ordering::SeqCst),
        interrupted: stop.load(Ordering::SeqCst),
        journal: journal_path.display().to_string(),
        outcome_csv: out_path.display().to_string(),
        ..Summary::default()
    };
    let states = journal.states()?;
    let bad_lines: std::collections::HashSet<u64> = bad.iter().map(|b| b.line).collect();
    for row in file_rows.iter().filter(|r| !bad_lines.contains(&r.line)) {
        match states.get(&row.request_id).map(|r| r.state) {
            Some(RowState::Succeeded) => summary.succeeded += 1,
            Some(RowState::Pending) => summary.pending += 1,
            Some(RowState::Failed) => {
                let reason = states[&row.request_id].reason.clone();
                *summary
                    .failed
                    .entry(reason.unwrap_or_default())
                    .or_insert(0) += 1
            }
            Some(RowState::Unknown) => summary.outcome_unknown += 1,
            Some(RowState::Retry) => summary.retry_later += 1,
            _ => summary.not_attempted += 1,
        }
    }
    outcome::write(&out_path, &file_rows, &bad, &states)?;
    bad.sort_by_key(|b| b.line);
    summary.bad_rows = bad;
    summary.elapsed_secs = started.elapsed().as_secs_f64();
    summary.rows_per_sec = summary.processed_this_run as f64 / summary.elapsed_secs.max(0.001);
    Ok(summary)
}

async fn process_row(
    client: &Client,
    journal: &Journal,
    row: &Row,
    maybe_sent: bool,
) -> Result<(), String> {
    journal.mark_sending(&row.request_id)?;
    let mut opts = RefundOptions::new()
        .request_id(row.request_id.clone())
        .reconcile_first(maybe_sent);
    opts.remarks = row.remarks.clone();
    match client.refund(&row.transaction_id, row.amount, opts).await {
        Ok(r) => {
            let state = match r.status {
                RefundStatus::Succeeded => RowState::Succeeded,
                RefundStatus::Failed => RowState::Failed,
                _ => RowState::Pending,
            };
            let reason =
                (state == RowState::Failed).then(|| format!("refund_failed:{}", r.raw_status));
            journal.finish(
                &row.request_id,
                state,
                reason.as_deref(),
                r.refund_transaction_id.as_deref(),
                Some(&r.raw_status),
            )
        }
        Err(e) => journal.finish(
            &row.request_id,
            state_after(&e),
            Some(e.kind_code()),
            None,
            None,
        ),
    }
}

/// The row state an error leaves: unknown outcomes are looked up next run; what a later run may
/// fix (the network, a rate limit, credentials, configuration) is retried; the rest is final.
fn state_after(e: &enkash::Error) -> RowState {
    match e.kind() {
        ErrorKind::OutcomeUnknown => RowState::Unknown,
        ErrorKind::Authentication | ErrorKind::Configuration => RowState::Retry,
        _ if e.is_retryable() => RowState::Retry,
        _ => RowState::Failed,
    }
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// Prints the summary as text or JSON.
pub fn print_summary(s: &Summary, out: &Out) {
    if out.json {
        out.emit(&json!({ "summary": s }));
        return;
    }
    for b in &s.bad_rows {
        eprintln!("line {}: {}", b.line, b.reason);
    }
    println!("rows              {}", s.rows);
    println!("succeeded         {}", s.succeeded);
    println!("pending (accepted) {}", s.pending);
    for (reason, n) in &s.failed {
        println!("failed: {reason:<17}{n}");
    }
    if s.outcome_unknown > 0 {
        println!(
            "outcome unknown   {} (re-run the same command to reconcile)",
            s.outcome_unknown
        );
    }
    if s.retry_later > 0 || s.not_attempted > 0 {
        println!(
            "to retry          {} (re-run the same command)",
            s.retry_later + s.not_attempted
        );
    }
    println!("invalid rows      {}", s.bad_rows.len());
    println!(
        "this run          {} rows in {:.1}s ({:.0} rows/s){}",
        s.processed_this_run,
        s.elapsed_secs,
        s.rows_per_sec,
        if s.interrupted { ", interrupted" } else { "" }
    );
    println!("outcome CSV       {}", s.outcome_csv);
    println!("journal           {}", s.journal);
}

/// `enkash refund bulk`.
pub async fn run(g: &Global, args: BulkArgs, out: &Out) -> u8 {
    let client = match g.client() {
        Ok(c) => c,
        Err(e) => {
            out.error(&e);
            return crate::exit_code(e.kind());
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let s2 = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            s2.store(true, Ordering::SeqCst);
            eprintln!("interrupted: finishing refunds in flight, then stopping (re-run to resume)");
        }
    });
    match bulk_refund(client, &args, out.json, stop).await {
        Ok(s) => {
            print_summary(&s, out);
            s.exit_code()
        }
        Err(msg) => {
            let e = enkash::Error::new(ErrorKind::InvalidRequest, msg);
            if out.json {
                out.emit(&error_json(&e));
            } else {
                eprintln!("error: {}", e.message());
            }
            2
        }
    }
}
