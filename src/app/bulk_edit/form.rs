//! The form stage: its fields and rows, the choices a field offers (from the names the
//! console knows) and the keys that edit it. Turning it into an edit is [`super::edit`].

use std::collections::HashMap;

use super::edit::{edit_kinds, edit_of};
use super::engine::BulkCommand;
use super::note::BulkNote;
use super::preview::preview;
use super::{BulkAction, Stage, say};
use crate::api::{FieldDef, Priority, TicketStatus, TicketType};
use crate::app::action::{Command, LookupKey};
use crate::app::line_edit::{LineEdit, LineEditor};
use crate::app::state::{App, Lookup};
use crate::bulk::{FieldKind, unknown_fields};

/// How tags are edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagsMode {
    #[default]
    Add,
    Remove,
    Replace,
}

/// A field of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormField {
    Status,
    Priority,
    Type,
    Assignee,
    Group,
    Cc,
    Tags,
    Custom(FieldDef),
}

/// A value picked from a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Status(TicketStatus),
    Priority(Priority),
    Type(TicketType),
    /// `None`: nobody.
    Agent(Option<u64>),
    /// `None`: no group.
    Group(Option<u64>),
    /// A dropdown option id.
    Option(String),
}

/// A form row's value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FormValue {
    #[default]
    Keep,
    Pick(Choice),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    pub(crate) field: FormField,
    pub value: FormValue,
}

/// The form: what to set on the targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub targets: Vec<u64>,
    pub rows: Vec<FormRow>,
    pub selected: usize,
    pub tags_mode: TagsMode,
    /// The text being typed into the selected row, edited like every one-line prompt.
    pub editing: Option<LineEditor>,
    pub error: Option<BulkNote>,
}

/// Asks for the lookups the form picks names from (agents, field definitions, groups).
pub(super) fn want_names(app: &mut App, out: &mut Vec<Command>) {
    let mut keys = Vec::new();
    if app.lookups.agents_list.is_none() {
        app.lookups.agents_list = Some(Lookup::Pending);
        keys.push(LookupKey::Agents);
    }
    if app.lookups.field_defs.is_none() {
        app.lookups.field_defs = Some(Lookup::Pending);
        keys.push(LookupKey::FieldDefs);
    }
    for group in known_group_ids(app) {
        if let std::collections::hash_map::Entry::Vacant(entry) = app.lookups.groups.entry(group) {
            entry.insert(Lookup::Pending);
            keys.push(LookupKey::Group(group));
        }
    }
    for key in keys {
        let id = app.request_id();
        app.lookups.in_flight.insert(id, key);
        out.push(Command::Lookup { id, key });
    }
}

