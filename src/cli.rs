//! The command line: flags and subcommands (clap).

use clap::{Parser, Subcommand};

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

    /// Base URL of the server, e.g. https://www.bangwo8.com (overrides the profile).
    #[arg(long, env = "GONGDAN_BASE_URL")]
    pub base_url: Option<String>,

    /// Account to sign in with (overrides the profile).
    #[arg(long, env = "GONGDAN_ACCOUNT")]
    pub account: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a local sandbox of the 帮我吧 ticket API on loopback.
    Sandbox(crate::sandbox::SandboxArgs),
}
