//! `gongdan history`, `undo RUN` and `resume RUN`, and what every bulk run of the script
//! commands shares: the confirmation, the progress bar, the report and its exit code.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};

use clap::Args;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::stop::Stop;
use super::{Exit, ScriptError, Settings, stderr_is_terminal};
use crate::bulk::{
    BulkError, FieldKind, Names, OutcomeKind, Preview, RunEvent, RunKind, RunProgress, RunReport,
    RunState, TicketOutcome, retry_failed,
};
use crate::config::ResolveOptions;
use crate::lang::Lang;
use crate::words::{Msg, fill};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct HistoryArgs {
    /// One JSON object per run and line.
    #[arg(long, conflicts_with = "ids")]
    pub json: bool,
    /// Only the run ids, newest first.
    #[arg(long)]
    pub ids: bool,
    /// At most this many runs (newest first).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
}

#[derive(Debug, clap::Subcommand)]
pub enum HistoryAction {
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
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct UndoArgs {
    /// The run to put back (see `gongdan history`).
    pub run: String,
    /// Print what would be put back and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct ResumeArgs {
    /// The interrupted or cancelled run to finish (see `gongdan history`).
    pub run: String,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES_HELP)]
pub struct RetryArgs {
    /// The run whose failed tickets to send again (a new run, journaled and undoable).
    pub run: String,
    /// Do not ask for confirmation above the threshold (needed without a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print each ticket's outcome as a JSON object per line.
    #[arg(long)]
    pub json: bool,
}

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

pub fn history(args: HistoryArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
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
        let pruned = journal.prune(keep, chrono::Utc::now());
        for problem in &pruned.problems {
            eprintln!("gongdan: warning: {problem}");
        }
        let mut out = std::io::stdout().lock();
        for run in &pruned.removed {
            writeln!(out, "{run}").map_err(super::write_error)?;
        }
        eprintln!("gongdan: {} run(s) removed", pruned.removed.len());
        return Ok(Exit::Done);
    }
    let history = journal.list();
    for problem in &history.problems {
        eprintln!("gongdan: warning: {problem}");
    }
    let limit = args.limit.unwrap_or(usize::MAX);
    let mut out = std::io::stdout().lock();
    let write = |out: &mut std::io::StdoutLock<'_>, line: String| {
        writeln!(out, "{line}").map_err(super::write_error)
    };
    for run in history.runs.iter().take(limit) {
        if args.ids {
            write(&mut out, run.run_id.clone())?;
        } else if args.json {
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
            let view = RunView {
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
                summary: run.summary(Lang::En),
            };
            let line = serde_json::to_string(&view)
                .map_err(|e| super::write_error(std::io::Error::other(e)))?;
            write(&mut out, line)?;
        } else {
            let created = run
                .created
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M");
            write(
                &mut out,
                format!("{}  {created}  {}", run.run_id, run.summary(settings.lang)),
            )?;
        }
    }
    Ok(Exit::Done)
}

pub async fn undo(args: UndoArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?;
    let settings = Settings::load(options)?;
    stop.check()?;
    let client = settings.client()?;
    let engine = settings.engine(client)?;
    let mut plan = stop
        .before(async { Ok(engine.plan_undo(&args.run).await?) })
        .await?;
    let preview = Preview::of(&plan);
    let names = stop
        .before(async { Ok(names_for(engine.api(), &plan).await) })
        .await?;
    plan.remember_names(&names);
    let summary = preview.summary_with(settings.lang, &names);
    let left_alone: Vec<TicketOutcome> = plan
        .excluded
        .iter()
        .map(|ticket| TicketOutcome::failed(ticket.id, ticket.reason.describe(settings.lang)))
        .collect();
    if args.dry_run {
        println!("{summary}");
        for ticket in &left_alone {
            println!("  {}: {}", ticket.id, ticket.error);
        }
        return Ok(Exit::Done);
    }
    eprintln!("{summary}");
    if plan.tickets.is_empty() {
        for ticket in &left_alone {
            println!("{}: {}", ticket.id, ticket.error);
        }
        return Ok(if left_alone.is_empty() {
            Exit::Done
        } else {
            Exit::Partial
        });
    }
    confirm_or_stop(
        &stop,
        &preview,
        settings.resolved.ui.bulk_confirm_threshold,
        args.yes,
        settings.lang,
    )
    .await?;
    let run_id = plan.run_id.clone();
    let report = drive(settings.lang, &stop, &run_id, |events, cancel| async move {
        engine.start(&plan, &events, &cancel).await
    })
    .await?;
    let printed = print_report(&report, &left_alone, settings.lang, args.json);
    exit_of(&stop, printed, settings.lang)
}

