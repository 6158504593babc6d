//! A run going on drawn: the gauge, the counts and the calls, its failed calls; and the
//! status bar's part while it runs behind the console.

use super::Lines;
use super::note::note;
use crate::app::App;
use crate::app::bulk_edit::RunView;
use crate::app::state::Pane;
use crate::ui::Ctx;
use crate::ui::style;
use crate::ui::theme::Role;
use crate::words::{Msg, fill};

fn clock(seconds: u64) -> String {
    if seconds >= 3600 {
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

pub(super) fn gauge_lines(app: &Ctx, run: &RunView, cols: usize) -> Lines {
    let lang = app.lang();
    let mut lines = Lines::new();
    let (done, failed, left) = match &run.progress {
        Some(p) => (p.done, p.failed, p.left),
        None => (0, 0, run.total),
    };
    let total = (done + failed + left).max(1);
    let bar_width = cols.saturating_sub(8).max(4);
    let filled = (done + failed) * bar_width / total;
    let percent = (done + failed) * 100 / total;
    // '#' and '.' read without colour too.
    lines.push(format!(
        "[{}{}] {percent:>3}%",
        "#".repeat(filled),
        ".".repeat(bar_width - filled)
    ));
    let eta = run
        .progress
        .as_ref()
        .and_then(|p| p.eta)
        .map(|d| clock(d.as_secs()))
        .unwrap_or_else(|| "…".to_string());
    lines.push(fill(
        lang,
        Msg::BulkRunProgress,
        &[
            &done.to_string(),
            &failed.to_string(),
            &left.to_string(),
            &eta.to_string(),
        ],
    ));
    if let Some(p) = &run.progress {
        lines.push(fill(
            lang,
            Msg::BulkRunCalls,
            &[&p.calls_done.to_string(), &p.calls_total.to_string()],
        ));
    }
    if let Some(checking) = run.checking {
        lines.push(fill(
            lang,
            Msg::BulkCheckingInFlight,
            &[&checking.to_string()],
        ));
    }
    if run.cancelling {
        lines.styled(
            Msg::BulkCancelling.text(lang).to_string(),
            style(app, Role::Caution),
        );
    }
    for failure in &run.call_failures {
        lines.wrapped(
            &crate::text::clean_line(&note(lang, &app.settings.keymap, failure)),
            cols,
            style(app, Role::Problem),
        );
    }
    lines
}

pub(super) fn hint_running(app: &Ctx) -> String {
    app.settings.keymap.hint_line(
        Pane::BulkRun,
        &[(&["cancel"], Msg::HintCancel), (&["hide"], Msg::HintHide)],
        app.lang(),
    )
}

/// The status bar's part while a run goes on behind the console.
pub(crate) fn status_text(app: &App) -> Option<String> {
    let run = app.bulk.running()?;
    let (done, failed, total) = match &run.progress {
        Some(p) => (p.done, p.failed, p.done + p.failed + p.left),
        None => (0, 0, run.total),
    };
    Some(fill(
        app.lang(),
        Msg::BulkStatusProgress,
        &[&done.to_string(), &total.to_string(), &failed.to_string()],
    ))
}
