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

/// A bearer token and its expiry, as a [`TokenProvider`] hands it over or
/// [`crate::Client::issue_token`] returns it. Debug output never shows the token.
#[derive(Clone)]
pub struct IssuedToken {
    /// The token (a secret).
    pub token: Secret,
    /// Absolute expiry in epoch milliseconds, when known (without it the token is used for one
    /// call and fetched again).
    pub expires_at_ms: Option<i64>,
}

impl IssuedToken {
    /// A token expiring at `expires_at_ms` (epoch ms), or of unknown lifetime.
    pub fn new(token: impl Into<String>, expires_at_ms: Option<i64>) -> IssuedToken {
        IssuedToken {
            token: Secret::new(token),
            expires_at_ms,
        }
    }
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &"***")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// Where a client gets its tokens when it must not hold the secret key — a mobile app asking
/// its merchant's backend (which calls [`crate::Client::issue_token`]). The client keeps
/// caching, one fetch in flight, refresh before expiry and the one refresh after a rejected
/// token; the provider is only asked for a token when one is needed.
///
/// ```
/// use enkash::{Error, IssuedToken, TokenProvider};
/// struct FromMyBackend;
/// impl TokenProvider for FromMyBackend {
///     fn fetch_token(&self) -> enkash::TokenFuture<'_> {
///         Box::pin(async { Ok(IssuedToken::new("token-from-my-backend", None)) })
///     }
/// }
/// let config = enkash::Config::builder()
///     .access_key("ak_live_...")
///     .token_provider(std::sync::Arc::new(FromMyBackend))
///     .build()
///     .unwrap();
/// ```
pub trait TokenProvider: Send + Sync {
    /// A fresh token (called when the cached one is missing, expiring or was rejected).
    fn fetch_token(&self) -> TokenFuture<'_>;
}

/// What [`TokenProvider::fetch_token`] returns.
pub type TokenFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<IssuedToken, crate::Error>> + Send + 'a>,
>;

/// The longest token lifetime believed (EnKash's are hours); beyond it the value is misread.
const MAX_LIFETIME_MS: i64 = 31 * 24 * 3_600_000;

/// Reads the token call's `expiry` into absolute epoch ms. The docs say epoch milliseconds;
/// gateways also send epoch seconds, or a lifetime in seconds or milliseconds. The first reading
/// that lands in a sane window (from a day ago to 31 days ahead) wins; a past instant is kept (the
/// token is then used for one call and not cached); nothing sane is `None` (also one call).
pub(crate) fn expiry_from_wire(value: f64, now_ms: i64) -> Option<i64> {
    if !value.is_finite() || value <= 0.0 || value > 1e15 {
        return None;
    }
    let v = value as i64;
    let sane = |at: i64| (now_ms - 86_400_000..=now_ms + MAX_LIFETIME_MS).contains(&at);
    [
        Some(v),                                                  // epoch ms (documented)
        v.checked_mul(1000),                                      // epoch seconds
        (v <= MAX_LIFETIME_MS / 1000).then(|| now_ms + v * 1000), // lifetime in seconds
        (v <= MAX_LIFETIME_MS).then(|| now_ms + v),               // lifetime in milliseconds
    ]
    .into_iter()
    .flatten()
    .find(|at| sane(*at))
}

#[cfg(test)]
mod tests {
    use super::expiry_from_wire;

    #[test]
    fn expiry_is_read_in_whichever_unit_is_sane() {
        let now = 1_796_399_502_457;
        let hour = 3_600_000;
        assert_eq!(expiry_from_wire((now + hour) as f64, now), Some(now + hour));
        assert_eq!(
            expiry_from_wire(((now + hour) / 1000) as f64, now),
            Some((now + hour) / 1000 * 1000)
        );
        assert_eq!(
            expiry_from_wire(3600.0, now),
            Some(now + hour),
            "a lifetime in seconds"
        );
        assert_eq!(
            expiry_from_wire(86_400_000.0 * 2.0, now),
            Some(now + 2 * 86_400_000),
            "a lifetime in ms beyond any seconds reading"
        );
        assert_eq!(
            expiry_from_wire((now - 1000) as f64, now),
            Some(now - 1000),
            "past: kept"
        );
        assert_eq!(expiry_from_wire(0.0, now), None);
        assert_eq!(expiry_from_wire(-5.0, now), None);
        assert_eq!(expiry_from_wire(f64::NAN, now), None);
        assert_eq!(expiry_from_wire(1e14, now), None, "year 5138 is no expiry");
    }
}
