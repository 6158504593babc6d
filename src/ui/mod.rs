//! Rendering: one file per pane, each drawing from `&App` only.

pub mod bulk;
pub mod composer;
pub(crate) mod copy_menu;
pub mod detail;
pub(crate) mod editor;
pub(crate) mod facets;
pub(crate) mod files;
pub(crate) mod help;
pub(crate) mod history;
pub(crate) mod key_words;
pub(crate) mod links;
pub mod list;
pub(crate) mod macros;
pub mod new_ticket;
pub mod notice;
pub(crate) mod rows;
pub(crate) mod search_line;
pub(crate) mod sign_in;
pub mod status_bar;
pub(crate) mod status_menu;
pub(crate) mod tabs;
pub mod theme;

use std::ops::Deref;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::app::App;
use crate::app::layout::{Geometry, Size};
use crate::app::state::Overlay;
use theme::Theme;

/// What the view keeps between frames, outside `App`: the theme (built from the config at
/// start) and the list's row cache. The loop owns it and lends it to [`draw`].
#[derive(Debug, Clone, Default)]
pub struct Ui {
    /// Styles per role, already fitted to the terminal's colour depth. The cached rows
    /// carry its colours: a new theme wants a new `Ui`.
    pub(crate) theme: Theme,
    pub rows: rows::RowCache,
    /// Where the links in ticket text are recorded each frame for the terminal backend to
    /// write as OSC 8 hyperlinks; `None` when they are off (`ui.hyperlinks`).
    pub(crate) links: Option<crate::hyperlink::SharedLinks>,
}

impl Ui {
    pub fn new(theme: Theme) -> Ui {
        Ui {
            theme,
            rows: rows::RowCache::default(),
            links: None,
        }
    }

    /// Records the links in ticket text in `links` each frame (shared with the backend).
    pub fn with_links(mut self, links: crate::hyperlink::SharedLinks) -> Ui {
        self.links = Some(links);
        self
    }
}

/// The state as the panes draw it: `App` (read through `Deref`) and the theme.
pub(crate) struct Ctx<'a> {
    pub(crate) app: &'a App,
    pub(crate) theme: &'a Theme,
}

impl Deref for Ctx<'_> {
    type Target = App;

    fn deref(&self) -> &App {
        self.app
    }
}

/// A drawn area's size, as `update` gets it.
fn size(area: Rect) -> Size {
    Size {
        width: area.width,
        height: area.height,
    }
}

/// Below this size the layout cannot hold: a notice is shown instead.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Where each pane goes on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub(crate) tabs: Rect,
    pub list: Option<Rect>,
    pub(crate) detail: Option<Rect>,
    pub(crate) prompt: Option<Rect>,
    pub(crate) status: Rect,
}

/// The layout, shared by drawing and by `update` (which needs page and scroll sizes).
pub fn layout(app: &App, area: Rect) -> Areas {
    let tabs = Rect {
        height: 1.min(area.height),
        ..area
    };
    let status = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1.min(area.height),
        ..area
    };
    let prompt_height = if app.prompt.is_some() { 2 } else { 0 };
    let prompt = (prompt_height > 0).then(|| Rect {
        y: status.y.saturating_sub(prompt_height),
        height: prompt_height,
        ..area
    });
    let main_top = area.y + 1;
    let main_bottom = status.y.saturating_sub(prompt_height);
    let main = Rect {
        x: area.x,
        y: main_top,
        width: area.width,
        height: main_bottom.saturating_sub(main_top),
    };
    // On a wide screen the preview is always beside the list, open or not, focused or
    // not: the list keeps its columns whatever the preview does.
    match &app.detail {
        _ if app.detail_beside() => {
            let detail_width = (main.width * 45 / 100).max(60).min(main.width);
            let list = Rect {
                width: main.width - detail_width,
                ..main
            };
            let detail = Rect {
                x: main.x + list.width,
                width: detail_width,
                ..main
            };
            Areas {
                tabs,
                list: Some(list),
                detail: Some(detail),
                prompt,
                status,
            }
        }
        Some(_) => Areas {
            tabs,
            list: None,
            detail: Some(main),
            prompt,
            status,
        },
        None => Areas {
            tabs,
            list: Some(main),
            detail: None,
            prompt,
            status,
        },
    }
}

/// The screen area `update` assumes: the whole terminal.
pub fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.width, app.height)
}

/// Draws the whole console and answers what it drew that `update` needs (scroll limits,
/// the editors' sizes); the loop hands it back as `Action::Drawn` when it changed.
pub fn draw(frame: &mut Frame, app: &App, ui: &mut Ui) -> Geometry {
    let Ui { theme, rows, links } = ui;
    let app = &Ctx { app, theme };
    let mut drawn = Geometry::default();
    let area = frame.area();
    if let Some(links) = links {
        links.borrow_mut().clear();
    }
    // The links of the ticket view, recorded once everything is drawn over it.
    let mut found = links.as_ref().map(|_| Vec::new());
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, app, area);
        return drawn;
    }
    let areas = layout(app, area);
    tabs::render(frame, app, areas.tabs);
    // The composer takes the bottom of the detail (or of the list, replying to many).
    let (list_area, detail_area, composer_area) = match (areas.list, areas.detail) {
        (list, Some(detail)) => {
            let (detail, composer) = composer::split(app, detail);
            (list, Some(detail), composer)
        }
        (Some(list), None) => {
            let (list, composer) = composer::split(app, list);
            (Some(list), None, composer)
        }
        (None, None) => (None, None, None),
    };
    if let Some(list) = list_area {
        list::render(frame, app, rows, list);
    }
    if let Some(detail) = detail_area {
        drawn.detail = detail::render(frame, app, detail, found.as_mut());
    }
    if let Some(area) = composer_area {
        drawn.composer_editor = composer::render(frame, app, area).map(size);
    }
    if app.compose.new_ticket.is_some() {
        drawn.new_ticket_description =
            new_ticket::render(frame, app, new_ticket::area(app)).map(size);
    }
    if let Some(prompt) = areas.prompt {
        search_line::render(frame, app, prompt);
    }
    status_bar::render(frame, app, areas.status);
    bulk::render(frame, app, area, &mut drawn);
    // Under the help overlay, which may be opened from it.
    copy_menu::render(frame, app, area);
    macros::render(frame, app, area);
    facets::render(frame, app, area);
    match &app.overlay {
        Some(Overlay::StatusMenu { .. }) => status_menu::render(frame, app, area),
        Some(Overlay::Help { .. }) => drawn.help = help::render(frame, app, area),
        None => {}
    }
    // Over everything: the screen below keeps what it showed.
    sign_in::render(frame, app, area);
    if let (Some(links), Some(found)) = (links, found) {
        links::record(&mut links.borrow_mut(), &found, frame.buffer_mut());
    }
    drawn
}

