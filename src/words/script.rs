//! The script commands' diagnostics and usage errors, in the script's language. Text that
//! may come from a server or a file (a field's path, a decoder's message, a journal's
//! problem) is made one inert line.

use super::{Msg, fill};
use crate::lang::Lang;

/// Ids as the script commands list them: `1, 2, 3`.
fn ids(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn said(lang: Lang, msg: Msg) -> String {
    msg.text(lang).to_string()
}

pub(crate) fn not_a_script_command(lang: Lang) -> String {
    said(lang, Msg::ScriptNotScriptCommand)
}

pub(crate) fn no_ids(lang: Lang) -> String {
    said(lang, Msg::ScriptNoIds)
}

/// An empty pipeline: nothing matched upstream, which is not an error.
pub(crate) fn no_ids_on_stdin(lang: Lang) -> String {
    said(lang, Msg::ScriptNoIdsOnStdin)
}

pub(crate) fn ids_and_reply_on_stdin(lang: Lang) -> String {
    said(lang, Msg::ScriptIdsAndReplyStdin)
}

pub(crate) fn reply_empty(lang: Lang) -> String {
    said(lang, Msg::ScriptReplyEmpty)
}

pub(crate) fn no_snippet(lang: Lang, name: &str, known: &[String]) -> String {
    let known = if known.is_empty() {
        Msg::ScriptNoSnippets.text(lang).to_string()
    } else {
        known.join(", ")
    };
    crate::words::fill(lang, Msg::ScriptNoSnippet, &[name, &known])
}

pub(crate) fn snippet_unfilled(lang: Lang, name: &str, vars: &str) -> String {
    crate::words::fill(lang, Msg::ScriptSnippetUnfilled, &[name, vars])
}

pub(crate) fn nothing_to_change(lang: Lang) -> String {
    said(lang, Msg::ScriptNothingToChange)
}

/// Tickets the server has but whose answer could not be read, left out of a run.
pub(crate) fn left_out_unreadable(lang: Lang, left_out: &[u64]) -> String {
    fill(lang, Msg::ScriptLeftOutUnreadable, &[&ids(left_out)])
}

pub(crate) fn nothing_sent(lang: Lang) -> String {
    said(lang, Msg::ScriptNothingSent)
}

pub(crate) fn not_found(lang: Lang, missing: &[u64]) -> String {
    fill(lang, Msg::ScriptNotFoundIds, &[&ids(missing)])
}

/// `--offline`: tickets the local store does not hold.
pub(crate) fn not_in_store(lang: Lang, missing: &[u64]) -> String {
    fill(lang, Msg::ScriptNotInStore, &[&ids(missing)])
}

pub(crate) fn none_found(lang: Lang) -> String {
    said(lang, Msg::ScriptNoneFound)
}

/// Why a ticket was left out when the server named no field: its answer did not decode.
pub(crate) fn answer_unreadable(lang: Lang) -> String {
    said(lang, Msg::ScriptAnswerUnreadable)
}

/// A ticket that did not decode: where (`path`) and why (`message`).
pub(crate) fn ticket_unreadable(lang: Lang, id: Option<u64>, path: &str, message: &str) -> String {
    let text = match id {
        Some(id) => fill(
            lang,
            Msg::ScriptTicketUnreadable,
            &[&id.to_string(), path, message],
        ),
        None => fill(lang, Msg::ScriptTicketUnreadableNoId, &[path, message]),
    };
    crate::text::clean_line(&text)
}

/// A printed ticket's field that could not be read (printed as unknown).
pub(crate) fn field_unreadable(lang: Lang, id: u64, field: &str, reason: &str) -> String {
    crate::text::clean_line(&fill(
        lang,
        Msg::ScriptFieldUnreadable,
        &[&id.to_string(), field, reason],
    ))
}

/// After one page of a list or search: how many were shown of how many (`count`, when the
/// server gave it), on which page (`page` past the first).
pub(crate) fn shown_of(lang: Lang, sent: u64, count: Option<u64>, page: Option<u32>) -> String {
    let place = page
        .map(|page| fill(lang, Msg::ScriptShownPage, &[&page.to_string()]))
        .unwrap_or_default();
    match count {
        Some(count) => fill(
            lang,
            Msg::ScriptShownOfCount,
            &[&sent.to_string(), &count.to_string(), &place],
        ),
        None => fill(lang, Msg::ScriptShownMore, &[&sent.to_string(), &place]),
    }
}

/// Tickets a list or search sent that could not be read: `unreadable` of `sent`, the ids
/// known, and how many had no readable id.
pub(crate) fn not_in_output(
    lang: Lang,
    unreadable: usize,
    sent: u64,
    known: &[u64],
    without_id: usize,
) -> String {
    let mut named = if known.is_empty() {
        String::new()
    } else {
        fill(lang, Msg::ScriptNotInOutputIds, &[&ids(known)])
    };
    if without_id > 0 {
        named.push_str(&fill(
            lang,
            Msg::ScriptWithoutId,
            &[&without_id.to_string()],
        ));
    }
    fill(
        lang,
        Msg::ScriptNotInOutput,
        &[&unreadable.to_string(), &sent.to_string(), &named],
    )
}

/// A `--from-file` that is not a ticket object, with the parser's reason.
pub(crate) fn not_a_ticket_object(lang: Lang, path: &str, reason: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptNotTicketObject, &[path, reason]))
}

