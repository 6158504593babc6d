//! What the ticket commands read in: ticket ids (arguments or standard input, plain or the
//! JSON lines of `--json`) and the text of a reply or message (a file or standard input).

use std::collections::HashSet;
use std::io;
use std::path::Path;

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::api::model::DATE_FORMAT;
use crate::lang::Lang;
use crate::script::ScriptError;
use crate::words;
use crate::words::script::TextIn;

/// Ticket ids from the arguments; `-` reads them from standard input. Ids are separated
/// by whitespace or commas; a line starting with `#` is a comment. Repeats are dropped.
pub(crate) fn read_ids(args: &[String], lang: Lang) -> Result<Vec<u64>, ScriptError> {
    Ok(read_input(args, lang)?.into_iter().map(|t| t.id).collect())
}

/// A ticket as given on the command line or standard input: its id, and its `updateDT`
/// when the line was a JSON object (`tickets search --json` output).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InputTicket {
    pub(crate) id: u64,
    pub(crate) updated: Option<crate::api::model::ApiDate>,
}

/// [`read_ids`], also taking NDJSON lines (`{"id": 12, "updated": "..."}`, as `--json`
/// prints), whose `updated` lets the bulk engine tell on a resume whether an agent's call
/// reached a ticket.
pub(crate) fn read_input(args: &[String], lang: Lang) -> Result<Vec<InputTicket>, ScriptError> {
    let mut tickets: Vec<InputTicket> = Vec::new();
    let mut add = |line: &str| -> Result<(), ScriptError> {
        if line.trim_start().starts_with('{') {
            tickets.push(ticket_of_json(line, lang)?);
        } else {
            for token in split_ids(line) {
                let id =
                    token.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
                        ScriptError::Usage(words::script::not_an_id(lang, &token))
                    })?;
                tickets.push(InputTicket { id, updated: None });
            }
        }
        Ok(())
    };
    for arg in args {
        if arg == "-" {
            let text = crate::config::read_capped(io::stdin().lock(), crate::config::IDS_LIMIT)
                .map_err(|e| {
                    ScriptError::Io(words::script::cannot_read_ids(lang, &e.to_string()))
                })?;
            for line in text.lines() {
                add(line)?;
            }
        } else {
            add(arg)?;
        }
    }
    let mut seen = HashSet::new();
    tickets.retain(|t| seen.insert(t.id));
    Ok(tickets)
}

pub(super) fn ticket_of_json(line: &str, lang: Lang) -> Result<InputTicket, ScriptError> {
    let value: Value = serde_json::from_str(line).map_err(|e| {
        let reason = e.to_string();
        ScriptError::Usage(words::script::not_a_json_line(lang, &reason, line))
    })?;
    let id = match &value["id"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
    .ok_or_else(|| ScriptError::Usage(words::script::json_line_without_id(lang, line)))?;
    let updated = value["updated"]
        .as_str()
        .and_then(|text| NaiveDateTime::parse_from_str(text, DATE_FORMAT).ok());
    Ok(InputTicket { id, updated })
}

fn split_ids(line: &str) -> Vec<String> {
    if line.trim_start().starts_with('#') {
        return Vec::new();
    }
    line.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) fn read_text(path: &Path, what: TextIn, lang: Lang) -> Result<String, ScriptError> {
    let cannot = |path: Option<&str>, e: io::Error| {
        ScriptError::Io(words::script::cannot_read(lang, what, path, &e.to_string()))
    };
    let text = if path == Path::new("-") {
        crate::config::read_capped(io::stdin().lock(), crate::config::TEXT_LIMIT)
            .map_err(|e| cannot(None, e))?
    } else {
        crate::config::read_file_capped(path, crate::config::TEXT_LIMIT)
            .map_err(|e| cannot(Some(&path.display().to_string()), e))?
    };
    Ok(text.trim_end().to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_on_spaces_commas_and_lines_and_skip_comments() {
        assert_eq!(split_ids("1, 2 3,,4"), vec!["1", "2", "3", "4"]);
        assert!(split_ids("  # 5 6").is_empty());
        let ids = read_ids(&["3,1".into(), "3".into()], Lang::En).unwrap();
        assert_eq!(ids, vec![3, 1]);
        assert!(matches!(
            read_ids(&["12a".into()], Lang::En),
            Err(ScriptError::Usage(_))
        ));
    }

    #[test]
    fn json_lines_give_the_id_and_the_update_time() {
        let line = r#"{"id":12,"subject":"x","updated":"2026-11-01 09:30:00"}"#;
        let ticket = ticket_of_json(line, Lang::En).unwrap();
        assert_eq!(ticket.id, 12);
        assert_eq!(
            ticket.updated.map(|d| d.format(DATE_FORMAT).to_string()),
            Some("2026-11-01 09:30:00".to_string())
        );
        assert_eq!(
            ticket_of_json(r#"{"id":"7"}"#, Lang::En).unwrap().updated,
            None
        );
        assert!(ticket_of_json(r#"{"subject":"no id"}"#, Lang::En).is_err());
        assert!(ticket_of_json("{not json", Lang::En).is_err());
    }
}
