//! Filtering the tickets held as the user types.
//!
//! A text that parses as the vendor's search language ([`SearchQuery::parse`], the parser
//! the search line sends through) is that query, evaluated locally: the rows are the
//! tickets it answers `Yes` for, and those it cannot answer without the server (`Unknown`)
//! are counted apart, so the view can say so. A text that does not parse (a half-typed
//! `status:`, a quoted phrase with a space, `订单:1`) is a plain substring (its quotes
//! trimmed), case and width folded ([`fold_text`]), over id, subject, contact, assignee and
//! tags. Bare words (`订单 支付`) are read the same way, each word in those fields: they
//! narrow by what the rows show, never by the description (which the server's search also
//! reads, and which the store's index does not hold). Blank: every ticket.
//!
//! Incremental: when the new text can only narrow the last one (more terms, a word that
//! grew, a longer plain substring), only the last rows and unknowns are tested again, and
//! the answer is the same as from scratch (`tests/app_local.rs` checks it).

use crate::api::Ticket;
use crate::api::query::{Known, Match, SearchQuery, SearchTerm};

use super::{LocalLookups, TicketRows};

/// How the text was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterMode {
    /// Blank: every ticket.
    All,
    /// A query in the vendor's language.
    Query,
    /// A plain substring.
    Text,
}

/// A filter's answer, as positions in the slice given (so in its order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filtered {
    pub mode: FilterMode,
    /// The tickets that match.
    pub rows: Vec<usize>,
    /// The tickets a query cannot answer locally (a field they lack): only the server can.
    pub(crate) unknown: Vec<usize>,
}

/// What a text means, kept to tell whether the next text narrows it.
#[derive(Debug, Clone, PartialEq)]
enum Reading {
    All,
    Query(SearchQuery),
    /// Folded.
    Text(String),
    /// Bare words of the vendor's language, folded: each in the plain filter's fields.
    Words(Vec<String>),
}

impl Reading {
    fn of(text: &str) -> Reading {
        if text.trim().is_empty() {
            return Reading::All;
        }
        match SearchQuery::parse(text) {
            // Bare words narrow by what the rows show (as a plain text does), not by the
            // description too as the server's search would: the store's index holds no
            // description, and every ticket would be "not known" for a word.
            Ok(query) if query.terms.iter().all(|t| matches!(t, SearchTerm::Word(_))) => {
                Reading::Words(
                    query
                        .terms
                        .iter()
                        .filter_map(|term| match term {
                            SearchTerm::Word(word) => Some(fold_text(word)),
                            _ => None,
                        })
                        .collect(),
                )
            }
            Ok(query) => Reading::Query(query),
            // A quoted phrase is its inside: the server cannot take one with a space, but
            // a plain filter can.
            Err(_) => Reading::Text(fold_text(text.trim().trim_matches(['"', '“', '”']))),
        }
    }

    fn mode(&self) -> FilterMode {
        match self {
            Reading::All => FilterMode::All,
            Reading::Query(_) => FilterMode::Query,
            Reading::Text(_) | Reading::Words(_) => FilterMode::Text,
        }
    }

    /// Whether every ticket `self` lets through (or leaves unknown), `before` let through
    /// or left unknown too: then `self` needs to test only those.
    fn narrows(&self, before: &Reading) -> bool {
        match (before, self) {
            (Reading::All, _) => true,
            (Reading::Text(old), Reading::Text(new)) => new.contains(old.as_str()),
            // Every old word still there (or grown), new words only narrow.
            (Reading::Words(old), Reading::Words(new)) => {
                old.len() <= new.len()
                    && old
                        .iter()
                        .zip(new)
                        .all(|(old, new)| new.contains(old.as_str()))
            }
            (Reading::Query(old), Reading::Query(new)) => {
                // Every old term is still there, or a word that grew (id, subject and name
                // containing the longer word contain the shorter); new terms only narrow.
                old.terms.len() <= new.terms.len()
                    && old.terms.iter().zip(&new.terms).all(|pair| match pair {
                        (SearchTerm::Word(old), SearchTerm::Word(new)) => {
                            // Σ lowercases by context, so a longer word may fold it apart.
                            new.contains(old.as_str()) && !old.contains('Σ')
                        }
                        (old, new) => old == new,
                    })
            }
            _ => false,
        }
    }
}

/// Lowercase, with fullwidth ASCII (`ＡＢＣ１２３`) and the ideographic space as their
/// halfwidth forms: what a plain filter compares.
pub fn fold_text(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    push_folded(&mut folded, text);
    folded
}

