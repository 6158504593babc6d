//! Lenient decoding of responses: every quirk of API-NOTES.md.
//!
//! Each function takes the raw body. JSON that fails strict parsing because of stray
//! backslash escapes (`\'`, `\x`) is repaired and parsed again. A body carrying
//! `errcode`/`errmsg` or a non-success `state` instead of the expected key is an
//! [`ApiError::Reported`], whatever the HTTP status. One malformed ticket in a page yields
//! the other tickets plus an [`ItemError`](super::model::ItemError) naming that one.
//!
//! What "lenient" means here, field by field:
//! - enum codes: int, numeric string, Chinese label or English name; a code outside the
//!   vendor's table is `Unknown(n)`; a label nobody knows makes the ticket malformed;
//! - ids and ints: int, numeric string or integral float; an id of 0 (or `""`) is `None`;
//! - id and tag lists: comma string (ASCII or full-width comma), single int, or array;
//! - dates: `YYYY-MM-DD HH:MM:SS`, also `YYYY-MM-DD`, a `T` separator, minutes only or a
//!   Unix timestamp; `""`, `0` and `0000-00-00 ...` are `None`;
//! - `null` is the same as missing, for every field;
//! - a value of the wrong JSON type (an id that is an object, a ticket that is a string)
//!   makes that ticket malformed: in a page it becomes an `ItemError` with its JSON path,
//!   in a single-ticket answer an [`ApiError::Decode`].
//!
//! Every string that becomes model data goes through [`crate::text::clean`]; the values
//! kept in `Ticket::extra` are kept verbatim because they are only ever sent back.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use serde_json::{Map, Value};

use super::error::ApiError;
use super::model::{
    Agent, ApiDate, Attachment, Company, Contact, CustomField, CustomValue, FieldDef, FormTable,
    Group, ItemError, Page, Priority, TableRow, Template, Ticket, TicketSource, TicketStatus,
    TicketType, UpdateResult,
};
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

/// An error reported inside a 200 body, if the body is one.
///
/// `{"errcode": "100047", "errmsg": ...}` (a non-zero `errcode`, or an `errmsg` alone),
/// `{"state": "403", "message": ...}` (a `state` that is not 0, 2xx, "ok" or "success"),
/// and `{"error": "..."}` are errors. `{"status": "0", "message": "Insert ok"}` is not.
pub fn reported_error(value: &Value) -> Option<ApiError> {
    let obj = value.as_object()?;
    let message_of = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .filter_map(|key| obj.get(*key))
            .find_map(scalar_text)
            .filter(|text| !text.is_empty())
            .map(|text| clean(&text))
    };
    if obj.contains_key("errcode") || obj.contains_key("errmsg") {
        let code = obj.get("errcode").and_then(scalar_text);
        let is_success = code.as_deref().is_some_and(|code| code.trim() == "0");
        if !is_success {
            let code = code.map(|code| clean(&code));
            let message = message_of(&["errmsg", "message", "msg"]).unwrap_or_else(|| {
                format!("error {}", code.as_deref().unwrap_or("without a code"))
            });
            return Some(ApiError::Reported { code, message });
        }
    }
    if let Some(state) = obj.get("state")
        && !is_success_state(state)
    {
        let code = scalar_text(state).map(|code| clean(&code));
        let message = message_of(&["message", "msg", "errmsg"])
            .unwrap_or_else(|| format!("state {}", code.as_deref().unwrap_or("?")));
        return Some(ApiError::Reported { code, message });
    }
    match obj.get("error") {
        Some(Value::String(text)) if !text.trim().is_empty() => {
            let mut message = clean(text);
            if let Some(detail) = message_of(&["description", "message"]) {
                message = format!("{message}: {detail}");
            }
            Some(ApiError::Reported {
                code: None,
                message,
            })
        }
        Some(Value::Object(inner)) => {
            let message = ["message", "title", "description"]
                .iter()
                .filter_map(|key| inner.get(*key))
                .find_map(scalar_text)
                .map(|text| clean(&text))
                .unwrap_or_else(|| "unspecified error".to_owned());
            Some(ApiError::Reported {
                code: inner.get("code").and_then(scalar_text).map(|c| clean(&c)),
                message,
            })
        }
        _ => None,
    }
}

fn is_success_state(state: &Value) -> bool {
    match state {
        Value::Bool(ok) => *ok,
        Value::Null => true,
        other => match scalar_text(other) {
            Some(text) => {
                let text = text.trim().to_ascii_lowercase();
                match text.parse::<i64>() {
                    Ok(code) => code == 0 || (200..300).contains(&code),
                    Err(_) => matches!(text.as_str(), "" | "ok" | "success" | "true"),
                }
            }
            None => false,
        },
    }
}

/// The reported error of a body that lacks every key the caller expected (a body that
/// carries its data is not an error, whatever else it says).
fn reported_instead_of(value: &Value, expected: &[&str]) -> Option<ApiError> {
    let has_data = value.as_object().is_some_and(|obj| {
        expected
            .iter()
            .any(|key| obj.get(*key).is_some_and(|v| !v.is_null()))
    });
    if has_data {
        None
    } else {
        reported_error(value)
    }
}

