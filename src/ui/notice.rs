//! The words of the notices and errors the state carries as data (`app::notice`): one
//! function per kind, through the table in `crate::words`. Key names come from the live key
//! map, put into the table's own text before any argument, so a server's text that holds
//! `{key:..}` or `{0}` is shown as sent.

use crate::api::SortOrder;
use crate::api::{ApiError, TicketStatus};
use crate::app::bulk_edit::BulkFailure;
use crate::app::copy::CopyItem;
use crate::app::keymap::KeyMap;
use crate::app::notice::{
    CopyLabel, CopyOutcome, Note, PromptError, SignInError, StatusFailure, ViewError,
};
use crate::app::state::{Sort, SortField, ViewName};
use crate::lang::Lang;
use crate::words::{self, Msg, fill, fill_keyed};

/// The notice the status line shows now, worded in the app's language with its key map.
pub fn current(app: &crate::app::App) -> Option<String> {
    let notice = app.notice.as_ref()?;
    Some(note(app.lang(), &app.settings.keymap, &notice.note))
}

/// A notice of the status line in `lang`.
pub fn note(lang: Lang, keys: &KeyMap, note: &Note) -> String {
    let named = |text: &str| keys.expand(text);
    let say = |msg: Msg, args: &[&str]| fill_keyed(lang, msg, args, &named);
    let status = |s: TicketStatus| words::status_label(lang, s);
    match note {
        Note::Bulk(n) => crate::ui::bulk::note(lang, keys, n),
        Note::Compose(n) => crate::ui::composer::note(lang, keys, n),
        Note::Macro(n) => crate::ui::macros::note(lang, keys, n),
        Note::Files(n) => crate::ui::files::note(lang, keys, n),
        Note::Startup { first, more } => match more {
            0 => first.clone(),
            n => format!("{first} {}", say(Msg::StartupMore, &[&n.to_string()])),
        },
        Note::Reloading => say(Msg::Reloading, &[]),
        Note::LoadingMore => say(Msg::LoadingMore, &[]),
        Note::UnreadableWithoutId(count) => say(Msg::UnreadableWithoutId, &[&count.to_string()]),
        Note::LoadFailed { view, error } => {
            let error = view_error(lang, keys, error);
            say(Msg::LoadFailed, &[&view_name(lang, view), &error])
        }
        Note::SearchFailed(error) => say(Msg::SearchFailed, &[&view_error(lang, keys, error)]),
        Note::ListForbidden => say(Msg::ListForbidden, &[]),
        Note::RefusedOffline(change) => {
            use crate::app::offline::OfflineChange;
            let what = match change {
                OfflineChange::StatusChange => Msg::OfflineStatusChange,
                OfflineChange::BulkRun => Msg::OfflineBulkRun,
                OfflineChange::Reply => Msg::OfflineReply,
                OfflineChange::NewTicket => Msg::OfflineNewTicket,
            };
            say(Msg::RefusedOffline, &[what.text(lang)])
        }
        Note::SortBy(sort) => say(Msg::SortBy, &[&sort_label(lang, *sort)]),
        Note::SearchNoStatusSort => say(Msg::SearchNoStatusSort, &[]),
        Note::QuickFilterCleared => say(Msg::QuickFilterCleared, &[]),
        Note::NotForMarked => say(Msg::NotForMarked, &[]),
        Note::ViewSaved { name, path } => say(Msg::ViewSaved, &[name, path]),
        Note::ViewSaveFailed(reason) => say(Msg::ViewSaveFailed, &[reason]),
        Note::SaveViewNoConfig => say(Msg::SaveViewNoConfig, &[]),
        Note::SaveViewPlainText => say(Msg::SaveViewPlainText, &[]),
        Note::SaveViewBadQuery(error) => say(
            Msg::SaveViewBadQuery,
            &[&crate::words::query_error(lang, error)],
        ),
        Note::QuickFilterListView => say(Msg::QuickFilterListView, &[]),
        Note::QuickFilterTagNotSearchable(tag) => say(Msg::QuickFilterTagNotSearchable, &[tag]),
        Note::NoTicketSelected => say(Msg::NoTicketSelected, &[]),
        Note::StatusMenuNotMarks { ticket, marked } => say(
            Msg::StatusMenuNotMarks,
            &[&ticket.to_string(), &marked.to_string()],
        ),
        Note::StatusUnknownTicket(ticket) => say(Msg::StatusUnknownTicket, &[&ticket.to_string()]),
        Note::FilterSet(text) => say(Msg::FilterSet, &[text]),
        Note::FilterCleared => say(Msg::FilterCleared, &[]),
        Note::ShowFailed { ticket, error } => say(
            Msg::ShowFailed,
            &[&ticket.to_string(), &api_error(lang, keys, error)],
        ),
        Note::StatusChanged { ticket, status: s } => {
            say(Msg::StatusChanged, &[&ticket.to_string(), &status(*s)])
        }
        Note::StatusChangeFailed {
            ticket,
            wanted,
            reason,
            previous,
        } => say(
            Msg::StatusChangeFailed,
            &[
                &ticket.to_string(),
                &status(*wanted),
                &status_failure(lang, keys, reason),
                &status_or_none(lang, *previous),
            ],
        ),
        Note::StatusChangeUnknown {
            ticket,
            wanted,
            reason,
        } => say(
            Msg::StatusChangeUnknown,
            &[&ticket.to_string(), &status(*wanted), reason],
        ),
        Note::StatusChangedMeanwhile {
            ticket,
            shown,
            now,
            wanted,
        } => say(
            Msg::StatusChangedMeanwhile,
            &[
                &ticket.to_string(),
                &status_or_none(lang, *shown),
                &status_or_none(lang, *now),
                &status(*wanted),
            ],
        ),
        Note::MarkRangeEnded(count) => say(Msg::MarkRangeEnded, &[&count.to_string()]),
        Note::MarkRangeHint => say(Msg::MarkRangeHint, &[]),
        Note::MarkLoaded { count, total } => {
            say(Msg::MarkLoaded, &[&count.to_string(), &total.to_string()])
        }
        Note::MarksRestored(count) => say(Msg::MarksRestored, &[&count.to_string()]),
        Note::MarksNone => say(Msg::MarksNone, &[]),
        Note::MarksClearedRestorable(count) => {
            say(Msg::MarksClearedRestorable, &[&count.to_string()])
        }
        Note::MarkFetchStarted => say(Msg::MarkFetchStarted, &[]),
        Note::MarkFetchProgress { fetched, total } => {
            say(Msg::MarkFetchProgress, &[&progress(*fetched, *total)])
        }
        Note::MarkFetchDone { fetched, marked } => say(
            Msg::MarkFetchDone,
            &[&fetched.to_string(), &marked.to_string()],
        ),
        Note::MarkFetchStopped { marked, error } => say(
            Msg::MarkFetchStopped,
            &[&marked.to_string(), &api_error(lang, keys, error)],
        ),
        Note::Copy { label, outcome } => {
            let label = copy_label(lang, label);
            match outcome {
                CopyOutcome::Copied(shown) => say(Msg::CopiedItem, &[&label, shown]),
                CopyOutcome::TooLong { kb } => say(Msg::CopyTooLong, &[&label, &kb.to_string()]),
                CopyOutcome::Empty => say(Msg::CopyEmpty, &[&label]),
                CopyOutcome::Unknown => say(Msg::CopyUnknown, &[&label]),
            }
        }
        Note::CopyNoWebUrl => say(Msg::CopyNoWebUrl, &[]),
        Note::SignInCancelled => say(Msg::SignInCancelled, &[]),
        Note::SignInAgain => say(Msg::SignInAgain, &[]),
        Note::SigningIn => say(Msg::SigningIn, &[]),
        Note::SignedInAgain => say(Msg::SignedInAgain, &[]),
        Note::Retrying { error, secs } => {
            // "press R to retry" while a retry is already on its way would tell the user
            // to do what is being done: that tail goes.
            let reason = strip_retry_hint(&api_error(lang, keys, error), &retry_hint(lang, keys));
            say(Msg::Retrying, &[&reason, &secs.to_string()])
        }
        Note::GaveUp(inner) => {
            let text = self::note(lang, keys, inner);
            let hint = retry_hint(lang, keys);
            // Said once: most transient errors' own words already say it.
            if text.contains(&hint) {
                text
            } else {
                say(Msg::GaveUp, &[&text, &hint])
            }
        }
    }
}

