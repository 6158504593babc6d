//! Sorting tickets by any column, in one total, deterministic order.
//!
//! Each ticket gets a key once ([`sort_key`]); keys compare by class, then value:
//! - known values first, in the column's natural order: ids, codes (status, priority and
//!   type in the vendor's code order), dates, numbers; text by Unicode code point (Rust's
//!   `str` order: stable and locale-free, so CJK names sort by code point, not by pinyin);
//! - for the people and groups: a name when the lookups have it, then a bare id, then
//!   "none" (unassigned), then unknown;
//! - a custom field: numbers (both sides parse as finite numbers) numerically, before any
//!   text, then text by code point; a dropdown by its label when the definition is known;
//! - tags: the list as the server sent it, joined by commas, as text;
//! - unknown (a `None` the server left null or out) always last, in both directions.
//!
//! Descending reverses every known class and value; ties are broken by ticket id in the same
//! direction, so no two tickets compare equal and the order never depends on the input's.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::api::query::SortOrder;
use crate::api::{CustomValue, IdField, Ticket};

use super::{LocalLookups, TicketRows};

/// A column to sort by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Id,
    Status,
    Priority,
    Type,
    Assignee,
    Group,
    Contact,
    Tags,
    Created,
    Updated,
    /// Closest to breach: minutes left on the SLA clock nearest its target (breached ones
    /// first, most overdue first, ascending); no running clock is unknown, last.
    Breach,
    /// A custom field (or form table) by key: `field_1`, `cpxx`.
    Custom(String),
}

/// A ticket's key under one column. Build once per ticket, then compare with
/// [`compare_keys`].
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    /// A name, a tag list, a custom field's text: by code point.
    Text(Box<str>),
    /// Ids, codes, seconds: numerically.
    Int(i64),
    /// A custom field that reads as a number.
    Number(f64),
    /// A person or group known only by id (no name yet).
    BareId(u64),
    /// Known to be nobody or nothing: no assignee, no group, no contact.
    None,
    /// Not known: always last.
    Unknown,
}

