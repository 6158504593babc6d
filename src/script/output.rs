//! What the ticket commands print: a table sized to the terminal (display columns, CJK
//! counted as two), NDJSON with stable field names, or one id a line.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::model::{
    ApiDate, CustomValue, DATE_FORMAT, Priority, TableRow, Ticket, TicketSource, TicketStatus,
    TicketType,
};
use crate::lang::Lang;
use crate::text;
use crate::words::Msg;

/// The width when standard output is not a terminal and `COLUMNS` is not set.
pub(crate) const DEFAULT_WIDTH: usize = 100;

/// How tickets are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
    Ids,
}

impl Format {
    pub(crate) fn of(json: bool, ids: bool) -> Format {
        if json {
            Format::Json
        } else if ids {
            Format::Ids
        } else {
            Format::Table
        }
    }
}

/// The table's width: the terminal's when standard output is one, else `COLUMNS`, else
/// [`DEFAULT_WIDTH`].
pub(crate) fn table_width() -> usize {
    if io::stdout().is_terminal()
        && let Ok((cols, _)) = crossterm::terminal::size()
        && cols > 0
    {
        return usize::from(cols);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|cols| cols.trim().parse::<usize>().ok())
        .filter(|cols| *cols > 0)
        .unwrap_or(DEFAULT_WIDTH)
}

/// A ticket as `--json` prints it: the model as decoded, with stable snake_case names.
/// Enum fields carry the vendor's code (`status`) and its English name (`status_name`);
/// dates are the server's `YYYY-MM-DD HH:MM:SS` (the vendor's local time). Absent values
/// are `null`, never left out, so that every line has the same keys.
#[derive(Debug, Serialize)]
pub(crate) struct TicketView {
    pub(crate) id: u64,
    pub(crate) subject: String,
    pub(crate) status: Option<i64>,
    pub(crate) status_name: Option<&'static str>,
    pub(crate) priority: Option<i64>,
    pub(crate) priority_name: Option<&'static str>,
    #[serde(rename = "type")]
    pub(crate) ticket_type: Option<i64>,
    pub(crate) type_name: Option<&'static str>,
    pub(crate) source: Option<i64>,
    pub(crate) source_name: Option<&'static str>,
    pub(crate) contact_id: Option<u64>,
    /// 0 is nobody; null is not known (the server left it out).
    pub(crate) assignee_id: Option<u64>,
    /// 0 is no group; null is not known.
    pub(crate) group_id: Option<u64>,
    pub(crate) creator_id: Option<u64>,
    pub(crate) provider_id: Option<u64>,
    /// null when not known, never `[]` for a list the server left out.
    pub(crate) cc_user_ids: Option<Vec<u64>>,
    pub(crate) cc_group_ids: Option<Vec<u64>>,
    pub(crate) template_id: Option<u64>,
    pub(crate) tags: Option<Vec<String>>,
    pub(crate) created: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) custom_fields: Vec<CustomFieldView>,
    pub(crate) tables: Vec<TableView>,
    /// Fields seen on live servers only (null elsewhere).
    pub(crate) solved: Option<String>,
    pub(crate) waiting: Option<String>,
    pub(crate) opened: Option<String>,
    pub(crate) closed: Option<String>,
    pub(crate) custom_template_id: Option<u64>,
    /// 0 agent, 1 customer.
    pub(crate) creator_type: Option<i64>,
    pub(crate) workflow_id: Option<u64>,
    pub(crate) workflow_node_id: Option<u64>,
    pub(crate) is_deleted: Option<bool>,
    /// Fields the server sent but that could not be read (they are null above, unknown
    /// rather than absent): wire key to reason; `{}` when every field was read.
    pub(crate) unreadable: Map<String, Value>,
}

/// One custom field: `value` is a string, a number, an array of row objects, or null.
#[derive(Debug, Serialize)]
pub(crate) struct CustomFieldView {
    pub(crate) key: String,
    pub(crate) value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pay_status: Option<i64>,
}

/// One form table: rows as objects from column key to cell text.
#[derive(Debug, Serialize)]
pub(crate) struct TableView {
    pub(crate) key: String,
    pub(crate) rows: Vec<Map<String, Value>>,
}

fn date(value: Option<ApiDate>) -> Option<String> {
    value.map(|d| d.format(DATE_FORMAT).to_string())
}

fn row(row: &TableRow) -> Map<String, Value> {
    row.iter()
        .map(|(key, cell)| (key.clone(), Value::String(cell.clone())))
        .collect()
}

