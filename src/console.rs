//! Starting the console: where to connect and as whom (config, flags, or the demo
//! sandbox), the password (found by the config module before the screen opens), logging to
//! a file, then the terminal and the event loop.

mod demo;
mod settings;

use std::io::{self, Write};
use std::time::Duration;

use crate::api::{Auth, ClientConfig};
use crate::app::keymap::KeyMap;
use crate::app::{App, Settings};
use crate::cli::Cli;
use crate::config::check::ConsoleReport;
use crate::config::{PromptPolicy, ResolveOptions};
use crate::lang::Lang;
use crate::tui::{Outputs, run_loop, server_now, setup_terminal, shutdown_signal};
use crate::ui::theme::{ColorDepth, Theme};
use crate::words::{Msg, fill};
use demo::demo_target;
use settings::{
    demo_snippets_and_macros, macro_keys_taken, macros_from_config, sla_targets, views_from_config,
    watched_views,
};

pub use demo::{DEMO_SANDBOX_FILE, demo_sandbox_options};

pub(crate) type Error = Box<dyn std::error::Error + Send + Sync>;

/// Where to connect and what to show in the status bar; holds the demo sandbox alive.
pub struct Target {
    pub(crate) client: ClientConfig,
    pub(crate) account_label: String,
    /// The in-process sandbox of `--demo`, kept running while the console is open.
    pub(crate) sandbox: Option<crate::sandbox::Sandbox>,
}

