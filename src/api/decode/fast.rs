//! The fast path of page decoding: the body is read once, straight into typed tickets, by
//! serde visitors; no `serde_json::Value` tree is built except for the unknown fields kept
//! in `Ticket::extra` (and the rare `descriptattachments`). Strings are borrowed from the
//! body and copied only into the ticket, cleaned on the borrowed fast path of
//! [`crate::text::clean_cow`]; every scalar goes through the same lenient readers as the
//! general path (`lenient.rs`).
//!
//! It handles the shapes real servers send: `{tickets: [...]}`, `{results: [...]}`, the
//! nested `{tickets: {count, results}}` and a bare array, with every field in its usual
//! shapes (numeric strings, labels, id lists as string/int/array, custom fields as text,
//! number, rows or multi-checkbox arrays, form tables). Anything else (a malformed ticket,
//! a duplicate key, a PHP map where an array belongs, an error body, invalid JSON) makes
//! it give up on the page (JSON with stray backslashes is read again once repaired, see
//! `any_page`), and the general path (`Value` based, which names
//! the JSON path of each bad ticket and keeps the rest) decodes the page instead. So the
//! fast path never decides an error, and what it decodes equals what the general path
//! decodes (tested on every fixture and on generated pages).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

use super::lenient::{
    Scalar, clean_value, read_u64, scalar_bool, scalar_cell_text, scalar_date, scalar_enum,
    scalar_i64, scalar_id, scalar_id_field, scalar_id_list, scalar_read_text, tags_of_text,
};
use super::link;
use crate::api::model::{
    CustomField, CustomValue, FormTable, Page, Priority, TableRow, Ticket, TicketSource,
    TicketStatus, TicketType,
};
use crate::text::clean;

/// A page of tickets, or `None` when the body is not in a shape this path reads (the
/// caller then takes the general path).
pub(super) fn page(body: &[u8]) -> Option<Page<Ticket>> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let page = PageSeed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(page)
}

/// Why the fast path gave up: never shown, the general path decides.
fn give_up<E: de::Error>() -> E {
    E::custom("not in a shape the fast path reads")
}

// ---------------------------------------------------------------------------------------
// Scalars.

/// A scalar field value, its text borrowed from the body when it has no escapes.
enum Field<'de> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Cow<'de, str>),
}

impl Field<'_> {
    fn scalar(&self) -> Scalar<'_> {
        match self {
            Field::Null => Scalar::Null,
            Field::Bool(flag) => Scalar::Bool(*flag),
            Field::Number(number) => Scalar::Number(number),
            Field::Str(text) => Scalar::Str(text),
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value as the general path would hold it (for `extra`).
    fn into_value(self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Bool(flag) => Value::Bool(flag),
            Field::Number(number) => Value::Number(number),
            Field::Str(text) => Value::String(text.into_owned()),
        }
    }
}

/// Deserializes a [`Field`]; an array or object gives up.
struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Field<'de>, D::Error> {
        de.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Field<'de>, E> {
        Ok(Field::Bool(flag))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Field<'de>, E> {
        Ok(Field::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Field<'de>, E> {
        Number::from_f64(n).map(Field::Number).ok_or_else(give_up)
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(text)))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(text)))
    }
}

fn field<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Field<'de>, A::Error> {
    map.next_value_seed(FieldSeed)
}

/// A lenient reader's answer, or give up (the general path words the error).
fn ok<T, E: de::Error>(result: Result<T, super::lenient::Bad>) -> Result<T, E> {
    result.map_err(|_| give_up())
}

/// A map key, borrowed when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

// ---------------------------------------------------------------------------------------
// The page envelope.

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

struct PageSeed;

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

// ---------------------------------------------------------------------------------------
// The ticket.

/// The ticket object's known keys, the general path's list (one list for both paths):
/// for spotting duplicates (the general path would keep the last of two; this path gives
/// up instead), indexed by [`known_index`].
use super::ticket::TICKET_KEYS as KNOWN;

