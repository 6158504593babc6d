//! The ticket handlers: reads (list, show, show many, search), writes (create, update,
//! update many) and the sandbox-only replies call.

use std::cmp::Ordering;

use bytes::Bytes;

use super::body::Body;
use chrono::NaiveDate;
use http::header::{HeaderValue, LOCATION};
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::changes;
use super::lock;
use super::persist;
use super::render::{self, Flavor, NullCall};
use super::routes::{Call, error, json_response, page_url, paging, text_response};
use super::search;
use super::store::{Entry, Remembered, Store, field, int_of};

/// An invalid query parameter.
fn bad_param(name: &str, value: &str) -> Response<Body> {
    Refusal::bad_request("InvalidParameter", format!("invalid {name}: {value}")).response()
}

/// A request refused before any work: a small error value, turned into a response late.
struct Refusal {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl Refusal {
    fn bad_request(kind: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            kind,
            message: message.into(),
        }
    }

    fn response(&self) -> Response<Body> {
        error(self.status, self.kind, &self.message)
    }
}

/// One sort key of the list call, in the order the parameters came.
#[derive(Debug, Clone, Copy)]
enum SortKey {
    Created(bool),
    Updated(bool),
    Status(bool),
}

fn compare(a: &Value, b: &Value, key: SortKey) -> Ordering {
    let (ordering, ascending) = match key {
        SortKey::Created(asc) => (
            field(a, "createDT")
                .as_str()
                .cmp(&field(b, "createDT").as_str()),
            asc,
        ),
        SortKey::Updated(asc) => (
            field(a, "updateDT")
                .as_str()
                .cmp(&field(b, "updateDT").as_str()),
            asc,
        ),
        SortKey::Status(asc) => (
            int_of(field(a, "ticketStatus")).cmp(&int_of(field(b, "ticketStatus"))),
            asc,
        ),
    };
    if ascending {
        ordering
    } else {
        ordering.reverse()
    }
}

