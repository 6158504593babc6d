//! A small summary beside each run's journal, so that the history (and the start's resume
//! offer) never reads whole journals: `runs/<run id>/summary.json` holds the counts, the
//! run's own state, what it changes (its preview and names, as data: the view words it)
//! and the few ids the history needs.
//!
//! It is written atomically when a run ends (finished, cancelled or interrupted). A run
//! without one (older journals, or a crash before it was written), or whose progress file
//! has grown since it was written (the summary records the file's length), gets one
//! computed from its journal once, and written. Pruning (`Journal::prune`) works from the
//! summaries too.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::journal::{
    Journal, JournalError, LoadedRun, OutcomeKind, RunChange, RunState, RunWhat, state_of,
};
use super::plan::{RunKind, Target};

pub(super) const SUMMARY_FILE: &str = "summary.json";
/// Bumped when a field's meaning changes: an older summary is then computed again.
const SUMMARY_VERSION: u32 = 1;

/// What the history needs of one run, without its journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub(crate) version: u32,
    pub(crate) run_id: String,
    pub(crate) created: DateTime<Utc>,
    pub(crate) kind: RunKind,
    pub(crate) target: Target,
    /// The run's state from its own journal (an undo by another run is found at list time).
    pub(crate) state: RunState,
    /// What the run changes: its plan's preview and names. `None` in a summary written by
    /// an older version, which kept prose instead (`what_en` / `what_zh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) change: Option<RunChange>,
    /// An older version's words for the change, read (shown as they are) but never written.
    #[serde(default, skip_serializing)]
    pub(crate) what_en: Option<String>,
    #[serde(default, skip_serializing)]
    pub(crate) what_zh: Option<String>,
    pub(crate) total: usize,
    pub(crate) succeeded: usize,
    pub(crate) failed: usize,
    pub(crate) unknown: usize,
    pub(crate) unsettled: Vec<u64>,
    pub(crate) changed: usize,
    pub(crate) left: usize,
    /// Tickets with an outcome that is not a success: what a retry of this run may send
    /// again (for the "retried: N succeeded" note of the run it retried).
    pub(crate) not_succeeded: Vec<u64>,
    /// (Retries only) the tickets it sends and those it changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) retry_sent: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) retry_succeeded: Vec<u64>,
    /// The progress file's length when this was computed: a longer file means the run went
    /// on (a resume, or a crash after the summary) and the summary is computed again.
    pub(crate) progress_len: u64,
}

impl RunSummary {
    /// The summary of a run read back from its journal.
    pub(crate) fn of(run: &LoadedRun, progress_len: u64) -> RunSummary {
        let plan = &run.plan;
        let mut unsettled: Vec<u64> = run
            .outcomes
            .values()
            .filter(|o| o.kind == OutcomeKind::Unsettled)
            .map(|o| o.id)
            .collect();
        unsettled.sort_unstable();
        let mut not_succeeded: Vec<u64> = run
            .outcomes
            .values()
            .filter(|o| !o.success)
            .map(|o| o.id)
            .collect();
        not_succeeded.sort_unstable();
        let total = plan.tickets.len();
        let settled = plan
            .tickets
            .iter()
            .filter(|t| run.outcomes.contains_key(&t.id))
            .count();
        let (retry_sent, retry_succeeded) = match plan.kind {
            RunKind::Retry { .. } => {
                let sent: Vec<u64> = plan.tickets.iter().map(|t| t.id).collect();
                let succeeded = sent
                    .iter()
                    .copied()
                    .filter(|id| run.outcomes.get(id).is_some_and(|o| o.success))
                    .collect();
                (sent, succeeded)
            }
            _ => (Vec::new(), Vec::new()),
        };
        RunSummary {
            version: SUMMARY_VERSION,
            run_id: plan.run_id.clone(),
            created: plan.created,
            kind: plan.kind.clone(),
            target: plan.target.clone(),
            state: state_of(run),
            change: Some(RunChange {
                preview: super::Preview::of(plan),
                names: plan.names.clone(),
            }),
            what_en: None,
            what_zh: None,
            total,
            succeeded: run.outcomes.values().filter(|o| o.success).count(),
            failed: run.outcomes.values().filter(|o| o.is_failure()).count(),
            unknown: run.in_flight.len(),
            unsettled,
            changed: run
                .outcomes
                .values()
                .filter(|o| o.kind == OutcomeKind::ChangedSincePreview)
                .count(),
            left: total.saturating_sub(settled),
            not_succeeded,
            retry_sent,
            retry_succeeded,
            progress_len,
        }
    }