/// Runs the console until the user quits; the terminal is restored on every way out.
pub async fn run(cli: Cli, options: ResolveOptions) -> Result<(), Error> {
    // Logs go to a file, never to the terminal; a console without logs still works.
    let log_level = options.log_level.as_ref().map(|given| given.value.clone());
    let _log_guard = crate::config::init_logging(log_level.as_deref()).ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "console started");
    // Errors at start are printed in the UI language: the locale's until the file is read.
    let resolved = crate::config::resolve(&options).map_err(|err| err.text(Lang::from_env()))?;
    let lang = resolved.lang();
    // A bad [keys] or [theme] entry stops the start (before any password is asked for),
    // naming the key path; key conflicts are only warnings.
    let keymap = KeyMap::from_config(&resolved.keys)
        .map_err(|err| format!("{}{}", resolved.locate(&err.path), err.text(lang)))?;
    let depth = ColorDepth::from_env(cli.no_color);
    let theme = Theme::from_config(&resolved.theme, depth)
        .map_err(|err| format!("{}{}", resolved.locate(&err.path), err.text(lang)))?;
    let color = depth != ColorDepth::Mono;
    let (extra_views, mut warnings) = views_from_config(&resolved.views, lang);
    // Canned replies and macros (issue 17): the snippet folder is read here, once.
    let (mut snippets, snippet_warnings) = crate::config::snippets::load(&resolved);
    warnings.extend(snippet_warnings.iter().map(|w| w.text(lang)));
    let mut macros = macros_from_config(&resolved, lang)?;
    if cli.demo && snippets.is_empty() && macros.is_empty() {
        // The demo shows the one-ticket loop without any config: two canned replies and
        // a macro that uses one.
        (snippets, macros) = demo_snippets_and_macros(lang);
    }
    warnings.extend(macro_keys_taken(&macros, &keymap, lang));
    warnings.extend(resolved.warnings.iter().map(|w| w.text(lang)));
    warnings.extend(keymap.conflicts.iter().map(|c| c.describe(lang)));
    let target = if cli.demo {
        demo_target(&cli).await?
    } else {
        // The password (environment, file, password_command, hidden prompt) is found
        // before the screen opens.
        let (client, _credential) = resolved
            .connect(PromptPolicy::IfTerminal)
            .map_err(|err| err.text(lang))?;
        Target {
            client,
            account_label: resolved.account_label(),
            sandbox: None,
        }
    };
    let auto_refresh = resolved.ui.auto_refresh_secs;
    // Runs are journaled per host; the demo's sandbox port changes at every start.
    let bulk_target = crate::bulk::Target {
        profile: resolved.profile_name.clone().unwrap_or_default(),
        base_url: if cli.demo {
            "demo".to_string()
        } else {
            target.client.base_url.clone()
        },
    };
    // Drafts from versions that kept them without an owner are not offered to anyone (they
    // may be another server's); say where they are, once, so that no text is lost.
    if let Ok(state_dir) = crate::config::state_dir() {
        let state_dir = if cli.demo {
            state_dir.join("demo")
        } else {
            state_dir
        };
        let ownerless = crate::draft_files::ownerless_in(&state_dir);
        if ownerless > 0 {
            let dir = crate::app::drafts::Drafts::dir_in(&state_dir);
            warnings.push(fill(
                lang,
                Msg::OwnerlessDrafts,
                &[&ownerless.to_string(), &dir.display().to_string()],
            ));
        }
    }
    let store_path = store_path(&cli, &resolved, &target);
    if cli.demo
        && cli.demo_fresh
        && let Some(path) = &store_path
        && let Err(error) = crate::store::remove_files(path)
    {
        tracing::warn!(%error, "the demo's local store was not emptied");
    }
    let settings = Settings {
        lang,
        color,
        account_label: target.account_label.clone(),
        per_page: target.client.per_page,
        auto_refresh_secs: (auto_refresh > 0).then_some(auto_refresh),
        extra_views,
        display_offset_minutes: resolved.timezone.local_minus_utc() / 60,
        startup_notice: startup_notice(&warnings, resolved.config_path.as_deref()),
        keymap: std::sync::Arc::new(keymap),
        bulk_confirm_threshold: resolved.ui.bulk_confirm_threshold,
        bulk_concurrency: resolved.ui.bulk_concurrency,
        page_concurrency: target.client.concurrency.max(1),
        bulk_target: bulk_target.clone(),
        selection: match resolved.ui.selection {
            crate::config::file::Selection::Row => crate::app::state::SelectionStyle::Row,
            crate::config::file::Selection::Cursor => crate::app::state::SelectionStyle::Cursor,
        },
        // The demo's tickets are the sandbox's: a profile's web UI does not know them.
        web_url: resolved.web_url.clone().filter(|_| !cli.demo),
        local_store: store_path.is_some(),
        // An account is the agent's e-mail; a token names no agent.
        login: match &target.client.auth {
            Auth::Basic { account, .. } => Some(account.clone()),
            Auth::Token { .. } => None,
        },
        snippets: snippets
            .into_iter()
            .map(|s| crate::app::snippets::Snippet {
                name: s.name,
                title: s.title,
                body: s.body,
            })
            .collect(),
        macros,
        move_on: resolved.ui.move_on,
        download_dir: resolved.ui.download_dir.clone(),
        watch: watched_views(&resolved.views),
        sla: sla_targets(&resolved.sla),
        // The demo's views are not the profile's: `S` there has nowhere to save.
        config_path: resolved.config_path.clone().filter(|_| !cli.demo),
        profile_name: resolved.profile_name.clone().filter(|_| !cli.demo),
    };
    let concurrency = target.client.concurrency;
    let bulk_setup = crate::worker::BulkSetup {
        // The demo's runs are kept apart, beside its sandbox's kept writes.
        state_dir: crate::config::state_dir()
            .ok()
            .map(|dir| if cli.demo { dir.join("demo") } else { dir }),
        target: bulk_target,
        options: crate::bulk::RunOptions {
            concurrency: resolved.ui.bulk_concurrency.max(1),
            retention: Some(resolved.ui.history),
            ..crate::bulk::RunOptions::default()
        },
    };
    // The worker keeps the configuration, so a 401 mid-session can sign in again.
    let runs = crate::worker::RunsInFlight::default();
    let (commands, results) = crate::worker::spawn_with_store(
        target.client.clone(),
        concurrency,
        Some(bulk_setup),
        runs.clone(),
        store_path,
    )?;
    let mut app = App::new(settings, server_now());
    // Drawn here, not in `update`: the random part of the ids of the runs planned here.
    app.run_ids = crate::app::RunIds::seeded(rand::random());
    let mut lookups_file = None;
    // Drafts live in the state directory (the demo's apart, like its runs).
    if let Ok(state_dir) = crate::config::state_dir() {
        let state_dir = if cli.demo {
            state_dir.join("demo")
        } else {
            state_dir
        };
        let owner = crate::app::drafts::DraftOwner {
            profile: app.settings.bulk_target.profile.clone(),
            login: resolved.connection.login.clone().unwrap_or_default(),
            base_url: app.settings.bulk_target.base_url.clone(),
        };
        app.compose.drafts =
            crate::draft_files::load(crate::app::drafts::Drafts::dir_for(&state_dir, &owner));
        // Names from earlier starts: rows show them at once, with no call.
        let path = crate::lookup_cache::path_for(&state_dir, &owner);
        app.lookups.seed(crate::lookup_cache::load(&path, app.now));
        lookups_file = Some(path);
        // The prompts' histories (↑/↓), beside the drafts.
        app.prompt_history =
            crate::history_files::load(crate::app::line_edit::PromptHistory::dir_in(&state_dir));
    }

    // Signal handlers first: from here on SIGTERM/SIGHUP end the loop, not the process.
    let mut shutdown = Box::pin(shutdown_signal());
    // Links in ticket text as OSC 8 hyperlinks: the view records them, the backend writes
    // them (decided here, from the environment, never in `app`).
    let links =
        crate::tui::hyperlinks::enabled(resolved.ui.hyperlinks, &|name| std::env::var(name).ok())
            .then(crate::hyperlink::SharedLinks::default);
    let (mut terminal, guard) = setup_terminal(resolved.ui.mouse, links.clone())?;
    let events = crate::tui::ConsoleEvents::new();
    let mut clipboard = io::stdout();
    let result = run_loop(
        &mut terminal,
        &mut app,
        events,
        results,
        Outputs {
            worker: commands,
            clipboard: &mut clipboard,
        },
        &mut match links {
            Some(links) => crate::ui::Ui::new(theme).with_links(links),
            None => crate::ui::Ui::new(theme),
        },
        Duration::from_millis(200),
        &server_now,
        shutdown.as_mut(),
    )
    .await;
    // Dropping the terminal shows the cursor; on a hung-up terminal that write fails and
    // ratatui reports it with `eprintln!`, which panics on the dead stderr (exit 101). So
    // the cursor is shown here, and a terminal that is gone or refuses it is not dropped
    // (there is no screen left to restore). Both checks: a SIGHUP can end the loop before
    // the hang-up shows to poll, and a write can fail before it does.
    if crate::tui::terminal_hung_up() || terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    } else {
        drop(terminal);
    }
    drop(guard);
    // The names learned, for the next start. A convenience: a failed write is logged.
    if let Some(path) = lookups_file
        && let Err(error) = crate::lookup_cache::save(&path, app.lookups.to_keep())
    {
        tracing::warn!(path = %path.display(), %error, "the lookup cache was not written");
    }
    if runs.running() > 0 && !crate::tui::terminal_hung_up() {
        // The shell is back, yet the process lingers: say why. Not `eprintln!` (a terminal
        // that just went would panic it).
        let seconds = RUNS_GRACE.as_secs_f32().to_string();
        let _ = writeln!(
            io::stderr(),
            "gongdan: {}",
            fill(lang, Msg::BulkExitWaiting, &[&seconds])
        );
    }
    // A bulk run still sending: nothing more goes out, and the calls in flight get a
    // moment to be answered, so that the journal has their real outcomes; those left
    // unanswered stay in doubt for the resume, which the next start offers.
    if !runs.stop(RUNS_GRACE).await {
        tracing::warn!("bulk calls still unanswered at exit: left in doubt for the resume");
    }
    // Not dropped: calls still in flight (past the grace) to the demo's sandbox would
    // fail as it closed, and be journaled as failed in the instant before the process ends.
    std::mem::forget(target.sandbox);
    result?;
    Ok(())
}

