//! The tokio runtime the extension runs on: one per process, rebuilt in a forked child
//! (a runtime's threads do not survive `fork()`), and stopped at interpreter exit.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::completions::Completions;
use crate::errors::{internal_error, to_py_err};

static RUNTIME: Mutex<Option<(u32, Arc<PyRuntime>)>> = Mutex::new(None);

/// A current-thread tokio runtime driven by one thread of its own ("enkash-py"): every call's
/// task, its sockets and timers live on that thread, so a call costs one hand-off there and one
/// back, never a steal between workers competing with the interpreter for the cores.
pub struct PyRuntime {
    handle: Handle,
    stop: Mutex<Option<oneshot::Sender<()>>>,
}

impl PyRuntime {
    fn start() -> std::io::Result<PyRuntime> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = rt.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("enkash-py".to_owned())
            .spawn(move || {
                let _ = rt.block_on(stopped);
                rt.shutdown_background();
            })?;
        Ok(PyRuntime {
            handle,
            stop: Mutex::new(Some(stop)),
        })
    }

    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    fn stop(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = stop.send(());
        }
    }
}

/// Set by the `atexit` hook: from then on no runtime thread may touch the interpreter.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);
/// Runtime threads currently inside the interpreter (completing a future, logging).
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);

/// Permission for a runtime thread to enter the interpreter; `None` once shutdown began.
pub struct PythonEntry(());

impl PythonEntry {
    pub fn acquire() -> Option<PythonEntry> {
        if SHUTTING_DOWN.load(Ordering::SeqCst) {
            return None;
        }
        IN_PYTHON.fetch_add(1, Ordering::SeqCst);
        if SHUTTING_DOWN.load(Ordering::SeqCst) {
            IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(PythonEntry(()))
    }
}

impl Drop for PythonEntry {
    fn drop(&mut self) {
        IN_PYTHON.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Forwards the SDK's log records to Python `logging` (pyo3-log) only while entry is allowed.
pub struct GuardedLogger(pub pyo3_log::Logger);

impl log::Log for GuardedLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        match PythonEntry::acquire() {
            Some(_entry) => self.0.enabled(metadata),
            None => false,
        }
    }

    fn log(&self, record: &log::Record<'_>) {
        if let Some(_entry) = PythonEntry::acquire() {
            self.0.log(record);
        }
    }

    fn flush(&self) {}
}

/// Forwards the SDK's own logs (tracing → log) to Python's `logging` under the "enkash" logger
/// (other crates' records are not forwarded), once, when the first client is made: importing
/// `logging` is most of what `import enkash` would otherwise cost.
pub fn forward_logs(py: Python<'_>) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(logger) = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels) {
            let logger = logger
                .filter(log::LevelFilter::Off)
                .filter_target("enkash".to_owned(), log::LevelFilter::Trace);
            if log::set_boxed_logger(Box::new(GuardedLogger(logger))).is_ok() {
                log::set_max_level(log::LevelFilter::Trace);
            }
        }
        // A library adds no output of its own: configure logging.getLogger("enkash") to see it.
        let _ = py.import("logging").and_then(|logging| {
            let null = logging.call_method0("NullHandler")?;
            logging
                .call_method1("getLogger", ("enkash",))?
                .call_method1("addHandler", (null,))
        });
    });
}

/// Called at interpreter exit (registered with `atexit` by `enkash/__init__.py`): stops log
/// forwarding and the runtime before finalization, so no Rust thread enters a finalizing
/// interpreter (CPython would kill such a thread mid-unwind and abort the process).
#[pyfunction]
#[pyo3(name = "_shutdown")]
pub fn _shutdown(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    log::set_max_level(log::LevelFilter::Off);
    // atexit runs before CPython marks itself finalizing: threads already inside may still take
    // the GIL and finish. Wait for them with the GIL released (bounded, never a hang at exit).
    py.detach(|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while IN_PYTHON.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    let taken = RUNTIME.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((owner, rt)) = taken {
        match Arc::try_unwrap(rt) {
            Ok(rt) if owner == std::process::id() => rt.stop(),
            // Still referenced by a call in flight, or inherited through fork: leave it be.
            Ok(rt) => std::mem::forget(rt),
            Err(shared) => std::mem::forget(shared),
        }
    }
}

/// This process's runtime (a new one after `fork()`; the parent's is leaked, never dropped).
pub fn runtime() -> PyResult<Arc<PyRuntime>> {
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "enkash: the interpreter is shutting down",
        ));
    }
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    if let Some(stale) = slot.take() {
        // Its worker threads do not exist in this child: dropping it would wait for them.
        std::mem::forget(stale);
    }
    let rt = PyRuntime::start()
        .map_err(|e| internal_error(&format!("cannot start the runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

/// Runs `fut` on the runtime's workers while this thread waits with the GIL released, waking
/// every 100 ms to honour Ctrl-C (KeyboardInterrupt aborts the work). The workers own the I/O
/// driver, so the only cross-thread handoff is the result. A panic becomes `enkash.InternalError`.
pub fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    // Boxed: the spawned task is moved several times before it runs (see `spawn_async`).
    let fut = Box::pin(fut);
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let task = rt.handle().spawn(async move {
        let _ = tx.send(AssertUnwindSafe(fut).catch_unwind().await);
    });
    let waited = py.detach(move || loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
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

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn aio(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(AIO
        .get_or_try_init(py, || py.import("enkash._aio").map(Bound::unbind))?
        .bind(py))
}

/// Starts `fut` on the runtime and returns an `asyncio.Future` of the running loop for it,
/// completed on the loop's thread through the loop's completion queue (see `completions`).
/// Cancelling that future (e.g. cancelling the awaiting task) aborts the Rust work.
pub fn spawn_async<'py, T, F, C>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, enkash::Error>> + Send + 'static,
    T: Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let rt = runtime()?;
    let (py_future, queue): (Bound<'py, PyAny>, Bound<'py, Completions>) =
        aio(py)?.call_method0(intern!(py, "start"))?.extract()?;
    let sender = queue.get().sender();
    let future_ref = py_future.clone().unbind();
    // Boxed: a task is moved several times before it runs, and an unboxed future is as large as
    // the deepest state of the core call (kilobytes copied per move).
    let fut = Box::pin(fut);
    let task = rt.handle().spawn(async move {
        let result = AssertUnwindSafe(fut).catch_unwind().await;
        sender.send(Box::new(move |py| {
            let future = future_ref.bind(py);
            let done = future
                .call_method0(intern!(py, "done"))
                .and_then(|d| d.is_truthy())
                .unwrap_or(true);
            if done {
                return; // cancelled meanwhile: nobody is waiting for this result
            }
            let outcome = match result {
                Ok(Ok(v)) => convert(py, v),
                Ok(Err(e)) => Err(to_py_err(py, e)),
                Err(_) => Err(internal_error("a panic inside the enkash core was caught")),
            };
            let _ = match outcome {
                Ok(value) => future.call_method1(intern!(py, "set_result"), (value,)),
                Err(e) => future.call_method1(intern!(py, "set_exception"), (e.into_value(py),)),
            };
        }));
    });
    let abort = task.abort_handle();
    let on_done = PyCFunction::new_closure(py, None, None, move |args, _kwargs| {
        let cancelled = args
            .get_item(0)
            .and_then(|f| f.call_method0("cancelled"))
            .and_then(|c| c.is_truthy())
            .unwrap_or(false);
        if cancelled {
            abort.abort();
        }
    })?;
    py_future.call_method1(intern!(py, "add_done_callback"), (on_done,))?;
    Ok(py_future)
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
