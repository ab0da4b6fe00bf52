//! Refunds: create exactly once, look up, wait for a final status.

use std::time::Duration;

use http::Method;
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use tracing::Instrument;

use crate::client::Client;
use crate::config::{AmountEncoding, RefundLookup};
use crate::envelope::require_status;
use crate::error::{Error, ErrorKind};
use crate::models::Refund;
use crate::money::Amount;
use crate::retry::RetryDriver;
use crate::transport::{ApiRequest, Deadline, Failure};
use crate::{validate, wire};

/// Optional parts of a refund request.
///
/// ```
/// let opts = enkash::RefundOptions::new().request_id("ORDER-42-REFUND-1").remarks("damaged");
/// assert_eq!(opts.request_id.as_deref(), Some("ORDER-42-REFUND-1"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundOptions {
    /// Idempotency key; generated when absent. Reuse it to retry the same refund safely.
    pub request_id: Option<String>,
    /// Free-text reason.
    pub remarks: Option<String>,
    /// Look the refund up before the first send, and send only if it provably does not exist.
    /// Use it when resuming work that may already have been sent (after `OutcomeUnknown`, a crash,
    /// or a re-run of a batch): it turns a retry into a safe one.
    pub reconcile_first: bool,
}

impl RefundOptions {
    /// No request id (one is generated) and no remarks.
    pub fn new() -> RefundOptions {
        RefundOptions::default()
    }
    /// Sets the `requestId` (1–64 of `A-Z a-z 0-9 - _ .`).
    pub fn request_id(mut self, id: impl Into<String>) -> RefundOptions {
        self.request_id = Some(id.into());
        self
    }
    /// Sets the remarks (≤ 255 characters).
    pub fn remarks(mut self, remarks: impl Into<String>) -> RefundOptions {
        self.remarks = Some(remarks.into());
        self
    }
    /// Looks the refund up before sending (see [`RefundOptions::reconcile_first`]); needs a
    /// `request_id`.
    pub fn reconcile_first(mut self, yes: bool) -> RefundOptions {
        self.reconcile_first = yes;
        self
    }
}

/// Identifies a refund to look up: the original payment plus the refund's `requestId`, and the
/// refund's own transaction id when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundQuery {
    /// The original payment's `transactionId`.
    pub transaction_id: String,
    /// The refund's `requestId`.
    pub request_id: String,
    /// The refund transaction id returned at creation, if any.
    pub refund_transaction_id: Option<String>,
}

impl RefundQuery {
    /// A query by original transaction id and request id.
    pub fn new(transaction_id: impl Into<String>, request_id: impl Into<String>) -> RefundQuery {
        RefundQuery {
            transaction_id: transaction_id.into(),
            request_id: request_id.into(),
            refund_transaction_id: None,
        }
    }

    /// A query from the three parts a host language passes (the binding's lookup arguments).
    pub fn from_parts(
        transaction_id: impl Into<String>,
        request_id: impl Into<String>,
        refund_transaction_id: Option<String>,
    ) -> RefundQuery {
        RefundQuery::new(transaction_id, request_id)
            .with_optional_refund_transaction_id(refund_transaction_id)
    }

    /// Sets or clears the refund's own transaction id.
    pub fn with_optional_refund_transaction_id(mut self, id: Option<String>) -> RefundQuery {
        self.refund_transaction_id = id;
        self
    }

    /// Adds the refund's own transaction id.
    pub fn with_refund_transaction_id(mut self, id: impl Into<String>) -> RefundQuery {
        self.refund_transaction_id = Some(id.into());
        self
    }

    fn validate(&self) -> Result<(), Error> {
        validate::id("transaction_id", &self.transaction_id)?;
        validate::id("request_id", &self.request_id)?;
        if let Some(r) = &self.refund_transaction_id {
            validate::id("refund_transaction_id", r)?;
        }
        Ok(())
    }
}

/// What a reconciliation lookup established.
enum Lookup {
    Found(Box<Refund>),
    /// The gateway positively said no refund with this `requestId` exists.
    Absent,
    /// Could not tell.
    Unknown(Error),
}

