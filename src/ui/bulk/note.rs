//! The words of the bulk pane's notes (`BulkNote`), apart from the drawing: the notices,
//! the history and the composer word them too.

use crate::app::bulk_edit::BulkNote;
use crate::app::keymap::KeyMap;
use crate::lang::Lang;
use crate::words::Msg;

/// A table text with its keys named from the key map first, then its arguments put in:
/// an argument (a server's reason, a field's name) is never read for `{key:..}`.
pub fn keyed(lang: Lang, keys: &KeyMap, msg: Msg, args: &[&str]) -> String {
    crate::words::fill_text(&keys.expand(msg.text(lang)), args)
}

/// What the bulk pane tells (a notice, a stage's error, a failed call's line), in words.
pub fn note(lang: Lang, keys: &KeyMap, n: &BulkNote) -> String {
    let plain = |msg: Msg| keyed(lang, keys, msg, &[]);
    match n {
        BulkNote::NoTicketSelected => plain(Msg::BulkNoTicketSelected),
        BulkNote::Unreadable { id, reason } => keyed(
            lang,
            keys,
            Msg::UnreadableDetail,
            &[&id.to_string(), reason],
        ),
        BulkNote::UnreadableLeftOut(ids) => {
            let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
            keyed(lang, keys, Msg::BulkUnreadableLeftOut, &[&ids.join(", ")])
        }
        BulkNote::RunGoingOn => plain(Msg::BulkRunGoingOn),
        BulkNote::UndoNotStarted => plain(Msg::BulkUndoNotStarted),
        BulkNote::NothingToChange => plain(Msg::BulkNothingToChange),
        BulkNote::TypeCountToConfirm(count) => keyed(
            lang,
            keys,
            Msg::BulkTypeCountToConfirm,
            &[&count.to_string()],
        ),
        BulkNote::NothingFailed => plain(Msg::BulkNothingFailed),
        BulkNote::CannotUndo => plain(Msg::BulkCannotUndo),
        BulkNote::NothingToResume => plain(Msg::BulkNothingToResume),
        BulkNote::LaterFromHistory => plain(Msg::BulkLaterFromHistory),
        BulkNote::ReadingTickets => plain(Msg::BulkReadingTickets),
        BulkNote::UnknownAgent(name) => keyed(lang, keys, Msg::BulkUnknownAgent, &[name]),
        BulkNote::FieldWantsInteger(name) => keyed(lang, keys, Msg::BulkFieldWantsInteger, &[name]),
        BulkNote::FieldWantsNumber(name) => keyed(lang, keys, Msg::BulkFieldWantsNumber, &[name]),
        BulkNote::NothingPicked => plain(Msg::BulkNothingPicked),
        // Reading the tickets again is the form's preview key, not a list reload.
        BulkNote::TicketsUnread(failure) => {
            let again =
                |text: &str| keys.expand(&text.replace("{key:list.reload}", "{key:bulk.preview}"));
            crate::words::bulk_failure_keyed(lang, failure, &again)
        }
        BulkNote::Failed(failure) => {
            crate::words::bulk_failure_keyed(lang, failure, &|text| keys.expand(text))
        }
        BulkNote::CallFailed {
            call,
            tickets,
            reason,
        } => keyed(
            lang,
            keys,
            Msg::BulkCallFailed,
            &[&call.to_string(), &tickets.to_string(), reason],
        ),
        BulkNote::RunDone(report) => crate::words::bulk::run_report(lang, report),
        BulkNote::RunsStopped(count) => {
            keyed(lang, keys, Msg::BulkRunsStoppedCount, &[&count.to_string()])
        }
        BulkNote::TypedAheadStartHeld => plain(Msg::BulkTypedAheadStartHeld),
        BulkNote::TypedAheadEnterHeld => plain(Msg::BulkTypedAheadEnterHeld),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;
    use crate::app::bulk_edit::BulkFailure;

    /// Every note reads in both languages with its arguments in and its keys named: no
    /// placeholder of the table is left over, whatever the note.
    #[test]
    fn every_bulk_note_is_worded_in_both_languages() {
        let notes = [
            BulkNote::NoTicketSelected,
            BulkNote::Unreadable {
                id: 3,
                reason: "ticketStatus".into(),
            },
            BulkNote::UnreadableLeftOut(vec![3, 4]),
            BulkNote::RunGoingOn,
            BulkNote::UndoNotStarted,
            BulkNote::NothingToChange,
            BulkNote::TypeCountToConfirm(250),
            BulkNote::NothingFailed,
            BulkNote::CannotUndo,
            BulkNote::NothingToResume,
            BulkNote::LaterFromHistory,
            BulkNote::ReadingTickets,
            BulkNote::UnknownAgent("无名氏".into()),
            BulkNote::FieldWantsInteger("工时".into()),
            BulkNote::FieldWantsNumber("金额".into()),
            BulkNote::NothingPicked,
            BulkNote::TicketsUnread(BulkFailure::Api(ApiError::Forbidden(None))),
            BulkNote::Failed(BulkFailure::NoJournal),
            BulkNote::CallFailed {
                call: 2,
                tickets: 100,
                reason: "HTTP 500".into(),
            },
            BulkNote::RunsStopped(2),
            BulkNote::TypedAheadStartHeld,
            BulkNote::TypedAheadEnterHeld,
        ];
        let keys = KeyMap::default();
        for lang in [Lang::En, Lang::Zh] {
            for n in &notes {
                let text = note(lang, &keys, n);
                assert!(!text.is_empty(), "{n:?}");
                assert!(!text.contains('{'), "{lang:?} {n:?}: {text}");
            }
        }
        let text = note(Lang::En, &keys, &BulkNote::TypeCountToConfirm(250));
        assert_eq!(text, "type 250 to confirm");
        let text = note(Lang::Zh, &keys, &BulkNote::UnreadableLeftOut(vec![3, 4]));
        assert_eq!(text, "无法读取的工单不在此次修改中：3, 4");
    }
}
