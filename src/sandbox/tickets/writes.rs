//! The write calls: create, update and update many (with the injected busy failures), each
//! answered in the shape the quirks ask for.

use bytes::Bytes;

use http::header::{HeaderValue, LOCATION};
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::{Refusal, ids_param};
use crate::sandbox::body::Body;
use crate::sandbox::changes;
use crate::sandbox::lock;
use crate::sandbox::persist;
use crate::sandbox::render::{self, Flavor, NullCall};
use crate::sandbox::routes::{Call, error, json_response, text_response};
use crate::sandbox::store::{Entry, Store, field, int_of};

/// The `{"ticket": {...}}` object of a write body.
fn ticket_body(body: &Bytes) -> Result<Map<String, Value>, Refusal> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| Refusal::bad_request("InvalidJson", format!("body is not JSON: {err}")))?;
    match value.get("ticket") {
        Some(Value::Object(ticket)) => Ok(ticket.clone()),
        _ => Err(Refusal::bad_request(
            "InvalidJson",
            "expected {\"ticket\": {...}}",
        )),
    }
}

fn invalid(message: &str) -> Response<Body> {
    error(StatusCode::UNPROCESSABLE_ENTITY, "InvalidValue", message)
}

/// The success body some servers answer writes with.
static WRITE_STATUS_BODY: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| json!({"status": "0", "message": "Insert ok", "data": false}));

pub fn create(call: &Call<'_>) -> Response<Body> {
    let request = match ticket_body(&call.body) {
        Ok(ticket) => ticket,
        Err(refusal) => return refusal.response(),
    };
    let actor = call.actor_id();
    let shared = call.shared;
    let mut store = lock(&shared.store);
    let when = changes::now();
    let id = match changes::create_at(&mut store, &request, actor, when) {
        Ok(id) => id,
        Err(message) => return invalid(&message),
    };
    if let Some(log) = store.state_log.as_mut() {
        log.append(&[persist::Line::Create {
            request: &request,
            actor,
            at: when,
        }]);
    }
    let Some(entry) = store.tickets.get(&id) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal", "lost ticket");
    };
    let quirks = shared.opts.quirks;
    let mut response = if quirks.write_status_body {
        json_response(StatusCode::OK, &WRITE_STATUS_BODY)
    } else {
        let ticket = render::ticket(&store, entry, &shared.base_url, Flavor::V2, &quirks);
        text_response(
            StatusCode::OK,
            render::body_text(&json!({ "ticket": ticket }), &quirks),
        )
    };
    if let Ok(location) = HeaderValue::from_str(&render::ticket_url(&shared.base_url, id)) {
        response.headers_mut().insert(LOCATION, location);
    }
    response
}

pub fn update(call: &Call<'_>) -> Response<Body> {
    let request = match ticket_body(&call.body) {
        Ok(ticket) => ticket,
        Err(refusal) => return refusal.response(),
    };
    let actor = call.actor_id();
    let id = call.target.id;
    let shared = call.shared;
    let quirks = shared.opts.quirks;
    let mut store = lock(&shared.store);
    if !store.tickets.contains_key(&id) {
        return error(StatusCode::NOT_FOUND, "NotFound", "ticket not found");
    }
    let when = changes::now();
    if let Err(message) = changes::update_at(&mut store, id, &request, actor, &quirks, when) {
        return invalid(&message);
    }
    if let Some(log) = store.state_log.as_mut() {
        log.append(&[persist::Line::Update {
            id,
            change: &request,
            actor,
            at: when,
        }]);
    }
    if quirks.write_status_body {
        return json_response(StatusCode::OK, &WRITE_STATUS_BODY);
    }
    let Some(entry) = store.tickets.get(&id) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal", "lost ticket");
    };
    let mut ticket = render::ticket(&store, entry, &shared.base_url, Flavor::V2, &quirks);
    render::null_fields(&mut ticket, entry, &quirks, NullCall::Other);
    if quirks.echo_labels && !entry.raw {
        echo_status_label(&mut ticket, entry);
    }
    text_response(
        StatusCode::OK,
        render::body_text(&json!({ "ticket": ticket }), &quirks),
    )
}

/// The vendor's update example answers `"ticketStatus": "已解决"`.
fn echo_status_label(ticket: &mut Value, entry: &Entry) {
    let label = int_of(field(entry.core(), "ticketStatus"))
        .and_then(|code| crate::sandbox::enums::label(crate::sandbox::enums::STATUS, code));
    if let (Some(label), Some(object)) = (label, ticket.as_object_mut()) {
        object.insert("ticketStatus".into(), json!(label));
    }
}

