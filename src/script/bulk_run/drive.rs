//! During a run: the engine driven with its events drawn on standard error, stopped by a
//! signal, and the exit code the signal gives.

use std::future::Future;
use std::io::Write;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::bulk::{BulkError, RunEvent, RunProgress, RunReport};
use crate::lang::Lang;
use crate::script::stop::{self, Stop};
use crate::script::{Exit, ScriptError, stderr_is_terminal};
use crate::words::{Msg, fill};

/// Runs a bulk operation with its events drawn as a progress bar on standard error (when
/// it is a terminal); a signal (`stop`) cancels it: no call goes out after it, the calls in
/// flight get [`stop::GRACE`] to be answered, and those still unanswered then are
/// left in doubt for `resume` (an `Interrupted` error naming `run_id`).
pub(crate) async fn drive<F, Fut>(
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
                signal: stop.signal().unwrap_or(stop::Signal::Interrupt),
                run: Some(run_id.to_string()),
                lang,
            })
        }
    }
}

/// The exit of a run that ended (its report printed): the signal's if one stopped it,
/// even when the report could not be written (after SIGHUP the terminal may be gone).
pub(crate) fn exit_of(
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
                let _ = write!(err, "\r\x1b[2K{}", bar_line(progress, lang));
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
            let _ = write!(err, "\r\x1b[2K{}", bar_line(progress, lang));
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
                let _ = writeln!(err, "\r\x1b[2K{}", bar_line(progress, lang));
            }
        }
    }
    let _ = err.flush();
}

/// `[#########...........] 120/300  2 failed  ~12 s left`
fn bar_line(progress: &RunProgress, lang: Lang) -> String {
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
        line.push_str(&fill(
            lang,
            Msg::ScriptBarFailed,
            &[&progress.failed.to_string()],
        ));
    }
    if let Some(eta) = progress.eta
        && progress.left > 0
    {
        let seconds = eta.as_secs().max(1).to_string();
        line.push_str(&fill(lang, Msg::ScriptBarLeft, &[&seconds]));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(failed: usize, left: usize) -> RunProgress {
        RunProgress {
            run_id: "r1".into(),
            done: 10,
            failed,
            unknown: 0,
            changed: 0,
            left,
            calls_sent: 1,
            calls_done: 1,
            calls_total: 2,
            eta: Some(std::time::Duration::from_secs(12)),
        }
    }

    #[test]
    fn the_bar_says_failures_and_time_left_in_each_language() {
        let busy = progress(2, 8);
        assert_eq!(
            bar_line(&busy, Lang::En),
            "[##############..........] 12/20  2 failed  ~12 s left"
        );
        assert_eq!(
            bar_line(&busy, Lang::Zh),
            "[##############..........] 12/20  2 张失败  约剩 12 秒"
        );
        // Nothing failed and nothing left: the bar alone.
        assert_eq!(
            bar_line(&progress(0, 0), Lang::Zh),
            "[########################] 10/10"
        );
    }
}
