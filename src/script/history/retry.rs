//! `gongdan retry RUN`: a run's failed tickets sent again as a new run.

use super::RetryArgs;
use crate::bulk::Preview;
use crate::bulk::retry_failed;
use crate::config::ResolveOptions;
use crate::script::bulk_run::{Confirm, confirm_drive_report, names_for};
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings};
use crate::words::{Msg, fill};

pub(crate) async fn retry(args: RetryArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?.speaking(options.locale);
    let settings = Settings::load(options)?;
    stop.speak(settings.lang);
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
    eprintln!(
        "{}",
        crate::words::bulk::preview_summary(settings.lang, &preview, &names)
    );
    let confirm = Confirm {
        preview: &preview,
        yes: args.yes,
        json: args.json,
        left_out: &[],
        partial: false,
    };
    confirm_drive_report(&stop, &settings, confirm, engine, plan).await
}
