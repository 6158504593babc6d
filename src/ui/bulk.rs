//! The bulk edit pane: the form, the preview, the gauge and the result list, in a box over
//! the list (the history and the resume offer are in `history.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::app::App;
use crate::app::bulk_edit::{
    self, BulkNote, Choice, Drawn, FormField, FormRow, FormValue, RunView, Stage, TagsMode,
};
use crate::app::keymap::KeyMap;
use crate::app::layout::Scroll;
use crate::app::state::Lookup;
use crate::app::state::Pane;
use crate::bulk::{ExcludeReason, RunKind};
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// The box the pane (and the history) is drawn in: most of the screen, leaving the tab
/// line and the status bar.
pub fn pane_area(screen: Rect) -> Rect {
    let w = screen
        .width
        .saturating_sub(4)
        .clamp(20, 110)
        .min(screen.width);
    let h = screen.height.saturating_sub(4).max(6).min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

/// Lines to draw, each with a style.
pub(crate) struct Lines {
    pub rows: Vec<(String, Style)>,
    /// Where the caret goes (row, display column), when text is being typed.
    pub caret: Option<(usize, usize)>,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            rows: Vec::new(),
            caret: None,
        }
    }
    fn push(&mut self, text: impl Into<String>) {
        self.rows.push((text.into(), Style::default()));
    }
    fn styled(&mut self, text: impl Into<String>, style: Style) {
        self.rows.push((text.into(), style));
    }
    fn wrapped(&mut self, text: &str, cols: usize, style: Style) {
        for line in wrap(text, cols) {
            self.rows.push((line, style));
        }
    }
}

/// Wraps a preview summary between its groups ("已开启 → 已解决 201，待回应 → 已解决 36；...")
/// so that no group is split over two lines; a group wider than the pane wraps as text.
fn wrap_groups(text: &str, cols: usize) -> Vec<String> {
    crate::text::wrap::wrap_groups(text, cols, |grapheme| {
        matches!(grapheme, "，" | "；" | "：" | "," | ";" | ":")
    })
}

/// Draws the bulk pane; answers how far its result list scrolls, when it shows one.
pub fn render(frame: &mut Frame, app: &Ctx, screen: Rect) -> Option<Scroll> {
    let stage = app.bulk.stage.as_ref().filter(|_| !app.bulk.hidden)?;
    let area = pane_area(screen);
    let lang = app.lang();
    let title = match stage {
        Stage::History { .. } => Msg::BulkHistoryTitle.text(lang).to_string(),
        Stage::ResumeOffer { .. } => Msg::BulkStoppedTitle.text(lang).to_string(),
        Stage::Running(run) | Stage::Result(run) => run_title(lang, run),
        Stage::Preview {
            plan:
                crate::bulk::Plan {
                    kind: RunKind::Undo { of },
                    ..
                },
            ..
        } => fill(lang, Msg::BulkUndoOf, &[&of.to_string()]),
        Stage::Form(form) | Stage::Preparing { form, .. } | Stage::Preview { form, .. } => {
            fill(lang, Msg::BulkFormTitle, &[&form.targets.len().to_string()])
        }
    };
    // The pane is modal: the list between the tab line and the status bar is blanked
    // rather than showing through at the edges.
    let behind = Rect {
        y: screen.y + 1,
        height: screen.height.saturating_sub(2),
        ..screen
    };
    frame.render_widget(ratatui::widgets::Clear, behind);
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} ",
        super::truncate(&title, usize::from(area.width.saturating_sub(4)))
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let rows = usize::from(inner.height);
    if cols == 0 || rows == 0 {
        return None;
    }
    let (body, hint) = match stage {
        Stage::Form(_) | Stage::Preparing { .. } => form_lines(app, stage, cols),
        Stage::Preview { .. } => preview_lines(app, stage, cols, rows.saturating_sub(1).max(1)),
        Stage::Running(run) => (gauge_lines(app, run, cols), hint_running(app)),
        Stage::Result(run) => (result_lines(app, run, cols), hint_result(app, run)),
        Stage::History { .. } | Stage::ResumeOffer { .. } => {
            super::history::lines(app, stage, cols)
        }
    };
    draw_lines(frame, app, inner, body, &hint);
    match stage {
        Stage::Result(run) => Some(Scroll {
            page: rows,
            max: result_parts(app, run, cols).1.len().saturating_sub(1),
        }),
        _ => None,
    }
}