/// The "terminal too small" notice, centred, wrapped to the width: what is needed and what
/// there is. Never panics, down to 1×1.
fn too_small(frame: &mut Frame, app: &Ctx, area: Rect) {
    let lang = app.lang();
    let need = crate::words::fill(
        lang,
        crate::words::Msg::TooSmallNeed,
        &[
            &MIN_WIDTH.to_string(),
            &MIN_HEIGHT.to_string(),
            &area.width.to_string(),
            &area.height.to_string(),
        ],
    );
    let columns = usize::from(area.width);
    let mut lines = wrap(crate::words::Msg::TooSmall.text(lang), columns);
    lines.extend(wrap(&need, columns));
    let top = usize::from(area.height).saturating_sub(lines.len()) / 2;
    let buf = frame.buffer_mut();
    for (row, line) in lines.iter().enumerate().take(usize::from(area.height)) {
        let line = truncate(line, columns);
        let x = area.x + ((columns.saturating_sub(width(&line))) / 2) as u16;
        let y = area.y + (top + row) as u16;
        let style = if row == 0 {
            style(app, theme::Role::Error)
        } else {
            Style::default()
        };
        buf.set_stringn(x, y, &line, columns, style);
    }
}

/// A menu's keys to move as its hint names them: the first key of each way, live from the
/// key map ("j/k").
pub(crate) fn menu_moves(app: &App, pane: crate::app::state::Pane) -> String {
    let keymap = &app.settings.keymap;
    [
        keymap.first_label(pane, "move_down"),
        keymap.first_label(pane, "move_up"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("/")
}

/// Clears the area of an overlay and one column either side: a wide glyph of the pane
/// below that starts just left of the box would otherwise cover its border.
pub(crate) fn clear_overlay(frame: &mut Frame, area: Rect) {
    let screen = frame.area();
    let x = area.x.saturating_sub(1).max(screen.x);
    let right = (area.right() + 1).min(screen.right());
    let wider = Rect::new(x, area.y, right - x, area.height);
    frame.render_widget(ratatui::widgets::Clear, wider);
}

/// A framed window of `w` x `h` cells in the middle of `screen` (the cells under it and one
/// column either side cleared), titled; answers the area inside the frame.
pub(crate) fn centered_window(
    frame: &mut Frame,
    app: &Ctx,
    screen: Rect,
    size: (u16, u16),
    title: &str,
) -> Rect {
    let border = style(app, theme::Role::Border);
    let (w, h) = size;
    let (w, h) = (w.min(screen.width), h.min(screen.height));
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    clear_overlay(frame, area);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(border)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A role's style from the live theme; without colour only its modifiers are kept (state
/// then shows as text, reverse video and glyphs).
pub(crate) fn style(app: &Ctx, role: theme::Role) -> Style {
    let style = app.theme.style(role);
    if app.settings.color {
        style
    } else {
        Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        }
    }
}

/// A server date (UTC+8) in the display zone, `offset_minutes` east of UTC.
pub(crate) fn display_time(
    server: chrono::NaiveDateTime,
    offset_minutes: i32,
) -> chrono::NaiveDateTime {
    server + chrono::Duration::minutes(i64::from(offset_minutes) - 8 * 60)
}

/// Display width in terminal columns (CJK counts two).
pub(crate) fn width(text: &str) -> usize {
    crate::text::width(text)
}

/// Fits text into exactly `columns` display columns: truncated with "…" (never splitting a
/// wide character) or padded with spaces.
pub(crate) fn fit(text: &str, columns: usize) -> String {
    crate::text::pad(text, columns)
}

/// Truncates to at most `columns` display columns, ending with "…" when cut.
pub(crate) fn truncate(text: &str, columns: usize) -> String {
    crate::text::truncate(text, columns).into_owned()
}

/// Finished text wrapped by display columns: the crate's one wrap routine.
pub(crate) use crate::text::wrap::wrap;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fit_never_splits_a_wide_character() {
        assert_eq!(fit("无法登录系统", 7), "无法登…");
        assert_eq!(width(&fit("无法登录系统", 7)), 7);
        assert_eq!(fit("无法登录系统", 6), "无法 …");
        assert_eq!(width(&fit("无法登录系统", 6)), 6);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
    }

    #[test]
    fn wrap_counts_columns() {
        let lines = wrap("无法登录系统请帮忙", 8);
        assert!(lines.iter().all(|l| width(l) <= 8), "{lines:?}");
        assert_eq!(lines.concat(), "无法登录系统请帮忙");
        let lines = wrap("hello world again", 11);
        assert_eq!(lines, vec!["hello world", "again"]);
    }
}
