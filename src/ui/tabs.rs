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

/// One view's tab, in the forms it takes as room runs out.
struct Tab {
    number: usize,
    name: String,
    count: String,
    breached: usize,
    quick: String,
    new: usize,
    active: bool,
}

/// How much of an inactive tab shows: everything; without its quick filter; its marks
/// short (`!3` past the SLA, `+2` new); without its count; its number and marks only.
const LEVELS: usize = 5;

impl Tab {
    fn text(&self, lang: crate::lang::Lang, level: usize) -> String {
        let level = if self.active { 0 } else { level };
        let marks = || {
            let mut marks = String::new();
            if self.breached > 0 {
                marks.push_str(&format!(" !{}", self.breached));
            }
            if self.new > 0 {
                marks.push_str(&format!(" +{}", self.new));
            }
            marks
        };
        // "+2 new", ", 3 breached": words for a count that is there, nothing for none.
        let words = |n: usize, msg: crate::words::Msg| {
            if n > 0 {
                crate::words::fill(lang, msg, &[&n.to_string()])
            } else {
                String::new()
            }
        };
        let new_words = || words(self.new, crate::words::Msg::TabNewTickets);
        let breached_words = || words(self.breached, crate::words::Msg::TabBreached);
        let (number, name, count) = (self.number, &self.name, &self.count);
        match level {
            0 => format!(
                " {number} {name} ({count}{}){}{} ",
                breached_words(),
                self.quick,
                new_words()
            ),
            1 => format!(
                " {number} {name} ({count}{}){} ",
                breached_words(),
                new_words()
            ),
            2 => format!(" {number} {name} ({count}){} ", marks()),
            3 => format!(" {number} {name}{} ", marks()),
            _ => format!(" {number}{} ", marks()),
        }
    }
}

/// The form of each tab that fits `room`: the tabs farthest from the active one give way
/// first, one step at a time, so that every view keeps its number (and what is new or
/// late in it) on an 80-column screen; the active tab stays whole. While a search is shown
/// no tab is active: every tab gives way, the leftmost first (farthest from the search's
/// label at the right). When even the numbers do not fit, the smallest forms are answered
/// and the line is cut.
fn fit_tabs(lang: crate::lang::Lang, tabs: &[Tab], room: usize) -> Vec<String> {
    let mut levels = vec![0; tabs.len()];
    // No tab active (a search is shown): its label stands right of the last tab.
    let active = tabs.iter().position(|t| t.active).unwrap_or(tabs.len());
    // Farthest first; to the right before the left at the same distance.
    let mut order: Vec<usize> = (0..tabs.len()).filter(|&i| i != active).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(i.abs_diff(active)), i < active));
    let texts = |levels: &[usize]| -> Vec<String> {
        tabs.iter()
            .zip(levels)
            .map(|(tab, level)| tab.text(lang, *level))
            .collect()
    };
    let used = |texts: &[String]| texts.iter().map(|t| width(t)).sum::<usize>();
    let mut shown = texts(&levels);
    for level in 1..LEVELS {
        for &index in &order {
            if used(&shown) <= room {
                return shown;
            }
            levels[index] = level;
            shown[index] = tabs[index].text(lang, level);
        }
    }
    shown
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) {
    let lang = app.lang();
    let tabs: Vec<Tab> = app
        .views
        .iter()
        .enumerate()
        .map(|(index, view)| Tab {
            number: index + 1,
            name: super::notice::view_name(lang, &view.spec.name).to_string(),
            count: total(view),
            breached: view.breached,
            quick: quick(app, view),
            // A watched view's new tickets, until it is seen.
            new: app.watching.new_in(index),
            active: app.search.is_none() && index == app.active,
        })
        .collect();
    let full: Vec<String> = tabs.iter().map(|tab| tab.text(lang, 0)).collect();
    let search = app.search.as_ref().map(|search| {
        let label = format!(
            " {} ({}){} ",
            super::notice::view_name(lang, &search.view.spec.name),
            count(lang, &search.view),
            quick(app, &search.view)
        );
        truncate(&label, 40)
    });
    let search_width = search.as_deref().map_or(0, width);
    let used: usize = full.iter().map(|t| width(t)).sum::<usize>() + search_width;
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
    let shown = if used > tabs_room {
        fit_tabs(lang, &tabs, tabs_room.saturating_sub(search_width))
    } else {
        full
    };
    let mut spans: Vec<Span<'static>> = shown
        .into_iter()
        .zip(&tabs)
        .map(|(text, tab)| {
            let role = if tab.active {
                Role::TabActive
            } else {
                Role::Tab
            };
            Span::styled(text, style(app, role))
        })
        .collect();
    if let Some(search) = search {
        spans.push(Span::styled(search, style(app, Role::TabActive)));
    }
    let mut line = Line::from(spans);
    if line.width() > tabs_room {
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
