//! The console's whole state. Panes render from `&App` only; only `update` changes it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::action::{LookupKey, RequestId};
use crate::api::{
    Contact, FieldDef, ListOrder, ListQuery, SearchQuery, SearchSort, SearchTerm, SortOrder,
    TicketStatus,
};
use crate::lang::Lang;

mod detail;
mod names;
mod panes;
mod settings;
mod views;

// Each module takes the shared imports above and its siblings' types through `use super::*`.
pub use detail::*;
pub use names::*;
pub use panes::*;
pub use settings::*;
pub use views::*;

/// A line in the status bar, worded when drawn (`ui::notice`).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub note: super::notice::Note,
    pub is_error: bool,
}

/// When the notice was put up and what ends it: a notice goes at the next key; one that is
/// not an error also goes [`NOTICE_SECS`](super::update::NOTICE_SECS) after it was put up,
/// and a progress notice ("Reloading…") when what it waits for has landed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NoticeClock {
    /// The clock (of the last tick) when the notice shown was put up.
    pub(crate) since: Option<NaiveDateTime>,
    /// A progress notice and the requests it waits for: it stays while any is awaited and
    /// goes when none is, not on a timer.
    pub(crate) progress: Option<(Notice, Vec<RequestId>)>,
}

/// The console's state.
#[derive(Debug, Clone)]
pub struct App {
    pub settings: Settings,
    /// The tabs.
    pub views: Vec<View>,
    pub active: usize,
    /// Search results shown instead of the active tab, when a search is on.
    pub search: Option<SearchState>,
    /// Every ticket seen, by id; views hold ids. Compact, with a change generation per
    /// ticket, by which the view's row cache knows a row is stale.
    pub tickets: super::store::TicketStore,
    /// Tickets known in full (from list or show), not just the few fields search gives.
    pub full: HashSet<u64>,
    pub lookups: Lookups,
    pub detail: Option<Detail>,
    pub prompt: Option<Prompt>,
    /// What each one-line prompt was given before (↑/↓), kept across starts.
    pub prompt_history: super::line_edit::PromptHistory,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub(crate) notice_clock: NoticeClock,
    /// The copy menu, when open (under the help overlay, which may be opened from it).
    pub copy_menu: Option<CopyMenu>,
    /// The macro menu (`m`), when open.
    pub macro_menu: Option<crate::app::macros::MacroMenu>,
    /// The quick filters' facets, while open (`F`).
    pub facets: Option<crate::app::facets::FacetMenu>,
    /// One-ticket reads after a quick status change, for the server's new update time.
    pub rereads: HashMap<RequestId, u64>,
    pub pending_status: HashMap<RequestId, PendingStatus>,
    /// A quick status change left alone because the ticket changed on the server since it
    /// was shown: once the ticket is read again, the status menu opens over it to ask.
    pub(crate) status_recheck: Option<StatusRecheck>,
    /// Show-many calls in flight, so the same rows are not asked twice.
    pub enriching: HashMap<RequestId, Vec<u64>>,
    /// The list call answered 403: views come from their fallback searches.
    pub list_forbidden: bool,
    /// Show answered 403: details come from the rows only.
    pub show_forbidden: bool,
    pub width: u16,
    pub height: u16,
    /// What the last frame drew (scroll limits, the editors' sizes), fed back by the loop.
    pub geometry: super::layout::Geometry,
    /// The clock in the display time zone, set by ticks (so `update` stays pure).
    pub now: NaiveDateTime,
    pub(crate) last_refresh: Option<NaiveDateTime>,
    /// Frame of the spinner; advances on ticks while something is in flight.
    pub(crate) spinner: usize,
    pub quit: bool,
    /// Marked ticket ids (Space, V, *, A).
    pub marks: super::marks::Marks,
    /// The bulk edit pane and its run.
    pub bulk: super::bulk_edit::BulkState,
    /// Set by `update` when something visible changed; the loop draws and clears it.
    pub dirty: bool,
    /// The next draw replaces the whole screen (the list opened into a ticket, or back):
    /// erasing first and painting what is not blank costs less than rewriting every cell
    /// over the old screen.
    pub clear_before_draw: bool,
    /// The first key of a two-key sequence, waiting for the second.
    pub key_pending: Option<super::keymap::PendingKey>,
    pub(crate) next_request: u64,
    /// The times and ids of the bulk runs planned here (seeded by the console at start).
    pub(crate) run_ids: super::run_ids::RunIds,
    /// Retry notices and the sign-in prompt (see `app::faults`).
    pub faults: super::faults::FaultState,
    /// The reply composer, the new-ticket form, drafts and replies sent.
    pub compose: super::composer::ComposeState,
    /// The server cannot be reached (with a local store): since when, and the next try.
    pub offline: Option<super::offline::Offline>,
    /// A first full sync of the local store under way: pages done, of the total.
    pub sync_progress: Option<(u32, u32)>,
    /// A sync of the local store ended: views may be computed from it (the worker says
    /// whether it can).
    pub(crate) store_synced: bool,
    /// The store's sync on the way (one at a time): a view from the store waits on it.
    pub(crate) sync_request: Option<super::action::RequestId>,
    /// Tickets whose copy here is the local store's, with when the server gave it (the
    /// server's zone), until a server's answer replaces it.
    pub stored_as_of: HashMap<u64, NaiveDateTime>,
    /// The open ticket's selected file and the downloads under way (`app::files`).
    pub files: super::files::FilesState,
    /// The watched views' ids seen and their new tickets (`app::watch`).
    pub watching: super::watch::Watching,
}

