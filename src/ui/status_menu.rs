//! The small menu of the six statuses (`s`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders};

use super::i18n::{Msg, fill, status_label};
use super::{fit, reversed, width};
use crate::api::TicketStatus;
use crate::app::App;
use crate::app::state::Overlay;

pub fn render(frame: &mut Frame, app: &App, screen: Rect) {
    let Some(Overlay::StatusMenu {
        ticket_id,
        selected,
    }) = &app.overlay
    else {
        return;
    };
    let lang = app.lang();
    let title = fill(lang, Msg::StatusMenuTitle, &[&ticket_id.to_string()]);
    let hint = Msg::StatusMenuHint.text(lang);
    let current = app.tickets.get(ticket_id).and_then(|t| t.status);
    let inner_width = (width(&title) + 2).max(width(hint)).max(24);
    let w = (inner_width as u16 + 2).min(screen.width);
    let h = (TicketStatus::ALL.len() as u16 + 3).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    super::clear_overlay(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    let cols = usize::from(inner.width);
    for (index, status) in TicketStatus::ALL.iter().enumerate() {
        if index as u16 >= inner.height {
            break;
        }
        let mark = if Some(*status) == current { '•' } else { ' ' };
        let text = format!("{mark}{} {}", index + 1, status_label(lang, *status));
        let style = if index == *selected {
            reversed()
        } else {
            Style::default()
        };
        buf.set_stringn(
            inner.x,
            inner.y + index as u16,
            fit(&text, cols),
            cols,
            style,
        );
    }
    let hint_row = inner.y + TicketStatus::ALL.len() as u16;
    if hint_row < inner.bottom() {
        buf.set_stringn(inner.x, hint_row, fit(hint, cols), cols, Style::default());
    }
}
