//! The open ticket: opening it over the list or in the preview beside it, scrolling it,
//! stepping to the next ticket (`]`/`[`), `#` to a ticket by number, and going back.

use super::*;

/// Scrolls the open ticket by `delta` lines (clamped to its length as last drawn).
pub(crate) fn scroll_detail(app: &mut App, delta: i64) {
    let limit = app.geometry.detail;
    if let Some(detail) = &mut app.detail {
        detail.scroll = crate::app::layout::scroll_by(detail.scroll, delta, limit);
    }
}

pub(super) fn open_detail(app: &mut App, out: &mut Vec<Command>) {
    let Some(ticket_id) = app.current_view().selected_id() else {
        return;
    };
    open_ticket(app, ticket_id, out);
}

/// Opens a ticket with the keyboard in it: over the list, or in the preview beside it
/// (which may show it already: it then keeps its scroll). A show reads it afresh.
pub(super) fn open_ticket(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    let scroll = app
        .detail
        .as_ref()
        .filter(|d| d.ticket_id == ticket_id)
        .map_or(0, |d| d.scroll);
    crate::app::composer::set_detail(app, ticket_id, true, true, scroll, out);
    detail_lookups(app, out);
}

/// On a wide screen, the preview beside the list shows the selected ticket while the list
/// has the keyboard; on a narrow one there is no preview (a detail open there has the
/// keyboard). Reads the ticket only when the store lacks it in full and no show-many is on
/// the way, so holding `j` does not send a call per row. Returns whether it changed.
pub(super) fn sync_preview(app: &mut App, out: &mut Vec<Command>) -> bool {
    let focused = app.detail.as_ref().is_some_and(|d| d.focused);
    if focused || app.compose.composer.is_some() || app.compose.new_ticket.is_some() {
        return false;
    }
    if !app.detail_beside() {
        // A preview left from a wider screen: the list keeps the keyboard.
        return app.detail.take().is_some();
    }
    let Some(ticket_id) = app.current_view().selected_id() else {
        return app.detail.take().is_some();
    };
    if app
        .detail
        .as_ref()
        .is_some_and(|d| d.ticket_id == ticket_id)
    {
        return false;
    }
    let read = !app.full.contains(&ticket_id)
        && !app.enriching.values().any(|ids| ids.contains(&ticket_id));
    crate::app::composer::set_detail(app, ticket_id, read, false, 0, out);
    detail_lookups(app, out);
    true
}

/// `]` / `[` in an open ticket: the next or previous ticket of the view, the list's
/// selection moving along (fetching pages as moving the list does). Past the last loaded
/// row, the next page is fetched and the step is taken when it arrives.
/// After a status change, a macro or a reply sent from the ticket view: the view's next
/// ticket opens (`move_on`, on by default), so a queue is worked top to bottom.
pub(crate) fn move_on(app: &mut App, out: &mut Vec<Command>) {
    if app.settings.move_on && app.detail.is_some() {
        step_ticket(app, true, out);
    }
}

pub(super) fn step_ticket(app: &mut App, forward: bool, out: &mut Vec<Command>) {
    let Some(current) = app.detail.as_ref().map(|d| d.ticket_id) else {
        return;
    };
    let which = view_ref(app);
    let Some(view) = view_at(app, which) else {
        return;
    };
    let target = match view.ids.iter().position(|id| *id == current) {
        Some(index) if forward => index + 1,
        Some(index) => match index.checked_sub(1) {
            Some(index) => index,
            None => return,
        },
        // A ticket opened by number that the view does not hold: the selected row's.
        None => view.selected,
    };
    if let Some(&ticket_id) = view.ids.get(target) {
        select_index(app, which, target, out);
        open_ticket(app, ticket_id, out);
        return;
    }
    let next_page = view.next_page.filter(|_| forward && view.loaded());
    let Some(page) = next_page else {
        return;
    };
    let idle = !view.in_flight();
    if let Some(detail) = &mut app.detail {
        detail.step_pending = true;
    }
    if idle {
        out.extend(fetch_page(app, which, page));
    }
}

/// A page of the view shown arrived: a `]` waiting for it is taken now.
pub(super) fn resume_step(app: &mut App, out: &mut Vec<Command>) {
    let Some(detail) = app.detail.as_mut().filter(|d| d.step_pending) else {
        return;
    };
    detail.step_pending = false;
    step_ticket(app, true, out);
}

/// `#` then a number: that ticket, selected in the view if the view holds it, else read
/// by id.
pub(super) fn go_to_ticket(app: &mut App, ticket_id: u64, out: &mut Vec<Command>) {
    let which = view_ref(app);
    let index = view_at(app, which).and_then(|v| v.ids.iter().position(|id| *id == ticket_id));
    if let Some(index) = index {
        select_index(app, which, index, out);
    }
    open_ticket(app, ticket_id, out);
}

/// A ticket number as typed in the `#` prompt (`1234` or `#1234`); `None` when it is not
/// one.
pub fn ticket_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text.strip_prefix('#').unwrap_or(text).trim();
    text.parse::<u64>().ok().filter(|id| *id > 0)
}

pub(super) fn back(app: &mut App) {
    match app.pane() {
        Pane::Help | Pane::StatusMenu => app.overlay = None,
        Pane::CopyMenu => app.copy_menu = None,
        Pane::MacroMenu => app.macro_menu = None,
        Pane::Facets => app.facets = None,
        Pane::Prompt => {
            app.prompt = None;
            ensure_visible(app);
        }
        Pane::Detail => {
            if app.detail_beside() {
                // The preview stays beside the list and follows the selection again.
                if let Some(detail) = &mut app.detail {
                    detail.focused = false;
                    detail.step_pending = false;
                }
            } else {
                app.detail = None;
            }
        }
        Pane::Composer
        | Pane::NewTicket
        | Pane::Bulk
        | Pane::BulkText
        | Pane::BulkPreview
        | Pane::BulkRun
        | Pane::BulkResult
        | Pane::BulkHistory
        | Pane::ResumeOffer
        | Pane::SignIn => {}
        Pane::List => {
            // Leaving search results: back to the tab and the ticket the user came from.
            if let Some(search) = app.search.take() {
                let (tab, selected_id) = search.return_to;
                app.active = tab.min(app.views.len().saturating_sub(1));
                if let Some(selected_id) = selected_id {
                    let view = &mut app.views[app.active];
                    if let Some(index) = view.ids.iter().position(|id| *id == selected_id) {
                        view.selected = index;
                    }
                }
                ensure_visible(app);
            }
        }
    }
}

/// The ticket an action applies to: the one in the detail, else the selected row.
pub(super) fn target_ticket(app: &App) -> Option<u64> {
    match &app.detail {
        Some(detail) => Some(detail.ticket_id),
        None => app.current_view().selected_id(),
    }
}
