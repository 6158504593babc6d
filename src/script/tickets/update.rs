//! `tickets update`: the bulk change from a script. Ids in (with their update times when
//! given as JSON lines), the tickets read, a plan and its preview, the typed count above the
//! threshold, then the run through the bulk engine with its report. [`update`] is the
//! order of the steps; each step is a function below.

use std::collections::HashMap;
use std::path::Path;

use super::args::UpdateArgs;
use super::fields::{
    parse_priority, parse_status, parse_type, resolve_agent, resolve_fields, resolve_group,
};
use super::input::{InputTicket, read_input, read_text};
use super::{field_path, warn_bad_items};
use crate::api::model::{Reply, Ticket, TicketChange};
use crate::api::{ApiError, Client, ShowMany};
use crate::bulk::{BulkEdit, Engine, ExcludeReason, Plan, Preview, RunStamp, TicketOutcome};
use crate::config::ResolveOptions;
use crate::config::file::SnippetDef;
use crate::lang::Lang;
use crate::script::stop::Stop;
use crate::script::{Exit, ScriptError, Settings, bulk_run};
use crate::words;
use crate::words::script::TextIn;

pub(super) async fn update(
    args: UpdateArgs,
    options: &ResolveOptions,
) -> Result<Exit, ScriptError> {
    // Until the settings are read, the locale's language.
    let early = options.locale;
    check_stdin_use(&args, early)?;
    // Ours from here: a signal at any step stops before the next call (see `stop`).
    let stop = Stop::listen()?.speaking(early);
    let Some(input) = read_tickets_given(&stop, &args, early).await? else {
        return Ok(Exit::Done);
    };
    let change = change_of(&args, early)?;

    let settings = Settings::load(options)?;
    stop.speak(settings.lang);
    stop.check()?;
    let client = settings.client()?;
    let snippet = match &args.reply_snippet {
        Some(name) => Some(find_snippet(&settings, name)?),
        None => None,
    };
    let mut edit = resolve_names(&stop, &client, &args, change, settings.lang).await?;
    let engine = settings.engine(client.clone())?;
    let read = read_tickets(&stop, &client, &engine, &input, settings.lang).await?;
    if let Some(exit) = say_left_out(&read, settings.lang)? {
        return Ok(exit);
    }
    if let Some(snippet) = snippet {
        let message = fill_snippet(&stop, &client, &settings, &snippet, &read.tickets).await?;
        edit.change.reply = Some(Reply {
            message,
            attachments: Vec::new(),
        });
    }
    let (mut plan, left_out) = plan_of(&edit, &read, &settings, args.apply_anyway);
    let preview = Preview::of(&plan);
    let summary = name_and_word(&stop, &client, &mut plan, &preview, settings.lang).await?;
    let done = if left_out { Exit::Partial } else { Exit::Done };
    if args.dry_run {
        println!("{summary}");
        println!("{}", dry_run_note(settings.lang));
        return Ok(done);
    }
    eprintln!("{summary}");
    if plan.tickets.is_empty() {
        return Ok(done);
    }
    let run = Run {
        args: &args,
        settings: &settings,
        preview: &preview,
        read: &read,
        left_out,
    };
    run.confirm_drive_report(&stop, engine, plan).await
}

/// The snippet named, from the config's `[[snippets]]` and the snippet folder.
fn find_snippet(settings: &Settings, name: &str) -> Result<SnippetDef, ScriptError> {
    let (snippets, warnings) = crate::config::snippets::load(&settings.resolved);
    for warning in warnings {
        eprintln!("gongdan: {}", warning.text(settings.lang));
    }
    let known: Vec<String> = snippets.iter().map(|s| s.name.clone()).collect();
    snippets
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| ScriptError::Usage(words::script::no_snippet(settings.lang, name, &known)))
}

