//! What a caller says about a refund: its options, the query that finds it again, and the
//! `requestId` that names it.

use crate::error::Error;
use crate::validate;

/// A new refund `requestId`: `RF` + 30 hex digits from a v4 UUID (alphanumeric, 32 chars).
///
/// Generate it, **store it with the refund you are about to make**, then pass it in
/// [`RefundOptions::request_id`]: whatever happens next (a crash, a cancelled call,
/// `OutcomeUnknown`), the stored id finds the refund ([`crate::Client::find_refund`]) and a retry
/// with it can never refund twice.
///
/// ```
/// let id = enkash::new_request_id();
/// assert_eq!(id.len(), 32);
/// assert!(enkash::validate::id("request_id", &id).is_ok());
/// ```
pub fn new_request_id() -> String {
    let mut hex = [0u8; uuid::fmt::Simple::LENGTH];
    let hex = uuid::Uuid::new_v4().simple().encode_upper(&mut hex);
    let mut id = String::with_capacity(32);
    id.push_str("RF");
    id.push_str(&hex[..30]);
    id
}

/// Optional parts of a refund request.
///
/// ```
/// let opts = enkash::RefundOptions::new().request_id("ORDER-42-REFUND-1").remarks("damaged");
/// assert_eq!(opts.request_id.as_deref(), Some("ORDER-42-REFUND-1"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundOptions {
    /// Idempotency key; generated when absent. Reuse it to retry the same refund safely.
    pub request_id: Option<String>,
    /// Free-text reason.
    pub remarks: Option<String>,
    /// Look the refund up before the first send, and send only if it provably does not exist.
    /// Use it when resuming work that may already have been sent (after `OutcomeUnknown`, a crash,
    /// or a re-run of a batch): it turns a retry into a safe one.
    pub reconcile_first: bool,
}

impl RefundOptions {
    /// No request id (one is generated) and no remarks.
    pub fn new() -> RefundOptions {
        RefundOptions::default()
    }
    /// Sets the `requestId` (1–64 of `A-Z a-z 0-9 - _ .`).
    pub fn request_id(mut self, id: impl Into<String>) -> RefundOptions {
        self.request_id = Some(id.into());
        self
    }
    /// Sets the remarks (≤ 255 characters).
    pub fn remarks(mut self, remarks: impl Into<String>) -> RefundOptions {
        self.remarks = Some(remarks.into());
        self
    }
    /// Looks the refund up before sending (see [`RefundOptions::reconcile_first`]); needs a
    /// `request_id`.
    pub fn reconcile_first(mut self, yes: bool) -> RefundOptions {
        self.reconcile_first = yes;
        self
    }
}

/// Identifies a refund to look up: the original payment plus the refund's `requestId`, and the
/// refund's own transaction id when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundQuery {
    /// The original payment's `transactionId`.
    pub transaction_id: String,
    /// The refund's `requestId`.
    pub request_id: String,
    /// The refund transaction id returned at creation, if any.
    pub refund_transaction_id: Option<String>,
}

impl RefundQuery {
    /// A query by original transaction id and request id.
    pub fn new(transaction_id: impl Into<String>, request_id: impl Into<String>) -> RefundQuery {
        RefundQuery {
            transaction_id: transaction_id.into(),
            request_id: request_id.into(),
            refund_transaction_id: None,
        }
    }

    /// A query from the three parts a host language passes (the binding's lookup arguments).
    pub fn from_parts(
        transaction_id: impl Into<String>,
        request_id: impl Into<String>,
        refund_transaction_id: Option<String>,
    ) -> RefundQuery {
        RefundQuery::new(transaction_id, request_id)
            .with_optional_refund_transaction_id(refund_transaction_id)
    }

    /// Sets or clears the refund's own transaction id.
    pub fn with_optional_refund_transaction_id(mut self, id: Option<String>) -> RefundQuery {
        self.refund_transaction_id = id;
        self
    }

    /// Adds the refund's own transaction id.
    pub fn with_refund_transaction_id(mut self, id: impl Into<String>) -> RefundQuery {
        self.refund_transaction_id = Some(id.into());
        self
    }

    pub(super) fn validate(&self) -> Result<(), Error> {
        validate::id("transaction_id", &self.transaction_id)?;
        validate::id("request_id", &self.request_id)?;
        if let Some(r) = &self.refund_transaction_id {
            validate::id("refund_transaction_id", r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_valid_and_distinct() {
        let a = super::new_request_id();
        let b = super::new_request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.starts_with("RF"));
        assert!(a[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
        crate::validate::id("request_id", &a).unwrap();
    }
}
