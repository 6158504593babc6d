//! `gongdan resume RUN`: an interrupted or cancelled run finished from its journal.

use super::ResumeArgs;
use crate::config::ResolveOptions;
use crate::script::bulk_run::{drive, exit_of, print_report};
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings};

pub(crate) async fn resume(
    args: ResumeArgs,
    options: &ResolveOptions,
) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?.speaking(options.locale);
    let settings = Settings::load(options)?;
    stop.speak(settings.lang);
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
