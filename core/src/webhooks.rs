//! Payment Notify webhooks (§4.10): lenient parsing plus a pluggable checksum check.
//!
//! EnKash documents a `checksum` field but not its algorithm (§6 #15). Treat a notification as an
//! untrusted trigger: parse it, then confirm with [`crate::Client::get_transaction`] before acting.

use std::collections::HashMap;
use std::fmt;

use compact_str::CompactString;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use crate::error::{Error, ErrorKind};
use crate::models::{OrderStatus, PaymentMode, TransactionStatus};
use crate::money::decimal_from_json_text;
use crate::wire::notify as f;

/// A parsed Payment Notify body. Every field is optional: a missing or mistyped field is `None`.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PaymentNotification {
    /// `transactionId`.
    pub transaction_id: Option<CompactString>,
    /// `orderId`.
    pub order_id: Option<CompactString>,
    /// `transactionStatus`, else `status` (§6 #16).
    pub status: Option<TransactionStatus>,
    /// `orderStatus`.
    pub order_status: Option<OrderStatus>,
    /// `amount`, exact.
    pub amount: Option<Decimal>,
    /// `finalAmount`, exact.
    pub final_amount: Option<Decimal>,
    /// `transactionAmount`, exact.
    pub transaction_amount: Option<Decimal>,
    /// `surcharge`, exact.
    pub surcharge: Option<Decimal>,
    /// `surchargeGst`, exact.
    pub surcharge_gst: Option<Decimal>,
    /// `mdr`, exact.
    pub mdr: Option<Decimal>,
    /// `mdrGst`, exact.
    pub mdr_gst: Option<Decimal>,
    /// `paymentMode`.
    pub payment_mode: Option<PaymentMode>,
    /// `currency`.
    pub currency: Option<CompactString>,
    /// `bankCode`.
    pub bank_code: Option<CompactString>,
    /// `bankName`.
    pub bank_name: Option<CompactString>,
    /// `cardScheme`.
    pub card_scheme: Option<CompactString>,
    /// `maskedCardNumber`.
    pub masked_card_number: Option<CompactString>,
    /// `cardHolderName`.
    pub card_holder_name: Option<CompactString>,
    /// `bankTransactionId`.
    pub bank_transaction_id: Option<CompactString>,
    /// `uniqueTransactionId`.
    pub unique_transaction_id: Option<CompactString>,
    /// `txnMsg`.
    pub message: Option<CompactString>,
    /// `txnDate` as sent.
    pub txn_date: Option<CompactString>,
    /// `checksum` as sent.
    pub checksum: Option<CompactString>,
    /// `paymentToken` (kept out of Debug output).
    pub payment_token: Option<CompactString>,
}

impl fmt::Debug for PaymentNotification {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        fm.debug_struct("PaymentNotification")
            .field("transaction_id", &self.transaction_id)
            .field("order_id", &self.order_id)
            .field("status", &self.status)
            .field("order_status", &self.order_status)
            .field("amount", &self.amount)
            .field("payment_mode", &self.payment_mode)
            .field("masked_card_number", &self.masked_card_number)
            .field("payment_token", &self.payment_token.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Verifies the `checksum` of a notification. EnKash has not published the algorithm; plug in
/// yours once they do. [`NoChecksumVerification`] accepts everything.
pub trait ChecksumVerifier: Send + Sync {
    /// `Ok(())` when `raw` (the exact bytes received) is authentic.
    fn verify(&self, raw: &[u8], notification: &PaymentNotification) -> Result<(), Error>;
}

/// The default verifier: accepts every notification (the algorithm is undocumented, §6 #15).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoChecksumVerification;

impl ChecksumVerifier for NoChecksumVerification {
    fn verify(&self, _raw: &[u8], _n: &PaymentNotification) -> Result<(), Error> {
        Ok(())
    }
}

/// Largest webhook body accepted.
pub const MAX_NOTIFICATION_BYTES: usize = 256 * 1024;

/// Parses a Payment Notify body from the raw bytes received.
///
/// ```
/// let n = enkash::parse_payment_notification(
///     br#"{"transactionId":"EK1","transactionStatus":"SUCCESS","amount":100.07,"mdr":"x"}"#,
/// ).unwrap();
/// assert_eq!(n.amount.unwrap().to_string(), "100.07");
/// assert_eq!(n.status, Some(enkash::TransactionStatus::Success));
/// assert_eq!(n.mdr, None); // mistyped: ignored, not an error
/// ```
pub fn parse_payment_notification(raw: &[u8]) -> Result<PaymentNotification, Error> {
    if raw.len() > MAX_NOTIFICATION_BYTES {
        return Err(Error::new(
            ErrorKind::Decode,
            format!("notification larger than {MAX_NOTIFICATION_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(raw)
        .map_err(|e| Error::new(ErrorKind::Decode, "notification is not UTF-8").with_source(e))?;
    let map: HashMap<String, Box<RawValue>> = serde_json::from_str(text).map_err(|e| {
        Error::new(ErrorKind::Decode, "notification is not a JSON object").with_source(e)
    })?;
    let s = |k: &str| {
        map.get(k)
            .and_then(|v| serde_json::from_str::<CompactString>(v.get()).ok())
    };
    let d = |k: &str| map.get(k).and_then(|v| decimal_from_json_text(v.get()));
    let status = s(f::TRANSACTION_STATUS)
        .filter(|v| !v.is_empty())
        .or_else(|| s(f::STATUS))
        .map(|v| TransactionStatus::from_wire(&v));
    Ok(PaymentNotification {
        transaction_id: s(f::TRANSACTION_ID),
        order_id: s(f::ORDER_ID),
        status,
        order_status: s(f::ORDER_STATUS).map(|v| OrderStatus::from_wire(&v)),
        amount: d(f::AMOUNT),
        final_amount: d(f::FINAL_AMOUNT),
        transaction_amount: d(f::TRANSACTION_AMOUNT),
        surcharge: d(f::SURCHARGE),
        surcharge_gst: d(f::SURCHARGE_GST),
        mdr: d(f::MDR),
        mdr_gst: d(f::MDR_GST),
        payment_mode: s(f::PAYMENT_MODE).map(|v| PaymentMode::from_wire(&v)),
        currency: s(f::CURRENCY),
        bank_code: s(f::BANK_CODE),
        bank_name: s(f::BANK_NAME),
        card_scheme: s(f::CARD_SCHEME),
        masked_card_number: s(f::MASKED_CARD_NUMBER),
        card_holder_name: s(f::CARD_HOLDER_NAME),
        bank_transaction_id: s(f::BANK_TRANSACTION_ID),
        unique_transaction_id: s(f::UNIQUE_TRANSACTION_ID),
        message: s(f::TXN_MSG),
        txn_date: s(f::TXN_DATE),
        checksum: s(f::CHECKSUM),
        payment_token: s(f::PAYMENT_TOKEN),
    })
}

/// Parses and then verifies with `verifier`.
pub fn parse_and_verify_payment_notification(
    raw: &[u8],
    verifier: &dyn ChecksumVerifier,
) -> Result<PaymentNotification, Error> {
    let n = parse_payment_notification(raw)?;
    verifier.verify(raw, &n)?;
    Ok(n)
}
