//! `enkash-mock --listen 127.0.0.1:0 [--seed FILE] [--personality K=V,...] [--idle-timeout-ms N] [--journal-limit N] [--exit-on-stdin-eof]`:
//! runs the simulator and prints its base URL. `--personality` sets how it answers where
//! EnKash's documents are silent, e.g. `enquiry_mode=missing_json,duplicate_mode=reject_409`
//! (applied after the seed's own settings). `--journal-limit N` keeps about the newest N requests
//! and applied refunds in the journal (counts stay complete): for benchmarks. With `--exit-on-stdin-eof` it also stops when its standard input closes,
//! so a test harness that dies without cleaning up (its end of the pipe closes) takes it along.

use std::io::Write;
use std::net::SocketAddr;

fn usage() -> ! {
    eprintln!(
        "usage: enkash-mock [--listen ADDR] [--seed FILE.json] [--personality K=V,...] [--idle-timeout-ms N] [--journal-limit N] [--exit-on-stdin-eof]"
    );
    std::process::exit(2)
}

fn main() {
    let mut listen: SocketAddr = "127.0.0.1:0".parse().expect("literal");
    let mut seed: Option<enkash_mock::Seed> = None;
    let mut personality = None;
    let mut exit_on_stdin_eof = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--listen" => {
                listen = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--seed" => {
                let path = args.next().unwrap_or_else(|| usage());
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                    eprintln!("cannot read {path}: {e}");
                    std::process::exit(2)
                });
                seed = Some(serde_json::from_str(&text).unwrap_or_else(|e| {
                    eprintln!("bad seed {path}: {e}");
                    std::process::exit(2)
                }));
            }
            "--personality" => {
                let text = args.next().unwrap_or_else(|| usage());
                personality = Some(
                    enkash_mock::MockConfig::from_personality(&text).unwrap_or_else(|e| {
                        eprintln!("bad personality {text:?}: {e}");
                        std::process::exit(2)
                    }),
                );
            }
            "--idle-timeout-ms" => {
                let ms: u64 = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage());
                enkash_mock::set_idle_timeout(std::time::Duration::from_millis(ms));
            }
            "--journal-limit" => {
                let n: usize = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage());
                enkash_mock::set_journal_limit(n);
            }
            "--exit-on-stdin-eof" => exit_on_stdin_eof = true,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if let Some(p) = personality {
        seed.get_or_insert_with(Default::default).config.merge(p);
    }
    if !listen.ip().is_loopback() {
        eprintln!("enkash-mock listens on loopback addresses only");
        std::process::exit(2);
    }
    if exit_on_stdin_eof {
        std::thread::spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            std::process::exit(0);
        });
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(enkash_mock::MockServer::run_until_signal(
        listen,
        seed,
        |addr| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "http://{addr}");
            let _ = out.flush();
        },
    ));
    if let Err(e) = result {
        eprintln!("enkash-mock: {e}");
        std::process::exit(1);
    }
}