/// The snippet's body with its variables filled for `tickets`; refused, naming them, when
/// a variable cannot be filled (a reply is never sent with a placeholder in it). The
/// ticket's own values ({ticket_id}, {subject}, {contact}) are known for one ticket only.
async fn fill_snippet(
    stop: &Stop,
    client: &Client,
    settings: &Settings,
    snippet: &SnippetDef,
    tickets: &[Ticket],
) -> Result<String, ScriptError> {
    use crate::text::placeholders::{Var, fill};
    let named = |var: Var| snippet.body.contains(&format!("{{{}}}", var.name()));
    let one = match tickets {
        [one] => Some(one),
        _ => None,
    };
    let contact = match one
        .and_then(|t| t.contact_id)
        .filter(|_| named(Var::Contact))
    {
        Some(id) => stop
            .before(async { Ok(client.contact(id).await.ok()) })
            .await?
            .map(|c| c.name)
            .filter(|name| !name.is_empty()),
        None => None,
    };
    let login = settings.resolved.connection.login.clone();
    let agent = match login.filter(|_| named(Var::Agent)) {
        Some(login) => stop
            .before(async { Ok(client.agents().await.unwrap_or_default()) })
            .await?
            .into_iter()
            .find(|a| {
                a.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(login.trim()))
            })
            .map(|a| a.name),
        None => None,
    };
    let offset = settings.resolved.timezone;
    let today = chrono::Utc::now()
        .with_timezone(&offset)
        .format("%Y-%m-%d")
        .to_string();
    let filled = fill(&snippet.body, |var| match var {
        Var::TicketId => one.map(|t| t.id.to_string()),
        Var::Subject => one.map(|t| t.subject.clone()).filter(|s| !s.is_empty()),
        Var::Contact => contact.clone(),
        Var::Agent => agent.clone(),
        Var::Today => Some(today.clone()),
    });
    if !filled.unknown.is_empty() {
        let names: Vec<String> = filled
            .unknown
            .iter()
            .map(|v| format!("{{{}}}", v.name()))
            .collect();
        return Err(ScriptError::Usage(words::script::snippet_unfilled(
            settings.lang,
            &snippet.name,
            &names.join(", "),
        )));
    }
    Ok(filled.text)
}

/// Standard input can give the ids or the reply, not both.
fn check_stdin_use(args: &UpdateArgs, lang: Lang) -> Result<(), ScriptError> {
    if args.tickets.iter().any(|a| a == "-") && args.reply_file.as_deref() == Some(Path::new("-")) {
        return Err(ScriptError::Usage(words::script::ids_and_reply_on_stdin(
            lang,
        )));
    }
    Ok(())
}

/// The tickets given (ids, or JSON lines with their update times); `None` when standard
/// input gave none, which ends the command as done.
async fn read_tickets_given(
    stop: &Stop,
    args: &UpdateArgs,
    lang: Lang,
) -> Result<Option<Vec<InputTicket>>, ScriptError> {
    let tickets_args = args.tickets.clone();
    let input = stop
        .blocking(move || read_input(&tickets_args, lang))
        .await?;
    if !input.is_empty() {
        return Ok(Some(input));
    }
    if args.tickets.iter().any(|a| a == "-") {
        // An empty pipeline (nothing matched upstream) is not an error.
        eprintln!("gongdan: {}", words::script::no_ids_on_stdin(lang));
        return Ok(None);
    }
    Err(ScriptError::Usage(words::script::no_ids(lang)))
}

/// The change the flags ask for, before any name is looked up: the status, priority and
/// type parsed and the reply read; an error when nothing would change.
fn change_of(args: &UpdateArgs, lang: Lang) -> Result<TicketChange, ScriptError> {
    let set = &args.fields_set;
    let mut change = TicketChange {
        status: set
            .status
            .as_deref()
            .map(|t| parse_status(lang, t))
            .transpose()?,
        priority: set
            .priority
            .as_deref()
            .map(|t| parse_priority(lang, t))
            .transpose()?,
        ticket_type: set
            .ticket_type
            .as_deref()
            .map(|t| parse_type(lang, t))
            .transpose()?,
        ..TicketChange::default()
    };
    let reply = match (&args.reply, &args.reply_file) {
        (Some(text), _) => Some(text.clone()),
        (None, Some(path)) => Some(read_text(path, TextIn::Reply, lang)?),
        (None, None) => None,
    };
    if let Some(message) = reply {
        if message.trim().is_empty() {
            return Err(ScriptError::Usage(words::script::reply_empty(lang)));
        }
        change.reply = Some(Reply {
            message,
            attachments: Vec::new(),
        });
    }
    let nothing = change == TicketChange::default()
        && set.assignee.is_none()
        && set.group.is_none()
        && args.fields.is_empty()
        && args.tag_add.is_empty()
        && args.tag_remove.is_empty()
        && args.reply_snippet.is_none();
    if nothing {
        return Err(ScriptError::Usage(words::script::nothing_to_change(lang)));
    }
    Ok(change)
}

