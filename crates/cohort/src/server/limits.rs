//! A limit against floods, per token (and per join code): each key may make `burst` requests at
//! once, and gets one more every `seconds_per_request`. It is not a scoring rule: an honest
//! learner submits a few times a day.

use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub burst: f64,
    pub seconds_per_request: f64,
}

impl Default for Limits {
    /// 30 requests at once, then one a second.
    fn default() -> Limits {
        Limits {
            burst: 30.0,
            seconds_per_request: 1.0,
        }
    }
}

pub(crate) struct RateLimiter {
    limits: Limits,
    /// Key -> (requests left, when last counted).
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    pub fn new(limits: Limits) -> RateLimiter {
        RateLimiter {
            limits,
            buckets: HashMap::new(),
        }
    }

    /// Counts a request of `key` at `now`: `Ok` when allowed, else the seconds to wait.
    pub fn take(&mut self, key: &str, now: Instant) -> Result<(), u64> {
        let Limits {
            burst,
            seconds_per_request,
        } = self.limits;
        if self.buckets.len() > 100_000 {
            // Forget the buckets that have filled up again since their last request (a full
            // bucket is what a new key gets), rather than grow without bound.
            self.buckets.retain(|_, (left, last)| {
                *left + now.duration_since(*last).as_secs_f64() / seconds_per_request < burst
            });
        }
        let (left, last) = self.buckets.entry(key.to_string()).or_insert((burst, now));
        let earned = now.duration_since(*last).as_secs_f64() / seconds_per_request;
        *left = (*left + earned).min(burst);
        *last = now;
        if *left >= 1.0 {
            *left -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *left) * seconds_per_request).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_one_request_per_interval_per_key() {
        let mut limiter = RateLimiter::new(Limits {
            burst: 3.0,
            seconds_per_request: 2.0,
        });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take("a", start), Ok(()));
        }
        assert_eq!(limiter.take("a", start), Err(2));
        assert_eq!(limiter.take("b", start), Ok(()), "another key has its own");
        let later = start + Duration::from_secs(2);
        assert_eq!(limiter.take("a", later), Ok(()));
        assert!(limiter.take("a", later).is_err());
        let much_later = start + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(
                limiter.take("a", much_later),
                Ok(()),
                "never more than the burst"
            );
        }
        assert!(limiter.take("a", much_later).is_err());
    }
}
