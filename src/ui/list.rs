//! The ticket list, virtualised: only the rows on screen are built, each cell cut to its
//! column by display width.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Ctx;
use super::rows::{CachedRow, ROW_CACHE_LIMIT, RowCache, RowInputs};
use super::theme::{Role, glyph};
use super::{fit, style, width};
use crate::api::{IdField, Priority, Ticket, TicketStatus};
use crate::app::App;
use crate::app::state::{SelectionStyle, View};
use crate::lang::Lang;
use crate::words::{Msg, fill, priority_label, status_label};

/// A column of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    Status,
    Priority,
    Subject,
    Contact,
    Assignee,
    Updated,
    Tags,
}

impl Column {
    fn header(self) -> Msg {
        match self {
            Column::Id => Msg::ColId,
            Column::Status => Msg::ColStatus,
            Column::Priority => Msg::ColPriority,
            Column::Subject => Msg::ColSubject,
            Column::Contact => Msg::ColContact,
            Column::Assignee => Msg::ColAssignee,
            Column::Updated => Msg::ColUpdated,
            Column::Tags => Msg::ColTags,
        }
    }
}

/// The list's column of a local sort's, when the list shows one.
fn list_column(column: &crate::app::local::Column) -> Option<Column> {
    use crate::app::local::Column as By;
    Some(match column {
        By::Id => Column::Id,
        By::Status => Column::Status,
        By::Priority => Column::Priority,
        By::Contact => Column::Contact,
        By::Assignee => Column::Assignee,
        By::Updated => Column::Updated,
        By::Tags => Column::Tags,
        _ => return None,
    })
}

/// Columns left of the rows: the selection cursor, the marked glyph and the changed mark.
const GUTTER: usize = 3;
const SUBJECT_MIN: usize = 16;
/// Beside the preview the list is narrower, yet the subject is what a row is read by: the
/// optional columns give way before it is cut below this.
const SUBJECT_MIN_BESIDE_PREVIEW: usize = 32;

