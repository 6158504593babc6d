//! Any terminal size, any time: every pane and overlay, in both languages, with content
//! (hostile text included), drawn at random sizes from 1×1 to 400×150 must not panic and
//! must stay inside the buffer; resizing during a bulk run and switching panes while
//! results arrive never panic either (update level).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gongdan::app::bulk_edit::{BulkAction, BulkCommand, BulkEvent, Stage};
use gongdan::app::faults::FaultAction;
use gongdan::app::marks::MarkAction;
use gongdan::app::{Action, App, Command, WorkerEvent, update};
use gongdan::bulk::{RunEvent, RunProgress};
use gongdan::lang::Lang;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Every pane and overlay the console can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scene {
    List,
    Detail,
    SearchPrompt,
    FilterPrompt,
    SearchResults,
    StatusMenu,
    Help,
    SignIn,
    BulkForm,
    BulkPreview,
    BulkRunning,
    BulkHistory,
    ReplyChanged,
    Empty,
}

const SCENES: [Scene; 14] = [
    Scene::List,
    Scene::Detail,
    Scene::SearchPrompt,
    Scene::FilterPrompt,
    Scene::SearchResults,
    Scene::StatusMenu,
    Scene::Help,
    Scene::SignIn,
    Scene::BulkForm,
    Scene::BulkPreview,
    Scene::BulkRunning,
    Scene::BulkHistory,
    Scene::ReplyChanged,
    Scene::Empty,
];

/// Hostile text as the decoder leaves it after cleaning would not test much: the model
/// here gets long CJK text, wide glyphs at every edge and emoji.
fn content_ticket(id: u64) -> gongdan::api::Ticket {
    let mut ticket = rich_ticket(id);
    if id % 3 == 0 {
        ticket.subject = "工单".repeat(80) + "🙂x";
    }
    ticket
}

fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}

/// An app with content on the All tab, lookups answered, and the scene opened.
fn scene_app(scene: Scene, lang: Lang) -> App {
    let mut app = app(lang, 120, 40);
    let commands = start(&mut app);
    if scene == Scene::Empty {
        return app;
    }
    update(&mut app, Action::SelectView(3));
    let more = answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=60).map(content_ticket).collect(), 500, true),
    );
    answer_lookups(&mut app, &commands);
    answer_lookups(&mut app, &more);
    match scene {
        Scene::List | Scene::Empty => {}
        Scene::Detail => {
            update(&mut app, Action::MoveDown);
            let commands = update(&mut app, Action::Open);
            answer_lookups(&mut app, &commands);
        }
        Scene::SearchPrompt => {
            update(&mut app, Action::StartSearch);
            for c in "subject:工单系统很长的搜索".chars() {
                update(&mut app, Action::InputChar(c));
            }
        }
        Scene::FilterPrompt => {
            update(&mut app, Action::StartFilter);
            for c in "created 2024-01-01..".chars() {
                update(&mut app, Action::InputChar(c));
            }
            update(&mut app, Action::InputSubmit);
            update(&mut app, Action::StartFilter);
            update(&mut app, Action::InputChar('x'));
            update(&mut app, Action::InputSubmit);
        }
        Scene::SearchResults => {
            update(&mut app, Action::StartSearch);
            for c in "ticketStatus:2".chars() {
                update(&mut app, Action::InputChar(c));
            }
            let commands = update(&mut app, Action::InputSubmit);
            let id = commands.iter().find_map(Command::request_id).unwrap();
            answer_page(
                &mut app,
                id,
                page((100..130).map(search_hit).collect(), 30, false),
            );
        }
        Scene::StatusMenu => {
            update(&mut app, Action::OpenStatusMenu);
        }
        Scene::Help => {
            update(&mut app, Action::ToggleHelp);
        }
        Scene::SignIn => {
            let id = find(&update(&mut app, Action::Reload), is_list);
            update(
                &mut app,
                Action::Worker(WorkerEvent::Page {
                    id,
                    result: Err(gongdan::api::ApiError::BadCredentials),
                }),
            );
            for c in "密码pw".chars() {
                update(&mut app, Action::Fault(FaultAction::SignInChar(c)));
            }
        }
        Scene::BulkForm | Scene::BulkPreview | Scene::BulkRunning => {
            open_bulk(&mut app, scene);
        }
        Scene::BulkHistory => {
            update(&mut app, Action::Bulk(BulkAction::OpenHistory));
        }
        Scene::ReplyChanged => {
            use gongdan::app::composer::{ComposeAction, ComposeCommand, ComposeEvent};
            let commands = update(&mut app, Action::Open);
            answer_lookups(&mut app, &commands);
            update(&mut app, Action::Compose(ComposeAction::OpenReply));
            for c in "您好，已补发 🙂".chars() {
                let typed = gongdan::app::keymap::action_for_key(&app, &key(c));
                update(&mut app, typed.expect("a character types"));
            }
            let commands = update(&mut app, Action::Compose(ComposeAction::Send));
            let Some((id, ticket)) = commands.iter().find_map(|c| match c {
                Command::Compose(ComposeCommand::Send { id, ticket, .. }) => Some((*id, *ticket)),
                _ => None,
            }) else {
                panic!("a send: {commands:?}");
            };
            let mut now = content_ticket(ticket);
            now.status = Some(gongdan::api::TicketStatus::Closed);
            now.subject = "改过的标题".repeat(30);
            let updated = now.updated.unwrap_or_default() + chrono::Duration::minutes(5);
            now.updated = Some(updated);
            update(
                &mut app,
                Action::Worker(WorkerEvent::Compose(ComposeEvent::Stale {
                    id,
                    ticket,
                    now: Some(Box::new(now)),
                    updated,
                })),
            );
            assert!(matches!(
                app.compose.composer.as_ref().map(|c| &c.mode),
                Some(gongdan::app::composer::ComposerMode::Stale { .. })
            ));
        }
    }
    app
}

