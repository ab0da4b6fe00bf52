//! Seed, configuration and journal types of the simulator (the admin API's JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a repeated `requestId` is answered (personality; EnKash does not document it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DuplicateMode {
    /// Answer with the first refund's current state (idempotent replay).
    #[default]
    #[serde(rename = "replay")]
    Replay,
    /// HTTP 400, `response_code` 1006 "Duplicate requestId".
    #[serde(rename = "reject_1006", alias = "reject")]
    Reject1006,
    /// HTTP 409 with a text payload "Refund request already exists…".
    #[serde(rename = "reject_409")]
    Reject409,
    /// HTTP 200, `response_code` 0, a message and no refund payload.
    #[serde(rename = "already_processed_200")]
    AlreadyProcessed200,
    /// No dedupe at all: a resend refunds again.
    #[serde(rename = "none")]
    None,
}

/// How the refund-enquiry endpoint answers (personality; the endpoint is INFERRED).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnquiryMode {
    /// Found: the refund with its `requestId`; absent: 404 with `response_code` 1007.
    #[default]
    #[serde(rename = "real")]
    Real,
    /// No such endpoint: 404 with a framework's JSON error body.
    #[serde(rename = "missing_json", alias = "missing")]
    MissingJson,
    /// No such endpoint: 404 with an HTML page.
    #[serde(rename = "missing_html")]
    MissingHtml,
    /// A wrong path that says "success": `response_code` 0 with payload `{}`.
    #[serde(rename = "generic_empty", alias = "generic_success")]
    GenericEmpty,
    /// `response_code` 0 with payload `null`.
    #[serde(rename = "generic_null")]
    GenericNull,
    /// `response_code` 0 with a succeeded refund for another `requestId`.
    #[serde(rename = "generic_other")]
    GenericOther,
    /// A refund-looking payload without `requestId`, whether or not the refund exists.
    #[serde(rename = "no_request_id")]
    NoRequestId,
}

/// When an accepted refund becomes real (personality).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitTiming {
    /// At once.
    #[default]
    Immediate,
    /// When the POST's connection was cut (`reset_after_commit`), the refund is applied
    /// `late_commit_ms` later and is invisible to lookups until then.
    Late,
}

/// How tokens live (personality).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenMode {
    /// Every issued token stays valid until it expires.
    #[default]
    ManyValid,
    /// Issuing a token revokes the merchant's previous ones.
    SingleActive,
}

/// Which JSON type the refund `amount` must have (personality).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountMode {
    /// A JSON number; a string is refused with 400.
    #[default]
    Number,
    /// A JSON string; a number is refused with 400.
    StringOnly,
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
    /// How the refund enquiry answers.
    pub enquiry_mode: Option<EnquiryMode>,
    /// When a refund whose connection was cut becomes real.
    pub commit_timing: Option<CommitTiming>,
    /// The delay of a `late` commit (default 1,000 ms).
    pub late_commit_ms: Option<u64>,
    /// Whether a new token revokes the old ones.
    pub token_mode: Option<TokenMode>,
    /// Which JSON type `amount` must have.
    pub amount_mode: Option<AmountMode>,
}

impl MockConfig {
    /// Overrides every setting `other` gives.
    pub fn merge(&mut self, other: MockConfig) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        take!(
            token_lifetime_ms,
            token_expiry,
            duplicate_mode,
            pending_delay_ms,
            fault_seed,
            enquiry_mode,
            commit_timing,
            late_commit_ms,
            token_mode,
            amount_mode
        );
    }

    /// Parses a personality line, `key=value` pairs separated by commas, e.g.
    /// `enquiry_mode=generic_empty,duplicate_mode=none,commit_timing=late,late_commit_ms=500`.
    pub fn from_personality(text: &str) -> Result<MockConfig, String> {
        let mut object = serde_json::Map::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not key=value"))?;
            let value = match value.parse::<u64>() {
                Ok(n) => serde_json::Value::from(n),
                Err(_) => serde_json::Value::from(value),
            };
            object.insert(key.trim().to_owned(), value);
        }
        serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| e.to_string())
    }
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
    /// Process (commit), then reset the TCP connection instead of answering (after `delay_ms`,
    /// default 0: a caller that stops waiting in between has a refund that exists).
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
    /// The `User-Agent` header, when sent.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The TCP connection it came on: 1 for the first the simulator accepted, 2 for the next, ...
    #[serde(default)]
    pub connection: u64,
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
