//! The console's whole state. Panes render from `&App` only; only `update` changes it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::action::{LookupKey, RequestId};
use crate::api::{
    Contact, FieldDef, ListOrder, ListQuery, SearchQuery, SearchSort, SearchTerm, SortOrder,
    TicketStatus,
};
use crate::lang::Lang;

/// Settings fixed at start (from flags and config).
#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: Lang,
    /// Seconds between automatic reloads of the view shown; `None` (the default) is off.
    pub auto_refresh_secs: Option<u64>,
    /// Page size asked of the server.
    pub per_page: u32,
    /// Shown in the status bar so nobody edits the wrong account: `profile@host` or the host.
    pub account_label: String,
    /// Extra views from config, after the defaults.
    pub extra_views: Vec<ViewSpec>,
    /// Whether colour may be used.
    pub color: bool,
    /// The display time zone, minutes east of UTC (UTC+8 by default). Server dates are
    /// UTC+8 and are converted when shown.
    pub display_offset_minutes: i32,
    /// Shown in the status line at start (a config warning, say).
    pub startup_notice: Option<super::notice::Note>,
    /// The live key map (defaults plus `[keys]`), read by key handling, help and hints.
    pub keymap: std::sync::Arc<super::keymap::KeyMap>,
    /// Bulk changes to more tickets than this need the count typed (config
    /// `ui.bulk_confirm_threshold`).
    pub bulk_confirm_threshold: usize,
    /// Update-many calls in flight at once during a bulk run (config `ui.bulk_concurrency`).
    pub bulk_concurrency: usize,
    /// Pages asked at once by a deep jump (`G`; the profile's `concurrency`).
    pub page_concurrency: usize,
    /// The profile and host bulk runs are journaled for.
    pub bulk_target: crate::bulk::Target,
    /// How much of the selected row is highlighted (config `ui.selection`).
    pub selection: SelectionStyle,
    /// The ticket's page in the web UI, `{id}` standing for the ticket id (config
    /// `web_url`); `None` when not configured.
    pub web_url: Option<String>,
}

/// How the list shows the selected row (config `ui.selection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectionStyle {
    /// The whole row: easy to find at any width.
    #[default]
    Row,
    /// The cursor and the id only: fewer bytes per key on a very slow link.
    Cursor,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::default(),
            auto_refresh_secs: None,
            per_page: 100,
            account_label: String::new(),
            extra_views: Vec::new(),
            color: true,
            display_offset_minutes: 8 * 60,
            startup_notice: None,
            keymap: super::keymap::KeyMap::shared_default(),
            bulk_confirm_threshold: 50,
            bulk_concurrency: 4,
            page_concurrency: 4,
            bulk_target: crate::bulk::Target::default(),
            selection: SelectionStyle::default(),
            web_url: None,
        }
    }
}

/// A view's name: one of the defaults (named in the UI language) or a name from config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewName {
    New,
    Open,
    Pending,
    All,
    Custom(String),
    /// Search results, with the text searched for.
    Search(String),
    /// Only the marked tickets (`M`).
    Marked,
}

/// Where a view's tickets come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewSource {
    /// The list call (admin only), with its date filters and order.
    List(ListQuery),
    /// A search.
    Search(SearchQuery),
}

/// A view's definition: name, source, and the search to use instead when the account may
/// not call list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSpec {
    pub name: ViewName,
    pub source: ViewSource,
    pub fallback: Option<SearchQuery>,
}

impl ViewSpec {
    /// The default views: new, open and pending (searches by status) and all (the list, or
    /// a search over every status for an agent).
    pub fn defaults() -> Vec<ViewSpec> {
        let by_status = |codes: &str| SearchQuery {
            terms: vec![SearchTerm::Field {
                field: "ticketStatus".to_string(),
                values: codes.split(',').map(str::to_string).collect(),
            }],
            ..SearchQuery::default()
        };
        vec![
            ViewSpec {
                name: ViewName::New,
                source: ViewSource::Search(by_status("1")),
                fallback: None,
            },
            ViewSpec {
                name: ViewName::Open,
                source: ViewSource::Search(by_status("2")),
                fallback: None,
            },
            ViewSpec {
                name: ViewName::Pending,
                source: ViewSource::Search(by_status("3")),
                fallback: None,
            },
            ViewSpec {
                name: ViewName::All,
                // Newest activity first, as the searches answer by default (the list's
                // own default is by id, oldest first).
                source: ViewSource::List(ListQuery {
                    order: Some(ListOrder::Updated(SortOrder::Desc)),
                    ..ListQuery::default()
                }),
                fallback: Some(by_status("1,2,3,4,5,6")),
            },
        ]
    }
}

