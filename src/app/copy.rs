//! The copy menu (`y`): what an agent copies from a ticket to hand on, namely its id, its
//! subject, the contact's phone and e-mail, the description, each custom field that has a
//! value (an order number), a link to the ticket in the web UI (config `web_url`) and, last,
//! the API URL. Each entry has a key of its own; Enter copies the highlighted one through
//! OSC 52 ([`Command::Copy`]).
//!
//! Entries are data (which item, what value); `ui::copy_menu` and `ui` word them. A
//! value the server left out is [`CopyValue::Unknown`]: shown as unknown, never copied as if
//! it were empty.

use super::action::Command;
use super::notice::{CopyLabel, CopyOutcome, Note};
use super::state::{App, CopyMenu, Lookup, Notice};
use crate::api::CustomValue;

/// What the menu does, from keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyAction {
    /// `y`: open the menu for the ticket shown or selected.
    Open,
    /// An entry's own key.
    Pick(CopyPick),
    /// Enter: the highlighted entry.
    PickSelected,
}

/// An entry named by its key; `Field(n)` is the nth custom field of the menu (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyPick {
    Id,
    Subject,
    Phone,
    Email,
    Description,
    Field(usize),
    WebLink,
    ApiUrl,
}

/// One thing the menu offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyItem {
    Id,
    Subject,
    /// The contact's mobile number.
    Phone,
    /// The contact's e-mail address.
    Email,
    /// The description as text (HTML rendered, plain text line for line).
    Description,
    /// A custom field with a value, by key (`field_1`); named from the field definitions.
    Field(String),
    /// The ticket's custom fields when only part of the ticket is known (a search hit):
    /// which fields it has is unknown.
    Fields,
    /// The ticket's page in the web UI, from the `web_url` template.
    WebLink,
    /// The API URL (Basic-auth only, so last).
    ApiUrl,
}

/// An entry's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyValue {
    /// The text to copy (may be empty: the server sent an empty value).
    Text(String),
    /// The server left it out (or sent null), or it has not arrived yet.
    Unknown,
    /// The web link without a `web_url` in the config.
    NotConfigured,
}

/// One line of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyEntry {
    pub item: CopyItem,
    pub value: CopyValue,
}

impl CopyEntry {
    /// The text to copy, when there is some.
    pub(crate) fn copyable(&self) -> Option<&str> {
        match &self.value {
            CopyValue::Text(text) if !text.is_empty() => Some(text),
            _ => None,
        }
    }
}

/// The key-map action (pane `copy_menu`) of an entry and, for custom fields, which of its
/// keys: the menu and its hint name the live keys.
pub(crate) fn key_action(item: &CopyItem) -> Option<&'static str> {
    Some(match item {
        CopyItem::Id => "copy_id",
        CopyItem::Subject => "copy_subject",
        CopyItem::Phone => "copy_phone",
        CopyItem::Email => "copy_email",
        CopyItem::Description => "copy_description",
        CopyItem::Field(_) => "copy_field",
        CopyItem::WebLink => "copy_web_link",
        CopyItem::ApiUrl => "copy_api_url",
        CopyItem::Fields => return None,
    })
}

/// The field type of a checkbox (API notes: `type` 6): a yes/no is not worth copying.
const CHECKBOX: i64 = 6;

/// Width at which HTML descriptions are rendered for copying: paragraphs stay one line.
const COPY_COLUMNS: usize = 10_000;

/// The menu's entries for a ticket, in menu order.
pub fn entries(app: &App, ticket_id: u64) -> Vec<CopyEntry> {
    let entry = |item, value| CopyEntry { item, value };
    let known = |text: Option<String>| text.map_or(CopyValue::Unknown, CopyValue::Text);
    let ticket = app.tickets.get(&ticket_id);
    let mut out = vec![entry(CopyItem::Id, CopyValue::Text(ticket_id.to_string()))];
    let Some(ticket) = ticket else {
        out.push(entry(CopyItem::WebLink, web_link(app, ticket_id)));
        out.push(entry(CopyItem::ApiUrl, CopyValue::Unknown));
        return out;
    };
    // A subject is never empty on a ticket: an empty one was left out.
    let subject = Some(ticket.subject.clone()).filter(|s| !s.is_empty());
    out.push(entry(CopyItem::Subject, known(subject)));
    let contact = ticket
        .contact_id
        .and_then(|id| match app.lookups.contacts.get(&id) {
            Some(Lookup::Ready(contact)) => Some(contact),
            _ => None,
        });
    out.push(entry(
        CopyItem::Phone,
        known(contact.and_then(|c| c.mobile.clone())),
    ));
    out.push(entry(
        CopyItem::Email,
        known(contact.and_then(|c| c.email.clone())),
    ));
    out.push(entry(
        CopyItem::Description,
        known(
            ticket
                .description
                .as_deref()
                .map(|text| crate::text::description_text(text, COPY_COLUMNS)),
        ),
    ));
    if app.full.contains(&ticket_id) {
        for field in &ticket.custom_fields {
            if let Some(value) = field_value(app, &field.key, &field.value) {
                out.push(entry(
                    CopyItem::Field(field.key.clone()),
                    CopyValue::Text(value),
                ));
            }
        }
    } else {
        out.push(entry(CopyItem::Fields, CopyValue::Unknown));
    }
    out.push(entry(CopyItem::WebLink, web_link(app, ticket_id)));
    out.push(entry(CopyItem::ApiUrl, known(ticket.url.clone())));
    out
}

