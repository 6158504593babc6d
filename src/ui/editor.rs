//! Drawing a `ratatui_textarea::TextArea` so that it is right for Chinese.
//!
//! The text area stays the editing engine (its `lines()`, `cursor()` and key handling);
//! only the drawing is ours, because its own widget draws the caret as a reversed cell and
//! scrolls by characters. Here lines wrap softly at the pane's width counted in display
//! cells (CJK = 2), a wide character is never split across rows, the view scrolls so that
//! the caret's row is on screen, and the real terminal cursor is put on the caret's cell
//! (`Frame::set_cursor_position`), which is where an input method opens its candidates.

pub(crate) use crate::text::wrap::{
    TextLayout as EditorView, char_cells, display_char, hscroll_to_show,
};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

/// The caret's screen position inside `area`, if it is on screen.
pub(crate) fn caret_position(view: &EditorView, area: Rect) -> Option<Position> {
    let row = view.caret.0.checked_sub(view.scroll)?;
    if row >= usize::from(area.height) {
        return None;
    }
    // A caret after a full row's last cell stays on the last cell.
    let col = view.caret.1.min(usize::from(area.width.saturating_sub(1)));
    Some(Position::new(area.x + col as u16, area.y + row as u16))
}

/// Draws the lines wrapped into `area` and, when `focused`, puts the terminal cursor at
/// the caret. Returns the layout used (its `scroll` is the one to keep).
pub(crate) fn render(
    frame: &mut Frame,
    area: Rect,
    lines: &[String],
    cursor: (usize, usize),
    scroll: usize,
    style: Style,
    focused: bool,
) -> EditorView {
    let view = EditorView::new(lines, cursor, area.width, area.height, scroll);
    let buf = frame.buffer_mut();
    for (screen_row, row) in view
        .rows
        .iter()
        .skip(view.scroll)
        .take(usize::from(area.height))
        .enumerate()
    {
        let text: String = lines
            .get(row.line)
            .map(String::as_str)
            .unwrap_or("")
            .chars()
            .skip(row.start)
            .take(row.end - row.start)
            .map(display_char)
            .collect();
        buf.set_stringn(
            area.x,
            area.y + screen_row as u16,
            &text,
            usize::from(area.width),
            style,
        );
    }
    if focused && let Some(position) = caret_position(&view, area) {
        frame.set_cursor_position(position);
    }
    view
}

/// Draws a one-line field scrolled sideways by cells so that the caret is visible, and
/// when `focused` puts the terminal cursor at the caret. Returns the first cell shown.
pub(crate) fn render_line(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    cursor_chars: usize,
    hscroll: usize,
    style: Style,
    focused: bool,
) -> usize {
    let width = usize::from(area.width);
    let caret: usize = text.chars().take(cursor_chars).map(char_cells).sum();
    let mut first = hscroll_to_show(hscroll, caret, width);
    // Start on a char boundary: skip whole chars until `first` cells are passed.
    let mut skipped = 0;
    let mut shown = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_cells(c);
        if skipped < first {
            skipped += w;
            continue;
        }
        if used + w > width {
            break;
        }
        shown.push(display_char(c));
        used += w;
    }
    first = skipped;
    frame
        .buffer_mut()
        .set_stringn(area.x, area.y, &shown, width, style);
    if focused && area.height > 0 {
        let col = caret.saturating_sub(first).min(width.saturating_sub(1));
        frame.set_cursor_position(Position::new(area.x + col as u16, area.y));
    }
    first
}