pub(crate) fn needs_subject(lang: Lang) -> String {
    said(lang, Msg::ScriptNeedsSubject)
}

pub(crate) fn needs_message(lang: Lang) -> String {
    said(lang, Msg::ScriptNeedsMessage)
}

/// A problem met reading the journal (a run's files), which does not stop the command.
pub(crate) fn warning(lang: Lang, problem: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptWarning, &[problem]))
}

pub(crate) fn runs_removed(lang: Lang, removed: usize) -> String {
    fill(lang, Msg::ScriptRunsRemoved, &[&removed.to_string()])
}

/// Something on the command line or standard input that is not an id (`token` quoted).
pub(crate) fn not_an_id(lang: Lang, token: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptNotAnId, &[&format!("{token:?}")]))
}

/// A line starting with `{` that is not JSON, with the parser's reason.
pub(crate) fn not_a_json_line(lang: Lang, reason: &str, line: &str) -> String {
    let line = format!("{line:?}");
    crate::text::clean_line(&fill(lang, Msg::ScriptNotJsonLine, &[reason, &line]))
}

pub(crate) fn json_line_without_id(lang: Lang, line: &str) -> String {
    crate::text::clean_line(&fill(
        lang,
        Msg::ScriptJsonLineNoId,
        &[&format!("{line:?}")],
    ))
}

/// A status, priority or type not known, with the values there are.
pub(crate) fn unknown_value(lang: Lang, flag: &str, text: &str, known: &str) -> String {
    let text = format!("{text:?}");
    crate::text::clean_line(&fill(lang, Msg::ScriptUnknownValue, &[flag, &text, known]))
}

/// A code outside the vendor's table.
pub(crate) fn unknown_code(lang: Lang, flag: &str, code: i64) -> String {
    fill(lang, Msg::ScriptUnknownCode, &[flag, &code.to_string()])
}

/// An agent's name that names no agent (`matches` empty) or several.
pub(crate) fn agent_not_one(lang: Lang, name: &str, matches: &[u64]) -> String {
    let name = format!("{name:?}");
    let text = match matches {
        [] => fill(lang, Msg::ScriptNoAgent, &[&name]),
        _ => fill(lang, Msg::ScriptSeveralAgents, &[&name, &ids(matches)]),
    };
    crate::text::clean_line(&text)
}

/// A group's name that names no group (`matches` empty) or several.
pub(crate) fn group_not_one(lang: Lang, name: &str, matches: &[u64]) -> String {
    let name = format!("{name:?}");
    let text = match matches {
        [] => fill(lang, Msg::ScriptNoGroup, &[&name]),
        _ => fill(lang, Msg::ScriptSeveralGroups, &[&name, &ids(matches)]),
    };
    crate::text::clean_line(&text)
}

pub(crate) fn field_without_equals(lang: Lang, field: &str) -> String {
    crate::text::clean_line(&fill(
        lang,
        Msg::ScriptFieldNoEquals,
        &[&format!("{field:?}")],
    ))
}

pub(crate) fn field_without_key(lang: Lang, field: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptFieldNoKey, &[&format!("{field:?}")]))
}

