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

mod fast;
mod json;
mod lenient;
mod lookups;
mod ticket;

use serde_json::{Map, Value};

use super::error::ApiError;
use super::model::{ItemError, Page, Ticket, UpdateResult};
use crate::text::clean;
use lenient::{
    Bad, cell_text, decode_error, index_path, kind, read_bool, read_id, read_u64, scalar_text,
};
use ticket::ticket_at;

pub use json::parse_json;
pub use lookups::{
    agent, agents, attachment, company, contact, field_defs, group, templates, token,
};

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
            if let Some(detail) = message_of(&["error_description", "description", "message"]) {
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
    any_page(body)
}

/// search, in the documented shape and the live nested one.
pub fn search_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    any_page(body)
}

/// A page of tickets: the streaming fast path (`fast/`) for the usual shapes (on the
/// repaired text when the JSON needs repair), else the general path through `Value`,
/// which finds error bodies and names each malformed ticket. Both decode the same page
/// the same way.
fn any_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    // As `parse_json`: a byte-order mark is not part of the JSON.
    let json = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if let Some(page) = fast::page(json) {
        return Ok(page);
    }
    // Stray backslashes (a live-server quirk): `parse_json` would parse the repaired text,
    // so the fast path may read that text instead.
    if serde_json::from_slice::<serde::de::IgnoredAny>(json).is_err()
        && let Some(page) = fast::page(json::repaired(json).as_bytes())
    {
        return Ok(page);
    }
    page_of_tickets(&parse_json(body)?)
}

/// show (either call, either shape): `Ok(None)` for an unknown id (`{"ticket": []}`, `null`).
pub fn show(body: &[u8]) -> Result<Option<Ticket>, ApiError> {
    show_value(&parse_json(body)?)
}

/// show many: `{tickets: [...]}`.
pub fn show_many(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    any_page(body)
}

/// create and update answers: `{"ticket": {...}}` (or an array of one).
///
/// An answer without a ticket (including the bare write acknowledgement
/// `{"status": "0", "message": "Insert ok"}`) is an [`ApiError::Decode`].
pub fn ticket_envelope(body: &[u8]) -> Result<Ticket, ApiError> {
    let value = parse_json(body)?;
    show_value(&value)?.ok_or_else(|| decode_error("ticket", "the answer holds no ticket"))
}

fn show_value(value: &Value) -> Result<Option<Ticket>, ApiError> {
    if let Some(error) = reported_instead_of(value, &["ticket", "ticketId", "tickets"]) {
        return Err(error);
    }
    let (inner, path) = match value {
        Value::Null => return Ok(None),
        Value::Array(_) => (value, String::new()),
        Value::Object(obj) => match obj.get("ticket") {
            Some(inner) => (inner, "ticket".to_owned()),
            None if obj.is_empty() => return Ok(None),
            None if obj.contains_key("ticketId") => (value, String::new()),
            None => match obj.get("tickets") {
                // A show-many shape on a show call: its first ticket.
                Some(tickets @ Value::Array(_)) => (tickets, "tickets".to_owned()),
                _ => return Err(decode_error("ticket", "the answer holds no ticket")),
            },
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
