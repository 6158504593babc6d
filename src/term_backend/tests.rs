//! The backend's bytes pinned: the shortest write of each frame, scrolls, gaps, colours.

use std::num::NonZeroU16;

use proptest::prelude::*;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::*;

/// The backend over an in-memory writer, the frames ratatui would send it (its diff), and
/// a terminal emulator replaying the bytes.
struct Screen {
    backend: WideAwareBackend<CrosstermBackend<SharedWriter>>,
    writer: SharedWriter,
    emulator: vt100::Parser,
    /// What ratatui believes the screen shows (its previous buffer).
    shown: Buffer,
}

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

impl Screen {
    fn new(width: u16, height: u16) -> Screen {
        let writer = SharedWriter::default();
        Screen {
            backend: WideAwareBackend::new(CrosstermBackend::new(writer.clone())),
            writer,
            emulator: vt100::Parser::new(size(height), size(width), 0),
            shown: Buffer::empty(Rect::new(0, 0, width, height)),
        }
    }

    fn area(&self) -> Rect {
        self.shown.area
    }

    /// Draws `next` as `Terminal::flush` does; the bytes written.
    fn show(&mut self, next: &Buffer) -> Vec<u8> {
        let diff = self.shown.diff(next);
        self.backend.draw(diff.into_iter()).unwrap();
        self.shown = next.clone();
        self.take()
    }

    /// What the console's `terminal.clear()` does (also on resize).
    fn clear(&mut self) {
        self.backend.clear_region(ClearType::All).unwrap();
        self.shown = Buffer::empty(self.area());
        self.take();
    }

    fn resize(&mut self, width: u16, height: u16) {
        self.emulator.set_size(size(height), size(width));
        self.shown = Buffer::empty(Rect::new(0, 0, width, height));
        self.clear();
    }

    fn take(&mut self) -> Vec<u8> {
        Backend::flush(&mut self.backend).unwrap();
        let bytes = self.writer.take();
        self.emulator.process(&bytes);
        bytes
    }
}

fn vt_color(color: Color) -> vt100::Color {
    match color {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(i) => vt100::Color::Idx(i),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// The emulated screen looks like `buffer`: same glyphs (wide ones whole), same
/// background everywhere, same foreground and attributes wherever they show (a plain
/// blank may carry any foreground).
fn looks_like(emulator: &vt100::Parser, buffer: &Buffer) -> Result<(), String> {
    let screen = emulator.screen();
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let want = &buffer[(x, y)];
            let width = cell_width(want);
            let got = screen.cell(y, x).ok_or(format!("no cell {x},{y}"))?;
            let got_symbol = match got.contents() {
                "" => " ",
                s => s,
            };
            let at = format!("at {x},{y}: want {want:?}, got {got:?}");
            if got_symbol != want.symbol() || got.is_wide() != (width == 2) {
                return Err(format!("glyph differs {at}"));
            }
            let blank = want.symbol() == " " && !want.modifier.intersects(VISIBLE_ON_BLANK);
            let same_style = got.bgcolor() == vt_color(want.bg)
                && got.inverse() == want.modifier.contains(Modifier::REVERSED)
                && got.underline() == want.modifier.contains(Modifier::UNDERLINED)
                && (blank
                    || (got.fgcolor() == vt_color(want.fg)
                        && got.bold() == want.modifier.contains(Modifier::BOLD)
                        && got.dim() == want.modifier.contains(Modifier::DIM)
                        && got.italic() == want.modifier.contains(Modifier::ITALIC)));
            if !same_style {
                return Err(format!("style differs {at}"));
            }
            x += width;
        }
    }
    Ok(())
}

fn row(screen: &Screen, text: &str, style: Style) -> Buffer {
    let mut buffer = Buffer::empty(screen.area());
    buffer.set_string(0, 0, text, style);
    buffer
}

// "e\u{301}" is one cell of two code points: a width the backend does not trust.
const GLYPHS: [&str; 11] = [
    "a", "b", "9", " ", " ", "中", "文", "字", "─", "✓", "e\u{301}",
];

