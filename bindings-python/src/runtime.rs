//! The tokio runtime the extension runs on: one per process (rebuilt in a forked child: a
//! runtime's threads do not survive `fork()`), stopped at interpreter exit.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::{Handle, Runtime};
use tokio::sync::Notify;

use crate::errors::internal_error;

static RUNTIME: Mutex<Option<(u32, Arc<PyRuntime>)>> = Mutex::new(None);

/// This process's id: read at import and again in each child `os.fork()` makes (see
/// [`after_fork_in_child`]), not per call (`getpid` is a system call; each call asked twice).
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);

/// How long no blocking call may have been running before the runtime's own thread drives the
/// runtime again.
const QUIET: Duration = Duration::from_millis(1);
/// How often the runtime's own thread looks again while a blocking call is running (it drives
/// everything meanwhile; a nudge wakes the thread at once).
const BUSY_LOOK: Duration = Duration::from_millis(10);

/// A current-thread tokio runtime, one per process. A blocking call made while no other is
/// running drives the runtime from its own thread: its sockets, timers and tasks run right there,
/// with no hand-off to another thread and back (measured: see bench/results). Otherwise the
/// runtime's own thread ("enkash-py") drives it: blocking calls that overlap another hand their
/// work to it and wait, asyncio calls, a refund whose caller was interrupted, pooled connections.
/// It steps aside when a lone blocking call arrives and takes over again when a call needs it
/// (a nudge) or once no blocking call has run for [`QUIET`] (looking every [`BUSY_LOOK`] while
/// one runs).
pub struct PyRuntime {
    /// Unique in this process and its forked children (numbered on from the parent's).
    id: u64,
    runtime: Arc<Runtime>,
    shared: Arc<Shared>,
    driver: std::thread::Thread,
}

/// What blocking callers and the runtime's own thread tell each other.
struct Shared {
    /// Blocking calls running now.
    callers: AtomicUsize,
    /// Blocking calls started so far (the driver waits for this to stop moving).
    started: AtomicUsize,
    /// The runtime's own thread is driving (or about to).
    driving: AtomicBool,
    /// Work was handed to the runtime from outside a blocking call: drive now, not after QUIET.
    nudged: AtomicBool,
    stopping: AtomicBool,
    /// Wakes the runtime's own thread out of driving.
    step_aside: Notify,
}

impl PyRuntime {
    fn start() -> std::io::Result<PyRuntime> {
        let runtime = Arc::new(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
        );
        let shared = Arc::new(Shared {
            callers: AtomicUsize::new(0),
            started: AtomicUsize::new(0),
            driving: AtomicBool::new(false),
            nudged: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            step_aside: Notify::new(),
        });
        let driver = std::thread::Builder::new()
            .name("enkash-py".to_owned())
            .spawn({
                let runtime = runtime.clone();
                let shared = shared.clone();
                move || drive_while_idle(runtime, &shared)
            })?
            .thread()
            .clone();
        static STARTED: AtomicU64 = AtomicU64::new(0);
        Ok(PyRuntime {
            id: STARTED.fetch_add(1, Ordering::SeqCst),
            runtime,
            shared,
            driver,
        })
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn handle(&self) -> &Handle {
        self.runtime.handle()
    }

    /// Work was handed to the runtime by something that will not drive it (an asyncio call, a
    /// blocking call overlapping another): make sure the runtime's own thread drives it now.
    pub fn nudge(&self) {
        // Set even while the runtime's thread drives: it may be stepping aside right now, and a
        // lost nudge would leave an overlapping call's work undriven once the lone caller leaves.
        self.shared.nudged.store(true, Ordering::SeqCst);
        if !self.shared.driving.load(Ordering::SeqCst) {
            self.driver.unpark();
        }
    }

    /// A blocking call begins; it ends when the returned value is dropped. A lone call (none
    /// other running) that `may_drive` has the runtime's own thread step aside, so it can
    /// [`drive`](Self::drive).
    pub fn arrive(&self, may_drive: bool) -> Caller<'_> {
        let shared = &*self.shared;
        shared.started.fetch_add(1, Ordering::SeqCst);
        let lone = shared.callers.fetch_add(1, Ordering::SeqCst) == 0 && may_drive;
        if lone && shared.driving.load(Ordering::SeqCst) {
            shared.step_aside.notify_one();
        }
        Caller { shared, lone }
    }

    /// Runs `fut` to completion on this thread, driving the runtime meanwhile (once the runtime's
    /// own thread has stepped aside). Must be called without the GIL and outside any runtime.
    pub fn drive<F: Future>(&self, fut: F) -> F::Output {
        // No yield first to poll the sockets once: it cost two system calls per call (a
        // zero-timeout poll, then an eventfd write as the call's timer was the only one). While
        // no call runs, the runtime's own thread drives (after QUIET), so a connection the server
        // closed while idle is seen closed and skipped. One closed in the last QUIET before a call
        // can still take the request and fail under it, like a close that races the write: the
        // core retries a read at once and looks a refund up before any resend.
        self.runtime.block_on(fut)
    }

    fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.step_aside.notify_one();
        self.driver.unpark();
    }
}

/// A blocking call in progress (see [`PyRuntime::arrive`]).
pub struct Caller<'a> {
    shared: &'a Shared,
    lone: bool,
}

impl Caller<'_> {
    /// No other blocking call was running when this one began: it may drive the runtime.
    pub fn lone(&self) -> bool {
        self.lone
    }
}

impl Drop for Caller<'_> {
    fn drop(&mut self) {
        self.shared.callers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The runtime's own thread: drives the runtime until a blocking caller arrives, then waits for
/// callers to stay away for [`QUIET`] (or for a nudge) and drives again; until stopped.
fn drive_while_idle(runtime: Arc<Runtime>, shared: &Shared) {
    'driving: while !shared.stopping.load(Ordering::SeqCst) {
        shared.driving.store(true, Ordering::SeqCst);
        // A lone caller that arrived before `driving` was set did not ask this thread to step
        // aside: leave the runtime to it.
        if shared.callers.load(Ordering::SeqCst) == 0 || shared.nudged.swap(false, Ordering::SeqCst)
        {
            runtime.block_on(shared.step_aside.notified());
        }
        shared.driving.store(false, Ordering::SeqCst);
        loop {
            let seen = shared.started.load(Ordering::SeqCst);
            let busy = shared.callers.load(Ordering::SeqCst) > 0;
            std::thread::park_timeout(if busy { BUSY_LOOK } else { QUIET });
            if shared.stopping.load(Ordering::SeqCst) {
                break 'driving;
            }
            if shared.nudged.load(Ordering::SeqCst)
                || (shared.callers.load(Ordering::SeqCst) == 0
                    && shared.started.load(Ordering::SeqCst) == seen)
            {
                continue 'driving;
            }
        }
    }
    match Arc::try_unwrap(runtime) {
        Ok(runtime) => runtime.shutdown_background(),
        // Still shared (with `PyRuntime`, or a call in flight): leaked, as at exit a runtime must
        // not be dropped by a thread that may find another one driving it.
        Err(shared) => std::mem::forget(shared),
    }
}

/// Set by the `atexit` hook: from then on no runtime thread may touch the interpreter.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);
/// Runtime threads currently inside the interpreter (logging, calling a token provider, waking a
/// loop that cannot watch the completion socket).
static IN_PYTHON: AtomicUsize = AtomicUsize::new(0);

pub fn shutting_down() -> bool {
    SHUTTING_DOWN.load(Ordering::SeqCst)
}

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
            Ok(rt) if owner == process_id() => rt.stop(),
            // Still referenced by a call in flight, or inherited through fork: leave it be.
            Ok(rt) => std::mem::forget(rt),
            Err(shared) => std::mem::forget(shared),
        }
    }
}

/// The id of the process this runs in, as read at import or after the last `os.fork()`.
pub fn process_id() -> u32 {
    PROCESS_ID.load(Ordering::SeqCst)
}

/// Run by `os.register_at_fork(after_in_child=...)`: the child is a new process, so its runtime
/// and connections are new too. CPython runs these hooks in every child that runs Python code
/// (`os.fork()`, multiprocessing, and C code via `PyOS_AfterFork_Child`).
#[pyfunction]
fn after_fork_in_child() {
    PROCESS_ID.store(std::process::id(), Ordering::SeqCst);
}

/// Reads this process's id now (at import, before any call can ask) and has the interpreter call
/// [`after_fork_in_child`] in each forked child (where `os` can fork).
pub fn track_process_id(m: &Bound<'_, PyModule>) -> PyResult<()> {
    PROCESS_ID.store(std::process::id(), Ordering::SeqCst);
    let py = m.py();
    let os = py.import("os")?;
    if !os.hasattr("register_at_fork")? {
        return Ok(());
    }
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("after_in_child", wrap_pyfunction!(after_fork_in_child, m)?)?;
    os.call_method("register_at_fork", (), Some(&kwargs))?;
    Ok(())
}

/// This process's runtime (a new one after `fork()`; the parent's is leaked, never dropped).
pub fn runtime() -> PyResult<Arc<PyRuntime>> {
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "enkash: the interpreter is shutting down",
        ));
    }
    let pid = process_id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    if let Some(stale) = slot.take() {
        // Its thread does not exist in this child: dropping it would wait for it.
        std::mem::forget(stale);
    }
    let rt = PyRuntime::start()
        .map_err(|e| internal_error(&format!("cannot start the runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}
