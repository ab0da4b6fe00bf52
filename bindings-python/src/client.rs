//! `enkash.Client` (blocking, GIL released while waiting) and `enkash.AsyncClient` (asyncio).
//! Both build the same jobs on the core's async client; only how they wait differs.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use enkash::{Config, ConfigBuilder, Environment, RefundLookup, RefundOptions, RefundQuery};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::convert;
use crate::errors::to_py_err;
use crate::models::{Order, Refund, TokenInfo, Transaction};
use crate::runtime::{block_on, runtime, spawn_async};

/// Options accepted as keywords by both clients (besides access_key / secret_key).
const OPTIONS: &[&str] = &[
    "environment",
    "base_url",
    "timeout",
    "connect_timeout",
    "request_timeout",
    "max_retries",
    "initial_backoff",
    "max_backoff",
    "max_retry_after",
    "proxy",
    "extra_root_ca_pem",
    "user_agent_suffix",
    "token_refresh_skew",
    "refund_lookup",
    "refund_enquiry_path",
    "merchant_access_key",
];

fn build_config(
    py: Python<'_>,
    access_key: Option<String>,
    secret_key: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
    from_env: bool,
) -> PyResult<Config> {
    let err = |e| to_py_err(py, e);
    let mut b: ConfigBuilder = if from_env {
        Config::builder_from_env().map_err(err)?
    } else {
        Config::builder()
    };
    if let Some(v) = access_key {
        b = b.access_key(v);
    }
    if let Some(v) = secret_key {
        b = b.secret_key(v);
    }
    let mut lookup_mode: Option<String> = None;
    let mut enquiry_path: Option<String> = None;
    if let Some(opts) = options {
        for (k, v) in opts.iter() {
            let key: String = k.extract()?;
            if !OPTIONS.contains(&key.as_str()) {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument {key:?}; options are {}",
                    OPTIONS.join(", ")
                )));
            }
            if v.is_none() {
                continue;
            }
            let secs = |field: &'static str| -> PyResult<std::time::Duration> {
                convert::seconds(py, field, v.extract::<f64>()?)
            };
            b = match key.as_str() {
                "environment" => {
                    b.environment(Environment::parse(&v.extract::<String>()?).map_err(err)?)
                }
                "base_url" => b.base_url(v.extract::<String>()?),
                "timeout" => b.total_timeout(secs("timeout")?),
                "connect_timeout" => b.connect_timeout(secs("connect_timeout")?),
                "request_timeout" => b.request_timeout(secs("request_timeout")?),
                "max_retries" => b.max_retries(v.extract()?),
                "initial_backoff" => b.initial_backoff(secs("initial_backoff")?),
                "max_backoff" => b.max_backoff(secs("max_backoff")?),
                "max_retry_after" => b.max_retry_after(secs("max_retry_after")?),
                "proxy" => b.proxy(v.extract::<String>()?),
                "extra_root_ca_pem" => b.extra_root_ca_pem(v.extract::<Vec<u8>>()?),
                "user_agent_suffix" => b.user_agent_suffix(v.extract::<String>()?),
                "token_refresh_skew" => b.token_refresh_skew(secs("token_refresh_skew")?),
                "refund_lookup" => {
                    lookup_mode = Some(v.extract()?);
                    b
                }
                "refund_enquiry_path" => {
                    enquiry_path = Some(v.extract()?);
                    b
                }
                "merchant_access_key" => b.merchant_access_key(v.extract::<String>()?),
                _ => b,
            };
        }
    }
    if let Some(lookup) =
        RefundLookup::from_name(lookup_mode.as_deref(), enquiry_path).map_err(err)?
    {
        b = b.refund_lookup(lookup);
    }
    b.user_agent_suffix(concat!("enkash-python/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(err)
}

/// The configuration plus a core client for the current process (rebuilt after `fork()`).
struct Core {
    config: Config,
    handle: Mutex<Option<(u32, enkash::Client)>>,
    closed: AtomicBool,
}

impl Core {
    fn new(config: Config) -> Core {
        Core {
            config,
            handle: Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }

    fn client(&self) -> PyResult<enkash::Client> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Python::attach(|py| {
                to_py_err(
                    py,
                    enkash::Error::new(enkash::ErrorKind::Usage, "the client is closed"),
                )
            }));
        }
        let pid = std::process::id();
        let mut slot = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, c)) = slot.as_ref() {
            if *owner == pid {
                return Ok(c.clone());
            }
        }
        if let Some(stale) = slot.take() {
            // The parent's connections belong to the parent: never touch them here.
            std::mem::forget(stale);
        }
        let rt = runtime()?;
        let _enter = rt.enter();
        let c = enkash::Client::new(self.config.clone())
            .map_err(|e| Python::attach(|py| to_py_err(py, e)))?;
        *slot = Some((pid, c.clone()));
        Ok(c)
    }

    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let mut slot = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, c)) = slot.take() {
            if owner == std::process::id() {
                drop(c);
            } else {
                std::mem::forget(c);
            }
        }
    }

    fn repr(&self, name: &str) -> String {
        format!(
            "<enkash.{name} base_url={:?}{}>",
            self.config.base_url(),
            if self.closed.load(Ordering::SeqCst) {
                " closed"
            } else {
                ""
            }
        )
    }
}

