//! The SQLite journal of a bulk run: every row's state, written (fully synced) before and after
//! its refund, so a re-run after any crash resumes each row where it stood.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{BadRow, Row};
use crate::private_file;

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    /// In the journal, never sent.
    New,
    /// Being sent (or the run stopped while it was): may have reached the gateway.
    Sending,
    /// Failed in a way a later run may fix (network, rate limit, credentials, configuration).
    Retry,
    /// Sent, outcome unknown: the next run looks it up before anything else.
    Unknown,
    /// Accepted, not final yet.
    Pending,
    /// Refunded.
    Succeeded,
    /// Refused or failed for good.
    Failed,
}

impl RowState {
    const ALL: [RowState; 7] = [
        RowState::New,
        RowState::Sending,
        RowState::Retry,
        RowState::Unknown,
        RowState::Pending,
        RowState::Succeeded,
        RowState::Failed,
    ];

    /// The name stored in the journal and printed in the outcome CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::New => "new",
            RowState::Sending => "sending",
            RowState::Retry => "retry",
            RowState::Unknown => "unknown",
            RowState::Pending => "pending",
            RowState::Succeeded => "succeeded",
            RowState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> RowState {
        RowState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            // A state this version does not know: treat it as possibly sent.
            .unwrap_or(RowState::Unknown)
    }

    /// Still to do on a run.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RowState::New | RowState::Sending | RowState::Retry | RowState::Unknown
        )
    }
}

/// What the journal records about one row.
#[derive(Clone, Debug)]
pub struct RowRecord {
    pub state: RowState,
    pub reason: Option<String>,
    pub refund_transaction_id: Option<String>,
    pub raw_status: Option<String>,
}

/// A row still to do, and whether it may have been sent before (then it is looked up first).
pub struct Todo {
    pub row: Row,
    pub maybe_sent: bool,
}

/// The SQLite journal of row states.
pub struct Journal {
    conn: Mutex<Connection>,
}

/// `synchronous=FULL`: a row marked `sending` is on disk before its refund leaves, even if the
/// machine loses power right after.
const SCHEMA: &str = "
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
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

/// A journal row as `admit` compares it with a file row.
struct Known {
    request_id: String,
    transaction_id: String,
    amount: String,
    state: RowState,
    attempts: i64,
    line: i64,
}

impl Journal {
    /// Opens (or creates, readable by its owner only) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, String> {
        private_file::create_if_missing(path)
            .map_err(|e| format!("journal {}: {e}", path.display()))?;
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

    /// Inserts new rows; a row whose request id the journal holds for another refund becomes a
    /// bad row. A row with a derived request id that the journal knows under another id (same
    /// transaction, amount and line: an earlier version's id, or one derived from old remarks)
    /// keeps the journal's id. Returns the rows still to do.
    pub fn admit(&self, rows: Vec<Row>, bad: &mut Vec<BadRow>) -> Result<Vec<Todo>, String> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let mut todo = Vec::new();
        {
            let known = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Known> {
                Ok(Known {
                    request_id: r.get(0)?,
                    transaction_id: r.get(1)?,
                    amount: r.get(2)?,
                    state: RowState::parse(&r.get::<_, String>(3)?),
                    attempts: r.get(4)?,
                    line: r.get(5)?,
                })
            };
            const COLUMNS: &str = "request_id, transaction_id, amount, state, attempts, line";
            let mut by_id = tx
                .prepare(&format!("SELECT {COLUMNS} FROM rows WHERE request_id = ?1"))
                .map_err(|e| e.to_string())?;
            let mut by_line = tx
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM rows WHERE transaction_id = ?1 AND amount = ?2 AND line = ?3"
                ))
                .map_err(|e| e.to_string())?;
            let mut put = tx
                .prepare("INSERT INTO rows (request_id, line, transaction_id, amount, remarks, state, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6)")
                .map_err(|e| e.to_string())?;
            for mut row in rows {
                let amount = row.amount.to_wire();
                let mut existing = by_id
                    .query_row(params![row.request_id], known)
                    .optional()
                    .map_err(|e| e.to_string())?;
                if existing.is_none() && row.derived {
                    existing = by_line
                        .query_row(params![row.transaction_id, amount, row.line as i64], known)
                        .optional()
                        .map_err(|e| e.to_string())?;
                }
                match existing {
                    None => {
                        put.execute(params![
                            row.request_id,
                            row.line as i64,
                            row.transaction_id,
                            amount,
                            row.remarks,
                            now_ms()
                        ])
                        .map_err(|e| e.to_string())?;
                        todo.push(Todo {
                            row,
                            maybe_sent: false,
                        });
                    }
                    Some(k) if k.transaction_id == row.transaction_id && k.amount == amount => {
                        if k.state.is_open() {
                            row.request_id = k.request_id;
                            todo.push(Todo {
                                row,
                                maybe_sent: k.attempts > 0 || k.state != RowState::New,
                            });
                        }
                    }
                    Some(k) => bad.push(BadRow {
                        line: row.line,
                        reason: format!(
                            "request_id {} is already in the journal for a different refund (line {} of an earlier file)",
                            row.request_id, k.line
                        ),
                    }),
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(todo)
    }

    pub fn mark_sending(&self, request_id: &str) -> Result<(), String> {
        self.lock()
            .execute(
                "UPDATE rows SET state='sending', attempts=attempts+1, updated_ms=?2 WHERE request_id=?1",
                params![request_id, now_ms()],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn finish(
        &self,
        request_id: &str,
        state: RowState,
        reason: Option<&str>,
        refund_txn: Option<&str>,
        raw: Option<&str>,
    ) -> Result<(), String> {
        self.lock()
            .execute(
                "UPDATE rows SET state=?2, reason=?3, refund_transaction_id=COALESCE(?4, refund_transaction_id), raw_status=COALESCE(?5, raw_status), updated_ms=?6 WHERE request_id=?1",
                params![request_id, state.as_str(), reason, refund_txn, raw, now_ms()],
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The recorded state of every row, by request id.
    pub fn states(&self) -> Result<HashMap<String, RowRecord>, String> {
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
                    RowRecord {
                        state: RowState::parse(&r.get::<_, String>(1)?),
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
