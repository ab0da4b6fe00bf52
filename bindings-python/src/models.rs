//! Immutable result objects: core models converted field by field.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{to_decimal, to_decimal_opt};
use crate::errors::to_py_err;

fn repr_opt(py: Python<'_>, v: &Option<Py<PyAny>>) -> String {
    match v {
        Some(obj) => obj
            .bind(py)
            .str()
            .map(|s| format!("Decimal('{s}')"))
            .unwrap_or_else(|_| "?".into()),
        None => "None".into(),
    }
}

/// A refund: `amount` is a `Decimal`; `status` is pending, succeeded, failed or unknown.
#[pyclass(frozen, module = "enkash", get_all)]
pub struct Refund {
    request_id: String,
    transaction_id: String,
    refund_transaction_id: Option<String>,
    amount: Py<PyAny>,
    status: String,
    raw_status: String,
    message: Option<String>,
    txn_date: Option<String>,
    created: Option<String>,
    last_modified: Option<String>,
    unique_transaction_id: Option<String>,
    bank_transaction_id: Option<String>,
    payment_mode: Option<String>,
    currency: Option<String>,
}

impl Refund {
    pub fn from_core(py: Python<'_>, r: enkash::Refund) -> PyResult<Refund> {
        Ok(Refund {
            amount: to_decimal(py, r.amount)?,
            status: r.status.as_str().to_owned(),
            request_id: r.request_id,
            transaction_id: r.transaction_id,
            refund_transaction_id: r.refund_transaction_id,
            raw_status: r.raw_status,
            message: r.message,
            txn_date: r.txn_date,
            created: r.created,
            last_modified: r.last_modified,
            unique_transaction_id: r.unique_transaction_id,
            bank_transaction_id: r.bank_transaction_id,
            payment_mode: r.payment_mode.map(|m| m.as_str().to_owned()),
            currency: r.currency,
        })
    }

    pub fn into_py(py: Python<'_>, r: enkash::Refund) -> PyResult<Py<PyAny>> {
        Ok(Py::new(py, Refund::from_core(py, r)?)?.into_any())
    }
}

#[pymethods]
impl Refund {
    /// True when the refund will not change any more (succeeded or failed).
    #[getter]
    fn is_final(&self) -> bool {
        self.status == "succeeded" || self.status == "failed"
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("request_id", &self.request_id)?;
        d.set_item("transaction_id", &self.transaction_id)?;
        d.set_item("refund_transaction_id", &self.refund_transaction_id)?;
        d.set_item("amount", self.amount.bind(py))?;
        d.set_item("status", &self.status)?;
        d.set_item("raw_status", &self.raw_status)?;
        d.set_item("message", &self.message)?;
        d.set_item("txn_date", &self.txn_date)?;
        d.set_item("created", &self.created)?;
        d.set_item("last_modified", &self.last_modified)?;
        d.set_item("unique_transaction_id", &self.unique_transaction_id)?;
        d.set_item("bank_transaction_id", &self.bank_transaction_id)?;
        d.set_item("payment_mode", &self.payment_mode)?;
        d.set_item("currency", &self.currency)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Refund(request_id={:?}, transaction_id={:?}, refund_transaction_id={:?}, amount={}, status={:?}, raw_status={:?})",
            self.request_id,
            self.transaction_id,
            self.refund_transaction_id,
            repr_opt(py, &Some(self.amount.clone_ref(py))),
            self.status,
            self.raw_status
        )
    }
}

/// A payment (or refund) transaction; `status` is the gateway's value, e.g. "SUCCESS".
#[pyclass(frozen, module = "enkash", get_all)]
pub struct Transaction {
    transaction_id: String,
    status: String,
    amount: Option<Py<PyAny>>,
    payment_mode: Option<String>,
    currency: Option<String>,
    bank_code: Option<String>,
    bank_name: Option<String>,
    message: Option<String>,
    txn_date: Option<String>,
    created: Option<String>,
    last_modified: Option<String>,
    unique_transaction_id: Option<String>,
    bank_transaction_id: Option<String>,
}

