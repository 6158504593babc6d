//! The quick filters' facets (`F`): the view's values by facet, each with its count and
//! the key that picks it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::theme::Role;
use super::{Ctx, fit, style, width};
use crate::app::facets::{FacetMenu, FacetValue};
use crate::app::state::Pane;
use crate::lang::Lang;
use crate::words::{Msg, fill, priority_label, status_label};

/// A facet's name: the ticket view's word for the field.
pub(crate) fn facet_name(lang: Lang, value: &FacetValue) -> &'static str {
    match value {
        FacetValue::Status(_) => Msg::FieldStatus,
        FacetValue::Priority(_) => Msg::FieldPriority,
        FacetValue::Assignee(_) => Msg::FieldAssignee,
        FacetValue::Group(_) => Msg::FieldGroup,
        FacetValue::Tag(_) => Msg::FieldTags,
    }
    .text(lang)
}

/// A value as the list shows it: a label, a name (else `#id`), "(none)", a tag as sent.
pub(crate) fn value_label(app: &Ctx, value: &FacetValue) -> String {
    let lang = app.lang();
    let person = |id: Option<u64>, name: Option<&str>| match (id, name) {
        (None, _) => Msg::FacetNobody.text(lang).to_string(),
        (Some(_), Some(name)) => name.to_string(),
        (Some(id), None) => format!("#{id}"),
    };
    match value {
        FacetValue::Status(status) => status_label(lang, *status),
        FacetValue::Priority(priority) => priority_label(lang, *priority),
        FacetValue::Assignee(id) => person(*id, id.and_then(|id| app.lookups.agent_name(id))),
        FacetValue::Group(id) => person(*id, id.and_then(|id| app.lookups.group_name(id))),
        FacetValue::Tag(tag) => tag.clone(),
    }
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) {
    let Some(menu) = &app.facets else {
        return;
    };
    let lang = app.lang();
    let view = app.current_view();
    let name = super::notice::view_name(lang, &view.spec.name);
    let title_msg = if menu.partial {
        Msg::FacetsTitlePartial
    } else {
        Msg::FacetsTitle
    };
    let title = fill(lang, title_msg, &[&name, &menu.rows.to_string()]);
    let keymap = &app.settings.keymap;
    let moves = super::menu_moves(app, Pane::Facets);
    let hint = fill(
        lang,
        Msg::FacetsHint,
        &[
            &moves,
            &keymap.labels(Pane::Facets, "pick", 1),
            &keymap.labels(Pane::Facets, "cancel", 1),
        ],
    );
    let lines = lines(app, menu);
    let inner_width = lines
        .iter()
        .map(|(text, count, _)| width(text) + count.as_ref().map_or(0, |c| width(c) + 2))
        .chain([width(&title) + 2, width(&hint)])
        .max()
        .unwrap_or(24)
        .clamp(24, usize::from(screen.width.saturating_sub(4)).max(24));
    let rows = (lines.len() + 1).min(usize::from(screen.height.saturating_sub(4)).max(2));
    let size = (inner_width as u16 + 2, rows as u16 + 2);
    let inner = super::centered_window(frame, app, screen, size, &title);
    let cols = usize::from(inner.width);
    let body = usize::from(inner.height.saturating_sub(1));
    // The highlighted entry's line is kept on screen.
    let at = lines
        .iter()
        .position(|(_, _, entry)| *entry == Some(menu.selected))
        .unwrap_or(0);
    let first = at.saturating_sub(body.saturating_sub(1));
    let buf = frame.buffer_mut();
    for (row, (text, count, entry)) in lines.iter().skip(first).take(body).enumerate() {
        let row_style = match entry {
            Some(index) if *index == menu.selected => style(app, Role::Selection),
            Some(_) => Style::default(),
            None => style(app, Role::Label),
        };
        let y = inner.y + row as u16;
        // The count on the right, the value cut before it.
        let count = count.as_deref().unwrap_or("");
        let left = cols.saturating_sub(width(count));
        let line = format!("{}{count}", fit(text, left));
        buf.set_stringn(inner.x, y, fit(&line, cols), cols, row_style);
    }
    let hint_row = inner.y + body as u16;
    if hint_row < inner.bottom() {
        buf.set_stringn(
            inner.x,
            hint_row,
            fit(&hint, cols),
            cols,
            style(app, Role::Hint),
        );
    }
}

/// The menu's lines: a heading per facet, then its values (with the entry they pick).
fn lines(app: &Ctx, menu: &FacetMenu) -> Vec<(String, Option<String>, Option<usize>)> {
    let lang = app.lang();
    if menu.entries.is_empty() {
        return vec![(Msg::FacetsNone.text(lang).to_string(), None, None)];
    }
    let keys = app.settings.keymap.keys_of(Pane::Facets, "pick_facet");
    let mut out = Vec::new();
    let mut facet = None;
    for (index, entry) in menu.entries.iter().enumerate() {
        if facet != Some(entry.value.facet()) {
            facet = Some(entry.value.facet());
            out.push((facet_name(lang, &entry.value).to_string(), None, None));
        }
        let key = keys.get(index).map(|k| k.label()).unwrap_or_default();
        let text = format!("{key:>2} {}", value_label(app, &entry.value));
        out.push((text, Some(format!(" {}", entry.count)), Some(index)));
    }
    out
}
