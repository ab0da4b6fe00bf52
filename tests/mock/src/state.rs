//! The simulator's state: merchants, tokens, transactions, refunds, faults, journal.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;

use crate::model::*;

/// Access key and secret of the merchant present when nothing else is seeded.
pub const DEFAULT_ACCESS_KEY: &str = "ak_test";
/// Secret key of the default merchant.
pub const DEFAULT_SECRET_KEY: &str = "sk_test";

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) struct Merchant {
    pub secret_key: String,
    pub balance: Decimal,
}

pub(crate) struct TokenRecord {
    pub access_key: String,
    pub expires_at_ms: Option<i64>,
    pub revoked: bool,
}

#[derive(Clone)]
pub(crate) struct Txn {
    pub id: String,
    pub access_key: String,
    pub amount: Decimal,
    pub status: String,
    pub payment_mode: String,
    pub beneficiary_frozen: bool,
    pub refunded: Decimal,
    pub created_ms: i64,
    pub modified_ms: i64,
    /// For refund transactions: (original id, request id).
    pub refund_of: Option<(String, String)>,
    pub order_id: Option<String>,
    /// Epoch ms from which lookups see it (0: always; later for a `late` commit).
    pub visible_from_ms: i64,
}

pub(crate) struct OrderRec {
    pub access_key: String,
    pub status: String,
    pub amount: Option<Decimal>,
}

pub(crate) struct ActiveFault {
    pub spec: FaultSpec,
    pub remaining: Option<u32>,
    pub skip: u32,
}

pub(crate) struct State {
    pub config: MockConfig,
    pub merchants: HashMap<String, Merchant>,
    pub first_merchant: Option<String>,
    pub tokens: HashMap<String, TokenRecord>,
    pub txns: HashMap<String, Txn>,
    /// (access key, request id) → refund transaction id
    pub refunds_by_request: HashMap<(String, String), String>,
    pub orders: HashMap<String, OrderRec>,
    pub faults: Vec<ActiveFault>,
    pub journal: Journal,
    /// The refund the last refund call committed (read by the fault layer for `late` commits).
    pub last_committed: Option<String>,
    pub rng: fastrand::Rng,
    pub seq: u64,
    /// Requests journaled since the start (or reset): the next one's `seq` is this + 1.
    pub requests_seen: u64,
}

/// How many requests and applied refunds the journal keeps (`--journal-limit`); unset, all.
static JOURNAL_LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Bounds the journal (once per process): past `limit` entries the oldest half is dropped, so a
/// long benchmark's simulator neither grows by ~270 bytes per request (gigabytes over a full
/// bench) nor stops to copy its whole journal as the list doubles. Counts stay complete.
pub fn set_journal_limit(limit: usize) {
    let _ = JOURNAL_LIMIT.set(limit.max(2));
}

/// Makes room for one more entry in `list`: once it holds `limit`, only the newest half stays.
fn bound<T>(list: &mut Vec<T>, limit: Option<usize>) {
    if let Some(limit) = limit {
        if list.len() >= limit {
            list.drain(..list.len() - limit / 2);
        }
    }
}

pub(crate) fn parse_money(text: &str, what: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(text.trim()).map_err(|_| format!("{what}: {text:?} is not a decimal"))
}

impl State {
    pub fn new() -> State {
        let mut s = State {
            config: MockConfig::default(),
            merchants: HashMap::new(),
            first_merchant: None,
            tokens: HashMap::new(),
            txns: HashMap::new(),
            refunds_by_request: HashMap::new(),
            orders: HashMap::new(),
            faults: Vec::new(),
            journal: Journal::default(),
            last_committed: None,
            rng: fastrand::Rng::with_seed(7),
            seq: 0,
            requests_seen: 0,
        };
        s.add_merchant(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            Decimal::from(10_000_000),
        );
        s
    }

    fn add_merchant(&mut self, ak: &str, sk: &str, balance: Decimal) {
        if self.first_merchant.is_none() {
            self.first_merchant = Some(ak.to_owned());
        }
        self.merchants.insert(
            ak.to_owned(),
            Merchant {
                secret_key: sk.to_owned(),
                balance,
            },
        );
    }

