//! The ticket object: its known keys (duplicates give up), each scalar field read by the
//! general path's readers, the unknown keys kept verbatim.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::custom::{CustomFieldsSeed, TablesSeed};
use super::lists::{IdListSeed, NullList, TagsSeed};
use super::scalar::{KeySeed, field};
use super::{give_up, ok};
use crate::api::decode::lenient::{
    Scalar, clean_value, scalar_bool, scalar_date, scalar_enum, scalar_i64, scalar_id,
    scalar_id_field, scalar_read_text,
};
use crate::api::model::{Priority, Ticket, TicketSource, TicketStatus, TicketType};

/// The ticket object's known keys, the general path's list (one list for both paths):
/// for spotting duplicates (the general path would keep the last of two; this path gives
/// up instead), indexed by [`known_index`].
pub(super) use crate::api::decode::ticket::TICKET_KEYS as KNOWN;

/// The index of `key` in [`KNOWN`] (a `match` compiles to a switch on the length, cheaper
/// than comparing against the list in turn).
pub(super) fn known_index(key: &str) -> Option<usize> {
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

pub(super) struct TicketSeed;

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
