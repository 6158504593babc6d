//! The tab line: one tab per view with its count, the search results when a search is on,
//! and the account on the right.

use ratatui::Frame;
use ratatui::layout::Rect;

use ratatui::text::{Line, Span};

use super::theme::Role;
use super::{style, truncate, width};
use crate::app::App;
use crate::app::state::View;

fn count(view: &View) -> String {
    match view.total {
        Some(total) => total.to_string(),
        None if view.loaded() => view.ids.len().to_string(),
        None => "…".to_string(),
    }
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang();
    let mut spans = Vec::new();
    for (index, view) in app.views.iter().enumerate() {
        let label = format!(
            " {} {} ({}) ",
            index + 1,
            view.spec.name.label(lang),
            count(view)
        );
        let active = app.search.is_none() && index == app.active;
        let role = if active { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(label, style(app, role)));
    }
    if let Some(search) = &app.search {
        let label = format!(
            " {} ({}) ",
            search.view.spec.name.label(lang),
            count(&search.view)
        );
        spans.push(Span::styled(
            truncate(&label, 40),
            style(app, Role::TabActive),
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let account = &app.settings.account_label;
    let total = usize::from(area.width);
    if !account.is_empty() && used + width(account) + 2 <= total {
        spans.push(Span::raw(" ".repeat(total - used - width(account) - 1)));
        spans.push(Span::styled(account.clone(), style(app, Role::Account)));
    }
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &Line::from(spans), area.width);
}
