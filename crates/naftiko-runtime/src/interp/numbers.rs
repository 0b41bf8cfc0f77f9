//! Reading numbers out of text and JSON the one way every layer agrees on: caller inputs are
//! coerced with these, and so are the values a mapping selects, so that `"42"` becomes the same
//! number whichever path it took. Kept apart (and at the bottom) so that inputs and mappings
//! both use it without importing each other.

use serde_json::Number;

/// A number from text, as an integer when it is one (`"7"` → 7, not 7.0).
pub(crate) fn parse_number(text: &str) -> Option<Number> {
    let trimmed = text.trim();
    if let Some(integer) = parse_integer(trimmed) {
        return Some(integer);
    }
    // `f64::from_str` accepts "inf" and "NaN", which JSON cannot carry; `from_f64` rejects them.
    trimmed.parse::<f64>().ok().and_then(Number::from_f64)
}

pub(crate) fn parse_integer(text: &str) -> Option<Number> {
    let trimmed = text.trim();
    if let Ok(signed) = trimmed.parse::<i64>() {
        return Some(Number::from(signed));
    }
    trimmed.parse::<u64>().ok().map(Number::from)
}

/// `3.0` as the integer 3; `None` for a number with a fraction.
pub(crate) fn integral(number: &Number) -> Option<Number> {
    if number.is_i64() || number.is_u64() {
        return Some(number.clone());
    }
    let float = number.as_f64()?;
    #[allow(clippy::cast_possible_truncation)]
    let whole = float as i64;
    #[allow(clippy::cast_precision_loss)]
    let exact = float.fract() == 0.0 && whole as f64 == float;
    exact.then(|| Number::from(whole))
}
