//! Links in ticket text, found as the ticket view draws (issue 17, item 8): the http(s)
//! URLs among the rows on screen, and the cells that show each, handed to the terminal
//! backend through the frame's [`LinkMap`] to be written as OSC 8 hyperlinks.
//!
//! The link is the text shown (what the agent sees is where it goes), found by `linkify`
//! over the rows as drawn: a URL the wrap broke across rows (a row with no space, full to
//! the edge) is joined again, and rows just off screen are read too so that a URL cut by
//! the pane's edge is whole. The URL is sanitised as it goes into the map.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::hyperlink::LinkMap;

/// Rows read above and below the screen, so that a URL wrapped over the edge is whole.
pub(crate) const CONTEXT_ROWS: usize = 8;

/// A link found on screen: the cells that show it, each with the glyph drawn there, and
/// its URL as written in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    cells: Vec<(u16, u16, char)>,
    url: String,
}

/// The text of a drawn line.
pub(crate) fn line_text(line: &Line) -> String {
    line.spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect()
}

/// Whether row `next` goes on with `row`'s last word: the wrap broke it there (a row with
/// no space breaks only when full, give or take a wide glyph).
fn continues(row: &str, next: &str, columns: usize) -> bool {
    !row.contains(' ')
        && crate::text::width(row) + 1 >= columns
        && !next.is_empty()
        && !next.starts_with(' ')
}

/// Chinese punctuation, which `linkify` takes into a URL: the URL ends before it (a
/// Chinese sentence puts `，` or `。` right after a link, with no space).
fn ends_a_url(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}'
        | '\u{ff01}'..='\u{ff0f}'
        | '\u{ff1a}'..='\u{ff20}'
        | '\u{ff3b}'..='\u{ff40}'
        | '\u{ff5b}'..='\u{ff65}'
        | '“' | '”' | '‘' | '’' | '…' | '—')
}

/// The http(s) links among `rows` (the drawn text of consecutive rows, from `first` on
/// screen in `area`, `CONTEXT_ROWS` around it), with the cells on screen that show them.
/// `whole_top`/`whole_bottom`: no row comes before/after `rows`, so a link touching that
/// end is whole; otherwise it may be cut and is left plain.
pub(crate) fn find(
    rows: &[String],
    first: usize,
    area: Rect,
    whole_top: bool,
    whole_bottom: bool,
) -> Vec<Found> {
    let columns = usize::from(area.width);
    let mut joined = String::new();
    // Per byte of `joined`: the row, column and glyph of the char starting there.
    let mut at: Vec<Option<(usize, u16, char)>> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if index > 0 && !continues(&rows[index - 1], row, columns) {
            joined.push('\n');
            at.push(None);
        }
        let mut column = 0u16;
        for ch in row.chars() {
            joined.push(ch);
            at.push(Some((index, column, ch)));
            at.resize(joined.len(), None);
            let width = crate::text::wrap::char_cells(ch);
            column = column.saturating_add(u16::try_from(width).unwrap_or(u16::MAX));
        }
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut found = Vec::new();
    for link in finder.links(&joined) {
        let url = link.as_str();
        let url = &url[..url.find(ends_a_url).unwrap_or(url.len())];
        let end = link.start() + url.len();
        let http = ["http://", "https://"].iter().any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
        });
        if !http || (link.start() == 0 && !whole_top) || (end == joined.len() && !whole_bottom) {
            continue;
        }
        let cells: Vec<(u16, u16, char)> = at[link.start()..end]
            .iter()
            .flatten()
            .filter(|(row, column, _)| {
                (first..first + usize::from(area.height)).contains(row) && *column < area.width
            })
            .filter_map(|(row, column, ch)| {
                let y = u16::try_from(row - first).ok()?;
                Some((area.x + column, area.y + y, *ch))
            })
            .collect();
        if !cells.is_empty() {
            found.push(Found {
                cells,
                url: url.to_string(),
            });
        }
    }
    found
}

