//! Query parameters of the list calls, and a typed builder of the search language.
//!
//! The search language (API-NOTES.md): terms separated by single spaces, combined with AND.
//! A bare word is a fuzzy match on id, subject or contact name; `field:v1,v2` matches any of
//! the values; `createDT`/`updateDT` take `<`, `>`, `:`, `<=`, `>=` with a `YYYY-MM-DD` date.
//! No value may contain a space: the builder refuses one with [`QueryError::SpaceInValue`].
//!
//! - `list.rs`: the parameters of the list calls;
//! - `search.rs`: a search as typed terms, and its builder;
//! - `eval.rs`: a search evaluated locally over tickets held, in three values;
//! - `language.rs`: the search language itself: rendering and parsing terms, the checks on
//!   values, and the fields and values the search line completes.

mod eval;
mod language;
mod list;
mod search;

#[cfg(doc)]
use super::error::QueryError;

pub use self::eval::{Known, Match, QueryLookups};
pub use self::language::{SEARCH_FIELDS, enum_values};
pub use self::list::{ListOrder, ListQuery};
pub use self::search::{DateField, DateOp, SearchQuery, SearchSort, SearchTerm};

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }
}