/// The columns that fit a width, with their widths, in display order.
pub fn columns(app: &App, view: &View, total: usize) -> Vec<(Column, usize)> {
    let lang = app.lang();
    let header = |c: Column| width(c.header().text(lang));
    let max_id = view.max_id;
    let id_width = max_id.to_string().len().max(header(Column::Id)) + 1;
    let status_width = TicketStatus::ALL
        .iter()
        .map(|s| width(&status_label(lang, *s)))
        .max()
        .unwrap_or(6)
        .max(header(Column::Status));
    let priority_width = Priority::ALL
        .iter()
        .map(|p| width(&priority_label(lang, *p)))
        .max()
        .unwrap_or(4)
        .max(header(Column::Priority));
    let updated_width = 10;
    let fixed = [
        (Column::Id, id_width),
        (Column::Status, status_width),
        (Column::Priority, priority_width),
        (Column::Updated, updated_width),
    ];
    let mut used = GUTTER + fixed.iter().map(|(_, w)| w + 1).sum::<usize>();
    // Optional columns, most useful first, taken while the subject keeps its minimum.
    let subject_min = if app.detail_beside() {
        SUBJECT_MIN_BESIDE_PREVIEW
    } else {
        SUBJECT_MIN
    };
    let mut optional = Vec::new();
    for (column, w) in [
        (Column::Assignee, 10),
        (Column::Contact, 12),
        (Column::Tags, 16),
    ] {
        if used + w + 1 + subject_min <= total {
            used += w + 1;
            optional.push((column, w));
        }
    }
    // The subject's own separator counts too.
    let subject = total.saturating_sub(used + 1).max(1);
    let has = |c: Column| optional.iter().find(|(x, _)| *x == c).copied();
    let mut out = vec![fixed[0], fixed[1], fixed[2], (Column::Subject, subject)];
    out.extend(has(Column::Contact));
    out.extend(has(Column::Assignee));
    out.push(fixed[3]);
    out.extend(has(Column::Tags));
    out
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, cache: &mut RowCache, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let view = app.current_view();
    let lang = app.lang();
    let total = usize::from(area.width);
    let cols = columns(app, view, total);
    let buf = frame.buffer_mut();

    let header_style = style(app, Role::Header);
    let mut header = " ".repeat(GUTTER);
    // A view from the store shows its sort on the column's header, when the list has it.
    let sorted = view
        .local
        .as_ref()
        .filter(|local| local.answered())
        .and_then(|local| Some((list_column(&local.column)?, local.order)));
    for (column, w) in &cols {
        let text = column.header().text(lang);
        match sorted {
            Some((by, order)) if by == *column => {
                let arrow = super::status_bar::sort_arrow(order);
                let label = format!("{}{arrow}", fit(text, w.saturating_sub(1)).trim_end());
                header.push_str(&fit(&label, *w));
            }
            _ => header.push_str(&fit(text, *w)),
        }
        header.push(' ');
    }
    // Cut, not truncated with "…": the columns already fit; only the last space may not.
    buf.set_stringn(area.x, area.y, &header, total, header_style);

    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    let rows = usize::from(body.height);
    if view.ids.is_empty() {
        let text = if let Some(error) = &view.error {
            super::notice::view_error(lang, &app.settings.keymap, error)
        } else if !view.loaded() {
            Msg::Loading.text(lang).to_string()
        } else {
            Msg::EmptyView.text(lang).to_string()
        };
        let text_style = if view.error.is_some() {
            style(app, Role::Error)
        } else {
            Style::default()
        };
        if rows > 0 {
            buf.set_stringn(
                body.x + 2,
                body.y,
                fit(&text, total.saturating_sub(2)),
                total,
                text_style,
            );
        }
        return;
    }
    // The selection is always on screen, whatever offset the state holds.
    let mut offset = view.offset.min(view.ids.len().saturating_sub(1));
    if view.selected < offset {
        offset = view.selected;
    } else if view.selected >= offset + rows {
        offset = view.selected + 1 - rows;
    }
    let layout: Vec<(u8, usize)> = cols.iter().map(|(c, w)| (*c as u8, *w)).collect();
    let flags = (lang as u8, app.settings.color);
    if cache.layout != layout || cache.layout_flags != flags {
        cache.layout = layout;
        cache.layout_flags = flags;
        cache.rows.clear();
    }
    if cache.rows.len() > ROW_CACHE_LIMIT {
        cache.rows.clear();
    }
    let cells_width = body.width.saturating_sub(GUTTER as u16);
    let selection = selection_style(app);
    for (row, index) in (offset..view.ids.len()).take(rows).enumerate() {
        let id = view.ids[index];
        let selected = index == view.selected;
        let y = body.y + row as u16;
        let cursor = if selected { glyph::CURSOR } else { ' ' };
        let changed = view.changed.contains(&id);
        let mark = if changed { glyph::CHANGED } else { ' ' };
        buf.set_stringn(body.x, y, cursor.to_string(), 1, Style::default());
        if app.marks.contains(id) {
            let marked = glyph::MARKED.to_string();
            buf.set_stringn(body.x + 1, y, marked, 1, style(app, Role::Marked));
        } else {
            buf.set_stringn(body.x + 1, y, " ", 1, Style::default());
        }
        buf.set_stringn(body.x + 2, y, mark.to_string(), 1, Style::default());
        let inputs = row_inputs(app, cache, id);
        let fresh = cache.rows.get(&id).is_some_and(|c| c.inputs == inputs);
        if !fresh {
            let line = row_line(app, id, &cols, total);
            cache.builds += 1;
            cache.rows.insert(id, CachedRow { inputs, line });
        }
        if let Some(cached) = cache.rows.get(&id) {
            buf.set_line(body.x + GUTTER as u16, y, &cached.line, cells_width);
        }
        let row_area = Rect::new(body.x, y, body.width, 1);
        if changed {
            buf.set_style(row_area, style(app, Role::Changed));
        }
        if selected {
            buf.set_style(selection_area(app, &cols, row_area), selection);
        }
    }
}

/// The selected row's style. A whole row is one plain bar in the theme's selection style:
/// the cells' own colours would break it into patches, and each colour change costs bytes
/// on every `j`. Without colour it is always reverse video, so it never vanishes.
fn selection_style(app: &Ctx) -> Style {
    let theme = style(app, Role::Selection);
    let theme = if app.settings.color {
        theme
    } else {
        theme.add_modifier(Modifier::REVERSED)
    };
    match app.settings.selection {
        SelectionStyle::Row => Style::reset().patch(theme),
        SelectionStyle::Cursor => theme,
    }
}

