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
use crate::app::sla::{self, SlaState};
use crate::app::state::{SelectionStyle, View};
use crate::lang::Lang;
use crate::words::{Msg, fill, priority_label, status_label};

pub use crate::app::columns::ListColumn as Column;

/// A column's header: its word, or a custom field's name as the view names it.
fn header_text(lang: Lang, column: &Column) -> std::borrow::Cow<'_, str> {
    let msg = match column {
        Column::Id => Msg::ColId,
        Column::Status => Msg::ColStatus,
        Column::Priority => Msg::ColPriority,
        Column::Type => Msg::ColType,
        Column::Subject => Msg::ColSubject,
        Column::Contact => Msg::ColContact,
        Column::Assignee => Msg::ColAssignee,
        Column::Group => Msg::ColGroup,
        Column::Created => Msg::ColCreated,
        Column::Updated => Msg::ColUpdated,
        Column::Age => Msg::ColAge,
        Column::InStatus => Msg::ColInStatus,
        Column::Sla => Msg::ColSla,
        Column::Tags => Msg::ColTags,
        Column::Field(name) => return std::borrow::Cow::Borrowed(name.as_str()),
    };
    std::borrow::Cow::Borrowed(msg.text(lang))
}

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
const SUBJECT_MIN: usize = 16;
/// Beside the preview the list is narrower, yet the subject is what a row is read by: the
/// optional columns give way before it is cut below this.
const SUBJECT_MIN_BESIDE_PREVIEW: usize = 32;

/// The columns that fit a width, with their widths, in display order: the view's own
/// (config `columns`) or the default set.
pub fn columns(app: &App, view: &View, total: usize) -> Vec<(Column, usize)> {
    match &view.spec.columns {
        Some(chosen) => {
            let empty = empty_columns(app, view, chosen);
            chosen_columns(app, view, chosen, &empty, total)
        }
        None => default_columns(app, view, total),
    }
}

/// [`columns`], with which chosen columns are empty kept between frames: finding a column
/// empty reads every loaded ticket, so it is done again only when the rows, a ticket or
/// the minute changed.
fn cached_columns(
    app: &App,
    view: &View,
    cache: &mut RowCache,
    total: usize,
) -> Vec<(Column, usize)> {
    let Some(chosen) = &view.spec.columns else {
        return default_columns(app, view, total);
    };
    let key = super::rows::EmptyKey {
        columns: chosen.clone(),
        rows: view.ids.len(),
        ends: (view.ids.first().copied(), view.ids.last().copied()),
        tickets: app.tickets.stamp(),
        fields: !field_defs(app).is_empty(),
        minute: app.now.and_utc().timestamp() / 60,
    };
    let fresh = cache.empty.as_ref().is_some_and(|(made, _)| *made == key);
    if !fresh {
        cache.empty = Some((key, empty_columns(app, view, chosen)));
    }
    let empty = cache
        .empty
        .as_ref()
        .map(|(_, e)| e.clone())
        .unwrap_or_default();
    chosen_columns(app, view, chosen, &empty, total)
}

/// For each chosen column, whether every loaded row is blank there.
fn empty_columns(app: &App, view: &View, chosen: &[Column]) -> Vec<bool> {
    let defs = field_defs(app);
    chosen
        .iter()
        .map(|column| column_empty(app, view, column, defs))
        .collect()
}

fn subject_min(app: &App) -> usize {
    if app.detail_beside() {
        SUBJECT_MIN_BESIDE_PREVIEW
    } else {
        SUBJECT_MIN
    }
}

/// The width of a column other than the subject, by display columns: its header or its
/// widest value, whichever is wider.
fn fixed_width(app: &App, view: &View, column: &Column) -> usize {
    let lang = app.lang();
    let header = width(&header_text(lang, column));
    let widest = |labels: &mut dyn Iterator<Item = String>| {
        labels.map(|l| width(&l)).max().unwrap_or(4).max(header)
    };
    match column {
        Column::Id => view.max_id.to_string().len().max(header) + 1,
        Column::Status => widest(&mut TicketStatus::ALL.iter().map(|s| status_label(lang, *s))),
        Column::Priority => widest(&mut Priority::ALL.iter().map(|p| priority_label(lang, *p))),
        Column::Type => widest(
            &mut crate::api::TicketType::ALL
                .iter()
                .map(|t| crate::words::type_label(lang, *t)),
        ),
        Column::Contact => 12,
        Column::Assignee | Column::Group => 10,
        Column::Created | Column::Updated => 10,
        // "23h", "29d", "12时": a duration is at most a few cells.
        Column::Age | Column::InStatus => 5.max(header),
        Column::Sla => widest(
            &mut [Msg::SlaLeft, Msg::SlaOver]
                .into_iter()
                .map(|msg| fill(lang, msg, &[&fill(lang, Msg::DurDays, &["999"])])),
        ),
        Column::Tags => 16,
        Column::Field(_) => header.clamp(14, 24),
        Column::Subject => SUBJECT_MIN,
    }
}

