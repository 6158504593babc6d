//! The one wrap routine of the crate ([`break_line`]): text into rows by display cells
//! (CJK = 2), breaking after a space when a row has one (Latin words stay whole) and
//! anywhere else otherwise (Chinese has no spaces), never inside a grapheme. Around it:
//! the edited text's soft wrap and where the caret lands among its rows (shared by
//! `update`, which keeps the caret on screen, and the editor that draws it, so the two
//! agree), and the view's wraps of finished text (plain, hanging indent, groups kept whole).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// One screen row of a wrapped line: chars `start..end` of line `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrappedRow {
    pub(crate) line: usize,
    /// First char (not byte) of the row.
    pub(crate) start: usize,
    /// One past the last char of the row.
    pub(crate) end: usize,
    /// Display cells the row uses.
    pub(crate) cells: usize,
}

/// The cells a character takes when drawn; control characters are drawn as one cell
/// (see [`display_char`]).
pub(crate) fn char_cells(c: char) -> usize {
    if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// What is drawn for a character: never a control character.
pub(crate) fn display_char(c: char) -> char {
    if c.is_control() { '�' } else { c }
}

/// One grapheme of a line for [`break_line`]: its bytes, its cells, whether it is a space.
#[derive(Debug, Clone)]
struct Unit {
    bytes: Range<usize>,
    cells: usize,
    space: bool,
}

/// The graphemes of `line`, each `cells` wide.
fn units(line: &str, cells: impl Fn(&str) -> usize) -> Vec<Unit> {
    line.grapheme_indices(true)
        .map(|(at, grapheme)| Unit {
            bytes: at..at + grapheme.len(),
            cells: cells(grapheme),
            space: grapheme == " ",
        })
        .collect()
}

/// What becomes of the space a row breaks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spaces {
    /// Every space stays on a row (edited text: the caret must have a place on each).
    Keep,
    /// A space at a break is not drawn: trailing spaces leave the row, and a space that
    /// would overflow it is dropped (finished text).
    Drop,
}

/// The core: where the rows of one line (no `\n`) break, as unit ranges with their cells.
/// Row `n` (counted from `first_row`, so a hanging indent can span paragraphs) holds at
/// most `width(n)` cells (at least 1), unless one grapheme alone is wider. A row breaks
/// after its last space when it has one, otherwise before the grapheme that does not fit.
fn break_line(
    units: &[Unit],
    first_row: usize,
    width: &dyn Fn(usize) -> usize,
    spaces: Spaces,
) -> Vec<(Range<usize>, usize)> {
    let sum = |range: Range<usize>| -> usize { units[range].iter().map(|u| u.cells).sum() };
    let mut rows = Vec::new();
    let mut start = 0;
    let mut cells = 0;
    // Unit index just after the last space of the current row.
    let mut after_space: Option<usize> = None;
    let mut i = 0;
    while i < units.len() {
        let limit = width(first_row + rows.len()).max(1);
        let unit = &units[i];
        if cells + unit.cells > limit && i > start {
            let after_space = after_space.take().filter(|at| *at > start);
            if spaces == Spaces::Drop && unit.space {
                // The overflowing space is the break: it goes with neither row.
                rows.push((start..i, cells));
                start = i + 1;
                cells = 0;
                i += 1;
                if i == units.len() {
                    // A space at the edge ends the line: no blank row after it.
                    return rows;
                }
                continue;
            }
            let end = after_space.unwrap_or(i);
            let mut kept = end;
            if spaces == Spaces::Drop {
                while kept > start && units[kept - 1].space {
                    kept -= 1;
                }
            }
            rows.push((start..kept, sum(start..kept)));
            start = end;
            cells = sum(start..i);
            // Checked again: the rest of the word and this grapheme may not fit either.
            continue;
        }
        cells += unit.cells;
        if unit.space {
            after_space = Some(i + 1);
        }
        i += 1;
    }
    rows.push((start..units.len(), cells));
    rows
}

/// Finished text wrapped at `columns` cells: each `\n` starts a row, a space at a break is
/// not drawn; no text is lost and no grapheme split.
pub(crate) fn wrap(text: &str, columns: usize) -> Vec<String> {
    wrap_hanging(text, columns, columns)
}