impl Client {
    /// Refunds `amount` of the successful payment `transaction_id`, exactly once.
    ///
    /// The `requestId` (given or generated) is sent on every attempt. After an ambiguous failure
    /// (timeout, reset after sending, 5xx) the refund is looked up first and sent again only if
    /// the gateway says it does not exist; if that cannot be settled the error is
    /// [`ErrorKind::OutcomeUnknown`] carrying the `requestId`.
    pub async fn refund(
        &self,
        transaction_id: &str,
        amount: Amount,
        options: RefundOptions,
    ) -> Result<Refund, Error> {
        validate::id("transaction_id", transaction_id)?;
        if let Some(r) = &options.request_id {
            validate::id("request_id", r)?;
        }
        if let Some(r) = &options.remarks {
            validate::remarks(r)?;
        }
        if options.reconcile_first && options.request_id.is_none() {
            return Err(Error::invalid(
                "request_id",
                "is required with reconcile_first (a new request id cannot have been sent before)",
            ));
        }
        let request_id = options
            .request_id
            .clone()
            .unwrap_or_else(validate::new_request_id);
        let span = tracing::info_span!("enkash.refund", transaction_id, request_id = %request_id, amount = %amount);
        self.refund_inner(
            transaction_id,
            amount,
            &request_id,
            options.remarks.as_deref(),
            options.reconcile_first,
        )
        .instrument(span)
        .await
        .map_err(|e| {
            if e.request_id().is_none() {
                e.with_request_id(request_id.clone())
            } else {
                e
            }
        })
    }

