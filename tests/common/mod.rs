//! Fixture tickets and helpers shared by the app and pane tests (no network).
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use gongdan::api::{
    Agent, Contact, CustomField, CustomValue, FieldDef, FormTable, IdField, Page, Priority, Ticket,
    TicketSource, TicketStatus, TicketType,
};
use gongdan::app::{
    Action, App, Command, LookupKey, LookupValue, RequestId, Settings, WorkerEvent, update,
};
use gongdan::lang::Lang;

pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 29)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap()
}

const SUBJECTS: &[&str] = &[
    "无法登录系统，提示密码错误但是已经重置过三次了，请尽快处理",
    "退款申请",
    "产品咨询：企业版和专业版的区别是什么？价格方面有没有优惠",
    "Printer on floor 3 is jammed again",
    "其他问题",
    "发票抬头填写错误需要重开，公司名称应为「北京某某科技有限公司」",
    "VPN connection drops every 10 minutes",
    "账号被锁定",
];

/// A full ticket as the list call gives it.
pub fn ticket(id: u64) -> Ticket {
    let i = id as usize;
    Ticket {
        id,
        url: Some(format!("http://127.0.0.1/api/v1/tickets/{id}.json")),
        subject: SUBJECTS[i % SUBJECTS.len()].to_string(),
        description: Some(format!(
            "<p>工单 {id} 的描述。</p><ul><li>第一步</li><li>第二步</li></ul>"
        )),
        source: Some(TicketSource::Email),
        ticket_type: Some(TicketType::Question),
        priority: Some(Priority::ALL[i % 4]),
        status: Some(TicketStatus::ALL[i % 3]),
        contact_id: Some(500 + (id % 5)),
        assignee_id: IdField::Id(10 + (id % 3)),
        group_id: IdField::Id(1),
        cc_user_ids: Some(vec![]),
        cc_group_ids: Some(vec![]),
        template_id: Some(1),
        tags: Some(if id % 2 == 0 {
            vec!["vip客户".into(), "普通客户".into()]
        } else {
            vec![]
        }),
        created: Some(now() - chrono::Duration::days(3)),
        updated: Some(now() - chrono::Duration::minutes((id % 50) as i64 * 7)),
        ..Ticket::default()
    }
}

/// What search gives: id, subject, dates and url only.
pub fn search_hit(id: u64) -> Ticket {
    let full = ticket(id);
    Ticket {
        id,
        url: full.url,
        subject: full.subject,
        created: full.created,
        updated: full.updated,
        ..Ticket::default()
    }
}

pub fn page(tickets: Vec<Ticket>, count: u64, more: bool) -> Page<Ticket> {
    Page {
        items: tickets,
        count: Some(count),
        next_page: more.then(|| "http://127.0.0.1/api/v1/tickets.json?page=2".to_string()),
        ..Page::default()
    }
}

pub fn app(lang: Lang, width: u16, height: u16) -> App {
    let settings = Settings {
        lang,
        account_label: "admin@127.0.0.1".into(),
        ..Settings::default()
    };
    let mut app = App::new(settings, now());
    update(&mut app, Action::Resize { width, height });
    app
}

/// Runs Start and returns its commands.
pub fn start(app: &mut App) -> Vec<Command> {
    update(app, Action::Start)
}

/// The request id of the first command matching.
pub fn find(commands: &[Command], pred: impl Fn(&Command) -> bool) -> RequestId {
    commands
        .iter()
        .find(|c| pred(c))
        .and_then(Command::request_id)
        .expect("no such command")
}

pub fn is_list(c: &Command) -> bool {
    matches!(c, Command::FetchList { .. })
}

pub fn is_search_for(status: &'static str) -> impl Fn(&Command) -> bool {
    move |c| match c {
        Command::Search { query, .. } => query.terms.iter().any(|t| {
            matches!(t, gongdan::api::SearchTerm::Field { field, values }
                if field == "ticketStatus" && values.join(",") == status)
        }),
        _ => false,
    }
}

pub fn answer_page(app: &mut App, id: RequestId, page: Page<Ticket>) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Page {
            id,
            result: Ok(page),
        }),
    )
}

