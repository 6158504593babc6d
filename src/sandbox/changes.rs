//! Writes: validating a create or update body and applying it to a stored ticket.
//!
//! Enum fields take ints, numeric strings and Chinese labels; anything else is refused with a
//! message naming the field. A change is applied whole or not at all.

use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use super::Quirks;
use super::enums;
use super::search::list_items;
use super::seed::{PROVIDER_ID, format_dt, reply};
use super::store::{Contact, Entry, FieldKind, ReplyText, Store, int_of, text_of};

/// Now on the vendor's clock (China, UTC+08:00).
pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc() + ChronoDuration::hours(8)
}

/// A reply to add once the change is accepted.
struct NewReply {
    message: String,
    attachments: Vec<Value>,
}

fn bad(key: &str, value: &Value) -> String {
    format!("{key}: 字段值不合法 ({value})")
}

fn known_id(key: &str, value: &Value, exists: impl Fn(u64) -> bool) -> Result<u64, String> {
    let id = int_of(value)
        .and_then(|id| u64::try_from(id).ok())
        .ok_or_else(|| bad(key, value))?;
    if id == 0 || exists(id) {
        Ok(id)
    } else {
        Err(format!("{key}: {id} 不存在"))
    }
}

fn id_list(key: &str, value: &Value, exists: impl Fn(u64) -> bool) -> Result<String, String> {
    let mut ids = Vec::new();
    for item in list_items(value) {
        let id: u64 = item.parse().map_err(|_| bad(key, value))?;
        if !exists(id) {
            return Err(format!("{key}: {id} 不存在"));
        }
        ids.push(item);
    }
    Ok(ids.join(","))
}

/// Checks one custom field value against its definition; answers the value to store.
fn custom_value(store: &Store, custom: &Value) -> Result<Value, String> {
    let key = custom
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("custom_fields: 缺少 key ({custom})"))?;
    let def = store
        .field(key)
        .ok_or_else(|| format!("custom_fields: 未知字段 {key}"))?;
    let value = custom.get("value").unwrap_or(&Value::Null);
    let text = text_of(value);
    let stored = match def.kind {
        FieldKind::Dropdown => {
            let text = text.ok_or_else(|| bad(key, value))?;
            let by_id = def.option_label(&text).map(|_| text.trim().to_owned());
            let by_label = def
                .options
                .iter()
                .find(|(_, label)| *label == text.trim())
                .map(|(id, _)| id.to_string());
            json!(by_id.or(by_label).ok_or_else(|| bad(key, value))?)
        }
        FieldKind::Integer => {
            let number = int_of(value).ok_or_else(|| bad(key, value))?;
            json!(number.to_string())
        }
        FieldKind::Checkbox => match value {
            Value::Bool(flag) => json!(if *flag { "1" } else { "0" }),
            _ => match text.as_deref().map(str::trim) {
                Some("1") => json!("1"),
                Some("0") | Some("") => json!("0"),
                _ => return Err(bad(key, value)),
            },
        },
        FieldKind::Date => {
            let text = text.ok_or_else(|| bad(key, value))?;
            if !text.is_empty() && NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_err() {
                return Err(bad(key, value));
            }
            json!(text.trim())
        }
        FieldKind::Text | FieldKind::MultiLine | FieldKind::Attachment => {
            json!(text.ok_or_else(|| bad(key, value))?)
        }
        FieldKind::Payment => {
            let amount = text.ok_or_else(|| bad(key, value))?;
            if amount.trim().parse::<f64>().is_err() {
                return Err(bad(key, value));
            }
            let pay_status = match custom.get("pay_status") {
                None | Some(Value::Null) => 0,
                Some(status) => match int_of(status) {
                    Some(code @ (0 | 1)) => code,
                    _ => return Err(bad("pay_status", status)),
                },
            };
            return Ok(json!({"key": key, "value": amount.trim(), "pay_status": pay_status}));
        }
        FieldKind::ProductTable => match value {
            Value::Array(rows) if rows.iter().all(Value::is_object) => value.clone(),
            _ => return Err(bad(key, value)),
        },
        FieldKind::Form => {
            return Err(format!("{key}: 表单字段请通过 tables 传值"));
        }
    };
    Ok(json!({"key": key, "value": stored}))
}

