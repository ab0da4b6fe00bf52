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
mod error;
mod models;
mod money;
mod refunds;
mod retry;
mod secret;
mod transport;
pub mod validate;
mod webhooks;
pub mod wire;

pub use auth::TokenInfo;
pub use client::Client;
pub use config::{AmountEncoding, Config, ConfigBuilder, Environment, RefundLookup};
pub use error::{Error, ErrorKind};
pub use models::{
    parse_timestamp, Order, OrderStatus, PaymentMode, Refund, RefundStatus, Transaction,
    TransactionStatus,
};
pub use money::{Amount, MAX_RUPEES};
pub use refunds::{RefundOptions, RefundQuery};
pub use retry::RetryPolicy;
pub use rust_decimal::Decimal;
pub use secret::Secret;
pub use webhooks::{
    parse_and_verify_payment_notification, parse_payment_notification, ChecksumVerifier,
    NoChecksumVerification, PaymentNotification, MAX_NOTIFICATION_BYTES,
};

/// Result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