/// The edit with the assignee, group and custom fields given by name looked up.
async fn resolve_names(
    stop: &Stop,
    client: &Client,
    args: &UpdateArgs,
    mut change: TicketChange,
    lang: Lang,
) -> Result<BulkEdit, ScriptError> {
    if let Some(assignee) = &args.fields_set.assignee {
        change.assignee_id = Some(stop.before(resolve_agent(lang, client, assignee)).await?);
    }
    if let Some(group) = &args.fields_set.group {
        change.group_id = Some(stop.before(resolve_group(lang, client, group)).await?);
    }
    change.custom_fields = stop
        .before(resolve_fields(lang, client, &args.fields))
        .await?;
    Ok(BulkEdit {
        change,
        tags_add: args.tag_add.clone(),
        tags_remove: args.tag_remove.clone(),
    })
}

/// The tickets a plan is made from, and those left out before it.
struct Read {
    tickets: Vec<Ticket>,
    /// Not on the server.
    missing: Vec<u64>,
    /// On the server but could not be read, with why: left out, never planned from an
    /// empty stand-in (a tag added to "no tags" would replace the real ones).
    unreadable: Vec<(u64, String)>,
}

/// Admins: the whole tickets (the preview and undo know the values before). Agents may
/// not show tickets: the engine builds them from the ids, with `updateDT` where a search
/// of recent changes finds it (so that a resume can tell whether a call arrived).
async fn read_tickets(
    stop: &Stop,
    client: &Client,
    engine: &Engine<Client>,
    input: &[InputTicket],
    lang: Lang,
) -> Result<Read, ScriptError> {
    let ids: Vec<u64> = input.iter().map(|t| t.id).collect();
    let shown = stop
        .before(async { Ok(client.show_many(&ids).await) })
        .await?;
    match shown {
        Ok(found) => Ok(read_from_shown(found, &ids, lang)),
        Err(ApiError::Forbidden(_)) => {
            let mut tickets = stop
                .before(async { Ok(engine.tickets_for(&ids).await?) })
                .await?;
            // What the input said (search results) fills in what the engine could not read.
            for (ticket, given) in tickets.iter_mut().zip(input) {
                if ticket.updated.is_none() && ticket.id == given.id {
                    ticket.updated = given.updated;
                }
            }
            Ok(Read {
                tickets,
                missing: Vec::new(),
                unreadable: Vec::new(),
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// An admin's read: the tickets in the order given, the missing ones, and those the server
/// sent but that did not decode (with the field and reason when it named them).
fn read_from_shown(found: ShowMany, ids: &[u64], lang: Lang) -> Read {
    warn_bad_items(lang, &found.bad_items);
    let missing = found.missing;
    let mut by_id: HashMap<u64, Ticket> = found.tickets.into_iter().map(|t| (t.id, t)).collect();
    let reasons: HashMap<u64, String> = found
        .bad_items
        .iter()
        .filter_map(|bad| {
            let id = bad.ticket_id?;
            Some((id, format!("{}: {}", field_path(&bad.path), bad.message)))
        })
        .collect();
    let mut tickets = Vec::new();
    let mut unreadable = Vec::new();
    for id in ids.iter().filter(|id| !missing.contains(id)) {
        match by_id.remove(id) {
            Some(ticket) => tickets.push(ticket),
            None => unreadable.push((
                *id,
                reasons
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| words::script::answer_unreadable(lang)),
            )),
        }
    }
    Read {
        tickets,
        missing,
        unreadable,
    }
}

/// Says on standard error which tickets are left out; when none is left to change, the
/// command ends here (`Some` exit, or not found).
fn say_left_out(read: &Read, lang: Lang) -> Result<Option<Exit>, ScriptError> {
    if !read.unreadable.is_empty() {
        let ids: Vec<u64> = read.unreadable.iter().map(|(id, _)| *id).collect();
        eprintln!(
            "gongdan: {}",
            words::script::left_out_unreadable(lang, &ids)
        );
        if read.tickets.is_empty() {
            eprintln!("gongdan: {}", words::script::nothing_sent(lang));
            return Ok(Some(Exit::Partial));
        }
    }
    if !read.missing.is_empty() {
        eprintln!("gongdan: {}", words::script::not_found(lang, &read.missing));
        if read.tickets.is_empty() {
            return Err(ScriptError::NotFound(words::script::none_found(lang)));
        }
    }
    Ok(None)
}

/// The plan, and whether any ticket asked for is left out of it (so not all was done).
fn plan_of(edit: &BulkEdit, read: &Read, settings: &Settings, apply_anyway: bool) -> (Plan, bool) {
    let mut plan = Plan::new(edit, &read.tickets, settings.target(), RunStamp::now());
    // Tickets whose tags are not known (still null after the full read) are not changed:
    // the change asked for was not made, so the exit says so, as for an unreadable one.
    let left_out = !read.missing.is_empty()
        || !read.unreadable.is_empty()
        || plan
            .excluded
            .iter()
            .any(|t| t.reason == ExcludeReason::TagsUnknown);
    plan.apply_anyway = apply_anyway;
    (plan, left_out)
}

/// The names of the people and groups the plan touches, kept in the plan, and the preview
/// worded with them.
async fn name_and_word(
    stop: &Stop,
    client: &Client,
    plan: &mut Plan,
    preview: &Preview,
    lang: Lang,
) -> Result<String, ScriptError> {
    let names = stop
        .before(async { Ok(bulk_run::names_for(client, plan).await) })
        .await?;
    // Kept in the journal, so `gongdan history` names them too.
    plan.remember_names(&names);
    Ok(words::bulk::preview_summary(lang, preview, &names))
}

/// What the run's last steps need from the ones before.
struct Run<'a> {
    args: &'a UpdateArgs,
    settings: &'a Settings,
    preview: &'a Preview,
    read: &'a Read,
    left_out: bool,
}

impl Run<'_> {
    /// The typed count when above the threshold, the run, its report and the exit code.
    async fn confirm_drive_report(
        &self,
        stop: &Stop,
        engine: Engine<Client>,
        plan: Plan,
    ) -> Result<Exit, ScriptError> {
        let left_out = self.left_out_outcomes();
        let confirm = bulk_run::Confirm {
            preview: self.preview,
            yes: self.args.yes,
            json: self.args.json,
            left_out: &left_out,
            // The preview named the tickets left out (tags not known): not all was done.
            partial: self.left_out,
        };
        bulk_run::confirm_drive_report(stop, self.settings, confirm, engine, plan).await
    }

    /// The tickets left out before the run, as failed outcomes for the report.
    fn left_out_outcomes(&self) -> Vec<TicketOutcome> {
        let lang = self.settings.lang;
        let missing = self.read.missing.iter();
        missing
            .map(|id| TicketOutcome::failed(*id, not_found_text(lang)))
            .chain(
                self.read
                    .unreadable
                    .iter()
                    .map(|(id, reason)| TicketOutcome::failed(*id, unreadable_text(lang, reason))),
            )
            .collect()
    }
}

/// Why a ticket was left out of a run: the server's copy could not be read.
fn unreadable_text(lang: Lang, reason: &str) -> String {
    words::fill(lang, words::Msg::ScriptUnreadable, &[reason])
}

fn dry_run_note(lang: Lang) -> &'static str {
    words::Msg::ScriptDryRun.text(lang)
}

fn not_found_text(lang: Lang) -> &'static str {
    words::Msg::ScriptNotFound.text(lang)
}