/// An `ApiError` as the console shows it, its keys from the live map.
pub(crate) fn api_error(lang: Lang, keys: &KeyMap, error: &ApiError) -> String {
    words::api_error_keyed(lang, error, &|text| keys.expand(text))
}

/// Why a view shows no rows.
pub fn view_error(lang: Lang, keys: &KeyMap, error: &ViewError) -> String {
    match error {
        ViewError::Api(error) => api_error(lang, keys, error),
        ViewError::ListRefused => Msg::ListViewForbidden.text(lang).to_string(),
    }
}

/// Why a prompt's line was not taken.
pub(crate) fn prompt_error(lang: Lang, error: &PromptError) -> String {
    match error {
        PromptError::Nothing => Msg::QueryNothing.text(lang).to_string(),
        PromptError::Query(error) => words::query_error(lang, error),
        PromptError::BadFilter => Msg::FilterBad.text(lang).to_string(),
    }
}

/// Why the sign-in prompt asks again.
pub fn sign_in_error(lang: Lang, keys: &KeyMap, error: &SignInError) -> String {
    match error {
        SignInError::Empty => Msg::SignInEmpty.text(lang).to_string(),
        SignInError::Api(error) => api_error(lang, keys, error),
    }
}

/// A view's name in the tabs and the status bar.
pub(crate) fn view_name(lang: Lang, name: &ViewName) -> String {
    match name {
        ViewName::New => Msg::ViewNew.text(lang).to_string(),
        ViewName::Open => Msg::ViewOpen.text(lang).to_string(),
        ViewName::Pending => Msg::ViewPending.text(lang).to_string(),
        ViewName::All => Msg::ViewAll.text(lang).to_string(),
        ViewName::Custom(name) => name.clone(),
        ViewName::Search(text) => fill(lang, Msg::ViewSearch, &[text]),
        ViewName::Marked => Msg::ViewMarked.text(lang).to_string(),
    }
}

