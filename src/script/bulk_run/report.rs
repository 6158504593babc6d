//! After a run: its report printed (text or `--json`), what to run next, and the exit code.

use std::io::Write;

use serde::Serialize;

use crate::bulk::{OutcomeKind, RunKind, RunReport, TicketOutcome};
use crate::lang::Lang;
use crate::script::{Exit, ScriptError};
use crate::words::{Msg, fill};

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
pub(crate) fn print_report(
    report: &RunReport,
    extra: &[TicketOutcome],
    lang: Lang,
    json: bool,
) -> Result<Exit, ScriptError> {
    let mut out = std::io::stdout().lock();
    if json {
        print_json(&mut out, report, extra)?;
    } else {
        print_text(&mut out, report, extra, lang)?;
    }
    out.flush().map_err(crate::script::write_error)?;
    drop(out);
    say_what_next(report, lang);
    Ok(if report.all_done() && extra.is_empty() {
        Exit::Done
    } else {
        Exit::Partial
    })
}

/// `--json`: one line a ticket, the left-out ones (`extra`) last.
fn print_json(
    out: &mut impl Write,
    report: &RunReport,
    extra: &[TicketOutcome],
) -> Result<(), ScriptError> {
    let run_id = report.run_id();
    let io = crate::script::write_error;
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
    Ok(())
}

/// The text report: the summary, each failure with its reason, then the ids by what
/// became of them.
fn print_text(
    out: &mut impl Write,
    report: &RunReport,
    extra: &[TicketOutcome],
    lang: Lang,
) -> Result<(), ScriptError> {
    let run_id = report.run_id();
    let io = crate::script::write_error;
    let head = fill(
        lang,
        Msg::ScriptRunSummary,
        &[run_id, &crate::words::bulk::run_report(lang, report)],
    );
    writeln!(out, "{head}").map_err(io)?;
    let failed_word = Msg::ScriptFailed.text(lang);
    for outcome in report.failed().chain(extra) {
        // The reason may be the server's text: one clean line.
        let reason = crate::text::clean_line(&outcome.error);
        writeln!(out, "{failed_word} {}: {reason}", outcome.id).map_err(io)?;
    }
    let lists = [
        (report.not_sent.clone(), Msg::ScriptNotSent.text(lang)),
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
    Ok(())
}

/// On standard error, the command to run next: resume, retry or undo.
fn say_what_next(report: &RunReport, lang: Lang) {
    let run_id = report.run_id();
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
}
