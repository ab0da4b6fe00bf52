//! The surface every language binding is built from, defined once.
//!
//! Bindings (Python, Node, Kotlin/Swift) only convert types: the options they accept, the
//! records they return, the error fields they expose, the money text they print and the default
//! wait all come from here.
//!
//! - [`ClientOptions`]: the one options type; [`ClientOptions::into_config`] owns precedence
//!   (`base_url` beats `environment`), defaults and the User-Agent.
//! - Views ([`RefundView`], [`TransactionView`], …): what a call returns, in host-neutral types.
//!   [`for_each_host_model!`](crate::for_each_host_model) lists their fields, so a binding
//!   generates its classes from the list instead of re-declaring them.
//! - [`crate::Error::info`] → [`ErrorInfo`]: every error field plus the flattened cause chain.
//! - [`Money`]: the one money-to-text rule; [`money_from_text`]: the one text-to-money rule.
//! - [`Surface`]: the public operations, options, model fields and error fields, which each
//!   binding's parity test holds its own API against.

mod error_info;
mod money_text;
mod options;
mod secret_text;
mod surface;
mod views;

use std::time::Duration;

pub use error_info::ErrorInfo;
pub use money_text::{money_from_text, Money};
pub use options::{
    duration, ClientOptions, DurationUnit, OptionKind, OptionSpec, OptionType, OptionValue,
};
pub use secret_text::SecretText;
pub use surface::{surface, Surface};
pub use views::{
    utc_text, IssuedTokenView, OrderView, PaymentNotificationView, RefundView, TokenView,
    TransactionView,
};

/// How long `wait_for_refund` polls when the caller gives no timeout.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// The error a host raises when its caller stops waiting for a refund that may already have been
/// sent (an aborted `AbortSignal`): the refund goes on in the background, so its outcome is
/// unknown to this caller — `OutcomeUnknown` with the `requestId` to look it up by.
pub fn refund_left_running(request_id: &str) -> crate::Error {
    crate::Error::new(
        crate::ErrorKind::OutcomeUnknown,
        "refund: the caller stopped waiting; it runs on to its end in the background (never sent twice); look it up by request_id",
    )
    .with_request_id(request_id)
}
