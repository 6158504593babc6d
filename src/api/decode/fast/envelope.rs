//! The page envelope: `{tickets | results, count, ...}`, the nested `{count, results}` and a
//! bare array of tickets.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::give_up;
use super::scalar::KeySeed;
use super::ticket::TicketSeed;
use crate::api::decode::lenient::read_u64;
use crate::api::decode::link;
use crate::api::model::{Page, Ticket};

/// What an envelope says about its items, captured as the general path would read it.
#[derive(Default)]
struct Envelope {
    count: Option<Value>,
    total: Option<Value>,
    next_page: Option<Value>,
    previous_page: Option<Value>,
    prev_page: Option<Value>,
    /// `tickets` or `results`: the items, or `None` when the key is absent.
    items: Option<Items>,
    /// A nested `{count, results}` under `tickets`.
    nested: Option<Box<Envelope>>,
}

enum Items {
    Tickets(Vec<Ticket>),
    /// The nested shape: its items are in `Envelope::nested`.
    Nested,
}

impl Envelope {
    fn keep(&mut self, key: &str, value: Value) -> bool {
        let slot = match key {
            "count" => &mut self.count,
            "total" => &mut self.total,
            "next_page" => &mut self.next_page,
            "previous_page" => &mut self.previous_page,
            "prev_page" => &mut self.prev_page,
            _ => return false,
        };
        // A duplicate key: the general path keeps the last one, but stay out of it.
        slot.replace(value).is_none()
    }

    /// As the general path: the first envelope (the nested one first) holding a non-null
    /// value under the first of `keys` it has.
    fn first_of<'a>(
        envelopes: &[&'a Envelope],
        keys: &[fn(&Envelope) -> &Option<Value>],
    ) -> Option<&'a Value> {
        envelopes.iter().find_map(|env| {
            keys.iter()
                .find_map(|key| key(env).as_ref().filter(|v| !v.is_null()))
        })
    }
}

pub(super) struct PageSeed;

impl<'de> DeserializeSeed<'de> for PageSeed {
    type Value = Page<Ticket>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Page<Ticket>, D::Error> {
        de.deserialize_any(PageVisitor)
    }
}

struct PageVisitor;

impl<'de> Visitor<'de> for PageVisitor {
    type Value = Page<Ticket>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of tickets")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Page<Ticket>, A::Error> {
        Ok(Page {
            items: TicketsVisitor.visit_seq(seq)?,
            ..Page::default()
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Page<Ticket>, A::Error> {
        let mut envelope = EnvelopeVisitor { top: true }.visit_map(map)?;
        let (items, nested) = match envelope.items.take() {
            Some(Items::Tickets(items)) => (items, None),
            Some(Items::Nested) => {
                let mut nested = envelope.nested.take().ok_or_else(give_up)?;
                match nested.items.take() {
                    Some(Items::Tickets(items)) => (items, Some(nested)),
                    _ => return Err(give_up()),
                }
            }
            // No items, or a null: the general path (which may find an error body).
            None => return Err(give_up()),
        };
        let envelopes: Vec<&Envelope> = nested.as_deref().into_iter().chain([&envelope]).collect();
        let count = Envelope::first_of(&envelopes, &[|e| &e.count, |e| &e.total]);
        let next = Envelope::first_of(&envelopes, &[|e| &e.next_page]);
        let previous = Envelope::first_of(&envelopes, &[|e| &e.previous_page, |e| &e.prev_page]);
        Ok(Page {
            items,
            count: count.and_then(|v| read_u64(v, "count").ok().flatten()),
            next_page: next.and_then(link),
            previous_page: previous.and_then(link),
            bad_items: Vec::new(),
        })
    }
}

/// `{tickets | results, count, total, next_page, previous_page, prev_page, ...}`; at the
/// top level `tickets` may be the nested envelope.
struct EnvelopeVisitor {
    top: bool,
}

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        let mut envelope = Envelope::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key.as_ref() {
                // The general path prefers `tickets` when both are there, even a null
                // one: leave such bodies to it.
                "tickets" | "results"
                    if envelope.items.is_some() && (self.top || key == "results") =>
                {
                    return Err(give_up());
                }
                "tickets" if self.top => {
                    let items = map.next_value_seed(TopItemsSeed(&mut envelope))?;
                    envelope.items = Some(items);
                }
                "results" => {
                    envelope.items = Some(Items::Tickets(map.next_value_seed(TicketsSeed)?));
                }
                other => {
                    if matches!(
                        other,
                        "count" | "total" | "next_page" | "previous_page" | "prev_page"
                    ) {
                        let value: Value = map.next_value()?;
                        if !envelope.keep(other, value) {
                            return Err(give_up());
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        Ok(envelope)
    }
}

/// The top-level `tickets`: an array of tickets, or the nested `{count, results}`.
struct TopItemsSeed<'a>(&'a mut Envelope);

impl<'de> DeserializeSeed<'de> for TopItemsSeed<'_> {
    type Value = Items;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Items, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopItemsSeed<'_> {
    type Value = Items;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tickets")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Items, A::Error> {
        TicketsVisitor.visit_seq(seq).map(Items::Tickets)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
        let nested = EnvelopeVisitor { top: false }.visit_map(map)?;
        // Without `results` it is a PHP map of tickets: the general path's business.
        if !matches!(nested.items, Some(Items::Tickets(_))) {
            return Err(give_up());
        }
        self.0.nested = Some(Box::new(nested));
        Ok(Items::Nested)
    }
}

/// An array of tickets.
struct TicketsSeed;

impl<'de> DeserializeSeed<'de> for TicketsSeed {
    type Value = Vec<Ticket>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<Ticket>, D::Error> {
        de.deserialize_seq(TicketsVisitor)
    }
}

struct TicketsVisitor;

impl<'de> Visitor<'de> for TicketsVisitor {
    type Value = Vec<Ticket>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of tickets")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Ticket>, A::Error> {
        // serde_json gives no length: room for a page of the default size (100) saves
        // reallocating a growing vector of 650-byte tickets.
        let mut tickets = Vec::with_capacity(seq.size_hint().unwrap_or(100).min(1000));
        while let Some(ticket) = seq.next_element_seed(TicketSeed)? {
            tickets.push(ticket);
        }
        Ok(tickets)
    }
}