/// Draws body lines (scrolled so the caret or the selection stays in view) and the hint on
/// the last row.
pub(crate) fn draw_lines(frame: &mut Frame, app: &Ctx, inner: Rect, body: Lines, hint: &str) {
    let cols = usize::from(inner.width);
    let rows = usize::from(inner.height);
    let body_rows = rows.saturating_sub(1).max(1);
    // Keep the selected (reversed) row or the caret on screen.
    let focus = body.caret.map(|(r, _)| r).or_else(|| {
        body.rows
            .iter()
            .position(|(_, s)| *s == style(app, Role::Selection))
    });
    let skip = match focus {
        Some(row) if row >= body_rows => row + 1 - body_rows,
        _ => 0,
    };
    let buf = frame.buffer_mut();
    for (i, (text, style)) in body.rows.iter().skip(skip).take(body_rows).enumerate() {
        buf.set_stringn(inner.x, inner.y + i as u16, fit(text, cols), cols, *style);
    }
    if rows > 1 {
        buf.set_stringn(
            inner.x,
            inner.bottom() - 1,
            fit(hint, cols),
            cols,
            style(app, Role::Hint),
        );
    }
    if let Some((row, col)) = body.caret
        && row >= skip
        && row - skip < body_rows
    {
        // The real cursor, so an input method opens its window where the user types.
        let x = inner.x + (col.min(cols.saturating_sub(1))) as u16;
        frame.set_cursor_position((x, inner.y + (row - skip) as u16));
    }
}

fn run_title(lang: Lang, run: &RunView) -> String {
    match &run.kind {
        RunKind::Undo { of } => fill(lang, Msg::BulkUndoOf, &[&of.to_string()]),
        RunKind::Retry { of } => fill(lang, Msg::BulkRetryOf, &[&of.to_string()]),
        RunKind::Change => match &run.report {
            Some(report) => fill(lang, Msg::BulkRunTitle, &[report.run_id()]),
            None => Msg::BulkRunTitlePlain.text(lang).to_string(),
        },
    }
}

fn form_lines(app: &Ctx, stage: &Stage, cols: usize) -> (Lines, String) {
    let lang = app.lang();
    let (form, preparing, typed_ahead) = match stage {
        Stage::Form(form) => (form, false, 0),
        Stage::Preparing {
            form, typed_ahead, ..
        } => (form, true, typed_ahead.len()),
        _ => return (Lines::new(), String::new()),
    };
    let mut lines = Lines::new();
    let label_width = form
        .rows
        .iter()
        .map(|r| width(&field_name(lang, &r.field)))
        .max()
        .unwrap_or(6)
        .clamp(6, 16);
    for (index, row) in form.rows.iter().enumerate() {
        let selected = index == form.selected;
        let name = fit(&field_name(lang, &row.field), label_width);
        let mut value = match (&row.field, &form.editing) {
            (_, Some(line)) if selected => line.text.clone(),
            _ => value_text(app, row),
        };
        if row.field == FormField::Tags {
            let mode = tags_mode_text(lang, form.tags_mode);
            value = format!("[{mode}] {value}");
        }
        let cursor = if selected { '>' } else { ' ' };
        // A choice reads like the new-ticket form's: the value between the arrows h/l move.
        let text = if bulk_edit::is_text(&row.field) {
            format!("{cursor} {name}   {value}")
        } else {
            format!("{cursor} {name} ‹ {value} ›")
        };
        if selected && let Some(line) = &form.editing {
            // The caret by display columns: the row less what follows the caret.
            let after = &line.text[line.before_caret().len()..];
            lines.caret = Some((lines.rows.len(), width(&text).saturating_sub(width(after))));
        }
        let style = if selected {
            style(app, Role::Selection)
        } else if matches!(row.value, FormValue::Keep) {
            style(app, Role::Hint)
        } else {
            Style::default()
        };
        lines.styled(text, style);
    }
    lines.push(String::new());
    let targets: Vec<String> = form
        .targets
        .iter()
        .take(20)
        .map(|id| format!("#{id}"))
        .collect();
    let more = form.targets.len().saturating_sub(20);
    let mut which = wrap(&targets.join(" "), cols);
    if more > 0 {
        // "等 280 张" stays whole: on the last line if it fits, else on a line of its own.
        let suffix = fill(lang, Msg::BulkAndMore, &[&more.to_string()]);
        match which.last_mut() {
            Some(last) if width(last) + width(&suffix) <= cols => last.push_str(&suffix),
            _ => which.push(suffix.trim_start().to_string()),
        }
    }
    for line in which {
        lines.styled(line, style(app, Role::Hint));
    }
    if let Some(error) = &form.error {
        let error = note(lang, &app.settings.keymap, error);
        lines.wrapped(&error, cols, style(app, Role::Error));
    }
    if preparing {
        let mut reading = Msg::BulkReadingTickets.text(lang).to_string();
        if typed_ahead > 0 {
            // Keys typed meanwhile are kept for the preview: say so, so none seems lost.
            reading.push_str(&fill(lang, Msg::BulkKeysKept, &[&typed_ahead.to_string()]));
        }
        lines.wrapped(&reading, cols, Style::default());
    }
    // The keys named are the live ones (`[keys.bulk]`, `[keys.bulk_text]`).
    let keymap = &app.settings.keymap;
    let hint = if form.editing.is_some() {
        keymap.hint_line(
            Pane::BulkText,
            &[
                (&[], Msg::HintType),
                (&["done"], Msg::HintDone),
                (&["discard"], Msg::HintDiscard),
            ],
            lang,
        )
    } else {
        let tags = form
            .rows
            .get(form.selected)
            .is_some_and(|r| r.field == FormField::Tags);
        let (values, edit): (Msg, Msg) = if tags {
            (Msg::HintTagsMode, Msg::HintEdit)
        } else {
            (Msg::HintValue, Msg::HintEditText)
        };
        let mut items: Vec<(&[&str], Msg)> = Vec::new();
        if !tags {
            items.push((&["move_down", "move_up"], Msg::HintRow));
        }
        items.extend([
            (&["prev_value", "next_value"][..], values),
            (&["edit"], edit),
            (&["clear_row"], Msg::HintNoChange),
            (&["preview"], Msg::HintPreview),
            (&["close"], Msg::HintClose),
        ]);
        keymap.hint_line(Pane::Bulk, &items, lang)
    };
    (lines, hint)
}