fn push_folded(folded: &mut String, text: &str) {
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else {
            folded.extend(c.to_lowercase());
        }
    }
}

/// Every ticket's own plain-filter fields (id, subject, tags), folded once and kept in one
/// buffer, NUL between fields: a keystroke then scans contiguous text instead of folding
/// each ticket's strings again. The people's names (contact, assignee) are matched apart,
/// from the names of each keystroke, so that a name arriving folds nothing again.
#[derive(Debug, Clone, Default)]
struct Haystacks {
    /// The generation and length of the tickets they were made from.
    made_for: Option<(u64, usize)>,
    text: String,
    /// Where each ticket's fields end in `text`.
    ends: Vec<usize>,
    /// Each ticket's contact and assignee.
    people: Vec<(Option<u64>, Option<u64>)>,
}

impl Haystacks {
    fn make<T: TicketRows + ?Sized>(&mut self, tickets: &T, generation: u64) {
        if self.made_for == Some((generation, tickets.count())) {
            return;
        }
        self.text.clear();
        self.ends.clear();
        self.people.clear();
        let (text, ends, people) = (&mut self.text, &mut self.ends, &mut self.people);
        // Id, subject and tags: the head.
        let mut fold = |ticket: &Ticket| {
            text.push_str(&ticket.id.to_string());
            for field in std::iter::once(ticket.subject.as_str())
                .chain(ticket.tags.iter().flatten().map(String::as_str))
            {
                text.push('\0');
                push_folded(text, field);
            }
            ends.push(text.len());
            people.push((ticket.contact_id, ticket.assignee_id.id()));
        };
        for at in 0..tickets.count() {
            tickets.with_head(at, &mut fold);
        }
        self.made_for = Some((generation, tickets.count()));
    }

    fn contains(&self, at: usize, needle: &str, names: &mut FoldedNames<'_>) -> bool {
        // A NUL in the needle would match across two fields.
        if needle.contains('\0') {
            return false;
        }
        let start = at.checked_sub(1).map_or(0, |before| self.ends[before]);
        if self.text[start..self.ends[at]].contains(needle) {
            return true;
        }
        let (contact, assignee) = self.people[at];
        contact.is_some_and(|id| names.contact(id).is_some_and(|name| name.contains(needle)))
            || assignee.is_some_and(|id| names.agent(id).is_some_and(|name| name.contains(needle)))
    }
}

/// The people's names of one keystroke, folded once each as they are met.
struct FoldedNames<'a> {
    lookups: &'a dyn LocalLookups,
    contacts: std::collections::HashMap<u64, Option<String>>,
    agents: std::collections::HashMap<u64, Option<String>>,
}

impl<'a> FoldedNames<'a> {
    fn new(lookups: &'a dyn LocalLookups) -> FoldedNames<'a> {
        FoldedNames {
            lookups,
            contacts: std::collections::HashMap::new(),
            agents: std::collections::HashMap::new(),
        }
    }

    fn contact(&mut self, id: u64) -> Option<&str> {
        let lookups = self.lookups;
        self.contacts
            .entry(id)
            .or_insert_with(|| lookups.contact_name(id).map(fold_text))
            .as_deref()
    }

    fn agent(&mut self, id: u64) -> Option<&str> {
        let lookups = self.lookups;
        self.agents
            .entry(id)
            .or_insert_with(|| lookups.agent_name(id).map(fold_text))
            .as_deref()
    }
}

/// The filter of one view, remembering its last answer to narrow it as the text grows.
#[derive(Debug, Clone)]
pub struct LiveFilter {
    reading: Reading,
    /// The caller's mark of the tickets, names and knowledge the answer was made from
    /// (`None`: no answer yet).
    generation: Option<u64>,
    len: usize,
    answer: Filtered,
    haystacks: Haystacks,
    /// The names changed since the last answer: the next one is made from scratch (its
    /// folded fields stay: they hold no name).
    names_stale: bool,
}

impl Default for LiveFilter {
    fn default() -> LiveFilter {
        LiveFilter {
            reading: Reading::All,
            generation: None,
            len: 0,
            answer: Filtered {
                mode: FilterMode::All,
                rows: Vec::new(),
                unknown: Vec::new(),
            },
            haystacks: Haystacks::default(),
            names_stale: false,
        }
    }
}

impl LiveFilter {
    pub fn new() -> LiveFilter {
        LiveFilter::default()
    }

    /// Folds the tickets' plain-filter fields ahead of the first keystroke that needs
    /// them (a text that is no query): call it when the tickets, names or generation change,
    /// so that no keystroke pays for it. Without it the first such keystroke does.
    pub fn prepare<T: TicketRows + ?Sized>(&mut self, tickets: &T, generation: u64) {
        self.haystacks.make(tickets, generation);
    }

