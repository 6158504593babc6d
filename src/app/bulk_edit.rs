//! The bulk edit pane (`b`), its run, the result list, undo, the history (`H`) and the
//! resume offer at start. All the sending goes through the bulk engine in the worker
//! ([`BulkCommand`]); what the engine reports comes back as [`BulkEvent`]s.
//!
//! Stages: form → (full tickets fetched) → preview → (typed count above the threshold) →
//! running (a gauge; the pane can be hidden with `q`, the console stays usable) → result
//! list (`r` retries the failed, `u` undoes the run).
//!
//! Here: the pane's state and its keys, stepped by stage. Each stage's work is a module
//! of its own (`form`, `edit`, `preview`, `run`), as are the messages to and from the
//! engine (`engine`, `events`) and the notes (`note`); what the rest of the crate uses
//! is re-exported here.

mod edit;
mod engine;
mod events;
mod form;
mod note;
mod preview;
mod run;

pub use edit::{edit_of, names};
pub use engine::{BulkCommand, BulkEvent, BulkFailure, HistoryRow};
pub(crate) use events::worker_event;
pub(crate) use form::form_rows;
pub use form::{Choice, Form, FormField, FormRow, FormValue, TagsMode, choices, is_text};
pub use note::BulkNote;
pub use preview::{preview_stage, undo_preview};
pub use run::clamp_result_scroll;
pub use run::{RunView, resume_after_sign_in, start};

use super::action::{Command, RequestId};
use super::keymap;
use super::line_edit::LineEdit;
use super::notice::Note;
use super::state::{App, Notice, Overlay, Pane};
use crate::bulk::{Plan, Preview, RunKind, retry_failed};

use form::{form_step, want_names};
use run::{left_by_refusal, start_resume, start_run, start_undo};

/// What the pane's keys mean (mapped by [`action_for_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// `b`: the pane for the marked tickets (or the current one), or back to a hidden run.
    Open,
    /// `H`: the history of runs.
    OpenHistory,
    Up,
    Down,
    /// The preview: a screen down or up, its first or last line.
    PageDown,
    PageUp,
    Top,
    Bottom,
    /// Previous / next value of a form row.
    Left,
    Right,
    /// Start editing a text row (`e`, `i`).
    Edit,
    Char(char),
    Backspace,
    /// Form: to the preview; preview: confirm; edit: done; history: resume.
    Enter,
    /// Esc: leaves the current stage (cancels a run in the gauge).
    Esc,
    /// `x`: the form row back to "no change".
    ClearRow,
    /// `c` in the gauge: cancel the run.
    Cancel,
    /// `q` in the gauge: hide the pane, the run goes on.
    Hide,
    /// `r` in the result list.
    Retry,
    /// `u` in the result list, the history or the resume offer.
    Undo,
    /// `R` in the history or the resume offer.
    Resume,
    /// `a` in the preview: send to tickets changed on the server since the preview too
    /// (again: leave them alone, the default).
    ApplyAnyway,
    /// `?`: the keys of the stage on screen.
    Help,
    /// A key pressed while the tickets are read for the preview: kept, and mapped by the key
    /// map once the preview is on screen (see `events::replay_typed_ahead`).
    TypedAhead(keymap::Key),
}

/// The pane's stage.
// One stage at a time, never stored in bulk: the size of the preview does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Form(Form),
    /// Full tickets being fetched for the plan.
    Preparing {
        form: Form,
        request: RequestId,
        /// Keys pressed meanwhile (the typed count, say), in order.
        typed_ahead: Vec<keymap::Key>,
    },
    Preview {
        form: Form,
        plan: Plan,
        /// What the plan changes, as data: the view words it (with the names known when it
        /// draws).
        preview: Preview,
        /// Tickets that will be sent.
        count: usize,
        needs_typing: bool,
        typed: String,
        error: Option<BulkNote>,
        /// The first line of the summary shown, when it does not fit (clamped with the
        /// summary's geometry as last drawn, `Geometry::bulk_preview`).
        scroll: usize,
    },
    Running(RunView),
    Result(RunView),
    History {
        request: Option<RequestId>,
        runs: Vec<HistoryRow>,
        problems: Vec<String>,
        selected: usize,
        error: Option<BulkNote>,
    },
    /// At start: runs that stopped mid-way.
    ResumeOffer {
        runs: Vec<HistoryRow>,
    },
}

