//! The quick filters' keys (`F`, a facet's key or Enter, `X`): see [`crate::app::facets`]
//! for what a pick narrows and how.

use super::*;
use crate::app::facets::{FacetAction, FacetMenu, FacetValue, entries};

pub(super) fn facets(app: &mut App, action: FacetAction, out: &mut Vec<Command>) {
    match action {
        FacetAction::Open => open(app, out),
        FacetAction::Pick(index) => pick(app, index, out),
        FacetAction::PickSelected => {
            let selected = app.facets.as_ref().map(|menu| menu.selected);
            if let Some(index) = selected {
                pick(app, index, out);
            }
        }
        FacetAction::Clear => clear(app, out),
        FacetAction::SaveView => {
            // A search's text is a name ready to keep or change.
            let text = app
                .search
                .as_ref()
                .map(|s| s.text.clone())
                .unwrap_or_default();
            open_prompt(app, PromptKind::SaveView, text);
        }
    }
}

/// The search the view in front shows, with its date filter, quick filter and typed
/// filter, as the config's `search = "..."` writes it. A list view is its search for an
/// agent (every status unless it has its own), its date bounds by day.
fn saved_search(app: &App) -> Result<String, Note> {
    use crate::api::query::{DateField, DateOp, SearchTerm};
    let view = app.current_view();
    if view.spec.name == ViewName::Marked {
        return Err(Note::NotForMarked);
    }
    let base = match &view.spec.source {
        ViewSource::Search(query) => query.clone(),
        ViewSource::List(list) => {
            let mut query =
                view.spec.fallback.clone().unwrap_or_else(|| {
                    SearchQuery::new().status(TicketStatus::ALL.iter().copied())
                });
            let bounds = [
                (DateField::Created, DateOp::OnOrAfter, list.created_start),
                (DateField::Created, DateOp::OnOrBefore, list.created_end),
                (DateField::Updated, DateOp::OnOrAfter, list.updated_start),
                (DateField::Updated, DateOp::OnOrBefore, list.updated_end),
            ];
            for (field, op, at) in bounds {
                if let Some(at) = at {
                    query.terms.push(SearchTerm::Date {
                        field,
                        op,
                        date: at.date(),
                    });
                }
            }
            query
        }
    };
    let mut shadow = View::new(ViewSpec {
        source: ViewSource::Search(base),
        ..view.spec.clone()
    });
    shadow.date_filter = view.date_filter;
    shadow.quick = view.quick.clone();
    let mut query = shadow.search_query(1, 1).unwrap_or_default();
    let typed = view.local.as_ref().map_or("", |local| local.filter.trim());
    if !typed.is_empty() {
        let filter = SearchQuery::parse(typed).map_err(|_| Note::SaveViewPlainText)?;
        query.terms.extend(filter.terms);
    }
    if query.terms.is_empty() {
        query = SearchQuery::new().status(TicketStatus::ALL.iter().copied());
    }
    query.render().map_err(Note::SaveViewBadQuery)
}

/// Enter in the name prompt: the loop adds the view to the config file.
pub(super) fn save_view(app: &mut App, name: String, out: &mut Vec<Command>) {
    let (Some(path), Some(profile)) = (
        app.settings.config_path.clone(),
        app.settings.profile_name.clone(),
    ) else {
        return notice(app, Note::SaveViewNoConfig, true);
    };
    match saved_search(app) {
        Ok(search) => out.push(Command::SaveView {
            path,
            profile,
            name,
            search,
        }),
        Err(note) => notice(app, note, true),
    }
}

/// The loop's answer: the view is a tab from now on, as at the next start; or why the file
/// was not written (nothing was changed then).
pub(super) fn view_saved(
    app: &mut App,
    name: String,
    search: String,
    result: Result<std::path::PathBuf, String>,
) {
    match result {
        Ok(path) => {
            if let Ok(query) = SearchQuery::parse(&search) {
                app.views.push(View::new(ViewSpec {
                    name: ViewName::Custom(name.clone()),
                    source: ViewSource::Search(query),
                    fallback: None,
                    columns: None,
                }));
            }
            let path = path.display().to_string();
            notice(app, Note::ViewSaved { name, path }, false);
        }
        Err(reason) => notice(app, Note::ViewSaveFailed(reason), true),
    }
}

/// `F`: the facets of the view in front. A view from the store asks the worker, which
/// counts every row (the app holds only those near the screen): the menu opens with its
/// answer. A server view counts the rows it loaded.
fn open(app: &mut App, out: &mut Vec<Command>) {
    let which = view_ref(app);
    if let Some(local) = view_mut(app, which)
        .and_then(|view| view.local.as_mut())
        .filter(|local| local.answered())
    {
        local.facets_wanted = true;
        return ask_local(app, which, out);
    }
    let view = app.current_view();
    let tickets: Vec<Ticket> = view
        .ids
        .iter()
        .filter_map(|id| app.tickets.get(id))
        .collect();
    let menu = FacetMenu {
        entries: entries(&tickets),
        selected: 0,
        rows: view.ids.len(),
        partial: view.next_page.is_some(),
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
    if view.spec.name == ViewName::Marked {
        return notice(app, Note::NotForMarked, true);
    }
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
