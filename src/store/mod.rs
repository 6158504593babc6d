//! The local ticket store (issue 16): one SQLite database per profile, login and server,
//! in the cache directory (`<cache>/store/<owner>.sqlite3`, folder 0700, files 0600),
//! holding the tickets (the server's object whole, plus the columns the console sorts and
//! filters on), the lookups and the sync cursors. WAL mode and a busy timeout let a console
//! and a script command of one profile use it at once.
//!
//! - `open.rs`: making the file private, opening it, and setting a broken one aside;
//! - `schema.rs`: the schema's versions and their ordered migrations;
//! - `tickets.rs`: writing tickets (a partial answer never erases a full one's fields) and
//!   reading them back through the crate's own decoder;
//! - `state.rs`: sync state per scope, meta, lookups;
//! - `lookups.rs`: agents, groups, contacts, companies, fields and templates;
//! - `sync/`: the delta and the first full sync against the server (no UI).
//!
//! The store knows the wire model (`api`) and nothing of the state or the view.

mod lookups;
mod open;
mod schema;
mod state;
pub mod sync;
mod tickets;
mod views;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use self::lookups::{Lookup, sync_lookups};
pub use self::open::{SetAside, SetAsideReason};
pub use self::schema::VERSION;
pub use self::state::{FullProgress, Scope, SyncState};
pub use self::sync::{Progress, SyncError, SyncGate, SyncOptions, SyncReport, sync};
pub use self::tickets::{Answer, Stored};

/// Why the store could not be used. The caller goes on without it (never a failed start).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder or the file could not be made or read (permissions, a full disk).
    #[error("the local store at {path} cannot be used: {message}")]
    Io { path: PathBuf, message: String },
    /// SQLite refused a statement (a lock held too long, a full disk).
    #[error("the local store failed: {0}")]
    Sqlite(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Sqlite(error.to_string())
    }
}

/// One profile's store, open.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The store's file for one owner (`files::owner_name`) under the cache directory.
pub fn path_in(cache_dir: &Path, owner_name: &str) -> PathBuf {
    cache_dir
        .join("store")
        .join(format!("{owner_name}.sqlite3"))
}

/// The files SQLite keeps beside the database: the WAL and its shared-memory index.
pub fn companion_files(path: &Path) -> [PathBuf; 2] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [with("-wal"), with("-shm")]
}

impl Store {
    /// Opens the store at `path`, making it (0600 in a 0700 folder) when missing. A file
    /// that is not a database, fails `PRAGMA quick_check` or has a newer schema is set aside
    /// (`<name>.broken-<n>`, kept) and a fresh one made: the answer says so.
    pub fn open(path: &Path) -> Result<(Store, Option<SetAside>), StoreError> {
        open::open(path, open::Check::Whole)
    }

    /// As [`Store::open`], without reading every page first (see `open::Check::Header`).
    pub fn open_for_reading(path: &Path) -> Result<(Store, Option<SetAside>), StoreError> {
        open::open(path, open::Check::Header)
    }

    /// Bytes on disk: the database, its WAL and its shared-memory file.
    pub fn size_on_disk(&self) -> u64 {
        std::iter::once(self.path.clone())
            .chain(companion_files(&self.path))
            .filter_map(|path| std::fs::metadata(path).ok())
            .map(|meta| meta.len())
            .sum()
    }

    /// Moves what the WAL holds into the database file and empties the WAL.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version the file is at.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }
}

/// Removes the store's files (the database, its WAL and SHM, and the broken copies set
/// aside beside it); answers the paths removed.
pub fn remove_files(path: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let io = |error: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    let mut removed = Vec::new();
    let mut candidates: Vec<PathBuf> = std::iter::once(path.to_path_buf())
        .chain(companion_files(path))
        .collect();
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        let broken = format!("{}.broken-", name.to_string_lossy());
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&broken) {
                    candidates.push(entry.path());
                }
            }
        }
    }
    for candidate in candidates {
        match std::fs::remove_file(&candidate) {
            Ok(()) => removed.push(candidate),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io(error)),
        }
    }
    Ok(removed)
}