    async fn refund_inner(
        &self,
        transaction_id: &str,
        amount: Amount,
        request_id: &str,
        remarks: Option<&str>,
        reconcile_first: bool,
    ) -> Result<Refund, Error> {
        let inner = &self.inner;
        let config = inner.config();
        let deadline = Deadline::after(config.total_timeout);
        if reconcile_first {
            match self
                .lookup_for_reconcile(transaction_id, request_id, deadline)
                .await
            {
                Lookup::Found(refund) => {
                    tracing::info!("refund already exists; not sending");
                    return check_same_refund(*refund, amount.as_decimal(), request_id);
                }
                Lookup::Absent => {}
                Lookup::Unknown(e) => {
                    return Err(Error::new(
                        ErrorKind::OutcomeUnknown,
                        format!(
                            "refund: could not check whether it already exists ({}); nothing sent",
                            e.message()
                        ),
                    )
                    .with_source(e))
                }
            }
        }
        let amount_text = match config.amount_encoding {
            AmountEncoding::Number => amount.to_wire(),
            AmountEncoding::String => format!("\"{}\"", amount.to_wire()),
        };
        let amount_raw = RawValue::from_string(amount_text)
            .map_err(|e| Error::new(ErrorKind::Internal, "amount encoding").with_source(e))?;
        // Serialized once: every attempt sends these exact bytes, with this requestId.
        let body = serde_json::to_vec(&wire::RefundBody {
            amount: &amount_raw,
            remarks,
            request_id,
        })
        .map_err(|e| Error::new(ErrorKind::Internal, "refund encoding").with_source(e))?;
        let request = ApiRequest {
            method: Method::POST,
            path: wire::fill_path(wire::PATH_REFUND, "transactionId", transaction_id),
            body: Some(body),
            route: "refund",
        };
        let requested = amount.as_decimal();
        let mut retries = RetryDriver::new(&config.retry);
        let mut refreshed = false;
        loop {
            let token = inner.tokens.get(&inner.transport, deadline).await?;
            let Some(attempt_timeout) = deadline.attempt_timeout(config.request_timeout) else {
                return Err(deadline.timeout_error("refund"));
            };
            tracing::debug!(attempt = retries.retries_used(), "sending refund");
            let outcome = inner
                .transport
                .send_once(&request, Some(&token), &[], attempt_timeout)
                .await
                .and_then(|reply| {
                    inner.transport.decode_reply::<wire::WireTransaction>(
                        &reply,
                        "refund",
                        Some(&token),
                    )
                });
            let (error, retry_after, stale) = match outcome {
                Ok(decoded) => {
                    let wire = decoded.map_err(|e| {
                            // Accepted (response_code 0) but unreadable: it was applied.
                            Error::new(
                                ErrorKind::OutcomeUnknown,
                                "refund: accepted by the gateway but the answer could not be read; look it up by request_id",
                            )
                            .with_source(e)
                        })?;
                    let refund =
                        Refund::from_wire(wire, transaction_id, request_id, Some(requested), None);
                    tracing::info!(status = %refund.status, "refund accepted");
                    return Ok(refund);
                }
                Err(Failure::Rejected(e))
                    if e.kind() == ErrorKind::Authentication && !refreshed =>
                {
                    // A rejected token means the refund was not processed: refresh and resend.
                    inner.tokens.invalidate(&token);
                    refreshed = true;
                    continue;
                }
                Err(Failure::Rejected(e)) if e.is_duplicate_request() => {
                    tracing::info!("gateway reports requestId already used; reconciling");
                    return self
                        .settle_duplicate(transaction_id, request_id, requested, deadline, e)
                        .await;
                }
                Err(Failure::Rejected(e)) if e.kind() == ErrorKind::RateLimited => {
                    let ra = e.retry_after();
                    (e, ra, false)
                }
                Err(Failure::Rejected(e)) => return Err(e),
                Err(Failure::NotSent(e)) => (e, None, false),
                Err(Failure::Ambiguous {
                    error,
                    stale_connection,
                }) => {
                    tracing::warn!(error = %error, "refund outcome ambiguous; reconciling before any resend");
                    match self
                        .lookup_for_reconcile(transaction_id, request_id, deadline)
                        .await
                    {
                        Lookup::Found(refund) => {
                            return check_same_refund(*refund, requested, request_id)
                        }
                        Lookup::Absent => (error, None, stale_connection),
                        Lookup::Unknown(lookup_error) => {
                            return Err(outcome_unknown(&error, &lookup_error))
                        }
                    }
                }
            };
            // Here the refund is known not to have been applied: resending is safe.
            let Some(delay) = retries.next_delay(retry_after, stale) else {
                return Err(error);
            };
            tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, "refund not applied; resending with the same requestId");
            if !deadline.sleep_if_time(delay).await {
                return Err(error);
            }
        }
    }

    async fn settle_duplicate(
        &self,
        transaction_id: &str,
        request_id: &str,
        requested: Decimal,
        deadline: Deadline,
        duplicate: Error,
    ) -> Result<Refund, Error> {
        match self
            .lookup_for_reconcile(transaction_id, request_id, deadline)
            .await
        {
            Lookup::Found(refund) => check_same_refund(*refund, requested, request_id),
            Lookup::Absent => Err(Error::new(
                ErrorKind::OutcomeUnknown,
                "refund: the gateway reports this requestId as used, but no refund with it was found",
            )
            .with_source(duplicate)),
            Lookup::Unknown(e) => Err(outcome_unknown(&duplicate, &e)),
        }
    }

    /// Looks a refund up through the configured [`RefundLookup`].
    async fn lookup_for_reconcile(
        &self,
        transaction_id: &str,
        request_id: &str,
        deadline: Deadline,
    ) -> Lookup {
        match &self.config().refund_lookup {
            RefundLookup::TransactionStatusOnly => Lookup::Unknown(Error::new(
                ErrorKind::OutcomeUnknown,
                "no refund-enquiry endpoint configured (RefundLookup::TransactionStatusOnly), so absence cannot be proven",
            )),
            RefundLookup::Enquiry { path } => {
                match self
                    .enquire(path, transaction_id, request_id, deadline)
                    .await
                {
                    Ok(refund) => Lookup::Found(Box::new(refund)),
                    Err(e)
                        if e.kind() == ErrorKind::NotFound
                            && e.response_code() == Some(wire::CODE_NOT_FOUND) =>
                    {
                        Lookup::Absent
                    }
                    Err(e) => Lookup::Unknown(e),
                }
            }
        }
    }

    async fn enquire(
        &self,
        path: &str,
        transaction_id: &str,
        request_id: &str,
        deadline: Deadline,
    ) -> Result<Refund, Error> {
        let body = serde_json::to_vec(&wire::RefundEnquiryBody {
            transaction_id,
            request_id,
        })
        .map_err(|e| Error::new(ErrorKind::Internal, "enquiry encoding").with_source(e))?;
        let request = ApiRequest {
            method: Method::POST,
            path: path.to_owned(),
            body: Some(body),
            route: "refund_enquiry",
        };
        let wire: wire::WireTransaction = self.inner.call(&request, deadline).await?;
        Ok(Refund::from_wire(
            wire,
            transaction_id,
            request_id,
            None,
            None,
        ))
    }

    /// Looks a refund up by `requestId` and says whether it exists: `Ok(None)` only when the gateway
    /// positively answers that no refund with this `requestId` exists (proof of absence);
    /// any doubt is an error.
    pub async fn find_refund(&self, query: &RefundQuery) -> Result<Option<Refund>, Error> {
        query.validate()?;
        if query.refund_transaction_id.is_some() {
            return self.get_refund(query).await.map(Some);
        }
        let deadline = Deadline::after(self.config().total_timeout);
        match self
            .lookup_for_reconcile(&query.transaction_id, &query.request_id, deadline)
            .await
        {
            Lookup::Found(r) => Ok(Some(*r)),
            Lookup::Absent => Ok(None),
            Lookup::Unknown(e) => Err(e.with_request_id(query.request_id.clone())),
        }
    }

    /// Looks a refund up: by its refund transaction id when known (documented
    /// `GET /api/v0/payment/{id}`), otherwise through the configured [`RefundLookup`].
    pub async fn get_refund(&self, query: &RefundQuery) -> Result<Refund, Error> {
        query.validate()?;
        let deadline = Deadline::after(self.config().total_timeout);
        let span = tracing::info_span!("enkash.get_refund", request_id = %query.request_id);
        async {
            if let Some(refund_txn) = &query.refund_transaction_id {
                let request = ApiRequest {
                    method: Method::GET,
                    path: wire::fill_path(wire::PATH_TRANSACTION, "transactionId", refund_txn),
                    body: None,
                    route: "get_refund",
                };
                let wire: wire::WireTransaction = self.inner.call(&request, deadline).await?;
                require_status(wire.status.as_deref(), "get_refund")?;
                return Ok(Refund::from_wire(
                    wire,
                    &query.transaction_id,
                    &query.request_id,
                    None,
                    Some(refund_txn),
                ));
            }
            match &self.config().refund_lookup {
                RefundLookup::Enquiry { path } => {
                    self.enquire(path, &query.transaction_id, &query.request_id, deadline)
                        .await
                }
                RefundLookup::TransactionStatusOnly => Err(Error::invalid(
                    "refund_transaction_id",
                    "is required when the client uses RefundLookup::TransactionStatusOnly",
                )),
            }
        }
        .instrument(span)
        .await
        .map_err(|e| e.with_request_id(query.request_id.clone()))
    }

    /// Polls [`Client::get_refund`] with backoff (0.25 s doubling to 5 s) until the refund is
    /// succeeded or failed, or `timeout` passes ([`ErrorKind::Timeout`] with the `requestId`).
    pub async fn wait_for_refund(
        &self,
        query: &RefundQuery,
        timeout: Duration,
    ) -> Result<Refund, Error> {
        query.validate()?;
        let deadline = Deadline::after(timeout);
        let mut query = query.clone();
        let mut interval = Duration::from_millis(250);
        loop {
            let refund =
                match tokio::time::timeout(deadline.remaining(), self.get_refund(&query)).await {
                    Ok(r) => r?,
                    Err(_) => break,
                };
            if refund.status.is_terminal() {
                return Ok(refund);
            }
            if query.refund_transaction_id.is_none() {
                query.refund_transaction_id = refund.refund_transaction_id.clone();
            }
            tracing::debug!(status = %refund.raw_status, "refund not final yet");
            if !deadline.sleep_if_time(interval).await {
                break;
            }
            interval = (interval * 2).min(Duration::from_secs(5));
        }
        Err(Error::new(
            ErrorKind::Timeout,
            format!(
                "refund did not reach a final status within {:.1}s",
                timeout.as_secs_f64()
            ),
        )
        .with_request_id(query.request_id))
    }
}

fn check_same_refund(
    refund: Refund,
    requested: Decimal,
    request_id: &str,
) -> Result<Refund, Error> {
    if !refund.amount.is_zero() && refund.amount.normalize() != requested.normalize() {
        return Err(Error::invalid(
            "request_id",
            format!(
                "was already used for a refund of {} (this request asked for {requested}); use a new request_id for a different refund",
                refund.amount.normalize()
            ),
        )
        .with_request_id(request_id));
    }
    Ok(refund)
}

fn outcome_unknown(original: &Error, lookup: &Error) -> Error {
    Error::new(
        ErrorKind::OutcomeUnknown,
        format!(
            "refund may or may not have been applied ({}; lookup: {}); look it up by request_id before retrying",
            original.message(),
            lookup.message()
        ),
    )
    .with_source(original.clone())
}
