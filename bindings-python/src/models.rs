//! Immutable result objects, generated from the core's record list
//! (`enkash::for_each_host_model!`): a field added in core appears here without an edit.

use enkash::host::{Money, SecretText};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::to_decimal;

/// A view field → its Python value, made when the attribute is read.
pub trait PyField {
    /// Masked as `'***'` in `repr()` when set.
    const SECRET: bool = false;
    fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
}

macro_rules! copy_fields {
    ($($t:ty),*) => {$(
        impl PyField for $t {
            fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok((*self).into_pyobject(py)?.to_owned().into_any().unbind())
            }
        }
    )*};
}
copy_fields!(bool, i64, u16, u64);

impl PyField for String {
    fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(PyString::new(py, self).into_any().unbind())
    }
}

impl PyField for Money {
    fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_decimal(py, *self)
    }
}

impl PyField for SecretText {
    const SECRET: bool = true;
    fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.to_py_field(py)
    }
}

/// An absent value is `None`; a secret stays masked when set.
impl<T: PyField> PyField for Option<T> {
    const SECRET: bool = T::SECRET;
    fn to_py_field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.to_py_field(py),
            None => Ok(py.None()),
        }
    }
}

/// `Name(field=repr, …)`, the way a Python dataclass prints, secrets masked.
fn repr(py: Python<'_>, name: &str, fields: &[(&str, bool, Py<PyAny>)]) -> PyResult<String> {
    let mut out = format!("{name}(");
    for (i, (field, secret, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(field);
        out.push('=');
        let value = value.bind(py);
        if *secret && !value.is_none() {
            out.push_str("'***'");
        } else {
            out.push_str(&value.repr()?.to_string());
        }
    }
    out.push(')');
    Ok(out)
}

/// A result class holding the core's view; each attribute becomes a Python object only when read
/// (a call whose result is not looked at pays for no `str` or `Decimal`).
macro_rules! py_model {
    ($(#[$m:meta])* $name:ident ($view:ident) {
        $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[pyclass(frozen, module = "enkash")]
        pub struct $name {
            view: enkash::host::$view,
        }

        impl $name {
            pub fn into_py(py: Python<'_>, v: impl Into<enkash::host::$view>) -> PyResult<Py<PyAny>> {
                Ok(Py::new(py, $name { view: v.into() })?.into_any())
            }
        }

        #[pymethods]
        impl $name {
            $(
                $(#[$fm])*
                #[getter]
                fn $field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    PyField::to_py_field(&self.view.$field, py)
                }
            )*

            /// The fields as a plain dict.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let d = PyDict::new(py);
                $( d.set_item(stringify!($field), PyField::to_py_field(&self.view.$field, py)?)?; )*
                Ok(d)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                repr(py, stringify!($name), &[
                    $( (stringify!($field), <$ty as PyField>::SECRET, PyField::to_py_field(&self.view.$field, py)?), )*
                ])
            }
        }
    };
}

enkash::for_each_host_model!(py_model);

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[pyfunction]
pub fn parse_payment_notification(py: Python<'_>, body: &[u8]) -> PyResult<PaymentNotification> {
    let n =
        enkash::parse_payment_notification(body).map_err(|e| crate::errors::to_py_err(py, e))?;
    Ok(PaymentNotification { view: n.into() })
}