/// "updated, descending".
pub(crate) fn sort_label(lang: Lang, sort: Option<Sort>) -> String {
    match sort {
        None => Msg::SortDefault.text(lang).to_string(),
        Some(sort) => {
            let field = match sort.field {
                SortField::Created => Msg::SortCreated,
                SortField::Updated => Msg::SortUpdated,
                SortField::Status => Msg::SortStatus,
            };
            let order = match sort.order {
                SortOrder::Asc => Msg::SortAsc,
                SortOrder::Desc => Msg::SortDesc,
            };
            format!("{}, {}", field.text(lang), order.text(lang))
        }
    }
}

/// A copy-menu entry's name.
pub(crate) fn copy_label(lang: Lang, label: &CopyLabel) -> String {
    let name = match label.item {
        CopyItem::Field(_) => label.field_name.as_deref(),
        _ => None,
    };
    words::copy_label(lang, &label.item, name)
}

/// `12/40`, or `12` before the total is known.
pub(crate) fn progress(fetched: usize, total: Option<u64>) -> String {
    match total {
        Some(total) => format!("{fetched}/{total}"),
        None => fetched.to_string(),
    }
}

fn status_or_none(lang: Lang, status: Option<TicketStatus>) -> String {
    status
        .map(|s| words::status_label(lang, s))
        .unwrap_or_else(|| Msg::None_.text(lang).to_string())
}

