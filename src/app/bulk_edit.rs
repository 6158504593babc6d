//! The bulk edit pane (`b`), its run, the result list, undo, the history (`H`) and the
//! resume offer at start. All the sending goes through the bulk engine in the worker
//! ([`BulkCommand`]); what the engine reports comes back as [`BulkEvent`]s.
//!
//! Stages: form → (full tickets fetched) → preview → (typed count above the threshold) →
//! running (a gauge; the pane can be hidden with `q`, the console stays usable) → result
//! list (`r` retries the failed, `u` undoes the run).

use std::cell::Cell;
use std::collections::HashMap;

use super::action::{Action, Command, LookupKey, RequestId, WorkerEvent};
use super::keymap;
use super::line_edit::{LineEdit, LineEditor};
use super::state::{App, Lookup, Notice, Overlay, Pane, ViewSource};
use crate::api::{
    ApiError, FieldDef, IdField, Priority, Ticket, TicketChange, TicketStatus, TicketType,
};

use crate::bulk::{
    BulkEdit, FieldKind, FieldSet, Names, Plan, Preview, RunEvent, RunInfo, RunKind, RunProgress,
    RunReport, RunState, retry_failed, unknown_fields,
};
use crate::lang::Lang;
use crate::words::{self, Msg, fill};

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
    /// map once the preview is on screen (see [`replay_typed_ahead`]).
    TypedAhead(keymap::Key),
}

/// What the worker does for the bulk features.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkCommand {
    /// Every page of a view's list or search, for `A`.
    FetchIds { id: RequestId, source: ViewSource },
    /// The tickets as the account can read them now (engine `tickets_for`).
    TicketsFor { id: RequestId, ids: Vec<u64> },
    /// Journal the plan and send it.
    Start { id: RequestId, plan: Box<Plan> },
    /// Finish an interrupted run.
    Resume { id: RequestId, run_id: String },
    /// Put a run's previous values back (without a preview: the script commands).
    Undo { id: RequestId, run_id: String },
    /// Plan the undo of a run, for its preview; nothing is written or sent.
    PlanUndo { id: RequestId, run_id: String },
    /// Stop a run (calls in flight finish) or an id fetch.
    Cancel { id: RequestId },
    /// The journal's runs.
    History { id: RequestId },
}

impl BulkCommand {
    pub fn request_id(&self) -> RequestId {
        match self {
            BulkCommand::FetchIds { id, .. }
            | BulkCommand::TicketsFor { id, .. }
            | BulkCommand::Start { id, .. }
            | BulkCommand::Resume { id, .. }
            | BulkCommand::Undo { id, .. }
            | BulkCommand::PlanUndo { id, .. }
            | BulkCommand::Cancel { id }
            | BulkCommand::History { id } => *id,
        }
    }
}

/// One run of the history, as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub run_id: String,
    pub state: RunState,
    pub resumable: bool,
    /// `state, counts; what it changes`, in the UI language.
    pub summary: String,
}

/// A journal run as the history shows it, in the UI language: a run whose failures were
/// retried says what became of them ("失败 2（已重试：2 成功）").
pub fn history_row(lang: Lang, info: &RunInfo) -> HistoryRow {
    HistoryRow {
        run_id: info.run_id.clone(),
        state: info.state.clone(),
        resumable: info.resumable(),
        summary: info.summary(lang),
    }
}

/// Why a bulk command failed, as data: the pane that shows it words it
/// (`words::bulk_failure`), so the worker says nothing in a language.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkFailure {
    Api(ApiError),
    /// No state directory: runs cannot be journaled.
    NoJournal,
    NothingToUndo(crate::bulk::UndoRefusal),
    /// The engine's own words (a journal that cannot be read or written, ...), in English
    /// as scripts print them.
    Engine(String),
}

impl From<crate::bulk::BulkError> for BulkFailure {
    fn from(error: crate::bulk::BulkError) -> BulkFailure {
        match error {
            crate::bulk::BulkError::Api(api) => BulkFailure::Api(api),
            crate::bulk::BulkError::NothingToUndo(refusal) => BulkFailure::NothingToUndo(refusal),
            other => BulkFailure::Engine(other.to_string()),
        }
    }
}

/// What the worker tells about the bulk features.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkEvent {
    IdsPage {
        id: RequestId,
        tickets: Vec<Ticket>,
        total: Option<u64>,
    },
    IdsDone {
        id: RequestId,
        error: Option<ApiError>,
    },
    Tickets {
        id: RequestId,
        result: Result<Vec<Ticket>, BulkFailure>,
    },
    Run {
        id: RequestId,
        event: RunEvent,
    },
    RunDone {
        id: RequestId,
        result: Result<Box<RunReport>, BulkFailure>,
    },
    /// The answer to [`BulkCommand::PlanUndo`].
    UndoPlanned {
        id: RequestId,
        result: Result<Box<Plan>, BulkFailure>,
    },
    History {
        id: RequestId,
        result: Result<Vec<HistoryRow>, BulkFailure>,
        problems: Vec<String>,
    },
}

