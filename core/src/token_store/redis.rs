//! [`RedisTokenStore`]: a token shared by every process that reaches one Redis.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use tokio::sync::OnceCell;

use super::{StoreFuture, StoredToken, TokenStore};
use crate::error::{Error, ErrorKind};
use crate::token::now_ms;

/// Swap `KEYS[1]` from `ARGV[1]` ("" = absent) to `ARGV[2]` ("" = delete), kept `ARGV[3]` ms.
const COMPARE_AND_SET: &str = r#"
local current = redis.call('GET', KEYS[1])
if (ARGV[1] == '' and not current) or current == ARGV[1] then
  if ARGV[2] == '' then redis.call('DEL', KEYS[1])
  else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return 0
"#;

/// Delete `KEYS[1]` if it holds `ARGV[1]`.
const UNLOCK: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"#;

/// A [`TokenStore`] in Redis (`redis://[user:password@]host[:port][/db]`). It connects on first
/// use and reconnects by itself; the token is kept under `enkash:token:…` until it expires.
pub struct RedisTokenStore {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    compare_and_set: Script,
    unlock: Script,
}

impl std::fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: show neither.
        f.write_str("RedisTokenStore")
    }
}

fn store_error(e: redis::RedisError) -> Error {
    Error::new(ErrorKind::Network, format!("token store: {}", e.category()))
}

impl RedisTokenStore {
    /// A store for `url`; nothing connects until the first call.
    pub fn open(url: &str) -> Result<RedisTokenStore, Error> {
        let client = redis::Client::open(url).map_err(|e| {
            Error::invalid(
                "token_store_url",
                format!("must be a redis:// URL ({})", e.category()),
            )
        })?;
        Ok(RedisTokenStore {
            client,
            connection: OnceCell::new(),
            compare_and_set: Script::new(COMPARE_AND_SET),
            unlock: Script::new(UNLOCK),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, Error> {
        self.connection
            .get_or_try_init(|| async {
                // A store that does not answer quickly is bypassed (the fleet then fetches per
                // process): short timeouts, few reconnect attempts.
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(2)))
                    .set_response_timeout(Some(Duration::from_secs(2)))
                    .set_number_of_retries(2)
                    .set_max_delay(Duration::from_millis(200));
                ConnectionManager::new_with_config(self.client.clone(), config)
                    .await
                    .map_err(store_error)
            })
            .await
            .cloned()
    }
}

impl TokenStore for RedisTokenStore {
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<StoredToken>> {
        Box::pin(async move {
            let mut c = self.connection().await?;
            let text: Option<String> = redis::cmd("GET")
                .arg(key)
                .query_async(&mut c)
                .await
                .map_err(store_error)?;
            Ok(text.as_deref().and_then(StoredToken::decode))
        })
    }

    fn compare_and_set<'a>(
        &'a self,
        key: &'a str,
        expected: Option<&'a StoredToken>,
        new: Option<&'a StoredToken>,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut c = self.connection().await?;
            let keep_ms = new.map_or(1, |t| (t.expires_at_ms - now_ms()).max(1));
            let swapped: i64 = self
                .compare_and_set
                .key(key)
                .arg(expected.map(StoredToken::encode).unwrap_or_default())
                .arg(new.map(StoredToken::encode).unwrap_or_default())
                .arg(keep_ms)
                .invoke_async(&mut c)
                .await
                .map_err(store_error)?;
            Ok(swapped == 1)
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let mut c = self.connection().await?;
            let set: Option<String> = redis::cmd("SET")
                .arg(format!("{key}:lock"))
                .arg(owner)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query_async(&mut c)
                .await
                .map_err(store_error)?;
            Ok(set.is_some())
        })
    }

    fn unlock<'a>(&'a self, key: &'a str, owner: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut c = self.connection().await?;
            let _: i64 = self
                .unlock
                .key(format!("{key}:lock"))
                .arg(owner)
                .invoke_async(&mut c)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }
}
