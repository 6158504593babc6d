//! Parsing a body as JSON, repairing what live servers get wrong.

use serde_json::Value;

use super::lenient::decode_error;
use crate::api::error::ApiError;
use crate::text::clean;

/// Parses a body as JSON, repairing invalid backslash escapes.
///
/// Also tolerated: a UTF-8 byte-order mark, invalid UTF-8 (replaced by U+FFFD), raw control
/// characters inside strings, and lone UTF-16 surrogates in `\u` escapes.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error("$", "the answer was empty"));
    }
    let strict_error = match serde_json::from_slice::<Value>(body) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let text = String::from_utf8_lossy(body);
    let repaired = repair_json_text(&text);
    if let Ok(value) = serde_json::from_str::<Value>(&repaired) {
        return Ok(value);
    }
    let first = text.trim_start().chars().next();
    let message = if first == Some('<') {
        "the server sent HTML, not JSON".to_owned()
    } else {
        clean(&strict_error.to_string())
    };
    Err(decode_error(
        &format!(
            "$ (line {}, column {})",
            strict_error.line(),
            strict_error.column()
        ),
        &message,
    ))
}

/// The text [`parse_json`] parses when strict parsing fails (invalid UTF-8 replaced, then
/// [`repair_json_text`]); `body` has no byte-order mark.
pub(super) fn repaired(body: &[u8]) -> String {
    repair_json_text(&String::from_utf8_lossy(body))
}

/// Rewrites what strict JSON refuses inside strings: a backslash before a character that
/// cannot be escaped (`\'` loses the backslash, PHP's `addslashes` put it there; any other
/// keeps it as a literal backslash), raw control characters, and lone surrogates.
fn repair_json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if !in_string {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
            continue;
        }
        match c {
            '"' => {
                in_string = false;
                out.push(c);
            }
            '\\' => match chars.peek().copied() {
                Some(next @ ('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't')) => {
                    chars.next();
                    out.push('\\');
                    out.push(next);
                }
                Some('u') => {
                    chars.next();
                    repair_unicode_escape(&mut chars, &mut out);
                }
                Some('\'') => {
                    chars.next();
                    out.push('\'');
                }
                _ => out.push_str("\\\\"),
            },
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Called after `\u`: copies a valid escape (or surrogate pair), replaces a lone surrogate
/// by U+FFFD, and keeps a malformed one as literal text.
fn repair_unicode_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    let Some(code) = take_hex4(chars) else {
        out.push_str("\\\\u");
        return;
    };
    if (0xD800..0xDC00).contains(&code) {
        // A high surrogate is valid only when a low one follows.
        let mut lookahead = chars.clone();
        if lookahead.next() == Some('\\')
            && lookahead.next() == Some('u')
            && let Some(low) = take_hex4(&mut lookahead)
            && (0xDC00..0xE000).contains(&low)
        {
            *chars = lookahead;
            out.push_str(&format!("\\u{code:04x}\\u{low:04x}"));
            return;
        }
        out.push_str("\\ufffd");
    } else if (0xDC00..0xE000).contains(&code) {
        out.push_str("\\ufffd");
    } else {
        out.push_str(&format!("\\u{code:04x}"));
    }
}

fn take_hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<u32> {
    let mut probe = chars.clone();
    let mut code = 0u32;
    for _ in 0..4 {
        let digit = probe.next()?.to_digit(16)?;
        code = code * 16 + digit;
    }
    *chars = probe;
    Some(code)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn repair_drops_backslash_before_quote_and_keeps_other_stray_ones() {
        let value = parse_json(br#"{"a": "it\'s", "b": "C:\x41", "c": "\q"}"#).unwrap();
        assert_eq!(value["a"], "it's");
        assert_eq!(value["b"], "C:\\x41");
        assert_eq!(value["c"], "\\q");
    }

    #[test]
    fn repair_escapes_raw_controls_and_lone_surrogates() {
        let value = parse_json(b"{\"a\": \"x\ty\", \"b\": \"\\ud800z\"}").unwrap();
        assert_eq!(value["a"], "x\ty");
        assert_eq!(value["b"], "\u{FFFD}z");
    }
}
