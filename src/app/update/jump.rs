//! `G`'s deep jump: every page up to the last asked for, a few at a time, and put in place
//! in order; kept apart from ordinary paging because it waits for pages out of order.

use super::*;

/// `G` in a list: to the last row loaded; when the total says more pages follow than the
/// next, every page up to the last is asked for, several at a time (a deep jump), and the
/// selection goes to the last row once they are in.
pub(super) fn bottom(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    if app.pane() == Pane::List
        && let Some(view) = view_at(app, which)
        && view.loaded()
        && !view.in_flight()
        && view.pages_known()
        && let (Some(next), Some(total)) = (view.next_page, view.total)
        && let Some(&per_page) = view.page_lens.first()
        && per_page > 0
    {
        // Page 1's size is the server's page size, whatever was asked.
        let last = u32::try_from(total.div_ceil(per_page as u64)).unwrap_or(u32::MAX);
        if last > next
            && let Some(view) = view_mut(app, which)
        {
            view.jump = Some(Jump {
                next_append: next,
                next_ask: next,
                last,
                ..Jump::default()
            });
            ask_jump_pages(app, which, out);
        }
    }
    move_by(app, i64::MAX / 2, out);
}

/// Keeps `Settings::page_concurrency` pages of a deep jump in flight.
pub(super) fn ask_jump_pages(app: &mut App, which: ViewRef, out: &mut Vec<Command>) {
    let per_page = app.settings.per_page;
    let most = app.settings.page_concurrency.max(1);
    loop {
        let Some(view) = view_at(app, which) else {
            return;
        };
        let Some(jump) = &view.jump else {
            return;
        };
        if jump.requests.len() >= most || jump.next_ask > jump.last {
            return;
        }
        let page = jump.next_ask;
        let id = app.request_id();
        let Some(view) = view_mut(app, which) else {
            return;
        };
        let command = page_command(view, id, page, per_page);
        let Some(jump) = &mut view.jump else {
            return;
        };
        jump.next_ask += 1;
        if let Some(command) = command {
            jump.requests.insert(id, page);
            out.push(command);
        }
    }
}

/// A page of a deep jump: put in place with those before it that wait; returns whether the
/// jump goes on (more pages to ask). At its end the selection goes to the last row.
pub(super) fn jump_page_arrived(
    view: &mut View,
    id: RequestId,
    ids: Vec<u64>,
    next_link: bool,
    got: usize,
) -> bool {
    let Some(mut jump) = view.jump.take() else {
        return false;
    };
    let Some(page_no) = jump.requests.remove(&id) else {
        view.jump = Some(jump);
        return false;
    };
    // More follow when the server links a next page or the total says so.
    let more = next_link || (got > 0 && page_no < jump.last);
    jump.arrived.insert(page_no, (ids, more));
    let mut ended = false;
    while let Some((ids, more)) = jump.arrived.remove(&jump.next_append) {
        let before = view.ids.len();
        view.append_ids(ids);
        view.page_lens.push(view.ids.len() - before);
        view.pages_loaded = jump.next_append;
        view.next_page = more.then_some(jump.next_append + 1);
        jump.next_append += 1;
        if !more {
            ended = true;
            break;
        }
    }
    if ended || jump.next_append > jump.last {
        view.selected = view.ids.len().saturating_sub(1);
        return false;
    }
    view.jump = Some(jump);
    true
}
