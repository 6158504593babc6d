//! The password prompt shown over the screen after a 401 mid-session: the panes below keep
//! what they showed. The password shows as one `*` per character.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders};

use super::Ctx;
use super::theme::Role;
use super::{fit, style, width};
use crate::app::state::Pane;
use crate::words::{Msg, fill};

/// The most stars shown, so a long password does not say its length past a point.
const MAX_STARS: usize = 24;

pub(crate) fn render(frame: &mut Frame, app: &Ctx, screen: Rect) {
    let Some(prompt) = &app.faults.sign_in else {
        return;
    };
    let lang = app.lang();
    let title = fill(lang, Msg::SignInTitle, &[&app.settings.account_label]);
    let label = Msg::SignInLabel.text(lang);
    // The keys named are the live ones (`[keys.sign_in]`).
    let hint = app.settings.keymap.hint_line(
        Pane::SignIn,
        &[
            (&["submit"], Msg::HintSignIn),
            (&["cancel"], Msg::HintCancel),
        ],
        lang,
    );
    let hint = hint.as_str();
    let stars = "*".repeat(prompt.typed().min(MAX_STARS));
    let error = prompt
        .error
        .as_ref()
        .map(|error| super::notice::sign_in_error(lang, &app.settings.keymap, error))
        .unwrap_or_default();
    let inner_width = (width(&title) + 2)
        .max(width(label) + MAX_STARS + 1)
        .max(width(hint))
        .max(width(&error))
        .min(usize::from(screen.width));
    let w = (inner_width as u16).saturating_add(2).min(screen.width);
    let h = 5.min(screen.height);
    if w < 3 || h < 3 {
        return;
    }
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    super::clear_overlay(frame, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&format!(" {title} "), usize::from(w.saturating_sub(2))));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let lines = [
        (format!("{label}{stars}"), Style::default()),
        (error, style(app, Role::Problem)),
        (hint.to_string(), Style::default()),
    ];
    let buf = frame.buffer_mut();
    for (row, (text, style)) in lines.iter().enumerate() {
        if row as u16 >= inner.height {
            break;
        }
        buf.set_stringn(inner.x, inner.y + row as u16, fit(text, cols), cols, *style);
    }
}