/// One ticket object (already parsed), cleaning every string.
pub fn ticket(value: &Value) -> Result<Ticket, ApiError> {
    ticket_at(value, "").map_err(Bad::into_api)
}

/// list, a company's and a contact's tickets: `{tickets, count, next_page, previous_page}`.
pub fn ticket_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    page_of_tickets(&parse_json(body)?)
}

/// search, in the documented shape and the live nested one.
pub fn search_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    page_of_tickets(&parse_json(body)?)
}

/// show (either call, either shape): `Ok(None)` for an unknown id (`{"ticket": []}`, `null`).
pub fn show(body: &[u8]) -> Result<Option<Ticket>, ApiError> {
    show_value(&parse_json(body)?)
}

/// show many: `{tickets: [...]}`.
pub fn show_many(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    page_of_tickets(&parse_json(body)?)
}

/// create and update answers: `{"ticket": {...}}` (or an array of one).
///
/// An answer without a ticket (including the bare write acknowledgement
/// `{"status": "0", "message": "Insert ok"}`) is an [`ApiError::Decode`] here; callers that
/// accept an acknowledgement use [`write_answer`].
pub fn ticket_envelope(body: &[u8]) -> Result<Ticket, ApiError> {
    let value = parse_json(body)?;
    show_value(&value)?.ok_or_else(|| decode_error("ticket", "the answer holds no ticket"))
}

/// create and update answers, accepting a bare acknowledgement: `Ok(Some(ticket))` for
/// `{"ticket": {...}}`, `Ok(None)` for `{"status": "0", "message": "Insert ok", ...}` (the
/// write succeeded; the caller shows the ticket again to see it). A `status` other than
/// 0/2xx/"ok"/"success" without a ticket is an [`ApiError::Reported`].
pub fn write_answer(body: &[u8]) -> Result<Option<Ticket>, ApiError> {
    let value = parse_json(body)?;
    if let Some(obj) = value.as_object()
        && !obj.contains_key("ticket")
        && let Some(status) = obj.get("status")
    {
        if let Some(error) = reported_error(&value) {
            return Err(error);
        }
        if is_success_state(status) {
            return Ok(None);
        }
        let message = ["message", "msg"]
            .iter()
            .filter_map(|key| obj.get(*key))
            .find_map(scalar_text)
            .map(|text| clean(&text))
            .unwrap_or_else(|| "the write was refused".to_owned());
        return Err(ApiError::Reported {
            code: scalar_text(status).map(|code| clean(&code)),
            message,
        });
    }
    show_value(&value)?
        .map(Some)
        .ok_or_else(|| decode_error("ticket", "the answer holds no ticket"))
}

fn show_value(value: &Value) -> Result<Option<Ticket>, ApiError> {
    if let Some(error) = reported_instead_of(value, &["ticket", "ticketId"]) {
        return Err(error);
    }
    let (inner, path) = match value {
        Value::Null => return Ok(None),
        Value::Array(_) => (value, String::new()),
        Value::Object(obj) => match obj.get("ticket") {
            Some(inner) => (inner, "ticket".to_owned()),
            None if obj.is_empty() => return Ok(None),
            None if obj.contains_key("ticketId") => (value, String::new()),
            None => return Err(decode_error("ticket", "the answer holds no ticket")),
        },
        _ => {
            return Err(decode_error(
                "$",
                &format!("expected an object, found {}", kind(value)),
            ));
        }
    };
    match inner {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::Array(items) => match items.first() {
            None => Ok(None),
            Some(Value::Object(obj)) if obj.is_empty() => Ok(None),
            Some(first) => ticket_at(first, &index_path(&path, 0))
                .map(Some)
                .map_err(Bad::into_api),
        },
        Value::Object(obj) if obj.is_empty() => Ok(None),
        other => ticket_at(other, &path).map(Some).map_err(Bad::into_api),
    }
}

/// Every page shape: `{tickets: [...]}`, `{results: [...]}`, the live nested
/// `{tickets: {count, results}}`, a PHP map of id to ticket, and a bare array.
fn page_of_tickets(value: &Value) -> Result<Page<Ticket>, ApiError> {
    if let Some(error) = reported_instead_of(value, &["tickets", "results"]) {
        return Err(error);
    }
    let mut page = Page::default();
    let obj = match value {
        Value::Array(items) => {
            decode_items(items.iter().enumerate(), "", &mut page);
            return Ok(page);
        }
        Value::Object(obj) => obj,
        Value::Null => return Ok(page),
        other => {
            return Err(decode_error(
                "$",
                &format!("expected an object, found {}", kind(other)),
            ));
        }
    };
    // The envelope whose count and page links describe the items.
    let mut envelopes: Vec<&Map<String, Value>> = vec![obj];
    match obj.get("tickets").or_else(|| obj.get("results")) {
        None => {
            return Err(decode_error("tickets", "the answer holds no tickets"));
        }
        Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let key = if obj.contains_key("tickets") {
                "tickets"
            } else {
                "results"
            };
            decode_items(items.iter().enumerate(), key, &mut page);
        }
        Some(Value::Object(nested)) if nested.contains_key("results") => {
            envelopes.insert(0, nested);
            match nested.get("results") {
                Some(Value::Array(items)) => {
                    decode_items(items.iter().enumerate(), "tickets.results", &mut page)
                }
                Some(Value::Null) | None => {}
                Some(other) => {
                    return Err(decode_error(
                        "tickets.results",
                        &format!("expected an array, found {}", kind(other)),
                    ));
                }
            }
        }
        Some(Value::Object(map)) => {
            // PHP serialises a sparse array as an object keyed by index or id.
            decode_items(map.values().enumerate(), "tickets", &mut page);
        }
        Some(other) => {
            return Err(decode_error(
                "tickets",
                &format!("expected an array, found {}", kind(other)),
            ));
        }
    }
    let first_of = |keys: &[&str]| -> Option<&Value> {
        envelopes.iter().find_map(|env| {
            keys.iter()
                .find_map(|key| env.get(*key).filter(|v| !v.is_null()))
        })
    };
    page.count = first_of(&["count", "total"]).and_then(|v| read_u64(v, "count").ok().flatten());
    page.next_page = first_of(&["next_page"]).and_then(link);
    page.previous_page = first_of(&["previous_page", "prev_page"]).and_then(link);
    Ok(page)
}

