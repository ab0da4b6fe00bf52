//! Money as text, both directions, exact: the one rule every binding and the CLI use.

use std::fmt;

use rust_decimal::Decimal;

use crate::error::Error;

/// An exact amount on its way to a host language. Its text ([`fmt::Display`], serde) is the one
/// money-to-text rule: two decimals when the value has at most two (`100.50`), otherwise every
/// digit it has (`1.005`) — never rounded.
///
/// ```
/// use enkash::host::Money;
/// use enkash::Decimal;
/// assert_eq!(Money(Decimal::new(1005, 1)).to_string(), "100.50");
/// assert_eq!(Money(Decimal::new(1005, 3)).to_string(), "1.005");
/// assert_eq!(Money(Decimal::new(7, 0)).to_string(), "7.00");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money(pub Decimal);

impl Money {
    /// The exact value.
    pub fn decimal(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0.normalize();
        if d.scale() <= 2 {
            let mut two = d;
            two.rescale(2);
            write!(f, "{two}")
        } else {
            write!(f, "{d}")
        }
    }
}

impl From<Decimal> for Money {
    fn from(d: Decimal) -> Self {
        Money(d)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Decimal text from a host language (`BigDecimal.toPlainString()`, Swift `Decimal`, JS
/// string) → an exact [`Decimal`]. Refuses, naming `field`, anything it cannot hold exactly:
/// more than 28 significant digits, exponents, signs other than `-`, spaces, empty text.
///
/// ```
/// use enkash::host::money_from_text;
/// assert_eq!(money_from_text("100.50", "amount").unwrap().to_string(), "100.50");
/// assert!(money_from_text("1.00000000000000000000000000001", "amount").is_err());
/// assert!(money_from_text("1e3", "amount").is_err());
/// ```
pub fn money_from_text(text: &str, field: &'static str) -> Result<Decimal, Error> {
    let shown: String = text.chars().take(40).collect();
    let plain = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    if !plain {
        return Err(Error::invalid(
            field,
            format!("must be plain decimal text such as \"100.50\", got {shown:?}"),
        ));
    }
    Decimal::from_str_exact(text).map_err(|_| {
        Error::invalid(
            field,
            format!("cannot be held exactly (at most 28 significant digits), got {shown:?}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_exact_both_ways() {
        for (d, text) in [
            (Decimal::new(10050, 2), "100.50"),
            (Decimal::new(1005, 1), "100.50"),
            (Decimal::new(1, 2), "0.01"),
            (Decimal::new(1005, 3), "1.005"),
            (Decimal::new(123_456_789, 8), "1.23456789"),
            (Decimal::new(100_000, 3), "100.00"),
        ] {
            assert_eq!(Money(d).to_string(), text);
            assert_eq!(money_from_text(text, "amount").unwrap(), d.normalize());
        }
        // 29 decimals: Decimal::from_str would round; this refuses.
        let e = money_from_text("1.00000000000000000000000000001", "amount").unwrap_err();
        assert_eq!(e.field(), Some("amount"));
        for bad in ["", " 1", "1e2", "+1", "1,000", "NaN", "1.2.3"] {
            assert!(money_from_text(bad, "amount").is_err(), "{bad:?}");
        }
    }
}
