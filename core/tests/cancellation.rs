//! A refund whose caller stops waiting (a timeout around the call, a dropped future) after its
//! POST was committed is not abandoned: it finishes in the background, once, and its requestId
//! — held by the caller before the call — finds it.

mod common;

use std::time::Duration;

use common::*;
use enkash::{Amount, RefundOptions, RefundQuery};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_dropped_after_commit_finishes_once_in_the_background() {
    let mock = mock();
    seed_txns(&mock, &[("EKCANCEL1", "500")]);
    // Committed at once; the connection is cut 600 ms later (the caller gave up at 200 ms).
    let mut slow = fault("refund", FaultKind::ResetAfterCommit);
    slow.delay_ms = Some(600);
    slow.times = Some(1);
    mock.add_fault(slow).unwrap();
    let client = client(&mock);
    let request_id = enkash::new_request_id();
    let call = client.refund(
        "EKCANCEL1",
        Amount::parse("25").unwrap(),
        RefundOptions::new().request_id(request_id.clone()),
    );
    let gave_up = tokio::time::timeout(Duration::from_millis(200), call).await;
    assert!(gave_up.is_err(), "the caller stopped waiting: {gave_up:?}");
    assert_eq!(
        mock.journal().refunds_with(&request_id),
        1,
        "the POST was committed before the caller gave up"
    );
    // In the background the SDK meets the cut, looks the refund up, and sends nothing again.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let journal = mock.journal();
    assert_eq!(journal.refunds_with(&request_id), 1, "refunded once");
    assert_eq!(journal.count("refund"), 1, "never resent");
    assert_eq!(
        journal.count("refund_enquiry"),
        1,
        "the abandoned call still reconciled its refund"
    );
    let found = client
        .find_refund(&RefundQuery::new("EKCANCEL1", request_id.clone()))
        .await
        .unwrap()
        .expect("the held requestId finds the refund");
    assert_eq!(found.request_id, request_id);
    assert_eq!(found.amount, Amount::parse("25").unwrap().as_decimal());
}
