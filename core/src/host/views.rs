//! What calls return, in host-neutral types: the records every binding exposes.
//!
//! [`for_each_host_model!`](crate::for_each_host_model) lists each record's fields once. Core
//! builds the view structs from it; Python builds its classes, Kotlin/Swift their records, from
//! the same list; Node sends the views as they serialize (camelCase). Statuses travel as their
//! text, amounts as [`Money`] (exact).

use compact_str::CompactString;

use crate::host::{Money, SecretText};
use crate::models::{Order, Refund, Transaction};
use crate::token::TokenInfo;
use crate::webhooks::PaymentNotification;

/// Lists every returned record as `doc, Name (ViewType) { doc, field: Type, … }` and hands each
/// one to `$cb!`.
#[macro_export]
macro_rules! for_each_host_model {
    ($cb:ident) => {
        $cb! {
            /// A refund: `amount` is exact; `status` is pending, succeeded, failed or unknown.
            Refund (RefundView) {
                /// The merchant `requestId`: the refund's key; persist it before refunding.
                request_id: String,
                /// The original payment's `transactionId`.
                transaction_id: String,
                /// The refund's own transaction id, when the gateway returned one.
                refund_transaction_id: Option<String>,
                /// Refunded amount in rupees, exact.
                amount: $crate::host::Money,
                /// `pending`, `succeeded`, `failed` or `unknown`.
                status: String,
                /// The gateway's status string as sent.
                raw_status: String,
                /// True when the refund will not change any more (succeeded or failed).
                is_final: bool,
                /// Gateway/bank message.
                message: Option<String>,
                /// `txnDate` as sent.
                txn_date: Option<String>,
                /// `created` as sent.
                created: Option<String>,
                /// `lastModified` as sent.
                last_modified: Option<String>,
                /// `uniqueTransactionId`.
                unique_transaction_id: Option<String>,
                /// Bank reference.
                bank_transaction_id: Option<String>,
                /// Payment mode, e.g. `UPI`.
                payment_mode: Option<String>,
                /// Currency, `INR`.
                currency: Option<String>,
            }
        }
        $cb! {
            /// A payment (or refund) transaction; `status` is the gateway's value, e.g. `SUCCESS`.
            Transaction (TransactionView) {
                /// EnKash `transactionId`.
                transaction_id: String,
                /// The gateway's status, e.g. `SUCCESS`.
                status: String,
                /// Amount in rupees, exact.
                amount: Option<$crate::host::Money>,
                /// Payment mode, e.g. `UPI`.
                payment_mode: Option<String>,
                /// Currency, `INR`.
                currency: Option<String>,
                /// Bank code.
                bank_code: Option<String>,
                /// Bank name.
                bank_name: Option<String>,
                /// Gateway/bank message.
                message: Option<String>,
                /// `txnDate` as sent.
                txn_date: Option<String>,
                /// `created` as sent.
                created: Option<String>,
                /// `lastModified` as sent.
                last_modified: Option<String>,
                /// `uniqueTransactionId`.
                unique_transaction_id: Option<String>,
                /// Bank reference.
                bank_transaction_id: Option<String>,
            }
        }
        $cb! {
            /// An order.
            Order (OrderView) {
                /// Order id.
                order_id: String,
                /// Order status, e.g. `PAID`.
                status: Option<String>,
                /// Amount in rupees, exact.
                amount: Option<$crate::host::Money>,
                /// `created` as sent.
                created: Option<String>,
                /// `lastModified` as sent.
                last_modified: Option<String>,
            }
        }
        $cb! {
            /// The token's state: never the token itself.
            TokenInfo (TokenView) {
                /// Absolute expiry in epoch milliseconds, when the server sent one.
                expires_at_ms: Option<i64>,
                /// The same expiry as UTC text (RFC 3339), when known.
                expires_at: Option<String>,
                /// Whether the token is cached for later calls.
                cached: bool,
            }
        }
        $cb! {
            /// A token for the merchant's own apps (`issue_token`), or one a token provider hands
            /// over: the token is a secret, never printed by a repr or toString.
            IssuedToken (IssuedTokenView) {
                /// The bearer token.
                token: $crate::host::SecretText,
                /// Absolute expiry in epoch milliseconds, when known.
                expires_at_ms: Option<i64>,
                /// The same expiry as UTC text (RFC 3339), when known.
                expires_at: Option<String>,
            }
        }
        $cb! {
            /// A Payment Notify webhook body, parsed leniently.
            PaymentNotification (PaymentNotificationView) {
                /// `transactionId`.
                transaction_id: Option<String>,
                /// `orderId`.
                order_id: Option<String>,
                /// Payment status, e.g. `SUCCESS`.
                status: Option<String>,
                /// Order status, e.g. `PAID`.
                order_status: Option<String>,
                /// Amount in rupees, exact.
                amount: Option<$crate::host::Money>,
                /// Final amount, exact.
                final_amount: Option<$crate::host::Money>,
                /// Transaction amount, exact.
                transaction_amount: Option<$crate::host::Money>,
                /// Surcharge, exact.
                surcharge: Option<$crate::host::Money>,
                /// GST on the surcharge, exact.
                surcharge_gst: Option<$crate::host::Money>,
                /// MDR, exact.
                mdr: Option<$crate::host::Money>,
                /// GST on the MDR, exact.
                mdr_gst: Option<$crate::host::Money>,
                /// Payment mode, e.g. `UPI`.
                payment_mode: Option<String>,
                /// Currency, `INR`.
                currency: Option<String>,
                /// Bank code.
                bank_code: Option<String>,
                /// Bank name.
                bank_name: Option<String>,
                /// Card scheme.
                card_scheme: Option<String>,
                /// Masked card number.
                masked_card_number: Option<String>,
                /// Card holder name.
                card_holder_name: Option<String>,
                /// Bank reference.
                bank_transaction_id: Option<String>,
                /// `uniqueTransactionId`.
                unique_transaction_id: Option<String>,
                /// Gateway/bank message.
                message: Option<String>,
                /// `txnDate` as sent.
                txn_date: Option<String>,
                /// The checksum as sent.
                checksum: Option<String>,
                /// Payment token, when sent: a secret, never printed by a repr or toString.
                payment_token: Option<$crate::host::SecretText>,
            }
        }
    };
}

