//! The schema's versions, in `PRAGMA user_version`, and the migrations from each to the
//! next, applied in order, each in its own transaction (a crash mid-way leaves the last
//! version whole).

use rusqlite::{Connection, params};

use super::tickets::Columns;

/// The version this build writes. A file at a higher one is set aside, never read.
pub const VERSION: u32 = 2;

/// Version 1: the tickets as the server gave them, the cursors, meta.
const V1: &str = "
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    updated TEXT,
    kind INTEGER NOT NULL,
    raw TEXT NOT NULL
);
CREATE TABLE sync_state (
    scope TEXT PRIMARY KEY,
    cursor TEXT,
    day TEXT,
    last_sync INTEGER
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// Version 2: the columns the console sorts and filters on (filled from the stored JSON),
/// the lookups, and the first full sync's progress.
const V2: &str = "
ALTER TABLE tickets ADD COLUMN status INTEGER;
ALTER TABLE tickets ADD COLUMN priority INTEGER;
ALTER TABLE tickets ADD COLUMN type INTEGER;
ALTER TABLE tickets ADD COLUMN assignee INTEGER;
ALTER TABLE tickets ADD COLUMN group_id INTEGER;
ALTER TABLE tickets ADD COLUMN contact_id INTEGER;
ALTER TABLE tickets ADD COLUMN created TEXT;
ALTER TABLE tickets ADD COLUMN subject TEXT;
ALTER TABLE tickets ADD COLUMN tags TEXT;
ALTER TABLE tickets ADD COLUMN full_updated TEXT;
CREATE INDEX tickets_updated ON tickets(updated);
CREATE TABLE lookups (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    raw TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
ALTER TABLE sync_state ADD COLUMN full_mark TEXT;
ALTER TABLE sync_state ADD COLUMN full_per_page INTEGER;
ALTER TABLE sync_state ADD COLUMN full_total INTEGER;
ALTER TABLE sync_state ADD COLUMN cursor_seen_at INTEGER;
ALTER TABLE sync_state ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
CREATE TABLE full_pages (
    scope TEXT NOT NULL,
    page INTEGER NOT NULL,
    PRIMARY KEY (scope, page)
);
";

/// Brings a file at `from` up to [`VERSION`].
pub(super) fn migrate(conn: &mut Connection, from: u32) -> rusqlite::Result<()> {
    for version in from + 1..=VERSION {
        // The transaction holds the write lock from its start: another process opening the
        // same new file at once may have migrated it meanwhile, which is read here again.
        let tx = conn.transaction()?;
        let now: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if now >= version {
            continue;
        }
        match version {
            1 => tx.execute_batch(V1)?,
            2 => {
                tx.execute_batch(V2)?;
                fill_columns(&tx)?;
            }
            _ => {}
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// Version 2's columns for the tickets a version 1 file holds, read from their JSON with
/// the crate's decoder; a row that does not decode keeps its columns unknown.
fn fill_columns(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String, i64)> = {
        let mut stmt = tx.prepare("SELECT id, raw, kind FROM tickets")?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare(
        "UPDATE tickets SET status = ?2, priority = ?3, type = ?4, assignee = ?5,
         group_id = ?6, contact_id = ?7, created = ?8, subject = ?9, tags = ?10,
         updated = ?11, full_updated = CASE WHEN kind = 1 THEN ?11 END WHERE id = ?1",
    )?;
    for (id, raw, _kind) in rows {
        let Some(ticket) = serde_json::from_str(&raw)
            .ok()
            .and_then(|value| crate::api::decode::ticket(&value).ok())
        else {
            continue;
        };
        let c = Columns::of(&ticket);
        update.execute(params![
            id,
            c.status,
            c.priority,
            c.ticket_type,
            c.assignee,
            c.group,
            c.contact,
            c.created,
            c.subject,
            c.tags,
            c.updated
        ])?;
    }
    Ok(())
}
