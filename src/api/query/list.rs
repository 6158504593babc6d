//! The parameters of the list calls (list, a company's tickets, a contact's tickets).

use super::SortOrder;
use crate::api::model::{ApiDate, DATE_FORMAT};

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

impl ListQuery {
    /// The list call's query parameters as `(name, value)` pairs, dates as
    /// `YYYY-MM-DD HH:MM:SS`. `per_page` appears only when set (the client adds its own
    /// default).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        for (name, date) in [
            ("created_start", self.created_start),
            ("created_end", self.created_end),
            ("updated_start", self.updated_start),
            ("updated_end", self.updated_end),
        ] {
            if let Some(date) = date {
                params.push((name, date.format(DATE_FORMAT).to_string()));
            }
        }
        if let Some(order) = self.order {
            let (name, order) = match order {
                ListOrder::Created(order) => ("created_order", order),
                ListOrder::Updated(order) => ("updated_order", order),
                ListOrder::Status(order) => ("status_order", order),
            };
            params.push((name, order.as_str().to_owned()));
        }
        if let Some(page) = self.page {
            params.push(("page", page.to_string()));
        }
        if let Some(per_page) = self.per_page {
            params.push(("per_page", per_page.to_string()));
        }
        params
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// Created within `start..=end` (either bound optional).
    pub fn created(mut self, start: Option<ApiDate>, end: Option<ApiDate>) -> Self {
        self.created_start = start;
        self.created_end = end;
        self
    }

    /// Updated within `start..=end` (either bound optional).
    pub fn updated(mut self, start: Option<ApiDate>, end: Option<ApiDate>) -> Self {
        self.updated_start = start;
        self.updated_end = end;
        self
    }

    pub fn order(mut self, order: ListOrder) -> Self {
        self.order = Some(order);
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
