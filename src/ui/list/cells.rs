//! A row's cells: each column's text and style, the SLA's colour and time left, ages, times.

use chrono::NaiveDateTime;
use ratatui::style::Style;

use super::{Column, field_defs};
use crate::api::{IdField, Priority, Ticket, TicketStatus};
use crate::app::sla::{self, SlaState};
use crate::lang::Lang;
use crate::ui::Ctx;
use crate::ui::style;
use crate::ui::theme::Role;
use crate::words::{Msg, fill, priority_label, status_label};

pub(super) fn cell(app: &Ctx, ticket: &Ticket, column: &Column) -> (String, Style) {
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
        crate::ui::display_time(then, display_offset_minutes)
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
