//! The bulk edit pane: the form, the preview, the gauge and the result list, in a box over
//! the list (the history and the resume offer are in `history.rs`). This file keeps the box,
//! its title and the drawing of the lines; each stage's lines are a module of `bulk/`
//! (`form`, `preview`, `gauge`, `result`); the words of its notes (`note`, used by the
//! notices, the history and the composer too) and of the form's values (`values`) are apart.

mod form;
mod gauge;
mod note;
mod preview;
mod result;
mod values;

pub(crate) use gauge::status_text;
pub use note::keyed;
pub use note::note;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, wrap};
use crate::app::bulk_edit::{RunView, Stage};
use crate::app::layout::{Geometry, Scroll};
use crate::bulk::RunKind;
use crate::lang::Lang;
use crate::words::{Msg, fill};
use form::form_lines;
use gauge::{gauge_lines, hint_running};
use preview::preview_lines;
use result::{hint_result, result_lines, result_parts};

/// The box the pane (and the history) is drawn in: most of the screen, leaving the tab
/// line and the status bar.
pub(crate) fn pane_area(screen: Rect) -> Rect {
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
    pub(crate) rows: Vec<(String, Style)>,
    /// Where the caret goes (row, display column), when text is being typed.
    pub(crate) caret: Option<(usize, usize)>,
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

/// Draws the bulk pane; records how far its preview's summary or its result list scrolls,
/// when it shows one.
pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect, drawn: &mut Geometry) {
    let Some(stage) = app.bulk.stage.as_ref().filter(|_| !app.bulk.hidden) else {
        return;
    };
    if app.bulk.preset.is_some()
        && let Stage::Preview { count: 1, .. } = stage
    {
        // A macro on one ticket: its preview is one line over the ticket, Enter confirms.
        preview::one_line(frame, app, screen, stage);
        return;
    }
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
        return;
    }
    let (body, hint) = match stage {
        Stage::Form(_) | Stage::Preparing { .. } => form_lines(app, stage, cols),
        Stage::Preview { .. } => {
            let (body, hint, scroll) =
                preview_lines(app, stage, cols, rows.saturating_sub(1).max(1));
            drawn.bulk_preview = scroll;
            (body, hint)
        }
        Stage::Running(run) => (gauge_lines(app, run, cols), hint_running(app)),
        Stage::Result(run) => (result_lines(app, run, cols), hint_result(app, run)),
        Stage::History { .. } | Stage::ResumeOffer { .. } => {
            super::history::lines(app, stage, cols)
        }
    };
    draw_lines(frame, app, inner, body, &hint);
    if let Stage::Result(run) = stage {
        drawn.bulk_result = Some(Scroll {
            page: rows,
            max: result_parts(app, run, cols).1.len().saturating_sub(1),
        });
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
