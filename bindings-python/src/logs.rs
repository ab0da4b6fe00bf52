//! The SDK's log records, forwarded to Python's `logging` under the "enkash" logger.

use pyo3::prelude::*;

use crate::runtime::{shutting_down, PythonEntry};

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
/// (other crates' records are not forwarded), installed when the first client is made: importing
/// `logging` is most of what `import enkash` would otherwise cost.
///
/// Each new client also reads the "enkash" logger's effective level and lets only records at that
/// level or above leave the core: below it, a record costs one atomic load instead of a trip
/// through pyo3-log (which was ~28% of a refund + status round trip's instructions at the default
/// WARNING level). Level changes made after a client is created apply to clients created later;
/// pyo3-log caches the Python loggers but not their levels, so a record that passes this gate
/// meets the level the logger has when it is emitted.
pub fn forward_logs(py: Python<'_>) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(logger) = pyo3_log::Logger::new(py, pyo3_log::Caching::Loggers) {
            let logger = logger
                .filter(log::LevelFilter::Off)
                .filter_target("enkash".to_owned(), log::LevelFilter::Trace);
            let _ = log::set_boxed_logger(Box::new(GuardedLogger(logger)));
        }
        // A library adds no output of its own: configure logging.getLogger("enkash") to see it.
        let _ = py.import("logging").and_then(|logging| {
            let null = logging.call_method0("NullHandler")?;
            logging
                .call_method1("getLogger", ("enkash",))?
                .call_method1("addHandler", (null,))
        });
    });
    if shutting_down() {
        return;
    }
    let level = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("enkash",)))
        .and_then(|logger| logger.call_method0("getEffectiveLevel"))
        .and_then(|level| level.extract::<i64>())
        .unwrap_or(30);
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
