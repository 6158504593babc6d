//! A ticket's age and its SLA clocks, from the ticket and a given time (the tick's: no
//! clock is read here).
//!
//! What the data can tell (API-NOTES.md):
//! - since creation: `createDT`; since the last update: `updateDT`;
//! - in the current status: from the live field of that status when the server sends it
//!   (`openDT` for open, `waitDT` for pending, `solveDT` for solved, `closeDT` for closed),
//!   and from `createDT` for a ticket still new (it has been new since it was made). A
//!   status without its live field is not known: `updateDT` moves with any reply or tag
//!   too, so it is not taken for the status's start.
//! - resolution: from `createDT` to `solveDT` (a solved ticket; a closed one without it,
//!   `closeDT`), or to now while the ticket is not solved;
//! - first response: no call lists a ticket's replies, so when a ticket was first
//!   answered is not in the data (`openDT` is when it was opened, which is not an answer).
//!   The only thing it tells is that a ticket still new has not been taken up: its first
//!   response clock runs from `createDT` to now. Once a ticket left new, its first
//!   response is unknown: neither met nor breached.
//!
//! Unknown is never a guess: a clock whose start, end or target is not known is `None`.

use chrono::NaiveDateTime;

use crate::api::{Priority, Ticket, TicketStatus};

/// The targets of one priority, in minutes; `None`: no target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SlaTarget {
    pub first_response: Option<i64>,
    pub resolution: Option<i64>,
}

/// SLA targets per priority (config `[sla]`), and from what share of a target a ticket is
/// marked as a warning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SlaTargets {
    /// Low, normal, high, urgent (the vendor's code order).
    pub by_priority: [SlaTarget; 4],
    /// Percent of a target used from which a ticket is a warning.
    pub warn_percent: u8,
}

/// The default share of a target from which a ticket is a warning.
pub const DEFAULT_WARN_PERCENT: u8 = 75;

impl Default for SlaTargets {
    fn default() -> Self {
        SlaTargets {
            by_priority: [SlaTarget::default(); 4],
            warn_percent: DEFAULT_WARN_PERCENT,
        }
    }
}

impl SlaTargets {
    /// Whether any target is set (without one, there is no SLA to show or sort by).
    pub fn any(&self) -> bool {
        self.by_priority
            .iter()
            .any(|t| t.first_response.is_some() || t.resolution.is_some())
    }

    fn of(&self, priority: Priority) -> Option<SlaTarget> {
        match priority {
            Priority::Low => Some(self.by_priority[0]),
            Priority::Normal => Some(self.by_priority[1]),
            Priority::High => Some(self.by_priority[2]),
            Priority::Urgent => Some(self.by_priority[3]),
            Priority::Unknown(_) => None,
        }
    }
}

/// How a ticket stands against its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlaState {
    /// Within its targets.
    Ok,
    /// Past the warning share of a target still running.
    Warning,
    /// Past a target (running or finished late).
    Breached,
}

/// One clock against one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Minutes used so far (to now, or to when the clock stopped).
    pub elapsed: i64,
    pub target: i64,
    /// Whether it still runs (an unanswered new ticket, an unsolved one).
    pub running: bool,
}

impl Clock {
    pub fn remaining(&self) -> i64 {
        self.target - self.elapsed
    }

    fn state(&self, warn_percent: u8) -> SlaState {
        if self.elapsed > self.target {
            SlaState::Breached
        } else if self.running && self.elapsed * 100 >= self.target * i64::from(warn_percent) {
            SlaState::Warning
        } else {
            SlaState::Ok
        }
    }
}

/// A ticket's clocks; each `None` when it has no target or cannot be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sla {
    pub first_response: Option<Clock>,
    pub resolution: Option<Clock>,
    pub(crate) warn_percent: u8,
}

impl Sla {
    /// The worst state of the clocks known; `None` when none is.
    pub fn state(&self) -> Option<SlaState> {
        [self.first_response, self.resolution]
            .into_iter()
            .flatten()
            .map(|clock| clock.state(self.warn_percent))
            .max()
    }

    /// The clock closest to its breach among those still running (a breached one has
    /// negative minutes left): what "closest to breach" sorts by.
    pub fn closest(&self) -> Option<Clock> {
        [self.first_response, self.resolution]
            .into_iter()
            .flatten()
            .filter(|clock| clock.running)
            .min_by_key(Clock::remaining)
    }

