//! The history: every run with its state, counts and change, newest first, from the runs'
//! summaries (worded by the view, `words::bulk`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Journal, JournalError};
use crate::bulk::plan::RunKind;
use crate::bulk::summary::retried_failures;

/// The state of a run, as `history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RunState {
    /// Planned but nothing sent yet (the process stopped before the first call).
    NotStarted,
    /// Every ticket has an outcome.
    Complete,
    /// The user cancelled; the tickets not sent can be resumed.
    Cancelled,
    /// The process stopped mid-run; the rest can be resumed.
    Interrupted,
    /// Put back by the undo run `by` (complete).
    Undone { by: String },
}

/// One run in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub run_id: String,
    pub created: DateTime<Utc>,
    pub kind: RunKind,
    pub state: RunState,
    pub total: usize,
    pub succeeded: usize,
    /// Refused by the server (what a retry sends again).
    pub failed: usize,
    /// Tickets whose call's outcome is unknown (in flight when the run stopped, or its
    /// answer lost): a resume reads them and settles them.
    pub unknown: usize,
    /// Replies that may or may not have been sent: the user must look at these tickets.
    pub unsettled: Vec<u64>,
    /// Left alone because they changed on the server between the preview and the call.
    pub changed: usize,
    /// Tickets with no outcome (never sent, or in doubt: `unknown` counts those).
    pub left: usize,
    /// The profile and host the run applies to.
    pub target: crate::bulk::Target,
    /// What the run changes (kept in its summary, so that the history never reads the plan).
    pub what: RunWhat,
    /// This run's failures that later retries (or retries of those) sent again, if any.
    pub retried: Option<Retried>,
}

/// What became of a run's failures sent again by its retries: its row shows the net
/// outcome beside its own counts (the retries keep their own rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retried {
    /// Failed tickets of the run that a retry sent again.
    pub(crate) sent: usize,
    /// Of those, the ones a retry changed.
    pub succeeded: usize,
}

/// What a run changes, as its summary keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum RunWhat {
    /// Its preview with the names its plan kept (what this version writes).
    Change(Box<RunChange>),
    /// The prose an older version wrote instead (`what_en` / `what_zh`): our own words,
    /// shown as they are.
    Worded { en: String, zh: String },
}

/// A run's change as data: the grouped preview of its plan and the names known when it was
/// planned (assignees and groups by name, not `#209 → #203`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunChange {
    pub preview: crate::bulk::Preview,
    #[serde(default)]
    pub names: crate::bulk::Names,
}

impl RunInfo {
    /// Whether `resume` has anything to do.
    pub fn resumable(&self) -> bool {
        matches!(self.state, RunState::Interrupted | RunState::Cancelled) && self.left > 0
            || self.state == RunState::NotStarted
    }
}

/// The history, newest first, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub runs: Vec<RunInfo>,
    /// Messages about files moved aside or unreadable, for the user.
    pub problems: Vec<String>,
}

impl History {
    /// Runs that stopped mid-way and can be resumed (what the next start offers).
    pub fn interrupted(&self) -> impl Iterator<Item = &RunInfo> {
        self.runs
            .iter()
            .filter(|r| r.state == RunState::Interrupted || r.state == RunState::NotStarted)
    }

    pub fn get(&self, run_id: &str) -> Option<&RunInfo> {
        self.runs.iter().find(|r| r.run_id == run_id)
    }
}

impl Journal {
    /// Every run, newest first, with its state, from the runs' summaries: a run's journal
    /// is read only when it has no current summary (see `summary.rs`). Unreadable runs are
    /// reported in `problems` (and their plan moved aside), never a failure of the whole list.
    pub fn list(&self) -> History {
        let mut history = History::default();
        let mut loaded = Vec::new();
        for run_id in self.run_ids(&mut history.problems) {
            match self.summary(&run_id) {
                Ok(run) => loaded.push(run),
                // Pruned meanwhile (by the background prune): not a problem.
                Err(JournalError::NoSuchRun(_)) => {}
                Err(e) => history.problems.push(e.to_string()),
            }
        }
        // An undo run that finished marks the run it put back.
        let mut undone_by: HashMap<String, String> = HashMap::new();
        for run in &loaded {
            if let RunKind::Undo { of } = &run.kind
                && run.state == RunState::Complete
            {
                undone_by.insert(of.clone(), run.run_id.clone());
            }
        }
        // An undo puts back a run's retries with it (see `Engine::plan_undo`).
        loop {
            let before = undone_by.len();
            for run in &loaded {
                if let RunKind::Retry { of } = &run.kind
                    && let Some(by) = undone_by.get(of).cloned()
                {
                    undone_by.entry(run.run_id.clone()).or_insert(by);
                }
            }
            if undone_by.len() == before {
                break;
            }
        }
        let retried = retried_failures(&loaded);
        for run in loaded {
            let what = run.what();
            let mut state = run.state;
            if let Some(by) = undone_by.get(&run.run_id) {
                state = RunState::Undone { by: by.clone() };
            }
            history.runs.push(RunInfo {
                retried: retried.get(&run.run_id).map(|(sent, succeeded)| Retried {
                    sent: sent.len(),
                    succeeded: succeeded.len(),
                }),
                run_id: run.run_id,
                created: run.created,
                kind: run.kind,
                state,
                total: run.total,
                succeeded: run.succeeded,
                failed: run.failed,
                unknown: run.unknown,
                unsettled: run.unsettled,
                changed: run.changed,
                left: run.left,
                target: run.target,
                what,
            });
        }
        history
            .runs
            .sort_by(|a, b| b.created.cmp(&a.created).then(b.run_id.cmp(&a.run_id)));
        history
    }
}