/// The local store's file (issue 16), per profile, login and server as the drafts' owner
/// (the demo's server is "demo", its login the demo account); `None` with `cache = false`
/// or no cache directory. Only the path: the worker opens it.
fn store_path(
    cli: &Cli,
    resolved: &crate::config::Resolved,
    target: &Target,
) -> Option<std::path::PathBuf> {
    if !resolved.cache {
        return None;
    }
    let (login, base_url) = if cli.demo {
        let account = match &target.client.auth {
            Auth::Basic { account, .. } => account.clone(),
            Auth::Token { .. } => String::new(),
        };
        (account, "demo".to_string())
    } else {
        (
            resolved.connection.login.clone().unwrap_or_default(),
            target.client.base_url.clone(),
        )
    };
    let profile = resolved.profile_name.clone().unwrap_or_default();
    let dir = crate::config::cache_dir().ok()?;
    Some(crate::store::path_in(
        &dir,
        &crate::files::owner_name(&profile, &login, &base_url),
    ))
}

/// How long the way out waits for bulk calls in flight (see [`crate::worker::RunsInFlight`]).
pub const RUNS_GRACE: Duration = Duration::from_millis(2500);

/// What `gongdan config check` says of the console's own settings; handed to
/// [`crate::config::check::check`] by `main`, so that `config` needs neither the key map nor
/// the theme.
pub fn console_report(resolved: &crate::config::Resolved) -> ConsoleReport {
    let mut report = ConsoleReport::default();
    let mut line = |key: &str, value: String, source: &str| {
        report
            .lines
            .push((key.to_string(), value, source.to_string()));
    };
    let lang = match resolved.language {
        // Set in the file: the profile's own line (language en [file]) says it already.
        Some(_) => resolved.lang(),
        None => {
            // The locale read at start decides; the environment says which variable it was.
            let lang = resolved.lang();
            let (_, why) = Lang::from_env_explained();
            let why = why.map_or("auto: no LC_ALL/LC_MESSAGES/LANG".into(), |w| {
                format!("auto: env {w}")
            });
            // Beside the profile's "language auto [default]": what auto came to.
            line("language (auto)", lang.code().into(), &why);
            lang
        }
    };
    let depth = ColorDepth::from_env(false);
    let env = |var: &str| std::env::var(var).unwrap_or_default();
    line(
        "colour",
        depth.as_str().into(),
        &format!(
            "env NO_COLOR={:?} TERM={:?} COLORTERM={:?}; --no-color turns it off",
            env("NO_COLOR"),
            env("TERM"),
            env("COLORTERM")
        ),
    );
    let entries = |table: &toml::Table, prefix: &str| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, value) in table {
            match value {
                toml::Value::Table(inner) if !inner.is_empty() => {
                    for (sub, value) in inner {
                        out.push((format!("{prefix}.{key}.{sub}"), value.to_string()));
                    }
                }
                other => out.push((format!("{prefix}.{key}"), other.to_string())),
            }
        }
        out
    };
    let keys = entries(&resolved.keys, "keys");
    if keys.is_empty() {
        line("keys", Msg::SrcDefaultKeys.text(lang).into(), "default");
    }
    for (key, value) in keys {
        line(&key, value, "file");
    }
    match KeyMap::from_config(&resolved.keys) {
        Ok(map) => report
            .warnings
            .extend(map.conflicts.iter().map(|c| c.describe(lang))),
        Err(err) => report
            .errors
            .push(format!("{}{}", resolved.locate(&err.path), err.text(lang))),
    }
    let theme = entries(&resolved.theme, "theme");
    if theme.is_empty() {
        line("theme", Msg::SrcDefaultTheme.text(lang).into(), "default");
    }
    for (key, value) in theme {
        line(&key, value, "file");
    }
    if let Err(err) = Theme::from_config(&resolved.theme, depth) {
        report
            .errors
            .push(format!("{}{}", resolved.locate(&err.path), err.text(lang)));
    }
    canned_report(resolved, lang, &mut report);
    report
}

