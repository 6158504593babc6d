//! The compact stored form of a ticket: every field packed into one byte buffer (varints,
//! length-prefixed UTF-8), so a stored ticket costs one allocation of a few hundred bytes
//! instead of a 650-byte struct plus two dozen small heap blocks (issue 7: 100,000 tickets
//! in ≤ 100 MiB).
//!
//! Only this module writes the buffers, so reading one back cannot meet foreign bytes; a
//! truncated or inconsistent buffer (a bug) still decodes to defaults instead of panicking.
//! `Ticket::extra` is not stored (the console never sends unknown fields back).

use serde_json::Value;

mod buffer;

use crate::api::model::{
    ApiDate, CustomField, CustomValue, FormTable, IdField, LiveFields, Priority, Ticket,
    TicketSource, TicketStatus, TicketType, UnreadableField,
};
use buffer::{Reader, Writer};

/// The scalar fields at the head of every buffer, readable without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Summary {
    pub(crate) status: Option<TicketStatus>,
    pub(crate) priority: Option<Priority>,
    pub(crate) contact_id: Option<u64>,
    pub(crate) assignee_id: IdField,
    pub(crate) group_id: IdField,
    pub(crate) updated: Option<ApiDate>,
}

pub(crate) fn encode(ticket: &Ticket) -> Box<[u8]> {
    let mut out = Writer(Vec::with_capacity(256));
    // The summary first, in `Summary` order.
    out.enum_code(
        ticket
            .status
            .map(|s| (s.code(), matches!(s, TicketStatus::Unknown(_)))),
    );
    out.enum_code(
        ticket
            .priority
            .map(|p| (p.code(), matches!(p, Priority::Unknown(_)))),
    );
    out.opt_u64(ticket.contact_id);
    out.id_field(ticket.assignee_id);
    out.id_field(ticket.group_id);
    out.date(ticket.updated);
    // Then the rest.
    out.u64(ticket.id);
    out.enum_code(
        ticket
            .ticket_type
            .map(|t| (t.code(), matches!(t, TicketType::Unknown(_)))),
    );
    out.enum_code(
        ticket
            .source
            .map(|s| (s.code(), matches!(s, TicketSource::Unknown(_)))),
    );
    out.opt_u64(ticket.provider_id);
    out.opt_u64(ticket.creator_id);
    out.opt_u64(ticket.template_id);
    out.date(ticket.created);
    out.str(&ticket.subject);
    out.opt_str(ticket.url.as_deref());
    out.opt_str(ticket.description.as_deref());
    out.opt_ids(ticket.cc_user_ids.as_deref());
    out.opt_ids(ticket.cc_group_ids.as_deref());
    // Tags not known (null on the wire) stay not known: a marker byte, then the list.
    match &ticket.tags {
        None => out.byte(0),
        Some(tags) => {
            out.byte(1);
            out.u64(tags.len() as u64);
            for tag in tags {
                out.str(tag);
            }
        }
    }
    out.u64(ticket.custom_fields.len() as u64);
    for field in &ticket.custom_fields {
        out.str(&field.key);
        match &field.value {
            CustomValue::Empty => out.byte(0),
            CustomValue::Text(text) => {
                out.byte(1);
                out.str(text);
            }
            CustomValue::Number(number) => {
                out.byte(2);
                out.0.extend_from_slice(&number.to_bits().to_le_bytes());
            }
            CustomValue::Rows(rows) => {
                out.byte(3);
                out.rows(rows);
            }
        }
        out.opt_i64(field.pay_status);
    }
    out.u64(ticket.tables.len() as u64);
    for table in &ticket.tables {
        out.str(&table.key);
        out.rows(&table.rows);
    }
    let live = &ticket.live;
    out.date(live.solved);
    out.date(live.waiting);
    out.date(live.opened);
    out.date(live.closed);
    out.opt_u64(live.custom_template_id);
    out.opt_i64(live.creator_type);
    out.opt_u64(live.workflow_id);
    out.opt_u64(live.workflow_node_id);
    out.byte(match live.is_deleted {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    });
    match &live.description_attachments {
        None => out.byte(0),
        Some(value) => {
            out.byte(1);
            // Rare and small; JSON text round-trips a `Value` exactly.
            out.str(&value.to_string());
        }
    }
    // Fields that could not be read: rare, so last (a ticket without any costs one byte).
    out.u64(ticket.unreadable.len() as u64);
    for field in &ticket.unreadable {
        out.str(&field.key);
        out.str(&field.reason);
    }
    out.0.into_boxed_slice()
}

