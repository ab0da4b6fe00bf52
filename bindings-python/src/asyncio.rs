//! How `enkash.AsyncClient` waits: calls run on the asyncio runtime's thread, and finished calls
//! are delivered to their event loop in batches, without the GIL on the runtime's side.
//!
//! One `Completions` per event loop (made and registered by `enkash._aio.start`). A finished
//! call is pushed onto its queue by the runtime thread; the first push after a drain wakes the
//! loop by writing one byte to a socket the loop watches with `add_reader` — no GIL, so the
//! runtime thread never waits for the interpreter and never enters it. The loop's thread then
//! drains the whole queue at once: with 64 calls in flight, one wake-up completes many futures.
//! Loops without `add_reader` (e.g. Windows' proactor loop) are woken with one
//! `call_soon_threadsafe` per batch instead.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyWeakrefReference};

use crate::errors::{internal_error, to_py_err};
use crate::runtime::{runtime, PythonEntry};

/// Finishes one call on the loop's thread (sets its future's result or exception).
pub type Completion = Box<dyn FnOnce(Python<'_>) + Send>;

struct Shared {
    queue: Mutex<Vec<Completion>>,
    /// A wake-up is on its way and not yet drained: further pushes need not send another.
    scheduled: AtomicBool,
    #[cfg(unix)]
    socket: Option<(
        std::os::unix::net::UnixStream,
        std::os::unix::net::UnixStream,
    )>,
    /// Set when the loop cannot watch the socket: wake it with `call_soon_threadsafe`. The loop
    /// and this queue's Python object are held weakly (a strong reference to either from here
    /// would be a cycle the garbage collector cannot see).
    fallback: Mutex<Option<(Py<PyWeakrefReference>, Py<PyWeakrefReference>)>>,
}

/// The handle a spawned call keeps to complete its future.
#[derive(Clone)]
pub struct CompletionSender(Arc<Shared>);

impl CompletionSender {
    /// From the runtime thread: queue `done`, and wake the loop if no wake-up is pending.
    pub fn send(&self, done: Completion) {
        let shared = &self.0;
        shared
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(done);
        if shared.scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        #[cfg(unix)]
        if let Some((_, writer)) = &shared.socket {
            if shared
                .fallback
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none()
            {
                use std::io::Write;
                // Non-blocking: a full socket already holds a pending wake-up.
                let _ = (&*writer).write(&[1]);
                return;
            }
        }
        self.wake_threadsafe();
    }

    fn wake_threadsafe(&self) {
        let Some(_entry) = PythonEntry::acquire() else {
            return; // the interpreter is exiting: nobody is waiting for these results
        };
        let _ = Python::try_attach(|py| -> PyResult<()> {
            let guard = self.0.fallback.lock().unwrap_or_else(|p| p.into_inner());
            let Some((event_loop, queue)) = guard.as_ref() else {
                return Ok(());
            };
            let (event_loop, queue) = (event_loop.bind(py).upgrade(), queue.bind(py).upgrade());
            drop(guard);
            if let (Some(event_loop), Some(queue)) = (event_loop, queue) {
                // The loop may be closed already; nobody is waiting then.
                let drain = queue.getattr("drain")?;
                let _ = event_loop.call_method1("call_soon_threadsafe", (drain,));
            }
            Ok(())
        });
    }
}

/// A loop's completion queue (one per event loop; see the module docs).
#[pyclass(frozen, weakref, name = "_Completions", module = "enkash._native")]
pub struct Completions(Arc<Shared>);

impl Completions {
    pub fn sender(&self) -> CompletionSender {
        CompletionSender(self.0.clone())
    }
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        #[cfg(unix)]
        let socket = {
            let (reader, writer) = std::os::unix::net::UnixStream::pair()?;
            reader.set_nonblocking(true)?;
            writer.set_nonblocking(true)?;
            Some((reader, writer))
        };
        Ok(Completions(Arc::new(Shared {
            queue: Mutex::new(Vec::new()),
            scheduled: AtomicBool::new(false),
            #[cfg(unix)]
            socket,
            fallback: Mutex::new(None),
        })))
    }

    /// The descriptor the loop watches (`add_reader(fileno, drain)`), or None where there is none.
    fn fileno(&self) -> Option<i64> {
        #[cfg(unix)]
        if let Some((reader, _)) = &self.0.socket {
            use std::os::fd::AsRawFd;
            return Some(i64::from(reader.as_raw_fd()));
        }
        None
    }

    /// For loops that cannot watch a descriptor: wake `event_loop` (held weakly) with
    /// `call_soon_threadsafe(drain)` instead.
    fn wake_with_call_soon_threadsafe(
        slf: &Bound<'_, Self>,
        event_loop: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let weak_loop = PyWeakrefReference::new(event_loop)?.unbind();
        let weak_self = PyWeakrefReference::new(slf)?.unbind();
        *slf.get()
            .0
            .fallback
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((weak_loop, weak_self));
        Ok(())
    }

    /// On the loop's thread: completes every queued call.
    fn drain(&self, py: Python<'_>) {
        let shared = &self.0;
        #[cfg(unix)]
        if let Some((reader, _)) = &shared.socket {
            use std::io::Read;
            let mut buf = [0u8; 64];
            while matches!((&*reader).read(&mut buf), Ok(n) if n > 0) {}
        }
        // Cleared before the queue is taken: a push after the take sends a new wake-up.
        shared.scheduled.store(false, Ordering::Release);
        let batch = std::mem::take(&mut *shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
        for done in batch {
            done(py);
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
/// completed on the loop's thread through the loop's completion queue (see the module docs).
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
    rt.nudge();
    Ok(py_future)
}
