//! The HTTP stack itself: TLS set-up (platform roots + `extra_root_ca_pem`), a server that
//! does not speak TLS on an `https://` URL, and the proxied stack (reqwest) end to end.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use enkash::{Client, Config, ErrorKind, RetryPolicy};

/// A public, self-signed test root (its private key was discarded when it was made).
const TEST_ROOT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBuTCCAV+gAwIBAgIUCnAXdWba3f7s8+/AHj9LafmO07QwCgYIKoZIzj0EAwIw
MTEvMC0GA1UEAwwmZW5rYXNoIHRlc3Qgcm9vdCAocHVibGljLCBubyBrZXkga2Vw
dCkwIBcNMjYxMTI2MDg1NDM5WhgPMjEyNjExMDIwODU0MzlaMDExLzAtBgNVBAMM
JmVua2FzaCB0ZXN0IHJvb3QgKHB1YmxpYywgbm8ga2V5IGtlcHQpMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEIPiioBjikcNAMDSsP+ol1kuNLnqpA2GLl0gsBy3k
gAucVYBRf+XVs6AHwvcMRzEZd5guejCeA5rDwBpid8o9qaNTMFEwHQYDVR0OBBYE
FFk2V7U/Sm03NhUQVWshn7/a3gQOMB8GA1UdIwQYMBaAFFk2V7U/Sm03NhUQVWsh
n7/a3gQOMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAKrR9hDV
MjSBD+kK80G5iirJFGEkCNS+40sEsggVMnjeAiBbyOxsoWxfXSJwmd3s7q5K1Efn
U01p8VOGgK5Ts6K27w==
-----END CERTIFICATE-----
";

fn builder(base: &str) -> enkash::ConfigBuilder {
    Config::builder()
        .access_key("ak_test")
        .secret_key("sk_test")
        .base_url(base)
}

#[test]
fn extra_root_ca_must_be_a_pem_certificate() {
    let err = Client::new(
        builder("https://gateway.example")
            .extra_root_ca_pem(b"not a certificate".to_vec())
            .build()
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.field(), Some("extra_root_ca_pem"), "{err}");

    let twice = format!("{TEST_ROOT_PEM}{TEST_ROOT_PEM}");
    for pem in [TEST_ROOT_PEM.to_owned(), twice] {
        let config = builder("https://gateway.example")
            .extra_root_ca_pem(pem.into_bytes())
            .build()
            .unwrap();
        Client::new(config).expect("a valid PEM root (or bundle) is accepted");
    }
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_a_connect_error() {
    // Answers every connection with plain HTTP, which fails the TLS handshake.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let client = Client::new(
        builder(&format!("https://127.0.0.1:{port}/"))
            .retry_policy(RetryPolicy {
                max_retries: 1,
                initial_backoff: Duration::from_millis(5),
                max_backoff: Duration::from_millis(20),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = client.check_token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert!(err.message().contains("could not connect"), "{err}");
    // Nothing was sent, so the token request was tried again once.
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// The direct stack's request line and `Host` header, as a server reads them: the base URL's
/// path before the route's, and its host and port once.
#[tokio::test]
async fn requests_carry_the_base_path_and_one_host_header() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (heads, received) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let client = Client::new(
        builder(&format!("http://127.0.0.1:{port}/gateway/v2"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let _ = client.check_token().await.unwrap_err();
    let head = received.recv_timeout(Duration::from_secs(5)).unwrap();
    let mut lines = head.lines();
    assert_eq!(
        lines.next(),
        Some("POST /gateway/v2/api/v0/merchant/token HTTP/1.1"),
        "{head}"
    );
    let hosts: Vec<&str> = lines
        .filter(|l| l.to_ascii_lowercase().starts_with("host:"))
        .collect();
    assert_eq!(hosts, [format!("host: 127.0.0.1:{port}")], "{head}");
}

/// With a proxy configured the client uses its proxied stack. The simulator doubles as the proxy
/// (it routes absolute-form requests by path), so the whole call runs through it, and the
/// response-size limit holds there as on the direct stack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_proxy_calls_work_and_the_size_limit_holds() {
    let mock = mock();
    seed_txns(&mock, &[("EKPROXY1", "10")]);
    let client = Client::new(config(&mock).proxy(mock.base_url()).build().unwrap()).unwrap();
    let t = client.get_transaction("EKPROXY1").await.unwrap();
    assert_eq!(t.transaction_id, "EKPROXY1");
    assert_eq!(t.amount.map(|a| a.to_string()).as_deref(), Some("10"));
    assert_eq!(mock.journal().count("get_transaction"), 1);

    let mut huge = fault("get_transaction", FaultKind::HugeBody);
    huge.bytes = Some(8 << 20);
    huge.times = Some(10);
    mock.add_fault(huge).unwrap();
    let err = client.get_transaction("EKPROXY1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.message().contains("larger than"), "{err}");
}