    /// The clock a cell shows: the closest running one, else the resolution's outcome.
    pub fn shown(&self) -> Option<Clock> {
        self.closest().or(self.resolution)
    }
}

fn minutes(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_minutes()
}

/// Minutes since the ticket was created; `None` when `createDT` is not known.
pub fn age(ticket: &Ticket, now: NaiveDateTime) -> Option<i64> {
    ticket.created.map(|at| minutes(at, now))
}

/// Minutes since the last update; `None` when `updateDT` is not known.
pub fn idle(ticket: &Ticket, now: NaiveDateTime) -> Option<i64> {
    ticket.updated.map(|at| minutes(at, now))
}

/// When the ticket entered its current status, when the data says.
pub fn status_since(ticket: &Ticket) -> Option<NaiveDateTime> {
    let live = &ticket.live;
    match ticket.status? {
        TicketStatus::New => ticket.created,
        TicketStatus::Open => live.opened,
        TicketStatus::Pending => live.waiting,
        TicketStatus::Solved => live.solved,
        TicketStatus::AutoClosed | TicketStatus::Closed => live.closed,
        TicketStatus::Unknown(_) => None,
    }
}

/// Minutes in the current status; `None` when not known.
pub fn in_status(ticket: &Ticket, now: NaiveDateTime) -> Option<i64> {
    status_since(ticket).map(|at| minutes(at, now))
}

/// The ticket's clocks at `now` against `targets`.
pub fn sla(ticket: &Ticket, now: NaiveDateTime, targets: &SlaTargets) -> Sla {
    let mut sla = Sla {
        warn_percent: targets.warn_percent,
        ..Sla::default()
    };
    let (Some(priority), Some(status), Some(created)) =
        (ticket.priority, ticket.status, ticket.created)
    else {
        return sla;
    };
    let Some(target) = targets.of(priority) else {
        return sla;
    };
    let running = |target: i64| Clock {
        elapsed: minutes(created, now),
        target,
        running: true,
    };
    if status == TicketStatus::New {
        sla.first_response = target.first_response.map(running);
    }
    sla.resolution = target.resolution.and_then(|target| {
        let end = match status {
            TicketStatus::New | TicketStatus::Open | TicketStatus::Pending => {
                return Some(running(target));
            }
            TicketStatus::Solved => ticket.live.solved?,
            TicketStatus::AutoClosed | TicketStatus::Closed => {
                ticket.live.solved.or(ticket.live.closed)?
            }
            TicketStatus::Unknown(_) => return None,
        };
        Some(Clock {
            elapsed: minutes(created, end),
            target,
            running: false,
        })
    });
    sla
}

/// Whether a ticket's clock still running is past its target: what a tab counts.
pub fn breached_now(ticket: &Ticket, now: NaiveDateTime, targets: &SlaTargets) -> bool {
    let sla = sla(ticket, now, targets);
    [sla.first_response, sla.resolution]
        .into_iter()
        .flatten()
        .any(|clock| clock.running && clock.elapsed > clock.target)
}

/// Counts each view's tickets past a running target (`View::breached`), again only when
/// its rows, a ticket or the minute moved since the last count. Called after every action.
pub(crate) fn count_breached(app: &mut crate::app::App) {
    if !app.settings.sla.any() {
        return;
    }
    let minute = app.now.and_utc().timestamp() / 60;
    let stamp = app.tickets.stamp();
    let (tickets, targets, now) = (&app.tickets, &app.settings.sla, app.now);
    let views = app
        .views
        .iter_mut()
        .chain(app.search.as_mut().map(|search| &mut search.view));
    for view in views {
        let ends = (
            view.ids.first().copied().unwrap_or(0),
            view.ids.last().copied().unwrap_or(0),
        );
        let key = (view.ids.len(), ends, stamp, minute);
        if view.breach_key == Some(key) {
            continue;
        }
        view.breach_key = Some(key);
        view.breached = view
            .ids
            .iter()
            .filter(|id| {
                // Without its description: the clocks never read it.
                tickets
                    .get_lean(id)
                    .is_some_and(|(ticket, _)| breached_now(&ticket, now, targets))
            })
            .count();
    }
}
