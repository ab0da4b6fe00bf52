//! A bearer token and what the SDK tells callers about it.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::secret::Secret;

/// A bearer token and when it stops being valid.
#[derive(Clone)]
pub(crate) struct Token {
    pub value: Secret,
    /// The `Authorization` header built once (`None` if the token cannot be a header value).
    pub authorization: Option<http::HeaderValue>,
    /// Absolute expiry, epoch ms, as the server sent it.
    pub expires_at_ms: Option<i64>,
    pub fetched_at_ms: i64,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"***")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// What `token check` reports: when the current token expires (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    /// Absolute expiry in epoch milliseconds, if the server sent one.
    pub expires_at_ms: Option<i64>,
    /// Whether the token is cached for later calls (expiry present and in the future).
    pub cached: bool,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Token {
    /// Usable now, refreshing `skew` early (at most half the token's lifetime early).
    pub(crate) fn is_fresh(&self, skew: Duration, now: i64) -> bool {
        match self.expires_at_ms {
            Some(exp) => {
                let lifetime = (exp - self.fetched_at_ms).max(0);
                let skew_ms = (skew.as_millis() as i64).min(lifetime / 2);
                now + skew_ms < exp
            }
            None => false,
        }
    }
}