/// Applies a change to a copy of the ticket; `Err` leaves the ticket untouched.
fn apply(
    store: &Store,
    ticket: &mut Map<String, Value>,
    change: &Map<String, Value>,
    now: &str,
) -> Result<Option<NewReply>, String> {
    let mut new_reply = None;
    for (key, value) in change {
        match key.as_str() {
            "ticketStatus" | "priorityLevel" | "ticketType" | "ticketSource" => {
                let table = enums::table(key).unwrap_or(enums::STATUS);
                let code = enums::code(table, value).ok_or_else(|| bad(key, value))?;
                if key == "ticketStatus" {
                    let previous = ticket.get("ticketStatus").and_then(int_of);
                    if previous != Some(code) {
                        if code >= 2 && ticket.get("openDT").is_none_or(Value::is_null) {
                            ticket.insert("openDT".into(), json!(now));
                        }
                        if code == 4 {
                            ticket.insert("solveDT".into(), json!(now));
                        }
                        if code >= 5 {
                            ticket.insert("closeDT".into(), json!(now));
                        }
                    }
                }
                ticket.insert(key.clone(), json!(code));
            }
            "servicerUserId" => {
                let id = known_id(key, value, |id| store.agent(id).is_some())?;
                ticket.insert(key.clone(), json!(id));
            }
            "servicerGroupId" => {
                let id = known_id(key, value, |id| store.group(id).is_some())?;
                ticket.insert(key.clone(), json!(id));
            }
            "ticketTemplateId" => {
                let id = known_id(key, value, |id| store.template(id).is_some())?;
                ticket.insert(key.clone(), json!(id));
            }
            "ccUserIdList" => {
                let ids = id_list(key, value, |id| store.agent(id).is_some())?;
                ticket.insert(key.clone(), json!(ids));
            }
            "ccGroupIdList" => {
                let ids = id_list(key, value, |id| store.group(id).is_some())?;
                ticket.insert(key.clone(), json!(ids));
            }
            "tagList" => {
                if !matches!(value, Value::String(_) | Value::Array(_) | Value::Number(_)) {
                    return Err(bad(key, value));
                }
                ticket.insert(key.clone(), json!(list_items(value).join(",")));
            }
            "custom_fields" => {
                let Value::Array(customs) = value else {
                    return Err(bad(key, value));
                };
                let mut fields = match ticket.remove("custom_fields") {
                    Some(Value::Array(fields)) => fields,
                    _ => Vec::new(),
                };
                for custom in customs {
                    let stored = custom_value(store, custom)?;
                    let field_key = stored.get("key").cloned();
                    match fields
                        .iter_mut()
                        .find(|existing| existing.get("key") == field_key.as_ref())
                    {
                        Some(existing) => *existing = stored,
                        None => fields.push(stored),
                    }
                }
                ticket.insert("custom_fields".into(), Value::Array(fields));
            }
            "tables" => {
                let Value::Array(tables) = value else {
                    return Err(bad(key, value));
                };
                let mut stored = match ticket.remove("tables") {
                    Some(Value::Array(stored)) => stored,
                    _ => Vec::new(),
                };
                for table in tables {
                    let table_key = table
                        .get("custom_fields_key")
                        .and_then(Value::as_str)
                        .ok_or_else(|| bad("tables", table))?;
                    if store.field(table_key).map(|def| def.kind) != Some(FieldKind::Form) {
                        return Err(format!("tables: 未知表单字段 {table_key}"));
                    }
                    let rows = match table.get("tableData") {
                        Some(Value::Array(rows)) if rows.iter().all(Value::is_object) => rows,
                        _ => return Err(bad("tableData", table)),
                    };
                    let entry = json!({"custom_fields_key": table_key, "tableData": rows});
                    match stored.iter_mut().find(|existing| {
                        existing.get("custom_fields_key").and_then(Value::as_str) == Some(table_key)
                    }) {
                        Some(existing) => *existing = entry,
                        None => stored.push(entry),
                    }
                }
                ticket.insert("tables".into(), Value::Array(stored));
            }
            "ticketReply" => {
                let Value::Object(body) = value else {
                    return Err(bad(key, value));
                };
                let message = body.get("replyMsg").and_then(text_of).unwrap_or_default();
                let attachments = match body.get("attachments") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(tokens)) => tokens
                        .iter()
                        .map(|token| attachment(store, token))
                        .collect(),
                    Some(other) => return Err(bad("ticketReply.attachments", other)),
                };
                if message.trim().is_empty() && attachments.is_empty() {
                    return Err("ticketReply: replyMsg 不能为空".to_owned());
                }
                new_reply = Some(NewReply {
                    message,
                    attachments,
                });
            }
            // Subject, contact, ids and unknown keys cannot be changed by an update.
            _ => {}
        }
    }
    Ok(new_reply)
}

