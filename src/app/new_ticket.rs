//! The new-ticket form (`n`): subject, contact (an id, or a mobile number with optional
//! name, email and QQ: the server creates the contact if unknown), priority, type,
//! template, assignee, group, tags, custom fields and the description. Ctrl-S creates the
//! ticket and opens it; Esc closes and keeps the form as a draft.
//!
//! Here: the form's state, opening it (from its draft) and its actions. Its fields and
//! choices (`fields`), the typing (`editing`) and the creation (`create`) are modules of
//! their own; what the rest of the crate uses is re-exported here.

mod create;
mod editing;
mod fields;

pub use create::created;
pub use editing::{focus_is_choice, follow_caret, paste};
pub(crate) use fields::is_choice;

use std::collections::BTreeMap;

use ratatui_textarea::{CursorMove, TextArea};

use super::action::{Command, LookupKey, RequestId};
use super::composer::{ComposeAction, ComposeNote, clean_edited, store_draft};
use super::drafts::DraftKey;
use super::notice::Note;
use super::state::{App, Lookup, Notice};

use create::create;
use editing::{key_in_form, step_choice};
use fields::field_ids;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldId {
    Subject,
    ContactId,
    Mobile,
    Name,
    Email,
    Qq,
    Priority,
    Type,
    Template,
    Assignee,
    Group,
    Tags,
    /// A custom field, by key (`field_3`).
    Custom(String),
}

impl FieldId {
    /// The key under which the draft stores the field.
    pub(crate) fn draft_key(&self) -> String {
        match self {
            FieldId::Subject => "subject".into(),
            FieldId::ContactId => "contact_id".into(),
            FieldId::Mobile => "mobile".into(),
            FieldId::Name => "name".into(),
            FieldId::Email => "email".into(),
            FieldId::Qq => "qq".into(),
            FieldId::Priority => "priority".into(),
            FieldId::Type => "type".into(),
            FieldId::Template => "template".into(),
            FieldId::Assignee => "assignee".into(),
            FieldId::Group => "group".into(),
            FieldId::Tags => "tags".into(),
            FieldId::Custom(key) => format!("custom:{key}"),
        }
    }
}

/// A field's value: typed text, or the value of the option picked (an id or code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub id: FieldId,
    pub text: String,
    pub(crate) cursor: usize,
    /// For fields picked from a list: the option's value; `None` is "not set".
    pub choice: Option<String>,
}

/// The open form.
#[derive(Debug, Clone)]
pub struct NewTicketForm {
    pub fields: Vec<FormField>,
    pub description: TextArea<'static>,
    pub(crate) description_scroll: usize,
    /// Index into `fields`; `fields.len()` is the description.
    pub focus: usize,
    pub(crate) creating: Option<RequestId>,
    pub error: Option<ComposeNote>,
    pub(crate) edited_at: Option<super::composer::Unsaved>,
}

impl NewTicketForm {
    pub fn description_text(&self) -> String {
        self.description.lines().join("\n")
    }

    pub fn on_description(&self) -> bool {
        self.focus >= self.fields.len()
    }

    pub(crate) fn field(&self, id: &FieldId) -> Option<&FormField> {
        self.fields.iter().find(|f| &f.id == id)
    }

    fn value(&self, id: &FieldId) -> String {
        self.field(id)
            .map(|f| f.text.trim().to_string())
            .unwrap_or_default()
    }

    fn choice(&self, id: &FieldId) -> Option<String> {
        self.field(id).and_then(|f| f.choice.clone())
    }

    /// The form as a draft (JSON object of field key to text or choice).
    pub(crate) fn to_draft(&self) -> String {
        let mut map = BTreeMap::new();
        for field in &self.fields {
            let value = field.choice.clone().unwrap_or_else(|| field.text.clone());
            if !value.is_empty() {
                map.insert(field.id.draft_key(), value);
            }
        }
        let description = self.description_text();
        if !description.is_empty() {
            map.insert("description".to_string(), description);
        }
        if map.is_empty() {
            return String::new();
        }
        serde_json::to_string(&map).unwrap_or_default()
    }
}