pub(crate) fn summary(bytes: &[u8]) -> Summary {
    let mut input = Reader { bytes, pos: 0 };
    summary_from(&mut input)
}

fn summary_from(input: &mut Reader<'_>) -> Summary {
    Summary {
        status: input.enum_code(TicketStatus::from_code, TicketStatus::Unknown),
        priority: input.enum_code(Priority::from_code, Priority::Unknown),
        contact_id: input.opt_u64(),
        assignee_id: input.id_field(),
        group_id: input.id_field(),
        updated: input.date(),
    }
}

pub(crate) fn decode(bytes: &[u8]) -> Ticket {
    decode_parts(bytes, true).0
}

/// The ticket's head only, into `ticket`: id, codes, people, dates, subject, url, cc lists
/// and tags, keeping its subject's and tags' allocations, for a reader that reads many
/// tickets in turn through one (a bare word of a query, a sort by a standard column).
/// The description is left out, and the fields past the head (custom fields, form
/// tables, live fields, unreadable marks) are left as they are: keep them at their
/// defaults, and never take them for the ticket's.
pub(crate) fn decode_head_into(bytes: &[u8], ticket: &mut Ticket) {
    let mut input = Reader { bytes, pos: 0 };
    head_into(&mut input, ticket, false);
    ticket.description = None;
}

/// What a bare word of a query reads, into `ticket`: its id, contact and subject (the
/// subject's allocation kept); nothing else is read or written, so `ticket`'s other fields
/// must not be taken for this ticket's.
pub(crate) fn decode_words_into(bytes: &[u8], ticket: &mut Ticket) {
    let mut input = Reader { bytes, pos: 0 };
    input.enum_code(TicketStatus::from_code, TicketStatus::Unknown);
    input.enum_code(Priority::from_code, Priority::Unknown);
    ticket.contact_id = input.opt_u64();
    input.id_field();
    input.id_field();
    input.skip_date();
    ticket.id = input.u64();
    input.enum_code(TicketType::from_code, TicketType::Unknown);
    input.enum_code(TicketSource::from_code, TicketSource::Unknown);
    input.opt_u64();
    input.opt_u64();
    input.opt_u64();
    input.skip_date();
    input.string_into(&mut ticket.subject);
}

/// Reads the buffer's head into `ticket`, up to and with the tags, keeping the subject's
/// and the tags' allocations; answers the description's range when it is not read (and
/// then leaves `ticket.description` as it is). The one reader of the head, for the full
/// decoder and the reader of many tickets in turn alike, so neither can drift from
/// `encode`'s order.
fn head_into(
    input: &mut Reader<'_>,
    ticket: &mut Ticket,
    with_description: bool,
) -> Option<std::ops::Range<usize>> {
    let head = summary_from(input);
    ticket.status = head.status;
    ticket.priority = head.priority;
    ticket.contact_id = head.contact_id;
    ticket.assignee_id = head.assignee_id;
    ticket.group_id = head.group_id;
    ticket.updated = head.updated;
    ticket.id = input.u64();
    ticket.ticket_type = input.enum_code(TicketType::from_code, TicketType::Unknown);
    ticket.source = input.enum_code(TicketSource::from_code, TicketSource::Unknown);
    ticket.provider_id = input.opt_u64();
    ticket.creator_id = input.opt_u64();
    ticket.template_id = input.opt_u64();
    ticket.created = input.date();
    input.string_into(&mut ticket.subject);
    ticket.url = input.opt_string();
    let mut description = None;
    if with_description {
        ticket.description = input.opt_string();
    } else {
        description = input.opt_range();
    }
    ticket.cc_user_ids = input.opt_ids();
    ticket.cc_group_ids = input.opt_ids();
    match input.byte() {
        1 => {
            let count = input.len();
            let tags = ticket.tags.get_or_insert_with(Vec::new);
            tags.truncate(count);
            // As many slots as tags, no more: a fresh ticket's list is as a collected one.
            tags.reserve_exact(count.saturating_sub(tags.len()));
            for at in 0..count {
                match tags.get_mut(at) {
                    Some(tag) => input.string_into(tag),
                    None => tags.push(input.string()),
                }
            }
        }
        _ => ticket.tags = None,
    }
    description
}

