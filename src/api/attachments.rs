//! A ticket's files: `descriptattachments` (an array, or an object keyed by attachId, as
//! PHP sends arrays with gaps) and the attachment custom fields (type 12: comma-separated
//! URLs or upload tokens). Names come from the server and are untrusted: [`safe_file_name`]
//! makes them a plain file name before anything is shown or written.

use serde_json::{Map, Value};

use super::model::{CustomValue, Ticket};

/// The field type of an attachment custom field (API notes: `type` 12).
pub const ATTACHMENT_FIELD: i64 = 12;

/// Longest file name kept, in characters (file systems allow 255 bytes; CJK takes 3).
const NAME_CHARS: usize = 80;

/// One file of a ticket. What the server did not say is `None`: unknown, never guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFile {
    /// A safe file name (see [`safe_file_name`]).
    pub name: Option<String>,
    /// Bytes, when the server said.
    pub size: Option<u64>,
    /// Where to download it (http or https only).
    pub url: Option<String>,
    /// An upload token without a link.
    pub token: Option<String>,
    pub id: Option<u64>,
    /// The custom field it came from; `None`: the description's attachments.
    pub field: Option<String>,
}

/// Every file of a ticket: the description's first, then each attachment field's, in the
/// order the server sent them. `is_attachment_field` tells a type-12 field by its key.
pub fn ticket_files(
    ticket: &Ticket,
    is_attachment_field: impl Fn(&str) -> bool,
) -> Vec<TicketFile> {
    let mut out = Vec::new();
    match &ticket.live.description_attachments {
        Some(Value::Array(items)) => {
            out.extend(items.iter().filter_map(|item| description_file(item, None)));
        }
        Some(Value::Object(map)) => {
            // Keyed by attachId (or index): in key order, numbers by value.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries
                .sort_by_key(|(key, _)| (key.parse::<u64>().unwrap_or(u64::MAX), (*key).clone()));
            out.extend(
                entries
                    .into_iter()
                    .filter_map(|(key, item)| description_file(item, key.parse().ok())),
            );
        }
        _ => {}
    }
    for field in &ticket.custom_fields {
        if !is_attachment_field(&field.key) {
            continue;
        }
        let CustomValue::Text(text) = &field.value else {
            continue;
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let mut file = link_or_token(part);
            file.field = Some(field.key.clone());
            out.push(file);
        }
    }
    out
}

fn description_file(item: &Value, key_id: Option<u64>) -> Option<TicketFile> {
    match item {
        Value::String(text) if !text.trim().is_empty() => Some(link_or_token(text.trim())),
        Value::Object(obj) => {
            let url = text(obj, &["filePath", "url", "fileUrl"]).filter(|u| is_web_link(u));
            let name = text(obj, &["fileName", "filename", "name"])
                .and_then(|name| safe_file_name(&name))
                .or_else(|| url.as_deref().and_then(name_of_url));
            Some(TicketFile {
                name,
                size: number(obj, &["fileSize", "filesize", "size"]),
                url,
                token: text(obj, &["token"]),
                id: number(obj, &["attachId", "id"]).or(key_id),
                field: None,
            })
        }
        _ => None,
    }
}

/// A custom field's part: a link (named by its last path segment) or a token.
fn link_or_token(part: &str) -> TicketFile {
    let (url, token) = if is_web_link(part) {
        (Some(part.to_string()), None)
    } else {
        (None, Some(part.to_string()))
    };
    TicketFile {
        name: url.as_deref().and_then(name_of_url),
        size: None,
        url,
        token,
        id: None,
        field: None,
    }
}

fn is_web_link(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
}

fn name_of_url(link: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    let last = url.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_decode(last);
    safe_file_name(&decoded)
}

/// `%E6%88%AA` to its bytes, read as UTF-8 (lossy); anything else as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A name from the server as a plain file name: no path separators (`/`, `\`), no control
/// or bidi characters, none of `:*?"<>|`, no leading dots (no `..`, no hidden file), at
/// most 80 characters (the extension kept). `None` when nothing usable is left.
pub fn safe_file_name(name: &str) -> Option<String> {
    let cleaned: String = crate::text::clean(name)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '_' || c == '.') {
        return None;
    }
    let chars: Vec<char> = trimmed.chars().collect();
    if chars.len() <= NAME_CHARS {
        return Some(trimmed.to_string());
    }
    // Keep the extension (short ones only) and cut the stem.
    let ext: String = match trimmed.rfind('.') {
        Some(dot) if trimmed.len() - dot <= 10 => trimmed[dot..].to_string(),
        _ => String::new(),
    };
    let keep = NAME_CHARS - ext.chars().count();
    let stem: String = chars.into_iter().take(keep).collect();
    Some(format!("{}{ext}", stem.trim_end()))
}

fn text(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match obj.get(*key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    })
}

fn number(obj: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|key| match obj.get(*key) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_separators_controls_and_leading_dots() {
        assert_eq!(
            safe_file_name("../../etc/passwd").as_deref(),
            Some("_.._etc_passwd")
        );
        assert_eq!(
            safe_file_name("a\u{1b}[31mb\u{7}\u{202e}.txt").as_deref(),
            Some("ab␇.txt")
        );
        assert_eq!(
            safe_file_name("C:\\x\\y.png").as_deref(),
            Some("C__x_y.png")
        );
        assert_eq!(safe_file_name(".bashrc").as_deref(), Some("bashrc"));
        assert_eq!(safe_file_name(" .. "), None);
        assert_eq!(safe_file_name("//"), None);
        assert_eq!(safe_file_name("截图.png").as_deref(), Some("截图.png"));
        let long = format!("{}.pdf", "长".repeat(200));
        let cut = safe_file_name(&long).unwrap();
        assert_eq!(cut.chars().count(), NAME_CHARS);
        assert!(cut.ends_with(".pdf"));
    }

    #[test]
    fn a_link_is_named_by_its_last_segment() {
        assert_eq!(
            name_of_url("https://f.example.com/a/%E6%88%AA%E5%9B%BE.png?sig=1").as_deref(),
            Some("截图.png")
        );
        assert_eq!(name_of_url("https://f.example.com/"), None);
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("abc123token"));
    }
}
