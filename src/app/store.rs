//! Where the console keeps tickets, compactly, and the cache of list row text.
//!
//! Every ticket carries a generation, bumped each time it is inserted or borrowed mutably,
//! so the list can cache a row's text (cleaned, cut to its column, measured in display
//! columns) and rebuild it only when the ticket changed, not on every frame.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use ratatui::text::Line;

use crate::api::Ticket;

/// A ticket and the generation it was last changed at.
#[derive(Debug, Clone)]
struct Entry {
    ticket: Ticket,
    generation: u64,
}

/// Every ticket seen, by id, with a change generation per ticket. The map-like methods
/// match `HashMap`'s so callers read as before; [`TicketStore::get_mut`] and
/// [`TicketStore::insert`] bump the ticket's generation.
#[derive(Debug, Clone, Default)]
pub struct TicketStore {
    entries: HashMap<u64, Entry>,
    next_generation: u64,
}

impl TicketStore {
    pub fn new() -> TicketStore {
        TicketStore::default()
    }

    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    /// Stores a ticket, compacted: fields the console never reads are dropped (`extra`, the
    /// unknown fields kept for a verbatim round trip, which the console never sends back)
    /// and every buffer is shrunk to fit.
    pub fn insert(&mut self, id: u64, ticket: Ticket) -> Option<Ticket> {
        let generation = self.bump();
        let ticket = self.compact(ticket);
        self.entries
            .insert(id, Entry { ticket, generation })
            .map(|old| old.ticket)
    }

    fn compact(&mut self, mut ticket: Ticket) -> Ticket {
        ticket.extra = serde_json::Map::new();
        ticket.subject.shrink_to_fit();
        if let Some(text) = &mut ticket.description {
            text.shrink_to_fit();
        }
        if let Some(url) = &mut ticket.url {
            url.shrink_to_fit();
        }
        for tag in &mut ticket.tags {
            tag.shrink_to_fit();
        }
        ticket.tags.shrink_to_fit();
        ticket.cc_user_ids.shrink_to_fit();
        ticket.cc_group_ids.shrink_to_fit();
        ticket.custom_fields.shrink_to_fit();
        ticket.tables.shrink_to_fit();
        ticket
    }

    pub fn get(&self, id: &u64) -> Option<&Ticket> {
        self.entries.get(id).map(|entry| &entry.ticket)
    }

    /// The ticket, to change: its generation is bumped, so its cached row is rebuilt.
    pub fn get_mut(&mut self, id: &u64) -> Option<&mut Ticket> {
        let generation = self.bump();
        self.entries.get_mut(id).map(|entry| {
            entry.generation = generation;
            &mut entry.ticket
        })
    }

    pub fn remove(&mut self, id: &u64) -> Option<Ticket> {
        self.entries.remove(id).map(|entry| entry.ticket)
    }

    /// The generation the ticket was last changed at (0 when unknown).
    pub fn generation(&self, id: u64) -> u64 {
        self.entries.get(&id).map_or(0, |entry| entry.generation)
    }

    pub fn contains_key(&self, id: &u64) -> bool {
        self.entries.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &u64> {
        self.entries.keys()
    }

    pub fn values(&self) -> impl Iterator<Item = &Ticket> {
        self.entries.values().map(|entry| &entry.ticket)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u64, &Ticket)> {
        self.entries.iter().map(|(id, entry)| (id, &entry.ticket))
    }
}

impl std::ops::Index<&u64> for TicketStore {
    type Output = Ticket;

    /// Panics when the ticket is unknown, as `HashMap`'s index does (tests use it).
    fn index(&self, id: &u64) -> &Ticket {
        match self.get(id) {
            Some(ticket) => ticket,
            None => panic!("no ticket {id} in the store"),
        }
    }
}

impl PartialEq for TicketStore {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .iter()
                .all(|(id, ticket)| other.get(id) == Some(ticket))
    }
}

/// Shared strings: one `Arc<str>` per distinct text (names repeat over thousands of rows).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    strings: std::collections::HashSet<Arc<str>>,
}

impl Interner {
    /// Remembers `text` and returns its shared copy.
    pub fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.strings.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.strings.insert(shared.clone());
        shared
    }

    pub fn get(&self, text: &str) -> Option<Arc<str>> {
        self.strings.get(text).cloned()
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// What a cached row was built from, besides the ticket itself: if any of it differs now,
/// the row is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowInputs {
    pub generation: u64,
    /// The contact's and assignee's names as looked up when the row was built.
    pub contact: Option<Arc<str>>,
    pub assignee: Option<Arc<str>>,
    /// Minutes since the ticket's update when built ("3m ago" moves with the clock).
    pub age_minutes: Option<i64>,
}

/// One row's cells (everything right of the gutter), built once.
#[derive(Debug, Clone)]
pub struct CachedRow {
    pub inputs: RowInputs,
    pub line: Line<'static>,
}

/// Row text by ticket id for one column layout; a new layout (width, language, colour,
/// column set) empties it.
#[derive(Debug, Clone, Default)]
pub struct RowCacheInner {
    /// The layout the rows were built for, as a key the list defines.
    pub layout: Vec<(u8, usize)>,
    pub layout_flags: (u8, bool),
    pub rows: HashMap<u64, CachedRow>,
    /// Contact and agent names, shared by every row that shows them.
    pub names: Interner,
    /// How many rows were built (misses), for tests and benchmarks.
    pub builds: u64,
}

/// The list's row cache. It sits behind a `RefCell` because panes render from `&App`;
/// it holds only derived text, never state `update` reads.
#[derive(Debug, Clone, Default)]
pub struct RowCache(pub RefCell<RowCacheInner>);

/// More rows than any screen shows many times over; past it the cache starts again.
pub const ROW_CACHE_LIMIT: usize = 8192;

impl RowCache {
    /// Rows built so far (cache misses).
    pub fn builds(&self) -> u64 {
        self.0.borrow().builds
    }

    pub fn len(&self) -> usize {
        self.0.borrow().rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.borrow().rows.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn generation_moves_on_change_only() {
        let mut store = TicketStore::new();
        store.insert(
            1,
            Ticket {
                id: 1,
                ..Ticket::default()
            },
        );
        let first = store.generation(1);
        let _ = store.get(&1);
        assert_eq!(store.generation(1), first);
        store.get_mut(&1).unwrap().subject = "x".into();
        assert!(store.generation(1) > first);
        assert_eq!(store.generation(2), 0);
    }

    #[test]
    fn extra_fields_are_dropped() {
        let mut store = TicketStore::new();
        let mut ticket = Ticket {
            id: 1,
            tags: vec!["vip".into()],
            ..Ticket::default()
        };
        ticket.extra.insert("x".into(), serde_json::json!({"a": 1}));
        store.insert(1, ticket);
        assert!(store[&1].extra.is_empty());
        assert_eq!(store[&1].tags, vec!["vip".to_string()]);
    }
}
