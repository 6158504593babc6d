//! The ticket fields `update` and `create` take by name: status, priority and type by code,
//! name or label; agents and groups by name, e-mail or id; custom fields by key or name.

use serde_json::Value;

use crate::api::Client;
use crate::api::model::{Priority, TicketStatus, TicketType};
use crate::lang::Lang;
use crate::script::ScriptError;
use crate::words;

fn parse_enum<T>(
    lang: Lang,
    text: &str,
    flag: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    en: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
) -> Result<T, ScriptError>
where
    T: Copy,
{
    parse(text).ok_or_else(|| {
        let known: Vec<String> = all
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{} {}/{}", i + 1, en(*v), zh(*v)))
            .collect();
        ScriptError::Usage(words::script::unknown_value(
            lang,
            flag,
            text,
            &known.join(", "),
        ))
    })
}

pub(crate) fn parse_status(lang: Lang, text: &str) -> Result<TicketStatus, ScriptError> {
    let status = parse_enum(
        lang,
        text,
        "--status",
        TicketStatus::parse,
        TicketStatus::ALL,
        TicketStatus::label_en,
        TicketStatus::label_zh,
    )?;
    refuse_unknown(lang, status, TicketStatus::Unknown, "--status", text)
}

pub(crate) fn parse_priority(lang: Lang, text: &str) -> Result<Priority, ScriptError> {
    let priority = parse_enum(
        lang,
        text,
        "--priority",
        Priority::parse,
        Priority::ALL,
        Priority::label_en,
        Priority::label_zh,
    )?;
    refuse_unknown(lang, priority, Priority::Unknown, "--priority", text)
}

pub(crate) fn parse_type(lang: Lang, text: &str) -> Result<TicketType, ScriptError> {
    let kind = parse_enum(
        lang,
        text,
        "--type",
        TicketType::parse,
        TicketType::ALL,
        TicketType::label_en,
        TicketType::label_zh,
    )?;
    refuse_unknown(lang, kind, TicketType::Unknown, "--type", text)
}

/// A code outside the vendor's table is a typo here, not something to send.
fn refuse_unknown<T: PartialEq + Copy>(
    lang: Lang,
    value: T,
    unknown: fn(i64) -> T,
    flag: &str,
    text: &str,
) -> Result<T, ScriptError> {
    match text.trim().parse::<i64>() {
        Ok(code) if unknown(code) == value => Err(ScriptError::Usage(words::script::unknown_code(
            lang, flag, code,
        ))),
        _ => Ok(value),
    }
}

/// `none` or 0 (nobody), or a number (that id); `None` when `text` is a name to look up.
fn given_id(text: &str) -> Option<Option<u64>> {
    if text.eq_ignore_ascii_case("none") || text == "0" {
        return Some(None);
    }
    text.parse::<u64>().ok().map(Some)
}

/// `--assignee`: `none`/0 unassigns; a number is an id; anything else an agent's name or
/// e-mail, looked up in the agents list.
pub(super) async fn resolve_agent(
    lang: Lang,
    client: &Client,
    text: &str,
) -> Result<Option<u64>, ScriptError> {
    let text = text.trim();
    if let Some(given) = given_id(text) {
        return Ok(given);
    }
    let agents = client.agents().await?;
    let matches: Vec<&crate::api::model::Agent> = agents
        .iter()
        .filter(|a| {
            a.name == text
                || a.email
                    .as_deref()
                    .is_some_and(|email| email.eq_ignore_ascii_case(text))
        })
        .collect();
    match matches[..] {
        [agent] => Ok(Some(agent.id)),
        _ => {
            let ids: Vec<u64> = matches.iter().map(|a| a.id).collect();
            Err(ScriptError::Usage(words::script::agent_not_one(
                lang, text, &ids,
            )))
        }
    }
}

/// `--group`: `none`/0, an id, or a group's name (groups are found through the agents'
/// group ids, since the API has no list of groups).
pub(super) async fn resolve_group(
    lang: Lang,
    client: &Client,
    text: &str,
) -> Result<Option<u64>, ScriptError> {
    let text = text.trim();
    if let Some(given) = given_id(text) {
        return Ok(given);
    }
    let agents = client.agents().await?;
    let mut ids: Vec<u64> = agents
        .iter()
        .flat_map(|a| a.group_ids.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut matches = Vec::new();
    for id in ids {
        if let Ok(group) = client.group(id).await
            && group.name == text
        {
            matches.push(id);
        }
    }
    match matches[..] {
        [id] => Ok(Some(id)),
        _ => Err(ScriptError::Usage(words::script::group_not_one(
            lang, text, &matches,
        ))),
    }
}

/// `--field KEY=VALUE`s: the key is a custom field's key (`field_N`) or its name, as
/// `ticket_fields` lists them; any other key is refused with the known ones listed (a typo
/// would otherwise be sent, and silently ignored or stored by the server).
pub(super) async fn resolve_fields(
    lang: Lang,
    client: &Client,
    fields: &[String],
) -> Result<Vec<(String, Value)>, ScriptError> {
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let defs = client.ticket_fields().await?;
    let mut out = Vec::new();
    for field in fields {
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| ScriptError::Usage(words::script::field_without_equals(lang, field)))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ScriptError::Usage(words::script::field_without_key(
                lang, field,
            )));
        }
        let Some(def) = defs
            .iter()
            .find(|def| def.key == key)
            .or_else(|| defs.iter().find(|def| def.name == key))
        else {
            let known: Vec<(&str, &str)> = defs
                .iter()
                .map(|def| (def.key.as_str(), def.name.as_str()))
                .collect();
            return Err(ScriptError::Usage(words::script::unknown_field(
                lang, key, &known,
            )));
        };
        out.push((def.key.clone(), Value::String(value.to_string())));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn enums_take_codes_names_and_labels() {
        assert_eq!(parse_status(Lang::En, "4").unwrap(), TicketStatus::Solved);
        assert_eq!(
            parse_status(Lang::En, "Solved").unwrap(),
            TicketStatus::Solved
        );
        assert_eq!(
            parse_status(Lang::En, "待回应").unwrap(),
            TicketStatus::Pending
        );
        assert_eq!(parse_priority(Lang::En, "紧急").unwrap(), Priority::Urgent);
        assert_eq!(parse_type(Lang::En, "fault").unwrap(), TicketType::Fault);
        assert!(parse_status(Lang::En, "9").is_err());
        assert!(parse_status(Lang::En, "done-ish").is_err());
    }
}