/// Marks the loaded rows and walks the bulk pane to the stage wanted.
fn open_bulk(app: &mut App, scene: Scene) {
    update(app, Action::Marks(MarkAction::MarkLoaded));
    update(app, Action::Bulk(BulkAction::Open));
    assert!(matches!(app.bulk.stage, Some(Stage::Form(_))), "form");
    if scene == Scene::BulkForm {
        return;
    }
    // A status for every marked ticket, then to the preview.
    update(app, Action::Bulk(BulkAction::Right));
    let commands = update(app, Action::Bulk(BulkAction::Enter));
    if let Some(Command::Bulk(BulkCommand::TicketsFor { id, ids })) = commands
        .iter()
        .find(|c| matches!(c, Command::Bulk(BulkCommand::TicketsFor { .. })))
    {
        let tickets = ids.iter().map(|id| content_ticket(*id)).collect();
        update(
            app,
            Action::Worker(WorkerEvent::Bulk(BulkEvent::Tickets {
                id: *id,
                result: Ok(tickets),
            })),
        );
    }
    assert!(
        matches!(app.bulk.stage, Some(Stage::Preview { .. })),
        "preview: {:?}",
        app.bulk.stage.as_ref().map(std::mem::discriminant)
    );
    if scene == Scene::BulkPreview {
        return;
    }
    if let Some(Stage::Preview {
        needs_typing: true,
        count,
        ..
    }) = &app.bulk.stage
    {
        for c in count.to_string().chars() {
            update(app, Action::Bulk(BulkAction::Char(c)));
        }
    }
    let commands = update(app, Action::Bulk(BulkAction::Enter));
    let id = commands
        .iter()
        .find_map(|c| match c {
            Command::Bulk(BulkCommand::Start { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("the run starts");
    let progress = |done: usize| RunProgress {
        run_id: "run-1".into(),
        unknown: 0,
        changed: 0,
        done,
        failed: 1,
        left: 59 - done,
        calls_sent: 1,
        calls_done: 0,
        calls_total: 1,
        eta: None,
    };
    update(
        app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::Run {
            id,
            event: RunEvent::Started(progress(0)),
        })),
    );
    update(
        app,
        Action::Worker(WorkerEvent::Bulk(BulkEvent::Run {
            id,
            event: RunEvent::Progress(progress(20)),
        })),
    );
    assert!(app.bulk.running().is_some(), "running");
}

fn draw(app: &mut App, width: u16, height: u16) {
    update(app, Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    assert_eq!(terminal.backend().buffer().area.width, width);
}

#[test]
fn every_scene_opens() {
    for lang in [Lang::En, Lang::Zh] {
        for scene in SCENES {
            let mut app = scene_app(scene, lang);
            draw(&mut app, 120, 40);
        }
    }
}

#[test]
fn the_corners_of_the_size_range() {
    for lang in [Lang::En, Lang::Zh] {
        for scene in SCENES {
            let mut app = scene_app(scene, lang);
            for (w, h) in [
                (1, 1),
                (1, 150),
                (400, 1),
                (400, 150),
                (39, 9),
                (40, 10),
                (41, 11),
                (139, 40),
                (140, 40),
                (2, 2),
            ] {
                draw(&mut app, w, h);
            }
        }
    }
}

fn scene() -> impl Strategy<Value = Scene> {
    prop::sample::select(SCENES.to_vec())
}

fn lang() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::En), Just(Lang::Zh)]
}

/// Something that can happen while the console is open.
// Test steps, a few at a time: the size of the action variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Step {
    Resize(u16, u16),
    Key(Action),
    /// The next page of the view the app waits on, if any.
    PageArrives,
    /// A bulk run reports progress.
    RunProgress(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (1u16..=400, 1u16..=150).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => prop::sample::select(vec![
            Action::NextView,
            Action::PrevView,
            Action::Open,
            Action::Back,
            Action::ToggleHelp,
            Action::OpenStatusMenu,
            Action::MoveDown,
            Action::PageDown,
            Action::Bottom,
            Action::Reload,
            Action::Bulk(BulkAction::Hide),
            Action::Bulk(BulkAction::Open),
            Action::Bulk(BulkAction::Down),
            Action::Bulk(BulkAction::Esc),
        ]).prop_map(Step::Key),
        2 => Just(Step::PageArrives),
        1 => (0usize..60).prop_map(Step::RunProgress),
    ]
}