impl Transaction {
    pub fn into_py(py: Python<'_>, t: enkash::Transaction) -> PyResult<Py<PyAny>> {
        let v = Transaction {
            amount: to_decimal_opt(py, t.amount)?,
            status: t.status.as_str().to_owned(),
            payment_mode: t.payment_mode.map(|m| m.as_str().to_owned()),
            transaction_id: t.transaction_id,
            currency: t.currency,
            bank_code: t.bank_code,
            bank_name: t.bank_name,
            message: t.message,
            txn_date: t.txn_date,
            created: t.created,
            last_modified: t.last_modified,
            unique_transaction_id: t.unique_transaction_id,
            bank_transaction_id: t.bank_transaction_id,
        };
        Ok(Py::new(py, v)?.into_any())
    }
}

#[pymethods]
impl Transaction {
    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("transaction_id", &self.transaction_id)?;
        d.set_item("status", &self.status)?;
        d.set_item("amount", self.amount.as_ref().map(|a| a.bind(py)))?;
        d.set_item("payment_mode", &self.payment_mode)?;
        d.set_item("currency", &self.currency)?;
        d.set_item("bank_code", &self.bank_code)?;
        d.set_item("bank_name", &self.bank_name)?;
        d.set_item("message", &self.message)?;
        d.set_item("txn_date", &self.txn_date)?;
        d.set_item("created", &self.created)?;
        d.set_item("last_modified", &self.last_modified)?;
        d.set_item("unique_transaction_id", &self.unique_transaction_id)?;
        d.set_item("bank_transaction_id", &self.bank_transaction_id)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Transaction(transaction_id={:?}, status={:?}, amount={}, payment_mode={:?})",
            self.transaction_id,
            self.status,
            repr_opt(py, &self.amount.as_ref().map(|a| a.clone_ref(py))),
            self.payment_mode
        )
    }
}

/// An order.
#[pyclass(frozen, module = "enkash", get_all)]
pub struct Order {
    order_id: String,
    status: Option<String>,
    amount: Option<Py<PyAny>>,
    created: Option<String>,
    last_modified: Option<String>,
}

impl Order {
    pub fn into_py(py: Python<'_>, o: enkash::Order) -> PyResult<Py<PyAny>> {
        let v = Order {
            amount: to_decimal_opt(py, o.amount)?,
            status: o.status.map(|s| s.as_str().to_owned()),
            order_id: o.order_id,
            created: o.created,
            last_modified: o.last_modified,
        };
        Ok(Py::new(py, v)?.into_any())
    }
}

#[pymethods]
impl Order {
    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("order_id", &self.order_id)?;
        d.set_item("status", &self.status)?;
        d.set_item("amount", self.amount.as_ref().map(|a| a.bind(py)))?;
        d.set_item("created", &self.created)?;
        d.set_item("last_modified", &self.last_modified)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Order(order_id={:?}, status={:?}, amount={})",
            self.order_id,
            self.status,
            repr_opt(py, &self.amount.as_ref().map(|a| a.clone_ref(py)))
        )
    }
}

/// What `check_token()` reports: the expiry, never the token.
#[pyclass(frozen, module = "enkash", get_all)]
pub struct TokenInfo {
    expires_at_ms: Option<i64>,
    cached: bool,
}

impl TokenInfo {
    pub fn into_py(py: Python<'_>, t: enkash::TokenInfo) -> PyResult<Py<PyAny>> {
        Ok(Py::new(
            py,
            TokenInfo {
                expires_at_ms: t.expires_at_ms,
                cached: t.cached,
            },
        )?
        .into_any())
    }
}

#[pymethods]
impl TokenInfo {
    fn __repr__(&self) -> String {
        format!(
            "TokenInfo(expires_at_ms={:?}, cached={})",
            self.expires_at_ms,
            if self.cached { "True" } else { "False" }
        )
    }
}

