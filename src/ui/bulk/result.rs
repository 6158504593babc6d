//! A finished run drawn: its summary and notices, and the scrollable list that accounts
//! for every ticket (failed with the server's reason, left out, in doubt, done, skipped).

use ratatui::style::Style;

use super::Lines;
use super::note::note;
use crate::app::bulk_edit::{self, RunView};
use crate::app::state::Pane;
use crate::bulk::{ExcludeReason, RunKind};
use crate::ui::Ctx;
use crate::ui::theme::Role;
use crate::ui::{style, width, wrap};
use crate::words::{Msg, fill};

pub(super) fn hint_result(app: &Ctx, run: &RunView) -> String {
    let failed = run
        .report
        .as_ref()
        .is_some_and(|r| r.failed().next().is_some());
    let undoable = !matches!(run.kind, RunKind::Undo { .. });
    // After a 401 the retry key sends what was left (a resume), failures after it.
    let left_by_refusal =
        run.auth_refused && run.report.as_ref().is_some_and(|r| !r.not_sent.is_empty());
    let mut items: Vec<(&[&str], Msg)> = Vec::new();
    if left_by_refusal {
        items.push((&["retry"], Msg::HintSendRest));
    } else if failed {
        items.push((&["retry"], Msg::HintRetryFailed));
    }
    if undoable {
        items.push((&["undo"], Msg::HintUndoRun));
    }
    items.extend([
        (&["history"][..], Msg::HintHistory),
        (&["scroll_down", "scroll_up"], Msg::HintScroll),
        (&["close"], Msg::HintClose),
    ]);
    app.settings
        .keymap
        .hint_line(Pane::BulkResult, &items, app.lang())
}

/// `lead` then `text` wrapped by display width, the text's later lines starting under its
/// first (a hanging indent, so the ticket ids stand alone at the left). In a pane too
/// narrow for that, the whole wraps as one text.
fn hanging(lead: &str, text: &str, cols: usize) -> Vec<String> {
    const NARROWEST: usize = 12;
    let indent = width(lead);
    if cols < indent + NARROWEST {
        return wrap(&format!("{lead}{text}"), cols);
    }
    wrap(text, cols - indent)
        .into_iter()
        .enumerate()
        .map(|(index, line)| match index {
            0 => format!("{lead}{line}"),
            _ => format!("{}{line}", " ".repeat(indent)),
        })
        .collect()
}

pub(super) fn result_lines(app: &Ctx, run: &RunView, cols: usize) -> Lines {
    let (mut lines, list) = result_parts(app, run, cols);
    let skip = run.scroll.min(list.len().saturating_sub(1));
    lines.rows.extend(list.into_iter().skip(skip));
    lines
}