impl SortKey {
    /// The class: numbers before text (custom fields), names before bare ids before none.
    /// A column holds ints or numbers, never both.
    fn class(&self) -> u8 {
        match self {
            SortKey::Int(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Text(_) => 2,
            SortKey::BareId(_) => 3,
            SortKey::None => 4,
            SortKey::Unknown => 5,
        }
    }

    /// 64 bits that order as the value does within its class (a text's are its rank among
    /// the column's texts, given by [`sort_ids`]).
    fn bits(&self) -> u64 {
        match self {
            SortKey::Int(value) => (*value as u64) ^ (1 << 63),
            SortKey::Number(value) => {
                let bits = value.to_bits();
                if bits >> 63 == 1 {
                    !bits
                } else {
                    bits | (1 << 63)
                }
            }
            SortKey::Text(_) => 0,
            SortKey::BareId(id) => *id,
            SortKey::None | SortKey::Unknown => 0,
        }
    }
}

fn seconds(when: Option<NaiveDateTime>) -> SortKey {
    when.map_or(SortKey::Unknown, |when| {
        SortKey::Int(when.and_utc().timestamp())
    })
}

fn code(code: Option<i64>) -> SortKey {
    code.map_or(SortKey::Unknown, SortKey::Int)
}

fn person(id: IdField, name: impl Fn(u64) -> Option<String>) -> SortKey {
    match id {
        IdField::Unknown => SortKey::Unknown,
        IdField::Unset => SortKey::None,
        IdField::Id(id) => name(id).map_or(SortKey::BareId(id), |name| SortKey::Text(name.into())),
    }
}

/// A custom field's text as a number, when it is one (finite).
fn number(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
}

fn custom(ticket: &Ticket, key: &str, lookups: &dyn LocalLookups) -> SortKey {
    if let Some(field) = ticket.custom_fields.iter().find(|field| field.key == key) {
        return match &field.value {
            CustomValue::Number(value) if value.is_finite() => SortKey::Number(*value),
            CustomValue::Rows(rows) => SortKey::Text(cells(rows).into()),
            CustomValue::Empty => SortKey::Text("".into()),
            value => {
                let text = value.labelled(lookups.field_def(key));
                number(&text).map_or_else(|| SortKey::Text(text.into()), SortKey::Number)
            }
        };
    }
    if let Some(table) = ticket.tables.iter().find(|table| table.key == key) {
        return SortKey::Text(cells(&table.rows).into());
    }
    // Absent: the ticket has no value, or the server left its custom fields out; either
    // way nothing to order by.
    SortKey::Unknown
}

fn cells(rows: &[crate::api::TableRow]) -> String {
    rows.iter()
        .flatten()
        .map(|(_, cell)| cell.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key of one ticket under `column`.
pub fn sort_key(ticket: &Ticket, column: &Column, lookups: &dyn LocalLookups) -> SortKey {
    let owned = |name: Option<&str>| name.map(str::to_owned);
    match column {
        Column::Id => SortKey::Int(i64::try_from(ticket.id).unwrap_or(i64::MAX)),
        Column::Status => code(ticket.status.map(|v| v.code())),
        Column::Priority => code(ticket.priority.map(|v| v.code())),
        Column::Type => code(ticket.ticket_type.map(|v| v.code())),
        Column::Assignee => person(ticket.assignee_id, |id| owned(lookups.agent_name(id))),
        Column::Group => person(ticket.group_id, |id| owned(lookups.group_name(id))),
        // The model keeps a contact of 0 ("none") and an unknown one alike, as `None`.
        Column::Contact => match ticket.contact_id {
            Some(id) => person(IdField::Id(id), |id| owned(lookups.contact_name(id))),
            None => SortKey::Unknown,
        },
        Column::Tags => ticket.tags.as_ref().map_or(SortKey::Unknown, |tags| {
            SortKey::Text(tags.join(",").into())
        }),
        Column::Created => seconds(ticket.created),
        Column::Updated => seconds(ticket.updated),
        Column::Breach => lookups
            .sla_clock()
            .and_then(|(targets, now)| crate::app::sla::sla(ticket, now, targets).closest())
            .map_or(SortKey::Unknown, |clock| SortKey::Int(clock.remaining())),
        Column::Custom(key) => custom(ticket, key, lookups),
    }
}

/// The one order: unknown last either way, then class and value (reversed when
/// descending), then the id (the same way).
pub fn compare_keys(a: (&SortKey, u64), b: (&SortKey, u64), order: SortOrder) -> Ordering {
    let (a_unknown, b_unknown) = (*a.0 == SortKey::Unknown, *b.0 == SortKey::Unknown);
    if a_unknown != b_unknown {
        return a_unknown.cmp(&b_unknown);
    }
    let by_value =
        a.0.class()
            .cmp(&b.0.class())
            .then_with(|| match (a.0, b.0) {
                (SortKey::Int(x), SortKey::Int(y)) => x.cmp(y),
                (SortKey::Number(x), SortKey::Number(y)) => x.total_cmp(y),
                (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
                (SortKey::BareId(x), SortKey::BareId(y)) => x.cmp(y),
                _ => Ordering::Equal,
            });
    directed(by_value.then_with(|| a.1.cmp(&b.1)), order)
}

fn directed(ordering: Ordering, order: SortOrder) -> Ordering {
    match order {
        SortOrder::Asc => ordering,
        SortOrder::Desc => ordering.reverse(),
    }
}

/// Two tickets in the order [`sort_ids`] puts them.
pub fn compare_tickets(
    a: &Ticket,
    b: &Ticket,
    column: &Column,
    order: SortOrder,
    lookups: &dyn LocalLookups,
) -> Ordering {
    compare_keys(
        (&sort_key(a, column, lookups), a.id),
        (&sort_key(b, column, lookups), b.id),
        order,
    )
}

/// The tickets' ids in the order of `column`. Each key is built once (a packed ticket
/// unpacked once).
pub fn sort_ids<T: TicketRows + ?Sized>(
    tickets: &T,
    column: &Column,
    order: SortOrder,
    lookups: &dyn LocalLookups,
) -> Vec<u64> {
    // The ticket's own columns read only its head (unpacked faster); any other, all of it.
    let head = matches!(
        column,
        Column::Id
            | Column::Status
            | Column::Priority
            | Column::Type
            | Column::Assignee
            | Column::Group
            | Column::Contact
            | Column::Tags
            | Column::Created
            | Column::Updated
    );
    let mut keys = Vec::with_capacity(tickets.count());
    let mut ids = Vec::with_capacity(tickets.count());
    let mut key_of = |ticket: &Ticket| {
        keys.push(sort_key(ticket, column, lookups));
        ids.push(ticket.id);
    };
    for at in 0..tickets.count() {
        if head {
            tickets.with_head(at, &mut key_of);
        } else {
            key_of(&tickets.ticket(at));
        }
    }
    // Each distinct text gets its rank (by code point), so that the sort compares integers
    // only: a column has few distinct texts (labels, tag sets) or many, and either way
    // following a pointer per comparison was what cost (BENCHMARKS.md).
    let mut distinct: HashMap<&str, u64> = HashMap::new();
    for key in &keys {
        if let SortKey::Text(text) = key {
            distinct.entry(text).or_insert(0);
        }
    }
    let mut texts: Vec<&str> = distinct.keys().copied().collect();
    texts.sort_unstable();
    for (rank, text) in texts.into_iter().enumerate() {
        distinct.insert(text, rank as u64);
    }
    let mut keyed: Vec<(bool, u8, u64, u64)> = keys
        .iter()
        .zip(ids)
        .map(|(key, id)| {
            let bits = match key {
                SortKey::Text(text) => distinct.get(&**text).copied().unwrap_or(0),
                other => other.bits(),
            };
            (*key == SortKey::Unknown, key.class(), bits, id)
        })
        .collect();
    // The order of `compare_keys`, on integers: unknown last either way, the rest directed.
    // Total over distinct ids, so an unstable sort is deterministic.
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| directed((a.1, a.2, a.3).cmp(&(b.1, b.2, b.3)), order))
    });
    keyed.into_iter().map(|(_, _, _, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query::QueryLookups;
    use crate::api::{CustomField, FieldDef, TicketStatus};

    struct Names;
    impl QueryLookups for Names {
        fn contact_name(&self, id: u64) -> Option<&str> {
            (id == 1).then_some("王五")
        }
        fn field_def(&self, _key: &str) -> Option<&FieldDef> {
            None
        }
    }
    impl LocalLookups for Names {
        fn agent_name(&self, id: u64) -> Option<&str> {
            match id {
                1 => Some("张三"),
                2 => Some("Alice"),
                _ => None,
            }
        }
        fn group_name(&self, _id: u64) -> Option<&str> {
            None
        }
    }

    fn with(id: u64, change: impl FnOnce(&mut Ticket)) -> Ticket {
        let mut ticket = Ticket {
            id,
            ..Ticket::default()
        };
        change(&mut ticket);
        ticket
    }

    fn custom(id: u64, value: CustomValue) -> Ticket {
        with(id, |t| {
            t.custom_fields = vec![CustomField {
                key: "field_5".into(),
                value,
                pay_status: None,
            }]
        })
    }

    #[test]
    fn assignees_by_name_then_id_then_nobody_then_unknown() {
        let tickets = [
            with(1, |t| t.assignee_id = IdField::Unknown),
            with(2, |t| t.assignee_id = IdField::Id(9)),
            with(3, |t| t.assignee_id = IdField::Id(1)),
            with(4, |t| t.assignee_id = IdField::Unset),
            with(5, |t| t.assignee_id = IdField::Id(2)),
            with(6, |t| t.assignee_id = IdField::Id(3)),
        ];
        let asc = sort_ids(&tickets, &Column::Assignee, SortOrder::Asc, &Names);
        // "Alice" < "张三" by code point; ids 3 < 9; nobody; unknown.
        assert_eq!(asc, vec![5, 3, 6, 2, 4, 1]);
        let desc = sort_ids(&tickets, &Column::Assignee, SortOrder::Desc, &Names);
        assert_eq!(desc, vec![4, 2, 6, 3, 5, 1]);
    }

    #[test]
    fn custom_numbers_before_text_and_ties_by_id() {
        let tickets = [
            custom(1, CustomValue::Text("10".into())),
            custom(2, CustomValue::Text("9".into())),
            custom(3, CustomValue::Text("abc".into())),
            custom(4, CustomValue::Number(9.5)),
            custom(5, CustomValue::Text("9".into())),
            with(6, |_| {}),
            custom(7, CustomValue::Text("1e1".into())),
            custom(8, CustomValue::Text("1f".into())),
        ];
        let column = Column::Custom("field_5".into());
        let asc = sort_ids(&tickets, &column, SortOrder::Asc, &Names);
        assert_eq!(asc, vec![2, 5, 4, 1, 7, 8, 3, 6]);
        let desc = sort_ids(&tickets, &column, SortOrder::Desc, &Names);
        assert_eq!(desc, vec![3, 8, 7, 1, 4, 5, 2, 6]);
    }

    #[test]
    fn statuses_by_code_unknown_last() {
        let tickets = [
            with(1, |t| t.status = Some(TicketStatus::Solved)),
            with(2, |t| t.status = None),
            with(3, |t| t.status = Some(TicketStatus::New)),
        ];
        let asc = sort_ids(&tickets, &Column::Status, SortOrder::Asc, &Names);
        assert_eq!(asc, vec![3, 1, 2]);
        let desc = sort_ids(&tickets, &Column::Status, SortOrder::Desc, &Names);
        assert_eq!(desc, vec![1, 3, 2]);
    }
}
