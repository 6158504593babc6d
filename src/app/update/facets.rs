//! The quick filters' keys (`F`, a facet's key or Enter, `X`): see [`crate::app::facets`]
//! for what a pick narrows and how.

use super::*;
use crate::app::facets::{FacetAction, FacetMenu, FacetValue, entries};

pub(super) fn facets(app: &mut App, action: FacetAction, out: &mut Vec<Command>) {
    match action {
        FacetAction::Open => open(app),
        FacetAction::Pick(index) => pick(app, index, out),
        FacetAction::PickSelected => {
            let selected = app.facets.as_ref().map(|menu| menu.selected);
            if let Some(index) = selected {
                pick(app, index, out);
            }
        }
        FacetAction::Clear => clear(app, out),
    }
}

/// `F`: the facets of the rows the view in front holds.
fn open(app: &mut App) {
    let view = app.current_view();
    let tickets: Vec<Ticket> = view
        .ids
        .iter()
        .filter_map(|id| app.tickets.get(id))
        .collect();
    let local = view.local.as_ref().is_some_and(LocalSort::answered);
    let menu = FacetMenu {
        entries: entries(&tickets),
        selected: 0,
        rows: view.ids.len(),
        partial: !local && view.next_page.is_some(),
    };
    app.facets = Some(menu);
}

/// Moves the highlight in the facets.
pub(super) fn move_facets(app: &mut App, delta: i64) {
    if let Some(menu) = &mut app.facets {
        let last = menu.entries.len().saturating_sub(1) as i64;
        menu.selected = (menu.selected as i64).saturating_add(delta).clamp(0, last) as usize;
    }
}

/// Narrows the view in front to the nth entry's value.
fn pick(app: &mut App, index: usize, out: &mut Vec<Command>) {
    let Some(menu) = app.facets.take() else {
        return;
    };
    let Some(entry) = menu.entries.into_iter().nth(index) else {
        return;
    };
    narrow(app, Some(entry.value), out);
}

/// `X`: the view without its quick filter.
fn clear(app: &mut App, out: &mut Vec<Command>) {
    if app.current_view().quick.is_none() {
        return;
    }
    narrow(app, None, out);
    notice(app, Note::QuickFilterCleared, false);
}

/// Sets (or clears) the view's quick filter and asks its rows again: the store's answer
/// narrowed in the app, or the server's search with one more term.
fn narrow(app: &mut App, value: Option<FacetValue>, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    let local = view.local.as_ref().is_some_and(LocalSort::answered);
    if !local {
        if !view.is_search() {
            return notice(app, Note::QuickFilterListView, true);
        }
        if let Some(FacetValue::Tag(tag)) = &value
            && value.as_ref().and_then(FacetValue::term).is_none()
        {
            return notice(app, Note::QuickFilterTagNotSearchable(tag.clone()), true);
        }
    }
    if let Some(view) = view_mut(app, which) {
        view.quick = value;
        view.selected = 0;
        view.offset = 0;
    }
    reload_all_pages(app, which, false, out);
}

/// A store view's rows narrowed by its quick filter: the tickets whose field has the value
/// (one not known is left out).
pub(super) fn narrowed(app: &App, which: ViewRef, ids: Vec<u64>) -> Vec<u64> {
    let Some(value) = view_at(app, which).and_then(|view| view.quick.clone()) else {
        return ids;
    };
    ids.into_iter()
        .filter(|id| {
            app.tickets
                .get(id)
                .is_some_and(|ticket| value.matches(&ticket) == Some(true))
        })
        .collect()
}
