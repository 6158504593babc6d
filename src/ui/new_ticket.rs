//! The new-ticket form, over the list and detail: one row per field, the description as
//! a multi-line editor below them, the terminal cursor on the focused field's caret.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Clear};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::api::{Priority, TicketType};
use crate::app::App;
use crate::app::new_ticket::{FieldId, FormField, NewTicketForm, is_choice};
use crate::words::{Msg, priority_label, type_label};

/// Rows the description gets at the least (its label and three lines).
const DESCRIPTION_MIN: u16 = 4;

/// The form's area: the screen less the tab line and the status bar.
pub(crate) fn area(app: &App) -> Rect {
    let screen = super::screen(app);
    Rect {
        y: screen.y + 1,
        height: screen.height.saturating_sub(2),
        ..screen
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    fields: Rect,
    description_label: Rect,
    description: Rect,
    message: Option<Rect>,
    hint: Rect,
}

fn parts(form: &NewTicketForm, area: Rect) -> Parts {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let hint = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
    let mut bottom = hint.y;
    let message = form.error.is_some().then(|| {
        bottom = bottom.saturating_sub(1);
        Rect::new(inner.x, bottom, inner.width, 1)
    });
    let room = bottom.saturating_sub(inner.y);
    let field_rows = (form.fields.len() as u16).min(room.saturating_sub(DESCRIPTION_MIN));
    let fields = Rect::new(inner.x, inner.y, inner.width, field_rows);
    let description_label = Rect::new(inner.x, inner.y + field_rows, inner.width, 1);
    let description = Rect::new(
        inner.x,
        description_label.y + 1,
        inner.width,
        bottom.saturating_sub(description_label.y + 1),
    );
    Parts {
        fields,
        description_label,
        description,
        message,
        hint,
    }
}

/// The description editor's rectangle on the current screen (for `update`'s scrolling).
pub fn description_area(app: &App) -> Option<Rect> {
    let form = app.compose.new_ticket.as_ref()?;
    Some(parts(form, area(app)).description)
}

/// Draws the form; answers the description's rectangle (for `update`'s caret).
pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) -> Option<Rect> {
    let form = app.compose.new_ticket.as_ref()?;
    let lang = app.lang();
    frame.render_widget(Clear, area);
    let creating = if form.creating.is_some() { " …" } else { "" };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style(app, Role::PaneBorder))
        .title(format!(" {}{creating} ", Msg::FormTitle.text(lang)));
    frame.render_widget(block, area);
    let parts = parts(form, area);
    let labels: Vec<String> = form
        .fields
        .iter()
        .map(|f| field_label(app, &f.id))
        .collect();
    let label_width = labels.iter().map(|l| width(l)).max().unwrap_or(0).min(24) + 1;
    let value_x = parts.fields.x + label_width as u16 + 1;
    let value_width = parts.fields.right().saturating_sub(value_x);
    // Scroll the field rows so the focused one is shown.
    let rows = usize::from(parts.fields.height);
    let first = if form.focus < form.fields.len() && rows > 0 {
        form.focus.saturating_sub(rows - 1)
    } else {
        0
    };
    let focus_style = style(app, Role::Label);
    for (row, (index, field)) in form
        .fields
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .enumerate()
    {
        let y = parts.fields.y + row as u16;
        let focused = index == form.focus;
        let marker = if focused { '>' } else { ' ' };
        let label = format!("{marker}{}", fit(&labels[index], label_width));
        let style = if focused {
            focus_style
        } else {
            Style::default()
        };
        frame
            .buffer_mut()
            .set_stringn(parts.fields.x, y, &label, label_width + 1, style);
        let value_area = Rect::new(value_x, y, value_width, 1);
        if is_choice(app, &field.id) {
            let text = format!("‹ {} ›", choice_label(app, field));
            frame.buffer_mut().set_stringn(
                value_area.x,
                y,
                fit(&text, usize::from(value_width)),
                usize::from(value_width),
                Style::default(),
            );
            if focused {
                frame.set_cursor_position(ratatui::layout::Position::new(value_area.x, y));
            }
        } else {
            super::editor::render_line(
                frame,
                value_area,
                &field.text,
                field.cursor,
                0,
                Style::default(),
                focused,
            );
        }
    }
    let on_description = form.on_description();
    let label = format!(
        "{}{}",
        if on_description { '>' } else { ' ' },
        Msg::FormDescription.text(lang)
    );
    let label_style = if on_description {
        focus_style
    } else {
        Style::default()
    };
    let cols = usize::from(parts.hint.width);
    frame.buffer_mut().set_stringn(
        parts.description_label.x,
        parts.description_label.y,
        fit(&label, cols),
        cols,
        label_style,
    );
    let cursor = form.description.cursor();
    super::editor::render(
        frame,
        parts.description,
        form.description.lines(),
        (cursor.0, cursor.1),
        form.description_scroll,
        Style::default(),
        on_description,
    );
    let buf = frame.buffer_mut();
    if let (Some(row), Some(error)) = (parts.message, &form.error) {
        buf.set_stringn(
            row.x,
            row.y,
            fit(
                &super::composer::note(lang, &app.settings.keymap, error),
                cols,
            ),
            cols,
            style(app, Role::Problem),
        );
    }
    buf.set_stringn(
        parts.hint.x,
        parts.hint.y,
        fit(&app.settings.keymap.expand(Msg::FormHint.text(lang)), cols),
        cols,
        style(app, Role::Hint),
    );
    Some(parts.description)
}

