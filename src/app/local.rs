//! Sorting and filtering the tickets held, without the network: any column either way, and
//! a filter as the user types (a query in the vendor's language, evaluated locally by
//! [`crate::api::query`], or else a plain substring). Pure: no clock, no environment, no
//! files; the same tickets and names give the same order and the same rows.
//!
//! - `sort.rs`: the columns, their keys and the one total order;
//! - `filter.rs`: what a typed text means, and filtering incrementally as it grows.

mod filter;
mod sort;

pub use filter::{FilterMode, Filtered, LiveFilter, fold_text};
pub use sort::{Column, SortKey, compare_keys, compare_tickets, sort_ids, sort_key};

use std::borrow::Cow;

use crate::api::query::QueryLookups;
use crate::api::{FieldDef, Ticket};

use super::sla::SlaTargets;
use super::state::{Lookup, Lookups};

/// Tickets by position, as a sort or a filter reads them: whole tickets in a slice, or a
/// compact copy that unpacks one when it is read (the local views' index, which holds
/// 100,000 packed: whole `Ticket`s are 672 bytes each before their text).
pub trait TicketRows {
    fn count(&self) -> usize;
    fn ticket(&self, at: usize) -> Cow<'_, Ticket>;
    /// The ticket's head handed to `read`: id, codes, people, dates, subject, cc lists and
    /// tags, the rest possibly left out (its description, custom fields, form tables, live
    /// fields). Only for a reader of those alone: a packed holder unpacks the head only,
    /// into one reused ticket, allocating nothing per ticket.
    fn with_head(&self, at: usize, read: &mut dyn FnMut(&Ticket)) {
        read(&self.ticket(at))
    }
    /// As [`TicketRows::with_head`], for a reader of what a query's bare word reads alone:
    /// the id, the contact and the subject (the rest possibly another ticket's).
    fn with_words(&self, at: usize, read: &mut dyn FnMut(&Ticket)) {
        read(&self.ticket(at))
    }
}

impl TicketRows for [Ticket] {
    fn count(&self) -> usize {
        self.len()
    }
    fn ticket(&self, at: usize) -> Cow<'_, Ticket> {
        Cow::Borrowed(&self[at])
    }
}

impl<const N: usize> TicketRows for [Ticket; N] {
    fn count(&self) -> usize {
        N
    }
    fn ticket(&self, at: usize) -> Cow<'_, Ticket> {
        Cow::Borrowed(&self[at])
    }
}

impl TicketRows for Vec<Ticket> {
    fn count(&self) -> usize {
        self.len()
    }
    fn ticket(&self, at: usize) -> Cow<'_, Ticket> {
        Cow::Borrowed(&self[at])
    }
}

/// The names a local sort or filter reads beside the tickets (contact names and field
/// definitions come through [`QueryLookups`], which the query evaluator reads too).
pub trait LocalLookups: QueryLookups {
    fn agent_name(&self, agent_id: u64) -> Option<&str>;
    fn group_name(&self, group_id: u64) -> Option<&str>;
    /// The SLA targets and the time "closest to breach" is measured at; `None`: every
    /// ticket's is unknown.
    fn sla_clock(&self) -> Option<(&SlaTargets, chrono::NaiveDateTime)> {
        None
    }
}

/// The names a view from the store is sorted and filtered with, as the app holds them when
/// it asks: sent to the worker with each request (the worker holds no names of its own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalNames {
    agents: std::collections::HashMap<u64, String>,
    groups: std::collections::HashMap<u64, String>,
    contacts: std::collections::HashMap<u64, String>,
    fields: Vec<FieldDef>,
    /// Sent only with a sort closest to breach (so that the clock moving does not make
    /// every other request sort again), to the minute.
    sla: Option<(SlaTargets, chrono::NaiveDateTime)>,
}

impl LocalNames {
    /// The names that have come in (those still on their way are not known).
    pub(crate) fn of(lookups: &Lookups) -> LocalNames {
        let ready = |names: &std::collections::HashMap<u64, Lookup<String>>| {
            names
                .iter()
                .filter_map(|(id, name)| Some((*id, name.ready()?.clone())))
                .collect()
        };
        LocalNames {
            agents: ready(&lookups.agents),
            groups: ready(&lookups.groups),
            contacts: lookups
                .contacts
                .iter()
                .filter_map(|(id, contact)| Some((*id, contact.ready()?.name.clone())))
                .collect(),
            fields: lookups
                .field_defs
                .as_ref()
                .and_then(Lookup::ready)
                .cloned()
                .unwrap_or_default(),
            sla: None,
        }
    }

    /// With the SLA targets and the time a sort closest to breach is measured at.
    pub fn with_sla(mut self, targets: SlaTargets, now: chrono::NaiveDateTime) -> Self {
        use chrono::Timelike;
        self.sla = Some((targets, now.with_second(0).unwrap_or(now)));
        self
    }
}

impl QueryLookups for LocalNames {
    fn contact_name(&self, contact_id: u64) -> Option<&str> {
        self.contacts.get(&contact_id).map(String::as_str)
    }

    fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|def| def.key == key)
    }
}

impl LocalLookups for LocalNames {
    fn agent_name(&self, agent_id: u64) -> Option<&str> {
        self.agents.get(&agent_id).map(String::as_str)
    }

    fn group_name(&self, group_id: u64) -> Option<&str> {
        self.groups.get(&group_id).map(String::as_str)
    }

    fn sla_clock(&self) -> Option<(&SlaTargets, chrono::NaiveDateTime)> {
        self.sla.as_ref().map(|(targets, now)| (targets, *now))
    }
}

impl QueryLookups for Lookups {
    fn contact_name(&self, contact_id: u64) -> Option<&str> {
        self.contacts
            .get(&contact_id)
            .and_then(Lookup::ready)
            .map(|contact| contact.name.as_str())
    }

    fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.field_defs
            .as_ref()
            .and_then(Lookup::ready)
            .and_then(|defs| defs.iter().find(|def| def.key == key))
    }
}

impl LocalLookups for Lookups {
    fn agent_name(&self, agent_id: u64) -> Option<&str> {
        self.agents
            .get(&agent_id)
            .and_then(Lookup::ready)
            .map(String::as_str)
    }

    fn group_name(&self, group_id: u64) -> Option<&str> {
        self.groups
            .get(&group_id)
            .and_then(Lookup::ready)
            .map(String::as_str)
    }
}
