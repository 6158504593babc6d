//! The settings fixed at start (from flags and the config), which `update` reads and never
//! changes.

use super::*;

/// Settings fixed at start (from flags and config).
#[derive(Debug, Clone)]
pub struct Settings {
    pub lang: Lang,
    /// Seconds between automatic reloads of the view shown; `None` (the default) is off.
    pub auto_refresh_secs: Option<u64>,
    /// Page size asked of the server.
    pub per_page: u32,
    /// Shown in the status bar so nobody edits the wrong account: `profile@host` or the host.
    pub account_label: String,
    /// Extra views from config, after the defaults.
    pub extra_views: Vec<ViewSpec>,
    /// Whether colour may be used.
    pub color: bool,
    /// The display time zone, minutes east of UTC (UTC+8 by default). Server dates are
    /// UTC+8 and are converted when shown.
    pub display_offset_minutes: i32,
    /// Shown in the status line at start (a config warning, say).
    pub startup_notice: Option<crate::app::notice::Note>,
    /// The live key map (defaults plus `[keys]`), read by key handling, help and hints.
    pub keymap: std::sync::Arc<crate::app::keymap::KeyMap>,
    /// Bulk changes to more tickets than this need the count typed (config
    /// `ui.bulk_confirm_threshold`).
    pub bulk_confirm_threshold: usize,
    /// Update-many calls in flight at once during a bulk run (config `ui.bulk_concurrency`).
    pub bulk_concurrency: usize,
    /// Pages asked at once by a deep jump (`G`; the profile's `concurrency`).
    pub page_concurrency: usize,
    /// The profile and host bulk runs are journaled for.
    pub bulk_target: crate::bulk::Target,
    /// How much of the selected row is highlighted (config `ui.selection`).
    pub selection: SelectionStyle,
    /// The ticket's page in the web UI, `{id}` standing for the ticket id (config
    /// `web_url`); `None` when not configured.
    pub web_url: Option<String>,
    /// A local store answers first pages at start and keeps the console readable when the
    /// server cannot be reached (issue 16); without one, a failed call is only an error.
    pub local_store: bool,
    /// The login signed in with (an account is the agent's e-mail): the agents list names
    /// the agent it is, for `{agent}` and "assign to me". `None` for a token.
    pub login: Option<String>,
    /// Canned replies (issue 17): the config's `[[snippets]]` and the snippet folder's.
    pub snippets: Vec<crate::app::snippets::Snippet>,
    /// Named changes (`[[macros]]`), after the built-in "assign to me".
    pub macros: Vec<crate::app::macros::Macro>,
    /// After a status change, a macro or a reply sent from the ticket view, the view's next
    /// ticket opens (config `ui.move_on`).
    pub move_on: bool,
    /// Where `d` saves a ticket's file (config `ui.download_dir`, else the user's download
    /// folder); `None` when neither is known.
    pub download_dir: Option<std::path::PathBuf>,
    /// The watched views (a view's `watch` in the config): new tickets there ring the bell
    /// and/or notify, with auto-refresh.
    pub watch: Vec<(ViewName, crate::app::watch::Watch)>,
    /// The config file and the profile in use: where `S` saves a view. `None` without a
    /// profile of a file.
    pub config_path: Option<std::path::PathBuf>,
    pub profile_name: Option<String>,
    /// SLA targets per priority (config `[sla]`); none set: no SLA is shown.
    pub sla: crate::app::sla::SlaTargets,
}

/// How the list shows the selected row (config `ui.selection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectionStyle {
    /// The whole row: easy to find at any width.
    #[default]
    Row,
    /// The cursor and the id only: fewer bytes per key on a very slow link.
    Cursor,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::default(),
            auto_refresh_secs: None,
            per_page: 100,
            account_label: String::new(),
            extra_views: Vec::new(),
            color: true,
            display_offset_minutes: 8 * 60,
            startup_notice: None,
            keymap: crate::app::keymap::KeyMap::shared_default(),
            bulk_confirm_threshold: 50,
            bulk_concurrency: 4,
            page_concurrency: 4,
            bulk_target: crate::bulk::Target::default(),
            selection: SelectionStyle::default(),
            web_url: None,
            local_store: false,
            login: None,
            snippets: Vec::new(),
            macros: Vec::new(),
            // Off unless asked: the config's default (`ui.move_on`) is on, set at start.
            move_on: false,
            download_dir: None,
            watch: Vec::new(),
            sla: crate::app::sla::SlaTargets::default(),
            config_path: None,
            profile_name: None,
        }
    }
}
