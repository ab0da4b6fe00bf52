//! Every path, header and field name the SDK puts on the wire, each with the page that documents it.
//!
//! EnKash's portal has moved several times (ENKASH_API.md §0, §6 #21); keeping the wire vocabulary in
//! this one module means a change on their side is a change here only.

use std::borrow::Cow;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// UAT base URL. Doc: <https://docs.enkash.com/doc-612889>
pub const UAT_BASE_URL: &str = "https://olympus-pg-uat.enkash.in";
/// Production base URL (seen only in third-party code; confirm before go-live, §6 #1).
pub const PRODUCTION_BASE_URL: &str = "https://olympus-pg.enkash.in";

/// Generate token. Doc: <https://docs.enkash.com/api-17348486>
pub const PATH_TOKEN: &str = "/api/v0/merchant/token";
/// Refund, `{transactionId}` = the original payment. Doc: <https://docs.enkash.com/api-8990254>
pub const PATH_REFUND: &str = "/api/v0/payment/{transactionId}/refund";
/// Transaction status. Doc: <https://docs.enkash.com/api-8990252>
pub const PATH_TRANSACTION: &str = "/api/v0/payment/{transactionId}";
/// Order status. Doc: <https://docs.enkash.com/api-8990250>
pub const PATH_ORDER: &str = "/api/v0/orders/{orderId}";
/// Refund enquiry (INFERRED path: the stored page shows only `POST /refun…`,
/// <https://docs.enkash.com/api-23490608>). Configurable through `RefundLookup::Enquiry`.
pub const PATH_REFUND_ENQUIRY: &str = "/refund/enquiry";

/// Header carrying `Bearer <token>`. Doc: <https://docs.enkash.com/payment-gateway/authorization>
pub const HEADER_AUTHORIZATION: &str = "authorization";
/// Header carrying the merchant access key (§2.1, §6 #3). Doc: <https://docs.enkash.com/api-8990254>
pub const HEADER_MERCHANT_ACCESS_KEY: &str = "merchantAccessKey";
/// Token-call header from the guide pages (§6 #4). Doc: <https://docs.enkash.com/doc-612889>
pub const HEADER_API_KEY: &str = "API-Key";
/// Request-id headers a gateway or proxy may return; the first present is kept.
pub const RESPONSE_REQUEST_ID_HEADERS: [&str; 3] =
    ["x-request-id", "request-id", "x-correlation-id"];

/// `response_code` meaning success (§2.2, §6 #7).
pub const CODE_SUCCESS: i64 = 0;
/// `response_code` for an invalid or expired token (third-party evidence, §5).
pub const CODE_TOKEN_INVALID: i64 = 117;
/// INFERRED business codes (EnKash documents none, §5). The simulator speaks them and the
/// classifier in `error.rs` also reads the message text, so a differently numbered real code
/// with a recognisable message still maps to the right kind.
pub const CODE_INVALID_REQUEST: i64 = 1001;
/// INFERRED: transaction is not in a refundable (SUCCESS) state.
pub const CODE_NOT_REFUNDABLE: i64 = 1002;
/// INFERRED: refund exceeds the refundable amount.
pub const CODE_REFUND_EXCEEDS: i64 = 1003;
/// INFERRED: merchant recharge balance too low.
pub const CODE_INSUFFICIENT_BALANCE: i64 = 1004;
/// INFERRED: customer's beneficiary account inactive or frozen.
pub const CODE_BENEFICIARY_ACCOUNT: i64 = 1005;
/// INFERRED: `requestId` already used.
pub const CODE_DUPLICATE_REQUEST: i64 = 1006;
/// INFERRED: transaction, order or refund not found.
pub const CODE_NOT_FOUND: i64 = 1007;

/// Body of the token call (§4.1).
#[derive(Serialize)]
pub struct TokenRequest<'a> {
    /// `accessKey`
    #[serde(rename = "accessKey")]
    pub access_key: &'a str,
    /// `secretKey`
    #[serde(rename = "secretKey")]
    pub secret_key: &'a str,
}

