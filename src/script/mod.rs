//! Commands for scripts (issue 8): `tickets list|search|show|update|create`, `history`,
//! `undo RUN`, `resume RUN`, `cache status|sync|clear` (issue 16), `completions SHELL` and `man`. They share the console's
//! config, profiles and credentials ([`crate::config::resolve`]), its client and query
//! builder, and its bulk engine ([`crate::bulk`]: the same plans, journal and undo history),
//! so that the screen and the scripts never disagree.
//!
//! Output goes to standard output (a table sized to the terminal, `--json` NDJSON, or
//! `--ids`); progress, warnings and errors go to standard error. Exit codes: see
//! [`EXIT_CODES_HELP`].

mod bulk_run;
pub(crate) mod cache;
pub(crate) mod completions;
pub(crate) mod history;
pub(crate) mod output;
pub mod stop;
pub(crate) mod tickets;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::api::{ApiError, Client};
use crate::bulk::{BulkError, Engine, Journal, RunOptions, Target};
use crate::cli::Command;
use crate::config::{ConfigError, PromptPolicy, ResolveOptions, Resolved};
use crate::lang::Lang;

pub(crate) use cache::CacheArgs;
pub(crate) use completions::{CompletionsArgs, ManArgs};
pub(crate) use history::{HistoryArgs, ResumeArgs, RetryArgs, UndoArgs};
pub(crate) use tickets::TicketsArgs;

/// The exit codes, as `--help` shows them.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes (script commands):
  0  all done
  1  usage: a bad flag or value, or a confirmation refused
  2  authentication: sign-in refused, no password, or the account's role may not do that
  3  not found: a ticket or run that does not exist
  4  partial failure: some tickets failed, could not be read, were not sent, have an
     unknown outcome, were left alone as changed since the preview, or were left out
     because the tags a tag edit builds on are not known (listed)
  5  network or server error (a redirect to another origin included)
  129, 130, 143  stopped by SIGHUP, Ctrl-C (SIGINT) or SIGTERM (128 + the signal's number):
     no call went out after the signal; a run that had started says how to resume it";

/// What a script command ends with, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    Usage = 1,
    Auth = 2,
    NotFound = 3,
    Partial = 4,
    Network = 5,
    /// Stopped by a signal (128 + its number); see [`stop`].
    HungUp = 129,
    Interrupted = 130,
    Terminated = 143,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// Why a script command stopped, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Bulk(#[from] BulkError),
    #[error("{0}")]
    Io(String),
    /// Standard output was closed by the reader (`| head`): not an error.
    #[error("standard output closed")]
    OutputClosed,
    /// A signal stopped the command: before the run (`run` None, nothing sent) or with
    /// calls of the run still unanswered when the grace ran out.
    #[error("{}", crate::words::script::interrupted(*lang, signal.name(), run.as_deref()))]
    Interrupted {
        signal: stop::Signal,
        run: Option<String>,
        /// The command's language when the signal came.
        lang: Lang,
    },
}

impl ScriptError {
    /// What the command says as it ends with this error. The config's errors are worded
    /// here, in the locale's language (the settings they stopped were not read; the console
    /// words them the same way at start); the others were worded where they were made.
    pub(crate) fn text(&self, locale: Lang) -> String {
        match self {
            ScriptError::Config(error) => error.text(locale),
            other => other.to_string(),
        }
    }

    pub(crate) fn exit(&self) -> Exit {
        match self {
            ScriptError::Usage(_) => Exit::Usage,
            ScriptError::NotFound(_) => Exit::NotFound,
            ScriptError::Api(error) => api_exit(error),
            ScriptError::Config(error) => match error {
                ConfigError::MissingLogin { .. }
                | ConfigError::NoCredential { .. }
                | ConfigError::Prompt(_)
                | ConfigError::PasswordCommand { .. }
                | ConfigError::PasswordFileReadable { .. } => Exit::Auth,
                _ => Exit::Usage,
            },
            ScriptError::Bulk(error) => match error {
                BulkError::Api(error) => api_exit(error),
                BulkError::Journal(crate::bulk::JournalError::NoSuchRun(_)) => Exit::NotFound,
                BulkError::Journal(_) => Exit::Network,
                BulkError::OtherTarget { .. } | BulkError::NothingToUndo(_) => Exit::Usage,
            },
            ScriptError::Io(_) => Exit::Usage,
            ScriptError::OutputClosed => Exit::Done,
            ScriptError::Interrupted { signal, .. } => signal.exit(),
        }
    }
}

/// The exit code of a failed call.
pub(crate) fn api_exit(error: &ApiError) -> Exit {
    match error {
        ApiError::BadCredentials | ApiError::Forbidden(_) => Exit::Auth,
        ApiError::NotFound(_) => Exit::NotFound,
        ApiError::InvalidValue(_) | ApiError::Query(_) | ApiError::Config(_) => Exit::Usage,
        ApiError::RateLimited { .. }
        | ApiError::Redirected(_)
        | ApiError::Server { .. }
        | ApiError::Reported { .. }
        | ApiError::Network(_)
        | ApiError::Decode { .. } => Exit::Network,
    }
}