/// Which time a view is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Created,
    Updated,
    Status,
}

/// A view's sort; `None` in [`View::sort`] is the server's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub order: SortOrder,
}

/// A date-range filter on created or updated time, both ends inclusive, either optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFilter {
    pub field: SortField,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A reload of pages 1..=n in flight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refresh {
    /// Request id to page number.
    pub requests: HashMap<RequestId, u32>,
    /// Ids per page, as pages arrive.
    pub pages: BTreeMap<u32, Vec<u64>>,
    pub pages_wanted: u32,
    pub total: Option<u64>,
    pub more_after_last: bool,
    /// Marks rows that changed (automatic refresh) instead of just updating them.
    pub mark_changes: bool,
    /// Only some of the loaded pages are read again (`requests`); the others keep their
    /// rows (`pages_wanted` is then the loaded count).
    pub partial: bool,
    /// (Partial) the pages not read become stale (`View::stale_pages`): a reload. Not so
    /// when stale pages scrolled to are read: the others are as fresh as they were.
    pub rest_stale: bool,
}

/// `G` with the total known: the pages from the next to the last are asked several at a
/// time (`Settings::page_concurrency`) and put in place in order as they arrive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Jump {
    /// Request id to page number, in flight.
    pub requests: HashMap<RequestId, u32>,
    /// Pages that came before an earlier one: their ids, and whether more follow.
    pub arrived: BTreeMap<u32, (Vec<u64>, bool)>,
    /// The page to put in place next.
    pub next_append: u32,
    /// The page to ask for next.
    pub next_ask: u32,
    /// The last page, from the total.
    pub last: u32,
}

/// One list of tickets: a tab, or the search results.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub spec: ViewSpec,
    /// Ticket ids in the order shown; the tickets live in [`App::tickets`]. Change it
    /// through [`View::set_ids`] / [`View::append_ids`] so the index below stays right.
    pub ids: Vec<u64>,
    /// The same ids as a set, so appending a page costs the page, not the whole view.
    pub id_set: HashSet<u64>,
    /// The largest id shown (the id column's width), kept as rows arrive.
    pub max_id: u64,
    /// The total the server reported.
    pub total: Option<u64>,
    /// The next page to fetch; `None` once the last page has arrived.
    pub next_page: Option<u32>,
    /// Pages received so far.
    pub pages_loaded: u32,
    /// How many rows each loaded page gave, in page order (repeats dropped), so that a
    /// refresh can read again only the pages on screen and put their rows in place. Out of
    /// step with `pages_loaded` (rows set another way): a refresh reads every page.
    pub page_lens: Vec<usize>,
    /// Loaded pages not read again by the last refreshes: their rows show until they are
    /// scrolled to, which reads them again.
    pub stale_pages: BTreeSet<u32>,
    /// A deep jump (`G`) under way.
    pub jump: Option<Jump>,
    /// The page fetch in flight.
    pub loading: Option<(RequestId, u32)>,
    pub refresh: Option<Refresh>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    pub sort: Option<Sort>,
    pub date_filter: Option<DateFilter>,
    /// Rows changed by an automatic refresh and not yet looked at.
    pub changed: HashSet<u64>,
    /// The last load error of this view, shown in place of an empty list.
    pub error: Option<super::notice::ViewError>,
    /// Tickets were changed from this console while the view was not shown (a bulk run, a
    /// status change, a new ticket): its rows and count are reloaded when it is shown again.
    pub stale: bool,
}

