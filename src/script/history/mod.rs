//! `gongdan history`, `undo RUN`, `resume RUN` and `retry RUN`: their arguments here, each
//! command in its own module; what they share with `tickets update` is in `script::bulk_run`.

mod listing;
mod resume;
mod retry;
mod undo;

use clap::Args;

pub(crate) use listing::history;
pub(crate) use resume::resume;
pub(crate) use retry::retry;
pub(crate) use undo::undo;

#[derive(Debug, Args)]
#[command(after_help = crate::script::EXIT_CODES_HELP)]
pub struct HistoryArgs {
    /// One JSON object per run and line.
    #[arg(long, conflicts_with = "ids")]
    pub(crate) json: bool,
    /// Only the run ids, newest first.
    #[arg(long)]
    pub(crate) ids: bool,
    /// At most this many runs (newest first).
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    #[command(subcommand)]
    pub(crate) action: Option<HistoryAction>,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum HistoryAction {
    /// Removes old runs now: those older than `ui.history_keep_days` (default 90), except
    /// the `ui.history_keep_last` newest (default 50) and any run that can be resumed.
    Prune {
        /// Keep runs younger than this many days (default: the config's).
        #[arg(long, value_name = "N")]
        keep_days: Option<u32>,
        /// Always keep this many newest runs (default: the config's).
        #[arg(long, value_name = "N")]
        keep_last: Option<usize>,
    },
}

#[derive(Debug, Args)]
#[command(after_help = crate::script::EXIT_CODES_HELP)]
pub struct UndoArgs {
    /// The run to put back (see `gongdan history`).
    pub(crate) run: String,
    /// Print what would be put back and send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = crate::script::EXIT_CODES_HELP)]
pub struct ResumeArgs {
    /// The interrupted or cancelled run to finish (see `gongdan history`).
    pub(crate) run: String,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = crate::script::EXIT_CODES_HELP)]
pub struct RetryArgs {
    /// The run whose failed tickets to send again (a new run, journaled and undoable).
    pub(crate) run: String,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub(crate) json: bool,
}
