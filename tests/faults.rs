//! Faults the user can see through: at the update level (what the status line says, what the
//! view keeps), at the worker level against the sandbox's injected faults (retries reported,
//! timeouts, a password changed mid-session), and at the loop level (keys keep working while
//! every request hangs).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use gongdan::api::{ApiError, Auth, ClientConfig, ListQuery, NetworkError, RetryPolicy};
use gongdan::app::faults::{FaultAction, FaultEvent};
use gongdan::app::{Action, App, Command, RequestId, WorkerEvent, update};
use gongdan::config::Secret;
use gongdan::lang::Lang;
use gongdan::sandbox::{Fault, Faults, SandboxOptions};
use tokio::sync::mpsc;

// ---------------------------------------------------------------------------------------
// Update level.

/// An app on the All tab with 100 rows loaded; returns it.
fn loaded_all_tab(lang: Lang) -> App {
    let mut app = app(lang, 120, 40);
    let commands = start(&mut app);
    update(&mut app, Action::SelectView(3));
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=100).map(ticket).collect(), 100, false),
    );
    app
}

fn reload(app: &mut App) -> RequestId {
    let commands = update(app, Action::Reload);
    find(&commands, is_list)
}

/// The notice as shown: key names (`{key:list.reload}`) filled in from the live key map.
fn notice(app: &App) -> String {
    app.notice
        .as_ref()
        .map(|n| common::said(app, n))
        .unwrap_or_default()
}

fn fail(app: &mut App, id: RequestId, error: ApiError) -> Vec<Command> {
    update(
        app,
        Action::Worker(WorkerEvent::Page {
            id,
            result: Err(error),
        }),
    )
}

fn retrying(app: &mut App, id: RequestId, error: ApiError, secs: u64) {
    update(
        app,
        Action::Worker(WorkerEvent::Fault(FaultEvent::Retrying {
            id,
            error,
            delay: Duration::from_secs(secs),
        })),
    );
}

#[test]
fn a_retry_says_what_failed_and_when_it_tries_again() {
    let mut app = loaded_all_tab(Lang::En);
    let id = reload(&mut app);
    let server = ApiError::Server {
        status: 500,
        excerpt: None,
    };
    retrying(&mut app, id, server.clone(), 4);
    assert_eq!(notice(&app), "Server error (HTTP 500); retrying in 4 s");
    assert!(app.notice.as_ref().unwrap().is_error);
    retrying(
        &mut app,
        id,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        },
        2,
    );
    assert!(notice(&app).contains("retrying in 2 s"), "{}", notice(&app));
    // The client gives up: the status line says R tries again; the rows stay.
    fail(&mut app, id, server);
    assert!(
        notice(&app).contains("press R to retry"),
        "{}",
        notice(&app)
    );
    assert_eq!(app.current_view().ids.len(), 100, "the view kept its rows");
    assert_eq!(app.current_view().selected_id(), Some(1));
}

#[test]
fn a_retry_that_lands_clears_its_notice() {
    let mut app = loaded_all_tab(Lang::En);
    let id = reload(&mut app);
    retrying(
        &mut app,
        id,
        ApiError::Network(NetworkError::ConnectionReset),
        1,
    );
    assert!(notice(&app).contains("retrying in 1 s"));
    answer_page(
        &mut app,
        id,
        page((1..=100).map(ticket).collect(), 100, false),
    );
    assert_eq!(
        app.notice, None,
        "no stale \"retrying\" once the page is in"
    );
}

#[test]
fn retry_notices_in_chinese() {
    let mut app = loaded_all_tab(Lang::Zh);
    let id = reload(&mut app);
    retrying(&mut app, id, ApiError::Network(NetworkError::Timeout), 1);
    assert_eq!(notice(&app), "服务器没有及时回应，1 秒后重试");
    fail(&mut app, id, ApiError::RateLimited { retry_after: None });
    assert!(notice(&app).contains("按 R 重试"), "{}", notice(&app));
}

