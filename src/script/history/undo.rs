//! `gongdan undo RUN`: the engine plans putting the run back; shown, confirmed, then run.

use super::UndoArgs;
use crate::bulk::Preview;
use crate::bulk::TicketOutcome;
use crate::config::ResolveOptions;
use crate::script::bulk_run::{Confirm, confirm_drive_report, names_for};
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings};

pub(crate) async fn undo(args: UndoArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let stop = Stop::listen()?.speaking(options.locale);
    let settings = Settings::load(options)?;
    stop.speak(settings.lang);
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
    let summary = crate::words::bulk::preview_summary(settings.lang, &preview, &names);
    let left_alone: Vec<TicketOutcome> = plan
        .excluded
        .iter()
        .map(|ticket| {
            TicketOutcome::failed(
                ticket.id,
                crate::words::bulk::exclude_reason(settings.lang, &ticket.reason),
            )
        })
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
    let confirm = Confirm {
        preview: &preview,
        yes: args.yes,
        json: args.json,
        left_out: &left_alone,
        partial: false,
    };
    confirm_drive_report(&stop, &settings, confirm, engine, plan).await
}
