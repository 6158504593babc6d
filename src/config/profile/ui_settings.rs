//! The console's own settings (`[ui]`), separate from the profile's: one table for every
//! profile, each value the file's or the default.

use std::path::{Path, PathBuf};

use super::Source;
use super::resolve::Sources;
use crate::config::file::{self, UiFile};

/// Settings of the console itself (`[ui]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiSettings {
    /// Seconds between automatic refreshes of the view; 0 = off.
    pub auto_refresh_secs: u64,
    /// Bulk changes to more tickets than this ask for confirmation.
    pub bulk_confirm_threshold: usize,
    /// Calls in flight at once during a bulk change.
    pub bulk_concurrency: usize,
    /// Whether the console takes the mouse (the wheel scrolls). Off by default: while a
    /// program captures the mouse, most terminals no longer let the user select and copy.
    pub mouse: bool,
    /// How much of the list's selected row is highlighted.
    pub(crate) selection: file::Selection,
    /// How long past bulk runs are kept (pruned at start and by `gongdan history prune`).
    pub(crate) history: crate::bulk::Retention,
    /// After acting from the ticket view, the view's next ticket opens (issue 17).
    pub move_on: bool,
    /// Links in ticket text as OSC 8 hyperlinks (`auto`: decided from the terminal at start).
    pub hyperlinks: file::Hyperlinks,
    /// Where a ticket's file is saved: the file's `download_dir`, else the user's download
    /// folder (`directories`), else `~/Downloads`; `None` without a home directory.
    pub download_dir: Option<PathBuf>,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            auto_refresh_secs: file::DEFAULT_AUTO_REFRESH_SECS,
            bulk_confirm_threshold: file::DEFAULT_BULK_CONFIRM_THRESHOLD,
            bulk_concurrency: file::DEFAULT_BULK_CONCURRENCY,
            mouse: false,
            selection: file::DEFAULT_SELECTION,
            history: crate::bulk::Retention::default(),
            move_on: true,
            hyperlinks: file::Hyperlinks::Auto,
            download_dir: default_download_dir(),
        }
    }
}

/// The `[ui]` table's values, each recorded with where it came from.
pub(super) fn ui_settings(
    ui: &UiFile,
    config_dir: Option<&Path>,
    lang: crate::lang::Lang,
    sources: &mut Sources,
) -> UiSettings {
    let download_dir = match &ui.download_dir {
        Some(path) => Some(super::checks::relative_to(config_dir, path)),
        None => default_download_dir(),
    };
    let settings = UiSettings {
        download_dir,
        auto_refresh_secs: sources.or_default(
            "ui.auto_refresh_secs",
            ui.auto_refresh_secs,
            file::DEFAULT_AUTO_REFRESH_SECS,
        ),
        bulk_confirm_threshold: sources.or_default(
            "ui.bulk_confirm_threshold",
            ui.bulk_confirm_threshold,
            file::DEFAULT_BULK_CONFIRM_THRESHOLD,
        ),
        bulk_concurrency: sources.or_default(
            "ui.bulk_concurrency",
            ui.bulk_concurrency.map(|p| p.0),
            file::DEFAULT_BULK_CONCURRENCY,
        ),
        mouse: sources.or_default("ui.mouse", ui.mouse, false),
        selection: sources.or_default("ui.selection", ui.selection, file::DEFAULT_SELECTION),
        history: crate::bulk::Retention {
            keep_days: sources.or_default(
                "ui.history_keep_days",
                ui.history_keep_days,
                crate::bulk::DEFAULT_KEEP_DAYS,
            ),
            keep_last: sources.or_default(
                "ui.history_keep_last",
                ui.history_keep_last,
                crate::bulk::DEFAULT_KEEP_LAST,
            ),
        },
        move_on: sources.or_default("ui.move_on", ui.move_on, true),
        hyperlinks: sources.or_default("ui.hyperlinks", ui.hyperlinks, file::Hyperlinks::Auto),
    };
    sources.record(
        "ui.download_dir",
        settings.download_dir.as_ref().map_or_else(
            || super::resolve::word(lang, crate::words::Msg::SrcNone),
            |path| path.display().to_string(),
        ),
        if ui.download_dir.is_some() {
            Source::File
        } else {
            Source::Default
        },
    );
    settings
}

/// The user's download folder, else `~/Downloads`; `None` without a home directory.
fn default_download_dir() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map_or_else(|| dirs.home_dir().join("Downloads"), Path::to_path_buf),
    )
}
