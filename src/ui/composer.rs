//! The reply composer under the ticket's detail (or under the list, for a reply to the
//! marked tickets) and the replies sent this session in the detail; the windows over it are
//! in `menus`, its notes worded in `note`.

mod menus;
mod note;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::app::App;
use crate::app::composer::{Composer, ComposerMode, ReplyTarget};
use crate::words::{Msg, fill, status_label};
use menus::{render_snippets, render_stale, render_status_menu};

pub use menus::stale_lines;
pub use note::note;

/// Rows the composer takes from the pane above it: enough for a paragraph or two, never
/// so many that the ticket it answers disappears.
fn composer_height(area: Rect) -> u16 {
    let wanted = (area.height * 45 / 100).clamp(8, 14);
    wanted.min(area.height.saturating_sub(3)).max(3)
}

/// Splits the detail's (or the list's) area: the pane keeps the top, the composer gets
/// the bottom. Without a composer the pane keeps it all.
pub(crate) fn split(app: &App, area: Rect) -> (Rect, Option<Rect>) {
    if app.compose.composer.is_none() || app.compose.new_ticket.is_some() {
        return (area, None);
    }
    let height = composer_height(area);
    let top = Rect {
        height: area.height - height,
        ..area
    };
    let bottom = Rect {
        y: area.y + top.height,
        height,
        ..area
    };
    (top, Some(bottom))
}

/// Where the composer sits on the current screen: under the detail, or under the list
/// when no detail is open (a reply to many).
pub fn area(app: &App) -> Option<Rect> {
    let areas = super::layout(app, super::screen(app));
    let host = areas.detail.or(areas.list)?;
    split(app, host).1
}

/// The composer's parts inside its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) editor: Rect,
    pub(crate) attachments: Option<Rect>,
    pub(crate) message: Option<Rect>,
    pub(crate) hint: Rect,
}

fn parts(composer: &Composer, area: Rect) -> Parts {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let mut bottom = inner.bottom();
    let mut take = |wanted: bool| {
        if wanted && bottom > inner.y + 1 {
            bottom -= 1;
            Some(Rect::new(inner.x, bottom, inner.width, 1))
        } else {
            None
        }
    };
    let hint = take(true).unwrap_or(Rect::new(inner.x, inner.y, inner.width, 0));
    let message = take(composer.error.is_some());
    let attachments = take(!composer.attachments.is_empty());
    Parts {
        editor: Rect {
            height: bottom.saturating_sub(inner.y),
            ..inner
        },
        attachments,
        message,
        hint,
    }
}

/// The text area's rectangle on the current screen (for `update`'s scrolling).
pub fn editor_area(app: &App) -> Option<Rect> {
    let composer = app.compose.composer.as_ref()?;
    Some(parts(composer, area(app)?).editor)
}

/// Draws the composer; answers the text area's rectangle (for `update`'s caret).
pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) -> Option<Rect> {
    let composer = app.compose.composer.as_ref()?;
    let lang = app.lang();
    frame.render_widget(Clear, area);
    let title = match &composer.target {
        ReplyTarget::One(id) => fill(lang, Msg::ComposeTitle, &[&id.to_string()]),
        ReplyTarget::Many(ids) => fill(lang, Msg::ComposeTitleMany, &[&ids.len().to_string()]),
    };
    let sending = if composer.sending.is_some() {
        " …".to_string()
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style(app, Role::PaneBorder))
        .title(format!(" {title}{sending} "));
    frame.render_widget(block, area);
    let parts = parts(composer, area);
    let editing = composer.mode == ComposerMode::Editing;
    super::editor::render(
        frame,
        parts.editor,
        composer.editor.lines(),
        composer.cursor(),
        composer.scroll,
        Style::default(),
        editing,
    );
    let cols = usize::from(parts.hint.width);
    let buf = frame.buffer_mut();
    if let Some(row) = parts.attachments {
        let names: Vec<String> = composer
            .attachments
            .iter()
            .map(|a| {
                if a.token.is_some() {
                    a.name.clone()
                } else {
                    format!("{}{}", a.name, Msg::ComposeUploadingMark.text(lang))
                }
            })
            .collect();
        let text = fill(lang, Msg::ComposeAttachments, &[&names.join(", ")]);
        buf.set_stringn(row.x, row.y, fit(&text, cols), cols, Style::default());
    }
    if let Some(row) = parts.message {
        let text = composer
            .error
            .as_ref()
            .map(|error| note(lang, &app.settings.keymap, error))
            .unwrap_or_default();
        let style = style(app, Role::Problem);
        buf.set_stringn(row.x, row.y, fit(&text, cols), cols, style);
    }
    match &composer.mode {
        ComposerMode::AttachPath { line } => {
            let label = Msg::ComposeAttachPrompt.text(lang);
            let label_width = width(label).min(cols);
            buf.set_stringn(parts.hint.x, parts.hint.y, label, cols, Style::default());
            let field = Rect {
                x: parts.hint.x + label_width as u16,
                width: parts.hint.width.saturating_sub(label_width as u16),
                ..parts.hint
            };
            super::editor::render_line(
                frame,
                field,
                &line.text,
                line.caret,
                0,
                Style::default(),
                true,
            );
        }
        _ => {
            // The keys named are the live ones.
            let hint = app.settings.keymap.expand(Msg::ComposeHint.text(lang));
            buf.set_stringn(
                parts.hint.x,
                parts.hint.y,
                fit(&hint, cols),
                cols,
                style(app, Role::Hint),
            );
        }
    }
    if let ComposerMode::StatusMenu { selected } = composer.mode {
        render_status_menu(frame, app, area, selected);
    }
    if let ComposerMode::Snippets { query, selected } = &composer.mode {
        render_snippets(frame, app, area, query, *selected);
    }
    if let ComposerMode::Stale {
        before, updated, ..
    } = &composer.mode
        && let ReplyTarget::One(ticket) = composer.target
    {
        let lines = stale_lines(app, ticket, before.as_deref(), *updated);
        render_stale(frame, app, area, ticket, &lines);
    }
    Some(parts.editor)
}
/// The detail's section of replies sent from this console this session.
pub(crate) fn sent_lines(app: &Ctx, ticket_id: u64, columns: usize) -> Vec<Line<'static>> {
    let Some(sent) = app.compose.sent.get(&ticket_id) else {
        return Vec::new();
    };
    if sent.is_empty() {
        return Vec::new();
    }
    let lang = app.lang();
    let dim = style(app, Role::Hint);
    let mut out = Vec::new();
    for reply in sent {
        let mut head = reply.at.format("%Y-%m-%d %H:%M").to_string();
        if let Some(status) = reply.status {
            head.push(' ');
            head.push_str(&fill(
                lang,
                Msg::SentReplyStatus,
                &[&status_label(lang, status)],
            ));
        }
        out.push(Line::from(Span::styled(head, dim)));
        for line in wrap(&reply.text, columns) {
            out.push(Line::from(line));
        }
        if !reply.attachments.is_empty() {
            let text = fill(
                lang,
                Msg::ComposeAttachments,
                &[&reply.attachments.join(", ")],
            );
            for line in wrap(&text, columns) {
                out.push(Line::from(Span::styled(line, dim)));
            }
        }
    }
    out
}