#[test]
fn every_transient_failure_ends_with_press_r_once() {
    for error in [
        ApiError::Server {
            status: 503,
            excerpt: Some("<html>down</html>".into()),
        },
        ApiError::RateLimited { retry_after: None },
        ApiError::Network(NetworkError::Timeout),
        ApiError::Network(NetworkError::ConnectionReset),
    ] {
        let mut app = loaded_all_tab(Lang::En);
        let id = reload(&mut app);
        fail(&mut app, id, error.clone());
        let text = notice(&app);
        assert_eq!(
            text.matches("press R to retry").count(),
            1,
            "{error:?}: {text}"
        );
        // R sends the view's pages again.
        let again = update(&mut app, Action::Reload);
        assert!(again.iter().any(is_list), "{error:?}");
    }
}

#[test]
fn a_retry_of_something_nobody_waits_for_says_nothing() {
    let mut app = loaded_all_tab(Lang::En);
    let before = app.notice.clone();
    // A lookup (background) and an id never sent.
    retrying(
        &mut app,
        RequestId(9999),
        ApiError::RateLimited { retry_after: None },
        3,
    );
    assert_eq!(app.notice, before);
}

#[test]
fn a_401_mid_session_asks_for_the_password_and_keeps_the_screen() {
    let mut app = loaded_all_tab(Lang::En);
    update(&mut app, Action::MoveDown);
    update(&mut app, Action::Open);
    let id = reload(&mut app);
    let before_ids = app.current_view().ids.clone();
    fail(&mut app, id, ApiError::BadCredentials);
    assert!(app.faults.sign_in.is_some(), "the sign-in prompt is open");
    assert!(notice(&app).contains("type it again"), "{}", notice(&app));
    assert_eq!(app.current_view().ids, before_ids, "rows kept");
    assert!(
        app.detail.is_some(),
        "the detail stays open under the prompt"
    );

    // Keys go to the prompt: `q` is a letter of the password, not quit.
    for c in "s3cret-q".chars() {
        let key = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let action = gongdan::tui::action_for_event(&app, &key).unwrap();
        assert_eq!(action, Action::Fault(FaultAction::SignInChar(c)));
        update(&mut app, action);
    }
    assert!(!app.quit);
    // Neither the state's Debug (panics, logs) nor the screen shows it.
    assert!(!format!("{app:?}").contains("s3cret"));
    let screen = render(&app);
    assert!(screen.contains("Sign in again"), "{screen}");
    assert!(screen.contains("********"), "{screen}");
    assert!(!screen.contains("s3cret"), "{screen}");

    let commands = update(&mut app, Action::Fault(FaultAction::SignInSubmit));
    assert!(app.faults.sign_in.is_none());
    match &commands[0] {
        Command::SignIn { secret } => assert_eq!(secret.expose(), "s3cret-q"),
        other => panic!("first command {other:?}"),
    }
    assert!(
        commands.iter().any(is_list),
        "the view reloads: {commands:?}"
    );
    assert!(
        commands.iter().any(|c| matches!(c, Command::Show { .. })),
        "the detail reloads"
    );
    assert_eq!(
        app.current_view().ids,
        before_ids,
        "rows kept while reloading"
    );
}

#[test]
fn after_signing_in_again_every_tab_fetches_and_the_status_says_it_worked() {
    let mut app = app(Lang::En, 120, 40);
    let started = start(&mut app);
    update(&mut app, Action::SelectView(3));
    // Every first page is refused: the wrong password from the start.
    fail(&mut app, find(&started, is_list), ApiError::BadCredentials);
    for status in ["1", "2", "3"] {
        fail(
            &mut app,
            find(&started, is_search_for(status)),
            ApiError::BadCredentials,
        );
    }
    for c in "pw".chars() {
        update(&mut app, Action::Fault(FaultAction::SignInChar(c)));
    }
    let commands = update(&mut app, Action::Fault(FaultAction::SignInSubmit));
    assert_eq!(notice(&app), "Signing in again…");
    // The shown tab reloads and the others fetch their first page: no tab stays at "(…)".
    for status in ["1", "2", "3"] {
        assert!(
            commands.iter().any(is_search_for(status)),
            "tab {status}: {commands:?}"
        );
    }
    answer_page(
        &mut app,
        find(&commands, is_list),
        page((1..=5).map(ticket).collect(), 5, false),
    );
    assert_eq!(notice(&app), "Signed in again");
}

