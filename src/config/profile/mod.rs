//! Profile resolution: the file's profile, the environment and the flags merged, each value
//! remembering where it came from. Precedence: flag > environment > file > default.
//!
//! `options` holds what comes in, `resolve` the steps (`connection` those of the server,
//! login and client settings), `resolved` what comes out;
//! `ui_settings` the `[ui]` table and `checks` the URL and path checks.

mod checks;
mod connection;
mod options;
mod resolve;
mod resolved;
mod ui_settings;

pub use options::{Given, ResolveOptions, Source, env_secret, given};
pub use resolve::resolve;
pub use resolved::{Connection, Resolved, SourceEntry};
pub use ui_settings::UiSettings;
