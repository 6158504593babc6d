//! The status bar: view name, loaded / total, sort, a spinner while anything is in flight,
//! and the last notice or error in plain words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::i18n::{Msg, fill};
use super::{color, fit, width};
use crate::app::App;

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
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
    let mut head = format!("{spinner} {} {counts}", view.spec.name.label(lang));
    if view.sort.is_some() {
        head.push_str(" · ");
        head.push_str(&crate::app::update::sort_label(lang, view.sort));
    }
    for part in [
        crate::app::marks::status_text(app),
        crate::app::bulk_edit::status_text(app),
    ]
    .into_iter()
    .flatten()
    {
        head.push_str(" · ");
        head.push_str(&part);
    }
    head.push_str("  ");
    let help = format!(" ?={} ", Msg::KeyHelp.text(lang));
    let total = usize::from(area.width);
    let room = total.saturating_sub(width(&head) + width(&help));
    let (notice, notice_style) = match &app.notice {
        Some(notice) if notice.is_error => (
            notice.text.clone(),
            color(app, Color::Red).add_modifier(Modifier::BOLD),
        ),
        Some(notice) => (notice.text.clone(), Style::default()),
        None => (String::new(), Style::default()),
    };
    let bar = Style::default().add_modifier(Modifier::REVERSED);
    let line = Line::from(vec![
        Span::styled(head, bar),
        Span::styled(fit(&notice, room), bar.patch(notice_style)),
        Span::styled(help, bar),
    ]);
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &line, area.width);
}