    /// The people's names changed (more are known): the next answer is made from scratch,
    /// with no folding again.
    pub fn names_changed(&mut self) {
        self.names_stale = true;
    }

    /// The tickets of `tickets` that `text` lets through, in their order.
    ///
    /// `generation` marks the tickets, the names and what is known in full: change it when
    /// any of them changes, and the next call starts from scratch. `known` says of each
    /// ticket whether it was read in full or only found by a search.
    pub fn apply<T: TicketRows + ?Sized>(
        &mut self,
        text: &str,
        tickets: &T,
        generation: u64,
        known: &dyn Fn(&Ticket) -> Known,
        lookups: &dyn LocalLookups,
    ) -> &Filtered {
        let reading = Reading::of(text);
        let current =
            !self.names_stale && self.generation == Some(generation) && self.len == tickets.count();
        if current && self.reading == reading {
            // The same meaning (a space typed): the same answer.
            return &self.answer;
        }
        let from: Vec<usize> = if current && reading.narrows(&self.reading) {
            let mut from = std::mem::take(&mut self.answer.rows);
            from.append(&mut self.answer.unknown);
            // Back in slice order, so the answer's order is the scratch one.
            from.sort_unstable();
            from
        } else {
            (0..tickets.count()).collect()
        };
        if let Reading::Text(_) | Reading::Words(_) = reading {
            self.haystacks.make(tickets, generation);
        }
        self.answer = filter(&reading, tickets, from, &self.haystacks, known, lookups);
        self.names_stale = false;
        self.reading = reading;
        self.generation = Some(generation);
        self.len = tickets.count();
        &self.answer
    }
}

fn filter<T: TicketRows + ?Sized>(
    reading: &Reading,
    tickets: &T,
    from: Vec<usize>,
    haystacks: &Haystacks,
    known: &dyn Fn(&Ticket) -> Known,
    lookups: &dyn LocalLookups,
) -> Filtered {
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    match reading {
        Reading::All => rows = from,
        Reading::Text(needle) => {
            let mut names = FoldedNames::new(lookups);
            rows = from
                .into_iter()
                .filter(|&at| haystacks.contains(at, needle, &mut names))
                .collect();
        }
        Reading::Words(words) => {
            let mut names = FoldedNames::new(lookups);
            rows = from
                .into_iter()
                .filter(|&at| {
                    words
                        .iter()
                        .all(|word| haystacks.contains(at, word, &mut names))
                })
                .collect();
        }
        Reading::Query(query) => {
            // Bare words read only id, subject and contact: those alone are unpacked.
            let words_only = query
                .terms
                .iter()
                .all(|term| matches!(term, SearchTerm::Word(_)));
            for at in from {
                let mut test = |ticket: &Ticket| match query.matches(ticket, known(ticket), lookups)
                {
                    Match::Yes => rows.push(at),
                    Match::Unknown => unknown.push(at),
                    Match::No => {}
                };
                if words_only {
                    tickets.with_words(at, &mut test);
                } else {
                    test(&tickets.ticket(at));
                }
            }
        }
    }
    Filtered {
        mode: reading.mode(),
        rows,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_width() {
        assert_eq!(fold_text("ＶＩＰ客户　Ab"), "vip客户 ab");
        assert_eq!(fold_text("Printer JAMMED"), "printer jammed");
        assert_eq!(fold_text("ＶＰＮ断线１２"), "vpn断线12");
    }

    #[test]
    fn readings_and_narrowing() {
        assert_eq!(Reading::of("  ").mode(), FilterMode::All);
        assert_eq!(Reading::of("status:").mode(), FilterMode::Text);
        assert_eq!(Reading::of("status:2").mode(), FilterMode::Query);
        let narrows = |old: &str, new: &str| Reading::of(new).narrows(&Reading::of(old));
        assert!(narrows("登", "登录"));
        assert!(narrows("订单", "订单 支付"));
        assert_eq!(Reading::of("订单 支付").mode(), FilterMode::Text);
        // Bare words are read over the rows' fields, a query's words by the server's rule
        // (the description too): one is no narrowing of the other.
        assert!(!narrows("登录", "登录 status:2"));
        assert!(narrows("订单:", "订单:1"));
        assert!(!narrows("status:", "status:x"));
        assert!(!narrows("status:2", "status:2,4"));
        assert!(!narrows("tagList:vip", "tagList:vip客户"));
        assert!(!narrows("登录 status:2", "登录"));
    }
}