fn style_number(n: u8) -> Style {
    let style = Style::default();
    match n {
        0 => style,
        1 => style.fg(Color::Red),
        2 => style.fg(Color::Cyan).add_modifier(Modifier::BOLD),
        3 => style.bg(Color::Blue),
        4 => style.add_modifier(Modifier::REVERSED),
        5 => style.fg(Color::Indexed(200)),
        6 => style.fg(Color::Rgb(1, 2, 3)).bg(Color::Indexed(3)),
        7 => style.fg(Color::Yellow).add_modifier(Modifier::UNDERLINED),
        // Not DIM: styles add up on a cell and vt100 cannot show bold and dim at once.
        8 => style.fg(Color::LightMagenta).add_modifier(Modifier::ITALIC),
        9 => style.bg(Color::LightGreen).add_modifier(Modifier::ITALIC),
        _ => style.fg(Color::White).bg(Color::Black),
    }
}

/// What ratatui's diff assumes of every buffer: the column a wide glyph covers holds a
/// plain blank (a later write into it would never be sent).
fn well_formed(buffer: &mut Buffer) {
    let area = buffer.area;
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let width = cell_width(&buffer[(x, y)]);
            for covered in x + 1..(x + width).min(area.width) {
                buffer[(covered, y)] = Cell::default();
            }
            x += width;
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// Writes over the last frame (small diffs, short gaps).
    Edit(Vec<(u16, u16, String, u8)>),
    /// A new frame from blank.
    Fresh(Vec<(u16, u16, String, u8)>),
    Clear,
    Resize(u16, u16),
    /// Rows `top..=bottom` moved by `by` (up when positive), new text written over it.
    Scroll(u16, u16, i8, Vec<(u16, u16, String, u8)>),
}

/// `frame` with rows `top..=bottom` moved by `by` (up when positive); the rows that come
/// in are blank.
fn scrolled(frame: &Buffer, top: u16, bottom: u16, by: i8) -> Buffer {
    let area = frame.area;
    let mut next = frame.clone();
    let (top, bottom) = (top.min(area.height - 1), bottom.min(area.height - 1));
    for y in top..=bottom {
        let from = i32::from(y) + i32::from(by);
        for x in 0..area.width {
            next[(x, y)] = if from >= i32::from(top) && from <= i32::from(bottom) {
                frame[(x, from as u16)].clone()
            } else {
                Cell::default()
            };
        }
    }
    next
}

fn writes() -> impl Strategy<Value = Vec<(u16, u16, String, u8)>> {
    let text = prop::collection::vec(prop::sample::select(GLYPHS.to_vec()), 1..16)
        .prop_map(|glyphs| glyphs.concat());
    prop::collection::vec((0u16..40, 0u16..8, text, 0u8..11), 0..8)
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        6 => writes().prop_map(Step::Edit),
        2 => writes().prop_map(Step::Fresh),
        1 => Just(Step::Clear),
        1 => (4u16..40, 1u16..8).prop_map(|(w, h)| Step::Resize(w, h)),
        4 => (0u16..3, 2u16..8, prop_oneof![-3i8..0, 1i8..4], writes())
            .prop_map(|(top, bottom, by, writes)| Step::Scroll(top, bottom, by, writes)),
    ];
    prop::collection::vec(step, 1..10)
}

