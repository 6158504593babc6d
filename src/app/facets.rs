//! Quick filters (issue 17, item 5): `F` opens the view's facets (status, priority,
//! assignee, group, tags), each value with how many of the view's rows have it; picking one
//! narrows the view, the tab shows it, `X` clears it.
//!
//! How a pick narrows (`update::facets`):
//! - a view from the local store: the worker narrows its answer by the value, exactly over
//!   every ticket of the view (after the typed filter `f`);
//! - a server search view: the value becomes one more term of the search
//!   (`ticketStatus:2`, `tagList:vip`), so the server narrows every page, not only those
//!   loaded;
//! - a server list view (the list call has no such filters): refused with a note, until
//!   the store answers it.
//!
//! Counts are over every row of the view: for a store view the worker counts them over its
//! index (the app holds only the rows near the screen), for a server view over the loaded
//! pages, which the menu says. A row whose field is not known counts for no value and
//! never matches one.

use crate::api::{IdField, Priority, SearchTerm, Ticket, TicketStatus};

/// What the facets' keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetAction {
    /// `F`: open the facets of the view in front.
    Open,
    /// An entry's own key (the nth entry, 0-based).
    Pick(usize),
    /// Enter: the highlighted entry.
    PickSelected,
    /// `X`: the view without its quick filter.
    Clear,
    /// Ctrl-S: the prompt for a name to save the view as (its search, date filter, quick
    /// filter and typed filter) in the config file.
    SaveView,
}

/// One value a view can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FacetValue {
    Status(TicketStatus),
    Priority(Priority),
    /// An agent, or nobody (`None`).
    Assignee(Option<u64>),
    /// A group, or none.
    Group(Option<u64>),
    Tag(String),
}

/// The most values offered of the assignees, the groups and the tags: the most frequent,
/// so the menu keeps to a screen.
pub const MAX_VALUES: usize = 12;

impl FacetValue {
    /// Whether a ticket has this value; `None` when its field is not known.
    pub fn matches(&self, ticket: &Ticket) -> Option<bool> {
        let person = |field: IdField, want: Option<u64>| field.known().map(|id| id == want);
        match self {
            FacetValue::Status(status) => ticket.status.map(|s| s == *status),
            FacetValue::Priority(priority) => ticket.priority.map(|p| p == *priority),
            FacetValue::Assignee(want) => person(ticket.assignee_id, *want),
            FacetValue::Group(want) => person(ticket.group_id, *want),
            FacetValue::Tag(tag) => ticket.tags.as_ref().map(|tags| tags.contains(tag)),
        }
    }

    /// The search term that asks the server for it; `None` for a tag the search language
    /// cannot say (a space or a comma in it).
    pub fn term(&self) -> Option<SearchTerm> {
        let (field, value) = match self {
            FacetValue::Status(status) => ("ticketStatus", status.code().to_string()),
            FacetValue::Priority(priority) => ("priorityLevel", priority.code().to_string()),
            FacetValue::Assignee(id) => ("servicerUserId", id.unwrap_or(0).to_string()),
            FacetValue::Group(id) => ("servicerGroupId", id.unwrap_or(0).to_string()),
            FacetValue::Tag(tag) => {
                if tag.is_empty() || tag.contains([' ', '\u{3000}', ',', '，']) {
                    return None;
                }
                ("tagList", tag.clone())
            }
        };
        Some(SearchTerm::Field {
            field: field.to_string(),
            values: vec![value],
        })
    }

    /// Which facet it belongs to, in the menu's order.
    pub fn facet(&self) -> u8 {
        match self {
            FacetValue::Status(_) => 0,
            FacetValue::Priority(_) => 1,
            FacetValue::Assignee(_) => 2,
            FacetValue::Group(_) => 3,
            FacetValue::Tag(_) => 4,
        }
    }
}

/// One line of the menu: a value and how many rows have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetEntry {
    pub value: FacetValue,
    pub count: usize,
}

/// The facets shown (`F`): computed when opened, from the rows the view held then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetMenu {
    pub entries: Vec<FacetEntry>,
    pub selected: usize,
    /// The rows counted.
    pub rows: usize,
    /// The server holds more rows than were loaded: the counts are of those loaded.
    pub partial: bool,
}

/// The facets of `tickets`: statuses and priorities in code order, people and groups by
/// count, tags by count (of each, the [`MAX_VALUES`] most frequent); ties by value.
pub fn entries<'a>(tickets: impl IntoIterator<Item = &'a Ticket>) -> Vec<FacetEntry> {
    let mut counter = FacetCounter::default();
    for ticket in tickets {
        counter.add(ticket);
    }
    counter.entries()
}

/// Counts the facets one ticket at a time (the worker's index unpacks each in turn, never
/// holding them all).
#[derive(Debug, Default)]
pub struct FacetCounter {
    counts: std::collections::HashMap<FacetValue, usize>,
}

impl FacetCounter {
    pub fn add(&mut self, ticket: &Ticket) {
        let mut add = |value| *self.counts.entry(value).or_default() += 1;
        if let Some(status) = ticket.status {
            add(FacetValue::Status(status));
        }
        if let Some(priority) = ticket.priority {
            add(FacetValue::Priority(priority));
        }
        if let Some(id) = ticket.assignee_id.known() {
            add(FacetValue::Assignee(id));
        }
        if let Some(id) = ticket.group_id.known() {
            add(FacetValue::Group(id));
        }
        for tag in ticket.tags.iter().flatten() {
            add(FacetValue::Tag(tag.clone()));
        }
    }

    /// The menu's entries, in its order.
    pub fn entries(self) -> Vec<FacetEntry> {
        ranked(self.counts)
    }
}

fn ranked(counts: std::collections::HashMap<FacetValue, usize>) -> Vec<FacetEntry> {
    let mut entries: Vec<FacetEntry> = counts
        .into_iter()
        .map(|(value, count)| FacetEntry { value, count })
        .collect();
    let rank = |entry: &FacetEntry| match &entry.value {
        FacetValue::Status(s) => (0, 0, s.code(), String::new()),
        FacetValue::Priority(p) => (1, 0, -p.code(), String::new()),
        FacetValue::Assignee(id) => (
            2,
            -(entry.count as i64),
            id.map_or(0, |i| i as i64),
            String::new(),
        ),
        FacetValue::Group(id) => (
            3,
            -(entry.count as i64),
            id.map_or(0, |i| i as i64),
            String::new(),
        ),
        FacetValue::Tag(tag) => (4, -(entry.count as i64), 0, tag.clone()),
    };
    entries.sort_by_key(|entry| rank(entry));
    let mut kept = [0usize; 5];
    entries.retain(|entry| {
        let facet = usize::from(entry.value.facet());
        kept[facet] += 1;
        facet < 2 || kept[facet] <= MAX_VALUES
    });
    entries
}