impl View {
    pub fn new(spec: ViewSpec) -> View {
        View {
            spec,
            ids: Vec::new(),
            id_set: HashSet::new(),
            max_id: 0,
            total: None,
            next_page: Some(1),
            pages_loaded: 0,
            page_lens: Vec::new(),
            stale_pages: BTreeSet::new(),
            jump: None,
            loading: None,
            refresh: None,
            selected: 0,
            offset: 0,
            sort: None,
            date_filter: None,
            changed: HashSet::new(),
            error: None,
            stale: false,
        }
    }

    /// Appends ids not already shown.
    pub fn append_ids(&mut self, ids: impl IntoIterator<Item = u64>) {
        for id in ids {
            if self.id_set.insert(id) {
                self.ids.push(id);
                self.max_id = self.max_id.max(id);
            }
        }
    }

    /// Replaces the rows (a refresh), dropping repeats.
    pub fn set_ids(&mut self, ids: impl IntoIterator<Item = u64>) {
        self.ids.clear();
        self.id_set.clear();
        self.max_id = 0;
        self.append_ids(ids);
    }

    /// Whether `page_lens` tells where each loaded page's rows are.
    pub fn pages_known(&self) -> bool {
        self.page_lens.len() == self.pages_loaded as usize
    }

    /// The loaded pages holding rows `from..to` (none when the layout is not known).
    pub fn pages_of_rows(&self, from: usize, to: usize) -> BTreeSet<u32> {
        let mut pages = BTreeSet::new();
        if !self.pages_known() {
            return pages;
        }
        let mut start = 0;
        for (page, len) in (1u32..).zip(&self.page_lens) {
            let end = start + len;
            if start < to && from < end {
                pages.insert(page);
            }
            start = end;
        }
        pages
    }

    pub fn selected_id(&self) -> Option<u64> {
        self.ids.get(self.selected).copied()
    }

    pub fn is_search(&self) -> bool {
        matches!(self.spec.source, ViewSource::Search(_))
    }

    pub fn in_flight(&self) -> bool {
        self.loading.is_some() || self.refresh.is_some() || self.jump.is_some()
    }

    /// Whether any page has arrived.
    pub fn loaded(&self) -> bool {
        self.pages_loaded > 0
    }

    /// The list query of page `page`, with this view's sort and filter.
    pub fn list_query(&self, page: u32, per_page: u32) -> Option<ListQuery> {
        let ViewSource::List(base) = &self.spec.source else {
            return None;
        };
        let mut query = base.clone();
        query.page = Some(page);
        query.per_page = Some(per_page);
        if let Some(sort) = self.sort {
            query.order = Some(match sort.field {
                SortField::Created => ListOrder::Created(sort.order),
                SortField::Updated => ListOrder::Updated(sort.order),
                SortField::Status => ListOrder::Status(sort.order),
            });
        }
        if let Some(filter) = self.date_filter {
            let start = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0));
            let end = filter.to.and_then(|d| d.and_hms_opt(23, 59, 59));
            match filter.field {
                SortField::Updated => {
                    query.updated_start = start;
                    query.updated_end = end;
                }
                _ => {
                    query.created_start = start;
                    query.created_end = end;
                }
            }
        }
        Some(query)
    }

    /// The search query of page `page`, with this view's sort and filter.
    pub fn search_query(&self, page: u32, per_page: u32) -> Option<SearchQuery> {
        let ViewSource::Search(base) = &self.spec.source else {
            return None;
        };
        let mut query = base.clone();
        query.page = Some(page);
        query.per_page = Some(per_page);
        if let Some(sort) = self.sort {
            // Search has no status order; the app says so when the user picks it.
            query.sort_by = Some(match sort.field {
                SortField::Created => SearchSort::Created,
                SortField::Updated | SortField::Status => SearchSort::Updated,
            });
            query.sort_order = Some(sort.order);
        }
        if let Some(filter) = self.date_filter {
            use crate::api::query::{DateField, DateOp};
            let field = match filter.field {
                SortField::Updated => DateField::Updated,
                _ => DateField::Created,
            };
            if let Some(from) = filter.from {
                query.terms.push(SearchTerm::Date {
                    field,
                    op: DateOp::OnOrAfter,
                    date: from,
                });
            }
            if let Some(to) = filter.to {
                query.terms.push(SearchTerm::Date {
                    field,
                    op: DateOp::OnOrBefore,
                    date: to,
                });
            }
        }
        Some(query)
    }

    /// The single status a search view filters on (`ticketStatus:2`), if it has exactly one:
    /// search results carry no status, but the server has filtered on this one.
    pub fn implied_status(&self) -> Option<TicketStatus> {
        let ViewSource::Search(query) = &self.spec.source else {
            return None;
        };
        query.terms.iter().find_map(|term| match term {
            SearchTerm::Field { field, values } if field == "ticketStatus" && values.len() == 1 => {
                values[0].parse::<i64>().ok().map(TicketStatus::from_code)
            }
            _ => None,
        })
    }
}

