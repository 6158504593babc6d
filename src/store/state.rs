//! What the store keeps beside the tickets: the sync state of each scope (the cursor, the
//! day it asks from, the first full sync's progress), meta, and the lookups.

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

use super::tickets::{Answer, put_one};
use super::{Store, StoreError};
use crate::api::model::{ApiDate, DATE_FORMAT, Ticket};

/// Which call a store is synced through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The list call (administrators): full tickets.
    List,
    /// Searches (ordinary agents, whom list answers 403): partial tickets.
    Search,
}

impl Scope {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Scope::List => "list",
            Scope::Search => "search",
        }
    }

    fn parse(text: &str) -> Option<Scope> {
        match text {
            "list" => Some(Scope::List),
            "search" => Some(Scope::Search),
            _ => None,
        }
    }

    /// The kind of answer this scope's pages are.
    pub(crate) fn answer(self) -> Answer {
        match self {
            Scope::List => Answer::Full,
            Scope::Search => Answer::Partial,
        }
    }
}

/// A scope's sync state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The newest `updateDT` stored from this scope's answers.
    pub cursor: Option<ApiDate>,
    /// The day the last delta asked from (`updated_start` / `updateDT>=`).
    pub(crate) day: Option<chrono::NaiveDate>,
    /// When the last sync ended, seconds since the epoch (this machine's clock).
    pub(crate) last_sync: Option<i64>,
    /// A first full sync under way, if any.
    pub full: Option<FullProgress>,
    /// When (this machine's clock, seconds) the cursor was first seen at its value.
    pub(crate) cursor_seen_at: Option<i64>,
    /// A sync read again the overlap before the cursor at least an overlap after the cursor
    /// was first seen: no write stamped at or before the cursor can still appear, so the
    /// next deltas ask only after it.
    pub settled: bool,
}

/// A first full sync's progress: pages done of the total it planned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FullProgress {
    /// The newest `updateDT` on the server when it began: the cursor once it is done.
    pub(crate) mark: Option<ApiDate>,
    pub(crate) per_page: u32,
    pub(crate) total_pages: u32,
    pub done: Vec<u32>,
}

fn date_text(date: Option<ApiDate>) -> Option<String> {
    date.map(|date| date.format(DATE_FORMAT).to_string())
}

fn parse_date(text: Option<String>) -> Option<ApiDate> {
    text.and_then(|text| ApiDate::parse_from_str(&text, DATE_FORMAT).ok())
}

