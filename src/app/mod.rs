//! The console's state, its actions, the key map and the one pure `update`.

pub(crate) mod action;
pub mod bulk_edit;
pub mod columns;
pub mod composer;
pub mod copy;
pub mod drafts;
pub mod facets;
pub mod faults;
pub mod files;
pub mod keymap;
pub mod layout;
pub mod line_edit;
pub mod local;
pub mod macros;
pub mod marks;
pub mod new_ticket;
pub mod notice;
pub mod offline;
pub(crate) mod run_ids;
pub mod sla;
pub mod snippets;
pub mod state;
pub(crate) mod store;
pub mod update;
pub mod watch;

pub use action::{
    Action, Command, LocalAnswer, LocalWindow, LookupKey, LookupValue, RequestId, WorkerEvent,
};
pub(crate) use run_ids::RunIds;
pub use state::{App, Pane, Settings, View, ViewName, ViewSource, ViewSpec};
pub use update::update;