pub async fn resume(args: ResumeArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?;
    let settings = Settings::load(options)?;
    stop.check()?;
    let client = settings.client()?;
    let engine = settings.engine(client)?;
    let run = args.run.clone();
    let report = drive(
        settings.lang,
        &stop,
        &args.run,
        |events, cancel| async move { engine.resume(&run, &events, &cancel).await },
    )
    .await?;
    let printed = print_report(&report, &[], settings.lang, args.json);
    exit_of(&stop, printed, settings.lang)
}

pub async fn retry(args: RetryArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?;
    let settings = Settings::load(options)?;
    stop.check()?;
    let client = settings.client()?;
    let engine = settings.engine(client)?;
    let earlier = engine.report(&args.run)?;
    let Some(plan) = retry_failed(&earlier, crate::bulk::RunStamp::now()) else {
        println!("{}", fill(settings.lang, Msg::ScriptNoFailed, &[&args.run]));
        return Ok(Exit::Done);
    };
    let preview = Preview::of(&plan);
    let names = stop
        .before(async { Ok(names_for(engine.api(), &plan).await) })
        .await?;
    eprintln!("{}", preview.summary_with(settings.lang, &names));
    confirm_or_stop(
        &stop,
        &preview,
        settings.resolved.ui.bulk_confirm_threshold,
        args.yes,
        settings.lang,
    )
    .await?;
    let run_id = plan.run_id.clone();
    let report = drive(settings.lang, &stop, &run_id, |events, cancel| async move {
        engine.start(&plan, &events, &cancel).await
    })
    .await?;
    let printed = print_report(&report, &[], settings.lang, args.json);
    exit_of(&stop, printed, settings.lang)
}

/// Names for the preview's ids (agents, groups, custom fields), as far as the account may
/// read them; an id without a name is shown as `#id`.
pub async fn names_for(client: &crate::api::Client, plan: &crate::bulk::Plan) -> Names {
    let kinds = plan.kinds();
    let mut names = Names::default();
    let wants = |kind: &FieldKind| kinds.contains(kind);
    if wants(&FieldKind::Assignee) || wants(&FieldKind::Group) || wants(&FieldKind::CcUsers) {
        if let Ok(agents) = client.agents().await {
            if wants(&FieldKind::Group) {
                let mut group_ids: Vec<u64> = agents
                    .iter()
                    .flat_map(|a| a.group_ids.iter().copied())
                    .collect();
                group_ids.sort_unstable();
                group_ids.dedup();
                for id in group_ids {
                    if let Ok(group) = client.group(id).await {
                        names.groups.insert(id, group.name);
                    }
                }
            }
            names.agents = agents.into_iter().map(|a| (a.id, a.name)).collect();
        }
    }
    if kinds
        .iter()
        .any(|k| matches!(k, FieldKind::Custom(_) | FieldKind::Table(_)))
        && let Ok(fields) = client.ticket_fields().await
    {
        names.fields = fields.into_iter().map(|f| (f.key, f.name)).collect();
    }
    names
}

/// Above the threshold, the user types the number of tickets on the terminal (as in the
/// console); without a terminal only `--yes` goes ahead.
pub fn confirm(
    preview: &Preview,
    threshold: usize,
    yes: bool,
    lang: Lang,
) -> Result<(), ScriptError> {
    if yes || !preview.needs_typed_confirmation(threshold) {
        return Ok(());
    }
    let count = preview.to_change;
    let refuse = |why: &str| {
        ScriptError::Usage(fill(
            lang,
            Msg::ScriptAboveThreshold,
            &[&count.to_string(), &threshold.to_string(), why],
        ))
    };
    // Standard input may carry the ids: ask on the terminal itself.
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty");
    let (Ok(tty), true) = (tty, stderr_is_terminal()) else {
        return Err(refuse(Msg::ScriptNoTerminal.text(lang)));
    };
    let mut writer = &tty;
    let question = fill(lang, Msg::ScriptTypeCount, &[&count.to_string()]);
    let _ = writer.write_all(question.as_bytes());
    let _ = writer.flush();
    let mut answer = String::new();
    BufReader::new(&tty)
        .read_line(&mut answer)
        .map_err(|e| ScriptError::Io(format!("cannot read the answer: {e}")))?;
    if answer.trim() == count.to_string() {
        Ok(())
    } else {
        Err(refuse(Msg::ScriptNotConfirmed.text(lang)))
    }
}

