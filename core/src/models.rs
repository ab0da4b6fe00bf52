//! What the API returns: transactions, orders, refunds, and their open enums.

use std::fmt;

use compact_str::CompactString;
use rust_decimal::Decimal;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::money::decimal_from_json_text;
use crate::wire;

macro_rules! open_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $variant,)+
            /// A value this SDK version does not know, kept verbatim (§6 #17).
            Unknown(String),
        }

        impl $name {
            /// Parses the wire value; unknown values become `Unknown(raw)`, never an error.
            /// Case and surrounding whitespace are ignored (compared in place, no copy made).
            pub fn from_wire(raw: &str) -> $name {
                let value = raw.trim();
                $(if value.eq_ignore_ascii_case($wire) {
                    return $name::$variant;
                })+
                $name::Unknown(raw.to_owned())
            }

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum! {
    /// Payment (transaction) status, §3.1.
    TransactionStatus {
        /// Payment request initialised.
        Created => "CREATED",
        /// Authorised by the customer.
        Authorized => "AUTHORIZED",
        /// Waiting for the customer's bank.
        PendingWithBank => "PENDING_WITH_BANK",
        /// Completed.
        Success => "SUCCESS",
        /// Failed.
        Failed => "FAILED",
        /// Cancelled by the customer.
        Cancelled => "CANCELLED",
        /// Part of the amount refunded.
        PartiallyRefunded => "PARTIALLY_REFUNDED",
        /// Fully refunded.
        Refunded => "REFUNDED",
    }
}

open_enum! {
    /// Order status, §3.2.
    OrderStatus {
        /// Created.
        Created => "CREATED",
        /// Checkout page shown.
        CheckoutRendered => "CHECKOUT_RENDERED",
        /// A payment was attempted.
        Attempted => "ATTEMPTED",
        /// A successful payment is bound to the order.
        Paid => "PAID",
        /// Cancelled.
        Cancelled => "CANCELLED",
        /// Expired.
        Expired => "EXPIRED",
        /// Old docs only.
        PaymentConfirmationPending => "PAYMENT_CONFIRMATION_PENDING",
    }
}

open_enum! {
    /// Payment mode, §3.3.
    PaymentMode {
        /// Net banking.
        NetBanking => "NET_BANKING",
        /// UPI.
        Upi => "UPI",
        /// Credit card.
        CreditCard => "CREDIT_CARD",
        /// Debit card.
        DebitCard => "DEBIT_CARD",
        /// Prepaid card.
        PrepaidCard => "PREPAID_CARD",
        /// Buy now, pay later.
        PayLater => "PAY_LATER",
        /// Wallet.
        Wallet => "WALLET",
        /// Corporate card.
        CorporateCard => "CORPORATE_CARD",
    }
}

impl TransactionStatus {
    /// True for statuses that will not change by themselves.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            TransactionStatus::Success
                | TransactionStatus::Failed
                | TransactionStatus::Cancelled
                | TransactionStatus::Refunded
        )
    }
}

/// Where a refund stands, mapped from the gateway's transaction status (§6 #12).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefundStatus {
    /// Accepted, not yet final (`CREATED`, `AUTHORIZED`, `PENDING_WITH_BANK`).
    Pending,
    /// Money is on its way back (`SUCCESS`, `REFUNDED`, `PARTIALLY_REFUNDED`).
    Succeeded,
    /// The refund failed (`FAILED`, `CANCELLED`).
    Failed,
    /// A status this SDK does not know; treated as not final (keep polling), raw value kept.
    Unknown(String),
}

impl RefundStatus {
    /// Maps a raw gateway status per ENKASH_API.md §6 #12.
    pub fn from_wire(raw: &str) -> RefundStatus {
        match TransactionStatus::from_wire(raw) {
            TransactionStatus::Success
            | TransactionStatus::Refunded
            | TransactionStatus::PartiallyRefunded => RefundStatus::Succeeded,
            TransactionStatus::Failed | TransactionStatus::Cancelled => RefundStatus::Failed,
            TransactionStatus::Created
            | TransactionStatus::Authorized
            | TransactionStatus::PendingWithBank => RefundStatus::Pending,
            TransactionStatus::Unknown(raw) => RefundStatus::Unknown(raw),
        }
    }

    /// `pending`, `succeeded`, `failed` or `unknown`.
    pub fn as_str(&self) -> &str {
        match self {
            RefundStatus::Pending => "pending",
            RefundStatus::Succeeded => "succeeded",
            RefundStatus::Failed => "failed",
            RefundStatus::Unknown(_) => "unknown",
        }
    }

