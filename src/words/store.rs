//! The local store's errors and what opening it did, in the UI language.

use chrono::FixedOffset;

use super::{Msg, fill};
use crate::lang::Lang;
use crate::store::{SetAside, SetAsideReason, StoreError};

/// Why the store could not be used.
pub(crate) fn store_error(lang: Lang, error: &StoreError) -> String {
    let text = match error {
        StoreError::Io { path, message } => fill(
            lang,
            Msg::StoreErrIo,
            &[&path.display().to_string(), message],
        ),
        StoreError::Sqlite(message) => fill(lang, Msg::StoreErrSqlite, &[message]),
    };
    crate::text::clean_line(&text)
}

/// A store file set aside at open, and why.
pub(crate) fn set_aside(lang: Lang, aside: &SetAside) -> String {
    let why = match &aside.reason {
        SetAsideReason::Damaged(what) => fill(lang, Msg::StoreAsideDamaged, &[what]),
        SetAsideReason::FailedCheck(what) => fill(lang, Msg::StoreAsideCheck, &[what]),
        SetAsideReason::NewerSchema(version) => {
            fill(lang, Msg::StoreAsideNewer, &[&version.to_string()])
        }
    };
    crate::text::clean_line(&fill(
        lang,
        Msg::CacheSetAside,
        &[&why, &aside.moved_to.display().to_string()],
    ))
}

/// When the store last synced (`at`, Unix seconds), in `timezone`; "never" when it has not.
/// One wording for `cache status` and the `--offline` notice, so the two read alike.
pub(crate) fn last_sync(lang: Lang, at: Option<i64>, timezone: &FixedOffset) -> String {
    match at {
        Some(at) => chrono::DateTime::from_timestamp(at, 0)
            .map(|at| {
                at.with_timezone(timezone)
                    .format("%Y-%m-%d %H:%M:%S %:z")
                    .to_string()
            })
            .unwrap_or_else(|| at.to_string()),
        None => Msg::CacheNever.text(lang).to_string(),
    }
}