#[test]
fn a_401_for_a_request_sent_with_the_old_password_does_not_ask_again() {
    let mut app = app(Lang::En, 120, 40);
    let started = start(&mut app);
    update(&mut app, Action::SelectView(3));
    // The New tab's first page, sent at start, is still in flight.
    let older = find(&started, is_search_for("1"));
    fail(&mut app, find(&started, is_list), ApiError::BadCredentials);
    assert!(app.faults.sign_in.is_some());
    for c in "pw".chars() {
        update(&mut app, Action::Fault(FaultAction::SignInChar(c)));
    }
    let commands = update(&mut app, Action::Fault(FaultAction::SignInSubmit));
    // The failed agents list and field definitions are asked again with the new password.
    let lookups = commands
        .iter()
        .filter(|c| matches!(c, Command::Lookup { .. }))
        .count();
    assert_eq!(lookups, 0, "nothing had failed: {commands:?}");
    // The old password's answer to a request sent before the prompt lands late.
    fail(&mut app, older, ApiError::BadCredentials);
    assert!(app.faults.sign_in.is_none(), "not asked again");
    assert_eq!(notice(&app), "Signing in again…");
    // One sent after it is refused: the new password is wrong too, and the prompt says so.
    let new = commands
        .iter()
        .find(|c| is_list(c))
        .and_then(Command::request_id);
    let new = new.unwrap_or_else(|| reload(&mut app));
    fail(&mut app, new, ApiError::BadCredentials);
    let prompt = app.faults.sign_in.as_ref().expect("asked again");
    assert_eq!(
        prompt.error,
        Some(gongdan::app::notice::SignInError::Api(
            ApiError::BadCredentials
        )),
        "{prompt:?}"
    );
    let error = prompt
        .error
        .as_ref()
        .map(|error| gongdan::ui::notice::sign_in_error(Lang::En, &app.settings.keymap, error));
    assert!(
        error.unwrap_or_default().contains("Sign-in refused"),
        "{prompt:?}"
    );
}

#[test]
fn the_sign_in_prompt_refuses_empty_and_can_be_cancelled() {
    let mut app = loaded_all_tab(Lang::En);
    let id = reload(&mut app);
    fail(&mut app, id, ApiError::BadCredentials);
    let commands = update(&mut app, Action::Fault(FaultAction::SignInSubmit));
    assert!(commands.is_empty());
    assert!(app.faults.sign_in.as_ref().unwrap().error.is_some());
    update(&mut app, Action::Fault(FaultAction::SignInChar('x')));
    update(&mut app, Action::Fault(FaultAction::SignInBackspace));
    assert_eq!(app.faults.sign_in.as_ref().unwrap().typed(), 0);
    update(&mut app, Action::Fault(FaultAction::SignInCancel));
    assert!(app.faults.sign_in.is_none());
    assert!(notice(&app).contains("Not signed in"), "{}", notice(&app));
    // A client that cannot be rebuilt opens the prompt again with the reason.
    update(
        &mut app,
        Action::Worker(WorkerEvent::Fault(FaultEvent::ClientRebuilt(Err(
            ApiError::Config("bad".into()),
        )))),
    );
    assert!(app.faults.sign_in.as_ref().unwrap().error.is_some());
}

#[test]
fn error_texts_from_the_server_are_cleaned_on_one_line() {
    let mut app = loaded_all_tab(Lang::En);
    let id = reload(&mut app);
    fail(
        &mut app,
        id,
        ApiError::Reported {
            code: None,
            message: "bad\x1b]52;c;cm0K\x07 \u{202e}thing\u{9b}2J\nnext".into(),
        },
    );
    let text = notice(&app);
    for bad in ['\x1b', '\x07', '\u{202e}', '\u{9b}', '\n'] {
        assert!(!text.contains(bad), "{bad:?} in {text:?}");
    }
    assert!(text.contains("bad thing"), "{text}");
}

