//! The list's row cache: each row's text built once per change of its ticket, not per
//! frame, so that a `j` costs little.

use std::collections::HashMap;
use std::sync::Arc;

use ratatui::text::Line;

/// What a cached row was built from, besides the ticket itself: if any of it differs now,
/// the row is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowInputs {
    pub(crate) generation: u64,
    /// The contact's and assignee's names as looked up when the row was built.
    pub(crate) contact: Option<Arc<str>>,
    pub(crate) assignee: Option<Arc<str>>,
    /// Minutes since the ticket's update when built ("3m ago" moves with the clock).
    pub(crate) age_minutes: Option<i64>,
    /// The minute it was built at, when the row shows a time counted from now (an age,
    /// an SLA clock).
    pub(crate) minute: Option<i64>,
}

/// What the empty columns were found for: when any of it moves, they are found again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmptyKey {
    pub(crate) columns: Vec<crate::app::columns::ListColumn>,
    pub(crate) rows: usize,
    pub(crate) ends: (Option<u64>, Option<u64>),
    pub(crate) tickets: u64,
    pub(crate) fields: bool,
    pub(crate) minute: i64,
}

/// One row's cells (everything right of the gutter), built once.
#[derive(Debug, Clone)]
pub(crate) struct CachedRow {
    pub(crate) inputs: RowInputs,
    pub(crate) line: Line<'static>,
}

/// Row text by ticket id for one column layout; a new layout (width, language, colour,
/// column set) empties it. Owned by the loop beside the theme ([`super::Ui`]) and written
/// while drawing: `App` holds no view state. A row is stale when its ticket's generation in
/// the store (bumped by a real change only) or a name or age it shows moved.
#[derive(Debug, Clone, Default)]
pub struct RowCache {
    /// The layout the rows were built for, as a key the list defines.
    pub(crate) layout: Vec<(crate::app::columns::ListColumn, usize)>,
    /// Language, colour, and whether the field definitions are in (custom field labels).
    pub(crate) layout_flags: (u8, bool, bool),
    pub(crate) rows: HashMap<u64, CachedRow>,
    /// Contact and agent names, shared by every row that shows them.
    pub(crate) names: Interner,
    /// Which of a view's chosen columns are blank on every loaded row, and what that was
    /// found for.
    pub(crate) empty: Option<(EmptyKey, Vec<bool>)>,
    /// How many rows were built (misses), for tests and benchmarks.
    pub(crate) builds: u64,
}

/// More rows than any screen shows many times over; past it the cache starts again.
pub(crate) const ROW_CACHE_LIMIT: usize = 8192;

impl RowCache {
    /// Rows built so far (cache misses).
    pub fn builds(&self) -> u64 {
        self.builds
    }
}

/// Shared strings: one `Arc<str>` per distinct text (names repeat over thousands of rows).
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    strings: std::collections::HashSet<Arc<str>>,
}

impl Interner {
    /// Remembers `text` and returns its shared copy.
    pub(crate) fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.strings.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.strings.insert(shared.clone());
        shared
    }
}
