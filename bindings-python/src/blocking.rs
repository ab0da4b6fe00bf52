//! How `enkash.Client` waits: the call runs on the runtime's thread while the caller waits with
//! the GIL released.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::prelude::*;

use crate::errors::{internal_error, to_py_err};
use crate::runtime::runtime;

/// How often a waiting caller looks for Ctrl-C (KeyboardInterrupt).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `fut` on the runtime's thread while this thread waits with the GIL released, waking
/// every 100 ms to honour Ctrl-C (KeyboardInterrupt aborts the wait; a refund in flight was
/// handed off by the core and finishes on the runtime). The runtime's thread owns the I/O
/// driver, so the only cross-thread handoffs are the call and its result. A panic becomes
/// `enkash.InternalError`.
pub fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    // Boxed: the spawned task is moved several times before it runs.
    let fut = Box::pin(fut);
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let task = rt.handle().spawn(async move {
        let _ = tx.send(AssertUnwindSafe(fut).catch_unwind().await);
    });
    let waited = py.detach(move || loop {
        match rx.recv_timeout(SIGNAL_CHECK) {
            Ok(result) => break Ok(Some(result)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Err(signal) = Python::attach(|py| py.check_signals()) {
                    break Err(signal);
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break Ok(None),
        }
    });
    match waited {
        Ok(Some(Ok(Ok(v)))) => Ok(v),
        Ok(Some(Ok(Err(e)))) => Err(to_py_err(py, e)),
        Ok(Some(Err(_))) => Err(internal_error("a panic inside the enkash core was caught")),
        Ok(None) => Err(internal_error(
            "the runtime stopped before the call finished",
        )),
        Err(signal) => {
            task.abort();
            Err(signal)
        }
    }
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
