//! How `enkash.Client` waits: with the GIL released, driving the call from the calling thread
//! when it is the only blocking call running, else waiting for the runtime's thread to run it.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::prelude::*;

use crate::errors::{internal_error, to_py_err};
use crate::loaded::module_loaded;
use crate::runtime::runtime;

/// How often a waiting caller looks for Ctrl-C (KeyboardInterrupt).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `fut` with the GIL released (see [`crate::runtime::PyRuntime`] for which thread runs
/// it), looking for Ctrl-C every 100 ms: KeyboardInterrupt stops the wait (a refund in flight was
/// handed to its own task by the core and finishes on the runtime). A panic becomes
/// `enkash.InternalError`.
pub fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    // On one of the runtime's threads (a token provider calling a backend client, run by
    // `spawn_blocking`) this thread cannot drive the runtime: it hands the call over.
    let caller = rt.arrive(tokio::runtime::Handle::try_current().is_err());
    let fut = AssertUnwindSafe(fut).catch_unwind();
    let waited = if caller.lone() {
        // Only the main thread ever sees a signal's exception (`PyErr_CheckSignals` does nothing
        // elsewhere): other threads skip the timer.
        let watch_signals = on_main_thread(py, rt.id());
        py.detach(|| {
            let mut fut = std::pin::pin!(fut);
            if !watch_signals {
                return Ok(Some(rt.drive(fut)));
            }
            // Signals are looked at between stretches of driving, outside the runtime: a Python
            // signal handler may itself make an enkash call (handed to the runtime's thread).
            wait_checking_signals(|| {
                rt.drive(async {
                    tokio::select! {
                        biased;
                        done = &mut fut => Some(Some(done)),
                        () = tokio::time::sleep(SIGNAL_CHECK) => None,
                    }
                })
            })
        })
    } else {
        // Boxed: the spawned task is moved several times before it runs.
        let fut = Box::pin(fut);
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let task = rt.handle().spawn(async move {
            let _ = tx.send(fut.await);
        });
        rt.nudge();
        let waited = py.detach(move || {
            wait_checking_signals(|| match rx.recv_timeout(SIGNAL_CHECK) {
                Ok(result) => Some(Some(result)),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Some(None),
            })
        });
        if waited.is_err() {
            task.abort();
        }
        waited
    };
    drop(caller);
    match waited {
        Ok(Some(Ok(Ok(v)))) => Ok(v),
        Ok(Some(Ok(Err(e)))) => Err(to_py_err(py, e)),
        Ok(Some(Err(_))) => Err(internal_error("a panic inside the enkash core was caught")),
        Ok(None) => Err(internal_error(
            "the runtime stopped before the call finished",
        )),
        Err(signal) => Err(signal),
    }
}

/// Calls `step` (which waits at most [`SIGNAL_CHECK`]) until it returns `Some`, raising a pending
/// signal's exception (Ctrl-C: KeyboardInterrupt) between steps. Called without the GIL.
fn wait_checking_signals<R>(mut step: impl FnMut() -> Option<R>) -> PyResult<R> {
    loop {
        if let Some(done) = step() {
            return Ok(done);
        }
        Python::attach(|py| py.check_signals())?;
    }
}

thread_local! {
    /// Whether this thread is the interpreter's main thread, looked up once per thread and
    /// runtime (a child forked from another thread has that thread as its main one, and a runtime
    /// of its own).
    static ON_MAIN_THREAD: std::cell::Cell<Option<(u64, bool)>> = const { std::cell::Cell::new(None) };
}

/// Whether the calling thread is the interpreter's main thread (when in doubt: yes, so Ctrl-C is
/// still looked for). A program that has not imported `threading` is asked again on its next call
/// instead of having it imported for this answer.
fn on_main_thread(py: Python<'_>, runtime_id: u64) -> bool {
    ON_MAIN_THREAD.with(|known| {
        if let Some((id, main)) = known.get() {
            if id == runtime_id {
                return main;
            }
        }
        if !module_loaded(py, "threading") {
            return true;
        }
        let main = py
            .import("threading")
            .and_then(|threading| {
                let current = threading.call_method0("current_thread")?;
                Ok(current.is(&threading.call_method0("main_thread")?))
            })
            .unwrap_or(true);
        known.set(Some((runtime_id, main)));
        main
    })
}

/// Panics inside the runtime, to prove a panic surfaces as `enkash.InternalError`.
#[pyfunction]
#[pyo3(name = "_trigger_internal_panic")]
pub fn _trigger_internal_panic(py: Python<'_>) -> PyResult<()> {
    block_on(py, async {
        #[allow(clippy::panic)]
        if std::process::id() > 0 {
            panic!("deliberate panic for the FFI-safety test");
        }
        Ok::<(), enkash::Error>(())
    })
}
