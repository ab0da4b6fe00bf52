//! Retry policy: exponential backoff with jitter and a cap, honouring `Retry-After`.

use std::time::Duration;

/// When and how long to wait between attempts.
///
/// ```
/// use std::time::Duration;
/// let p = enkash::RetryPolicy::default();
/// assert_eq!(p.max_retries, 2);
/// assert!(p.backoff(10) <= p.max_backoff);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Delay before the first retry (doubles each time, with jitter).
    pub initial_backoff: Duration,
    /// Upper bound of one backoff delay.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the SDK will sleep for; longer ones surface as `RateLimited`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `retry` (0-based): `initial * 2^retry`, capped, with "equal
    /// jitter" (a uniformly random value between half and all of it).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX));
        let capped = exp.min(self.max_backoff);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// One operation's retries: every retry loop (token, reads, refunds) reports each failure that is
/// safe to repeat and is told whether to try again and after how long. The only place that
/// decides backoff, the `Retry-After` limit and the one extra try a stale pooled connection earns.
pub(crate) struct RetryDriver<'a> {
    policy: &'a RetryPolicy,
    retries_used: u32,
    stale_connection_retry_left: bool,
}

impl<'a> RetryDriver<'a> {
    pub(crate) fn new(policy: &'a RetryPolicy) -> RetryDriver<'a> {
        RetryDriver {
            policy,
            retries_used: 0,
            stale_connection_retry_left: true,
        }
    }

    /// Retries made so far (0 during the first attempt).
    pub(crate) fn retries_used(&self) -> u32 {
        self.retries_used
    }

    /// The wait before the next attempt, or `None` when the failure should surface: the server
    /// asked for a longer wait than `max_retry_after`, or the retries are used up (a keep-alive
    /// connection that went stale under us earns one immediate extra try, once).
    pub(crate) fn next_delay(
        &mut self,
        retry_after: Option<Duration>,
        stale_connection: bool,
    ) -> Option<Duration> {
        if retry_after.is_some_and(|ra| ra > self.policy.max_retry_after) {
            return None;
        }
        if self.retries_used >= self.policy.max_retries {
            if stale_connection && self.stale_connection_retry_left {
                self.stale_connection_retry_left = false;
                return Some(Duration::ZERO);
            }
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.policy.backoff(self.retries_used));
        self.retries_used += 1;
        Some(delay)
    }
}

/// Parses a `Retry-After` header: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        // Non-standard fractional seconds: only for delay text, never money.
        if (0.0..86_400.0).contains(&secs) {
            return Some(Duration::from_secs_f64(secs));
        }
        return None;
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(3),
        };
        for retry in 0..40 {
            let d = p.backoff(retry);
            let full = Duration::from_millis(100)
                .saturating_mul(1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX))
                .min(Duration::from_millis(1000));
            assert!(
                d >= full / 2 && d <= full,
                "retry {retry}: {d:?} vs {full:?}"
            );
        }
    }

    #[test]
    fn driver_honours_retry_after_up_to_the_limit_and_counts_retries() {
        let p = RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(3),
        };
        let mut d = RetryDriver::new(&p);
        assert_eq!(
            d.next_delay(Some(Duration::from_secs(2)), false),
            Some(Duration::from_secs(2))
        );
        assert_eq!(d.retries_used(), 1);
        // Longer than max_retry_after: surface the rate limit instead of sleeping a capped wait.
        assert_eq!(d.next_delay(Some(Duration::from_secs(60)), false), None);
        assert!(d.next_delay(None, false).is_some());
        assert_eq!(d.retries_used(), 2);
        assert_eq!(d.next_delay(None, false), None, "retries used up");
    }

    #[test]
    fn driver_gives_a_stale_connection_one_extra_try() {
        let p = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        let mut d = RetryDriver::new(&p);
        assert_eq!(d.next_delay(None, true), Some(Duration::ZERO));
        assert_eq!(d.next_delay(None, true), None, "only once");
        assert_eq!(RetryDriver::new(&p).next_delay(None, false), None);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
