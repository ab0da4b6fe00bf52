//! A token shared by every process of a merchant's fleet: one token call per expiry window for
//! the whole fleet, instead of one per process (and no revocation loop when the gateway keeps
//! one active token per merchant).
//!
//! The client's own cache stays in front; the store is asked only when that cache has no fresh
//! token. One process takes the store's refresh lock and fetches; the others wait for its token.
//! A store that fails is logged and bypassed: a fleet then fetches per process, as without one.

mod memory;
#[cfg(feature = "redis-store")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::Error;
use crate::secret::Secret;

pub use memory::MemoryTokenStore;
#[cfg(feature = "redis-store")]
pub use redis::RedisTokenStore;

/// What a [`TokenStore`] call returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// A token as kept in a shared store.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// The bearer token.
    pub token: Secret,
    /// Absolute expiry, epoch ms.
    pub expires_at_ms: i64,
    /// When it was issued, epoch ms (refresh starts at most half its lifetime early).
    pub fetched_at_ms: i64,
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("token", &"***")
            .field("expires_at_ms", &self.expires_at_ms)
            .field("fetched_at_ms", &self.fetched_at_ms)
            .finish()
    }
}

impl StoredToken {
    /// The text form a store keeps: `expires|fetched|token`.
    pub fn encode(&self) -> String {
        format!(
            "{}|{}|{}",
            self.expires_at_ms,
            self.fetched_at_ms,
            self.token.expose()
        )
    }

    /// Reads [`StoredToken::encode`]'s text (`None` for anything else).
    pub fn decode(text: &str) -> Option<StoredToken> {
        let mut parts = text.splitn(3, '|');
        let expires_at_ms = parts.next()?.parse().ok()?;
        let fetched_at_ms = parts.next()?.parse().ok()?;
        let token = parts.next().filter(|t| !t.is_empty())?;
        Some(StoredToken {
            token: Secret::new(token),
            expires_at_ms,
            fetched_at_ms,
        })
    }
}

/// Where a fleet keeps its one token: get, compare-and-set (with expiry), and a refresh lock.
/// Implement it for your own store, or use [`MemoryTokenStore`] (clients of one process) or
/// `RedisTokenStore` (feature `redis-store`; `token_store_url = "redis://…"` in the bindings).
pub trait TokenStore: Send + Sync {
    /// The token stored under `key`, if any (a store may drop expired ones itself).
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>>;

    /// Replaces what `key` holds with `new` (or removes it when `None`), only if it still holds
    /// `expected` (`None`: nothing). `new` is kept until its expiry at the latest. Returns whether
    /// the swap happened.
    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a StoredToken>,
        new: Option<&'a StoredToken>,
    ) -> StoreFuture<'a, bool>;

    /// Takes the refresh lock of `key` for `owner` (released after `ttl` if never unlocked).
    /// Returns whether it was taken.
    fn try_lock<'a>(&'a self, key: &'a str, owner: &'a str, ttl: Duration)
        -> StoreFuture<'a, bool>;

    /// Releases the lock if `owner` still holds it.
    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()>;
}

/// The store key of a merchant's token at one gateway (the access key is not secret: it travels
/// in a header on every call).
pub(crate) fn key_for(base_url: &str, access_key: &str) -> String {
    format!(
        "enkash:token:{}:{access_key}",
        base_url.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_tokens_round_trip_and_never_print() {
        let t = StoredToken {
            token: Secret::new("tok|with|bars"),
            expires_at_ms: 20,
            fetched_at_ms: 10,
        };
        assert_eq!(StoredToken::decode(&t.encode()), Some(t.clone()));
        assert!(!format!("{t:?}").contains("with|bars"));
        assert_eq!(StoredToken::decode("garbage"), None);
        assert_eq!(StoredToken::decode("1|2|"), None);
    }
}
