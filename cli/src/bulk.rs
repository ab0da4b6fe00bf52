//! `enkash refund bulk`: refunds every row of a CSV exactly once, resumable after any crash.
//!
//! Each row's state lives in a SQLite journal. A row is marked `sending` (committed) before its
//! refund is sent; a row found in `sending`, `unknown` or `retry` on a later run is resumed with
//! `reconcile_first`, so the SDK looks it up before sending again. Request ids missing from the
//! file are derived from the row's content, so re-running the same file never refunds twice.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use enkash::{Amount, Client, ErrorKind, RefundOptions, RefundStatus};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::output::{error_json, Out};
use crate::Global;

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

/// One valid CSV row.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: u64,
    pub transaction_id: String,
    pub amount: Amount,
    pub remarks: Option<String>,
    pub request_id: String,
}

/// A row that cannot be refunded, with its line number.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
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

fn derived_request_id(
    txn: &str,
    amount: &Amount,
    remarks: Option<&str>,
    occurrence: u32,
) -> String {
    let mut h = Sha256::new();
    h.update(b"enkash-bulk-v1\0");
    for part in [txn, &amount.to_wire(), remarks.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    h.update(occurrence.to_le_bytes());
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("BK{}", &hex[..30]).to_ascii_uppercase()
}

/// Reads and validates the CSV. Bad rows are reported, never fatal.
pub fn read_rows(path: &Path) -> Result<(Vec<Row>, Vec<BadRow>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut cols = (0usize, 1usize, Some(2usize), Some(3usize));
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut occurrences: HashMap<(String, String, String), u32> = HashMap::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
                bad.push(BadRow {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                });
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
        if i == 0
            && rec
                .get(0)
                .is_some_and(|f| f.eq_ignore_ascii_case("transaction_id"))
        {
            let find = |name: &str| rec.iter().position(|f| f.eq_ignore_ascii_case(name));
            match (find("transaction_id"), find("amount")) {
                (Some(t), Some(a)) => cols = (t, a, find("remarks"), find("request_id")),
                _ => return Err("the header must name transaction_id and amount".into()),
            }
            continue;
        }
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).filter(|v| !v.is_empty());
        let Some(txn) = get(Some(cols.0)) else {
            bad.push(BadRow {
                line,
                reason: "missing transaction_id".into(),
            });
            continue;
        };
        if let Err(e) = enkash::validate::id("transaction_id", txn) {
            bad.push(BadRow {
                line,
                reason: e.message().to_owned(),
            });
            continue;
        }
        let amount = match get(Some(cols.1)).map(Amount::parse) {
            None => {
                bad.push(BadRow {
                    line,
                    reason: "missing amount".into(),
                });
                continue;
            }
            Some(Err(e)) => {
                bad.push(BadRow {
                    line,
                    reason: e.message().to_owned(),
                });
                continue;
            }
            Some(Ok(a)) => a,
        };
        let remarks = get(cols.2).map(str::to_owned);
        if let Some(r) = &remarks {
            if let Err(e) = enkash::validate::remarks(r) {
                bad.push(BadRow {
                    line,
                    reason: e.message().to_owned(),
                });
                continue;
            }
        }
        let request_id = match get(cols.3) {
            Some(r) => {
                if let Err(e) = enkash::validate::id("request_id", r) {
                    bad.push(BadRow {
                        line,
                        reason: e.message().to_owned(),
                    });
                    continue;
                }
                r.to_owned()
            }
            None => {
                let key = (
                    txn.to_owned(),
                    amount.to_wire(),
                    remarks.clone().unwrap_or_default(),
                );
                let n = occurrences.entry(key).or_insert(0);
                *n += 1;
                derived_request_id(txn, &amount, remarks.as_deref(), *n)
            }
        };
        if let Some(first) = seen_ids.get(&request_id) {
            bad.push(BadRow {
                line,
                reason: format!("duplicate request_id {request_id} (first at line {first})"),
            });
            continue;
        }
        seen_ids.insert(request_id.clone(), line);
        rows.push(Row {
            line,
            transaction_id: txn.to_owned(),
            amount,
            remarks,
            request_id,
        });
    }
    Ok((rows, bad))
}

