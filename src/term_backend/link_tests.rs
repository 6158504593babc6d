//! OSC 8 links through the backend: the bytes of a frame with a link, and a small emulator
//! of what the backend writes that follows each cell's link, so that any run of frames
//! (links moved, gone, over unchanged text, rows scrolled) can be checked cell by cell.

use std::cell::RefCell;
use std::rc::Rc;

use proptest::prelude::*;
use ratatui::backend::CrosstermBackend;
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

use super::*;
use crate::hyperlink::LinkMap;

struct LinkedScreen {
    backend: WideAwareBackend<CrosstermBackend<SharedWriter>>,
    writer: SharedWriter,
    links: SharedLinks,
    shown: Buffer,
    emulator: LinkEmulator,
}

impl LinkedScreen {
    fn new(width: u16, height: u16) -> LinkedScreen {
        let writer = SharedWriter::default();
        let links: SharedLinks = Rc::new(RefCell::new(LinkMap::default()));
        LinkedScreen {
            backend: WideAwareBackend::new(CrosstermBackend::new(writer.clone()))
                .with_links(links.clone()),
            writer,
            links,
            shown: Buffer::empty(Rect::new(0, 0, width, height)),
            emulator: LinkEmulator::new(width, height),
        }
    }

    /// Draws `next` with `runs` (row, first column, end, URL) as its links; the bytes.
    fn show(&mut self, next: &Buffer, runs: &[(u16, u16, u16, &str)]) -> Vec<u8> {
        {
            let mut map = self.links.borrow_mut();
            map.clear();
            for (y, x, end, url) in runs {
                map.add(*y, *x, *end, url);
            }
        }
        let diff = self.shown.diff(next);
        self.backend.draw(diff.into_iter()).unwrap();
        self.shown = next.clone();
        Backend::flush(&mut self.backend).unwrap();
        let bytes = self.writer.take();
        self.emulator.process(&bytes);
        bytes
    }
}

/// Follows the backend's bytes: cursor moves, erases, scrolls, printed glyphs and the open
/// link; records each cell's link, and any move, erase or frame end with a link open.
struct LinkEmulator {
    width: u16,
    height: u16,
    cells: Vec<Vec<Option<String>>>,
    cursor: (u16, u16),
    link: Option<String>,
    /// The scroll region's rows as set (1-based), when set.
    region: Option<(Option<u16>, Option<u16>)>,
    errors: Vec<String>,
}

impl LinkEmulator {
    fn new(width: u16, height: u16) -> LinkEmulator {
        LinkEmulator {
            width,
            height,
            cells: vec![vec![None; usize::from(width)]; usize::from(height)],
            cursor: (0, 0),
            link: None,
            region: None,
            errors: Vec::new(),
        }
    }

    fn moved(&mut self, what: &str) {
        if self.link.is_some() {
            self.errors.push(format!("{what} with a link open"));
        }
    }