pub fn update_many(call: &Call<'_>) -> Response<Body> {
    let value: Value = match serde_json::from_slice(&call.body) {
        Ok(value) => value,
        Err(err) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidJson",
                &format!("body is not JSON: {err}"),
            );
        }
    };
    // Each item: the ticket id (as sent) and its change.
    let mut items: Vec<(Value, Map<String, Value>)> = Vec::new();
    if call.param("ids").is_some() {
        let ids = match ids_param(call) {
            Ok(ids) => ids,
            Err(refusal) => return refusal.response(),
        };
        let Some(Value::Object(change)) = value.get("ticket") else {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidJson",
                "with ?ids= the body is {\"ticket\": {...}}",
            );
        };
        items.extend(ids.into_iter().map(|id| (json!(id), change.clone())));
    } else {
        let Some(Value::Array(tickets)) = value.get("tickets") else {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidJson",
                "expected ?ids= with {\"ticket\": {...}}, or {\"tickets\": [{\"ticketId\": ...}]}",
            );
        };
        for ticket in tickets {
            let change = ticket.as_object().cloned().unwrap_or_default();
            items.push((field(ticket, "ticketId").clone(), change));
        }
    }
    if items.is_empty() || items.len() > 100 {
        return error(
            StatusCode::BAD_REQUEST,
            "TooManyIds",
            "between 1 and 100 tickets a call",
        );
    }
    let actor = call.actor_id();
    let quirks = call.shared.opts.quirks;
    let mut store = lock(&call.shared.store);
    let busy = busy_items(&mut store, &items);
    let busy_ids: Vec<u64> = busy
        .iter()
        .filter_map(|index| int_of(&items[*index].0))
        .filter_map(|id| u64::try_from(id).ok())
        .collect();
    let when = changes::now();
    let mut applied: Vec<(u64, Map<String, Value>)> = Vec::new();
    let results: Vec<Value> = items
        .into_iter()
        .enumerate()
        .map(|(index, (raw_id, change))| {
            let id = int_of(&raw_id).and_then(|id| u64::try_from(id).ok());
            let outcome = match id {
                None => Err("缺少工单ID (ticketId)".to_owned()),
                Some(id) if !store.tickets.contains_key(&id) => Err("工单不存在".to_owned()),
                Some(_) if busy.contains(&index) => Err(crate::sandbox::BUSY_REASON.to_owned()),
                Some(id) => {
                    let outcome = changes::update_at(&mut store, id, &change, actor, &quirks, when);
                    if outcome.is_ok() && store.state_log.is_some() {
                        applied.push((id, change));
                    }
                    outcome
                }
            };
            let ticket_id = match (id, quirks.string_numbers) {
                (Some(id), true) => json!(id.to_string()),
                (Some(id), false) => json!(id),
                (None, _) => raw_id,
            };
            match outcome {
                Ok(()) => json!({"ticketId": ticket_id, "success": true, "error_log": ""}),
                Err(message) => {
                    json!({"ticketId": ticket_id, "success": false, "error_log": message})
                }
            }
        })
        .collect();
    if let Some(log) = store.state_log.as_mut() {
        let mut lines: Vec<persist::Line<'_>> = applied
            .iter()
            .map(|(id, change)| persist::Line::Update {
                id: *id,
                change,
                actor,
                at: when,
            })
            .collect();
        if !busy_ids.is_empty() {
            lines.push(persist::Line::Busy { ids: &busy_ids });
        }
        // Durable before the answer goes out.
        log.append(&lines);
    }
    json_response(StatusCode::OK, &json!({ "results": results }))
}

/// The items of an update many call that get the injected "being edited" failure: none
/// once they are spent; else, when the call carries at least as many existing tickets as
/// are left, that many spread evenly over them (so any run that large meets them, and
/// never as neighbours). Spends them.
fn busy_items(store: &mut Store, items: &[(Value, Map<String, Value>)]) -> Vec<usize> {
    let wanted = store.busy_left;
    if wanted == 0 {
        return Vec::new();
    }
    let existing: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, (raw_id, _))| {
            int_of(raw_id)
                .and_then(|id| u64::try_from(id).ok())
                .is_some_and(|id| store.tickets.contains_key(&id))
        })
        .map(|(index, _)| index)
        .collect();
    if existing.len() < wanted {
        return Vec::new();
    }
    store.busy_left = 0;
    (0..wanted)
        .map(|n| existing[n * existing.len() / wanted])
        .collect()
}