/// What the journal records about one row.
#[derive(Clone, Debug, Default)]
struct RowState {
    state: String,
    reason: Option<String>,
    refund_transaction_id: Option<String>,
    raw_status: Option<String>,
}

/// The SQLite journal of row states.
pub struct Journal {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA busy_timeout=5000;
CREATE TABLE IF NOT EXISTS rows (
  request_id TEXT PRIMARY KEY,
  line INTEGER NOT NULL,
  transaction_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  remarks TEXT,
  state TEXT NOT NULL,
  reason TEXT,
  refund_transaction_id TEXT,
  raw_status TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER
);";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// States a row moves through; `new`, `sending`, `retry` and `unknown` are still to do.
const TODO: [&str; 4] = ["new", "sending", "retry", "unknown"];

type Existing = (String, String, String, i64, i64);

impl Journal {
    pub fn open(path: &Path) -> Result<Journal, String> {
        let conn =
            Connection::open(path).map_err(|e| format!("journal {}: {e}", path.display()))?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| format!("journal schema: {e}"))?;
        Ok(Journal {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Inserts new rows; rows whose request id the journal already holds for another refund
    /// become bad rows. Returns the rows still to do, and whether each may have been sent.
    pub fn admit(&self, rows: Vec<Row>, bad: &mut Vec<BadRow>) -> Result<Vec<(Row, bool)>, String> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let mut todo = Vec::new();
        {
            let mut get = tx
                .prepare("SELECT transaction_id, amount, state, attempts, line FROM rows WHERE request_id = ?1")
                .map_err(|e| e.to_string())?;
            let mut put = tx
                .prepare("INSERT INTO rows (request_id, line, transaction_id, amount, remarks, state, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6)")
                .map_err(|e| e.to_string())?;
            for row in rows {
                let existing: Option<Existing> = get
                    .query_row(params![row.request_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                    })
                    .optional()
                    .map_err(|e| e.to_string())?;
                match existing {
                    None => {
                        put.execute(params![row.request_id, row.line as i64, row.transaction_id, row.amount.to_wire(), row.remarks, now_ms()])
                            .map_err(|e| e.to_string())?;
                        todo.push((row, false));
                    }
                    Some((txn, amount, state, attempts, _)) if txn == row.transaction_id && amount == row.amount.to_wire() => {
                        if TODO.contains(&state.as_str()) {
                            todo.push((row, attempts > 0 || state != "new"));
                        }
                    }
                    Some((_, _, _, _, first_line)) => bad.push(BadRow {
                        line: row.line,
                        reason: format!(
                            "request_id {} is already in the journal for a different refund (line {first_line} of an earlier file)",
                            row.request_id
                        ),
                    }),
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(todo)
    }

    fn mark_sending(&self, request_id: &str) -> Result<(), String> {
        self.lock()
            .execute(
                "UPDATE rows SET state='sending', attempts=attempts+1, updated_ms=?2 WHERE request_id=?1",
                params![request_id, now_ms()],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn finish(
        &self,
        request_id: &str,
        state: &str,
        reason: Option<&str>,
        refund_txn: Option<&str>,
        raw: Option<&str>,
    ) -> Result<(), String> {
        self.lock()
            .execute(
                "UPDATE rows SET state=?2, reason=?3, refund_transaction_id=COALESCE(?4, refund_transaction_id), raw_status=COALESCE(?5, raw_status), updated_ms=?6 WHERE request_id=?1",
                params![request_id, state, reason, refund_txn, raw, now_ms()],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The recorded state of every row, by request id.
    fn states(&self) -> Result<HashMap<String, RowState>, String> {
        let conn = self.lock();
        let mut st = conn
            .prepare(
                "SELECT request_id, state, reason, refund_transaction_id, raw_status FROM rows",
            )
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    RowState {
                        state: r.get(1)?,
                        reason: r.get(2)?,
                        refund_transaction_id: r.get(3)?,
                        raw_status: r.get(4)?,
                    },
                ))
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }
}

fn parse_rate(text: &str) -> Result<Duration, String> {
    let (n, unit) = text.split_once('/').unwrap_or((text, "s"));
    let n: f64 = n
        .trim()
        .parse()
        .map_err(|_| format!("--rate {text:?}: expected e.g. 20/s"))?;
    let per = match unit.trim() {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("--rate {text:?}: unit must be /s, /m or /h")),
    };
    if !(n > 0.0 && n.is_finite()) {
        return Err(format!("--rate {text:?}: must be positive"));
    }
    Ok(Duration::from_secs_f64(per / n))
}

/// Spaces out request starts to at most one per `interval`.
struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    async fn acquire(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

/// Progress display: a bar on a terminal, plain lines otherwise.
pub enum Progress {
    Bar(indicatif::ProgressBar),
    Lines {
        total: u64,
        last: Mutex<Instant>,
        started: Instant,
    },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, json: bool, no_bar: bool) -> Progress {
        if json {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() && !no_bar {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                total,
                last: Mutex::new(Instant::now()),
                started: Instant::now(),
            }
        }
    }

    fn tick(&self, done: u64) {
        match self {
            Progress::Bar(b) => b.set_position(done),
            Progress::Lines {
                total,
                last,
                started,
            } => {
                let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
                if l.elapsed() >= Duration::from_secs(2) || done == *total {
                    *l = Instant::now();
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
                    eprintln!("progress {done}/{total} rows, {rate:.0} rows/s");
                }
            }
            Progress::Quiet => {}
        }
    }

    fn finish(&self) {
        if let Progress::Bar(b) = self {
            b.finish();
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
        Some(r) => Some(Arc::new(RateLimiter {
            interval: parse_rate(r)?,
            next: Mutex::new(Instant::now()),
        })),
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
    for (row, maybe_sent) in todo {
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
    let mut w =
        csv::Writer::from_path(&out_path).map_err(|e| format!("{}: {e}", out_path.display()))?;
    w.write_record([
        "line",
        "transaction_id",
        "amount",
        "request_id",
        "state",
        "raw_status",
        "refund_transaction_id",
        "reason",
    ])
    .map_err(|e| e.to_string())?;
    let bad_lines: HashSet<u64> = bad.iter().map(|b| b.line).collect();
    let mut lines: Vec<(u64, Vec<String>)> = Vec::new();
    for row in &file_rows {
        if bad_lines.contains(&row.line) {
            continue;
        }
        let RowState {
            state,
            reason,
            refund_transaction_id: rtx,
            raw_status: raw,
        } = states
            .get(&row.request_id)
            .cloned()
            .unwrap_or_else(|| RowState {
                state: "new".into(),
                ..RowState::default()
            });
        match state.as_str() {
            "succeeded" => summary.succeeded += 1,
            "pending" => summary.pending += 1,
            "failed" => {
                *summary
                    .failed
                    .entry(reason.clone().unwrap_or_default())
                    .or_insert(0) += 1
            }
            "unknown" => summary.outcome_unknown += 1,
            "retry" => summary.retry_later += 1,
            _ => summary.not_attempted += 1,
        }
        lines.push((
            row.line,
            vec![
                row.line.to_string(),
                row.transaction_id.clone(),
                row.amount.to_fixed2(),
                row.request_id.clone(),
                state,
                raw.unwrap_or_default(),
                rtx.unwrap_or_default(),
                reason.unwrap_or_default(),
            ],
        ));
    }
    for b in &bad {
        lines.push((
            b.line,
            vec![
                b.line.to_string(),
                String::new(),
                String::new(),
                String::new(),
                "invalid".into(),
                String::new(),
                String::new(),
                b.reason.clone(),
            ],
        ));
    }
    lines.sort_by_key(|(l, _)| *l);
    for (_, rec) in lines {
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
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
                RefundStatus::Succeeded => "succeeded",
                RefundStatus::Failed => "failed",
                _ => "pending",
            };
            let reason = (state == "failed").then(|| format!("refund_failed:{}", r.raw_status));
            journal.finish(
                &row.request_id,
                state,
                reason.as_deref(),
                r.refund_transaction_id.as_deref(),
                Some(&r.raw_status),
            )
        }
        Err(e) => {
            let state = if e.kind() == ErrorKind::OutcomeUnknown {
                "unknown"
            } else if e.is_retryable() {
                "retry"
            } else {
                "failed"
            };
            journal.finish(&row.request_id, state, Some(e.kind_code()), None, None)
        }
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
