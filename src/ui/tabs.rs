//! The tab line: one tab per view with its count, the search results when a search is on,
//! and the account on the right.

use ratatui::Frame;
use ratatui::layout::Rect;

use ratatui::text::{Line, Span};

use super::Ctx;
use super::theme::Role;
use super::{style, truncate, width};
use crate::app::state::View;

/// The count, and how many are past an SLA target when any is.
fn count(lang: crate::lang::Lang, view: &View) -> String {
    let count = total(view);
    if view.breached > 0 {
        let breached = view.breached.to_string();
        format!(
            "{count}{}",
            crate::words::fill(lang, crate::words::Msg::TabBreached, &[&breached])
        )
    } else {
        count
    }
}

/// The quick filter picked, as ` [status=open]`; empty without one.
fn quick(app: &Ctx, view: &View) -> String {
    let Some(value) = &view.quick else {
        return String::new();
    };
    let lang = app.lang();
    let label = crate::words::fill(
        lang,
        crate::words::Msg::TabQuickFilter,
        &[
            super::facets::facet_name(lang, value),
            &super::facets::value_label(app, value),
        ],
    );
    format!(" [{label}]")
}

fn total(view: &View) -> String {
    match view.total {
        Some(total) => total.to_string(),
        // The store's first page: how many the server holds now is not known yet.
        None if view.as_of.is_some() => "…".to_string(),
        None if view.loaded() => view.ids.len().to_string(),
        // Its first page failed (the view says why when shown): not "…", nothing is coming.
        None if view.error.is_some() && !view.in_flight() => "!".to_string(),
        None => "…".to_string(),
    }
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) {
    let lang = app.lang();
    let mut spans = Vec::new();
    for (index, view) in app.views.iter().enumerate() {
        let mut label = format!(
            " {} {} ({}){} ",
            index + 1,
            super::notice::view_name(lang, &view.spec.name),
            count(lang, view),
            quick(app, view)
        );
        // A watched view's new tickets, until it is seen.
        let new = app.watching.new_in(index);
        if new > 0 {
            label.pop();
            label.push_str(&crate::words::fill(
                lang,
                crate::words::Msg::TabNewTickets,
                &[&new.to_string()],
            ));
            label.push(' ');
        }
        let active = app.search.is_none() && index == app.active;
        let role = if active { Role::TabActive } else { Role::Tab };
        spans.push(Span::styled(label, style(app, role)));
    }
    if let Some(search) = &app.search {
        let label = format!(
            " {} ({}){} ",
            super::notice::view_name(lang, &search.view.spec.name),
            count(lang, &search.view),
            quick(app, &search.view)
        );
        spans.push(Span::styled(
            truncate(&label, 40),
            style(app, Role::TabActive),
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let total = usize::from(area.width);
    // The account is what keeps a bulk edit off the wrong server: it always shows, shortened
    // if need be, and the tabs give way to it.
    let account = fit_account(
        &app.settings.account_label,
        total.saturating_sub(used + 2),
        (total / 2).saturating_sub(1),
    );
    let tabs_room = if account.is_empty() {
        total
    } else {
        total.saturating_sub(width(&account) + 2)
    };
    let mut line = Line::from(spans);
    if used > tabs_room {
        line = clip_spans(line, tabs_room);
    }
    let buffer = frame.buffer_mut();
    buffer.set_line(area.x, area.y, &line, area.width);
    if !account.is_empty() {
        // One blank column after it, as on the right of a tab.
        let x = area.x + u16::try_from(total.saturating_sub(width(&account) + 1)).unwrap_or(0);
        buffer.set_stringn(
            x,
            area.y,
            &account,
            width(&account),
            style(app, Role::Account),
        );
    }
}

/// `work: zhangsan@example.com@host:8443` in the `free` columns beside the tabs: whole if it
/// fits, else without the login (`work: …@host:8443`); when even that does not fit it takes
/// up to `most` columns from the tabs, cut from the left so the host stays.
fn fit_account(label: &str, free: usize, most: usize) -> String {
    if width(label) <= free {
        return label.to_string();
    }
    // Only a login that is an e-mail address is elided: in `demo: admin@example.com` (no
    // host) or `work: agent@host` the part after the one `@` is not all there is to keep.
    let short = match (label.find(": "), label.rfind('@')) {
        (Some(colon), Some(at)) if label[colon + 2..at].contains('@') => {
            format!("{}…{}", &label[..colon + 2], &label[at..])
        }
        _ => label.to_string(),
    };
    let room = free.max(most);
    if width(&short) <= room {
        return short;
    }
    if room == 0 {
        return String::new();
    }
    // Keep the end (the host): drop characters from the front behind an ellipsis.
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in short.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The tabs cut to `room` columns, the last one ending in "…".
fn clip_spans(line: Line<'static>, room: usize) -> Line<'static> {
    let mut out = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let w = width(&span.content);
        if used + w <= room {
            used += w;
            out.push(span);
            continue;
        }
        let cut = truncate(&span.content, room - used);
        out.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(out)
}