/// The index of `key` in [`KNOWN`] (a `match` compiles to a switch on the length, cheaper
/// than comparing against the list in turn).
fn known_index(key: &str) -> Option<usize> {
    Some(match key {
        "ticketId" => 0,
        "url" => 1,
        "subject" => 2,
        "descript" => 3,
        "description" => 4,
        "ticketSource" => 5,
        "ticketType" => 6,
        "priorityLevel" => 7,
        "ticketStatus" => 8,
        "custUserId" => 9,
        "agentId" => 10,
        "createrId" => 11,
        "servicerUserId" => 12,
        "servicerGroupId" => 13,
        "ccUserIdList" => 14,
        "ccGroupIdList" => 15,
        "ticketTemplateId" => 16,
        "tagList" => 17,
        "createDT" => 18,
        "updateDT" => 19,
        "custom_fields" => 20,
        "tables" => 21,
        "solveDT" => 22,
        "waitDT" => 23,
        "openDT" => 24,
        "closeDT" => 25,
        "customTemplateId" => 26,
        "createrType" => 27,
        "workflow_id" => 28,
        "workflow_node_id" => 29,
        "isDeleted" => 30,
        "descriptattachments" => 31,
        _ => return None,
    })
}

struct TicketSeed;

impl<'de> DeserializeSeed<'de> for TicketSeed {
    type Value = Ticket;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Ticket, D::Error> {
        de.deserialize_map(TicketVisitor)
    }
}

struct TicketVisitor;

impl<'de> Visitor<'de> for TicketVisitor {
    type Value = Ticket;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ticket object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ticket, A::Error> {
        let mut ticket = Ticket::default();
        let mut id = None;
        let mut descript = None;
        let mut description: Option<(String, Value)> = None;
        let mut seen = 0u64;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let Some(index) = known_index(&key) else {
                let value: Value = map.next_value()?;
                ticket.extra.insert(key.into_owned(), value);
                continue;
            };
            if seen & (1 << index) != 0 {
                return Err(give_up());
            }
            seen |= 1 << index;
            match KNOWN[index] {
                "ticketId" => id = ok(scalar_id(field(&mut map)?.scalar(), ""))?,
                "custom_fields" => ticket.custom_fields = map.next_value_seed(CustomFieldsSeed)?,
                "tables" => ticket.tables = map.next_value_seed(TablesSeed)?,
                "ccUserIdList" => ticket.cc_user_ids = map.next_value_seed(NullList(IdListSeed))?,
                "ccGroupIdList" => {
                    ticket.cc_group_ids = map.next_value_seed(NullList(IdListSeed))?
                }
                "tagList" => ticket.tags = map.next_value_seed(NullList(TagsSeed))?,
                "descriptattachments" => {
                    let value: Value = map.next_value()?;
                    if !value.is_null() {
                        ticket.live.description_attachments = Some(clean_value(&value));
                    }
                }
                "description" => {
                    let value = field(&mut map)?;
                    if let Some(text) = ok(scalar_read_text(value.scalar(), ""))? {
                        description = Some((text, value.into_value()));
                    }
                }
                known => {
                    let value = field(&mut map)?;
                    if !value.is_null() {
                        scalar_field(&mut ticket, &mut descript, known, value.scalar())?;
                    }
                }
            }
        }
        ticket.id = id.ok_or_else(give_up)?;
        // As the general path: prefer `descript`, keep a second one verbatim.
        ticket.description = match (descript, description) {
            (Some(descript), Some((_, raw))) => {
                ticket.extra.insert("description".to_owned(), raw);
                Some(descript)
            }
            (Some(one), None) | (None, Some((one, _))) => Some(one),
            (None, None) => None,
        };
        Ok(ticket)
    }
}