/// The preview: its summary (one line per field, one per tag; it scrolls when it does not
/// fit) above what stays in view (the calls, the run id, the typed count, an error).
fn preview_lines(app: &Ctx, stage: &Stage, cols: usize, body_rows: usize) -> (Lines, String) {
    let lang = app.lang();
    let Stage::Preview {
        preview,
        count,
        needs_typing,
        typed,
        error,
        plan,
        scroll,
        drawn,
        ..
    } = stage
    else {
        return (Lines::new(), String::new());
    };
    // The names known now, then those the plan kept.
    let names = bulk_edit::names(app).or(&plan.names);
    let mut summary: Vec<(String, Style)> = vec![(
        Msg::BulkPreviewHeading.text(lang).to_string(),
        style(app, Role::Label),
    )];
    for (index, line) in preview.lines(lang, &names).iter().enumerate() {
        // The head ("59 tickets") at the left, each field and tag indented under it; a long
        // line wraps between its groups, under its first.
        let indent = if index == 0 { "" } else { "  " };
        let room = cols.saturating_sub(width(indent) + 2).max(8);
        for (part, text) in wrap_groups(line, room).into_iter().enumerate() {
            let lead = if part == 0 {
                indent.to_string()
            } else {
                format!("{indent}  ")
            };
            summary.push((format!("{lead}{text}"), Style::default()));
        }
    }
    let mut lines = Lines::new();
    lines.push(String::new());
    let chunks = count.div_ceil(crate::bulk::MAX_CHUNK);
    // "1 call(s), 4 at once" says nothing true: one call is just one call, and no more
    // calls are in flight at once than there are.
    if chunks <= 1 {
        lines.push(Msg::BulkPreviewOneCall.text(lang).to_string());
    } else {
        lines.push(fill(
            lang,
            Msg::BulkPreviewCalls,
            &[
                &chunks.to_string(),
                &crate::bulk::MAX_CHUNK.to_string(),
                &app.settings.bulk_concurrency.min(chunks).to_string(),
            ],
        ));
    }
    // An undo is not undone in turn: its run id without the "undo later" hint.
    // A run that only replies cannot be undone either: it says so instead.
    let run_id_msg = match plan.kind {
        RunKind::Undo { .. } => Msg::BulkPreviewUndoRunId,
        _ if plan.kinds().is_empty() => Msg::BulkPreviewReplyRunId,
        _ => Msg::BulkPreviewRunId,
    };
    // Names the live history key.
    let run_id_line = fill(lang, run_id_msg, &[&plan.run_id.to_string()]);
    lines.push(app.settings.keymap.expand(&run_id_line));
    // Each call reads its tickets first only where the plan knows their update times.
    if plan.tickets.iter().any(|t| t.updated.is_some()) {
        let msg = if plan.apply_anyway {
            Msg::BulkPreviewApplyAnyway
        } else {
            Msg::BulkPreviewChangedLeftAlone
        };
        // While the count is typed a plain letter goes into it: name a key with a modifier.
        let mut text = msg.text(lang).to_string();
        if *needs_typing
            && let Some(label) = app
                .settings
                .keymap
                .keys_of(Pane::BulkPreview, "apply_anyway")
                .iter()
                .map(crate::app::keymap::Keys::label)
                .find(|label| label.chars().count() > 1)
        {
            text = text.replace("{key:bulk_preview.apply_anyway}", &label);
        }
        lines.wrapped(
            &app.settings.keymap.expand(&text),
            cols,
            style(app, Role::Hint),
        );
    }
    if *needs_typing {
        lines.push(String::new());
        let prompt = fill(
            lang,
            Msg::BulkConfirmPrompt,
            &[
                &app.settings.bulk_confirm_threshold.to_string(),
                &count.to_string(),
            ],
        );
        let text = format!("{prompt}{typed}");
        lines.caret = Some((lines.rows.len(), width(&text)));
        lines.styled(text, style(app, Role::Label));
    }
    if let Some(error) = error {
        let error = note(lang, &app.settings.keymap, error);
        lines.wrapped(&error, cols, style(app, Role::Error));
    }
    // The summary gets the rows the rest leaves; when it does not fit, its last row says
    // which lines are shown, and the scroll keys move it.
    let region = body_rows.saturating_sub(lines.rows.len()).max(1);
    let fits = summary.len() <= region;
    let (shown, skip) = if fits {
        (region, 0)
    } else {
        let shown = region.saturating_sub(1).max(1);
        (shown, (*scroll).min(summary.len() - shown))
    };
    drawn.set(Drawn {
        lines: summary.len(),
        rows: shown,
    });
    let mut body = Lines::new();
    body.rows
        .extend(summary.iter().skip(skip).take(shown).cloned());
    if !fits {
        let last = (skip + shown).min(summary.len());
        body.styled(
            fill(
                lang,
                Msg::BulkPreviewLines,
                &[
                    &(skip + 1).to_string(),
                    &last.to_string(),
                    &summary.len().to_string(),
                ],
            ),
            style(app, Role::Hint),
        );
    }
    body.caret = lines.caret.map(|(row, col)| (row + body.rows.len(), col));
    body.rows.extend(lines.rows);
    // An undo's preview has no form to go back to: its `back` sends nothing and closes.
    let back = match plan.kind {
        RunKind::Undo { .. } => Msg::HintCancel,
        _ => Msg::HintBackToForm,
    };
    let mut items: Vec<(&[&str], Msg)> = vec![(&["start"], Msg::HintStart), (&["back"], back)];
    if !fits {
        // While the count is typed, letters type: the scroll keys named are the others.
        let keys: &[&str] = if *needs_typing {
            &["page_down", "page_up"]
        } else {
            &["scroll_down", "scroll_up"]
        };
        items.push((keys, Msg::HintScroll));
    }
    let hint = app
        .settings
        .keymap
        .hint_line(Pane::BulkPreview, &items, lang);
    (body, hint)
}

