//! Where the console keeps tickets, compactly.
//!
//! Every ticket carries a generation, bumped each time its data changes (a different copy
//! inserted, a change through [`TicketMut`]), so the view can cache a row's text (cleaned,
//! cut to its column, measured in display columns) and rebuild it only when the ticket
//! changed, not on every frame.
//!
//! Tickets are kept packed ([`codec`]): one buffer of a few hundred bytes each instead of a
//! 650-byte `Ticket` plus two dozen heap blocks, which is what lets 100,000 tickets fit in
//! well under 100 MiB (BENCHMARKS.md). Reading one unpacks a copy; changing one goes
//! through [`TicketMut`], which packs it again when dropped.

mod codec;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};

use crate::api::Ticket;

pub(crate) use codec::Summary;

/// A ticket in the packed form the store keeps (`extra` left out), for another holder of
/// many tickets: the local views' index in the worker.
pub(crate) fn pack(ticket: &Ticket) -> Box<[u8]> {
    codec::encode(ticket)
}

/// A ticket packed by [`pack`], unpacked.
pub(crate) fn unpack(packed: &[u8]) -> Ticket {
    codec::decode(packed)
}

/// The head of a ticket packed by [`pack`] into `ticket`, reusing its allocations (see
/// [`TicketRows::with_head`](crate::app::local::TicketRows::with_head)).
pub(crate) fn unpack_head_into(packed: &[u8], ticket: &mut Ticket) {
    codec::decode_head_into(packed, ticket)
}

/// The id, contact and subject of a ticket packed by [`pack`] into `ticket` (see
/// [`TicketRows::with_words`](crate::app::local::TicketRows::with_words)).
pub(crate) fn unpack_words_into(packed: &[u8], ticket: &mut Ticket) {
    codec::decode_words_into(packed, ticket)
}

/// A packed ticket and the generation it was last changed at.
#[derive(Clone)]
struct Entry {
    packed: Box<[u8]>,
    generation: u64,
}

/// Every ticket seen, by id, with a change generation per ticket. The map-like methods
/// follow `HashMap`'s, except that reads hand out unpacked copies ([`TicketStore::get`])
/// and writes a guard ([`TicketStore::get_mut`]); [`TicketStore::get_mut`] and
/// [`TicketStore::insert`] bump the ticket's generation.
#[derive(Clone, Default)]
pub struct TicketStore {
    entries: HashMap<u64, Entry>,
    next_generation: u64,
    /// Tickets the server sent that could not be read: why, and the generation of that
    /// news (for the row cache). A readable copy arriving later replaces the mark.
    unreadable: HashMap<u64, (String, u64)>,
}

impl std::fmt::Debug for TicketStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketStore")
            .field("tickets", &self.entries.len())
            .field("unreadable", &self.unreadable.len())
            .field("next_generation", &self.next_generation)
            .finish()
    }
}

impl TicketStore {
    pub(crate) fn new() -> TicketStore {
        TicketStore::default()
    }

    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    /// Stores a ticket, packed. `extra` (the unknown fields kept for a verbatim round
    /// trip, which the console never sends back) is not kept. Answers the ticket it
    /// replaced.
    pub fn insert(&mut self, id: u64, ticket: Ticket) -> Option<Ticket> {
        self.unreadable.remove(&id);
        let packed = codec::encode(&ticket);
        // The same ticket again (a refresh) keeps its generation: its row is still right.
        let generation = match self.entries.get(&id) {
            Some(old) if old.packed == packed => old.generation,
            _ => self.bump(),
        };
        self.entries
            .insert(id, Entry { packed, generation })
            .map(|old| codec::decode(&old.packed))
    }

    /// A copy of the ticket (unpacked; `extra` is always empty).
    pub fn get(&self, id: &u64) -> Option<Ticket> {
        self.entries
            .get(id)
            .map(|entry| codec::decode(&entry.packed))
    }

    /// A copy of the ticket with its description left out, and the description's bytes
    /// (UTF-8) borrowed from the store: for the detail, which lays the description out once
    /// and would otherwise copy it whole each frame (10 MB on a long mail thread).
    pub(crate) fn get_lean(&self, id: &u64) -> Option<(Ticket, Option<&[u8]>)> {
        self.entries
            .get(id)
            .map(|entry| codec::decode_lean(&entry.packed))
    }

    /// The fields a list row and its lookups need, read without unpacking the rest.
    pub(crate) fn summary(&self, id: &u64) -> Option<Summary> {
        self.entries
            .get(id)
            .map(|entry| codec::summary(&entry.packed))
    }