/// The bulk sub-state of the app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkState {
    pub stage: Option<Stage>,
    /// The pane is hidden (a run goes on behind the console).
    pub hidden: bool,
    /// The history call made at start, to offer a resume.
    pub(crate) startup_history: Option<RequestId>,
    /// A macro's change on its way to the preview (issue 17): the edit the preview plans
    /// instead of the form's rows.
    pub(crate) preset: Option<Preset>,
    /// A macro's run, going on hidden: once done with no failure the pane closes itself
    /// (a failure shows the result list).
    pub(crate) quiet_run: Option<RequestId>,
    /// The macro's snippet, for the composer once its run is done and the ticket read
    /// again (so the reply is checked against the ticket as the macro left it, not taken
    /// for someone else's change).
    pub(crate) snippet_after: Option<String>,
}

/// A macro's change, applied through the pane's preview and run.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub edit: crate::bulk::BulkEdit,
    /// The snippet's body, to open the composer with once the change is confirmed.
    pub snippet: Option<String>,
    /// Applied from the ticket view: the next ticket opens after (`move_on`).
    pub from_detail: bool,
}

/// A macro's change on `targets`: straight to its preview (the tickets read first where
/// the store lacks a field it sets), confirmed with Enter like any bulk change.
pub(crate) fn apply_preset(
    app: &mut App,
    preset: Preset,
    targets: Vec<u64>,
    out: &mut Vec<Command>,
) {
    let edit = preset.edit.clone();
    app.bulk.preset = Some(preset);
    app.bulk.hidden = false;
    let form = Form {
        targets,
        rows: Vec::new(),
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    };
    app.bulk.stage = form::to_preview(app, form, edit, out);
    if app.bulk.stage.is_none() {
        app.bulk.preset = None;
    }
}

/// After Enter started a run: a macro's run goes on hidden, and the composer opens with its
/// snippet, or the next ticket opens (`move_on`).
fn after_start(app: &mut App, stage: Stage, out: &mut Vec<Command>) -> Stage {
    let Some(preset) = app.bulk.preset.take() else {
        return stage;
    };
    if let Stage::Running(run) = &stage {
        app.bulk.quiet_run = Some(run.request);
    }
    app.bulk.hidden = true;
    if preset.snippet.is_some() {
        app.bulk.snippet_after = preset.snippet;
    } else if preset.from_detail {
        crate::app::update::move_on(app, out);
    }
    stage
}

impl BulkState {
    /// Whether the pane is on screen (and has the keyboard).
    pub fn visible(&self) -> bool {
        self.stage.is_some() && !self.hidden
    }

    /// The run in progress, if any (shown in the status bar when the pane is hidden).
    pub fn running(&self) -> Option<&RunView> {
        match &self.stage {
            Some(Stage::Running(run)) => Some(run),
            _ => None,
        }
    }
}

fn say(app: &mut App, note: BulkNote, is_error: bool) {
    set_note(app, Note::Bulk(note), is_error);
}

fn set_note(app: &mut App, note: Note, is_error: bool) {
    app.notice = Some(Notice { note, is_error });
}

// ---------------------------------------------------------------------------------------
// Keys.

/// The key context of the pane's stage (`[keys.bulk]`, `[keys.bulk_history]`, ...), when
/// the pane is on screen (see `App::pane`).
pub(crate) fn stage_pane(app: &App) -> Option<Pane> {
    let stage = app.bulk.stage.as_ref().filter(|_| !app.bulk.hidden)?;
    Some(match stage {
        Stage::Form(form) if form.editing.is_some() => Pane::BulkText,
        Stage::Form(_) | Stage::Preparing { .. } => Pane::Bulk,
        Stage::Preview { .. } => Pane::BulkPreview,
        Stage::Running(_) => Pane::BulkRun,
        Stage::Result(_) => Pane::BulkResult,
        Stage::History { .. } => Pane::BulkHistory,
        Stage::ResumeOffer { .. } => Pane::ResumeOffer,
    })
}

// ---------------------------------------------------------------------------------------
// Update.

/// An edit of the text row being typed (the prompts' line keys). Rows have no history or
/// completion.
pub(crate) fn edit_text(app: &mut App, edit: LineEdit) {
    if let Some(Stage::Form(form)) = &mut app.bulk.stage
        && let Some(line) = &mut form.editing
    {
        match edit {
            LineEdit::HistoryPrev | LineEdit::HistoryNext | LineEdit::Complete => {}
            edit => {
                line.apply(&edit);
            }
        }
    }
}

/// Applies a pane action.
pub fn update(app: &mut App, action: BulkAction, out: &mut Vec<Command>) {
    if action == BulkAction::Open {
        return open(app, out);
    }
    if action == BulkAction::OpenHistory {
        return open_history(app, out);
    }
    if action == BulkAction::Help {
        let pane = app.pane();
        app.overlay = Some(Overlay::Help { pane, scroll: 0 });
        return;
    }
    let Some(stage) = app.bulk.stage.take() else {
        return;
    };
    app.bulk.stage = step(app, stage, action, out);
    if app.bulk.stage.is_none() {
        app.bulk.hidden = false;
        app.bulk.preset = None;
    }
}

