//! Fixtures and measurements shared by the benchmarks (`benches/*.rs`) and the end-to-end
//! figures (`examples/bench.rs`), see BENCHMARKS.md. Nothing here runs in the console.

use std::io;

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Cell, Row, Table, TableState};
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::{Value, json};

use crate::api::{IdField, Priority, Ticket, TicketStatus};
use crate::app::{Action, App, Settings, update};
use crate::lang::Lang;
use crate::term_backend::WideAwareBackend;

/// The clock the fixtures are built against.
pub fn fixture_now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 29)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default()
}

const SUBJECTS: [&str; 6] = [
    "打印机无法连接",
    "退款申请：订单 20261129 未到账",
    "Cannot log in after password reset",
    "发票抬头需要修改为公司全称，请尽快处理",
    "VPN drops every 10 minutes on the office network",
    "产品咨询",
];
const TAGS: [&str; 5] = ["硬件", "紧急", "vip", "billing", "网络"];

/// `n` tickets with mixed Chinese and English subjects, statuses, priorities and tags, as
/// the decoder would give them (ids 1..=n, newest first).
pub fn synthetic_tickets(n: usize) -> Vec<Ticket> {
    let now = fixture_now();
    (1..=n as u64)
        .rev()
        .map(|id| {
            let i = id as usize;
            Ticket {
                id,
                url: Some(format!("https://help.example.cn/api/v1/tickets/{id}.json")),
                subject: format!("{} #{id}", SUBJECTS[i % SUBJECTS.len()]),
                description: Some(format!("<p>{}</p>", SUBJECTS[(i + 1) % SUBJECTS.len()])),
                status: Some(TicketStatus::from_code((i % 6) as i64 + 1)),
                priority: Some(Priority::from_code((i % 4) as i64 + 1)),
                contact_id: Some(800 + (id % 50)),
                assignee_id: IdField::Id(10 + (id % 7)),
                group_id: IdField::Unset,
                cc_user_ids: Some(Vec::new()),
                cc_group_ids: Some(Vec::new()),
                tags: Some(vec![TAGS[i % TAGS.len()].to_string()]),
                created: Some(now - chrono::Duration::minutes(id as i64 * 7)),
                updated: Some(now - chrono::Duration::minutes(id as i64 * 3)),
                ..Ticket::default()
            }
        })
        .collect()
}

/// An app of `width`×`height` showing `tickets` in its first tab, all pages loaded.
pub fn loaded_app(tickets: Vec<Ticket>, lang: Lang, width: u16, height: u16) -> App {
    let settings = Settings {
        lang,
        ..Settings::default()
    };
    let mut app = App::new(settings, fixture_now());
    let _ = update(&mut app, Action::Resize { width, height });
    let ids: Vec<u64> = tickets.iter().map(|t| t.id).collect();
    for ticket in tickets {
        app.full.insert(ticket.id);
        app.tickets.insert(ticket.id, ticket);
    }
    let total = ids.len() as u64;
    let view = &mut app.views[0];
    view.set_ids(ids);
    view.total = Some(total);
    view.pages_loaded = 1;
    view.next_page = None;
    app
}

/// How far `j` walks before the list bench jumps back to the top: fewer rows than the
/// smallest list, so every list size does the same work per frame (the same scrolls, the
/// same rows built), and only the number of tickets loaded differs.
pub(crate) const HELD_J_SPAN: usize = 900;

/// One step of `j` held down, as the list bench measures it: down one row, or back to
/// the top once [`HELD_J_SPAN`] rows are walked.
pub fn held_j_step(app: &mut App) {
    let action = if app.current_view().selected >= HELD_J_SPAN {
        Action::Top
    } else {
        Action::MoveDown
    };
    let _ = update(app, action);
}

/// Draws the console once, with the view's theme and row cache; answers what it drew.
pub fn draw_console<B>(
    terminal: &mut Terminal<B>,
    app: &App,
    ui: &mut crate::ui::Ui,
) -> Result<crate::app::layout::Geometry, B::Error>
where
    B: ratatui::backend::Backend,
{
    let mut drawn = app.geometry;
    terminal.draw(|frame| drawn = crate::ui::draw(frame, app, ui))?;
    Ok(drawn)
}

