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
    // No more bytes than the limit means no more characters either: counted only when longer.
    if value.len() > MAX_ID_LEN && value.chars().count() > MAX_ID_LEN {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_ID_LEN} characters"),
        ));
    }
    // The allowed characters are ASCII: scanned as bytes, and the first other byte begins the
    // character named in the error.
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if let Some(bad) = value
        .bytes()
        .position(|b| !allowed(b))
        .and_then(|at| value.get(at..))
        .and_then(|rest| rest.chars().next())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_broken(value: &str) -> Option<String> {
        id("transaction_id", value).err().map(|e| {
            assert_eq!(e.field(), Some("transaction_id"));
            e.message().to_owned()
        })
    }

    #[test]
    fn ids_name_the_rule_they_break_and_the_character_found() {
        assert_eq!(rule_broken("EK-1_a.B9"), None);
        assert_eq!(rule_broken(&"a".repeat(MAX_ID_LEN)), None);
        assert!(rule_broken("").unwrap().contains("must not be empty"));
        assert!(rule_broken(" EK1").unwrap().contains("white space"));
        assert!(rule_broken(&"a".repeat(MAX_ID_LEN + 1))
            .unwrap()
            .contains("at most 64"));
        // Multi-byte characters: counted as characters, and named whole wherever they stand.
        let long = "é".repeat(MAX_ID_LEN);
        assert!(rule_broken(&long).unwrap().contains("found 'é'"));
        assert!(rule_broken(&"é".repeat(MAX_ID_LEN + 1))
            .unwrap()
            .contains("at most 64"));
        assert!(rule_broken("EK1€x").unwrap().contains("found '€'"));
        assert!(rule_broken("EK/1").unwrap().contains("found '/'"));
        assert!(rule_broken("..").unwrap().contains("'..'"));
    }
}
