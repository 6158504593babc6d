//! `gongdan history`: the runs listed (text, `--ids` or `--json`) and `history prune`.

use std::io::Write;

use serde::Serialize;

use super::{HistoryAction, HistoryArgs};
use crate::bulk::{RunInfo, RunKind, RunState};
use crate::config::ResolveOptions;
use crate::lang::Lang;
use crate::script::{Exit, ScriptError, Settings};
use crate::words;
use crate::words::bulk::run_summary;

/// One run as `history --json` prints it.
#[derive(Debug, Serialize)]
struct RunView {
    run: String,
    created: String,
    kind: &'static str,
    of: Option<String>,
    state: &'static str,
    undone_by: Option<String>,
    total: usize,
    succeeded: usize,
    failed: usize,
    left: usize,
    /// Tickets in doubt (the answer was lost): `resume` settles them.
    unknown: usize,
    /// Replies that may or may not have been sent: tickets to check.
    check: Vec<u64>,
    /// Left alone as changed since the preview.
    changed: usize,
    resumable: bool,
    profile: String,
    base_url: String,
    summary: String,
}

pub(crate) fn history(args: HistoryArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let settings = Settings::load(options)?;
    // Listing reads the journal only: no password is needed.
    let journal = crate::bulk::Journal::new(crate::config::state_dir()?);
    if let Some(HistoryAction::Prune {
        keep_days,
        keep_last,
    }) = args.action
    {
        let configured = settings.resolved.ui.history;
        let keep = crate::bulk::Retention {
            keep_days: keep_days.unwrap_or(configured.keep_days),
            keep_last: keep_last.unwrap_or(configured.keep_last),
        };
        return prune(&journal, keep, settings.lang);
    }
    let history = journal.list();
    for problem in &history.problems {
        eprintln!(
            "gongdan: {}",
            words::script::warning(settings.lang, problem)
        );
    }
    let limit = args.limit.unwrap_or(usize::MAX);
    let mut out = std::io::stdout().lock();
    for run in history.runs.iter().take(limit) {
        let line = if args.ids {
            run.run_id.clone()
        } else if args.json {
            serde_json::to_string(&RunView::of(run))
                .map_err(|e| crate::script::write_error(std::io::Error::other(e)))?
        } else {
            let created = run
                .created
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M");
            format!(
                "{}  {created}  {}",
                run.run_id,
                run_summary(settings.lang, run)
            )
        };
        writeln!(out, "{line}").map_err(crate::script::write_error)?;
    }
    Ok(Exit::Done)
}

/// `history prune`: the runs removed, one a line, and how many on standard error.
fn prune(
    journal: &crate::bulk::Journal,
    keep: crate::bulk::Retention,
    lang: Lang,
) -> Result<Exit, ScriptError> {
    let pruned = journal.prune(keep, chrono::Utc::now());
    for problem in &pruned.problems {
        eprintln!("gongdan: {}", words::script::warning(lang, problem));
    }
    let mut out = std::io::stdout().lock();
    for run in &pruned.removed {
        writeln!(out, "{run}").map_err(crate::script::write_error)?;
    }
    let removed = words::script::runs_removed(lang, pruned.removed.len());
    eprintln!("gongdan: {removed}");
    Ok(Exit::Done)
}

impl RunView {
    fn of(run: &RunInfo) -> RunView {
        let (kind, of) = match &run.kind {
            RunKind::Change => ("change", None),
            RunKind::Retry { of } => ("retry", Some(of.clone())),
            RunKind::Undo { of } => ("undo", Some(of.clone())),
        };
        let (state, undone_by) = match &run.state {
            RunState::NotStarted => ("not_started", None),
            RunState::Complete => ("complete", None),
            RunState::Cancelled => ("cancelled", None),
            RunState::Interrupted => ("interrupted", None),
            RunState::Undone { by } => ("undone", Some(by.clone())),
        };
        RunView {
            run: run.run_id.clone(),
            created: run.created.to_rfc3339(),
            kind,
            of,
            state,
            undone_by,
            total: run.total,
            succeeded: run.succeeded,
            failed: run.failed,
            left: run.left,
            unknown: run.unknown,
            check: run.unsettled.clone(),
            changed: run.changed,
            resumable: run.resumable(),
            profile: run.target.profile.clone(),
            base_url: run.target.base_url.clone(),
            // The same for every locale, for the programs that read the JSON.
            summary: run_summary(Lang::En, run),
        }
    }
}
