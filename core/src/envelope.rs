//! The `{response_code, response_message, payload}` envelope every EnKash answer comes in:
//! decoding a reply into a payload model, and classifying a refusal into an error kind.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{classify, Error, ErrorKind};
use crate::token::Token;
use crate::transport::{Failure, Reply, Transport};
use crate::wire;

impl Transport {
    /// Decodes a reply into the payload model `T`. The outer result classifies the attempt (as
    /// [`Self::decode_envelope`]); the inner one is the payload's decoding, which is final.
    /// A success is parsed in one pass; anything else takes the envelope path.
    pub(crate) fn decode_reply<T: DeserializeOwned + Default>(
        &self,
        reply: &Reply,
        route: &str,
        token: Option<&Token>,
    ) -> Result<Result<T, Error>, Failure> {
        // JSON is UTF-8 throughout; checked first because fields the model ignores are skipped
        // unvalidated (the envelope path rejects such a body, and so must this one).
        let text = std::str::from_utf8(&reply.body).ok();
        if let Some(text) = text
            .filter(|_| reply.status.is_success())
            .filter(|_| !nesting_exceeds(&reply.body, MAX_JSON_DEPTH))
        {
            if let Ok(env) = serde_json::from_str::<wire::TypedEnvelope<T>>(text) {
                if env.response_code == wire::CODE_SUCCESS {
                    return Ok(Ok(env.payload.unwrap_or_default()));
                }
            }
        }
        let payload = self.decode_envelope(reply, route, token)?;
        Ok(decode_payload(payload.as_deref(), route))
    }

    /// Decodes the `{response_code, response_message, payload}` envelope of a reply.
    /// Success gives the raw payload; a refusal is classified into the right error kind.
    pub(crate) fn decode_envelope(
        &self,
        reply: &Reply,
        route: &str,
        token: Option<&Token>,
    ) -> Result<Option<Box<RawValue>>, Failure> {
        let status = reply.status;
        if nesting_exceeds(&reply.body, MAX_JSON_DEPTH) {
            let error = Error::new(
                ErrorKind::Decode,
                format!("{route}: response nested more than {MAX_JSON_DEPTH} levels deep"),
            )
            .with_http_status(status.as_u16());
            return Err(if status.is_success() || status.is_server_error() {
                Failure::Ambiguous {
                    error,
                    stale_connection: false,
                }
            } else {
                Failure::Rejected(error)
            });
        }
        let parsed: Option<wire::Envelope> = serde_json::from_slice(&reply.body).ok();
        if status.is_success() {
            let Some(env) = parsed else {
                return Err(Failure::Ambiguous {
                    error: Error::new(
                        ErrorKind::Decode,
                        format!("{route}: HTTP {status} with a body that is not the EnKash JSON envelope"),
                    )
                    .with_http_status(status.as_u16())
                    .with_server_request_id(reply.server_request_id.clone()),
                    stale_connection: false,
                });
            };
            if env.response_code == wire::CODE_SUCCESS {
                return Ok(env.payload);
            }
            let err = self.refusal(reply, route, Some(&env), token);
            return Err(Failure::Rejected(err));
        }
        let err = self.refusal(reply, route, parsed.as_ref(), token);
        if status.is_server_error() {
            Err(Failure::Ambiguous {
                error: err,
                stale_connection: false,
            })
        } else {
            Err(Failure::Rejected(err))
        }
    }

    fn refusal(
        &self,
        reply: &Reply,
        route: &str,
        env: Option<&wire::Envelope>,
        token: Option<&Token>,
    ) -> Error {
        let status = reply.status.as_u16();
        let code = env.map(|e| e.response_code);
        let mut text = env
            .and_then(|e| e.response_message.clone())
            .unwrap_or_default();
        if let Some(payload) = env.and_then(|e| e.payload.as_ref()) {
            if let Ok(s) = serde_json::from_str::<String>(payload.get()) {
                if !s.is_empty() && s != text {
                    text = if text.is_empty() {
                        s
                    } else {
                        format!("{text}: {s}")
                    };
                }
            }
        }
        let text = self.scrub(&text, token);
        let kind = classify(status, code, &text);
        let message = if text.is_empty() {
            format!("{route}: HTTP {status}")
        } else {
            format!("{route}: {text}")
        };
        Error::new(kind, message)
            .with_http_status(status)
            .with_response_code(code)
            .with_server_request_id(reply.server_request_id.clone())
            .with_retry_after(if kind == ErrorKind::RateLimited {
                reply.retry_after
            } else {
                None
            })
    }
}

/// Deepest JSON nesting accepted in a response (EnKash objects are a few levels deep).
const MAX_JSON_DEPTH: usize = 64;

/// True when `body` nests arrays/objects deeper than `max` (strings are skipped; O(n), no parse).
fn nesting_exceeds(body: &[u8], max: usize) -> bool {
    // Fast path: a body with at most `max` opening brackets cannot nest deeper than `max`.
    if memchr::memchr2_iter(b'{', b'[', body).nth(max).is_none() {
        return false;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Decodes a success payload into `T` (absent or `null` is `T::default()`); a shape error is final.
pub(crate) fn decode_payload<T: DeserializeOwned + Default>(
    payload: Option<&RawValue>,
    route: &str,
) -> Result<T, Error> {
    match payload {
        None => Ok(T::default()),
        Some(raw) if raw.get() == "null" => Ok(T::default()),
        Some(raw) => serde_json::from_str(raw.get()).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("{route}: unexpected payload shape"),
            )
            .with_source(e)
        }),
    }
}

/// A lookup answer must say what state the object is in; without it there is nothing to act on.
pub(crate) fn require_status(status: Option<&str>, route: &str) -> Result<(), Error> {
    match status {
        Some(s) if !s.trim().is_empty() => Ok(()),
        _ => Err(Error::new(
            ErrorKind::Decode,
            format!("{route}: the answer has no status"),
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nesting_scan_ignores_strings() {
        assert!(!super::nesting_exceeds(br#"{"a":[1,{"b":"[[[[[[["}]}"#, 3));
        assert!(super::nesting_exceeds(b"[[[[", 3));
        assert!(!super::nesting_exceeds(br#"{"s":"\"[[[[[["}"#, 1));
        // More than `max` brackets in total, but never deeper than `max`: not exceeded.
        assert!(!super::nesting_exceeds(b"[[],[],[],[]]", 2));
    }

    /// Found by the `response` fuzz target: invalid UTF-8 inside a field the model ignores.
    /// The one-pass decoding must reject it as the envelope path does, not skip over it.
    #[test]
    fn one_pass_decoding_rejects_invalid_utf8_like_the_envelope_path() {
        let body = b"{\"response_code\": 0, \"payload\": {\"unknownField\": \"EK\xcd\xcd\", \"status\": \"SUCCESS\"}}";
        crate::__fuzz::decode_response(200, body); // asserts both paths agree
        let reply = crate::transport::Reply {
            status: http::StatusCode::OK,
            server_request_id: None,
            retry_after: None,
            body: bytes::Bytes::copy_from_slice(body),
        };
        let t = crate::__fuzz::transport_for_tests();
        match t.decode_reply::<crate::wire::WireTransaction>(&reply, "test", None) {
            Err(crate::transport::Failure::Ambiguous { error, .. }) => {
                assert_eq!(error.kind(), crate::ErrorKind::Decode, "{error}")
            }
            Err(other) => panic!("expected an ambiguous decode failure, got {other:?}"),
            Ok(_) => panic!("expected an ambiguous decode failure, got a decoded payload"),
        }
    }
}
