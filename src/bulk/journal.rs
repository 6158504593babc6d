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

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::plan::{PLAN_VERSION, Plan, RunKind};
use super::summary::retried_failures;

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

/// Writes a file so that a reader sees the old content or the new, never a mix: write a
/// temporary file beside it, fsync it, rename it over the target, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent directory"))?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut file = private_file(OpenOptions::new().write(true).create_new(true)).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Journal files hold ticket data: on shared hosts only their owner may read them.
fn private_file(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes a rename or a new file in `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for sync on every platform; where they can, do it.
    match File::open(dir) {
        Ok(handle) => match handle.sync_all() {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            Err(e) => Err(e),
        },
        Err(_) if cfg!(windows) => Ok(()),
        Err(e) => Err(e),
    }
}

/// One ticket's recorded outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketOutcome {
    pub id: u64,
    /// The server said it applied the change (always false for the kinds other than
    /// [`OutcomeKind::Answered`]).
    pub success: bool,
    /// The server's `error_log`, or why the whole call failed; empty on success.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// What kind of outcome this is; journals written before it was recorded hold only
    /// answers.
    #[serde(default, skip_serializing_if = "OutcomeKind::is_answered")]
    pub kind: OutcomeKind,
}

/// Whether an outcome is the server's answer or something this client could not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The server answered for this ticket: `success` says how.
    #[default]
    Answered,
    /// The call may have reached the server but its answer was lost: applied or not,
    /// unknown. Not final: a resume reads the ticket and settles it.
    Unknown,
    /// A reply that may or may not have been sent, which no read can settle (the API has
    /// no call that lists replies): final, the user must look at the ticket. Never sent
    /// again, never counted failed.
    Unsettled,
    /// The ticket changed on the server between the preview and its call: left alone,
    /// not sent (the user did not choose to apply anyway).
    ChangedSincePreview,
}

impl OutcomeKind {
    fn is_answered(&self) -> bool {
        *self == OutcomeKind::Answered
    }
}

impl TicketOutcome {
    /// The server applied the change.
    pub fn done(id: u64) -> TicketOutcome {
        TicketOutcome {
            id,
            success: true,
            ..TicketOutcome::default()
        }
    }

    /// The server refused it (or the call failed for certain before it was applied).
    pub fn failed(id: u64, error: impl Into<String>) -> TicketOutcome {
        TicketOutcome {
            id,
            error: error.into(),
            ..TicketOutcome::default()
        }
    }

    pub fn of_kind(id: u64, kind: OutcomeKind, error: impl Into<String>) -> TicketOutcome {
        TicketOutcome {
            id,
            success: false,
            error: error.into(),
            kind,
        }
    }

    /// Failed for certain: the only outcome a retry sends again.
    pub fn is_failure(&self) -> bool {
        !self.success && self.kind == OutcomeKind::Answered
    }
}

/// One line of `progress.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressLine {
    /// The run (or a resume of it) started sending.
    Started { at: DateTime<Utc> },
    /// Written (and fsynced) before a call is sent: if no outcome follows, the call may or
    /// may not have reached the server.
    Sending {
        call: u32,
        ids: Vec<u64>,
        at: DateTime<Utc>,
        /// The call's `Requestid`, on disk before the call is sent; a resume that sends
        /// the call again reuses it. Absent in journals written before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// A call's answer, per ticket. `call_error` is set when the whole call failed.
    Outcome {
        call: u32,
        at: DateTime<Utc>,
        results: Vec<TicketOutcome>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call_error: Option<String>,
    },
    /// A resume checked tickets whose call was in flight when the run stopped, and found
    /// them already changed (success) or could not tell (failure with the reason).
    Verified {
        at: DateTime<Utc>,
        results: Vec<TicketOutcome>,
    },
    /// A call whose `sending` line was written ahead was never sent (the run was cancelled
    /// first): its tickets are not in doubt.
    Withdrawn { call: u32, at: DateTime<Utc> },
    /// The run stopped sending: every call answered, or the user cancelled.
    Finished { at: DateTime<Utc>, cancelled: bool },
}

/// The journal of every run under one state directory.
#[derive(Debug, Clone)]
pub struct Journal {
    runs_dir: PathBuf,
}

/// A run's journal open for appending progress.
#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
    file: File,
}

impl RunLog {
    /// Appends one line and fsyncs it before returning.
    pub fn append(&mut self, line: &ProgressLine) -> Result<(), JournalError> {
        let mut text = serde_json::to_string(line).map_err(|e| JournalError::Write {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        text.push('\n');
        // One write call per line keeps a torn line at the end, where the reader expects it.
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })
    }
}

/// How far a [`GroupLog`]'s lines are on disk.
#[derive(Debug, Clone)]
enum Durable {
    /// Every line up to this number (counted from 1) is written and fdatasynced.
    Upto(u64),
    /// A write or sync failed; nothing after the last durable line is.
    Failed(io::ErrorKind, String),
}

/// A run's progress file appended with group commit, for the runner: a thread of its own
/// writes every line queued while its previous fdatasync ran in one write, then syncs once.
/// Queuing never blocks; the runner waits for a line to be durable only where the
/// exactly-once argument needs it (a `sending` line before its call goes out, the `finished`
/// line at the end), never on the async runtime's threads.
#[derive(Debug)]
pub struct GroupLog {
    path: PathBuf,
    lines: Option<std::sync::mpsc::Sender<(u64, Vec<u8>)>>,
    durable: tokio::sync::watch::Receiver<Durable>,
    writer: Option<std::thread::JoinHandle<()>>,
    queued: u64,
}

impl GroupLog {
    /// Starts appending to `log`'s file (through a second handle; `log` stays usable once
    /// this is dropped).
    pub fn start(log: &RunLog) -> Result<GroupLog, JournalError> {
        let err = |source| JournalError::Write {
            path: log.path.clone(),
            source,
        };
        let file = log.file.try_clone().map_err(err)?;
        let (lines, queue) = std::sync::mpsc::channel();
        let (done, durable) = tokio::sync::watch::channel(Durable::Upto(0));
        let writer = std::thread::Builder::new()
            .name("gongdan-journal".into())
            .spawn(move || write_lines(file, &queue, &done))
            .map_err(err)?;
        Ok(GroupLog {
            path: log.path.clone(),
            lines: Some(lines),
            durable,
            writer: Some(writer),
            queued: 0,
        })
    }

    /// Queues one line; its number, for [`GroupLog::is_durable`] and [`GroupLog::wait`].
    pub fn queue(&mut self, line: &ProgressLine) -> Result<u64, JournalError> {
        let mut text = serde_json::to_vec(line).map_err(|e| self.error(io::Error::other(e)))?;
        text.push(b'\n');
        self.queued += 1;
        let sent = self
            .lines
            .as_ref()
            .is_some_and(|lines| lines.send((self.queued, text)).is_ok());
        if !sent {
            // The writer stopped after a failure: report that failure.
            self.durable_upto()?;
            return Err(self.error(io::Error::other("the journal writer stopped")));
        }
        Ok(self.queued)
    }

    /// Whether line `number` is on disk; the failure if writing stopped.
    pub fn is_durable(&mut self, number: u64) -> Result<bool, JournalError> {
        Ok(self.durable_upto()? >= number)
    }

    /// Waits until more lines are on disk (or writing failed).
    pub async fn changed(&mut self) -> Result<(), JournalError> {
        if self.durable.changed().await.is_err() {
            // The writer is gone: either it failed (reported here) or nothing is pending.
            self.durable_upto()?;
            return Err(self.error(io::Error::other("the journal writer stopped")));
        }
        Ok(())
    }

    /// Waits until line `number` is on disk.
    pub async fn wait(&mut self, number: u64) -> Result<(), JournalError> {
        while !self.is_durable(number)? {
            self.changed().await?;
        }
        Ok(())
    }

    fn durable_upto(&mut self) -> Result<u64, JournalError> {
        match &*self.durable.borrow_and_update() {
            Durable::Upto(n) => Ok(*n),
            Durable::Failed(kind, message) => Err(JournalError::Write {
                path: self.path.clone(),
                source: io::Error::new(*kind, message.clone()),
            }),
        }
    }

    fn error(&self, source: io::Error) -> JournalError {
        JournalError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for GroupLog {
    /// Lets the writer finish what was queued (a run dropped mid-way is a crash a little
    /// later), so that nothing appends to the file once this is gone.
    fn drop(&mut self) {
        self.lines = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: everything queued while the last sync ran goes in one write (whole
/// lines, so a crash can only tear the last) and one fdatasync.
fn write_lines(
    mut file: File,
    queue: &std::sync::mpsc::Receiver<(u64, Vec<u8>)>,
    done: &tokio::sync::watch::Sender<Durable>,
) {
    while let Ok((mut last, mut batch)) = queue.recv() {
        while let Ok((number, line)) = queue.try_recv() {
            batch.extend_from_slice(&line);
            last = number;
        }
        match file.write_all(&batch).and_then(|()| file.sync_data()) {
            Ok(()) => {
                done.send_replace(Durable::Upto(last));
            }
            Err(e) => {
                done.send_replace(Durable::Failed(e.kind(), e.to_string()));
                return;
            }
        }
    }
}

/// A run as read back from the journal.
#[derive(Debug, Clone)]
pub struct LoadedRun {
    pub plan: Plan,
    /// Each ticket's last recorded outcome.
    pub outcomes: HashMap<u64, TicketOutcome>,
    /// Tickets of calls that were sent (or about to be) with no outcome recorded, or whose
    /// outcome is recorded unknown (the answer was lost): in doubt.
    pub in_flight: Vec<u64>,
    /// The same tickets by the call that sent them, with its `Requestid`.
    pub in_doubt: Vec<InDoubtCall>,
    /// Why a ticket is in doubt, when a lost answer said so.
    pub unknown_reasons: HashMap<u64, String>,
    /// The `Finished` line, if any.
    pub finished: Option<(DateTime<Utc>, bool)>,
    /// The highest call number used so far.
    pub last_call: u32,
    /// When each ticket's outcome (or its sending) was recorded.
    pub times: HashMap<u64, DateTime<Utc>>,
    /// Lines that could not be read (a torn last line, or damage), skipped.
    pub skipped_lines: usize,
}

/// A call whose tickets are in doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InDoubtCall {
    pub call: u32,
    /// Its tickets still in doubt.
    pub ids: Vec<u64>,
    /// Its `Requestid` (`None` in journals written before they were recorded).
    pub request_id: Option<String>,
}

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
    pub target: super::Target,
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
    pub fn open_log(&self, run_id: &str) -> Result<RunLog, JournalError> {
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

    /// Reads one run back. A plan that cannot be read is moved aside.
    pub fn load(&self, run_id: &str) -> Result<LoadedRun, JournalError> {
        let dir = self.run_dir(run_id);
        let plan_path = dir.join(PLAN_FILE);
        let bytes = match fs::read(&plan_path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(JournalError::NoSuchRun(run_id.to_string()));
            }
            Err(source) => {
                return Err(JournalError::Read {
                    path: plan_path,
                    source,
                });
            }
        };
        let plan: Plan = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(value) => {
                let version = value
                    .get("version")
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0);
                if version > u64::from(PLAN_VERSION) {
                    return Err(JournalError::TooNew {
                        run_id: run_id.to_string(),
                        version: u32::try_from(version).unwrap_or(u32::MAX),
                    });
                }
                match serde_json::from_value(value) {
                    Ok(plan) => plan,
                    Err(e) => return Err(self.move_aside(run_id, &plan_path, e.to_string())),
                }
            }
            Err(e) => return Err(self.move_aside(run_id, &plan_path, e.to_string())),
        };

        let mut run = LoadedRun {
            plan,
            outcomes: HashMap::new(),
            in_flight: Vec::new(),
            in_doubt: Vec::new(),
            unknown_reasons: HashMap::new(),
            finished: None,
            last_call: 0,
            times: HashMap::new(),
            skipped_lines: 0,
        };
        let progress = match fs::read(dir.join(PROGRESS_FILE)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(JournalError::Read {
                    path: dir.join(PROGRESS_FILE),
                    source,
                });
            }
        };
        let mut sending: Vec<InDoubtCall> = Vec::new();
        for line in progress.split(|b| *b == b'\n') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let Ok(line) = serde_json::from_slice::<ProgressLine>(line) else {
                run.skipped_lines += 1;
                continue;
            };
            match line {
                ProgressLine::Started { .. } => run.finished = None,
                ProgressLine::Sending {
                    call,
                    ids,
                    at,
                    request_id,
                } => {
                    run.last_call = run.last_call.max(call);
                    for id in &ids {
                        run.times.insert(*id, at);
                        // Sent again by a resume: in doubt under this call only.
                        for earlier in &mut sending {
                            earlier.ids.retain(|i| i != id);
                        }
                        run.unknown_reasons.remove(id);
                    }
                    sending.push(InDoubtCall {
                        call,
                        ids,
                        request_id,
                    });
                }
                ProgressLine::Outcome {
                    call, at, results, ..
                } => {
                    run.last_call = run.last_call.max(call);
                    // An unknown outcome keeps its ticket in doubt under this call.
                    let unknown: HashSet<u64> = results
                        .iter()
                        .filter(|o| o.kind == OutcomeKind::Unknown)
                        .map(|o| o.id)
                        .collect();
                    for entry in sending.iter_mut().filter(|c| c.call == call) {
                        entry.ids.retain(|id| unknown.contains(id));
                    }
                    for outcome in results {
                        run.times.insert(outcome.id, at);
                        if outcome.kind == OutcomeKind::Unknown {
                            run.outcomes.remove(&outcome.id);
                            run.unknown_reasons.insert(outcome.id, outcome.error);
                        } else {
                            run.outcomes.insert(outcome.id, outcome);
                        }
                    }
                }
                ProgressLine::Verified { at, results } => {
                    for outcome in results {
                        run.times.insert(outcome.id, at);
                        run.unknown_reasons.remove(&outcome.id);
                        for entry in &mut sending {
                            entry.ids.retain(|id| *id != outcome.id);
                        }
                        run.outcomes.insert(outcome.id, outcome);
                    }
                }
                ProgressLine::Withdrawn { call, .. } => {
                    run.last_call = run.last_call.max(call);
                    sending.retain(|c| c.call != call);
                }
                ProgressLine::Finished { at, cancelled } => run.finished = Some((at, cancelled)),
            }
        }
        let mut seen = HashSet::new();
        for mut entry in sending {
            entry
                .ids
                .retain(|id| !run.outcomes.contains_key(id) && seen.insert(*id));
            if entry.ids.is_empty() {
                continue;
            }
            run.in_flight.extend(entry.ids.iter().copied());
            run.in_doubt.push(entry);
        }
        run.unknown_reasons.retain(|id, _| seen.contains(id));
        Ok(run)
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

/// A run's state from its own journal alone.
pub fn state_of(run: &LoadedRun) -> RunState {
    let left = run
        .plan
        .tickets
        .iter()
        .filter(|t| !run.outcomes.contains_key(&t.id))
        .count();
    match run.finished {
        _ if left == 0 => RunState::Complete,
        Some((_, true)) => RunState::Cancelled,
        // A finish line with tickets left (should not happen): treat as interrupted.
        Some((_, false)) => RunState::Interrupted,
        None if run.outcomes.is_empty() && run.in_flight.is_empty() => RunState::NotStarted,
        None => RunState::Interrupted,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::bulk::{BulkEdit, Plan, Target};

    fn plan() -> Plan {
        let tickets: Vec<crate::api::model::Ticket> = (1..=3)
            .map(|id| crate::api::model::Ticket {
                id,
                status: Some(crate::api::model::TicketStatus::Open),
                ..Default::default()
            })
            .collect();
        let edit = BulkEdit::from(crate::api::model::TicketChange {
            status: Some(crate::api::model::TicketStatus::Solved),
            ..Default::default()
        });
        Plan::new(&edit, &tickets, Target::default())
    }

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, "第二".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "第二");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }

    #[test]
    fn damaged_lines_are_skipped_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan();
        let mut log = journal.create(&plan).unwrap();
        let at = Utc::now();
        log.append(&ProgressLine::Sending {
            call: 1,
            ids: vec![1, 2],
            at,
            request_id: None,
        })
        .unwrap();
        drop(log);
        let path = journal.run_dir(&plan.run_id).join(PROGRESS_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"\x00\xffgarbage\n").unwrap();
        drop(file);
        let mut log = journal.open_log(&plan.run_id).unwrap();
        log.append(&ProgressLine::Outcome {
            call: 1,
            at,
            results: vec![TicketOutcome {
                id: 1,
                success: false,
                error: "工单已关闭".into(),
                ..Default::default()
            }],
            call_error: None,
        })
        .unwrap();
        let run = journal.load(&plan.run_id).unwrap();
        assert_eq!(run.skipped_lines, 1);
        assert_eq!(run.outcomes[&1].error, "工单已关闭");
        // Ticket 2 was in call 1, which answered without it: no outcome, not in flight.
        assert!(run.in_flight.is_empty());
        assert_eq!(run.last_call, 1);
        assert_eq!(state_of(&run), RunState::Interrupted);
    }

    #[tokio::test]
    async fn a_full_disk_stops_the_group_log_and_is_reported() {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let Ok(file) = OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let log = RunLog {
            path: PathBuf::from("/dev/full"),
            file,
        };
        let mut group = GroupLog::start(&log).unwrap();
        let line = group
            .queue(&ProgressLine::Started { at: Utc::now() })
            .unwrap();
        let error = group.wait(line).await.unwrap_err();
        assert!(error.to_string().contains("/dev/full"), "{error}");
        // Nothing is taken as written after that: a line queued later (the writer may not
        // have let go of its queue yet) is never reported on disk.
        assert!(group.is_durable(line).is_err());
        match group.queue(&ProgressLine::Started { at: Utc::now() }) {
            Err(_) => {}
            Ok(later) => assert!(group.wait(later).await.is_err()),
        }
        drop(group);
    }

    #[tokio::test]
    async fn group_commit_keeps_the_order_and_reports_what_is_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan();
        let log = journal.create(&plan).unwrap();
        let mut group = GroupLog::start(&log).unwrap();
        let at = Utc::now();
        let mut numbers = Vec::new();
        for call in 1..=3 {
            numbers.push(
                group
                    .queue(&ProgressLine::Sending {
                        call,
                        ids: vec![u64::from(call)],
                        at,
                        request_id: None,
                    })
                    .unwrap(),
            );
        }
        assert_eq!(numbers, vec![1, 2, 3]);
        group.wait(3).await.unwrap();
        assert!(group.is_durable(1).unwrap() && group.is_durable(3).unwrap());
        assert!(!group.is_durable(4).unwrap());
        // Call 2 answers; call 3 was written ahead and is withdrawn (never sent).
        group
            .queue(&ProgressLine::Outcome {
                call: 2,
                at,
                results: vec![TicketOutcome {
                    id: 2,
                    success: true,
                    error: String::new(),
                    ..Default::default()
                }],
                call_error: None,
            })
            .unwrap();
        let last = group
            .queue(&ProgressLine::Withdrawn { call: 3, at })
            .unwrap();
        group.wait(last).await.unwrap();
        drop(group);
        let text = fs::read_to_string(journal.run_dir(&plan.run_id).join(PROGRESS_FILE)).unwrap();
        let events: Vec<&str> = text
            .lines()
            .map(|line| line.split('"').nth(3).unwrap_or(""))
            .collect();
        assert_eq!(
            events,
            ["sending", "sending", "sending", "outcome", "withdrawn"]
        );
        let run = journal.load(&plan.run_id).unwrap();
        // Call 1 may have been sent; call 3 was not.
        assert_eq!(run.in_flight, vec![1]);
        assert_eq!(run.last_call, 3);
        // The file is still the run's: the next writer appends after these lines.
        drop(log);
        let mut log = journal.open_log(&plan.run_id).unwrap();
        log.append(&ProgressLine::Finished {
            at,
            cancelled: true,
        })
        .unwrap();
        assert_eq!(
            journal.load(&plan.run_id).unwrap().finished.map(|f| f.1),
            Some(true)
        );
    }

    #[test]
    fn a_plan_from_a_newer_version_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan();
        drop(journal.create(&plan).unwrap());
        let path = journal.run_dir(&plan.run_id).join(PLAN_FILE);
        fs::write(&path, br#"{"version": 99, "whatever": true}"#).unwrap();
        assert!(matches!(
            journal.load(&plan.run_id),
            Err(JournalError::TooNew { version: 99, .. })
        ));
        assert!(path.exists());
        assert_eq!(journal.list().problems.len(), 1);
    }

    #[test]
    fn lines_written_before_request_ids_and_kinds_still_read() {
        let sending: ProgressLine = serde_json::from_str(
            r#"{"event":"sending","call":3,"ids":[1,2],"at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert!(matches!(
            sending,
            ProgressLine::Sending {
                request_id: None,
                ..
            }
        ));
        let outcome: TicketOutcome =
            serde_json::from_str(r#"{"id":1,"success":false,"error":"x"}"#).unwrap();
        assert_eq!(outcome.kind, OutcomeKind::Answered);
        assert!(outcome.is_failure());
        // An answer is written as before: no `kind` key.
        let text = serde_json::to_string(&TicketOutcome::done(4)).unwrap();
        assert!(!text.contains("kind"), "{text}");
    }

    #[test]
    fn an_unknown_outcome_keeps_its_tickets_in_doubt_under_the_calls_request_id() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan();
        let mut log = journal.create(&plan).unwrap();
        let at = Utc::now();
        log.append(&ProgressLine::Sending {
            call: 1,
            ids: vec![1, 2, 3],
            at,
            request_id: Some("rid-1".into()),
        })
        .unwrap();
        log.append(&ProgressLine::Outcome {
            call: 1,
            at,
            results: vec![
                TicketOutcome::done(1),
                TicketOutcome::of_kind(2, OutcomeKind::Unknown, "outcome unknown: dropped"),
                TicketOutcome::of_kind(3, OutcomeKind::Unknown, "outcome unknown: dropped"),
            ],
            call_error: None,
        })
        .unwrap();
        log.append(&ProgressLine::Finished {
            at,
            cancelled: false,
        })
        .unwrap();
        let run = journal.load(&plan.run_id).unwrap();
        assert_eq!(run.in_flight, vec![2, 3]);
        assert_eq!(
            run.in_doubt,
            vec![InDoubtCall {
                call: 1,
                ids: vec![2, 3],
                request_id: Some("rid-1".into()),
            }]
        );
        assert!(!run.outcomes.contains_key(&2));
        assert!(run.unknown_reasons[&2].contains("dropped"));
        // Not complete: offered for resume.
        assert_eq!(state_of(&run), RunState::Interrupted);
        let info = journal.list().runs.remove(0);
        assert_eq!(
            (info.succeeded, info.failed, info.unknown, info.left),
            (1, 0, 2, 2)
        );
        assert!(info.resumable());
        assert!(
            info.summary(crate::lang::Lang::En)
                .contains("2 outcome unknown")
        );

        // A resume's verdict settles them: no longer in doubt.
        let mut log = journal.open_log(&plan.run_id).unwrap();
        log.append(&ProgressLine::Verified {
            at,
            results: vec![
                TicketOutcome::done(2),
                TicketOutcome::of_kind(3, OutcomeKind::Unsettled, "check the ticket"),
            ],
        })
        .unwrap();
        let run = journal.load(&plan.run_id).unwrap();
        assert!(run.in_flight.is_empty() && run.in_doubt.is_empty());
        assert_eq!(state_of(&run), RunState::Complete);
        let info = journal.list().runs.remove(0);
        assert_eq!((info.failed, info.unsettled.clone()), (0, vec![3]));
        assert!(
            info.summary(crate::lang::Lang::En)
                .contains("reply may or may not have been sent: check ticket #3")
        );
    }
}
