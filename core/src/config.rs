//! Client configuration: environment, credentials, timeouts, retries, network options.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use url::Host;
use url::Url;

use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::tls::TlsRoots;
use crate::token::TokenProvider;
use crate::token_store::TokenStore;
use crate::wire;

/// Which EnKash deployment to talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// UAT / sandbox: `https://olympus-pg-uat.enkash.in`.
    Uat,
    /// Production: `https://olympus-pg.enkash.in` (confirm with EnKash before go-live).
    Production,
    /// Any base URL, e.g. the simulator on `http://127.0.0.1:PORT`.
    Custom(String),
}

impl Environment {
    /// Parses `uat`, `sandbox`, `test`, `production`, `prod` or `live` (case-insensitive).
    pub fn parse(name: &str) -> Result<Environment, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "uat" | "sandbox" | "test" => Ok(Environment::Uat),
            "production" | "prod" | "live" => Ok(Environment::Production),
            other => Err(Error::invalid(
                "environment",
                format!("must be \"uat\" or \"production\", got {other:?}"),
            )),
        }
    }

    /// The base URL of this environment.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Uat => wire::UAT_BASE_URL,
            Environment::Production => wire::PRODUCTION_BASE_URL,
            Environment::Custom(url) => url,
        }
    }
}

/// How a refund is looked up by its `requestId` (§6 #13). EnKash has not published its
/// refund-enquiry endpoint; this makes the choice explicit and switchable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundLookup {
    /// POST `{transactionId, requestId}` to the enquiry path (INFERRED shape). Only a positive
    /// "not found" answer counts as proof that a refund is absent; anything else is "unknown".
    Enquiry {
        /// Path of the enquiry endpoint, default [`wire::PATH_REFUND_ENQUIRY`].
        path: String,
    },
    /// Documented endpoints only: `GET /payment/{refundTransactionId}` when that id is known.
    /// Cannot prove a refund absent, so an ambiguous refund failure ends in `OutcomeUnknown`.
    TransactionStatusOnly,
}

impl RefundLookup {
    /// The strategy named `"enquiry"` (default when `None`) or `"transaction_status_only"`,
    /// with an optional enquiry path; `Ok(None)` means "keep the default".
    pub fn from_name(
        name: Option<&str>,
        enquiry_path: Option<String>,
    ) -> Result<Option<RefundLookup>, Error> {
        match (name, enquiry_path) {
            (Some("transaction_status_only"), _) => Ok(Some(RefundLookup::TransactionStatusOnly)),
            (None | Some("enquiry"), Some(path)) => Ok(Some(RefundLookup::Enquiry { path })),
            (None | Some("enquiry"), None) => Ok(None),
            (Some(other), _) => Err(Error::invalid(
                "refund_lookup",
                format!("must be \"enquiry\" or \"transaction_status_only\", got {other:?}"),
            )),
        }
    }
}

impl Default for RefundLookup {
    fn default() -> Self {
        RefundLookup::Enquiry {
            path: wire::PATH_REFUND_ENQUIRY.to_owned(),
        }
    }
}

/// How `amount` is written in the refund body (§6 #8): a JSON number unless UAT demands a string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AmountEncoding {
    /// `"amount": 100.5` (default; the schema says number).
    #[default]
    Number,
    /// `"amount": "100.5"` (the docs' one example).
    String,
}

impl AmountEncoding {
    /// Parses `"number"` or `"string"` (case-insensitive).
    pub fn parse(name: &str) -> Result<AmountEncoding, Error> {
        match name.trim().to_ascii_lowercase().as_str() {
            "number" => Ok(AmountEncoding::Number),
            "string" => Ok(AmountEncoding::String),
            other => Err(Error::invalid(
                "amount_encoding",
                format!("must be \"number\" or \"string\", got {other:?}"),
            )),
        }
    }
}

