//! What each view last showed (issue 16's instant start): per view (its query, sort and
//! date filter, as a key) the ids of its first page and when the server gave them, so the
//! next start paints those rows from the store before the server answers. Kept in `meta`
//! (one row a view): no schema change, and a store without it simply has no snapshot.

use serde_json::{Value, json};

use super::tickets::{Answer, Stored, decode, parse_date};
use super::{Store, StoreError};
use crate::api::model::Ticket;

/// A view's first page as last shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ViewSnapshot {
    pub(crate) ids: Vec<u64>,
    /// When the server gave them (seconds since the epoch, this machine's clock).
    pub(crate) at: i64,
}

fn meta_key(view: &str) -> String {
    format!("view:{view}")
}

impl Store {
    /// Records the ids a view's first page showed, given by the server at `at`.
    pub(crate) fn save_view(&self, view: &str, ids: &[u64], at: i64) -> Result<(), StoreError> {
        let value = json!({ "at": at, "ids": ids });
        self.set_meta(&meta_key(view), &value.to_string())
    }

    /// The ids a view's first page last showed, if recorded (a record that does not read is
    /// none: the start then waits for the server, as without a store).
    pub(crate) fn view(&self, view: &str) -> Result<Option<ViewSnapshot>, StoreError> {
        let Some(text) = self.meta(&meta_key(view))? else {
            return Ok(None);
        };
        let Ok(value) = serde_json::from_str::<Value>(&text) else {
            return Ok(None);
        };
        let at = value.get("at").and_then(Value::as_i64);
        let ids = value
            .get("ids")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_u64).collect::<Vec<u64>>());
        Ok(match (at, ids) {
            (Some(at), Some(ids)) => Some(ViewSnapshot { ids, at }),
            _ => None,
        })
    }

    /// The stored tickets of `ids`, in that order; an id not stored (or whose row no longer
    /// decodes) is left out. Only these rows are read, never the whole store.
    pub(crate) fn tickets_by_ids(&self, ids: &[u64]) -> Result<Vec<Ticket>, StoreError> {
        let mut tickets = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(stored) = self.get(*id)? {
                tickets.push(stored.ticket);
            }
        }
        Ok(tickets)
    }
}

impl Store {
    /// Every stored ticket with what kind of answer gave it, by id (the script commands'
    /// `--offline` reads: they filter and sort it themselves). A row that no longer decodes
    /// is left out and logged.
    pub(crate) fn all_stored(&self) -> Result<Vec<Stored>, StoreError> {
        let mut stored = Vec::new();
        self.each_stored(|one| stored.push(one))?;
        Ok(stored)
    }

    /// Every stored ticket, by id, handed over one at a time: a reader that keeps only part
    /// of each (the local views' index) never holds them all whole at once.
    pub(crate) fn each_stored(&self, mut take: impl FnMut(Stored)) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, raw, kind, full_updated FROM tickets ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let id = row.get::<_, i64>(0)?;
            let raw = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let kind = row.get::<_, i64>(2)?;
            let full_updated = row.get::<_, Option<String>>(3)?;
            match decode(raw) {
                Some(ticket) => take(Stored {
                    ticket,
                    full: kind == Answer::Full.code(),
                    full_updated: parse_date(full_updated),
                }),
                None => tracing::warn!(id, "a stored ticket does not decode: left out"),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_view_snapshot_round_trips_and_a_bad_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(&dir.path().join("s.sqlite3")).unwrap();
        assert_eq!(store.view("list:a").unwrap(), None);
        store
            .save_view("list:a", &[3, 1, 2], 1_700_000_000)
            .unwrap();
        assert_eq!(
            store.view("list:a").unwrap(),
            Some(ViewSnapshot {
                ids: vec![3, 1, 2],
                at: 1_700_000_000
            })
        );
        assert_eq!(store.view("list:b").unwrap(), None);
        store.set_meta("view:list:c", "not json").unwrap();
        assert_eq!(store.view("list:c").unwrap(), None);
    }
}
