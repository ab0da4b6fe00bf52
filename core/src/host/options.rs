//! [`ClientOptions`]: the one options type behind every binding's constructor.
//!
//! [`for_each_client_option!`](crate::for_each_client_option) lists the options once; this
//! module builds the struct, the by-name setter and the specs from it, and the uniffi binding
//! builds its `ClientConfig` record from the same list. Adding an option means adding a line
//! there and a setter on [`crate::ConfigBuilder`]; the bindings pick it up (plus one line in
//! each language's type stub).

use std::time::Duration;

use crate::config::{AmountEncoding, Config, Environment, RefundLookup};
use crate::error::Error;
use crate::secret::Secret;

/// Lists every client option as `doc, name: Type` and hands the list to `$cb!`.
#[macro_export]
macro_rules! for_each_client_option {
    ($cb:ident) => {
        $cb! {
            /// The merchant access key (default: `ENKASH_ACCESS_KEY` with `from_env`).
            access_key: $crate::Secret,
            /// The merchant secret key (default: `ENKASH_SECRET_KEY` with `from_env`).
            secret_key: $crate::Secret,
            /// Value of the `merchantAccessKey` header when it differs from the access key.
            merchant_access_key: $crate::Secret,
            /// `"uat"` (default) or `"production"`; `base_url` wins when both are given.
            environment: String,
            /// A custom base URL, e.g. the simulator; wins over `environment`.
            base_url: String,
            /// Time allowed for one call, retries and reconciliation included (default 60 s).
            timeout: ::std::time::Duration,
            /// TCP + TLS connect timeout (default 10 s).
            connect_timeout: ::std::time::Duration,
            /// Timeout of one HTTP attempt (default 30 s).
            request_timeout: ::std::time::Duration,
            /// Retries after the first attempt (default 2, at most 10).
            max_retries: u32,
            /// Delay before the first retry; doubles each time, with jitter (default 200 ms).
            initial_backoff: ::std::time::Duration,
            /// Upper bound of one backoff delay (default 5 s).
            max_backoff: ::std::time::Duration,
            /// Longest `Retry-After` the SDK sleeps for (default 30 s); longer is `RateLimited`.
            max_retry_after: ::std::time::Duration,
            /// An HTTP(S) proxy URL (credentials in it are never printed).
            proxy: $crate::Secret,
            /// An extra root certificate (PEM) to trust.
            extra_root_ca_pem: Vec<u8>,
            /// `"platform"` (default: the OS verifier; on Android the bundled roots until
            /// `EnkashAndroid.init(context)`) or `"bundled"` (Mozilla's roots in the library).
            tls_roots: String,
            /// Appended to the User-Agent after the SDK's own names, e.g. `"my-shop/2.1"`.
            user_agent_suffix: String,
            /// Refresh the token this long before its expiry (default 60 s).
            token_refresh_skew: ::std::time::Duration,
            /// `"enquiry"` (default) or `"transaction_status_only"`.
            refund_lookup: String,
            /// Path of the refund enquiry endpoint (default `/api/v0/refund/enquiry`).
            refund_enquiry_path: String,
            /// `"number"` (default) or `"string"`: how `amount` is written in refund bodies.
            amount_encoding: String,
            /// The `Authorization` scheme word (default `"Bearer"`).
            auth_scheme: String,
            /// Largest response body accepted, in bytes (default 1 MiB).
            max_response_bytes: u64,
            /// After an ambiguous refund failure and a lookup that found nothing, wait this long
            /// and look again before resending (default 2 s).
            reconcile_settle_delay: ::std::time::Duration,
            /// The gateway is confirmed to dedupe `requestId`: a resend is itself the lookup
            /// (default false; fewer `OutcomeUnknown`, unsafe on a gateway that does not dedupe).
            gateway_dedupes_request_id: bool,
            /// Share one token across a fleet: `"redis://host:6379/0"` (never printed). Every
            /// process with the same URL and access key makes one token call per expiry window.
            token_store_url: $crate::Secret,
        }
    };
}

/// How a host language wrote a duration option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// Python's idiom: `timeout=30.0`.
    Seconds,
    /// JavaScript's idiom: `timeoutMs: 30000`.
    Millis,
}