/// An uploaded file as a reply lists it; a token the sandbox did not issue stays as sent.
fn attachment(store: &Store, token: &Value) -> Value {
    let Some(upload) = token.as_str().and_then(|token| store.uploads.get(token)) else {
        return token.clone();
    };
    json!({
        "token": token,
        "attachId": upload.attach_id,
        "fileName": upload.file_name,
        "size": upload.size,
    })
}

fn add_reply(store: &mut Store, ticket_id: u64, actor: u64, when: NaiveDateTime, new: NewReply) {
    let mut record = reply(store, actor, 1, when, ReplyText::Owned(new.message));
    record.attachments = new.attachments;
    store.replies.entry(ticket_id).or_default().push(record);
}

/// Update (and each ticket of update many), at `when` (a kept update replayed at start
/// keeps its time).
pub(crate) fn update_at(
    store: &mut Store,
    id: u64,
    change: &Map<String, Value>,
    actor: u64,
    quirks: &Quirks,
    when: NaiveDateTime,
) -> Result<(), String> {
    let stamp = format_dt(when);
    if !change.contains_key("custom_fields") && !change.contains_key("tables") {
        return update_core(store, id, change, actor, quirks, when, &stamp);
    }
    let mut ticket = match store.tickets.get(&id).map(Entry::full) {
        Some(Value::Object(ticket)) => ticket,
        Some(_) => return Err("工单数据损坏".to_owned()),
        None => return Err("工单不存在".to_owned()),
    };
    let new_reply = apply(store, &mut ticket, change, &stamp)?;
    if quirks.bump_update_dt {
        ticket.insert("updateDT".into(), json!(stamp));
    }
    if let Some(entry) = store.tickets.get_mut(&id) {
        entry.set(Value::Object(ticket));
    }
    if let Some(new_reply) = new_reply {
        add_reply(store, id, actor, when, new_reply);
    }
    *store.update_counts.entry(id).or_default() += 1;
    Ok(())
}

/// [`update_at`] of a change that leaves custom fields and tables alone: the same result
/// without rebuilding the whole ticket. `apply` reads only the status and `openDT` of the
/// ticket, so it runs on a copy of those; what it writes is merged into the stored fields
/// (existing keys keep their place, new ones are appended in the same order).
fn update_core(
    store: &mut Store,
    id: u64,
    change: &Map<String, Value>,
    actor: u64,
    quirks: &Quirks,
    when: NaiveDateTime,
    stamp: &str,
) -> Result<(), String> {
    let mut written = Map::new();
    match store.tickets.get(&id).map(Entry::core) {
        Some(Value::Object(core)) => {
            for key in ["ticketStatus", "openDT"] {
                if let Some(value) = core.get(key) {
                    written.insert(key.to_owned(), value.clone());
                }
            }
        }
        Some(_) => return Err("工单数据损坏".to_owned()),
        None => return Err("工单不存在".to_owned()),
    }
    let new_reply = apply(store, &mut written, change, stamp)?;
    if quirks.bump_update_dt {
        written.insert("updateDT".into(), json!(stamp));
    }
    if let Some(Value::Object(core)) = store.tickets.get_mut(&id).map(Entry::core_mut) {
        for (key, value) in written {
            core.insert(key, value);
        }
    }
    if let Some(new_reply) = new_reply {
        add_reply(store, id, actor, when, new_reply);
    }
    *store.update_counts.entry(id).or_default() += 1;
    Ok(())
}

