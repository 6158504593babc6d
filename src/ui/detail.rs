//! The detail pane: every field labelled, names instead of ids, the description made
//! readable, custom fields and tables as a small grid. Lines are wrapped here (by display
//! columns), so scrolling is exact.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::api::{CustomValue, IdField, TableRow, Ticket};
use crate::app::App;
use crate::app::layout::Scroll;
use crate::words::{Msg, fill, priority_label, source_label, status_label, type_label};

/// Draws the open ticket; answers its scroll limit (none when no ticket is open).
pub fn render(frame: &mut Frame, app: &Ctx, area: Rect) -> Option<Scroll> {
    frame.render_widget(Clear, area);
    let Some(detail) = &app.detail else {
        // The preview's place on a wide screen, kept while no row is selected so that the
        // list never reflows.
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(style(app, Role::Border));
        frame.render_widget(block, area);
        return None;
    };
    let lang = app.lang();
    let title = fill(lang, Msg::DetailTitle, &[&detail.ticket_id.to_string()]);
    // Beside the list, the pane with the keyboard shows it: a heavy frame (seen without
    // colour too) in the composer's frame colour.
    let focused_beside = app.detail_beside() && detail.focused && app.compose.pane().is_none();
    let (border_type, border_style) = if focused_beside {
        (BorderType::Thick, style(app, Role::PaneBorder))
    } else {
        (BorderType::Plain, style(app, Role::Border))
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(border_style)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = layout(app, usize::from(inner.width));
    let max = all.len().saturating_sub(usize::from(inner.height));
    let scroll = usize::from(detail.scroll).min(max);
    let buf = frame.buffer_mut();
    // Only the rows on screen become `Line`s: a 10 MB description is ~100,000 lines.
    for (row, line) in all
        .window(scroll, usize::from(inner.height))
        .iter()
        .enumerate()
    {
        buf.set_line(inner.x, inner.y + row as u16, line, inner.width);
    }
    Some(Scroll {
        page: usize::from(inner.height).max(1),
        max,
    })
}

/// The detail's lines at a width: the short parts (fields, notes, replies) built as lines,
/// the description as its cached layout, shared, so that only the rows on screen are ever
/// turned into `Line`s.
pub struct Lines {
    parts: Vec<Part>,
}

enum Part {
    Built(Vec<Line<'static>>),
    Text(Rc<[String]>),
}

impl Lines {
    pub fn len(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Built(lines) => lines.len(),
                Part::Text(text) => text.len(),
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// At most `take` lines from line `skip`.
    pub fn window(&self, mut skip: usize, take: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for part in &self.parts {
            if out.len() >= take {
                break;
            }
            let len = match part {
                Part::Built(lines) => lines.len(),
                Part::Text(text) => text.len(),
            };
            if skip >= len {
                skip -= len;
                continue;
            }
            let want = take - out.len();
            match part {
                Part::Built(lines) => out.extend(lines.iter().skip(skip).take(want).cloned()),
                Part::Text(text) => out.extend(
                    text.iter()
                        .skip(skip)
                        .take(want)
                        .map(|line| Line::from(line.clone())),
                ),
            }
            skip = 0;
        }
        out
    }
}

/// Every line of the detail at a given width (tests and small tickets; drawing takes a
/// window of [`layout`]).
pub fn lines(app: &App, columns: usize) -> Vec<Line<'static>> {
    let theme = super::theme::Theme::default();
    layout(&Ctx { app, theme: &theme }, columns).window(0, usize::MAX)
}

/// The last description laid out: the key it was laid out for and its lines.
///
/// Why here, in a thread-local of the UI layer: laying out a description (HTML rendered,
/// cleaned, wrapped) is the only costly part of the detail (a 10 MB description takes
/// most of a second), and drawing and scrolling only read `App`, so the layout cannot be
/// kept in app state without a `RefCell` there (what issue 15 removes from the row cache).
/// It is derived data of the UI, keyed by everything it depends on: the ticket, its store
/// generation (bumped on every change), the width, and the description's length and ends
/// (so that another `App` in the same thread, as in tests, cannot hit a stale entry).
struct DescriptionMemo {
    key: MemoKey,
    lines: Rc<[String]>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
struct MemoKey {
    ticket: u64,
    generation: u64,
    columns: usize,
    len: usize,
    ends: u64,
}

thread_local! {
    static DESCRIPTION: RefCell<Option<DescriptionMemo>> = const { RefCell::new(None) };
    static LAYOUTS: Cell<u64> = const { Cell::new(0) };
}

/// How many descriptions this thread has laid out (tests check a redraw does not).
pub fn description_layouts() -> u64 {
    LAYOUTS.with(Cell::get)
}

/// A ticket's description as the store keeps it (UTF-8), with the ticket's generation.
struct Description<'a> {
    bytes: &'a [u8],
    generation: u64,
}

/// The description's lines at a width, laid out once per ticket change and width.
fn description_lines(ticket: u64, description: &Description, columns: usize) -> Rc<[String]> {
    let bytes = description.bytes;
    let ends = bytes
        .iter()
        .take(32)
        .chain(bytes.iter().rev().take(32))
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let key = MemoKey {
        ticket,
        generation: description.generation,
        columns,
        len: bytes.len(),
        ends,
    };
    DESCRIPTION.with(|memo| {
        if let Some(memo) = memo.borrow().as_ref()
            && memo.key == key
        {
            return memo.lines.clone();
        }
        LAYOUTS.with(|count| count.set(count.get() + 1));
        let lines: Rc<[String]> = readable(&String::from_utf8_lossy(bytes), columns).into();
        *memo.borrow_mut() = Some(DescriptionMemo {
            key,
            lines: lines.clone(),
        });
        lines
    })
}

/// The detail at a given width, the description laid out once (see [`DescriptionMemo`]).
pub fn layout(app: &Ctx, columns: usize) -> Lines {
    let mut lines = Lines { parts: Vec::new() };
    let Some(detail) = &app.detail else {
        return lines;
    };
    let lang = app.lang();
    let mut out = Vec::new();
    let note = style(app, Role::Warning);
    // A row the server sent but that could not be read: say why before anything else.
    if !app.tickets.contains_key(&detail.ticket_id)
        && let Some(reason) = app.tickets.unreadable(detail.ticket_id)
    {
        let text = fill(
            lang,
            Msg::UnreadableDetail,
            &[&detail.ticket_id.to_string(), reason],
        );
        push_wrapped(&mut out, &text, columns, style(app, Role::Error));
    }
    if detail.forbidden {
        push_wrapped(&mut out, Msg::DetailPartial.text(lang), columns, note);
    } else if detail.not_found {
        push_wrapped(&mut out, Msg::DetailNotFound.text(lang), columns, note);
    } else if let Some(error) = &detail.error {
        let error = super::notice::api_error(lang, &app.settings.keymap, error);
        push_wrapped(&mut out, &error, columns, style(app, Role::Error));
    } else if detail.request.is_some() && !detail.full {
        push_wrapped(&mut out, Msg::DetailLoading.text(lang), columns, note);
    }
    // The description stays packed in the store until it must be laid out again.
    let Some((ticket, text)) = app.tickets.get_lean(&detail.ticket_id) else {
        lines.parts.push(Part::Built(out));
        return lines;
    };
    let ticket = &ticket;
    let text = text.map(|bytes| Description {
        bytes,
        generation: app.tickets.generation(ticket.id),
    });
    // Replying: the customer's message first, under a one-line summary, so the composer
    // below does not push it out of sight; the fields follow.
    let replying = app.compose.composer.is_some() && app.compose.new_ticket.is_none();
    if replying {
        out.push(summary_line(app, ticket, columns));
        if description(app, ticket, &text, columns, false, &mut lines, &mut out) {
            out.push(Line::from(""));
        }
    }
    let fields = fields(app, ticket);
    let label_width = fields
        .iter()
        .map(|(label, _)| width(label.text(lang)))
        .max()
        .unwrap_or(8)
        + 2;
    let value_width = columns.saturating_sub(label_width).max(8);
    let label_style = style(app, Role::Label);
    for (label, value) in fields {
        for (index, piece) in wrap(&value, value_width).into_iter().enumerate() {
            let head = if index == 0 {
                fit(label.text(lang), label_width)
            } else {
                " ".repeat(label_width)
            };
            out.push(Line::from(vec![
                Span::styled(head, label_style),
                Span::raw(piece),
            ]));
        }
    }
    custom_fields(app, ticket, columns, &mut out);
    tables(app, ticket, columns, &mut out);
    if !replying {
        description(app, ticket, &text, columns, true, &mut lines, &mut out);
    }
    // Replies sent from this console this session (no call lists a ticket's replies).
    let sent = super::composer::sent_lines(app, ticket.id, columns);
    if !sent.is_empty() {
        heading(app, &mut out, Msg::SentRepliesTitle.text(lang), columns);
        out.extend(sent);
    }
    lines.parts.push(Part::Built(out));
    lines
}

/// The description under its heading (after a blank line when `spaced`): the lines built so
/// far in `out` are moved into `lines`, then the description's cached layout. Answers
/// whether the ticket has one.
fn description(
    app: &Ctx,
    ticket: &Ticket,
    text: &Option<Description>,
    columns: usize,
    spaced: bool,
    lines: &mut Lines,
    out: &mut Vec<Line<'static>>,
) -> bool {
    let Some(description) = text else {
        return false;
    };
    let title = Msg::FieldDescription.text(app.lang());
    if spaced {
        heading(app, out, title, columns);
    } else {
        out.push(rule(app, title, columns));
    }
    lines.parts.push(Part::Built(std::mem::take(out)));
    lines.parts.push(Part::Text(description_lines(
        ticket.id,
        description,
        columns,
    )));
    true
}

/// One line that says which ticket this is while replying: subject, status, priority and
/// contact, cut to the width. What is unknown is left out, never guessed.
fn summary_line(app: &Ctx, ticket: &Ticket, columns: usize) -> Line<'static> {
    let lang = app.lang();
    let subject = ticket.subject.replace('\n', " ");
    let mut parts: Vec<String> = (!subject.trim().is_empty())
        .then_some(subject)
        .into_iter()
        .collect();
    parts.extend(ticket.status.map(|s| status_label(lang, s)));
    parts.extend(ticket.priority.map(|p| priority_label(lang, p)));
    parts.extend(
        ticket
            .contact_id
            .map(|id| name_or_id(app.lookups.contact(id).map(|c| c.name.as_str()), id)),
    );
    let text = super::truncate(&parts.join(" · "), columns);
    Line::from(Span::styled(text, style(app, Role::Label)))
}

fn heading(app: &Ctx, out: &mut Vec<Line<'static>>, title: &str, columns: usize) {
    out.push(Line::from(""));
    out.push(rule(app, title, columns));
}

/// `── title ─────`, the width of the pane.
fn rule(app: &Ctx, title: &str, columns: usize) -> Line<'static> {
    let rule = format!("── {title} ");
    let fill_width = columns.saturating_sub(width(&rule));
    Line::from(Span::styled(
        format!("{rule}{}", "─".repeat(fill_width)),
        style(app, Role::Header),
    ))
}

