//! The blocking client: the same methods as [`crate::Client`], for code without an async runtime.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::models::{Order, Refund, Transaction};
use crate::money::Amount;
use crate::refunds::{RefundOptions, RefundQuery};
use crate::token::{IssuedToken, TokenInfo};

/// Blocking EnKash client. Owns a small tokio runtime; callable from any thread, shareable across
/// threads (`Clone` shares the pool, token cache and runtime).
///
/// ```no_run
/// let client = enkash::blocking::Client::from_env()?;
/// let txn = client.get_transaction("EK1743074262175e8KIO")?;
/// println!("{}", txn.status);
/// # Ok::<(), enkash::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    handle: tokio::runtime::Handle,
    runtime: Arc<RuntimeHolder>,
}

struct RuntimeHolder(Option<tokio::runtime::Runtime>);

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            // Never blocks (dropping a runtime inside another one would panic).
            rt.shutdown_background();
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("config", self.inner.config())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A blocking client for `config`.
    pub fn new(config: Config) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("enkash-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(ErrorKind::Internal, "cannot start the runtime").with_source(e)
            })?;
        let inner = {
            let _guard = runtime.enter();
            crate::Client::new(config)?
        };
        Ok(Client {
            inner,
            handle: runtime.handle().clone(),
            runtime: Arc::new(RuntimeHolder(Some(runtime))),
        })
    }

    /// A blocking client from `ENKASH_*` environment variables.
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_env()?)
    }

    /// The async client inside (shares pool and token cache).
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// A handle to the runtime this client owns, to run the async client's futures on it
    /// (bindings await them from their own executors).
    pub fn runtime_handle(&self) -> tokio::runtime::Handle {
        self.handle.clone()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    fn block_on<F: Future>(&self, fut: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::new(
                ErrorKind::Usage,
                "enkash::blocking::Client was called from inside an async runtime; use enkash::Client (async) there",
            ));
        }
        match &self.runtime.0 {
            Some(rt) => Ok(rt.block_on(fut)),
            None => Err(Error::new(ErrorKind::Usage, "client is closed")),
        }
    }

    /// See [`crate::Client::check_token`].
    pub fn check_token(&self) -> Result<TokenInfo, Error> {
        self.block_on(self.inner.check_token())?
    }

    /// See [`crate::Client::issue_token`].
    pub fn issue_token(&self) -> Result<IssuedToken, Error> {
        self.block_on(self.inner.issue_token())?
    }

    /// See [`crate::Client::refund`].
    pub fn refund(
        &self,
        transaction_id: &str,
        amount: Amount,
        options: RefundOptions,
    ) -> Result<Refund, Error> {
        self.block_on(self.inner.refund(transaction_id, amount, options))?
    }

    /// See [`crate::Client::get_refund`].
    pub fn get_refund(&self, query: &RefundQuery) -> Result<Refund, Error> {
        self.block_on(self.inner.get_refund(query))?
    }

    /// See [`crate::Client::find_refund`].
    pub fn find_refund(&self, query: &RefundQuery) -> Result<Option<Refund>, Error> {
        self.block_on(self.inner.find_refund(query))?
    }

    /// See [`crate::Client::wait_for_refund`].
    pub fn wait_for_refund(&self, query: &RefundQuery, timeout: Duration) -> Result<Refund, Error> {
        self.block_on(self.inner.wait_for_refund(query, timeout))?
    }

    /// See [`crate::Client::get_transaction`].
    pub fn get_transaction(&self, transaction_id: &str) -> Result<Transaction, Error> {
        self.block_on(self.inner.get_transaction(transaction_id))?
    }

    /// See [`crate::Client::get_order`].
    pub fn get_order(&self, order_id: &str) -> Result<Order, Error> {
        self.block_on(self.inner.get_order(order_id))?
    }
}