fn open(app: &mut App, out: &mut Vec<Command>) {
    if app.bulk.hidden && app.bulk.stage.is_some() {
        app.bulk.hidden = false;
        return;
    }
    if let Some(Stage::Running(_)) = &app.bulk.stage {
        return;
    }
    let targets: Vec<u64> = if app.marks.is_empty() {
        let current = match &app.detail {
            Some(detail) => Some(detail.ticket_id),
            None => app.current_view().selected_id(),
        };
        current.into_iter().collect()
    } else {
        app.marks.ids.iter().copied().collect()
    };
    if targets.is_empty() {
        return say(app, BulkNote::NoTicketSelected, false);
    }
    // A ticket the server sent but that could not be read has no values to plan from (an
    // empty stand-in would make "add a tag" replace its tags): it is left out, and said.
    let (unreadable, targets): (Vec<u64>, Vec<u64>) = targets
        .into_iter()
        .partition(|id| !app.tickets.contains_key(id) && app.tickets.unreadable(*id).is_some());
    if let Some(first) = unreadable.first() {
        let note = if targets.is_empty() {
            let reason = app
                .tickets
                .unreadable(*first)
                .unwrap_or_default()
                .to_owned();
            BulkNote::Unreadable { id: *first, reason }
        } else {
            BulkNote::UnreadableLeftOut(unreadable.clone())
        };
        say(app, note, true);
        if targets.is_empty() {
            return;
        }
    }
    want_names(app, out);
    let rows = form_rows(app);
    app.bulk.hidden = false;
    app.bulk.stage = Some(Stage::Form(Form {
        targets,
        rows,
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    }));
}

fn open_history(app: &mut App, out: &mut Vec<Command>) {
    if let Some(Stage::Running(_)) = &app.bulk.stage {
        return say(app, BulkNote::RunGoingOn, false);
    }
    let id = app.request_id();
    out.push(Command::Bulk(BulkCommand::History { id }));
    app.bulk.hidden = false;
    app.bulk.stage = Some(Stage::History {
        request: Some(id),
        runs: Vec::new(),
        problems: Vec::new(),
        selected: 0,
        error: None,
    });
}

