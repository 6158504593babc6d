//! The time and id of each bulk run the console plans, made without a clock or randomness
//! inside `update`: the time is the last tick's, the id's suffix comes from a seed the
//! console draws at start (outside `update`) plus a count of the plans made.

use chrono::{Duration, NaiveDateTime};

use crate::api::SERVER_OFFSET_HOURS;
use crate::bulk::RunStamp;

/// Where run ids come from. The default (seed 0) is for tests; the console seeds it at
/// random, so that two consoles planning in the same second do not share a run directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RunIds {
    seed: u64,
    made: u64,
}

impl RunIds {
    pub(crate) fn seeded(seed: u64) -> RunIds {
        RunIds { seed, made: 0 }
    }

    /// The stamp of the next plan, made at `server_now` (the app's clock, in the server's
    /// zone). Counting the plans keeps two planned in one second apart.
    pub(crate) fn next(&mut self, server_now: NaiveDateTime) -> RunStamp {
        let created = (server_now - Duration::hours(SERVER_OFFSET_HOURS)).and_utc();
        // Only the low 16 bits are shown: the id keeps its `…-a3f9` form.
        let suffix = self.seed.wrapping_add(self.made) as u16;
        self.made += 1;
        RunStamp::at(created, suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_clock_give_the_same_ids_and_each_plan_its_own() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(12, 15, 0))
            .unwrap_or_default();
        let mut a = RunIds::seeded(0xa3f9);
        let mut b = RunIds::seeded(0xa3f9);
        let first = a.next(now);
        assert_eq!(first, b.next(now));
        assert_eq!(first.run_id, "20261129-041500-a3f9");
        assert_ne!(a.next(now).run_id, first.run_id);
        assert_ne!(RunIds::seeded(7).next(now).run_id, first.run_id);
    }
}
