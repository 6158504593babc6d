//! `tickets show`: tickets by id, one call or 100 a call; an unreadable one is never "not
//! found".

use super::args::ShowArgs;
use super::{io_error, read_ids, warn_bad_items, warn_unreadable_fields, writer};
use crate::api::ApiError;
use crate::config::ResolveOptions;
use crate::script::{Exit, ScriptError, Settings};
use crate::words;

pub(super) async fn show(args: ShowArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    if args.offline {
        return super::offline::show(args, options);
    }
    let ids = read_ids(&args.tickets, options.locale)?;
    if ids.is_empty() {
        return Err(ScriptError::Usage(words::script::no_ids(options.locale)));
    }
    let settings = Settings::load(options)?;
    let client = settings.client()?;
    let mut out = writer(&settings, &args.output);
    let mut missing = Vec::new();
    // A ticket the server has but that does not decode is "could not read", never "not
    // found": it exists, and a script must not take it for deleted.
    let mut unreadable = false;
    if let [id] = ids[..] {
        match client.show(id).await {
            Ok(ticket) => {
                warn_unreadable_fields(settings.lang, &ticket);
                out.write(ticket).map_err(io_error)?
            }
            Err(ApiError::NotFound(_)) => missing.push(id),
            Err(ApiError::Decode { path, message }) => {
                let text =
                    words::script::ticket_unreadable(settings.lang, Some(id), &path, &message);
                eprintln!("gongdan: {text}");
                unreadable = true;
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        let found = client.show_many(&ids).await?;
        warn_bad_items(settings.lang, &found.bad_items);
        unreadable = !found.bad_items.is_empty();
        for ticket in found.tickets {
            warn_unreadable_fields(settings.lang, &ticket);
            out.write(ticket).map_err(io_error)?;
        }
        missing = found.missing;
    }
    out.finish().map_err(io_error)?;
    if missing.is_empty() {
        Ok(if unreadable {
            Exit::Partial
        } else {
            Exit::Done
        })
    } else {
        Err(ScriptError::NotFound(words::script::not_found(
            settings.lang,
            &missing,
        )))
    }
}