fn step(app: &mut App, stage: Stage, action: BulkAction, out: &mut Vec<Command>) -> Option<Stage> {
    // A run, a retry, a resume or an undo sends changes: offline it is refused at once
    // (the pane stays, to try again once the server is back), never queued.
    let sends = match &stage {
        Stage::Result(_) => matches!(action, BulkAction::Retry | BulkAction::Undo),
        Stage::History { .. } | Stage::ResumeOffer { .. } => matches!(
            action,
            BulkAction::Resume | BulkAction::Enter | BulkAction::Undo
        ),
        _ => false,
    };
    if sends && crate::app::offline::refuse(app, crate::app::offline::OfflineChange::BulkRun) {
        return Some(stage);
    }
    match stage {
        Stage::Form(form) => form_step(app, form, action, out),
        Stage::Preparing {
            form,
            request,
            mut typed_ahead,
        } => match action {
            // A macro has no form to go back to.
            BulkAction::Esc if app.bulk.preset.is_some() => None,
            BulkAction::Esc => Some(Stage::Form(form)),
            BulkAction::TypedAhead(key) => {
                typed_ahead.push(key);
                Some(Stage::Preparing {
                    form,
                    request,
                    typed_ahead,
                })
            }
            _ => Some(Stage::Preparing {
                form,
                request,
                typed_ahead,
            }),
        },
        Stage::Preview {
            form,
            mut plan,
            preview,
            count,
            needs_typing,
            mut typed,
            mut error,
            mut scroll,
        } => {
            // Clamped with what the view drew last; before any draw, with the line count.
            let (max, page) = match app.geometry.bulk_preview {
                Some(drawn) if drawn.page > 0 => (drawn.max, drawn.page),
                _ => (preview.line_count(), 1),
            };
            match action {
                BulkAction::Down => scroll = (scroll + 1).min(max),
                BulkAction::Up => scroll = scroll.saturating_sub(1).min(max),
                BulkAction::PageDown => scroll = (scroll + page).min(max),
                BulkAction::PageUp => scroll = scroll.saturating_sub(page).min(max),
                BulkAction::Top => scroll = 0,
                BulkAction::Bottom => scroll = max,
                BulkAction::Esc if matches!(plan.kind, RunKind::Undo { .. }) => {
                    say(app, BulkNote::UndoNotStarted, false);
                    return None;
                }
                BulkAction::Esc if app.bulk.preset.is_some() => return None,
                BulkAction::Esc => return Some(Stage::Form(form)),
                BulkAction::ApplyAnyway => plan.apply_anyway = !plan.apply_anyway,
                BulkAction::Char(c) if needs_typing => {
                    typed.push(c);
                    error = None;
                }
                BulkAction::Backspace if needs_typing => {
                    typed.pop();
                    error = None;
                }
                BulkAction::Enter => {
                    if count == 0 {
                        error = Some(BulkNote::NothingToChange);
                    } else if needs_typing && typed.trim() != count.to_string() {
                        error = Some(BulkNote::TypeCountToConfirm(count));
                    } else if crate::app::offline::refuse(
                        app,
                        crate::app::offline::OfflineChange::BulkRun,
                    ) {
                        // The preview stays: Enter again once the server is back.
                    } else {
                        let stage = start_run(app, plan, out);
                        return Some(after_start(app, stage, out));
                    }
                }
                _ => {}
            }
            Some(Stage::Preview {
                form,
                plan,
                preview,
                count,
                needs_typing,
                typed,
                error,
                scroll,
            })
        }
        Stage::Running(mut run) => {
            match action {
                BulkAction::Esc | BulkAction::Cancel if !run.cancelling => {
                    run.cancelling = true;
                    out.push(Command::Bulk(BulkCommand::Cancel { id: run.request }));
                }
                BulkAction::Hide => app.bulk.hidden = true,
                _ => {}
            }
            Some(Stage::Running(run))
        }
        Stage::Result(mut run) => {
            match action {
                BulkAction::Esc => return None,
                BulkAction::Down => {
                    // Stopped at the end as last drawn, so that `k` answers at once
                    // however often `j` was pressed past it.
                    let max = app.geometry.bulk_result.map_or(usize::MAX, |l| l.max);
                    run.scroll = run.scroll.saturating_add(1).min(max);
                }
                BulkAction::Up => run.scroll = run.scroll.saturating_sub(1),
                BulkAction::Retry if run.auth_refused && left_by_refusal(&run).is_some() => {
                    // What the 401 left goes first (a resume); failures are retried after.
                    if let Some(run_id) = left_by_refusal(&run) {
                        return Some(start_resume(app, run_id, out));
                    }
                }
                BulkAction::Retry => {
                    let stamp = app.run_stamp();
                    let plan = run.report.as_ref().and_then(|r| retry_failed(r, stamp));
                    match plan {
                        Some(plan) => return Some(start_run(app, plan, out)),
                        None => say(app, BulkNote::NothingFailed, false),
                    }
                }
                BulkAction::Undo => {
                    let run_id = run.report.as_ref().map(|r| r.run_id().to_string());
                    match run_id {
                        Some(run_id) if !matches!(run.kind, RunKind::Undo { .. }) => {
                            return Some(start_undo(app, run_id, out));
                        }
                        _ => say(app, BulkNote::CannotUndo, false),
                    }
                }
                _ => {}
            }
            Some(Stage::Result(run))
        }
        Stage::History {
            request,
            runs,
            problems,
            mut selected,
            error,
        } => {
            match action {
                BulkAction::Esc => return None,
                BulkAction::Down => selected = (selected + 1).min(runs.len().saturating_sub(1)),
                BulkAction::Up => selected = selected.saturating_sub(1),
                BulkAction::Undo => {
                    if let Some(row) = runs.get(selected) {
                        return Some(start_undo(app, row.run_id().to_string(), out));
                    }
                }
                BulkAction::Resume | BulkAction::Enter => {
                    if let Some(row) = runs.get(selected) {
                        if row.resumable() {
                            return Some(start_resume(app, row.run_id().to_string(), out));
                        }
                        say(app, BulkNote::NothingToResume, false);
                    }
                }
                _ => {}
            }
            Some(Stage::History {
                request,
                runs,
                problems,
                selected,
                error,
            })
        }
        Stage::ResumeOffer { runs } => match action {
            BulkAction::Esc => {
                say(app, BulkNote::LaterFromHistory, false);
                None
            }
            BulkAction::Enter | BulkAction::Resume => runs
                .first()
                .map(|row| start_resume(app, row.run_id().to_string(), out)),
            BulkAction::Undo => runs
                .first()
                .map(|row| start_undo(app, row.run_id().to_string(), out)),
            _ => Some(Stage::ResumeOffer { runs }),
        },
    }
}