/// A field's label (a custom field by its definition's name, else its key).
pub fn field_label(app: &App, id: &FieldId) -> String {
    let msg = match id {
        FieldId::Subject => Msg::FormSubject,
        FieldId::ContactId => Msg::FormContactId,
        FieldId::Mobile => Msg::FormMobile,
        FieldId::Name => Msg::FormName,
        FieldId::Email => Msg::FormEmail,
        FieldId::Qq => Msg::FormQq,
        FieldId::Priority => Msg::FormPriority,
        FieldId::Type => Msg::FormType,
        FieldId::Template => Msg::FormTemplate,
        FieldId::Assignee => Msg::FormAssignee,
        FieldId::Group => Msg::FormGroup,
        FieldId::Tags => Msg::FormTags,
        FieldId::Custom(key) => {
            return app
                .lookups
                .field_def(key)
                .map(|def| def.name.clone())
                .unwrap_or_else(|| key.clone());
        }
    };
    msg.text(app.lang()).to_string()
}

/// A list field's value in words: "not set", a label, a name; the value itself when no
/// name is known for it.
pub(crate) fn option_label(app: &App, id: &FieldId, value: Option<&str>) -> String {
    let lang = app.lang();
    let Some(value) = value else {
        return Msg::FormNotSet.text(lang).to_string();
    };
    let by_id = |names: &std::collections::HashMap<u64, crate::app::state::Lookup<String>>| {
        let id = value.parse::<u64>().ok()?;
        names.get(&id)?.ready().cloned()
    };
    let named = match id {
        FieldId::Priority => Priority::ALL
            .iter()
            .find(|p| p.code().to_string() == value)
            .map(|p| priority_label(lang, *p)),
        FieldId::Type => TicketType::ALL
            .iter()
            .find(|t| t.code().to_string() == value)
            .map(|t| type_label(lang, *t)),
        FieldId::Template => value
            .parse::<u64>()
            .ok()
            .and_then(|id| app.lookups.templates.get(&id).cloned()),
        FieldId::Assignee => by_id(&app.lookups.agents),
        FieldId::Group => by_id(&app.lookups.groups),
        FieldId::Custom(key) => app.lookups.field_def(key).and_then(|def| {
            def.options
                .iter()
                .find(|(option, _)| option == value)
                .map(|(_, label)| label.clone())
        }),
        _ => None,
    };
    named.unwrap_or_else(|| value.to_string())
}

/// The label of a list field's current choice.
pub(crate) fn choice_label(app: &App, field: &FormField) -> String {
    option_label(app, &field.id, field.choice.as_deref())
}