fn render(app: &App) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.width, app.height)).unwrap();
    terminal
        .draw(|frame| {
            gongdan::ui::draw(frame, app, &mut gongdan::ui::Ui::default());
        })
        .unwrap();
    terminal.backend().to_string()
}

// ---------------------------------------------------------------------------------------
// Worker level, against the sandbox's faults.

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_total: Duration::from_secs(20),
    }
}

fn admin_config(base_url: String, timeout: Duration) -> ClientConfig {
    let mut config = ClientConfig::new(
        base_url,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = timeout;
    config.retry = fast_retries();
    config
}

fn fetch(id: u64) -> Command {
    Command::FetchList {
        id: RequestId(id),
        query: ListQuery {
            page: Some(1),
            per_page: Some(10),
            ..ListQuery::default()
        },
    }
}

/// Sends `command` and collects events until its result arrives (bounded).
async fn run(
    commands: &mpsc::UnboundedSender<Command>,
    events: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    command: Command,
) -> (Vec<FaultEvent>, WorkerEvent) {
    commands.send(command).unwrap();
    let mut faults = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .expect("the worker answers in time")
            .expect("the worker is alive");
        match event {
            WorkerEvent::Fault(fault @ FaultEvent::Retrying { .. }) => faults.push(fault),
            other => return (faults, other),
        }
    }
}

fn page_ok(event: &WorkerEvent) -> bool {
    matches!(event, WorkerEvent::Page { result: Ok(page), .. } if !page.items.is_empty())
}

