//! The keep-alive connections of one client to its one origin, on hyper's HTTP/1 client
//! connections.
//!
//! A client only ever talks to `base_url`'s origin, so the pool is a stack of idle connections
//! (the most recently used first) behind a mutex: no per-request key hashing, no checkout race
//! and no task spawned per request to watch a connection become idle again, which is what a
//! general-purpose multi-host pool pays for. A connection goes back to the stack only after its
//! answer was read whole; anything else drops it (hyper then closes it).

use std::error::Error as StdError;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1::{Builder, SendRequest};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::time::Instant;
use tower_service::Service;

type Sender = SendRequest<Full<Bytes>>;

/// Why an exchange failed, which decides whether the request may have reached the server.
#[derive(Debug)]
pub(crate) enum PoolError {
    /// No connection could be made (DNS, TCP, TLS), or the request was handed back unwritten.
    NotSent(Box<dyn StdError + Send + Sync>),
    /// The request was (or may have been) written before the connection failed.
    AfterSending(hyper::Error),
}

/// One origin's idle keep-alive connections.
pub(crate) struct Pool {
    connector: HttpsConnector<HttpConnector>,
    /// Scheme and authority of the origin: what the connector dials.
    target: Uri,
    idle_timeout: Duration,
    /// Idle connections, the most recently returned last.
    idle: Mutex<Vec<Idle>>,
}

struct Idle {
    sender: Sender,
    since: Instant,
}

/// A connection lent to one exchange; [`Lease::release`] returns it once the answer was read
/// whole. Dropped without release, the connection closes.
pub(crate) struct Lease<'a> {
    pool: &'a Pool,
    sender: Sender,
}

impl Lease<'_> {
    /// The exchange finished cleanly: the connection may carry the next request.
    pub(crate) fn release(self) {
        if self.sender.is_closed() {
            return;
        }
        let idle = Idle {
            sender: self.sender,
            since: Instant::now(),
        };
        self.pool.lock().push(idle);
    }
}

impl Pool {
    pub(crate) fn new(
        connector: HttpsConnector<HttpConnector>,
        target: Uri,
        idle_timeout: Duration,
    ) -> Pool {
        Pool {
            connector,
            target,
            idle_timeout,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // The list stays consistent whatever panicked while it was held (push/pop only).
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The most recently used idle connection that is still open and young enough.
    fn take_idle(&self) -> Option<Sender> {
        let mut idle = self.lock();
        while let Some(conn) = idle.pop() {
            if conn.since.elapsed() > self.idle_timeout {
                // The rest were returned earlier still: all past the timeout (closed after the
                // lock is released).
                let expired = std::mem::take(&mut *idle);
                drop(idle);
                drop(expired);
                return None;
            }
            if !conn.sender.is_closed() {
                return Some(conn.sender);
            }
        }
        None
    }

    /// A new connection to the origin; its connection task runs on the current runtime.
    async fn connect(&self) -> Result<Sender, PoolError> {
        let io = self
            .connector
            .clone()
            .call(self.target.clone())
            .await
            .map_err(PoolError::NotSent)?;
        let (sender, connection) = Builder::new()
            .handshake(io)
            .await
            .map_err(|e| PoolError::NotSent(Box::new(e)))?;
        tokio::spawn(async move {
            // Ends when the server closes or the last sender is dropped; an exchange in flight
            // sees the failure through its own response future.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// Sends `request` (origin-form URI, `Host` set) on an idle connection or a new one. A kept
    /// connection that closed before the request was written is skipped: the request goes out
    /// on the next one, as it was never sent.
    pub(crate) async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<(Response<Incoming>, Lease<'_>), PoolError> {
        loop {
            let (mut sender, reused) = match self.take_idle() {
                Some(sender) => (sender, true),
                // Boxed: connecting (TLS included) is a large future, and the rare path; unboxed
                // it would make every exchange's future several KB to move.
                None => (Box::pin(self.connect()).await?, false),
            };
            // A returned connection may still be finishing the previous exchange's end.
            if let Err(e) = sender.ready().await {
                if reused {
                    continue;
                }
                return Err(PoolError::NotSent(Box::new(e)));
            }
            match sender.try_send_request(request).await {
                Ok(response) => {
                    let lease = Lease { pool: self, sender };
                    return Ok((response, lease));
                }
                Err(mut e) => match e.take_message() {
                    Some(unsent) if reused => request = unsent,
                    Some(_) => return Err(PoolError::NotSent(Box::new(e.into_error()))),
                    None => return Err(PoolError::AfterSending(e.into_error())),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use hyper_util::rt::TokioIo;

    use super::*;

    fn pool(idle_timeout: Duration) -> Pool {
        crate::tls::install_crypto_provider();
        let tls = crate::tls::tls_config(crate::TlsRoots::Bundled, None).unwrap();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(HttpConnector::new());
        Pool::new(
            connector,
            Uri::from_static("http://127.0.0.1:9/"),
            idle_timeout,
        )
    }

    /// A connection over an in-memory pipe; `open` keeps its connection task running.
    async fn sender(open: bool) -> Sender {
        let (ours, _theirs) = tokio::io::duplex(1024);
        let (sender, connection) = Builder::new().handshake(TokioIo::new(ours)).await.unwrap();
        if open {
            tokio::spawn(async move {
                let _theirs = _theirs;
                let _ = connection.await;
            });
        }
        sender
    }

    #[tokio::test]
    async fn only_open_connections_younger_than_the_idle_timeout_are_taken() {
        let timeout = Duration::from_secs(50);
        let pool = pool(timeout);
        let long_ago = Instant::now() - timeout * 2;
        let stack = vec![
            Idle {
                sender: sender(true).await,
                since: long_ago,
            },
            Idle {
                sender: sender(true).await,
                since: long_ago,
            },
            Idle {
                sender: sender(true).await,
                since: Instant::now(),
            },
            Idle {
                sender: sender(false).await,
                since: Instant::now(),
            },
        ];
        *pool.lock() = stack;
        // The closed one on top is skipped, the open young one under it is taken.
        let taken = pool.take_idle().expect("the young open connection");
        assert!(!taken.is_closed());
        assert_eq!(pool.lock().len(), 2);
        // What is left is past the timeout: none is taken, all are dropped.
        assert!(pool.take_idle().is_none());
        assert_eq!(pool.lock().len(), 0);
    }
}
