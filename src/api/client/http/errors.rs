//! What a failure means, in plain words: a refused answer's status and the server's own
//! message (JSON or a short excerpt of an HTML page), and a network failure.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde_json::Value;
use url::Url;

use super::EXCERPT_CHARS;
use super::origin::origin_text;
use super::retry::retry_after;
use crate::api::error::{ApiError, NetworkError};

/// The error for a non-2xx answer.
pub(crate) fn status_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let code = status.as_u16();
    match code {
        300..=399 => {
            let target = headers
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| Url::parse(location).ok())
                .map(|url| origin_text(&url))
                .unwrap_or_else(|| "another address".into());
            ApiError::Redirected(target)
        }
        401 => ApiError::BadCredentials,
        403 => ApiError::Forbidden(server_message(body)),
        404 => ApiError::NotFound(server_message(body)),
        408 => ApiError::Network(NetworkError::Timeout),
        429 => ApiError::RateLimited {
            retry_after: retry_after(headers),
        },
        400 | 422 => ApiError::InvalidValue(
            server_message(body).unwrap_or_else(|| format!("HTTP {code}, no reason given")),
        ),
        400..=499 => ApiError::InvalidValue(match server_message(body) {
            Some(message) => format!("HTTP {code}: {message}"),
            None => format!("HTTP {code}"),
        }),
        _ => ApiError::Server {
            status: code,
            excerpt: excerpt(body),
        },
    }
}

/// The server's own words from an error body: a message field of a JSON body, or a short
/// tag-free excerpt of any other body.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return json_message(&value).and_then(|text| shorten(&text));
    }
    excerpt(body)
}

fn json_message(value: &Value) -> Option<String> {
    const KEYS: &[&str] = &[
        "message",
        "errmsg",
        "error_description",
        "error_log",
        "msg",
        "detail",
        "error",
        "errors",
    ];
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(map) => KEYS
            .iter()
            .filter_map(|key| map.get(*key))
            .find_map(json_message),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(json_message).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    }
}

/// A short, tag-free, cleaned excerpt of a body (HTML error pages included).
pub(crate) fn excerpt(body: &[u8]) -> Option<String> {
    // The summary of an error page is near its start; do not scan megabytes for it.
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let text = decode_entities(&strip_tags(&text));
    shorten(&text)
}