/// `n`: opens the form, restoring its draft.
pub(crate) fn open(app: &mut App, out: &mut Vec<Command>) {
    let draft: BTreeMap<String, String> = app
        .compose
        .drafts
        .get(&DraftKey::NewTicket)
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let mut fields = Vec::new();
    for id in field_ids(app) {
        let saved = draft.get(&id.draft_key()).cloned();
        let choice = is_choice(app, &id);
        fields.push(FormField {
            cursor: if choice {
                0
            } else {
                saved.as_deref().map_or(0, |s| s.chars().count())
            },
            text: if choice {
                String::new()
            } else {
                saved.clone().unwrap_or_default()
            },
            choice: if choice { saved } else { None },
            id,
        });
    }
    let description = draft.get("description").cloned();
    let mut editor = TextArea::new(
        description
            .as_deref()
            .unwrap_or("")
            .split('\n')
            .map(str::to_string)
            .collect(),
    );
    editor.move_cursor(CursorMove::Bottom);
    editor.move_cursor(CursorMove::End);
    let restored = !draft.is_empty();
    app.compose.new_ticket = Some(NewTicketForm {
        fields,
        description: editor,
        description_scroll: 0,
        focus: 0,
        creating: None,
        error: None,
        edited_at: None,
    });
    if restored {
        say(app, ComposeNote::DraftRestored, false);
    }
    // Names for the lists: templates (fetched once) and the groups of tickets seen.
    let mut keys = Vec::new();
    if app.lookups.templates_list.is_none() {
        app.lookups.templates_list = Some(Lookup::Pending);
        keys.push(LookupKey::Templates);
    }
    let mut groups: Vec<u64> = app.tickets.group_ids().collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
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

/// Writes the form's draft now.
pub(crate) fn save_draft_now(app: &mut App, out: &mut Vec<Command>) {
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    form.edited_at = None;
    let text = form.to_draft();
    store_draft(&mut app.compose.drafts, DraftKey::NewTicket, text, out);
}

/// The form's share of a compose action.
pub fn update(app: &mut App, action: ComposeAction, out: &mut Vec<Command>) {
    match action {
        ComposeAction::Close => {
            save_draft_now(app, out);
            app.compose.new_ticket = None;
            say(app, ComposeNote::DraftKept, false);
        }
        ComposeAction::Send | ComposeAction::SendWithStatus => create(app, out),
        ComposeAction::ExternalEdit => {
            if let Some(form) = &app.compose.new_ticket {
                out.push(Command::EditInEditor {
                    text: form.description_text(),
                });
            }
        }
        ComposeAction::Key(key) => key_in_form(app, key.input),
        ComposeAction::NextField | ComposeAction::PrevField => {
            if let Some(form) = &mut app.compose.new_ticket {
                let count = form.fields.len() + 1;
                let step = if action == ComposeAction::NextField {
                    1
                } else {
                    count - 1
                };
                form.focus = (form.focus + step) % count;
            }
        }
        ComposeAction::NextChoice => step_choice(app, true),
        ComposeAction::PrevChoice => step_choice(app, false),
        ComposeAction::Attach
        | ComposeAction::OpenSnippets
        | ComposeAction::OpenReply
        | ComposeAction::OpenNewTicket
        | ComposeAction::ExternalEdited(_)
        | ComposeAction::ScrollTicket(_)
        | ComposeAction::PageTicket(_) => {}
    }
}

/// The external editor's text for the description.
pub(crate) fn external_edited(app: &mut App, result: Result<String, String>) {
    let now = app.now;
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    match result {
        Ok(text) => {
            let mut editor = TextArea::new(
                clean_edited(&text)
                    .split('\n')
                    .map(str::to_string)
                    .collect(),
            );
            editor.move_cursor(CursorMove::Bottom);
            editor.move_cursor(CursorMove::End);
            form.description = editor;
            form.focus = form.fields.len();
            form.edited_at = super::composer::touched(form.edited_at, now);
            follow_caret(app);
        }
        Err(reason) => say(app, ComposeNote::EditorFailed(reason), true),
    }
}

fn say(app: &mut App, note: ComposeNote, is_error: bool) {
    app.notice = Some(Notice {
        note: Note::Compose(note),
        is_error,
    });
}
