//! The custom fields and tables: values by their definitions (option labels, checkboxes as
//! yes or no), rows as a small grid.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::heading;
use crate::api::{CustomValue, TableRow, Ticket};
use crate::ui::Ctx;
use crate::ui::theme::Role;
use crate::ui::{fit, style, width, wrap};
use crate::words::Msg;

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

pub(super) fn custom_fields(
    app: &Ctx,
    ticket: &Ticket,
    columns: usize,
    out: &mut Vec<Line<'static>>,
) {
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

pub(super) fn tables(app: &Ctx, ticket: &Ticket, columns: usize, out: &mut Vec<Line<'static>>) {
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
        crate::ui::truncate(&format!("  {}", parts.join(" │ ")), columns)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