/// Validated client configuration. Build it with [`Config::builder`] or [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    pub(crate) base_url: Url,
    pub(crate) access_key: Secret,
    pub(crate) secret_key: Secret,
    pub(crate) merchant_access_key: Option<Secret>,
    pub(crate) auth_scheme: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) total_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) proxy: Option<Secret>,
    pub(crate) extra_root_ca_pem: Option<Vec<u8>>,
    pub(crate) tls_roots: TlsRoots,
    pub(crate) user_agent_suffix: Option<String>,
    pub(crate) token_refresh_skew: Duration,
    pub(crate) refund_lookup: RefundLookup,
    pub(crate) amount_encoding: AmountEncoding,
    pub(crate) reconcile_settle_delay: Duration,
    pub(crate) gateway_dedupes_request_id: bool,
    pub(crate) token_provider: Option<Arc<dyn TokenProvider>>,
    pub(crate) token_store: Option<Arc<dyn TokenStore>>,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url.as_str())
            .field("access_key", &"***")
            .field("secret_key", &"***")
            .field("token_provider", &self.token_provider.as_ref().map(|_| "…"))
            .field("token_store", &self.token_store.as_ref().map(|_| "…"))
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("proxy", &self.proxy.as_ref().map(|_| "***"))
            .field("tls_roots", &self.tls_roots)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("refund_lookup", &self.refund_lookup)
            .field("reconcile_settle_delay", &self.reconcile_settle_delay)
            .field(
                "gateway_dedupes_request_id",
                &self.gateway_dedupes_request_id,
            )
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Starts a builder with the defaults (UAT, 10 s connect, 30 s per attempt, 60 s total, 2 retries).
    ///
    /// ```
    /// let config = enkash::Config::builder()
    ///     .access_key("ak_test")
    ///     .secret_key("sk_test")
    ///     .base_url("http://127.0.0.1:8080")
    ///     .max_retries(3)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.base_url(), "http://127.0.0.1:8080/");
    /// assert!(!format!("{config:?}").contains("sk_test"));
    /// ```
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads `ENKASH_ACCESS_KEY`, `ENKASH_SECRET_KEY` and `ENKASH_BASE_URL` or
    /// `ENKASH_ENVIRONMENT` (`uat`/`production`, default `uat`), plus optional
    /// `ENKASH_MAX_RETRIES`, `ENKASH_TIMEOUT_SECS` and `ENKASH_PROXY`.
    pub fn from_env() -> Result<Config, Error> {
        Self::builder_from_env()?.build()
    }

    /// A builder preloaded from the environment, to adjust before `build()`.
    pub fn builder_from_env() -> Result<ConfigBuilder, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut b = Config::builder();
        if let Some(v) = var("ENKASH_ACCESS_KEY") {
            b = b.access_key(v);
        }
        if let Some(v) = var("ENKASH_SECRET_KEY") {
            b = b.secret_key(v);
        }
        if let Some(v) = var("ENKASH_BASE_URL") {
            b = b.base_url(v);
        } else if let Some(v) = var("ENKASH_ENVIRONMENT") {
            b = b.environment(Environment::parse(&v)?);
        }
        if let Some(v) = var("ENKASH_MAX_RETRIES") {
            let n = v.parse::<u32>().map_err(|_| {
                Error::invalid("ENKASH_MAX_RETRIES", "must be a whole number such as 2")
            })?;
            b = b.max_retries(n);
        }
        if let Some(v) = var("ENKASH_TIMEOUT_SECS") {
            let n = v.parse::<u64>().map_err(|_| {
                Error::invalid("ENKASH_TIMEOUT_SECS", "must be a whole number of seconds")
            })?;
            b = b.total_timeout(Duration::from_secs(n));
        }
        if let Some(v) = var("ENKASH_PROXY") {
            b = b.proxy(v);
        }
        Ok(b)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.base_url.as_str()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Time allowed for one call, retries and reconciliation included.
    pub fn total_timeout(&self) -> Duration {
        self.total_timeout
    }

    pub(crate) fn merchant_access_key(&self) -> &str {
        self.merchant_access_key
            .as_ref()
            .unwrap_or(&self.access_key)
            .expose()
    }

    /// The full User-Agent header value.
    pub fn user_agent(&self) -> String {
        let base = concat!("enkash-rust/", env!("CARGO_PKG_VERSION"));
        match &self.user_agent_suffix {
            Some(s) => format!("{base} {s}"),
            None => base.to_owned(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url, Error> {
        self.base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::config(format!("cannot build URL for {path}: {e}")))
    }
}

/// Builder for [`Config`]; every setter is optional except the two keys.
#[derive(Clone)]
pub struct ConfigBuilder {
    environment: Environment,
    access_key: Option<Secret>,
    secret_key: Option<Secret>,
    merchant_access_key: Option<Secret>,
    auth_scheme: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    total_timeout: Duration,
    retry: RetryPolicy,
    proxy: Option<Secret>,
    extra_root_ca_pem: Option<Vec<u8>>,
    tls_roots: TlsRoots,
    user_agent_suffix: Option<String>,
    token_refresh_skew: Duration,
    refund_lookup: RefundLookup,
    amount_encoding: AmountEncoding,
    reconcile_settle_delay: Duration,
    gateway_dedupes_request_id: bool,
    token_provider: Option<Arc<dyn TokenProvider>>,
    token_store: Option<Arc<dyn TokenStore>>,
    token_store_url: Option<Secret>,
    max_response_bytes: usize,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            environment: Environment::Uat,
            access_key: None,
            secret_key: None,
            merchant_access_key: None,
            auth_scheme: "Bearer".to_owned(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            proxy: None,
            extra_root_ca_pem: None,
            tls_roots: TlsRoots::Platform,
            user_agent_suffix: None,
            token_refresh_skew: Duration::from_secs(60),
            refund_lookup: RefundLookup::default(),
            amount_encoding: AmountEncoding::Number,
            reconcile_settle_delay: Duration::from_secs(2),
            gateway_dedupes_request_id: false,
            token_provider: None,
            token_store: None,
            token_store_url: None,
            max_response_bytes: 1 << 20,
        }
    }
}

