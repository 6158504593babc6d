//! Typing in the form: a field's keys, pastes, stepping through a choice, and the
//! description's caret kept in view.

use ratatui_textarea::{Input, Key as TextCode};

use super::fields::{is_choice, options};
use crate::app::composer::edit_line;
use crate::app::state::App;

pub(super) fn key_in_form(app: &mut App, key: Input) {
    let now = app.now;
    let choice_options = app.compose.new_ticket.as_ref().and_then(|form| {
        let field = form.fields.get(form.focus)?;
        is_choice(app, &field.id).then(|| options(app, &field.id))
    });
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    let count = form.fields.len() + 1;
    // Tab / Shift-Tab come from the key map (`next_field` / `prev_field`); the arrows and
    // Enter outside the description move between fields as in any form.
    match key.key {
        TextCode::Down | TextCode::Enter if !form.on_description() => {
            form.focus = (form.focus + 1) % count;
            return;
        }
        TextCode::Up if !form.on_description() => {
            form.focus = (form.focus + count - 1) % count;
            return;
        }
        _ => {}
    }
    let mut changed = false;
    if form.on_description() {
        let width = app.geometry.new_ticket_description.map(|area| area.width);
        changed = crate::app::composer::textarea_input(&mut form.description, key, width);
    } else if let Some(options) = choice_options {
        let field = &mut form.fields[form.focus];
        let at = options
            .iter()
            .position(|value| *value == field.choice)
            .unwrap_or(0);
        // The letters (`next_choice` / `prev_choice`) come from the key map.
        let step = match key.key {
            TextCode::Right => 1,
            TextCode::Left => options.len().saturating_sub(1),
            _ => 0,
        };
        if step > 0 && !options.is_empty() {
            field.choice = options[(at + step) % options.len()].clone();
            changed = true;
        }
    } else {
        let field = &mut form.fields[form.focus];
        changed = edit_line(&mut field.text, &mut field.cursor, &key);
    }
    if changed {
        form.edited_at = crate::app::composer::touched(form.edited_at, now);
        form.error = None;
    }
    follow_caret(app);
}

/// Pasted text (already cleaned) into the focused field: as written in the description, on
/// one line in a one-line field; a choice field takes none.
pub fn paste(app: &mut App, text: &str) {
    let now = app.now;
    let choice = focus_is_choice(app);
    let Some(form) = &mut app.compose.new_ticket else {
        return;
    };
    if form.on_description() {
        form.description.insert_str(text);
    } else if choice {
        return;
    } else if let Some(field) = form.fields.get_mut(form.focus) {
        let line = crate::app::composer::one_line(text);
        let at = field
            .text
            .char_indices()
            .nth(field.cursor)
            .map_or(field.text.len(), |(at, _)| at);
        field.text.insert_str(at, &line);
        field.cursor += line.chars().count();
    }
    form.edited_at = crate::app::composer::touched(form.edited_at, now);
    form.error = None;
    follow_caret(app);
}

/// Whether the form's focus is on a choice field (where letters pick, not type).
pub fn focus_is_choice(app: &App) -> bool {
    app.compose.new_ticket.as_ref().is_some_and(|form| {
        form.fields
            .get(form.focus)
            .is_some_and(|field| is_choice(app, &field.id))
    })
}

/// The next (or previous) choice of the focused choice field.
pub(super) fn step_choice(app: &mut App, forward: bool) {
    let now = app.now;
    let options = app.compose.new_ticket.as_ref().and_then(|form| {
        let field = form.fields.get(form.focus)?;
        is_choice(app, &field.id).then(|| options(app, &field.id))
    });
    let (Some(form), Some(options)) = (&mut app.compose.new_ticket, options) else {
        return;
    };
    if options.is_empty() {
        return;
    }
    let Some(field) = form.fields.get_mut(form.focus) else {
        return;
    };
    let at = options
        .iter()
        .position(|value| *value == field.choice)
        .unwrap_or(0);
    let step = if forward { 1 } else { options.len() - 1 };
    field.choice = options[(at + step) % options.len()].clone();
    form.edited_at = crate::app::composer::touched(form.edited_at, now);
    form.error = None;
}

/// Keeps the description's caret on screen, at its size as last drawn.
pub fn follow_caret(app: &mut App) {
    let area = app.geometry.new_ticket_description;
    let (Some(form), Some(area)) = (&mut app.compose.new_ticket, area) else {
        return;
    };
    let cursor = form.description.cursor();
    let view = crate::text::wrap::TextLayout::new(
        form.description.lines(),
        (cursor.0, cursor.1),
        area.width,
        area.height,
        form.description_scroll,
    );
    form.description_scroll = view.scroll;
}
