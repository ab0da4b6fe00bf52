//! The outcome CSV of a bulk run: one line per row of the file, with its state and what the
//! gateway said. Created readable by its owner only; text that came from the gateway and could
//! be read as a spreadsheet formula (`= + - @`, tab, CR) is neutralised with a leading `'`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::journal::{RowRecord, RowState};
use super::rows::{BadRow, Row};
use crate::private_file;

/// Gateway text made safe for a spreadsheet cell (CSV injection).
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Writes the outcome CSV for `rows` (their journal `states`) and the `bad` rows, by line.
pub fn write(
    path: &Path,
    rows: &[Row],
    bad: &[BadRow],
    states: &HashMap<String, RowRecord>,
) -> Result<(), String> {
    let file = private_file::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = csv::Writer::from_writer(file);
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
    for row in rows.iter().filter(|r| !bad_lines.contains(&r.line)) {
        let record = states.get(&row.request_id);
        let gateway = |f: fn(&RowRecord) -> Option<&String>| {
            record.and_then(f).map(|t| cell(t)).unwrap_or_default()
        };
        lines.push((
            row.line,
            vec![
                row.line.to_string(),
                row.transaction_id.clone(),
                row.amount.to_fixed2(),
                row.request_id.clone(),
                record
                    .map_or(RowState::New, |r| r.state)
                    .as_str()
                    .to_owned(),
                gateway(|r| r.raw_status.as_ref()),
                gateway(|r| r.refund_transaction_id.as_ref()),
                gateway(|r| r.reason.as_ref()),
            ],
        ));
    }
    for b in bad {
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
                cell(&b.reason),
            ],
        ));
    }
    lines.sort_by_key(|(l, _)| *l);
    for (_, rec) in lines {
        w.write_record(&rec).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_like_gateway_text_is_neutralised() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("+1"), "'+1");
        assert_eq!(super::cell("-1"), "'-1");
        assert_eq!(super::cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::cell("SUCCESS"), "SUCCESS");
        assert_eq!(super::cell(""), "");
    }
}
