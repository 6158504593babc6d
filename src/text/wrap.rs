//! Soft wrapping of edited text into screen rows by display cells (CJK = 2), and where the
//! caret lands among them: a pure function of the text and a width, shared by `update`
//! (which keeps the caret on screen) and the editor that draws it, so the two agree.

use unicode_width::UnicodeWidthChar;

/// One screen row of a wrapped line: chars `start..end` of line `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedRow {
    pub line: usize,
    /// First char (not byte) of the row.
    pub start: usize,
    /// One past the last char of the row.
    pub end: usize,
    /// Display cells the row uses.
    pub cells: usize,
}

/// The cells a character takes when drawn; control characters are drawn as one cell
/// (see [`display_char`]).
pub fn char_cells(c: char) -> usize {
    if c.is_control() {
        1
    } else {
        c.width().unwrap_or(0)
    }
}

/// What is drawn for a character: never a control character.
pub fn display_char(c: char) -> char {
    if c.is_control() { '�' } else { c }
}

/// Wraps every line at `width` cells. A row breaks after its last space when it has one
/// (so words stay whole), otherwise between any two characters (Chinese has no spaces); a
/// row never holds more than `width` cells and a wide character is never split. When the
/// caret (`(line, col)` in chars) sits at the end of a line whose last row is exactly full,
/// an empty row follows that line for the caret (where the next character will go).
pub fn wrap_lines(
    lines: &[String],
    width: usize,
    caret: Option<(usize, usize)>,
) -> Vec<WrappedRow> {
    let width = width.max(2);
    let mut rows = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut start = 0;
        let mut cells = 0;
        // Char index just after the last space of the current row.
        let mut after_space: Option<usize> = None;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let w = char_cells(c);
            if cells + w > width && i > start {
                let end = match after_space {
                    Some(at) if at > start && at < i + 1 => at,
                    _ => i,
                };
                let row_cells = chars[start..end].iter().map(|c| char_cells(*c)).sum();
                rows.push(WrappedRow {
                    line: index,
                    start,
                    end,
                    cells: row_cells,
                });
                start = end;
                cells = chars[start..i].iter().map(|c| char_cells(*c)).sum();
                after_space = None;
                continue;
            }
            cells += w;
            if c == ' ' {
                after_space = Some(i + 1);
            }
            i += 1;
        }
        rows.push(WrappedRow {
            line: index,
            start,
            end: chars.len(),
            cells,
        });
        if cells >= width && caret == Some((index, chars.len())) {
            rows.push(WrappedRow {
                line: index,
                start: chars.len(),
                end: chars.len(),
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
pub fn caret_cell(lines: &[String], rows: &[WrappedRow], cursor: (usize, usize)) -> (usize, usize) {
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
pub fn row_step(
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
pub fn scroll_to_show(
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
pub fn hscroll_to_show(previous: usize, caret_cell: usize, width: usize) -> usize {
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
pub struct TextLayout {
    pub rows: Vec<WrappedRow>,
    /// (wrapped row, cell) of the caret.
    pub caret: (usize, usize),
    pub scroll: usize,
}

impl TextLayout {
    pub fn new(
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