/// Token response, no envelope (§4.1).
#[derive(Deserialize, Default)]
pub struct TokenResponse {
    /// `token`
    pub token: Option<String>,
    /// `expiry`: epoch milliseconds per the docs; a number or numeric text (its unit is judged
    /// by [`crate::token`]'s sanity rules). Anything else counts as absent.
    #[serde(default, deserialize_with = "number_or_numeric_text")]
    pub expiry: Option<f64>,
    /// `resultCode`
    #[serde(rename = "resultCode")]
    pub result_code: Option<i64>,
    /// `resultMessage`
    #[serde(rename = "resultMessage")]
    pub result_message: Option<String>,
}

/// Response envelope of every PG call but the token call (§2.2).
#[derive(Deserialize)]
pub struct Envelope {
    /// `response_code`; 0 = success
    pub response_code: i64,
    /// `response_message`
    pub response_message: Option<String>,
    /// `payload`, kept raw so amounts are parsed exactly and string payloads survive
    pub payload: Option<Box<RawValue>>,
}

/// The same envelope with the payload parsed straight into its model (one pass over a success).
#[derive(Deserialize)]
pub struct TypedEnvelope<'a, T> {
    /// `response_code`; 0 = success
    pub response_code: i64,
    /// `response_message` (borrowed from the body unless it has escapes)
    #[serde(borrow)]
    pub response_message: Option<Cow<'a, str>>,
    /// `payload`
    pub payload: Option<T>,
}

/// Refund request body (§4.8). `amount` is written verbatim as a JSON number (or string, §6 #8).
#[derive(Serialize)]
pub struct RefundBody<'a> {
    /// `amount`, rupees, exact decimal text
    pub amount: &'a RawValue,
    /// `remarks`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<&'a str>,
    /// `requestId`, the idempotency key
    #[serde(rename = "requestId")]
    pub request_id: &'a str,
}

/// Refund enquiry body (INFERRED, §4.9).
#[derive(Serialize)]
pub struct RefundEnquiryBody<'a> {
    /// `transactionId` of the original payment
    #[serde(rename = "transactionId")]
    pub transaction_id: &'a str,
    /// `requestId` of the refund
    #[serde(rename = "requestId")]
    pub request_id: &'a str,
}

/// Transaction object of refund, transaction-status and enquiry responses (§4.6, §4.8).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WireTransaction {
    /// `transactionId`
    pub transaction_id: Option<CompactString>,
    /// `created`
    pub created: Option<CompactString>,
    /// `lastModified`
    pub last_modified: Option<CompactString>,
    /// `amount` (raw number text)
    pub amount: Option<Box<RawValue>>,
    /// `paymentMode`
    pub payment_mode: Option<CompactString>,
    /// `bankCode`
    pub bank_code: Option<CompactString>,
    /// `bankName`
    pub bank_name: Option<CompactString>,
    /// `currency`
    pub currency: Option<CompactString>,
    /// `status`
    pub status: Option<CompactString>,
    /// `txnMsg`
    pub txn_msg: Option<CompactString>,
    /// `txnDate`
    pub txn_date: Option<CompactString>,
    /// `uniqueTransactionId`
    pub unique_transaction_id: Option<CompactString>,
    /// `bankTransactionId`
    pub bank_transaction_id: Option<CompactString>,
    /// `requestId` (enquiry responses only, INFERRED)
    pub request_id: Option<CompactString>,
}

/// Order object of the order-status response (§4.3).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WireOrder {
    /// `orderId`
    pub order_id: Option<CompactString>,
    /// `created`
    pub created: Option<CompactString>,
    /// `lastModified`
    pub last_modified: Option<CompactString>,
    /// `orderStatus`
    pub order_status: Option<CompactString>,
    /// `amount` (INFERRED; number or `{value,currency}`)
    pub amount: Option<Box<RawValue>>,
}