/// Which one-line prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Filter,
    /// `#`: a ticket number to open.
    GoTo,
}

impl PromptKind {
    /// The history ↑/↓ browse in this prompt.
    pub fn history(self) -> super::line_edit::HistoryKind {
        match self {
            PromptKind::Search => super::line_edit::HistoryKind::Search,
            PromptKind::Filter => super::line_edit::HistoryKind::Filter,
            PromptKind::GoTo => super::line_edit::HistoryKind::GoTo,
        }
    }
}

/// A one-line input: the line being edited and why the last submit was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: super::line_edit::LineEditor,
    pub error: Option<super::notice::PromptError>,
}

impl Prompt {
    /// A prompt holding `text`, the caret at its end.
    pub fn new(kind: PromptKind, text: impl Into<String>) -> Prompt {
        Prompt {
            kind,
            line: super::line_edit::LineEditor::new(text),
            error: None,
        }
    }
}

/// The search results shown over the tabs, with where the user came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchState {
    pub text: String,
    pub view: View,
    /// The tab and the ticket selected there when the search started.
    pub return_to: (usize, Option<u64>),
}

/// The open detail pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub ticket_id: u64,
    /// The show call in flight.
    pub request: Option<RequestId>,
    /// Whether the full ticket has arrived.
    pub full: bool,
    /// Show answered 403: only what the list or search gave is known.
    pub forbidden: bool,
    pub not_found: bool,
    pub error: Option<crate::api::ApiError>,
    pub scroll: u16,
    /// Whether the detail has the keyboard. On a wide screen the preview beside the list
    /// follows the selection until focused; on a narrow one an open detail is focused.
    pub focused: bool,
    /// `]` pressed on the last loaded row: step to the next ticket once its page arrives.
    pub step_pending: bool,
}

/// A small window over the pane below it.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    StatusMenu { ticket_id: u64, selected: usize },
    Help { pane: Pane, scroll: u16 },
}

/// The pane that has the keyboard; the key map is per pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    List,
    Detail,
    Prompt,
    StatusMenu,
    /// The copy menu (`y`).
    CopyMenu,
    Help,
    /// The reply composer.
    Composer,
    /// The new-ticket form.
    NewTicket,
    /// The bulk pane's form (`b`).
    Bulk,
    /// Typing into a text row of the bulk form.
    BulkText,
    /// The bulk preview (confirm or go back).
    BulkPreview,
    /// The gauge of a bulk run.
    BulkRun,
    /// The result list of a bulk run.
    BulkResult,
    /// The history of bulk runs (`H`).
    BulkHistory,
    /// The offer at start to resume a run that stopped mid-way.
    ResumeOffer,
    /// The sign-in prompt after a 401.
    SignIn,
}

/// A status change sent and not yet answered: what to put back on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingStatus {
    pub ticket_id: u64,
    pub previous: Option<TicketStatus>,
    pub wanted: TicketStatus,
}

/// A quick status change to ask again about: the ticket, the status wanted, the status it
/// had when shown, and the re-read that shows the server's version (`None` when the account
/// may not show tickets: the menu opens at once).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRecheck {
    pub ticket_id: u64,
    pub wanted: TicketStatus,
    pub shown: Option<TicketStatus>,
    pub reread: Option<RequestId>,
}