/// A view's chosen columns in its order. A column blank on every loaded row (an ordinary
/// agent's assignee) gives its room to the subject; when they do not fit, the last ones
/// (never the id or the subject) are left out until the subject keeps its minimum.
fn chosen_columns(
    app: &App,
    view: &View,
    chosen: &[Column],
    empty: &[bool],
    total: usize,
) -> Vec<(Column, usize)> {
    let mut cols: Vec<(Column, usize)> = chosen
        .iter()
        .zip(empty.iter().chain(std::iter::repeat(&false)))
        .filter(|(_, empty)| !**empty)
        .map(|(column, _)| (column.clone(), fixed_width(app, view, column)))
        .collect();
    let has_subject = cols.iter().any(|(c, _)| *c == Column::Subject);
    let subject_min = if has_subject { subject_min(app) + 1 } else { 0 };
    let used = |cols: &[(Column, usize)]| {
        GUTTER
            + cols
                .iter()
                .filter(|(c, _)| *c != Column::Subject)
                .map(|(_, w)| w + 1)
                .sum::<usize>()
    };
    while used(&cols) + subject_min > total {
        let Some(last) = cols
            .iter()
            .rposition(|(c, _)| !matches!(c, Column::Id | Column::Subject))
        else {
            break;
        };
        cols.remove(last);
    }
    let rest = total.saturating_sub(used(&cols) + 1).max(1);
    for (column, w) in &mut cols {
        if *column == Column::Subject {
            *w = rest;
        }
    }
    cols
}

/// Whether no loaded row has a value in `column` (the id and the subject always have;
/// an empty view hides nothing).
fn column_empty(app: &App, view: &View, column: &Column, defs: &[crate::api::FieldDef]) -> bool {
    if matches!(column, Column::Id | Column::Subject) || view.ids.is_empty() {
        return false;
    }
    let key = match column {
        Column::Field(name) => {
            Some(crate::app::columns::field_key(name, defs).unwrap_or_else(|| name.clone()))
        }
        _ => None,
    };
    let sla = &app.settings.sla;
    !view.ids.iter().any(|id| {
        // Without its description, which no column reads.
        let Some((ticket, _)) = app.tickets.get_lean(id) else {
            return false;
        };
        let ticket = &ticket;
        let full = || crate::bulk::ticket_is_full(ticket);
        match column {
            Column::Id | Column::Subject => true,
            Column::Status => ticket.status.is_some() || !ticket.unreadable.is_empty(),
            Column::Priority => ticket.priority.is_some(),
            Column::Type => ticket.ticket_type.is_some(),
            Column::Contact => ticket.contact_id.is_some(),
            Column::Assignee => match ticket.assignee_id {
                IdField::Id(_) => true,
                IdField::Unset => false,
                IdField::Unknown => full(),
            },
            Column::Group => match ticket.group_id {
                IdField::Id(_) => true,
                IdField::Unset => false,
                IdField::Unknown => full(),
            },
            Column::Created | Column::Age => ticket.created.is_some(),
            Column::Updated => ticket.updated.is_some(),
            Column::InStatus => sla::status_since(ticket).is_some(),
            Column::Sla => sla.any() && sla::sla(ticket, app.now, sla).shown().is_some(),
            Column::Tags => ticket.tags.as_ref().map_or_else(full, |t| !t.is_empty()),
            Column::Field(_) => key.as_ref().is_some_and(|key| {
                ticket.custom_fields.iter().any(|f| &f.key == key)
                    || ticket.tables.iter().any(|t| &t.key == key)
            }),
        }
    })
}