/// One scalar field of the ticket, read by the general path's readers.
fn scalar_field<E: de::Error>(
    ticket: &mut Ticket,
    descript: &mut Option<String>,
    key: &str,
    value: Scalar<'_>,
) -> Result<(), E> {
    let live = &mut ticket.live;
    match key {
        "url" => ticket.url = ok(scalar_read_text(value, ""))?.filter(|url| !url.is_empty()),
        "subject" => ticket.subject = ok(scalar_read_text(value, ""))?.unwrap_or_default(),
        "descript" => *descript = ok(scalar_read_text(value, ""))?,
        "ticketSource" => ticket.source = ok(scalar_enum::<TicketSource>(value, ""))?,
        "ticketType" => ticket.ticket_type = ok(scalar_enum::<TicketType>(value, ""))?,
        "priorityLevel" => ticket.priority = ok(scalar_enum::<Priority>(value, ""))?,
        "ticketStatus" => ticket.status = ok(scalar_enum::<TicketStatus>(value, ""))?,
        "custUserId" => ticket.contact_id = ok(scalar_id(value, ""))?,
        "agentId" => ticket.provider_id = ok(scalar_id(value, ""))?,
        "createrId" => ticket.creator_id = ok(scalar_id(value, ""))?,
        "servicerUserId" => ticket.assignee_id = ok(scalar_id_field(value, ""))?,
        "servicerGroupId" => ticket.group_id = ok(scalar_id_field(value, ""))?,
        "ticketTemplateId" => ticket.template_id = ok(scalar_id(value, ""))?,
        "createDT" => ticket.created = ok(scalar_date(value, ""))?,
        "updateDT" => ticket.updated = ok(scalar_date(value, ""))?,
        "solveDT" => live.solved = ok(scalar_date(value, ""))?,
        "waitDT" => live.waiting = ok(scalar_date(value, ""))?,
        "openDT" => live.opened = ok(scalar_date(value, ""))?,
        "closeDT" => live.closed = ok(scalar_date(value, ""))?,
        "customTemplateId" => live.custom_template_id = ok(scalar_id(value, ""))?,
        "createrType" => live.creator_type = ok(scalar_i64(value, ""))?,
        "workflow_id" => live.workflow_id = ok(scalar_id(value, ""))?,
        "workflow_node_id" => live.workflow_node_id = ok(scalar_id(value, ""))?,
        "isDeleted" => live.is_deleted = ok(scalar_bool(value, ""))?,
        _ => return Err(give_up()),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Lists.

/// A list the server may send as null: null says nothing about the list (`None`), which
/// is not the empty list a `""` or `[]` is.
struct NullList<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullList<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_option(NullListVisitor(self.0))
    }
}

struct NullListVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullListVisitor<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(de).map(Some)
    }
}

/// `ccUserIdList` / `ccGroupIdList`: a comma string, an int, or an array of those.
struct IdListSeed;

impl<'de> DeserializeSeed<'de> for IdListSeed {
    type Value = Vec<u64>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<u64>, D::Error> {
        de.deserialize_any(IdListVisitor)
    }
}

struct IdListVisitor;

impl IdListVisitor {
    fn one<E: de::Error>(value: &Field<'_>) -> Result<Vec<u64>, E> {
        match value {
            Field::Str(text) => ok(scalar_id_list(text, "")),
            other => Ok(ok(scalar_id(other.scalar(), ""))?.into_iter().collect()),
        }
    }
}

impl<'de> Visitor<'de> for IdListVisitor {
    type Value = Vec<u64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ids")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<u64>, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<u64>, E> {
        Err(give_up())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_u64::<E>(n)?)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_i64::<E>(n)?)
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<u64>, E> {
        Self::one(&FieldVisitor.visit_f64::<E>(n)?)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<u64>, E> {
        ok(scalar_id_list(text, ""))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        let mut ids = Vec::new();
        while let Some(item) = seq.next_element_seed(FieldSeed)? {
            ids.extend(Self::one::<A::Error>(&item)?);
        }
        Ok(ids)
    }
}

/// `tagList`: a comma string, a number, or an array of those (nulls skipped).
struct TagsSeed;

impl<'de> DeserializeSeed<'de> for TagsSeed {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<String>, D::Error> {
        de.deserialize_any(TagsVisitor)
    }
}

struct TagsVisitor;