/// Draws the console once and, as the loop does, hands `update` what it drew when that
/// changed.
pub fn draw_and_feed<B>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    ui: &mut crate::ui::Ui,
) -> Result<(), B::Error>
where
    B: ratatui::backend::Backend,
{
    let drawn = draw_console(terminal, app, ui)?;
    if drawn != app.geometry {
        let _ = update(app, Action::Drawn(drawn));
    }
    Ok(())
}

/// The baseline: ratatui's stock `Table` given a row for every ticket, as a naive list
/// would build it each frame.
pub fn draw_stock_table(
    terminal: &mut Terminal<TestBackend>,
    tickets: &[Ticket],
    state: &mut TableState,
) -> Result<(), std::convert::Infallible> {
    terminal
        .draw(|frame| {
            let rows = tickets.iter().map(|t| {
                Row::new(vec![
                    Cell::from(t.id.to_string()),
                    Cell::from(
                        t.status
                            .map(|s| s.label_en().to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::from(
                        t.priority
                            .map(|p| p.label_en().to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::from(t.subject.clone()),
                    Cell::from(t.tags.as_deref().unwrap_or_default().join(",")),
                ])
            });
            let table = Table::new(
                rows,
                [
                    Constraint::Length(7),
                    Constraint::Length(12),
                    Constraint::Length(7),
                    Constraint::Fill(1),
                    Constraint::Length(16),
                ],
            )
            .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED));
            frame.render_stateful_widget(table, frame.area(), state);
        })
        .map(|_| ())
}

pub(crate) use crate::term_backend::SharedWriter;

/// The console's backend over an in-memory writer.
pub(crate) type BytesTerminal = Terminal<WideAwareBackend<CrosstermBackend<SharedWriter>>>;

/// A real crossterm terminal (as the console sets it up) of a fixed size over an in-memory writer: the exact bytes of
/// each frame, with no size or cursor query.
pub fn bytes_terminal(width: u16, height: u16) -> io::Result<(BytesTerminal, SharedWriter)> {
    let writer = SharedWriter::default();
    let terminal = Terminal::with_options(
        WideAwareBackend::new(CrosstermBackend::new(writer.clone())),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )?;
    Ok((terminal, writer))
}

/// Bytes written by one key, and by a full redraw of the screen it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBytes {
    pub key: usize,
    /// Of `key`, the bytes spent in cursor moves (`ESC [ row ; col H`, `ESC [ n C`, CR, LF...).
    pub key_moves: usize,
    pub full_redraw: usize,
}

/// Bytes in cursor moves: `ESC [ digits ; digits` ending in `H`, `A`, `B`, `C`, `D` or `E`,
/// and carriage returns and line feeds.
pub(crate) fn cursor_move_bytes(bytes: &[u8]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' || bytes[i] == b'\n' {
            total += 1;
        } else if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
                j += 1;
            }
            if j < bytes.len() && b"HABCDE".contains(&bytes[j]) {
                total += j + 1 - i;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    total
}

/// Bytes the terminal gets for `action` on `app` after a first full frame, and for drawing
/// the resulting screen from scratch. The app must start on the list.
pub fn bytes_for_action(app: &mut App, action: Action) -> io::Result<KeyBytes> {
    let (mut terminal, writer) = bytes_terminal(app.width, app.height)?;
    let mut ui = crate::ui::Ui::default();
    draw_and_feed(&mut terminal, app, &mut ui)?;
    writer.take();
    let _ = update(app, action);
    draw_and_feed(&mut terminal, app, &mut ui)?;
    let written = writer.take();
    let key = written.len();
    let key_moves = cursor_move_bytes(&written);
    let (mut fresh, fresh_writer) = bytes_terminal(app.width, app.height)?;
    draw_console(&mut fresh, app, &mut ui)?;
    let full_redraw = fresh_writer.take().len();
    Ok(KeyBytes {
        key,
        key_moves,
        full_redraw,
    })
}

