//! The lists of tickets: a view's definition and source, its sort and date filter, its
//! loaded rows and the pages in flight (a refresh, a deep jump), and the search results.

use super::*;

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
    /// The list's columns in order (config `columns`); `None`: the default set, fitted to
    /// the width.
    pub columns: Option<Vec<crate::app::columns::ListColumn>>,
}

impl ViewSpec {
    /// The default views: new, open and pending (searches by status) and all (the list, or
    /// a search over every status for an agent).
    pub(crate) fn defaults() -> Vec<ViewSpec> {
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
                columns: None,
            },
            ViewSpec {
                name: ViewName::Open,
                source: ViewSource::Search(by_status("2")),
                fallback: None,
                columns: None,
            },
            ViewSpec {
                name: ViewName::Pending,
                source: ViewSource::Search(by_status("3")),
                fallback: None,
                columns: None,
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
                columns: None,
            },
        ]
    }
}

/// Which time a view is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortField {
    Created,
    Updated,
    Status,
}

/// A view's sort; `None` in [`View::sort`] is the server's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub(crate) field: SortField,
    pub(crate) order: SortOrder,
}

/// A date-range filter on created or updated time, both ends inclusive, either optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateFilter {
    pub(crate) field: SortField,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
}

/// A view computed from the local store (issue 16): its sort over any column, the filter
/// typed, and the request awaited (an answer to any other is stale and dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalSort {
    pub column: crate::app::local::Column,
    pub order: SortOrder,
    pub filter: String,
    pub(crate) awaiting: Option<RequestId>,
    /// When the sync the rows follow ended (the server's zone); `None` until the store's
    /// first answer: until then the view is the server's.
    pub as_of: Option<chrono::NaiveDateTime>,
    /// Tickets of the view the filter cannot answer for without the server.
    pub unknown: usize,
    /// Rows whose tickets were asked of the worker since the rows were set (landed or
    /// not: an id the store no longer holds is not asked again).
    pub(crate) asked: HashSet<u64>,
    /// The tickets this view brought into the app, oldest first: those far from the screen
    /// are let go again past a bound, so a 100,000-row view holds a window of them.
    pub(crate) held: std::collections::VecDeque<u64>,
    /// `F` was pressed: the facets open with the worker's counts over every row, which
    /// the next answer carries.
    pub(crate) facets_wanted: bool,
}

impl LocalSort {
    /// The first sort of a view going local: what the server showed (newest activity
    /// first) unless the view had a sort of its own.
    pub(crate) fn from_server(sort: Option<Sort>) -> LocalSort {
        use crate::app::local::Column;
        let (column, order) = match sort {
            Some(Sort { field, order }) => (
                match field {
                    SortField::Created => Column::Created,
                    SortField::Updated => Column::Updated,
                    SortField::Status => Column::Status,
                },
                order,
            ),
            None => (Column::Updated, SortOrder::Desc),
        };
        LocalSort {
            column,
            order,
            filter: String::new(),
            awaiting: None,
            as_of: None,
            unknown: 0,
            asked: HashSet::new(),
            held: std::collections::VecDeque::new(),
            facets_wanted: false,
        }
    }

    /// Whether the store answers the rows shown.
    pub fn answered(&self) -> bool {
        self.as_of.is_some()
    }
}

/// A reload of pages 1..=n in flight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refresh {
    /// Request id to page number.
    pub requests: HashMap<RequestId, u32>,
    /// Ids per page, as pages arrive.
    pub(crate) pages: BTreeMap<u32, Vec<u64>>,
    pub(crate) pages_wanted: u32,
    pub total: Option<u64>,
    pub(crate) more_after_last: bool,
    /// Marks rows that changed (automatic refresh) instead of just updating them.
    pub(crate) mark_changes: bool,
    /// Only some of the loaded pages are read again (`requests`); the others keep their
    /// rows (`pages_wanted` is then the loaded count).
    pub(crate) partial: bool,
    /// (Partial) the pages not read become stale (`View::stale_pages`): a reload. Not so
    /// when stale pages scrolled to are read: the others are as fresh as they were.
    pub(crate) rest_stale: bool,
}

/// `G` with the total known: the pages from the next to the last are asked several at a
/// time (`Settings::page_concurrency`) and put in place in order as they arrive.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Jump {
    /// Request id to page number, in flight.
    pub requests: HashMap<RequestId, u32>,
    /// Pages that came before an earlier one: their ids, and whether more follow.
    pub(crate) arrived: BTreeMap<u32, (Vec<u64>, bool)>,
    /// The page to put in place next.
    pub(crate) next_append: u32,
    /// The page to ask for next.
    pub(crate) next_ask: u32,
    /// The last page, from the total.
    pub(crate) last: u32,
}

