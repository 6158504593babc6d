//! The form stage drawn: a row per field with its value, the tickets it changes, the
//! reading while they are fetched, and the hint of the keys that edit it.

use ratatui::style::Style;

use super::Lines;
use super::note::note;
use super::values::{field_name, tags_mode_text, value_text};
use crate::app::bulk_edit::{self, FormField, FormValue, Stage};
use crate::app::state::Pane;
use crate::ui::Ctx;
use crate::ui::theme::Role;
use crate::ui::{fit, style, width, wrap};
use crate::words::{Msg, fill};

pub(super) fn form_lines(app: &Ctx, stage: &Stage, cols: usize) -> (Lines, String) {
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
