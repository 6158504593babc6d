//! `gongdan completions bash|zsh|fish` and `gongdan man`, generated from the same clap
//! definitions as the parser, so they never drift from the flags.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, ValueEnum};

use super::{Exit, ScriptError};
use crate::cli::Cli;
use crate::lang::Lang;
use crate::words;

/// Shells with completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for (to standard output).
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write the pages into this directory (gongdan.1 and one page per subcommand, e.g.
    /// gongdan-tickets-update.1) instead of printing gongdan.1 on standard output.
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
}

pub(crate) fn completions(args: &CompletionsArgs) -> Result<Exit, ScriptError> {
    let mut command = Cli::command();
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "gongdan", &mut out);
    out.flush().map_err(super::write_error)?;
    Ok(Exit::Done)
}

pub(crate) fn man(args: &ManArgs, lang: Lang) -> Result<Exit, ScriptError> {
    let command = Cli::command();
    let io = super::write_error;
    match &args.out_dir {
        Some(dir) => {
            let into_dir = |e: std::io::Error| {
                let dir = dir.display().to_string();
                ScriptError::Io(words::script::cannot_write_man(lang, &dir, &e.to_string()))
            };
            std::fs::create_dir_all(dir).map_err(into_dir)?;
            clap_mangen::generate_to(command, dir).map_err(into_dir)?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(io)?;
            out.flush().map_err(io)?;
        }
    }
    Ok(Exit::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definitions_are_consistent() {
        // clap's own checks (unique names, valid groups), for every subcommand.
        Cli::command().debug_assert();
    }
}