/// The result's head (summary, notices) and its scrollable list of tickets.
pub(super) fn result_parts(app: &Ctx, run: &RunView, cols: usize) -> (Lines, Vec<(String, Style)>) {
    let lang = app.lang();
    let mut lines = Lines::new();
    if let Some(error) = &run.error {
        lines.wrapped(
            &crate::text::clean_line(&note(lang, &app.settings.keymap, error)),
            cols,
            style(app, Role::Error),
        );
        return (lines, Vec::new());
    }
    let Some(report) = &run.report else {
        return (lines, Vec::new());
    };
    lines.wrapped(
        &crate::words::bulk::run_report(lang, report),
        cols,
        style(app, Role::Label),
    );
    if report.cancelled && run.auth_refused {
        // The message names the live retry key.
        let text = fill(
            lang,
            Msg::BulkReportAuthRefused,
            &[&report.not_sent.len().to_string()],
        );
        lines.wrapped(
            &app.settings.keymap.expand(&text),
            cols,
            style(app, Role::Error),
        );
    } else if report.cancelled {
        lines.push(fill(
            lang,
            Msg::BulkReportCancelled,
            &[&report.not_sent.len().to_string()],
        ));
    }
    let mut list = Vec::new();
    let failed: Vec<_> = report.failed().collect();
    if !failed.is_empty() {
        list.push((
            fill(lang, Msg::BulkReportFailed, &[&failed.len().to_string()]),
            style(app, Role::Error),
        ));
        for outcome in failed {
            // The server's reason wraps (never cut with "…"), its lines under its first.
            let lead = format!("  ✗ #{}  ", outcome.id);
            let reason = crate::text::clean_line(&outcome.error);
            for line in hanging(&lead, &reason, cols) {
                list.push((line, style(app, Role::Problem)));
            }
        }
    }
    let left_out: Vec<_> = report
        .plan
        .excluded
        .iter()
        .filter(|t| t.reason != ExcludeReason::AlreadySet)
        .collect();
    if !left_out.is_empty() {
        let head = match &run.kind {
            RunKind::Undo { .. } => fill(
                lang,
                Msg::BulkReportNotRestored,
                &[&left_out.len().to_string()],
            ),
            _ => fill(lang, Msg::BulkReportLeftOut, &[&left_out.len().to_string()]),
        };
        list.push((head, style(app, Role::CautionHeading)));
        for ticket in left_out {
            let lead = format!("  ! #{}  ", ticket.id);
            for line in hanging(
                &lead,
                crate::words::bulk::exclude_reason(lang, &ticket.reason),
                cols,
            ) {
                list.push((line, style(app, Role::Caution)));
            }
        }
    }
    // Neither done nor failed: each kind listed with its tickets, so the user can look.
    let doubts = [
        (
            report.unknown().map(|o| o.id).collect::<Vec<u64>>(),
            Msg::BulkReportUnknown,
            "?",
        ),
        (
            report.unsettled().map(|o| o.id).collect(),
            Msg::BulkReportUnsettled,
            "?",
        ),
        (
            report.changed_since_preview().map(|o| o.id).collect(),
            Msg::BulkReportChanged,
            "!",
        ),
        (
            report.taken_as_sent().map(|o| o.id).collect(),
            Msg::BulkReportTakenAsSent,
            "?",
        ),
    ];
    for (ids, head, mark) in doubts {
        if ids.is_empty() {
            continue;
        }
        list.push((
            fill(lang, head, &[&ids.len().to_string()]),
            style(app, Role::CautionHeading),
        ));
        let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        let lead = format!("  {mark} ");
        for line in hanging(&lead, &ids.join(" "), cols) {
            list.push((line, style(app, Role::Caution)));
        }
    }
    if !report.not_sent.is_empty() && !report.cancelled {
        list.push((
            fill(
                lang,
                Msg::BulkReportNoAnswer,
                &[&report.not_sent.len().to_string()],
            ),
            style(app, Role::Caution),
        ));
    }
    let succeeded: Vec<String> = report.succeeded().map(|o| format!("#{}", o.id)).collect();
    if !succeeded.is_empty() {
        list.push((
            fill(
                lang,
                Msg::BulkReportSucceeded,
                &[&succeeded.len().to_string()],
            ),
            style(app, Role::Success),
        ));
        // A hanging indent: the ids of every line start under the first one's.
        let ids = wrap(&succeeded.join(" "), cols.saturating_sub(4));
        for (index, line) in ids.into_iter().enumerate() {
            let lead = if index == 0 { "  ✓ " } else { "    " };
            list.push((format!("{lead}{line}"), Style::default()));
        }
    }
    // Tickets that already had the values: listed too, so the list accounts for every
    // ticket the run was asked about.
    let skipped: Vec<String> = report
        .plan
        .excluded
        .iter()
        .filter(|t| t.reason == ExcludeReason::AlreadySet)
        .map(|t| format!("#{}", t.id))
        .collect();
    if !skipped.is_empty() {
        let count = skipped.len().to_string();
        let head = match crate::bulk::Preview::of(&report.plan).skipped_value {
            Some(value) => {
                let value = crate::words::bulk::value_label(&value, lang, &bulk_edit::names(app));
                fill(lang, Msg::BulkReportSkippedValue, &[&count, &value])
            }
            None => fill(lang, Msg::BulkReportSkipped, &[&count]),
        };
        list.push((head, style(app, Role::Label)));
        let ids = wrap(&skipped.join(" "), cols.saturating_sub(4));
        for (index, line) in ids.into_iter().enumerate() {
            let lead = if index == 0 { "  = " } else { "    " };
            list.push((format!("{lead}{line}"), style(app, Role::Muted)));
        }
    }
    (lines, list)
}