/// Takes a new app to its "All" tab showing `list`: the three search tabs answer empty,
/// and every name the start or the page asked for is looked up. Returns the start's
/// commands followed by what the page asked for.
pub fn show_all_tab(app: &mut App, list: Page<Ticket>) -> Vec<Command> {
    let mut commands = start(app);
    for status in ["1", "2", "3"] {
        answer_page(
            app,
            find(&commands, is_search_for(status)),
            page(vec![], 0, false),
        );
    }
    update(app, Action::SelectView(3));
    let after = answer_page(app, find(&commands, is_list), list);
    commands.extend(after);
    answer_lookups(app, &commands);
    commands
}

/// Answers every lookup command with fixture names.
pub fn answer_lookups(app: &mut App, commands: &[Command]) {
    let mut queue: Vec<Command> = commands.to_vec();
    let mut rounds = 0;
    while let Some(command) = queue.pop() {
        rounds += 1;
        assert!(rounds < 1000, "lookups never settle");
        let Command::Lookup { id, key } = command else {
            continue;
        };
        let value = match key {
            LookupKey::Agents => LookupValue::Agents(
                (10..13)
                    .map(|id| Agent {
                        id,
                        name: ["王小明", "李雷", "Alice"][(id - 10) as usize].into(),
                        email: None,
                        group_ids: vec![1],
                        is_admin: false,
                        active: true,
                    })
                    .collect(),
            ),
            LookupKey::FieldDefs => LookupValue::FieldDefs(vec![FieldDef {
                key: "field_1".into(),
                name: "设备类型".into(),
                kind: 1,
                required: false,
                options: vec![
                    ("231".into(), "笔记本".into()),
                    ("232".into(), "台式机".into()),
                ],
            }]),
            LookupKey::Contact(id) => LookupValue::Contact(Contact {
                id,
                name: format!("客户{}", id - 500),
                mobile: Some("13800000000".into()),
                email: None,
                company_id: Some(7),
            }),
            LookupKey::Templates => LookupValue::Templates(vec![gongdan::api::Template {
                id: 1,
                name: "售后服务".into(),
            }]),
            LookupKey::Company(id) => LookupValue::Company(gongdan::api::Company {
                id,
                name: "北京某某科技有限公司".into(),
            }),
            LookupKey::Group(id) => LookupValue::Group(gongdan::api::Group {
                id,
                name: "一线支持".into(),
            }),
            LookupKey::Agent(id) => LookupValue::Agent(Agent {
                id,
                name: format!("agent{id}"),
                email: None,
                group_ids: vec![],
                is_admin: false,
                active: true,
            }),
        };
        let more = update(
            app,
            Action::Worker(WorkerEvent::Looked {
                id,
                key,
                result: Ok(value),
            }),
        );
        queue.extend(more);
    }
}

/// A ticket with custom fields and a table, for the detail pane.
pub fn rich_ticket(id: u64) -> Ticket {
    let mut t = ticket(id);
    t.custom_fields = vec![
        CustomField {
            key: "field_1".into(),
            value: CustomValue::Text("231".into()),
            pay_status: None,
        },
        CustomField {
            key: "field_9".into(),
            value: CustomValue::Number(42.0),
            pay_status: Some(1),
        },
    ];
    t.tables = vec![FormTable {
        key: "cpxx".into(),
        rows: vec![
            vec![("name".into(), "路由器".into()), ("qty".into(), "2".into())],
            vec![
                ("name".into(), "交换机（千兆）".into()),
                ("qty".into(), "1".into()),
            ],
        ],
    }];
    t.cc_user_ids = Some(vec![11]);
    t
}

/// A ticket as a show answers it, with an order number (订单编号, `field_1`), a dropdown
/// (`field_2`), a checkbox (`field_3`) and an empty field (`field_8`), and a plain-text
/// description of three lines.
pub fn order_ticket(id: u64) -> Ticket {
    let mut t = ticket(id);
    t.description = Some("第一步：登录后台\r\n第二步：点击工单管理\n第三步：页面卡住".into());
    t.custom_fields = vec![
        CustomField {
            key: "field_1".into(),
            value: CustomValue::Text("DD202611000123".into()),
            pay_status: None,
        },
        CustomField {
            key: "field_2".into(),
            value: CustomValue::Text("232".into()),
            pay_status: None,
        },
        CustomField {
            key: "field_3".into(),
            value: CustomValue::Text("1".into()),
            pay_status: None,
        },
        CustomField {
            key: "field_8".into(),
            value: CustomValue::Empty,
            pay_status: None,
        },
    ];
    t
}

