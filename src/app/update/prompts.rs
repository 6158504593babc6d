//! The one-line prompts (search, `#`, the date filter, sign-in's paste): typing into them,
//! submitting them, and parsing what they take.

use super::*;

/// Opens a one-line prompt holding `text`, the selection kept on screen above it.
pub(super) fn open_prompt(app: &mut App, kind: PromptKind, text: String) {
    app.prompt = Some(Prompt::new(kind, text));
    ensure_visible(app);
}

/// `/`: like a shell, the search shown comes back, a space after it, ready to be narrowed
/// (Ctrl-U clears it).
pub(super) fn open_search_prompt(app: &mut App) {
    let text = app
        .search
        .as_ref()
        .map(|s| format!("{} ", s.text))
        .unwrap_or_default();
    open_prompt(app, PromptKind::Search, text);
}

/// A paste goes to the pane that takes text: the composer and the new-ticket form take it
/// whole; a one-line prompt takes it as typed characters, on one line. Anywhere else it is
/// dropped: pasted text must never run as key commands.
pub(super) fn paste(app: &mut App, text: &str, out: &mut Vec<Command>) {
    match app.pane() {
        Pane::Composer | Pane::NewTicket => crate::app::composer::paste(app, text),
        // The line editor takes it whole, on one line, at the caret.
        Pane::Prompt => {
            let line = crate::app::composer::one_line(&crate::app::composer::clean_edited(text));
            edit_prompt(app, LineEdit::Paste(line));
        }
        Pane::BulkText => {
            let line = crate::app::composer::one_line(&crate::app::composer::clean_edited(text));
            crate::app::bulk_edit::edit_text(app, LineEdit::Paste(line));
        }
        Pane::SignIn => {
            let line = crate::app::composer::one_line(&crate::app::composer::clean_edited(text));
            // Each character as typed: a plain character is the password's (the key map's
            // rule for the sign-in prompt, `keymap::action_for_key`).
            for c in line.chars() {
                let action = Action::Fault(crate::app::faults::FaultAction::SignInChar(c));
                out.extend(update(app, action));
            }
        }
        _ => {}
    }
}

pub(super) fn edit_prompt(app: &mut App, edit: LineEdit) {
    let Some(prompt) = &mut app.prompt else {
        return;
    };
    let kind = prompt.kind;
    match edit {
        LineEdit::HistoryPrev | LineEdit::HistoryNext => {
            let entries = app.prompt_history.entries(kind.history());
            prompt.line.browse(entries, edit == LineEdit::HistoryPrev);
        }
        // Only the search language has names to complete.
        LineEdit::Complete if kind == PromptKind::Search => prompt
            .line
            .complete(crate::app::line_edit::search_candidates),
        LineEdit::Complete => {}
        edit => {
            prompt.line.apply(&edit);
        }
    }
    prompt.error = None;
}

/// `f`: in a view from the store, the filter as you type (holding the one set); else the
/// date range the server filters by.
pub(super) fn start_filter(app: &mut App) {
    match app.current_view().local.as_ref().filter(|l| l.answered()) {
        Some(local) => {
            let text = local.filter.clone();
            open_prompt(app, PromptKind::LiveFilter, text);
        }
        None => open_prompt(app, PromptKind::Filter, String::new()),
    }
}

pub(super) fn submit_prompt(app: &mut App, out: &mut Vec<Command>) {
    let Some(prompt) = app.prompt.clone() else {
        return;
    };
    match prompt.kind {
        PromptKind::Search => {
            let text = prompt.line.text.trim().to_string();
            if text.is_empty() {
                return set_prompt_error(app, PromptError::Nothing);
            }
            match SearchQuery::parse(&text) {
                Err(error) => set_prompt_error(app, PromptError::Query(error)),
                Ok(query) => {
                    app.prompt = None;
                    app.prompt_history.push(prompt.kind.history(), &text, out);
                    start_search(app, text, query, out);
                }
            }
        }
        PromptKind::GoTo => {
            // Not a number: the prompt stays, and its second line says so.
            if let Some(ticket_id) = ticket_number(&prompt.line.text) {
                app.prompt = None;
                app.prompt_history
                    .push(prompt.kind.history(), &prompt.line.text, out);
                go_to_ticket(app, ticket_id, out);
            }
        }
        PromptKind::LiveFilter => {
            // Enter keeps the filter (every keystroke already applied it).
            app.prompt = None;
            let text = prompt.line.text.trim().to_string();
            if !text.is_empty() {
                app.prompt_history.push(prompt.kind.history(), &text, out);
            }
            ensure_visible(app);
        }
        PromptKind::SaveView => {
            let name = prompt.line.text.trim().to_string();
            if name.is_empty() {
                return set_prompt_error(app, PromptError::Nothing);
            }
            app.prompt = None;
            ensure_visible(app);
            save_view(app, name, out);
        }
        PromptKind::Filter => match parse_date_filter(&prompt.line.text) {
            Err(BadDateFilter) => set_prompt_error(app, PromptError::BadFilter),
            Ok(filter) => {
                app.prompt = None;
                app.prompt_history
                    .push(prompt.kind.history(), &prompt.line.text, out);
                let view = app.current_view_mut();
                view.date_filter = filter;
                let which = view_ref(app);
                reload_all_pages(app, which, false, out);
                let note = match filter {
                    None => Note::FilterCleared,
                    Some(_) => Note::FilterSet(prompt.line.text.trim().to_string()),
                };
                notice(app, note, false);
            }
        },
    }
}

pub(super) fn set_prompt_error(app: &mut App, error: PromptError) {
    if let Some(prompt) = &mut app.prompt {
        prompt.error = Some(error);
    }
}

pub(super) fn start_search(
    app: &mut App,
    text: String,
    query: SearchQuery,
    out: &mut Vec<Command>,
) {
    // A new search from inside search results still returns to the original tab.
    let return_to = match &app.search {
        Some(search) => search.return_to,
        None => (app.active, app.views[app.active].selected_id()),
    };
    let view = View::new(ViewSpec {
        name: ViewName::Search(text.clone()),
        source: ViewSource::Search(query),
        fallback: None,
        columns: None,
    });
    app.detail = None;
    app.search = Some(SearchState {
        text,
        view,
        return_to,
    });
    out.extend(fetch_page(app, ViewRef::Search, 1));
}

/// A date filter the user typed that is not `created|updated START..END`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadDateFilter;

/// `created 2024-01-01..2024-02-01`, `updated 2024-03-01..`, `..2024-02-01`; empty clears.
pub(crate) fn parse_date_filter(text: &str) -> Result<Option<DateFilter>, BadDateFilter> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (field, range) = match text.split_once(char::is_whitespace) {
        Some((field, range)) => (field, range.trim()),
        None => ("created", text),
    };
    let field = match field.to_ascii_lowercase().as_str() {
        "created" | "c" | "创建" => SortField::Created,
        "updated" | "u" | "更新" => SortField::Updated,
        _ => return Err(BadDateFilter),
    };
    let (from, to) = range.split_once("..").ok_or(BadDateFilter)?;
    let date = |s: &str| -> Result<Option<NaiveDate>, BadDateFilter> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| BadDateFilter)
        }
    };
    let (from, to) = (date(from)?, date(to)?);
    if from.is_none() && to.is_none() {
        return Err(BadDateFilter);
    }
    Ok(Some(DateFilter { field, from, to }))
}
