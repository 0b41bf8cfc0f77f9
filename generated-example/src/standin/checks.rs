//! The two checks the v1 API makes on every runs request before it looks a run up.

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};

/// `Authorization` matches the contract's `^(?i)bearer signkey-[a-z]+-[0-9a-f]+$`.
pub(super) fn has_signing_key(headers: &HeaderMap) -> bool {
    let Some(Ok(authorization)) = headers.get(AUTHORIZATION).map(HeaderValue::to_str) else {
        return false;
    };
    let authorization = authorization.to_ascii_lowercase();
    let Some(key) = authorization.strip_prefix("bearer signkey-") else {
        return false;
    };
    // The environment is letters only, so the first `-` is the one before the hex part.
    let Some((environment, hex)) = key.split_once('-') else {
        return false;
    };
    !environment.is_empty()
        && environment.bytes().all(|byte| byte.is_ascii_lowercase())
        && !hex.is_empty()
        && hex.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// A 26-character Crockford base32 ULID, any case: `^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`.
/// The first character is at most 7 because 26 base32 digits hold 130 bits and a ULID has 128.
pub(super) fn is_ulid(text: &str) -> bool {
    let Some((first, rest)) = text.as_bytes().split_first() else {
        return false;
    };
    let is_crockford_digit = |byte: &u8| {
        byte.is_ascii_digit()
            || (byte.is_ascii_alphabetic()
                && !matches!(byte.to_ascii_uppercase(), b'I' | b'L' | b'O' | b'U'))
    };
    text.len() == 26 && (b'0'..=b'7').contains(first) && rest.iter().all(is_crockford_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standin::{
        COMPLETED_RUN_ID, DEMO_API_KEY, FAILED_RUN_ID, MISSING_RUN_ID, RUNNING_RUN_ID,
    };

    #[test]
    fn every_named_run_id_is_a_ulid() {
        for run_id in [
            RUNNING_RUN_ID,
            COMPLETED_RUN_ID,
            FAILED_RUN_ID,
            MISSING_RUN_ID,
        ] {
            assert!(is_ulid(run_id), "{run_id}");
            assert!(is_ulid(&run_id.to_ascii_lowercase()), "{run_id}");
        }
    }

    #[test]
    fn rejects_what_the_contract_pattern_rejects() {
        for not_a_ulid in [
            "",
            "not-a-run",
            "01KKNTCGA0T4V6X9B2C5D8F1G",   // 25 characters
            "01KKNTCGA0T4V6X9B2C5D8F1GHH", // 27
            "81KKNTCGA0T4V6X9B2C5D8F1GH",  // above the 128-bit range
            "01KKNTCGA0T4V6X9B2C5D8F1GI",  // I, L, O and U are not Crockford digits
            "01KKNTCGA0T4V6X9B2C5D8F1Gl",
            "01KKNTCGA0T4V6X9B2C5D8F1Go",
            "01KKNTCGA0T4V6X9B2C5D8F1Gu",
            "01KKNTCGA0T4V6X9B2C5D8F1G%",
            "01KKNTCGA0T4V6X9B2C5D8F1Gé",
        ] {
            assert!(!is_ulid(not_a_ulid), "{not_a_ulid}");
        }
    }

    fn authorized(value: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(value).expect("a header value"),
        );
        has_signing_key(&headers)
    }

    #[test]
    fn accepts_signing_keys_in_any_case() {
        assert!(authorized(&format!("Bearer {DEMO_API_KEY}")));
        assert!(authorized("bearer signkey-prod-0a1b2c"));
        assert!(authorized("BEARER SIGNKEY-BRANCH-ABCDEF0123"));
    }

    #[test]
    fn rejects_anything_else() {
        assert!(!has_signing_key(&HeaderMap::new()));
        for value in [
            "",
            "Bearer",
            "Bearer ",
            DEMO_API_KEY,
            "Basic c2lnbmtleS1kZW1vLTAx",
            "Token signkey-prod-0a1b",
            "Bearer  signkey-prod-0a1b",
            "Bearer signkey--0a1b",
            "Bearer signkey-prod-",
            "Bearer signkey-prod",
            "Bearer signkey-prod-0a1g",
            "Bearer signkey-pr0d-0a1b",
            "Bearer signkey-prod-0a1b ",
            "Bearer sk-prod-0a1b",
        ] {
            assert!(!authorized(value), "{value:?}");
        }
    }
}