fn decode_items<'a>(
    items: impl Iterator<Item = (usize, &'a Value)>,
    path: &str,
    page: &mut Page<Ticket>,
) {
    for (index, item) in items {
        match ticket_at(item, &index_path(path, index)) {
            Ok(ticket) => page.items.push(ticket),
            Err(bad) => page.bad_items.push(ItemError {
                index,
                ticket_id: item
                    .get("ticketId")
                    .and_then(|id| read_id(id, "").ok().flatten()),
                path: bad.path_or_root(),
                message: bad.message,
            }),
        }
    }
}

fn link(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(clean(text.trim())),
        _ => None,
    }
}

/// update many: `{"results": [{ticketId, success, error_log}]}`.
///
/// An element without a readable `ticketId` is skipped (it cannot be attributed); a
/// missing `success` is inferred from `error_log`. A bare acknowledgement
/// (`{"status": "0", ...}`) answers an empty list: the server accepted the call without
/// saying more.
pub fn update_results(body: &[u8]) -> Result<Vec<UpdateResult>, ApiError> {
    let value = parse_json(body)?;
    if let Some(error) = reported_instead_of(&value, &["results", "tickets"]) {
        return Err(error);
    }
    let items = match &value {
        Value::Array(items) => items,
        Value::Object(obj) => match obj.get("results").or_else(|| obj.get("tickets")) {
            Some(Value::Array(items)) => items,
            Some(Value::Object(nested)) => match nested.get("results") {
                Some(Value::Array(items)) => items,
                _ => return Err(decode_error("results", "expected an array of results")),
            },
            Some(Value::Null) => return Ok(Vec::new()),
            Some(other) => {
                return Err(decode_error(
                    "results",
                    &format!("expected an array, found {}", kind(other)),
                ));
            }
            None if obj.get("status").is_some_and(is_success_state) => return Ok(Vec::new()),
            None => return Err(decode_error("results", "the answer holds no results")),
        },
        other => {
            return Err(decode_error(
                "$",
                &format!("expected an object, found {}", kind(other)),
            ));
        }
    };
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        let Some(obj) = item.as_object() else {
            continue;
        };
        let Some(ticket_id) = obj
            .get("ticketId")
            .or_else(|| obj.get("id"))
            .and_then(|id| read_id(id, "").ok().flatten())
        else {
            continue;
        };
        let error = obj
            .get("error_log")
            .or_else(|| obj.get("error"))
            .map(cell_text)
            .unwrap_or_default();
        let success = obj
            .get("success")
            .and_then(|v| read_bool(v, "").ok().flatten())
            .unwrap_or(error.is_empty());
        results.push(UpdateResult {
            ticket_id,
            success,
            error,
        });
    }
    Ok(results)
}

/// `ticket_fields.json`: a bare array or `{"ticket_fields": [...]}`. Definitions without a
/// key are skipped.
pub fn field_defs(body: &[u8]) -> Result<Vec<FieldDef>, ApiError> {
    let value = parse_json(body)?;
    let items = list_under(&value, &["ticket_fields", "fields", "ticket_field", "data"])?;
    Ok(items
        .iter()
        .filter_map(|item| {
            let obj = item.as_object()?;
            let key = text_field(obj, &["key", "field_key", "fieldKey"])?;
            Some(FieldDef {
                name: text_field(obj, &["name", "title"]).unwrap_or_else(|| key.clone()),
                key,
                kind: int_field(obj, &["type", "fieldType"]).unwrap_or(0),
                // Inverted on the wire: 0 means required.
                required: obj.get("isRequired").and_then(|v| {
                    read_i64(v, "")
                        .ok()
                        .flatten()
                        .or_else(|| v.as_bool().map(i64::from))
                }) == Some(0),
                options: obj
                    .get("custom_field_options")
                    .or_else(|| obj.get("options"))
                    .map(field_options)
                    .unwrap_or_default(),
            })
        })
        .collect())
}