/// The contact of a create: `custUserId`, or `custUser` (found by mobile, else created).
fn contact_of(store: &mut Store, request: &Map<String, Value>) -> Result<u64, String> {
    if let Some(contact) = request.get("custUser").filter(|value| !value.is_null()) {
        let Value::Object(contact) = contact else {
            return Err(bad("custUser", contact));
        };
        let mobile = contact
            .get("mobilephone")
            .and_then(text_of)
            .map(|mobile| mobile.trim().to_owned())
            .filter(|mobile| !mobile.is_empty())
            .ok_or_else(|| "custUser: mobilephone 必填".to_owned())?;
        if let Some(existing) = store.contact_by_mobile(&mobile) {
            return Ok(existing.id);
        }
        let id = store.next_contact_id;
        store.next_contact_id += 1;
        let text = |key: &str| contact.get(key).and_then(text_of).unwrap_or_default();
        let name = Some(text("name"))
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| mobile.clone());
        store.contacts.insert(
            id,
            Contact {
                id,
                name,
                mobile,
                email: text("email"),
                fixnumber: text("fixnumber"),
                qq: text("qq"),
                company_id: 0,
                create_dt: format_dt(now()),
            },
        );
        return Ok(id);
    }
    match request.get("custUserId").filter(|value| !value.is_null()) {
        // The vendor's own curl example creates a ticket without any contact.
        None => Ok(0),
        Some(value) => known_id("custUserId", value, |id| store.contacts.contains_key(&id)),
    }
}

/// Create, at `when` (a kept create replayed at start keeps its time).
pub(crate) fn create_at(
    store: &mut Store,
    request: &Map<String, Value>,
    actor: u64,
    when: NaiveDateTime,
) -> Result<u64, String> {
    let subject = request
        .get("subject")
        .and_then(text_of)
        .map(|subject| subject.trim().to_owned())
        .filter(|subject| !subject.is_empty())
        .ok_or_else(|| "subject: 必填".to_owned())?;
    let stamp = format_dt(when);
    let id = store.next_ticket_id;
    let mut ticket = json!({
        "ticketId": id,
        "subject": subject,
        "description": "",
        "ticketSource": 7,
        "ticketType": 1,
        "priorityLevel": 2,
        "ticketStatus": 1,
        "custUserId": 0,
        "agentId": PROVIDER_ID,
        "createrId": actor,
        "createrType": 0,
        "servicerUserId": 0,
        "servicerGroupId": 0,
        "ccUserIdList": "",
        "ccGroupIdList": "",
        "ticketTemplateId": 1,
        "customTemplateId": 1,
        "tagList": "",
        "createDT": stamp,
        "updateDT": stamp,
        "openDT": null,
        "solveDT": "",
        "closeDT": "",
        "isDeleted": 0,
        "custom_fields": [],
        "tables": [],
    });
    let Some(fields) = ticket.as_object_mut() else {
        return Err("internal error".to_owned());
    };
    // Validate everything before creating the contact, so a refused create leaves no trace.
    let mut scratch = fields.clone();
    apply(store, &mut scratch, request, &stamp)?;
    if let Some(value) = request
        .get("custUserId")
        .filter(|_| !request.contains_key("custUser"))
        && !value.is_null()
    {
        known_id("custUserId", value, |id| store.contacts.contains_key(&id))?;
    }
    let contact = contact_of(store, request)?;
    let new_reply = apply(store, fields, request, &stamp)?;
    fields.insert("custUserId".into(), json!(contact));
    if let Some(new_reply) = &new_reply {
        fields.insert("description".into(), json!(new_reply.message));
    }
    if let Some(template) = fields.get("ticketTemplateId").cloned() {
        fields.insert("customTemplateId".into(), template);
    }
    store.next_ticket_id += 1;
    store.tickets.insert(id, Entry::stored(ticket));
    if let Some(new_reply) = new_reply {
        add_reply(store, id, actor, when, new_reply);
    }
    Ok(id)
}