fn status_failure(lang: Lang, keys: &KeyMap, failure: &StatusFailure) -> String {
    match failure {
        StatusFailure::Api(error) | StatusFailure::Bulk(BulkFailure::Api(error)) => {
            api_error(lang, keys, error)
        }
        StatusFailure::Bulk(failure) => words::bulk_failure(lang, failure),
        StatusFailure::Outcome(text) => text.clone(),
        StatusFailure::NotSent => Msg::NotSent.text(lang).to_string(),
    }
}

fn retry_hint(lang: Lang, keys: &KeyMap) -> String {
    keys.expand(Msg::RetryHint.text(lang))
}

/// The error's words without their "press R to retry (later)" tail.
fn strip_retry_hint(text: &str, hint: &str) -> String {
    match text.find(hint) {
        Some(at) => text[..at]
            .trim_end_matches([' ', ';', '；', '，', ',', '，'])
            .trim_end_matches("please")
            .trim_end_matches("请稍后")
            .trim_end_matches([' ', ';', '；', '，', ','])
            .to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(note: &Note) -> String {
        self::note(Lang::En, &KeyMap::default(), note)
    }

    fn zh(note: &Note) -> String {
        self::note(Lang::Zh, &KeyMap::default(), note)
    }

    #[test]
    fn a_status_change_is_worded_in_both_languages() {
        let changed = Note::StatusChanged {
            ticket: 7,
            status: TicketStatus::Solved,
        };
        assert_eq!(en(&changed), "#7 set to solved");
        assert_eq!(zh(&changed), "#7 状态已改为 已解决");
        let failed = Note::StatusChangeFailed {
            ticket: 7,
            wanted: TicketStatus::Solved,
            reason: StatusFailure::NotSent,
            previous: None,
        };
        assert_eq!(
            en(&failed),
            "#7 could not be set to solved: not sent; back to none"
        );
    }

    #[test]
    fn the_start_warning_says_how_many_more() {
        let one = Note::Startup {
            first: "config.toml:3:1: unknown key".into(),
            more: 0,
        };
        assert_eq!(en(&one), "config.toml:3:1: unknown key");
        let three = Note::Startup {
            first: "config.toml:3:1: unknown key".into(),
            more: 2,
        };
        assert_eq!(
            en(&three),
            "config.toml:3:1: unknown key (and 2 more: see gongdan config check)"
        );
    }

    #[test]
    fn a_retry_drops_the_errors_own_retry_hint_and_giving_up_says_it_once() {
        let error = ApiError::Server {
            status: 502,
            excerpt: None,
        };
        let retrying = Note::Retrying {
            error: error.clone(),
            secs: 3,
        };
        assert_eq!(en(&retrying), "Server error (HTTP 502); retrying in 3 s");
        assert_eq!(zh(&retrying), "服务器出错（HTTP 502），3 秒后重试");
        // The server error's words already say R retries: not said twice.
        let gave_up = Note::GaveUp(Box::new(Note::ShowFailed { ticket: 4, error }));
        assert_eq!(en(&gave_up).matches("press R to retry").count(), 1);
        // One whose words do not say it gets the hint.
        let refused = Note::GaveUp(Box::new(Note::ShowFailed {
            ticket: 4,
            error: ApiError::RateLimited { retry_after: None },
        }));
        assert!(
            en(&refused).ends_with("; press R to retry"),
            "{}",
            en(&refused)
        );
    }

    #[test]
    fn keys_are_named_in_the_tables_text_only() {
        let keys = KeyMap::default();
        let typed = Note::FilterSet("{key:list.reload} {0}".into());
        assert_eq!(
            note(Lang::En, &keys, &typed),
            "Filter: {key:list.reload} {0}"
        );
        let cleared = Note::MarksClearedRestorable(3);
        assert_eq!(
            note(Lang::En, &keys, &cleared),
            "Cleared 3 marks — U restores"
        );
    }
}
