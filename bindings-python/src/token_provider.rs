//! A Python `token_provider=` as the core's [`enkash::TokenProvider`]: a function (or coroutine
//! function) returning the token and its expiry — an `enkash.IssuedToken` (what `issue_token()`
//! returns on the merchant's backend) or a `(token, expires_at_ms)` tuple. The core keeps the
//! caching, single flight and refresh; this file only calls Python.

use std::sync::{Arc, Mutex};

use enkash::{Error, ErrorKind, IssuedToken, TokenFuture};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::runtime::PythonEntry;

/// The host's function, and the event loop its coroutines run on: the loop an `AsyncClient`
/// call last came from (none for `Client`: a coroutine then gets a loop of its own).
struct Host {
    function: Py<PyAny>,
    event_loop: Mutex<Option<Py<PyAny>>>,
}

/// Cheap to clone: the client keeps one to note its loop, the core another to ask for tokens.
#[derive(Clone)]
pub struct PyTokenProvider(Arc<Host>);

impl PyTokenProvider {
    pub fn new(function: Py<PyAny>) -> PyTokenProvider {
        PyTokenProvider(Arc::new(Host {
            function,
            event_loop: Mutex::new(None),
        }))
    }

    /// Remembers the running loop of an `AsyncClient` call, for coroutine providers.
    pub fn note_running_loop(&self, py: Python<'_>) {
        if let Ok(running) = py
            .import("asyncio")
            .and_then(|m| m.call_method0("get_running_loop"))
        {
            *self.0.event_loop.lock().unwrap_or_else(|p| p.into_inner()) = Some(running.unbind());
        }
    }
}

impl Host {
    /// Calls the function on this (blocking-pool) thread and reads its answer.
    fn call(&self) -> Result<IssuedToken, Error> {
        let failed =
            |why: String| Error::new(ErrorKind::Authentication, format!("token provider: {why}"));
        let Some(_entry) = PythonEntry::acquire() else {
            return Err(failed("the interpreter is shutting down".into()));
        };
        Python::try_attach(|py| {
            self.ask(py).map_err(|e| {
                // The exception's type and text only: never its traceback or locals.
                let kind = e
                    .get_type(py)
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                failed(format!("{kind}: {}", e.value(py)))
            })
        })
        .unwrap_or_else(|| Err(failed("the interpreter is finalizing".into())))
    }

    fn ask(&self, py: Python<'_>) -> PyResult<IssuedToken> {
        let mut answer = self.function.bind(py).call0()?;
        let awaitable = py
            .import("inspect")?
            .call_method1("isawaitable", (&answer,))?
            .is_truthy()?;
        if awaitable {
            let event_loop = self
                .event_loop
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map(|l| l.clone_ref(py));
            answer = py
                .import("enkash._aio")?
                .call_method1("await_token", (answer, event_loop))?;
        }
        read_token(&answer)
    }
}

/// An `IssuedToken`-like object (`.token`, `.expires_at_ms`) or a `(token, expires_at_ms)` tuple.
fn read_token(answer: &Bound<'_, PyAny>) -> PyResult<IssuedToken> {
    let (token, expires_at_ms): (String, Option<i64>) = match answer.cast::<PyTuple>() {
        Ok(t) => t.extract()?,
        Err(_) => (
            answer.getattr("token")?.extract()?,
            answer.getattr("expires_at_ms")?.extract()?,
        ),
    };
    Ok(IssuedToken::new(token, expires_at_ms))
}

impl enkash::TokenProvider for PyTokenProvider {
    fn fetch_token(&self) -> TokenFuture<'_> {
        let host = self.0.clone();
        Box::pin(async move {
            // The function may block (an HTTP call to the merchant's backend): never on the
            // runtime's workers.
            tokio::task::spawn_blocking(move || host.call())
                .await
                .unwrap_or_else(|_| {
                    Err(Error::new(
                        ErrorKind::Internal,
                        "a panic inside the token provider bridge was caught",
                    ))
                })
        })
    }
}