/// What a job produces; converted to Python objects once it is done.
enum Done {
    Refund(enkash::Refund),
    MaybeRefund(Option<enkash::Refund>),
    Transaction(enkash::Transaction),
    Order(enkash::Order),
    Token(enkash::TokenInfo),
}

type Job = Pin<Box<dyn Future<Output = Result<Done, enkash::Error>> + Send>>;

fn done_to_py(py: Python<'_>, done: Done) -> PyResult<Py<PyAny>> {
    match done {
        Done::Refund(r) => Refund::into_py(py, r),
        Done::MaybeRefund(Some(r)) => Refund::into_py(py, r),
        Done::MaybeRefund(None) => Ok(py.None()),
        Done::Transaction(t) => Transaction::into_py(py, t),
        Done::Order(o) => Order::into_py(py, o),
        Done::Token(t) => TokenInfo::into_py(py, t),
    }
}

fn query(
    transaction_id: String,
    request_id: String,
    refund_transaction_id: Option<String>,
) -> RefundQuery {
    RefundQuery::new(transaction_id, request_id)
        .with_optional_refund_transaction_id(refund_transaction_id)
}

/// The jobs both clients run (argument conversion happens here, before anything is sent).
mod jobs {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    pub fn refund(
        py: Python<'_>,
        core: &Core,
        transaction_id: String,
        amount: &Bound<'_, PyAny>,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> PyResult<Job> {
        let amount = convert::amount(py, amount)?;
        let client = core.client()?;
        let mut options = RefundOptions::new().reconcile_first(reconcile_first);
        options.request_id = request_id;
        options.remarks = remarks;
        Ok(Box::pin(async move {
            client
                .refund(&transaction_id, amount, options)
                .await
                .map(Done::Refund)
        }))
    }

    pub fn get_refund(core: &Core, q: RefundQuery) -> PyResult<Job> {
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.get_refund(&q).await.map(Done::Refund)
        }))
    }

    pub fn find_refund(core: &Core, q: RefundQuery) -> PyResult<Job> {
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.find_refund(&q).await.map(Done::MaybeRefund)
        }))
    }

    pub fn wait_for_refund(
        py: Python<'_>,
        core: &Core,
        q: RefundQuery,
        timeout: f64,
    ) -> PyResult<Job> {
        let timeout = convert::seconds(py, "timeout", timeout)?;
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.wait_for_refund(&q, timeout).await.map(Done::Refund)
        }))
    }

    pub fn get_transaction(core: &Core, id: String) -> PyResult<Job> {
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.get_transaction(&id).await.map(Done::Transaction)
        }))
    }

    pub fn get_order(core: &Core, id: String) -> PyResult<Job> {
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.get_order(&id).await.map(Done::Order)
        }))
    }

    pub fn check_token(core: &Core) -> PyResult<Job> {
        let client = core.client()?;
        Ok(Box::pin(async move {
            client.check_token().await.map(Done::Token)
        }))
    }
}

