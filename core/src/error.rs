//! One error type for every failure, with a kind a caller can act on.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::wire;

/// What went wrong, in terms a caller can act on. Stable snake_case names via [`ErrorKind::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Input broke a rule; nothing was sent. [`Error::field`] names the field.
    InvalidRequest,
    /// The client configuration is unusable (bad URL, http to a non-loopback host, bad CA...).
    Configuration,
    /// Credentials or token rejected (HTTP 401/403, `response_code` 117, token call refused).
    Authentication,
    /// The payment is not in a refundable state (only SUCCESS payments can be refunded).
    TransactionNotRefundable,
    /// The refund exceeds what is left to refund on the payment.
    RefundExceedsAvailable,
    /// The merchant's EnKash recharge balance is too low for the refund.
    InsufficientBalance,
    /// The customer's account is inactive or frozen: collect an alternate account and refund to it.
    BeneficiaryAccount,
    /// Too many requests; see [`Error::retry_after`].
    RateLimited,
    /// The transaction, order or refund does not exist.
    NotFound,
    /// Any other refusal by the API (`response_code` ≠ 0 or an HTTP error).
    Api,
    /// The configured timeout passed before an answer.
    Timeout,
    /// The request could not be sent or the connection failed.
    Network,
    /// A refund may or may not have been applied; reconcile with [`Error::request_id`].
    OutcomeUnknown,
    /// The response could not be decoded.
    Decode,
    /// The SDK was used in a way it cannot serve (e.g. blocking client inside an async runtime).
    Usage,
    /// A bug inside the SDK (e.g. a caught panic); please report it.
    Internal,
}

impl ErrorKind {
    /// Stable snake_case name, the same in every language binding.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Configuration => "configuration",
            ErrorKind::Authentication => "authentication",
            ErrorKind::TransactionNotRefundable => "transaction_not_refundable",
            ErrorKind::RefundExceedsAvailable => "refund_exceeds_available",
            ErrorKind::InsufficientBalance => "insufficient_balance",
            ErrorKind::BeneficiaryAccount => "beneficiary_account",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Api => "api_error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::Decode => "decode",
            ErrorKind::Usage => "usage",
            ErrorKind::Internal => "internal",
        }
    }

    /// The exception/error class name bindings use for this kind, e.g. `"RefundExceedsAvailableError"`.
    pub fn exception_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequestError",
            ErrorKind::Configuration => "ConfigurationError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::TransactionNotRefundable => "TransactionNotRefundableError",
            ErrorKind::RefundExceedsAvailable => "RefundExceedsAvailableError",
            ErrorKind::InsufficientBalance => "InsufficientBalanceError",
            ErrorKind::BeneficiaryAccount => "BeneficiaryAccountError",
            ErrorKind::RateLimited => "RateLimitError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Api => "ApiError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::Network => "NetworkError",
            ErrorKind::OutcomeUnknown => "OutcomeUnknownError",
            ErrorKind::Decode => "DecodeError",
            ErrorKind::Usage => "UsageError",
            ErrorKind::Internal => "InternalError",
        }
    }

    /// Every kind, for bindings that map them one to one.
    pub const ALL: [ErrorKind; 16] = [
        ErrorKind::InvalidRequest,
        ErrorKind::Configuration,
        ErrorKind::Authentication,
        ErrorKind::TransactionNotRefundable,
        ErrorKind::RefundExceedsAvailable,
        ErrorKind::InsufficientBalance,
        ErrorKind::BeneficiaryAccount,
        ErrorKind::RateLimited,
        ErrorKind::NotFound,
        ErrorKind::Api,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::OutcomeUnknown,
        ErrorKind::Decode,
        ErrorKind::Usage,
        ErrorKind::Internal,
    ];
}