/// Puts the links found into `map`, those whose every cell still shows its glyph once the
/// whole frame is drawn (a menu or prompt drawn over the pane hides them), as runs of
/// cells per row.
pub(crate) fn record(map: &mut LinkMap, found: &[Found], buffer: &Buffer) {
    let mut utf8 = [0u8; 4];
    for link in found {
        let shown = link.cells.iter().all(|(x, y, ch)| {
            buffer
                .cell((*x, *y))
                .is_some_and(|cell| cell.symbol() == ch.encode_utf8(&mut utf8))
        });
        if !shown {
            continue;
        }
        let mut run: Option<(u16, u16, u16)> = None;
        for (x, y, ch) in &link.cells {
            let width = u16::try_from(crate::text::wrap::char_cells(*ch)).unwrap_or(1);
            run = match run {
                Some((ry, start, end)) if ry == *y && end == *x => {
                    Some((ry, start, x.saturating_add(width)))
                }
                Some((ry, start, end)) => {
                    map.add(ry, start, end, &link.url);
                    Some((*y, *x, x.saturating_add(width)))
                }
                None => Some((*y, *x, x.saturating_add(width))),
            };
        }
        if let Some((y, start, end)) = run {
            map.add(y, start, end, &link.url);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::hyperlink::LinkRun;

    fn rows(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    fn urls(found: &[Found]) -> Vec<&str> {
        found.iter().map(|f| f.url.as_str()).collect()
    }

    #[test]
    fn http_links_are_found_and_other_schemes_are_not() {
        let area = Rect::new(2, 1, 40, 5);
        let found = find(
            &rows(&[
                "see https://a.example/x?q=1, or",
                "ftp://b.example/ and mailto:c@d.e",
                "请看http://中文.example/路径 谢谢",
            ]),
            0,
            area,
            true,
            true,
        );
        assert_eq!(
            urls(&found),
            ["https://a.example/x?q=1", "http://中文.example/路径"]
        );
        // Cells by display column: after 请看 (4 columns), wide glyphs two each.
        assert_eq!(found[0].cells[0], (6, 1, 'h'));
        assert_eq!(found[1].cells[0], (6, 3, 'h'));
        assert_eq!(found[1].cells[7], (13, 3, '中'));
        assert_eq!(found[1].cells[8], (15, 3, '文'));
    }

    #[test]
    fn chinese_punctuation_after_a_url_is_not_part_of_it() {
        let area = Rect::new(0, 0, 60, 3);
        let found = find(
            &rows(&[
                "链接https://a.example/x，谢谢",
                "（https://b.example/y）。",
                "见https://c.example/z。",
            ]),
            0,
            area,
            true,
            true,
        );
        assert_eq!(
            urls(&found),
            [
                "https://a.example/x",
                "https://b.example/y",
                "https://c.example/z"
            ]
        );
    }

    #[test]
    fn a_url_broken_by_the_wrap_is_one_link_over_both_rows() {
        let area = Rect::new(0, 0, 10, 4);
        let found = find(
            &rows(&["https://a.", "example/lo", "ng ok", "https://b"]),
            0,
            area,
            true,
            true,
        );
        assert_eq!(urls(&found), ["https://a.example/long", "https://b"]);
        let mut buffer = Buffer::empty(area);
        for (y, text) in ["https://a.", "example/lo", "ng ok", "https://b"]
            .iter()
            .enumerate()
        {
            buffer.set_string(0, y as u16, text, ratatui::style::Style::default());
        }
        let mut map = LinkMap::default();
        record(&mut map, &found, &buffer);
        let run = |y, x, end, url| LinkRun { y, x, end, url };
        assert_eq!(
            map.runs(),
            [
                run(0, 0, 10, 0),
                run(1, 0, 10, 0),
                run(2, 0, 2, 0),
                run(3, 0, 9, 1)
            ]
        );
        // A row with a space is never joined to the next.
        let found = find(&rows(&["a https://", "x.example"]), 0, area, true, true);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn only_cells_on_screen_are_linked_and_a_link_cut_at_the_context_is_not() {
        let area = Rect::new(0, 0, 10, 1);
        // Row 1 on screen, the URL starting on row 0 above it.
        let texts = rows(&["https://a.", "example/x", ""]);
        let found = find(&texts, 1, area, true, true);
        assert_eq!(urls(&found), ["https://a.example/x"]);
        assert_eq!(found[0].cells.len(), 9);
        assert_eq!(found[0].cells[0], (0, 0, 'e'));
        // The rows read start inside the URL: it may be cut, so it is no link.
        let found = find(&texts[1..], 0, area, false, true);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_link_drawn_over_is_not_recorded() {
        let area = Rect::new(0, 0, 20, 1);
        let found = find(&rows(&["https://a.example"]), 0, area, true, true);
        let mut buffer = Buffer::empty(area);
        buffer.set_string(
            0,
            0,
            "https://a.exa[menu]",
            ratatui::style::Style::default(),
        );
        let mut map = LinkMap::default();
        record(&mut map, &found, &buffer);
        assert!(map.is_empty());
        buffer.set_string(
            0,
            0,
            "https://a.example  ",
            ratatui::style::Style::default(),
        );
        record(&mut map, &found, &buffer);
        assert_eq!(map.urls(), ["https://a.example"]);
    }
}
