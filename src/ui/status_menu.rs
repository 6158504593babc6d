//! The small menu of the six statuses (`s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::Ctx;
use super::theme::{Role, glyph};
use super::{fit, style, width};
use crate::api::TicketStatus;
use crate::app::state::Overlay;
use crate::app::state::Pane;
use crate::words::{Msg, fill, status_label};

pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) {
    let Some(Overlay::StatusMenu {
        ticket_id,
        selected,
    }) = &app.overlay
    else {
        return;
    };
    let lang = app.lang();
    let title = fill(lang, Msg::StatusMenuTitle, &[&ticket_id.to_string()]);
    // The keys named in the hint are the live ones.
    let keymap = &app.settings.keymap;
    let moves = super::menu_moves(app, Pane::StatusMenu);
    let digits = keymap.keys_of(Pane::StatusMenu, "pick_status");
    let digits = match (digits.first(), digits.last()) {
        (Some(first), Some(last)) if digits.len() > 1 => {
            format!("{}-{}", first.label(), last.label())
        }
        (Some(first), _) => first.label(),
        _ => String::new(),
    };
    let hint = fill(
        lang,
        Msg::StatusMenuHint,
        &[
            &moves,
            &keymap.labels(Pane::StatusMenu, "pick", 1),
            &digits,
            &keymap.labels(Pane::StatusMenu, "cancel", 1),
        ],
    );
    let hint = hint.as_str();
    let current = app.tickets.summary(ticket_id).and_then(|t| t.status);
    let inner_width = (width(&title) + 2).max(width(hint)).max(24);
    let size = (inner_width as u16 + 2, TicketStatus::ALL.len() as u16 + 3);
    let inner = super::centered_window(frame, app, screen, size, &title);
    status_rows(frame, app, inner, current, *selected, hint);
}

/// The six statuses, one a row numbered from 1 (`current` marked, `selected` highlighted),
/// and the hint row under them when the window has room: the `s` menu's and the composer's
/// Ctrl-T menu's.
pub(super) fn status_rows(
    frame: &mut Frame,
    app: &Ctx,
    inner: Rect,
    current: Option<TicketStatus>,
    selected: usize,
    hint: &str,
) {
    let lang = app.lang();
    let buf = frame.buffer_mut();
    let cols = usize::from(inner.width);
    for (index, status) in TicketStatus::ALL.iter().enumerate() {
        if index as u16 >= inner.height {
            break;
        }
        let mark = if Some(*status) == current {
            glyph::CURRENT
        } else {
            ' '
        };
        let text = format!("{mark}{} {}", index + 1, status_label(lang, *status));
        let row_style = if index == selected {
            style(app, Role::Selection)
        } else {
            Style::default()
        };
        buf.set_stringn(
            inner.x,
            inner.y + index as u16,
            fit(&text, cols),
            cols,
            row_style,
        );
    }
    let hint_row = inner.y + TicketStatus::ALL.len() as u16;
    if hint_row < inner.bottom() {
        buf.set_stringn(inner.x, hint_row, fit(hint, cols), cols, Style::default());
    }
}
