//! The copy menu (`y`): one row per entry with its key, its name and what would be copied;
//! a value the server left out reads "unknown", the web link without `web_url` says how to
//! set it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::copy::{self, CopyEntry, CopyItem, CopyValue};
use crate::app::state::Pane;
use crate::words::{Msg, fill};

/// Widest a value is shown before it is cut on a narrow screen; a wide one gives values
/// half its width (the whole value is what is copied either way).
const VALUE_COLUMNS: usize = 44;

/// Each entry's key as bound now: the Nth custom field takes the Nth key of `copy_field`.
fn key_labels(app: &Ctx, entries: &[CopyEntry]) -> Vec<String> {
    let keymap = &app.settings.keymap;
    let field_keys = keymap.keys_of(Pane::CopyMenu, "copy_field");
    let mut fields = 0;
    entries
        .iter()
        .map(|entry| match (&entry.item, copy::key_action(&entry.item)) {
            (CopyItem::Field(_), _) => {
                fields += 1;
                field_keys
                    .get(fields - 1)
                    .map(|keys| keys.label())
                    .unwrap_or_default()
            }
            (_, Some(name)) => keymap.first_label(Pane::CopyMenu, name).unwrap_or_default(),
            (_, None) => String::new(),
        })
        .collect()
}

/// What a row shows as the value, and whether it is a real one (else it is dimmed).
fn shown_value(app: &Ctx, value: &CopyValue) -> (String, bool) {
    let lang = app.lang();
    match value {
        CopyValue::Text(text) if text.is_empty() => (Msg::CopyValueEmpty.text(lang).into(), false),
        // Server text, cleaned when decoded: one line here.
        CopyValue::Text(text) => (crate::text::clean_line(text), true),
        CopyValue::Unknown => (Msg::CopyValueUnknown.text(lang).into(), false),
        CopyValue::NotConfigured => (Msg::CopyValueNotSet.text(lang).into(), false),
    }
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) {
    let Some(menu) = &app.copy_menu else {
        return;
    };
    let lang = app.lang();
    let entries = copy::entries(app, menu.ticket_id);
    let keys = key_labels(app, &entries);
    let labels: Vec<String> = entries
        .iter()
        .map(|e| super::notice::copy_label(app.lang(), &copy::label(app, &e.item)))
        .collect();
    let values: Vec<(String, bool)> = entries.iter().map(|e| shown_value(app, &e.value)).collect();

    let title = fill(lang, Msg::CopyMenuTitle, &[&menu.ticket_id.to_string()]);
    let keymap = &app.settings.keymap;
    let moves = super::menu_moves(app, Pane::CopyMenu);
    let hint = fill(
        lang,
        Msg::CopyMenuHint,
        &[
            &moves,
            &keymap.labels(Pane::CopyMenu, "copy", 1),
            &keymap.labels(Pane::CopyMenu, "cancel", 1),
        ],
    );

    let key_width = keys.iter().map(|k| width(k)).max().unwrap_or(1) + 1;
    let label_width = labels.iter().map(|l| width(l)).max().unwrap_or(8).min(24) + 2;
    let value_width = values
        .iter()
        .map(|(v, _)| width(v))
        .max()
        .unwrap_or(8)
        .min(VALUE_COLUMNS.max(usize::from(screen.width) / 2));
    let inner_width = (key_width + label_width + value_width)
        .max(width(&title) + 2)
        .max(width(&hint));
    let size = (inner_width as u16 + 2, entries.len() as u16 + 3);
    let inner = super::centered_window(frame, app, screen, size, &title);

    let cols = usize::from(inner.width);
    // The last row is the hint; the entries scroll to keep the highlight in view.
    let rows = usize::from(inner.height.saturating_sub(1)).max(1);
    let offset = menu.selected.saturating_sub(rows - 1);
    let buf = frame.buffer_mut();
    let value_room = cols.saturating_sub(key_width + label_width);
    for (row, index) in (offset..entries.len()).take(rows).enumerate() {
        let selected = index == menu.selected;
        let base = if selected {
            style(app, Role::Selection)
        } else {
            Style::default()
        };
        let (value, real) = &values[index];
        let value_style = if *real {
            base
        } else {
            base.patch(style(app, Role::Muted))
        };
        let line = Line::from(vec![
            Span::styled(
                fit(&keys[index], key_width),
                base.patch(style(app, Role::HelpKey)),
            ),
            Span::styled(
                fit(&labels[index], label_width),
                base.patch(style(app, Role::Label)),
            ),
            Span::styled(fit(value, value_room), value_style),
        ]);
        buf.set_line(inner.x, inner.y + row as u16, &line, inner.width);
    }
    let hint_row = inner.y + inner.height.saturating_sub(1);
    if inner.height > 1 {
        buf.set_stringn(
            inner.x,
            hint_row,
            fit(&hint, cols),
            cols,
            style(app, Role::Hint),
        );
    }
}
