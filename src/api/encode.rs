//! Request bodies: the wire JSON of a change, a new ticket, and a ticket round-tripped.
//!
//! Enum codes and ids go out as JSON integers (the server accepts them everywhere), id and
//! tag lists as comma-separated strings, dates as `YYYY-MM-DD HH:MM:SS`.

use serde_json::{Map, Number, Value, json};

use super::model::{
    CustomField, CustomValue, DATE_FORMAT, FormTable, NewContact, NewTicket, Reply, TableRow,
    Ticket, TicketChange,
};

/// The `ticket` object of an update or update many (same change).
pub fn change(change: &TicketChange) -> Value {
    Value::Object(change_map(change))
}

/// One element of update many's per-ticket form: the change plus `ticketId`.
pub fn change_for(id: u64, change: &TicketChange) -> Value {
    let mut map = Map::new();
    map.insert("ticketId".to_owned(), json!(id));
    map.extend(change_map(change));
    Value::Object(map)
}

/// The `ticket` object of a create.
pub fn new_ticket(ticket: &NewTicket) -> Value {
    let mut map = Map::new();
    map.insert("subject".to_owned(), json!(ticket.subject));
    map.insert("ticketReply".to_owned(), reply(&ticket.reply));
    match &ticket.contact {
        Some(NewContact::Id(id)) => {
            map.insert("custUserId".to_owned(), json!(id));
        }
        Some(NewContact::Details {
            mobile,
            name,
            fixnumber,
            qq,
            email,
        }) => {
            let mut contact = Map::new();
            contact.insert("mobilephone".to_owned(), json!(mobile));
            for (key, value) in [
                ("name", name),
                ("fixnumber", fixnumber),
                ("qq", qq),
                ("email", email),
            ] {
                if let Some(value) = value {
                    contact.insert(key.to_owned(), json!(value));
                }
            }
            map.insert("custUser".to_owned(), Value::Object(contact));
        }
        None => {}
    }
    let mut fields = change_map(&ticket.fields);
    // The create's own reply wins over one set in the fields.
    fields.remove("ticketReply");
    map.extend(fields);
    Value::Object(map)
}

