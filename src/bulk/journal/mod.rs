//! The run journal: a plan written before anything is sent, and progress appended as each
//! call completes, so that a run survives kill -9.
//!
//! Layout under the state directory:
//! ```text
//! <state>/runs/<run id>/plan.json        written once, atomically (temp, fsync, rename, fsync dir)
//! <state>/runs/<run id>/progress.jsonl   one JSON line per event, fdatasynced
//! <state>/runs/<run id>/summary.json     counts for the history (see `summary.rs`)
//! ```
//! A run appends its progress through a [`GroupLog`] (group commit: one fdatasync for every
//! line queued while the previous one ran, on a thread of its own).
//! Reads are tolerant: a torn last line (the process died mid-write) is ignored, and the
//! file is cut back to its last whole line before anything is appended to it; a plan that
//! cannot be read is moved aside as `plan.json.corrupt-<time>` with a message.
//!
//! - this file: the journal's directories, creating a run (its plan file) and opening its
//!   progress file;
//! - `progress.rs`: the lines of `progress.jsonl` and a ticket's recorded outcome;
//! - `group_log.rs`: appending those lines, one at a time or by group commit;
//! - `read.rs`: reading a run back (what a resume, undo or retry needs);
//! - `history.rs`: the list of runs and their states.

mod group_log;
mod history;
mod progress;
mod read;
#[cfg(test)]
mod tests;

use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::Utc;

use super::plan::Plan;
use crate::files::{private_file, sync_dir};

pub use self::group_log::{GroupLog, RunLog};
pub use self::history::{History, Retried, RunChange, RunInfo, RunState, RunWhat};
pub use self::progress::{OutcomeKind, ProgressLine, TicketOutcome};
pub use self::read::{InDoubtCall, LoadedRun, state_of};
pub use crate::files::write_atomic;

pub(super) const PLAN_FILE: &str = "plan.json";
pub(super) const PROGRESS_FILE: &str = "progress.jsonl";

/// Why the journal could not do something.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("could not write the run journal at {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("could not read the run journal at {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("no run {0} in the journal")]
    NoSuchRun(String),
    /// The plan could not be read; it was moved aside.
    #[error("the plan of run {run_id} could not be read ({reason}); it was moved to {moved_to}")]
    CorruptPlan {
        run_id: String,
        reason: String,
        moved_to: PathBuf,
    },
    #[error("run {run_id} was written by a newer gongdan (plan format {version})")]
    TooNew { run_id: String, version: u32 },
}

/// The journal of every run under one state directory.
#[derive(Debug, Clone)]
pub struct Journal {
    runs_dir: PathBuf,
}

impl Journal {
    /// The journal under `state_dir` (runs live in `state_dir/runs`).
    pub fn new(state_dir: impl AsRef<Path>) -> Journal {
        Journal {
            runs_dir: state_dir.as_ref().join("runs"),
        }
    }

    pub fn run_dir(&self, run_id: &str) -> PathBuf {
        self.runs_dir.join(run_id)
    }

    /// Writes a new run's plan (atomically) and opens its progress file.
    pub fn create(&self, plan: &Plan) -> Result<RunLog, JournalError> {
        let dir = self.run_dir(&plan.run_id);
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| JournalError::Write { path, source }
        };
        fs::create_dir_all(&dir).map_err(write_err(&dir))?;
        sync_dir(&self.runs_dir).map_err(write_err(&self.runs_dir))?;
        let bytes = serde_json::to_vec_pretty(plan).map_err(|e| JournalError::Write {
            path: dir.clone(),
            source: io::Error::other(e),
        })?;
        let plan_path = dir.join(PLAN_FILE);
        write_atomic(&plan_path, &bytes).map_err(write_err(&plan_path))?;
        self.open_log(&plan.run_id)
    }

    /// Opens a run's progress file for appending, cutting a torn last line first.
    pub(crate) fn open_log(&self, run_id: &str) -> Result<RunLog, JournalError> {
        let dir = self.run_dir(run_id);
        let path = dir.join(PROGRESS_FILE);
        let err = |source| JournalError::Write {
            path: path.clone(),
            source,
        };
        let mut file = private_file(OpenOptions::new().create(true).read(true).append(true))
            .open(&path)
            .map_err(err)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(err)?;
        if !bytes.is_empty() && bytes.last() != Some(&b'\n') {
            // A torn line from a process that died mid-write: drop it, so the next line
            // starts on a line of its own.
            let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64).map_err(err)?;
            file.sync_all().map_err(err)?;
        }
        sync_dir(&dir).map_err(err)?;
        Ok(RunLog { path, file })
    }

    fn move_aside(&self, run_id: &str, path: &Path, reason: String) -> JournalError {
        let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let moved_to = path.with_file_name(format!("{PLAN_FILE}.corrupt-{stamp}"));
        if let Err(e) = fs::rename(path, &moved_to) {
            return JournalError::Read {
                path: path.to_path_buf(),
                source: io::Error::new(e.kind(), format!("corrupt ({reason}), and {e}")),
            };
        }
        if let Some(dir) = path.parent() {
            let _ = sync_dir(dir);
        }
        tracing::warn!(run_id, %reason, moved_to = %moved_to.display(), "corrupt run plan moved aside");
        JournalError::CorruptPlan {
            run_id: run_id.to_string(),
            reason,
            moved_to,
        }
    }

    /// Where the runs live.
    pub(super) fn runs_dir(&self) -> &Path {
        &self.runs_dir
    }
}
