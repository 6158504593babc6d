//! Starting a run (a change, a retry, an undo or a resume) and the run as the gauge and
//! the result list show it.

use super::Stage;
use super::engine::BulkCommand;
use super::note::BulkNote;
use crate::app::action::{Command, RequestId};
use crate::app::state::App;
use crate::bulk::{Plan, RunKind, RunProgress, RunReport};

/// A run shown in the gauge and then in the result list.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub request: RequestId,
    pub kind: RunKind,
    /// Tickets to send, when known before the first event.
    pub total: usize,
    pub progress: Option<RunProgress>,
    /// A resume is checking this many tickets that were in flight.
    pub checking: Option<usize>,
    pub cancelling: bool,
    pub call_failures: Vec<BulkNote>,
    pub report: Option<RunReport>,
    pub error: Option<BulkNote>,
    pub scroll: usize,
    /// The server refused the credentials mid-run (401): the rest was left for a resume,
    /// which starts by itself once the user signs in again (or with `r`).
    pub auth_refused: bool,
}

fn new_run(request: RequestId, kind: RunKind, total: usize) -> RunView {
    RunView {
        request,
        kind,
        total,
        progress: None,
        checking: None,
        cancelling: false,
        call_failures: Vec::new(),
        report: None,
        error: None,
        scroll: 0,
        auth_refused: false,
    }
}

pub(super) fn start_run(app: &mut App, plan: Plan, out: &mut Vec<Command>) -> Stage {
    let id = app.request_id();
    let view = new_run(id, plan.kind.clone(), plan.tickets.len());
    out.push(Command::Bulk(BulkCommand::Start {
        id,
        plan: Box::new(plan),
    }));
    Stage::Running(view)
}

/// Asks the worker to plan the undo; its preview comes next ([`super::undo_preview`]), and
/// nothing is sent before it is confirmed. Until the plan lands the gauge says so.
pub(super) fn start_undo(app: &mut App, run_id: String, out: &mut Vec<Command>) -> Stage {
    let id = app.request_id();
    let view = new_run(id, RunKind::Undo { of: run_id.clone() }, 0);
    out.push(Command::Bulk(BulkCommand::PlanUndo { id, run_id }));
    Stage::Running(view)
}

/// The run whose rest a 401 left unsent, if its report says some is left.
pub(super) fn left_by_refusal(run: &RunView) -> Option<String> {
    let report = run.report.as_ref()?;
    (run.auth_refused && !report.not_sent.is_empty()).then(|| report.run_id().to_string())
}

/// After signing in again: a run the 401 stopped goes on by itself (a resume sends only
/// what was not sent). Its result stays on screen otherwise.
pub fn resume_after_sign_in(app: &mut App, out: &mut Vec<Command>) {
    let Some(Stage::Result(run)) = &app.bulk.stage else {
        return;
    };
    let Some(run_id) = left_by_refusal(run) else {
        return;
    };
    app.bulk.hidden = false;
    app.bulk.stage = Some(start_resume(app, run_id, out));
}

pub(super) fn start_resume(app: &mut App, run_id: String, out: &mut Vec<Command>) -> Stage {
    let id = app.request_id();
    let view = new_run(id, RunKind::Change, 0);
    out.push(Command::Bulk(BulkCommand::Resume { id, run_id }));
    Stage::Running(view)
}

/// At start: the journal's runs, to offer resuming an interrupted one.
pub fn start(app: &mut App, out: &mut Vec<Command>) {
    let id = app.request_id();
    app.bulk.startup_history = Some(id);
    out.push(Command::Bulk(BulkCommand::History { id }));
}

/// The result list's scroll, clamped to the limit drawn; whether it moved.
pub fn clamp_result_scroll(app: &mut App, max: usize) -> bool {
    let Some(Stage::Result(run)) = &mut app.bulk.stage else {
        return false;
    };
    let old = run.scroll;
    run.scroll = old.min(max);
    run.scroll != old
}