/// Collapses whitespace, cleans and cuts to [`EXCERPT_CHARS`].
fn shorten(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = crate::text::clean(&collapsed);
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.chars().count() <= EXCERPT_CHARS {
        return Some(cleaned.to_owned());
    }
    let mut cut: String = cleaned.chars().take(EXCERPT_CHARS - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    Some(cut)
}

/// Drops tags, comments, and the contents of `<script>` and `<style>`.
fn strip_tags(text: &str) -> String {
    // ASCII lowercasing keeps byte offsets, so indices found in `lower` apply to `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < text.len() {
        let rest = &lower[index..];
        if rest.starts_with("<!--") {
            index = rest.find("-->").map_or(text.len(), |end| index + end + 3);
            out.push(' ');
            continue;
        }
        let skipped = [("<script", "</script"), ("<style", "</style")]
            .iter()
            .find_map(|(open, close)| {
                let opens = rest.starts_with(open)
                    && rest[open.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c == '>' || c.is_whitespace());
                opens.then(|| {
                    rest.find(close)
                        .and_then(|end| rest[end..].find('>').map(|gt| index + end + gt + 1))
                        .unwrap_or(text.len())
                })
            });
        if let Some(next) = skipped {
            index = next;
            out.push(' ');
            continue;
        }
        let Some(c) = text[index..].chars().next() else {
            break;
        };
        if c == '<'
            && rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            index = rest.find('>').map_or(text.len(), |end| index + end + 1);
            out.push(' ');
            continue;
        }
        out.push(c);
        index += c.len_utf8();
    }
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let entity = after
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| entity_char(&after[..end]).map(|c| (c, end)));
        match entity {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity_char(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Tells apart the network failures a person can act on.
pub(crate) fn network_error(error: &reqwest::Error, url: &Url) -> ApiError {
    use std::error::Error as _;
    let host = url.host_str().map(crate::text::clean).unwrap_or_default();
    if error.is_timeout() {
        return ApiError::Network(NetworkError::Timeout);
    }
    let mut chain = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => {
                    return ApiError::Network(NetworkError::ConnectionRefused);
                }
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => {
                    return ApiError::Network(NetworkError::ConnectionReset);
                }
                ErrorKind::TimedOut => return ApiError::Network(NetworkError::Timeout),
                _ => {}
            }
        }
        chain.push(cause.to_string());
        source = cause.source();
    }
    let text = chain.join(": ");
    let lower = text.to_ascii_lowercase();
    if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
    {
        return ApiError::Network(NetworkError::Dns(host));
    }
    if lower.contains("connection closed before message completed")
        || lower.contains("connection reset")
        || error.is_body()
    {
        return ApiError::Network(NetworkError::ConnectionReset);
    }
    let what = shorten(&text).unwrap_or_else(|| "the request failed".into());
    if lower.contains("certificate") {
        return ApiError::Network(NetworkError::Other(format!(
            "the certificate of {host} is not trusted ({what}); for a self-hosted server, \
             set ca_file"
        )));
    }
    if error.is_connect() {
        ApiError::Network(NetworkError::Other(format!(
            "could not connect to {host}: {what}"
        )))
    } else {
        ApiError::Network(NetworkError::Other(what))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_error_pages_become_short_plain_excerpts() {
        let page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title>\
            <style>body{color:red}</style><script>alert(1)</script></head>\
            <body><h1>502&nbsp;Bad   Gateway</h1><!-- hidden --><hr><center>nginx &amp; co</center>\
            </body></html>";
        assert_eq!(
            excerpt(page).unwrap(),
            "502 Bad Gateway 502 Bad Gateway nginx & co"
        );
        let long = format!("<p>{}</p>", "错误".repeat(200));
        let cut = excerpt(long.as_bytes()).unwrap();
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"  \n "), None);
        assert_eq!(excerpt(b"a < b and c>d"), Some("a < b and c>d".into()));
        // Control characters never survive.
        assert!(!excerpt(b"bad\x1b[31mred").unwrap().contains('\x1b'));
    }

    #[test]
    fn json_error_bodies_give_the_server_message() {
        assert_eq!(
            server_message(br#"{"errcode":"100047","errmsg":"Invalid resource URI"}"#),
            Some("Invalid resource URI".into())
        );
        assert_eq!(
            server_message(r#"{"error":{"message":"字段值不合法"}}"#.as_bytes()),
            Some("字段值不合法".into())
        );
        assert_eq!(server_message(br#"{"nothing":1}"#), None);
        assert_eq!(server_message(b"plain words"), Some("plain words".into()));
    }

    #[test]
    fn statuses_map_to_errors() {
        let none = HeaderMap::new();
        let map =
            |code: u16, body: &[u8]| status_error(StatusCode::from_u16(code).unwrap(), &none, body);
        assert_eq!(map(401, b""), ApiError::BadCredentials);
        assert_eq!(
            map(403, r#"{"message":"管理员才可以"}"#.as_bytes()),
            ApiError::Forbidden(Some("管理员才可以".into()))
        );
        assert_eq!(map(404, b""), ApiError::NotFound(None));
        assert_eq!(
            map(422, r#"{"message":"ticketStatus 不合法"}"#.as_bytes()),
            ApiError::InvalidValue("ticketStatus 不合法".into())
        );
        assert!(matches!(map(400, b""), ApiError::InvalidValue(_)));
        assert_eq!(map(429, b""), ApiError::RateLimited { retry_after: None });
        assert_eq!(
            map(500, b"<h1>Oops</h1>"),
            ApiError::Server {
                status: 500,
                excerpt: Some("Oops".into())
            }
        );
        assert!(matches!(map(302, b""), ApiError::Redirected(_)));
    }
}
