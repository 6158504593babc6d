//! Before a run: the names its preview shows, and the count typed above the threshold.

use std::io::{BufRead, BufReader, Write};

use crate::bulk::{FieldKind, Names, Preview};
use crate::lang::Lang;
use crate::script::stop::Stop;
use crate::script::{ScriptError, stderr_is_terminal};
use crate::words::{Msg, fill};

/// Names for the preview's ids (agents, groups, custom fields), as far as the account may
/// read them; an id without a name is shown as `#id`.
pub(crate) async fn names_for(client: &crate::api::Client, plan: &crate::bulk::Plan) -> Names {
    let kinds = plan.kinds();
    let mut names = Names::default();
    let wants = |kind: &FieldKind| kinds.contains(kind);
    if wants(&FieldKind::Assignee) || wants(&FieldKind::Group) || wants(&FieldKind::CcUsers) {
        if let Ok(agents) = client.agents().await {
            if wants(&FieldKind::Group) {
                let mut group_ids: Vec<u64> = agents
                    .iter()
                    .flat_map(|a| a.group_ids.iter().copied())
                    .collect();
                group_ids.sort_unstable();
                group_ids.dedup();
                for id in group_ids {
                    if let Ok(group) = client.group(id).await {
                        names.groups.insert(id, group.name);
                    }
                }
            }
            names.agents = agents.into_iter().map(|a| (a.id, a.name)).collect();
        }
    }
    if kinds
        .iter()
        .any(|k| matches!(k, FieldKind::Custom(_) | FieldKind::Table(_)))
        && let Ok(fields) = client.ticket_fields().await
    {
        names.fields = fields.into_iter().map(|f| (f.key, f.name)).collect();
    }
    names
}

/// Above the threshold, the user types the number of tickets on the terminal (as in the
/// console); without a terminal only `--yes` goes ahead.
pub(crate) fn confirm(
    preview: &Preview,
    threshold: usize,
    yes: bool,
    lang: Lang,
) -> Result<(), ScriptError> {
    if yes || !preview.needs_typed_confirmation(threshold) {
        return Ok(());
    }
    let count = preview.to_change;
    let refuse = |why: &str| {
        ScriptError::Usage(fill(
            lang,
            Msg::ScriptAboveThreshold,
            &[&count.to_string(), &threshold.to_string(), why],
        ))
    };
    // Standard input may carry the ids: ask on the terminal itself.
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty");
    let (Ok(tty), true) = (tty, stderr_is_terminal()) else {
        return Err(refuse(Msg::ScriptNoTerminal.text(lang)));
    };
    let mut writer = &tty;
    let question = fill(lang, Msg::ScriptTypeCount, &[&count.to_string()]);
    let _ = writer.write_all(question.as_bytes());
    let _ = writer.flush();
    let mut answer = String::new();
    BufReader::new(&tty).read_line(&mut answer).map_err(|e| {
        ScriptError::Io(crate::words::script::cannot_read_answer(
            lang,
            &e.to_string(),
        ))
    })?;
    if answer.trim() == count.to_string() {
        Ok(())
    } else {
        Err(refuse(Msg::ScriptNotConfirmed.text(lang)))
    }
}

/// [`confirm`] on its own thread, given up at a signal (the answer is read from the
/// terminal, where Ctrl-C does not end the read).
pub(crate) async fn confirm_or_stop(
    stop: &Stop,
    preview: &Preview,
    threshold: usize,
    yes: bool,
    lang: Lang,
) -> Result<(), ScriptError> {
    stop.check()?;
    if yes || !preview.needs_typed_confirmation(threshold) {
        return Ok(());
    }
    let preview = preview.clone();
    stop.blocking(move || confirm(&preview, threshold, yes, lang))
        .await
}