fn field_options(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(obj) => {
                    let key = text_field(obj, &["key", "id", "value"])?;
                    let label =
                        text_field(obj, &["value", "name", "label"]).unwrap_or_else(|| key.clone());
                    Some((key, label))
                }
                other => scalar_text(other).map(|text| {
                    let text = clean(&text);
                    (text.clone(), text)
                }),
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(key, label)| (clean(key), cell_text(label)))
            .collect(),
        _ => Vec::new(),
    }
}

/// `supports.json`: a bare array or `{"supports": [...]}`. Agents without an id are skipped.
pub fn agents(body: &[u8]) -> Result<Vec<Agent>, ApiError> {
    let value = parse_json(body)?;
    let items = list_under(&value, &["supports", "support", "agents", "data"])?;
    Ok(items.iter().filter_map(agent_from).collect())
}

pub fn agent(body: &[u8]) -> Result<Agent, ApiError> {
    let value = parse_json(body)?;
    let obj = object_under(&value, &["support", "supports", "agent", "data"], "sId")?;
    agent_from(&Value::Object(obj.clone()))
        .ok_or_else(|| decode_error("support.sId", "the agent has no id"))
}

fn agent_from(value: &Value) -> Option<Agent> {
    let obj = value.as_object()?;
    let id = id_field(obj, &["sId", "id", "supportId"])?;
    Some(Agent {
        id,
        name: text_field(obj, &["name", "sName", "nickname"]).unwrap_or_default(),
        email: text_field(obj, &["email"]),
        group_ids: obj
            .get("groupId")
            .or_else(|| obj.get("groupIds"))
            .and_then(|v| read_id_list(v, "").ok())
            .unwrap_or_default(),
        is_admin: bool_field(obj, &["isAdmin"]).unwrap_or(false),
        active: bool_field(obj, &["isStat", "isActive"]).unwrap_or(true),
    })
}

/// `supportgroups/{id}.json`: `{"supportgroup": {"sgName": ...}}`. A missing id is 0 (the
/// caller knows which group it asked for).
pub fn group(body: &[u8]) -> Result<Group, ApiError> {
    let value = parse_json(body)?;
    let obj = object_under(&value, &["supportgroup", "group", "data"], "sgName")?;
    Ok(Group {
        id: id_field(obj, &["sgId", "id", "groupId"]).unwrap_or(0),
        name: text_field(obj, &["sgName", "name"]).unwrap_or_default(),
    })
}

/// `users/{id}.json`: `{"user": {cId, name, mobile, email, companyId}}`.
pub fn contact(body: &[u8]) -> Result<Contact, ApiError> {
    let value = parse_json(body)?;
    let obj = object_under(&value, &["user", "contact", "data"], "cId")?;
    Ok(Contact {
        id: id_field(obj, &["cId", "id", "userId"]).unwrap_or(0),
        name: text_field(obj, &["name", "userName"]).unwrap_or_default(),
        mobile: text_field(obj, &["mobile", "mobilephone", "phone"]),
        email: text_field(obj, &["email"]),
        company_id: id_field(obj, &["companyId", "uId"]),
    })
}

/// `companies/{id}.json`: `{"company": {uId, companyName}}`.
pub fn company(body: &[u8]) -> Result<Company, ApiError> {
    let value = parse_json(body)?;
    let obj = object_under(&value, &["company", "data"], "uId")?;
    Ok(Company {
        id: id_field(obj, &["uId", "id", "companyId"]).unwrap_or(0),
        name: text_field(obj, &["companyName", "name"]).unwrap_or_default(),
    })
}

/// `tickettemplates.json`: `{"tickettemplates": [{tId, ticketTemplateName}]}`.
pub fn templates(body: &[u8]) -> Result<Vec<Template>, ApiError> {
    let value = parse_json(body)?;
    let items = list_under(&value, &["tickettemplates", "templates", "data"])?;
    Ok(items
        .iter()
        .filter_map(|item| {
            let obj = item.as_object()?;
            Some(Template {
                id: id_field(obj, &["tId", "id", "ticketTemplateId"])?,
                name: text_field(obj, &["ticketTemplateName", "name"]).unwrap_or_default(),
            })
        })
        .collect())
}

/// upload: `{"attachment": {attachId, fileName, filePath, token}}`.
pub fn attachment(body: &[u8]) -> Result<Attachment, ApiError> {
    let value = parse_json(body)?;
    let obj = object_under(&value, &["attachment", "upload", "data"], "token")?;
    let token = text_field(obj, &["token"])
        .ok_or_else(|| decode_error("attachment.token", "the upload answered no token"))?;
    Ok(Attachment {
        id: id_field(obj, &["attachId", "id"]),
        file_name: text_field(obj, &["fileName", "filename", "name"]).unwrap_or_default(),
        file_path: text_field(obj, &["filePath", "url"]),
        token,
    })
}

/// token.php: `(access_token, expires_in seconds)`. A missing `expires_in` is the
/// documented 3600. The token is a credential: it is not cleaned and never put in an error.
pub fn token(body: &[u8]) -> Result<(String, u64), ApiError> {
    let value = parse_json(body)?;
    if let Some(error) = reported_instead_of(&value, &["access_token"]) {
        return Err(error);
    }
    let obj = value
        .as_object()
        .ok_or_else(|| decode_error("$", "expected an object"))?;
    let token = match obj.get("access_token") {
        Some(Value::String(token)) if !token.trim().is_empty() => token.trim().to_owned(),
        _ => {
            return Err(decode_error(
                "access_token",
                "no access token in the answer",
            ));
        }
    };
    let expires = obj
        .get("expires_in")
        .and_then(|v| read_u64(v, "expires_in").ok().flatten())
        .unwrap_or(3600);
    Ok((token, expires))
}

