//! The ticket object: every field of the vendor's table, the live-only ones, custom fields
//! and form tables; unknown fields kept verbatim.

use serde_json::Value;

use super::lenient::{
    Bad, cell_text, clean_value, index_path, key_path, kind, read_bool, read_date, read_enum,
    read_i64, read_id, read_id_field, read_id_list, read_tags, read_text,
};
use crate::api::model::{CustomField, CustomValue, FormTable, TableRow, Ticket, UnreadableField};
use crate::text::clean;

/// Keys of the ticket object that this decoder reads into typed fields; everything else
/// goes to `Ticket::extra`.
pub(super) const TICKET_KEYS: &[&str] = &[
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

/// A field whose failure stays local: the enums (their value is shown, and a bulk change
/// sets them without reading them; an unknown "before" leaves the ticket out of an undo)
/// and the live-only fields. Malformed, it is unknown (`None`), named with its reason in
/// `Ticket::unreadable`, and its value is kept verbatim in `extra` so a round trip keeps
/// it. Ids, dates the client compares (`updateDT`), lists and custom fields still fail the
/// ticket: a guess there could be written back.
fn local<T>(
    ticket: &mut Ticket,
    key: &str,
    raw: &Value,
    result: Result<Option<T>, Bad>,
) -> Option<T> {
    match result {
        Ok(value) => value,
        Err(bad) => {
            ticket.unreadable.push(UnreadableField {
                key: key.to_owned(),
                reason: bad.message,
            });
            ticket.extra.insert(key.to_owned(), raw.clone());
            None
        }
    }
}

pub(super) fn ticket_at(value: &Value, path: &str) -> Result<Ticket, Bad> {
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
            // A field whose failure is local (nothing else is read through it) is unknown
            // when malformed, not the whole ticket lost; see `local`.
            "ticketSource" => ticket.source = local(&mut ticket, key, field, read_enum(field, p)),
            "ticketType" => {
                ticket.ticket_type = local(&mut ticket, key, field, read_enum(field, p));
            }
            "priorityLevel" => {
                ticket.priority = local(&mut ticket, key, field, read_enum(field, p));
            }
            "ticketStatus" => ticket.status = local(&mut ticket, key, field, read_enum(field, p)),
            "custUserId" => ticket.contact_id = read_id(field, p)?,
            "agentId" => ticket.provider_id = read_id(field, p)?,
            "createrId" => ticket.creator_id = read_id(field, p)?,
            "servicerUserId" => ticket.assignee_id = read_id_field(field, p)?,
            "servicerGroupId" => ticket.group_id = read_id_field(field, p)?,
            "ccUserIdList" => ticket.cc_user_ids = Some(read_id_list(field, p)?),
            "ccGroupIdList" => ticket.cc_group_ids = Some(read_id_list(field, p)?),
            "ticketTemplateId" => ticket.template_id = read_id(field, p)?,
            "tagList" => ticket.tags = Some(read_tags(field, p)?),
            "createDT" => ticket.created = read_date(field, p)?,
            "updateDT" => ticket.updated = read_date(field, p)?,
            "custom_fields" => ticket.custom_fields = read_custom_fields(field, p)?,
            "tables" => ticket.tables = read_tables(field, p)?,
            "solveDT" => ticket.live.solved = local(&mut ticket, key, field, read_date(field, p)),
            "waitDT" => ticket.live.waiting = local(&mut ticket, key, field, read_date(field, p)),
            "openDT" => ticket.live.opened = local(&mut ticket, key, field, read_date(field, p)),
            "closeDT" => ticket.live.closed = local(&mut ticket, key, field, read_date(field, p)),
            "customTemplateId" => {
                ticket.live.custom_template_id = local(&mut ticket, key, field, read_id(field, p));
            }
            "createrType" => {
                ticket.live.creator_type = local(&mut ticket, key, field, read_i64(field, p));
            }
            "workflow_id" => {
                ticket.live.workflow_id = local(&mut ticket, key, field, read_id(field, p));
            }
            "workflow_node_id" => {
                ticket.live.workflow_node_id = local(&mut ticket, key, field, read_id(field, p));
            }
            "isDeleted" => {
                ticket.live.is_deleted = local(&mut ticket, key, field, read_bool(field, p));
            }
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

pub(super) fn read_custom_fields(value: &Value, path: &str) -> Result<Vec<CustomField>, Bad> {
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

pub(super) fn read_custom_field(value: &Value, path: &str) -> Result<CustomField, Bad> {
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

pub(super) fn read_custom_value(value: &Value, path: &str) -> Result<CustomValue, Bad> {
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

pub(super) fn read_rows<'a>(
    items: impl Iterator<Item = &'a Value>,
    path: &str,
) -> Result<Vec<TableRow>, Bad> {
    items
        .enumerate()
        .map(|(index, item)| read_row(item, &index_path(path, index)))
        .collect()
}

pub(super) fn read_row(value: &Value, path: &str) -> Result<TableRow, Bad> {
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

pub(super) fn read_tables(value: &Value, path: &str) -> Result<Vec<FormTable>, Bad> {
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