/// A parsed Payment Notify webhook body (every field optional; amounts are `Decimal`).
#[pyclass(frozen, module = "enkash", get_all)]
pub struct PaymentNotification {
    transaction_id: Option<String>,
    order_id: Option<String>,
    status: Option<String>,
    order_status: Option<String>,
    amount: Option<Py<PyAny>>,
    final_amount: Option<Py<PyAny>>,
    transaction_amount: Option<Py<PyAny>>,
    surcharge: Option<Py<PyAny>>,
    surcharge_gst: Option<Py<PyAny>>,
    mdr: Option<Py<PyAny>>,
    mdr_gst: Option<Py<PyAny>>,
    payment_mode: Option<String>,
    currency: Option<String>,
    bank_code: Option<String>,
    bank_name: Option<String>,
    card_scheme: Option<String>,
    masked_card_number: Option<String>,
    card_holder_name: Option<String>,
    bank_transaction_id: Option<String>,
    unique_transaction_id: Option<String>,
    message: Option<String>,
    txn_date: Option<String>,
    checksum: Option<String>,
    payment_token: Option<String>,
}

#[pymethods]
impl PaymentNotification {
    /// The fields as a plain dict (`payment_token` included: handle it as a secret).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let dec = |v: &Option<Py<PyAny>>| v.as_ref().map(|a| a.clone_ref(py));
        d.set_item("transaction_id", &self.transaction_id)?;
        d.set_item("order_id", &self.order_id)?;
        d.set_item("status", &self.status)?;
        d.set_item("order_status", &self.order_status)?;
        d.set_item("amount", dec(&self.amount))?;
        d.set_item("final_amount", dec(&self.final_amount))?;
        d.set_item("transaction_amount", dec(&self.transaction_amount))?;
        d.set_item("surcharge", dec(&self.surcharge))?;
        d.set_item("surcharge_gst", dec(&self.surcharge_gst))?;
        d.set_item("mdr", dec(&self.mdr))?;
        d.set_item("mdr_gst", dec(&self.mdr_gst))?;
        d.set_item("payment_mode", &self.payment_mode)?;
        d.set_item("currency", &self.currency)?;
        d.set_item("bank_code", &self.bank_code)?;
        d.set_item("bank_name", &self.bank_name)?;
        d.set_item("card_scheme", &self.card_scheme)?;
        d.set_item("masked_card_number", &self.masked_card_number)?;
        d.set_item("card_holder_name", &self.card_holder_name)?;
        d.set_item("bank_transaction_id", &self.bank_transaction_id)?;
        d.set_item("unique_transaction_id", &self.unique_transaction_id)?;
        d.set_item("message", &self.message)?;
        d.set_item("txn_date", &self.txn_date)?;
        d.set_item("checksum", &self.checksum)?;
        d.set_item("payment_token", &self.payment_token)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PaymentNotification(transaction_id={:?}, order_id={:?}, status={:?}, amount={}, payment_token={})",
            self.transaction_id,
            self.order_id,
            self.status,
            repr_opt(py, &self.amount.as_ref().map(|a| a.clone_ref(py))),
            if self.payment_token.is_some() { "'***'" } else { "None" }
        )
    }
}

/// Parses a Payment Notify body (the raw bytes received) leniently.
#[pyfunction]
pub fn parse_payment_notification(py: Python<'_>, body: &[u8]) -> PyResult<PaymentNotification> {
    let n = enkash::parse_payment_notification(body).map_err(|e| to_py_err(py, e))?;
    let d = |v| to_decimal_opt(py, v);
    Ok(PaymentNotification {
        amount: d(n.amount)?,
        final_amount: d(n.final_amount)?,
        transaction_amount: d(n.transaction_amount)?,
        surcharge: d(n.surcharge)?,
        surcharge_gst: d(n.surcharge_gst)?,
        mdr: d(n.mdr)?,
        mdr_gst: d(n.mdr_gst)?,
        status: n.status.map(|s| s.as_str().to_owned()),
        order_status: n.order_status.map(|s| s.as_str().to_owned()),
        payment_mode: n.payment_mode.map(|s| s.as_str().to_owned()),
        transaction_id: n.transaction_id,
        order_id: n.order_id,
        currency: n.currency,
        bank_code: n.bank_code,
        bank_name: n.bank_name,
        card_scheme: n.card_scheme,
        masked_card_number: n.masked_card_number,
        card_holder_name: n.card_holder_name,
        bank_transaction_id: n.bank_transaction_id,
        unique_transaction_id: n.unique_transaction_id,
        message: n.message,
        txn_date: n.txn_date,
        checksum: n.checksum,
        payment_token: n.payment_token,
    })
}