/// [`confirm`] on its own thread, given up at a signal (the answer is read from the
/// terminal, where Ctrl-C does not end the read).
pub async fn confirm_or_stop(
    stop: &Stop,
    preview: &Preview,
    threshold: usize,
    yes: bool,
    lang: Lang,
) -> Result<(), ScriptError> {
    stop.check()?;
    if yes || !preview.needs_typed_confirmation(threshold) {
        return Ok(());
    }
    let preview = preview.clone();
    stop.blocking(move || confirm(&preview, threshold, yes, lang))
        .await
}

/// Runs a bulk operation with its events drawn as a progress bar on standard error (when
/// it is a terminal); a signal (`stop`) cancels it: no call goes out after it, the calls in
/// flight get [`super::stop::GRACE`] to be answered, and those still unanswered then are
/// left in doubt for `resume` (an `Interrupted` error naming `run_id`).
pub async fn drive<F, Fut>(
    lang: Lang,
    stop: &Stop,
    run_id: &str,
    run: F,
) -> Result<RunReport, ScriptError>
where
    F: FnOnce(mpsc::Sender<RunEvent>, CancellationToken) -> Fut,
    Fut: Future<Output = Result<RunReport, BulkError>>,
{
    stop.check()?;
    let (events, mut receiver) = mpsc::channel::<RunEvent>(64);
    let bar = stderr_is_terminal();
    let watcher = tokio::spawn(async move {
        while let Some(event) = receiver.recv().await {
            show_event(&event, bar, lang);
        }
    });
    let result = tokio::select! {
        result = run(events, stop.token()) => Some(result),
        // Dropping the run drops its calls in flight: they get no outcome line, which the
        // journal keeps as in doubt (never as failed).
        () = stop.grace_over() => None,
    };
    let _ = watcher.await;
    match result {
        Some(result) => Ok(result?),
        None => {
            if bar {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
            Err(ScriptError::Interrupted {
                signal: stop.signal().unwrap_or(super::stop::Signal::Interrupt),
                run: Some(run_id.to_string()),
            })
        }
    }
}

/// The exit of a run that ended (its report printed): the signal's if one stopped it,
/// even when the report could not be written (after SIGHUP the terminal may be gone).
pub fn exit_of(
    stop: &Stop,
    printed: Result<Exit, ScriptError>,
    lang: Lang,
) -> Result<Exit, ScriptError> {
    match stop.signal() {
        None => printed,
        Some(signal) => {
            // After SIGHUP stderr may be gone: a failed write is no panic.
            let _ = writeln!(
                std::io::stderr(),
                "gongdan: {}",
                fill(lang, Msg::ScriptStoppedBy, &[signal.name()])
            );
            Ok(signal.exit())
        }
    }
}

fn show_event(event: &RunEvent, bar: bool, lang: Lang) {
    let mut err = std::io::stderr().lock();
    match event {
        RunEvent::Started(progress) => {
            let _ = writeln!(err, "{}", fill(lang, Msg::ScriptRun, &[&progress.run_id]));
            if bar {
                let _ = write!(err, "\r\x1b[2K{}", bar_line(progress));
            }
        }
        RunEvent::Checking { tickets, .. } => {
            let _ = writeln!(
                err,
                "{}",
                fill(lang, Msg::ScriptChecking, &[&tickets.to_string()])
            );
        }
        RunEvent::Progress(progress) if bar => {
            let _ = write!(err, "\r\x1b[2K{}", bar_line(progress));
        }
        RunEvent::Progress(_) => {}
        RunEvent::AuthRefused { run_id, tickets } => {
            if bar {
                let _ = write!(err, "\r\x1b[2K");
            }
            let _ = writeln!(
                err,
                "{}",
                fill(
                    lang,
                    Msg::ScriptAuthRefused,
                    &[&tickets.to_string(), run_id.as_str()],
                )
            );
        }
        RunEvent::CallFailed {
            call,
            tickets,
            reason,
            ..
        } => {
            if bar {
                let _ = write!(err, "\r\x1b[2K");
            }
            let _ = writeln!(
                err,
                "{}",
                fill(
                    lang,
                    Msg::ScriptCallFailed,
                    &[&call.to_string(), &tickets.to_string(), &reason.to_string()],
                )
            );
        }
        RunEvent::Finished(progress) => {
            if bar {
                let _ = writeln!(err, "\r\x1b[2K{}", bar_line(progress));
            }
        }
    }
    let _ = err.flush();
}

/// `[#########...........] 120/300  2 failed  ~12 s left`
fn bar_line(progress: &RunProgress) -> String {
    const CELLS: usize = 24;
    let total = progress.done + progress.failed + progress.left;
    let finished = progress.done + progress.failed;
    let filled = (finished * CELLS).checked_div(total).unwrap_or(CELLS);
    let mut line = format!(
        "[{}{}] {finished}/{total}",
        "#".repeat(filled),
        ".".repeat(CELLS - filled)
    );
    if progress.failed > 0 {
        line.push_str(&format!("  {} failed", progress.failed));
    }
    if let Some(eta) = progress.eta
        && progress.left > 0
    {
        line.push_str(&format!("  ~{} s left", eta.as_secs().max(1)));
    }
    line
}

/// One ticket's outcome as `--json` prints it.
#[derive(Debug, Serialize)]
struct OutcomeView<'a> {
    run: &'a str,
    id: u64,
    /// `done`, `failed`, `not_sent`, `skipped` (left out before the run), `unknown` (the
    /// answer was lost: `gongdan resume` settles it), `check` (a reply that may or may not
    /// have been sent: look at the ticket) or `changed` (changed since the preview, left
    /// alone).
    result: &'static str,
    error: &'a str,
}

