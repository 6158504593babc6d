//! A search as typed terms (combined with AND) with its sort and paging, and the builder
//! that checks each term as it is added.

use chrono::NaiveDate;

use super::SortOrder;
use crate::api::error::QueryError;
use crate::api::model::{Priority, TicketStatus};

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
    pub(crate) fn as_str(self) -> &'static str {
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
    /// An empty search (no terms: every ticket the account may see).
    pub fn new() -> Self {
        Self::default()
    }

    /// Renders the `query` parameter, refusing what the server would misread.
    pub fn render(&self) -> Result<String, QueryError> {
        let terms = self
            .terms
            .iter()
            .map(SearchTerm::render)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(terms.join(" "))
    }

    /// The search's query parameters as `(name, value)` pairs: `query`, then `sort_by`,
    /// `sort_order`, `page` and `per_page` when set.
    pub fn params(&self) -> Result<Vec<(&'static str, String)>, QueryError> {
        let mut params = vec![("query", self.render()?)];
        if let Some(sort) = self.sort_by {
            params.push(("sort_by", sort.as_str().to_owned()));
        }
        if let Some(order) = self.sort_order {
            params.push(("sort_order", order.as_str().to_owned()));
        }
        if let Some(page) = self.page {
            params.push(("page", page.to_string()));
        }
        if let Some(per_page) = self.per_page {
            params.push(("per_page", per_page.to_string()));
        }
        Ok(params)
    }

    /// Adds a term after checking it renders.
    pub(crate) fn term(mut self, term: SearchTerm) -> Result<Self, QueryError> {
        term.render()?;
        self.terms.push(term);
        Ok(self)
    }

    /// A bare word: fuzzy match on ticket id, subject or contact name.
    pub fn word(self, word: impl Into<String>) -> Result<Self, QueryError> {
        self.term(SearchTerm::Word(word.into()))
    }

    /// `field:v1,v2`: the field holds any of the values (a substring match for custom
    /// fields).
    pub fn field<I, V>(self, field: impl Into<String>, values: I) -> Result<Self, QueryError>
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        self.term(SearchTerm::Field {
            field: field.into(),
            values: values.into_iter().map(Into::into).collect(),
        })
    }

    /// `ticketStatus:c1,c2`. An empty set adds nothing.
    pub fn status(self, statuses: impl IntoIterator<Item = TicketStatus>) -> Self {
        self.codes("ticketStatus", statuses.into_iter().map(TicketStatus::code))
    }

    /// `priorityLevel:c1,c2`. An empty set adds nothing.
    pub fn priority(self, priorities: impl IntoIterator<Item = Priority>) -> Self {
        self.codes("priorityLevel", priorities.into_iter().map(Priority::code))
    }

    /// `servicerUserId:id,...`: assigned to any of these agents.
    pub fn assignee(self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.codes("servicerUserId", ids.into_iter().map(|id| id as i64))
    }

    /// `servicerGroupId:id,...`: assigned to any of these groups.
    pub fn group(self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.codes("servicerGroupId", ids.into_iter().map(|id| id as i64))
    }

    fn codes(mut self, field: &str, codes: impl Iterator<Item = i64>) -> Self {
        let values: Vec<String> = codes.map(|code| code.to_string()).collect();
        if !values.is_empty() {
            // Numbers and a fixed field name: always valid, so no check is needed.
            self.terms.push(SearchTerm::Field {
                field: field.to_owned(),
                values,
            });
        }
        self
    }

    /// `createDT<op>date`.
    pub fn created(mut self, op: DateOp, date: NaiveDate) -> Self {
        self.terms.push(SearchTerm::Date {
            field: DateField::Created,
            op,
            date,
        });
        self
    }

    /// `updateDT<op>date`.
    pub fn updated(mut self, op: DateOp, date: NaiveDate) -> Self {
        self.terms.push(SearchTerm::Date {
            field: DateField::Updated,
            op,
            date,
        });
        self
    }

    pub fn sort(mut self, by: SearchSort, order: SortOrder) -> Self {
        self.sort_by = Some(by);
        self.sort_order = Some(order);
        self
    }

    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }
}

impl SearchSort {
    /// The `sort_by` value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SearchSort::Created => "createDT",
            SearchSort::Updated => "updateDT",
        }
    }
}

impl DateField {
    /// The field name in the search language.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DateField::Created => "createDT",
            DateField::Updated => "updateDT",
        }
    }
}
