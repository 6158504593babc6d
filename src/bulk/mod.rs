//! The bulk engine, without a screen: plans, previews, runs in chunks of 100 with bounded
//! concurrency, a crash-safe journal, resume and undo. The console and the script commands
//! (`tickets update`, `history`, `undo RUN`, `resume RUN`) both drive it, so they never
//! disagree.
//!
//! The flow:
//! 1. [`Plan::new`] from a [`BulkEdit`] and the tickets the caller knows (full tickets for
//!    admins; search results for agents, whose previous values are then unknown).
//! 2. [`Preview::of`] the plan: grouped "from → to" counts, its lines as data
//!    ([`Preview::lines`], worded by `words::bulk`), [`Preview::needs_typed_confirmation`].
//! 3. [`Engine::start`]: the plan is written to `<state>/runs/<run id>/plan.json` before
//!    anything is sent; each call is recorded before it is sent and its per-ticket outcome
//!    after, in `progress.jsonl`, fdatasynced. [`RunEvent`]s go to a tokio channel; a
//!    [`CancellationToken`](tokio_util::sync::CancellationToken) stops sending new calls.
//! 4. [`retry_failed`] on the report plans the failed tickets again; [`Engine::undo`] puts
//!    a run's previous values back; [`Engine::resume`] finishes a run that stopped;
//!    [`Engine::history`] lists runs.
//!
//! ## What "nothing is applied twice" rests on
//! - A ticket is only ever sent inside a call whose `sending` line (its ids) was fsynced
//!   first, and each call's per-ticket outcome is appended (and fsynced by the next group
//!   commit) when it answers. A resume never sends a ticket with a recorded outcome, and a
//!   ticket with no `sending` line was never sent, so sending it once is right.
//! - The only doubt is a call with a `sending` line and no outcome on disk: in flight when
//!   the process died, answered but not yet synced, or queued and not yet sent (a
//!   cancel marks those `withdrawn`). A resume reads those tickets first (show many for admins): a ticket already
//!   holding the run's values is recorded done and not sent again; one still as before is
//!   sent. For agents (no show) `updateDT` from search decides: unchanged since the plan
//!   means never applied; moved means applied (if someone else moved it, the run's change
//!   is not applied to that ticket, and it is reported done).
//! - Every call carries a `Requestid`, made before the call and written in its `sending`
//!   line; the client's retries and a resume's resend of that call reuse it, so a server
//!   that honours the header (as the vendor documents) drops the repeat even when the dead
//!   process's request is still being handled *while* the resume checks.
//! - A call whose answer was lost (dropped connection, timeout, an answer cut short) is
//!   journaled "outcome unknown" for its tickets ([`OutcomeKind::Unknown`]), never failed:
//!   they stay in doubt, the run stays resumable, and `retry` never sends them.
//! - A reply is never sent twice: the API lists no replies, so only the server's
//!   `Requestid` dedupe can make a resend safe. A reply in doubt is sent again only under
//!   its first id and only where `updateDT` has not moved since the plan (moved: taken as
//!   applied); otherwise it is [`OutcomeKind::Unsettled`], listed for the user to check,
//!   never counted failed. Two processes resuming the same run at once are not prevented.
//! - Changed since the preview: unless the plan says `apply_anyway`, each call reads its
//!   tickets just before it is sent (one read per call of 100; skipped when the plan knows
//!   no `updateDT`) and leaves those whose `updateDT` moved as
//!   [`OutcomeKind::ChangedSincePreview`]. A failed read sends nothing (the call fails).
//! - Journal lines go through a group commit on a thread of their own (one fdatasync for
//!   every line queued while the previous one ran). A call is sent only once its `sending`
//!   line is on disk, and a `sending` line is queued only for a call with a free slot (not
//!   written ahead: the check of a call in doubt takes a moved `updateDT` as applied, so a
//!   never-sent ticket that someone else touched would be reported done); a cancel
//!   between the line and the send records the call `withdrawn`. Outcome lines are not waited for (until on disk
//!   their tickets are in doubt, as after a crash before the answer); the `finished` line is,
//!   before the run reports. A journal write that fails stops the run (nothing is sent
//!   unrecorded).
//! - Events are sent with `send().await`: the watcher must keep reading its channel, or the
//!   run waits for it.

mod api;
mod fields;
mod journal;
mod plan;
mod preview;
mod runner;
mod summary;
mod undo;

pub use api::{BulkApi, Current, vendor_offset};
pub use fields::{
    FieldKind, FieldSet, FieldValue, ReplySpec, edit_tags, ticket_is_full, unknown_fields,
};
pub use journal::{
    History, InDoubtCall, Journal, JournalError, LoadedRun, OutcomeKind, ProgressLine, Retried,
    RunChange, RunInfo, RunLog, RunState, RunWhat, TicketOutcome, write_atomic,
};
pub use plan::{
    BulkEdit, ExcludeReason, ExcludedTicket, LeftField, PLAN_VERSION, Plan, PlannedTicket, RunKind,
    RunStamp, Target,
};
pub use preview::{FieldPreview, Names, Preview, TagChange, TagsPreview, Transition};
pub(crate) use preview::{PreviewLine, PreviewNote};
pub use runner::{Engine, MAX_CHUNK, RunEvent, RunOptions, RunProgress, RunReport, retry_failed};
pub use summary::{DEFAULT_KEEP_DAYS, DEFAULT_KEEP_LAST, Pruned, Retention, RunSummary};

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
    NothingToUndo(UndoRefusal),
}

/// Why a run cannot be undone (the console says it in its language, scripts in English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoRefusal {
    #[error("run {run_id} was already undone by run {by}")]
    AlreadyUndone { run_id: String, by: String },
    #[error("the run only added a reply, and a reply cannot be taken back")]
    ReplyOnly,
}
