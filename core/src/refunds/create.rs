//! Creating a refund exactly once.
//!
//! One `requestId` on every attempt. After an attempt that may have reached the gateway
//! (timeout, reset after sending, 5xx, an unreadable 2xx) the refund is looked up before anything
//! else; it is sent again only when the gateway proved it absent twice, `reconcile_settle_delay`
//! apart (a gateway may apply a refund shortly after the connection was cut). A 2xx that does not
//! describe this refund, a duplicate refusal, or any refusal after a send that may have landed is
//! settled by a lookup too; whatever a lookup cannot settle is `OutcomeUnknown` carrying the
//! `requestId` — never success, never a final failure. The refund runs to its end even when the
//! caller stops waiting.

use std::time::Duration;

use http::Method;
use serde_json::value::RawValue;
use tracing::Instrument;

use super::evidence::{same_refund, weigh, Evidence};
use super::lookup::Lookup;
use super::request::{new_request_id, RefundOptions};
use crate::client::Client;
use crate::config::{AmountEncoding, Config};
use crate::error::{Error, ErrorKind};
use crate::models::Refund;
use crate::money::Amount;
use crate::retry::RetryDriver;
use crate::transport::{ApiRequest, Deadline, Failure};
use crate::{validate, wire};

/// A refund POST is started only with at least this much time for it (or its whole
/// `request_timeout`, when shorter), and as much again left for the lookup that may follow.
const MIN_POST_TIME: Duration = Duration::from_secs(1);

/// One refund to make, owned so it can outlive the caller's future.
struct RefundJob {
    transaction_id: String,
    amount: Amount,
    request_id: String,
    remarks: Option<String>,
    reconcile_first: bool,
}