    pub fn lifetime_ms(&self) -> i64 {
        self.config.token_lifetime_ms.unwrap_or(3_600_000)
    }

    pub fn duplicate_mode(&self) -> DuplicateMode {
        self.config.duplicate_mode.unwrap_or_default()
    }

    pub fn enquiry_mode(&self) -> EnquiryMode {
        self.config.enquiry_mode.unwrap_or_default()
    }

    pub fn amount_mode(&self) -> AmountMode {
        self.config.amount_mode.unwrap_or_default()
    }

    /// How long after a cut connection a `late` commit becomes real; `None` when commits are
    /// immediate.
    pub fn late_commit_ms(&self) -> Option<i64> {
        match self.config.commit_timing.unwrap_or_default() {
            CommitTiming::Immediate => None,
            CommitTiming::Late => Some(self.config.late_commit_ms.unwrap_or(1_000) as i64),
        }
    }

    /// Whether `t` exists yet for lookups (a late commit is invisible until it lands).
    pub fn is_visible(&self, t: &Txn) -> bool {
        now_ms() >= t.visible_from_ms
    }

    pub fn pending_delay_ms(&self) -> i64 {
        self.config.pending_delay_ms.unwrap_or(0) as i64
    }

    pub fn patch_config(&mut self, patch: MockConfig) {
        if let Some(v) = patch.fault_seed {
            self.rng = fastrand::Rng::with_seed(v);
        }
        self.config.merge(patch);
    }

    /// Replaces the whole state with `seed`.
    pub fn load(&mut self, seed: Seed) -> Result<(), String> {
        let mut fresh = State::new();
        fresh.patch_config(seed.config);
        if !seed.merchants.is_empty() {
            fresh.merchants.clear();
            fresh.first_merchant = None;
            for m in seed.merchants {
                let bal = parse_money(&m.balance, "merchant balance")?;
                fresh.add_merchant(&m.access_key, &m.secret_key, bal);
            }
        }
        for t in seed.transactions {
            fresh.add_transaction(t)?;
        }
        for o in seed.orders {
            let ak = o
                .access_key
                .clone()
                .or_else(|| fresh.first_merchant.clone())
                .unwrap_or_default();
            let amount = o
                .amount
                .as_deref()
                .map(|a| parse_money(a, "order amount"))
                .transpose()?;
            fresh.orders.insert(
                o.id,
                OrderRec {
                    access_key: ak,
                    status: o.status.unwrap_or_else(|| "PAID".to_owned()),
                    amount,
                },
            );
        }
        for f in seed.faults {
            fresh.add_fault(f)?;
        }
        *self = fresh;
        Ok(())
    }

    pub fn add_transaction(&mut self, t: TransactionSeed) -> Result<(), String> {
        let amount = parse_money(&t.amount, "transaction amount")?;
        let ak = t
            .access_key
            .or_else(|| self.first_merchant.clone())
            .ok_or("no merchant to own the transaction")?;
        let now = now_ms();
        self.txns.insert(
            t.id.clone(),
            Txn {
                visible_from_ms: 0,
                id: t.id,
                access_key: ak,
                amount,
                status: t.status,
                payment_mode: t.payment_mode,
                beneficiary_frozen: t.beneficiary_frozen,
                refunded: Decimal::ZERO,
                created_ms: now,
                modified_ms: now,
                refund_of: None,
                order_id: t.order_id,
            },
        );
        Ok(())
    }

    pub fn add_fault(&mut self, spec: FaultSpec) -> Result<(), String> {
        if let Some(p) = spec.probability {
            if !(0.0..=1.0).contains(&p) {
                return Err("fault probability must be within 0..=1".into());
            }
        }
        let remaining = match (spec.times, spec.probability) {
            (Some(t), _) => Some(t),
            (None, Some(_)) => None,
            (None, None) => Some(1),
        };
        let skip = spec.skip.unwrap_or(0);
        self.faults.push(ActiveFault {
            spec,
            remaining,
            skip,
        });
        Ok(())
    }

