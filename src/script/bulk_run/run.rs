//! The confirmed run every changing command ends with: the typed count when above the
//! threshold, the run with its progress, the report and the exit code.

use super::{confirm_or_stop, drive, exit_of, print_report};
use crate::api::Client;
use crate::bulk::{Engine, Plan, Preview, TicketOutcome};
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings};

/// What a run asks and says besides its plan.
pub(crate) struct Confirm<'a> {
    pub(crate) preview: &'a Preview,
    /// `--yes`: no typed count.
    pub(crate) yes: bool,
    /// `--json`: the report as JSON.
    pub(crate) json: bool,
    /// Tickets left out before the run, reported as failed.
    pub(crate) left_out: &'a [TicketOutcome],
    /// Not all that was asked is in the plan (the preview left some out): the exit says so
    /// even when every planned ticket changed.
    pub(crate) partial: bool,
}

pub(crate) async fn confirm_drive_report(
    stop: &Stop,
    settings: &Settings,
    confirm: Confirm<'_>,
    engine: Engine<Client>,
    plan: Plan,
) -> Result<Exit, ScriptError> {
    let lang = settings.lang;
    confirm_or_stop(
        stop,
        confirm.preview,
        settings.resolved.ui.bulk_confirm_threshold,
        confirm.yes,
        lang,
    )
    .await?;
    let run_id = plan.run_id.clone();
    let report = drive(lang, stop, &run_id, |events, cancel| async move {
        engine.start(&plan, &events, &cancel).await
    })
    .await?;
    let printed =
        print_report(&report, confirm.left_out, lang, confirm.json).map(|exit| match exit {
            Exit::Done if confirm.partial => Exit::Partial,
            other => other,
        });
    exit_of(stop, printed, lang)
}