    /// True when the refund will not change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, RefundStatus::Succeeded | RefundStatus::Failed)
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment (or refund) transaction as `GET /api/v0/payment/{id}` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transaction {
    /// EnKash `transactionId`.
    pub transaction_id: CompactString,
    /// Status (open enum).
    pub status: TransactionStatus,
    /// Amount in rupees, exact.
    pub amount: Option<Decimal>,
    /// Payment mode.
    pub payment_mode: Option<PaymentMode>,
    /// Currency, `INR`.
    pub currency: Option<CompactString>,
    /// Bank code.
    pub bank_code: Option<CompactString>,
    /// Bank name.
    pub bank_name: Option<CompactString>,
    /// Gateway/bank message (`txnMsg`).
    pub message: Option<CompactString>,
    /// `txnDate` as sent (see [`parse_timestamp`]).
    pub txn_date: Option<CompactString>,
    /// `created` as sent.
    pub created: Option<CompactString>,
    /// `lastModified` as sent.
    pub last_modified: Option<CompactString>,
    /// `uniqueTransactionId`.
    pub unique_transaction_id: Option<CompactString>,
    /// Bank reference (`bankTransactionId`).
    pub bank_transaction_id: Option<CompactString>,
}

impl Transaction {
    pub(crate) fn from_wire(w: wire::WireTransaction, requested_id: &str) -> Transaction {
        Transaction {
            transaction_id: w
                .transaction_id
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| requested_id.into()),
            status: TransactionStatus::from_wire(w.status.as_deref().unwrap_or("")),
            amount: w
                .amount
                .as_deref()
                .and_then(|r| decimal_from_json_text(r.get())),
            payment_mode: w.payment_mode.as_deref().map(PaymentMode::from_wire),
            currency: w.currency,
            bank_code: w.bank_code,
            bank_name: w.bank_name,
            message: w.txn_msg,
            txn_date: w.txn_date,
            created: w.created,
            last_modified: w.last_modified,
            unique_transaction_id: w.unique_transaction_id,
            bank_transaction_id: w.bank_transaction_id,
        }
    }
}

/// An order as `GET /api/v0/orders/{id}` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Order {
    /// Order id.
    pub order_id: CompactString,
    /// Order status, when sent.
    pub status: Option<OrderStatus>,
    /// Amount in rupees, when sent (number, or `{value, currency}`).
    pub amount: Option<Decimal>,
    /// `created` as sent.
    pub created: Option<CompactString>,
    /// `lastModified` as sent.
    pub last_modified: Option<CompactString>,
}

impl Order {
    pub(crate) fn from_wire(w: wire::WireOrder, requested_id: &str) -> Order {
        let amount = w.amount.as_deref().and_then(|raw| {
            decimal_from_json_text(raw.get()).or_else(|| {
                #[derive(serde::Deserialize)]
                struct V {
                    value: Box<serde_json::value::RawValue>,
                }
                serde_json::from_str::<V>(raw.get())
                    .ok()
                    .and_then(|v| decimal_from_json_text(v.value.get()))
            })
        });
        Order {
            order_id: w
                .order_id
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| requested_id.into()),
            status: w.order_status.as_deref().map(OrderStatus::from_wire),
            amount,
            created: w.created,
            last_modified: w.last_modified,
        }
    }
}

/// A refund of (part of) a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refund {
    /// The merchant `requestId`, the refund's primary key and idempotency key.
    pub request_id: CompactString,
    /// The original payment's `transactionId`.
    pub transaction_id: CompactString,
    /// The refund's own transaction id, when the gateway returned a distinct one (§6 #11).
    pub refund_transaction_id: Option<CompactString>,
    /// Refunded amount in rupees, exact.
    pub amount: Decimal,
    /// Mapped status.
    pub status: RefundStatus,
    /// The gateway's status string as sent.
    pub raw_status: CompactString,
    /// Gateway/bank message (`txnMsg`).
    pub message: Option<CompactString>,
    /// `txnDate` as sent.
    pub txn_date: Option<CompactString>,
    /// `created` as sent.
    pub created: Option<CompactString>,
    /// `lastModified` as sent.
    pub last_modified: Option<CompactString>,
    /// `uniqueTransactionId`.
    pub unique_transaction_id: Option<CompactString>,
    /// Bank reference (`bankTransactionId`).
    pub bank_transaction_id: Option<CompactString>,
    /// Payment mode of the refund.
    pub payment_mode: Option<PaymentMode>,
    /// Currency, `INR`.
    pub currency: Option<CompactString>,
}