fn web_link(app: &App, ticket_id: u64) -> CopyValue {
    match &app.settings.web_url {
        Some(template) => CopyValue::Text(template.replace("{id}", &ticket_id.to_string())),
        None => CopyValue::NotConfigured,
    }
}

/// A custom field's value as an agent would paste it: dropdown option ids as their labels,
/// whole numbers without `.0`. Tables, checkboxes and empty values are not offered.
fn field_value(app: &App, key: &str, value: &CustomValue) -> Option<String> {
    let def = app.lookups.field_def(key);
    if def.is_some_and(|def| def.kind == CHECKBOX && def.options.is_empty()) {
        return None;
    }
    // Tables and empty values read as "": not offered.
    let text = value.labelled(def);
    (!text.trim().is_empty()).then_some(text)
}

/// The entry a key names, by index in `entries`.
fn position(entries: &[CopyEntry], pick: CopyPick) -> Option<usize> {
    let wanted = |item: &CopyItem| {
        matches!(
            (pick, item),
            (CopyPick::Id, CopyItem::Id)
                | (CopyPick::Subject, CopyItem::Subject)
                | (CopyPick::Phone, CopyItem::Phone)
                | (CopyPick::Email, CopyItem::Email)
                | (CopyPick::Description, CopyItem::Description)
                | (CopyPick::WebLink, CopyItem::WebLink)
                | (CopyPick::ApiUrl, CopyItem::ApiUrl)
        )
    };
    match pick {
        CopyPick::Field(n) => entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.item, CopyItem::Field(_)))
            .nth(n)
            .map(|(index, _)| index),
        _ => entries.iter().position(|e| wanted(&e.item)),
    }
}

/// `update`'s part for [`CopyAction`].
pub fn update(app: &mut App, action: CopyAction, out: &mut Vec<Command>) {
    match action {
        CopyAction::Open => open(app),
        CopyAction::Pick(pick) => {
            let Some(menu) = &app.copy_menu else {
                return;
            };
            let entries = entries(app, menu.ticket_id);
            if let Some(index) = position(&entries, pick) {
                copy(app, &entries[index], out);
            }
        }
        CopyAction::PickSelected => {
            let Some(menu) = &app.copy_menu else {
                return;
            };
            let entries = entries(app, menu.ticket_id);
            if let Some(entry) = entries.get(menu.selected) {
                copy(app, entry, out);
            }
        }
    }
}

fn open(app: &mut App) {
    let ticket_id = match &app.detail {
        Some(detail) => Some(detail.ticket_id),
        None => app.current_view().selected_id(),
    };
    match ticket_id {
        Some(ticket_id) => {
            app.copy_menu = Some(CopyMenu {
                ticket_id,
                selected: 0,
            })
        }
        None => set_notice(app, Note::NoTicketSelected),
    }
}

/// Moves the highlight by `delta` entries (j/k, arrows, the wheel).
pub(crate) fn move_by(app: &mut App, delta: i64) {
    let Some(menu) = &app.copy_menu else {
        return;
    };
    let last = entries(app, menu.ticket_id).len().saturating_sub(1) as i64;
    if let Some(menu) = &mut app.copy_menu {
        menu.selected = (menu.selected as i64).saturating_add(delta).clamp(0, last) as usize;
    }
}

/// The most a copy sends through the terminal: OSC 52 carries it base64-encoded (4/3 the
/// size) in one write, and terminals cap it (hterm, GNU screen and others near 100 KB),
/// dropping a longer one without a word while the notice would say "copied".
pub const COPY_MAX_BYTES: usize = 74_000;

/// Copies an entry and closes the menu, or says why not and leaves it open.
fn copy(app: &mut App, entry: &CopyEntry, out: &mut Vec<Command>) {
    let label = label(app, &entry.item);
    let (outcome, is_error) = match (&entry.value, entry.copyable()) {
        (_, Some(value)) if value.len() > COPY_MAX_BYTES => {
            let kb = value.len().div_ceil(1000);
            (CopyOutcome::TooLong { kb }, true)
        }
        (_, Some(value)) => {
            out.push(Command::Copy(value.to_string()));
            app.copy_menu = None;
            // The value is server text, cleaned when decoded: one line, cut to fit.
            let shown = crate::text::clean_line(value);
            let shown = crate::text::truncate(&shown, 40);
            (CopyOutcome::Copied(shown.into_owned()), false)
        }
        (CopyValue::Text(_), None) => (CopyOutcome::Empty, true),
        (CopyValue::Unknown, None) => (CopyOutcome::Unknown, true),
        (CopyValue::NotConfigured, None) => {
            app.notice = Some(Notice {
                note: Note::CopyNoWebUrl,
                is_error: true,
            });
            return;
        }
    };
    // A refusal is an error: it stays until a key, not a few seconds.
    app.notice = Some(Notice {
        note: Note::Copy { label, outcome },
        is_error,
    });
}

/// An entry's name, as data the view words (a custom field by its definition's name).
pub(crate) fn label(app: &App, item: &CopyItem) -> CopyLabel {
    let name = match item {
        CopyItem::Field(key) => Some(
            app.lookups
                .field_def(key)
                .map_or(key.as_str(), |def| def.name.as_str())
                .to_string(),
        ),
        _ => None,
    };
    CopyLabel {
        item: item.clone(),
        field_name: name,
    }
}

fn set_notice(app: &mut App, note: Note) {
    app.notice = Some(Notice {
        note,
        is_error: false,
    });
}
