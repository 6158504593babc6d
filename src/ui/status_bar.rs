//! The status bar: view name, loaded / total, sort, a spinner while anything is in flight,
//! the first key of a pending sequence, the last notice or error in plain words, and key
//! hints generated from the live key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Ctx;
use super::key_words::help_msg;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::state::Pane;
use crate::words::{Msg, fill};

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

/// The actions hinted at in each pane, most important first; the first is always shown.
fn hinted(pane: Pane) -> &'static [&'static str] {
    match pane {
        Pane::List => &["help", "search", "status", "quit"],
        Pane::Detail => &["help", "back", "next_ticket", "status"],
        Pane::Prompt => &["submit", "cancel"],
        Pane::StatusMenu => &["pick", "cancel"],
        Pane::CopyMenu => &["copy", "cancel"],
        Pane::MacroMenu => &["pick", "cancel"],
        Pane::Facets => &["pick", "cancel"],
        Pane::Help => &["close"],
        // Their own hint line names their keys.
        Pane::Composer | Pane::NewTicket | Pane::BulkText | Pane::SignIn => &[],
        // The pane's hint line names its keys; the bar tells how to see them all.
        Pane::Bulk
        | Pane::BulkPreview
        | Pane::BulkRun
        | Pane::BulkResult
        | Pane::BulkHistory
        | Pane::ResumeOffer => &["help"],
    }
}

/// The marks' part: `✓ 12` (and the `A` progress).
pub fn marks_text(app: &crate::app::App) -> Option<String> {
    let lang = app.lang();
    let mut text = String::new();
    // The marked-only view's own count ("已标记 500/500") already says it.
    if !app.marks.is_empty() && !crate::app::marks::showing_marked(app) {
        text = fill(lang, Msg::MarkCount, &[&app.marks.len().to_string()]);
    }
    if app.marks.range.is_some() {
        text.push_str(Msg::MarkRangeSuffix.text(lang));
    }
    if let Some(fetch) = &app.marks.fetch {
        let progress = super::notice::progress(fetch.fetched, fetch.total);
        text.push_str(&fill(lang, Msg::MarkFetchSuffix, &[&progress]));
    }
    (!text.is_empty()).then_some(text)
}

/// The local store's part: the rows are the store's ("as of 14:05, syncing…"), or the
/// server cannot be reached ("offline since 14:10, retrying"), and a first full sync's
/// pages. Times in the display zone.
pub(crate) fn store_text(app: &crate::app::App) -> Option<String> {
    let rows = rows_text(app);
    let sync = app.sync_progress.map(|(done, total)| {
        fill(
            app.lang(),
            Msg::SyncPages,
            &[&done.to_string(), &total.to_string()],
        )
    });
    match (rows, sync) {
        (Some(rows), Some(sync)) => Some(format!("{rows} · {sync}")),
        (rows, sync) => rows.or(sync),
    }
}

/// The arrow of a sort's direction.
pub(crate) fn sort_arrow(order: crate::api::SortOrder) -> char {
    match order {
        crate::api::SortOrder::Asc => '▲',
        crate::api::SortOrder::Desc => '▼',
    }
}

/// A local sort's column, named as the ticket view names its field.
pub(crate) fn sort_column_name(
    app: &crate::app::App,
    column: &crate::app::local::Column,
) -> String {
    use crate::app::local::Column;
    let lang = app.lang();
    let msg = match column {
        Column::Id => Msg::ColId,
        Column::Status => Msg::FieldStatus,
        Column::Priority => Msg::FieldPriority,
        Column::Type => Msg::FieldType,
        Column::Assignee => Msg::FieldAssignee,
        Column::Group => Msg::FieldGroup,
        Column::Contact => Msg::FieldContact,
        Column::Tags => Msg::FieldTags,
        Column::Created => Msg::FieldCreated,
        Column::Updated => Msg::FieldUpdated,
        Column::Breach => Msg::SortBreach,
        // A custom field by the name its definition gives (cleaned when decoded), else
        // its key.
        Column::Custom(key) => {
            let defs = app
                .lookups
                .field_defs
                .as_ref()
                .and_then(|defs| defs.ready());
            let def = defs.and_then(|defs| defs.iter().find(|def| &def.key == key));
            return def.map_or_else(|| key.clone(), |def| def.name.clone());
        }
    };
    msg.text(lang).to_string()
}

