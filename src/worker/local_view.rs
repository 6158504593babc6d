//! A view answered by the local store (issue 16, item 4): once a full sync of the store's
//! scope has finished, every stored ticket is loaded once (off the UI thread: decoding each
//! row costs ~0.7 s per 10,000 in debug), each kept slim and packed ([`Slim`]: ~0.3 KB
//! instead of a 672-byte `Ticket` and its heap), and a view is computed here: its definition
//! evaluated locally (a search through `api::query::eval`, a list's date filter by day as
//! the server compares it), then sorted by any column and narrowed by a filter typed with
//! `app::local`. Where the store cannot answer (no finished sync, a term on a field a
//! stored ticket lacks: `Match::Unknown`) the answer is `None` and the view stays the
//! server's: unknown is never guessed as a no.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::api::query::{Known, ListQuery, Match, QueryLookups, SortOrder};
use crate::api::{ApiDate, FieldDef, Ticket};
use crate::app::ViewSource;
use crate::app::facets::{FacetCounter, FacetEntry, FacetValue};
use crate::app::local::{Column, LiveFilter, LocalLookups, LocalNames, TicketRows, sort_ids};
use crate::app::store::{pack, unpack, unpack_head_into, unpack_words_into};
use crate::store::{Store, StoreError};

/// One stored ticket as the index keeps it: packed (the app's compact form), without what
/// no sort or filter of a view reads: the description (a query term on it then answers
/// `Unknown`, so a view defined by one stays the server's and a typed one counts its
/// tickets as not known here: never a guessed no), the url, the unknown fields kept
/// verbatim and the description's attachments. The app reads the rows it shows whole from
/// the store, by id.
#[derive(Default)]
struct Slim {
    id: u64,
    packed: Box<[u8]>,
}

impl Slim {
    fn of(mut ticket: Ticket) -> Slim {
        ticket.description = None;
        ticket.url = None;
        ticket.extra = Default::default();
        ticket.live.description_attachments = None;
        Slim {
            id: ticket.id,
            packed: pack(&ticket),
        }
    }
}

/// Each read unpacks the ticket (a sort reads each once; a query keystroke each ticket it
/// tests).
impl TicketRows for [Slim] {
    fn count(&self) -> usize {
        self.len()
    }
    fn ticket(&self, at: usize) -> Cow<'_, Ticket> {
        Cow::Owned(unpack(&self[at].packed))
    }
    fn with_head(&self, at: usize, read: &mut dyn FnMut(&Ticket)) {
        HEAD.with_borrow_mut(|head| {
            unpack_head_into(&self[at].packed, head);
            read(head);
        });
    }
    fn with_words(&self, at: usize, read: &mut dyn FnMut(&Ticket)) {
        WORDS.with_borrow_mut(|words| {
            unpack_words_into(&self[at].packed, words);
            read(words);
        });
    }
}

thread_local! {
    /// The one ticket the heads are unpacked into, in turn, on the thread that sorts or
    /// filters.
    static HEAD: std::cell::RefCell<Ticket> = std::cell::RefCell::new(Ticket::default());
    /// The same for a bare word's fields (its other fields stay at their defaults).
    static WORDS: std::cell::RefCell<Ticket> = std::cell::RefCell::new(Ticket::default());
}

/// Every stored ticket, each as far as it is known, from a finished sync.
pub struct LocalIndex {
    tickets: Vec<Slim>,
    known: Vec<Known>,
    /// When the sync this copy follows ended (epoch seconds, this machine's clock).
    pub as_of: i64,
    /// Moves when the tickets change, so the live filter starts again.
    generation: u64,
    /// Moves when the names change (see [`LocalIndex::use_names`]).
    names_generation: u64,
    /// The last view computed: its definition, sort and the tickets' generation (a
    /// keystroke then only filters it).
    /// The view's tickets are the first `len` of `tickets`, in its order (moved there, never
    /// copied).
    view: Option<(ViewKey, usize)>,
    /// Where each ticket is in `tickets`.
    at: HashMap<u64, usize>,
    /// Counts the views computed, so the live filter never narrows across two of them.
    views_made: u64,
    filter: LiveFilter,
    /// The names the last view was made with: others sort and match differently.
    names: Option<Arc<LocalNames>>,
}

/// A view's definition, sort, the tickets' generation and the names' (0 when neither its
/// definition nor its sort reads names).
type ViewKey = (ViewSource, Column, SortOrder, u64, u64);

