//! Reading a run back from its plan and progress lines: outcomes, the calls in doubt and
//! their `Requestid`s, what a resume, undo or retry needs. Damaged lines are skipped.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;

use chrono::{DateTime, Utc};

use super::{
    Journal, JournalError, OutcomeKind, PLAN_FILE, PROGRESS_FILE, ProgressLine, RunState,
    TicketOutcome,
};
use crate::bulk::plan::{PLAN_VERSION, Plan};

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
    pub(crate) in_doubt: Vec<InDoubtCall>,
    /// Why a ticket is in doubt, when a lost answer said so.
    pub(crate) unknown_reasons: HashMap<u64, String>,
    /// The `Finished` line, if any.
    pub finished: Option<(DateTime<Utc>, bool)>,
    /// The highest call number used so far.
    pub(crate) last_call: u32,
    /// When each ticket's outcome (or its sending) was recorded.
    pub(crate) times: HashMap<u64, DateTime<Utc>>,
    /// Lines that could not be read (a torn last line, or damage), skipped.
    pub skipped_lines: usize,
}

/// A call whose tickets are in doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InDoubtCall {
    pub(crate) call: u32,
    /// Its tickets still in doubt.
    pub(crate) ids: Vec<u64>,
    /// Its `Requestid` (`None` in journals written before they were recorded).
    pub(crate) request_id: Option<String>,
}

impl Journal {
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