fn run(py: Python<'_>, job: PyResult<Job>) -> PyResult<Py<PyAny>> {
    let done = block_on(py, job?)?;
    done_to_py(py, done)
}

fn start<'py>(py: Python<'py>, job: PyResult<Job>) -> PyResult<Bound<'py, PyAny>> {
    spawn_async(py, job?, done_to_py)
}

fn ready<'py>(py: Python<'py>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    py.import("enkash._aio")?.call_method1("ready", (value,))
}

/// Blocking EnKash client. Thread-safe; the GIL is released while it waits on the network.
#[pyclass(frozen, module = "enkash")]
pub struct Client {
    core: Core,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (access_key=None, secret_key=None, **options))]
    fn new(
        py: Python<'_>,
        access_key: Option<String>,
        secret_key: Option<String>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Client> {
        Ok(Client {
            core: Core::new(build_config(py, access_key, secret_key, options, false)?),
        })
    }

    /// A client from ENKASH_ACCESS_KEY / ENKASH_SECRET_KEY / ENKASH_BASE_URL / ENKASH_ENVIRONMENT;
    /// keyword options override.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn from_env(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Client> {
        Ok(Client {
            core: Core::new(build_config(py, None, None, options, true)?),
        })
    }

    /// Refunds `amount` (Decimal, int rupees or str) of a successful payment, exactly once.
    #[pyo3(signature = (transaction_id, amount, *, request_id=None, remarks=None, reconcile_first=false))]
    fn refund(
        &self,
        py: Python<'_>,
        transaction_id: String,
        amount: &Bound<'_, PyAny>,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> PyResult<Py<PyAny>> {
        run(
            py,
            jobs::refund(
                py,
                &self.core,
                transaction_id,
                amount,
                request_id,
                remarks,
                reconcile_first,
            ),
        )
    }

    /// Looks a refund up by the original transaction id and its request id.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None))]
    fn get_refund(
        &self,
        py: Python<'_>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(
            py,
            jobs::get_refund(
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
            ),
        )
    }

    /// The refund, or None only when the gateway proves it does not exist.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None))]
    fn find_refund(
        &self,
        py: Python<'_>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(
            py,
            jobs::find_refund(
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
            ),
        )
    }

    /// Polls until the refund succeeds or fails, or `timeout` seconds pass.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None, timeout=60.0))]
    fn wait_for_refund(
        &self,
        py: Python<'_>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout: f64,
    ) -> PyResult<Py<PyAny>> {
        run(
            py,
            jobs::wait_for_refund(
                py,
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
                timeout,
            ),
        )
    }

    /// Status of a payment (or refund) transaction.
    fn get_transaction(&self, py: Python<'_>, transaction_id: String) -> PyResult<Py<PyAny>> {
        run(py, jobs::get_transaction(&self.core, transaction_id))
    }

    /// Status of an order.
    fn get_order(&self, py: Python<'_>, order_id: String) -> PyResult<Py<PyAny>> {
        run(py, jobs::get_order(&self.core, order_id))
    }

    /// Gets (or reuses) a token; reports its expiry, never the token.
    fn check_token(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        run(py, jobs::check_token(&self.core))
    }

    /// The base URL in use.
    #[getter]
    fn base_url(&self) -> String {
        self.core.config.base_url().to_owned()
    }

    /// True after `close()`.
    #[getter]
    fn closed(&self) -> bool {
        self.core.closed.load(Ordering::SeqCst)
    }

    /// Releases the connection pool; later calls raise UsageError.
    fn close(&self) {
        self.core.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> bool {
        self.core.close();
        false
    }

    fn __repr__(&self) -> String {
        self.core.repr("Client")
    }
}

