//! `enkash-mock`: a stateful EnKash payment-gateway simulator on loopback.
//!
//! It speaks the contract in `spec/enkash-pg.openapi.yaml` (token, refund, transaction and
//! order status, and the INFERRED refund enquiry), checks tokens and headers like the gateway,
//! applies the documented refund rules, injects faults on demand, and journals every request and
//! every refund it applies. Tests in every language drive it over HTTP through `/__mock/*`.
//!
//! ```no_run
//! let mock = enkash_mock::MockServer::spawn().unwrap();
//! println!("simulator at {}", mock.base_url());
//! ```

mod admin;
mod faults;
mod gateway;
mod model;
mod server;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use model::*;
pub use server::set_idle_timeout;
pub use state::{set_journal_limit, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};

/// A running simulator. Dropping it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    state: server::Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Starts on `127.0.0.1:<ephemeral>` in a background thread with its own runtime.
    pub fn spawn() -> std::io::Result<MockServer> {
        Self::spawn_on("127.0.0.1:0".parse().expect("literal address"))
    }

    /// Starts on `addr` in a background thread with its own runtime.
    pub fn spawn_on(addr: SocketAddr) -> std::io::Result<MockServer> {
        let state: server::Shared = Arc::new(Mutex::new(state::State::new()));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let app = server::router(state.clone());
        let thread = std::thread::Builder::new()
            .name("enkash-mock".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match server::bind(addr).await {
                        Ok(listener) => {
                            let _ = ready_tx.send(listener.local_addr());
                            server::serve(listener, app, rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                rt.shutdown_background();
            })?;
        let addr = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("simulator thread died"))??;
        Ok(MockServer {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Serves on `addr` inside the current runtime until Ctrl-C / SIGTERM (the binary's mode).
    /// Calls `on_bound` with the bound address first.
    pub async fn run_until_signal(
        addr: SocketAddr,
        seed: Option<Seed>,
        on_bound: impl FnOnce(SocketAddr),
    ) -> std::io::Result<()> {
        let state: server::Shared = Arc::new(Mutex::new(state::State::new()));
        if let Some(seed) = seed {
            server::lock(&state)
                .load(seed)
                .map_err(std::io::Error::other)?;
        }
        let listener = server::bind(addr).await?;
        on_bound(listener.local_addr()?);
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
            let _ = tx.send(());
        });
        server::serve(listener, server::router(state), rx).await;
        Ok(())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the state with `seed` (as `POST /__mock/seed`).
    pub fn seed(&self, seed: Seed) -> Result<(), String> {
        server::lock(&self.state).load(seed)
    }

    /// Adds a fault rule (as `POST /__mock/faults`).
    pub fn add_fault(&self, fault: FaultSpec) -> Result<(), String> {
        server::lock(&self.state).add_fault(fault)
    }

    /// Removes all fault rules.
    pub fn clear_faults(&self) {
        server::lock(&self.state).faults.clear();
    }

    /// Patches the settings.
    pub fn configure(&self, config: MockConfig) {
        server::lock(&self.state).patch_config(config);
    }

    /// Adds payments.
    pub fn add_transaction(&self, t: TransactionSeed) -> Result<(), String> {
        server::lock(&self.state).add_transaction(t)
    }

    /// Revokes every issued token (the next call with one gets `response_code` 117).
    pub fn expire_tokens(&self) {
        for t in server::lock(&self.state).tokens.values_mut() {
            t.revoked = true;
        }
    }

    /// Every token issued so far (for tests that check tokens never leak).
    pub fn issued_tokens(&self) -> Vec<String> {
        server::lock(&self.state).tokens.keys().cloned().collect()
    }

    /// A copy of the journal.
    pub fn journal(&self) -> Journal {
        server::lock(&self.state).journal.clone()
    }

    /// Status, amount and refunded total of a transaction.
    pub fn transaction(&self, id: &str) -> Option<std::collections::BTreeMap<String, String>> {
        server::lock(&self.state).transaction_view(id)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
