//! Parameters on their way to the wire, and the header and error helpers every part of the
//! upstream client shares. Request building and upstream auth both fill a [`Wire`]; keeping it
//! here, below both, is what lets auth add its credential without importing request building.

use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS};
use serde_json::Value as Json;

use crate::error::Error;
use crate::interp::value::to_text;
use crate::spec::ParamLocation;

/// What a cookie-octet (RFC 6265) may not hold, plus `%` so encoded values stay unambiguous.
pub(crate) const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');
/// Parameters on their way to the wire, before they are joined into the URL and headers.
#[derive(Default)]
pub(crate) struct Wire {
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub cookies: Vec<(String, String)>,
    pub body_fields: serde_json::Map<String, Json>,
}

impl Wire {
    /// Adds one parameter; `field` names it in errors.
    pub(crate) fn put(
        &mut self,
        location: ParamLocation,
        name: &str,
        field: &str,
        value: &Json,
    ) -> Result<(), Error> {
        match location {
            // Paths are built from `PathPart`s; a path input is already in the URL.
            ParamLocation::Path => {}
            ParamLocation::Query => match value {
                Json::Array(items) => self
                    .query
                    .extend(items.iter().map(|item| (name.to_owned(), to_text(item)))),
                other => self.query.push((name.to_owned(), to_text(other))),
            },
            ParamLocation::Header => {
                let header = header_name(name)?;
                let value = header_value(field, &to_text(value))?;
                self.headers.append(header, value);
            }
            ParamLocation::Cookie => self.cookies.push((name.to_owned(), to_text(value))),
            ParamLocation::Body => {
                self.body_fields.insert(name.to_owned(), value.clone());
            }
        }
        Ok(())
    }

    pub(crate) fn has(&self, location: ParamLocation, name: &str) -> bool {
        match location {
            ParamLocation::Path => false,
            ParamLocation::Query => self.query.iter().any(|(known, _)| known == name),
            ParamLocation::Header => self
                .headers
                .contains_key(name.to_ascii_lowercase().as_str()),
            ParamLocation::Cookie => self.cookies.iter().any(|(known, _)| known == name),
            ParamLocation::Body => self.body_fields.contains_key(name),
        }
    }
}

pub(crate) fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| config_problem(format!("`{name}` is not a valid HTTP header name")))
}

/// A header value; CR, LF and NUL (header injection) and other control bytes are refused.
pub(crate) fn header_value(field: &str, text: &str) -> Result<HeaderValue, Error> {
    if text.contains(['\r', '\n', '\0']) {
        return Err(Error::invalid_input(
            field,
            "must not contain CR, LF or NUL (it is sent as a header)",
        ));
    }
    HeaderValue::from_bytes(text.as_bytes()).map_err(|_| {
        Error::invalid_input(
            field,
            "contains control characters that cannot be sent as a header",
        )
    })
}

pub(crate) fn config_problem(problem: String) -> Error {
    Error::Config {
        missing: Vec::new(),
        problems: vec![problem],
    }
}