/// A view's rows as the store answers them, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRows {
    pub ids: Vec<u64>,
    /// How many tickets the view's definition let through before the typed filter.
    pub in_view: usize,
    /// How many of those the typed filter (a query) cannot answer for without the server
    /// (a contact's name not known, say): left out of `ids`, counted so the view says so.
    pub unknown: usize,
}

/// Whether `date` is within the list's day range (the server compares these dates by day);
/// `None` when the range applies and the date is not known.
fn within(date: Option<ApiDate>, from: Option<ApiDate>, to: Option<ApiDate>) -> Option<bool> {
    if from.is_none() && to.is_none() {
        return Some(true);
    }
    let day = date?.date();
    Some(from.is_none_or(|f| day >= f.date()) && to.is_none_or(|t| day <= t.date()))
}

fn list_match(query: &ListQuery, ticket: &Ticket) -> Match {
    let answers = [
        within(ticket.created, query.created_start, query.created_end),
        within(ticket.updated, query.updated_start, query.updated_end),
    ];
    if answers.contains(&Some(false)) {
        Match::No
    } else if answers.contains(&None) {
        Match::Unknown
    } else {
        Match::Yes
    }
}

/// No names: people and groups sort by id, contact terms are unknown.
pub struct NoNames;

impl QueryLookups for NoNames {
    fn contact_name(&self, _contact_id: u64) -> Option<&str> {
        None
    }
    fn field_def(&self, _key: &str) -> Option<&FieldDef> {
        None
    }
}

impl LocalLookups for NoNames {
    fn agent_name(&self, _agent_id: u64) -> Option<&str> {
        None
    }
    fn group_name(&self, _group_id: u64) -> Option<&str> {
        None
    }
}

/// The most stored tickets a view is answered locally for. Each is held here slim and
/// packed (~0.3 KB with its share of the index), and the app holds only the tickets of the
/// rows around the screen (`app::update::local_view`): with All open the console measured
/// 80.8 MiB at 100,000 and 93.6 MiB (peak 99.7) at 120,000, debug builds
/// (BENCHMARKS.md, "Memory with the store"). Above this the views stay the server's, as
/// without a store: the index grows with the store (~0.6 KB a ticket all told), and a
/// store's tickets may be bigger than the sandbox's.
pub const MAX_TICKETS: u64 = 110_000;

impl LocalIndex {
    /// The stored tickets, when a full sync of the store's scope has finished; `None`
    /// before (a view then stays the server's).
    pub fn load(store: &Store) -> Result<Option<LocalIndex>, StoreError> {
        LocalIndex::load_at_most(store, MAX_TICKETS)
    }

    /// As [`LocalIndex::load`], `None` too when the store holds more than `max` tickets.
    pub fn load_at_most(store: &Store, max: u64) -> Result<Option<LocalIndex>, StoreError> {
        if store.counts()?.0 > max {
            return Ok(None);
        }
        let Some(scope) = store.scope()? else {
            return Ok(None);
        };
        let state = store.sync_state(scope)?;
        let (None, Some(as_of)) = (&state.full, state.last_sync) else {
            return Ok(None);
        };
        // One at a time, slimmed as read: the whole tickets are never all held at once.
        let mut tickets = Vec::new();
        let mut known = Vec::new();
        store.each_stored(|stored| {
            let (ticket, how) = stored.known();
            tickets.push(Slim::of(ticket));
            known.push(how);
        })?;
        tickets.shrink_to_fit();
        known.shrink_to_fit();
        Ok(Some(LocalIndex::holding(tickets, known, as_of)))
    }

    /// Where each ticket is, after they moved.
    fn place(&mut self) {
        self.at = self
            .tickets
            .iter()
            .enumerate()
            .map(|(at, ticket)| (ticket.id, at))
            .collect();
    }

    /// An index of tickets read in full (benches: the store's own load decodes each row).
    pub fn from_tickets(mut tickets: Vec<Ticket>, as_of: i64) -> LocalIndex {
        tickets.sort_by_key(|ticket| ticket.id);
        tickets.dedup_by_key(|ticket| ticket.id);
        let mut tickets: Vec<Slim> = tickets.into_iter().map(Slim::of).collect();
        // Collected in place, the vector keeps the whole tickets' allocation (28 slots a
        // ticket): give it back.
        tickets.shrink_to_fit();
        let known = vec![Known::Full; tickets.len()];
        LocalIndex::holding(tickets, known, as_of)
    }