/// The list call and its company / contact variants: filters, orders, paging.
fn list_where(call: &Call<'_>, keep: &dyn Fn(&Store, &Value) -> bool) -> Response<Body> {
    let mut bounds: Vec<(&str, bool, NaiveDate)> = Vec::new();
    let mut keys = Vec::new();
    for (name, value) in &call.query {
        let name = name.as_str();
        match name {
            "created_start" | "created_end" | "updated_start" | "updated_end" => {
                let Some(day) = value
                    .trim()
                    .get(..10)
                    .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
                else {
                    return bad_param(name, value);
                };
                let column = if name.starts_with("created") {
                    "createDT"
                } else {
                    "updateDT"
                };
                bounds.push((column, name.ends_with("start"), day));
            }
            "created_order" | "updated_order" | "status_order" => {
                let ascending = match value.trim().to_ascii_lowercase().as_str() {
                    "asc" => true,
                    "desc" => false,
                    _ => return bad_param(name, value),
                };
                keys.push(match name {
                    "created_order" => SortKey::Created(ascending),
                    "updated_order" => SortKey::Updated(ascending),
                    _ => SortKey::Status(ascending),
                });
            }
            _ => {}
        }
    }
    let (page, per_page) = paging(call);
    let shared = call.shared;
    let quirks = shared.opts.quirks;
    let store = lock(&shared.store);
    // The store iterates by id: the default order, and the tie-break of the others.
    let mut entries: Vec<&Entry> = store
        .tickets
        .values()
        .filter(|entry| keep(&store, entry.core()))
        .filter(|entry| {
            bounds.iter().all(|(column, is_start, day)| {
                search::date_of(field(entry.core(), column)).is_some_and(|date| {
                    if *is_start {
                        date >= *day
                    } else {
                        date <= *day
                    }
                })
            })
        })
        .collect();
    if !keys.is_empty() {
        entries.sort_by(|a, b| {
            keys.iter()
                .map(|key| compare(a.core(), b.core(), *key))
                .find(|ordering| ordering.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
    let count = entries.len();
    let tickets: Vec<Value> = entries
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|entry| {
            let mut ticket =
                render::ticket(&store, entry, &shared.base_url, Flavor::Legacy, &quirks);
            render::null_fields(&mut ticket, entry, &quirks, NullCall::Other);
            ticket
        })
        .collect();
    let next = (page.saturating_mul(per_page) < count).then(|| {
        page_url(
            &shared.base_url,
            &call.path,
            &call.query,
            per_page,
            page + 1,
        )
    });
    let previous = (page > 1).then(|| {
        page_url(
            &shared.base_url,
            &call.path,
            &call.query,
            per_page,
            page - 1,
        )
    });
    let body = json!({
        "tickets": tickets,
        "count": render::count(count, &quirks),
        "next_page": next,
        "previous_page": previous,
    });
    text_response(StatusCode::OK, render::body_text(&body, &quirks))
}

pub(crate) fn list(call: &Call<'_>) -> Response<Body> {
    list_where(call, &|_, _| true)
}

pub(crate) fn company_tickets(call: &Call<'_>) -> Response<Body> {
    let company = call.target.id;
    if !lock(&call.shared.store).companies.contains_key(&company) {
        return error(StatusCode::NOT_FOUND, "NotFound", "company not found");
    }
    list_where(call, &|store, ticket| {
        store.company_of(ticket) == Some(company)
    })
}

pub(crate) fn contact_tickets(call: &Call<'_>) -> Response<Body> {
    let contact = call.target.id;
    if !lock(&call.shared.store).contacts.contains_key(&contact) {
        return error(StatusCode::NOT_FOUND, "NotFound", "user not found");
    }
    list_where(call, &|_, ticket| {
        int_of(field(ticket, "custUserId")) == i64::try_from(contact).ok()
    })
}

/// Show: `_v2` answers an object, the legacy call an array of one. With the both-shapes
/// quirk, even ids get the other call's shape.
pub(crate) fn show(call: &Call<'_>, v2: bool) -> Response<Body> {
    let shared = call.shared;
    let quirks = shared.opts.quirks;
    let id = call.target.id;
    let store = lock(&shared.store);
    let Some(entry) = store.tickets.get(&id) else {
        if quirks.not_found_as_200 {
            let empty = if v2 { Value::Null } else { json!([]) };
            return json_response(StatusCode::OK, &json!({ "ticket": empty }));
        }
        return error(StatusCode::NOT_FOUND, "NotFound", "ticket not found");
    };
    let flavor = if v2 { Flavor::V2 } else { Flavor::Legacy };
    let mut ticket = render::ticket(&store, entry, &shared.base_url, flavor, &quirks);
    render::null_fields(&mut ticket, entry, &quirks, NullCall::Other);
    let as_object = v2 != (quirks.show_both_shapes && id % 2 == 0);
    let body = if as_object {
        json!({ "ticket": ticket })
    } else {
        json!({ "ticket": [ticket] })
    };
    text_response(StatusCode::OK, render::body_text(&body, &quirks))
}

/// Parses `ids=1,2,3`: at most 100 ids.
fn ids_param(call: &Call<'_>) -> Result<Vec<u64>, Refusal> {
    let Some(raw) = call.param("ids") else {
        return Err(Refusal::bad_request("InvalidParameter", "ids is required"));
    };
    let mut ids = Vec::new();
    for part in raw
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        match part.parse::<u64>() {
            Ok(id) => ids.push(id),
            Err(_) => {
                return Err(Refusal::bad_request(
                    "InvalidParameter",
                    format!("invalid ids: {raw}"),
                ));
            }
        }
    }
    if ids.is_empty() {
        return Err(Refusal::bad_request(
            "InvalidParameter",
            format!("invalid ids: {raw}"),
        ));
    }
    if ids.len() > 100 {
        return Err(Refusal::bad_request(
            "TooManyIds",
            "at most 100 tickets a call",
        ));
    }
    Ok(ids)
}

/// Show many: the known tickets among the ids, by id ascending (as a database answers an
/// `IN` query); unknown ids are left out.
pub(crate) fn show_many(call: &Call<'_>) -> Response<Body> {
    let mut ids = match ids_param(call) {
        Ok(ids) => ids,
        Err(refusal) => return refusal.response(),
    };
    ids.sort_unstable();
    ids.dedup();
    let shared = call.shared;
    let quirks = shared.opts.quirks;
    let store = lock(&shared.store);
    let tickets: Vec<Value> = ids
        .iter()
        .filter_map(|id| store.tickets.get(id))
        .map(|entry| {
            let mut ticket =
                render::ticket(&store, entry, &shared.base_url, Flavor::Legacy, &quirks);
            render::null_fields(&mut ticket, entry, &quirks, NullCall::ShowMany);
            ticket
        })
        .collect();
    text_response(
        StatusCode::OK,
        render::body_text(&json!({ "tickets": tickets }), &quirks),
    )
}

pub(crate) fn search(call: &Call<'_>) -> Response<Body> {
    let terms = match search::parse(call.param("query").unwrap_or("")) {
        Ok(terms) => terms,
        Err(message) => return error(StatusCode::BAD_REQUEST, "InvalidQuery", &message),
    };
    let column = match call.param("sort_by").unwrap_or("createDT") {
        "createDT" | "" => "createDT",
        "updateDT" => "updateDT",
        other => return bad_param("sort_by", other),
    };
    let ascending = match call
        .param("sort_order")
        .unwrap_or("desc")
        .to_ascii_lowercase()
        .as_str()
    {
        "asc" => true,
        "desc" | "" => false,
        other => return bad_param("sort_order", other),
    };
    let (page, per_page) = paging(call);
    let shared = call.shared;
    let quirks = shared.opts.quirks;
    let store = lock(&shared.store);
    let mut found: Vec<&Entry> = store
        .tickets
        .values()
        .filter(|entry| search::matches(&store, entry, &terms))
        .collect();
    found.sort_by(|a, b| {
        let ordering = field(a.core(), column)
            .as_str()
            .cmp(&field(b.core(), column).as_str())
            .then_with(|| {
                int_of(field(a.core(), "ticketId")).cmp(&int_of(field(b.core(), "ticketId")))
            });
        if ascending {
            ordering
        } else {
            ordering.reverse()
        }
    });
    let count = found.len();
    let results: Vec<Value> = found
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|entry| render::search_result(entry, &shared.base_url, &quirks))
        .collect();
    let body = if quirks.nested_search {
        json!({"tickets": {"count": render::count(count, &quirks), "results": results}})
    } else {
        let next = (page.saturating_mul(per_page) < count).then(|| {
            page_url(
                &shared.base_url,
                &call.path,
                &call.query,
                per_page,
                page + 1,
            )
        });
        let previous = (page > 1).then(|| {
            page_url(
                &shared.base_url,
                &call.path,
                &call.query,
                per_page,
                page - 1,
            )
        });
        json!({
            "results": results,
            "count": render::count(count, &quirks),
            "next_page": next,
            "prev_page": previous,
        })
    };
    text_response(StatusCode::OK, render::body_text(&body, &quirks))
}

/// Replays the answer remembered under a repeated `Requestid`; otherwise runs the write and
/// remembers a successful answer.
pub(crate) async fn remembered(
    call: &Call<'_>,
    write: fn(&Call<'_>) -> Response<Body>,
) -> Response<Body> {
    let request_id = call
        .headers
        .get("requestid")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    let key = request_id.map(|id| format!("{}:{id}", call.target.route.as_str()));
    // Writes without an id need no order among themselves.
    let _one_at_a_time = match key {
        Some(_) => Some(call.shared.dedupe.lock().await),
        None => None,
    };
    if let Some(key) = &key
        && let Some(first) = lock(&call.shared.store).request_ids.get(key).cloned()
    {
        return replay(&first);
    }
    let response = write(call);
    let Some(key) = key else {
        return response;
    };
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = super::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let first = Remembered {
        status: parts.status.as_u16(),
        location: parts
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    lock(&call.shared.store)
        .request_ids
        .insert(key, first.clone());
    replay(&first)
}

fn replay(first: &Remembered) -> Response<Body> {
    let status = StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK);
    let mut response = text_response(status, first.body.clone());
    if let Some(location) = &first.location
        && let Ok(value) = HeaderValue::from_str(location)
    {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

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

pub(crate) fn create(call: &Call<'_>) -> Response<Body> {
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

pub(crate) fn update(call: &Call<'_>) -> Response<Body> {
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
        .and_then(|code| super::enums::label(super::enums::STATUS, code));
    if let (Some(label), Some(object)) = (label, ticket.as_object_mut()) {
        object.insert("ticketStatus".into(), json!(label));
    }
}

pub(crate) fn update_many(call: &Call<'_>) -> Response<Body> {
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
                Some(_) if busy.contains(&index) => Err(super::BUSY_REASON.to_owned()),
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

/// Sandbox-only: a ticket's replies, oldest first.
pub(crate) fn replies(call: &Call<'_>) -> Response<Body> {
    let quirks = call.shared.opts.quirks;
    let store = lock(&call.shared.store);
    if !store.tickets.contains_key(&call.target.id) {
        return error(StatusCode::NOT_FOUND, "NotFound", "ticket not found");
    }
    let mut replies = Value::Array(store.replies(call.target.id));
    if quirks.string_numbers {
        render::stringify_numbers(&mut replies);
    }
    text_response(
        StatusCode::OK,
        render::body_text(&json!({ "replies": replies }), &quirks),
    )
}
