//! `--rate`: spacing refund starts out to a maximum rate.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn parse_rate(text: &str) -> Result<Duration, String> {
    let (n, unit) = text.split_once('/').unwrap_or((text, "s"));
    let n: f64 = n
        .trim()
        .parse()
        .map_err(|_| format!("--rate {text:?}: expected e.g. 20/s"))?;
    let per = match unit.trim() {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("--rate {text:?}: unit must be /s, /m or /h")),
    };
    if !(n > 0.0 && n.is_finite()) {
        return Err(format!("--rate {text:?}: must be positive"));
    }
    Ok(Duration::from_secs_f64(per / n))
}

/// Spaces out request starts to at most one per `interval`.
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Instant>,
}

impl RateLimiter {
    pub fn new(interval: Duration) -> RateLimiter {
        RateLimiter {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    pub async fn acquire(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}