    /// What the run changes: the typed change, else an older version's words (empty when a
    /// damaged file has neither: the summary is then computed again, see `Journal::summary`).
    pub(crate) fn what(&self) -> RunWhat {
        match &self.change {
            Some(change) => RunWhat::Change(Box::new(change.clone())),
            None => RunWhat::Worded {
                en: self.what_en.clone().unwrap_or_default(),
                zh: self.what_zh.clone().unwrap_or_default(),
            },
        }
    }

    /// Whether the summary says what the run changes, typed or in an older version's words.
    fn knows_what(&self) -> bool {
        self.change.is_some() || self.what_en.is_some() && self.what_zh.is_some()
    }

    /// Whether `resume` has anything to do (such a run is never pruned).
    pub(crate) fn resumable(&self) -> bool {
        matches!(self.state, RunState::Interrupted | RunState::Cancelled) && self.left > 0
            || self.state == RunState::NotStarted
    }
}

/// How long runs are kept (config `[history]`): a run is pruned when it is older than
/// `keep_days` *and* not among the `keep_last` newest, and never when it can be resumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub keep_days: u32,
    pub keep_last: usize,
}

pub const DEFAULT_KEEP_DAYS: u32 = 90;
pub const DEFAULT_KEEP_LAST: usize = 50;

impl Default for Retention {
    fn default() -> Self {
        Retention {
            keep_days: DEFAULT_KEEP_DAYS,
            keep_last: DEFAULT_KEEP_LAST,
        }
    }
}

/// What a prune did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    /// The runs removed, newest first.
    pub(crate) removed: Vec<String>,
    /// Runs that could not be removed, with why.
    pub(crate) problems: Vec<String>,
}

fn progress_len(dir: &Path) -> u64 {
    fs::metadata(dir.join(super::journal::PROGRESS_FILE)).map_or(0, |m| m.len())
}

impl Journal {
    /// One run's summary: read from its file when it is current, otherwise computed from
    /// the journal (the one time the whole journal is read) and written for next time.
    pub(crate) fn summary(&self, run_id: &str) -> Result<RunSummary, JournalError> {
        let dir = self.run_dir(run_id);
        let len = progress_len(&dir);
        if let Ok(bytes) = fs::read(dir.join(SUMMARY_FILE))
            && let Ok(summary) = serde_json::from_slice::<RunSummary>(&bytes)
            && summary.version == SUMMARY_VERSION
            && summary.run_id == run_id
            && summary.progress_len == len
            && summary.knows_what()
        {
            return Ok(summary);
        }
        self.write_summary(run_id)
    }

    /// Computes a run's summary from its journal and writes it (atomically). A summary that
    /// cannot be written is only logged: the next listing computes it again.
    pub(crate) fn write_summary(&self, run_id: &str) -> Result<RunSummary, JournalError> {
        let dir = self.run_dir(run_id);
        // The length before reading: lines appended meanwhile make the next listing look again.
        let len = progress_len(&dir);
        let run = self.load(run_id)?;
        let summary = RunSummary::of(&run, len);
        match serde_json::to_vec(&summary) {
            Ok(bytes) => {
                if let Err(e) = super::write_atomic(&dir.join(SUMMARY_FILE), &bytes) {
                    tracing::warn!(run_id, error = %e, "could not write the run's summary");
                }
            }
            Err(e) => tracing::warn!(run_id, error = %e, "could not encode the run's summary"),
        }
        Ok(summary)
    }