/// [`wrap`] with the first row `first` cells wide and every later row `rest` wide (the
/// caller puts its indent or lead before them).
pub(crate) fn wrap_hanging(text: &str, first: usize, rest: usize) -> Vec<String> {
    let width = |row: usize| if row == 0 { first } else { rest };
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let units = units(paragraph, crate::text::width);
        for (range, _) in break_line(&units, out.len(), &width, Spaces::Drop) {
            let bytes = match (units.get(range.start), range.end.checked_sub(1)) {
                (Some(first), Some(last)) if range.end > range.start => {
                    first.bytes.start..units[last].bytes.end
                }
                _ => 0..0,
            };
            out.push(paragraph.get(bytes).unwrap_or_default().to_string());
        }
    }
    out
}

/// [`wrap`] keeping groups whole: a group ends after a grapheme `ends_group` accepts (a
/// comma, a semicolon), and a row breaks only between groups; a group wider than the row
/// wraps as text, its last row carrying on with the next groups.
pub(crate) fn wrap_groups(
    text: &str,
    columns: usize,
    ends_group: impl Fn(&str) -> bool,
) -> Vec<String> {
    let width = crate::text::width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut pieces = Vec::new();
        let mut start = 0;
        for (at, grapheme) in paragraph.grapheme_indices(true) {
            if ends_group(grapheme) {
                pieces.push(&paragraph[start..at + grapheme.len()]);
                start = at + grapheme.len();
            }
        }
        if start < paragraph.len() {
            pieces.push(&paragraph[start..]);
        }
        let mut line = String::new();
        for piece in pieces {
            if width(&line) + width(piece) <= columns {
                line.push_str(piece);
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let piece = piece.trim_start();
            if width(piece) <= columns {
                line = piece.to_string();
            } else {
                let mut parts = wrap(piece, columns);
                line = parts.pop().unwrap_or_default();
                lines.extend(parts);
            }
        }
        lines.push(line);
    }
    lines
}

/// Wraps every edited line at `width` cells (at least 2) with [`break_line`], keeping every
/// space on a row; a wide character is never split. When the caret (`(line, col)` in
/// chars) sits at the end of a line whose last row is exactly full, an empty row follows
/// that line for the caret (where the next character will go).
pub(crate) fn wrap_lines(
    lines: &[String],
    width: usize,
    caret: Option<(usize, usize)>,
) -> Vec<WrappedRow> {
    let width = width.max(2);
    let mut rows = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        // Cells as the caret counts them (`caret_cell`): a char at a time.
        let units = units(line, |grapheme| grapheme.chars().map(char_cells).sum());
        // The char index each unit starts at, and one past the last.
        let mut char_at = Vec::with_capacity(units.len() + 1);
        let mut chars = 0;
        for unit in &units {
            char_at.push(chars);
            chars += line[unit.bytes.clone()].chars().count();
        }
        char_at.push(chars);
        let mut last_cells = 0;
        for (range, cells) in break_line(&units, 0, &|_| width, Spaces::Keep) {
            rows.push(WrappedRow {
                line: index,
                start: char_at[range.start],
                end: char_at[range.end],
                cells,
            });
            last_cells = cells;
        }
        if last_cells >= width && caret == Some((index, chars)) {
            rows.push(WrappedRow {
                line: index,
                start: chars,
                end: chars,
                cells: 0,
            });
        }
    }
    if rows.is_empty() {
        rows.push(WrappedRow {
            line: 0,
            start: 0,
            end: 0,
            cells: 0,
        });
    }
    rows
}

/// Where the caret (`row`, `col` in chars, as the text area counts) lands among the
/// wrapped rows: (wrapped row index, cell column within that row).
pub(crate) fn caret_cell(
    lines: &[String],
    rows: &[WrappedRow],
    cursor: (usize, usize),
) -> (usize, usize) {
    let (line, col) = cursor;
    let mut found = None;
    for (index, row) in rows.iter().enumerate() {
        if row.line != line {
            if found.is_some() {
                break;
            }
            continue;
        }
        let last_of_line = rows.get(index + 1).is_none_or(|next| next.line != line);
        if row.start <= col && (col < row.end || last_of_line) {
            found = Some((index, row));
            break;
        }
        found = Some((index, row));
    }
    let Some((index, row)) = found else {
        return (rows.len().saturating_sub(1), 0);
    };
    let text = lines.get(line).map(String::as_str).unwrap_or("");
    let cells = text
        .chars()
        .skip(row.start)
        .take(col.saturating_sub(row.start))
        .map(char_cells)
        .sum();
    (index, cells)
}

