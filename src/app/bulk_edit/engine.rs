//! What the pane asks of the bulk engine in the worker ([`BulkCommand`]) and what comes
//! back ([`BulkEvent`]): the pane's side of the channel, apart from the pane's own state.

use crate::api::{ApiError, Ticket};
use crate::app::action::RequestId;
use crate::app::state::ViewSource;
use crate::bulk::{Plan, RunEvent, RunReport};

/// What the worker does for the bulk features.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkCommand {
    /// Every page of a view's list or search, for `A`.
    FetchIds { id: RequestId, source: ViewSource },
    /// The tickets as the account can read them now (engine `tickets_for`).
    TicketsFor { id: RequestId, ids: Vec<u64> },
    /// Journal the plan and send it.
    Start { id: RequestId, plan: Box<Plan> },
    /// Finish an interrupted run.
    Resume { id: RequestId, run_id: String },
    /// Plan the undo of a run, for its preview; nothing is written or sent.
    PlanUndo { id: RequestId, run_id: String },
    /// Stop a run (calls in flight finish) or an id fetch.
    Cancel { id: RequestId },
    /// The journal's runs.
    History { id: RequestId },
}

impl BulkCommand {
    pub fn request_id(&self) -> RequestId {
        match self {
            BulkCommand::FetchIds { id, .. }
            | BulkCommand::TicketsFor { id, .. }
            | BulkCommand::Start { id, .. }
            | BulkCommand::Resume { id, .. }
            | BulkCommand::PlanUndo { id, .. }
            | BulkCommand::Cancel { id }
            | BulkCommand::History { id } => *id,
        }
    }
}

/// One run of the history, as data: its id, state, counts and change, worded by the view
/// (`words::bulk::run_summary`) as `gongdan history` words it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub run: crate::bulk::RunInfo,
}

impl HistoryRow {
    pub(crate) fn run_id(&self) -> &str {
        &self.run.run_id
    }

    /// Whether `resume` has anything to do.
    pub fn resumable(&self) -> bool {
        self.run.resumable()
    }
}

/// Why a bulk command failed, as data: the pane that shows it words it
/// (`words::bulk_failure`), so the worker says nothing in a language.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkFailure {
    Api(ApiError),
    /// No state directory: runs cannot be journaled.
    NoJournal,
    NothingToUndo(crate::bulk::UndoRefusal),
    /// The engine's own words (a journal that cannot be read or written, ...), in English
    /// as scripts print them.
    Engine(String),
}

impl From<crate::bulk::BulkError> for BulkFailure {
    fn from(error: crate::bulk::BulkError) -> BulkFailure {
        match error {
            crate::bulk::BulkError::Api(api) => BulkFailure::Api(api),
            crate::bulk::BulkError::NothingToUndo(refusal) => BulkFailure::NothingToUndo(refusal),
            other => BulkFailure::Engine(other.to_string()),
        }
    }
}

/// What the worker tells about the bulk features.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkEvent {
    IdsPage {
        id: RequestId,
        tickets: Vec<Ticket>,
        total: Option<u64>,
    },
    IdsDone {
        id: RequestId,
        error: Option<ApiError>,
    },
    Tickets {
        id: RequestId,
        result: Result<Vec<Ticket>, BulkFailure>,
    },
    Run {
        id: RequestId,
        event: RunEvent,
    },
    RunDone {
        id: RequestId,
        result: Result<Box<RunReport>, BulkFailure>,
    },
    /// The answer to [`BulkCommand::PlanUndo`].
    UndoPlanned {
        id: RequestId,
        result: Result<Box<Plan>, BulkFailure>,
    },
    History {
        id: RequestId,
        result: Result<Vec<HistoryRow>, BulkFailure>,
        problems: Vec<String>,
    },
}
