//! The CSV rows of a bulk refund: reading, validating, and the request id of a row without one.

use std::collections::HashMap;
use std::path::Path;

use enkash::Amount;
use sha2::{Digest, Sha256};

/// One valid CSV row.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: u64,
    pub transaction_id: String,
    pub amount: Amount,
    pub remarks: Option<String>,
    pub request_id: String,
    /// The request id was derived from the row (the file has none): the journal may know the
    /// row under the id an earlier version derived.
    pub derived: bool,
}

/// A row that cannot be refunded, with its line number.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

/// The request id of a row without one: from its transaction, amount and which occurrence of
/// that pair it is in the file — not its remarks, so editing a remark never makes a new refund.
fn derived_request_id(txn: &str, amount: &Amount, occurrence: u32) -> String {
    let mut h = Sha256::new();
    h.update(b"enkash-bulk-v2\0");
    for part in [txn, &amount.to_wire()] {
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
    let mut occurrences: HashMap<(String, String), u32> = HashMap::new();
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
        let derived = get(cols.3).is_none();
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
                let n = occurrences
                    .entry((txn.to_owned(), amount.to_wire()))
                    .or_insert(0);
                *n += 1;
                derived_request_id(txn, &amount, *n)
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
            derived,
        });
    }
    Ok((rows, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_request_id_ignores_remarks_and_counts_repeats() {
        let a = Amount::parse("10").unwrap();
        let first = derived_request_id("EK1", &a, 1);
        assert_eq!(first, derived_request_id("EK1", &a, 1));
        assert_ne!(first, derived_request_id("EK1", &a, 2));
        assert_ne!(first, derived_request_id("EK2", &a, 1));
        assert!(enkash::validate::id("request_id", &first).is_ok());
    }
}
