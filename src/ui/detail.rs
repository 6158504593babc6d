//! The detail pane: every field labelled, names instead of ids, the description made
//! readable, custom fields and tables as a small grid. Lines are wrapped here (by display
//! columns), so scrolling is exact. This file keeps the drawing and the order of the parts;
//! the description's memo (`description`), the labelled fields (`fields`) and the custom
//! fields and tables (`custom`) are modules of `detail/`.

mod custom;
mod description;
mod fields;

pub use description::{description_layouts, readable};

use std::rc::Rc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::api::Ticket;
use crate::app::App;
use crate::app::layout::Scroll;
use crate::words::{Msg, fill, priority_label, status_label};
use custom::{custom_fields, tables};
use description::{Description, description_lines};
use fields::{fields, name_or_id};

/// Draws the open ticket; answers its scroll limit (none when no ticket is open).
/// With `links`, the links in the rows on screen are added to it (see [`super::links`]).
pub(crate) fn render(
    frame: &mut Frame,
    app: &Ctx,
    area: Rect,
    links: Option<&mut Vec<super::links::Found>>,
) -> Option<Scroll> {
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
    let mut title = fill(lang, Msg::DetailTitle, &[&detail.ticket_id.to_string()]);
    // The store's copy, until the server's arrives: how old it is.
    if let Some(at) = app.stored_as_of.get(&detail.ticket_id) {
        let at = crate::ui::display_time(*at, app.settings.display_offset_minutes);
        title.push_str(" · ");
        title.push_str(&fill(lang, Msg::AsOf, &[&at.format("%H:%M").to_string()]));
    }
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
    // Only the rows on screen become `Line`s (a 10 MB description is ~100,000 lines), and
    // with links a few around them, so that a URL wrapped over the edge is read whole.
    let height = usize::from(inner.height);
    let above = if links.is_some() {
        scroll.min(super::links::CONTEXT_ROWS)
    } else {
        0
    };
    let below = if links.is_some() {
        super::links::CONTEXT_ROWS
    } else {
        0
    };
    let rows = all.window(scroll - above, above + height + below);
    for (row, line) in rows.iter().skip(above).take(height).enumerate() {
        buf.set_line(inner.x, inner.y + row as u16, line, inner.width);
    }
    if let Some(links) = links {
        let texts: Vec<String> = rows.iter().map(super::links::line_text).collect();
        let whole_bottom = scroll - above + rows.len() >= all.len();
        links.extend(super::links::find(
            &texts,
            above,
            inner,
            scroll == above,
            whole_bottom,
        ));
    }
    Some(Scroll {
        page: usize::from(inner.height).max(1),
        max,
    })
}

/// The detail's lines at a width: the short parts (fields, notes, replies) built as lines,
/// the description as its cached layout, shared, so that only the rows on screen are ever
/// turned into `Line`s.
pub(crate) struct Lines {
    parts: Vec<Part>,
}

enum Part {
    Built(Vec<Line<'static>>),
    Text(Rc<[String]>),
}

impl Lines {
    pub(crate) fn len(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Built(lines) => lines.len(),
                Part::Text(text) => text.len(),
            })
            .sum()
    }

    /// At most `take` lines from line `skip`.
    pub(crate) fn window(&self, mut skip: usize, take: usize) -> Vec<Line<'static>> {
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

/// The detail at a given width, the description laid out once (see [`description::DescriptionMemo`]).
pub(crate) fn layout(app: &Ctx, columns: usize) -> Lines {
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
    super::files::lines(app, ticket, columns, &mut out);
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

pub(super) fn heading(app: &Ctx, out: &mut Vec<Line<'static>>, title: &str, columns: usize) {
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
