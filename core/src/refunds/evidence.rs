//! What a gateway answer proves about *our* refund. A refund is reported only on evidence: an
//! answer that names our `requestId` (or is the direct 2xx answer to our own POST and names no
//! other), says what state it is in, and — when it gives an amount — gives the one we asked for.
//! Anything else proves nothing, and nothing is never success.

use rust_decimal::Decimal;

use crate::error::Error;
use crate::models::Refund;
use crate::wire::WireTransaction;

/// The verdict on one answer.
pub(super) enum Evidence {
    /// The answer describes our refund.
    Ours(Box<Refund>),
    /// The answer proves nothing about our refund (the reason, for the error message).
    Nothing(&'static str),
}

/// Weighs `wire` as an answer about the refund `request_id` of `transaction_id`. `direct` is true
/// for the answer to our own POST, which need not repeat the `requestId` (but must not name
/// another); a lookup's answer must name it.
pub(super) fn weigh(
    wire: WireTransaction,
    transaction_id: &str,
    request_id: &str,
    requested: Option<Decimal>,
    direct: bool,
) -> Evidence {
    match wire.request_id.as_deref().map(str::trim) {
        Some(named) if !named.is_empty() && named != request_id => {
            return Evidence::Nothing("names another requestId")
        }
        Some(named) if !named.is_empty() => {}
        _ if !direct => return Evidence::Nothing("does not name the requestId"),
        _ => {}
    }
    if wire.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Evidence::Nothing("has no refund status");
    }
    Evidence::Ours(Box::new(Refund::from_wire(
        wire,
        transaction_id,
        request_id,
        requested,
        None,
    )))
}

/// `refund` if it is for the `requested` amount; a `requestId` already used for another amount is
/// the caller's mistake (`InvalidRequest` on `request_id`), never success.
pub(super) fn same_refund(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> WireTransaction {
        serde_json::from_str(json).unwrap()
    }

    fn is_ours(e: &Evidence) -> bool {
        matches!(e, Evidence::Ours(_))
    }

    #[test]
    fn a_lookup_must_name_our_request_id_and_a_status() {
        let ours =
            r#"{"transactionId":"EKR1","status":"SUCCESS","amount":1.5,"requestId":"RID-1"}"#;
        assert!(is_ours(&weigh(answer(ours), "EK1", "RID-1", None, false)));
        for nothing in [
            "{}",
            r#"{"status":"SUCCESS","amount":1.5}"#,
            r#"{"status":"SUCCESS","requestId":"RID-2"}"#,
            r#"{"requestId":"RID-1"}"#,
            r#"{"requestId":"RID-1","status":" "}"#,
        ] {
            assert!(
                !is_ours(&weigh(answer(nothing), "EK1", "RID-1", None, false)),
                "{nothing} must prove nothing"
            );
        }
    }

    #[test]
    fn a_direct_answer_may_omit_the_request_id_but_not_name_another() {
        let plain = r#"{"transactionId":"EKR1","status":"PENDING_WITH_BANK"}"#;
        assert!(is_ours(&weigh(answer(plain), "EK1", "RID-1", None, true)));
        let other = r#"{"status":"SUCCESS","requestId":"RID-2"}"#;
        assert!(!is_ours(&weigh(answer(other), "EK1", "RID-1", None, true)));
        assert!(!is_ours(&weigh(answer("{}"), "EK1", "RID-1", None, true)));
    }

    #[test]
    fn another_amount_under_our_request_id_is_refused() {
        let Evidence::Ours(r) = weigh(
            answer(r#"{"status":"SUCCESS","amount":2,"requestId":"RID-1"}"#),
            "EK1",
            "RID-1",
            None,
            false,
        ) else {
            panic!("expected our refund")
        };
        let e = same_refund(*r, Decimal::ONE, "RID-1").unwrap_err();
        assert_eq!(e.field(), Some("request_id"));
    }
}
