//! [`Surface`]: what every binding must offer, for the parity tests.

use crate::host::{
    ClientOptions, ErrorInfo, IssuedTokenView, OptionSpec, OrderView, PaymentNotificationView,
    RefundView, TokenView, TransactionView,
};
use crate::ErrorKind;

/// The public surface, by snake_case name: each binding's parity test turns the names into its
/// own spelling (`get_refund` → `getRefund`) and fails on anything missing.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Surface {
    /// Client methods (async and blocking in every language that has both).
    pub operations: &'static [&'static str],
    /// Module-level functions.
    pub functions: &'static [&'static str],
    /// Client options.
    pub options: &'static [OptionSpec],
    /// Returned records and their fields.
    pub models: Vec<(&'static str, &'static [&'static str])>,
    /// Fields every error carries.
    pub error_fields: &'static [&'static str],
    /// Error class names, one per kind.
    pub error_classes: Vec<&'static str>,
}

/// The surface of this version.
pub fn surface() -> Surface {
    Surface {
        operations: &[
            "refund",
            "get_refund",
            "find_refund",
            "wait_for_refund",
            "get_transaction",
            "get_order",
            "check_token",
            "issue_token",
            "close",
        ],
        functions: &[
            "parse_payment_notification",
            "parse_amount",
            "new_request_id",
        ],
        options: ClientOptions::SPECS,
        models: vec![
            (RefundView::NAME, RefundView::FIELDS),
            (TransactionView::NAME, TransactionView::FIELDS),
            (OrderView::NAME, OrderView::FIELDS),
            (TokenView::NAME, TokenView::FIELDS),
            (IssuedTokenView::NAME, IssuedTokenView::FIELDS),
            (
                PaymentNotificationView::NAME,
                PaymentNotificationView::FIELDS,
            ),
        ],
        error_fields: ErrorInfo::FIELDS,
        error_classes: ErrorKind::ALL.iter().map(|k| k.exception_name()).collect(),
    }
}

impl Surface {
    /// As JSON, for bindings to hand to their tests.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