/// How tags are edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagsMode {
    #[default]
    Add,
    Remove,
    Replace,
}

/// A field of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormField {
    Status,
    Priority,
    Type,
    Assignee,
    Group,
    Cc,
    Tags,
    Custom(FieldDef),
}

/// A value picked from a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Status(TicketStatus),
    Priority(Priority),
    Type(TicketType),
    /// `None`: nobody.
    Agent(Option<u64>),
    /// `None`: no group.
    Group(Option<u64>),
    /// A dropdown option id.
    Option(String),
}

/// A form row's value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum FormValue {
    #[default]
    Keep,
    Pick(Choice),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    pub field: FormField,
    pub value: FormValue,
}

/// The form: what to set on the targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub targets: Vec<u64>,
    pub rows: Vec<FormRow>,
    pub selected: usize,
    pub tags_mode: TagsMode,
    /// The text being typed into the selected row, edited like every one-line prompt.
    pub editing: Option<LineEditor>,
    pub error: Option<String>,
}

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
    pub call_failures: Vec<String>,
    pub report: Option<RunReport>,
    pub error: Option<String>,
    pub scroll: usize,
    /// The server refused the credentials mid-run (401): the rest was left for a resume,
    /// which starts by itself once the user signs in again (or with `r`).
    pub auth_refused: bool,
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
        error: Option<String>,
        /// The first line of the summary shown, when it does not fit.
        scroll: usize,
        /// The summary's geometry as last drawn (the view records it), to clamp `scroll`.
        drawn: Cell<Drawn>,
    },
    Running(RunView),
    Result(RunView),
    History {
        request: Option<RequestId>,
        runs: Vec<HistoryRow>,
        problems: Vec<String>,
        selected: usize,
        error: Option<String>,
    },
    /// At start: runs that stopped mid-way.
    ResumeOffer {
        runs: Vec<HistoryRow>,
    },
}

/// How the preview's summary was last drawn: its lines and the rows it had. Recorded by
/// the view at draw time, so that `update` clamps the scroll without calling the view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub lines: usize,
    pub rows: usize,
}

/// The bulk sub-state of the app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkState {
    pub stage: Option<Stage>,
    /// The pane is hidden (a run goes on behind the console).
    pub hidden: bool,
    /// The history call made at start, to offer a resume.
    pub startup_history: Option<RequestId>,
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

fn say(app: &mut App, text: String, is_error: bool) {
    app.notice = Some(Notice {
        note: super::notice::Note::Legacy(text),
        is_error,
    });
}

// ---------------------------------------------------------------------------------------
// Keys.

