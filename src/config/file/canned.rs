//! Canned replies (`[[snippets]]`) and macros (`[[macros]]`) as the file writes them
//! (issue 17), checked as they are read: a typo there would send the wrong words or change
//! the wrong field, so an unknown key or value stops the start with where it is written.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::api::{Priority, TicketStatus, TicketType};

/// One `[[snippets]]` table: `name`, an optional `title` (the name by default), `body`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SnippetFile")]
pub struct SnippetDef {
    pub name: String,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnippetFile {
    name: String,
    title: Option<String>,
    body: String,
}

impl TryFrom<SnippetFile> for SnippetDef {
    type Error = String;

    fn try_from(file: SnippetFile) -> Result<Self, String> {
        let name = file.name.trim().to_string();
        if name.is_empty() {
            return Err("a snippet needs a non-empty `name`".into());
        }
        if file.body.trim().is_empty() {
            return Err(format!("snippet {name:?}: `body` is empty"));
        }
        let title = file
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| name.clone());
        Ok(SnippetDef {
            name,
            title,
            body: file.body,
        })
    }
}

/// Who a macro assigns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeDef {
    Me,
    /// `None`: nobody (`"none"` or 0).
    Id(Option<u64>),
}

/// One `[[macros]]` table: only the fields it names are changed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "MacroFile")]
pub struct MacroDef {
    pub name: String,
    /// The key as written (`"F2"`, `"ctrl-k"`), parsed by the console's key map.
    pub key: Option<String>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub ticket_type: Option<TicketType>,
    pub assignee: Option<AssigneeDef>,
    /// `Some(None)`: no group.
    pub group: Option<Option<u64>>,
    pub tags_add: Vec<String>,
    pub tags_remove: Vec<String>,
    pub custom_fields: Vec<(String, serde_json::Value)>,
    pub snippet: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MacroFile {
    name: String,
    key: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    #[serde(rename = "type")]
    ticket_type: Option<String>,
    assignee: Option<toml::Value>,
    group: Option<toml::Value>,
    #[serde(default)]
    tags_add: Vec<String>,
    #[serde(default)]
    tags_remove: Vec<String>,
    #[serde(default)]
    custom_fields: BTreeMap<String, toml::Value>,
    snippet: Option<String>,
}

fn vendor_value<T: Copy>(
    name: &str,
    key: &str,
    text: Option<String>,
    parse: fn(&str) -> Option<T>,
    known: &[T],
    label: fn(T) -> &'static str,
) -> Result<Option<T>, String> {
    let Some(text) = text else {
        return Ok(None);
    };
    let names = || {
        known
            .iter()
            .map(|v| label(*v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match parse(&text) {
        // A code outside the vendor's table is a typo here, not something to send.
        Some(value) if known.iter().any(|k| label(*k) == label(value)) => Ok(Some(value)),
        _ => Err(format!(
            "macro {name:?}: `{key}` expected one of {}, found {text:?}",
            names()
        )),
    }
}

/// `"none"`, 0 or an id (a number or a numeric string).
fn id_value(name: &str, key: &str, value: &toml::Value) -> Result<Option<u64>, String> {
    let bad = || format!("macro {name:?}: `{key}` expected an id or \"none\", found {value}");
    match value {
        toml::Value::Integer(0) => Ok(None),
        toml::Value::Integer(n) => u64::try_from(*n).map(Some).map_err(|_| bad()),
        toml::Value::String(text) if text.trim().eq_ignore_ascii_case("none") => Ok(None),
        toml::Value::String(text) => match text.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(id) => Ok(Some(id)),
            Err(_) => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn custom_value(name: &str, key: &str, value: &toml::Value) -> Result<serde_json::Value, String> {
    Ok(match value {
        toml::Value::String(text) => serde_json::Value::String(text.clone()),
        toml::Value::Integer(n) => serde_json::Value::from(*n),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| format!("macro {name:?}: custom field `{key}` is not a number"))?,
        toml::Value::Boolean(b) => serde_json::Value::from(u8::from(*b).to_string()),
        toml::Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|item| custom_value(name, key, item))
                .collect::<Result<_, _>>()?,
        ),
        other => {
            return Err(format!(
                "macro {name:?}: custom field `{key}` expected text, a number or a list, found {}",
                other.type_str()
            ));
        }
    })
}

fn tags(name: &str, key: &str, list: Vec<String>) -> Result<Vec<String>, String> {
    let list: Vec<String> = list.into_iter().map(|t| t.trim().to_string()).collect();
    if list.iter().any(|t| t.is_empty() || t.contains(',')) {
        return Err(format!(
            "macro {name:?}: `{key}` holds an empty tag or one with a comma"
        ));
    }
    Ok(list)
}

impl TryFrom<MacroFile> for MacroDef {
    type Error = String;

    fn try_from(file: MacroFile) -> Result<Self, String> {
        let name = file.name.trim().to_string();
        if name.is_empty() {
            return Err("a macro needs a non-empty `name`".into());
        }
        let status = vendor_value(
            &name,
            "status",
            file.status,
            TicketStatus::parse,
            TicketStatus::ALL,
            TicketStatus::label_en,
        )?;
        let priority = vendor_value(
            &name,
            "priority",
            file.priority,
            Priority::parse,
            Priority::ALL,
            Priority::label_en,
        )?;
        let ticket_type = vendor_value(
            &name,
            "type",
            file.ticket_type,
            TicketType::parse,
            TicketType::ALL,
            TicketType::label_en,
        )?;
        let assignee = match &file.assignee {
            None => None,
            Some(toml::Value::String(text)) if text.trim().eq_ignore_ascii_case("me") => {
                Some(AssigneeDef::Me)
            }
            Some(value) => Some(AssigneeDef::Id(id_value(&name, "assignee", value)?)),
        };
        let group = file
            .group
            .as_ref()
            .map(|value| id_value(&name, "group", value))
            .transpose()?;
        let custom_fields = file
            .custom_fields
            .iter()
            .map(|(key, value)| Ok((key.clone(), custom_value(&name, key, value)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let tags_add = tags(&name, "tags_add", file.tags_add)?;
        let tags_remove = tags(&name, "tags_remove", file.tags_remove)?;
        if let Some(tag) = tags_add.iter().find(|t| tags_remove.contains(t)) {
            return Err(format!(
                "macro {name:?}: tag {tag:?} is both in `tags_add` and `tags_remove`"
            ));
        }
        let snippet = file
            .snippet
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let changes_nothing = status.is_none()
            && priority.is_none()
            && ticket_type.is_none()
            && assignee.is_none()
            && group.is_none()
            && tags_add.is_empty()
            && tags_remove.is_empty()
            && custom_fields.is_empty();
        if changes_nothing {
            return Err(format!(
                "macro {name:?} changes nothing: give it `status`, `priority`, `type`, `assignee`, `group`, `tags_add`, `tags_remove` or `custom_fields`"
            ));
        }
        Ok(MacroDef {
            name,
            key: file.key,
            status,
            priority,
            ticket_type,
            assignee,
            group,
            tags_add,
            tags_remove,
            custom_fields,
            snippet,
        })
    }
}
