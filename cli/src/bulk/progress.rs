//! Progress of a bulk run: a bar on a terminal, plain lines otherwise, nothing with `--json`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Progress display: a bar on a terminal, plain lines otherwise.
pub enum Progress {
    Bar(indicatif::ProgressBar),
    Lines {
        total: u64,
        last: Mutex<Instant>,
        started: Instant,
    },
    Quiet,
}

impl Progress {
    pub fn new(total: u64, json: bool, no_bar: bool) -> Progress {
        if json {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() && !no_bar {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows {per_sec} ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                total,
                last: Mutex::new(Instant::now()),
                started: Instant::now(),
            }
        }
    }

    pub fn tick(&self, done: u64) {
        match self {
            Progress::Bar(b) => b.set_position(done),
            Progress::Lines {
                total,
                last,
                started,
            } => {
                let mut l = last.lock().unwrap_or_else(|p| p.into_inner());
                if l.elapsed() >= Duration::from_secs(2) || done == *total {
                    *l = Instant::now();
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
                    eprintln!("progress {done}/{total} rows, {rate:.0} rows/s");
                }
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(b) = self {
            b.finish();
        }
    }
}
