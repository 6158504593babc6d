//! The sizes the view drew, fed back to `update` as plain data.
//!
//! How far the detail or the help scrolls, or where the composer's caret is on screen,
//! depends on how the text wraps at the width drawn. The view records those numbers when
//! it draws ([`Geometry`]) and the loop hands them back as [`Action::Drawn`] when they
//! change; key handling reads the last ones and never calls the view (gitui's
//! `VerticalScroll`). Before the first draw nothing is known: keys then move freely and
//! the view clamps what it draws; the geometry that arrives next clamps the state too.
//!
//! [`Action::Drawn`]: super::Action::Drawn

use super::App;
use super::state::Overlay;

/// A width and height in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Size {
    pub width: u16,
    pub(crate) height: u16,
}

/// A scrolled pane as drawn: lines shown at once and the furthest first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scroll {
    pub page: usize,
    pub max: usize,
}

/// What the last frame drew that `update` needs; `None` for a pane it did not draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Geometry {
    pub detail: Option<Scroll>,
    pub help: Option<Scroll>,
    /// The bulk pane's list of results (its last line may be the first shown).
    pub bulk_result: Option<Scroll>,
    /// The bulk preview's summary (lines shown at once, the furthest first line).
    pub bulk_preview: Option<Scroll>,
    /// The composer's text area.
    pub composer_editor: Option<Size>,
    /// The new-ticket form's description.
    pub new_ticket_description: Option<Size>,
}

/// Takes a new geometry: the limits follow it (after a resize, or once a pane is first
/// drawn), and the editors' carets stay on screen. Answers whether the state changed.
pub(crate) fn drawn(app: &mut App, geometry: Geometry) -> bool {
    app.geometry = geometry;
    let mut changed = false;
    if let (Some(limit), Some(detail)) = (geometry.detail, &mut app.detail) {
        changed |= clamp(&mut detail.scroll, limit.max);
    }
    if let (Some(limit), Some(Overlay::Help { scroll, .. })) = (geometry.help, &mut app.overlay) {
        changed |= clamp(scroll, limit.max);
    }
    if let Some(limit) = geometry.bulk_result {
        changed |= super::bulk_edit::clamp_result_scroll(app, limit.max);
    }
    let before = caret_scrolls(app);
    super::composer::follow_caret(app);
    super::new_ticket::follow_caret(app);
    changed || caret_scrolls(app) != before
}

fn caret_scrolls(app: &App) -> (Option<usize>, Option<usize>) {
    (
        app.compose.composer.as_ref().map(|c| c.scroll),
        app.compose
            .new_ticket
            .as_ref()
            .map(|f| f.description_scroll),
    )
}

fn clamp(scroll: &mut u16, max: usize) -> bool {
    let max = u16::try_from(max).unwrap_or(u16::MAX);
    let old = *scroll;
    *scroll = old.min(max);
    *scroll != old
}

/// Moves a scroll position by `delta`, stopping at the last drawn limit (none known yet:
/// only at 0; the view clamps what it draws).
pub(crate) fn scroll_by(scroll: u16, delta: i64, limit: Option<Scroll>) -> u16 {
    let max = limit.map_or(i64::from(u16::MAX), |l| {
        i64::try_from(l.max).unwrap_or(i64::MAX)
    });
    let target = i64::from(scroll).saturating_add(delta).clamp(0, max.max(0));
    u16::try_from(target).unwrap_or(u16::MAX)
}