/// asyncio EnKash client: methods return awaitables on the running loop; cancelling the awaiting
/// task cancels the request.
#[pyclass(frozen, module = "enkash")]
pub struct AsyncClient {
    core: Core,
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (access_key=None, secret_key=None, **options))]
    fn new(
        py: Python<'_>,
        access_key: Option<String>,
        secret_key: Option<String>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<AsyncClient> {
        Ok(AsyncClient {
            core: Core::new(build_config(py, access_key, secret_key, options, false)?),
        })
    }

    /// A client from the ENKASH_* environment variables; keyword options override.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn from_env(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<AsyncClient> {
        Ok(AsyncClient {
            core: Core::new(build_config(py, None, None, options, true)?),
        })
    }

    /// Refunds `amount` (Decimal, int rupees or str) of a successful payment, exactly once.
    #[pyo3(signature = (transaction_id, amount, *, request_id=None, remarks=None, reconcile_first=false))]
    fn refund<'py>(
        &self,
        py: Python<'py>,
        transaction_id: String,
        amount: &Bound<'py, PyAny>,
        request_id: Option<String>,
        remarks: Option<String>,
        reconcile_first: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        start(
            py,
            jobs::refund(
                py,
                &self.core,
                transaction_id,
                amount,
                request_id,
                remarks,
                reconcile_first,
            ),
        )
    }

    /// Looks a refund up by the original transaction id and its request id.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None))]
    fn get_refund<'py>(
        &self,
        py: Python<'py>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        start(
            py,
            jobs::get_refund(
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
            ),
        )
    }

    /// The refund, or None only when the gateway proves it does not exist.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None))]
    fn find_refund<'py>(
        &self,
        py: Python<'py>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        start(
            py,
            jobs::find_refund(
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
            ),
        )
    }

    /// Polls until the refund succeeds or fails, or `timeout` seconds pass.
    #[pyo3(signature = (transaction_id, request_id, *, refund_transaction_id=None, timeout=60.0))]
    fn wait_for_refund<'py>(
        &self,
        py: Python<'py>,
        transaction_id: String,
        request_id: String,
        refund_transaction_id: Option<String>,
        timeout: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        start(
            py,
            jobs::wait_for_refund(
                py,
                &self.core,
                query(transaction_id, request_id, refund_transaction_id),
                timeout,
            ),
        )
    }

    /// Status of a payment (or refund) transaction.
    fn get_transaction<'py>(
        &self,
        py: Python<'py>,
        transaction_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        start(py, jobs::get_transaction(&self.core, transaction_id))
    }

    /// Status of an order.
    fn get_order<'py>(&self, py: Python<'py>, order_id: String) -> PyResult<Bound<'py, PyAny>> {
        start(py, jobs::get_order(&self.core, order_id))
    }

    /// Gets (or reuses) a token; reports its expiry, never the token.
    fn check_token<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        start(py, jobs::check_token(&self.core))
    }

    /// The base URL in use.
    #[getter]
    fn base_url(&self) -> String {
        self.core.config.base_url().to_owned()
    }

    /// True after `close()`.
    #[getter]
    fn closed(&self) -> bool {
        self.core.closed.load(Ordering::SeqCst)
    }

    /// Releases the connection pool; later calls raise UsageError.
    fn close(&self) {
        self.core.close();
    }

    /// Awaitable `close()`.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.core.close();
        ready(py, py.None().into_bound(py))
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        ready(py, slf.into_any())
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.core.close();
        ready(
            py,
            pyo3::types::PyBool::new(py, false).to_owned().into_any(),
        )
    }

    fn __repr__(&self) -> String {
        self.core.repr("AsyncClient")
    }
}