/// Whose rows are shown: the store's as of when, and whether the server is out of reach.
fn rows_text(app: &crate::app::App) -> Option<String> {
    let lang = app.lang();
    let offset = app.settings.display_offset_minutes;
    let hhmm = |at| {
        crate::ui::display_time(at, offset)
            .format("%H:%M")
            .to_string()
    };
    let view = app.current_view();
    if let Some(local) = view.local.as_ref().filter(|local| local.answered()) {
        let at = local.as_of.map(hhmm).unwrap_or_default();
        let mut text = format!(
            "{} · {}{}",
            fill(lang, Msg::StoreAsOf, &[&at]),
            sort_column_name(app, &local.column),
            sort_arrow(local.order)
        );
        if !local.filter.trim().is_empty() {
            text.push_str(" · ");
            text.push_str(&fill(lang, Msg::StoreFilter, &[local.filter.trim()]));
        }
        // Tickets the filter cannot tell without the server are left out: say how many.
        if local.unknown > 0 {
            text.push_str(" · ");
            let count = local.unknown.to_string();
            text.push_str(&fill(lang, Msg::StoreFilterUnknown, &[&count]));
        }
        if let Some(offline) = &app.offline {
            text.push_str(" · ");
            text.push_str(&fill(lang, Msg::OfflineSince, &[&hhmm(offline.since)]));
        }
        return Some(text);
    }
    let as_of = view.as_of;
    match (&app.offline, as_of) {
        (Some(offline), Some(at)) => Some(format!(
            "{} · {}",
            fill(lang, Msg::AsOf, &[&hhmm(at)]),
            fill(lang, Msg::OfflineSince, &[&hhmm(offline.since)])
        )),
        (Some(offline), None) => Some(fill(lang, Msg::OfflineSince, &[&hhmm(offline.since)])),
        (None, Some(at)) => Some(fill(lang, Msg::AsOfSyncing, &[&hhmm(at)])),
        // The store synced but cannot answer this view: say the rows are the server's.
        (None, None) if app.store_synced && view.local.is_none() => {
            Some(Msg::FromServer.text(lang).to_string())
        }
        (None, None) => None,
    }
}

pub(crate) fn render(frame: &mut Frame, app: &Ctx, area: Rect) {
    let lang = app.lang();
    let view = app.current_view();
    let spinner = if app.busy() {
        SPINNER[app.spinner % SPINNER.len()]
    } else {
        ' '
    };
    let loaded = view.ids.len().to_string();
    let counts = match view.total {
        Some(total) => fill(lang, Msg::LoadedOfTotal, &[&loaded, &total.to_string()]),
        None => fill(lang, Msg::LoadedNoTotal, &[&loaded]),
    };
    let name = super::notice::view_name(lang, &view.spec.name);
    let mut head = format!("{spinner} {name} {counts}");
    if view.sort.is_some() {
        head.push_str(" · ");
        head.push_str(&super::notice::sort_label(lang, view.sort));
    }
    for part in [
        store_text(app),
        marks_text(app),
        crate::ui::bulk::status_text(app),
        crate::ui::files::status_text(app),
    ]
    .into_iter()
    .flatten()
    {
        head.push_str(" · ");
        head.push_str(&part);
    }
    if let Some(pending) = &app.key_pending {
        head.push_str(&format!(" [{}…]", pending.key.label()));
    }
    head.push_str("  ");
    let total = usize::from(area.width);
    let notice_style = match &app.notice {
        Some(notice) if notice.is_error => style(app, Role::Error),
        _ => Style::default(),
    };
    let notice = super::notice::current(app).unwrap_or_default();
    // Hints from the live map: the first always, the others while the notice still fits.
    let keymap = &app.settings.keymap;
    // The keys of the context that has the keyboard (the bulk pane's stage when open).
    let pane = app.pane();
    let hints: Vec<String> = keymap
        .hints(pane, hinted(pane))
        .into_iter()
        .filter_map(|(keys, name)| Some(format!("{keys}={}", help_msg(pane, name)?.text(lang))))
        .collect();
    let mut help = String::new();
    for (index, hint) in hints.iter().enumerate() {
        let longer = format!("{help} {hint} ");
        if index == 0 || width(&head) + width(&notice) + width(&longer) <= total {
            help = format!("{help} {hint} ");
        } else {
            break;
        }
    }
    let room = total.saturating_sub(width(&head) + width(&help));
    let bar = style(app, Role::StatusBar);
    let line = Line::from(vec![
        Span::styled(head, bar),
        Span::styled(fit(&notice, room), bar.patch(notice_style)),
        Span::styled(help, bar),
    ]);
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &line, area.width);
}
