//! The SDK's log records, forwarded to Python's `logging` under the "enkash" logger.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::loaded::module_loaded;
use crate::runtime::{shutting_down, PythonEntry};

/// The `logging` level a never-configured logger has (the root logger's WARNING).
const PYTHON_DEFAULT_LEVEL: i64 = 30;

/// Forwards the SDK's own log records to Python `logging` (pyo3-log) while entry is allowed.
/// The pyo3-log logger, and with it `import logging`, is made on first need: by a client created
/// while `logging` is loaded, or by the first record that passes the level gate.
pub struct GuardedLogger;

impl log::Log for GuardedLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        if !is_ours(metadata) {
            return false;
        }
        let Some(_entry) = PythonEntry::acquire() else {
            return false;
        };
        python_logger().is_some_and(|logger| logger.enabled(metadata))
    }

    fn log(&self, record: &log::Record<'_>) {
        if !is_ours(record.metadata()) {
            return;
        }
        if let Some(_entry) = PythonEntry::acquire() {
            if let Some(logger) = python_logger() {
                logger.log(record);
            }
        }
    }

    fn flush(&self) {}
}

/// Only the SDK's own records are forwarded (not those of the crates under it).
fn is_ours(metadata: &log::Metadata<'_>) -> bool {
    let target = metadata.target();
    target == "enkash" || target.starts_with("enkash::")
}

/// The pyo3-log logger, made once: it imports `logging`, and the "enkash" logger gets a
/// `NullHandler` then (a library adds no output of its own). The caller is inside Python
/// ([`PythonEntry`]); making it waits for the GIL, without holding anything Python waits on.
fn python_logger() -> Option<&'static pyo3_log::Logger> {
    static LOGGER: PyOnceLock<Option<pyo3_log::Logger>> = PyOnceLock::new();
    Python::attach(|py| {
        LOGGER
            .get_or_init(py, || {
                let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers)
                    .ok()?
                    .filter(log::LevelFilter::Off)
                    .filter_target("enkash".to_owned(), log::LevelFilter::Trace);
                let _ = py.import("logging").and_then(|logging| {
                    let null = logging.call_method0("NullHandler")?;
                    logging
                        .call_method1("getLogger", ("enkash",))?
                        .call_method1("addHandler", (null,))
                });
                Some(logger)
            })
            .as_ref()
    })
}

/// Forwards the SDK's own logs (tracing → log) to Python's `logging` under the "enkash" logger,
/// installed when the first client is made.
///
/// Each new client also reads the "enkash" logger's effective level and lets only records at that
/// level or above leave the core: below it, a record costs one atomic load instead of a trip
/// through pyo3-log (which was ~28% of a refund + status round trip's instructions at the default
/// WARNING level). Level changes made after a client is created apply to clients created later;
/// pyo3-log caches the Python loggers but not their levels, so a record that passes this gate
/// meets the level the logger has when it is emitted.
///
/// A client made while the program has not imported `logging` does not import it (it is most of
/// a one-call script's start-up: ~17 ms here): nothing can have configured a level then, so the
/// gate is `logging`'s default, WARNING, and `logging` is imported by the first record that
/// reaches it, if one ever does.
pub fn forward_logs(py: Python<'_>) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let _ = log::set_boxed_logger(Box::new(GuardedLogger));
    });
    if shutting_down() {
        return;
    }
    let level = if module_loaded(py, "logging") {
        // Loaded already: making the forwarder costs no import, and the level is the logger's.
        python_logger();
        py.import("logging")
            .and_then(|logging| logging.call_method1("getLogger", ("enkash",)))
            .and_then(|logger| logger.call_method0("getEffectiveLevel"))
            .and_then(|level| level.extract::<i64>())
            .unwrap_or(PYTHON_DEFAULT_LEVEL)
    } else {
        PYTHON_DEFAULT_LEVEL
    };
    log::set_max_level(level_filter_for(level));
}

/// The most verbose Rust level Python's `logging` would still emit at `python_level` (pyo3-log
/// maps error, warn, info, debug, trace to 40, 30, 20, 10, 5).
fn level_filter_for(python_level: i64) -> log::LevelFilter {
    match python_level {
        ..=5 => log::LevelFilter::Trace,
        6..=10 => log::LevelFilter::Debug,
        11..=20 => log::LevelFilter::Info,
        21..=30 => log::LevelFilter::Warn,
        31..=40 => log::LevelFilter::Error,
        _ => log::LevelFilter::Off,
    }
}
