//! The worker's request slots, in two lanes: the user's requests (a page of the view shown, a
//! search, a show, a write) and background work (name lookups). Lookups are many (one call a
//! contact) and the user waits on none of them, so:
//!
//! - a user request takes any free slot, and a slot freed while user requests wait goes to
//!   them first;
//! - background work never holds the last slot (one is always kept for the user), and starts
//!   only when no user request waits;
//! - background waiters go newest first: the app asks for the rows on screen last, after
//!   any prefetch, and a quick scroll makes older asks the least useful;
//! - after a 429 the background lane starts nothing until the server's `Retry-After` has
//!   passed, so the budget the server leaves goes to the user's requests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    User,
    Background,
}

#[derive(Clone)]
pub(crate) struct Lanes {
    inner: Arc<Inner>,
}

struct Inner {
    total: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    free: usize,
    background_running: usize,
    user_waiting: VecDeque<oneshot::Sender<()>>,
    /// Newest last; taken from the back.
    background_waiting: Vec<oneshot::Sender<()>>,
    paused_until: Option<Instant>,
}

/// A slot held; dropping it frees the slot for the next waiter.
pub(crate) struct Slot {
    inner: Arc<Inner>,
    lane: Lane,
}

impl Lanes {
    pub(crate) fn new(total: usize) -> Lanes {
        let total = total.max(1);
        Lanes {
            inner: Arc::new(Inner {
                total,
                state: Mutex::new(State {
                    free: total,
                    ..State::default()
                }),
            }),
        }
    }

    /// Waits for a slot in `lane`.
    pub(crate) async fn acquire(&self, lane: Lane) -> Slot {
        loop {
            if lane == Lane::Background
                && let Some(wait) = self.pause_left()
            {
                tokio::time::sleep(wait).await;
                continue;
            }
            let rx = {
                let mut state = self.inner.lock();
                if self.inner.may_start(&state, lane) {
                    state.free -= 1;
                    if lane == Lane::Background {
                        state.background_running += 1;
                    }
                    return self.slot(lane);
                }
                let (tx, rx) = oneshot::channel();
                match lane {
                    Lane::User => state.user_waiting.push_back(tx),
                    Lane::Background => state.background_waiting.push(tx),
                }
                rx
            };
            // Handed a slot by `release` (already counted as taken for this lane).
            if rx.await.is_ok() {
                return self.slot(lane);
            }
        }
    }

    /// Holds back the background lane for `delay` (the server said 429).
    pub(crate) fn pause_background(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut state = self.inner.lock();
        if state.paused_until.is_none_or(|old| old < until) {
            state.paused_until = Some(until);
            drop(state);
            let lanes = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(until).await;
                lanes.wake_after_pause();
            });
        }
    }

    fn pause_left(&self) -> Option<Duration> {
        let state = self.inner.lock();
        let until = state.paused_until?;
        let now = Instant::now();
        (until > now).then(|| until - now)
    }

    fn slot(&self, lane: Lane) -> Slot {
        Slot {
            inner: self.inner.clone(),
            lane,
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The background lane's most: all slots but one (one slot in all: that one).
    fn background_cap(&self) -> usize {
        self.total.saturating_sub(1).max(1)
    }

    fn may_start(&self, state: &State, lane: Lane) -> bool {
        if state.free == 0 {
            return false;
        }
        match lane {
            Lane::User => true,
            Lane::Background => {
                state.user_waiting.is_empty()
                    && state.background_running < self.background_cap()
                    && state
                        .paused_until
                        .is_none_or(|until| until <= Instant::now())
            }
        }
    }

    /// A slot came free: hand it to a waiting user request, else to the newest background
    /// waiter the rules allow, else keep it.
    fn release(&self, lane: Lane) {
        let mut state = self.lock();
        state.free += 1;
        if lane == Lane::Background {
            state.background_running -= 1;
        }
        while let Some(tx) = state.user_waiting.pop_front() {
            if tx.send(()).is_ok() {
                state.free -= 1;
                return;
            }
        }
        while self.may_start(&state, Lane::Background) {
            let Some(tx) = state.background_waiting.pop() else {
                return;
            };
            if tx.send(()).is_ok() {
                state.free -= 1;
                state.background_running += 1;
                return;
            }
        }
        // Paused: the timer `pause_background` started wakes the waiters when it ends.
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.inner.release(self.lane);
    }
}

impl Lanes {
    /// Background waiters parked while the lane was paused get their slots once the pause is
    /// over.
    fn wake_after_pause(&self) {
        let mut state = self.inner.lock();
        while self.inner.may_start(&state, Lane::Background) {
            let Some(tx) = state.background_waiting.pop() else {
                return;
            };
            if tx.send(()).is_ok() {
                state.free -= 1;
                state.background_running += 1;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_work_never_takes_the_last_slot() {
        let lanes = Lanes::new(4);
        let held: Vec<Slot> = vec![
            lanes.acquire(Lane::Background).await,
            lanes.acquire(Lane::Background).await,
            lanes.acquire(Lane::Background).await,
        ];
        let fourth =
            tokio::time::timeout(Duration::from_millis(20), lanes.acquire(Lane::Background));
        assert!(fourth.await.is_err(), "the last slot is the user's");
        let user = tokio::time::timeout(Duration::from_millis(20), lanes.acquire(Lane::User));
        assert!(user.await.is_ok());
        drop(held);
    }

    #[tokio::test]
    async fn a_freed_slot_goes_to_the_user_first_then_to_the_newest_background_waiter() {
        let lanes = Lanes::new(1);
        let first = lanes.acquire(Lane::Background).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, lane) in [
            ("old lookup", Lane::Background),
            ("new lookup", Lane::Background),
            ("search", Lane::User),
        ] {
            let (lanes, order) = (lanes.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = lanes.acquire(lane).await;
                order.lock().unwrap().push(name);
            }));
            // Each is parked before the next asks.
            tokio::task::yield_now().await;
        }
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            ["search", "new lookup", "old lookup"]
        );
    }

    #[tokio::test]
    async fn a_pause_holds_background_work_but_not_the_user() {
        let lanes = Lanes::new(4);
        lanes.pause_background(Duration::from_millis(300));
        let user = tokio::time::timeout(Duration::from_millis(50), lanes.acquire(Lane::User));
        assert!(user.await.is_ok());
        let waiter = tokio::spawn({
            let lanes = lanes.clone();
            async move {
                let _slot = lanes.acquire(Lane::Background).await;
            }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "held while paused");
        let done = tokio::time::timeout(Duration::from_secs(5), waiter).await;
        assert!(done.is_ok(), "let go once the pause is over");
    }
}
