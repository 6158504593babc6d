//! Tickets in the store: each row keeps the ticket's JSON whole (unknown fields survive a
//! round trip) beside the columns the console sorts and filters on, and which kind of
//! answer gave it. A search result (partial: id, subject, dates, url) never erases what a
//! full answer (list, show, an update's answer) gave: unknown is not empty.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::Value;

use super::{Store, StoreError};
use crate::api::model::{ApiDate, DATE_FORMAT, Ticket};
use crate::api::query::Known;

/// Which kind of answer a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// list, show, show many, an update's or a create's answer: every field the server has.
    Full,
    /// A search result: only id, subject, createDT, updateDT and url.
    Partial,
}

impl Answer {
    pub(super) fn code(self) -> i64 {
        match self {
            Answer::Full => 1,
            Answer::Partial => 0,
        }
    }
}

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub ticket: Ticket,
    /// Whether a full answer ever gave it (else only search results did).
    pub full: bool,
    /// The update time of the last full answer: older than `ticket.updated` when a search
    /// saw a later change, whose other fields are then not known here.
    pub full_updated: Option<ApiDate>,
}

impl Stored {
    /// The ticket as far as it is known, and how much: whole when a full answer gave it
    /// and nothing newer came since; else only what a search result tells (id, url,
    /// subject and dates; the other fields blanked, so an evaluator answers `Unknown` on
    /// them instead of reading stale values). One reading of a stored ticket, so that the
    /// console's views and `--offline` take the same fields for known.
    pub fn known(self) -> (Ticket, Known) {
        let whole = self.full
            && match (self.full_updated, self.ticket.updated) {
                (Some(full), Some(now)) => full >= now,
                (_, None) => true,
                (None, Some(_)) => false,
            };
        if whole {
            return (self.ticket, Known::Full);
        }
        let Ticket {
            id,
            url,
            subject,
            created,
            updated,
            ..
        } = self.ticket;
        let hit = Ticket {
            id,
            url,
            subject,
            created,
            updated,
            ..Ticket::default()
        };
        (hit, Known::SearchHit)
    }
}

/// The sort and filter columns of one ticket (`None`: not known).
pub(crate) struct Columns {
    pub(crate) status: Option<i64>,
    pub(crate) priority: Option<i64>,
    pub(crate) ticket_type: Option<i64>,
    /// 0: nobody; `None`: not known.
    pub(crate) assignee: Option<i64>,
    pub(crate) group: Option<i64>,
    pub(crate) contact: Option<i64>,
    pub(crate) created: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) subject: String,
    pub(crate) tags: Option<String>,
}

fn date_text(date: Option<ApiDate>) -> Option<String> {
    date.map(|date| date.format(DATE_FORMAT).to_string())
}

fn id_column(id: Option<Option<u64>>) -> Option<i64> {
    id.map(|id| id.map_or(0, |id| i64::try_from(id).unwrap_or(i64::MAX)))
}

impl Columns {
    pub(crate) fn of(ticket: &Ticket) -> Columns {
        Columns {
            status: ticket.status.map(|s| s.code()),
            priority: ticket.priority.map(|p| p.code()),
            ticket_type: ticket.ticket_type.map(|t| t.code()),
            assignee: id_column(ticket.assignee_id.known()),
            group: id_column(ticket.group_id.known()),
            contact: ticket
                .contact_id
                .map(|id| i64::try_from(id).unwrap_or(i64::MAX)),
            created: date_text(ticket.created),
            updated: date_text(ticket.updated),
            subject: ticket.subject.clone(),
            tags: ticket.tags.as_ref().map(|tags| tags.join(",")),
        }
    }
}

/// A stored row's JSON back to a ticket, through the crate's own decoder.
pub(super) fn decode(raw: &str) -> Option<Ticket> {
    let value: Value = serde_json::from_str(raw).ok()?;
    crate::api::decode::ticket(&value).ok()
}

pub(super) fn parse_date(text: Option<String>) -> Option<ApiDate> {
    text.and_then(|text| ApiDate::parse_from_str(&text, DATE_FORMAT).ok())
}

