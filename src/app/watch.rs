//! Watched views (issue 17, item 7): with auto-refresh, a view whose config says `watch`
//! is read again with the view shown, and tickets new to it (ids its first page had not
//! shown before) ring the bell and/or ask for a desktop notification, at most once per
//! refresh ([`Command::Notify`], written by the terminal loop); its tab counts them until
//! the view is seen (a key pressed while it is in front).
//!
//! The first answer of a view only learns its ids: a console that starts says nothing.

use std::collections::{HashMap, HashSet};

use super::action::Command;
use super::state::{App, ViewName};

/// How a watched view tells of a new ticket (config `watch = "bell" | "desktop" | "both"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    Bell,
    Desktop,
    Both,
}

impl Watch {
    pub fn bell(self) -> bool {
        matches!(self, Watch::Bell | Watch::Both)
    }

    pub fn desktop(self) -> bool {
        matches!(self, Watch::Desktop | Watch::Both)
    }
}

/// What the watched views have shown, and how many new tickets each has unseen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Watching {
    /// Per tab: every id its first page has shown; absent until its first answer.
    seen: HashMap<usize, HashSet<u64>>,
    /// Per tab: tickets new since the view was last seen.
    pub(crate) new: HashMap<usize, usize>,
    /// When the watched views behind the one shown were last read again.
    pub(crate) last_refresh: Option<chrono::NaiveDateTime>,
}

impl Watching {
    /// The tickets new to tab `index` since it was last seen.
    pub fn new_in(&self, index: usize) -> usize {
        self.new.get(&index).copied().unwrap_or(0)
    }
}

/// The watch of a tab, from the settings (by the view's name).
pub(crate) fn watch_of(app: &App, index: usize) -> Option<Watch> {
    let name = &app.views.get(index)?.spec.name;
    app.settings
        .watch
        .iter()
        .find(|(watched, _)| watched == name)
        .map(|(_, watch)| *watch)
}

/// The first page of tab `index` arrived with `ids`: new ones are counted and told of.
pub(crate) fn page_one(app: &mut App, index: usize, ids: &[u64], out: &mut Vec<Command>) {
    let Some(watch) = watch_of(app, index) else {
        return;
    };
    let Some(seen) = app.watching.seen.get_mut(&index) else {
        app.watching
            .seen
            .insert(index, ids.iter().copied().collect());
        return;
    };
    let fresh: Vec<u64> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    let Some(first) = fresh.first().copied() else {
        return;
    };
    *app.watching.new.entry(index).or_default() += fresh.len();
    // A subject the server left out is sent as empty: the loop words the ticket by its id.
    let subject = app
        .tickets
        .get(&first)
        .map(|ticket| ticket.subject)
        .unwrap_or_default();
    let view = app.views[index].spec.name.clone();
    out.push(Command::Notify(Notify {
        bell: watch.bell(),
        desktop: watch.desktop(),
        view,
        count: fresh.len(),
        ticket: first,
        subject,
    }));
}

/// Tab `index` shows `ids` from another source than before (the store's whole view after
/// the server's first page): they are learnt, none told of as new.
pub(crate) fn learn(app: &mut App, index: usize, ids: &[u64]) {
    if watch_of(app, index).is_none() {
        return;
    }
    app.watching
        .seen
        .entry(index)
        .or_default()
        .extend(ids.iter().copied());
}

/// A key pressed with a tab in front: its new tickets are seen.
pub(crate) fn seen(app: &mut App) {
    if app.search.is_none() && app.watching.new.remove(&app.active).is_some() {
        app.dirty = true;
    }
}

/// A bell and/or a desktop notification for new tickets in a watched view. The subject is
/// the server's (untrusted): the loop makes it inert and short before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Notify {
    pub bell: bool,
    pub desktop: bool,
    pub view: ViewName,
    /// How many tickets are new in this refresh.
    pub count: usize,
    /// The first new ticket.
    pub ticket: u64,
    pub subject: String,
}