/// One list of tickets: a tab, or the search results.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub spec: ViewSpec,
    /// Ticket ids in the order shown; the tickets live in [`App::tickets`]. Change it
    /// through [`View::set_ids`] / [`View::append_ids`] so the index below stays right.
    pub ids: Vec<u64>,
    /// The same ids as a set, so appending a page costs the page, not the whole view.
    pub(crate) id_set: HashSet<u64>,
    /// The largest id shown (the id column's width), kept as rows arrive.
    pub(crate) max_id: u64,
    /// The total the server reported.
    pub total: Option<u64>,
    /// The next page to fetch; `None` once the last page has arrived.
    pub next_page: Option<u32>,
    /// Pages received so far.
    pub(crate) pages_loaded: u32,
    /// How many rows each loaded page gave, in page order (repeats dropped), so that a
    /// refresh can read again only the pages on screen and put their rows in place. Out of
    /// step with `pages_loaded` (rows set another way): a refresh reads every page.
    pub(crate) page_lens: Vec<usize>,
    /// Loaded pages not read again by the last refreshes: their rows show until they are
    /// scrolled to, which reads them again.
    pub stale_pages: BTreeSet<u32>,
    /// A deep jump (`G`) under way.
    pub(crate) jump: Option<Jump>,
    /// The page fetch in flight.
    pub loading: Option<(RequestId, u32)>,
    pub refresh: Option<Refresh>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    pub(crate) sort: Option<Sort>,
    pub(crate) date_filter: Option<DateFilter>,
    /// Rows changed by an automatic refresh and not yet looked at.
    pub changed: HashSet<u64>,
    /// The last load error of this view, shown in place of an empty list.
    pub error: Option<crate::app::notice::ViewError>,
    /// Tickets were changed from this console while the view was not shown (a bulk run, a
    /// status change, a new ticket): its rows and count are reloaded when it is shown again.
    pub stale: bool,
    /// The rows are the local store's, as the server gave them at this time (the server's
    /// zone), until the server's own first page arrives.
    pub as_of: Option<chrono::NaiveDateTime>,
    /// Computed from the local store once a full sync finished (or asked to be).
    pub local: Option<LocalSort>,
    /// The quick filter picked from the facets (`F`), cleared with `X`.
    pub quick: Option<crate::app::facets::FacetValue>,
    /// Tickets of the view past a running SLA target (`app::sla::count_breached`).
    pub breached: usize,
    /// What `breached` was counted for: the rows (how many, the first and last), the
    /// store's stamp, the minute.
    pub(crate) breach_key: Option<(usize, (u64, u64), u64, i64)>,
}

impl View {
    pub(crate) fn new(spec: ViewSpec) -> View {
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
            as_of: None,
            local: None,
            breached: 0,
            breach_key: None,
            quick: None,
        }
    }

    /// Appends ids not already shown.
    pub(crate) fn append_ids(&mut self, ids: impl IntoIterator<Item = u64>) {
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
    pub(crate) fn pages_known(&self) -> bool {
        self.page_lens.len() == self.pages_loaded as usize
    }

    /// The loaded pages holding rows `from..to` (none when the layout is not known).
    pub(crate) fn pages_of_rows(&self, from: usize, to: usize) -> BTreeSet<u32> {
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

    pub(crate) fn is_search(&self) -> bool {
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
    pub(crate) fn list_query(&self, page: u32, per_page: u32) -> Option<ListQuery> {
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

    /// The search query of page `page`, with this view's sort and filters, as the server
    /// is asked it (the quick filter included).
    pub(crate) fn search_query(&self, page: u32, per_page: u32) -> Option<SearchQuery> {
        self.search_query_with(page, per_page, true)
    }

    /// [`View::search_query`], with the quick filter or without it (the store's view
    /// narrows by it in the app: a term the stored search hits cannot answer would make
    /// the whole view unanswerable there).
    pub(crate) fn search_query_with(
        &self,
        page: u32,
        per_page: u32,
        quick: bool,
    ) -> Option<SearchQuery> {
        let ViewSource::Search(base) = &self.spec.source else {
            return None;
        };
        let mut query = base.clone();
        query.page = Some(page);
        query.per_page = Some(per_page);
        // The quick filter, asked of the server: every page is narrowed, not only those
        // loaded.
        if quick {
            query
                .terms
                .extend(self.quick.as_ref().and_then(|value| value.term()));
        }
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
    pub(crate) fn implied_status(&self) -> Option<TicketStatus> {
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

/// The search results shown over the tabs, with where the user came from.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchState {
    pub text: String,
    pub view: View,
    /// The tab and the ticket selected there when the search started.
    pub(crate) return_to: (usize, Option<u64>),
}
