//! `enkash._native`: the Python extension. Glue only — type conversion and error mapping;
//! every rule lives in the `enkash` core crate.

mod asyncio;
mod blocking;
mod client;
mod convert;
mod errors;
mod loaded;
mod logs;
mod models;
mod runtime;
mod token_provider;

use pyo3::prelude::*;

/// The native half of the `enkash` package (import `enkash`, not this).
#[pymodule]
#[pyo3(name = "_native")]
fn enkash_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<asyncio::Completions>()?;
    m.add_class::<models::Refund>()?;
    m.add_class::<models::Transaction>()?;
    m.add_class::<models::Order>()?;
    m.add_class::<models::PaymentNotification>()?;
    m.add_class::<models::TokenInfo>()?;
    m.add_class::<models::IssuedToken>()?;
    m.add_function(wrap_pyfunction!(models::parse_payment_notification, m)?)?;
    m.add_function(wrap_pyfunction!(errors::error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(errors::surface, m)?)?;
    m.add_function(wrap_pyfunction!(convert::parse_amount, m)?)?;
    m.add_function(wrap_pyfunction!(convert::new_request_id, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::_shutdown, m)?)?;
    runtime::track_process_id(m)?;
    m.add_function(wrap_pyfunction!(blocking::_trigger_internal_panic, m)?)?;
    Ok(())
}