/// A lookup's state in the cache.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<T> {
    Pending,
    Ready(T),
    /// Failed or forbidden: show the id.
    Failed,
}

impl<T> Lookup<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Lookup::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// Names for ids, cached for the session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lookups {
    pub agents: HashMap<u64, Lookup<String>>,
    pub groups: HashMap<u64, Lookup<String>>,
    pub contacts: HashMap<u64, Lookup<Contact>>,
    pub companies: HashMap<u64, Lookup<String>>,
    pub field_defs: Option<Lookup<Vec<FieldDef>>>,
    pub agents_list: Option<Lookup<()>>,
    /// Template names by id, from one call for all of them.
    pub templates: HashMap<u64, String>,
    pub templates_list: Option<Lookup<()>>,
    /// Group ids of the agents (from the agents list), for picking a group by name.
    pub agent_groups: std::collections::BTreeSet<u64>,
    /// Lookups in flight, by request id.
    pub in_flight: HashMap<RequestId, LookupKey>,
    /// Since when a name on screen has come in but is not drawn yet, because others on
    /// screen are still on their way: the screen is redrawn once they all are in, or at
    /// the first tick [`NAMES_DEADLINE_MS`] after this, never once a name.
    pub undrawn_since: Option<chrono::NaiveDateTime>,
    /// When each contact, company and group name was last answered by the server (names
    /// read from the lookup cache keep their age), so an old one is asked again.
    pub learned: HashMap<LookupKey, chrono::NaiveDateTime>,
    /// Names asked again this session because they were old: never twice.
    pub refreshed: std::collections::HashSet<LookupKey>,
}

/// A cached name older than this is shown, and asked again in the background when shown.
pub const NAMES_REFRESH_AFTER_HOURS: i64 = 24;

/// A name kept across starts (see `crate::lookup_cache`).
#[derive(Debug, Clone, PartialEq)]
pub enum CachedName {
    Contact(Contact),
    Company { id: u64, name: String },
    Group { id: u64, name: String },
}

/// How long names that came in wait for the rest of the screen's before they are drawn.
pub const NAMES_DEADLINE_MS: i64 = 300;

impl Lookups {
    /// Names read from the cache, each with when the server last gave it. Names already
    /// known this session win.
    pub fn seed(&mut self, names: Vec<(CachedName, chrono::NaiveDateTime)>) {
        for (name, at) in names {
            let key = match name {
                CachedName::Contact(contact) => {
                    let key = LookupKey::Contact(contact.id);
                    if self.contacts.contains_key(&contact.id) {
                        continue;
                    }
                    self.contacts.insert(contact.id, Lookup::Ready(contact));
                    key
                }
                CachedName::Company { id, name } => {
                    if self.companies.contains_key(&id) {
                        continue;
                    }
                    self.companies.insert(id, Lookup::Ready(name));
                    LookupKey::Company(id)
                }
                CachedName::Group { id, name } => {
                    if self.groups.contains_key(&id) {
                        continue;
                    }
                    self.groups.insert(id, Lookup::Ready(name));
                    LookupKey::Group(id)
                }
            };
            self.learned.insert(key, at);
        }
    }

    /// The names worth keeping across starts, each with when the server gave it.
    pub fn to_keep(&self) -> Vec<(CachedName, chrono::NaiveDateTime)> {
        let at = |key: LookupKey| self.learned.get(&key).copied();
        let contacts = self.contacts.iter().filter_map(|(id, found)| {
            let contact = found.ready()?.clone();
            Some((CachedName::Contact(contact), at(LookupKey::Contact(*id))?))
        });
        let companies = self.companies.iter().filter_map(|(id, found)| {
            let name = found.ready()?.clone();
            Some((
                CachedName::Company { id: *id, name },
                at(LookupKey::Company(*id))?,
            ))
        });
        let groups = self.groups.iter().filter_map(|(id, found)| {
            let name = found.ready()?.clone();
            Some((
                CachedName::Group { id: *id, name },
                at(LookupKey::Group(*id))?,
            ))
        });
        contacts.chain(companies).chain(groups).collect()
    }