// ---------------------------------------------------------------------------------------
// The ticket object.

/// Keys of the ticket object that this decoder reads into typed fields; everything else
/// goes to `Ticket::extra`.
pub(crate) const TICKET_KEYS: &[&str] = &[
    "ticketId",
    "url",
    "subject",
    "descript",
    "description",
    "ticketSource",
    "ticketType",
    "priorityLevel",
    "ticketStatus",
    "custUserId",
    "agentId",
    "createrId",
    "servicerUserId",
    "servicerGroupId",
    "ccUserIdList",
    "ccGroupIdList",
    "ticketTemplateId",
    "tagList",
    "createDT",
    "updateDT",
    "custom_fields",
    "tables",
    "solveDT",
    "waitDT",
    "openDT",
    "closeDT",
    "customTemplateId",
    "createrType",
    "workflow_id",
    "workflow_node_id",
    "isDeleted",
    "descriptattachments",
];

fn ticket_at(value: &Value, path: &str) -> Result<Ticket, Bad> {
    let Some(obj) = value.as_object() else {
        return Err(Bad::new(
            path,
            format!("expected a ticket object, found {}", kind(value)),
        ));
    };
    let mut ticket = Ticket::default();
    let mut id = None;
    let mut descript = None;
    let mut description = None;
    for (key, field) in obj {
        let p = key_path(path, key);
        let p = p.as_str();
        if field.is_null() && TICKET_KEYS.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "ticketId" => id = read_id(field, p)?,
            "url" => ticket.url = read_text(field, p)?.filter(|url| !url.is_empty()),
            "subject" => ticket.subject = read_text(field, p)?.unwrap_or_default(),
            "descript" => descript = read_text(field, p)?,
            "description" => description = read_text(field, p)?,
            "ticketSource" => ticket.source = read_enum::<TicketSource>(field, p)?,
            "ticketType" => ticket.ticket_type = read_enum::<TicketType>(field, p)?,
            "priorityLevel" => ticket.priority = read_enum::<Priority>(field, p)?,
            "ticketStatus" => ticket.status = read_enum::<TicketStatus>(field, p)?,
            "custUserId" => ticket.contact_id = read_id(field, p)?,
            "agentId" => ticket.provider_id = read_id(field, p)?,
            "createrId" => ticket.creator_id = read_id(field, p)?,
            "servicerUserId" => ticket.assignee_id = read_id(field, p)?,
            "servicerGroupId" => ticket.group_id = read_id(field, p)?,
            "ccUserIdList" => ticket.cc_user_ids = read_id_list(field, p)?,
            "ccGroupIdList" => ticket.cc_group_ids = read_id_list(field, p)?,
            "ticketTemplateId" => ticket.template_id = read_id(field, p)?,
            "tagList" => ticket.tags = read_tags(field, p)?,
            "createDT" => ticket.created = read_date(field, p)?,
            "updateDT" => ticket.updated = read_date(field, p)?,
            "custom_fields" => ticket.custom_fields = read_custom_fields(field, p)?,
            "tables" => ticket.tables = read_tables(field, p)?,
            "solveDT" => ticket.live.solved = read_date(field, p)?,
            "waitDT" => ticket.live.waiting = read_date(field, p)?,
            "openDT" => ticket.live.opened = read_date(field, p)?,
            "closeDT" => ticket.live.closed = read_date(field, p)?,
            "customTemplateId" => ticket.live.custom_template_id = read_id(field, p)?,
            "createrType" => ticket.live.creator_type = read_i64(field, p)?,
            "workflow_id" => ticket.live.workflow_id = read_id(field, p)?,
            "workflow_node_id" => ticket.live.workflow_node_id = read_id(field, p)?,
            "isDeleted" => ticket.live.is_deleted = read_bool(field, p)?,
            "descriptattachments" => ticket.live.description_attachments = Some(clean_value(field)),
            _ => {
                ticket.extra.insert(key.clone(), field.clone());
            }
        }
    }
    ticket.id = id.ok_or_else(|| Bad::new(&key_path(path, "ticketId"), "no ticket id".into()))?;
    // The page's table says `descript`, its example `description`: prefer `descript`, and
    // keep a second, different one verbatim so a round trip loses nothing.
    ticket.description = match (descript, description) {
        (Some(descript), Some(_)) => {
            if let Some(raw) = obj.get("description") {
                ticket.extra.insert("description".to_owned(), raw.clone());
            }
            Some(descript)
        }
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    };
    Ok(ticket)
}

