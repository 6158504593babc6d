//! The command line: flags and subcommands (clap).

use std::ffi::OsString;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{
    Keyring, OsKeyring, PASSWORD_ENV, ResolveOptions, SECRET_ENV, env_secret, given,
};

#[derive(Debug, Parser)]
#[command(
    name = "gongdan",
    version,
    about = "A terminal console for the 帮我吧 (Bangwo8) helpdesk",
    after_help = crate::script::EXIT_CODES_HELP
)]
pub struct Cli {
    /// Start a sandbox server in-process with seeded data and open the console on it.
    #[arg(long)]
    pub(crate) demo: bool,

    /// With --demo: sign in as an admin (default) or as an ordinary agent.
    #[arg(long, value_enum, default_value_t = DemoRole::Admin, requires = "demo")]
    pub(crate) demo_role: DemoRole,

    /// With --demo: the first bulk update of N or more tickets fails for N of them ("being
    /// edited by another agent"), to show the failure list and `r` retry; 0 turns it off.
    #[arg(long, default_value_t = 2, value_name = "N", requires = "demo")]
    pub(crate) demo_failures: usize,

    /// With --demo: add this much latency to every answer of the sandbox (to watch a bulk
    /// run's gauge move).
    #[arg(long, default_value_t = 0, value_name = "MS", requires = "demo")]
    pub(crate) demo_latency_ms: u64,

    /// With --demo: start over from the seeded data. The demo keeps its tickets, runs and
    /// drafts in the state directory's `demo/` (delete it for the same effect), so that a
    /// run cut short by a kill can be resumed.
    #[arg(long, requires = "demo")]
    pub(crate) demo_fresh: bool,

    /// Base URL of the server, e.g. https://www.bangwo8.com (overrides the profile).
    #[arg(
        long,
        env = "GONGDAN_BASE_URL",
        global = true,
        help_heading = "Account and config"
    )]
    pub(crate) base_url: Option<String>,

    /// Account to sign in with (overrides the profile).
    #[arg(
        long,
        env = "GONGDAN_ACCOUNT",
        global = true,
        help_heading = "Account and config"
    )]
    pub(crate) account: Option<String>,

    /// No colours (also when NO_COLOR is set): state shows as text and reverse video.
    #[arg(long)]
    pub(crate) no_color: bool,

    /// The config file (default: config.toml in the platform's config directory).
    #[arg(
        long,
        env = "GONGDAN_CONFIG",
        global = true,
        help_heading = "Account and config",
        value_name = "PATH"
    )]
    pub(crate) config: Option<std::path::PathBuf>,

    /// The profile of the config file to use (default: default_profile, or the only one).
    #[arg(
        long,
        env = "GONGDAN_PROFILE",
        global = true,
        help_heading = "Account and config",
        value_name = "NAME"
    )]
    pub(crate) profile: Option<String>,

    /// Log level for the log file (error, warn, info, debug, trace, or a tracing filter);
    /// logs never go to the terminal while the screen is open.
    #[arg(
        long,
        env = "GONGDAN_LOG",
        global = true,
        help_heading = "Account and config",
        value_name = "LEVEL"
    )]
    pub(crate) log_level: Option<String>,

    /// Allow plain http:// to a host other than loopback (sends the password unencrypted).
    #[arg(long, global = true, help_heading = "Account and config")]
    pub(crate) allow_http: bool,

    /// A PEM file of extra CA certificates, for a self-hosted server.
    #[arg(
        long,
        global = true,
        help_heading = "Account and config",
        value_name = "PATH"
    )]
    pub(crate) ca_file: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The role the demo signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DemoRole {
    Admin,
    Agent,
}

// Parsed once at start: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local sandbox of the 帮我吧 ticket API on loopback.
    Sandbox(crate::sandbox::SandboxArgs),
    /// Show where the config is (`config path`) or check it end to end (`config check`).
    Config(crate::config::ConfigArgs),
    /// List, search, show, update and create tickets, for scripts (table, --json, --ids).
    Tickets(crate::script::TicketsArgs),
    /// List past bulk runs, newest first (the console's and the scripts').
    History(crate::script::HistoryArgs),
    /// Put back what a run changed (except tickets changed again since).
    Undo(crate::script::UndoArgs),
    /// Finish an interrupted or cancelled run (nothing is applied twice).
    Resume(crate::script::ResumeArgs),
    /// Send the failed tickets of a run again, as a new run.
    Retry(crate::script::RetryArgs),
    /// The local ticket store: `cache status`, `cache sync [--full]`, `cache clear`.
    Cache(crate::script::CacheArgs),
    /// Print shell completions (bash, zsh or fish).
    Completions(crate::script::CompletionsArgs),
    /// Print the man page (roff), or write every page into a directory.
    Man(crate::script::ManArgs),
}

impl Cli {
    /// The options of resolving the config, from the parsed command line. clap folds an environment variable into its flag, so
    /// a value counts as a flag when the flag is on the command line, else as the variable.
    pub fn resolve_options(&self) -> ResolveOptions {
        let args: Vec<OsString> = std::env::args_os().collect();
        ResolveOptions {
            config_path: given(&args, self.config.clone(), "--config", "GONGDAN_CONFIG"),
            profile: given(&args, self.profile.clone(), "--profile", "GONGDAN_PROFILE"),
            base_url: given(
                &args,
                self.base_url.clone(),
                "--base-url",
                "GONGDAN_BASE_URL",
            ),
            account: given(&args, self.account.clone(), "--account", "GONGDAN_ACCOUNT"),
            allow_http: self.allow_http,
            ca_file: self.ca_file.clone(),
            log_level: given(&args, self.log_level.clone(), "--log-level", "GONGDAN_LOG"),
            env_password: env_secret(PASSWORD_ENV),
            env_secret: env_secret(SECRET_ENV),
            no_connection: self.demo,
            keyring: std::env::var_os("GONGDAN_NO_KEYRING")
                .is_none()
                .then(|| Arc::new(OsKeyring) as Arc<dyn Keyring>),
            locale: crate::lang::Lang::from_env(),
        }
    }
}