/// Prints a run's summary and every ticket that did not succeed, and answers the exit
/// code: 0 when every ticket succeeded, 4 when any failed, was not sent, or (`extra`) was
/// left out before the run.
pub fn print_report(
    report: &RunReport,
    extra: &[TicketOutcome],
    lang: Lang,
    json: bool,
) -> Result<Exit, ScriptError> {
    let run_id = report.run_id();
    let mut out = std::io::stdout().lock();
    let io = super::write_error;
    if json {
        let mut line = |id: u64, result: &'static str, error: &str| {
            let view = OutcomeView {
                run: run_id,
                id,
                result,
                error,
            };
            let text = serde_json::to_string(&view).map_err(|e| io(std::io::Error::other(e)))?;
            writeln!(out, "{text}").map_err(io)
        };
        for outcome in &report.outcomes {
            let result = match outcome.kind {
                _ if outcome.success => "done",
                OutcomeKind::Answered => "failed",
                OutcomeKind::Unknown => "unknown",
                OutcomeKind::Unsettled => "check",
                OutcomeKind::ChangedSincePreview => "changed",
            };
            line(outcome.id, result, &outcome.error)?;
        }
        for id in &report.not_sent {
            line(*id, "not_sent", "")?;
        }
        for outcome in extra {
            line(outcome.id, "skipped", &outcome.error)?;
        }
    } else {
        let head = fill(
            lang,
            Msg::ScriptRunSummary,
            &[run_id, &report.summary(lang)],
        );
        writeln!(out, "{head}").map_err(io)?;
        let failed_word = Msg::ScriptFailed.text(lang);
        for outcome in report.failed().chain(extra) {
            // The reason may be the server's text: one clean line.
            let reason = crate::text::clean_line(&outcome.error);
            writeln!(out, "{failed_word} {}: {reason}", outcome.id).map_err(io)?;
        }
        if !report.not_sent.is_empty() {
            let ids: Vec<String> = report.not_sent.iter().map(u64::to_string).collect();
            let label = Msg::ScriptNotSent.text(lang);
            writeln!(out, "{label}: {}", ids.join(" ")).map_err(io)?;
        }
        let lists = [
            (
                report.unknown().map(|o| o.id).collect::<Vec<u64>>(),
                Msg::ScriptUnknown.text(lang),
            ),
            (
                report.changed_since_preview().map(|o| o.id).collect(),
                Msg::ScriptChanged.text(lang),
            ),
            (
                report.taken_as_sent().map(|o| o.id).collect(),
                Msg::ScriptTakenAsSent.text(lang),
            ),
        ];
        for (ids, label) in lists {
            if !ids.is_empty() {
                let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
                writeln!(out, "{label}: {}", ids.join(" ")).map_err(io)?;
            }
        }
        for outcome in report.unsettled() {
            let text = fill(lang, Msg::ScriptUnsettled, &[&outcome.id.to_string()]);
            writeln!(out, "{text}").map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    drop(out);
    let plan = &report.plan;
    if report.resumable() {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            fill(lang, Msg::ScriptResumeWith, &[run_id])
        );
    } else if report.failed().next().is_some() {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            fill(lang, Msg::ScriptRetryWith, &[run_id])
        );
    }
    // Undo needs the values from before (admins' runs); an undo is not undone again.
    let undoable = plan
        .tickets
        .iter()
        .any(|t| t.previous.has_all(&plan.target_of(t).kinds()) && !plan.target_of(t).is_empty());
    if undoable && report.succeeded().next().is_some() && !matches!(plan.kind, RunKind::Undo { .. })
    {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            fill(lang, Msg::ScriptUndoWith, &[run_id])
        );
    }
    Ok(if report.all_done() && extra.is_empty() {
        Exit::Done
    } else {
        Exit::Partial
    })
}
