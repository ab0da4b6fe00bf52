//! The simulator's own API under `/__mock/`: seed, configure, inject faults, read the journal.

use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use crate::faults::json_response;
use crate::model::*;
use crate::server::{lock, Shared};
use crate::state::State;

fn admin_ok(v: impl Serialize) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::to_string(&v).unwrap_or_else(|_| "null".into()),
    )
}

fn admin_err(msg: String) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        serde_json::json!({ "error": msg }).to_string(),
    )
}

pub(crate) async fn admin_seed(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<Seed>(&body) {
        Ok(seed) => match lock(&app).load(seed) {
            Ok(()) => admin_ok(serde_json::json!({"ok": true})),
            Err(e) => admin_err(e),
        },
        Err(e) => admin_err(format!("bad seed: {e}")),
    }
}

pub(crate) async fn admin_reset(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    *lock(&app) = State::new();
    admin_ok(serde_json::json!({"ok": true}))
}

pub(crate) async fn admin_config(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    match serde_json::from_slice::<MockConfig>(&body) {
        Ok(c) => {
            lock(&app).patch_config(c);
            admin_ok(serde_json::json!({"ok": true}))
        }
        Err(e) => admin_err(format!("bad config: {e}")),
    }
}

pub(crate) async fn admin_faults(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    let specs: Vec<FaultSpec> = match serde_json::from_slice::<FaultSpec>(&body) {
        Ok(one) => vec![one],
        Err(_) => match serde_json::from_slice::<Vec<FaultSpec>>(&body) {
            Ok(v) => v,
            Err(e) => return admin_err(format!("bad fault: {e}")),
        },
    };
    let mut st = lock(&app);
    for s in specs {
        if let Err(e) = st.add_fault(s) {
            return admin_err(e);
        }
    }
    admin_ok(serde_json::json!({"ok": true}))
}

pub(crate) async fn admin_clear_faults(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    lock(&app).faults.clear();
    admin_ok(serde_json::json!({"ok": true}))
}

pub(crate) async fn admin_journal(AxState(app): AxState<Shared>) -> Response {
    admin_ok(&lock(&app).journal)
}

pub(crate) async fn admin_expire_tokens(AxState(app): AxState<Shared>, _body: Bytes) -> Response {
    let mut st = lock(&app);
    for t in st.tokens.values_mut() {
        t.revoked = true;
    }
    admin_ok(serde_json::json!({"ok": true}))
}

pub(crate) async fn admin_transactions(AxState(app): AxState<Shared>, body: Bytes) -> Response {
    let seeds: Vec<TransactionSeed> = match serde_json::from_slice::<TransactionSeed>(&body) {
        Ok(one) => vec![one],
        Err(_) => match serde_json::from_slice::<Vec<TransactionSeed>>(&body) {
            Ok(v) => v,
            Err(e) => return admin_err(format!("bad transaction: {e}")),
        },
    };
    let mut st = lock(&app);
    for s in seeds {
        if let Err(e) = st.add_transaction(s) {
            return admin_err(e);
        }
    }
    admin_ok(serde_json::json!({"ok": true}))
}

pub(crate) async fn admin_transaction(
    AxState(app): AxState<Shared>,
    Path(id): Path<String>,
) -> Response {
    match lock(&app).transaction_view(&id) {
        Some(v) => admin_ok(v),
        None => json_response(
            StatusCode::NOT_FOUND,
            "{\"error\":\"no such transaction\"}".into(),
        ),
    }
}

/// `POST /__mock/app-token`: the simulator playing the merchant's own token backend (the shape of
/// `bindings-python/examples/token_backend.py`), so app examples can be run without one. Any
/// `Authorization: Bearer <session>` is a signed-in app user; the answer is `{token, expiresAtMs}`
/// for the default merchant, minted like a token call.
pub(crate) async fn admin_app_token(
    AxState(app): AxState<Shared>,
    headers: axum::http::HeaderMap,
) -> Response {
    let signed_in = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|s| !s.trim().is_empty());
    if !signed_in {
        return json_response(
            StatusCode::UNAUTHORIZED,
            r#"{"error":"app user not signed in"}"#.into(),
        );
    }
    let (token, expires_at_ms) = lock(&app).issue_token(crate::state::DEFAULT_ACCESS_KEY);
    admin_ok(serde_json::json!({"token": token, "expiresAtMs": expires_at_ms}))
}