impl App {
    pub fn new(settings: Settings, now: NaiveDateTime) -> App {
        let mut specs = ViewSpec::defaults();
        specs.extend(settings.extra_views.iter().cloned());
        let notice = settings.startup_notice.clone().map(|note| Notice {
            note,
            is_error: false,
        });
        App {
            settings,
            views: specs.into_iter().map(View::new).collect(),
            active: 0,
            search: None,
            tickets: super::store::TicketStore::new(),
            full: HashSet::new(),
            lookups: Lookups::default(),
            detail: None,
            prompt: None,
            prompt_history: Default::default(),
            overlay: None,
            notice,
            notice_clock: NoticeClock::default(),
            copy_menu: None,
            macro_menu: None,
            facets: None,
            rereads: HashMap::new(),
            pending_status: HashMap::new(),
            status_recheck: None,
            enriching: HashMap::new(),
            list_forbidden: false,
            show_forbidden: false,
            width: 80,
            height: 24,
            geometry: Default::default(),
            now,
            last_refresh: None,
            spinner: 0,
            quit: false,
            marks: Default::default(),
            bulk: Default::default(),
            dirty: true,
            clear_before_draw: false,
            key_pending: None,
            next_request: 1,
            run_ids: Default::default(),
            faults: super::faults::FaultState::default(),
            compose: Default::default(),
            offline: None,
            sync_progress: None,
            store_synced: false,
            sync_request: None,
            stored_as_of: HashMap::new(),
            files: Default::default(),
            watching: Default::default(),
        }
    }

    /// The time and id of a bulk run planned now (the last tick's clock).
    pub(crate) fn run_stamp(&mut self) -> crate::bulk::RunStamp {
        self.run_ids.next(self.now)
    }

    pub fn lang(&self) -> Lang {
        self.settings.lang
    }

    /// The view shown: the search results when a search is on, else the active tab.
    pub fn current_view(&self) -> &View {
        match &self.search {
            Some(search) => &search.view,
            None => &self.views[self.active.min(self.views.len().saturating_sub(1))],
        }
    }

    pub(crate) fn current_view_mut(&mut self) -> &mut View {
        let active = self.active.min(self.views.len().saturating_sub(1));
        match &mut self.search {
            Some(search) => &mut search.view,
            None => &mut self.views[active],
        }
    }

    /// The pane in front, which has the keyboard: its key context in the key map, its
    /// help page, its hint line.
    pub fn pane(&self) -> Pane {
        // The sign-in prompt takes every key while open; help covers everything else; the
        // bulk pane's stage covers the panes below it.
        if self.faults.sign_in.is_some() {
            return Pane::SignIn;
        }
        if matches!(self.overlay, Some(Overlay::Help { .. })) {
            return Pane::Help;
        }
        if let Some(pane) = super::bulk_edit::stage_pane(self) {
            return pane;
        }
        if matches!(self.overlay, Some(Overlay::StatusMenu { .. })) {
            return Pane::StatusMenu;
        }
        if self.copy_menu.is_some() {
            return Pane::CopyMenu;
        }
        if self.macro_menu.is_some() {
            return Pane::MacroMenu;
        }
        if self.facets.is_some() {
            return Pane::Facets;
        }
        if let Some(pane) = self.compose.pane() {
            return pane;
        }
        if self.prompt.is_some() {
            Pane::Prompt
        } else if self.detail_has_focus() {
            Pane::Detail
        } else {
            Pane::List
        }
    }

    /// Whether the detail sits beside the list (wide terminal) rather than over it.
    pub(crate) fn detail_beside(&self) -> bool {
        self.width >= 140
    }

    /// Whether a ticket is open with the keyboard: a detail over the list, or the preview
    /// beside it once focused (an unfocused preview leaves the keys to the list).
    pub(crate) fn detail_has_focus(&self) -> bool {
        self.detail
            .as_ref()
            .is_some_and(|d| d.focused || !self.detail_beside())
    }

    /// Rows of the list body: the screen less the tab line, the column header, the status
    /// bar and the two prompt lines when a prompt is open.
    pub fn list_rows(&self) -> usize {
        let chrome = 3 + if self.prompt.is_some() { 2 } else { 0 };
        usize::from(self.height).saturating_sub(chrome).max(1)
    }

    /// Whether any request is in flight (for the spinner).
    pub fn busy(&self) -> bool {
        self.views.iter().any(View::in_flight)
            || self.search.as_ref().is_some_and(|s| s.view.in_flight())
            || self.detail.as_ref().is_some_and(|d| d.request.is_some())
            || !self.pending_status.is_empty()
            || self.marks.fetch.is_some()
            || self.bulk.running().is_some()
            || self.compose.busy()
    }

    pub(crate) fn request_id(&mut self) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        id
    }
}
