//! `multipart/form-data` bodies (RFC 7578), encoded in one buffer: the parts are text the
//! spec's templates produced, so there is nothing to stream.

use bytes::Bytes;
use http::HeaderValue;

use super::request::PartData;
use super::wire::config_problem;
use crate::error::Error;

/// The encoded body and its `Content-Type` (with the boundary).
pub(crate) fn encode(parts: &[PartData]) -> Result<(HeaderValue, Bytes), Error> {
    // 128 unpredictable bits: a part's text cannot end the body early by guessing it.
    let boundary = format!("naftiko-{}", super::auth::client_nonce());
    let mut body = String::new();
    for part in parts {
        body.push_str("--");
        body.push_str(&boundary);
        body.push_str("\r\nContent-Disposition: form-data; name=\"");
        body.push_str(&quoted(part.name));
        body.push('"');
        if let Some(filename) = part.filename {
            body.push_str("; filename=\"");
            body.push_str(&quoted(filename));
            body.push('"');
        }
        body.push_str("\r\n");
        if let Some(content_type) = part.content_type {
            if HeaderValue::from_str(content_type).is_err()
                || content_type.contains(['\r', '\n'])
                || !content_type.contains('/')
            {
                return Err(config_problem(format!(
                    "`{content_type}` (part `{}`) is not a valid content type",
                    part.name
                )));
            }
            body.push_str("Content-Type: ");
            body.push_str(content_type);
            body.push_str("\r\n");
        }
        body.push_str("\r\n");
        body.push_str(&part.data);
        body.push_str("\r\n");
    }
    body.push_str("--");
    body.push_str(&boundary);
    body.push_str("--\r\n");
    let content_type = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|_| config_problem("cannot build a multipart content type".to_owned()))?;
    Ok((content_type, Bytes::from(body)))
}

/// A name or file name inside double quotes, escaped as the HTML form encoding does it.
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_the_boundary() -> Result<(), Error> {
        let parts = [
            PartData {
                name: "file",
                data: "hello".to_owned(),
                filename: Some("a\"b.txt"),
                content_type: Some("text/plain"),
            },
            PartData {
                name: "meta",
                data: "{}".to_owned(),
                filename: None,
                content_type: None,
            },
        ];
        let (content_type, body) = encode(&parts)?;
        let content_type = content_type.to_str().unwrap_or_default().to_owned();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_default();
        assert!(boundary.starts_with("naftiko-"), "{content_type}");
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nhello\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{{}}\r\n\
             --{boundary}--\r\n"
        );
        assert_eq!(body, expected.as_bytes());
        let bad = [PartData {
            name: "x",
            data: String::new(),
            filename: None,
            content_type: Some("text/plain\r\nX-Evil: 1"),
        }];
        assert!(encode(&bad).is_err());
        Ok(())
    }
}