/// The request ids the views wait on.
fn waiting_pages(app: &App) -> Vec<gongdan::app::RequestId> {
    let mut ids: Vec<_> = app
        .views
        .iter()
        .chain(app.search.iter().map(|s| &s.view))
        .flat_map(|v| {
            v.loading
                .map(|(id, _)| id)
                .into_iter()
                .chain(v.refresh.iter().flat_map(|r| r.requests.keys().copied()))
        })
        .collect();
    ids.sort();
    ids
}

proptest! {
    // 256 random sizes, and below 32 random sessions of up to 30 steps (each drawn).
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_size_renders(scene in scene(), lang in lang(), width in 1u16..=400, height in 1u16..=150) {
        let mut app = scene_app(scene, lang);
        draw(&mut app, width, height);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Resizes during a bulk run, pane switches while pages arrive: never a panic.
    #[test]
    fn resizes_and_pane_switches_while_results_arrive(
        lang in lang(),
        steps in prop::collection::vec(step(), 1..30),
    ) {
        let mut app = scene_app(Scene::BulkRunning, lang);
        let mut next_ticket = 1000;
        for step in steps {
            match step {
                Step::Resize(w, h) => {
                    draw(&mut app, w, h);
                    continue;
                }
                Step::Key(action) => {
                    update(&mut app, action);
                }
                Step::PageArrives => {
                    if let Some(id) = waiting_pages(&app).first().copied() {
                        let tickets = (next_ticket..next_ticket + 30).map(content_ticket).collect();
                        next_ticket += 30;
                        update(&mut app, Action::Worker(WorkerEvent::Page {
                            id,
                            result: Ok(page(tickets, 500, true)),
                        }));
                    }
                }
                Step::RunProgress(done) => {
                    if let Some(run) = app.bulk.running() {
                        let id = run.request;
                        update(&mut app, Action::Worker(WorkerEvent::Bulk(BulkEvent::Run {
                            id,
                            event: RunEvent::Progress(RunProgress {
                                run_id: "run-1".into(),
                                unknown: 0,
                                changed: 0,
                                done,
                                failed: 0,
                                left: 60usize.saturating_sub(done),
                                calls_sent: 1,
                                calls_done: 1,
                                calls_total: 1,
                                eta: Some(std::time::Duration::from_secs(3)),
                            }),
                        })));
                    }
                }
            }
            let (w, h) = (app.width, app.height);
            draw(&mut app, w, h);
        }
    }
}

fn buffer_at(app: &mut App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    buffer_with(app, width, height, &mut gongdan::ui::Ui::default())
}

fn buffer_with(
    app: &mut App,
    width: u16,
    height: u16,
    ui: &mut gongdan::ui::Ui,
) -> ratatui::buffer::Buffer {
    update(app, Action::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, ui);
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

/// NO_COLOR: every pane (the bulk form, preview, run and history, the sign-in prompt
/// included) draws no foreground or background colour, and the selection still shows.
#[test]
fn without_colour_no_pane_draws_a_colour() {
    use gongdan::ui::theme::{ColorDepth, Theme};
    use ratatui::style::{Color, Modifier};
    for lang in [Lang::En, Lang::Zh] {
        for scene in SCENES {
            let mut app = scene_app(scene, lang);
            app.settings.color = false;
            let mut ui = gongdan::ui::Ui::new(Theme::default().fitted(ColorDepth::Mono));
            let buffer = buffer_with(&mut app, 120, 40, &mut ui);
            for cell in buffer.content() {
                assert_eq!(cell.fg, Color::Reset, "{scene:?} {lang:?}: a foreground");
                assert_eq!(cell.bg, Color::Reset, "{scene:?} {lang:?}: a background");
            }
            if matches!(scene, Scene::BulkForm | Scene::BulkHistory) {
                assert!(
                    buffer
                        .content()
                        .iter()
                        .any(|c| c.modifier.contains(Modifier::REVERSED)),
                    "{scene:?}: the selection is not visible without colour"
                );
            }
        }
    }
}

/// `[theme]` restyles the bulk pane: its hint line takes the `hint` role's colour.
#[test]
fn a_theme_override_restyles_the_bulk_pane() {
    use gongdan::ui::theme::{ColorDepth, Theme};
    use ratatui::style::Color;
    let hint_colour = |buffer: &ratatui::buffer::Buffer| {
        buffer.content().iter().any(|c| c.fg == Color::Indexed(196))
    };
    let mut plain = scene_app(Scene::BulkForm, Lang::En);
    assert!(!hint_colour(&buffer_at(&mut plain, 120, 40)));
    let table: toml::Table = toml::from_str("hint = \"#ff0000\"").unwrap();
    let mut themed = scene_app(Scene::BulkForm, Lang::En);
    let mut ui = gongdan::ui::Ui::new(Theme::from_config(&table, ColorDepth::Ansi256).unwrap());
    assert!(hint_colour(&buffer_with(&mut themed, 120, 40, &mut ui)));
}
