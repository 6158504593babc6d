//! The bulk engine, without a screen: plans, previews, runs in chunks of 100 with bounded
//! concurrency, a crash-safe journal, resume and undo. The console and the script commands
//! (`tickets update`, `history`, `undo RUN`, `resume RUN`) both drive it, so they never
//! disagree.
//!
//! The flow:
//! 1. [`Plan::new`] from a [`BulkEdit`] and the tickets the caller knows (full tickets for
//!    admins; search results for agents, whose previous values are then unknown).
//! 2. [`Preview::of`] the plan: grouped "from → to" counts, [`Preview::summary`] in zh or
//!    en, [`Preview::needs_typed_confirmation`].
//! 3. [`Engine::start`]: the plan is written to `<state>/runs/<run id>/plan.json` before
//!    anything is sent; each call is recorded before it is sent and its per-ticket outcome
//!    after, in `progress.jsonl`, fsynced. [`RunEvent`]s go to a tokio channel; a
//!    [`CancellationToken`](tokio_util::sync::CancellationToken) stops sending new calls.
//! 4. [`retry_failed`] on the report plans the failed tickets again; [`Engine::undo`] puts
//!    a run's previous values back; [`Engine::resume`] finishes a run that stopped;
//!    [`Engine::history`] lists runs.

mod api;
mod fields;
mod journal;
mod plan;
mod preview;
mod runner;
mod undo;

pub use api::{BulkApi, Current, vendor_offset};
pub use fields::{FieldKind, FieldSet, FieldValue, ReplySpec, edit_tags};
pub use journal::{
    History, Journal, JournalError, LoadedRun, ProgressLine, RunInfo, RunLog, RunState,
    TicketOutcome, write_atomic,
};
pub use plan::{
    BulkEdit, ExcludeReason, ExcludedTicket, PLAN_VERSION, Plan, PlannedTicket, RunKind, Target,
    new_run_id,
};
pub use preview::{FieldPreview, Names, Preview, Transition, field_label, value_label};
pub use runner::{Engine, MAX_CHUNK, RunEvent, RunOptions, RunProgress, RunReport, retry_failed};

/// The language of texts the engine renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Why a bulk operation could not go on.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Journal(JournalError),
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),
    #[error("run {run_id} belongs to profile {profile:?} at {base_url}; switch to it first")]
    OtherTarget {
        run_id: String,
        profile: String,
        base_url: String,
    },
    #[error("nothing to undo: {0}")]
    NothingToUndo(String),
}
