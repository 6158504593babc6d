//! The composer's and the new-ticket form's notes, worded.

use crate::app::composer::ComposeNote;
use crate::app::keymap::KeyMap;
use crate::lang::Lang;
use crate::words::{Msg, status_label};

/// What the composer and the new-ticket form tell (a notice, the pane's error), in words.
pub fn note(lang: Lang, keys: &KeyMap, n: &ComposeNote) -> String {
    let keyed = |msg: Msg, args: &[&str]| crate::ui::bulk::keyed(lang, keys, msg, args);
    // An API error's "press R to retry" would reload the list: here to try again is `again`.
    let reason = |error: &crate::api::ApiError, again: &str| {
        let again = |text: &str| keys.expand(&text.replace("{key:list.reload}", again));
        crate::words::api_error_keyed(lang, error, &again)
    };
    let send_again = |open: bool| {
        if open {
            "{key:composer.send}"
        } else {
            "{key:list.reply}"
        }
    };
    match n {
        ComposeNote::EditorFailed(why) => keyed(Msg::ComposeEditorFailed, &[why]),
        ComposeNote::NoTicket => keyed(Msg::ComposeNoTicket, &[]),
        ComposeNote::DraftRestored => keyed(Msg::ComposeDraftRestored, &[]),
        ComposeNote::DraftKept => keyed(Msg::ComposeDraftKept, &[]),
        ComposeNote::Empty => keyed(Msg::ComposeEmpty, &[]),
        ComposeNote::Uploading => keyed(Msg::ComposeUploading, &[]),
        ComposeNote::Sending(ticket) => keyed(Msg::ComposeSending, &[&ticket.to_string()]),
        ComposeNote::StaleClosed(ticket) => keyed(Msg::ComposeStaleClosed, &[&ticket.to_string()]),
        ComposeNote::Sent {
            ticket,
            status: Some(status),
        } => keyed(
            Msg::ComposeSentWithStatus,
            &[&ticket.to_string(), &status_label(lang, *status)],
        ),
        ComposeNote::Sent {
            ticket,
            status: None,
        } => keyed(Msg::ComposeSent, &[&ticket.to_string()]),
        ComposeNote::SendError { error, open } => reason(error, send_again(*open)),
        ComposeNote::SendFailed {
            ticket,
            error,
            open,
        } => keyed(
            Msg::ComposeSendFailed,
            &[&ticket.to_string(), &reason(error, send_again(*open))],
        ),
        ComposeNote::Attached(name) => keyed(Msg::ComposeAttachments, &[name]),
        ComposeNote::UploadFailed { name, reason } => {
            keyed(Msg::ComposeUploadFailed, &[name, reason])
        }
        ComposeNote::DraftFailed(why) => keyed(Msg::ComposeDraftFailed, &[why]),
        ComposeNote::NeedSubject => keyed(Msg::FormNeedSubject, &[]),
        ComposeNote::NeedDescription => keyed(Msg::FormNeedDescription, &[]),
        ComposeNote::BadContactId(given) => keyed(Msg::FormBadContactId, &[given]),
        ComposeNote::NeedContact => keyed(Msg::FormNeedContact, &[]),
        ComposeNote::Creating => keyed(Msg::FormCreating, &[]),
        ComposeNote::Created(ticket) => keyed(Msg::FormCreated, &[&ticket.to_string()]),
        // Creating again is the form's create key, not the list's reload.
        ComposeNote::CreateError(error) => reason(error, "{key:new_ticket.create}"),
        ComposeNote::NoSnippets => keyed(Msg::ComposeNoSnippets, &[]),
        ComposeNote::SnippetUnknown(vars) => {
            let names: Vec<String> = vars.iter().map(|v| format!("{{{}}}", v.name())).collect();
            keyed(Msg::SnippetUnknown, &[&names.join(", ")])
        }
        ComposeNote::CreateFailed(error) => keyed(
            Msg::FormCreateFailed,
            &[&reason(error, "{key:new_ticket.create}")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiError, NetworkError, TicketStatus};

    /// Every note reads in both languages with its arguments in and its keys named; a
    /// failed send or create names the key that tries again, never the list's reload.
    #[test]
    fn every_compose_note_is_worded_in_both_languages() {
        let timeout = || ApiError::Network(NetworkError::Timeout);
        let notes = [
            ComposeNote::EditorFailed("vim: not found".into()),
            ComposeNote::NoTicket,
            ComposeNote::DraftRestored,
            ComposeNote::DraftKept,
            ComposeNote::Empty,
            ComposeNote::Uploading,
            ComposeNote::Sending(7),
            ComposeNote::StaleClosed(7),
            ComposeNote::Sent {
                ticket: 7,
                status: Some(TicketStatus::Solved),
            },
            ComposeNote::Sent {
                ticket: 7,
                status: None,
            },
            ComposeNote::SendError {
                error: timeout(),
                open: true,
            },
            ComposeNote::SendFailed {
                ticket: 7,
                error: timeout(),
                open: false,
            },
            ComposeNote::Attached("日志.txt".into()),
            ComposeNote::UploadFailed {
                name: "file.pdf".into(),
                reason: "too big".into(),
            },
            ComposeNote::DraftFailed("disk full".into()),
            ComposeNote::NeedSubject,
            ComposeNote::NeedDescription,
            ComposeNote::BadContactId("abc".into()),
            ComposeNote::NeedContact,
            ComposeNote::Creating,
            ComposeNote::Created(12),
            ComposeNote::CreateError(timeout()),
            ComposeNote::CreateFailed(timeout()),
            ComposeNote::NoSnippets,
        ];
        let keys = KeyMap::default();
        for lang in [Lang::En, Lang::Zh] {
            for n in &notes {
                let text = note(lang, &keys, n);
                assert!(!text.is_empty(), "{n:?}");
                assert!(!text.contains('{'), "{lang:?} {n:?}: {text}");
            }
        }
        let reload = keys.expand("{key:list.reload}");
        let send = keys.expand("{key:composer.send}");
        let reply = keys.expand("{key:list.reply}");
        let open = note(
            Lang::En,
            &keys,
            &ComposeNote::SendError {
                error: timeout(),
                open: true,
            },
        );
        assert!(open.ends_with(&format!("press {send} to retry")), "{open}");
        let closed = note(
            Lang::En,
            &keys,
            &ComposeNote::SendFailed {
                ticket: 7,
                error: timeout(),
                open: false,
            },
        );
        assert!(
            closed.contains(&format!("press {reply} to retry")),
            "{closed}"
        );
        assert!(!closed.contains(&format!("press {reload} ")), "{closed}");
    }
}
