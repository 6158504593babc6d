//! The neighbouring lookups: ticket fields, agents, groups, contacts, companies, templates,
//! uploads and tokens. Elements without an id are skipped rather than failing the list.

use serde_json::{Map, Value};

use super::lenient::{
    cell_text, decode_error, kind, read_bool, read_i64, read_id, read_id_list, read_text, read_u64,
    scalar_text,
};
use super::{parse_json, reported_instead_of};
use crate::api::error::ApiError;
use crate::api::model::{Agent, Attachment, Company, Contact, FieldDef, Group, Template};
use crate::text::clean;

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

pub(super) fn field_options(value: &Value) -> Vec<(String, String)> {
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

pub(super) fn agent_from(value: &Value) -> Option<Agent> {
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

pub(super) fn list_under<'a>(value: &'a Value, keys: &[&str]) -> Result<&'a Vec<Value>, ApiError> {
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
pub(super) fn object_under<'a>(
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

pub(super) fn text_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_text(value, "").ok().flatten())
        .filter(|text| !text.is_empty())
}

pub(super) fn id_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_id(value, "").ok().flatten())
}

pub(super) fn int_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_i64(value, "").ok().flatten())
}

pub(super) fn bool_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
    keys.iter()
        .filter_map(|key| obj.get(*key))
        .find_map(|value| read_bool(value, "").ok().flatten())
}
