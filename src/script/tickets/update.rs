//! `tickets update`: the bulk change from a script. Ids in (with their update times when
//! given as JSON lines), the tickets read, a plan and its preview, the typed count above the
//! threshold, then the run through the bulk engine with its report.

use std::path::Path;

use super::args::UpdateArgs;
use super::fields::{
    parse_priority, parse_status, parse_type, resolve_agent, resolve_fields, resolve_group,
};
use super::input::{read_input, read_text};
use super::{field_path, join_ids, warn_bad_items};
use crate::api::ApiError;
use crate::api::model::{Reply, Ticket, TicketChange};
use crate::bulk::{BulkEdit, Plan, Preview, RunStamp};
use crate::config::ResolveOptions;
use crate::lang::Lang;
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings, bulk_run};

pub(super) async fn update(
    args: UpdateArgs,
    options: &ResolveOptions,
) -> Result<Exit, ScriptError> {
    if args.tickets.iter().any(|a| a == "-") && args.reply_file.as_deref() == Some(Path::new("-")) {
        return Err(ScriptError::Usage(
            "ids and the reply cannot both come from standard input".into(),
        ));
    }
    // Ours from here: a signal at any step stops before the next call (see `stop`).
    let stop = Stop::listen()?;
    let tickets_args = args.tickets.clone();
    let input = stop.blocking(move || read_input(&tickets_args)).await?;
    let ids: Vec<u64> = input.iter().map(|t| t.id).collect();
    if ids.is_empty() {
        if args.tickets.iter().any(|a| a == "-") {
            // An empty pipeline (nothing matched upstream) is not an error.
            eprintln!("gongdan: no ticket ids on standard input: nothing to do");
            return Ok(Exit::Done);
        }
        return Err(ScriptError::Usage("no ticket ids given".into()));
    }
    let mut change = TicketChange {
        status: args
            .fields_set
            .status
            .as_deref()
            .map(parse_status)
            .transpose()?,
        priority: args
            .fields_set
            .priority
            .as_deref()
            .map(parse_priority)
            .transpose()?,
        ticket_type: args
            .fields_set
            .ticket_type
            .as_deref()
            .map(parse_type)
            .transpose()?,
        ..TicketChange::default()
    };
    let reply = match (&args.reply, &args.reply_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path, "reply")?),
        (None, None) => None,
    };
    if let Some(message) = reply {
        if message.trim().is_empty() {
            return Err(ScriptError::Usage("the reply is empty".into()));
        }
        change.reply = Some(Reply {
            message,
            attachments: Vec::new(),
        });
    }
    let nothing = change == TicketChange::default()
        && args.fields_set.assignee.is_none()
        && args.fields_set.group.is_none()
        && args.fields.is_empty()
        && args.tag_add.is_empty()
        && args.tag_remove.is_empty();
    if nothing {
        return Err(ScriptError::Usage(
            "nothing to change: give --status, --priority, --type, --assignee, --group, \
             --tag-add, --tag-remove, --field or --reply"
                .into(),
        ));
    }

    let settings = Settings::load(options)?;
    stop.check()?;
    let client = settings.client()?;
    if let Some(assignee) = &args.fields_set.assignee {
        change.assignee_id = Some(stop.before(resolve_agent(&client, assignee)).await?);
    }
    if let Some(group) = &args.fields_set.group {
        change.group_id = Some(stop.before(resolve_group(&client, group)).await?);
    }
    change.custom_fields = stop.before(resolve_fields(&client, &args.fields)).await?;
    let edit = BulkEdit {
        change,
        tags_add: args.tag_add.clone(),
        tags_remove: args.tag_remove.clone(),
    };

    // Admins: the whole tickets (the preview and undo know the values before). Agents may
    // not show tickets: the engine builds them from the ids, with `updateDT` where a search
    // of recent changes finds it (so that a resume can tell whether a call arrived).
    let engine = settings.engine(client.clone())?;
    let mut missing = Vec::new();
    // Tickets the server has but that could not be read: left out, never planned from an
    // empty stand-in (a tag added to "no tags" would replace the real ones).
    let mut unreadable: Vec<(u64, String)> = Vec::new();
    let shown = stop
        .before(async { Ok(client.show_many(&ids).await) })
        .await?;
    let tickets: Vec<Ticket> = match shown {
        Ok(found) => {
            warn_bad_items(&found.bad_items);
            missing = found.missing;
            let mut by_id: std::collections::HashMap<u64, Ticket> =
                found.tickets.into_iter().map(|t| (t.id, t)).collect();
            let reasons: std::collections::HashMap<u64, String> = found
                .bad_items
                .iter()
                .filter_map(|bad| {
                    let id = bad.ticket_id?;
                    Some((id, format!("{}: {}", field_path(&bad.path), bad.message)))
                })
                .collect();
            let mut tickets = Vec::new();
            for id in ids.iter().filter(|id| !missing.contains(id)) {
                match by_id.remove(id) {
                    Some(ticket) => tickets.push(ticket),
                    None => unreadable.push((
                        *id,
                        reasons
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| "the server's answer could not be read".into()),
                    )),
                }
            }
            tickets
        }
        Err(ApiError::Forbidden(_)) => {
            let mut tickets = stop
                .before(async { Ok(engine.tickets_for(&ids).await?) })
                .await?;
            // What the input said (search results) fills in what the engine could not read.
            for (ticket, given) in tickets.iter_mut().zip(&input) {
                if ticket.updated.is_none() && ticket.id == given.id {
                    ticket.updated = given.updated;
                }
            }
            tickets
        }
        Err(error) => return Err(error.into()),
    };
    if !unreadable.is_empty() {
        let ids: Vec<u64> = unreadable.iter().map(|(id, _)| *id).collect();
        eprintln!("gongdan: left out, could not be read: {}", join_ids(&ids));
        if tickets.is_empty() {
            eprintln!("gongdan: nothing was sent");
            return Ok(Exit::Partial);
        }
    }
    if !missing.is_empty() {
        eprintln!("gongdan: not found: {}", join_ids(&missing));
        if tickets.is_empty() {
            return Err(ScriptError::NotFound(
                "none of the tickets was found; nothing was sent".into(),
            ));
        }
    }
    let mut plan = Plan::new(&edit, &tickets, settings.target(), RunStamp::now());
    // Tickets whose tags are not known (still null after the full read) are not changed:
    // the change asked for was not made, so the exit says so, as for an unreadable one.
    let left_out = !missing.is_empty()
        || !unreadable.is_empty()
        || plan
            .excluded
            .iter()
            .any(|t| t.reason == crate::bulk::ExcludeReason::TagsUnknown);
    plan.apply_anyway = args.apply_anyway;
    let preview = Preview::of(&plan);
    let names = stop
        .before(async { Ok(bulk_run::names_for(&client, &plan).await) })
        .await?;
    // Kept in the journal, so `gongdan history` names them too.
    plan.remember_names(&names);
    let summary = crate::words::bulk::preview_summary(settings.lang, &preview, &names);
    if args.dry_run {
        println!("{summary}");
        println!("{}", dry_run_note(settings.lang));
        return Ok(if left_out { Exit::Partial } else { Exit::Done });
    }
    eprintln!("{summary}");
    if plan.tickets.is_empty() {
        return Ok(if left_out { Exit::Partial } else { Exit::Done });
    }
    bulk_run::confirm_or_stop(
        &stop,
        &preview,
        settings.resolved.ui.bulk_confirm_threshold,
        args.yes,
        settings.lang,
    )
    .await?;
    let run_id = plan.run_id.clone();
    let report = bulk_run::drive(settings.lang, &stop, &run_id, |events, cancel| async move {
        engine.start(&plan, &events, &cancel).await
    })
    .await?;
    let missing_outcomes: Vec<crate::bulk::TicketOutcome> = missing
        .iter()
        .map(|id| crate::bulk::TicketOutcome::failed(*id, not_found_text(settings.lang)))
        .chain(unreadable.iter().map(|(id, reason)| {
            crate::bulk::TicketOutcome::failed(*id, unreadable_text(settings.lang, reason))
        }))
        .collect();
    let printed =
        bulk_run::print_report(&report, &missing_outcomes, settings.lang, args.json).map(|exit| {
            match exit {
                // The preview named the tickets left out (tags not known): not all was done.
                Exit::Done if left_out => Exit::Partial,
                other => other,
            }
        });
    bulk_run::exit_of(&stop, printed, settings.lang)
}

/// Why a ticket was left out of a run: the server's copy could not be read.
fn unreadable_text(lang: Lang, reason: &str) -> String {
    crate::words::fill(lang, crate::words::Msg::ScriptUnreadable, &[reason])
}

fn dry_run_note(lang: Lang) -> &'static str {
    crate::words::Msg::ScriptDryRun.text(lang)
}

fn not_found_text(lang: Lang) -> &'static str {
    crate::words::Msg::ScriptNotFound.text(lang)
}