impl Client {
    /// Refunds `amount` of the successful payment `transaction_id`, exactly once.
    ///
    /// The `requestId` (given or generated; see [`crate::new_request_id`]) is sent on every
    /// attempt. After an ambiguous failure the refund is looked up before any resend; what cannot
    /// be settled is [`ErrorKind::OutcomeUnknown`] carrying the `requestId` — settle it later with
    /// [`Client::find_refund`].
    ///
    /// Dropping the returned future (a timeout, a cancelled task) does not abandon the refund: it
    /// runs on to its end in the background and its outcome is logged (`tracing`, target
    /// `enkash`). Keep the `requestId` before calling to find it afterwards.
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
        let job = RefundJob {
            transaction_id: transaction_id.to_owned(),
            amount,
            request_id: options.request_id.unwrap_or_else(new_request_id),
            remarks: options.remarks,
            reconcile_first: options.reconcile_first,
        };
        let request_id = job.request_id.clone();
        let span = tracing::info_span!("enkash.refund", transaction_id, request_id = %request_id, amount = %amount);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // Not inside a tokio runtime: nothing to hand the refund to; run it here.
            return self.create(&job).instrument(span).await;
        };
        let client = self.clone();
        let (reply, answer) = tokio::sync::oneshot::channel();
        // Boxed before spawning: the refund's future is a few KB, which the task's cell would
        // otherwise copy whole several times on the way in; a box moves as one pointer.
        runtime.spawn(Box::pin(
            async move {
                let result = client.create(&job).await;
                if let Err(unheard) = reply.send(result) {
                    match unheard {
                        Ok(refund) => tracing::warn!(
                            request_id = %job.request_id,
                            status = %refund.status,
                            refund_transaction_id = refund.refund_transaction_id.as_deref().unwrap_or(""),
                            "refund finished after its caller stopped waiting"
                        ),
                        Err(e) => tracing::warn!(
                            request_id = %job.request_id,
                            error = %e,
                            "refund finished after its caller stopped waiting"
                        ),
                    }
                }
            }
            .instrument(span),
        ));
        answer.await.unwrap_or_else(|_| {
            Err(Error::new(
                ErrorKind::OutcomeUnknown,
                "refund: its task stopped before reporting (the runtime shut down); look it up by request_id",
            )
            .with_request_id(request_id))
        })
    }

    async fn create(&self, job: &RefundJob) -> Result<Refund, Error> {
        self.create_inner(job).await.map_err(|e| {
            if e.request_id().is_none() {
                e.with_request_id(job.request_id.clone())
            } else {
                e
            }
        })
    }

    async fn create_inner(&self, job: &RefundJob) -> Result<Refund, Error> {
        let inner = &self.inner;
        let config = inner.config();
        let deadline = Deadline::after(config.total_timeout);
        let (transaction_id, request_id) = (job.transaction_id.as_str(), job.request_id.as_str());
        let requested = job.amount.as_decimal();
        if job.reconcile_first {
            match self.lookup(transaction_id, request_id, deadline).await {
                Lookup::Found(refund) => {
                    tracing::info!("refund already exists; not sending");
                    return same_refund(*refund, requested, request_id);
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
        let request = refund_request(config, job)?;
        let mut retries = RetryDriver::new(&config.retry);
        let mut refreshed = false;
        // Some POST of ours may have reached the gateway.
        let mut may_have_landed = false;
        // ... and its absence is not proven (only with `gateway_dedupes_request_id`, which resends
        // without proof): stopping now is `OutcomeUnknown`.
        let mut unsettled: Option<Error> = None;
        loop {
            let token = match inner.tokens.get(&inner.transport, deadline).await {
                Ok(t) => t,
                Err(e) => return Err(unknown_if_unsettled(unsettled, e)),
            };
            let Some(attempt_timeout) = post_time(deadline, config.request_timeout) else {
                let e = Error::new(
                    ErrorKind::Timeout,
                    "refund: not enough time left for the request and a lookup after it; not sent",
                );
                return Err(unknown_if_unsettled(unsettled, e));
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
                Ok(Ok(answer)) => {
                    match weigh(answer, transaction_id, request_id, Some(requested), true) {
                        Evidence::Ours(refund) => {
                            tracing::info!(status = %refund.status, "refund accepted");
                            return same_refund(*refund, requested, request_id);
                        }
                        Evidence::Nothing(why) => {
                            // "Already processed", an empty payload: it may have been applied.
                            let e = Error::new(
                                ErrorKind::Decode,
                                format!("refund: the gateway accepted it but its answer {why}"),
                            );
                            return self.settle_or_unknown(job, deadline, e).await;
                        }
                    }
                }
                Ok(Err(unreadable)) => {
                    let e = Error::new(
                        ErrorKind::Decode,
                        "refund: accepted by the gateway but the answer could not be read",
                    )
                    .with_source(unreadable);
                    return self.settle_or_unknown(job, deadline, e).await;
                }
                Err(Failure::Rejected(e))
                    if e.kind() == ErrorKind::Authentication && !refreshed =>
                {
                    // A rejected token means this attempt was not processed: refresh and resend.
                    inner.tokens.invalidate(&token);
                    refreshed = true;
                    continue;
                }
                Err(Failure::Rejected(e)) if e.is_duplicate_request() => {
                    tracing::info!("gateway reports the requestId as used; looking it up");
                    return self.settle_or_unknown(job, deadline, e).await;
                }
                Err(Failure::Rejected(e)) if e.kind() == ErrorKind::RateLimited => {
                    let ra = e.retry_after();
                    (e, ra, false)
                }
                Err(Failure::Rejected(e)) if may_have_landed => {
                    // "Exceeds", "not refundable"… may be about our own earlier POST.
                    tracing::info!(error = %e, "refused after an earlier send that may have landed; looking it up");
                    return match self.lookup(transaction_id, request_id, deadline).await {
                        Lookup::Found(refund) => same_refund(*refund, requested, request_id),
                        Lookup::Absent => Err(e),
                        Lookup::Unknown(lookup) => Err(outcome_unknown(&e, &lookup)),
                    };
                }
                Err(Failure::Rejected(e)) => return Err(e),
                Err(Failure::NotSent(e)) => (e, None, false),
                Err(Failure::Ambiguous {
                    error,
                    stale_connection,
                }) => {
                    tracing::warn!(error = %error, "refund outcome ambiguous; looking it up before any resend");
                    may_have_landed = true;
                    match self.reconcile(job, deadline, &error).await? {
                        Some(refund) => return Ok(refund),
                        None if config.gateway_dedupes_request_id => {
                            // The resend is the lookup: the gateway answers it with the refund
                            // or refuses it as a duplicate.
                            unsettled = Some(error.clone());
                        }
                        None => unsettled = None,
                    }
                    (error, None, stale_connection)
                }
            };
            let Some(delay) = retries.next_delay(retry_after, stale) else {
                return Err(unknown_if_unsettled(unsettled, error));
            };
            tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, "refund not applied; resending with the same requestId");
            if !deadline.sleep_if_time(delay).await {
                return Err(unknown_if_unsettled(unsettled, error));
            }
        }
    }

    /// After an ambiguous attempt: `Some(refund)` when it landed, `None` when a resend is safe
    /// (absent twice, `reconcile_settle_delay` apart; or no lookup can tell and the gateway
    /// dedupes `requestId`), `Err(OutcomeUnknown)` otherwise.
    async fn reconcile(
        &self,
        job: &RefundJob,
        deadline: Deadline,
        error: &Error,
    ) -> Result<Option<Refund>, Error> {
        let config = self.config();
        let (transaction_id, request_id) = (job.transaction_id.as_str(), job.request_id.as_str());
        let requested = job.amount.as_decimal();
        let dedupes = config.gateway_dedupes_request_id;
        match self.lookup(transaction_id, request_id, deadline).await {
            Lookup::Found(refund) => return same_refund(*refund, requested, request_id).map(Some),
            Lookup::Unknown(_) if dedupes => return Ok(None),
            Lookup::Unknown(lookup) => return Err(outcome_unknown(error, &lookup)),
            Lookup::Absent => {}
        }
        // Absent now; a gateway may still apply it a moment later.
        match self.look_again_after_settling(job, deadline).await {
            Lookup::Found(refund) => same_refund(*refund, requested, request_id).map(Some),
            Lookup::Unknown(lookup) => Err(outcome_unknown(error, &lookup)),
            Lookup::Absent => {
                tracing::info!("refund proven absent; resending with the same requestId");
                Ok(None)
            }
        }
    }

    /// The second lookup of a "not found": after `reconcile_settle_delay`, keeping time for it.
    async fn look_again_after_settling(&self, job: &RefundJob, deadline: Deadline) -> Lookup {
        let config = self.config();
        let settle = config.reconcile_settle_delay;
        if settle.is_zero() {
            return Lookup::Absent;
        }
        let floor = config.request_timeout.min(MIN_POST_TIME);
        if deadline.remaining() < settle + floor || !deadline.sleep_if_time(settle).await {
            return Lookup::Unknown(Error::new(
                ErrorKind::Timeout,
                "no time left to confirm the refund's absence after the settle delay",
            ));
        }
        self.lookup(&job.transaction_id, &job.request_id, deadline)
            .await
    }

    /// Settles an answer that does not say whether our refund exists (a duplicate refusal, a 2xx
    /// without our refund): found → the refund; anything else → `OutcomeUnknown`.
    async fn settle_or_unknown(
        &self,
        job: &RefundJob,
        deadline: Deadline,
        cause: Error,
    ) -> Result<Refund, Error> {
        let (transaction_id, request_id) = (job.transaction_id.as_str(), job.request_id.as_str());
        let mut found = self.lookup(transaction_id, request_id, deadline).await;
        if matches!(found, Lookup::Absent) {
            // The gateway says it has it; a refund applied a moment late may show up yet.
            found = self.look_again_after_settling(job, deadline).await;
        }
        match found {
            Lookup::Found(refund) => same_refund(*refund, job.amount.as_decimal(), request_id),
            Lookup::Absent => Err(Error::new(
                ErrorKind::OutcomeUnknown,
                format!(
                    "refund: {}; a lookup found no refund with this requestId, which contradicts it; look it up later by request_id",
                    cause.message()
                ),
            )
            .with_source(cause)),
            Lookup::Unknown(lookup) => Err(outcome_unknown(&cause, &lookup)),
        }
    }
}

/// The POST, serialized once: every attempt sends these exact bytes, with this `requestId`.
fn refund_request(config: &Config, job: &RefundJob) -> Result<ApiRequest, Error> {
    let amount_text = match config.amount_encoding {
        AmountEncoding::Number => job.amount.to_wire(),
        AmountEncoding::String => format!("\"{}\"", job.amount.to_wire()),
    };
    let amount = RawValue::from_string(amount_text)
        .map_err(|e| Error::new(ErrorKind::Internal, "amount encoding").with_source(e))?;
    let body = serde_json::to_vec(&wire::RefundBody {
        amount: &amount,
        remarks: job.remarks.as_deref(),
        request_id: &job.request_id,
    })
    .map_err(|e| Error::new(ErrorKind::Internal, "refund encoding").with_source(e))?;
    Ok(ApiRequest {
        method: Method::POST,
        path: wire::fill_path(wire::PATH_REFUND, "transactionId", &job.transaction_id),
        body: Some(body.into()),
        route: "refund",
    })
}

/// The timeout of the next POST, or `None` when the time left cannot hold a POST of at least
/// `min(request_timeout, 1 s)` plus as much again for a lookup after it.
fn post_time(deadline: Deadline, request_timeout: Duration) -> Option<Duration> {
    let floor = request_timeout.min(MIN_POST_TIME);
    let remaining = deadline.remaining();
    (remaining >= floor * 2).then(|| request_timeout.min(remaining - floor))
}

fn unknown_if_unsettled(unsettled: Option<Error>, error: Error) -> Error {
    match unsettled {
        Some(earlier) => Error::new(
            ErrorKind::OutcomeUnknown,
            format!(
                "refund may or may not have been applied ({}; then: {}); look it up by request_id before retrying",
                earlier.message(),
                error.message()
            ),
        )
        .with_source(earlier),
        None => error,
    }
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