fn clock(seconds: u64) -> String {
    if seconds >= 3600 {
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

fn gauge_lines(app: &Ctx, run: &RunView, cols: usize) -> Lines {
    let lang = app.lang();
    let mut lines = Lines::new();
    let (done, failed, left) = match &run.progress {
        Some(p) => (p.done, p.failed, p.left),
        None => (0, 0, run.total),
    };
    let total = (done + failed + left).max(1);
    let bar_width = cols.saturating_sub(8).max(4);
    let filled = (done + failed) * bar_width / total;
    let percent = (done + failed) * 100 / total;
    // '#' and '.' read without colour too.
    lines.push(format!(
        "[{}{}] {percent:>3}%",
        "#".repeat(filled),
        ".".repeat(bar_width - filled)
    ));
    let eta = run
        .progress
        .as_ref()
        .and_then(|p| p.eta)
        .map(|d| clock(d.as_secs()))
        .unwrap_or_else(|| "…".to_string());
    lines.push(fill(
        lang,
        Msg::BulkRunProgress,
        &[
            &done.to_string(),
            &failed.to_string(),
            &left.to_string(),
            &eta.to_string(),
        ],
    ));
    if let Some(p) = &run.progress {
        lines.push(fill(
            lang,
            Msg::BulkRunCalls,
            &[&p.calls_done.to_string(), &p.calls_total.to_string()],
        ));
    }
    if let Some(checking) = run.checking {
        lines.push(fill(
            lang,
            Msg::BulkCheckingInFlight,
            &[&checking.to_string()],
        ));
    }
    if run.cancelling {
        lines.styled(
            Msg::BulkCancelling.text(lang).to_string(),
            style(app, Role::Caution),
        );
    }
    for failure in &run.call_failures {
        lines.wrapped(
            &crate::text::clean_line(&note(lang, &app.settings.keymap, failure)),
            cols,
            style(app, Role::Problem),
        );
    }
    lines
}

fn hint_running(app: &Ctx) -> String {
    app.settings.keymap.hint_line(
        Pane::BulkRun,
        &[(&["cancel"], Msg::HintCancel), (&["hide"], Msg::HintHide)],
        app.lang(),
    )
}

fn hint_result(app: &Ctx, run: &RunView) -> String {
    let failed = run
        .report
        .as_ref()
        .is_some_and(|r| r.failed().next().is_some());
    let undoable = !matches!(run.kind, RunKind::Undo { .. });
    // After a 401 the retry key sends what was left (a resume), failures after it.
    let left_by_refusal =
        run.auth_refused && run.report.as_ref().is_some_and(|r| !r.not_sent.is_empty());
    let mut items: Vec<(&[&str], Msg)> = Vec::new();
    if left_by_refusal {
        items.push((&["retry"], Msg::HintSendRest));
    } else if failed {
        items.push((&["retry"], Msg::HintRetryFailed));
    }
    if undoable {
        items.push((&["undo"], Msg::HintUndoRun));
    }
    items.extend([
        (&["history"][..], Msg::HintHistory),
        (&["scroll_down", "scroll_up"], Msg::HintScroll),
        (&["close"], Msg::HintClose),
    ]);
    app.settings
        .keymap
        .hint_line(Pane::BulkResult, &items, app.lang())
}

/// `lead` then `text` wrapped by display width, the text's later lines starting under its
/// first (a hanging indent, so the ticket ids stand alone at the left). In a pane too
/// narrow for that, the whole wraps as one text.
fn hanging(lead: &str, text: &str, cols: usize) -> Vec<String> {
    const NARROWEST: usize = 12;
    let indent = width(lead);
    if cols < indent + NARROWEST {
        return wrap(&format!("{lead}{text}"), cols);
    }
    wrap(text, cols - indent)
        .into_iter()
        .enumerate()
        .map(|(index, line)| match index {
            0 => format!("{lead}{line}"),
            _ => format!("{}{line}", " ".repeat(indent)),
        })
        .collect()
}

fn result_lines(app: &Ctx, run: &RunView, cols: usize) -> Lines {
    let (mut lines, list) = result_parts(app, run, cols);
    let skip = run.scroll.min(list.len().saturating_sub(1));
    lines.rows.extend(list.into_iter().skip(skip));
    lines
}

/// The result's head (summary, notices) and its scrollable list of tickets.
fn result_parts(app: &Ctx, run: &RunView, cols: usize) -> (Lines, Vec<(String, Style)>) {
    let lang = app.lang();
    let mut lines = Lines::new();
    if let Some(error) = &run.error {
        lines.wrapped(
            &crate::text::clean_line(&note(lang, &app.settings.keymap, error)),
            cols,
            style(app, Role::Error),
        );
        return (lines, Vec::new());
    }
    let Some(report) = &run.report else {
        return (lines, Vec::new());
    };
    lines.wrapped(&report.summary(lang), cols, style(app, Role::Label));
    if report.cancelled && run.auth_refused {
        // The message names the live retry key.
        let text = fill(
            lang,
            Msg::BulkReportAuthRefused,
            &[&report.not_sent.len().to_string()],
        );
        lines.wrapped(
            &app.settings.keymap.expand(&text),
            cols,
            style(app, Role::Error),
        );
    } else if report.cancelled {
        lines.push(fill(
            lang,
            Msg::BulkReportCancelled,
            &[&report.not_sent.len().to_string()],
        ));
    }
    let mut list = Vec::new();
    let failed: Vec<_> = report.failed().collect();
    if !failed.is_empty() {
        list.push((
            fill(lang, Msg::BulkReportFailed, &[&failed.len().to_string()]),
            style(app, Role::Error),
        ));
        for outcome in failed {
            // The server's reason wraps (never cut with "…"), its lines under its first.
            let lead = format!("  ✗ #{}  ", outcome.id);
            let reason = crate::text::clean_line(&outcome.error);
            for line in hanging(&lead, &reason, cols) {
                list.push((line, style(app, Role::Problem)));
            }
        }
    }
    let left_out: Vec<_> = report
        .plan
        .excluded
        .iter()
        .filter(|t| t.reason != ExcludeReason::AlreadySet)
        .collect();
    if !left_out.is_empty() {
        let head = match &run.kind {
            RunKind::Undo { .. } => fill(
                lang,
                Msg::BulkReportNotRestored,
                &[&left_out.len().to_string()],
            ),
            _ => fill(lang, Msg::BulkReportLeftOut, &[&left_out.len().to_string()]),
        };
        list.push((head, style(app, Role::CautionHeading)));
        for ticket in left_out {
            let lead = format!("  ! #{}  ", ticket.id);
            for line in hanging(&lead, ticket.reason.describe(lang), cols) {
                list.push((line, style(app, Role::Caution)));
            }
        }
    }
    // Neither done nor failed: each kind listed with its tickets, so the user can look.
    let doubts = [
        (
            report.unknown().map(|o| o.id).collect::<Vec<u64>>(),
            Msg::BulkReportUnknown,
            "?",
        ),
        (
            report.unsettled().map(|o| o.id).collect(),
            Msg::BulkReportUnsettled,
            "?",
        ),
        (
            report.changed_since_preview().map(|o| o.id).collect(),
            Msg::BulkReportChanged,
            "!",
        ),
        (
            report.taken_as_sent().map(|o| o.id).collect(),
            Msg::BulkReportTakenAsSent,
            "?",
        ),
    ];
    for (ids, head, mark) in doubts {
        if ids.is_empty() {
            continue;
        }
        list.push((
            fill(lang, head, &[&ids.len().to_string()]),
            style(app, Role::CautionHeading),
        ));
        let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        let lead = format!("  {mark} ");
        for line in hanging(&lead, &ids.join(" "), cols) {
            list.push((line, style(app, Role::Caution)));
        }
    }
    if !report.not_sent.is_empty() && !report.cancelled {
        list.push((
            fill(
                lang,
                Msg::BulkReportNoAnswer,
                &[&report.not_sent.len().to_string()],
            ),
            style(app, Role::Caution),
        ));
    }
    let succeeded: Vec<String> = report.succeeded().map(|o| format!("#{}", o.id)).collect();
    if !succeeded.is_empty() {
        list.push((
            fill(
                lang,
                Msg::BulkReportSucceeded,
                &[&succeeded.len().to_string()],
            ),
            style(app, Role::Success),
        ));
        // A hanging indent: the ids of every line start under the first one's.
        let ids = wrap(&succeeded.join(" "), cols.saturating_sub(4));
        for (index, line) in ids.into_iter().enumerate() {
            let lead = if index == 0 { "  ✓ " } else { "    " };
            list.push((format!("{lead}{line}"), Style::default()));
        }
    }
    // Tickets that already had the values: listed too, so the list accounts for every
    // ticket the run was asked about.
    let skipped: Vec<String> = report
        .plan
        .excluded
        .iter()
        .filter(|t| t.reason == ExcludeReason::AlreadySet)
        .map(|t| format!("#{}", t.id))
        .collect();
    if !skipped.is_empty() {
        let count = skipped.len().to_string();
        let head = match crate::bulk::Preview::of(&report.plan).skipped_value {
            Some(value) => {
                let value = crate::bulk::value_label(&value, lang, &bulk_edit::names(app));
                fill(lang, Msg::BulkReportSkippedValue, &[&count, &value])
            }
            None => fill(lang, Msg::BulkReportSkipped, &[&count]),
        };
        list.push((head, style(app, Role::Label)));
        let ids = wrap(&skipped.join(" "), cols.saturating_sub(4));
        for (index, line) in ids.into_iter().enumerate() {
            let lead = if index == 0 { "  = " } else { "    " };
            list.push((format!("{lead}{line}"), style(app, Role::Muted)));
        }
    }
    (lines, list)
}

/// A table text with its keys named from the key map first, then its arguments put in:
/// an argument (a server's reason, a field's name) is never read for `{key:..}`.
pub(crate) fn keyed(lang: Lang, keys: &KeyMap, msg: Msg, args: &[&str]) -> String {
    crate::words::fill_text(&keys.expand(msg.text(lang)), args)
}

/// What the bulk pane tells (a notice, a stage's error, a failed call's line), in words.
pub fn note(lang: Lang, keys: &KeyMap, n: &BulkNote) -> String {
    let plain = |msg: Msg| keyed(lang, keys, msg, &[]);
    match n {
        BulkNote::NoTicketSelected => plain(Msg::BulkNoTicketSelected),
        BulkNote::Unreadable { id, reason } => keyed(
            lang,
            keys,
            Msg::UnreadableDetail,
            &[&id.to_string(), reason],
        ),
        BulkNote::UnreadableLeftOut(ids) => {
            let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
            keyed(lang, keys, Msg::BulkUnreadableLeftOut, &[&ids.join(", ")])
        }
        BulkNote::RunGoingOn => plain(Msg::BulkRunGoingOn),
        BulkNote::UndoNotStarted => plain(Msg::BulkUndoNotStarted),
        BulkNote::NothingToChange => plain(Msg::BulkNothingToChange),
        BulkNote::TypeCountToConfirm(count) => keyed(
            lang,
            keys,
            Msg::BulkTypeCountToConfirm,
            &[&count.to_string()],
        ),
        BulkNote::NothingFailed => plain(Msg::BulkNothingFailed),
        BulkNote::CannotUndo => plain(Msg::BulkCannotUndo),
        BulkNote::NothingToResume => plain(Msg::BulkNothingToResume),
        BulkNote::LaterFromHistory => plain(Msg::BulkLaterFromHistory),
        BulkNote::ReadingTickets => plain(Msg::BulkReadingTickets),
        BulkNote::UnknownAgent(name) => keyed(lang, keys, Msg::BulkUnknownAgent, &[name]),
        BulkNote::FieldWantsInteger(name) => keyed(lang, keys, Msg::BulkFieldWantsInteger, &[name]),
        BulkNote::FieldWantsNumber(name) => keyed(lang, keys, Msg::BulkFieldWantsNumber, &[name]),
        BulkNote::NothingPicked => plain(Msg::BulkNothingPicked),
        // Reading the tickets again is the form's preview key, not a list reload.
        BulkNote::TicketsUnread(failure) => {
            let again =
                |text: &str| keys.expand(&text.replace("{key:list.reload}", "{key:bulk.preview}"));
            crate::words::bulk_failure_keyed(lang, failure, &again)
        }
        BulkNote::Failed(failure) => {
            crate::words::bulk_failure_keyed(lang, failure, &|text| keys.expand(text))
        }
        BulkNote::CallFailed {
            call,
            tickets,
            reason,
        } => keyed(
            lang,
            keys,
            Msg::BulkCallFailed,
            &[&call.to_string(), &tickets.to_string(), reason],
        ),
        BulkNote::RunDone(report) => report.summary(lang),
        BulkNote::RunsStopped(count) => {
            keyed(lang, keys, Msg::BulkRunsStoppedCount, &[&count.to_string()])
        }
        BulkNote::TypedAheadStartHeld => plain(Msg::BulkTypedAheadStartHeld),
        BulkNote::TypedAheadEnterHeld => plain(Msg::BulkTypedAheadEnterHeld),
    }
}

/// The status bar's part while a run goes on behind the console.
pub fn status_text(app: &App) -> Option<String> {
    let run = app.bulk.running()?;
    let (done, failed, total) = match &run.progress {
        Some(p) => (p.done, p.failed, p.done + p.failed + p.left),
        None => (0, 0, run.total),
    };
    Some(fill(
        app.lang(),
        Msg::BulkStatusProgress,
        &[&done.to_string(), &total.to_string(), &failed.to_string()],
    ))
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

/// A value of a row's list: a label, a name (its id while the name is not known), or a
/// dropdown option's label (its id when the definition lacks it).
pub fn choice_label(app: &App, field: &FormField, choice: &Choice) -> String {
    let lang = app.lang();
    let name = |names: &std::collections::HashMap<u64, Lookup<String>>, id: &u64| {
        names
            .get(id)
            .and_then(|n| n.ready().cloned())
            .unwrap_or_else(|| format!("#{id}"))
    };
    match choice {
        Choice::Status(s) => crate::words::status_label(lang, *s),
        Choice::Priority(p) => crate::words::priority_label(lang, *p),
        Choice::Type(t) => crate::words::type_label(lang, *t),
        Choice::Agent(None) => Msg::BulkNobody.text(lang).to_string(),
        Choice::Group(None) => Msg::BulkNoGroup.text(lang).to_string(),
        Choice::Agent(Some(id)) => name(&app.lookups.agents, id),
        Choice::Group(Some(id)) => name(&app.lookups.groups, id),
        Choice::Option(id) => match field {
            FormField::Custom(def) => def
                .options
                .iter()
                .find(|(option, _)| option == id)
                .map_or_else(|| id.clone(), |(_, label)| label.clone()),
            _ => id.clone(),
        },
    }
}

/// A row's value as the form shows it.
pub fn value_text(app: &App, row: &FormRow) -> String {
    match &row.value {
        FormValue::Keep => Msg::BulkNoChange.text(app.lang()).to_string(),
        FormValue::Text(text) => text.clone(),
        FormValue::Pick(choice) => choice_label(app, &row.field, choice),
    }
}

pub fn tags_mode_text(lang: Lang, mode: TagsMode) -> String {
    match mode {
        TagsMode::Add => Msg::BulkAdd.text(lang).to_string(),
        TagsMode::Remove => Msg::BulkRemove.text(lang).to_string(),
        TagsMode::Replace => Msg::BulkReplaceWith.text(lang).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::app::bulk_edit::BulkFailure;

    /// Every note reads in both languages with its arguments in and its keys named: no
    /// placeholder of the table is left over, whatever the note.
    #[test]
    fn every_bulk_note_is_worded_in_both_languages() {
        let notes = [
            BulkNote::NoTicketSelected,
            BulkNote::Unreadable {
                id: 3,
                reason: "ticketStatus".into(),
            },
            BulkNote::UnreadableLeftOut(vec![3, 4]),
            BulkNote::RunGoingOn,
            BulkNote::UndoNotStarted,
            BulkNote::NothingToChange,
            BulkNote::TypeCountToConfirm(250),
            BulkNote::NothingFailed,
            BulkNote::CannotUndo,
            BulkNote::NothingToResume,
            BulkNote::LaterFromHistory,
            BulkNote::ReadingTickets,
            BulkNote::UnknownAgent("无名氏".into()),
            BulkNote::FieldWantsInteger("工时".into()),
            BulkNote::FieldWantsNumber("金额".into()),
            BulkNote::NothingPicked,
            BulkNote::TicketsUnread(BulkFailure::Api(ApiError::Forbidden(None))),
            BulkNote::Failed(BulkFailure::NoJournal),
            BulkNote::CallFailed {
                call: 2,
                tickets: 100,
                reason: "HTTP 500".into(),
            },
            BulkNote::RunsStopped(2),
            BulkNote::TypedAheadStartHeld,
            BulkNote::TypedAheadEnterHeld,
        ];
        let keys = KeyMap::default();
        for lang in [Lang::En, Lang::Zh] {
            for n in &notes {
                let text = note(lang, &keys, n);
                assert!(!text.is_empty(), "{n:?}");
                assert!(!text.contains('{'), "{lang:?} {n:?}: {text}");
            }
        }
        let text = note(Lang::En, &keys, &BulkNote::TypeCountToConfirm(250));
        assert_eq!(text, "type 250 to confirm");
        let text = note(Lang::Zh, &keys, &BulkNote::UnreadableLeftOut(vec![3, 4]));
        assert_eq!(text, "无法读取的工单不在此次修改中：3, 4");
    }
}
