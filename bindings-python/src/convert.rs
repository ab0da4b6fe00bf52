//! Python values → core types and back. Only type conversion: the rules are the core's.

use enkash::host::{ClientOptions, DurationUnit, Money, OptionValue};
use enkash::Amount;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};

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

/// Core money → a Python `Decimal`, through the core's one exact money text.
pub fn to_decimal(py: Python<'_>, m: Money) -> PyResult<Py<PyAny>> {
    Ok(decimal_class(py)?.call1((m.to_string(),))?.unbind())
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

/// A keyword value → the core's host value (`None` → not given).
fn option_value(value: &Bound<'_, PyAny>) -> PyResult<Option<OptionValue>> {
    if value.is_none() {
        Ok(None)
    } else if value.is_instance_of::<PyBool>() {
        Ok(Some(OptionValue::Flag(value.extract()?)))
    } else if value.is_instance_of::<PyString>() {
        Ok(Some(OptionValue::Text(value.extract()?)))
    } else if value.is_instance_of::<PyBytes>() {
        Ok(Some(OptionValue::Bytes(value.extract()?)))
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        Ok(Some(OptionValue::Number(value.extract()?)))
    } else {
        Err(type_error(format!(
            "options take str, bytes, bool, int or float, not {}",
            value.get_type().name()?
        )))
    }
}

/// Keywords → [`ClientOptions`] (durations in seconds). An unknown keyword is a `TypeError`
/// listing the options, like any Python function's.
pub fn client_options(
    py: Python<'_>,
    access_key: Option<String>,
    secret_key: Option<String>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<ClientOptions> {
    let mut o = ClientOptions::default();
    let mut set = |name: &str, value: OptionValue| {
        o.set(name, value, DurationUnit::Seconds)
            .map_err(|e| to_py_err(py, e))
    };
    if let Some(v) = access_key {
        set("access_key", OptionValue::Text(v))?;
    }
    if let Some(v) = secret_key {
        set("secret_key", OptionValue::Text(v))?;
    }
    for (k, v) in kwargs.into_iter().flat_map(|d| d.iter()) {
        let key: String = k.extract()?;
        if ClientOptions::spec(&key).is_none() {
            return Err(type_error(format!(
                "unexpected keyword argument {key:?}; {}",
                ClientOptions::unknown(&key).message()
            )));
        }
        if let Some(value) = option_value(&v)? {
            set(&key, value)?;
        }
    }
    Ok(o)
}

/// Seconds as int/float → `Duration`, naming `field` when negative, NaN or infinite.
pub fn seconds(py: Python<'_>, field: &'static str, value: f64) -> PyResult<std::time::Duration> {
    enkash::host::duration(value, field, DurationUnit::Seconds).map_err(|e| to_py_err(py, e))
}

/// A new refund `requestId` (`RF` + 30 hex digits). Store it before refunding, then pass it as
/// `request_id=`: whatever happens (a crash, a cancelled task, `OutcomeUnknownError`), it finds
/// the refund again and a retry with it cannot refund twice.
#[pyfunction]
pub fn new_request_id() -> String {
    enkash::new_request_id()
}

/// Parses rupee text with the core's rules into a `Decimal` ("100.50" ok; "1.005", "1e3",
/// "-1" refused with InvalidRequestError naming `amount`).
#[pyfunction]
pub fn parse_amount(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    let a = Amount::parse(text).map_err(|e| to_py_err(py, e))?;
    to_decimal(py, Money(a.as_decimal()))
}