impl Refund {
    pub(crate) fn from_wire(
        w: wire::WireTransaction,
        transaction_id: &str,
        request_id: &str,
        requested_amount: Option<Decimal>,
        known_refund_txn: Option<&str>,
    ) -> Refund {
        let raw_status = w.status.clone().unwrap_or_default();
        let refund_transaction_id = w
            .transaction_id
            .filter(|id| !id.is_empty() && id != transaction_id)
            .or_else(|| known_refund_txn.map(CompactString::from));
        let amount = w
            .amount
            .as_deref()
            .and_then(|r| decimal_from_json_text(r.get()))
            .filter(|d| !d.is_zero())
            .or(requested_amount)
            .unwrap_or_default();
        Refund {
            request_id: w
                .request_id
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| request_id.into()),
            transaction_id: transaction_id.into(),
            refund_transaction_id,
            amount,
            status: RefundStatus::from_wire(&raw_status),
            raw_status,
            message: w.txn_msg,
            txn_date: w.txn_date,
            created: w.created,
            last_modified: w.last_modified,
            unique_transaction_id: w.unique_transaction_id,
            bank_transaction_id: w.bank_transaction_id,
            payment_mode: w.payment_mode.as_deref().map(PaymentMode::from_wire),
            currency: w.currency,
        }
    }

    /// The query that looks this refund up again.
    pub fn query(&self) -> crate::RefundQuery {
        crate::RefundQuery {
            transaction_id: self.transaction_id.to_string(),
            request_id: self.request_id.to_string(),
            refund_transaction_id: self.refund_transaction_id.as_deref().map(str::to_owned),
        }
    }
}

/// Parses an API timestamp: RFC 3339, or a local date-time without offset taken as IST (+05:30,
/// §6 #18). `None` when the text is in neither form (the raw string stays on the model).
///
/// ```
/// let t = enkash::parse_timestamp("2026-03-17T20:24:40Z").unwrap();
/// assert_eq!(t.unix_timestamp(), 1773779080);
/// let ist = enkash::parse_timestamp("2026-03-17 20:24:40").unwrap();
/// assert_eq!(ist.offset().whole_minutes(), 330);
/// ```
pub fn parse_timestamp(raw: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let raw = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(t);
    }
    let ist = UtcOffset::from_hms(5, 30, 0).ok()?;
    let formats = [
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"
        ),
        time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"
        ),
    ];
    formats
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(raw, f).ok())
        .map(|p| p.assume_offset(ist))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_status_mapping_follows_section_6_12() {
        for (raw, want) in [
            ("SUCCESS", RefundStatus::Succeeded),
            ("REFUNDED", RefundStatus::Succeeded),
            ("PARTIALLY_REFUNDED", RefundStatus::Succeeded),
            ("FAILED", RefundStatus::Failed),
            ("CANCELLED", RefundStatus::Failed),
            ("CREATED", RefundStatus::Pending),
            ("AUTHORIZED", RefundStatus::Pending),
            ("PENDING_WITH_BANK", RefundStatus::Pending),
            ("PROCESSING", RefundStatus::Unknown("PROCESSING".into())),
        ] {
            assert_eq!(RefundStatus::from_wire(raw), want, "{raw}");
        }
        assert!(!RefundStatus::Unknown("X".into()).is_terminal());
    }

    /// Text fields are `CompactString`s: short values are held inline, long ones on the heap;
    /// either way the text is the JSON string's value, escapes decoded, byte for byte.
    #[test]
    fn text_fields_keep_short_long_and_escaped_values_exactly() {
        let long = "Refund accepted by the beneficiary bank; settlement in T+1";
        let body = format!(
            r#"{{"transactionId":"","status":"SUCCESS","currency":"INR","bankName":"State Bank of India (SBI)","txnMsg":"{long}","txnDate":"caf\u00e9 \"x\"","bankCode":""}}"#
        );
        let w: wire::WireTransaction = serde_json::from_str(&body).unwrap();
        let t = Transaction::from_wire(w, "EK-REQUESTED-ID-LONGER-THAN-24-BYTES");
        assert_eq!(t.transaction_id, "EK-REQUESTED-ID-LONGER-THAN-24-BYTES");
        assert_eq!(t.currency.as_deref(), Some("INR"));
        assert_eq!(t.bank_name.as_deref(), Some("State Bank of India (SBI)"));
        assert_eq!(t.message.as_deref(), Some(long));
        assert_eq!(t.txn_date.as_deref(), Some("caf\u{e9} \"x\""));
        assert_eq!(t.bank_code.as_deref(), Some(""));
        assert_eq!(t.created, None);
        assert_eq!(t.status, TransactionStatus::Success);
        let not_text = r#"{"currency": 356}"#;
        assert!(serde_json::from_str::<wire::WireTransaction>(not_text).is_err());
    }

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!(PaymentMode::from_wire("HOSTED").as_str(), "HOSTED");
        assert_eq!(
            TransactionStatus::from_wire("success"),
            TransactionStatus::Success
        );
        assert_eq!(OrderStatus::from_wire("PAID"), OrderStatus::Paid);
    }
}
