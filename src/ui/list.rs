//! The ticket list, virtualised: only the rows on screen are built, each cell cut to its
//! column by display width.

mod cells;
mod columns;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::Ctx;
use super::rows::{CachedRow, ROW_CACHE_LIMIT, RowCache, RowInputs};
use super::theme::{Role, glyph};
use super::{fit, style};
use crate::app::App;
use crate::app::state::SelectionStyle;
use crate::words::{Msg, fill};
use cells::cell;
use columns::{cached_columns, header_text};

pub use crate::app::columns::ListColumn as Column;
pub use columns::columns;

/// The field definitions, once they are in.
fn field_defs(app: &App) -> &[crate::api::FieldDef] {
    app.lookups
        .field_defs
        .as_ref()
        .and_then(|defs| defs.ready())
        .map_or(&[], Vec::as_slice)
}

/// Columns left of the rows: the selection cursor, the marked glyph and the changed mark.
const GUTTER: usize = 3;

pub(crate) fn render(frame: &mut Frame, app: &Ctx, cache: &mut RowCache, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let view = app.current_view();
    let lang = app.lang();
    let total = usize::from(area.width);
    let cols = cached_columns(app, view, cache, total);
    let buf = frame.buffer_mut();

    let header_style = style(app, Role::Header);
    let mut header = " ".repeat(GUTTER);
    // A view from the store shows its sort on the column's header, when the list has it.
    let sorted = view
        .local
        .as_ref()
        .filter(|local| local.answered())
        .map(|local| (&local.column, local.order));
    let defs = field_defs(app);
    for (column, w) in &cols {
        let text = header_text(lang, column);
        let text = text.as_ref();
        match sorted {
            Some((by, order)) if column.sort_column(defs).as_ref() == Some(by) => {
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
    let layout = cols.clone();
    let flags = (lang as u8, app.settings.color, !defs.is_empty());
    if cache.layout != layout || cache.layout_flags != flags {
        cache.layout = layout;
        cache.layout_flags = flags;
        cache.rows.clear();
    }
    if cache.rows.len() > ROW_CACHE_LIMIT {
        cache.rows.clear();
    }
    let cells_width = body.width.saturating_sub(GUTTER as u16);
    // Rows showing times counted from now are built again when the minute moves.
    let clocked = cols.iter().any(|(c, _)| {
        matches!(
            c,
            Column::Created | Column::Age | Column::InStatus | Column::Sla
        )
    }) || (app.settings.sla.any() && cols.iter().any(|(c, _)| *c == Column::Id));
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
        let inputs = row_inputs(app, cache, id, clocked);
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
fn row_inputs(app: &Ctx, cache: &mut RowCache, id: u64, clocked: bool) -> RowInputs {
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
        minute: clocked.then(|| app.now.and_utc().timestamp() / 60),
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
            (Some(ticket), _) => cell(app, ticket, column),
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
