//! Which columns a view shows at a width, and how wide each is.

use super::{Column, GUTTER, field_defs};
use crate::api::{IdField, Priority, TicketStatus};
use crate::app::App;
use crate::app::sla;
use crate::app::state::View;
use crate::lang::Lang;
use crate::ui::rows::RowCache;
use crate::ui::width;
use crate::words::{Msg, fill, priority_label, status_label};

/// A column's header: its word, or a custom field's name as the view names it.
pub(super) fn header_text(lang: Lang, column: &Column) -> std::borrow::Cow<'_, str> {
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
pub(super) fn cached_columns(
    app: &App,
    view: &View,
    cache: &mut RowCache,
    total: usize,
) -> Vec<(Column, usize)> {
    let Some(chosen) = &view.spec.columns else {
        return default_columns(app, view, total);
    };
    let key = crate::ui::rows::EmptyKey {
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
