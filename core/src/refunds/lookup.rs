//! Finding a refund again by its `requestId`: the configured lookup (the INFERRED enquiry, or
//! documented endpoints only), and waiting for a final status.

use std::time::Duration;

use http::Method;
use tracing::Instrument;

use super::evidence::{weigh, Evidence};
use super::request::RefundQuery;
use crate::client::Client;
use crate::config::RefundLookup;
use crate::envelope::require_status;
use crate::error::{Error, ErrorKind};
use crate::models::Refund;
use crate::transport::{ApiRequest, Deadline};
use crate::wire;

/// What a reconciliation lookup established.
pub(super) enum Lookup {
    Found(Box<Refund>),
    /// The gateway positively said no refund with this `requestId` exists.
    Absent,
    /// Could not tell.
    Unknown(Error),
}

impl Client {
    /// Looks a refund up through the configured [`RefundLookup`].
    pub(super) async fn lookup(
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
            body: Some(body.into()),
            route: "refund_enquiry",
        };
        let wire: wire::WireTransaction = self.inner.call(&request, deadline).await?;
        match weigh(wire, transaction_id, request_id, None, false) {
            Evidence::Ours(refund) => Ok(*refund),
            Evidence::Nothing(why) => Err(Error::new(
                ErrorKind::Decode,
                format!("refund_enquiry: the answer {why}, so it proves nothing about this refund"),
            )),
        }
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
            .lookup(&query.transaction_id, &query.request_id, deadline)
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
                query.refund_transaction_id =
                    refund.refund_transaction_id.as_deref().map(str::to_owned);
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
