//! [`SecretText`]: a secret a host caller must be able to read, that never prints.

use std::fmt;

/// A secret value handed to the host (a webhook's payment token). Debug prints `***`; each
/// binding shows it masked in reprs and `toString`. Serializes as its value (Node receives it).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretText(pub String);

impl SecretText {
    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(\"***\")")
    }
}

impl serde::Serialize for SecretText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