fn read_custom_fields(value: &Value, path: &str) -> Result<Vec<CustomField>, Bad> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.is_null())
            .map(|(index, item)| read_custom_field(item, &index_path(path, index)))
            .collect(),
        // A map of key to value, as some PHP endpoints serialise it.
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| {
                let p = key_path(path, key);
                match item {
                    Value::Object(obj) if obj.contains_key("value") => {
                        let mut field = read_custom_field(item, &p)?;
                        if field.key.is_empty() {
                            field.key = clean(key);
                        }
                        Ok(field)
                    }
                    _ => Ok(CustomField {
                        key: clean(key),
                        value: read_custom_value(item, &p)?,
                        pay_status: None,
                    }),
                }
            })
            .collect(),
        other => Err(Bad::new(
            path,
            format!("expected an array of custom fields, found {}", kind(other)),
        )),
    }
}

fn read_custom_field(value: &Value, path: &str) -> Result<CustomField, Bad> {
    let Some(obj) = value.as_object() else {
        return Err(Bad::new(
            path,
            format!("expected a custom field object, found {}", kind(value)),
        ));
    };
    let key_p = key_path(path, "key");
    let key = match obj.get("key") {
        Some(key) => read_text(key, &key_p)?.unwrap_or_default(),
        None => String::new(),
    };
    let value = match obj.get("value") {
        Some(value) => read_custom_value(value, &key_path(path, "value"))?,
        None => CustomValue::Empty,
    };
    let pay_status = match obj.get("pay_status") {
        Some(status) => read_i64(status, &key_path(path, "pay_status"))?,
        None => None,
    };
    Ok(CustomField {
        key,
        value,
        pay_status,
    })
}

fn read_custom_value(value: &Value, path: &str) -> Result<CustomValue, Bad> {
    Ok(match value {
        Value::Null => CustomValue::Empty,
        Value::String(text) => CustomValue::Text(clean(text)),
        Value::Number(number) => match number.as_f64() {
            Some(number) if number.is_finite() => CustomValue::Number(number),
            _ => CustomValue::Text(number.to_string()),
        },
        // A checkbox as a JSON bool: the same as the "1"/"0" the page shows.
        Value::Bool(on) => CustomValue::Text(if *on { "1" } else { "0" }.to_owned()),
        Value::Array(items) if items.iter().all(|item| item.is_object()) => {
            CustomValue::Rows(read_rows(items.iter(), path)?)
        }
        Value::Array(items)
            if items
                .iter()
                .all(|item| !item.is_object() && !item.is_array()) =>
        {
            // A multi-checkbox as an array of option values: the comma list the API uses.
            let texts: Vec<String> = items.iter().map(cell_text).collect();
            CustomValue::Text(texts.join(","))
        }
        Value::Array(_) => {
            return Err(Bad::new(
                path,
                "expected rows or plain values, found a mixed array".into(),
            ));
        }
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => {
            CustomValue::Rows(read_rows(map.values(), path)?)
        }
        Value::Object(_) => CustomValue::Rows(vec![read_row(value, path)?]),
    })
}

fn read_rows<'a>(items: impl Iterator<Item = &'a Value>, path: &str) -> Result<Vec<TableRow>, Bad> {
    items
        .enumerate()
        .map(|(index, item)| read_row(item, &index_path(path, index)))
        .collect()
}

fn read_row(value: &Value, path: &str) -> Result<TableRow, Bad> {
    match value {
        Value::Object(map) => Ok(map
            .iter()
            .map(|(column, cell)| (clean(column), cell_text(cell)))
            .collect()),
        other => Err(Bad::new(
            path,
            format!("expected a row object, found {}", kind(other)),
        )),
    }
}

fn read_tables(value: &Value, path: &str) -> Result<Vec<FormTable>, Bad> {
    let items: Vec<(String, &Value)> = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (index_path(path, index), item))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| (key_path(path, key), item))
            .collect(),
        other => {
            return Err(Bad::new(
                path,
                format!("expected an array of tables, found {}", kind(other)),
            ));
        }
    };
    let mut tables = Vec::with_capacity(items.len());
    for (p, item) in items {
        let Some(obj) = item.as_object() else {
            if item.is_null() {
                continue;
            }
            return Err(Bad::new(
                &p,
                format!("expected a table object, found {}", kind(item)),
            ));
        };
        let key = match obj.get("custom_fields_key") {
            Some(key) => read_text(key, &key_path(&p, "custom_fields_key"))?.unwrap_or_default(),
            None => String::new(),
        };
        let data_p = key_path(&p, "tableData");
        let rows = match obj.get("tableData") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(rows)) => read_rows(rows.iter(), &data_p)?,
            Some(Value::Object(rows)) if rows.values().all(Value::is_object) => {
                read_rows(rows.values(), &data_p)?
            }
            Some(other) => {
                return Err(Bad::new(
                    &data_p,
                    format!("expected an array of rows, found {}", kind(other)),
                ));
            }
        };
        tables.push(FormTable { key, rows });
    }
    Ok(tables)
}

// ---------------------------------------------------------------------------------------
// Lenient scalars.

/// A decoding failure at a JSON path ("" is the root).
struct Bad {
    path: String,
    message: String,
}

impl Bad {
    fn new(path: &str, message: String) -> Self {
        Bad {
            path: path.to_owned(),
            message,
        }
    }

    fn path_or_root(&self) -> String {
        if self.path.is_empty() {
            "$".to_owned()
        } else {
            self.path.clone()
        }
    }

