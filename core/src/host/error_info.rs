//! [`ErrorInfo`]: every field of an [`Error`] as plain data, for the bindings' exceptions.

use std::error::Error as _;

use crate::error::Error;

/// Lists every error field as `doc, name: Type` and hands the list to `$cb!`.
#[macro_export]
macro_rules! for_each_error_field {
    ($cb:ident) => {
        $cb! {
            /// The exception/error class name, e.g. `RefundExceedsAvailableError`.
            name: String,
            /// Stable kind name, e.g. `refund_exceeds_available`.
            code: String,
            /// Human message (never contains credentials or tokens).
            message: String,
            /// The HTTP status of the response, when there was one.
            http_status: Option<u16>,
            /// The gateway's `response_code`, when it sent one.
            response_code: Option<i64>,
            /// The refund's `requestId` when the error concerns a refund (always on
            /// `outcome_unknown`).
            request_id: Option<String>,
            /// A request id the server returned in a header, for EnKash support.
            server_request_id: Option<String>,
            /// For invalid input: the field that broke a rule.
            field: Option<String>,
            /// True when the same call may succeed later (the SDK already retried).
            retryable: bool,
            /// For rate limits: how long the server asked to wait, in milliseconds.
            retry_after_ms: Option<u64>,
            /// The underlying causes, outermost first, joined with `": "`.
            cause: Option<String>,
        }
    };
}

macro_rules! define_error_info {
    ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// Every field of an [`Error`], flattened for a host language (from [`Error::info`]).
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct ErrorInfo {
            $( $(#[$m])* pub $name: $ty, )*
        }

        impl ErrorInfo {
            /// The field names, snake_case, in order.
            pub const FIELDS: &'static [&'static str] = &[$( stringify!($name) ),*];
        }
    };
}

crate::for_each_error_field!(define_error_info);

impl Error {
    /// Every field of this error as plain data, with the cause chain flattened.
    ///
    /// ```
    /// let info = enkash::Amount::parse("1.005").unwrap_err().info();
    /// assert_eq!(info.name, "InvalidRequestError");
    /// assert_eq!(info.field.as_deref(), Some("amount"));
    /// ```
    pub fn info(&self) -> ErrorInfo {
        let cause = self.source().map(|s| {
            let mut chain = s.to_string();
            let mut cur = s.source();
            while let Some(c) = cur {
                chain.push_str(": ");
                chain.push_str(&c.to_string());
                cur = c.source();
            }
            chain
        });
        ErrorInfo {
            name: self.kind().exception_name().to_owned(),
            code: self.kind_code().to_owned(),
            message: self.to_string(),
            http_status: self.http_status(),
            response_code: self.response_code(),
            request_id: self.request_id().map(str::to_owned),
            server_request_id: self.server_request_id().map(str::to_owned),
            field: self.field().map(str::to_owned),
            retryable: self.is_retryable(),
            retry_after_ms: self
                .retry_after()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            cause,
        }
    }
}