/// What kind of value an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// A secret string, never printed.
    Secret,
    /// Text.
    Text,
    /// Bytes (text is accepted as its UTF-8 bytes).
    Bytes,
    /// A whole number.
    Count,
    /// A duration, in the host's unit ([`DurationUnit`]).
    Duration,
    /// True or false.
    Flag,
}

/// One option: its name (snake_case, as in Python and Rust) and kind. Serializes with its
/// JavaScript spelling as `js_name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The option's name.
    pub name: &'static str,
    /// What it takes.
    pub kind: OptionKind,
}

impl OptionSpec {
    /// The JavaScript spelling: camelCase, with `Ms` after durations (`timeoutMs`).
    pub fn js_name(&self) -> String {
        let mut out = String::with_capacity(self.name.len() + 2);
        let mut upper = false;
        for c in self.name.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        if self.kind == OptionKind::Duration {
            out.push_str("Ms");
        }
        out
    }
}

impl serde::Serialize for OptionSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("OptionSpec", 3)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("js_name", &self.js_name())?;
        st.end()
    }
}

/// A value from a host language, before it is checked against the option's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// A string.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A number (durations in the host's unit, counts as whole numbers).
    Number(f64),
    /// A boolean.
    Flag(bool),
}

/// A Rust type an option can hold, and how a host value becomes one.
pub trait OptionType: Sized {
    /// The kind reported in [`OptionSpec`].
    const KIND: OptionKind;
    /// Converts `value`, naming `field` when it does not fit.
    fn from_value(
        value: OptionValue,
        field: &'static str,
        unit: DurationUnit,
    ) -> Result<Self, Error>;
}

fn wrong(field: &'static str, what: &str) -> Error {
    Error::invalid(field, format!("must be {what}"))
}

impl OptionType for String {
    const KIND: OptionKind = OptionKind::Text;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        match v {
            OptionValue::Text(s) => Ok(s),
            _ => Err(wrong(field, "a string")),
        }
    }
}

impl OptionType for Secret {
    const KIND: OptionKind = OptionKind::Secret;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        match v {
            OptionValue::Text(s) => Ok(Secret::new(s)),
            _ => Err(wrong(field, "a string")),
        }
    }
}

impl OptionType for Vec<u8> {
    const KIND: OptionKind = OptionKind::Bytes;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        match v {
            OptionValue::Bytes(b) => Ok(b),
            OptionValue::Text(s) => Ok(s.into_bytes()),
            _ => Err(wrong(field, "bytes or a string")),
        }
    }
}

fn whole(v: OptionValue, field: &'static str, max: f64) -> Result<f64, Error> {
    match v {
        OptionValue::Number(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= max => {
            Ok(n)
        }
        _ => Err(wrong(field, "a whole number, not negative")),
    }
}

impl OptionType for u32 {
    const KIND: OptionKind = OptionKind::Count;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        whole(v, field, f64::from(u32::MAX)).map(|n| n as u32)
    }
}

impl OptionType for u64 {
    const KIND: OptionKind = OptionKind::Count;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        // 2^53: the largest whole number every host's numbers hold exactly.
        whole(v, field, 9_007_199_254_740_992.0).map(|n| n as u64)
    }
}

impl OptionType for bool {
    const KIND: OptionKind = OptionKind::Flag;
    fn from_value(v: OptionValue, field: &'static str, _: DurationUnit) -> Result<Self, Error> {
        match v {
            OptionValue::Flag(b) => Ok(b),
            _ => Err(wrong(field, "true or false")),
        }
    }
}

impl OptionType for Duration {
    const KIND: OptionKind = OptionKind::Duration;
    fn from_value(v: OptionValue, field: &'static str, unit: DurationUnit) -> Result<Self, Error> {
        match v {
            OptionValue::Number(n) => duration(n, field, unit),
            _ => duration(f64::NAN, field, unit),
        }
    }
}

