//! The simulator's HTTP server: the route table and the accept loop (each connection can be
//! reset by its own handler).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, State as AxState};
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};
use tower::ServiceExt;

use crate::admin::*;
use crate::faults::{api_call, json_response};
use crate::gateway::{
    do_enquiry, do_get_order, do_get_txn, do_refund, do_token, fail, CODE_INVALID,
};
use crate::state::State;

/// Shared handle to the simulator state.
pub(crate) type Shared = Arc<Mutex<State>>;

pub(crate) fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(|p| p.into_inner())
}

/// The TCP connection a request came on: which one (journaled, so tests can tell a kept-alive
/// connection from a new one) and a way for its handler to reset it.
#[derive(Clone)]
pub(crate) struct Connection {
    /// 1 for the first connection this simulator accepted, 2 for the next, ...
    pub(crate) number: u64,
    kill: Arc<Notify>,
}

impl Connection {
    /// Drops the connection with an RST (the request it carried is never answered).
    pub(crate) fn reset(&self) {
        self.kill.notify_one();
    }
}

macro_rules! api_route {
    ($name:ident, $route:literal, |$st:ident, $h:ident, $b:ident, $id:ident| $body:expr) => {
        async fn $name(
            AxState(app): AxState<Shared>,
            Extension(connection): Extension<Connection>,
            $id: Option<Path<String>>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            let $id = $id.map(|p| p.0).unwrap_or_default();
            api_call(
                app,
                connection,
                $route,
                method,
                uri,
                headers,
                body,
                move |$st, $h, $b| $body,
            )
            .await
        }
    };
}

api_route!(token_route, "token", |st, h, b, _id| do_token(st, h, b));
api_route!(refund_route, "refund", |st, h, b, id| do_refund(
    st, h, &id, b
));
api_route!(txn_route, "get_transaction", |st, h, _b, id| do_get_txn(
    st, h, &id
));
api_route!(order_route, "get_order", |st, h, _b, id| do_get_order(
    st, h, &id
));
api_route!(enquiry_route, "refund_enquiry", |st, h, b, _id| do_enquiry(
    st, h, b
));

async fn fallback(uri: Uri) -> Response {
    let (s, t) = fail(
        StatusCode::NOT_FOUND,
        CODE_INVALID,
        &format!("No route for {}", uri.path()),
    );
    json_response(s, t)
}

pub(crate) fn router(app: Shared) -> Router {
    Router::new()
        .route("/api/v0/merchant/token", post(token_route))
        .route("/api/v0/payment/{id}/refund", post(refund_route))
        .route("/api/v0/payment/{id}", get(txn_route))
        .route("/api/v0/orders/{id}", get(order_route))
        .route("/refund/enquiry", post(enquiry_route))
        .route("/__mock/health", get(|| async { "ok" }))
        .route("/__mock/seed", post(admin_seed))
        .route("/__mock/reset", post(admin_reset))
        .route("/__mock/config", post(admin_config))
        .route(
            "/__mock/faults",
            post(admin_faults).delete(admin_clear_faults),
        )
        .route("/__mock/journal", get(admin_journal))
        .route("/__mock/tokens/expire", post(admin_expire_tokens))
        .route("/__mock/app-token", post(admin_app_token))
        .route("/__mock/transactions", post(admin_transactions))
        .route("/__mock/transactions/{id}", get(admin_transaction))
        .fallback(fallback)
        .with_state(app)
}

/// Accepts connections until `shutdown`; each connection can be reset by its handler.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    let mut accepted_so_far = 0;
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = &mut shutdown => break,
        };
        let Ok((stream, _peer)) = accepted else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Keep a duplicate of the socket so a "connection reset" fault can set SO_LINGER 0 on it
        // before the connection is dropped (an RST); every other close stays a graceful FIN.
        let Ok(std_stream) = stream.into_std() else {
            continue;
        };
        let killer = std_stream.try_clone().ok();
        let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
            continue;
        };
        let app = app.clone();
        accepted_so_far += 1;
        let number = accepted_so_far;
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let connection = Connection {
                number,
                kill: kill.clone(),
            };
            let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(connection.clone());
                let app = app.clone();
                async move { app.oneshot(req.map(Body::new)).await }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.keep_alive(true);
            if let Some(idle) = IDLE_TIMEOUT.get() {
                // Closes a kept-alive connection that sends no new request within `idle`.
                builder
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(*idle);
            }
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {
                    if let Some(k) = &killer {
                        let _ = socket2::SockRef::from(k).set_linger(Some(Duration::ZERO));
                    }
                }
            }
            drop(killer);
        });
    }
}

/// How long a kept-alive connection may sit idle before the server closes it (`--idle-timeout-ms`;
/// unset: hyper's default), as real servers do after their keep-alive timeout.
static IDLE_TIMEOUT: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();

/// Sets the idle keep-alive timeout for every connection accepted from now on (once per process).
pub fn set_idle_timeout(idle: Duration) {
    let _ = IDLE_TIMEOUT.set(idle);
}

/// Binds `addr` and serves in the current runtime.
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