/// `config check`'s lines for the canned replies and macros, read as the console reads
/// them: the snippet folder's files and `[[snippets]]` by name, each macro with its key;
/// a file that cannot be read or a key another binding has is a warning, a key that does
/// not parse an error (the console would not start).
fn canned_report(resolved: &crate::config::Resolved, lang: Lang, report: &mut ConsoleReport) {
    // Names come from file names and the config: printed inert, as everything on screen.
    let clean = crate::text::clean_line;
    let (snippets, warnings) = crate::config::snippets::load(resolved);
    report
        .warnings
        .extend(warnings.iter().map(|w| clean(&w.text(lang))));
    let source = match crate::config::snippets::folder(resolved) {
        Some(dir) if dir.is_dir() => format!("file + {}", clean(&dir.display().to_string())),
        _ => "file".to_string(),
    };
    let value = if snippets.is_empty() {
        Msg::ScriptNoSnippets.text(lang).to_string()
    } else {
        let names: Vec<String> = snippets.iter().map(|s| clean(&s.name)).collect();
        format!("{}: {}", names.len(), names.join(", "))
    };
    report.lines.push(("snippets".into(), value, source));
    let macros = match macros_from_config(resolved, lang) {
        Ok(macros) => macros,
        Err(error) => {
            report.errors.push(error.to_string());
            return;
        }
    };
    if macros.is_empty() {
        report.lines.push((
            "macros".into(),
            Msg::CfgNoMacros.text(lang).into(),
            "default".into(),
        ));
    }
    for m in &macros {
        let key = match &m.key {
            Some(key) => fill(lang, Msg::CfgMacroKey, &[&key.label()]),
            None => Msg::CfgMacroMenuOnly.text(lang).to_string(),
        };
        report
            .lines
            .push((format!("macros.{}", m.name), key, "file".into()));
    }
    if let Ok(keymap) = KeyMap::from_config(&resolved.keys) {
        report
            .warnings
            .extend(macro_keys_taken(&macros, &keymap, lang));
    }
}

/// The first warning for the status line, with how many more there are (the view says
/// so). The config file is named without its directory (`config.toml:53:1: ...`): the full
/// path would push the key and the suggestion off the line, and `gongdan config check`
/// prints it whole.
pub fn startup_notice(
    warnings: &[String],
    config_path: Option<&std::path::Path>,
) -> Option<crate::app::notice::Note> {
    let mut first = warnings.first()?.clone();
    if let Some(path) = config_path
        && let Some(name) = path.file_name()
    {
        let full = format!("{}:", path.display());
        if first.starts_with(&full) {
            first = format!("{}:{}", name.to_string_lossy(), &first[full.len()..]);
        }
    }
    Some(crate::app::notice::Note::Startup {
        first,
        more: warnings.len() - 1,
    })
}