/// A host number of seconds or milliseconds → [`Duration`], naming `field` when it is negative,
/// NaN or infinite. Every duration a binding takes (options, `wait_for_refund`'s timeout) goes
/// through here.
pub fn duration(value: f64, field: &'static str, unit: DurationUnit) -> Result<Duration, Error> {
    let (secs, name) = match unit {
        DurationUnit::Seconds => (value, "seconds"),
        DurationUnit::Millis => (value / 1000.0, "milliseconds"),
    };
    Duration::try_from_secs_f64(secs)
        .map_err(|_| wrong(field, &format!("a finite, non-negative number of {name}")))
}

macro_rules! define_client_options {
    ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// Every option a client takes, each optional (`None` keeps the default). The same
        /// type behind Python's keywords, Node's options object and Kotlin/Swift's
        /// `ClientConfig`.
        #[derive(Clone, Debug, Default)]
        #[non_exhaustive]
        pub struct ClientOptions {
            $( $(#[$m])* pub $name: Option<$ty>, )*
        }

        impl ClientOptions {
            /// Every option, in declaration order.
            pub const SPECS: &'static [OptionSpec] = &[
                $( OptionSpec { name: stringify!($name), kind: <$ty as OptionType>::KIND }, )*
            ];

            /// Sets the option called `name` (snake_case) from a host value.
            pub fn set(
                &mut self,
                name: &str,
                value: OptionValue,
                unit: DurationUnit,
            ) -> Result<(), Error> {
                match name {
                    $( stringify!($name) => {
                        self.$name = Some(<$ty as OptionType>::from_value(
                            value,
                            stringify!($name),
                            unit,
                        )?);
                    } )*
                    _ => return Err(Self::unknown(name)),
                }
                Ok(())
            }
        }
    };
}

crate::for_each_client_option!(define_client_options);