impl<'de> Visitor<'de> for TagsVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of tags")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Vec<String>, E> {
        Ok(vec![Number::from(n).to_string()])
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Vec<String>, E> {
        Ok(vec![Number::from(n).to_string()])
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Vec<String>, E> {
        let number = Number::from_f64(n).ok_or_else(give_up)?;
        Ok(vec![number.to_string()])
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<String>, E> {
        Ok(tags_of_text(text))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut tags = Vec::new();
        while let Some(item) = seq.next_element_seed(FieldSeed)? {
            match item {
                Field::Null => {}
                Field::Str(text) => tags.extend(tags_of_text(&text)),
                Field::Number(number) => tags.push(number.to_string()),
                Field::Bool(_) => return Err(give_up()),
            }
        }
        Ok(tags)
    }
}

// ---------------------------------------------------------------------------------------
// Custom fields and form tables.

/// `custom_fields`: an array of `{key, value, pay_status}` (null entries skipped).
struct CustomFieldsSeed;

impl<'de> DeserializeSeed<'de> for CustomFieldsSeed {
    type Value = Vec<CustomField>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<CustomField>, D::Error> {
        de.deserialize_any(CustomFieldsVisitor)
    }
}

struct CustomFieldsVisitor;

impl<'de> Visitor<'de> for CustomFieldsVisitor {
    type Value = Vec<CustomField>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("custom fields")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<CustomField>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<CustomField>, A::Error> {
        let mut fields = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(field) = seq.next_element_seed(Nullable(CustomFieldVisitor))? {
            fields.extend(field);
        }
        Ok(fields)
    }
}

/// An object seed that reads `null` as `None` (entries the general path skips).
struct Nullable<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Nullable<V> {
    type Value = Option<V::Value>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(NullableVisitor(self.0))
    }
}

struct NullableVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for NullableVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(map).map(Some)
    }
}

struct CustomFieldVisitor;