/// An unknown `--field` key, with the custom fields there are (`key (name)`, the server's
/// names) and the flags of the built-in ones.
pub(crate) fn unknown_field(lang: Lang, key: &str, known: &[(&str, &str)]) -> String {
    let known = if known.is_empty() {
        said(lang, Msg::ScriptFieldsNone)
    } else {
        let known: Vec<String> = known
            .iter()
            .map(|(key, name)| format!("{key} ({name})"))
            .collect();
        known.join(", ")
    };
    crate::text::clean_line(&fill(
        lang,
        Msg::ScriptFieldUnknown,
        &[&format!("{key:?}"), &known],
    ))
}

/// A command stopped by `signal` (its name): before a run, or during `run`.
pub(crate) fn interrupted(lang: Lang, signal: &str, run: Option<&str>) -> String {
    match run {
        None => fill(lang, Msg::ScriptStoppedNothingSent, &[signal]),
        Some(run) => fill(lang, Msg::ScriptStoppedInDoubt, &[signal, run]),
    }
}

/// A text a command reads from a file or standard input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextIn {
    Reply,
    /// A new ticket's first message.
    Message,
    /// `tickets create --from-file`.
    TicketFile,
}

/// `text` could not be read from `path` (`None`: standard input), and why.
pub(crate) fn cannot_read(lang: Lang, text: TextIn, path: Option<&str>, why: &str) -> String {
    let what = match text {
        TextIn::Reply => Msg::ScriptTheReply,
        TextIn::Message => Msg::ScriptTheMessage,
        TextIn::TicketFile => Msg::ScriptTheTicketFile,
    }
    .text(lang);
    let said = match path {
        None => fill(lang, Msg::ScriptCannotRead, &[what, why]),
        Some(path) => fill(lang, Msg::ScriptCannotReadFile, &[what, path, why]),
    };
    crate::text::clean_line(&said)
}

pub(crate) fn cannot_read_ids(lang: Lang, why: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptCannotReadIds, &[why]))
}

/// The typed count of the confirmation could not be read from the terminal.
pub(crate) fn cannot_read_answer(lang: Lang, why: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptCannotReadAnswer, &[why]))
}

/// Blocking reading (standard input, the terminal) that ended without an answer.
pub(crate) fn read_failed(lang: Lang, why: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptReadFailed, &[why]))
}

/// `gongdan man --out-dir DIR` could not write there.
pub(crate) fn cannot_write_man(lang: Lang, dir: &str, why: &str) -> String {
    crate::text::clean_line(&fill(lang, Msg::ScriptManInto, &[dir, why]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_stays_one_inert_line_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            let text = ticket_unreadable(lang, Some(7), "tags", "bad {0}\n\u{1b}[31mred");
            assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text:?}");
            assert!(text.contains("bad {0}"), "{text:?}");
        }
    }

    #[test]
    fn the_counts_read_in_each_language() {
        assert_eq!(
            shown_of(Lang::En, 20, Some(55), Some(2)),
            "20 of 55 shown (page 2); --all for every page"
        );
        assert_eq!(
            shown_of(Lang::Zh, 20, Some(55), Some(2)),
            "已显示 20/55 张（第 2 页）；加 --all 显示所有页"
        );
        assert_eq!(
            not_in_output(Lang::En, 3, 20, &[4, 5], 1),
            "3 of 20 tickets could not be read and are not in the output: 4, 5 (1 without a \
             readable id)"
        );
        assert_eq!(
            not_in_output(Lang::Zh, 3, 20, &[4, 5], 1),
            "20 张工单中有 3 张无法读取，未输出：4, 5（其中 1 张没有可读的编号）"
        );
    }

    #[test]
    fn a_stop_during_a_run_names_the_run_to_resume_in_each_language() {
        assert_eq!(
            interrupted(Lang::En, "SIGINT", Some("r1")),
            "stopped by SIGINT: no call went out after it; calls of run r1 still unanswered \
             are in doubt; finish with: gongdan resume r1 (it checks those tickets first)"
        );
        assert_eq!(
            interrupted(Lang::Zh, "SIGINT", Some("r1")),
            "收到 SIGINT，已停止：之后没有再发出请求；批次 r1 中仍未得到回应的请求结果未知；\
             继续：gongdan resume r1（会先核对这些工单）"
        );
    }
}