    fn into_api(self) -> ApiError {
        ApiError::Decode {
            path: self.path_or_root(),
            message: self.message,
        }
    }
}

fn decode_error(path: &str, message: &str) -> ApiError {
    ApiError::Decode {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn key_path(path: &str, key: &str) -> String {
    // Keys come from the server: cleaned, as every string shown to the user.
    let key = clean(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

fn index_path(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The text of a string or number (not cleaned).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Cell text of a table row or an error log: never fails.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => clean(text),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => if *flag { "1" } else { "0" }.to_owned(),
        other => clean(&other.to_string()),
    }
}

/// A value kept as JSON in the model, with every string in it cleaned.
fn clean_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(clean(text)),
        Value::Array(items) => Value::Array(items.iter().map(clean_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (clean(key), clean_value(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn read_text(value: &Value, path: &str) -> Result<Option<String>, Bad> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(clean(text))),
        Value::Number(number) => Ok(Some(number.to_string())),
        other => Err(Bad::new(
            path,
            format!("expected text, found {}", kind(other)),
        )),
    }
}

fn read_i64(value: &Value, path: &str) -> Result<Option<i64>, Bad> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().and_then(integral_f64))
            .map(Some)
            .ok_or_else(|| Bad::new(path, format!("expected an integer, found {number}"))),
        Value::String(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(integral_f64))
                .map(Some)
                .ok_or_else(|| {
                    Bad::new(
                        path,
                        format!("expected an integer, found {:?}", short(&clean(text))),
                    )
                })
        }
        Value::Bool(flag) => Ok(Some(i64::from(*flag))),
        other => Err(Bad::new(
            path,
            format!("expected an integer, found {}", kind(other)),
        )),
    }
}

fn integral_f64(number: f64) -> Option<i64> {
    // Only integral values that fit: i64::MAX as f64 rounds up, hence the strict bound.
    (number.is_finite() && number.fract() == 0.0 && number.abs() < 9.2e18).then_some(number as i64)
}

fn read_u64(value: &Value, path: &str) -> Result<Option<u64>, Bad> {
    if let Value::Number(number) = value
        && let Some(big) = number.as_u64()
    {
        return Ok(Some(big));
    }
    if let Value::Bool(_) = value {
        return Err(Bad::new(path, "expected an id, found a boolean".into()));
    }
    match read_i64(value, path)? {
        None => Ok(None),
        Some(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| Bad::new(path, format!("expected a positive number, found {n}"))),
    }
}

/// An id: 0 means none.
fn read_id(value: &Value, path: &str) -> Result<Option<u64>, Bad> {
    Ok(read_u64(value, path)?.filter(|id| *id != 0))
}

fn read_bool(value: &Value, path: &str) -> Result<Option<bool>, Bad> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(flag) => Ok(Some(*flag)),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "1" | "true" | "yes" | "y" => Ok(Some(true)),
            "0" | "false" | "no" | "n" => Ok(Some(false)),
            _ => Err(Bad::new(
                path,
                format!("expected true or false, found {:?}", short(&clean(text))),
            )),
        },
        Value::Number(_) => Ok(read_i64(value, path)?.map(|n| n != 0)),
        other => Err(Bad::new(
            path,
            format!("expected true or false, found {}", kind(other)),
        )),
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

fn read_id_list(value: &Value, path: &str) -> Result<Vec<u64>, Bad> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::String(text) => split_list(text)
            .map(|part| read_id(&Value::String(part.to_owned()), path))
            .filter_map(Result::transpose)
            .collect(),
        Value::Number(_) => Ok(read_id(value, path)?.into_iter().collect()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => {
                    read_id_list(&Value::String(text.clone()), &index_path(path, index))
                }
                other => Ok(read_id(other, &index_path(path, index))?
                    .into_iter()
                    .collect()),
            })
            .collect::<Result<Vec<Vec<u64>>, Bad>>()
            .map(|lists| lists.into_iter().flatten().collect()),
        other => Err(Bad::new(
            path,
            format!("expected a list of ids, found {}", kind(other)),
        )),
    }
}

fn read_tags(value: &Value, path: &str) -> Result<Vec<String>, Bad> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::String(text) => Ok(split_list(text)
            .map(clean)
            .filter(|t| !t.is_empty())
            .collect()),
        Value::Number(number) => Ok(vec![number.to_string()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::Null => Ok(Vec::new()),
                Value::String(_) | Value::Number(_) => read_tags(item, path),
                other => Err(Bad::new(
                    &index_path(path, index),
                    format!("expected a tag, found {}", kind(other)),
                )),
            })
            .collect::<Result<Vec<Vec<String>>, Bad>>()
            .map(|lists| lists.into_iter().flatten().collect()),
        other => Err(Bad::new(
            path,
            format!("expected a list of tags, found {}", kind(other)),
        )),
    }
}

/// A vendor enum read from a code, a numeric string or a label.
trait VendorCode: Sized {
    fn code_value(code: i64) -> Self;
    fn label_value(text: &str) -> Option<Self>;
}

macro_rules! vendor_code {
    ($($name:ident),*) => {$(
        impl VendorCode for $name {
            fn code_value(code: i64) -> Self {
                $name::from_code(code)
            }
            fn label_value(text: &str) -> Option<Self> {
                $name::parse(text)
            }
        }
    )*};
}