impl<'de> Visitor<'de> for CustomFieldVisitor {
    type Value = CustomField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a custom field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CustomField, A::Error> {
        let (mut key, mut value, mut pay_status) = (None, None, None);
        while let Some(name) = map.next_key_seed(KeySeed)? {
            let slot_taken = match name.as_ref() {
                "key" => key
                    .replace(ok(scalar_read_text(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                "value" => value
                    .replace(map.next_value_seed(CustomValueSeed)?)
                    .is_some(),
                "pay_status" => pay_status
                    .replace(ok(scalar_i64(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    false
                }
            };
            if slot_taken {
                return Err(give_up());
            }
        }
        Ok(CustomField {
            key: key.flatten().unwrap_or_default(),
            value: value.unwrap_or(CustomValue::Empty),
            pay_status: pay_status.flatten(),
        })
    }
}

/// A custom field's value: text, number, a checkbox bool, rows (an array of objects) or a
/// multi-checkbox (an array of scalars). An object value gives up (rare).
struct CustomValueSeed;

impl<'de> DeserializeSeed<'de> for CustomValueSeed {
    type Value = CustomValue;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<CustomValue, D::Error> {
        de.deserialize_any(CustomValueVisitor)
    }
}

struct CustomValueVisitor;

impl CustomValueVisitor {
    fn number(number: Number) -> CustomValue {
        match number.as_f64() {
            Some(n) if n.is_finite() => CustomValue::Number(n),
            _ => CustomValue::Text(number.to_string()),
        }
    }
}

impl<'de> Visitor<'de> for CustomValueVisitor {
    type Value = CustomValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a custom field value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<CustomValue, E> {
        Ok(CustomValue::Empty)
    }
    fn visit_bool<E: de::Error>(self, on: bool) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(if on { "1" } else { "0" }.to_owned()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<CustomValue, E> {
        Ok(Self::number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<CustomValue, E> {
        Ok(Self::number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<CustomValue, E> {
        Number::from_f64(n).map(Self::number).ok_or_else(give_up)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<CustomValue, E> {
        Ok(CustomValue::Text(clean(text)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CustomValue, A::Error> {
        let mut rows: Vec<TableRow> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        while let Some(item) = seq.next_element_seed(RowOrCellSeed)? {
            match item {
                RowOrCell::Row(row) if texts.is_empty() => rows.push(row),
                RowOrCell::Cell(text) if rows.is_empty() => texts.push(text),
                // A mixed array: the general path refuses it.
                _ => return Err(give_up()),
            }
        }
        Ok(if texts.is_empty() {
            CustomValue::Rows(rows)
        } else {
            CustomValue::Text(texts.join(","))
        })
    }
}

enum RowOrCell {
    Row(TableRow),
    Cell(String),
}

struct RowOrCellSeed;

impl<'de> DeserializeSeed<'de> for RowOrCellSeed {
    type Value = RowOrCell;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<RowOrCell, D::Error> {
        de.deserialize_any(RowOrCellVisitor)
    }
}

struct RowOrCellVisitor;

impl<'de> Visitor<'de> for RowOrCellVisitor {
    type Value = RowOrCell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row or a value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RowOrCell, A::Error> {
        RowVisitor.visit_map(map).map(RowOrCell::Row)
    }
    fn visit_unit<E: de::Error>(self) -> Result<RowOrCell, E> {
        Self::cell(Field::Null)
    }
    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<RowOrCell, E> {
        Self::cell(Field::Bool(flag))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<RowOrCell, E> {
        Self::cell(Field::Number(n.into()))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<RowOrCell, E> {
        Self::cell(Field::Number(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<RowOrCell, E> {
        Self::cell(FieldVisitor.visit_f64(n)?)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<RowOrCell, E> {
        Self::cell(Field::Str(Cow::Borrowed(text)))
    }
}

impl RowOrCellVisitor {
    fn cell<E: de::Error>(value: Field<'_>) -> Result<RowOrCell, E> {
        scalar_cell_text(value.scalar())
            .map(RowOrCell::Cell)
            .ok_or_else(give_up)
    }
}

/// A row object: column key to cell text, in the order received.
struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = TableRow;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TableRow, A::Error> {
        let mut row: TableRow = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(column) = map.next_key_seed(KeySeed)? {
            let cell = scalar_cell_text(field(&mut map)?.scalar()).ok_or_else(give_up)?;
            let column = clean(&column);
            // A repeated column: the general path keeps the last value in the first place.
            if row.iter().any(|(known, _)| *known == column) {
                return Err(give_up());
            }
            row.push((column, cell));
        }
        Ok(row)
    }
}

/// `tables`: an array of `{custom_fields_key, tableData: [row, ...]}` (null entries
/// skipped).
struct TablesSeed;

impl<'de> DeserializeSeed<'de> for TablesSeed {
    type Value = Vec<FormTable>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<FormTable>, D::Error> {
        de.deserialize_any(TablesVisitor)
    }
}

struct TablesVisitor;

impl<'de> Visitor<'de> for TablesVisitor {
    type Value = Vec<FormTable>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("form tables")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<FormTable>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<FormTable>, A::Error> {
        let mut tables = Vec::new();
        while let Some(table) = seq.next_element_seed(Nullable(TableVisitor))? {
            tables.extend(table);
        }
        Ok(tables)
    }
}

struct TableVisitor;

impl<'de> Visitor<'de> for TableVisitor {
    type Value = FormTable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a form table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FormTable, A::Error> {
        let (mut key, mut rows) = (None, None);
        while let Some(name) = map.next_key_seed(KeySeed)? {
            let slot_taken = match name.as_ref() {
                "custom_fields_key" => key
                    .replace(ok(scalar_read_text(field(&mut map)?.scalar(), ""))?)
                    .is_some(),
                "tableData" => rows.replace(map.next_value_seed(RowsSeed)?).is_some(),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    false
                }
            };
            if slot_taken {
                return Err(give_up());
            }
        }
        Ok(FormTable {
            key: key.flatten().unwrap_or_default(),
            rows: rows.unwrap_or_default(),
        })
    }
}

/// `tableData`: null or an array of row objects.
struct RowsSeed;

impl<'de> DeserializeSeed<'de> for RowsSeed {
    type Value = Vec<TableRow>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<TableRow>, D::Error> {
        de.deserialize_any(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Vec<TableRow>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rows")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<TableRow>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<TableRow>, A::Error> {
        let mut rows = Vec::new();
        while let Some(row) = seq.next_element_seed(RowSeed)? {
            rows.push(row);
        }
        Ok(rows)
    }
}

struct RowSeed;

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = TableRow;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<TableRow, D::Error> {
        de.deserialize_map(RowVisitor)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use serde_json::json;

    use super::*;
    use crate::api::decode::{page_of_tickets, parse_json};

    /// The general path's answer for the same body.
    fn general(body: &[u8]) -> Option<Page<Ticket>> {
        page_of_tickets(&parse_json(body).ok()?).ok()
    }

    /// Asserts that the fast path, when it answers, answers what the general path does;
    /// says whether it answered.
    fn agrees(body: &[u8]) -> bool {
        match page(body) {
            Some(fast) => {
                let slow = general(body);
                assert_eq!(
                    Some(&fast),
                    slow.as_ref(),
                    "{}",
                    String::from_utf8_lossy(body)
                );
                assert!(slow.is_some_and(|p| p.bad_items.is_empty()));
                true
            }
            None => false,
        }
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_usual_shapes_take_the_fast_path_and_agree() {
        let live = crate::bench::live_page_json(20);
        assert!(agrees(live.as_bytes()));
        for name in [
            "vendor_list.json",
            "live_list_strings.json",
            "live_search_nested.json",
            "vendor_search.json",
            "vendor_show_many.json",
            "enum_labels.json",
        ] {
            assert!(agrees(&fixture(name)), "{name} takes the fast path");
        }
        let hostile: Value = serde_json::from_slice(&fixture("hostile_text.json")).unwrap();
        let page_of_one = json!({"tickets": [hostile["ticket"]]});
        assert!(agrees(&serde_json::to_vec(&page_of_one).unwrap()));
        let shapes = [
            json!([{"ticketId": 1}, {"ticketId": "2", "tagList": 5}]),
            json!({"results": [{"ticketId": 3}], "prev_page": "https://x/?page=1"}),
            json!({"tickets": {"count": "7", "results": [{"ticketId": 3}]}, "count": 9}),
            json!({"tickets": [{"ticketId": 1, "descript": "a", "description": "b"}]}),
            json!({"tickets": [{"ticketId": 1, "custom_fields": [null, {"key": "k",
                "value": ["a", 2, true, null]}, {"value": []}], "tables": [null,
                {"custom_fields_key": "t", "tableData": null}]}]}),
        ];
        for shape in shapes {
            assert!(agrees(&serde_json::to_vec(&shape).unwrap()), "{shape}");
        }
    }

    #[test]
    fn known_index_matches_the_known_keys() {
        for (index, key) in KNOWN.iter().enumerate() {
            assert_eq!(known_index(key), Some(index));
        }
        assert_eq!(known_index("ticketid"), None);
    }

    #[test]
    fn json_with_stray_backslashes_is_read_once_repaired() {
        let body = fixture("bad_escapes.json");
        assert!(page(&body).is_none());
        let repaired = crate::api::decode::json::repaired(&body);
        let fast = page(repaired.as_bytes());
        assert!(fast.is_some());
        assert_eq!(fast, general(&body));
    }

    #[test]
    fn unusual_bodies_are_left_to_the_general_path() {
        for body in [
            &br#"{"tickets": [{"ticketId": 1, "ticketId": 2}]}"#[..],
            br#"{"tickets": [{"ticketId": 1}], "results": []}"#,
            br#"{"tickets": null, "results": [{"ticketId": 1}]}"#,
            br#"{"tickets": {"5": {"ticketId": 5}}}"#,
            br#"{"tickets": [{"ticketId": 1, "custom_fields": {"a": 1}}]}"#,
            br#"{"tickets": [{"ticketId": 1, "custom_fields": [{"value": [1, {"a": 1}]}]}]}"#,
            br#"{"tickets": [{"ticketId": 1, "tables": [{"tableData": [{"a": 1, "a": 2}]}]}]}"#,
            br#"{"tickets": ["not a ticket"]}"#,
            br#"{"tickets": [{"subject": "no id"}]}"#,
            br#"{"errcode": "100047", "errmsg": "Invalid resource URI"}"#,
            b"\xEF\xBB\xBF{\"tickets\": []}",
            br#"{"tickets": [{"ticketId": 1, "subject": "it\'s"}]}"#,
            br#"{"tickets": [], "count": 1, "count": 2}"#,
        ] {
            assert!(page(body).is_none(), "{}", String::from_utf8_lossy(body));
        }
    }

    fn arb_scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|n| json!(n)),
            any::<String>().prop_map(Value::String),
            "[ 0-9,，;|、]{0,12}".prop_map(Value::String),
            "[\u{0}-\u{7f}\u{80}-\u{9f}\u{200b}-\u{200f}\u{2028}\u{202e}\u{301}e\u{e9}]{0,8}"
                .prop_map(Value::String),
            prop::sample::select(vec![
                "已解决",
                "已关闭",
                "solved",
                "urgent",
                "2",
                " 3 ",
                "0",
                "",
                "1.0",
                "x",
                "0000-00-00 00:00:00",
                "2017-05-04 14:08:22",
                "2017-02-30 00:00:00",
                "2017-05-04",
                "2017-05-04T14:08:22",
                "1500000000",
                "true",
                "no",
            ])
            .prop_map(|text| json!(text)),
        ]
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        arb_scalar().prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop::sample::select(vec![
                            "key",
                            "value",
                            "pay_status",
                            "custom_fields_key",
                            "tableData",
                            "a",
                            "b",
                            "a\u{1b}[1m",
                        ]),
                        inner
                    ),
                    0..5
                )
                .prop_map(|pairs| Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    fn arb_ticket() -> impl Strategy<Value = Value> {
        let keys = prop::sample::select(
            KNOWN
                .iter()
                .copied()
                .chain(["extra1", "extra2"])
                .collect::<Vec<_>>(),
        );
        let values = prop_oneof![
            3 => arb_scalar(),
            2 => arb_value(),
            1 => Just(json!([{"key": "field_1", "value": [{"a": 1, "b": null}]}])),
            1 => Just(json!([{"key": "f2", "value": ["1", 2, true], "pay_status": "1"}])),
            1 => Just(json!([{"custom_fields_key": "f", "tableData": [{"x": "y", "n": 2.5}]}])),
            1 => Just(json!(["4", 5, null, "6,7"])),
        ];
        (1u64..u64::MAX, prop::collection::vec((keys, values), 0..14)).prop_map(|(id, pairs)| {
            let mut map = serde_json::Map::new();
            map.insert("ticketId".to_owned(), json!(id.to_string()));
            for (key, value) in pairs {
                map.insert(key.to_owned(), value);
            }
            Value::Object(map)
        })
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_path() {
        let pages = (
            prop::collection::vec(arb_ticket(), 0..4),
            arb_scalar(),
            any::<bool>(),
        );
        let mut runner = proptest::test_runner::TestRunner::default();
        let (mut fast, mut cases) = (0, 0);
        for _ in 0..1500 {
            let (tickets, count, nested) = pages.new_tree(&mut runner).unwrap().current();
            let body = if nested {
                json!({"tickets": {"results": tickets, "count": count}})
            } else {
                json!({"tickets": tickets, "count": count, "next_page": "https://x/?page=2"})
            };
            cases += 1;
            if agrees(&serde_json::to_vec(&body).unwrap()) {
                fast += 1;
            }
        }
        // Random values make most tickets malformed; enough must be well formed that the
        // comparison means something.
        assert!(fast * 10 >= cases, "{fast} of {cases} took the fast path");
    }
}
