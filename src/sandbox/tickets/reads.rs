//! The read calls: list (with its filters, sorts and paging), show, show many, search and
//! the sandbox-only replies; none of them changes the store.

use std::cmp::Ordering;

use chrono::NaiveDate;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::{bad_param, ids_param};
use crate::sandbox::body::Body;
use crate::sandbox::lock;
use crate::sandbox::render::{self, Flavor, NullCall};
use crate::sandbox::routes::{Call, error, json_response, page_url, paging, text_response};
use crate::sandbox::search;
use crate::sandbox::store::{Entry, Store, field, int_of};

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
    let (next, previous) = neighbours(call, page, per_page, count);
    let body = json!({
        "tickets": tickets,
        "count": render::count(count, &quirks),
        "next_page": next,
        "previous_page": previous,
    });
    text_response(StatusCode::OK, render::body_text(&body, &quirks))
}

/// The next and previous pages' absolute URLs, `None` past either end.
fn neighbours(
    call: &Call<'_>,
    page: usize,
    per_page: usize,
    count: usize,
) -> (Option<String>, Option<String>) {
    let url = |page| {
        page_url(
            &call.shared.base_url,
            &call.path,
            &call.query,
            per_page,
            page,
        )
    };
    let next = (page.saturating_mul(per_page) < count).then(|| url(page + 1));
    let previous = (page > 1).then(|| url(page - 1));
    (next, previous)
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
        let (next, previous) = neighbours(call, page, per_page, count);
        json!({
            "results": results,
            "count": render::count(count, &quirks),
            "next_page": next,
            "prev_page": previous,
        })
    };
    text_response(StatusCode::OK, render::body_text(&body, &quirks))
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