macro_rules! define_view {
    ($(#[$m:meta])* $name:ident ($view:ident) {
        $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $view {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        impl $view {
            /// The record's name in every language.
            pub const NAME: &'static str = stringify!($name);
            /// Its fields, snake_case, in order.
            pub const FIELDS: &'static [&'static str] = &[$( stringify!($field) ),*];
        }
    };
}

crate::for_each_host_model!(define_view);

fn text<T: std::fmt::Display>(v: Option<T>) -> Option<String> {
    v.map(|s| s.to_string())
}

fn owned(v: Option<CompactString>) -> Option<String> {
    v.map(String::from)
}

impl From<Refund> for RefundView {
    fn from(r: Refund) -> Self {
        RefundView {
            amount: Money(r.amount),
            status: r.status.as_str().to_owned(),
            is_final: r.status.is_terminal(),
            payment_mode: text(r.payment_mode),
            request_id: r.request_id.into(),
            transaction_id: r.transaction_id.into(),
            refund_transaction_id: owned(r.refund_transaction_id),
            raw_status: r.raw_status.into(),
            message: owned(r.message),
            txn_date: owned(r.txn_date),
            created: owned(r.created),
            last_modified: owned(r.last_modified),
            unique_transaction_id: owned(r.unique_transaction_id),
            bank_transaction_id: owned(r.bank_transaction_id),
            currency: owned(r.currency),
        }
    }
}

impl From<Transaction> for TransactionView {
    fn from(t: Transaction) -> Self {
        TransactionView {
            status: t.status.as_str().to_owned(),
            amount: t.amount.map(Money),
            payment_mode: text(t.payment_mode),
            transaction_id: t.transaction_id.into(),
            currency: owned(t.currency),
            bank_code: owned(t.bank_code),
            bank_name: owned(t.bank_name),
            message: owned(t.message),
            txn_date: owned(t.txn_date),
            created: owned(t.created),
            last_modified: owned(t.last_modified),
            unique_transaction_id: owned(t.unique_transaction_id),
            bank_transaction_id: owned(t.bank_transaction_id),
        }
    }
}

impl From<Order> for OrderView {
    fn from(o: Order) -> Self {
        OrderView {
            status: text(o.status),
            amount: o.amount.map(Money),
            order_id: o.order_id.into(),
            created: owned(o.created),
            last_modified: owned(o.last_modified),
        }
    }
}

impl From<crate::IssuedToken> for IssuedTokenView {
    fn from(t: crate::IssuedToken) -> Self {
        IssuedTokenView {
            token: SecretText(t.token.expose().to_owned()),
            expires_at: t.expires_at_ms.and_then(utc_text),
            expires_at_ms: t.expires_at_ms,
        }
    }
}

impl From<TokenInfo> for TokenView {
    fn from(t: TokenInfo) -> Self {
        TokenView {
            expires_at: t.expires_at_ms.and_then(utc_text),
            expires_at_ms: t.expires_at_ms,
            cached: t.cached,
        }
    }
}

/// Epoch milliseconds as RFC 3339 UTC text (`2026-12-04T16:01:17.123Z`).
pub fn utc_text(ms: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

impl From<PaymentNotification> for PaymentNotificationView {
    fn from(n: PaymentNotification) -> Self {
        PaymentNotificationView {
            status: text(n.status),
            order_status: text(n.order_status),
            amount: n.amount.map(Money),
            final_amount: n.final_amount.map(Money),
            transaction_amount: n.transaction_amount.map(Money),
            surcharge: n.surcharge.map(Money),
            surcharge_gst: n.surcharge_gst.map(Money),
            mdr: n.mdr.map(Money),
            mdr_gst: n.mdr_gst.map(Money),
            payment_mode: text(n.payment_mode),
            transaction_id: owned(n.transaction_id),
            order_id: owned(n.order_id),
            currency: owned(n.currency),
            bank_code: owned(n.bank_code),
            bank_name: owned(n.bank_name),
            card_scheme: owned(n.card_scheme),
            masked_card_number: owned(n.masked_card_number),
            card_holder_name: owned(n.card_holder_name),
            bank_transaction_id: owned(n.bank_transaction_id),
            unique_transaction_id: owned(n.unique_transaction_id),
            message: owned(n.message),
            txn_date: owned(n.txn_date),
            checksum: owned(n.checksum),
            payment_token: owned(n.payment_token).map(SecretText),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_expiry_reads_as_utc() {
        assert_eq!(
            utc_text(1_796_399_502_457).as_deref(),
            Some("2026-12-04T15:51:42.457Z")
        );
        let v = TokenView::from(TokenInfo {
            expires_at_ms: None,
            cached: false,
        });
        assert_eq!(v.expires_at, None);
    }

    #[test]
    fn views_serialize_camel_case_with_exact_money() {
        let v = OrderView {
            order_id: "ORD1".into(),
            status: None,
            amount: Some(Money(rust_decimal::Decimal::new(1005, 3))),
            created: None,
            last_modified: None,
        };
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"orderId":"ORD1","status":null,"amount":"1.005","created":null,"lastModified":null}"#
        );
    }
}
