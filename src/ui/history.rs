//! The history of bulk runs (`H`) and the resume offer shown at start when a run stopped
//! mid-way. Drawn inside the bulk pane's box (see `bulk.rs`).

use ratatui::style::Style;

use super::Ctx;
use super::bulk::Lines;
use super::theme::Role;
use super::{style, wrap};
use crate::app::bulk_edit::Stage;
use crate::app::state::Pane;
use crate::words::Msg;
use crate::words::bulk::run_summary;

/// The body lines and the hint of the history or the resume offer.
pub(crate) fn lines(app: &Ctx, stage: &Stage, cols: usize) -> (Lines, String) {
    let lang = app.lang();
    let mut lines = Lines {
        rows: Vec::new(),
        caret: None,
    };
    match stage {
        Stage::History {
            request,
            runs,
            problems,
            selected,
            error,
        } => {
            if request.is_some() {
                lines.rows.push((
                    Msg::BulkHistoryLoading.text(lang).to_string(),
                    Style::default(),
                ));
            } else if let Some(error) = error {
                lines.rows.push((
                    crate::text::clean_line(&super::bulk::note(lang, &app.settings.keymap, error)),
                    style(app, Role::Problem),
                ));
            } else if runs.is_empty() {
                lines.rows.push((
                    Msg::BulkHistoryEmpty.text(lang).to_string(),
                    Style::default(),
                ));
            }
            for (index, run) in runs.iter().enumerate() {
                let is_selected = index == *selected;
                let style = if is_selected {
                    style(app, Role::Selection)
                } else {
                    Style::default()
                };
                let cursor = if is_selected { '>' } else { ' ' };
                let text = format!("{cursor} {}  {}", run.run_id(), run_summary(lang, &run.run));
                // The selected run shows whole; the others one line each.
                if is_selected {
                    for line in wrap_hanging(&text, cols) {
                        lines.rows.push((line, style));
                    }
                } else {
                    lines.rows.push((text, style));
                }
            }
            for problem in problems {
                lines
                    .rows
                    .push((crate::text::clean_line(problem), style(app, Role::Caution)));
            }
            let hint = app.settings.keymap.hint_line(
                Pane::BulkHistory,
                &[
                    (&["move_down", "move_up"], Msg::HintMove),
                    (&["undo"], Msg::HintUndo),
                    (&["resume"], Msg::HintResume),
                    (&["close"], Msg::HintClose),
                ],
                lang,
            );
            (lines, hint)
        }
        Stage::ResumeOffer { runs } => {
            lines.rows.push((
                Msg::BulkStoppedExplained.text(lang).to_string(),
                style(app, Role::Label),
            ));
            let first = lines.rows.pop();
            if let Some((text, style)) = first {
                for line in wrap(&text, cols) {
                    lines.rows.push((line, style));
                }
            }
            lines.rows.push((String::new(), Style::default()));
            for (index, run) in runs.iter().enumerate() {
                let text = format!(
                    "{} {}  {}",
                    if index == 0 { '>' } else { ' ' },
                    run.run_id(),
                    run_summary(lang, &run.run)
                );
                for line in wrap_hanging(&text, cols) {
                    lines.rows.push((line, Style::default()));
                }
            }
            let hint = app.settings.keymap.hint_line(
                Pane::ResumeOffer,
                &[
                    (&["resume"], Msg::HintResumeRest),
                    (&["undo"], Msg::HintUndoDone),
                    (&["later"], Msg::HintLater),
                ],
                lang,
            );
            (lines, hint)
        }
        _ => (lines, String::new()),
    }
}

/// Wraps a run's line with its continuation lines indented under the run id, so runs stay
/// apart from each other.
fn wrap_hanging(text: &str, cols: usize) -> Vec<String> {
    const INDENT: &str = "  ";
    crate::text::wrap::wrap_hanging(text, cols, cols.saturating_sub(INDENT.len()))
        .into_iter()
        .enumerate()
        .map(|(index, line)| match index {
            0 => line,
            _ => format!("{INDENT}{line}"),
        })
        .collect()
}
