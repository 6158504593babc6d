//! The history: every run with its state and counts, newest first, from the runs'
//! summaries; and how the history words a run.

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
#[derive(Debug, Clone)]
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
    /// What the run changes, in English and in Chinese (kept in its summary, so that the
    /// history never reads the plan).
    pub what_en: String,
    pub what_zh: String,
    /// This run's failures that later retries (or retries of those) sent again, if any.
    pub retried: Option<Retried>,
}

/// What became of a run's failures sent again by its retries: its row shows the net
/// outcome beside its own counts (the retries keep their own rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retried {
    /// Failed tickets of the run that a retry sent again.
    pub sent: usize,
    /// Of those, the ones a retry changed.
    pub succeeded: usize,
}

impl RunState {
    /// A short label, e.g. `interrupted` / `已中断`.
    pub fn label(&self, lang: crate::lang::Lang) -> String {
        let zh = lang == crate::lang::Lang::Zh;
        match self {
            RunState::NotStarted => if zh { "未开始" } else { "not started" }.to_string(),
            RunState::Complete => if zh { "已完成" } else { "complete" }.to_string(),
            RunState::Cancelled => if zh { "已取消" } else { "cancelled" }.to_string(),
            RunState::Interrupted => if zh { "已中断" } else { "interrupted" }.to_string(),
            RunState::Undone { by } if zh => format!("已撤销（{by}）"),
            RunState::Undone { by } => format!("undone by {by}"),
        }
    }
}

impl RunInfo {
    /// One line for a history list: state, counts and what the run changes, e.g.
    /// `interrupted: 200 done, 0 failed, 100 left; 300 tickets: open → solved 300`.
    pub fn summary(&self, lang: crate::lang::Lang) -> String {
        // What retries made of the failures, right after their count.
        let note = match (self.retried, lang) {
            (None, _) => String::new(),
            (Some(Retried { sent, succeeded }), crate::lang::Lang::Zh) if succeeded == sent => {
                format!("（已重试：{succeeded} 成功）")
            }
            (Some(Retried { sent, succeeded }), crate::lang::Lang::En) if succeeded == sent => {
                format!(" (retried: {succeeded} succeeded)")
            }
            (Some(Retried { sent, succeeded }), crate::lang::Lang::Zh) => format!(
                "（已重试 {sent}：{succeeded} 成功，{} 仍未成功）",
                sent - succeeded
            ),
            (Some(Retried { sent, succeeded }), crate::lang::Lang::En) => format!(
                " (retried {sent}: {succeeded} succeeded, {} still not)",
                sent - succeeded
            ),
        };
        self.summary_noting_failures(lang, &note)
    }

    /// [`RunInfo::summary`] with `note` right after the count of failures.
    pub fn summary_noting_failures(&self, lang: crate::lang::Lang, note: &str) -> String {
        // Names kept with the plan: assignees and groups by name, not `#209 → #203`.
        let what = match lang {
            crate::lang::Lang::En => &self.what_en,
            crate::lang::Lang::Zh => &self.what_zh,
        };
        let of = match (&self.kind, lang) {
            (RunKind::Change, _) => String::new(),
            (RunKind::Retry { of }, crate::lang::Lang::Zh) => format!("（重试 {of}）"),
            (RunKind::Retry { of }, crate::lang::Lang::En) => format!(" (retry of {of})"),
            (RunKind::Undo { of }, crate::lang::Lang::Zh) => format!("（撤销 {of}）"),
            (RunKind::Undo { of }, crate::lang::Lang::En) => format!(" (undo of {of})"),
        };
        let doubts = self.doubts(lang);
        match lang {
            crate::lang::Lang::Zh => format!(
                "{}{of}：成功 {}，失败 {}{note}，剩余 {}{doubts}；{what}",
                self.state.label(lang),
                self.succeeded,
                self.failed,
                self.left
            ),
            crate::lang::Lang::En => format!(
                "{}{of}: {} done, {} failed{note}, {} left{doubts}; {what}",
                self.state.label(lang),
                self.succeeded,
                self.failed,
                self.left
            ),
        }
    }

    /// The outcomes that are neither done nor failed, e.g. `, 3 outcome unknown (resume
    /// checks them)`; empty when there are none.
    fn doubts(&self, lang: crate::lang::Lang) -> String {
        let zh = lang == crate::lang::Lang::Zh;
        let mut text = String::new();
        if self.unknown > 0 {
            text.push_str(&if zh {
                format!("，结果未知 {}（继续运行时核对）", self.unknown)
            } else {
                format!(", {} outcome unknown (resume checks them)", self.unknown)
            });
        }
        if self.changed > 0 {
            text.push_str(&if zh {
                format!("，预览后已变更未处理 {}", self.changed)
            } else {
                format!(", {} changed since the preview (left alone)", self.changed)
            });
        }
        if !self.unsettled.is_empty() {
            let ids = unsettled_ids(&self.unsettled);
            text.push_str(&if zh {
                format!("，回复可能已发送也可能未发送，请检查工单 {ids}")
            } else {
                format!(", reply may or may not have been sent: check ticket {ids}")
            });
        }
        text
    }

    /// Whether `resume` has anything to do.
    pub fn resumable(&self) -> bool {
        matches!(self.state, RunState::Interrupted | RunState::Cancelled) && self.left > 0
            || self.state == RunState::NotStarted
    }
}

/// `#1, #2, #3` (at most 20, then `…`).
pub fn unsettled_ids(ids: &[u64]) -> String {
    let mut text: Vec<String> = ids.iter().take(20).map(|id| format!("#{id}")).collect();
    if ids.len() > 20 {
        text.push("…".to_string());
    }
    text.join(", ")
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
                what_en: run.what_en,
                what_zh: run.what_zh,
            });
        }
        history
            .runs
            .sort_by(|a, b| b.created.cmp(&a.created).then(b.run_id.cmp(&a.run_id)));
        history
    }
}