/// The SDK's error: a kind plus the context needed to act on it (HTTP status, API code, request id).
///
/// ```
/// let err = enkash::Amount::parse("1.005").unwrap_err();
/// assert_eq!(err.kind(), enkash::ErrorKind::InvalidRequest);
/// assert_eq!(err.field(), Some("amount"));
/// assert!(!err.is_retryable());
/// ```
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    field: Option<&'static str>,
    response_code: Option<i64>,
    http_status: Option<u16>,
    request_id: Option<String>,
    server_request_id: Option<String>,
    retry_after: Option<Duration>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with a human message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            field: None,
            response_code: None,
            http_status: None,
            request_id: None,
            server_request_id: None,
            retry_after: None,
            source: None,
        }))
    }

    /// Invalid input: `field` broke `rule`. Nothing is sent.
    pub fn invalid(field: &'static str, rule: impl Into<String>) -> Error {
        let rule = rule.into();
        let mut e = Error::new(ErrorKind::InvalidRequest, format!("{field} {rule}"));
        e.0.field = Some(field);
        e
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Configuration, message)
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.0.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn with_boxed_source(mut self, source: Box<dyn StdError + Send + Sync>) -> Error {
        self.0.source = Some(Arc::from(source));
        self
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Error {
        self.0.http_status = Some(status);
        self
    }

    pub(crate) fn with_response_code(mut self, code: Option<i64>) -> Error {
        self.0.response_code = code;
        self
    }

    /// Attaches the refund `requestId` this error concerns.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Error {
        self.0.request_id = Some(request_id.into());
        self
    }

    pub(crate) fn with_server_request_id(mut self, id: Option<String>) -> Error {
        self.0.server_request_id = id;
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Error {
        self.0.retry_after = after;
        self
    }

    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.0.kind = kind;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The stable snake_case name of [`Error::kind`], e.g. `"refund_exceeds_available"`.
    pub fn kind_code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The human message (never contains credentials or tokens).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// For [`ErrorKind::InvalidRequest`]: the field that broke a rule.
    pub fn field(&self) -> Option<&'static str> {
        self.0.field
    }

    /// The API's `response_code` (or token `resultCode`), when the server answered with one.
    pub fn response_code(&self) -> Option<i64> {
        self.0.response_code
    }

    /// The HTTP status of the response, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }

    /// The refund `requestId` (idempotency key) this error concerns; always set on
    /// [`ErrorKind::OutcomeUnknown`] so the refund can be looked up.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// A request id the server returned in a response header, for EnKash support.
    pub fn server_request_id(&self) -> Option<&str> {
        self.0.server_request_id.as_deref()
    }

    /// For [`ErrorKind::RateLimited`]: how long the server asked us to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// True when the same call may succeed if tried again later (the SDK already retried).
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Network => true,
            ErrorKind::Api => self.0.http_status.is_some_and(|s| s >= 500),
            _ => false,
        }
    }

    /// The gateway says this `requestId` was used before: code 1006, HTTP 409, or wording such
    /// as "duplicate", "already exists", "already processed" (EnKash documents none of them).
    pub(crate) fn is_duplicate_request(&self) -> bool {
        let m = self.0.message.to_ascii_lowercase();
        self.0.response_code == Some(wire::CODE_DUPLICATE_REQUEST)
            || self.0.http_status == Some(409)
            || [
                "duplicate",
                "already exists",
                "already processed",
                "already been processed",
                "already initiated",
                "already submitted",
            ]
            .iter()
            .any(|w| m.contains(w))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind.code(), self.0.message)?;
        let mut extras = Vec::new();
        if let Some(s) = self.0.http_status {
            extras.push(format!("http_status={s}"));
        }
        if let Some(c) = self.0.response_code {
            extras.push(format!("response_code={c}"));
        }
        if let Some(r) = &self.0.request_id {
            extras.push(format!("request_id={r}"));
        }
        if let Some(r) = self.0.retry_after {
            extras.push(format!("retry_after={:.3}s", r.as_secs_f64()));
        }
        if !extras.is_empty() {
            write!(f, " ({})", extras.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind)
            .field("message", &self.0.message);
        if let Some(v) = self.0.field {
            d.field("field", &v);
        }
        if let Some(v) = self.0.http_status {
            d.field("http_status", &v);
        }
        if let Some(v) = self.0.response_code {
            d.field("response_code", &v);
        }
        if let Some(v) = &self.0.request_id {
            d.field("request_id", v);
        }
        if let Some(v) = &self.0.server_request_id {
            d.field("server_request_id", v);
        }
        if let Some(v) = self.0.retry_after {
            d.field("retry_after", &v);
        }
        if let Some(v) = &self.0.source {
            d.field("source", &v.to_string());
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn StdError + 'static))
    }
}

/// Maps a refusal from the server onto an [`ErrorKind`]: documented/INFERRED codes first, then
/// the HTTP status, then the words of the message (EnKash documents no refund error codes, §5).
pub(crate) fn classify(http_status: u16, response_code: Option<i64>, message: &str) -> ErrorKind {
    match response_code {
        Some(wire::CODE_TOKEN_INVALID) => return ErrorKind::Authentication,
        Some(wire::CODE_INVALID_REQUEST) => return ErrorKind::InvalidRequest,
        Some(wire::CODE_NOT_REFUNDABLE) => return ErrorKind::TransactionNotRefundable,
        Some(wire::CODE_REFUND_EXCEEDS) => return ErrorKind::RefundExceedsAvailable,
        Some(wire::CODE_INSUFFICIENT_BALANCE) => return ErrorKind::InsufficientBalance,
        Some(wire::CODE_BENEFICIARY_ACCOUNT) => return ErrorKind::BeneficiaryAccount,
        Some(wire::CODE_NOT_FOUND) => return ErrorKind::NotFound,
        _ => {}
    }
    match http_status {
        401 | 403 => return ErrorKind::Authentication,
        429 => return ErrorKind::RateLimited,
        _ => {}
    }
    let m = message.to_ascii_lowercase();
    let has = |w: &str| m.contains(w);
    if has("token") && (has("invalid") || has("expired")) {
        ErrorKind::Authentication
    } else if has("insufficient") && has("balance") {
        ErrorKind::InsufficientBalance
    } else if has("frozen") || has("inactive") || has("dormant") {
        ErrorKind::BeneficiaryAccount
    } else if has("exceed") {
        ErrorKind::RefundExceedsAvailable
    } else if has("not refundable") || has("refund not allowed") || has("not eligible for refund") {
        ErrorKind::TransactionNotRefundable
    } else if has("not found") || http_status == 404 {
        ErrorKind::NotFound
    } else {
        ErrorKind::Api
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_codes_status_and_words() {
        assert_eq!(classify(200, Some(117), ""), ErrorKind::Authentication);
        assert_eq!(classify(401, None, ""), ErrorKind::Authentication);
        assert_eq!(
            classify(400, Some(1003), ""),
            ErrorKind::RefundExceedsAvailable
        );
        assert_eq!(
            classify(400, Some(1), "Insufficient balance in recharge account"),
            ErrorKind::InsufficientBalance
        );
        assert_eq!(
            classify(400, Some(1), "Beneficiary account is frozen"),
            ErrorKind::BeneficiaryAccount
        );
        assert_eq!(classify(429, None, ""), ErrorKind::RateLimited);
        assert_eq!(classify(404, None, ""), ErrorKind::NotFound);
        assert_eq!(classify(500, Some(1), "boom"), ErrorKind::Api);
    }

    #[test]
    fn every_kind_has_a_distinct_code() {
        let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
    }
}