/// The field definitions of [`order_ticket`], as the sandbox seed names them.
pub fn order_field_defs() -> Vec<FieldDef> {
    let def = |key: &str, name: &str, kind: i64, options: &[(&str, &str)]| FieldDef {
        key: key.into(),
        name: name.into(),
        kind,
        required: false,
        options: options
            .iter()
            .map(|(id, label)| (id.to_string(), label.to_string()))
            .collect(),
    };
    vec![
        def("field_1", "订单编号", 2, &[]),
        def(
            "field_2",
            "问题分类",
            1,
            &[("231", "账号问题"), ("232", "支付问题")],
        ),
        def("field_3", "是否加急", 6, &[]),
        def("field_8", "备注", 3, &[]),
    ]
}

/// Answers the lookups among `commands`: the field definitions of [`order_ticket`], every
/// contact with a phone and an e-mail address unless `contacts` is false (then they stay
/// pending: not known yet), and the rest as forbidden (ids shown).
pub fn answer_order_lookups(app: &mut App, commands: &[Command], contacts: bool) {
    let mut queue: Vec<Command> = commands.to_vec();
    while let Some(command) = queue.pop() {
        let Command::Lookup { id, key } = command else {
            continue;
        };
        let result = match key {
            LookupKey::FieldDefs => Ok(LookupValue::FieldDefs(order_field_defs())),
            LookupKey::Contact(_) if !contacts => continue,
            LookupKey::Contact(id) => Ok(LookupValue::Contact(Contact {
                id,
                name: "王小明".into(),
                mobile: Some("13800000000".into()),
                email: Some("wang@example.com".into()),
                company_id: None,
            })),
            _ => Err(gongdan::api::ApiError::Forbidden(None)),
        };
        queue.extend(update(
            app,
            Action::Worker(WorkerEvent::Looked { id, key, result }),
        ));
    }
}

/// An app whose All tab lists order tickets 1..=3 (full, from the list call), with their
/// lookups answered as [`answer_order_lookups`] does.
pub fn order_app(lang: Lang, width: u16, height: u16, contacts: bool) -> App {
    let mut app = app(lang, width, height);
    let mut commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    let list = find(&commands, is_list);
    commands.extend(answer_page(
        &mut app,
        list,
        page((1..=3).map(order_ticket).collect(), 3, false),
    ));
    answer_order_lookups(&mut app, &commands, contacts);
    app
}

/// A client of the sandbox as `account`, answering within `timeout` a call, retried a few
/// times quickly (the sync tests' faults are passing ones).
pub fn retrying_client(
    sandbox: &gongdan::sandbox::Sandbox,
    account: &str,
    password: &str,
    timeout: std::time::Duration,
) -> gongdan::api::Client {
    use gongdan::api::{Auth, Client, ClientConfig, RetryPolicy};
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: account.into(),
            password: password.into(),
        },
    );
    config.timeout = timeout;
    config.retry = RetryPolicy {
        max_attempts: 6,
        first_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(20),
        max_total: timeout * 2,
    };
    Client::new(config).unwrap()
}

/// A client signed in as the sandbox's admin, with short timeouts and no retries (a test
/// sees a failure at once).
pub fn admin_client(sandbox: &gongdan::sandbox::Sandbox) -> gongdan::api::Client {
    use gongdan::api::{Auth, Client, ClientConfig, RetryPolicy};
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = std::time::Duration::from_secs(10);
    config.retry = RetryPolicy {
        max_attempts: 1,
        first_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(20),
        max_total: std::time::Duration::from_secs(5),
    };
    Client::new(config).unwrap()
}

/// A new app on its "All" tab listing tickets `1..=n` (one page, as if the worker had
/// answered); the other tabs' first pages stay unanswered.
pub fn all_tab(lang: Lang, width: u16, height: u16, n: u64) -> App {
    let mut app = app(lang, width, height);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=n).map(ticket).collect(), n, false),
    );
    app
}

pub type ToWorker = tokio::sync::mpsc::UnboundedSender<Command>;
pub type FromWorker = tokio::sync::mpsc::UnboundedReceiver<WorkerEvent>;

