//! The filled form read as the engine's [`BulkEdit`], and the names (agents, groups,
//! fields) the plan and its preview are worded with.

use super::form::{Choice, Form, FormField, FormValue, TagsMode};
use super::note::BulkNote;
use crate::api::TicketChange;
use crate::app::state::{App, Lookup};
use crate::bulk::{BulkEdit, FieldKind, FieldSet, Names};

/// The fields an edit sets, with the tags when it adds or removes some.
pub(super) fn edit_kinds(edit: &BulkEdit) -> Vec<FieldKind> {
    let mut kinds = FieldSet::from_change(&edit.change).kinds();
    if (!edit.tags_add.is_empty() || !edit.tags_remove.is_empty())
        && !kinds.contains(&FieldKind::Tags)
    {
        kinds.push(FieldKind::Tags);
    }
    kinds
}

/// The form as a bulk edit; `Err` says which value is wrong.
pub fn edit_of(app: &App, form: &Form) -> Result<BulkEdit, BulkNote> {
    let mut change = TicketChange::default();
    let mut edit = BulkEdit::default();
    for row in &form.rows {
        match (&row.field, &row.value) {
            (_, FormValue::Keep) => {}
            (_, FormValue::Pick(Choice::Status(s))) => change.status = Some(*s),
            (_, FormValue::Pick(Choice::Priority(p))) => change.priority = Some(*p),
            (_, FormValue::Pick(Choice::Type(t))) => change.ticket_type = Some(*t),
            (_, FormValue::Pick(Choice::Agent(a))) => change.assignee_id = Some(*a),
            (_, FormValue::Pick(Choice::Group(g))) => change.group_id = Some(*g),
            (FormField::Custom(def), FormValue::Pick(Choice::Option(id))) => {
                let value = if def.kind == 14 {
                    serde_json::Value::Array(vec![serde_json::Value::String(id.clone())])
                } else {
                    serde_json::Value::String(id.clone())
                };
                change.custom_fields.push((def.key.clone(), value));
            }
            (FormField::Cc, FormValue::Text(text)) => {
                let mut ids = Vec::new();
                for name in split_list(text) {
                    ids.push(
                        agent_by_name(app, &name)
                            .ok_or_else(|| BulkNote::UnknownAgent(name.to_string()))?,
                    );
                }
                change.cc_user_ids = Some(ids);
            }
            (FormField::Tags, FormValue::Text(text)) => {
                let tags = split_list(text);
                match form.tags_mode {
                    TagsMode::Add => edit.tags_add = tags,
                    TagsMode::Remove => edit.tags_remove = tags,
                    TagsMode::Replace => change.tags = Some(tags),
                }
            }
            (FormField::Custom(def), FormValue::Text(text)) => {
                let value = match def.kind {
                    4 => text
                        .parse::<i64>()
                        .map(serde_json::Value::from)
                        .map_err(|_| BulkNote::FieldWantsInteger(def.name.clone()))?,
                    5 => text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(serde_json::Value::Number)
                        .ok_or_else(|| BulkNote::FieldWantsNumber(def.name.clone()))?,
                    _ => serde_json::Value::String(text.clone()),
                };
                change.custom_fields.push((def.key.clone(), value));
            }
            _ => {}
        }
    }
    edit.change = change;
    let empty = edit.change == TicketChange::default()
        && edit.tags_add.is_empty()
        && edit.tags_remove.is_empty();
    if empty {
        return Err(BulkNote::NothingPicked);
    }
    Ok(edit)
}

/// `a, b，c` or `a b`: items split at commas (either width) and spaces.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ' ', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An agent by exact name, or by the only name that starts with the text.
fn agent_by_name(app: &App, name: &str) -> Option<u64> {
    if let Ok(id) = name.trim_start_matches('#').parse::<u64>() {
        return Some(id);
    }
    let agents: Vec<(u64, &str)> = app
        .lookups
        .agents
        .iter()
        .filter_map(|(id, n)| n.ready().map(|n| (*id, n.as_str())))
        .collect();
    if let Some((id, _)) = agents.iter().find(|(_, n)| *n == name) {
        return Some(*id);
    }
    let mut starting = agents.iter().filter(|(_, n)| n.starts_with(name));
    match (starting.next(), starting.next()) {
        (Some((id, _)), None) => Some(*id),
        _ => None,
    }
}

/// Names for the preview, from the console's lookups.
pub fn names(app: &App) -> Names {
    let mut names = Names::default();
    for (id, name) in &app.lookups.agents {
        if let Some(name) = name.ready() {
            names.agents.insert(*id, name.clone());
        }
    }
    for (id, name) in &app.lookups.groups {
        if let Some(name) = name.ready() {
            names.groups.insert(*id, name.clone());
        }
    }
    if let Some(Lookup::Ready(defs)) = &app.lookups.field_defs {
        for def in defs {
            names.fields.insert(def.key.clone(), def.name.clone());
        }
    }
    for (id, name) in &app.lookups.templates {
        names.templates.insert(*id, name.clone());
    }
    names
}
