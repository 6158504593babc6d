//! The search query language of `GET /api/v1/tickets/search.json`.
//!
//! Terms are separated by spaces and combine with AND:
//! - a bare word: fuzzy match on ticket id, subject or contact name (`2444`);
//! - `field:v1,v2`: any of the values (`ticketStatus:2,4`); enum fields take codes or
//!   Chinese labels, id fields compare numbers, list fields (tags, CC) match one element,
//!   and any other key (custom fields such as `field_1`) is a substring match;
//! - `createDT` / `updateDT` with `<`, `>`, `:`, `<=`, `>=` and a `YYYY-MM-DD` date.

use std::cell::OnceCell;

use chrono::NaiveDate;
use serde_json::Value;

use super::enums;
use super::store::{Entry, Store, field, int_of, text_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOp {
    Before,
    After,
    On,
    OnOrBefore,
    OnOrAfter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    Word(String),
    Field {
        key: String,
        values: Vec<String>,
    },
    Date {
        key: String,
        op: DateOp,
        date: NaiveDate,
    },
}

/// Parses a query; an error names the term the sandbox could not read.
pub(crate) fn parse(query: &str) -> Result<Vec<Term>, String> {
    let query = query.trim();
    // The page's own next_page example quotes the whole query.
    let query = query
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(query);
    query
        .split(' ')
        .filter(|term| !term.is_empty())
        .map(parse_term)
        .collect()
}

fn parse_term(term: &str) -> Result<Term, String> {
    for key in ["createDT", "updateDT"] {
        if let Some(rest) = term.strip_prefix(key) {
            let (op, date) = if let Some(date) = rest.strip_prefix("<=") {
                (DateOp::OnOrBefore, date)
            } else if let Some(date) = rest.strip_prefix(">=") {
                (DateOp::OnOrAfter, date)
            } else if let Some(date) = rest.strip_prefix('<') {
                (DateOp::Before, date)
            } else if let Some(date) = rest.strip_prefix('>') {
                (DateOp::After, date)
            } else if let Some(date) = rest.strip_prefix(':') {
                (DateOp::On, date)
            } else {
                return Err(format!("invalid date filter: {term}"));
            };
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| format!("invalid date in {term}: expected YYYY-MM-DD"))?;
            return Ok(Term::Date {
                key: key.to_owned(),
                op,
                date,
            });
        }
    }
    if let Some((key, values)) = term.split_once(':')
        && !key.is_empty()
    {
        return Ok(Term::Field {
            key: key.to_owned(),
            values: values
                .split(',')
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    Ok(Term::Word(term.to_owned()))
}

pub(crate) fn matches(store: &Store, entry: &Entry, terms: &[Term]) -> bool {
    let ticket = entry.core();
    // Custom fields are parsed only when a term needs them, once per ticket.
    let full = OnceCell::new();
    let full = || full.get_or_init(|| entry.full());
    terms.iter().all(|term| match term {
        Term::Word(word) => word_matches(store, ticket, word),
        Term::Field { key, values } => values
            .iter()
            .any(|value| field_matches(store, ticket, &full, key, value)),
        Term::Date { key, op, date } => date_of(field(ticket, key)).is_some_and(|day| match op {
            DateOp::Before => day < *date,
            DateOp::After => day > *date,
            DateOp::On => day == *date,
            DateOp::OnOrBefore => day <= *date,
            DateOp::OnOrAfter => day >= *date,
        }),
    })
}

/// The day of a `YYYY-MM-DD HH:MM:SS` date.
pub(crate) fn date_of(value: &Value) -> Option<NaiveDate> {
    let text = value.as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn contains_folded(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn word_matches(store: &Store, ticket: &Value, word: &str) -> bool {
    let id = text_of(field(ticket, "ticketId")).unwrap_or_default();
    let subject = text_of(field(ticket, "subject")).unwrap_or_default();
    id.contains(word)
        || contains_folded(&subject, word)
        || store
            .contact_name_of(ticket)
            .is_some_and(|name| contains_folded(name, word))
}

const ID_FIELDS: &[&str] = &[
    "ticketId",
    "custUserId",
    "agentId",
    "createrId",
    "servicerUserId",
    "servicerGroupId",
    "ticketTemplateId",
];
const LIST_FIELDS: &[&str] = &["ccUserIdList", "ccGroupIdList", "tagList"];

/// The elements of an id or tag list, sent as a comma-separated string, a number or an array.
pub(crate) fn list_items(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text_of).collect(),
        other => text_of(other)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

fn field_matches<'a>(
    store: &Store,
    ticket: &Value,
    full: &dyn Fn() -> &'a Value,
    key: &str,
    wanted: &str,
) -> bool {
    if let Some(table) = enums::table(key) {
        let wire = match key {
            "status" => "ticketStatus",
            "priority" => "priorityLevel",
            "type" => "ticketType",
            "source" => "ticketSource",
            other => other,
        };
        let Some(code) = enums::code(table, &Value::String(wanted.to_owned())) else {
            return false;
        };
        return int_of(field(ticket, wire)) == Some(code);
    }
    if ID_FIELDS.contains(&key) {
        return match (wanted.trim().parse::<i64>(), int_of(field(ticket, key))) {
            (Ok(wanted), Some(actual)) => wanted == actual,
            _ => false,
        };
    }
    if LIST_FIELDS.contains(&key) {
        return list_items(field(ticket, key))
            .iter()
            .any(|item| item == wanted);
    }
    if let Some(Value::Array(customs)) = full().get("custom_fields") {
        for custom in customs {
            if custom.get("key").and_then(Value::as_str) != Some(key) {
                continue;
            }
            let value = field(custom, "value");
            let text = match value {
                Value::Array(_) | Value::Object(_) => value.to_string(),
                other => text_of(other).unwrap_or_default(),
            };
            if contains_folded(&text, wanted) {
                return true;
            }
            let label = store.field(key).and_then(|def| def.option_label(&text));
            if label.is_some_and(|label| contains_folded(label, wanted)) {
                return true;
            }
        }
    }
    if let Some(Value::Array(tables)) = full().get("tables") {
        for table in tables {
            if table.get("custom_fields_key").and_then(Value::as_str) == Some(key)
                && contains_folded(&field(table, "tableData").to_string(), wanted)
            {
                return true;
            }
        }
    }
    // Any other top-level field (subject, description, ...) as a substring.
    text_of(field(ticket, key)).is_some_and(|text| contains_folded(&text, wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_vendor_examples() {
        assert_eq!(
            parse("ticketStatus:2,4 createDT<=2017-07-01"),
            Ok(vec![
                Term::Field {
                    key: "ticketStatus".into(),
                    values: vec!["2".into(), "4".into()]
                },
                Term::Date {
                    key: "createDT".into(),
                    op: DateOp::OnOrBefore,
                    date: NaiveDate::from_ymd_opt(2017, 7, 1).unwrap_or_default(),
                },
            ])
        );
        assert_eq!(parse("2444"), Ok(vec![Term::Word("2444".into())]));
        assert!(parse("createDT<2017-7").is_err());
        assert!(parse("createDT=2017-07-01").is_err());
    }
}