/// One page of `n` tickets in the live shapes: numbers as strings, live-only fields, a
/// nested contact, form tables (see API-NOTES.md).
pub fn live_page_json(n: usize) -> String {
    let tickets: Vec<Value> = (0..n)
        .map(|i| {
            let id = 5001 + i;
            json!({
                "ticketId": id.to_string(),
                "url": format!("https://help.example.cn/api/v1/tickets/{id}.json"),
                "subject": format!("{} #{id}", SUBJECTS[i % SUBJECTS.len()]),
                "descript": "<p>办公室的打印机<b>连不上</b>了</p>",
                "ticketSource": "7",
                "ticketType": "3",
                "priorityLevel": ((i % 4) + 1).to_string(),
                "ticketStatus": ((i % 6) + 1).to_string(),
                "custUserId": (800 + i % 50).to_string(),
                "agentId": "37809",
                "createrId": "0",
                "servicerUserId": (10 + i % 7).to_string(),
                "servicerGroupId": "0",
                "ccUserIdList": ["13", "14"],
                "ccGroupIdList": 3,
                "ticketTemplateId": "2",
                "tagList": [TAGS[i % TAGS.len()], "紧急"],
                "createDT": "2024-03-01 09:15:00",
                "updateDT": "2024-03-02 10:00:00",
                "solveDT": "0000-00-00 00:00:00",
                "waitDT": "",
                "openDT": "2024-03-01 09:20:00",
                "closeDT": null,
                "customTemplateId": "0",
                "createrType": "1",
                "workflow_id": "7",
                "workflow_node_id": "70",
                "isDeleted": "0",
                "custom_fields": [
                    {"key": "field_5", "value": 3.5},
                    {"key": "field_6", "value": "99", "pay_status": "0"},
                    {"key": "field_9", "value": null}
                ],
                "tables": [{
                    "custom_fields_key": "field_20",
                    "tableData": [{"zc": "笔记本", "sl": 2, "bz": null}]
                }],
                "custUser": {"mobilephone": 13240138438u64, "name": "张三"},
                "replyCount": "3"
            })
        })
        .enumerate()
        .map(|(i, mut ticket)| {
            // As live servers do for some tickets: fields null or left out (not known).
            if i % 25 == 3
                && let Some(object) = ticket.as_object_mut()
            {
                object.insert("tagList".into(), Value::Null);
                object.insert("servicerGroupId".into(), Value::Null);
                object.remove("ccUserIdList");
            }
            ticket
        })
        .collect();
    json!({
        "tickets": tickets,
        "count": (n * 1000).to_string(),
        "next_page": "https://help.example.cn/api/v1/tickets.json?page=2",
        "previous_page": null
    })
    .to_string()
}

/// A description of about `bytes` bytes, as a mail client's HTML sends a long thread:
/// numbered paragraphs of Chinese and English text (issue 14: a 10 MB description must
/// stay cheap to scroll). Every paragraph differs, so no layout can be shared between them.
pub fn big_description(bytes: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes + 256);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let _ = writeln!(
            out,
            "<p>line {n}: 您好，关于订单 {} 的问题，我们已经转交给技术部门处理，预计 {} 个工作日内答复。\
             Please keep this reference: REF-{:08}. 谢谢您的耐心等待！</p>",
            20_260_000 + n * 7,
            n % 5 + 1,
            n.wrapping_mul(2_654_435_761) % 100_000_000
        );
    }
    out
}

/// `n` tickets as the sandbox seeds them (what `gongdan sandbox --tickets n` serves:
/// live-shaped, every row different), read through the API client a page at a time, in the
/// list's order. For in-process benches whose figures depend on how much one row differs
/// from the next (bytes per key): [`synthetic_tickets`] repeats every few rows, so a
/// terminal diff finds most cells unchanged, which real rows never allow.
pub fn seed_tickets(n: usize) -> io::Result<Vec<Ticket>> {
    use crate::api::{Auth, Client, ClientConfig, ListQuery, ListScope};
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let sandbox = crate::sandbox::start(crate::sandbox::SandboxOptions {
            tickets: n,
            ..Default::default()
        })
        .await?;
        let client = Client::new(ClientConfig::new(
            sandbox.base_url(),
            Auth::Basic {
                account: "admin@example.com".into(),
                password: "admin-pass".into(),
            },
        ))
        .map_err(io::Error::other)?;
        let mut tickets = Vec::with_capacity(n);
        let mut page = 1;
        while tickets.len() < n {
            let query = ListQuery {
                page: Some(page),
                per_page: Some(100),
                ..ListQuery::default()
            };
            let got = client
                .list(&ListScope::All, &query)
                .await
                .map_err(io::Error::other)?;
            if got.items.is_empty() {
                break;
            }
            tickets.extend(got.items);
            page += 1;
        }
        sandbox.shutdown().await;
        Ok(tickets)
    })
}