    /// Removes the runs `keep` lets go, as of `now`: older than `keep_days`, not among the
    /// `keep_last` newest, and not resumable. Each run directory is first renamed aside
    /// (one atomic step, so a listing never sees half a run), then deleted.
    pub(crate) fn prune(&self, keep: Retention, now: DateTime<Utc>) -> Pruned {
        let mut pruned = Pruned::default();
        let mut summaries = Vec::new();
        for run_id in self.run_ids(&mut pruned.problems) {
            match self.summary(&run_id) {
                Ok(summary) => summaries.push(summary),
                // Unreadable runs are left for the user to look at.
                Err(e) => pruned.problems.push(e.to_string()),
            }
        }
        summaries.sort_by(|a, b| b.created.cmp(&a.created).then(b.run_id.cmp(&a.run_id)));
        let cutoff = now - Duration::days(i64::from(keep.keep_days));
        for summary in summaries.iter().skip(keep.keep_last) {
            if summary.created >= cutoff || summary.resumable() {
                continue;
            }
            let dir = self.run_dir(&summary.run_id);
            let aside = self.runs_dir().join(format!(".pruned-{}", summary.run_id));
            let removed = fs::rename(&dir, &aside).and_then(|()| fs::remove_dir_all(&aside));
            match removed {
                Ok(()) => pruned.removed.push(summary.run_id.clone()),
                Err(e) => pruned
                    .problems
                    .push(format!("could not remove run {}: {e}", summary.run_id)),
            }
        }
        if !pruned.removed.is_empty() {
            tracing::info!(removed = pruned.removed.len(), "old bulk runs pruned");
        }
        pruned
    }

    /// The ids of the runs on disk (directories with a plan), in no order.
    pub(super) fn run_ids(&self, problems: &mut Vec<String>) -> Vec<String> {
        let entries = match fs::read_dir(self.runs_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                problems.push(format!(
                    "could not read the run journal at {}: {e}",
                    self.runs_dir().display()
                ));
                return Vec::new();
            }
        };
        let mut ids = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Temporary and pruned-aside entries start with a dot.
            if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            if entry.path().join(super::journal::PLAN_FILE).exists() {
                ids.push(name);
            }
        }
        ids
    }
}

/// For each run whose failures a retry (or a retry of a retry) sent again: those failed
/// tickets and the ones a retry changed, by the run's id.
pub(super) fn retried_failures(
    runs: &[RunSummary],
) -> HashMap<
    String,
    (
        std::collections::BTreeSet<u64>,
        std::collections::BTreeSet<u64>,
    ),