#[tokio::test]
async fn each_injected_fault_is_retried_and_reported_before_the_page_arrives() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 30,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let config = admin_config(sandbox.base_url(), Duration::from_secs(5));
    let (commands, mut events) = gongdan::worker::spawn_with_config(config, 2, None).unwrap();
    type Expected = fn(&ApiError) -> bool;
    let cases: Vec<(Fault, Expected)> = vec![
        (Fault::ServerError, |e| {
            matches!(e, ApiError::Server { status: 500, .. })
        }),
        (
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            |e| matches!(e, ApiError::RateLimited { .. }),
        ),
        (Fault::DropConnection, |e| matches!(e, ApiError::Network(_))),
        (Fault::TruncateBody, |e| {
            matches!(e, ApiError::Network(_) | ApiError::Decode { .. })
        }),
    ];
    for (n, (fault, expected)) in cases.into_iter().enumerate() {
        sandbox.push_fault(fault.clone());
        let (retries, result) = run(&commands, &mut events, fetch(n as u64 + 1)).await;
        assert!(page_ok(&result), "{fault:?}: {result:?}");
        let [FaultEvent::Retrying { id, error, delay }] = retries.as_slice() else {
            panic!("{fault:?}: one retry reported, got {retries:?}");
        };
        assert_eq!(*id, RequestId(n as u64 + 1));
        assert!(expected(error), "{fault:?}: {error:?}");
        if matches!(fault, Fault::TooManyRequests { .. }) {
            assert_eq!(*delay, Duration::from_secs(1), "Retry-After honoured");
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_stalled_request_times_out_and_is_retried() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 10,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // The configured timeout (config `timeout_secs`) bounds a request that hangs.
    let config = admin_config(sandbox.base_url(), Duration::from_millis(500));
    let (commands, mut events) = gongdan::worker::spawn_with_config(config, 2, None).unwrap();
    sandbox.push_fault(Fault::Hang(Duration::from_secs(30)));
    let (retries, result) = run(&commands, &mut events, fetch(1)).await;
    assert!(page_ok(&result), "{result:?}");
    assert!(
        matches!(
            retries.as_slice(),
            [FaultEvent::Retrying {
                error: ApiError::Network(NetworkError::Timeout),
                ..
            }]
        ),
        "{retries:?}"
    );
    // Hanging every time: the client gives up with a timeout, which the app turns into
    // "press R to retry".
    for _ in 0..3 {
        sandbox.push_fault(Fault::Hang(Duration::from_secs(30)));
    }
    let (retries, result) = run(&commands, &mut events, fetch(2)).await;
    assert_eq!(retries.len(), 2, "{retries:?}");
    assert!(
        matches!(
            result,
            WorkerEvent::Page {
                result: Err(ApiError::Network(NetworkError::Timeout)),
                ..
            }
        ),
        "{result:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_password_changed_on_the_server_is_typed_again_and_the_client_rebuilt() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 10,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let config = admin_config(sandbox.base_url(), Duration::from_secs(5));
    let (commands, mut events) = gongdan::worker::spawn_with_config(config, 2, None).unwrap();
    let (_, result) = run(&commands, &mut events, fetch(1)).await;
    assert!(page_ok(&result));
    sandbox.set_password("admin@example.com", "changed-pass");
    let (retries, result) = run(&commands, &mut events, fetch(2)).await;
    assert!(retries.is_empty(), "a 401 is not retried: {retries:?}");
    assert!(
        matches!(
            result,
            WorkerEvent::Page {
                result: Err(ApiError::BadCredentials),
                ..
            }
        ),
        "{result:?}"
    );
    // The app's sign-in prompt sends the new password; the worker rebuilds its client and
    // everything after uses it.
    commands
        .send(Command::SignIn {
            secret: Secret::new("changed-pass"),
        })
        .unwrap();
    let rebuilt = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rebuilt,
        WorkerEvent::Fault(FaultEvent::ClientRebuilt(Ok(())))
    );
    let (_, result) = run(&commands, &mut events, fetch(3)).await;
    assert!(page_ok(&result), "{result:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_worker_without_its_config_cannot_sign_in_again_and_says_so() {
    let client = gongdan::api::Client::new(admin_config(
        "http://127.0.0.1:9".into(),
        Duration::from_secs(1),
    ))
    .unwrap();
    let (commands, mut events) = gongdan::worker::spawn(client, 1);
    commands
        .send(Command::SignIn {
            secret: Secret::new("x"),
        })
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(
            event,
            WorkerEvent::Fault(FaultEvent::ClientRebuilt(Err(ApiError::Config(_))))
        ),
        "{event:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Loop level: a worker whose every request hangs never blocks the keys.

#[tokio::test]
async fn keys_keep_working_while_every_request_hangs() {
    let sandbox = gongdan::sandbox::start(SandboxOptions {
        tickets: 10,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    sandbox.set_faults(Faults {
        latency: Duration::from_secs(60),
        ..Faults::default()
    });
    let config = admin_config(sandbox.base_url(), Duration::from_secs(60));
    let (commands, results) = gongdan::worker::spawn_with_config(config, 2, None).unwrap();
    let mut app = app(Lang::En, 100, 30);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    let key = |c: char| {
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    };
    // Keys arrive one by one, well after the requests went out and while they hang.
    let keys = Box::pin(futures::stream::unfold(
        vec!['q', '?', '?', '4', '2'],
        |mut left| async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            let c = left.pop()?;
            Some((key(c), left))
        },
    ));
    let mut clipboard = Vec::new();
    let mut shutdown = Box::pin(std::future::pending::<()>());
    let stats = tokio::time::timeout(
        Duration::from_secs(10),
        gongdan::tui::run_loop(
            &mut terminal,
            &mut app,
            keys,
            results,
            gongdan::tui::Outputs {
                worker: commands,
                clipboard: &mut clipboard,
            },
            &mut gongdan::ui::Ui::default(),
            Duration::from_millis(50),
            &now,
            shutdown.as_mut(),
        ),
    )
    .await
    .expect("the loop answered every key while the requests hung")
    .unwrap();
    assert!(app.quit, "q was handled");
    assert_eq!(stats.input_events, 5);
    assert_eq!(app.active, 3, "the view switches were handled");
    assert!(app.busy(), "the requests are still hanging");
    assert!(!app.current_view().loaded());
    drop(sandbox);
}
