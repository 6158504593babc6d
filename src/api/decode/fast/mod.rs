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
//!
//! One file per shape: `scalar.rs` (a scalar field, a map key), `envelope.rs` (the page
//! and its envelope), `ticket.rs` (the ticket object), `lists.rs` (id and tag lists),
//! `custom.rs` (custom fields and form tables).

mod custom;
mod envelope;
mod lists;
mod scalar;
#[cfg(test)]
mod tests;
mod ticket;

use serde::de::{self, DeserializeSeed};

use self::envelope::PageSeed;
use crate::api::model::{Page, Ticket};

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

/// A lenient reader's answer, or give up (the general path words the error).
fn ok<T, E: de::Error>(result: Result<T, crate::api::decode::lenient::Bad>) -> Result<T, E> {
    result.map_err(|_| give_up())
}