/// The part of the selected row that is highlighted: all of it, or (`ui.selection =
/// "cursor"`, for very slow links) the cursor and the id, so that a `j` rewrites a dozen
/// cells rather than two whole rows.
fn selection_area(app: &Ctx, cols: &[(Column, usize)], row: Rect) -> Rect {
    match app.settings.selection {
        SelectionStyle::Row => row,
        SelectionStyle::Cursor => {
            let id_width = cols.first().map_or(0, |(_, w)| *w);
            let highlight = (GUTTER + id_width).min(usize::from(row.width)) as u16;
            Rect {
                width: highlight,
                ..row
            }
        }
    }
}

/// What a row's text depends on besides its layout: when any of it moves, the row is
/// rebuilt. Cheap: no text is cleaned or measured here.
fn row_inputs(app: &Ctx, cache: &mut RowCache, id: u64) -> RowInputs {
    let ticket = app.tickets.summary(&id);
    let mut name = |found: Option<&str>| found.map(|n| cache.names.intern(n));
    RowInputs {
        generation: app.tickets.generation(id),
        contact: name(
            ticket
                .and_then(|t| t.contact_id)
                .and_then(|c| app.lookups.contact(c))
                .map(|c| c.name.as_str()),
        ),
        assignee: name(
            ticket
                .and_then(|t| t.assignee_id.id())
                .and_then(|a| app.lookups.agent_name(a)),
        ),
        age_minutes: ticket
            .and_then(|t| t.updated)
            .map(|t| (app.now - t).num_minutes()),
    }
}

/// One row's cells (right of the gutter), built only when its inputs changed.
fn row_line(app: &Ctx, id: u64, cols: &[(Column, usize)], total: usize) -> Line<'static> {
    let ticket = app.tickets.get(&id);
    // A ticket the server sent but that could not be read: its id and why, dimmed.
    let unreadable = app.tickets.unreadable(id).filter(|_| ticket.is_none());
    let muted = style(app, Role::Muted);
    // A row of a view from the store whose ticket is being read from it by id.
    let loading = ticket.is_none()
        && unreadable.is_none()
        && app
            .current_view()
            .local
            .as_ref()
            .is_some_and(|local| local.answered());
    let mut spans = Vec::with_capacity(cols.len() * 2 + 1);
    let mut used = GUTTER;
    for (column, w) in cols {
        let (text, style) = match (&ticket, unreadable) {
            (Some(ticket), _) => cell(app, ticket, *column),
            (None, Some(_)) if *column == Column::Id => (id.to_string(), muted),
            (None, Some(reason)) if *column == Column::Subject => {
                (fill(app.lang(), Msg::UnreadableReason, &[reason]), muted)
            }
            (None, _) if *column == Column::Id => (id.to_string(), Style::default()),
            (None, _) if loading && *column == Column::Subject => {
                (fill(app.lang(), Msg::RowLoading, &[]), muted)
            }
            (None, _) => (String::new(), Style::default()),
        };
        let text = if *column == Column::Id {
            format!("{text:>width$}", width = w - 1)
        } else {
            text
        };
        spans.push(Span::styled(fit(&text, *w), style));
        spans.push(Span::raw(" "));
        used += w + 1;
    }
    if used < total {
        spans.push(Span::raw(" ".repeat(total - used)));
    }
    Line::from(spans)
}

