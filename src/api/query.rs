//! Query parameters of the list calls, and a typed builder of the search language.
//!
//! The search language (API-NOTES.md): terms separated by single spaces, combined with AND.
//! A bare word is a fuzzy match on id, subject or contact name; `field:v1,v2` matches any of
//! the values; `createDT`/`updateDT` take `<`, `>`, `:`, `<=`, `>=` with a `YYYY-MM-DD` date.
//! No value may contain a space: the builder refuses one with [`QueryError::SpaceInValue`].

use chrono::NaiveDate;

use super::error::QueryError;
use super::model::ApiDate;

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

/// The order parameter of the list calls: `created_order`, `updated_order` or `status_order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    Created(SortOrder),
    Updated(SortOrder),
    Status(SortOrder),
}

/// Parameters of list, a company's tickets and a contact's tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub created_start: Option<ApiDate>,
    pub created_end: Option<ApiDate>,
    pub updated_start: Option<ApiDate>,
    pub updated_end: Option<ApiDate>,
    /// `None`: the server's default, by id ascending.
    pub order: Option<ListOrder>,
    /// 1-based; `None` is page 1.
    pub page: Option<u32>,
    /// `None`: the client's configured page size (default 100).
    pub per_page: Option<u32>,
}

/// Which time a search sorts by (`sort_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSort {
    Created,
    Updated,
}

/// A date comparison in the search language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOp {
    Before,
    After,
    On,
    OnOrBefore,
    OnOrAfter,
}

impl DateOp {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOp::Before => "<",
            DateOp::After => ">",
            DateOp::On => ":",
            DateOp::OnOrBefore => "<=",
            DateOp::OnOrAfter => ">=",
        }
    }
}

/// Which date a date term filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Created,
    Updated,
}

/// One term of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// A bare word: fuzzy match on id, subject or contact name.
    Word(String),
    /// `field:v1,v2`.
    Field { field: String, values: Vec<String> },
    Date {
        field: DateField,
        op: DateOp,
        date: NaiveDate,
    },
}

/// A search: terms combined with AND, plus sort and paging.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    pub terms: Vec<SearchTerm>,
    pub sort_by: Option<SearchSort>,
    pub sort_order: Option<SortOrder>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl SearchQuery {
    /// Renders the `query` parameter, refusing what the server would misread.
    pub fn render(&self) -> Result<String, QueryError> {
        todo!("issue 2: render and validate the search language")
    }

    /// Parses what a user typed on the search line into terms, with the same checks.
    pub fn parse(text: &str) -> Result<SearchQuery, QueryError> {
        let _ = text;
        todo!("issue 2: parse the search language")
    }
}