impl From<&Ticket> for TicketView {
    fn from(t: &Ticket) -> Self {
        TicketView {
            id: t.id,
            subject: t.subject.clone(),
            status: t.status.map(TicketStatus::code),
            status_name: t.status.map(TicketStatus::label_en),
            priority: t.priority.map(Priority::code),
            priority_name: t.priority.map(Priority::label_en),
            ticket_type: t.ticket_type.map(TicketType::code),
            type_name: t.ticket_type.map(TicketType::label_en),
            source: t.source.map(TicketSource::code),
            source_name: t.source.map(TicketSource::label_en),
            contact_id: t.contact_id,
            assignee_id: t.assignee_id.known().map(|id| id.unwrap_or(0)),
            group_id: t.group_id.known().map(|id| id.unwrap_or(0)),
            creator_id: t.creator_id,
            provider_id: t.provider_id,
            cc_user_ids: t.cc_user_ids.clone(),
            cc_group_ids: t.cc_group_ids.clone(),
            template_id: t.template_id,
            tags: t.tags.clone(),
            created: date(t.created),
            updated: date(t.updated),
            url: t.url.clone(),
            description: t.description.clone(),
            custom_fields: t
                .custom_fields
                .iter()
                .map(|field| CustomFieldView {
                    key: field.key.clone(),
                    value: match &field.value {
                        CustomValue::Text(text) => Value::String(text.clone()),
                        CustomValue::Number(number) => serde_json::Number::from_f64(*number)
                            .map(Value::Number)
                            .unwrap_or(Value::Null),
                        CustomValue::Rows(rows) => {
                            Value::Array(rows.iter().map(|r| Value::Object(row(r))).collect())
                        }
                        CustomValue::Empty => Value::Null,
                    },
                    pay_status: field.pay_status,
                })
                .collect(),
            tables: t
                .tables
                .iter()
                .map(|table| TableView {
                    key: table.key.clone(),
                    rows: table.rows.iter().map(row).collect(),
                })
                .collect(),
            solved: date(t.live.solved),
            waiting: date(t.live.waiting),
            opened: date(t.live.opened),
            closed: date(t.live.closed),
            custom_template_id: t.live.custom_template_id,
            creator_type: t.live.creator_type,
            workflow_id: t.live.workflow_id,
            workflow_node_id: t.live.workflow_node_id,
            is_deleted: t.live.is_deleted,
            unreadable: t
                .unreadable
                .iter()
                .map(|field| (field.key.clone(), Value::String(field.reason.clone())))
                .collect(),
        }
    }
}

/// Writes tickets as they come (NDJSON and ids stream; the table is sized once all are in).
pub(crate) struct TicketWriter<W: Write> {
    out: W,
    format: Format,
    lang: Lang,
    width: usize,
    rows: Vec<Ticket>,
}

impl<W: Write> TicketWriter<W> {
    /// The language the tickets are printed in (and the notes beside them).
    pub(crate) fn lang(&self) -> Lang {
        self.lang
    }

    pub(crate) fn new(out: W, format: Format, lang: Lang, width: usize) -> Self {
        TicketWriter {
            out,
            format,
            lang,
            width,
            rows: Vec::new(),
        }
    }

    pub(crate) fn write(&mut self, ticket: Ticket) -> io::Result<()> {
        match self.format {
            Format::Table => {
                self.rows.push(ticket);
                Ok(())
            }
            Format::Json => {
                let line =
                    serde_json::to_string(&TicketView::from(&ticket)).map_err(io::Error::other)?;
                writeln!(self.out, "{line}")
            }
            Format::Ids => writeln!(self.out, "{}", ticket.id),
        }
    }

    /// Prints the table (if any) and flushes.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.format == Format::Table {
            let table = render_table(&self.rows, self.lang, self.width);
            self.out.write_all(table.as_bytes())?;
        }
        self.out.flush()
    }
}

struct Column {
    header: &'static str,
    cells: Vec<String>,
    /// Aligned right (ids).
    right: bool,
}

const GAP: usize = 2;
const MIN_SUBJECT: usize = 10;

/// The table: id, status, priority, updated and subject; the subject takes what is left
/// of `width` and is cut with `…`. Columns no ticket has a value for (search results carry
/// only id, subject and dates) are left out.
pub(crate) fn render_table(tickets: &[Ticket], lang: Lang, width: usize) -> String {
    let mut columns = columns_of(tickets, lang);
    drop_to_fit(&mut columns, width, lang);
    let widths: Vec<usize> = columns.iter().map(column_width).collect();
    let fixed: usize = widths.iter().map(|w| w + GAP).sum();
    let subject_width = width.saturating_sub(fixed).max(MIN_SUBJECT);
    let line = |cells: &mut dyn Iterator<Item = (&str, usize, bool)>, subject: &str| {
        let mut text_line = String::new();
        for (cell, cols, right) in cells {
            if right {
                text_line.push_str(&text::pad_left(cell, cols));
            } else {
                text_line.push_str(&text::pad(cell, cols));
            }
            text_line.push_str(&" ".repeat(GAP));
        }
        text_line.push_str(&text::truncate(subject, subject_width));
        let mut text_line = text_line.trim_end().to_string();
        text_line.push('\n');
        text_line
    };
    let mut out = line(
        &mut columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| (c.header, *w, c.right)),
        Msg::ScriptColSubject.text(lang),
    );
    for (index, ticket) in tickets.iter().enumerate() {
        out.push_str(&line(
            &mut columns
                .iter()
                .zip(&widths)
                .map(|(c, w)| (c.cells[index].as_str(), *w, c.right)),
            &text::clean_line(&ticket.subject),
        ));
    }
    out
}

