//! Refunds: create exactly once ([`create`]), judge what an answer proves ([`evidence`]), find
//! again and wait for a final status ([`lookup`]); what a caller passes in ([`request`]).

mod create;
mod evidence;
mod lookup;
mod request;

pub use request::{new_request_id, RefundOptions, RefundQuery};