/// The caret one screen row up or down (`down`) over the text wrapped at `width`: the
/// char on that row under the caret's cell, or the row's end when it is shorter (a wide
/// character the cell falls inside is passed over to its left). `None` at the first or
/// last row. Moves over the rows the editor draws, so the caret lands where it is seen.
pub(crate) fn row_step(
    lines: &[String],
    cursor: (usize, usize),
    width: usize,
    down: bool,
) -> Option<(usize, usize)> {
    let rows = wrap_lines(lines, width, Some(cursor));
    let (at, cell) = caret_cell(lines, &rows, cursor);
    let target = if down { at + 1 } else { at.checked_sub(1)? };
    let row = rows.get(target)?;
    let last_of_line = rows
        .get(target + 1)
        .is_none_or(|next| next.line != row.line);
    // On a row that continues below, its end is the next row's start: stop before it.
    let end = if last_of_line {
        row.end
    } else {
        row.end.saturating_sub(1).max(row.start)
    };
    let text = lines.get(row.line).map(String::as_str).unwrap_or("");
    let mut col = row.start;
    let mut used = 0;
    for c in text.chars().skip(row.start).take(end - row.start) {
        let w = char_cells(c);
        if used + w > cell {
            break;
        }
        used += w;
        col += 1;
    }
    Some((row.line, col))
}

/// The first row to show so that `caret_row` is visible, moving as little as possible from
/// `previous` (the view does not jump while the caret stays on screen).
pub(crate) fn scroll_to_show(
    previous: usize,
    caret_row: usize,
    height: usize,
    total_rows: usize,
) -> usize {
    let height = height.max(1);
    let mut top = previous.min(total_rows.saturating_sub(1));
    if caret_row < top {
        top = caret_row;
    } else if caret_row >= top + height {
        top = caret_row + 1 - height;
    }
    // No empty space below the text when it could be filled by scrolling back.
    let max_top = total_rows.saturating_sub(height);
    top.min(max_top.max(caret_row.saturating_sub(height - 1)))
}

/// The first cell to show of a one-line field so that the caret cell is visible, counted
/// in cells (a wide character is never cut on the left: the caller draws from a char).
pub(crate) fn hscroll_to_show(previous: usize, caret_cell: usize, width: usize) -> usize {
    let width = width.max(1);
    if caret_cell < previous {
        caret_cell
    } else if caret_cell >= previous + width {
        caret_cell + 1 - width
    } else {
        previous
    }
}

/// The text's layout in an area: the rows, the caret's place and the first row shown.
/// `update` keeps the caret on screen with it and the editor draws from it, so both agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextLayout {
    pub(crate) rows: Vec<WrappedRow>,
    /// (wrapped row, cell) of the caret.
    pub(crate) caret: (usize, usize),
    pub(crate) scroll: usize,
}

