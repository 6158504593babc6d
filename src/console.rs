//! Starting the console: where to connect and as whom (flags, config, demo sandbox), the
//! password (environment, password command, hidden prompt), logging to a file, then the
//! terminal and the event loop.

use std::io::{self, Write};
use std::time::Duration;

use crate::api::{Auth, Client, ClientConfig};
use crate::app::{App, Settings};
use crate::cli::{Cli, DemoRole};
use crate::tui::{Outputs, display_now, run_loop, setup_terminal, shutdown_signal};
use crate::ui::i18n::{Lang, Msg, fill};

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Where to connect and what to show in the status bar; holds the demo sandbox alive.
pub struct Target {
    pub client: ClientConfig,
    pub account_label: String,
    /// The in-process sandbox of `--demo`, kept running while the console is open.
    pub sandbox: Option<Box<dyn std::any::Any + Send>>,
}

/// Runs the console until the user quits; the terminal is restored on every way out.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let lang = Lang::from_env();
    let color = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _log_guard = init_logging(cli.log_level.as_deref());
    let target = if cli.demo {
        demo_target(cli.demo_role).await?
    } else {
        flag_target(&cli, lang)?
    };
    let client = Client::new(target.client.clone())?;
    let settings = Settings {
        lang,
        color,
        account_label: target.account_label.clone(),
        per_page: target.client.per_page,
        ..Settings::default()
    };
    let concurrency = target.client.concurrency;
    let (commands, results) = crate::worker::spawn(client, concurrency);
    let mut app = App::new(settings, display_now());

    let (mut terminal, guard) = setup_terminal()?;
    let events = crossterm::event::EventStream::new();
    let mut clipboard = io::stdout();
    let mut shutdown = Box::pin(shutdown_signal());
    let result = run_loop(
        &mut terminal,
        &mut app,
        events,
        results,
        Outputs {
            worker: commands,
            clipboard: &mut clipboard,
        },
        Duration::from_millis(200),
        &display_now,
        shutdown.as_mut(),
    )
    .await;
    drop(terminal);
    drop(guard);
    drop(target.sandbox);
    result?;
    Ok(())
}

/// `--base-url` and `--account` (the config file's profile fills what they leave out once
/// the config module resolves profiles).
fn flag_target(cli: &Cli, lang: Lang) -> Result<Target, Error> {
    let base_url = cli
        .base_url
        .clone()
        .ok_or("no server given: use --base-url URL --account NAME, or --demo")?;
    let account = cli
        .account
        .clone()
        .ok_or("no account given: use --account NAME")?;
    let password = password(&account, lang)?;
    let host = url::Url::parse(&base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| base_url.clone());
    let mut client = ClientConfig::new(
        base_url,
        Auth::Basic {
            account: account.clone(),
            password,
        },
    );
    client.allow_insecure_http = is_loopback(&host);
    Ok(Target {
        client,
        account_label: format!("{account}@{host}"),
        sandbox: None,
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The password: `GONGDAN_PASSWORD`, else a hidden prompt before the screen opens.
// Seam for the config module: its `password_command` goes between these two.
fn password(account: &str, lang: Lang) -> Result<String, Error> {
    if let Ok(password) = std::env::var("GONGDAN_PASSWORD")
        && !password.is_empty()
    {
        return Ok(password);
    }
    prompt_hidden(&fill(lang, Msg::PasswordPrompt, &[account]))
}

/// Reads a line from the terminal without echoing it.
fn prompt_hidden(prompt: &str) -> Result<String, Error> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    let mut stderr = io::stderr();
    write!(stderr, "{prompt}")?;
    stderr.flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let mut password = String::new();
    let outcome = loop {
        match event::read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => match key.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err("cancelled");
                }
                KeyCode::Char(c) => password.push(c),
                KeyCode::Backspace => {
                    password.pop();
                }
                KeyCode::Esc => break Err("cancelled"),
                _ => {}
            },
            Ok(_) => {}
            Err(_) => break Err("cannot read a password from the terminal: set GONGDAN_PASSWORD"),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    writeln!(stderr)?;
    outcome?;
    Ok(password)
}

/// `--demo`: the sandbox in-process on a free loopback port, signed in as admin or agent.
async fn demo_target(role: DemoRole) -> Result<Target, Error> {
    let sandbox = demo_sandbox().await?;
    let (account, password) = match role {
        DemoRole::Admin => ("admin@example.com", "admin-pass"),
        DemoRole::Agent => ("agent@example.com", "agent-pass"),
    };
    let mut client = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: account.to_string(),
            password: password.to_string(),
        },
    );
    client.allow_insecure_http = true;
    Ok(Target {
        client,
        account_label: format!("demo: {account}"),
        sandbox: Some(Box::new(sandbox)),
    })
}

/// Logs go to a file in the state directory, never to the terminal, and only when a level
/// is asked for (`--log-level` or `GONGDAN_LOG`).
fn init_logging(level: Option<&str>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let level = level?;
    let dirs = directories::ProjectDirs::from("", "", "gongdan")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::daily(dir, "gongdan.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_new(level).ok()?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

// Replaced by `crate::sandbox::start` once the sandbox branch lands.
struct PendingSandbox;
impl PendingSandbox {
    fn base_url(&self) -> String {
        String::new()
    }
}
async fn demo_sandbox() -> Result<PendingSandbox, Error> {
    Err("the demo sandbox is not available in this build".into())
}