vendor_code!(TicketStatus, Priority, TicketType, TicketSource);

fn read_enum<E: VendorCode>(value: &Value, path: &str) -> Result<Option<E>, Bad> {
    match value {
        Value::Null => Ok(None),
        Value::Number(_) => Ok(read_i64(value, path)?.map(E::code_value)),
        Value::String(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if let Some(parsed) = E::label_value(text) {
                return Ok(Some(parsed));
            }
            if let Ok(Some(code)) = read_i64(value, path) {
                return Ok(Some(E::code_value(code)));
            }
            let text = clean(text);
            Err(Bad::new(path, format!("unknown value {:?}", short(&text))))
        }
        other => Err(Bad::new(
            path,
            format!("expected a code or label, found {}", kind(other)),
        )),
    }
}

/// China's offset, applied to Unix timestamps so they read like the server's other dates.
fn vendor_offset() -> Option<FixedOffset> {
    FixedOffset::east_opt(8 * 3600)
}

fn read_date(value: &Value, path: &str) -> Result<Option<ApiDate>, Bad> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => parse_date(text)
            .map_err(|()| Bad::new(path, format!("not a date: {:?}", short(&clean(text))))),
        Value::Number(_) => {
            let seconds = read_i64(value, path)?.unwrap_or(0);
            if seconds <= 0 {
                return Ok(None);
            }
            let offset = vendor_offset().ok_or_else(|| Bad::new(path, "no time zone".into()))?;
            DateTime::from_timestamp(seconds, 0)
                .map(|utc| Some(utc.with_timezone(&offset).naive_local()))
                .ok_or_else(|| Bad::new(path, format!("not a timestamp: {seconds}")))
        }
        other => Err(Bad::new(
            path,
            format!("expected a date, found {}", kind(other)),
        )),
    }
}

/// `Ok(None)` for an empty or all-zero date.
pub(crate) fn parse_date(text: &str) -> Result<Option<ApiDate>, ()> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000-00-00") || text == "0" {
        return Ok(None);
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(date) = NaiveDateTime::parse_from_str(text, format) {
            // The wire format has whole seconds: drop a fraction so a round trip is exact.
            return Ok(date.with_nanosecond(0));
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(date.and_hms_opt(0, 0, 0));
        }
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text)
        && let Some(offset) = vendor_offset()
    {
        return Ok(date.with_timezone(&offset).naive_local().with_nanosecond(0));
    }
    Err(())
}

/// At most 40 characters of a value quoted in an error message.
fn short(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

// ---------------------------------------------------------------------------------------
// Lookup envelopes.

fn list_under<'a>(value: &'a Value, keys: &[&str]) -> Result<&'a Vec<Value>, ApiError> {
    if let Some(error) = reported_instead_of(value, keys) {
        return Err(error);
    }
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(obj) => {
            for key in keys {
                match obj.get(*key) {
                    Some(Value::Array(items)) => return Ok(items),
                    Some(Value::Object(nested)) => {
                        for inner in ["results", "list", "data"] {
                            if let Some(Value::Array(items)) = nested.get(inner) {
                                return Ok(items);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Err(decode_error(
                keys.first().copied().unwrap_or("$"),
                "expected a list in the answer",
            ))
        }
        other => Err(decode_error(
            "$",
            &format!("expected a list, found {}", kind(other)),
        )),
    }
}

/// The object under one of `keys` (or an array of one), or the body itself when it has
/// `own_key`.
fn object_under<'a>(
    value: &'a Value,
    keys: &[&str],
    own_key: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    if let Some(error) = reported_instead_of(value, keys) {
        return Err(error);
    }
    let root = match value {
        Value::Array(items) => items.first(),
        other => Some(other),
    };
    let Some(Value::Object(obj)) = root else {
        return Err(decode_error("$", "expected an object"));
    };
    for key in keys {
        match obj.get(*key) {
            Some(Value::Object(inner)) => return Ok(inner),
            Some(Value::Array(items)) => {
                if let Some(Value::Object(inner)) = items.first() {
                    return Ok(inner);
                }
            }
            _ => {}
        }
    }
    if obj.contains_key(own_key) {
        return Ok(obj);
    }
    Err(decode_error(
        keys.first().copied().unwrap_or("$"),
        "expected an object in the answer",
    ))
}

fn text_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_text(value, "").ok().flatten())
        .filter(|text| !text.is_empty())
}

fn id_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_id(value, "").ok().flatten())
}

fn int_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_i64(value, "").ok().flatten())
}

fn bool_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_bool(value, "").ok().flatten())
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

    #[test]
    fn dates_accept_the_usual_shapes() {
        let expected = NaiveDate::from_ymd_opt(2017, 5, 4)
            .and_then(|d| d.and_hms_opt(14, 8, 22))
            .unwrap();
        assert_eq!(parse_date("2017-05-04 14:08:22"), Ok(Some(expected)));
        assert_eq!(parse_date("2017-05-04T14:08:22"), Ok(Some(expected)));
        assert_eq!(parse_date("0000-00-00 00:00:00"), Ok(None));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2017-13-01").is_err());
    }
}
