//! # enkash
//!
//! Client SDK for the EnKash payment gateway ("Olympus PG", India): authorization token,
//! full and partial refunds that happen exactly once, refund tracking, transaction and order
//! lookups, and Payment Notify webhooks. Money is exact ([`Amount`], never a float).
//!
//! ```no_run
//! # async fn run() -> Result<(), enkash::Error> {
//! use enkash::{Amount, Client, Config, Environment, RefundOptions};
//! use std::time::Duration;
//!
//! let client = Client::new(
//!     Config::builder()
//!         .access_key("ak_...")
//!         .secret_key("sk_...")
//!         .environment(Environment::Uat)
//!         .build()?,
//! )?;
//! let refund = client
//!     .refund("EK1743074262175e8KIO", Amount::parse("100.50")?, RefundOptions::new())
//!     .await?;
//! let done = client.wait_for_refund(&refund.query(), Duration::from_secs(60)).await?;
//! println!("refund {} is {}", done.request_id, done.status);
//! # Ok(()) }
//! ```
//!
//! Every path and wire name lives in [`wire`], each with the EnKash page that documents it.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod auth;
pub mod blocking;
mod client;
mod config;
mod envelope;
mod error;
pub mod host;
mod models;
mod money;
mod refunds;
mod retry;
mod secret;
mod tls;
mod token;
mod token_store;
mod transport;
pub mod validate;
mod webhooks;
pub mod wire;

pub use client::Client;
pub use compact_str::CompactString;
pub use config::{AmountEncoding, Config, ConfigBuilder, Environment, RefundLookup};
pub use error::{Error, ErrorKind};
pub use models::{
    parse_timestamp, Order, OrderStatus, PaymentMode, Refund, RefundStatus, Transaction,
    TransactionStatus,
};
pub use money::{Amount, MAX_RUPEES};
pub use refunds::{new_request_id, RefundOptions, RefundQuery};
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use secret::Secret;
pub use tls::{platform_verifier_initialised, TlsRoots};
pub use token::{IssuedToken, TokenFuture, TokenInfo, TokenProvider};
#[cfg(feature = "redis-store")]
pub use token_store::RedisTokenStore;
pub use token_store::{MemoryTokenStore, StoreFuture, StoredToken, TokenStore};
pub use webhooks::{
    parse_and_verify_payment_notification, parse_payment_notification, ChecksumVerifier,
    NoChecksumVerification, PaymentNotification, MAX_NOTIFICATION_BYTES,
};

/// Entry points for the fuzz targets in `fuzz/` (not part of the public API).
#[doc(hidden)]
pub mod __fuzz {
    use std::sync::OnceLock;

    use crate::transport::{Reply, Transport};

    /// The shared decoding-only transport (for the crate's own tests).
    #[cfg(test)]
    pub(crate) fn transport_for_tests() -> &'static Transport {
        transport()
    }

    fn transport() -> &'static Transport {
        static T: OnceLock<Transport> = OnceLock::new();
        T.get_or_init(|| {
            let config = crate::Config::builder()
                .access_key("ak_fuzz")
                .secret_key("sk_fuzz")
                .base_url("http://127.0.0.1:9")
                .build()
                .unwrap_or_else(|e| unreachable!("static config: {e}"));
            Transport::new(config).unwrap_or_else(|e| unreachable!("static transport: {e}"))
        })
    }

    /// Runs a response body through the decoding a real call applies: envelope, payload,
    /// transaction / refund / order models and the token answer. Must never panic.
    pub fn decode_response(status: u16, body: &[u8]) {
        let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        let reply = Reply {
            status,
            server_request_id: None,
            retry_after: None,
            body: bytes::Bytes::copy_from_slice(body),
        };
        let t = transport();
        let _ = crate::auth::decode_token_for_fuzz(t, &reply);
        if let Ok(payload) = t.decode_envelope(&reply, "fuzz", None) {
            let raw = payload.as_deref();
            if let Ok(w) =
                crate::envelope::decode_payload::<crate::wire::WireTransaction>(raw, "fuzz")
            {
                let _ = crate::models::Transaction::from_wire(w, "EKFUZZ");
            }
            if let Ok(w) =
                crate::envelope::decode_payload::<crate::wire::WireTransaction>(raw, "fuzz")
            {
                let _ = crate::models::Refund::from_wire(w, "EKFUZZ", "RFUZZ", None, None);
            }
            if let Ok(w) = crate::envelope::decode_payload::<crate::wire::WireOrder>(raw, "fuzz") {
                let _ = crate::models::Order::from_wire(w, "ORDFUZZ");
            }
        }
        // The one-pass decoding must agree with the envelope path on every input.
        let one_pass = t.decode_reply::<crate::wire::WireTransaction>(&reply, "fuzz", None);
        let two_pass = t.decode_envelope(&reply, "fuzz", None).map(|p| {
            crate::envelope::decode_payload::<crate::wire::WireTransaction>(p.as_deref(), "fuzz")
        });
        let summary = |r: &std::result::Result<
            std::result::Result<crate::wire::WireTransaction, crate::Error>,
            crate::transport::Failure,
        >| match r {
            Ok(Ok(w)) => format!(
                "ok {:?} {:?}",
                w.status,
                w.amount.as_ref().map(|a| a.get().to_owned())
            ),
            Ok(Err(e)) => format!("payload {:?}", e.kind()),
            Err(f) => format!("failure {f:?}"),
        };
        assert_eq!(
            summary(&one_pass),
            summary(&two_pass),
            "one-pass and envelope decoding differ"
        );
        let _ = t.decode_reply::<crate::wire::WireOrder>(&reply, "fuzz", None);
    }
}

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