/// A decoded ticket back to wire JSON, unknown fields included.
///
/// `None` fields are left out; `decode::ticket(&ticket(t)) == t` for any ticket the decoder
/// produced.
pub fn ticket(ticket: &Ticket) -> Value {
    let mut map = Map::new();
    let mut put = |key: &str, value: Value| {
        map.insert(key.to_owned(), value);
    };
    put("ticketId", json!(ticket.id));
    if let Some(url) = &ticket.url {
        put("url", json!(url));
    }
    put("subject", json!(ticket.subject));
    if let Some(description) = &ticket.description {
        put("descript", json!(description));
    }
    if let Some(source) = ticket.source {
        put("ticketSource", json!(source.code()));
    }
    if let Some(ticket_type) = ticket.ticket_type {
        put("ticketType", json!(ticket_type.code()));
    }
    if let Some(priority) = ticket.priority {
        put("priorityLevel", json!(priority.code()));
    }
    if let Some(status) = ticket.status {
        put("ticketStatus", json!(status.code()));
    }
    for (key, id) in [
        ("custUserId", ticket.contact_id),
        ("agentId", ticket.provider_id),
        ("createrId", ticket.creator_id),
    ] {
        if let Some(id) = id {
            put(key, json!(id));
        }
    }
    // Not known is left out; none is 0, an empty list "": what the server said, no more.
    for (key, id) in [
        ("servicerUserId", ticket.assignee_id),
        ("servicerGroupId", ticket.group_id),
    ] {
        if let Some(id) = id.known() {
            put(key, json!(id.unwrap_or(0)));
        }
    }
    if let Some(ids) = &ticket.cc_user_ids {
        put("ccUserIdList", json!(id_list(ids)));
    }
    if let Some(ids) = &ticket.cc_group_ids {
        put("ccGroupIdList", json!(id_list(ids)));
    }
    if let Some(id) = ticket.template_id {
        put("ticketTemplateId", json!(id));
    }
    if let Some(tags) = &ticket.tags {
        put("tagList", json!(tags.join(",")));
    }
    let live = &ticket.live;
    for (key, date) in [
        ("createDT", ticket.created),
        ("updateDT", ticket.updated),
        ("solveDT", live.solved),
        ("waitDT", live.waiting),
        ("openDT", live.opened),
        ("closeDT", live.closed),
    ] {
        if let Some(date) = date {
            put(key, json!(date.format(DATE_FORMAT).to_string()));
        }
    }
    if !ticket.custom_fields.is_empty() {
        put(
            "custom_fields",
            Value::Array(ticket.custom_fields.iter().map(custom_field).collect()),
        );
    }
    if !ticket.tables.is_empty() {
        put("tables", tables(&ticket.tables));
    }
    for (key, id) in [
        ("customTemplateId", live.custom_template_id),
        ("workflow_id", live.workflow_id),
        ("workflow_node_id", live.workflow_node_id),
    ] {
        if let Some(id) = id {
            put(key, json!(id));
        }
    }
    if let Some(kind) = live.creator_type {
        put("createrType", json!(kind));
    }
    if let Some(deleted) = live.is_deleted {
        put("isDeleted", json!(i64::from(deleted)));
    }
    if let Some(attachments) = &live.description_attachments {
        put("descriptattachments", attachments.clone());
    }
    for (key, value) in &ticket.extra {
        // A known field always wins over a stray copy in `extra`.
        if !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
    Value::Object(map)
}

fn change_map(change: &TicketChange) -> Map<String, Value> {
    let mut map = Map::new();
    if let Some(status) = change.status {
        map.insert("ticketStatus".to_owned(), json!(status.code()));
    }
    if let Some(priority) = change.priority {
        map.insert("priorityLevel".to_owned(), json!(priority.code()));
    }
    if let Some(ticket_type) = change.ticket_type {
        map.insert("ticketType".to_owned(), json!(ticket_type.code()));
    }
    if let Some(source) = change.source {
        map.insert("ticketSource".to_owned(), json!(source.code()));
    }
    // `Some(None)` clears: the API's "none" is 0.
    if let Some(assignee) = change.assignee_id {
        map.insert("servicerUserId".to_owned(), json!(assignee.unwrap_or(0)));
    }
    if let Some(group) = change.group_id {
        map.insert("servicerGroupId".to_owned(), json!(group.unwrap_or(0)));
    }
    if let Some(ids) = &change.cc_user_ids {
        map.insert("ccUserIdList".to_owned(), json!(id_list(ids)));
    }
    if let Some(ids) = &change.cc_group_ids {
        map.insert("ccGroupIdList".to_owned(), json!(id_list(ids)));
    }
    if let Some(id) = change.template_id {
        map.insert("ticketTemplateId".to_owned(), json!(id));
    }
    if let Some(tags) = &change.tags {
        map.insert("tagList".to_owned(), json!(tags.join(",")));
    }
    if !change.custom_fields.is_empty() {
        let fields = change
            .custom_fields
            .iter()
            .map(|(key, value)| json!({ "key": key, "value": value }))
            .collect();
        map.insert("custom_fields".to_owned(), Value::Array(fields));
    }
    if !change.tables.is_empty() {
        map.insert("tables".to_owned(), tables(&change.tables));
    }
    if let Some(message) = &change.reply {
        map.insert("ticketReply".to_owned(), reply(message));
    }
    map
}

fn reply(reply: &Reply) -> Value {
    let mut map = Map::new();
    map.insert("replyMsg".to_owned(), json!(reply.message));
    if !reply.attachments.is_empty() {
        map.insert("attachments".to_owned(), json!(reply.attachments));
    }
    Value::Object(map)
}

fn id_list(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

fn custom_field(field: &CustomField) -> Value {
    let mut map = Map::new();
    map.insert("key".to_owned(), json!(field.key));
    map.insert("value".to_owned(), custom_value(&field.value));
    if let Some(status) = field.pay_status {
        map.insert("pay_status".to_owned(), json!(status));
    }
    Value::Object(map)
}

/// A custom value on the wire; an integral number goes out as an integer.
fn custom_value(value: &CustomValue) -> Value {
    match value {
        CustomValue::Text(text) => json!(text),
        CustomValue::Number(number) => number_value(*number),
        CustomValue::Rows(rows) => Value::Array(rows.iter().map(row).collect()),
        CustomValue::Empty => Value::Null,
    }
}

fn number_value(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        json!(number as i64)
    } else {
        Number::from_f64(number).map_or(Value::Null, Value::Number)
    }
}

fn row(row: &TableRow) -> Value {
    Value::Object(
        row.iter()
            .map(|(column, cell)| (column.clone(), json!(cell)))
            .collect(),
    )
}

fn tables(tables: &[FormTable]) -> Value {
    Value::Array(
        tables
            .iter()
            .map(|table| {
                json!({
                    "custom_fields_key": table.key,
                    "tableData": table.rows.iter().map(row).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