impl TextLayout {
    pub(crate) fn new(
        lines: &[String],
        cursor: (usize, usize),
        width: u16,
        height: u16,
        scroll: usize,
    ) -> Self {
        let rows = wrap_lines(lines, usize::from(width), Some(cursor));
        let caret = caret_cell(lines, &rows, cursor);
        let scroll = scroll_to_show(scroll, caret.0, usize::from(height), rows.len());
        TextLayout {
            rows,
            caret,
            scroll,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.split('\n').map(str::to_string).collect()
    }

    fn row_text(lines: &[String], row: &WrappedRow) -> String {
        lines[row.line]
            .chars()
            .skip(row.start)
            .take(row.end - row.start)
            .collect()
    }

    #[test]
    fn chinese_wraps_by_cells_without_splitting() {
        let text = lines("您好，您的问题已经转交给技术部门处理");
        let rows = wrap_lines(&text, 9, None);
        for row in &rows {
            assert!(row.cells <= 9, "{row:?}");
        }
        // 9 cells hold four CJK characters (8 cells); the fifth goes to the next row.
        assert_eq!(row_text(&text, &rows[0]), "您好，您");
        let joined: String = rows.iter().map(|r| row_text(&text, r)).collect();
        assert_eq!(joined, text[0]);
    }

    #[test]
    fn words_stay_whole() {
        let text = lines("hello world again");
        let rows = wrap_lines(&text, 11, None);
        let texts: Vec<String> = rows.iter().map(|r| row_text(&text, r)).collect();
        assert_eq!(texts, vec!["hello ", "world again"]);
        // The second row is exactly full: with the caret at its end, an empty row follows.
        let rows = wrap_lines(&text, 11, Some((0, 17)));
        let texts: Vec<String> = rows.iter().map(|r| row_text(&text, r)).collect();
        assert_eq!(texts, vec!["hello ", "world again", ""]);
        let rows = wrap_lines(&text, 12, None);
        let texts: Vec<String> = rows.iter().map(|r| row_text(&text, r)).collect();
        assert_eq!(texts, vec!["hello world ", "again"]);
    }

    #[test]
    fn caret_after_mixed_text_counts_cells() {
        let text = lines("ab中文c");
        let rows = wrap_lines(&text, 40, Some((0, 5)));
        assert_eq!(caret_cell(&text, &rows, (0, 5)), (0, 7));
        assert_eq!(caret_cell(&text, &rows, (0, 3)), (0, 4));
    }

    #[test]
    fn caret_at_a_full_rows_end_goes_to_the_next_row() {
        let text = lines("中文中文");
        assert_eq!(wrap_lines(&text, 8, None).len(), 1);
        let rows = wrap_lines(&text, 8, Some((0, 4)));
        assert_eq!(rows.len(), 2);
        assert_eq!(caret_cell(&text, &rows, (0, 4)), (1, 0));
        let rows = wrap_lines(&lines("中文中文好"), 8, None);
        assert_eq!(caret_cell(&lines("中文中文好"), &rows, (0, 4)), (1, 0));
        assert_eq!(caret_cell(&lines("中文中文好"), &rows, (0, 5)), (1, 2));
    }

    #[test]
    fn up_and_down_move_by_screen_row_over_wrapped_chinese() {
        // Width 6: "一二三" (6 cells) is a row, "四五六" the next, then "ab" on line 2.
        let text = lines("一二三四五六\nab");
        // From "五" (row 1, cell 2) up to "二" (row 0, cell 2): same line, one row up.
        assert_eq!(row_step(&text, (0, 4), 6, false), Some((0, 1)));
        // And down again.
        assert_eq!(row_step(&text, (0, 1), 6, true), Some((0, 4)));
        // Down from "五" to line 2, cell 2: after "ab".
        assert_eq!(row_step(&text, (0, 4), 6, true), Some((1, 2)));
        // A cell inside a wide character lands before it: from "b" (cell 1) up to "四".
        assert_eq!(row_step(&text, (1, 1), 6, false), Some((0, 3)));
        // From "三" (cell 4) down: after the 4 cells "四五" of the row below.
        assert_eq!(row_step(&text, (0, 2), 6, true), Some((0, 5)));
        // No row above the first or below the last.
        assert_eq!(row_step(&text, (0, 0), 6, false), None);
        assert_eq!(row_step(&text, (1, 0), 6, true), None);
        // Every step lands where the editor draws the caret: one row away.
        let rows = wrap_lines(&text, 6, Some((0, 4)));
        let moved = row_step(&text, (0, 4), 6, false).unwrap();
        let before = caret_cell(&text, &rows, (0, 4));
        let after = caret_cell(&text, &wrap_lines(&text, 6, Some(moved)), moved);
        assert_eq!(after.0 + 1, before.0);
    }

    #[test]
    fn scrolling_follows_the_caret() {
        assert_eq!(scroll_to_show(0, 10, 4, 20), 7);
        assert_eq!(scroll_to_show(7, 8, 4, 20), 7);
        assert_eq!(scroll_to_show(7, 2, 4, 20), 2);
        assert_eq!(hscroll_to_show(0, 30, 10), 21);
        assert_eq!(hscroll_to_show(21, 25, 10), 21);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod core_tests {
    use super::*;
    use crate::text::width;

    /// Every row fits (unless one grapheme alone is wider) and the rows give the text back
    /// but the spaces dropped at breaks.
    fn check(text: &str, columns: usize) -> Vec<String> {
        let rows = wrap(text, columns);
        for row in &rows {
            assert!(
                width(row) <= columns.max(1) || row.graphemes(true).count() == 1,
                "{row:?} wider than {columns}: {rows:?}"
            );
        }
        let strip = |s: &str| s.replace([' ', '\n'], "");
        assert_eq!(strip(&rows.concat()), strip(text), "text lost at {columns}");
        rows
    }

    #[test]
    fn chinese_breaks_anywhere_by_cells() {
        assert_eq!(
            check("无法登录系统请帮忙", 8),
            ["无法登录", "系统请帮", "忙"]
        );
        // An odd width leaves the last cell empty rather than split a character.
        assert_eq!(check("无法登录系统", 5), ["无法", "登录", "系统"]);
    }

    #[test]
    fn latin_breaks_at_spaces_and_drops_the_space() {
        assert_eq!(check("hello world again", 11), ["hello world", "again"]);
        assert_eq!(check("hello world again", 12), ["hello world", "again"]);
        assert_eq!(check("hello world again", 8), ["hello", "world", "again"]);
        // Each `\n` starts a row, an empty line stays.
        assert_eq!(check("ab\n\ncd", 10), ["ab", "", "cd"]);
    }

    #[test]
    fn mixed_text_keeps_words_and_breaks_chinese() {
        assert_eq!(check("工单 ticket 已解决", 8), ["工单", "ticket", "已解决"]);
        assert_eq!(check("请查看error日志", 6), ["请查看", "error", "日志"]);
    }

    #[test]
    fn a_word_wider_than_the_row_breaks_inside() {
        assert_eq!(
            check("see abcdefghijkl now", 5),
            ["see", "abcde", "fghij", "kl", "now"]
        );
    }

    #[test]
    fn width_zero_and_one_lose_nothing() {
        assert_eq!(check("abc", 1), ["a", "b", "c"]);
        assert_eq!(check("abc", 0), ["a", "b", "c"]);
        // A character wider than the row gets a row of its own.
        assert_eq!(check("中文", 1), ["中", "文"]);
        assert_eq!(check("a b", 1), ["a", "b"]);
    }

    #[test]
    fn graphemes_are_never_split() {
        // e + combining acute, and a family emoji (ZWJ sequence): each one grapheme.
        let text = "e\u{301}e\u{301}e\u{301}";
        assert_eq!(check(text, 2), ["e\u{301}e\u{301}", "e\u{301}"]);
        let family = "👨\u{200d}👩\u{200d}👧";
        let rows = check(&format!("{family}{family}"), 2);
        assert_eq!(rows, [family, family]);
        // The editor's rows break between graphemes too (its cells count chars).
        let lines = vec!["ab\u{301}cd".to_string()];
        let rows = wrap_lines(&lines, 2, None);
        let ends: Vec<(usize, usize)> = rows.iter().map(|r| (r.start, r.end)).collect();
        assert_eq!(ends, [(0, 3), (3, 5)]);
    }

    #[test]
    fn a_space_at_the_edge_makes_no_blank_row() {
        // Before, the space that overflowed the last row left an empty row after it.
        assert_eq!(check("hello world ", 11), ["hello world"]);
    }

    #[test]
    fn a_row_is_checked_again_after_a_break_at_a_space() {
        // Before, the rest of a word moved down and the next character was added without
        // a check: " 字字字字x" then "字" gave a row of 11 cells in 10.
        assert_eq!(check(" 字字字字x字", 10), ["", "字字字字x", "字"]);
    }

    #[test]
    fn hanging_rows_use_their_own_width() {
        let rows = wrap_hanging("one two three four", 9, 5);
        assert_eq!(rows, ["one two", "three", "four"]);
        // Across paragraphs, only the very first row is the wide one.
        assert_eq!(wrap_hanging("ab cd\nef gh", 5, 2), ["ab cd", "ef", "gh"]);
    }

    #[test]
    fn groups_stay_whole() {
        let is_end = |g: &str| matches!(g, "，" | ",");
        assert_eq!(
            wrap_groups("已开启 → 已解决 201，待回应 → 已解决 36", 24, is_end),
            ["已开启 → 已解决 201，", "待回应 → 已解决 36"]
        );
        // A group wider than the row wraps as text, its last row goes on with the next.
        assert_eq!(
            wrap_groups("aaaa bbbb cccc,d", 9, is_end),
            ["aaaa bbbb", "cccc,d"]
        );
    }
}