impl ClientOptions {
    /// The spec of the option called `name` (snake_case), if there is one.
    pub fn spec(name: &str) -> Option<&'static OptionSpec> {
        Self::SPECS.iter().find(|s| s.name == name)
    }

    /// The spec whose JavaScript spelling is `js_name` (`timeoutMs`, `baseUrl`).
    pub fn spec_for_js(js_name: &str) -> Option<&'static OptionSpec> {
        Self::SPECS.iter().find(|s| s.js_name() == js_name)
    }

    /// The error for an option that does not exist, listing those that do.
    pub fn unknown(name: &str) -> Error {
        let names: Vec<&str> = Self::SPECS.iter().map(|s| s.name).collect();
        Error::new(
            crate::ErrorKind::Usage,
            format!("unknown option {name:?}; options are {}", names.join(", ")),
        )
    }

    /// Builds the configuration. `from_env` starts from `ENKASH_*` variables (explicit options
    /// win over them); `binding` names the calling binding in the User-Agent
    /// (`"enkash-python/0.1.0"`, empty for Rust), before the user's `user_agent_suffix`.
    /// `base_url` wins over `environment` whatever order they were given in.
    pub fn into_config(self, from_env: bool, binding: &str) -> Result<Config, Error> {
        self.into_builder(from_env, binding)?.build()
    }

    /// [`ClientOptions::into_config`] before validation, for a binding that adds what is not an
    /// option value (a host's [`crate::TokenProvider`]).
    pub fn into_builder(
        self,
        from_env: bool,
        binding: &str,
    ) -> Result<crate::ConfigBuilder, Error> {
        let mut b = if from_env {
            Config::builder_from_env()?
        } else {
            Config::builder()
        };
        if let Some(v) = self.access_key {
            b = b.access_key(v.expose());
        }
        if let Some(v) = self.secret_key {
            b = b.secret_key(v.expose());
        }
        if let Some(v) = self.merchant_access_key {
            b = b.merchant_access_key(v.expose());
        }
        if let Some(url) = self.base_url {
            b = b.base_url(url);
        } else if let Some(env) = self.environment {
            b = b.environment(Environment::parse(&env)?);
        }
        if let Some(v) = self.timeout {
            b = b.total_timeout(v);
        }
        if let Some(v) = self.connect_timeout {
            b = b.connect_timeout(v);
        }
        if let Some(v) = self.request_timeout {
            b = b.request_timeout(v);
        }
        if let Some(v) = self.max_retries {
            b = b.max_retries(v);
        }
        if let Some(v) = self.initial_backoff {
            b = b.initial_backoff(v);
        }
        if let Some(v) = self.max_backoff {
            b = b.max_backoff(v);
        }
        if let Some(v) = self.max_retry_after {
            b = b.max_retry_after(v);
        }
        if let Some(v) = self.proxy {
            b = b.proxy(v.expose());
        }
        if let Some(v) = self.extra_root_ca_pem {
            b = b.extra_root_ca_pem(v);
        }
        if let Some(v) = self.tls_roots {
            b = b.tls_roots(crate::TlsRoots::from_name(&v)?);
        }
        if let Some(v) = self.token_store_url {
            b = b.token_store_url(v.expose());
        }
        if let Some(v) = self.token_refresh_skew {
            b = b.token_refresh_skew(v);
        }
        if let Some(lookup) =
            RefundLookup::from_name(self.refund_lookup.as_deref(), self.refund_enquiry_path)?
        {
            b = b.refund_lookup(lookup);
        }
        if let Some(v) = self.amount_encoding {
            b = b.amount_encoding(AmountEncoding::parse(&v)?);
        }
        if let Some(v) = self.auth_scheme {
            b = b.auth_scheme(v);
        }
        if let Some(v) = self.reconcile_settle_delay {
            b = b.reconcile_settle_delay(v);
        }
        if let Some(v) = self.gateway_dedupes_request_id {
            b = b.gateway_dedupes_request_id(v);
        }
        if let Some(v) = self.max_response_bytes {
            b = b.max_response_bytes(usize::try_from(v).unwrap_or(usize::MAX));
        }
        let suffix = [Some(binding), self.user_agent_suffix.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !suffix.is_empty() {
            b = b.user_agent_suffix(suffix);
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ClientOptions {
        let mut o = ClientOptions::default();
        o.set(
            "access_key",
            OptionValue::Text("ak".into()),
            DurationUnit::Seconds,
        )
        .unwrap();
        o.set(
            "secret_key",
            OptionValue::Text("sk".into()),
            DurationUnit::Seconds,
        )
        .unwrap();
        o
    }

    #[test]
    fn base_url_wins_over_environment_in_any_order() {
        let mut o = opts();
        o.set(
            "base_url",
            OptionValue::Text("http://127.0.0.1:9".into()),
            DurationUnit::Seconds,
        )
        .unwrap();
        o.set(
            "environment",
            OptionValue::Text("production".into()),
            DurationUnit::Seconds,
        )
        .unwrap();
        assert_eq!(
            o.into_config(false, "").unwrap().base_url(),
            "http://127.0.0.1:9/"
        );
    }

    #[test]
    fn user_agent_keeps_binding_and_user_suffix() {
        let mut o = opts();
        o.user_agent_suffix = Some("my-shop/2.1".into());
        let c = o.into_config(false, "enkash-python/0.1.0").unwrap();
        assert!(c.user_agent().starts_with("enkash-rust/"));
        assert!(c.user_agent().ends_with(" enkash-python/0.1.0 my-shop/2.1"));
    }

    #[test]
    fn durations_in_the_hosts_unit_and_bad_values_named() {
        let mut o = opts();
        o.set("timeout", OptionValue::Number(1.5), DurationUnit::Seconds)
            .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(1500)));
        o.set("timeout", OptionValue::Number(250.0), DurationUnit::Millis)
            .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(250)));
        let e = o
            .set("timeout", OptionValue::Number(-1.0), DurationUnit::Millis)
            .unwrap_err();
        assert_eq!(e.field(), Some("timeout"));
        let e = o
            .set(
                "max_retries",
                OptionValue::Number(1.5),
                DurationUnit::Millis,
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("max_retries"));
        let e = o
            .set("nope", OptionValue::Number(1.0), DurationUnit::Millis)
            .unwrap_err();
        assert!(e.message().contains("base_url"));
    }

    #[test]
    fn js_names() {
        let js: Vec<String> = ClientOptions::SPECS.iter().map(|s| s.js_name()).collect();
        assert!(js.contains(&"timeoutMs".to_owned()));
        assert!(js.contains(&"extraRootCaPem".to_owned()));
        assert_eq!(
            ClientOptions::spec_for_js("baseUrl").unwrap().name,
            "base_url"
        );
    }
}