/// The ticket with its description left out, and the description's bytes (UTF-8, as
/// packed): for a reader that needs the text only when it changed.
pub(crate) fn decode_lean(bytes: &[u8]) -> (Ticket, Option<&[u8]>) {
    let (ticket, description) = decode_parts(bytes, false);
    (ticket, description.and_then(|range| bytes.get(range)))
}

fn decode_parts(bytes: &[u8], with_description: bool) -> (Ticket, Option<std::ops::Range<usize>>) {
    let mut input = Reader { bytes, pos: 0 };
    let mut ticket = Ticket::default();
    let description = head_into(&mut input, &mut ticket, with_description);
    let fields = input.len();
    ticket.custom_fields = (0..fields)
        .map(|_| {
            let key = input.string();
            let value = match input.byte() {
                1 => CustomValue::Text(input.string()),
                2 => CustomValue::Number(f64::from_bits(input.u64_le())),
                3 => CustomValue::Rows(input.rows()),
                _ => CustomValue::Empty,
            };
            CustomField {
                key,
                value,
                pay_status: input.opt_i64(),
            }
        })
        .collect();
    let tables = input.len();
    ticket.tables = (0..tables)
        .map(|_| FormTable {
            key: input.string(),
            rows: input.rows(),
        })
        .collect();
    ticket.live = LiveFields {
        solved: input.date(),
        waiting: input.date(),
        opened: input.date(),
        closed: input.date(),
        custom_template_id: input.opt_u64(),
        creator_type: input.opt_i64(),
        workflow_id: input.opt_u64(),
        workflow_node_id: input.opt_u64(),
        is_deleted: match input.byte() {
            1 => Some(false),
            2 => Some(true),
            _ => None,
        },
        description_attachments: match input.byte() {
            1 => serde_json::from_str::<Value>(&input.string()).ok(),
            _ => None,
        },
    };
    let unreadable = input.len();
    ticket.unreadable = (0..unreadable)
        .map(|_| UnreadableField {
            key: input.string(),
            reason: input.string(),
        })
        .collect();
    (ticket, description)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_lean_decode_is_the_ticket_without_its_description_and_the_description_apart() {
        for description in [None, Some(""), Some("<p>办公室</p>")] {
            let ticket = Ticket {
                id: 7,
                subject: "打印机".into(),
                description: description.map(String::from),
                tags: Some(vec!["vip".into()]),
                ..Ticket::default()
            };
            let packed = encode(&ticket);
            let (lean, text) = decode_lean(&packed);
            assert_eq!(text, description.map(str::as_bytes));
            let full = Ticket {
                description: text.map(|t| String::from_utf8_lossy(t).into_owned()),
                ..lean
            };
            assert_eq!(full, decode(&packed));
        }
    }
    use chrono::{NaiveDate, NaiveDateTime, Timelike};
    use serde_json::json;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, s))
            .unwrap()
    }

    #[test]
    fn every_field_round_trips() {
        let ticket = Ticket {
            id: 5_001,
            url: Some("https://x/api/v1/tickets/5001.json".into()),
            subject: "打印机 \u{1F5A8} #5001".into(),
            description: Some("<p>办公室</p>".into()),
            source: Some(TicketSource::Unknown(0)),
            ticket_type: Some(TicketType::Fault),
            priority: Some(Priority::Unknown(-3)),
            status: Some(TicketStatus::Solved),
            contact_id: Some(u64::MAX),
            provider_id: Some(37_809),
            creator_id: None,
            assignee_id: IdField::Id(12),
            group_id: IdField::Unset,
            cc_user_ids: Some(vec![13, 14]),
            cc_group_ids: Some(vec![]),
            template_id: Some(2),
            tags: Some(vec!["vip客户".into(), String::new()]),
            created: Some(at(1, 1, 1, 0, 0, 0)),
            updated: Some(at(2024, 3, 2, 10, 0, 0).with_nanosecond(5).unwrap()),
            custom_fields: vec![
                CustomField {
                    key: "field_5".into(),
                    value: CustomValue::Number(-0.0),
                    pay_status: Some(i64::MIN),
                },
                CustomField {
                    key: "field_6".into(),
                    value: CustomValue::Text("99".into()),
                    pay_status: None,
                },
                CustomField {
                    key: "cpxx".into(),
                    value: CustomValue::Rows(vec![vec![("a".into(), "1".into())], vec![]]),
                    pay_status: Some(1),
                },
                CustomField {
                    key: String::new(),
                    value: CustomValue::Empty,
                    pay_status: None,
                },
            ],
            tables: vec![FormTable {
                key: "field_20".into(),
                rows: vec![vec![
                    ("zc".into(), "笔记本".into()),
                    ("bz".into(), "".into()),
                ]],
            }],
            live: LiveFields {
                solved: None,
                waiting: Some(at(9999, 12, 31, 23, 59, 59)),
                opened: Some(at(2024, 3, 1, 9, 20, 0)),
                closed: None,
                custom_template_id: Some(0),
                creator_type: Some(-1),
                workflow_id: Some(7),
                workflow_node_id: None,
                is_deleted: Some(false),
                description_attachments: Some(json!({"b": [1, 2.5, "x"], "a": null})),
            },
            unreadable: vec![UnreadableField {
                key: "ticketStatus".into(),
                reason: "expected a code, found an object".into(),
            }],
            extra: serde_json::Map::new(),
        };
        let bytes = encode(&ticket);
        assert_eq!(decode(&bytes), ticket);
        // The head: every field up to the tags, the rest left at its default.
        let front = Ticket {
            description: None,
            custom_fields: Vec::new(),
            tables: Vec::new(),
            live: LiveFields::default(),
            unreadable: Vec::new(),
            ..ticket.clone()
        };
        let mut head = Ticket::default();
        decode_head_into(&bytes, &mut head);
        assert_eq!(head, front);
        // Read in turn through one ticket, each is its own head: nothing of the one
        // before stays (fewer tags, none, no url).
        let fewer = Ticket {
            id: 2,
            subject: "短".into(),
            tags: Some(vec!["a".into()]),
            ..Ticket::default()
        };
        let none = Ticket {
            id: 3,
            tags: None,
            ..Ticket::default()
        };
        let mut scratch = Ticket::default();
        for one in [&front, &fewer, &none, &front] {
            decode_head_into(&encode(one), &mut scratch);
            assert_eq!(&scratch, one);
        }
        // A bare word's fields: id, contact and subject, each ticket's in turn.
        let mut words = Ticket::default();
        for one in [&ticket, &fewer, &none] {
            decode_words_into(&encode(one), &mut words);
            let read = (words.id, words.contact_id, words.subject.as_str());
            assert_eq!(read, (one.id, one.contact_id, one.subject.as_str()));
        }
        let head = summary(&bytes);
        assert_eq!(head.status, ticket.status);
        assert_eq!(head.priority, ticket.priority);
        assert_eq!(head.contact_id, ticket.contact_id);
        assert_eq!(head.group_id, IdField::Unset);
        assert_eq!(head.assignee_id, IdField::Id(12));
        assert_eq!(head.updated, ticket.updated);
        assert_eq!(decode(&encode(&Ticket::default())), Ticket::default());
    }

    #[test]
    fn fields_the_server_left_unknown_stay_unknown_not_empty() {
        let unknown = Ticket {
            id: 7,
            status: Some(TicketStatus::Open),
            ..Ticket::default()
        };
        let back = decode(&encode(&unknown));
        assert_eq!(back.tags, None);
        assert_eq!(back.cc_user_ids, None);
        assert_eq!(back.cc_group_ids, None);
        assert_eq!(back.group_id, IdField::Unknown);
        assert_eq!(summary(&encode(&unknown)).assignee_id, IdField::Unknown);
        let empty = Ticket {
            tags: Some(Vec::new()),
            cc_user_ids: Some(Vec::new()),
            group_id: IdField::Unset,
            ..unknown
        };
        assert_eq!(decode(&encode(&empty)), empty);
    }

    #[test]
    fn a_truncated_buffer_decodes_to_defaults_without_panicking() {
        let bytes = encode(&Ticket {
            id: 9,
            subject: "x".repeat(300),
            tags: Some(vec!["a".into(); 50]),
            ..Ticket::default()
        });
        for cut in 0..bytes.len() {
            let _ = decode(&bytes[..cut]);
        }
        let _ = decode(&[0xFF; 40]);
    }
}
