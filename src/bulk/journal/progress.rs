//! The lines of `progress.jsonl` (one per step of a run) and a ticket's recorded outcome:
//! the journal's on-disk format, read back by older and newer versions alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One ticket's recorded outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketOutcome {
    pub id: u64,
    /// The server said it applied the change (always false for the kinds other than
    /// [`OutcomeKind::Answered`]).
    pub success: bool,
    /// The server's `error_log`, or why the whole call failed; empty on success.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// What kind of outcome this is; journals written before it was recorded hold only
    /// answers.
    #[serde(default, skip_serializing_if = "OutcomeKind::is_answered")]
    pub kind: OutcomeKind,
}

/// Whether an outcome is the server's answer or something this client could not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The server answered for this ticket: `success` says how.
    #[default]
    Answered,
    /// The call may have reached the server but its answer was lost: applied or not,
    /// unknown. Not final: a resume reads the ticket and settles it.
    Unknown,
    /// A reply that may or may not have been sent, which no read can settle (the API has
    /// no call that lists replies): final, the user must look at the ticket. Never sent
    /// again, never counted failed.
    Unsettled,
    /// The ticket changed on the server between the preview and its call: left alone,
    /// not sent (the user did not choose to apply anyway).
    ChangedSincePreview,
}

impl OutcomeKind {
    fn is_answered(&self) -> bool {
        *self == OutcomeKind::Answered
    }
}

impl TicketOutcome {
    /// The server applied the change.
    pub fn done(id: u64) -> TicketOutcome {
        TicketOutcome {
            id,
            success: true,
            ..TicketOutcome::default()
        }
    }

    /// The server refused it (or the call failed for certain before it was applied).
    pub(crate) fn failed(id: u64, error: impl Into<String>) -> TicketOutcome {
        TicketOutcome {
            id,
            error: error.into(),
            ..TicketOutcome::default()
        }
    }

    pub fn of_kind(id: u64, kind: OutcomeKind, error: impl Into<String>) -> TicketOutcome {
        TicketOutcome {
            id,
            success: false,
            error: error.into(),
            kind,
        }
    }

    /// Failed for certain: the only outcome a retry sends again.
    pub(crate) fn is_failure(&self) -> bool {
        !self.success && self.kind == OutcomeKind::Answered
    }
}

/// One line of `progress.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressLine {
    /// The run (or a resume of it) started sending.
    Started { at: DateTime<Utc> },
    /// Written (and fsynced) before a call is sent: if no outcome follows, the call may or
    /// may not have reached the server.
    Sending {
        call: u32,
        ids: Vec<u64>,
        at: DateTime<Utc>,
        /// The call's `Requestid`, on disk before the call is sent; a resume that sends
        /// the call again reuses it. Absent in journals written before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
    },
    /// A call's answer, per ticket. `call_error` is set when the whole call failed.
    Outcome {
        call: u32,
        at: DateTime<Utc>,
        results: Vec<TicketOutcome>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call_error: Option<String>,
    },
    /// A resume checked tickets whose call was in flight when the run stopped, and found
    /// them already changed (success) or could not tell (failure with the reason).
    Verified {
        at: DateTime<Utc>,
        results: Vec<TicketOutcome>,
    },
    /// A call whose `sending` line was written ahead was never sent (the run was cancelled
    /// first): its tickets are not in doubt.
    Withdrawn { call: u32, at: DateTime<Utc> },
    /// The run stopped sending: every call answered, or the user cancelled.
    Finished { at: DateTime<Utc>, cancelled: bool },
}
