//! The new-ticket form (`n`): subject, contact (an id, or a mobile number with optional
//! name, email and QQ: the server creates the contact if unknown), priority, type,
//! template, assignee, group, tags, custom fields and the description. Ctrl-S creates the
//! ticket and opens it; Esc closes and keeps the form as a draft.

use std::collections::BTreeMap;

use ratatui_textarea::{CursorMove, Input, Key as TextCode, TextArea};
use serde_json::Value;

use super::action::{Command, LookupKey, RequestId};
use super::composer::{
    ComposeAction, ComposeCommand, clean_edited, edit_line, open_detail_of, store_draft,
};
use super::drafts::DraftKey;
use super::state::{App, Lookup, Notice};
use crate::api::{
    ApiError, Created, NewContact, NewTicket, Priority, Reply, TicketChange, TicketType,
};
use crate::lang::Lang;
use crate::words::{self, Msg, fill, priority_label, type_label};

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
    pub fn draft_key(&self) -> String {
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

    pub fn label(&self, app: &App) -> String {
        let lang = app.lang();
        let msg = match self {
            FieldId::Subject => Msg::FormSubject,
            FieldId::ContactId => Msg::FormContactId,
            FieldId::Mobile => Msg::FormMobile,
            FieldId::Name => Msg::FormName,
            FieldId::Email => Msg::FormEmail,
            FieldId::Qq => Msg::FormQq,
            FieldId::Priority => Msg::FormPriority,
            FieldId::Type => Msg::FormType,
            FieldId::Template => Msg::FormTemplate,
            FieldId::Assignee => Msg::FormAssignee,
            FieldId::Group => Msg::FormGroup,
            FieldId::Tags => Msg::FormTags,
            FieldId::Custom(key) => {
                return app
                    .lookups
                    .field_def(key)
                    .map(|def| def.name.clone())
                    .unwrap_or_else(|| key.clone());
            }
        };
        msg.text(lang).to_string()
    }
}

/// A field's value: typed text, or the value of the option picked (an id or code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub id: FieldId,
    pub text: String,
    pub cursor: usize,
    /// For fields picked from a list: the option's value; `None` is "not set".
    pub choice: Option<String>,
}

/// The open form.
#[derive(Debug, Clone)]
pub struct NewTicketForm {
    pub fields: Vec<FormField>,
    pub description: TextArea<'static>,
    pub description_scroll: usize,
    /// Index into `fields`; `fields.len()` is the description.
    pub focus: usize,
    pub creating: Option<RequestId>,
    pub error: Option<String>,
    pub edited_at: Option<super::composer::Unsaved>,
}

impl NewTicketForm {
    pub fn description_text(&self) -> String {
        self.description.lines().join("\n")
    }

    pub fn on_description(&self) -> bool {
        self.focus >= self.fields.len()
    }