/// Field names of the Payment Notify webhook body (§4.10).
pub mod notify {
    /// `transactionStatus`, preferred over `status` (§6 #16)
    pub const TRANSACTION_STATUS: &str = "transactionStatus";
    /// `status`
    pub const STATUS: &str = "status";
    /// `orderStatus`
    pub const ORDER_STATUS: &str = "orderStatus";
    /// `transactionId`
    pub const TRANSACTION_ID: &str = "transactionId";
    /// `orderId`
    pub const ORDER_ID: &str = "orderId";
    /// `amount`
    pub const AMOUNT: &str = "amount";
    /// `finalAmount`
    pub const FINAL_AMOUNT: &str = "finalAmount";
    /// `transactionAmount`
    pub const TRANSACTION_AMOUNT: &str = "transactionAmount";
    /// `surcharge`
    pub const SURCHARGE: &str = "surcharge";
    /// `surchargeGst`
    pub const SURCHARGE_GST: &str = "surchargeGst";
    /// `mdr`
    pub const MDR: &str = "mdr";
    /// `mdrGst`
    pub const MDR_GST: &str = "mdrGst";
    /// `paymentMode`
    pub const PAYMENT_MODE: &str = "paymentMode";
    /// `currency`
    pub const CURRENCY: &str = "currency";
    /// `bankCode`
    pub const BANK_CODE: &str = "bankCode";
    /// `bankName`
    pub const BANK_NAME: &str = "bankName";
    /// `cardScheme`
    pub const CARD_SCHEME: &str = "cardScheme";
    /// `maskedCardNumber`
    pub const MASKED_CARD_NUMBER: &str = "maskedCardNumber";
    /// `cardHolderName`
    pub const CARD_HOLDER_NAME: &str = "cardHolderName";
    /// `paymentToken`
    pub const PAYMENT_TOKEN: &str = "paymentToken";
    /// `bankTransactionId`
    pub const BANK_TRANSACTION_ID: &str = "bankTransactionId";
    /// `uniqueTransactionId`
    pub const UNIQUE_TRANSACTION_ID: &str = "uniqueTransactionId";
    /// `txnMsg`
    pub const TXN_MSG: &str = "txnMsg";
    /// `txnDate`
    pub const TXN_DATE: &str = "txnDate";
    /// `checksum`
    pub const CHECKSUM: &str = "checksum";
}

/// Every byte but RFC 3986's unreserved ones (letters, digits, `-`, `.`, `_`, `~`) is escaped.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills `{name}` in a path template with a percent-encoded value (the first occurrence; a
/// template without it is returned as is).
pub fn fill_path(template: &str, name: &str, value: &str) -> String {
    let Some((head, tail)) = template.match_indices('{').find_map(|(at, _)| {
        let rest = template[at + 1..].strip_prefix(name)?.strip_prefix('}')?;
        Some((&template[..at], rest))
    }) else {
        return template.to_owned();
    };
    let mut path = String::with_capacity(template.len() + value.len() * 3);
    path.push_str(head);
    // Runs of unreserved bytes come as one piece each, escapes as `%XX`.
    path.extend(percent_encoding::utf8_percent_encode(value, PATH_VALUE));
    path.push_str(tail);
    path
}

/// A JSON number, or text holding one (`"1796399502457"`); anything else is `None`.
fn number_or_numeric_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_path_puts_the_value_in_place_of_its_placeholder_percent_encoded() {
        for (template, value, path) in [
            (PATH_REFUND, "EK-1_a.b~", "/api/v0/payment/EK-1_a.b~/refund"),
            (
                PATH_TRANSACTION,
                "a/b ?é",
                "/api/v0/payment/a%2Fb%20%3F%C3%A9",
            ),
            // Runs of plain bytes between multi-byte characters, at either end, and none at all.
            (
                PATH_TRANSACTION,
                "é€x-éy",
                "/api/v0/payment/%C3%A9%E2%82%ACx-%C3%A9y",
            ),
            (PATH_TRANSACTION, "", "/api/v0/payment/"),
        ] {
            assert_eq!(
                fill_path(template, "transactionId", value),
                path,
                "{value:?}"
            );
        }
        // Only `{name}` is filled; another placeholder or none leaves the template as it is.
        assert_eq!(fill_path(PATH_ORDER, "transactionId", "x"), PATH_ORDER);
        assert_eq!(fill_path("/a/{id}/{idx}", "idx", "7"), "/a/{id}/7");
        assert_eq!(fill_path("/a/{", "id", "7"), "/a/{");
    }
}
