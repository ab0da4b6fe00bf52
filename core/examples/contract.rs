//! Contract check: every request the SDK sends validates against the OpenAPI file.
//! Run it against a validating mock (see scripts/test-all.sh):
//! `npx prism mock --errors -p 4010 spec/enkash-pg.openapi.yaml` then
//! `cargo run -p enkash --example contract -- http://127.0.0.1:4010`.
//! With `--errors`, Prism answers 422 to any request that breaks the contract, which fails a call.
//! Prism's answers are the file's canned examples: a refund answer naming another amount than
//! the one asked is refused by the SDK (`InvalidRequest` on `request_id`) after the request was
//! accepted, which is fine here — only the requests are being checked.

use enkash::{Amount, Client, Config, Error, ErrorKind, Refund, RefundOptions, RefundQuery};

/// The refund, or what it says when the mock accepted the request but answered a canned refund
/// for another amount; any other error (a 422 above all) fails the check.
fn accepted(result: Result<Refund, Error>) -> Result<String, Error> {
    match result {
        Ok(r) => Ok(format!("{} {}", r.status, r.raw_status)),
        Err(e) if e.kind() == ErrorKind::InvalidRequest && e.field() == Some("request_id") => {
            Ok("accepted; the canned answer names another amount".into())
        }
        Err(e) => Err(e),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::args().nth(1).ok_or("usage: contract BASE_URL")?;
    let client = Client::new(
        Config::builder()
            .access_key("ak_contract")
            .secret_key("sk_contract")
            .base_url(&base)
            .max_retries(0)
            .build()?,
    )?;
    let token = client.check_token().await?;
    println!(
        "POST /api/v0/merchant/token            ok (expires {:?})",
        token.expires_at_ms
    );
    let refund = client
        .refund(
            "EK1743074262175e8KIO",
            Amount::parse("100.50")?,
            RefundOptions::new()
                .request_id("CONTRACT-1")
                .remarks("contract check"),
        )
        .await;
    println!(
        "POST /api/v0/payment/{{id}}/refund      ok ({})",
        accepted(refund)?
    );
    let refund = client
        .refund(
            "EK1743074262175e8KIO",
            Amount::from_paise(7)?,
            RefundOptions::new(),
        )
        .await;
    println!(
        "POST /api/v0/payment/{{id}}/refund      ok (generated request id; {})",
        accepted(refund)?
    );
    let txn = client.get_transaction("EK1743074262175e8KIO").await?;
    println!(
        "GET  /api/v0/payment/{{id}}             ok ({})",
        txn.status
    );
    let by_id = RefundQuery::new("EK1743074262175e8KIO", "CONTRACT-1")
        .with_refund_transaction_id("EK1743074262999rF3fd");
    let r = client.get_refund(&by_id).await?;
    println!(
        "GET  /api/v0/payment/{{refund id}}      ok ({})",
        r.raw_status
    );
    let order = client.get_order("ORD1784195236818VZuxB").await?;
    println!(
        "GET  /api/v0/orders/{{id}}              ok ({:?})",
        order.status
    );
    println!("contract: 6 requests, all valid against the OpenAPI file");
    Ok(())
}