impl ConfigBuilder {
    /// The merchant access key (`ENKASH_ACCESS_KEY`).
    pub fn access_key(mut self, v: impl Into<String>) -> Self {
        self.access_key = Some(Secret::new(v));
        self
    }
    /// The merchant secret key (`ENKASH_SECRET_KEY`).
    pub fn secret_key(mut self, v: impl Into<String>) -> Self {
        self.secret_key = Some(Secret::new(v));
        self
    }
    /// UAT, production, or a custom base URL.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }
    /// A custom base URL (same as `environment(Environment::Custom(url))`).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }
    /// Value of the `merchantAccessKey` header when it differs from the access key (§6 #3).
    pub fn merchant_access_key(mut self, v: impl Into<String>) -> Self {
        self.merchant_access_key = Some(Secret::new(v));
        self
    }
    /// The `Authorization` scheme word, default `Bearer` (§6 #2).
    pub fn auth_scheme(mut self, v: impl Into<String>) -> Self {
        self.auth_scheme = v.into();
        self
    }
    /// TCP + TLS connect timeout (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Timeout of one HTTP attempt (default 30 s).
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }
    /// Timeout of one SDK call including retries and reconciliation (default 60 s).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.total_timeout = d;
        self
    }
    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }
    /// Delay before the first retry (doubles each time, with jitter; default 200 ms).
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.retry.initial_backoff = d;
        self
    }
    /// Upper bound of one backoff delay (default 5 s).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.retry.max_backoff = d;
        self
    }
    /// Longest `Retry-After` the SDK sleeps for (default 30 s); longer ones surface as `RateLimited`.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.retry.max_retry_after = d;
        self
    }
    /// The whole retry policy (backoff base, cap, Retry-After cap).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// An HTTP(S) proxy URL for all requests (credentials in it are never printed).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(Secret::new(url));
        self
    }
    /// An extra root certificate (PEM) to trust, e.g. a corporate TLS-inspecting proxy.
    pub fn extra_root_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_root_ca_pem = Some(pem.into());
        self
    }
    /// Appended to the User-Agent, e.g. `enkash-python/0.1.0`.
    pub fn user_agent_suffix(mut self, s: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(s.into());
        self
    }
    /// Refresh the token this long before its `expiry` (default 60 s).
    pub fn token_refresh_skew(mut self, d: Duration) -> Self {
        self.token_refresh_skew = d;
        self
    }
    /// How refunds are looked up by `requestId` (default: the enquiry endpoint).
    pub fn refund_lookup(mut self, lookup: RefundLookup) -> Self {
        self.refund_lookup = lookup;
        self
    }
    /// How `amount` is written in refund bodies (default: JSON number).
    pub fn amount_encoding(mut self, e: AmountEncoding) -> Self {
        self.amount_encoding = e;
        self
    }
    /// After an ambiguous refund failure and a lookup that found nothing, wait this long and look
    /// again before resending (default 2 s): a gateway that applies a refund shortly after the
    /// connection was cut, and does not dedupe `requestId`, is then not asked to refund twice.
    pub fn reconcile_settle_delay(mut self, d: Duration) -> Self {
        self.reconcile_settle_delay = d;
        self
    }
    /// Declare that the gateway is confirmed to dedupe `requestId` (a resend of an applied refund
    /// is answered with it or refused as a duplicate, never applied again). Off by default. When
    /// on, a resend with the same `requestId` is itself the lookup: ambiguous failures that no
    /// lookup can settle are resent instead of ending in `OutcomeUnknown`.
    pub fn gateway_dedupes_request_id(mut self, yes: bool) -> Self {
        self.gateway_dedupes_request_id = yes;
        self
    }
    /// Get tokens from `provider` (e.g. the merchant's backend) instead of the token endpoint:
    /// the client then needs no secret key — and must not be given one.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.token_provider = Some(provider);
        self
    }
    /// Share the token with every client using the same `store` (all the processes of a fleet,
    /// with a shared store such as Redis): one token call per expiry window for all of them.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }
    /// [`ConfigBuilder::token_store`] by URL: `redis://[user:password@]host[:port][/db]` (needs the
    /// `redis-store` feature, on in the Python and Node packages). The URL never prints.
    pub fn token_store_url(mut self, url: impl Into<String>) -> Self {
        self.token_store_url = Some(Secret::new(url));
        self
    }
    /// Which roots to trust (default [`TlsRoots::Platform`]; on Android the bundled Mozilla roots
    /// are used until the platform verifier is initialised).
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.tls_roots = roots;
        self
    }
    /// Largest response body accepted (default 1 MiB).
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Validates and builds the configuration.
    pub fn build(self) -> Result<Config, Error> {
        let access_key = self.access_key.filter(|k| !k.is_empty()).ok_or_else(|| {
            Error::invalid("access_key", "is required (set it or ENKASH_ACCESS_KEY)")
        })?;
        let secret_key = match (self.secret_key.filter(|k| !k.is_empty()), &self.token_provider) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "secret_key",
                    "must not be given with a token_provider (a client that gets its tokens from a provider never holds the secret key)",
                ))
            }
            (Some(k), None) => k,
            (None, Some(_)) => Secret::new(""),
            (None, None) => {
                return Err(Error::invalid(
                    "secret_key",
                    "is required (set it or ENKASH_SECRET_KEY), unless the client has a token_provider",
                ))
            }
        };
        for (name, value) in [("access_key", &access_key), ("secret_key", &secret_key)] {
            if value.expose().len() > 512 || value.expose().chars().any(|c| c.is_control()) {
                return Err(Error::invalid(
                    name,
                    "must be at most 512 characters without control characters",
                ));
            }
        }
        let base_url = parse_base_url(self.environment.base_url())?;
        if self.auth_scheme.is_empty() || self.auth_scheme.contains(char::is_whitespace) {
            return Err(Error::invalid(
                "auth_scheme",
                "must be one word such as \"Bearer\"",
            ));
        }
        for (name, d) in [
            ("connect_timeout", self.connect_timeout),
            ("request_timeout", self.request_timeout),
            ("total_timeout", self.total_timeout),
        ] {
            if d.is_zero() {
                return Err(Error::invalid(name, "must be greater than zero"));
            }
        }
        if self.retry.max_retries > 10 {
            return Err(Error::invalid("max_retries", "must be at most 10"));
        }
        if let RefundLookup::Enquiry { path } = &self.refund_lookup {
            if !path.starts_with('/') {
                return Err(Error::invalid("refund_lookup", "path must start with '/'"));
            }
        }
        if let Some(suffix) = &self.user_agent_suffix {
            if suffix.len() > 200 || suffix.chars().any(|c| c.is_control()) {
                return Err(Error::invalid(
                    "user_agent_suffix",
                    "must be at most 200 printable characters",
                ));
            }
        }
        let token_store = match (self.token_store, self.token_store_url) {
            (Some(store), None) => Some(store),
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "token_store_url",
                    "must not be given with a token_store",
                ))
            }
            (None, Some(url)) => Some(open_token_store(url.expose())?),
        };
        Ok(Config {
            base_url,
            access_key,
            secret_key,
            merchant_access_key: self.merchant_access_key,
            auth_scheme: self.auth_scheme,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            total_timeout: self.total_timeout,
            retry: self.retry,
            proxy: self.proxy,
            extra_root_ca_pem: self.extra_root_ca_pem,
            tls_roots: self.tls_roots,
            user_agent_suffix: self.user_agent_suffix,
            token_refresh_skew: self.token_refresh_skew,
            refund_lookup: self.refund_lookup,
            amount_encoding: self.amount_encoding,
            reconcile_settle_delay: self.reconcile_settle_delay,
            gateway_dedupes_request_id: self.gateway_dedupes_request_id,
            token_provider: self.token_provider,
            token_store,
            max_response_bytes: self.max_response_bytes.max(1024),
        })
    }
}