fn push_wrapped(out: &mut Vec<Line<'static>>, text: &str, columns: usize, style: Style) {
    for piece in wrap(text, columns) {
        out.push(Line::from(Span::styled(piece, style)));
    }
}

fn name_or_id(name: Option<&str>, id: u64) -> String {
    match name {
        Some(name) => name.to_string(),
        None => format!("#{id}"),
    }
}

/// A server date (UTC+8), absolute, in the display zone.
fn date(app: &Ctx, value: Option<crate::api::ApiDate>) -> Option<String> {
    value.map(|d| {
        super::display_time(d, app.settings.display_offset_minutes)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

/// The labelled fields, in display order; empty ones are left out.
fn fields(app: &Ctx, ticket: &Ticket) -> Vec<(Msg, String)> {
    let lang = app.lang();
    let lookups = &app.lookups;
    let mut out = vec![(Msg::FieldSubject, ticket.subject.clone())];
    let mut push = |label: Msg, value: Option<String>| {
        if let Some(value) = value
            && !value.is_empty()
        {
            out.push((label, value));
        }
    };
    // A field the server sent malformed reads "could not read: why", never blank.
    let unreadable = |key: &str| {
        ticket
            .unreadable
            .iter()
            .find(|field| field.key == key)
            .map(|field| fill(lang, Msg::UnreadableField, &[&field.reason]))
    };
    push(
        Msg::FieldStatus,
        ticket
            .status
            .map(|s| status_label(lang, s))
            .or_else(|| unreadable("ticketStatus")),
    );
    push(
        Msg::FieldPriority,
        ticket
            .priority
            .map(|p| priority_label(lang, p))
            .or_else(|| unreadable("priorityLevel")),
    );
    push(
        Msg::FieldType,
        ticket
            .ticket_type
            .map(|t| type_label(lang, t))
            .or_else(|| unreadable("ticketType")),
    );
    push(
        Msg::FieldSource,
        ticket
            .source
            .map(|s| source_label(lang, s))
            .or_else(|| unreadable("ticketSource")),
    );
    push(
        Msg::FieldContact,
        ticket.contact_id.map(|id| match lookups.contact(id) {
            Some(contact) => {
                let extra: Vec<&str> = [contact.mobile.as_deref(), contact.email.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect();
                if extra.is_empty() {
                    contact.name.clone()
                } else {
                    format!("{} ({})", contact.name, extra.join(", "))
                }
            }
            None => format!("#{id}"),
        }),
    );
    push(
        Msg::FieldCompany,
        ticket
            .contact_id
            .and_then(|id| lookups.contact(id))
            .and_then(|c| c.company_id)
            .map(|id| name_or_id(lookups.company_name(id), id)),
    );
    // A full ticket's field the server left out says so; a search hit's (nothing known
    // yet) stays blank, as does a field that is known to be empty.
    let unknown =
        || crate::bulk::ticket_is_full(ticket).then(|| Msg::ValueUnknown.text(lang).to_string());
    push(
        Msg::FieldAssignee,
        match ticket.assignee_id {
            IdField::Id(id) => Some(name_or_id(lookups.agent_name(id), id)),
            IdField::Unset => None,
            IdField::Unknown => unknown(),
        },
    );
    push(
        Msg::FieldGroup,
        match ticket.group_id {
            IdField::Id(id) => Some(name_or_id(lookups.group_name(id), id)),
            IdField::Unset => None,
            IdField::Unknown => unknown(),
        },
    );
    push(
        Msg::FieldCreator,
        // `createrType` 1: a customer (a contact) created it; otherwise an agent.
        ticket.creator_id.map(|id| {
            if ticket.live.creator_type == Some(1) {
                name_or_id(lookups.contact(id).map(|c| c.name.as_str()), id)
            } else {
                name_or_id(lookups.agent_name(id), id)
            }
        }),
    );
    let mut cc: Vec<String> = ticket
        .cc_user_ids
        .iter()
        .flatten()
        .map(|id| name_or_id(lookups.agent_name(*id), *id))
        .chain(
            ticket
                .cc_group_ids
                .iter()
                .flatten()
                .map(|id| name_or_id(lookups.group_name(*id), *id)),
        )
        .collect();
    if ticket.cc_user_ids.is_none() || ticket.cc_group_ids.is_none() {
        cc.extend(unknown());
    }
    push(Msg::FieldCc, (!cc.is_empty()).then(|| cc.join(", ")));
    push(
        Msg::FieldTags,
        match &ticket.tags {
            Some(tags) => (!tags.is_empty()).then(|| tags.join(", ")),
            None => unknown(),
        },
    );
    push(Msg::FieldCreated, date(app, ticket.created));
    push(Msg::FieldUpdated, date(app, ticket.updated));
    push(
        Msg::FieldTemplate,
        ticket
            .template_id
            .map(|id| name_or_id(lookups.template_name(id), id)),
    );
    push(Msg::FieldUrl, ticket.url.clone());
    out
}

/// The field type of a checkbox (API notes: `type` 6).
const CHECKBOX: i64 = 6;

/// A checkbox's 1 / 0 (a number or a numeric string) as 是 / 否, yes / no; other values as
/// they are.
fn checkbox_label(lang: crate::lang::Lang, value: &CustomValue) -> Option<&'static str> {
    let on = match value {
        CustomValue::Number(number) => *number != 0.0,
        CustomValue::Text(text) => match text.trim() {
            "1" => true,
            "0" => false,
            _ => return None,
        },
        CustomValue::Rows(_) | CustomValue::Empty => return None,
    };
    Some(
        if on {
            Msg::CheckboxYes
        } else {
            Msg::CheckboxNo
        }
        .text(lang),
    )
}

/// A custom field's value as text: option ids shown as their labels.
fn custom_value(app: &Ctx, key: &str, value: &CustomValue) -> String {
    let def = app.lookups.field_def(key);
    if def.is_some_and(|def| def.kind == CHECKBOX && def.options.is_empty())
        && let Some(label) = checkbox_label(app.lang(), value)
    {
        return label.to_string();
    }
    value.labelled(def)
}

fn custom_fields(app: &Ctx, ticket: &Ticket, columns: usize, out: &mut Vec<Line<'static>>) {
    if ticket.custom_fields.is_empty() {
        return;
    }
    let lang = app.lang();
    heading(app, out, Msg::FieldCustom.text(lang), columns);
    let name = |key: &str| {
        app.lookups
            .field_def(key)
            .map_or(key.to_string(), |def| def.name.clone())
    };
    let label_width = ticket
        .custom_fields
        .iter()
        .map(|f| width(&name(&f.key)))
        .max()
        .unwrap_or(8)
        .min(columns / 3)
        + 2;
    let value_width = columns.saturating_sub(label_width).max(8);
    let label_style = style(app, Role::Label);
    for field in &ticket.custom_fields {
        let label = name(&field.key);
        if let CustomValue::Rows(rows) = &field.value {
            out.push(Line::from(Span::styled(label, label_style)));
            grid(rows, columns, out);
            continue;
        }
        let mut value = custom_value(app, &field.key, &field.value);
        if value.is_empty() {
            value = Msg::None_.text(lang).to_string();
        }
        match field.pay_status {
            Some(1) => value.push_str(&format!(" ({})", Msg::Paid.text(lang))),
            Some(0) => value.push_str(&format!(" ({})", Msg::Unpaid.text(lang))),
            _ => {}
        }
        for (index, piece) in wrap(&value, value_width).into_iter().enumerate() {
            let head = if index == 0 {
                fit(&label, label_width)
            } else {
                " ".repeat(label_width)
            };
            out.push(Line::from(vec![
                Span::styled(head, label_style),
                Span::raw(piece),
            ]));
        }
    }
}

fn tables(app: &Ctx, ticket: &Ticket, columns: usize, out: &mut Vec<Line<'static>>) {
    if ticket.tables.is_empty() {
        return;
    }
    heading(app, out, Msg::FieldTables.text(app.lang()), columns);
    for table in &ticket.tables {
        let name = app
            .lookups
            .field_def(&table.key)
            .map_or(table.key.clone(), |def| def.name.clone());
        out.push(Line::from(Span::styled(name, style(app, Role::Label))));
        grid(&table.rows, columns, out);
    }
}

/// Rows as a small grid: a header of column keys, cells cut to fit.
fn grid(rows: &[TableRow], columns: usize, out: &mut Vec<Line<'static>>) {
    let mut keys: Vec<&str> = Vec::new();
    for row in rows {
        for (key, _) in row {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    let room = columns.saturating_sub(2 + 3 * (keys.len() - 1));
    let cap = (room / keys.len()).clamp(3, 20);
    let widths: Vec<usize> = keys
        .iter()
        .map(|key| {
            rows.iter()
                .filter_map(|row| row.iter().find(|(k, _)| k == key).map(|(_, v)| width(v)))
                .chain(std::iter::once(width(key)))
                .max()
                .unwrap_or(3)
                .min(cap)
        })
        .collect();
    let render_row = |cells: Vec<&str>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| fit(&cell.replace('\n', " "), *w))
            .collect();
        super::truncate(&format!("  {}", parts.join(" │ ")), columns)
    };
    out.push(Line::from(Span::styled(
        render_row(keys.clone()),
        Style::default().add_modifier(Modifier::UNDERLINED),
    )));
    for row in rows {
        let cells: Vec<&str> = keys
            .iter()
            .map(|key| {
                row.iter()
                    .find(|(k, _)| k == key)
                    .map_or("", |(_, v)| v.as_str())
            })
            .collect();
        out.push(Line::from(render_row(cells)));
    }
}

/// The description as readable text, wrapped by display columns: HTML rendered
/// (paragraphs, lists, links with their URL, entities decoded), plain text line for line as
/// written; cleaned again either way (see [`crate::text::description_text`]).
pub fn readable(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(10);
    crate::text::description_text(text, columns)
        .lines()
        .flat_map(|line| wrap(line, columns))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_readable_text() {
        let lines = readable(
            "<p>您好，<b>无法登录</b></p><ul><li>第一步</li><li>第二步</li></ul><p>见 <a href=\"https://example.com/x\">说明</a> &amp; 谢谢</p>",
            60,
        );
        let text = lines.join("\n");
        assert!(text.contains("无法登录"), "{text}");
        assert!(text.contains("第一步"), "{text}");
        assert!(text.contains("https://example.com/x"), "{text}");
        assert!(text.contains("& 谢谢"), "{text}");
        assert!(!text.contains("<p>"), "{text}");
    }

    #[test]
    fn a_checkbox_reads_yes_or_no() {
        use crate::lang::Lang;
        let text = |t: &str| CustomValue::Text(t.to_string());
        assert_eq!(checkbox_label(Lang::Zh, &text("0")), Some("否"));
        assert_eq!(checkbox_label(Lang::Zh, &text("1")), Some("是"));
        assert_eq!(
            checkbox_label(Lang::En, &CustomValue::Number(1.0)),
            Some("yes")
        );
        assert_eq!(checkbox_label(Lang::En, &text("maybe")), None);
    }

    #[test]
    fn an_entity_cannot_smuggle_an_escape() {
        let lines = readable("<p>a&#27;[2Jb</p>", 40);
        assert!(lines.iter().all(|l| !l.contains('\u{1b}')), "{lines:?}");
    }
}
