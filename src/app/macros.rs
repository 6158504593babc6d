//! Macros (issue 17, item 2): named sets of changes from the config (`[[macros]]`) and the
//! built-in "assign to me", applied to the ticket shown, the marks or the selected ticket
//! through the bulk pane's own preview, journal and undo (`bulk_edit::apply_preset`). A
//! macro names only what it changes: its edit sets those fields and adds or removes those
//! tags, nothing else. The run goes on hidden and the pane closes itself when every ticket
//! took the change. A macro's snippet opens the composer, filled, once the change is done
//! and the ticket read again, for the agent to send: never sent by itself.

use super::action::Command;
use super::bulk_edit::{self, BulkNote};
use super::keymap::Keys;
use super::notice::Note;
use super::state::{App, Notice};
use crate::api::{Priority, TicketChange, TicketStatus, TicketType};
use crate::bulk::BulkEdit;

/// Who a macro assigns the tickets to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    /// The signed-in agent (`assignee = "me"`).
    Me,
    /// An agent by id; `None` is nobody (`"none"`).
    Id(Option<u64>),
}

/// What a macro changes: only the fields named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MacroChange {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub ticket_type: Option<TicketType>,
    pub assignee: Option<Assignee>,
    /// `Some(None)`: no group.
    pub group: Option<Option<u64>>,
    pub tags_add: Vec<String>,
    pub tags_remove: Vec<String>,
    /// Custom fields by key (`field_N`), with the value to send.
    pub custom_fields: Vec<(String, serde_json::Value)>,
}

/// One macro.
#[derive(Debug, Clone, PartialEq)]
pub struct Macro {
    /// As the config names it; empty for the built-in, which the view words.
    pub name: String,
    /// Its own key in the list and the ticket view, when it has one.
    pub key: Option<Keys>,
    pub change: MacroChange,
    /// A snippet (by name) to open the composer with after the change.
    pub snippet: Option<String>,
    pub builtin: bool,
}

impl Macro {
    /// "Assign to me", there without any config.
    pub fn assign_to_me() -> Macro {
        Macro {
            name: String::new(),
            key: None,
            change: MacroChange {
                assignee: Some(Assignee::Me),
                ..MacroChange::default()
            },
            snippet: None,
            builtin: true,
        }
    }
}

/// The macros offered: the built-in first, then the config's in its order.
pub fn all(app: &App) -> Vec<Macro> {
    std::iter::once(Macro::assign_to_me())
        .chain(app.settings.macros.iter().cloned())
        .collect()
}

/// The macro menu (`m`): which entry is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MacroMenu {
    pub selected: usize,
}

/// What the user does with macros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroAction {
    /// `m`: the menu.
    OpenMenu,
    Down,
    Up,
    /// Enter in the menu.
    PickSelected,
    Close,
    /// A macro by its index in [`all`] (its own key, or a digit in the menu).
    Apply(usize),
}

/// What went wrong applying a macro, as data (worded by `ui::macros`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroNote {
    /// "me" is not known: the agents list has not named the login (yet, or at all).
    MeUnknown,
    /// The macro names a snippet no file or table gives.
    NoSnippet(String),
    NoTicket,
}

fn say(app: &mut App, note: MacroNote) {
    app.notice = Some(Notice {
        note: Note::Macro(note),
        is_error: true,
    });
}

pub fn update(app: &mut App, action: MacroAction, out: &mut Vec<Command>) {
    let count = all(app).len();
    match action {
        MacroAction::OpenMenu => app.macro_menu = Some(MacroMenu::default()),
        MacroAction::Close => app.macro_menu = None,
        MacroAction::Down => {
            if let Some(menu) = &mut app.macro_menu {
                menu.selected = (menu.selected + 1) % count.max(1);
            }
        }
        MacroAction::Up => {
            if let Some(menu) = &mut app.macro_menu {
                menu.selected = (menu.selected + count.max(1) - 1) % count.max(1);
            }
        }
        MacroAction::PickSelected => {
            if let Some(menu) = app.macro_menu.take() {
                apply(app, menu.selected, out);
            }
        }
        MacroAction::Apply(index) => {
            app.macro_menu = None;
            apply(app, index, out);
        }
    }
}

/// The tickets a macro acts on: the ticket shown, else the marks, else the selected one.
fn targets(app: &App) -> Vec<u64> {
    if let Some(detail) = app.detail.as_ref().filter(|_| app.detail_has_focus()) {
        return vec![detail.ticket_id];
    }
    if !app.marks.is_empty() {
        return app.marks.ids.iter().copied().collect();
    }
    app.current_view().selected_id().into_iter().collect()
}

/// The bulk edit a macro makes: `Err` when "me" is not known.
pub fn edit_of(app: &App, change: &MacroChange) -> Result<BulkEdit, MacroNote> {
    let assignee_id = match change.assignee {
        None => None,
        Some(Assignee::Id(id)) => Some(id),
        Some(Assignee::Me) => Some(Some(app.lookups.me.ok_or(MacroNote::MeUnknown)?)),
    };
    Ok(BulkEdit {
        change: TicketChange {
            status: change.status,
            priority: change.priority,
            ticket_type: change.ticket_type,
            assignee_id,
            group_id: change.group,
            custom_fields: change.custom_fields.clone(),
            ..TicketChange::default()
        },
        tags_add: change.tags_add.clone(),
        tags_remove: change.tags_remove.clone(),
    })
}

fn apply(app: &mut App, index: usize, out: &mut Vec<Command>) {
    let Some(chosen) = all(app).into_iter().nth(index) else {
        return;
    };
    let edit = match edit_of(app, &chosen.change) {
        Ok(edit) => edit,
        Err(note) => return say(app, note),
    };
    let snippet = match &chosen.snippet {
        Some(name) => match app.settings.snippets.iter().find(|s| &s.name == name) {
            Some(snippet) => Some(snippet.body.clone()),
            None => return say(app, MacroNote::NoSnippet(name.clone())),
        },
        None => None,
    };
    let targets = targets(app);
    if targets.is_empty() {
        return say(app, MacroNote::NoTicket);
    }
    if matches!(app.bulk.stage, Some(bulk_edit::Stage::Running(_))) {
        // A run going on (hidden) keeps the pane: one run at a time.
        app.notice = Some(Notice {
            note: Note::Bulk(BulkNote::RunGoingOn),
            is_error: false,
        });
        return;
    }
    let from_detail = app.detail_has_focus();
    bulk_edit::apply_preset(
        app,
        bulk_edit::Preset {
            edit,
            snippet,
            from_detail,
        },
        targets,
        out,
    );
}

/// A macro's own key in the list or the ticket view: its index in [`all`].
pub(crate) fn by_key(app: &App, key: super::keymap::Key) -> Option<usize> {
    all(app).iter().position(|m| m.key == Some(Keys::One(key)))
}