> {
    use std::collections::{BTreeSet, HashSet};
    let by_id: HashMap<&str, &RunSummary> = runs.iter().map(|r| (r.run_id.as_str(), r)).collect();
    let retry_of = |run: &RunSummary| match &run.kind {
        RunKind::Retry { of } => by_id.get(of.as_str()).copied(),
        _ => None,
    };
    let mut retried: HashMap<String, (BTreeSet<u64>, BTreeSet<u64>)> = HashMap::new();
    for retry in runs {
        if retry.retry_sent.is_empty() {
            continue;
        }
        let succeeded: HashSet<u64> = retry.retry_succeeded.iter().copied().collect();
        // Up the chain of retries; bounded, should a damaged journal make a loop.
        let mut ancestor = retry_of(retry);
        for _ in 0..runs.len() {
            let Some(original) = ancestor else {
                break;
            };
            let failed: HashSet<u64> = original.not_succeeded.iter().copied().collect();
            let (sent, ok) = retried.entry(original.run_id.clone()).or_default();
            for id in &retry.retry_sent {
                if !failed.contains(id) {
                    continue;
                }
                sent.insert(*id);
                if succeeded.contains(id) {
                    ok.insert(*id);
                }
            }
            ancestor = retry_of(original);
        }
    }
    retried.retain(|_, (sent, _)| !sent.is_empty());
    retried
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::journal::{PROGRESS_FILE, ProgressLine, TicketOutcome};
    use super::super::plan::{BulkEdit, Plan};
    use super::*;

    fn plan_created(days_ago: i64, now: DateTime<Utc>) -> Plan {
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
        let mut plan = Plan::new(
            &edit,
            &tickets,
            Target::default(),
            crate::bulk::RunStamp::now(),
        );
        plan.created = now - Duration::days(days_ago);
        plan
    }

    /// A run with ticket 1 done, 2 failed, 3 left; finished unless `interrupted`.
    fn run(journal: &Journal, plan: &Plan, interrupted: bool) {
        let mut log = journal.create(plan).unwrap();
        let at = plan.created;
        log.append(&ProgressLine::Outcome {
            call: 1,
            at,
            results: vec![TicketOutcome::done(1), TicketOutcome::failed(2, "已关闭")],
            call_error: None,
        })
        .unwrap();
        if !interrupted {
            log.append(&ProgressLine::Finished {
                at,
                cancelled: true,
            })
            .unwrap();
        }
    }

    /// Settles ticket 3 of a cancelled run: the run is complete (not resumable).
    fn complete(journal: &Journal, plan: &Plan) {
        let mut log = journal.open_log(&plan.run_id).unwrap();
        log.append(&ProgressLine::Outcome {
            call: 2,
            at: plan.created,
            results: vec![TicketOutcome::done(3)],
            call_error: None,
        })
        .unwrap();
    }

    fn make_unreadable(path: &Path) {
        // A directory where the file was: any read of it fails.
        fs::remove_file(path).unwrap();
        fs::create_dir(path).unwrap();
    }

    #[test]
    fn a_summary_is_written_once_and_the_history_reads_it_instead_of_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let now = Utc::now();
        let plan = plan_created(0, now);
        run(&journal, &plan, false);
        let run_dir = journal.run_dir(&plan.run_id);
        // An older journal: no summary yet. The first listing computes and writes it.
        assert!(!run_dir.join(SUMMARY_FILE).exists());
        let first = journal.list();
        assert!(first.problems.is_empty(), "{:?}", first.problems);
        let info = &first.runs[0];
        assert_eq!((info.succeeded, info.failed, info.left), (1, 1, 1));
        assert_eq!(info.state, RunState::Cancelled);
        let written: RunSummary =
            serde_json::from_slice(&fs::read(run_dir.join(SUMMARY_FILE)).unwrap()).unwrap();
        assert_eq!(written.not_succeeded, vec![2]);
        // The change as data, never prose: the solved status it sets, and no old words.
        let change = written.change.as_ref().unwrap();
        assert_eq!(
            change.preview.fields[0].transitions[0].to,
            crate::bulk::FieldValue::Status(crate::api::model::TicketStatus::Solved.code())
        );
        assert_eq!((&written.what_en, &written.what_zh), (&None, &None));

        // From now on the plan is never read at list time: an unreadable plan (the
        // progress file unchanged) still lists, from the summary alone.
        make_unreadable(&run_dir.join(super::super::journal::PLAN_FILE));
        fs::write(
            run_dir.join(super::super::journal::PLAN_FILE).join("x"),
            b"",
        )
        .unwrap();
        let again = journal.list();
        assert!(again.problems.is_empty(), "{:?}", again.problems);
        assert_eq!(again.runs.len(), 1);
        assert_eq!(again.runs[0].what, info.what);
        assert_eq!(
            (
                again.runs[0].succeeded,
                again.runs[0].failed,
                again.runs[0].left
            ),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_journal_that_grew_after_its_summary_is_summarised_again() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan_created(0, Utc::now());
        run(&journal, &plan, true);
        assert_eq!(journal.list().runs[0].state, RunState::Interrupted);
        // A resume settles ticket 3 (as after a crash that left no new summary).
        let mut log = journal.open_log(&plan.run_id).unwrap();
        log.append(&ProgressLine::Outcome {
            call: 2,
            at: plan.created,
            results: vec![TicketOutcome::done(3)],
            call_error: None,
        })
        .unwrap();
        let info = journal.list().runs.remove(0);
        assert_eq!((info.succeeded, info.left), (2, 0));
        assert_eq!(info.state, RunState::Complete);
    }

    #[test]
    fn a_retry_of_a_run_is_noted_on_it_from_the_summaries() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let now = Utc::now();
        let plan = plan_created(1, now);
        run(&journal, &plan, false);
        let report = crate::bulk::RunReport::from_loaded(&journal.load(&plan.run_id).unwrap());
        let retry = crate::bulk::retry_failed(&report, crate::bulk::RunStamp::now()).unwrap();
        let mut log = journal.create(&retry).unwrap();
        log.append(&ProgressLine::Outcome {
            call: 1,
            at: now,
            results: vec![TicketOutcome::done(2)],
            call_error: None,
        })
        .unwrap();
        let history = journal.list();
        let original = history.get(&plan.run_id).unwrap();
        assert_eq!(
            original.retried,
            Some(crate::bulk::Retried {
                sent: 1,
                succeeded: 1
            })
        );
    }

    #[test]
    fn prune_keeps_the_last_n_the_recent_and_every_resumable_run() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let now = Utc::now();
        // Six old finished runs (100..105 days), one old interrupted run, one recent run.
        let mut old = Vec::new();
        for days in 100..106 {
            let plan = plan_created(days, now);
            run(&journal, &plan, false);
            complete(&journal, &plan);
            old.push(plan.run_id);
        }
        let stopped = plan_created(200, now);
        run(&journal, &stopped, true);
        let recent = plan_created(3, now);
        run(&journal, &recent, false);
        complete(&journal, &recent);

        let pruned = journal.prune(
            Retention {
                keep_days: 90,
                keep_last: 3,
            },
            now,
        );
        assert!(pruned.problems.is_empty(), "{:?}", pruned.problems);
        // The 3 newest (recent, 100 and 101 days) stay; the interrupted one stays whatever
        // its age; the other four old ones go.
        assert_eq!(pruned.removed, old[2..].to_vec());
        let left: Vec<String> = journal.list().runs.into_iter().map(|r| r.run_id).collect();
        assert_eq!(
            left,
            vec![
                recent.run_id.clone(),
                old[0].clone(),
                old[1].clone(),
                stopped.run_id.clone()
            ]
        );
        // Nothing left behind in the runs directory.
        let entries = fs::read_dir(dir.path().join("runs")).unwrap().count();
        assert_eq!(entries, 4);
        // Pruning again removes nothing.
        assert!(journal.prune(Retention::default(), now).removed.is_empty());
    }

    #[test]
    fn a_progress_file_unreadable_at_list_time_is_not_read_when_summarised() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path());
        let plan = plan_created(0, Utc::now());
        run(&journal, &plan, false);
        let first = journal.list().runs.remove(0);
        // Same length, unreadable bytes: a listing that read the journal would see the
        // damage (skipped lines, a different count); the summary is used as it is.
        let progress = journal.run_dir(&plan.run_id).join(PROGRESS_FILE);
        let len = fs::metadata(&progress).unwrap().len();
        fs::write(&progress, vec![b'#'; usize::try_from(len).unwrap()]).unwrap();
        let again = journal.list().runs.remove(0);
        assert_eq!(
            (again.succeeded, again.failed),
            (first.succeeded, first.failed)
        );
    }
}