/// Runs a script command; errors are printed on standard error and become the exit code.
pub async fn run(command: Command, options: ResolveOptions) -> ExitCode {
    // The same log files and levels as the console (`--log-level`, `GONGDAN_LOG`); a log
    // that cannot be opened is said once and the command goes on without it.
    // Completions and the man page only print text: no log files for them.
    let level = options.log_level.as_ref().map(|given| given.value.clone());
    let talks_to_a_server = !matches!(command, Command::Completions(_) | Command::Man(_));
    let _log = match talks_to_a_server.then(|| crate::config::init_logging(level.as_deref())) {
        Some(Ok(guard)) => Some(guard),
        Some(Err(error)) => {
            eprintln!("gongdan: {}", error.text(options.locale));
            None
        }
        None => None,
    };
    tracing::info!(
        command = command_name(&command),
        version = env!("CARGO_PKG_VERSION"),
        "script command started"
    );
    let result = match command {
        Command::Tickets(args) => tickets::run(args, &options).await,
        Command::History(args) => history::history(args, &options),
        Command::Undo(args) => history::undo(args, &options).await,
        Command::Resume(args) => history::resume(args, &options).await,
        Command::Retry(args) => history::retry(args, &options).await,
        Command::Cache(args) => cache::run(args, &options).await,
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args, options.locale),
        Command::Sandbox(_) | Command::Config(_) => Err(ScriptError::Usage(
            crate::words::script::not_a_script_command(options.locale),
        )),
    };
    match result {
        Ok(exit) => {
            tracing::info!(exit = exit as u8, "script command ended");
            exit.into()
        }
        Err(ScriptError::OutputClosed) => Exit::Done.into(),
        Err(error) => {
            tracing::warn!(%error, exit = error.exit() as u8, "script command failed");
            // Not `eprintln!`: after SIGHUP stderr may be a dead terminal, whose panic
            // would make the exit 101.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "gongdan: {}", error.text(options.locale));
            error.exit().into()
        }
    }
}

/// The command's name for the log (its arguments may hold a customer's words).
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Tickets(_) => "tickets",
        Command::History(_) => "history",
        Command::Undo(_) => "undo",
        Command::Resume(_) => "resume",
        Command::Retry(_) => "retry",
        Command::Cache(_) => "cache",
        Command::Completions(_) => "completions",
        Command::Man(_) => "man",
        Command::Sandbox(_) => "sandbox",
        Command::Config(_) => "config",
    }
}

/// The configuration, resolved once per command (warnings printed on standard error).
pub struct Settings {
    pub(crate) resolved: Resolved,
    pub lang: Lang,
}

impl Settings {
    pub(crate) fn load(options: &ResolveOptions) -> Result<Settings, ScriptError> {
        let resolved = crate::config::resolve(options)?;
        let ui_lang = resolved.lang();
        for warning in &resolved.warnings {
            let warning = warning.text(ui_lang);
            eprintln!(
                "gongdan: {}",
                crate::words::fill(ui_lang, crate::words::Msg::CfgWarning, &[&warning])
            );
        }
        let lang = resolved.language.unwrap_or_else(Lang::from_env);
        Ok(Settings { resolved, lang })
    }

    /// The client, with the secret found by the config module (environment, file,
    /// `password_command`, or a hidden prompt when standard input is a terminal).
    pub(crate) fn client(&self) -> Result<Client, ScriptError> {
        let (config, _credential) = self.resolved.connect(PromptPolicy::IfTerminal)?;
        Ok(Client::new(config)?)
    }

    /// The profile and host runs are journaled under.
    pub(crate) fn target(&self) -> Target {
        Target {
            profile: self.resolved.profile_name.clone().unwrap_or_default(),
            base_url: self
                .resolved
                .connection
                .base_url
                .clone()
                .unwrap_or_default(),
        }
    }

    /// The bulk engine over `client`, journaling in the state directory (shared with the
    /// console).
    pub(crate) fn engine(&self, client: Client) -> Result<Engine<Client>, ScriptError> {
        let journal = Journal::new(state_dir()?);
        let options = RunOptions {
            concurrency: self.resolved.ui.bulk_concurrency.max(1),
            ..RunOptions::default()
        };
        Ok(Engine::new(client, journal, options, self.target()))
    }
}

fn state_dir() -> Result<PathBuf, ScriptError> {
    Ok(crate::config::state_dir()?)
}

/// A failed write to standard output; a reader that stopped reading (`| head`) ends the
/// command quietly.
pub(crate) fn write_error(error: std::io::Error) -> ScriptError {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        ScriptError::OutputClosed
    } else {
        ScriptError::Io(format!("cannot write the output: {error}"))
    }
}

/// Whether standard error is a terminal (progress bar, questions).
pub(crate) fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
