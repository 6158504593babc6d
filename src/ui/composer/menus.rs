//! The windows over the composer: changed since shown, status (Ctrl-T), canned replies (Ctrl-G).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

use crate::api::{IdField, TicketStatus};
use crate::app::App;
use crate::app::state::Pane;
use crate::ui::theme::Role;
use crate::ui::{Ctx, fit, style, width};
use crate::words::{Msg, fill, status_label};

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
        crate::ui::display_time(t, offset)
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
pub(super) fn render_stale(
    frame: &mut Frame,
    app: &Ctx,
    over: Rect,
    ticket: u64,
    lines: &[String],
) {
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
    let inner = crate::ui::centered_window(frame, app, over, (w, h), &title);
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
pub(super) fn render_status_menu(frame: &mut Frame, app: &Ctx, over: Rect, selected: usize) {
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
    let size = (inner_width as u16 + 2, TicketStatus::ALL.len() as u16 + 3);
    let inner = crate::ui::centered_window(frame, app, over, size, title);
    crate::ui::status_menu::status_rows(frame, app, inner, None, selected, hint);
    // The caret sits on the choice, so an input method has nowhere odd to open.
    let row = inner.y + selected.min(usize::from(inner.height.saturating_sub(1))) as u16;
    frame.set_cursor_position(Position::new(inner.x, row));
}

/// The canned replies' picker (Ctrl-G): the query typed, the matches best first (title,
/// then name, dimmed), the chosen one highlighted, and the first lines of its body.
pub(super) fn render_snippets(
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
    let inner = crate::ui::centered_window(frame, app, over, (w, h), title);
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
    crate::ui::editor::render_line(
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