/// Sends `first` and every command `update` answers with to the real worker, feeding its
/// events back, until `done` (bounded: 20 s). Copies go nowhere (they are the terminal's).
pub async fn pump_all(
    app: &mut App,
    first: Vec<Command>,
    to_worker: &ToWorker,
    from_worker: &mut FromWorker,
    done: impl Fn(&App) -> bool,
) {
    let forward = |commands: Vec<Command>| {
        for command in commands {
            if !matches!(command, Command::Copy(_)) {
                to_worker.send(command).unwrap();
            }
        }
    };
    forward(first);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !done(app) {
        let event = tokio::time::timeout_at(deadline, from_worker.recv())
            .await
            .expect("the worker answers in time")
            .expect("the worker is alive");
        forward(update(app, Action::Worker(event)));
    }
}

/// Moves the new-ticket form's focus to the field labelled `label` (Tab, as a user does).
pub fn focus_field(app: &mut App, label: &str) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for _ in 0..40 {
        let form = app.compose.new_ticket.as_ref().unwrap();
        if form
            .fields
            .get(form.focus)
            .is_some_and(|f| gongdan::ui::new_ticket::field_label(app, &f.id) == label)
        {
            return;
        }
        let tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
        if let Some(action) = gongdan::app::keymap::action_for_key(app, &tab) {
            update(app, action);
        }
    }
    panic!("no field {label}");
}

/// A notice as the status bar words it (keys named from the live key map).
pub fn said(app: &App, notice: &gongdan::app::state::Notice) -> String {
    gongdan::ui::notice::note(app.lang(), &app.settings.keymap, &notice.note)
}

/// A bulk pane's note (an error of its form, preview, run or history) as the pane words it.
pub fn bulk_said(app: &App, note: &gongdan::app::bulk_edit::BulkNote) -> String {
    gongdan::ui::bulk::note(app.lang(), &app.settings.keymap, note)
}

/// A composer's or new-ticket form's note as the pane words it.
pub fn compose_said(app: &App, note: &gongdan::app::composer::ComposeNote) -> String {
    gongdan::ui::composer::note(app.lang(), &app.settings.keymap, note)
}

/// The screen `ui::draw` gives for `app`, one string a row.
pub fn screen_lines(app: &App) -> Vec<String> {
    let backend = ratatui::backend::TestBackend::new(app.width, app.height);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

/// Answers the start's history request (no past runs), as the worker would.
pub fn answer_empty_history(app: &mut App, commands: &[Command]) {
    let history = find(commands, |c| {
        matches!(
            c,
            Command::Bulk(gongdan::app::bulk_edit::BulkCommand::History { .. })
        )
    });
    update(
        app,
        Action::Worker(WorkerEvent::Bulk(
            gongdan::app::bulk_edit::BulkEvent::History {
                id: history,
                result: Ok(vec![]),
                problems: vec![],
            },
        )),
    );
}

/// A history row as the worker sends it (data: the pane words it): a run that sets `total`
/// open tickets to solved, `done` of them done and the rest left.
pub fn history_row(
    run_id: &str,
    state: gongdan::bulk::RunState,
    total: u64,
    done: usize,
) -> gongdan::app::bulk_edit::HistoryRow {
    use gongdan::bulk::{BulkEdit, Plan, Preview, RunChange, RunInfo, RunKind, RunStamp, RunWhat};
    let tickets: Vec<Ticket> = (1..=total)
        .map(|id| Ticket {
            status: Some(TicketStatus::Open),
            ..ticket(id)
        })
        .collect();
    let edit = BulkEdit::from(gongdan::api::TicketChange {
        status: Some(TicketStatus::Solved),
        ..Default::default()
    });
    let plan = Plan::new(&edit, &tickets, Default::default(), RunStamp::now());
    let total = tickets.len();
    gongdan::app::bulk_edit::HistoryRow {
        run: RunInfo {
            run_id: run_id.into(),
            created: plan.created,
            kind: RunKind::Change,
            state,
            total,
            succeeded: done,
            failed: 0,
            unknown: 0,
            unsettled: Vec::new(),
            changed: 0,
            left: total - done,
            target: plan.target.clone(),
            what: RunWhat::Change(Box::new(RunChange {
                preview: Preview::of(&plan),
                names: plan.names.clone(),
            })),
            retried: None,
        },
    }
}
