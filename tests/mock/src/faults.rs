//! Faults injected around an API call (resets, slow or garbled answers, canned bodies), and the
//! journal entry every call leaves.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::value::RawValue;

use crate::gateway::{envelope, fail, Reply};
use crate::model::*;
use crate::server::{lock, Connection, Shared};
use crate::state::State;

fn body_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "requestId")]
        request_id: Option<serde_json::Value>,
        amount: Option<Box<RawValue>>,
    }
    match serde_json::from_slice::<Peek>(body) {
        Ok(p) => (
            p.request_id.and_then(|v| v.as_str().map(str::to_owned)),
            p.amount.map(|a| a.get().to_owned()),
        ),
        Err(_) => (None, None),
    }
}

/// Applies faults around one API call and records it in the journal.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn api_call(
    app: Shared,
    connection: Connection,
    route: &'static str,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    handler: impl FnOnce(&mut State, &HeaderMap, &[u8]) -> Reply,
) -> Response {
    let (request_id, amount) = if route == "refund" || route == "refund_enquiry" {
        body_fields(&body)
    } else {
        (None, None)
    };
    let fault = lock(&app).take_fault(route);
    let user_agent = headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let record = |status: u16, fault: Option<FaultKind>| {
        lock(&app).record(JournalRequest {
            seq: 0,
            route: route.to_owned(),
            method: method.to_string(),
            path: uri.path().to_owned(),
            request_id: request_id.clone(),
            amount: amount.clone(),
            fault,
            status,
            user_agent: user_agent.clone(),
            connection: connection.number,
        });
    };
    let kind = fault.as_ref().map(|f| f.kind);
    match &fault {
        Some(f) if f.kind == FaultKind::HttpStatus => {
            let status = StatusCode::from_u16(f.status.unwrap_or(500))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            record(status.as_u16(), kind);
            return (status, envelope(1, "Internal error (injected)", "null")).into_response();
        }
        Some(f) if f.kind == FaultKind::RateLimit => {
            record(429, kind);
            let secs = f.retry_after_secs.unwrap_or(0);
            let mut resp =
                fail(StatusCode::TOO_MANY_REQUESTS, 429, "Too many requests").into_response();
            resp.headers_mut()
                .insert("retry-after", secs.to_string().parse().expect("digits"));
            return resp;
        }
        Some(f) if f.kind == FaultKind::CannedBody => {
            let status = StatusCode::from_u16(f.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
            record(status.as_u16(), kind);
            let bytes = match &f.body_base64 {
                Some(b64) => base64_decode(b64),
                None => f.body.clone().unwrap_or_default().into_bytes(),
            };
            let ct = f
                .content_type
                .clone()
                .unwrap_or_else(|| "application/json".into());
            return raw_response(status, &ct, Body::from(bytes));
        }
        Some(f) if f.kind == FaultKind::HugeBody => {
            record(200, kind);
            let total = f.bytes.unwrap_or(50 << 20);
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let head = Bytes::from_static(b"{\"response_code\":0,\"payload\":\"");
            let n = total / chunk.len() as u64;
            let stream = futures_util::stream::iter(
                std::iter::once(head)
                    .chain((0..n).map(move |_| chunk.clone()))
                    .map(Ok::<_, std::convert::Infallible>),
            );
            return raw_response(
                StatusCode::OK,
                "application/json",
                Body::from_stream(stream),
            );
        }
        Some(f) if f.kind == FaultKind::SlowDrip => {
            record(200, kind);
            let every = Duration::from_millis(f.delay_ms.unwrap_or(200));
            let text = Bytes::from(envelope(0, "SUCCESS", "null"));
            let stream = futures_util::stream::unfold(0usize, move |i| {
                let text = text.clone();
                async move {
                    if i >= text.len() {
                        return None;
                    }
                    tokio::time::sleep(every).await;
                    Some((
                        Ok::<_, std::convert::Infallible>(text.slice(i..i + 1)),
                        i + 1,
                    ))
                }
            });
            return raw_response(
                StatusCode::OK,
                "application/json",
                Body::from_stream(stream),
            );
        }
        Some(f) if f.kind == FaultKind::ResetBefore => {
            record(0, kind);
            return reset(&connection).await;
        }
        Some(f) if f.kind == FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms.unwrap_or(1000))).await;
        }
        _ => {}
    }
    let (status, text) = {
        let mut st = lock(&app);
        st.last_committed = None;
        let reply = handler(&mut st, &headers, &body);
        // A `late` gateway applies a refund whose connection is cut only some time later.
        if kind == Some(FaultKind::ResetAfterCommit) {
            if let (Some(delay), Some(id)) = (st.late_commit_ms(), st.last_committed.take()) {
                let visible_from = crate::state::now_ms() + delay;
                if let Some(t) = st.txns.get_mut(&id) {
                    t.visible_from_ms = visible_from;
                }
            }
        }
        reply
    };
    match kind {
        Some(FaultKind::ResetAfterCommit) => {
            if let Some(wait) = fault.as_ref().and_then(|f| f.delay_ms) {
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            record(0, kind);
            reset(&connection).await
        }
        Some(FaultKind::MalformedBody) => {
            record(200, kind);
            let cut = text.len() / 2;
            json_response(StatusCode::OK, text[..cut].to_owned())
        }
        _ => {
            record(status.as_u16(), kind);
            json_response(status, text)
        }
    }
}

async fn reset(connection: &Connection) -> Response {
    connection.reset();
    std::future::pending::<()>().await;
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn raw_response(status: StatusCode, content_type: &str, body: Body) -> Response {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert("content-type", v);
    }
    r
}

/// Standard base64 (no crate needed for a test fixture).
fn base64_decode(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for v in text.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

pub(crate) fn json_response(status: StatusCode, text: String) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut()
        .insert("content-type", "application/json".parse().expect("static"));
    r
}