/// Writes one ticket; answers whether the stored ticket changed.
pub(super) fn put_one(
    tx: &Transaction<'_>,
    ticket: &Ticket,
    answer: Answer,
) -> Result<bool, StoreError> {
    let id = i64::try_from(ticket.id).map_err(|_| StoreError::Sqlite("ticket id".into()))?;
    let existing: Option<(String, i64, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT raw, kind, full_updated, updated FROM tickets WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    // An answer older than what is stored (answers crossing) changes nothing.
    if let Some((_, _, _, stored_updated)) = &existing
        && let (Some(new), Some(old)) = (ticket.updated, parse_date(stored_updated.clone()))
        && new < old
    {
        return Ok(false);
    }
    let incoming = crate::api::encode::ticket(ticket);
    let (raw, kind, full_updated, merged) = match (&existing, answer) {
        (None, _) | (Some(_), Answer::Full) => (
            incoming,
            answer.code(),
            (answer == Answer::Full)
                .then(|| date_text(ticket.updated))
                .flatten(),
            None,
        ),
        // A search result: its few fields over what is stored, the rest kept.
        (Some((stored, kind, full_updated, _)), Answer::Partial) => {
            let mut merged = match serde_json::from_str::<Value>(stored) {
                Ok(Value::Object(map)) => map,
                _ => serde_json::Map::new(),
            };
            if let Value::Object(fields) = incoming {
                merged.extend(fields);
            }
            let merged = Value::Object(merged);
            let decoded = crate::api::decode::ticket(&merged).ok();
            (merged, *kind, full_updated.clone(), decoded)
        }
    };
    let raw = raw.to_string();
    if existing
        .as_ref()
        .is_some_and(|(stored, k, _, _)| *stored == raw && *k == kind)
    {
        return Ok(false);
    }
    let c = Columns::of(merged.as_ref().unwrap_or(ticket));
    tx.execute(
        "INSERT OR REPLACE INTO tickets (id, updated, kind, raw, status, priority, type,
         assignee, group_id, contact_id, created, subject, tags, full_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            id,
            c.updated,
            kind,
            raw,
            c.status,
            c.priority,
            c.ticket_type,
            c.assignee,
            c.group,
            c.contact,
            c.created,
            c.subject,
            c.tags,
            full_updated
        ],
    )?;
    Ok(true)
}

impl Store {
    /// Writes tickets in one transaction; answers the ids whose stored ticket changed.
    pub fn put(&mut self, tickets: &[Ticket], answer: Answer) -> Result<Vec<u64>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for ticket in tickets {
            if put_one(&tx, ticket, answer)? {
                changed.push(ticket.id);
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The server's answer to a change this console made (update, create): stored as a
    /// full answer, so the store shows the change before the next sync.
    pub fn put_from_answer(&mut self, ticket: &Ticket) -> Result<(), StoreError> {
        self.put(std::slice::from_ref(ticket), Answer::Full)
            .map(|_| ())
    }

    /// One ticket, if stored.
    pub fn get(&self, id: u64) -> Result<Option<Stored>, StoreError> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        let row: Option<(String, i64, Option<String>)> = self
            .conn
            .query_row(
                "SELECT raw, kind, full_updated FROM tickets WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(raw, kind, full_updated)| {
            Some(Stored {
                ticket: decode(&raw)?,
                full: kind == Answer::Full.code(),
                full_updated: parse_date(full_updated),
            })
        }))
    }

    /// Every stored ticket, the most recently updated first (unknown times last, then by
    /// id): what the console paints before the network answers. A row that no longer
    /// decodes is left out and logged.
    pub fn tickets_by_updated_desc(&self) -> Result<Vec<Ticket>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, raw FROM tickets ORDER BY updated IS NULL, updated DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut tickets = Vec::new();
        for row in rows {
            let (id, raw) = row?;
            match decode(&raw) {
                Some(ticket) => tickets.push(ticket),
                None => tracing::warn!(id, "a stored ticket does not decode: left out"),
            }
        }
        Ok(tickets)
    }

    /// How many tickets are stored, and how many of them only as search results.
    pub fn counts(&self) -> Result<(u64, u64), StoreError> {
        let (all, partial): (i64, i64) = self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(kind = 0), 0) FROM tickets",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok((all.unsigned_abs(), partial.unsigned_abs()))
    }

    /// Stored tickets updated at or after `from` and strictly before `before`.
    pub(crate) fn count_updated_between(
        &self,
        from: ApiDate,
        before: ApiDate,
    ) -> Result<u64, StoreError> {
        let count: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM tickets WHERE updated >= ?1 AND updated < ?2",
            params![date_text(Some(from)), date_text(Some(before))],
            |row| row.get(0),
        )?;
        Ok(count.unsigned_abs())
    }
}
