//! The one-line prompts (search and date filter): the input with the terminal cursor at the
//! caret (so an input method opens its window there), and below it a hint, the completions
//! Tab offers, or why the input was refused.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::state::Pane;
use crate::app::state::PromptKind;
use crate::words::{Msg, fill};

pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) {
    let Some(prompt) = &app.prompt else {
        return;
    };
    let lang = app.lang();
    let (label, hint) = match prompt.kind {
        PromptKind::Search => (Msg::SearchPrompt, Msg::SearchHint),
        PromptKind::Filter => (Msg::FilterPrompt, Msg::FilterHint),
        PromptKind::GoTo => (Msg::GoToPrompt, Msg::GoToHint),
        PromptKind::LiveFilter => (Msg::LiveFilterPrompt, Msg::LiveFilterHint),
        PromptKind::SaveView => (Msg::SaveViewPrompt, Msg::SaveViewHint),
    };
    let label = label.text(lang);
    // The keys named in the hint are the live ones.
    let keymap = &app.settings.keymap;
    let key = |name: &str| keymap.labels(Pane::Prompt, name, 2);
    let hint = match prompt.kind {
        PromptKind::Search => fill(
            lang,
            hint,
            &[
                &key("submit"),
                &key("cancel"),
                &key("complete"),
                &key("help"),
            ],
        ),
        PromptKind::SaveView => fill(lang, hint, &[&key("submit"), &key("cancel")]),
        PromptKind::Filter | PromptKind::GoTo | PromptKind::LiveFilter => {
            fill(lang, hint, &[&key("submit"), &key("cancel"), &key("help")])
        }
    };
    let line = &prompt.line;
    // Several completions: the hint line lists them (the next Tab puts each in turn).
    let hint = match &line.completion {
        Some(completion) if !completion.candidates.is_empty() => fill(
            lang,
            Msg::CompleteCandidates,
            &[&key("complete"), &completion.candidates.join("  ")],
        ),
        _ => hint,
    };
    let total = usize::from(area.width);
    let text_room = total.saturating_sub(width(label) + 1);
    // Keep the caret on screen: show the tail of a long input (measured in display
    // columns, so CJK text places the caret right).
    // Walks back from the caret, one character's width at a time (linear in the line).
    let before = line.before_caret();
    let chars: Vec<char> = before.chars().collect();
    let mut skip = chars.len();
    let mut used = 0;
    while skip > 0 {
        let columns = unicode_width::UnicodeWidthChar::width(chars[skip - 1]).unwrap_or(0);
        if used + columns > text_room {
            break;
        }
        used += columns;
        skip -= 1;
    }
    let shown: String = line.text.chars().skip(skip).collect();
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
        && !line.text.trim().is_empty()
        && crate::app::update::ticket_number(&line.text).is_none();
    let (second, second_style) = match &prompt.error {
        Some(error) => (
            super::notice::prompt_error(lang, error),
            style(app, Role::Error),
        ),
        None if not_a_number => (Msg::GoToBad.text(lang).to_string(), style(app, Role::Error)),
        None => (hint.clone(), style(app, Role::Muted)),
    };
    if area.height > 1 {
        buf.set_stringn(area.x, area.y + 1, fit(&second, total), total, second_style);
    }
    let caret: String = before.chars().skip(skip).collect();
    frame.set_cursor_position(Position::new(x + width(&caret) as u16, area.y));
}
