//! The one-line prompts (search and date filter): the input with the terminal cursor at the
//! caret (so an input method opens its window there), and below it a hint or why the input
//! was refused.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use super::i18n::{Msg, fill};
use super::theme::Role;
use super::{fit, style, width};
use crate::app::App;
use crate::app::state::Pane;
use crate::app::state::PromptKind;

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Some(prompt) = &app.prompt else {
        return;
    };
    let lang = app.lang();
    let (label, hint) = match prompt.kind {
        PromptKind::Search => (Msg::SearchPrompt, Msg::SearchHint),
        PromptKind::Filter => (Msg::FilterPrompt, Msg::FilterHint),
        PromptKind::GoTo => (Msg::GoToPrompt, Msg::GoToHint),
    };
    let label = label.text(lang);
    // The keys named in the hint are the live ones.
    let keymap = &app.settings.keymap;
    let hint = fill(
        lang,
        hint,
        &[
            &keymap.labels(Pane::Prompt, "submit", 2),
            &keymap.labels(Pane::Prompt, "cancel", 2),
        ],
    );
    let total = usize::from(area.width);
    let text_room = total.saturating_sub(width(label) + 1);
    // Keep the caret on screen: show the tail of a long input.
    let before: String = prompt.text.chars().take(prompt.cursor).collect();
    let mut skip = 0;
    while width(&before.chars().skip(skip).collect::<String>()) > text_room {
        skip += 1;
    }
    let shown: String = prompt.text.chars().skip(skip).collect();
    let buf = frame.buffer_mut();
    buf.set_stringn(area.x, area.y, label, total, style(app, Role::Label));
    let x = area.x + width(label) as u16;
    buf.set_stringn(
        x,
        area.y,
        fit(&shown, text_room),
        text_room,
        Style::default(),
    );
    // A ticket number is checked as it is typed (Enter does nothing until it is one).
    let not_a_number = prompt.kind == PromptKind::GoTo
        && !prompt.text.trim().is_empty()
        && crate::app::update::ticket_number(&prompt.text).is_none();
    let (second, second_style) = match &prompt.error {
        Some(error) => (error.as_str(), style(app, Role::Error)),
        None if not_a_number => (Msg::GoToBad.text(lang), style(app, Role::Error)),
        None => (hint.as_str(), style(app, Role::Muted)),
    };
    if area.height > 1 {
        buf.set_stringn(area.x, area.y + 1, fit(second, total), total, second_style);
    }
    let caret: String = before.chars().skip(skip).collect();
    frame.set_cursor_position(Position::new(x + width(&caret) as u16, area.y));
}