/// Group ids the console knows of: the agents' groups and the tickets' groups.
fn known_group_ids(app: &App) -> Vec<u64> {
    let mut ids: Vec<u64> = app
        .lookups
        .groups
        .keys()
        .copied()
        .chain(app.tickets.group_ids())
        .chain(app.lookups.agent_groups.iter().copied())
        .filter(|id| *id > 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub(crate) fn form_rows(app: &App) -> Vec<FormRow> {
    let mut fields = vec![
        FormField::Status,
        FormField::Priority,
        FormField::Type,
        FormField::Assignee,
        FormField::Group,
        FormField::Cc,
        FormField::Tags,
    ];
    if let Some(Lookup::Ready(defs)) = &app.lookups.field_defs {
        fields.extend(
            defs.iter()
                .filter(|def| custom_supported(def))
                .cloned()
                .map(FormField::Custom),
        );
    }
    fields
        .into_iter()
        .map(|field| FormRow {
            field,
            value: FormValue::Keep,
        })
        .collect()
}

/// Custom field kinds the form can set: dropdowns and checkboxes with options, text,
/// numbers, dates and phones. Tables, attachments and cascades are left to the web page.
fn custom_supported(def: &FieldDef) -> bool {
    match def.kind {
        1 | 6 | 14 => !def.options.is_empty(),
        2 | 3 | 4 | 5 | 7 | 8 | 17 => true,
        _ => false,
    }
}

/// Whether a row is edited as text (else its values are picked with ←/→).
pub fn is_text(field: &FormField) -> bool {
    match field {
        FormField::Cc | FormField::Tags => true,
        FormField::Custom(def) => !matches!(def.kind, 1 | 6 | 14),
        _ => false,
    }
}

/// The values a row can take, in order (names sorted; the view words them).
pub fn choices(app: &App, field: &FormField) -> Vec<Choice> {
    match field {
        FormField::Status => TicketStatus::ALL
            .iter()
            .copied()
            .map(Choice::Status)
            .collect(),
        FormField::Priority => Priority::ALL
            .iter()
            .copied()
            .map(Choice::Priority)
            .collect(),
        FormField::Type => TicketType::ALL.iter().copied().map(Choice::Type).collect(),
        FormField::Assignee => std::iter::once(Choice::Agent(None))
            .chain(sorted_by_name(&app.lookups.agents).map(|id| Choice::Agent(Some(id))))
            .collect(),
        FormField::Group => std::iter::once(Choice::Group(None))
            .chain(sorted_by_name(&app.lookups.groups).map(|id| Choice::Group(Some(id))))
            .collect(),
        FormField::Custom(def) => def
            .options
            .iter()
            .map(|(id, _)| Choice::Option(id.clone()))
            .collect(),
        FormField::Cc | FormField::Tags => Vec::new(),
    }
}

/// The ids whose names are known, by name (then id).
fn sorted_by_name(names: &HashMap<u64, Lookup<String>>) -> impl Iterator<Item = u64> {
    let mut named: Vec<(u64, &String)> = names
        .iter()
        .filter_map(|(id, name)| name.ready().map(|n| (*id, n)))
        .collect();
    named.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
    named.into_iter().map(|(id, _)| id)
}

pub(super) fn form_step(
    app: &mut App,
    mut form: Form,
    action: BulkAction,
    out: &mut Vec<Command>,
) -> Option<Stage> {
    if let Some(line) = &mut form.editing {
        match action {
            BulkAction::Char(c) => {
                line.apply(&LineEdit::Insert(c));
            }
            BulkAction::Backspace => {
                line.apply(&LineEdit::Backspace);
            }
            BulkAction::Esc => form.editing = None,
            BulkAction::Enter => {
                let text = form.editing.take().map(|l| l.text).unwrap_or_default();
                if let Some(row) = form.rows.get_mut(form.selected) {
                    row.value = if text.trim().is_empty() {
                        FormValue::Keep
                    } else {
                        FormValue::Text(text.trim().to_string())
                    };
                }
            }
            _ => {}
        }
        return Some(Stage::Form(form));
    }
    form.error = None;
    match action {
        BulkAction::Esc => return None,
        BulkAction::Down => {
            form.selected = (form.selected + 1).min(form.rows.len().saturating_sub(1))
        }
        BulkAction::Up => form.selected = form.selected.saturating_sub(1),
        BulkAction::Left | BulkAction::Right => {
            let forward = action == BulkAction::Right;
            let Some(row) = form.rows.get(form.selected) else {
                return Some(Stage::Form(form));
            };
            if row.field == FormField::Tags {
                form.tags_mode = match (form.tags_mode, forward) {
                    (TagsMode::Add, true) | (TagsMode::Replace, false) => TagsMode::Remove,
                    (TagsMode::Remove, true) | (TagsMode::Add, false) => TagsMode::Replace,
                    (TagsMode::Replace, true) | (TagsMode::Remove, false) => TagsMode::Add,
                };
            } else if !is_text(&row.field) {
                let list = choices(app, &row.field);
                let at = match &row.value {
                    FormValue::Pick(choice) => list.iter().position(|c| c == choice),
                    _ => None,
                };
                // "No change" sits before the first value, so cycling passes through it.
                let next = match (at, forward) {
                    (None, true) => list.first().cloned(),
                    (None, false) => list.last().cloned(),
                    (Some(i), true) => list.get(i + 1).cloned(),
                    (Some(0), false) => None,
                    (Some(i), false) => list.get(i - 1).cloned(),
                };
                let value = next.map_or(FormValue::Keep, FormValue::Pick);
                if let Some(row) = form.rows.get_mut(form.selected) {
                    row.value = value;
                }
            }
        }
        BulkAction::Edit | BulkAction::Char(_) => {
            if let Some(row) = form.rows.get(form.selected)
                && is_text(&row.field)
            {
                let mut text = match &row.value {
                    FormValue::Text(text) => text.clone(),
                    _ => String::new(),
                };
                if let BulkAction::Char(c) = action {
                    text.push(c);
                }
                form.editing = Some(LineEditor::new(text));
            }
        }
        BulkAction::ClearRow | BulkAction::Backspace => {
            if let Some(row) = form.rows.get_mut(form.selected) {
                row.value = FormValue::Keep;
            }
        }
        BulkAction::Enter => {
            let edit = match edit_of(app, &form) {
                Ok(edit) => edit,
                Err(error) => {
                    form.error = Some(error);
                    return Some(Stage::Form(form));
                }
            };
            return to_preview(app, form, edit, out);
        }
        _ => {}
    }
    Some(Stage::Form(form))
}

/// The way from an edit to its preview: the tickets the store lacks in part read first.
pub(in crate::app) fn to_preview(
    app: &mut App,
    form: Form,
    edit: crate::bulk::BulkEdit,
    out: &mut Vec<Command>,
) -> Option<Stage> {
    // Tickets known only from search results are read in full first (admins); the
    // engine falls back to what an agent may read. So are those whose tags the edit
    // changes, or whose assignee, group or CC it sets, while the server left that
    // field null: the new tag list is made from the old one, and undo puts back the
    // old values. A custom field absent from a full ticket is not read again (a
    // template without it never sends it); the preview says undo will leave it.
    let mut kinds = edit_kinds(&edit);
    kinds.retain(|kind| !matches!(kind, FieldKind::Custom(_) | FieldKind::Table(_)));
    let partial: Vec<u64> = form
        .targets
        .iter()
        .copied()
        .filter(|id| {
            !app.full.contains(id)
                || app
                    .tickets
                    .get(id)
                    .is_none_or(|t| !unknown_fields(&t, &kinds).is_empty())
        })
        .collect();
    if partial.is_empty() {
        return Some(preview(app, form, HashMap::new()));
    }
    let id = app.request_id();
    out.push(Command::Bulk(BulkCommand::TicketsFor { id, ids: partial }));
    say(app, BulkNote::ReadingTickets, false);
    Some(Stage::Preparing {
        form,
        request: id,
        typed_ahead: Vec::new(),
    })
}