    /// Whether the answer for `key` is still on its way.
    pub fn is_pending(&self, key: LookupKey) -> bool {
        let pending = |found: Option<bool>| found.unwrap_or(false);
        match key {
            LookupKey::Agents => matches!(self.agents_list, Some(Lookup::Pending)),
            LookupKey::FieldDefs => matches!(self.field_defs, Some(Lookup::Pending)),
            LookupKey::Templates => matches!(self.templates_list, Some(Lookup::Pending)),
            // The agents list answers these while it is on its way.
            LookupKey::Agent(id) => match self.agents.get(&id) {
                Some(found) => matches!(found, Lookup::Pending),
                None => matches!(self.agents_list, Some(Lookup::Pending)),
            },
            LookupKey::Group(id) => {
                pending(self.groups.get(&id).map(|l| matches!(l, Lookup::Pending)))
            }
            LookupKey::Contact(id) => {
                pending(self.contacts.get(&id).map(|l| matches!(l, Lookup::Pending)))
            }
            LookupKey::Company(id) => pending(
                self.companies
                    .get(&id)
                    .map(|l| matches!(l, Lookup::Pending)),
            ),
        }
    }

    pub fn agent_name(&self, id: u64) -> Option<&str> {
        self.agents.get(&id)?.ready().map(String::as_str)
    }
    pub fn group_name(&self, id: u64) -> Option<&str> {
        self.groups.get(&id)?.ready().map(String::as_str)
    }
    pub fn contact(&self, id: u64) -> Option<&Contact> {
        self.contacts.get(&id)?.ready()
    }
    pub fn template_name(&self, id: u64) -> Option<&str> {
        self.templates.get(&id).map(String::as_str)
    }
    pub fn company_name(&self, id: u64) -> Option<&str> {
        self.companies.get(&id)?.ready().map(String::as_str)
    }
    pub fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.field_defs
            .as_ref()?
            .ready()?
            .iter()
            .find(|def| def.key == key)
    }
}

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
pub struct NoticeClock {
    /// The clock (of the last tick) when the notice shown was put up.
    pub since: Option<NaiveDateTime>,
    /// A progress notice and the requests it waits for: it stays while any is awaited and
    /// goes when none is, not on a timer.
    pub progress: Option<(Notice, Vec<RequestId>)>,
}

/// The copy menu (`y`): which ticket, and the highlighted entry. Its entries are derived
/// from the ticket as it is now (see [`super::copy::entries`]), so a name that arrives while
/// it is open shows at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMenu {
    pub ticket_id: u64,
    pub selected: usize,
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
    pub notice_clock: NoticeClock,
    /// The copy menu, when open (under the help overlay, which may be opened from it).
    pub copy_menu: Option<CopyMenu>,
    /// One-ticket reads after a quick status change, for the server's new update time.
    pub rereads: HashMap<RequestId, u64>,
    pub pending_status: HashMap<RequestId, PendingStatus>,
    /// A quick status change left alone because the ticket changed on the server since it
    /// was shown: once the ticket is read again, the status menu opens over it to ask.
    pub status_recheck: Option<StatusRecheck>,
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
    pub last_refresh: Option<NaiveDateTime>,
    /// Frame of the spinner; advances on ticks while something is in flight.
    pub spinner: usize,
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
    pub run_ids: super::run_ids::RunIds,
    /// Retry notices and the sign-in prompt (see `app::faults`).
    pub faults: super::faults::FaultState,
    /// The reply composer, the new-ticket form, drafts and replies sent.
    pub compose: super::composer::ComposeState,
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
        }
    }

    /// The time and id of a bulk run planned now (the last tick's clock).
    pub fn run_stamp(&mut self) -> crate::bulk::RunStamp {
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

    pub fn current_view_mut(&mut self) -> &mut View {
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
    pub fn detail_beside(&self) -> bool {
        self.width >= 140
    }

    /// Whether a ticket is open with the keyboard: a detail over the list, or the preview
    /// beside it once focused (an unfocused preview leaves the keys to the list).
    pub fn detail_has_focus(&self) -> bool {
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
