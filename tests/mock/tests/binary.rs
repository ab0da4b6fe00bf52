//! The `enkash-mock` binary: prints its URL, serves, and with `--exit-on-stdin-eof` stops when
//! its standard input closes (so a crashed test harness does not leave it running).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn exits_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enkash-mock"))
        .args(["--listen", "127.0.0.1:0", "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn enkash-mock");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let addr = url.trim().trim_start_matches("http://").to_owned();

    // It serves while stdin is open.
    let mut s = TcpStream::connect(&addr).expect("simulator listening");
    s.write_all(b"GET /__mock/journal HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(child.try_wait().unwrap().is_none(), "still running");

    drop(child.stdin.take()); // our end of its stdin closes
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "enkash-mock still running 10 s after its stdin closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}