/// The columns before the subject that some ticket has a value for.
fn columns_of(tickets: &[Ticket], lang: Lang) -> Vec<Column> {
    let mut columns = vec![Column {
        header: "ID",
        cells: tickets.iter().map(|t| t.id.to_string()).collect(),
        right: true,
    }];
    if tickets.iter().any(|t| t.status.is_some()) {
        columns.push(Column {
            header: Msg::ScriptColStatus.text(lang),
            cells: tickets
                .iter()
                .map(|t| {
                    enum_label(
                        t.status,
                        lang,
                        TicketStatus::label_zh,
                        TicketStatus::label_en,
                    )
                })
                .collect(),
            right: false,
        });
    }
    if tickets.iter().any(|t| t.priority.is_some()) {
        columns.push(Column {
            header: Msg::ScriptColPriority.text(lang),
            cells: tickets
                .iter()
                .map(|t| enum_label(t.priority, lang, Priority::label_zh, Priority::label_en))
                .collect(),
            right: false,
        });
    }
    if tickets.iter().any(|t| t.updated.is_some()) {
        columns.push(Column {
            header: Msg::ScriptColUpdated.text(lang),
            cells: tickets
                .iter()
                .map(|t| {
                    t.updated
                        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "-".into())
                })
                .collect(),
            right: false,
        });
    }
    columns
}

fn column_width(c: &Column) -> usize {
    c.cells
        .iter()
        .map(|cell| text::width(cell))
        .chain([text::width(c.header)])
        .max()
        .unwrap_or(0)
}

/// On a narrow terminal the least useful columns go first: priority, time, status.
fn drop_to_fit(columns: &mut Vec<Column>, width: usize, lang: Lang) {
    for header in [
        Msg::ScriptColPriority.text(lang),
        Msg::ScriptColUpdated.text(lang),
        Msg::ScriptColStatus.text(lang),
    ] {
        let fixed: usize = columns.iter().map(|c| column_width(c) + GAP).sum();
        if fixed + MIN_SUBJECT <= width {
            break;
        }
        columns.retain(|c| c.header != header);
    }
}

fn enum_label<T: Copy>(
    value: Option<T>,
    lang: Lang,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> String {
    match value {
        Some(v) if lang == Lang::Zh => zh(v).to_string(),
        Some(v) => en(v).to_string(),
        None => "-".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::model::IdField;

    fn ticket(id: u64, subject: &str) -> Ticket {
        Ticket {
            id,
            subject: subject.into(),
            status: Some(TicketStatus::Pending),
            priority: Some(Priority::High),
            updated: chrono::NaiveDateTime::parse_from_str("2026-11-01 09:30:00", DATE_FORMAT).ok(),
            ..Ticket::default()
        }
    }

    #[test]
    fn every_line_fits_the_width_in_display_columns() {
        let tickets = [
            ticket(7, "打印机无法连接到网络，重启后依旧不行，请尽快处理"),
            ticket(1234, "short"),
        ];
        for width in [30, 40, 60, 80] {
            let table = render_table(&tickets, Lang::Zh, width);
            for line in table.lines() {
                assert!(text::width(line) <= width, "{width}: {line:?}");
            }
            assert!(table.contains('…'), "{table}");
        }
        let narrow = render_table(&tickets, Lang::En, 30);
        assert!(narrow.starts_with("  ID  STATUS   SUBJECT\n"), "{narrow}");
    }

    #[test]
    fn search_results_leave_out_unknown_columns() {
        let tickets = [Ticket {
            id: 3,
            subject: "退款".into(),
            ..Ticket::default()
        }];
        let table = render_table(&tickets, Lang::En, 80);
        assert_eq!(table, "ID  SUBJECT\n 3  退款\n");
    }

    #[test]
    fn json_view_has_stable_names() {
        let value = serde_json::to_value(TicketView::from(&ticket(9, "x"))).unwrap();
        assert_eq!(value["status"], 3);
        assert_eq!(value["status_name"], "pending");
        assert_eq!(value["updated"], "2026-11-01 09:30:00");
        assert!(value["assignee_id"].is_null());
        assert!(value.get("type").is_some());
    }

    #[test]
    fn json_says_null_for_what_the_server_left_out_and_0_or_empty_for_none() {
        let unknown = serde_json::to_value(TicketView::from(&ticket(9, "x"))).unwrap();
        for key in [
            "assignee_id",
            "group_id",
            "tags",
            "cc_user_ids",
            "cc_group_ids",
        ] {
            assert!(unknown[key].is_null(), "{key}: {}", unknown[key]);
        }
        let none = Ticket {
            assignee_id: IdField::Unset,
            group_id: IdField::Id(3),
            tags: Some(Vec::new()),
            cc_user_ids: Some(Vec::new()),
            ..ticket(9, "x")
        };
        let none = serde_json::to_value(TicketView::from(&none)).unwrap();
        assert_eq!(none["assignee_id"], 0);
        assert_eq!(none["group_id"], 3);
        assert_eq!(none["tags"], serde_json::json!([]));
        assert_eq!(none["cc_user_ids"], serde_json::json!([]));
        assert!(none["cc_group_ids"].is_null());
    }
}