impl Store {
    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub(crate) fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }

    /// The scope this store was synced through, once a sync found it.
    pub(crate) fn scope(&self) -> Result<Option<Scope>, StoreError> {
        Ok(self.meta("scope")?.as_deref().and_then(Scope::parse))
    }

    pub(crate) fn set_scope(&self, scope: Scope) -> Result<(), StoreError> {
        self.set_meta("scope", scope.as_str())
    }

    pub fn sync_state(&self, scope: Scope) -> Result<SyncState, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
            Option<u32>,
            Option<u32>,
            Option<i64>,
            bool,
        );
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT cursor, day, last_sync, full_mark, full_per_page, full_total,
                 cursor_seen_at, settled FROM sync_state WHERE scope = ?1",
                [scope.as_str()],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                        row.get(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((cursor, day, last_sync, mark, per_page, total, cursor_seen_at, settled)) = row
        else {
            return Ok(SyncState::default());
        };
        let full = match (per_page, total) {
            (Some(per_page), Some(total_pages)) => {
                let mut stmt = self
                    .conn
                    .prepare("SELECT page FROM full_pages WHERE scope = ?1 ORDER BY page")?;
                let done = stmt
                    .query_map([scope.as_str()], |row| row.get(0))?
                    .collect::<rusqlite::Result<Vec<u32>>>()?;
                Some(FullProgress {
                    mark: parse_date(mark),
                    per_page,
                    total_pages,
                    done,
                })
            }
            _ => None,
        };
        Ok(SyncState {
            cursor: parse_date(cursor),
            day: day.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            last_sync,
            full,
            cursor_seen_at,
            settled,
        })
    }

    fn ensure_state_row(tx: &rusqlite::Transaction<'_>, scope: Scope) -> rusqlite::Result<()> {
        tx.execute(
            "INSERT OR IGNORE INTO sync_state (scope) VALUES (?1)",
            [scope.as_str()],
        )?;
        Ok(())
    }

    /// Starts a first full sync of `total_pages` pages of `per_page`; `mark` is the newest
    /// update time on the server before the first page is asked.
    pub(crate) fn begin_full(
        &mut self,
        scope: Scope,
        mark: Option<ApiDate>,
        per_page: u32,
        total_pages: u32,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        Self::ensure_state_row(&tx, scope)?;
        tx.execute("DELETE FROM full_pages WHERE scope = ?1", [scope.as_str()])?;
        tx.execute(
            "UPDATE sync_state SET full_mark = ?2, full_per_page = ?3, full_total = ?4
             WHERE scope = ?1",
            params![scope.as_str(), date_text(mark), per_page, total_pages],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One page of a full sync, its tickets and its being done in one transaction (a kill
    /// after it never asks for it again; a kill before it leaves nothing of it).
    pub(crate) fn commit_full_page(
        &mut self,
        scope: Scope,
        page: u32,
        tickets: &[Ticket],
    ) -> Result<Vec<u64>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut changed = Vec::new();
        for ticket in tickets {
            if put_one(&tx, ticket, scope.answer())? {
                changed.push(ticket.id);
            }
        }
        tx.execute(
            "INSERT OR IGNORE INTO full_pages (scope, page) VALUES (?1, ?2)",
            params![scope.as_str(), page],
        )?;
        tx.commit()?;
        Ok(changed)
    }

    /// The full sync is done: its mark becomes the cursor, seen at `now`.
    pub(crate) fn finish_full(&mut self, scope: Scope, now: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        Self::ensure_state_row(&tx, scope)?;
        tx.execute(
            "UPDATE sync_state SET cursor = COALESCE(full_mark, cursor), full_mark = NULL,
             full_per_page = NULL, full_total = NULL, cursor_seen_at = ?2, settled = 0
             WHERE scope = ?1",
            params![scope.as_str(), now],
        )?;
        tx.execute("DELETE FROM full_pages WHERE scope = ?1", [scope.as_str()])?;
        tx.commit()?;
        Ok(())
    }

    /// One page of a delta: its tickets, and the cursor moved to the newest update time
    /// stored (never back), in one transaction; a cursor that moves is seen at `now` and
    /// not settled.
    pub(crate) fn commit_delta_page(
        &mut self,
        scope: Scope,
        day: chrono::NaiveDate,
        tickets: &[Ticket],
        now: i64,
    ) -> Result<Vec<u64>, StoreError> {
        let tx = self.conn.transaction()?;
        Self::ensure_state_row(&tx, scope)?;
        let mut changed = Vec::new();
        for ticket in tickets {
            if put_one(&tx, ticket, scope.answer())? {
                changed.push(ticket.id);
            }
        }
        let newest = date_text(tickets.iter().filter_map(|t| t.updated).max());
        tx.execute(
            "UPDATE sync_state SET day = ?2,
             cursor_seen_at = CASE WHEN ?3 IS NOT NULL AND (cursor IS NULL OR ?3 > cursor)
                      THEN ?4 ELSE cursor_seen_at END,
             settled = CASE WHEN ?3 IS NOT NULL AND (cursor IS NULL OR ?3 > cursor)
                      THEN 0 ELSE settled END,
             cursor = CASE WHEN ?3 IS NOT NULL AND (cursor IS NULL OR ?3 > cursor)
                      THEN ?3 ELSE cursor END
             WHERE scope = ?1",
            params![
                scope.as_str(),
                day.format("%Y-%m-%d").to_string(),
                newest,
                now
            ],
        )?;
        tx.commit()?;
        Ok(changed)
    }

    /// The cursor is settled: deltas ask only after it from now on (until it moves).
    pub(crate) fn settle(&mut self, scope: Scope) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_state SET settled = 1 WHERE scope = ?1",
            [scope.as_str()],
        )?;
        Ok(())
    }

    pub(crate) fn set_last_sync(&mut self, scope: Scope, at: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        Self::ensure_state_row(&tx, scope)?;
        tx.execute(
            "UPDATE sync_state SET last_sync = ?2 WHERE scope = ?1",
            params![scope.as_str(), at],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets a scope's cursor and progress (`cache sync --full`): the next sync is a
    /// first full sync. The tickets stay until it replaces them.
    pub(crate) fn reset_sync(&mut self, scope: Scope) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM sync_state WHERE scope = ?1", [scope.as_str()])?;
        tx.execute("DELETE FROM full_pages WHERE scope = ?1", [scope.as_str()])?;
        tx.commit()?;
        Ok(())
    }

    /// When any scope last finished a sync (seconds since the epoch).
    pub(crate) fn last_sync(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(last_sync) FROM sync_state", [], |row| {
                row.get(0)
            })?)
    }

    /// Replaces the lookups of one kind (`agents`, `groups`, `contacts`, `companies`,
    /// `fields`, `templates`) given as `(id, the object as JSON)`, fetched at `fetched_at`
    /// (seconds since the epoch).
    pub(crate) fn put_lookups(
        &mut self,
        kind: &str,
        items: &[(String, Value)],
        fetched_at: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO lookups (kind, id, raw, fetched_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (id, raw) in items {
                stmt.execute(params![kind, id, raw.to_string(), fetched_at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored lookups of one kind: `(id, object, fetched_at)`, by id.
    pub(crate) fn lookups(&self, kind: &str) -> Result<Vec<(String, Value, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, raw, fetched_at FROM lookups WHERE kind = ?1 ORDER BY id")?;
        let rows = stmt.query_map([kind], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (id, raw, at) = row?;
            if let Ok(value) = serde_json::from_str(&raw) {
                items.push((id, value, at));
            }
        }
        Ok(items)
    }
}