    /// The fault to apply to this request of `route`, if any (consumes one use).
    pub fn take_fault(&mut self, route: &str) -> Option<FaultSpec> {
        for f in &mut self.faults {
            if f.spec.route != route && f.spec.route != "*" {
                continue;
            }
            if f.spec.route == "*" && route == "admin" {
                continue;
            }
            if f.remaining == Some(0) {
                continue;
            }
            if f.skip > 0 {
                f.skip -= 1;
                continue;
            }
            if let Some(p) = f.spec.probability {
                if self.rng.f64() >= p {
                    continue;
                }
            }
            if let Some(r) = &mut f.remaining {
                *r -= 1;
            }
            return Some(f.spec.clone());
        }
        None
    }

    pub fn issue_token(&mut self, access_key: &str) -> (String, Option<i64>) {
        if self.config.token_mode.unwrap_or_default() == TokenMode::SingleActive {
            for t in self.tokens.values_mut() {
                if t.access_key == access_key {
                    t.revoked = true;
                }
            }
        }
        let token: String = (0..32).map(|_| self.rng.alphanumeric()).collect();
        let now = now_ms();
        let expiry = match self.config.token_expiry.unwrap_or_default() {
            TokenExpiryMode::Normal => Some(now + self.lifetime_ms()),
            TokenExpiryMode::Missing => None,
            TokenExpiryMode::Past => Some(now - 1_000),
        };
        // Server-side validity: "missing" tokens live for the configured lifetime; "past" tokens
        // are still accepted once (the client must not cache them).
        let server_expiry = match self.config.token_expiry.unwrap_or_default() {
            TokenExpiryMode::Normal => expiry,
            _ => Some(now + self.lifetime_ms()),
        };
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                access_key: access_key.to_owned(),
                expires_at_ms: server_expiry,
                revoked: false,
            },
        );
        (token, expiry)
    }

    pub fn new_txn_id(&mut self) -> String {
        let suffix: String = (0..6).map(|_| self.rng.alphanumeric()).collect();
        self.seq += 1;
        format!("EK{}{:04}{}", now_ms(), self.seq % 10_000, suffix)
    }

    /// The status a transaction shows now (refunds move from pending to success after the delay).
    pub fn status_of(&self, t: &Txn) -> String {
        if t.refund_of.is_some()
            && t.status == "PENDING_WITH_BANK"
            && now_ms() >= t.created_ms + self.pending_delay_ms()
        {
            return "SUCCESS".to_owned();
        }
        t.status.clone()
    }

    pub fn record(&mut self, mut req: JournalRequest) {
        self.requests_seen += 1;
        req.seq = self.requests_seen;
        *self.journal.counts.entry(req.route.clone()).or_insert(0) += 1;
        bound(&mut self.journal.requests, JOURNAL_LIMIT.get().copied());
        self.journal.requests.push(req);
    }

    /// Journals a refund the gateway applied.
    pub fn record_refund(&mut self, refund: AppliedRefund) {
        bound(&mut self.journal.refunds, JOURNAL_LIMIT.get().copied());
        self.journal.refunds.push(refund);
    }

    pub fn transaction_view(&self, id: &str) -> Option<BTreeMap<String, String>> {
        let t = self.txns.get(id)?;
        let mut m = BTreeMap::new();
        m.insert("id".into(), t.id.clone());
        m.insert("amount".into(), t.amount.normalize().to_string());
        m.insert("status".into(), self.status_of(t));
        m.insert("refunded".into(), t.refunded.normalize().to_string());
        if let Some(b) = self.merchants.get(&t.access_key) {
            m.insert("merchant_balance".into(), b.balance.normalize().to_string());
        }
        Some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::bound;

    #[test]
    fn a_bounded_list_keeps_its_newest_half_when_full() {
        let mut list: Vec<u32> = (1..=9).collect();
        bound(&mut list, Some(10));
        assert_eq!(list.len(), 9, "below the limit nothing is dropped");
        list.push(10);
        bound(&mut list, Some(10));
        assert_eq!(list, vec![6, 7, 8, 9, 10]);
        let mut unbounded: Vec<u32> = (1..=100).collect();
        bound(&mut unbounded, None);
        assert_eq!(unbounded.len(), 100);
    }
}