    fn process(&mut self, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).unwrap();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\x1b' => match chars.next() {
                    Some('[') => {
                        let mut params = String::new();
                        let mut last = ' ';
                        for p in chars.by_ref() {
                            if p.is_ascii_alphabetic() {
                                last = p;
                                break;
                            }
                            params.push(p);
                        }
                        self.csi(&params, last);
                    }
                    Some(']') => {
                        let mut body = String::new();
                        loop {
                            match chars.next() {
                                Some('\x1b') => {
                                    assert_eq!(chars.next(), Some('\\'), "OSC ends with ST");
                                    break;
                                }
                                Some(c) => body.push(c),
                                None => panic!("unterminated OSC {body:?}"),
                            }
                        }
                        let url = body.strip_prefix("8;;").expect("only OSC 8 is written");
                        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
                        self.link = (!url.is_empty()).then(|| url.to_string());
                    }
                    other => panic!("ESC {other:?}"),
                },
                '\r' => {
                    self.moved("CR");
                    self.cursor.0 = 0;
                }
                '\n' => {
                    self.moved("LF");
                    self.cursor.1 += 1;
                }
                c => {
                    assert!(!c.is_control(), "control {c:?}");
                    let width = u16::try_from(c.width().unwrap_or(1)).unwrap();
                    if width == 0 {
                        // A combining mark joins the glyph before it: no cell of its own.
                        continue;
                    }
                    let (x, y) = self.cursor;
                    for column in x..(x + width.max(1)).min(self.width) {
                        self.cells[usize::from(y)][usize::from(column)] = self.link.clone();
                    }
                    self.cursor.0 = (x + width).min(self.width);
                }
            }
        }
        if self.link.is_some() {
            self.errors
                .push("a frame ends with a link open".to_string());
        }
    }

    fn csi(&mut self, params: &str, last: char) {
        let numbers: Vec<u16> = params
            .trim_start_matches('?')
            .split(';')
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        let n = numbers.first().copied().filter(|n| *n > 0).unwrap_or(1);
        let (x, y) = self.cursor;
        match last {
            'm' | 'h' | 'l' => {}
            'H' => {
                self.moved("CUP");
                let row = numbers.first().copied().filter(|n| *n > 0).unwrap_or(1);
                let col = numbers.get(1).copied().filter(|n| *n > 0).unwrap_or(1);
                self.cursor = (col - 1, row - 1);
            }
            'C' => {
                self.moved("CUF");
                self.cursor.0 = (x + n).min(self.width);
            }
            'B' => {
                self.moved("CUD");
                self.cursor.1 = (y + n).min(self.height - 1);
            }
            'K' => {
                self.moved("EL");
                for cell in &mut self.cells[usize::from(y)][usize::from(x.min(self.width))..] {
                    *cell = None;
                }
            }
            'X' => {
                self.moved("ECH");
                let end = (x + n).min(self.width);
                for column in x..end {
                    self.cells[usize::from(y)][usize::from(column)] = None;
                }
            }
            'J' => {
                self.moved("ED");
                for row in &mut self.cells {
                    row.fill(None);
                }
            }
            'r' => {
                self.moved("DECSTBM");
                self.region = Some((numbers.first().copied(), numbers.get(1).copied()));
                self.cursor = (0, 0);
            }
            'S' | 'T' => {
                self.moved("SU/SD");
                let (top, bottom) = match self.region {
                    Some((Some(top), Some(bottom))) if top > 0 => (top - 1, bottom - 1),
                    _ => (0, self.height - 1),
                };
                let band = &mut self.cells[usize::from(top)..=usize::from(bottom)];
                let n = usize::from(n).min(band.len());
                if last == 'S' {
                    band.rotate_left(n);
                    let len = band.len();
                    band[len - n..].iter_mut().for_each(|row| row.fill(None));
                } else {
                    band.rotate_right(n);
                    band[..n].iter_mut().for_each(|row| row.fill(None));
                }
            }
            other => panic!("CSI {params}{other}"),
        }
    }
}

fn text_row(width: u16, height: u16, y: u16, text: &str) -> Buffer {
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
    buffer.set_string(0, y, text, Style::default());
    buffer
}

const URL: &str = "https://a.example/x";

#[test]
fn a_link_is_written_around_its_cells_and_closed_before_the_rest() {
    let mut screen = LinkedScreen::new(30, 2);
    let frame = text_row(30, 2, 0, "see https://a.example/x ok");
    let bytes = screen.show(&frame, &[(0, 4, 23, URL)]);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\x1b[Hsee \x1b]8;;https://a.example/x\x1b\\https://a.example/x\x1b]8;;\x1b\\ ok"
    );
    assert!(
        screen.emulator.errors.is_empty(),
        "{:?}",
        screen.emulator.errors
    );
    // The same frame again: nothing to write.
    assert!(screen.show(&frame, &[(0, 4, 23, URL)]).is_empty());
}

#[test]
fn a_link_that_ends_at_the_frame_end_is_closed() {
    let mut screen = LinkedScreen::new(30, 2);
    let frame = text_row(30, 2, 1, URL);
    let bytes = screen.show(&frame, &[(1, 0, 19, URL)]);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\x1b[2H\x1b]8;;https://a.example/x\x1b\\https://a.example/x\x1b]8;;\x1b\\"
    );
}