    /// An index of these tickets (`known[i]` tells how much of `tickets[i]` is known) as
    /// of the sync that ended at `as_of`, no view made yet. One constructor, so that the
    /// store's load and the benches' start from the same blank state.
    fn holding(tickets: Vec<Slim>, known: Vec<Known>, as_of: i64) -> LocalIndex {
        let mut index = LocalIndex {
            tickets,
            known,
            as_of,
            generation: 0,
            names_generation: 0,
            view: None,
            at: HashMap::new(),
            views_made: 0,
            filter: LiveFilter::new(),
            names: None,
        };
        index.place();
        index
    }

    /// The names the next answers use: when they differ from the last ones, the view is
    /// sorted and filtered again from scratch.
    pub fn use_names(&mut self, names: &Arc<LocalNames>) {
        if self.names.as_deref() != Some(names.as_ref()) {
            self.names = Some(names.clone());
            // Only what reads names is made again: a view sorted by them (or defined by a
            // search, whose terms may read a contact's name or a field's definition), and
            // the filter's answer (its folded fields hold no name). The names of the rows
            // on screen arrive after a view is shown: the next key must not pay a sort.
            self.names_generation += 1;
            self.filter.names_changed();
        }
    }

    /// The tickets of `ids` as held here (slim: no description, no url), for a reader
    /// without the store (benches): those known in full, then the search hits.
    pub fn tickets_of(&self, ids: &[u64]) -> (Vec<Ticket>, Vec<Ticket>) {
        let mut full = Vec::new();
        let mut hits = Vec::new();
        for id in ids {
            let Some(&at) = self.at.get(id) else {
                continue;
            };
            let ticket = unpack(&self.tickets[at].packed);
            match self.known[at] {
                Known::Full => full.push(ticket),
                Known::SearchHit => hits.push(ticket),
            }
        }
        (full, hits)
    }

    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// The bytes the tickets take here: their packed forms and the vectors and the map
    /// that hold them (the allocator's own overhead, ~16 bytes a block, not counted).
    pub fn held_bytes(&self) -> usize {
        let packed: usize = self.tickets.iter().map(|slim| slim.packed.len()).sum();
        packed
            + self.tickets.capacity() * size_of::<Slim>()
            + self.known.capacity() * size_of::<Known>()
            + self.at.capacity() * (size_of::<(u64, usize)>() + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Puts tickets the server answered since (a sync, this console's own changes) in
    /// place, as full or partial answers.
    pub fn put(&mut self, tickets: Vec<Ticket>, known: Known) {
        for ticket in tickets {
            match self.at.get(&ticket.id) {
                Some(&at) => {
                    // A search hit no newer than the full ticket held tells nothing new:
                    // the full one stays (a view reloaded through searches after this
                    // console's own change would else leave every store view unknown).
                    if known == Known::SearchHit
                        && self.known[at] == Known::Full
                        && matches!(
                            (unpack(&self.tickets[at].packed).updated, ticket.updated),
                            (Some(held), Some(hit)) if hit <= held
                        )
                    {
                        continue;
                    }
                    // A newer search hit over a full ticket: only what a hit tells is
                    // known now.
                    self.known[at] = known;
                    self.tickets[at] = Slim::of(ticket);
                }
                None => {
                    self.at.insert(ticket.id, self.tickets.len());
                    self.tickets.push(Slim::of(ticket));
                    self.known.push(known);
                }
            }
        }
        self.generation += 1;
    }

    /// The view's rows, sorted by `column` and narrowed by `filter`; `None` when a stored
    /// ticket cannot be told in or out of the view's definition without the server (what
    /// the typed filter cannot answer is only counted: the view itself is still exact).
    pub fn answer(
        &mut self,
        source: &ViewSource,
        column: &Column,
        order: SortOrder,
        filter: &str,
        lookups: &dyn LocalLookups,
    ) -> Option<LocalRows> {
        let reads_names = matches!(source, ViewSource::Search(_))
            || matches!(
                column,
                Column::Assignee
                    | Column::Group
                    | Column::Contact
                    | Column::Breach
                    | Column::Custom(_)
            );
        let names = if reads_names {
            self.names_generation
        } else {
            0
        };
        let key: ViewKey = (
            source.clone(),
            column.clone(),
            order,
            self.generation,
            names,
        );
        if self.view.as_ref().is_none_or(|(made, _)| *made != key) {
            self.view = None;
            let len = self.sort_view(source, column, order, lookups)?;
            self.views_made += 1;
            self.view = Some((key, len));
        }
        let (_, len) = self.view.as_ref()?;
        let sorted = &self.tickets[..*len];
        let (places, known) = (&self.at, &self.known);
        // Read in full, every one (an admin's store): no look-up per ticket and keystroke.
        let all_full = known.iter().all(|k| *k == Known::Full);
        let known_of = |ticket: &Ticket| {
            if all_full {
                return Known::Full;
            }
            places
                .get(&ticket.id)
                .map_or(Known::SearchHit, |&at| known[at])
        };
        let rows = self
            .filter
            .apply(filter, sorted, self.views_made, &known_of, lookups);
        Some(LocalRows {
            ids: rows.rows.iter().map(|&at| sorted[at].id).collect(),
            in_view: sorted.len(),
            unknown: rows.unknown.len(),
        })
    }

    /// Folds the plain filter's fields of the last view computed, ahead of the first
    /// keystroke of `f` (run after the view's answer is sent: at 100,000 tickets it takes
    /// about as long as a sort, which no keystroke should pay).
    pub fn prepare_filter(&mut self) {
        if let Some((_, len)) = &self.view {
            let sorted = &self.tickets[..*len];
            self.filter.prepare(sorted, self.views_made);
        }
    }

    /// Narrows `rows` to the tickets with `value` (the view's quick filter): one whose field
    /// is not known is left out, as the app's facets count it for no value.
    pub fn narrow(&self, rows: &mut LocalRows, value: &FacetValue) {
        rows.ids.retain(|id| {
            self.at
                .get(id)
                .is_some_and(|&at| value.matches(&unpack(&self.tickets[at].packed)) == Some(true))
        });
    }

    /// The facets of the tickets of `ids`, each unpacked in turn.
    pub fn facets(&self, ids: &[u64]) -> Vec<FacetEntry> {
        let mut counter = FacetCounter::default();
        for id in ids {
            if let Some(&at) = self.at.get(id) {
                counter.add(&unpack(&self.tickets[at].packed));
            }
        }
        counter.entries()
    }

    /// Moves the view's tickets to the front, in the order of `column`, and answers how
    /// many they are; `None` when one cannot be told in or out without the server.
    fn sort_view(
        &mut self,
        source: &ViewSource,
        column: &Column,
        order: SortOrder,
        lookups: &dyn LocalLookups,
    ) -> Option<usize> {
        let mut in_view = Vec::with_capacity(self.tickets.len());
        for (slim, known) in self.tickets.iter().zip(&self.known) {
            let ticket = unpack(&slim.packed);
            let answer = match source {
                ViewSource::Search(query) => query.matches(&ticket, *known, lookups),
                ViewSource::List(query) => list_match(query, &ticket),
            };
            match answer {
                Match::Yes => in_view.push(true),
                Match::No => in_view.push(false),
                Match::Unknown => return None,
            }
        }
        // The view's tickets to the front (swapped, the flags with them).
        let mut len = 0;
        for at in 0..in_view.len() {
            if in_view[at] {
                self.tickets.swap(len, at);
                self.known.swap(len, at);
                in_view.swap(len, at);
                len += 1;
            }
        }
        let ids = sort_ids(&self.tickets[..len], column, order, lookups);
        let front: HashMap<u64, usize> = self.tickets[..len]
            .iter()
            .enumerate()
            .map(|(at, ticket)| (ticket.id, at))
            .collect();
        let order: Vec<usize> = ids.iter().filter_map(|id| front.get(id).copied()).collect();
        // Moved into their order, never cloned.
        let mut tickets: Vec<Slim> = self.tickets.drain(..len).collect();
        let known: Vec<Known> = self.known.drain(..len).collect();
        let sorted: Vec<Slim> = order
            .iter()
            .map(|&at| std::mem::take(&mut tickets[at]))
            .collect();
        let sorted_known: Vec<Known> = order.iter().map(|&at| known[at]).collect();
        let len = sorted.len();
        self.tickets.splice(0..0, sorted);
        self.known.splice(0..0, sorted_known);
        self.place();
        Some(len)
    }
}