    /// The ticket, to change. The change is stored when the guard is dropped, and only a
    /// real change bumps its generation (so that only then is its cached row rebuilt).
    pub fn get_mut(&mut self, id: &u64) -> Option<TicketMut<'_>> {
        let next_generation = &mut self.next_generation;
        self.entries.get_mut(id).map(|entry| TicketMut {
            ticket: codec::decode(&entry.packed),
            entry,
            next_generation,
        })
    }

    /// How many tickets are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Lets a ticket go (the rows of a view from the store far from the screen: read again
    /// from the store when scrolled back to).
    pub(crate) fn remove(&mut self, id: &u64) {
        self.entries.remove(id);
    }

    /// Moves whenever any ticket changes: what a view computed over many tickets is keyed by.
    pub(crate) fn stamp(&self) -> u64 {
        self.next_generation
    }

    /// The generation the ticket was last changed at (0 when unknown).
    pub(crate) fn generation(&self, id: u64) -> u64 {
        self.entries
            .get(&id)
            .map(|entry| entry.generation)
            .or_else(|| self.unreadable.get(&id).map(|(_, generation)| *generation))
            .unwrap_or(0)
    }

    /// Records that the server sent ticket `id` but it could not be read, and why. A copy
    /// read earlier is dropped: it is no longer what the server holds, and a row must not
    /// show it as if it were.
    pub(crate) fn mark_unreadable(&mut self, id: u64, reason: String) {
        let generation = self.bump();
        self.entries.remove(&id);
        self.unreadable.insert(id, (reason, generation));
    }

    /// Why ticket `id` could not be read, if it could not.
    pub fn unreadable(&self, id: u64) -> Option<&str> {
        self.unreadable.get(&id).map(|(reason, _)| reason.as_str())
    }

    pub(crate) fn contains_key(&self, id: &u64) -> bool {
        self.entries.contains_key(id)
    }

    /// The group of every ticket that has one (with repeats), without unpacking tickets.
    pub(crate) fn group_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries
            .values()
            .filter_map(|entry| codec::summary(&entry.packed).group_id.id())
    }
}

/// A ticket of the store being changed; packed back into the store when dropped.
pub struct TicketMut<'a> {
    entry: &'a mut Entry,
    next_generation: &'a mut u64,
    ticket: Ticket,
}

impl Deref for TicketMut<'_> {
    type Target = Ticket;

    fn deref(&self) -> &Ticket {
        &self.ticket
    }
}

impl DerefMut for TicketMut<'_> {
    fn deref_mut(&mut self) -> &mut Ticket {
        &mut self.ticket
    }
}

impl Drop for TicketMut<'_> {
    fn drop(&mut self) {
        let packed = codec::encode(&self.ticket);
        if packed != self.entry.packed {
            *self.next_generation += 1;
            self.entry.generation = *self.next_generation;
            self.entry.packed = packed;
        }
    }
}

impl std::fmt::Debug for TicketMut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.ticket.fmt(f)
    }
}

impl PartialEq for TicketStore {
    fn eq(&self, other: &Self) -> bool {
        self.unreadable.len() == other.unreadable.len()
            && self.unreadable.iter().all(|(id, (reason, _))| {
                other
                    .unreadable
                    .get(id)
                    .is_some_and(|(theirs, _)| theirs == reason)
            })
            && self.entries.len() == other.entries.len()
            && self.entries.iter().all(|(id, entry)| {
                other.entries.get(id).is_some_and(|theirs| {
                    theirs.packed == entry.packed
                        || codec::decode(&theirs.packed) == codec::decode(&entry.packed)
                })
            })
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
        let changed = store.generation(1);
        assert!(changed > first);
        assert_eq!(store.get(&1).unwrap().subject, "x", "the change is kept");
        assert_eq!(store.generation(2), 0);
        // A borrow that changes nothing, or the same ticket again, is no change.
        store.get_mut(&1).unwrap().subject = "x".into();
        assert_eq!(store.generation(1), changed);
        let same = store.get(&1).unwrap();
        store.insert(1, same);
        assert_eq!(store.generation(1), changed);
        store.insert(
            1,
            Ticket {
                id: 1,
                ..Ticket::default()
            },
        );
        assert!(
            store.generation(1) > changed,
            "a different copy is a change"
        );
    }

    #[test]
    fn extra_fields_are_dropped() {
        let mut store = TicketStore::new();
        let mut ticket = Ticket {
            id: 1,
            tags: Some(vec!["vip".into()]),
            ..Ticket::default()
        };
        ticket.extra.insert("x".into(), serde_json::json!({"a": 1}));
        store.insert(1, ticket);
        let stored = store.get(&1).unwrap();
        assert!(stored.extra.is_empty());
        assert_eq!(stored.tags, Some(vec!["vip".to_string()]));
    }
}
