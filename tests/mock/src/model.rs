//! Seed, configuration and journal types of the simulator (the admin API's JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a repeated `requestId` is answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateMode {
    /// Answer with the first refund's current state (idempotent replay).
    #[default]
    Replay,
    /// Refuse with `response_code` 1006 "Duplicate requestId".
    Reject,
}

/// What `expiry` the token call returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenExpiryMode {
    /// now + lifetime.
    #[default]
    Normal,
    /// No `expiry` field.
    Missing,
    /// An instant already past.
    Past,
}

/// Simulator settings; every field optional in a patch.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MockConfig {
    /// Token lifetime in ms (default 3,600,000).
    pub token_lifetime_ms: Option<i64>,
    /// Token expiry form.
    pub token_expiry: Option<TokenExpiryMode>,
    /// Duplicate `requestId` handling.
    pub duplicate_mode: Option<DuplicateMode>,
    /// How long a refund stays PENDING_WITH_BANK before SUCCESS (default 0).
    pub pending_delay_ms: Option<u64>,
    /// Seed of the fault and id random generator.
    pub fault_seed: Option<u64>,
}

/// A merchant account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantSeed {
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Recharge balance, decimal rupees as a string.
    #[serde(default = "default_balance")]
    pub balance: String,
}

fn default_balance() -> String {
    "10000000".to_owned()
}

fn default_status() -> String {
    "SUCCESS".to_owned()
}

fn default_mode() -> String {
    "UPI".to_owned()
}

/// A payment transaction to refund.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionSeed {
    /// EnKash transaction id.
    pub id: String,
    /// Amount, decimal rupees as a string.
    pub amount: String,
    /// Status (default SUCCESS).
    #[serde(default = "default_status")]
    pub status: String,
    /// Payment mode (default UPI).
    #[serde(default = "default_mode")]
    pub payment_mode: String,
    /// Refunds to this payment's account fail (frozen / inactive).
    #[serde(default)]
    pub beneficiary_frozen: bool,
    /// Owning merchant (default: the first merchant).
    #[serde(default)]
    pub access_key: Option<String>,
    /// Order the payment belongs to.
    #[serde(default)]
    pub order_id: Option<String>,
}

/// An order.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSeed {
    /// Order id.
    pub id: String,
    /// Order status (default PAID).
    #[serde(default)]
    pub status: Option<String>,
    /// Amount, decimal rupees as a string.
    #[serde(default)]
    pub amount: Option<String>,
    /// Owning merchant (default: the first merchant).
    #[serde(default)]
    pub access_key: Option<String>,
}

/// What an injected fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` (default 500) without processing.
    HttpStatus,
    /// Answer 429 with `Retry-After: retry_after_secs` without processing.
    RateLimit,
    /// Wait `delay_ms`, then process normally.
    Delay,
    /// Reset the TCP connection before processing.
    ResetBefore,
    /// Process (commit), then reset the TCP connection instead of answering.
    ResetAfterCommit,
    /// Process (commit), then answer 200 with a truncated body.
    MalformedBody,
    /// Answer `status` (default 200) with `body` (or `body_base64`) verbatim, with
    /// `content_type` (default application/json), without processing.
    CannedBody,
    /// Answer 200 with a JSON body of `bytes` bytes (default 50 MB), without processing.
    HugeBody,
    /// Answer 200 with a valid envelope sent one byte every `delay_ms` (default 200).
    SlowDrip,
}

/// One fault rule: applies to requests of `route` ("*" = any API route).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `token`, `refund`, `get_transaction`, `get_order`, `refund_enquiry` or `*`.
    pub route: String,
    /// The fault.
    pub kind: FaultKind,
    /// Apply to this many matching requests, then stop (default: unlimited with probability,
    /// else 1).
    #[serde(default)]
    pub times: Option<u32>,
    /// Apply with this probability (seeded), default 1.
    #[serde(default)]
    pub probability: Option<f64>,
    /// Let this many matching requests through first.
    #[serde(default)]
    pub skip: Option<u32>,
    /// For `http_status`.
    #[serde(default)]
    pub status: Option<u16>,
    /// For `rate_limit` (default 0).
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// For `delay`.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// For `canned_body`.
    #[serde(default)]
    pub body: Option<String>,
    /// For `canned_body`: raw bytes, base64 (e.g. invalid UTF-8).
    #[serde(default)]
    pub body_base64: Option<String>,
    /// For `canned_body`: the Content-Type header.
    #[serde(default)]
    pub content_type: Option<String>,
    /// For `huge_body`: body size.
    #[serde(default)]
    pub bytes: Option<u64>,
}

impl FaultSpec {
    /// A rule for `kind` on `route`, applied once, with every option at its default.
    pub fn new(route: &str, kind: FaultKind) -> FaultSpec {
        FaultSpec {
            route: route.to_owned(),
            kind,
            times: None,
            probability: None,
            skip: None,
            status: None,
            retry_after_secs: None,
            delay_ms: None,
            body: None,
            body_base64: None,
            content_type: None,
            bytes: None,
        }
    }
}

/// The whole state to load, as scenarios give it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    /// Settings.
    pub config: MockConfig,
    /// Merchants (default: `ak_test` / `sk_test`).
    pub merchants: Vec<MerchantSeed>,
    /// Payments.
    pub transactions: Vec<TransactionSeed>,
    /// Orders.
    pub orders: Vec<OrderSeed>,
    /// Faults.
    pub faults: Vec<FaultSpec>,
}

/// One request the simulator received.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JournalRequest {
    /// Order of arrival.
    pub seq: u64,
    /// Route name.
    pub route: String,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Refund `requestId`, when the body had one.
    pub request_id: Option<String>,
    /// Refund `amount` exactly as sent (JSON text).
    pub amount: Option<String>,
    /// Fault applied, if any.
    pub fault: Option<FaultKind>,
    /// HTTP status answered (0 = connection reset).
    pub status: u16,
}

/// A refund the simulator applied (money moved).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppliedRefund {
    /// The refund's own transaction id.
    pub refund_transaction_id: String,
    /// The original payment.
    pub transaction_id: String,
    /// Merchant `requestId`.
    pub request_id: String,
    /// Amount, decimal rupees.
    pub amount: String,
}

/// Everything the simulator saw and did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    /// Requests in arrival order.
    pub requests: Vec<JournalRequest>,
    /// Refunds applied.
    pub refunds: Vec<AppliedRefund>,
    /// Requests per route.
    pub counts: BTreeMap<String, u64>,
}

impl Journal {
    /// Requests received on `route`.
    pub fn count(&self, route: &str) -> u64 {
        self.counts.get(route).copied().unwrap_or(0)
    }

    /// Refunds applied with `request_id`.
    pub fn refunds_with(&self, request_id: &str) -> usize {
        self.refunds
            .iter()
            .filter(|r| r.request_id == request_id)
            .count()
    }
}