/// The key context of the pane's stage (`[keys.bulk]`, `[keys.bulk_history]`, ...), when
/// the pane is on screen (see `App::pane`).
pub fn stage_pane(app: &App) -> Option<Pane> {
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
pub fn edit_text(app: &mut App, edit: LineEdit) {
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
        let lang = app.lang();
        return say(app, Msg::BulkNoTicketSelected.text(lang).to_string(), false);
    }
    // A ticket the server sent but that could not be read has no values to plan from (an
    // empty stand-in would make "add a tag" replace its tags): it is left out, and said.
    let (unreadable, targets): (Vec<u64>, Vec<u64>) = targets
        .into_iter()
        .partition(|id| !app.tickets.contains_key(id) && app.tickets.unreadable(*id).is_some());
    if let Some(first) = unreadable.first() {
        let lang = app.lang();
        let text = if targets.is_empty() {
            let reason = app
                .tickets
                .unreadable(*first)
                .unwrap_or_default()
                .to_owned();
            fill(lang, Msg::UnreadableDetail, &[&first.to_string(), &reason])
        } else {
            let ids: Vec<String> = unreadable.iter().map(u64::to_string).collect();
            fill(lang, Msg::BulkUnreadableLeftOut, &[&ids.join(", ")])
        };
        say(app, text, true);
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
        let lang = app.lang();
        return say(app, Msg::BulkRunGoingOn.text(lang).to_string(), false);
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

/// Asks for the lookups the form picks names from (agents, field definitions, groups).
fn want_names(app: &mut App, out: &mut Vec<Command>) {
    let mut keys = Vec::new();
    if app.lookups.agents_list.is_none() {
        app.lookups.agents_list = Some(Lookup::Pending);
        keys.push(LookupKey::Agents);
    }
    if app.lookups.field_defs.is_none() {
        app.lookups.field_defs = Some(Lookup::Pending);
        keys.push(LookupKey::FieldDefs);
    }
    for group in known_group_ids(app) {
        if let std::collections::hash_map::Entry::Vacant(entry) = app.lookups.groups.entry(group) {
            entry.insert(Lookup::Pending);
            keys.push(LookupKey::Group(group));
        }
    }
    for key in keys {
        let id = app.request_id();
        app.lookups.in_flight.insert(id, key);
        out.push(Command::Lookup { id, key });
    }
}

/// Group ids the console knows of: the agents' groups and the tickets' groups.
fn known_group_ids(app: &App) -> Vec<u64> {
    let mut ids: Vec<u64> = app
        .lookups
        .groups
        .keys()
        .copied()
        .chain(app.tickets.group_ids())
        .chain(app.lookups.agent_groups.iter().copied())
        .filter(|id| *id > 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub(crate) fn form_rows(app: &App) -> Vec<FormRow> {
    let mut fields = vec![
        FormField::Status,
        FormField::Priority,
        FormField::Type,
        FormField::Assignee,
        FormField::Group,
        FormField::Cc,
        FormField::Tags,
    ];
    if let Some(Lookup::Ready(defs)) = &app.lookups.field_defs {
        fields.extend(
            defs.iter()
                .filter(|def| custom_supported(def))
                .cloned()
                .map(FormField::Custom),
        );
    }
    fields
        .into_iter()
        .map(|field| FormRow {
            field,
            value: FormValue::Keep,
        })
        .collect()
}

/// Custom field kinds the form can set: dropdowns and checkboxes with options, text,
/// numbers, dates and phones. Tables, attachments and cascades are left to the web page.
fn custom_supported(def: &FieldDef) -> bool {
    match def.kind {
        1 | 6 | 14 => !def.options.is_empty(),
        2 | 3 | 4 | 5 | 7 | 8 | 17 => true,
        _ => false,
    }
}

/// Whether a row is edited as text (else its values are picked with ←/→).
pub fn is_text(field: &FormField) -> bool {
    match field {
        FormField::Cc | FormField::Tags => true,
        FormField::Custom(def) => !matches!(def.kind, 1 | 6 | 14),
        _ => false,
    }
}

/// The values a row can take, in order, with their labels.
pub fn choices(app: &App, field: &FormField) -> Vec<(Choice, String)> {
    let lang = app.lang();
    match field {
        FormField::Status => TicketStatus::ALL
            .iter()
            .map(|s| (Choice::Status(*s), words::status_label(lang, *s)))
            .collect(),
        FormField::Priority => Priority::ALL
            .iter()
            .map(|p| (Choice::Priority(*p), words::priority_label(lang, *p)))
            .collect(),
        FormField::Type => TicketType::ALL
            .iter()
            .map(|t| (Choice::Type(*t), words::type_label(lang, *t)))
            .collect(),
        FormField::Assignee => {
            let mut agents: Vec<(u64, String)> = app
                .lookups
                .agents
                .iter()
                .filter_map(|(id, name)| name.ready().map(|n| (*id, n.clone())))
                .collect();
            agents.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            std::iter::once((Choice::Agent(None), Msg::BulkNobody.text(lang).to_string()))
                .chain(
                    agents
                        .into_iter()
                        .map(|(id, n)| (Choice::Agent(Some(id)), n)),
                )
                .collect()
        }
        FormField::Group => {
            let mut groups: Vec<(u64, String)> = app
                .lookups
                .groups
                .iter()
                .filter_map(|(id, name)| name.ready().map(|n| (*id, n.clone())))
                .collect();
            groups.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            std::iter::once((Choice::Group(None), Msg::BulkNoGroup.text(lang).to_string()))
                .chain(
                    groups
                        .into_iter()
                        .map(|(id, n)| (Choice::Group(Some(id)), n)),
                )
                .collect()
        }
        FormField::Custom(def) => def
            .options
            .iter()
            .map(|(id, label)| (Choice::Option(id.clone()), label.clone()))
            .collect(),
        FormField::Cc | FormField::Tags => Vec::new(),
    }
}

/// A field's name in the form.
pub fn field_name(lang: Lang, field: &FormField) -> String {
    match field {
        FormField::Status => Msg::BulkStatus.text(lang).to_string(),
        FormField::Priority => Msg::BulkPriority.text(lang).to_string(),
        FormField::Type => Msg::BulkType.text(lang).to_string(),
        FormField::Assignee => Msg::BulkAssignee.text(lang).to_string(),
        FormField::Group => Msg::BulkGroup.text(lang).to_string(),
        FormField::Cc => Msg::BulkCc.text(lang).to_string(),
        FormField::Tags => Msg::BulkTags.text(lang).to_string(),
        FormField::Custom(def) => def.name.clone(),
    }
}

/// A row's value as the form shows it.
pub fn value_text(app: &App, row: &FormRow) -> String {
    let lang = app.lang();
    match &row.value {
        FormValue::Keep => Msg::BulkNoChange.text(lang).to_string(),
        FormValue::Text(text) => text.clone(),
        FormValue::Pick(choice) => choices(app, &row.field)
            .into_iter()
            .find(|(c, _)| c == choice)
            .map(|(_, label)| label)
            .unwrap_or_else(|| match choice {
                Choice::Agent(Some(id)) | Choice::Group(Some(id)) => format!("#{id}"),
                Choice::Option(id) => id.clone(),
                _ => String::new(),
            }),
    }
}

pub fn tags_mode_text(lang: Lang, mode: TagsMode) -> String {
    match mode {
        TagsMode::Add => Msg::BulkAdd.text(lang).to_string(),
        TagsMode::Remove => Msg::BulkRemove.text(lang).to_string(),
        TagsMode::Replace => Msg::BulkReplaceWith.text(lang).to_string(),
    }
}

fn step(app: &mut App, stage: Stage, action: BulkAction, out: &mut Vec<Command>) -> Option<Stage> {
    match stage {
        Stage::Form(form) => form_step(app, form, action, out),
        Stage::Preparing {
            form,
            request,
            mut typed_ahead,
        } => match action {
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
            drawn,
        } => {
            let lang = app.lang();
            // Clamped with what the view drew last; before any draw, with the line count.
            let (max, page) = match drawn.get() {
                Drawn { lines, rows } if rows > 0 => (lines.saturating_sub(rows), rows),
                _ => (preview.lines(lang, &names(app)).len(), 1),
            };
            match action {
                BulkAction::Down => scroll = (scroll + 1).min(max),
                BulkAction::Up => scroll = scroll.saturating_sub(1).min(max),
                BulkAction::PageDown => scroll = (scroll + page).min(max),
                BulkAction::PageUp => scroll = scroll.saturating_sub(page).min(max),
                BulkAction::Top => scroll = 0,
                BulkAction::Bottom => scroll = max,
                BulkAction::Esc if matches!(plan.kind, RunKind::Undo { .. }) => {
                    say(app, Msg::BulkUndoNotStarted.text(lang).to_string(), false);
                    return None;
                }
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
                        error = Some(Msg::BulkNothingToChange.text(lang).to_string());
                    } else if needs_typing && typed.trim() != count.to_string() {
                        error = Some(fill(
                            lang,
                            Msg::BulkTypeCountToConfirm,
                            &[&count.to_string()],
                        ));
                    } else {
                        return Some(start_run(app, plan, out));
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
                drawn,
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
            let lang = app.lang();
            match action {
                BulkAction::Esc => return None,
                BulkAction::Down => {
                    let max = crate::ui::bulk::result_max_scroll(app, &run);
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
                        None => say(app, Msg::BulkNothingFailed.text(lang).to_string(), false),
                    }
                }
                BulkAction::Undo => {
                    let run_id = run.report.as_ref().map(|r| r.run_id().to_string());
                    match run_id {
                        Some(run_id) if !matches!(run.kind, RunKind::Undo { .. }) => {
                            return Some(start_undo(app, run_id, out));
                        }
                        _ => say(app, Msg::BulkCannotUndo.text(lang).to_string(), false),
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
                        return Some(start_undo(app, row.run_id.clone(), out));
                    }
                }
                BulkAction::Resume | BulkAction::Enter => {
                    if let Some(row) = runs.get(selected) {
                        if row.resumable {
                            return Some(start_resume(app, row.run_id.clone(), out));
                        }
                        let lang = app.lang();
                        say(app, Msg::BulkNothingToResume.text(lang).to_string(), false);
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
                let lang = app.lang();
                say(app, Msg::BulkLaterFromHistory.text(lang).to_string(), false);
                None
            }
            BulkAction::Enter | BulkAction::Resume => runs
                .first()
                .map(|row| start_resume(app, row.run_id.clone(), out)),
            BulkAction::Undo => runs
                .first()
                .map(|row| start_undo(app, row.run_id.clone(), out)),
            _ => Some(Stage::ResumeOffer { runs }),
        },
    }
}

fn form_step(
    app: &mut App,
    mut form: Form,
    action: BulkAction,
    out: &mut Vec<Command>,
) -> Option<Stage> {
    let lang = app.lang();
    if let Some(line) = &mut form.editing {
        match action {
            BulkAction::Char(c) => {
                line.apply(&LineEdit::Insert(c));
            }
            BulkAction::Backspace => {
                line.apply(&LineEdit::Backspace);
            }
            BulkAction::Esc => form.editing = None,
            BulkAction::Enter => {
                let text = form.editing.take().map(|l| l.text).unwrap_or_default();
                if let Some(row) = form.rows.get_mut(form.selected) {
                    row.value = if text.trim().is_empty() {
                        FormValue::Keep
                    } else {
                        FormValue::Text(text.trim().to_string())
                    };
                }
            }
            _ => {}
        }
        return Some(Stage::Form(form));
    }
    form.error = None;
    match action {
        BulkAction::Esc => return None,
        BulkAction::Down => {
            form.selected = (form.selected + 1).min(form.rows.len().saturating_sub(1))
        }
        BulkAction::Up => form.selected = form.selected.saturating_sub(1),
        BulkAction::Left | BulkAction::Right => {
            let forward = action == BulkAction::Right;
            let Some(row) = form.rows.get(form.selected) else {
                return Some(Stage::Form(form));
            };
            if row.field == FormField::Tags {
                form.tags_mode = match (form.tags_mode, forward) {
                    (TagsMode::Add, true) | (TagsMode::Replace, false) => TagsMode::Remove,
                    (TagsMode::Remove, true) | (TagsMode::Add, false) => TagsMode::Replace,
                    (TagsMode::Replace, true) | (TagsMode::Remove, false) => TagsMode::Add,
                };
            } else if !is_text(&row.field) {
                let list = choices(app, &row.field);
                let at = match &row.value {
                    FormValue::Pick(choice) => list.iter().position(|(c, _)| c == choice),
                    _ => None,
                };
                // "No change" sits before the first value, so cycling passes through it.
                let next = match (at, forward) {
                    (None, true) => list.first().map(|(c, _)| c.clone()),
                    (None, false) => list.last().map(|(c, _)| c.clone()),
                    (Some(i), true) => list.get(i + 1).map(|(c, _)| c.clone()),
                    (Some(0), false) => None,
                    (Some(i), false) => list.get(i - 1).map(|(c, _)| c.clone()),
                };
                let value = next.map_or(FormValue::Keep, FormValue::Pick);
                if let Some(row) = form.rows.get_mut(form.selected) {
                    row.value = value;
                }
            }
        }
        BulkAction::Edit | BulkAction::Char(_) => {
            if let Some(row) = form.rows.get(form.selected)
                && is_text(&row.field)
            {
                let mut text = match &row.value {
                    FormValue::Text(text) => text.clone(),
                    _ => String::new(),
                };
                if let BulkAction::Char(c) = action {
                    text.push(c);
                }
                form.editing = Some(LineEditor::new(text));
            }
        }
        BulkAction::ClearRow | BulkAction::Backspace => {
            if let Some(row) = form.rows.get_mut(form.selected) {
                row.value = FormValue::Keep;
            }
        }
        BulkAction::Enter => {
            let edit = match edit_of(app, &form) {
                Ok(edit) => edit,
                Err(error) => {
                    form.error = Some(error);
                    return Some(Stage::Form(form));
                }
            };
            // Tickets known only from search results are read in full first (admins); the
            // engine falls back to what an agent may read. So are those whose tags the edit
            // changes, or whose assignee, group or CC it sets, while the server left that
            // field null: the new tag list is made from the old one, and undo puts back the
            // old values. A custom field absent from a full ticket is not read again (a
            // template without it never sends it); the preview says undo will leave it.
            let mut kinds = edit_kinds(&edit);
            kinds.retain(|kind| !matches!(kind, FieldKind::Custom(_) | FieldKind::Table(_)));
            let partial: Vec<u64> = form
                .targets
                .iter()
                .copied()
                .filter(|id| {
                    !app.full.contains(id)
                        || app
                            .tickets
                            .get(id)
                            .is_none_or(|t| !unknown_fields(&t, &kinds).is_empty())
                })
                .collect();
            if partial.is_empty() {
                return Some(preview(app, form, HashMap::new()));
            }
            let id = app.request_id();
            out.push(Command::Bulk(BulkCommand::TicketsFor { id, ids: partial }));
            say(app, Msg::BulkReadingTickets.text(lang).to_string(), false);
            return Some(Stage::Preparing {
                form,
                request: id,
                typed_ahead: Vec::new(),
            });
        }
        _ => {}
    }
    Some(Stage::Form(form))
}

/// The fields an edit sets, with the tags when it adds or removes some.
fn edit_kinds(edit: &BulkEdit) -> Vec<FieldKind> {
    let mut kinds = FieldSet::from_change(&edit.change).kinds();
    if (!edit.tags_add.is_empty() || !edit.tags_remove.is_empty())
        && !kinds.contains(&FieldKind::Tags)
    {
        kinds.push(FieldKind::Tags);
    }
    kinds
}

/// The form as a bulk edit; `Err` says which value is wrong.
pub fn edit_of(app: &App, form: &Form) -> Result<BulkEdit, String> {
    let lang = app.lang();
    let mut change = TicketChange::default();
    let mut edit = BulkEdit::default();
    for row in &form.rows {
        match (&row.field, &row.value) {
            (_, FormValue::Keep) => {}
            (_, FormValue::Pick(Choice::Status(s))) => change.status = Some(*s),
            (_, FormValue::Pick(Choice::Priority(p))) => change.priority = Some(*p),
            (_, FormValue::Pick(Choice::Type(t))) => change.ticket_type = Some(*t),
            (_, FormValue::Pick(Choice::Agent(a))) => change.assignee_id = Some(*a),
            (_, FormValue::Pick(Choice::Group(g))) => change.group_id = Some(*g),
            (FormField::Custom(def), FormValue::Pick(Choice::Option(id))) => {
                let value = if def.kind == 14 {
                    serde_json::Value::Array(vec![serde_json::Value::String(id.clone())])
                } else {
                    serde_json::Value::String(id.clone())
                };
                change.custom_fields.push((def.key.clone(), value));
            }
            (FormField::Cc, FormValue::Text(text)) => {
                let mut ids = Vec::new();
                for name in split_list(text) {
                    ids.push(
                        agent_by_name(app, &name).ok_or_else(|| {
                            fill(lang, Msg::BulkUnknownAgent, &[&name.to_string()])
                        })?,
                    );
                }
                change.cc_user_ids = Some(ids);
            }
            (FormField::Tags, FormValue::Text(text)) => {
                let tags = split_list(text);
                match form.tags_mode {
                    TagsMode::Add => edit.tags_add = tags,
                    TagsMode::Remove => edit.tags_remove = tags,
                    TagsMode::Replace => change.tags = Some(tags),
                }
            }
            (FormField::Custom(def), FormValue::Text(text)) => {
                let value = match def.kind {
                    4 => text
                        .parse::<i64>()
                        .map(serde_json::Value::from)
                        .map_err(|_| {
                            fill(lang, Msg::BulkFieldWantsInteger, &[&def.name.to_string()])
                        })?,
                    5 => text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(serde_json::Value::Number)
                        .ok_or_else(|| {
                            fill(lang, Msg::BulkFieldWantsNumber, &[&def.name.to_string()])
                        })?,
                    _ => serde_json::Value::String(text.clone()),
                };
                change.custom_fields.push((def.key.clone(), value));
            }
            _ => {}
        }
    }
    edit.change = change;
    let empty = edit.change == TicketChange::default()
        && edit.tags_add.is_empty()
        && edit.tags_remove.is_empty();
    if empty {
        return Err(Msg::BulkNothingPicked.text(lang).to_string());
    }
    Ok(edit)
}

/// `a, b，c` or `a b`: items split at commas (either width) and spaces.
fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ' ', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An agent by exact name, or by the only name that starts with the text.
fn agent_by_name(app: &App, name: &str) -> Option<u64> {
    if let Ok(id) = name.trim_start_matches('#').parse::<u64>() {
        return Some(id);
    }
    let agents: Vec<(u64, &str)> = app
        .lookups
        .agents
        .iter()
        .filter_map(|(id, n)| n.ready().map(|n| (*id, n.as_str())))
        .collect();
    if let Some((id, _)) = agents.iter().find(|(_, n)| *n == name) {
        return Some(*id);
    }
    let mut starting = agents.iter().filter(|(_, n)| n.starts_with(name));
    match (starting.next(), starting.next()) {
        (Some((id, _)), None) => Some(*id),
        _ => None,
    }
}

/// Names for the preview, from the console's lookups.
pub fn names(app: &App) -> Names {
    let mut names = Names::default();
    for (id, name) in &app.lookups.agents {
        if let Some(name) = name.ready() {
            names.agents.insert(*id, name.clone());
        }
    }
    for (id, name) in &app.lookups.groups {
        if let Some(name) = name.ready() {
            names.groups.insert(*id, name.clone());
        }
    }
    if let Some(Lookup::Ready(defs)) = &app.lookups.field_defs {
        for def in defs {
            names.fields.insert(def.key.clone(), def.name.clone());
        }
    }
    for (id, name) in &app.lookups.templates {
        names.templates.insert(*id, name.clone());
    }
    names
}

/// The tickets for the plan: full ones from the store, else what the worker read.
fn plan_tickets(app: &App, form: &Form, fetched: &HashMap<u64, Ticket>) -> Vec<Ticket> {
    form.targets
        .iter()
        .map(|id| {
            // What was just read in full wins: it was read because the store's copy lacked
            // a field. A bare answer (an agent's: update time only) does not.
            if let Some(ticket) = fetched.get(id).filter(|t| crate::bulk::ticket_is_full(t)) {
                return ticket.clone();
            }
            if app.full.contains(id)
                && let Some(ticket) = app.tickets.get(id)
            {
                return ticket;
            }
            fetched.get(id).cloned().unwrap_or_else(|| Ticket {
                id: *id,
                ..Ticket::default()
            })
        })
        .collect()
}

fn preview(app: &mut App, form: Form, fetched: HashMap<u64, Ticket>) -> Stage {
    let edit = match edit_of(app, &form) {
        Ok(edit) => edit,
        Err(error) => {
            let mut form = form;
            form.error = Some(error);
            return Stage::Form(form);
        }
    };
    let tickets = plan_tickets(app, &form, &fetched);
    let stamp = app.run_stamp();
    let mut plan = Plan::new(&edit, &tickets, app.settings.bulk_target.clone(), stamp);
    plan.remember_names(&names(app));
    preview_stage(app, form, plan)
}

/// The preview of a plan, confirmed with Enter (and the typed count above the threshold).
pub fn preview_stage(app: &App, form: Form, plan: Plan) -> Stage {
    let preview = Preview::of(&plan);
    let needs_typing = preview.needs_typed_confirmation(app.settings.bulk_confirm_threshold);
    Stage::Preview {
        form,
        count: plan.tickets.len(),
        plan,
        preview,
        needs_typing,
        typed: String::new(),
        error: None,
        scroll: 0,
        drawn: Cell::default(),
    }
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

fn start_run(app: &mut App, plan: Plan, out: &mut Vec<Command>) -> Stage {
    let id = app.request_id();
    let view = new_run(id, plan.kind.clone(), plan.tickets.len());
    out.push(Command::Bulk(BulkCommand::Start {
        id,
        plan: Box::new(plan),
    }));
    Stage::Running(view)
}

/// Asks the worker to plan the undo; its preview comes next ([`undo_preview`]), and
/// nothing is sent before it is confirmed. Until the plan lands the gauge says so.
fn start_undo(app: &mut App, run_id: String, out: &mut Vec<Command>) -> Stage {
    let id = app.request_id();
    let view = new_run(id, RunKind::Undo { of: run_id.clone() }, 0);
    out.push(Command::Bulk(BulkCommand::PlanUndo { id, run_id }));
    Stage::Running(view)
}

/// The preview of an undo, confirmed like a run (typed count above the threshold): "N
/// tickets: 已解决 → 已开启 ..., K changed since, left as they are".
pub fn undo_preview(app: &App, plan: Plan) -> Stage {
    // The plan is sent as the engine made it (with the names its run kept); the view adds
    // the names known now.
    let form = Form {
        targets: plan.tickets.iter().map(|t| t.id).collect(),
        rows: Vec::new(),
        selected: 0,
        tags_mode: TagsMode::Add,
        editing: None,
        error: None,
    };
    preview_stage(app, form, plan)
}

/// The run whose rest a 401 left unsent, if its report says some is left.
fn left_by_refusal(run: &RunView) -> Option<String> {
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

fn start_resume(app: &mut App, run_id: String, out: &mut Vec<Command>) -> Stage {
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

/// A worker event for the bulk features.
pub fn worker_event(app: &mut App, event: BulkEvent, out: &mut Vec<Command>) {
    let lang = app.lang();
    match event {
        BulkEvent::IdsPage { .. } | BulkEvent::IdsDone { .. } => {
            super::marks::worker_event(app, event)
        }
        BulkEvent::Tickets { id, result } => {
            let Some(Stage::Preparing { request, .. }) = &app.bulk.stage else {
                return;
            };
            if *request != id {
                return;
            }
            let Some(Stage::Preparing {
                form, typed_ahead, ..
            }) = app.bulk.stage.take()
            else {
                return;
            };
            match result {
                Ok(tickets) => {
                    let mut fetched = HashMap::new();
                    for ticket in tickets {
                        if crate::bulk::ticket_is_full(&ticket) && !ticket.subject.is_empty() {
                            app.full.insert(ticket.id);
                            app.tickets.insert(ticket.id, ticket.clone());
                        }
                        fetched.insert(ticket.id, ticket);
                    }
                    app.notice = None;
                    app.bulk.stage = Some(preview(app, form, fetched));
                }
                Err(error) => {
                    let mut form = form;
                    // Reading the tickets again is the form's preview key, not a list reload.
                    let error = words::bulk_failure(lang, &error);
                    form.error = Some(error.replace("{key:list.reload}", "{key:bulk.preview}"));
                    app.bulk.stage = Some(Stage::Form(form));
                }
            }
            replay_typed_ahead(app, typed_ahead, out);
        }
        BulkEvent::Run { id, event } => {
            let Some(Stage::Running(run)) = &mut app.bulk.stage else {
                return;
            };
            if run.request != id {
                return;
            }
            match event {
                RunEvent::Started(progress)
                | RunEvent::Progress(progress)
                | RunEvent::Finished(progress) => {
                    run.checking = None;
                    run.total = progress.done + progress.failed + progress.left;
                    run.progress = Some(progress);
                }
                RunEvent::Checking { tickets, .. } => run.checking = Some(tickets),
                RunEvent::AuthRefused { .. } => run.auth_refused = true,
                RunEvent::CallFailed {
                    tickets,
                    reason,
                    call,
                    ..
                } => run.call_failures.push(fill(
                    lang,
                    Msg::BulkCallFailed,
                    &[&call.to_string(), &tickets.to_string(), &reason.to_string()],
                )),
            }
            if run.auth_refused {
                // The prompt over the gauge; the run stops sending and waits to resume.
                super::faults::open_sign_in(app);
            }
        }
        BulkEvent::RunDone { id, result } => {
            let Some(Stage::Running(run)) = &app.bulk.stage else {
                return;
            };
            if run.request != id {
                return;
            }
            let Some(Stage::Running(mut run)) = app.bulk.stage.take() else {
                return;
            };
            // The rows show the new values (the notice below replaces "reloading").
            let (text, is_error) = match result {
                Ok(report) => {
                    apply_report(app, &report);
                    let failed = report.failed().next().is_some();
                    let text = report.summary(lang);
                    run.report = Some(*report);
                    (text, failed)
                }
                Err(error) => {
                    let error = words::bulk_failure(lang, &error);
                    run.error = Some(error.clone());
                    (error, true)
                }
            };
            app.bulk.stage = Some(Stage::Result(run));
            super::update::refresh_other_views(app, out);
            out.extend(super::update::update(app, Action::Reload));
            say(app, text, is_error);
        }
        BulkEvent::UndoPlanned { id, result } => {
            let Some(Stage::Running(run)) = &app.bulk.stage else {
                return;
            };
            if run.request != id || run.progress.is_some() {
                return;
            }
            let Some(Stage::Running(mut run)) = app.bulk.stage.take() else {
                return;
            };
            match result {
                Ok(plan) => {
                    if run.cancelling {
                        say(app, Msg::BulkUndoNotStarted.text(lang).to_string(), false);
                        app.bulk.hidden = false;
                        return;
                    }
                    app.bulk.stage = Some(undo_preview(app, *plan));
                }
                Err(error) => {
                    let error = words::bulk_failure(lang, &error);
                    run.error = Some(error.clone());
                    app.bulk.stage = Some(Stage::Result(run));
                    say(app, error, true);
                }
            }
        }
        BulkEvent::History {
            id,
            result,
            problems,
        } => {
            if app.bulk.startup_history == Some(id) {
                app.bulk.startup_history = None;
                let Ok(runs) = result else {
                    return;
                };
                let stopped: Vec<HistoryRow> = runs
                    .into_iter()
                    .filter(|r| r.resumable && r.state == RunState::Interrupted)
                    .collect();
                if !stopped.is_empty() && app.bulk.stage.is_none() {
                    say(
                        app,
                        fill(
                            lang,
                            Msg::BulkRunsStoppedCount,
                            &[&stopped.len().to_string()],
                        ),
                        true,
                    );
                    app.bulk.hidden = false;
                    app.bulk.stage = Some(Stage::ResumeOffer { runs: stopped });
                }
                return;
            }
            let Some(Stage::History {
                request,
                runs,
                problems: known,
                error,
                ..
            }) = &mut app.bulk.stage
            else {
                return;
            };
            if *request != Some(id) {
                return;
            }
            *request = None;
            match result {
                Ok(rows) => *runs = rows,
                Err(failure) => *error = Some(words::bulk_failure(lang, &failure)),
            }
            *known = problems;
        }
    }
}

/// Applies the keys pressed while the tickets were read, now that the preview (or the
/// form, with why it could not be read) is on screen. A key that would start the run (or
/// read again) is held back and said so: nothing starts before its preview was seen.
fn replay_typed_ahead(app: &mut App, keys: Vec<keymap::Key>, out: &mut Vec<Command>) {
    let mut held_back = false;
    for key in keys {
        let Some(action) = keymap::action_for_typed(app, &key) else {
            continue;
        };
        if action == Action::Bulk(BulkAction::Enter) && app.pane() != Pane::BulkText {
            held_back = true;
            continue;
        }
        out.extend(super::update::update(app, action));
    }
    if held_back {
        let lang = app.lang();
        let msg = match app.bulk.stage {
            Some(Stage::Preview { .. }) => Msg::BulkTypedAheadStartHeld,
            _ => Msg::BulkTypedAheadEnterHeld,
        };
        say(app, msg.text(lang).to_string(), false);
    }
}

/// Puts a finished run's values into the store, so rows are right before the refresh lands.
fn apply_report(app: &mut App, report: &RunReport) {
    for outcome in report.succeeded() {
        let Some(planned) = report.plan.ticket(outcome.id) else {
            continue;
        };
        let target = report.plan.target_of(planned);
        if let Some(mut ticket) = app.tickets.get_mut(&outcome.id) {
            if let Some(code) = target.status {
                ticket.status = Some(TicketStatus::from_code(code));
            }
            if let Some(code) = target.priority {
                ticket.priority = Some(Priority::from_code(code));
            }
            if let Some(tags) = &target.tags {
                ticket.tags = Some(tags.clone());
            }
            if let Some(assignee) = target.assignee_id {
                ticket.assignee_id = IdField::from_known(Some(assignee));
            }
        }
    }
}

/// The status bar's part while a run goes on behind the console.
pub fn status_text(app: &App) -> Option<String> {
    let run = app.bulk.running()?;
    let lang = app.lang();
    let (done, failed, total) = match &run.progress {
        Some(p) => (p.done, p.failed, p.done + p.failed + p.left),
        None => (0, 0, run.total),
    };
    Some(fill(
        lang,
        Msg::BulkStatusProgress,
        &[&done.to_string(), &total.to_string(), &failed.to_string()],
    ))
}

/// A worker event wrapped for `update`.
pub fn event(event: BulkEvent) -> Action {
    Action::Worker(WorkerEvent::Bulk(event))
}
