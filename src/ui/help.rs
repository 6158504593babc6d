//! The help overlay (`?`): every key of the pane in use, generated from the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::layout::Scroll;
use crate::app::state::{Overlay, Pane};
use crate::words::{Msg, fill};

/// Where the overlay goes on a screen.
fn area(screen: Rect) -> Rect {
    let w = (screen.width * 4 / 5).max(40).min(screen.width);
    let h = (screen.height * 4 / 5).max(8).min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

/// Draws the help; answers how far it scrolls.
pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) -> Option<Scroll> {
    let Some(Overlay::Help { pane, scroll }) = &app.overlay else {
        return None;
    };
    let lang = app.lang();
    let area = area(screen);
    super::clear_overlay(frame, area);
    let title = fill(lang, Msg::HelpTitle, &[pane_name(*pane).text(lang)]);
    let keymap = &app.settings.keymap;
    let close = fill(
        lang,
        Msg::HelpClose,
        &[&keymap.labels(Pane::Help, "close", 3)],
    );
    let rows = keymap.help_words(*pane, lang);
    // The rows inside the border; a scroll from before this size was drawn stops there.
    let page = usize::from(area.height.saturating_sub(2));
    let max = rows.len().saturating_sub(page);
    let scroll = &usize::from(*scroll).min(max);
    // Keys below the frame are announced, with the key that scrolls to them.
    let below = rows.len().saturating_sub(*scroll + page);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(style(app, Role::Border))
        .title(format!(" {title} "))
        .title_bottom(format!(" {close} "));
    if below > 0 {
        let more = fill(
            lang,
            Msg::HelpMore,
            &[
                &below.to_string(),
                &keymap.labels(Pane::Help, "move_down", 2),
            ],
        );
        block = block.title_bottom(Line::from(format!(" {more} ")).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let key_width = rows
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(4)
        .min(24);
    let cols = usize::from(inner.width);
    let buf = frame.buffer_mut();
    for (line, (keys, text)) in rows.iter().skip(*scroll).enumerate() {
        if line as u16 >= inner.height {
            break;
        }
        let y = inner.y + line as u16;
        buf.set_stringn(
            inner.x + 1,
            y,
            fit(keys, key_width),
            key_width,
            style(app, Role::HelpKey),
        );
        let rest = cols.saturating_sub(key_width + 3);
        buf.set_stringn(
            inner.x + key_width as u16 + 3,
            y,
            fit(text, rest),
            rest,
            Style::default(),
        );
    }
    Some(Scroll { page, max })
}

/// The name of the pane the help is for.
fn pane_name(pane: Pane) -> Msg {
    {
        match pane {
            Pane::List => Msg::PaneList,
            Pane::Detail => Msg::PaneDetail,
            Pane::Prompt => Msg::PanePrompt,
            Pane::StatusMenu => Msg::PaneStatusMenu,
            Pane::CopyMenu => Msg::PaneCopyMenu,
            Pane::MacroMenu => Msg::PaneMacroMenu,
            Pane::Facets => Msg::PaneFacets,
            Pane::Help => Msg::PaneHelp,
            Pane::Composer => Msg::PaneComposer,
            Pane::NewTicket => Msg::PaneNewTicket,
            Pane::Bulk => Msg::PaneBulk,
            Pane::BulkText => Msg::PaneBulkText,
            Pane::BulkPreview => Msg::PaneBulkPreview,
            Pane::BulkRun => Msg::PaneBulkRun,
            Pane::BulkResult => Msg::PaneBulkResult,
            Pane::BulkHistory => Msg::PaneBulkHistory,
            Pane::ResumeOffer => Msg::PaneResumeOffer,
            Pane::SignIn => Msg::PaneSignIn,
        }
    }
}
