//! gongdan (工单): a terminal console for the 帮我吧 (Bangwo8) helpdesk.
//!
//! - [`api`]: the wire model and the HTTP client (no UI types).
//! - [`sandbox`]: a local server faithful to the vendor's API, for the demo and the tests.
//! - [`app`]: state, actions and the one pure `update`.
//! - [`bulk`]: the bulk engine (plans, previews, runs, journal, resume, undo), UI-free.
//! - [`ui`]: one file per pane, rendering from state only.
//! - [`console`] / [`tui`]: starting the console; the terminal and the event loop.
//! - [`worker`]: the background task that owns all network I/O.
//! - [`config`]: configuration, profiles and credentials.
//! - [`script`]: the commands for scripts (`tickets`, `history`, `undo`, `resume`, ...).
//! - [`store`]: the local ticket store (SQLite) and its sync with the server.
//! - [`text`]: making untrusted text inert and measuring it in display columns.
//! - [`hyperlink`]: the links a frame draws (OSC 8), shared by the view and the backend.
//! - [`lang`]: the one language type; [`words`]: every string shown, in both languages.

pub mod api;
pub mod app;
/// Fixtures for the benchmarks (BENCHMARKS.md).
pub mod bench;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod console;
pub mod draft_files;
pub mod files;
pub mod history_files;
pub mod hyperlink;
pub mod lang;
pub(crate) mod lookup_cache;
pub mod sandbox;
pub mod script;
pub(crate) mod secret;
pub mod store;
pub mod term_backend;
pub mod text;
pub mod tui;
pub mod ui;
pub mod words;
pub mod worker;
