//! The direct stack's keep-alive connections, as a server sees them: how many connections the
//! client opens, and that every call is sent exactly once whatever became of the connection the
//! previous call used.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use enkash::{Client, Config};

/// What the server does with a connection after each answer.
#[derive(Clone, Copy)]
enum AfterAnswer {
    /// Keeps it open for the next request.
    KeepAlive,
    /// Says `connection: close` and closes it.
    Close,
    /// Keeps it open this long with no new request, then closes it without a word (a server's
    /// keep-alive timeout).
    IdleTimeout(Duration),
}

/// A gateway speaking plain HTTP/1.1 that counts connections and requests: a token (valid for
/// an hour) for the token route, transaction `EKCONN1` for any other. The first `oversized`
/// answers announce more bytes than the client accepts.
struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Server {
    fn start(after: AfterAnswer, oversized: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (c, r) = (connections.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                c.fetch_add(1, Ordering::SeqCst);
                let r = r.clone();
                std::thread::spawn(move || serve(stream, after, oversized, &r));
            }
        });
        Server {
            port,
            connections,
            requests,
        }
    }

    fn client(&self) -> Client {
        let config = Config::builder()
            .access_key("ak_test")
            .secret_key("sk_test")
            .base_url(format!("http://127.0.0.1:{}/", self.port))
            .max_response_bytes(4096)
            .build()
            .unwrap();
        Client::new(config).unwrap()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads requests (head + `content-length` body) and answers each.
fn serve(stream: TcpStream, after: AfterAnswer, oversized: usize, requests: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        if let AfterAnswer::IdleTimeout(idle) = after {
            reader.get_ref().set_read_timeout(Some(idle)).unwrap();
        }
        let mut length = 0usize;
        let mut line = String::new();
        let mut token_route = false;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            token_route |= line.contains("/merchant/token ");
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let n = requests.fetch_add(1, Ordering::SeqCst);
        let answer = if n < oversized {
            // Announces 1 MB; the client refuses it unread.
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1048576\r\n\r\n{"
                .to_owned()
        } else {
            let body = if token_route {
                let expiry = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis()
                    + 3_600_000;
                format!(r#"{{"token":"tok_connection_test_{n:04}","expiry":{expiry}}}"#)
            } else {
                r#"{"response_code":0,"response_message":"ok","payload":{"transactionId":"EKCONN1","amount":10,"status":"SUCCESS"}}"#.to_owned()
            };
            let close = match after {
                AfterAnswer::Close => "connection: close\r\n",
                _ => "",
            };
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{close}\r\n{body}",
                body.len()
            )
        };
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
        if matches!(after, AfterAnswer::Close) || n < oversized {
            return;
        }
    }
}

#[tokio::test]
async fn sequential_calls_share_one_kept_alive_connection() {
    let server = Server::start(AfterAnswer::KeepAlive, 0);
    let client = server.client();
    for _ in 0..5 {
        client.issue_token().await.unwrap();
    }
    assert_eq!(server.requests(), 5);
    assert_eq!(server.connections(), 1, "one connection, kept alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_reuse_their_connections() {
    let server = Server::start(AfterAnswer::KeepAlive, 0);
    let client = server.client();
    client.check_token().await.unwrap();
    for _ in 0..3 {
        let calls: Vec<_> = (0..4)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.get_transaction("EKCONN1").await })
            })
            .collect();
        for call in calls {
            let txn = call.await.unwrap().unwrap();
            assert_eq!(txn.transaction_id, "EKCONN1");
        }
    }
    assert_eq!(server.requests(), 1 + 12);
    // Never more connections than calls at a time (fewer when a call finishes before another
    // starts, as on a loaded machine): the later rounds ran on the first round's connections.
    let opened = server.connections();
    assert!(
        (1..=4).contains(&opened),
        "{opened} connections for 4 calls at a time"
    );
}

#[tokio::test]
async fn a_connection_the_server_closes_is_replaced_and_each_call_sent_once() {
    let server = Server::start(AfterAnswer::Close, 0);
    let client = server.client();
    for _ in 0..3 {
        client.issue_token().await.unwrap();
    }
    assert_eq!(server.requests(), 3, "no call was sent twice");
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn a_connection_closed_while_idle_is_not_reused_and_each_call_sent_once() {
    let server = Server::start(AfterAnswer::IdleTimeout(Duration::from_millis(50)), 0);
    let client = server.client();
    client.issue_token().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.issue_token().await.unwrap();
    assert_eq!(server.requests(), 2, "no call was sent twice");
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_connection_whose_answer_was_not_read_whole_is_not_reused() {
    // The token call is safe to repeat: refused unread, it is sent again on a new connection.
    let server = Server::start(AfterAnswer::KeepAlive, 1);
    let client = server.client();
    client.issue_token().await.unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(
        server.connections(),
        2,
        "the refused answer's connection was dropped"
    );
    // An answer the client reads whole keeps its connection.
    client.issue_token().await.unwrap();
    assert_eq!(server.requests(), 3);
    assert_eq!(server.connections(), 2);
}