fn cell(app: &Ctx, ticket: &Ticket, column: Column) -> (String, Style) {
    let lang = app.lang();
    let plain = Style::default();
    match column {
        Column::Id => (ticket.id.to_string(), plain),
        Column::Status => match ticket.status {
            Some(status) => (status_label(lang, status), status_style(app, status)),
            // Sent but unreadable: unknown, which is not the same as none.
            None if ticket.unreadable.iter().any(|f| f.key == "ticketStatus") => {
                ("?".to_owned(), style(app, Role::Muted))
            }
            None => (String::new(), plain),
        },
        Column::Priority => match ticket.priority {
            Some(priority) => {
                let role = match priority {
                    Priority::Urgent => Some(Role::PriorityUrgent),
                    Priority::High => Some(Role::PriorityHigh),
                    Priority::Normal => Some(Role::PriorityNormal),
                    Priority::Low => Some(Role::PriorityLow),
                    Priority::Unknown(_) => None,
                };
                let cell_style = role.map_or(plain, |role| style(app, role));
                (priority_label(lang, priority), cell_style)
            }
            None => (String::new(), plain),
        },
        Column::Subject => (ticket.subject.replace('\n', " "), plain),
        Column::Contact => (
            ticket
                .contact_id
                .map(|id| {
                    app.lookups
                        .contact(id)
                        .map_or_else(|| format!("#{id}"), |c| c.name.clone())
                })
                .unwrap_or_default(),
            plain,
        ),
        Column::Assignee => match ticket.assignee_id {
            IdField::Id(id) => (
                app.lookups
                    .agent_name(id)
                    .map_or_else(|| format!("#{id}"), str::to_string),
                plain,
            ),
            IdField::Unset => (String::new(), plain),
            IdField::Unknown => (unknown_cell(ticket, lang), style(app, Role::Muted)),
        },
        Column::Updated => (
            ticket
                .updated
                .map(|t| relative(lang, app.now, t, app.settings.display_offset_minutes))
                .unwrap_or_default(),
            style(app, Role::Muted),
        ),
        Column::Tags => match &ticket.tags {
            Some(tags) => (tags.join(","), style(app, Role::Tags)),
            None => (unknown_cell(ticket, lang), style(app, Role::Muted)),
        },
    }
}

/// A cell of a full ticket whose field the server left out: a dash, not the blank of "none"
/// (a search hit's row, where nothing is known yet, stays blank).
fn unknown_cell(ticket: &Ticket, lang: Lang) -> String {
    if crate::bulk::ticket_is_full(ticket) {
        Msg::ValueUnknownCell.text(lang).to_string()
    } else {
        String::new()
    }
}

fn status_style(app: &Ctx, status: TicketStatus) -> Style {
    let role = match status {
        TicketStatus::New => Role::StatusNew,
        TicketStatus::Open => Role::StatusOpen,
        TicketStatus::Pending => Role::StatusPending,
        TicketStatus::Solved => Role::StatusSolved,
        TicketStatus::AutoClosed | TicketStatus::Closed => Role::StatusClosed,
        TicketStatus::Unknown(_) => return Style::default(),
    };
    style(app, role)
}

/// "3分钟前" / "3m ago"; a date (in the display zone, `display_offset_minutes` east of
/// UTC) once it is a month old. Both times are the server's (UTC+8).
pub(crate) fn relative(
    lang: Lang,
    now: NaiveDateTime,
    then: NaiveDateTime,
    display_offset_minutes: i32,
) -> String {
    let minutes = (now - then).num_minutes();
    if minutes < 1 {
        Msg::JustNow.text(lang).to_string()
    } else if minutes < 60 {
        fill(lang, Msg::MinutesAgo, &[&minutes.to_string()])
    } else if minutes < 24 * 60 {
        fill(lang, Msg::HoursAgo, &[&(minutes / 60).to_string()])
    } else if minutes < 30 * 24 * 60 {
        fill(lang, Msg::DaysAgo, &[&(minutes / (24 * 60)).to_string()])
    } else {
        super::display_time(then, display_offset_minutes)
            .format("%Y-%m-%d")
            .to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let ago = |m: i64| now - chrono::Duration::minutes(m);
        assert_eq!(relative(Lang::Zh, now, ago(3), 480), "3分钟前");
        assert_eq!(relative(Lang::En, now, ago(3), 480), "3m ago");
        assert_eq!(relative(Lang::En, now, ago(0), 480), "just now");
        assert_eq!(relative(Lang::En, now, ago(-5), 480), "just now");
        assert_eq!(relative(Lang::En, now, ago(125), 480), "2h ago");
        assert_eq!(relative(Lang::Zh, now, ago(60 * 24 * 3), 480), "3天前");
        assert_eq!(
            relative(Lang::En, now, ago(60 * 24 * 40), 480),
            "2026-10-20"
        );
    }
}