/// The default columns that fit a width: id, status, priority, subject, then the SLA (when
/// targets are set), contact, assignee and tags while the subject keeps its minimum, and
/// the update time.
fn default_columns(app: &App, view: &View, total: usize) -> Vec<(Column, usize)> {
    let fixed = [
        (Column::Id, fixed_width(app, view, &Column::Id)),
        (Column::Status, fixed_width(app, view, &Column::Status)),
        (Column::Priority, fixed_width(app, view, &Column::Priority)),
        (Column::Updated, 10),
    ];
    let mut used = GUTTER + fixed.iter().map(|(_, w)| w + 1).sum::<usize>();
    // Optional columns, most useful first, taken while the subject keeps its minimum.
    let subject_min = subject_min(app);
    let mut optional = Vec::new();
    let sla = app
        .settings
        .sla
        .any()
        .then(|| (Column::Sla, fixed_width(app, view, &Column::Sla)));
    for (column, w) in sla.into_iter().chain([
        (Column::Assignee, 10),
        (Column::Contact, 12),
        (Column::Tags, 16),
    ]) {
        if used + w + 1 + subject_min <= total {
            used += w + 1;
            optional.push((column, w));
        }
    }
    // The subject's own separator counts too.
    let subject = total.saturating_sub(used + 1).max(1);
    let has = |c: Column| optional.iter().find(|(x, _)| *x == c).cloned();
    let [id, status, priority, updated] = fixed;
    let mut out = vec![id, status, priority];
    out.extend(has(Column::Sla));
    out.push((Column::Subject, subject));
    out.extend(has(Column::Contact));
    out.extend(has(Column::Assignee));
    out.push(updated);
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

fn cell(app: &Ctx, ticket: &Ticket, column: &Column) -> (String, Style) {
    let lang = app.lang();
    let plain = Style::default();
    let muted = style(app, Role::Muted);
    let duration =
        |minutes: Option<i64>| (minutes.map(|m| span(lang, m)).unwrap_or_default(), muted);
    match column {
        // Marked by its SLA's colour, whatever columns the view shows.
        Column::Id => (
            ticket.id.to_string(),
            sla_style(app, ticket).unwrap_or(plain),
        ),
        Column::Type => (
            ticket
                .ticket_type
                .map(|t| crate::words::type_label(lang, t))
                .unwrap_or_default(),
            plain,
        ),
        Column::Group => match ticket.group_id {
            IdField::Id(id) => (
                app.lookups
                    .group_name(id)
                    .map_or_else(|| format!("#{id}"), str::to_string),
                plain,
            ),
            IdField::Unset => (String::new(), plain),
            IdField::Unknown => (unknown_cell(ticket, lang), muted),
        },
        Column::Created => (
            ticket
                .created
                .map(|t| relative(lang, app.now, t, app.settings.display_offset_minutes))
                .unwrap_or_default(),
            muted,
        ),
        Column::Age => duration(sla::age(ticket, app.now)),
        Column::InStatus => duration(sla::in_status(ticket, app.now)),
        Column::Sla => sla_cell(app, ticket),
        Column::Field(name) => (field_cell(app, ticket, name), plain),
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

/// A custom field's value by the field's name (or key), labelled as the ticket view does.
fn field_cell(app: &Ctx, ticket: &Ticket, name: &str) -> String {
    let defs = field_defs(app);
    let key = crate::app::columns::field_key(name, defs);
    let key = key.as_deref().unwrap_or(name);
    let def = defs.iter().find(|def| def.key == key);
    if let Some(field) = ticket.custom_fields.iter().find(|f| f.key == key) {
        return match &field.value {
            crate::api::CustomValue::Rows(rows) => rows_text(rows),
            value => value.labelled(def).replace('\n', " "),
        };
    }
    ticket
        .tables
        .iter()
        .find(|t| t.key == key)
        .map(|t| rows_text(&t.rows))
        .unwrap_or_default()
}

fn rows_text(rows: &[crate::api::TableRow]) -> String {
    rows.iter()
        .flatten()
        .map(|(_, cell)| cell.replace('\n', " "))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The SLA colour of a ticket: caution when past the warning share of a target, problem
/// when breached; `None` within its targets or when not known.
fn sla_style(app: &Ctx, ticket: &Ticket) -> Option<Style> {
    let targets = &app.settings.sla;
    if !targets.any() {
        return None;
    }
    match sla::sla(ticket, app.now, targets).state()? {
        SlaState::Ok => None,
        SlaState::Warning => Some(style(app, Role::Caution)),
        SlaState::Breached => Some(style(app, Role::Problem)),
    }
}

/// "2h left" / "1d over" on the clock closest to breach; "met" for a ticket solved in
/// time; blank when no clock is known.
fn sla_cell(app: &Ctx, ticket: &Ticket) -> (String, Style) {
    let lang = app.lang();
    let targets = &app.settings.sla;
    let clocks = sla::sla(ticket, app.now, targets);
    let Some(clock) = clocks.shown().filter(|_| targets.any()) else {
        return (String::new(), Style::default());
    };
    let style = sla_style(app, ticket).unwrap_or_default();
    let left = clock.remaining();
    let text = if left < 0 {
        fill(lang, Msg::SlaOver, &[&span(lang, -left)])
    } else if clock.running {
        fill(lang, Msg::SlaLeft, &[&span(lang, left)])
    } else {
        Msg::SlaMet.text(lang).to_string()
    };
    (text, style)
}

/// A duration in a few cells: "45m", "5h", "3d" ("45分", "5时", "3天").
fn span(lang: Lang, minutes: i64) -> String {
    let minutes = minutes.max(0);
    if minutes < 60 {
        fill(lang, Msg::DurMinutes, &[&minutes.to_string()])
    } else if minutes < 24 * 60 {
        fill(lang, Msg::DurHours, &[&(minutes / 60).to_string()])
    } else {
        fill(lang, Msg::DurDays, &[&(minutes / (24 * 60)).to_string()])
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
