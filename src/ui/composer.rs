//! The reply composer under the ticket's detail (or under the list, for a reply to the
//! marked tickets), the replies sent this session in the detail, and running the external
//! editor for Ctrl-E.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::api::{IdField, TicketStatus};
use crate::app::App;
use crate::app::composer::{ComposeNote, Composer, ComposerMode, ReplyTarget};
use crate::app::keymap::KeyMap;
use crate::app::state::Pane;
use crate::lang::Lang;
use crate::words::{Msg, fill, status_label};

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

/// What changed on the server since the ticket was shown, one line per field, oldest value
/// first; the update time always (an agent's account may read no more than that).
pub fn stale_lines(
    app: &App,
    ticket: u64,
    before: Option<&crate::api::Ticket>,
    updated: crate::api::ApiDate,
) -> Vec<String> {
    let lang = app.lang();
    let offset = app.settings.display_offset_minutes;
    let time = |t: crate::api::ApiDate| {
        super::display_time(t, offset)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let unknown = || Msg::CopyValueUnknown.text(lang).to_string();
    let mut lines = Vec::new();
    let was = before.and_then(|t| t.updated).map_or_else(unknown, time);
    lines.push(fill(
        lang,
        Msg::ComposeStaleUpdated,
        &[&time(updated), &was],
    ));
    let (Some(before), Some(now)) = (before, app.tickets.get(&ticket)) else {
        return lines;
    };
    let lookups = &app.lookups;
    // Nobody is "—". A value the server left out (`None`) is no change: a list that
    // answers `tagList: null` says nothing about the tags, so nothing is listed for it.
    let person = |id: IdField| match id {
        IdField::Id(id) => Some(
            lookups
                .agent_name(id)
                .map_or_else(|| format!("#{id}"), str::to_string),
        ),
        IdField::Unset => Some("—".to_string()),
        IdField::Unknown => None,
    };
    let group = |id: IdField| match id {
        IdField::Id(id) => Some(
            lookups
                .group_name(id)
                .map_or_else(|| format!("#{id}"), str::to_string),
        ),
        IdField::Unset => Some("—".to_string()),
        IdField::Unknown => None,
    };
    let tags = |tags: &Option<Vec<String>>| tags.as_ref().map(|t| t.join(","));
    let status = |s: Option<TicketStatus>| s.map_or_else(unknown, |s| status_label(lang, s));
    let priority = |p: Option<crate::api::Priority>| {
        p.map_or_else(unknown, |p| crate::words::priority_label(lang, p))
    };
    let mut push = |field: Msg, old: String, new: String| {
        if old != new {
            lines.push(fill(
                lang,
                Msg::ComposeStaleField,
                &[field.text(lang), &old, &new],
            ));
        }
    };
    push(
        Msg::FieldSubject,
        before.subject.clone(),
        now.subject.clone(),
    );
    push(Msg::FieldStatus, status(before.status), status(now.status));
    push(
        Msg::FieldPriority,
        priority(before.priority),
        priority(now.priority),
    );
    let known = [
        (
            Msg::FieldAssignee,
            person(before.assignee_id),
            person(now.assignee_id),
        ),
        (Msg::FieldGroup, group(before.group_id), group(now.group_id)),
        (Msg::FieldTags, tags(&before.tags), tags(&now.tags)),
    ];
    for (field, old, new) in known {
        if let (Some(old), Some(new)) = (old, new) {
            push(field, old, new);
        }
    }
    lines
}

/// The "changed since you opened it" window over the composer.
fn render_stale(frame: &mut Frame, app: &Ctx, over: Rect, ticket: u64, lines: &[String]) {
    let lang = app.lang();
    let title = fill(lang, Msg::ComposeStaleTitle, &[&ticket.to_string()]);
    let hint = app.settings.keymap.expand(Msg::ComposeStaleHint.text(lang));
    let widest = lines
        .iter()
        .map(|l| width(l))
        .chain([width(&title) + 2, width(&hint)])
        .max()
        .unwrap_or(16);
    let w = (widest as u16).saturating_add(4);
    let h = (lines.len() as u16).saturating_add(4);
    let inner = super::centered_window(frame, app, over, (w, h), &title);
    let cols = usize::from(inner.width);
    let buf = frame.buffer_mut();
    for (row, line) in lines.iter().enumerate() {
        let y = inner.y + row as u16;
        if y >= inner.bottom() {
            return;
        }
        buf.set_stringn(
            inner.x + 1,
            y,
            fit(line, cols.saturating_sub(1)),
            cols,
            Style::default(),
        );
    }
    // Below the lines and a blank row, when the window has room for it.
    let hint_row = inner.y.saturating_add(lines.len() as u16).saturating_add(1);
    if hint_row < inner.bottom() {
        buf.set_stringn(
            inner.x + 1,
            hint_row,
            fit(&hint, cols.saturating_sub(1)),
            cols,
            style(app, Role::Hint),
        );
    }
}

/// The Ctrl-T menu: which status to set with the reply.
fn render_status_menu(frame: &mut Frame, app: &Ctx, over: Rect, selected: usize) {
    let lang = app.lang();
    let title = Msg::ComposeStatusTitle.text(lang);
    // The keys named are the live ones: this menu reads `[keys.status_menu]`.
    let hint = app.settings.keymap.hint_line(
        Pane::StatusMenu,
        &[
            (&["pick"], Msg::HintSend),
            (&["pick_status"], Msg::HintPick),
            (&["cancel"], Msg::HintCancel),
        ],
        lang,
    );
    let hint = hint.as_str();
    let inner_width = (width(title) + 2).max(width(hint)).max(16);
    let w = (inner_width as u16 + 2).min(over.width);
    let h = (TicketStatus::ALL.len() as u16 + 3).min(over.height);
    let area = Rect::new(
        over.x + (over.width - w) / 2,
        over.y + (over.height - h) / 2,
        w,
        h,
    );
    super::clear_overlay(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let buf = frame.buffer_mut();
    for (index, status) in TicketStatus::ALL.iter().enumerate() {
        if index as u16 >= inner.height {
            break;
        }
        let text = format!(" {} {}", index + 1, status_label(lang, *status));
        let style = if index == selected {
            style(app, Role::Selection)
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
    // The caret sits on the choice, so an input method has nowhere odd to open.
    let row = inner.y + selected.min(usize::from(inner.height.saturating_sub(1))) as u16;
    frame.set_cursor_position(Position::new(inner.x, row));
}

/// The canned replies' picker (Ctrl-G): the query typed, the matches best first (title,
/// then name, dimmed), the chosen one highlighted, and the first lines of its body.
fn render_snippets(
    frame: &mut Frame,
    app: &Ctx,
    over: Rect,
    query: &crate::app::line_edit::LineEditor,
    selected: usize,
) {
    let lang = app.lang();
    let snippets = &app.settings.snippets;
    let matches = crate::app::snippets::matching(snippets, &query.text);
    let title = Msg::SnippetTitle.text(lang);
    // ↑/↓ choose (the prompt's history keys, whose fixed arrows are listed last).
    let keymap = &app.settings.keymap;
    let arrow = |name| keymap.keys_of(Pane::Prompt, name).last().map(|k| k.label());
    let moves = match (arrow("history_prev"), arrow("history_next")) {
        (Some(up), Some(down)) => format!("{up}/{down} {}  ", Msg::HintMove.text(lang)),
        _ => String::new(),
    };
    let hint = moves
        + &keymap.hint_line(
            Pane::Prompt,
            &[
                (&["submit"], Msg::HintInsert),
                (&["cancel"], Msg::HintCancel),
            ],
            lang,
        );
    let w = over.width.saturating_sub(4).max(20).min(over.width);
    let h = over.height.min(14).max(5.min(over.height));
    let area = Rect::new(
        over.x + (over.width - w) / 2,
        over.y + (over.height - h) / 2,
        w,
        h,
    );
    super::clear_overlay(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let cols = usize::from(inner.width);
    // Row 0: the query; the last row: the keys; between, the matches.
    let label = Msg::SnippetFind.text(lang);
    let label_width = width(label).min(cols);
    frame
        .buffer_mut()
        .set_stringn(inner.x, inner.y, label, cols, Style::default());
    let field = Rect {
        x: inner.x + label_width as u16,
        width: inner.width.saturating_sub(label_width as u16),
        height: 1,
        ..inner
    };
    super::editor::render_line(
        frame,
        field,
        &query.text,
        query.caret,
        0,
        Style::default(),
        true,
    );
    let buf = frame.buffer_mut();
    let list_rows = usize::from(inner.height.saturating_sub(2));
    if matches.is_empty() && list_rows > 0 {
        let text = Msg::SnippetNoMatch.text(lang);
        buf.set_stringn(
            inner.x,
            inner.y + 1,
            fit(text, cols),
            cols,
            style(app, Role::Hint),
        );
    }
    let first = selected.saturating_sub(list_rows.saturating_sub(1));
    for (row, (index, snippet_index)) in matches.iter().enumerate().skip(first).enumerate() {
        if row >= list_rows {
            break;
        }
        let Some(snippet) = snippets.get(*snippet_index) else {
            continue;
        };
        let y = inner.y + 1 + row as u16;
        let row_style = if index == selected {
            style(app, Role::Selection)
        } else {
            Style::default()
        };
        let text = format!(" {}", snippet.title);
        let used = width(&text).min(cols);
        buf.set_stringn(inner.x, y, fit(&text, cols), cols, row_style);
        let rest = cols.saturating_sub(used);
        if rest > 2 {
            let name = format!("  {}", snippet.name);
            buf.set_stringn(
                inner.x + used as u16,
                y,
                fit(&name, rest),
                rest,
                style(app, Role::Hint),
            );
        }
    }
    let hint_row = inner.bottom().saturating_sub(1);
    if inner.height >= 2 {
        buf.set_stringn(inner.x, hint_row, fit(&hint, cols), cols, Style::default());
    }
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

/// What the composer and the new-ticket form tell (a notice, the pane's error), in words.
pub fn note(lang: Lang, keys: &KeyMap, n: &ComposeNote) -> String {
    let keyed = |msg: Msg, args: &[&str]| super::bulk::keyed(lang, keys, msg, args);
    // An API error's "press R to retry" would reload the list: here to try again is `again`.
    let reason = |error: &crate::api::ApiError, again: &str| {
        let again = |text: &str| keys.expand(&text.replace("{key:list.reload}", again));
        crate::words::api_error_keyed(lang, error, &again)
    };
    let send_again = |open: bool| {
        if open {
            "{key:composer.send}"
        } else {
            "{key:list.reply}"
        }
    };
    match n {
        ComposeNote::EditorFailed(why) => keyed(Msg::ComposeEditorFailed, &[why]),
        ComposeNote::NoTicket => keyed(Msg::ComposeNoTicket, &[]),
        ComposeNote::DraftRestored => keyed(Msg::ComposeDraftRestored, &[]),
        ComposeNote::DraftKept => keyed(Msg::ComposeDraftKept, &[]),
        ComposeNote::Empty => keyed(Msg::ComposeEmpty, &[]),
        ComposeNote::Uploading => keyed(Msg::ComposeUploading, &[]),
        ComposeNote::Sending(ticket) => keyed(Msg::ComposeSending, &[&ticket.to_string()]),
        ComposeNote::StaleClosed(ticket) => keyed(Msg::ComposeStaleClosed, &[&ticket.to_string()]),
        ComposeNote::Sent {
            ticket,
            status: Some(status),
        } => keyed(
            Msg::ComposeSentWithStatus,
            &[&ticket.to_string(), &status_label(lang, *status)],
        ),
        ComposeNote::Sent {
            ticket,
            status: None,
        } => keyed(Msg::ComposeSent, &[&ticket.to_string()]),
        ComposeNote::SendError { error, open } => reason(error, send_again(*open)),
        ComposeNote::SendFailed {
            ticket,
            error,
            open,
        } => keyed(
            Msg::ComposeSendFailed,
            &[&ticket.to_string(), &reason(error, send_again(*open))],
        ),
        ComposeNote::Attached(name) => keyed(Msg::ComposeAttachments, &[name]),
        ComposeNote::UploadFailed { name, reason } => {
            keyed(Msg::ComposeUploadFailed, &[name, reason])
        }
        ComposeNote::DraftFailed(why) => keyed(Msg::ComposeDraftFailed, &[why]),
        ComposeNote::NeedSubject => keyed(Msg::FormNeedSubject, &[]),
        ComposeNote::NeedDescription => keyed(Msg::FormNeedDescription, &[]),
        ComposeNote::BadContactId(given) => keyed(Msg::FormBadContactId, &[given]),
        ComposeNote::NeedContact => keyed(Msg::FormNeedContact, &[]),
        ComposeNote::Creating => keyed(Msg::FormCreating, &[]),
        ComposeNote::Created(ticket) => keyed(Msg::FormCreated, &[&ticket.to_string()]),
        // Creating again is the form's create key, not the list's reload.
        ComposeNote::CreateError(error) => reason(error, "{key:new_ticket.create}"),
        ComposeNote::NoSnippets => keyed(Msg::ComposeNoSnippets, &[]),
        ComposeNote::SnippetUnknown(vars) => {
            let names: Vec<String> = vars.iter().map(|v| format!("{{{}}}", v.name())).collect();
            keyed(Msg::SnippetUnknown, &[&names.join(", ")])
        }
        ComposeNote::CreateFailed(error) => keyed(
            Msg::FormCreateFailed,
            &[&reason(error, "{key:new_ticket.create}")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, NetworkError};

    /// Every note reads in both languages with its arguments in and its keys named; a
    /// failed send or create names the key that tries again, never the list's reload.
    #[test]
    fn every_compose_note_is_worded_in_both_languages() {
        let timeout = || ApiError::Network(NetworkError::Timeout);
        let notes = [
            ComposeNote::EditorFailed("vim: not found".into()),
            ComposeNote::NoTicket,
            ComposeNote::DraftRestored,
            ComposeNote::DraftKept,
            ComposeNote::Empty,
            ComposeNote::Uploading,
            ComposeNote::Sending(7),
            ComposeNote::StaleClosed(7),
            ComposeNote::Sent {
                ticket: 7,
                status: Some(TicketStatus::Solved),
            },
            ComposeNote::Sent {
                ticket: 7,
                status: None,
            },
            ComposeNote::SendError {
                error: timeout(),
                open: true,
            },
            ComposeNote::SendFailed {
                ticket: 7,
                error: timeout(),
                open: false,
            },
            ComposeNote::Attached("日志.txt".into()),
            ComposeNote::UploadFailed {
                name: "file.pdf".into(),
                reason: "too big".into(),
            },
            ComposeNote::DraftFailed("disk full".into()),
            ComposeNote::NeedSubject,
            ComposeNote::NeedDescription,
            ComposeNote::BadContactId("abc".into()),
            ComposeNote::NeedContact,
            ComposeNote::Creating,
            ComposeNote::Created(12),
            ComposeNote::CreateError(timeout()),
            ComposeNote::CreateFailed(timeout()),
            ComposeNote::NoSnippets,
        ];
        let keys = KeyMap::default();
        for lang in [Lang::En, Lang::Zh] {
            for n in &notes {
                let text = note(lang, &keys, n);
                assert!(!text.is_empty(), "{n:?}");
                assert!(!text.contains('{'), "{lang:?} {n:?}: {text}");
            }
        }
        let reload = keys.expand("{key:list.reload}");
        let send = keys.expand("{key:composer.send}");
        let reply = keys.expand("{key:list.reply}");
        let open = note(
            Lang::En,
            &keys,
            &ComposeNote::SendError {
                error: timeout(),
                open: true,
            },
        );
        assert!(open.ends_with(&format!("press {send} to retry")), "{open}");
        let closed = note(
            Lang::En,
            &keys,
            &ComposeNote::SendFailed {
                ticket: 7,
                error: timeout(),
                open: false,
            },
        );
        assert!(
            closed.contains(&format!("press {reply} to retry")),
            "{closed}"
        );
        assert!(!closed.contains(&format!("press {reload} ")), "{closed}");
    }
}
