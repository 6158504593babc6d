//! Opening the store: the folder 0700 and the file 0600 before SQLite sees them (and its
//! WAL and SHM files checked after), WAL mode and a busy timeout, the file's check and its
//! schema; a file that is not ours to read is set aside, kept, and a fresh one made.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::{Store, StoreError, companion_files, schema};

/// How long a statement waits for another process's write to finish before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A store file that could not be used and was moved aside (never deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub moved_to: PathBuf,
    pub reason: SetAsideReason,
}

/// Why a store file was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetAsideReason {
    /// SQLite says it is not a database or is damaged (its words).
    Damaged(String),
    /// `PRAGMA quick_check` did not answer `ok` (its first line).
    FailedCheck(String),
    /// Written by a newer gongdan: a schema this one does not know.
    NewerSchema(u32),
}

/// How much of the file is read before it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// `PRAGMA quick_check`: every page read (0.1 s warm, 1.7 s from a cold disk at
    /// 100,000 tickets), for the sync and the script commands.
    Whole,
    /// Only the header and the schema: for the console's first page, which must not wait
    /// for a whole read; its sync opens with `Whole` in the background and sets a damaged
    /// file aside, and a damaged page read meanwhile is an error, never a crash.
    Header,
}

/// One attempt: the file is broken (set it aside), or opening failed for a reason that
/// says nothing about the file (a lock, permissions), which must not cost the user's data.
enum Attempt {
    Broken(SetAsideReason),
    Failed(StoreError),
    /// Another connection held a lock SQLite does not wait for (a new file's switch to WAL,
    /// its first recovery): tried again, up to the busy timeout.
    Busy(rusqlite::Error),
}

impl From<rusqlite::Error> for Attempt {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                Attempt::Broken(SetAsideReason::Damaged(error.to_string()))
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Attempt::Busy(error),
            _ => Attempt::Failed(error.into()),
        }
    }
}

pub(super) fn open(path: &Path, check: Check) -> Result<(Store, Option<SetAside>), StoreError> {
    let io = |error: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    if let Some(dir) = path.parent() {
        private_dir(dir).map_err(io)?;
    }
    match attempt_while_busy(path, check) {
        Ok(store) => Ok((store, None)),
        Err(Attempt::Failed(error)) => Err(error),
        Err(Attempt::Busy(error)) => Err(error.into()),
        Err(Attempt::Broken(reason)) => {
            let moved_to = set_aside(path).map_err(io)?;
            tracing::warn!(
                store = %path.display(),
                moved_to = %moved_to.display(),
                ?reason,
                "the local store could not be used: set aside, a fresh one made"
            );
            match attempt_while_busy(path, check) {
                Ok(store) => Ok((store, Some(SetAside { moved_to, reason }))),
                Err(Attempt::Failed(error)) => Err(error),
                Err(Attempt::Busy(error)) => Err(error.into()),
                Err(Attempt::Broken(reason)) => Err(StoreError::Sqlite(format!(
                    "a fresh store could not be made: {reason:?}"
                ))),
            }
        }
    }
}

/// [`attempt`], again while another opener holds the file (see [`Attempt::Busy`]).
fn attempt_while_busy(path: &Path, check: Check) -> Result<Store, Attempt> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut wait = std::time::Duration::from_millis(5);
    loop {
        match attempt(path, check) {
            Err(Attempt::Busy(error)) if std::time::Instant::now() >= deadline => {
                return Err(Attempt::Failed(error.into()));
            }
            Err(Attempt::Busy(_)) => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(std::time::Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn attempt(path: &Path, check: Check) -> Result<Store, Attempt> {
    let io = |error: std::io::Error| {
        Attempt::Failed(StoreError::Io {
            path: path.to_path_buf(),
            message: error.to_string(),
        })
    };
    private_file(path).map_err(io)?;
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Every write transaction takes the write lock when it begins: one that began as a
    // reader and then wrote would fail at once, without waiting, beside another writer.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    // Concurrent readers beside one writer (a console and a script command); the WAL file
    // SQLite makes takes the database file's mode.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "the local store is not in WAL mode");
    }
    // A page commit is durable against a crash of the process with NORMAL in WAL mode;
    // only a power cut may lose the last pages, which the next sync asks for again.
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    if check == Check::Whole {
        let check: String = conn.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(Attempt::Broken(SetAsideReason::FailedCheck(check)));
        }
    }
    let version: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > schema::VERSION {
        return Err(Attempt::Broken(SetAsideReason::NewerSchema(version)));
    }
    schema::migrate(&mut conn, version)?;
    for companion in companion_files(path) {
        make_private(&companion).map_err(io)?;
    }
    Ok(Store {
        conn,
        path: path.to_path_buf(),
    })
}

/// The folder, made 0700 (and made so when it was looser).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// The database file, created 0600 before SQLite opens it (SQLite would make it with the
/// process's umask); an existing one is made 0600 if it was looser.
fn private_file(path: &Path) -> std::io::Result<()> {
    match crate::files::private_file(OpenOptions::new().write(true).create_new(true)).open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => make_private(path),
        Err(error) => Err(error),
    }
}

/// 0600 on a file that exists; nothing when it does not.
fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() && meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            }
            Ok(_) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Moves the file (and its WAL and SHM) to `<name>.broken-<n>`, the first free `n`.
fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let mut n = 1u32;
    let target = loop {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".broken-{n}"));
        let candidate = PathBuf::from(name);
        if !candidate.exists() {
            break candidate;
        }
        n += 1;
    };
    std::fs::rename(path, &target)?;
    for (from, to) in companion_files(path)
        .into_iter()
        .zip(companion_files(&target))
    {
        if from.exists() {
            std::fs::rename(from, to)?;
        }
    }
    if let Some(dir) = path.parent() {
        crate::files::sync_dir(dir)?;
    }
    Ok(target)
}