proptest! {
    /// Whatever frames come, with wide glyphs cut and overwritten, clears and resizes
    /// between them, the terminal ends up showing each frame.
    #[test]
    fn the_emulated_screen_shows_every_frame(start in (4u16..40, 1u16..8), steps in steps()) {
        let mut screen = Screen::new(start.0, start.1);
        let mut frame = Buffer::empty(screen.area());
        for step in steps {
            let writes = match step {
                Step::Clear => {
                    screen.clear();
                    Vec::new()
                }
                Step::Resize(width, height) => {
                    screen.resize(width, height);
                    frame = Buffer::empty(screen.area());
                    Vec::new()
                }
                Step::Fresh(writes) => {
                    frame = Buffer::empty(screen.area());
                    writes
                }
                Step::Edit(writes) => writes,
                Step::Scroll(top, bottom, by, writes) => {
                    frame = scrolled(&frame, top, bottom, by);
                    writes
                }
            };
            let area = screen.area();
            for (x, y, text, style) in writes {
                frame.set_string(x % area.width, y % area.height, text, style_number(style));
            }
            well_formed(&mut frame);
            screen.show(&frame);
            if let Err(e) = looks_like(&screen.emulator, &frame) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}

/// A list pane: a title row, `rows` tickets from `first` (the `selected` one reversed,
/// Chinese subjects whose wide glyphs reach the right edge), a status row.
fn list(screen: &Screen, first: usize, selected: usize) -> Buffer {
    let area = screen.area();
    let mut frame = Buffer::empty(area);
    frame.set_string(
        0,
        0,
        "ID     主题",
        Style::default().add_modifier(Modifier::BOLD),
    );
    for y in 1..area.height - 1 {
        let n = first + usize::from(y) - 1;
        let subject = format!("{n:<6} 打印机无法连接第{n}号楼的网络请尽快处理谢谢");
        let style = if n == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(Color::Cyan)
        };
        frame.set_stringn(0, y, &subject, usize::from(area.width), style);
        if n == selected {
            frame.set_style(Rect::new(0, y, area.width, 1), style);
        }
    }
    frame.set_string(
        0,
        area.height - 1,
        format!("{selected} / 9999"),
        Style::default(),
    );
    well_formed(&mut frame);
    frame
}

#[test]
fn a_list_moved_by_one_row_is_scrolled_and_only_the_rows_that_changed_drawn() {
    let mut screen = Screen::new(40, 10);
    let full = screen.show(&list(&screen, 100, 107));
    // The frame scrolled the band with `prefix`, drew much less than a full frame, and
    // the terminal shows what ratatui holds.
    let scrolled = |screen: &Screen, bytes: &[u8], prefix: &[u8], small: bool| {
        assert!(
            bytes.starts_with(prefix),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
        if small {
            assert!(
                bytes.len() * 3 < full.len(),
                "{} of {}",
                bytes.len(),
                full.len()
            );
        }
        looks_like(&screen.emulator, &screen.shown).unwrap();
    };
    // `j` on the last row: the list moves up a row, the selection stays on the last row.
    // Rows 2 to 8 (1-based) scroll up; the old selection's row and the new last row are
    // drawn.
    let bytes = screen.show(&list(&screen, 101, 108));
    scrolled(&screen, &bytes, b"\x1b[2;8r\x1b[S\x1b[r", true);
    // `k` on the first row: down.
    screen.show(&list(&screen, 101, 101));
    let bytes = screen.show(&list(&screen, 100, 100));
    scrolled(&screen, &bytes, b"\x1b[3;9r\x1b[T\x1b[r", true);
    // Three rows at once (a mouse wheel notch).
    let bytes = screen.show(&list(&screen, 103, 100));
    scrolled(&screen, &bytes, b"\x1b[2;9r\x1b[3S\x1b[r", false);
}

#[test]
fn a_backend_without_scrolling_draws_moved_rows_again() {
    let mut screen = Screen::new(40, 10);
    screen.backend =
        WideAwareBackend::new(CrosstermBackend::new(screen.writer.clone())).without_scrolling();
    screen.show(&list(&screen, 100, 107));
    let bytes = screen.show(&list(&screen, 101, 108));
    assert!(
        !bytes.windows(3).any(|w| w == b"\x1b[r"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    looks_like(&screen.emulator, &screen.shown).unwrap();
}

#[test]
fn rows_that_did_not_move_are_not_scrolled() {
    let mut screen = Screen::new(40, 10);
    screen.show(&list(&screen, 100, 102));
    // The selection moves within the screen: two rows change, none moved.
    let bytes = screen.show(&list(&screen, 100, 103));
    assert!(
        !bytes.windows(2).any(|w| w == b"r\x1b"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    // A page: nothing in common with the last one.
    let bytes = screen.show(&list(&screen, 108, 108));
    assert!(
        !bytes.windows(3).any(|w| w == b"\x1b[r"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    looks_like(&screen.emulator, &screen.shown).unwrap();
}

#[test]
fn after_a_partial_clear_nothing_is_scrolled() {
    let mut screen = Screen::new(40, 10);
    screen.show(&list(&screen, 100, 108));
    screen.backend.clear_region(ClearType::AfterCursor).unwrap();
    screen.take();
    let next = list(&screen, 101, 109);
    let diff = screen.shown.diff(&next);
    screen.backend.draw(diff.into_iter()).unwrap();
    let bytes = screen.take();
    assert!(
        !bytes.windows(3).any(|w| w == b"\x1b[r"),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
}

/// A writer that keeps each `write` call apart.
#[derive(Clone, Default)]
struct Writes(std::rc::Rc<std::cell::RefCell<Vec<Vec<u8>>>>);

impl Write for Writes {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().push(bytes.to_vec());
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_frame_goes_out_in_one_write() {
    use ratatui::{Terminal, TerminalOptions, Viewport};
    let writes = Writes::default();
    let mut terminal = Terminal::with_options(
        WideAwareBackend::new(CrosstermBackend::new(writes.clone())),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 30, 6)),
        },
    )
    .unwrap();
    let lines = [
        "第一行 one",
        "second 第二",
        "third",
        "fourth",
        "fifth",
        "sixth",
    ];
    for (frame, cursor) in [(0, None), (1, Some((3, 2))), (2, None), (3, None)] {
        writes.0.borrow_mut().clear();
        terminal
            .draw(|f| {
                for (y, line) in lines.iter().enumerate() {
                    let y = u16::try_from(y).unwrap();
                    let text = format!("{line} {}", frame + usize::from(y));
                    f.buffer_mut()
                        .set_string(0, y, text, Style::default().fg(Color::Red));
                }
                if let Some(at) = cursor {
                    f.set_cursor_position(at);
                }
            })
            .unwrap();
        // Cells, cursor hidden or shown and moved: one write.
        assert_eq!(writes.0.borrow().len(), 1, "frame {frame}");
    }
}

/// A row of text across the whole width, in one of the styles.
fn full_row() -> impl Strategy<Value = (String, u8)> {
    (
        prop::collection::vec(prop::sample::select(GLYPHS.to_vec()), 20..45),
        0u8..11,
    )
        .prop_map(|(glyphs, style)| (glyphs.concat(), style))
}

proptest! {
    /// Screens full of distinct rows (wide glyphs cut at the right edge, backgrounds)
    /// moved up and down by bands: the terminal scrolls, and shows each frame.
    #[test]
    fn the_emulated_screen_shows_every_scrolled_frame(
        (width, height) in (4u16..40, 4u16..12),
        rows in prop::collection::vec(full_row(), 12),
        moves in prop::collection::vec(
            (0u16..4, 3u16..12, prop_oneof![-3i8..0, 1i8..4], prop::collection::vec(full_row(), 3), writes()),
            1..6,
        ),
    ) {
        let mut screen = Screen::new(width, height);
        let mut frame = Buffer::empty(screen.area());
        let fill = |frame: &mut Buffer, y: u16, (text, style): &(String, u8)| {
            let text = format!("{y}{text}");
            frame.set_stringn(0, y, &text, usize::from(width), style_number(*style));
        };
        for (y, row) in rows.iter().enumerate().take(usize::from(height)) {
            fill(&mut frame, y as u16, row);
        }
        well_formed(&mut frame);
        screen.show(&frame);
        let mut scrolled_once = false;
        for (top, bottom, by, incoming, writes) in moves {
            frame = scrolled(&frame, top, bottom, by);
            let (top, bottom) = (top.min(height - 1), bottom.min(height - 1));
            let came_in: Vec<u16> = if by > 0 {
                (bottom.saturating_sub(by as u16 - 1).max(top)..=bottom).collect()
            } else {
                (top..=(top + by.unsigned_abs() as u16 - 1).min(bottom)).collect()
            };
            for (y, row) in came_in.into_iter().zip(incoming.iter()) {
                fill(&mut frame, y, row);
            }
            for (x, y, text, style) in writes {
                frame.set_string(x % width, y % height, text, style_number(style));
            }
            well_formed(&mut frame);
            let bytes = screen.show(&frame);
            scrolled_once |= bytes.windows(3).any(|w| w == b"\x1b[r");
            if let Err(e) = looks_like(&screen.emulator, &frame) {
                prop_assert!(false, "{}", e);
            }
        }
        let _ = scrolled_once;
    }
}

/// A found case: an unknown-width cell over a wide glyph's left half left a stale right
/// half, and a blank printed there later marked the new wide glyph to its left unknown;
/// a narrow glyph over that one then left the terminal's blank in the wrong background.
#[test]
fn a_stale_right_half_does_not_forget_the_wide_glyph_before_it() {
    let mut screen = Screen::new(28, 5);
    let mut frame = Buffer::empty(screen.area());
    for (x, text, style) in [
        (26, "中", 0),
        (7, "中中aaaa中a中中中ae\u{301}", 8),
        (18, "aaa中a─中", 0),
        (14, "aaa中a─a中aa", 3),
    ] {
        frame.set_string(x, 3, text, style_number(style));
        well_formed(&mut frame);
        screen.show(&frame);
        looks_like(&screen.emulator, &frame).unwrap();
    }
}

#[test]
fn a_short_gap_is_reprinted_instead_of_jumped() {
    let mut screen = Screen::new(20, 2);
    screen.show(&row(&screen, "abcdefgh", Style::default()));
    let bytes = screen.show(&row(&screen, "AbcDefgh", Style::default()));
    // The stock backend sends `ESC[1;1H A ESC[1;4H D` and resets the style.
    assert_eq!(bytes, b"\x1b[HAbcD");
    looks_like(&screen.emulator, &screen.shown).unwrap();
}

#[test]
fn a_long_gap_is_a_relative_move() {
    let mut screen = Screen::new(40, 2);
    let before = "abcdefghijklmnopqrstuvwxyz0123456789";
    screen.show(&row(&screen, before, Style::default()));
    let after = format!("X{}Y{}", &before[1..30], &before[31..]);
    let bytes = screen.show(&row(&screen, &after, Style::default()));
    assert_eq!(bytes, b"\x1b[HX\x1b[29CY");
    looks_like(&screen.emulator, &screen.shown).unwrap();
}

#[test]
fn a_gap_in_another_colour_is_jumped_when_its_style_changes_cost_more() {
    let mut screen = Screen::new(20, 1);
    let mut before = Buffer::empty(screen.area());
    before.set_string(0, 0, "a", Style::default());
    before.set_string(1, 0, "bbb", Style::default().fg(Color::Red));
    before.set_string(4, 0, "c", Style::default());
    screen.show(&before);
    let mut after = before.clone();
    after.set_string(0, 0, "A", Style::default());
    after.set_string(4, 0, "C", Style::default());
    let bytes = screen.show(&after);
    // Reprinting "bbb" would need ESC[31m and ESC[m (8 bytes) on top of the 3 glyphs.
    assert_eq!(bytes, b"\x1b[HA\x1b[3CC");
    // In the same colour, the gap is cheaper to reprint.
    let mut same = after.clone();
    same.set_string(0, 0, "Z", Style::default().fg(Color::Red));
    same.set_string(4, 0, "Y", Style::default().fg(Color::Red));
    let bytes = screen.show(&same);
    assert_eq!(bytes, b"\x1b[H\x1b[31mZbbbY\x1b[m");
    looks_like(&screen.emulator, &same).unwrap();
}

#[test]
fn the_next_row_is_reached_with_a_carriage_return_and_line_feed() {
    let mut screen = Screen::new(20, 3);
    let mut frame = Buffer::empty(screen.area());
    frame.set_string(0, 0, "ab", Style::default());
    frame.set_string(0, 1, "cd", Style::default());
    screen.show(&frame);
    frame.set_string(1, 0, "B", Style::default());
    frame.set_string(0, 1, "C", Style::default());
    assert_eq!(screen.show(&frame), b"\x1b[1;2HB\r\nC");
    looks_like(&screen.emulator, &frame).unwrap();
}

#[test]
fn colours_use_short_codes_and_send_only_what_changed() {
    let mut screen = Screen::new(20, 1);
    let mut frame = Buffer::empty(screen.area());
    frame.set_string(0, 0, "a", Style::default().fg(Color::Red));
    frame.set_string(1, 0, "b", Style::default().fg(Color::Red).bg(Color::Blue));
    frame.set_string(
        2,
        0,
        "c",
        Style::default().fg(Color::LightCyan).bg(Color::Blue),
    );
    frame.set_string(3, 0, "d", Style::default().fg(Color::Indexed(200)));
    // crossterm sends ESC[38;5;1;49m, ESC[38;5;1;48;5;4m, ... for these.
    assert_eq!(
        screen.show(&frame),
        b"\x1b[H\x1b[31ma\x1b[44mb\x1b[96mc\x1b[0;38;5;200md\x1b[m"
    );
    looks_like(&screen.emulator, &frame).unwrap();
}

#[test]
fn a_blank_is_printed_in_the_current_foreground() {
    let mut screen = Screen::new(20, 1);
    screen.show(&row(&screen, "xyz", Style::default()));
    let mut frame = Buffer::empty(screen.area());
    frame.set_string(0, 0, "a", Style::default().fg(Color::Red));
    frame.set_string(2, 0, "c", Style::default().fg(Color::Red));
    // The blank needs no style change between the two red glyphs.
    assert_eq!(screen.show(&frame), b"\x1b[H\x1b[31ma c\x1b[m");
    looks_like(&screen.emulator, &frame).unwrap();
}

#[test]
fn a_row_that_ends_blank_is_erased_not_printed_with_spaces() {
    let mut screen = Screen::new(20, 1);
    screen.show(&row(&screen, "hello world", Style::default()));
    assert_eq!(
        screen.show(&row(&screen, "hi", Style::default())),
        b"\x1b[1;2Hi\x1b[K"
    );
    looks_like(&screen.emulator, &screen.shown).unwrap();
    // Blanks followed by text on the row are printed.
    screen.show(&row(&screen, "hello world", Style::default()));
    assert_eq!(
        screen.show(&row(&screen, "hi    world", Style::default())),
        b"\x1b[1;2Hi   "
    );
    // A blank with a background is not what an erase leaves.
    let mut frame = row(&screen, "h", Style::default());
    frame.set_string(1, 0, "          ", Style::default().bg(Color::Blue));
    let bytes = screen.show(&frame);
    assert!(!bytes.windows(3).any(|w| w == b"\x1b[K"), "{bytes:?}");
    looks_like(&screen.emulator, &frame).unwrap();
}

#[test]
fn a_long_run_of_blanks_inside_a_row_is_erased_in_place() {
    let mut screen = Screen::new(40, 1);
    let mut before = row(
        &screen,
        "Subject   打印机无法连接 and a long tai",
        Style::default(),
    );
    before.set_string(39, 0, "|", Style::default());
    screen.show(&before);
    let mut after = row(&screen, "Status    new", Style::default());
    after.set_string(39, 0, "|", Style::default());
    let bytes = screen.show(&after);
    // "w" cuts the wide 印 in half: its right half is blanked; the 25 columns after
    // it up to the unchanged bar (wide glyphs among them) are one `ESC[25X`.
    assert_eq!(bytes, b"\x1b[1;2Htatus    new \x1b[25X");
    looks_like(&screen.emulator, &after).unwrap();
}

#[test]
fn wide_glyphs_are_reprinted_whole_or_not_at_all() {
    let mut screen = Screen::new(20, 1);
    screen.show(&row(&screen, "a中b", Style::default()));
    let bytes = screen.show(&row(&screen, "X中Y", Style::default()));
    assert_eq!(bytes, "\x1b[HX中Y".as_bytes());
    // A gap that would end inside the wide glyph cannot be reprinted.
    let shadow = &screen.backend;
    assert!(
        shadow
            .reprint(Vec::new(), 0, 2, 0, Pen::default())
            .is_none()
    );
    assert!(
        shadow
            .reprint(Vec::new(), 2, 3, 0, Pen::default())
            .is_none()
    );
    assert!(
        shadow
            .reprint(Vec::new(), 1, 3, 0, Pen::default())
            .is_some()
    );
    looks_like(&screen.emulator, &screen.shown).unwrap();
}

#[test]
fn a_cleared_screen_is_known_blank_and_a_partly_cleared_one_unknown() {
    let mut screen = Screen::new(20, 1);
    screen.show(&row(&screen, "hello", Style::default()));
    screen.clear();
    let bytes = screen.show(&row(&screen, "a  b", Style::default()));
    assert_eq!(bytes, b"\x1b[Ha  b");
    looks_like(&screen.emulator, &screen.shown).unwrap();

    screen.backend.clear_region(ClearType::AfterCursor).unwrap();
    screen.take();
    let cells = [Cell::new("x"), Cell::new("y")];
    screen
        .backend
        .draw([(0, 0, &cells[0]), (3, 0, &cells[1])].into_iter())
        .unwrap();
    // Nothing known to reprint: a move.
    assert_eq!(screen.take(), b"\x1b[Hx\x1b[2Cy");
}

#[test]
fn cells_the_terminal_already_shows_are_not_sent_again() {
    let mut screen = Screen::new(20, 1);
    let cell = Cell::new("x");
    screen.backend.draw([(3, 0, &cell)].into_iter()).unwrap();
    assert_eq!(screen.take(), b"\x1b[1;4Hx");
    screen.backend.draw([(3, 0, &cell)].into_iter()).unwrap();
    assert_eq!(screen.take(), b"");
}

#[test]
fn the_cursor_is_hidden_once_not_after_every_frame() {
    let mut screen = Screen::new(20, 1);
    screen.backend.hide_cursor().unwrap();
    assert_eq!(screen.take(), b"\x1b[?25l");
    screen.backend.hide_cursor().unwrap();
    assert_eq!(screen.take(), b"");
    screen.backend.show_cursor().unwrap();
    assert_eq!(screen.take(), b"\x1b[?25h");
    screen.backend.hide_cursor().unwrap();
    assert_eq!(screen.take(), b"\x1b[?25l");
    // After a clear (an editor ran, the terminal was resized), it is hidden again.
    screen.clear();
    screen.backend.hide_cursor().unwrap();
    assert_eq!(screen.take(), b"\x1b[?25l");
}

#[test]
fn cell_text_never_reaches_the_terminal_as_a_control_sequence() {
    let mut screen = Screen::new(20, 1);
    let mut hostile = Cell::new("");
    hostile.set_symbol("\x1b]0;owned\x07");
    let after = Cell::new("z");
    screen
        .backend
        .draw([(0, 0, &hostile), (1, 0, &after)].into_iter())
        .unwrap();
    let bytes = screen.take();
    assert!(!bytes.contains(&0x07), "{bytes:?}");
    assert!(!bytes.windows(2).any(|w| w == b"\x1b]"), "{bytes:?}");
    assert_eq!(screen.emulator.screen().contents(), " z");
    // Its width is not trusted: the next cell is reached by an absolute move.
    assert_eq!(bytes, "\x1b[H\u{fffd}\x1b[1;2Hz".as_bytes());
}

/// ratatui's `Terminal::clear` (the console's, when a ticket opens or closes) asks where
/// the cursor is: the backend answers from what it wrote, with no query to the terminal
/// (a round trip, over ssh a whole one, before the frame).
#[test]
fn the_cursor_position_is_answered_without_asking_the_terminal() {
    let mut screen = Screen::new(20, 3);
    let mut next = Buffer::empty(screen.area());
    next.set_string(2, 1, "工单 ok", Style::default());
    screen.show(&next);
    let position = screen.backend.get_cursor_position().unwrap();
    assert!(screen.take().is_empty(), "nothing written, no `ESC [6n`");
    let (row, col) = screen.emulator.screen().cursor_position();
    assert_eq!((position.x, position.y), (col, row));
}
