//! A ticket's files in the detail (name, size or "size unknown", the field it came from),
//! the downloads' progress on the status line and the files' notices.

use ratatui::text::{Line, Span};

use super::Ctx;
use super::theme::Role;
use super::{style, truncate};
use crate::api::Ticket;
use crate::app::files::{DownloadFailure, FilesNote};
use crate::app::keymap::KeyMap;
use crate::lang::Lang;
use crate::words::{Msg, fill, fill_keyed};

/// `512 B`, `2.0 KB`, `3.4 MB`, `1.2 GB` (units of 1024, alike in both languages).
pub(crate) fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The detail's part: a heading, the keys, one line per file (the selected one marked).
pub(super) fn lines(app: &Ctx, ticket: &Ticket, columns: usize, out: &mut Vec<Line<'static>>) {
    let list = crate::app::files::files(app.app, ticket.id);
    if list.is_empty() {
        return;
    }
    let lang = app.lang();
    super::detail::heading(app, out, Msg::FilesTitle.text(lang), columns);
    let named = |text: &str| app.settings.keymap.expand(text);
    let hint = fill_keyed(lang, Msg::FilesHint, &[], &named);
    out.push(Line::from(Span::styled(
        truncate(&hint, columns),
        style(app, Role::Muted),
    )));
    let selected = crate::app::files::selected_of(app.app, ticket.id, list.len());
    for (index, file) in list.iter().enumerate() {
        let mark = if Some(index) == selected {
            "▶ "
        } else {
            "  "
        };
        let name = file
            .name
            .clone()
            .unwrap_or_else(|| Msg::FileUnnamed.text(lang).to_string());
        let mut details = vec![match file.size {
            Some(size) => size_text(size),
            None => Msg::FileSizeUnknown.text(lang).to_string(),
        }];
        if let Some(key) = &file.field {
            let field = app
                .lookups
                .field_def(key)
                .map_or(key.as_str(), |def| def.name.as_str());
            details.push(fill(lang, Msg::FileFromField, &[field]));
        }
        if file.url.is_none() {
            details.push(Msg::FileNoLinkMark.text(lang).to_string());
        }
        let text = truncate(&format!("{mark}{name}  {}", details.join(" · ")), columns);
        let line_style = if Some(index) == selected {
            style(app, Role::Selection)
        } else {
            ratatui::style::Style::default()
        };
        out.push(Line::from(Span::styled(text, line_style)));
    }
}

/// The status line's part while files download: `↓ name 42%` (or the bytes so far when the
/// host did not say how many), the oldest first, then `+n`.
pub(crate) fn status_text(app: &crate::app::App) -> Option<String> {
    let downloads = &app.files.downloads;
    let first = downloads.first()?;
    let amount = match first.total {
        Some(total) if total > 0 => format!("{}%", first.done.saturating_mul(100) / total),
        _ => size_text(first.done),
    };
    let name = truncate(&first.name, 24);
    let mut text = fill(app.lang(), Msg::FileProgress, &[&name, &amount]);
    if downloads.len() > 1 {
        text.push_str(&format!(" +{}", downloads.len() - 1));
    }
    Some(text)
}

/// A files' notice in `lang`.
pub(crate) fn note(lang: Lang, keys: &KeyMap, note: &FilesNote) -> String {
    let unnamed = || Msg::FileUnnamed.text(lang).to_string();
    match note {
        FilesNote::NoFiles => Msg::FilesNone.text(lang).to_string(),
        FilesNote::NoLink(name) => fill(
            lang,
            Msg::FileNoLink,
            &[&name.clone().unwrap_or_else(unnamed)],
        ),
        FilesNote::NoFolder => Msg::FileNoFolder.text(lang).to_string(),
        FilesNote::Started(name) => fill(lang, Msg::FileDownloading, &[name]),
        FilesNote::Done { name, path } => fill(lang, Msg::FileDownloaded, &[name, path]),
        FilesNote::Failed { name, error } => {
            let why = match error {
                DownloadFailure::Api(error) => super::notice::api_error(lang, keys, error),
                DownloadFailure::File { dir, error } => fill(
                    lang,
                    Msg::FileWriteFailed,
                    &[&dir.display().to_string(), error],
                ),
                DownloadFailure::BadLink => Msg::FileBadLink.text(lang).to_string(),
                DownloadFailure::Refused(code) => {
                    fill(lang, Msg::FileRefused, &[&code.to_string()])
                }
            };
            fill(lang, Msg::FileDownloadFailed, &[name, &why])
        }
        FilesNote::LinkCopied(name) => fill(
            lang,
            Msg::FileLinkCopied,
            &[&name.clone().unwrap_or_else(unnamed)],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(1023), "1023 B");
        assert_eq!(size_text(2048), "2.0 KB");
        assert_eq!(size_text(5 * 1024 * 1024 + 1024 * 400), "5.4 MB");
    }
}
