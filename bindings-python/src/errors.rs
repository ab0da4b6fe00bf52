//! `enkash::Error` → the matching `enkash.*Error` exception (classes live in `enkash/_errors.py`).

use enkash::ErrorKind;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// The exception class name for each error kind (the core's one table).
pub fn class_name(kind: ErrorKind) -> &'static str {
    kind.exception_name()
}

/// The core's public surface as JSON, for the parity test.
#[pyfunction]
#[pyo3(name = "_surface")]
pub fn surface() -> String {
    enkash::host::surface().to_json()
}

/// `[(code, class name)]` for every kind, so the Python side can check the mapping is complete.
#[pyfunction]
pub fn error_kinds() -> Vec<(&'static str, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| (k.code(), class_name(*k)))
        .collect()
}

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(ERRORS
        .get_or_try_init(py, || py.import("enkash._errors").map(Bound::unbind))?
        .bind(py))
}

fn build(py: Python<'_>, e: &enkash::Error) -> PyResult<PyErr> {
    let info = e.info();
    let cls = errors_module(py)?.getattr(info.name.as_str())?;
    let exc = cls.call1((info.message.as_str(),))?;
    // Every field of the core's ErrorInfo, by its own name (the parity test checks the list).
    macro_rules! set_fields {
        ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
            $( exc.setattr(stringify!($name), info.$name.clone())?; )*
        };
    }
    enkash::for_each_error_field!(set_fields);
    // Python's idiom for durations: seconds.
    exc.setattr(
        "retry_after",
        info.retry_after_ms.map(|ms| ms as f64 / 1000.0),
    )?;
    let err = PyErr::from_value(exc);
    if let Some(chain) = info.cause {
        err.set_cause(py, Some(PyRuntimeError::new_err(chain)));
    }
    Ok(err)
}

/// The Python exception for a core error.
pub fn to_py_err(py: Python<'_>, e: enkash::Error) -> PyErr {
    build(py, &e).unwrap_or_else(|import_failure| import_failure)
}

/// `enkash.InternalError(message)`.
pub fn internal_error(message: &str) -> PyErr {
    Python::attach(|py| {
        to_py_err(
            py,
            enkash::Error::new(ErrorKind::Internal, message.to_owned()),
        )
    })
}

/// A `TypeError` that says what to pass instead.
pub fn type_error(message: String) -> PyErr {
    PyTypeError::new_err(message)
}
