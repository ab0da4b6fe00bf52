//! [`MemoryTokenStore`]: a token shared by the clients of one process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{StoreFuture, StoredToken, TokenStore};
use crate::token::now_ms;

/// A [`TokenStore`] in this process's memory: share one `Arc` between clients.
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<String, StoredToken>>,
    locks: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }
}

fn guard<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl TokenStore for MemoryTokenStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>> {
        let mut tokens = guard(&self.tokens);
        if tokens.get(key).is_some_and(|t| t.expires_at_ms <= now_ms()) {
            tokens.remove(key);
        }
        let found = tokens.get(key).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a StoredToken>,
        new: Option<&'a StoredToken>,
    ) -> StoreFuture<'a, bool> {
        let mut tokens = guard(&self.tokens);
        let swapped = tokens.get(key) == expected;
        if swapped {
            match new {
                Some(t) => tokens.insert(key.to_owned(), t.clone()),
                None => tokens.remove(key),
            };
        }
        Box::pin(async move { Ok(swapped) })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let mut locks = guard(&self.locks);
        let now = Instant::now();
        let taken = match locks.get(key) {
            Some((_, until)) if *until > now => false,
            _ => {
                locks.insert(key.to_owned(), (owner.to_owned(), now + ttl));
                true
            }
        };
        Box::pin(async move { Ok(taken) })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        let mut locks = guard(&self.locks);
        if locks.get(key).is_some_and(|(o, _)| o == owner) {
            locks.remove(key);
        }
        Box::pin(async move { Ok(()) })
    }
}