    pub fn field(&self, id: &FieldId) -> Option<&FormField> {
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
    pub fn to_draft(&self) -> String {
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

/// Whether a field is picked from a list (and which options it has).
pub fn is_choice(app: &App, id: &FieldId) -> bool {
    match id {
        FieldId::Priority
        | FieldId::Type
        | FieldId::Template
        | FieldId::Assignee
        | FieldId::Group => true,
        FieldId::Custom(key) => app
            .lookups
            .field_def(key)
            .is_some_and(|def| def.kind == 1 && !def.options.is_empty()),
        _ => false,
    }
}

/// The options of a list field: (label, value), names sorted, the first one "not set".
pub fn options(app: &App, id: &FieldId) -> Vec<(String, Option<String>)> {
    let lang = app.lang();
    let none = (Msg::FormNotSet.text(lang).to_string(), None);
    let mut named: Vec<(String, Option<String>)> =
        match id {
            FieldId::Priority => Priority::ALL
                .iter()
                .map(|p| (priority_label(lang, *p), Some(p.code().to_string())))
                .collect(),
            FieldId::Type => TicketType::ALL
                .iter()
                .map(|t| (type_label(lang, *t), Some(t.code().to_string())))
                .collect(),
            FieldId::Template => sorted(
                app.lookups
                    .templates
                    .iter()
                    .map(|(id, name)| (name.clone(), id.to_string())),
            ),
            FieldId::Assignee => {
                sorted(app.lookups.agents.iter().filter_map(|(id, name)| {
                    name.ready().map(|name| (name.clone(), id.to_string()))
                }))
            }
            FieldId::Group => {
                sorted(app.lookups.groups.iter().filter_map(|(id, name)| {
                    name.ready().map(|name| (name.clone(), id.to_string()))
                }))
            }
            FieldId::Custom(key) => app
                .lookups
                .field_def(key)
                .map(|def| {
                    def.options
                        .iter()
                        .map(|(value, label)| (label.clone(), Some(value.clone())))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
    named.insert(0, none);
    named
}

fn sorted(items: impl Iterator<Item = (String, String)>) -> Vec<(String, Option<String>)> {
    let mut items: Vec<(String, String)> = items.collect();
    items.sort();
    items
        .into_iter()
        .map(|(label, value)| (label, Some(value)))
        .collect()
}

/// The label of a list field's current choice.
pub fn choice_label(app: &App, field: &FormField) -> String {
    options(app, &field.id)
        .into_iter()
        .find(|(_, value)| *value == field.choice)
        .map(|(label, _)| label)
        .unwrap_or_else(|| field.choice.clone().unwrap_or_default())
}

/// The fields, in order: the fixed ones, then custom fields that take a simple value
/// (tables, attachments and cascades are left to the web page).
fn field_ids(app: &App) -> Vec<FieldId> {
    let mut ids = vec![
        FieldId::Subject,
        FieldId::ContactId,
        FieldId::Mobile,
        FieldId::Name,
        FieldId::Email,
        FieldId::Qq,
        FieldId::Priority,
        FieldId::Type,
        FieldId::Template,
        FieldId::Assignee,
        FieldId::Group,
        FieldId::Tags,
    ];
    if let Some(defs) = app.lookups.field_defs.as_ref().and_then(Lookup::ready) {
        for def in defs {
            if matches!(def.kind, 1 | 2 | 4 | 5 | 7 | 8 | 17) {
                ids.push(FieldId::Custom(def.key.clone()));
            }
        }
    }
    ids
}

/// `n`: opens the form, restoring its draft.
pub fn open(app: &mut App, out: &mut Vec<Command>) {
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
        app.notice = Some(Notice {
            note: super::notice::Note::Legacy(
                Msg::ComposeDraftRestored.text(app.lang()).to_string(),
            ),
            is_error: false,
        });
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
pub fn save_draft_now(app: &mut App, out: &mut Vec<Command>) {
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
            app.notice = Some(Notice {
                note: super::notice::Note::Legacy(
                    Msg::ComposeDraftKept.text(app.lang()).to_string(),
                ),
                is_error: false,
            });
        }
        ComposeAction::Send | ComposeAction::SendWithStatus => create(app, out),
        ComposeAction::ExternalEdit => {
            if let Some(form) = &app.compose.new_ticket {
                app.compose.external_edit = Some(form.description_text());
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
        | ComposeAction::OpenReply
        | ComposeAction::OpenNewTicket
        | ComposeAction::ExternalEdited(_)
        | ComposeAction::ScrollTicket(_)
        | ComposeAction::PageTicket(_) => {}
    }
}

/// The external editor's text for the description.
pub fn external_edited(app: &mut App, result: Result<String, String>) {
    let lang = app.lang();
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
        Err(reason) => {
            app.notice = Some(Notice {
                note: super::notice::Note::Legacy(fill(lang, Msg::ComposeEditorFailed, &[&reason])),
                is_error: true,
            })
        }
    }
}

fn key_in_form(app: &mut App, key: Input) {
    let now = app.now;
    let choice_options = app.compose.new_ticket.as_ref().and_then(|form| {
        let field = form.fields.get(form.focus)?;
        is_choice(app, &field.id).then(|| options(app, &field.id))
    });
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    let count = form.fields.len() + 1;
    // Tab / Shift-Tab come from the key map (`next_field` / `prev_field`); the arrows and
    // Enter outside the description move between fields as in any form.
    match key.key {
        TextCode::Down | TextCode::Enter if !form.on_description() => {
            form.focus = (form.focus + 1) % count;
            return;
        }
        TextCode::Up if !form.on_description() => {
            form.focus = (form.focus + count - 1) % count;
            return;
        }
        _ => {}
    }
    let mut changed = false;
    if form.on_description() {
        changed = super::composer::textarea_input(&mut form.description, key);
    } else if let Some(options) = choice_options {
        let field = &mut form.fields[form.focus];
        let at = options
            .iter()
            .position(|(_, value)| *value == field.choice)
            .unwrap_or(0);
        // The letters (`next_choice` / `prev_choice`) come from the key map.
        let step = match key.key {
            TextCode::Right => 1,
            TextCode::Left => options.len().saturating_sub(1),
            _ => 0,
        };
        if step > 0 && !options.is_empty() {
            field.choice = options[(at + step) % options.len()].1.clone();
            changed = true;
        }
    } else {
        let field = &mut form.fields[form.focus];
        changed = edit_line(&mut field.text, &mut field.cursor, &key);
    }
    if changed {
        form.edited_at = super::composer::touched(form.edited_at, now);
        form.error = None;
    }
    follow_caret(app);
}

/// Pasted text (already cleaned) into the focused field: as written in the description, on
/// one line in a one-line field; a choice field takes none.
pub fn paste(app: &mut App, text: &str) {
    let now = app.now;
    let choice = focus_is_choice(app);
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    if form.on_description() {
        form.description.insert_str(text);
    } else if choice {
        return;
    } else if let Some(field) = form.fields.get_mut(form.focus) {
        let line = super::composer::one_line(text);
        let at = field
            .text
            .char_indices()
            .nth(field.cursor)
            .map_or(field.text.len(), |(at, _)| at);
        field.text.insert_str(at, &line);
        field.cursor += line.chars().count();
    }
    form.edited_at = super::composer::touched(form.edited_at, now);
    form.error = None;
    follow_caret(app);
}

/// Whether the form's focus is on a choice field (where letters pick, not type).
pub fn focus_is_choice(app: &App) -> bool {
    app.compose.new_ticket.as_ref().is_some_and(|form| {
        form.fields
            .get(form.focus)
            .is_some_and(|field| is_choice(app, &field.id))
    })
}

/// The next (or previous) choice of the focused choice field.
fn step_choice(app: &mut App, forward: bool) {
    let now = app.now;
    let options = app.compose.new_ticket.as_ref().and_then(|form| {
        let field = form.fields.get(form.focus)?;
        is_choice(app, &field.id).then(|| options(app, &field.id))
    });
    let (Some(form), Some(options)) = (&mut app.compose.new_ticket, options) else {
        return;
    };
    if options.is_empty() {
        return;
    }
    let Some(field) = form.fields.get_mut(form.focus) else {
        return;
    };
    let at = options
        .iter()
        .position(|(_, value)| *value == field.choice)
        .unwrap_or(0);
    let step = if forward { 1 } else { options.len() - 1 };
    field.choice = options[(at + step) % options.len()].1.clone();
    form.edited_at = super::composer::touched(form.edited_at, now);
    form.error = None;
}

/// Keeps the description's caret on screen.
pub fn follow_caret(app: &mut App) {
    let area = crate::ui::new_ticket::description_area(app);
    let (Some(form), Some(area)) = (&mut app.compose.new_ticket, area) else {
        return;
    };
    let cursor = form.description.cursor();
    let view = crate::ui::editor::EditorView::new(
        form.description.lines(),
        (cursor.0, cursor.1),
        area.width,
        area.height,
        form.description_scroll,
    );
    form.description_scroll = view.scroll;
}

/// Why the form cannot be sent as it is.
fn check(form: &NewTicketForm, lang: Lang) -> Result<NewTicket, String> {
    let subject = form.value(&FieldId::Subject);
    if subject.is_empty() {
        return Err(Msg::FormNeedSubject.text(lang).to_string());
    }
    let description = form.description_text();
    if description.trim().is_empty() {
        return Err(Msg::FormNeedDescription.text(lang).to_string());
    }
    let contact_id = form.value(&FieldId::ContactId);
    let mobile = form.value(&FieldId::Mobile);
    let optional = |id: FieldId| Some(form.value(&id)).filter(|v| !v.is_empty());
    let contact = if !contact_id.is_empty() {
        match contact_id.parse::<u64>() {
            Ok(id) if id > 0 => NewContact::Id(id),
            _ => return Err(fill(lang, Msg::FormBadContactId, &[&contact_id])),
        }
    } else if !mobile.is_empty() {
        NewContact::Details {
            mobile,
            name: optional(FieldId::Name),
            fixnumber: None,
            qq: optional(FieldId::Qq),
            email: optional(FieldId::Email),
        }
    } else {
        return Err(Msg::FormNeedContact.text(lang).to_string());
    };
    let code = |id: FieldId| form.choice(&id).and_then(|v| v.parse::<i64>().ok());
    let id_of = |id: FieldId| form.choice(&id).and_then(|v| v.parse::<u64>().ok());
    let tags: Vec<String> = form
        .value(&FieldId::Tags)
        .split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut custom_fields = Vec::new();
    for field in &form.fields {
        let FieldId::Custom(key) = &field.id else {
            continue;
        };
        let value = match &field.choice {
            Some(choice) => Value::String(choice.clone()),
            None if !field.text.trim().is_empty() => Value::String(field.text.trim().to_string()),
            None => continue,
        };
        custom_fields.push((key.clone(), value));
    }
    Ok(NewTicket {
        subject,
        reply: Reply {
            message: description,
            attachments: Vec::new(),
        },
        contact: Some(contact),
        fields: TicketChange {
            priority: code(FieldId::Priority).map(Priority::from_code),
            ticket_type: code(FieldId::Type).map(TicketType::from_code),
            template_id: id_of(FieldId::Template),
            assignee_id: id_of(FieldId::Assignee).map(Some),
            group_id: id_of(FieldId::Group).map(Some),
            tags: (!tags.is_empty()).then_some(tags),
            custom_fields,
            ..TicketChange::default()
        },
    })
}

fn create(app: &mut App, out: &mut Vec<Command>) {
    let lang = app.lang();
    let Some(form) = &app.compose.new_ticket else {
        return;
    };
    if form.creating.is_some() {
        return;
    }
    match check(form, lang) {
        Err(reason) => {
            if let Some(form) = &mut app.compose.new_ticket {
                form.error = Some(reason);
            }
        }
        Ok(ticket) => {
            let id = app.request_id();
            if let Some(form) = &mut app.compose.new_ticket {
                form.creating = Some(id);
                form.error = None;
            }
            out.push(Command::Compose(ComposeCommand::Create {
                id,
                ticket: Box::new(ticket),
            }));
            // Until the answer (which says created, or why not): not on a timer.
            let text = Msg::FormCreating.text(lang).to_string();
            super::update::progress_notice(app, super::notice::Note::Legacy(text), vec![id]);
        }
    }
}

/// Create's answer: open the new ticket, or keep the form and say why.
pub fn created(
    app: &mut App,
    id: RequestId,
    result: Result<Box<Created>, ApiError>,
    out: &mut Vec<Command>,
) {
    let lang = app.lang();
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    if form.creating != Some(id) {
        return;
    }
    form.creating = None;
    match result {
        Ok(created) => {
            let ticket_id = created.ticket.id;
            app.compose.new_ticket = None;
            store_draft(
                &mut app.compose.drafts,
                DraftKey::NewTicket,
                String::new(),
                out,
            );
            let full = !created.ticket.subject.is_empty() && created.ticket.status.is_some();
            app.tickets.insert(ticket_id, created.ticket);
            // The view behind the detail gets the new ticket at once, the others when shown.
            super::update::ticket_created(app, out);
            if full {
                app.full.insert(ticket_id);
            }
            open_detail_of(app, ticket_id, out);
            app.notice = Some(Notice {
                note: super::notice::Note::Legacy(fill(
                    lang,
                    Msg::FormCreated,
                    &[&ticket_id.to_string()],
                )),
                is_error: false,
            });
        }
        Err(error) => {
            // Creating again is the form's create key, not the list's reload.
            let reason = words::api_error(lang, &error)
                .replace("{key:list.reload}", "{key:new_ticket.create}");
            form.error = Some(reason.clone());
            app.notice = Some(Notice {
                note: super::notice::Note::Legacy(fill(lang, Msg::FormCreateFailed, &[&reason])),
                is_error: true,
            });
        }
    }
}
