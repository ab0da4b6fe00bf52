//! Input rules checked before anything is sent.

use crate::error::Error;

/// Longest id accepted (transaction, order, request ids).
pub const MAX_ID_LEN: usize = 64;
/// Longest `remarks` accepted.
pub const MAX_REMARKS_LEN: usize = 255;

/// An EnKash or merchant id: 1–64 characters of `A-Z a-z 0-9 - _ .`.
pub fn id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.trim() != value {
        return Err(Error::invalid(
            field,
            "must not start or end with white space",
        ));
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_ID_LEN} characters"),
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Error::invalid(
            field,
            format!("may contain only letters, digits, '-', '_' and '.', found {bad:?}"),
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(field, "must not be '.' or '..'"));
    }
    Ok(())
}

/// Refund remarks: at most 255 characters, no control characters.
pub fn remarks(value: &str) -> Result<(), Error> {
    if value.chars().count() > MAX_REMARKS_LEN {
        return Err(Error::invalid(
            "remarks",
            format!("must be at most {MAX_REMARKS_LEN} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            "remarks",
            "must not contain control characters",
        ));
    }
    Ok(())
}
