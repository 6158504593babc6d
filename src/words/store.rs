//! The local store's errors and what opening it did, in the UI language.

use super::{Msg, api_error_for_cli, fill};
use crate::lang::Lang;
use crate::store::{SetAside, SetAsideReason, StoreError, SyncError};

/// Why the store could not be used.
pub fn store_error(lang: Lang, error: &StoreError) -> String {
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

/// Why a sync stopped.
pub fn sync_error(lang: Lang, error: &SyncError) -> String {
    match error {
        SyncError::Api(error) => api_error_for_cli(lang, error),
        SyncError::Store(error) => store_error(lang, error),
    }
}

/// A store file set aside at open, and why.
pub fn set_aside(lang: Lang, aside: &SetAside) -> String {
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