/// The store a `token_store_url` names.
fn open_token_store(url: &str) -> Result<Arc<dyn TokenStore>, Error> {
    if url.starts_with("redis://") || url.starts_with("redis+unix://") {
        #[cfg(feature = "redis-store")]
        return Ok(Arc::new(crate::token_store::RedisTokenStore::open(url)?));
        #[cfg(not(feature = "redis-store"))]
        return Err(Error::config(
            "token_store_url: this build of the SDK has no Redis support (Rust: enable the `redis-store` feature)",
        ));
    }
    Err(Error::invalid(
        "token_store_url",
        "must start with redis:// (the only shared store built in)",
    ))
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let mut url = Url::parse(raw.trim())
        .map_err(|e| Error::invalid("base_url", format!("is not a valid URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid("base_url", "must not contain credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            if !loopback {
                return Err(Error::invalid(
                    "base_url",
                    "must use https:// (plain http:// is allowed only for loopback hosts such as 127.0.0.1)",
                ));
            }
        }
        other => {
            return Err(Error::invalid(
                "base_url",
                format!("must use https://, not {other}://"),
            ))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            "base_url",
            "must not have a query or fragment",
        ));
    }
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ConfigBuilder {
        Config::builder().access_key("ak").secret_key("sk")
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://olympus-pg-uat.enkash.in",
        ] {
            base()
                .base_url(ok)
                .build()
                .unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "http://olympus-pg.enkash.in",
            "http://10.0.0.1",
            "ftp://x",
            "not a url",
            "https://u:p@host",
            "https://host/?q=1",
        ] {
            let e = base().base_url(bad).build().unwrap_err();
            assert_eq!(e.field(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn environments_and_required_keys() {
        assert_eq!(
            base().build().unwrap().base_url(),
            "https://olympus-pg-uat.enkash.in/"
        );
        assert_eq!(
            base()
                .environment(Environment::parse("production").unwrap())
                .build()
                .unwrap()
                .base_url(),
            "https://olympus-pg.enkash.in/"
        );
        assert!(Environment::parse("staging").is_err());
        assert_eq!(
            Config::builder()
                .secret_key("s")
                .build()
                .unwrap_err()
                .field(),
            Some("access_key")
        );
        assert_eq!(
            Config::builder()
                .access_key("a")
                .secret_key("")
                .build()
                .unwrap_err()
                .field(),
            Some("secret_key")
        );
        assert_eq!(
            base().max_retries(11).build().unwrap_err().field(),
            Some("max_retries")
        );
        assert_eq!(
            base()
                .total_timeout(Duration::ZERO)
                .build()
                .unwrap_err()
                .field(),
            Some("total_timeout")
        );
    }

    #[test]
    fn retry_setters_change_one_field_each() {
        let c = base()
            .max_retries(4)
            .initial_backoff(Duration::from_millis(7))
            .build()
            .unwrap();
        assert_eq!(
            c.retry_policy().max_retries,
            4,
            "an earlier setting survives"
        );
        assert_eq!(c.retry_policy().initial_backoff, Duration::from_millis(7));
        assert_eq!(
            c.retry_policy().max_backoff,
            RetryPolicy::default().max_backoff
        );
    }

    #[test]
    fn user_agent_carries_version_and_suffix() {
        let c = base()
            .user_agent_suffix("enkash-python/0.1.0")
            .build()
            .unwrap();
        assert!(c.user_agent().starts_with("enkash-rust/"));
        assert!(c.user_agent().ends_with(" enkash-python/0.1.0"));
    }

    #[test]
    fn base_url_path_prefix_is_kept() {
        let c = base()
            .base_url("http://127.0.0.1:9/gateway")
            .build()
            .unwrap();
        assert_eq!(
            c.url("/api/v0/payment/EK1").unwrap().as_str(),
            "http://127.0.0.1:9/gateway/api/v0/payment/EK1"
        );
    }
}