#[test]
fn unchanged_text_is_drawn_again_when_its_link_comes_or_goes() {
    let mut screen = LinkedScreen::new(30, 2);
    let frame = text_row(30, 2, 0, "see https://a.example/x ok");
    screen.show(&frame, &[]);
    // ratatui's diff is empty: the link alone makes the cells go out again.
    let bytes = screen.show(&frame, &[(0, 4, 23, URL)]);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\x1b[1;5H\x1b]8;;https://a.example/x\x1b\\https://a.example/x\x1b]8;;\x1b\\"
    );
    let bytes = screen.show(&frame, &[]);
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\x1b[1;5Hhttps://a.example/x"
    );
    assert!(screen.emulator.cells.iter().flatten().all(Option::is_none));
    // Another URL over the same text.
    let bytes = screen.show(&frame, &[(0, 4, 23, "https://b.example/")]);
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("\x1b]8;;https://b.example/\x1b\\"),
    );
    assert!(
        screen.emulator.errors.is_empty(),
        "{:?}",
        screen.emulator.errors
    );
}

#[test]
fn a_link_over_two_rows_is_closed_before_the_move_between() {
    let mut screen = LinkedScreen::new(12, 3);
    let mut frame = Buffer::empty(Rect::new(0, 0, 12, 3));
    frame.set_string(0, 0, "https://a.ex", Style::default());
    frame.set_string(0, 1, "ample/x", Style::default());
    let bytes = screen.show(&frame, &[(0, 0, 12, URL), (1, 0, 7, URL)]);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(
        text,
        "\x1b[H\x1b]8;;https://a.example/x\x1b\\https://a.ex\x1b]8;;\x1b\\\r\n\x1b]8;;https://a.example/x\x1b\\ample/x\x1b]8;;\x1b\\"
    );
    assert!(
        screen.emulator.errors.is_empty(),
        "{:?}",
        screen.emulator.errors
    );
}

#[test]
fn a_hostile_url_reaches_the_terminal_percent_encoded() {
    let mut screen = LinkedScreen::new(30, 1);
    let frame = text_row(30, 1, 0, "click here");
    let hostile = "https://x/\x1b]52;c;cm0=\x07\u{9c} 支\x1b\\";
    let bytes = screen.show(&frame, &[(0, 0, 5, hostile)]);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("\x1b]8;;https://x/%1B]52;c;cm0=%07%C2%9C%20%E6%94%AF%1B\\\x1b\\"),
        "{text:?}"
    );
    assert!(!bytes.contains(&0x07), "{text:?}");
    assert!(!text.contains('\u{9c}'), "{text:?}");
    // Every ESC starts our own CSI or OSC 8 (open or close), never the customer's.
    let escapes = bytes.iter().filter(|b| **b == 0x1b).count();
    let ours = text.matches("\x1b[").count() + 2 * text.matches("\x1b]8;;").count();
    assert_eq!(escapes, ours, "{text:?}");
}

#[test]
fn links_off_write_no_osc() {
    let writer = SharedWriter::default();
    let mut backend = WideAwareBackend::new(CrosstermBackend::new(writer.clone()));
    let frame = text_row(30, 1, 0, URL);
    let diff = Buffer::empty(frame.area).diff(&frame);
    backend.draw(diff.into_iter()).unwrap();
    Backend::flush(&mut backend).unwrap();
    assert_eq!(writer.take(), format!("\x1b[H{URL}").into_bytes());
}

const GLYPHS: [&str; 6] = ["a", "/", ":", " ", "中", "e\u{301}"];
const URLS: [&str; 3] = ["https://a.example/", "https://b.example/", "http://c/"];

fn row_texts() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(GLYPHS.to_vec()), 0..14)
            .prop_map(|g| g.concat()),
        6,
    )
}

fn runs() -> impl Strategy<Value = Vec<(u16, u16, u16, usize)>> {
    prop::collection::vec((0u16..6, 0u16..16, 1u16..10, 0usize..3), 0..5)
}

