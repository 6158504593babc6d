//! Named views (`views = [...]` of a profile): a search or a list with filters, checked as
//! they are read, since a typo there would silently change what a tab shows.

use serde::Deserialize;

/// A named view: a search, or a list with filters. Shown as a tab by the console.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "ViewFile")]
pub struct ViewDef {
    pub(crate) name: String,
    pub kind: ViewKind,
    /// The list's columns in order, by name (`id`, `subject`, `sla`, a custom field's
    /// name); `None`: the default set.
    pub columns: Option<Vec<String>>,
    /// `watch = "bell" | "desktop" | "both"`: new tickets there are told of (with
    /// auto-refresh). Off when absent.
    pub watch: Option<WatchKind>,
}

/// How a watched view tells of new tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WatchKind {
    /// The terminal's bell (BEL).
    Bell,
    /// A desktop notification through the terminal (OSC 9 and OSC 777).
    Desktop,
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewKind {
    /// A query in the API's search language, as written (the console parses it).
    Search(String),
    /// The list call (admin) with date filters and an order.
    List(crate::api::ListQuery),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewFile {
    name: String,
    search: Option<String>,
    list: Option<ListFilterFile>,
    watch: Option<WatchKind>,
    columns: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ListFilterFile {
    created_start: Option<String>,
    created_end: Option<String>,
    updated_start: Option<String>,
    updated_end: Option<String>,
    order: Option<String>,
}

impl TryFrom<ViewFile> for ViewDef {
    type Error = String;

    fn try_from(view: ViewFile) -> Result<Self, String> {
        let name = view.name.trim().to_string();
        if name.is_empty() {
            return Err("a view needs a non-empty `name`".into());
        }
        let kind = match (view.search, view.list) {
            (Some(search), None) => {
                if search.trim().is_empty() {
                    return Err(format!("view {name:?}: `search` is empty"));
                }
                ViewKind::Search(search)
            }
            (None, Some(list)) => ViewKind::List(list_query(&name, list)?),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "view {name:?}: expected either `search` or `list`, not both"
                ));
            }
            (None, None) => {
                return Err(format!(
                    "view {name:?}: expected `search = \"...\"` or `list = {{ ... }}`"
                ));
            }
        };
        let columns = view
            .columns
            .map(|columns| checked_columns(&name, columns))
            .transpose()?;
        Ok(ViewDef {
            name,
            kind,
            columns,
            watch: view.watch,
        })
    }
}

/// A view's columns: at least one, none blank, none twice.
fn checked_columns(view: &str, columns: Vec<String>) -> Result<Vec<String>, String> {
    if columns.is_empty() {
        return Err(format!(
            "view {view:?}: `columns` is empty (leave it out for the default columns)"
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(columns.len());
    for column in columns {
        let column = column.trim().to_string();
        if column.is_empty() {
            return Err(format!("view {view:?}: `columns` holds a blank name"));
        }
        if !seen.insert(column.clone()) {
            return Err(format!("view {view:?}: column {column:?} is listed twice"));
        }
        out.push(column);
    }
    Ok(out)
}

fn list_query(view: &str, list: ListFilterFile) -> Result<crate::api::ListQuery, String> {
    use crate::api::{ListOrder, SortOrder};
    let date = |key: &str, text: Option<String>, end_of_day: bool| {
        text.map(|text| {
            parse_list_date(&text, end_of_day).ok_or_else(|| {
                format!(
                    "view {view:?}: `{key}` expected \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM:SS\", found {text:?}"
                )
            })
        })
        .transpose()
    };
    let order = match list.order.as_deref() {
        None => None,
        Some(text) => Some(match text {
            "created_asc" => ListOrder::Created(SortOrder::Asc),
            "created_desc" => ListOrder::Created(SortOrder::Desc),
            "updated_asc" => ListOrder::Updated(SortOrder::Asc),
            "updated_desc" => ListOrder::Updated(SortOrder::Desc),
            "status_asc" => ListOrder::Status(SortOrder::Asc),
            "status_desc" => ListOrder::Status(SortOrder::Desc),
            other => {
                return Err(format!(
                    "view {view:?}: `order` expected one of created_asc, created_desc, \
                     updated_asc, updated_desc, status_asc, status_desc; found {other:?}"
                ));
            }
        }),
    };
    Ok(crate::api::ListQuery {
        created_start: date("created_start", list.created_start, false)?,
        created_end: date("created_end", list.created_end, true)?,
        updated_start: date("updated_start", list.updated_start, false)?,
        updated_end: date("updated_end", list.updated_end, true)?,
        order,
        page: None,
        per_page: None,
    })
}

/// A bare date means the start of the day for a start bound and its end for an end bound.
fn parse_list_date(text: &str, end_of_day: bool) -> Option<crate::api::ApiDate> {
    let text = text.trim();
    if let Ok(date_time) = chrono::NaiveDateTime::parse_from_str(text, crate::api::DATE_FORMAT) {
        return Some(date_time);
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    if end_of_day {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use super::super::parse;
    use super::*;

    #[test]
    fn a_view_needs_search_or_list() {
        let text = "[profiles.a]\nviews = [{ name = \"x\" }]\n";
        let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
        assert!(err.contains("c.toml:2:"), "{err}");
        assert!(err.contains("expected `search"), "{err}");
    }

    #[test]
    fn a_view_chooses_its_columns_in_order() {
        let text = "[profiles.a]\nviews = [{ name = \"x\", search = \"ticketStatus:1\", columns = [\"id\", \"sla\", \"订单号\", \"subject\"] }]\n";
        let (config, warnings) = parse(Path::new("c.toml"), text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            config.profiles["a"].views[0].columns.as_deref(),
            Some(
                &[
                    "id".to_string(),
                    "sla".into(),
                    "订单号".into(),
                    "subject".into()
                ][..]
            )
        );
        let twice = "[profiles.a]\nviews = [{ name = \"x\", search = \"a\", columns = [\"id\", \"id\"] }]\n";
        let err = parse(Path::new("c.toml"), twice).unwrap_err().to_string();
        assert!(err.contains("listed twice"), "{err}");
    }

    #[test]
    fn list_view_dates_and_order() {
        let text = "[profiles.a]\nviews = [{ name = \"x\", list = { updated_start = \"2026-01-01\", updated_end = \"2026-01-31\", order = \"updated_desc\" } }]\n";
        let (config, _) = parse(Path::new("c.toml"), text).unwrap();
        let ViewKind::List(query) = &config.profiles["a"].views[0].kind else {
            panic!("not a list view");
        };
        assert_eq!(
            query.updated_end.unwrap().to_string(),
            "2026-01-31 23:59:59"
        );
        assert_eq!(
            query.order,
            Some(crate::api::ListOrder::Updated(crate::api::SortOrder::Desc))
        );
    }
}
