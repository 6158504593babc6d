//! The preview stage drawn: the summary of what changes (scrolled when it does not fit)
//! above the calls, the run id, the typed count and an error, which stay in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Lines;
use super::note::note;
use crate::app::bulk_edit::{self, Stage};
use crate::app::layout::Scroll;
use crate::app::state::Pane;
use crate::bulk::RunKind;
use crate::ui::Ctx;
use crate::ui::theme::Role;
use crate::ui::width;
use crate::ui::{fit, style};
use crate::words::{Msg, fill};

/// Wraps a preview summary between its groups ("已开启 → 已解决 201，待回应 → 已解决 36；...")
/// so that no group is split over two lines; a group wider than the pane wraps as text.
fn wrap_groups(text: &str, cols: usize) -> Vec<String> {
    crate::text::wrap::wrap_groups(text, cols, |grapheme| {
        matches!(grapheme, "，" | "；" | "：" | "," | ";" | ":")
    })
}

/// The preview: its summary (one line per field, one per tag; it scrolls when it does not
/// fit) above what stays in view (the calls, the run id, the typed count, an error); and
/// how the summary scrolls as drawn, for `update` to clamp its scroll keys.
pub(super) fn preview_lines(
    app: &Ctx,
    stage: &Stage,
    cols: usize,
    body_rows: usize,
) -> (Lines, String, Option<Scroll>) {
    let lang = app.lang();
    let Stage::Preview {
        preview,
        count,
        needs_typing,
        typed,
        error,
        plan,
        scroll,
        ..
    } = stage
    else {
        return (Lines::new(), String::new(), None);
    };
    // The names known now, then those the plan kept.
    let names = bulk_edit::names(app).or(&plan.names);
    let mut summary: Vec<(String, Style)> = vec![(
        Msg::BulkPreviewHeading.text(lang).to_string(),
        style(app, Role::Label),
    )];
    for (index, line) in crate::words::bulk::preview_lines(lang, preview, &names)
        .iter()
        .enumerate()
    {
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
    let drawn = Scroll {
        page: shown,
        max: summary.len().saturating_sub(shown),
    };
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
    (body, hint, Some(drawn))
}

/// A macro's preview on one ticket: one line above the status bar, what changes on which
/// ticket and the keys that apply it or leave it (an error in its place when there is one).
pub(super) fn one_line(frame: &mut Frame, app: &Ctx, screen: Rect, stage: &Stage) {
    let Stage::Preview {
        preview,
        plan,
        error,
        ..
    } = stage
    else {
        return;
    };
    if screen.height < 3 {
        return;
    }
    let lang = app.lang();
    let names = bulk_edit::names(app).or(&plan.names);
    // The head ("1 ticket") is said by the ticket's number.
    let changes: Vec<String> = crate::words::bulk::preview_lines(lang, preview, &names)
        .into_iter()
        .skip(1)
        .collect();
    let ticket = plan.tickets.first().map_or(0, |t| t.id);
    let keys = app.settings.keymap.hint_line(
        Pane::BulkPreview,
        &[(&["start"], Msg::HintApply), (&["back"], Msg::HintCancel)],
        lang,
    );
    let text = match error {
        Some(error) => format!(" {}  {keys}", note(lang, &app.settings.keymap, error)),
        None => fill(
            lang,
            Msg::MacroPreviewLine,
            &[&ticket.to_string(), &changes.join(" · "), &keys],
        ),
    };
    let row = Rect {
        y: screen.bottom().saturating_sub(2),
        height: 1,
        ..screen
    };
    frame.render_widget(ratatui::widgets::Clear, row);
    let cols = usize::from(row.width);
    let role = if error.is_some() {
        Role::Problem
    } else {
        Role::Selection
    };
    frame
        .buffer_mut()
        .set_stringn(row.x, row.y, fit(&text, cols), cols, style(app, role));
}