/// The link a cell of `frame` should show: the last run over it, on a glyph that prints
/// one sure width (never a blank, a right half, or a cell of several code points).
fn expected(frame: &Buffer, runs: &[(u16, u16, u16, usize)], x: u16, y: u16) -> Option<String> {
    let cell = &frame[(x, y)];
    if cell.symbol() == " " || certain_glyph(cell).is_none() || covered_in(frame, x, y) {
        return None;
    }
    runs.iter()
        .rev()
        .find(|(ry, rx, len, _)| *ry == y && x >= *rx && x < rx + len)
        .map(|(_, _, _, url)| URLS[*url].to_string())
}

/// One frame of the property: the rows' texts, the link runs laid over them (row, column,
/// length, URL), how many rows are kept from the frame before, and the rows' shift.
type LinkedFrame = (Vec<String>, Vec<(u16, u16, u16, usize)>, u8, i8);

proptest! {
    // A fixed seed: the same 256 cases at every run (CI never fails by chance); a case
    // found failing is kept below as a test of its own.
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(17),
        ..ProptestConfig::default()
    })]
    /// Frames of text with links laid over them at random (on changed and unchanged text,
    /// moved, gone, another URL, rows scrolled): every glyph shows exactly its link, and
    /// no move, erase or frame end happens with a link open.
    #[test]
    fn every_cell_shows_its_link(
        frames in prop::collection::vec((row_texts(), runs(), 0u8..4, -2i8..3), 1..8),
    ) {
        shows_every_link(frames)?;
    }
}

/// A case the property found with a random seed: a wide glyph moved left by one and a
/// combined glyph (e + U+0301) put where its right half was; the unchanged `a` after them
/// keeps its link. (It failed because this test's emulator gave the combining mark a cell
/// of its own, over the `a`; a terminal joins it to the glyph before.)
#[test]
fn a_cell_after_a_combined_glyph_keeps_its_link() {
    let row = |text: &str| {
        let mut rows = vec![String::new(); 6];
        rows[2] = text.to_string();
        rows
    };
    let frames: Vec<LinkedFrame> = vec![
        (row("aaaa中a"), vec![(2, 1, 6, 0)], 0, 0),
        (row("aaa中e\u{301}a"), vec![(2, 1, 6, 0)], 0, 0),
    ];
    shows_every_link(frames).unwrap();
}

fn shows_every_link(frames: Vec<LinkedFrame>) -> Result<(), TestCaseError> {
    {
        let (width, height) = (16u16, 6u16);
        let mut screen = LinkedScreen::new(width, height);
        let mut rows: Vec<String> = vec![String::new(); 6];
        for (texts, runs, keep, shift) in frames {
            // Some rows kept, some shifted (the backend may scroll them), some new.
            if shift > 0 {
                rows.rotate_left(shift as usize);
            } else if shift < 0 {
                rows.rotate_right(shift.unsigned_abs() as usize);
            }
            for (y, text) in texts.into_iter().enumerate() {
                if (y as u8) % 4 >= keep {
                    rows[y] = text;
                }
            }
            let mut frame = Buffer::empty(Rect::new(0, 0, width, height));
            for (y, text) in rows.iter().enumerate() {
                frame.set_stringn(0, y as u16, text, usize::from(width), Style::default());
            }
            let linked: Vec<(u16, u16, u16, &str)> = runs
                .iter()
                .map(|(y, x, len, url)| (*y, *x, (x + len).min(width), URLS[*url]))
                .collect();
            screen.show(&frame, &linked);
            prop_assert!(
                screen.emulator.errors.is_empty(),
                "{:?}",
                screen.emulator.errors
            );
            for y in 0..height {
                for x in 0..width {
                    if covered_in(&frame, x, y) || certain_glyph(&frame[(x, y)]).is_none() {
                        continue;
                    }
                    let got = &screen.emulator.cells[usize::from(y)][usize::from(x)];
                    prop_assert_eq!(
                        got.clone(),
                        expected(&frame, &runs, x, y),
                        "cell {},{} of {:?}",
                        x,
                        y,
                        rows
                    );
                }
            }
        }
    }
    Ok(())
}
