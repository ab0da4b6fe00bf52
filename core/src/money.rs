//! Exact money: rupees with at most two decimals, never a binary float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::Error;

/// The largest amount accepted: ₹1,000,000,000 (the documented Create Order ceiling, §4.2).
pub const MAX_RUPEES: i64 = 1_000_000_000;

/// A positive amount of Indian rupees with at most two decimal places (paise precision).
///
/// Built from a decimal string, integer paise, integer rupees or a [`Decimal`]; there is no
/// constructor from `f32`/`f64`. It serializes as an exact JSON number: `100`, `99.5`, `0.07`.
///
/// ```
/// use enkash::Amount;
/// let a: Amount = "100.50".parse().unwrap();
/// assert_eq!(a.to_wire(), "100.5");
/// assert_eq!(a.paise(), 10050);
/// assert_eq!(Amount::from_paise(7).unwrap().to_wire(), "0.07");
/// assert!("1.005".parse::<Amount>().is_err());   // would need rounding
/// assert!("-1".parse::<Amount>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

const FIELD: &str = "amount";

fn shown(input: &str) -> String {
    let mut s: String = input.chars().take(24).collect();
    if input.chars().count() > 24 {
        s.push('…');
    }
    s
}

impl Amount {
    /// Parses decimal rupees such as `"100"`, `"100.5"`, `"0.07"`. Plain digits with an optional
    /// fraction only: no sign, exponent, spaces, separators or more than two non-zero decimals.
    pub fn parse(input: &str) -> Result<Amount, Error> {
        Self::parse_field(input, FIELD)
    }

    /// Like [`Amount::parse`], naming `field` in the error.
    pub fn parse_field(input: &str, field: &'static str) -> Result<Amount, Error> {
        if input.is_empty() {
            return Err(Error::invalid(
                field,
                "must not be empty; pass rupees like \"100.50\"",
            ));
        }
        if input.len() > 40 {
            return Err(Error::invalid(field, "is too long to be an amount"));
        }
        let (int_part, frac_part) = match input.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (input, None),
        };
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(int_part) || frac_part.is_some_and(|f| !digits_only(f)) {
            if input.starts_with('-') {
                return Err(Error::invalid(field, "must be greater than zero"));
            }
            return Err(Error::invalid(
                field,
                format!(
                    "must be decimal rupees like \"100.50\" (digits, optional '.', up to 2 decimals), got {:?}",
                    shown(input)
                ),
            ));
        }
        let decimal = Decimal::from_str_exact(input).map_err(|_| {
            Error::invalid(field, format!("is out of range, got {:?}", shown(input)))
        })?;
        Self::from_decimal_field(decimal, field)
    }

    /// Exact conversion from a [`Decimal`]; fails if it is not > 0 or needs more than 2 decimals.
    pub fn from_decimal(value: Decimal) -> Result<Amount, Error> {
        Self::from_decimal_field(value, FIELD)
    }

    fn from_decimal_field(value: Decimal, field: &'static str) -> Result<Amount, Error> {
        let normalized = value.normalize();
        if normalized.is_sign_negative() || normalized.is_zero() {
            return Err(Error::invalid(field, "must be greater than zero"));
        }
        if normalized.scale() > 2 {
            return Err(Error::invalid(
                field,
                format!(
                    "must have at most 2 decimal places (paise); {normalized} cannot be sent without rounding"
                ),
            ));
        }
        if normalized > Decimal::from(MAX_RUPEES) {
            return Err(Error::invalid(
                field,
                format!("must be at most {MAX_RUPEES} rupees"),
            ));
        }
        Ok(Amount(normalized))
    }

    /// From integer paise (1/100 rupee): `from_paise(10050)` is ₹100.50.
    pub fn from_paise(paise: i64) -> Result<Amount, Error> {
        Self::from_decimal(Decimal::new(paise, 2))
    }

    /// From whole rupees.
    pub fn from_rupees(rupees: i64) -> Result<Amount, Error> {
        Self::from_decimal(Decimal::from(rupees))
    }

    /// The value as an exact [`Decimal`] (normalized, no trailing zeros).
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Integer paise.
    pub fn paise(&self) -> i64 {
        let scaled = self.0 * Decimal::ONE_HUNDRED;
        // Invariant: scale ≤ 2 and value ≤ MAX_RUPEES, so this is an exact integer in range.
        scaled.mantissa() as i64 / 10_i64.pow(scaled.scale())
    }

    /// The JSON number text sent on the wire: shortest exact form, e.g. `100`, `99.5`, `0.07`.
    pub fn to_wire(&self) -> String {
        self.0.to_string()
    }

    /// Fixed two-decimal form for display, e.g. `100.50`.
    pub fn to_fixed2(&self) -> String {
        let mut d = self.0;
        d.rescale(2);
        d.to_string()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fixed2())
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount(₹{})", self.to_fixed2())
    }
}

impl FromStr for Amount {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl TryFrom<Decimal> for Amount {
    type Error = Error;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Amount::from_decimal(value)
    }
}

impl TryFrom<&str> for Amount {
    type Error = Error;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Amount::parse(value)
    }
}

/// Parses a JSON number or numeric string from a response into an exact [`Decimal`]
/// (used for amounts the server sends; `1e2` style exponents are accepted there).
pub(crate) fn decimal_from_json_text(raw: &str) -> Option<Decimal> {
    let text = raw.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    }
    .map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms_are_shortest_exact() {
        for (input, wire) in [
            ("100", "100"),
            ("100.00", "100"),
            ("99.50", "99.5"),
            ("0.07", "0.07"),
            ("1.500", "1.5"),
            ("1000000000", "1000000000"),
            ("0.01", "0.01"),
        ] {
            assert_eq!(Amount::parse(input).unwrap().to_wire(), wire, "{input}");
        }
    }

    #[test]
    fn paise_round_trip() {
        for p in [1_i64, 7, 10, 99, 100, 10050, 123456789, 100_000_000_000] {
            assert_eq!(Amount::from_paise(p).unwrap().paise(), p);
        }
    }

    #[test]
    fn rejects_what_needs_rounding_or_is_not_money() {
        for bad in [
            "",
            "0",
            "0.00",
            "-1",
            "1.005",
            "1e2",
            "NaN",
            "inf",
            " 1",
            "1 ",
            "1,000",
            "+1",
            ".5",
            "5.",
            "1.2.3",
            "0x10",
            "1000000000.01",
            "١٢",
        ] {
            let err = Amount::parse(bad).unwrap_err();
            assert_eq!(err.kind_code(), "invalid_request", "{bad}");
            assert_eq!(err.field(), Some("amount"), "{bad}");
        }
    }

    #[test]
    fn json_text_parsing_is_exact() {
        assert_eq!(
            decimal_from_json_text("250.75").unwrap().to_string(),
            "250.75"
        );
        assert_eq!(
            decimal_from_json_text("\"100\"").unwrap().to_string(),
            "100"
        );
        assert_eq!(decimal_from_json_text("1e2").unwrap().to_string(), "100");
        assert_eq!(decimal_from_json_text("0.1").unwrap().to_string(), "0.1");
        assert!(decimal_from_json_text("null").is_none());
    }
}
