//! Python values → core types. Only type conversion: the rules are the core's.

use std::time::Duration;

use enkash::Amount;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

use crate::errors::{to_py_err, type_error};

static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The `decimal.Decimal` class.
pub fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    Ok(DECIMAL
        .get_or_try_init(py, || {
            py.import("decimal")?.getattr("Decimal").map(Bound::unbind)
        })?
        .bind(py))
}

/// A core decimal as a Python `Decimal` (through its exact text).
pub fn to_decimal(py: Python<'_>, d: enkash::Decimal) -> PyResult<Py<PyAny>> {
    Ok(decimal_class(py)?.call1((d.to_string(),))?.unbind())
}

/// Optional decimal → `Decimal | None`.
pub fn to_decimal_opt(py: Python<'_>, d: Option<enkash::Decimal>) -> PyResult<Option<Py<PyAny>>> {
    d.map(|d| to_decimal(py, d)).transpose()
}

/// `Decimal`, `int` (rupees) or `str` → [`Amount`]; `float` and `bool` are refused with a
/// `TypeError` that says what to pass.
pub fn amount(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Amount> {
    let text: String = if value.is_instance_of::<PyBool>() {
        return Err(type_error(
            "amount must be Decimal, int or str, not bool".to_owned(),
        ));
    } else if value.is_instance_of::<PyFloat>() {
        return Err(type_error(
            "amount must be Decimal, int or str, not float: a float cannot hold paise exactly \
             (0.1 + 0.2 != 0.3). Pass Decimal(\"100.50\") or \"100.50\""
                .to_owned(),
        ));
    } else if value.is_instance_of::<PyString>() {
        value.extract()?
    } else if value.is_instance_of::<PyInt>() {
        value.str()?.extract()?
    } else if value.is_instance(decimal_class(py)?)? {
        // Plain notation (no exponent), exactly as the Decimal holds it.
        value.call_method1("__format__", ("f",))?.extract()?
    } else {
        return Err(type_error(format!(
            "amount must be Decimal, int or str, not {}",
            value.get_type().name()?
        )));
    };
    Amount::parse(&text).map_err(|e| to_py_err(py, e))
}

/// Seconds as int/float → `Duration`, naming `field` when negative, NaN or infinite.
pub fn seconds(py: Python<'_>, field: &'static str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        to_py_err(
            py,
            enkash::Error::invalid(field, "must be a finite, non-negative number of seconds"),
        )
    })
}
