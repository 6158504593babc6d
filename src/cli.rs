//! The command line: flags and subcommands (clap).

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gongdan",
    version,
    about = "A terminal console for the 帮我吧 (Bangwo8) helpdesk"
)]
pub struct Cli {
    /// Start a sandbox server in-process with seeded data and open the console on it.
    #[arg(long)]
    pub demo: bool,

    /// With --demo: sign in as an admin (default) or as an ordinary agent.
    #[arg(long, value_enum, default_value_t = DemoRole::Admin, requires = "demo")]
    pub demo_role: DemoRole,

    /// Base URL of the server, e.g. https://www.bangwo8.com (overrides the profile).
    #[arg(long, env = "GONGDAN_BASE_URL")]
    pub base_url: Option<String>,

    /// Account to sign in with (overrides the profile).
    #[arg(long, env = "GONGDAN_ACCOUNT")]
    pub account: Option<String>,

    /// Profile of the config file to use.
    #[arg(long, env = "GONGDAN_PROFILE")]
    pub profile: Option<String>,

    /// No colours (also when NO_COLOR is set): state shows as text and reverse video.
    #[arg(long)]
    pub no_color: bool,

    /// Log level for the log file (error, warn, info, debug, trace); logs never go to the
    /// terminal while the screen is open.
    #[arg(long, env = "GONGDAN_LOG")]
    pub log_level: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The role the demo signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoRole {
    Admin,
    Agent,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local sandbox of the 帮我吧 ticket API on loopback.
    Sandbox(crate::sandbox::SandboxArgs),
}
