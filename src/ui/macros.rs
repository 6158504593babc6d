//! The macro menu (`m`) and what a macro says when it cannot be applied.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::keymap::KeyMap;
use crate::app::macros::{Macro, MacroNote, all};
use crate::app::state::Pane;
use crate::lang::Lang;
use crate::words::{Msg, fill, fill_keyed};

/// A macro's name as shown: the built-in's in the language, a config's as written (made
/// inert when read).
pub(crate) fn name(lang: Lang, m: &Macro) -> String {
    if m.builtin {
        Msg::MacroAssignToMe.text(lang).to_string()
    } else {
        m.name.clone()
    }
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) {
    let Some(menu) = app.macro_menu else {
        return;
    };
    let lang = app.lang();
    let macros = all(app);
    let title = Msg::MacroMenuTitle.text(lang);
    let hint = app.settings.keymap.hint_line(
        Pane::MacroMenu,
        &[
            (&["pick"], Msg::HintApply),
            (&["pick_macro"], Msg::HintPick),
            (&["cancel"], Msg::HintCancel),
        ],
        lang,
    );
    let rows: Vec<String> = macros
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let digit = if index < 9 {
                (index + 1).to_string()
            } else {
                " ".to_string()
            };
            let key = m
                .key
                .map(|k| format!("  [{}]", k.label()))
                .unwrap_or_default();
            format!(" {digit} {}{key}", name(lang, m))
        })
        .collect();
    let widest = rows.iter().map(|r| width(r)).max().unwrap_or(0);
    let inner_width = (width(title) + 2).max(width(&hint)).max(widest).max(24);
    let height = (rows.len() as u16).saturating_add(3);
    let inner = super::centered_window(frame, app, screen, (inner_width as u16 + 2, height), title);
    let cols = usize::from(inner.width);
    let list_rows = inner.height.saturating_sub(1);
    // The selected entry stays in view in a short terminal.
    let first = menu
        .selected
        .saturating_sub(usize::from(list_rows.saturating_sub(1)));
    let buf = frame.buffer_mut();
    for (row, (index, text)) in rows.iter().enumerate().skip(first).enumerate() {
        if row as u16 >= list_rows {
            break;
        }
        let row_style = if index == menu.selected {
            style(app, Role::Selection)
        } else {
            Style::default()
        };
        buf.set_stringn(
            inner.x,
            inner.y + row as u16,
            fit(text, cols),
            cols,
            row_style,
        );
    }
    let hint_row = inner.y + list_rows;
    if hint_row < inner.bottom() {
        buf.set_stringn(inner.x, hint_row, fit(&hint, cols), cols, Style::default());
    }
}

/// What a macro says when it cannot be applied.
pub fn note(lang: Lang, keys: &KeyMap, note: &MacroNote) -> String {
    let named = |text: &str| keys.expand(text);
    match note {
        MacroNote::MeUnknown => fill_keyed(lang, Msg::MacroMeUnknown, &[], &named),
        MacroNote::NoSnippet(name) => fill(lang, Msg::MacroNoSnippet, &[name]),
        MacroNote::NoTicket => Msg::MacroNoTicket.text(lang).to_string(),
    }
}
