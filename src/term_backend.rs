//! The console's terminal backend: ratatui's diff decides which cells changed, this backend
//! decides how few bytes reach the terminal for them (issue 7, BENCHMARKS.md). Over SSH
//! every byte of a frame shows.
//!
//! ratatui's crossterm backend sends `ESC[row;colH` (6 to 8 bytes) before every cell that
//! does not follow the previous one, even to skip one unchanged column, and a full colour
//! pair (`ESC[38;5;1;49m`) for every colour change. This backend keeps a shadow of what the
//! terminal shows and, before each changed cell, picks the shortest way there:
//! - an absolute move, a relative one (`ESC[nC`, `ESC[nB`, `\r\n`), or
//! - reprinting the unchanged cells in between from the shadow (counting the style changes
//!   that needs), which for a gap of one to a few cells is shorter than any move;
//!
//! and sends only the style attributes that changed, in one SGR sequence, with the short
//! codes for the 16 colours. A blank cell is printed in whatever foreground is current
//! (invisible on a blank), and a cell the terminal already shows is not sent again.
//!
//! What the shadow holds is what this backend printed: cells ratatui built from cleaned text.
//! A symbol with a control character in it is never written (U+FFFD instead). Wide (CJK)
//! glyphs are kept whole: a reprint never starts or ends inside one, and a cell whose width
//! the terminal might see differently (several code points, a forced width) is recorded as
//! unknown, never reprinted, and the next cell is reached by an absolute move. After a clear
//! the shadow is blank; after anything it cannot follow (a partial clear, appended lines) it
//! is unknown until redrawn. The cursor position is trusted only within one frame.
//!
//! Links (OSC 8, `ui.hyperlinks`): the view records which cells show which URL in a
//! [`crate::hyperlink::LinkMap`] shared with this backend. A cell's link is part of its pen
//! (so the shadow knows each cell's link, and a reprint reopens exactly the link each
//! reprinted cell had); a link is closed before any move or erase and at the end of the
//! frame, and cells whose link changed while their text did not are drawn again.

use std::collections::HashMap;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthChar;

use crate::hyperlink::SharedLinks;

/// The longest gap of unchanged cells worth reprinting: any move costs at most 10 bytes.
const MAX_REPRINT_COLUMNS: u16 = 10;

/// The largest vertical shift looked for between two frames: a list moved by a key or a
/// mouse wheel notch; a page is a new page.
const MAX_SHIFT: u16 = 5;

/// Rows a shift must save before it is worth its ~15 bytes of scroll region and scroll.
const MIN_ROWS_SAVED: usize = 2;

/// Attributes that show on a blank cell: a space carrying one of them must be printed with
/// its exact style; other spaces only need the right background.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK);

/// The SGR state of the terminal (or of a cell), and the OSC 8 link open (a cell's link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
    /// An index into this frame's URLs ([`WideAwareBackend::urls`]), or [`GONE_LINK`].
    link: Option<u16>,
}

/// The link of a cell the terminal shows whose URL is no longer in the frame's map: never
/// opened again (a reprint refuses it), and never what a cell wants, so it is redrawn.
const GONE_LINK: u16 = u16::MAX;

/// `ESC ] 8 ; ; ESC \`: ends the open link.
const LINK_CLOSE: &[u8] = b"\x1b]8;;\x1b\\";

impl Default for Pen {
    fn default() -> Self {
        Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            underline: Color::Reset,
            modifier: Modifier::empty(),
            link: None,
        }
    }
}

impl Pen {
    fn of(cell: &Cell, link: Option<u16>) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
            link,
        }
    }

    fn without_link(self) -> Pen {
        Pen { link: None, ..self }
    }
}

/// The pen a glyph is printed with when `current` is set: a plain space keeps whatever
/// foreground and font attributes are current (they do not show on it).
fn print_pen(ch: Option<char>, want: Pen, current: Pen) -> Pen {
    if ch == Some(' ') && !want.modifier.intersects(VISIBLE_ON_BLANK) {
        Pen {
            fg: current.fg,
            bg: want.bg,
            underline: current.underline,
            modifier: current.modifier.difference(VISIBLE_ON_BLANK),
            link: want.link,
        }
    } else {
        want
    }
}

/// Whether a cell printed with `shown` looks like one printed with `want`.
fn looks_same(ch: char, shown: Pen, want: Pen) -> bool {
    if ch == ' ' && !want.modifier.intersects(VISIBLE_ON_BLANK) {
        shown.bg == want.bg
            && !shown.modifier.intersects(VISIBLE_ON_BLANK)
            && shown.link == want.link
    } else {
        shown == want
    }
}

/// A cell an erase (`ESC[K` with the default background) leaves as it should be.
fn erasable(cell: &Cell) -> bool {
    cell.symbol() == " " && cell.bg == Color::Reset && !cell.modifier.intersects(VISIBLE_ON_BLANK)
}

/// One printed glyph the shadow is sure of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Glyph {
    ch: char,
    /// 1 or 2 columns.
    width: u16,
    pen: Pen,
}

/// What the terminal shows at one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Not known (never reprinted).
    Unknown,
    /// The right half of the wide glyph to the left.
    Covered,
    Glyph(Glyph),
}

const BLANK_GLYPH: Glyph = Glyph {
    ch: ' ',
    width: 1,
    pen: Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
        link: None,
    },
};

const BLANK: Slot = Slot::Glyph(BLANK_GLYPH);

/// The screen as this backend last left it. Rows grow on demand; columns never written are
/// `beyond` (blank at start and after a clear, as ratatui assumes too).
#[derive(Debug, Clone)]
struct Shadow {
    rows: Vec<Vec<Slot>>,
    beyond: Slot,
}

impl Shadow {
    fn get(&self, x: u16, y: u16) -> Slot {
        self.rows
            .get(usize::from(y))
            .and_then(|row| row.get(usize::from(x)))
            .copied()
            .unwrap_or(self.beyond)
    }

    fn set(&mut self, x: u16, y: u16, slot: Slot) {
        let (x, y) = (usize::from(x), usize::from(y));
        if self.rows.len() <= y {
            self.rows.resize_with(y + 1, Vec::new);
        }
        let row = &mut self.rows[y];
        if row.len() <= x {
            row.resize(x + 1, self.beyond);
        }
        row[x] = slot;
    }

    /// Whether the terminal shows a blank an erase would leave the same.
    fn erasable(&self, x: u16, y: u16) -> bool {
        matches!(self.get(x, y), Slot::Glyph(glyph) if glyph.ch == ' '
            && glyph.pen.bg == Color::Reset
            && glyph.pen.link.is_none()
            && !glyph.pen.modifier.intersects(VISIBLE_ON_BLANK))
    }

    /// Whether an unchanged column is a blank in the frame being drawn (what ratatui
    /// believes it shows): a blank the terminal shows, or the right half of a wide glyph
    /// that a changed cell just before it replaces (ratatui holds a blank there).
    fn blank_once_drawn(&self, x: u16, y: u16, after_changed: bool) -> bool {
        self.erasable(x, y) || (after_changed && self.get(x, y) == Slot::Covered)
    }

    /// Records `ESC[K` at `(x, y)`: blanks to the end of the row.
    fn erase_row_from(&mut self, x: u16, y: u16) {
        if let Some(row) = self.rows.get_mut(usize::from(y)) {
            for slot in row.iter_mut().skip(usize::from(x)) {
                *slot = BLANK;
            }
        }
    }

    fn reset(&mut self, beyond: Slot) {
        self.rows.clear();
        self.beyond = beyond;
    }

    /// Records what printing `glyph` (or something unknown `width` wide) at `x` leaves.
    fn print(&mut self, x: u16, y: u16, glyph: Option<Glyph>, width: u16) {
        // Writing over either half of a wide glyph breaks the other half (terminals differ
        // in what they show there).
        // (Only a wide glyph's: a stale half left by an unknown print must not clobber
        // the glyph now to its left.)
        if x > 0
            && self.get(x, y) == Slot::Covered
            && matches!(self.get(x - 1, y), Slot::Glyph(left) if left.width > 1)
        {
            self.set(x - 1, y, Slot::Unknown);
        }
        let end = x.saturating_add(width.max(1));
        if let Slot::Glyph(last) = self.get(end - 1, y)
            && last.width > 1
        {
            self.set(end, y, Slot::Unknown);
        }
        match glyph {
            Some(glyph) => {
                self.set(x, y, Slot::Glyph(glyph));
                for covered in x + 1..end {
                    self.set(covered, y, Slot::Covered);
                }
            }
            None => {
                // The terminal may advance more or less than ratatui thinks.
                for column in x..=end {
                    self.set(column, y, Slot::Unknown);
                }
            }
        }
    }
}

/// The glyph a cell shows, when its width is certain: one code point, 1 or 2 columns, no
/// forced width.
fn certain_glyph(cell: &Cell) -> Option<(char, u16)> {
    if matches!(cell.diff_option, CellDiffOption::ForcedWidth(_)) {
        return None;
    }
    let mut chars = cell.symbol().chars();
    let ch = chars.next()?;
    if chars.next().is_some() || ch.is_control() {
        return None;
    }
    match ch.width() {
        Some(width @ (1 | 2)) => Some((ch, width as u16)),
        _ => None,
    }
}

/// Whether column `x` of row `y` is under a wide glyph to its left in `buffer`.
fn covered_in(buffer: &Buffer, x: u16, y: u16) -> bool {
    (1..=3u16).any(|back| x >= back && cell_width(&buffer[(x - back, y)]) > back)
}

/// ratatui's width of a cell (what its diff skips after it).
fn cell_width(cell: &Cell) -> u16 {
    match cell.diff_option {
        CellDiffOption::ForcedWidth(width) => width.get(),
        _ => {
            let symbol = cell.symbol();
            let width = unicode_width::UnicodeWidthStr::width(symbol);
            u16::try_from(width).unwrap_or(u16::MAX).max(1)
        }
    }
}

fn push_number(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// `ESC [ n <final>`, with the 1 left out (it is the default).
fn push_csi_count(out: &mut Vec<u8>, n: u16, last: u8) {
    out.extend_from_slice(b"\x1b[");
    if n != 1 {
        push_number(out, u32::from(n));
    }
    out.push(last);
}

/// The absolute move, shortened where the defaults allow.
fn push_move_to(out: &mut Vec<u8>, x: u16, y: u16) {
    out.extend_from_slice(b"\x1b[");
    if x != 0 || y != 0 {
        push_number(out, u32::from(y) + 1);
    }
    if x != 0 {
        out.push(b';');
        push_number(out, u32::from(x) + 1);
    }
    out.push(b'H');
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

/// SGR parameters, `;`-separated.
#[derive(Default)]
struct Params(Vec<u8>);

impl Params {
    fn push(&mut self, n: u32) {
        if !self.0.is_empty() {
            self.0.push(b';');
        }
        push_number(&mut self.0, n);
    }

    fn color(&mut self, color: Color, layer: Layer) {
        let index = match color {
            Color::Reset => {
                return self.push(match layer {
                    Layer::Fg => 39,
                    Layer::Bg => 49,
                    Layer::Underline => 59,
                });
            }
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
            Color::Indexed(i) => i,
            Color::Rgb(r, g, b) => {
                self.push(match layer {
                    Layer::Fg => 38,
                    Layer::Bg => 48,
                    Layer::Underline => 58,
                });
                self.push(2);
                self.push(u32::from(r));
                self.push(u32::from(g));
                return self.push(u32::from(b));
            }
        };
        let index = u32::from(index);
        match layer {
            // The 16 colours have their own short codes (same colours as 38;5;0..15).
            Layer::Fg if index < 8 => self.push(30 + index),
            Layer::Fg if index < 16 => self.push(90 + index - 8),
            Layer::Bg if index < 8 => self.push(40 + index),
            Layer::Bg if index < 16 => self.push(100 + index - 8),
            _ => {
                self.push(match layer {
                    Layer::Fg => 38,
                    Layer::Bg => 48,
                    Layer::Underline => 58,
                });
                self.push(5);
                self.push(index);
            }
        }
    }

    fn added(&mut self, modifier: Modifier) {
        for (flag, code) in [
            (Modifier::BOLD, 1),
            (Modifier::DIM, 2),
            (Modifier::ITALIC, 3),
            (Modifier::UNDERLINED, 4),
            (Modifier::SLOW_BLINK, 5),
            (Modifier::RAPID_BLINK, 6),
            (Modifier::REVERSED, 7),
            (Modifier::HIDDEN, 8),
            (Modifier::CROSSED_OUT, 9),
        ] {
            if modifier.contains(flag) {
                self.push(code);
            }
        }
    }

    /// What changes `from` into `to`.
    fn diff(from: Pen, to: Pen) -> Params {
        let mut params = Params::default();
        let removed = from.modifier.difference(to.modifier);
        let mut added = to.modifier.difference(from.modifier);
        if removed.intersects(Modifier::BOLD | Modifier::DIM) {
            // 22 ends both bold and dim; whichever stays is set again.
            params.push(22);
            added |= to.modifier.intersection(Modifier::BOLD | Modifier::DIM);
        }
        if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
            params.push(25);
            added |= to
                .modifier
                .intersection(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
        }
        for (flag, code) in [
            (Modifier::ITALIC, 23),
            (Modifier::UNDERLINED, 24),
            (Modifier::REVERSED, 27),
            (Modifier::HIDDEN, 28),
            (Modifier::CROSSED_OUT, 29),
        ] {
            if removed.contains(flag) {
                params.push(code);
            }
        }
        params.added(added);
        if from.fg != to.fg {
            params.color(to.fg, Layer::Fg);
        }
        if from.bg != to.bg {
            params.color(to.bg, Layer::Bg);
        }
        if from.underline != to.underline {
            params.color(to.underline, Layer::Underline);
        }
        params
    }

    /// A reset (`0`, left empty when alone) and then everything `to` has.
    fn reset_to(to: Pen) -> Params {
        let mut params = Params::default();
        params.added(to.modifier);
        if to.fg != Color::Reset {
            params.color(to.fg, Layer::Fg);
        }
        if to.bg != Color::Reset {
            params.color(to.bg, Layer::Bg);
        }
        if to.underline != Color::Reset {
            params.color(to.underline, Layer::Underline);
        }
        if !params.0.is_empty() {
            params.0.splice(0..0, *b"0;");
        }
        params
    }
}

/// The shortest SGR sequence taking the terminal from `from` to `to` (nothing if equal),
/// then the link closed or opened when it changes (`urls` are the frame's, sanitised).
fn push_sgr(out: &mut Vec<u8>, from: Pen, to: Pen, urls: &[String]) {
    if from.link != to.link {
        if from.link.is_some() {
            out.extend_from_slice(LINK_CLOSE);
        }
        if let Some(url) = to.link.and_then(|id| urls.get(usize::from(id))) {
            out.extend_from_slice(b"\x1b]8;;");
            out.extend_from_slice(url.as_bytes());
            out.extend_from_slice(b"\x1b\\");
        }
    }
    let (from, to) = (from.without_link(), to.without_link());
    if from == to {
        return;
    }
    let diff = Params::diff(from, to);
    let reset = Params::reset_to(to);
    let params = if reset.0.len() < diff.0.len() {
        reset
    } else {
        diff
    };
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(&params.0);
    out.push(b'm');
}

/// A block of rows that moved between two frames: rows `top..=bottom` of the screen show,
/// after the terminal scrolls them by `by` rows (up when positive), what the new frame
/// holds there, but for the `by` rows that come in blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    top: u16,
    bottom: u16,
    by: i32,
}

/// `model` grown to hold every cell of `cells`, and the frame those cells make of it.
/// Cells never drawn since a clear are blank in both (ratatui's buffers start blank).
fn next_frame(model: &mut Buffer, cells: &[(u16, u16, &Cell)]) -> Buffer {
    let (mut width, mut height) = (model.area.width, model.area.height);
    for (x, y, cell) in cells {
        width = width.max(x.saturating_add(cell_width(cell)));
        height = height.max(y.saturating_add(1));
    }
    if (width, height) != (model.area.width, model.area.height) {
        let mut grown = Buffer::empty(Rect::new(0, 0, width, height));
        for y in 0..model.area.height {
            for x in 0..model.area.width {
                grown[(x, y)] = model[(x, y)].clone();
            }
        }
        *model = grown;
    }
    let mut next = model.clone();
    for (x, y, cell) in cells {
        next[(*x, *y)] = (*cell).clone();
        // What ratatui's widgets leave under the right half of a wide glyph (the diff never
        // sends it; a later cell of the same diff may still set it).
        for covered in x.saturating_add(1)..x.saturating_add(cell_width(cell)).min(width) {
            next[(covered, *y)] = Cell::default();
        }
    }
    next
}

/// Row `y` of `buffer`.
fn buffer_row(buffer: &Buffer, y: u16) -> &[Cell] {
    let width = usize::from(buffer.area.width);
    let start = usize::from(y) * width;
    buffer.content.get(start..start + width).unwrap_or(&[])
}

/// Moves rows `top..=bottom` of `rows` by `by` (up when positive); the rows that come in
/// are `blank`.
fn shift_rows<T: Clone>(rows: &mut [T], shift: Shift, blank: &T) {
    let (top, bottom) = (usize::from(shift.top), usize::from(shift.bottom));
    let Some(band) = rows.get_mut(top..=bottom) else {
        return;
    };
    let by = usize::try_from(shift.by.unsigned_abs())
        .unwrap_or(usize::MAX)
        .min(band.len());
    if shift.by > 0 {
        band.rotate_left(by);
        let len = band.len();
        band[len - by..].fill(blank.clone());
    } else {
        band.rotate_right(by);
        band[..by].fill(blank.clone());
    }
}

/// One way to reach a cell: the bytes (ending with the style change for the cell), the
/// gap cells it reprints, and the pen it leaves set.
struct Route {
    bytes: Vec<u8>,
    reprinted: Vec<(u16, Glyph)>,
    pen: Pen,
}

/// Wraps a backend that is also the terminal's writer (ratatui's `CrosstermBackend`):
/// `draw` writes the bytes itself, everything else goes through.
#[derive(Debug)]
pub struct WideAwareBackend<B> {
    inner: B,
    shadow: Shadow,
    /// Where the terminal's cursor is, when known (only within a frame and after
    /// `set_cursor_position`). The column may be one past the last (a pending wrap): so it
    /// is only used to move right, down, or to the start of a row.
    cursor: Option<(u16, u16)>,
    /// Whether the cursor is shown, when known: ratatui hides it after every frame, and
    /// 6 bytes a frame add up (a frame with nothing changed writes nothing at all).
    cursor_shown: Option<bool>,
    /// What ratatui believes the terminal shows (its previous buffer), rebuilt from the
    /// diffs it sends, so that a frame can be compared whole with the last one to find rows
    /// that only moved. `None` when not known (after a partial clear or appended lines).
    model: Option<Buffer>,
    /// Whether the terminal scrolls a region with `CSI n S` / `CSI n T` (xterm and its
    /// kin, tmux, screen do; the Linux console does not).
    scrolls: bool,
    /// The frame being built: everything goes out in one write at `flush`, so that a frame
    /// is one packet over ssh and never seen half drawn.
    out: Vec<u8>,
    /// Where the view records each frame's links (OSC 8); `None`: hyperlinks are off.
    links: Option<SharedLinks>,
    /// The URLs of the frame being drawn (sanitised by [`crate::hyperlink::sanitise`]); a
    /// pen's link indexes them.
    urls: Vec<String>,
    /// The link each cell of the frame being drawn wants (cells not listed want none).
    want_links: HashMap<(u16, u16), u16>,
}

impl<B> WideAwareBackend<B> {
    pub fn new(inner: B) -> Self {
        WideAwareBackend {
            inner,
            shadow: Shadow {
                rows: Vec::new(),
                beyond: BLANK,
            },
            cursor: None,
            cursor_shown: None,
            model: Some(Buffer::empty(Rect::ZERO)),
            scrolls: true,
            out: Vec::new(),
            links: None,
            urls: Vec::new(),
            want_links: HashMap::new(),
        }
    }

    /// Writes the links the view records in `links` as OSC 8 hyperlinks.
    pub fn with_links(mut self, links: SharedLinks) -> Self {
        self.links = Some(links);
        self
    }

    /// Takes the view's links for the frame being drawn: the URLs, the cells that want
    /// each, and the shadow's links renumbered to them (a URL gone is [`GONE_LINK`]).
    fn take_links(&mut self) {
        let Some(links) = &self.links else {
            return;
        };
        let links = links.borrow();
        let had_links = !self.urls.is_empty();
        let old = std::mem::replace(&mut self.urls, links.urls().to_vec());
        self.want_links.clear();
        for run in links.runs() {
            for x in run.x..run.end {
                self.want_links.insert((x, run.y), run.url);
            }
        }
        if !had_links {
            return;
        }
        let renumber: HashMap<u16, u16> = old
            .iter()
            .enumerate()
            .filter_map(|(id, url)| {
                let id = u16::try_from(id).ok()?;
                let new = self.urls.iter().position(|known| known == url);
                Some((
                    id,
                    new.and_then(|n| u16::try_from(n).ok()).unwrap_or(GONE_LINK),
                ))
            })
            .collect();
        for row in &mut self.shadow.rows {
            for slot in row.iter_mut() {
                if let Slot::Glyph(glyph) = slot
                    && let Some(id) = glyph.pen.link
                {
                    glyph.pen.link = Some(renumber.get(&id).copied().unwrap_or(GONE_LINK));
                }
            }
        }
    }

    /// Keeps the wanted links only on cells that print one glyph of known width (never a
    /// blank, never the right half of a wide glyph): what `shows` answers for a column.
    fn keep_printable_links<'c>(&mut self, shows: impl Fn(u16, u16) -> Option<&'c Cell>) {
        self.want_links.retain(|(x, y), _| {
            shows(*x, *y).is_some_and(|cell| cell.symbol() != " " && certain_glyph(cell).is_some())
        });
    }

    /// Adds to `cells` (a diff in ratatui's order) the cells of `next` whose link differs
    /// from the one the terminal shows there: ratatui's diff sees only text and style.
    fn relink<'c>(&self, cells: &mut Vec<(u16, u16, &'c Cell)>, next: &'c Buffer) {
        if self.links.is_none()
            || (self.want_links.is_empty() && self.urls.is_empty() && !self.shadow_has_links())
        {
            return;
        }
        let mut positions: Vec<(u16, u16)> = self.want_links.keys().copied().collect();
        for (y, row) in self.shadow.rows.iter().enumerate() {
            for (x, slot) in row.iter().enumerate() {
                if let Slot::Glyph(glyph) = slot
                    && glyph.pen.link.is_some()
                    && let (Ok(x), Ok(y)) = (u16::try_from(x), u16::try_from(y))
                {
                    positions.push((x, y));
                }
            }
        }
        let area = next.area;
        let before = cells.len();
        let sent: std::collections::HashSet<(u16, u16)> =
            cells.iter().map(|(x, y, _)| (*x, *y)).collect();
        for (x, y) in positions {
            if x >= area.width || y >= area.height || covered_in(next, x, y) {
                continue;
            }
            let want = self.want_links.get(&(x, y)).copied();
            let shown = match self.shadow.get(x, y) {
                Slot::Glyph(glyph) => glyph.pen.link,
                Slot::Unknown => None,
                Slot::Covered => want,
            };
            if shown != want && !sent.contains(&(x, y)) {
                cells.push((x, y, &next[(x, y)]));
            }
        }
        if cells.len() > before {
            cells.sort_by_key(|(x, y, _)| (*y, *x));
            cells.dedup_by_key(|(x, y, _)| (*x, *y));
        }
    }

    fn shadow_has_links(&self) -> bool {
        self.shadow
            .rows
            .iter()
            .flatten()
            .any(|slot| matches!(slot, Slot::Glyph(glyph) if glyph.pen.link.is_some()))
    }

    /// Never scrolls rows that moved: they are drawn again (for terminals without
    /// `CSI n S` / `CSI n T`).
    pub(crate) fn without_scrolling(mut self) -> Self {
        self.scrolls = false;
        self
    }

    /// The block of rows whose shift saves the most rows from being redrawn, when it saves
    /// enough: for each shift of 1 to `MAX_SHIFT` rows either way, the runs of rows the new
    /// frame holds shifted from the last, counted by the rows that changed in place (a run
    /// of rows that did not change, blanks say, saves nothing), less the unchanged rows the
    /// scroll would bring in blank.
    fn find_shift(&self, old: &Buffer, new: &Buffer) -> Option<Shift> {
        // The rows that scroll in are blank only if the shadow's unwritten columns are.
        if !self.scrolls || self.shadow.beyond != BLANK || old.area != new.area {
            return None;
        }
        let height = new.area.height;
        let changed: Vec<bool> = (0..height)
            .map(|y| buffer_row(old, y) != buffer_row(new, y))
            .collect();
        if changed.iter().filter(|c| **c).count() < MIN_ROWS_SAVED {
            return None;
        }
        let mut best: Option<(usize, Shift)> = None;
        for by in 1..=MAX_SHIFT.min(height.saturating_sub(1)) {
            for up in [true, false] {
                // Row y of the new frame comes from row `from(y)` of the old one.
                let from = |y: u16| if up { y + by } else { y - by };
                let rows = if up { 0..height - by } else { by..height };
                let mut run: Option<(u16, usize)> = None;
                for y in rows.clone().chain(std::iter::once(u16::MAX)) {
                    let moved = y != u16::MAX && buffer_row(new, y) == buffer_row(old, from(y));
                    if moved {
                        let saved = usize::from(changed[usize::from(y)]);
                        run = Some(run.map_or((y, saved), |(start, s)| (start, s + saved)));
                        continue;
                    }
                    let Some((start, saved)) = run.take() else {
                        continue;
                    };
                    let end = y.min(rows.end) - 1;
                    let (top, bottom, incoming) = if up {
                        (start, end + by, end + 1..=end + by)
                    } else {
                        (start - by, end, start - by..=start - 1)
                    };
                    // Rows that came in blank but showed the right thing before.
                    let lost = incoming
                        .filter(|row| {
                            !changed[usize::from(*row)]
                                && buffer_row(new, *row).iter().any(|c| c != &Cell::default())
                        })
                        .count();
                    let net = saved.saturating_sub(lost);
                    if net >= MIN_ROWS_SAVED && best.is_none_or(|(b, _)| net > b) {
                        let by = if up { i32::from(by) } else { -i32::from(by) };
                        best = Some((net, Shift { top, bottom, by }));
                    }
                }
            }
        }
        best.map(|(_, shift)| shift)
    }

    /// Scrolls rows `shift.top..=shift.bottom` of the terminal (a scroll region, scroll up
    /// or down, the region reset) and of `model` and the shadow with it.
    fn scroll(&mut self, out: &mut Vec<u8>, model: &mut Buffer, shift: Shift) {
        // The attributes are reset between frames: the rows that come in are plain blanks,
        // whatever background-colour erase the terminal does.
        out.extend_from_slice(b"\x1b[");
        push_number(out, u32::from(shift.top) + 1);
        out.push(b';');
        push_number(out, u32::from(shift.bottom) + 1);
        out.push(b'r');
        let by = u16::try_from(shift.by.unsigned_abs()).unwrap_or(u16::MAX);
        push_csi_count(out, by, if shift.by > 0 { b'S' } else { b'T' });
        out.extend_from_slice(b"\x1b[r");
        // Setting the region moves the cursor (home, on most terminals).
        self.cursor = None;

        let width = usize::from(model.area.width);
        let mut rows: Vec<Vec<Cell>> = model
            .content
            .chunks(width.max(1))
            .map(<[Cell]>::to_vec)
            .collect();
        shift_rows(&mut rows, shift, &vec![Cell::default(); width]);
        model.content = rows.concat();

        let needed = usize::from(shift.bottom) + 1;
        if self.shadow.rows.len() < needed {
            self.shadow.rows.resize_with(needed, Vec::new);
        }
        // An empty shadow row is all `beyond`: blank.
        shift_rows(&mut self.shadow.rows, shift, &Vec::new());
    }

    /// The cheapest route to `(x, y)` for a glyph `ch` wanting `want`, from `pen`.
    fn route(&self, x: u16, y: u16, ch: Option<char>, want: Pen, pen: Pen) -> Route {
        let urls = &self.urls;
        let finish = |mut bytes: Vec<u8>, reprinted: Vec<(u16, Glyph)>, after: Pen| {
            let pen = print_pen(ch, want, after);
            push_sgr(&mut bytes, after, pen, urls);
            Route {
                bytes,
                reprinted,
                pen,
            }
        };
        // An open link is closed before any move: what a terminal does with link state
        // across moves varies, and the cells in between must never get it.
        let (close, closed) = match pen.link {
            Some(_) => (LINK_CLOSE.to_vec(), pen.without_link()),
            None => (Vec::new(), pen),
        };
        let mut absolute = close.clone();
        push_move_to(&mut absolute, x, y);
        let mut best = finish(absolute, Vec::new(), closed);
        let mut consider = |route: Route| {
            if route.bytes.len() < best.bytes.len() {
                best = route;
            }
        };
        // From column `from` of row `y` (after `prefix`, which leaves `pen` set): move
        // right, or reprint the gap (each reprinted cell with its own link).
        let horizontal = |prefix: Vec<u8>, from: u16, pen: Pen, consider: &mut dyn FnMut(Route)| {
            if from == x {
                consider(finish(prefix, Vec::new(), pen));
                return;
            }
            let mut moved = prefix.clone();
            let mut moved_pen = pen;
            if pen.link.is_some() {
                moved.extend_from_slice(LINK_CLOSE);
                moved_pen = pen.without_link();
            }
            push_csi_count(&mut moved, x - from, b'C');
            consider(finish(moved, Vec::new(), moved_pen));
            if let Some(gap) = self.reprint(prefix, from, x, y, pen) {
                consider(finish(gap.bytes, gap.reprinted, gap.pen));
            }
        };
        if let Some((cx, cy)) = self.cursor {
            if cy == y && cx <= x {
                horizontal(Vec::new(), cx, pen, &mut consider);
            } else if cy < y {
                let down = y - cy;
                // To the start of row y: CR and line feeds, or CR and a move down (a line
                // feed never scrolls here: row y exists below).
                let mut to_start = close.clone();
                to_start.push(b'\r');
                if down <= 4 {
                    to_start.extend(std::iter::repeat_n(b'\n', usize::from(down)));
                } else {
                    push_csi_count(&mut to_start, down, b'B');
                }
                horizontal(to_start, 0, closed, &mut consider);
                if cx <= x {
                    let mut straight_down = close.clone();
                    push_csi_count(&mut straight_down, down, b'B');
                    horizontal(straight_down, cx, closed, &mut consider);
                }
            }
        }
        best
    }

    /// The column from which row `y` is blank once `row` (this frame's changed cells of
    /// the row, from some point on) is drawn, judging the columns it leaves alone by the
    /// shadow; `None` when the row never ends blank (or is not known to).
    fn erase_from(&self, row: &[(u16, u16, &Cell)], y: u16) -> Option<u16> {
        let changed: Vec<(u16, &Cell)> = row
            .iter()
            .take_while(|(_, row_y, _)| *row_y == y)
            .map(|(x, _, cell)| (*x, *cell))
            .collect();
        let first = changed.first().map_or(0, |(x, _)| *x);
        if !matches!(self.shadow.beyond, Slot::Glyph(glyph) if glyph == BLANK_GLYPH) {
            return None;
        }
        // The last column left solid: a changed cell that is not a blank, or an unchanged
        // one the shadow holds as something else.
        let mut solid: Option<u16> = None;
        let mut note = |column: u16| solid = Some(solid.map_or(column, |s| s.max(column)));
        for (x, cell) in &changed {
            if !erasable(cell) {
                note(x.saturating_add(cell_width(cell).saturating_sub(1)));
            }
        }
        let len = self
            .shadow
            .rows
            .get(usize::from(y))
            .map_or(0, |r| u16::try_from(r.len()).unwrap_or(u16::MAX));
        let mut next_changed = changed.iter().map(|(x, _)| *x).peekable();
        for column in first..len {
            let mut after_changed = false;
            while let Some(x) = next_changed.next_if(|x| *x < column) {
                after_changed = x + 1 == column;
            }
            if next_changed.peek() == Some(&column) {
                continue;
            }
            if !self.shadow.blank_once_drawn(column, y, after_changed) {
                note(column);
            }
        }
        Some(solid.map_or(first, |s| s.saturating_add(1).max(first)))
    }

    /// From column `x` of row `y`, where `row` (this frame's changed cells from there on)
    /// starts with a blank: the end of the run of columns that will be blank (changed
    /// cells that are blanks, unchanged ones the shadow holds as blanks), and how many
    /// changed cells it covers.
    fn blank_run(&self, row: &[(u16, u16, &Cell)], x: u16, y: u16) -> (u16, usize) {
        let mut column = x;
        let mut covered = 0;
        let changed_end = row
            .iter()
            .take_while(|(_, row_y, _)| *row_y == y)
            .last()
            .map_or(x, |(cx, _, _)| cx.saturating_add(1));
        let shadow_end = self
            .shadow
            .rows
            .get(usize::from(y))
            .map_or(0, |r| u16::try_from(r.len()).unwrap_or(u16::MAX));
        // Past both, every column is the shadow's `beyond`: no need to look further.
        let limit = changed_end.max(shadow_end);
        let mut changed = row
            .iter()
            .take_while(|(_, row_y, _)| *row_y == y)
            .peekable();
        let mut after_changed = false;
        while column < limit {
            match changed.peek() {
                Some((cx, _, cell)) if *cx == column => {
                    if !erasable(cell) {
                        break;
                    }
                    covered += 1;
                    changed.next();
                    after_changed = true;
                }
                _ => {
                    if !self.shadow.blank_once_drawn(column, y, after_changed) {
                        break;
                    }
                    after_changed = false;
                }
            }
            column += 1;
        }
        (column, covered)
    }

    /// Records a route's reprinted gap in the shadow.
    fn commit(&mut self, route: &Route, y: u16) {
        for (column, reprinted) in &route.reprinted {
            self.shadow
                .print(*column, y, Some(*reprinted), reprinted.width);
        }
    }

    /// Reaches `(x, y)` the cheapest way and prints `ch` there.
    #[allow(clippy::too_many_arguments)]
    fn put(
        &mut self,
        out: &mut Vec<u8>,
        pen: &mut Pen,
        x: u16,
        y: u16,
        ch: char,
        width: u16,
        want: Pen,
    ) {
        let route = self.route(x, y, Some(ch), want, *pen);
        out.extend_from_slice(&route.bytes);
        self.commit(&route, y);
        *pen = route.pen;
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
        self.shadow.print(
            x,
            y,
            Some(Glyph {
                ch,
                width,
                pen: *pen,
            }),
            width,
        );
        self.cursor = Some((x.saturating_add(width), y));
    }

    /// Prints `cells` (a diff against what the terminal shows, in ratatui's order) the
    /// cheapest way, ending with the attributes reset.
    fn draw_cells(&mut self, out: &mut Vec<u8>, cells: &[(u16, u16, &Cell)]) {
        // Every frame ends with the attributes reset; the cursor may have been moved by
        // anyone since the last one.
        let mut pen = Pen::default();
        self.cursor = None;
        // Per row: the columns from which the row ends blank once drawn (see `erase_from`).
        let mut row_blank_from: Option<(u16, Option<u16>)> = None;
        let mut index = 0;
        while let Some(&(x, y, cell)) = cells.get(index) {
            index += 1;
            let symbol = cell.symbol();
            if symbol.is_empty() {
                // Prints nothing; the terminal keeps what it shows there.
                continue;
            }
            let want = Pen::of(cell, self.want_links.get(&(x, y)).copied());
            let Some((ch, width)) = certain_glyph(cell) else {
                // A glyph of unsure width is never in a link (see `keep_printable_links`).
                let want = want.without_link();
                let end = x.saturating_add(cell_width(cell));
                let orphans_next = self.shadow.get(end, y) == Slot::Covered;
                let route = self.route(x, y, None, want, pen);
                out.extend_from_slice(&route.bytes);
                self.commit(&route, y);
                pen = route.pen;
                if symbol.chars().any(char::is_control) {
                    // Never a control sequence from cell text.
                    out.extend_from_slice("\u{fffd}".as_bytes());
                } else {
                    out.extend_from_slice(symbol.as_bytes());
                }
                self.shadow.print(x, y, None, cell_width(cell));
                self.cursor = None;
                if orphans_next
                    && cells
                        .get(index)
                        .is_none_or(|(nx, ny, _)| (*nx, *ny) != (end, y))
                {
                    self.put(out, &mut pen, end, y, ' ', 1, Pen::default());
                }
                continue;
            };
            if let Slot::Glyph(shown) = self.shadow.get(x, y)
                && shown.ch == ch
                && looks_same(ch, shown.pen, want)
            {
                continue;
            }
            if erasable(cell) {
                let blank_from = match row_blank_from {
                    Some((row, from)) if row == y => from,
                    _ => {
                        let from = self.erase_from(&cells[index - 1..], y);
                        row_blank_from = Some((y, from));
                        from
                    }
                };
                let row_end = cells[index..]
                    .iter()
                    .position(|(_, row, _)| *row != y)
                    .map_or(cells.len(), |n| index + n);
                // Erasing to the end of the row (3 bytes) instead of printing the blanks.
                if blank_from.is_some_and(|from| x >= from)
                    && row_end - (index - 1) > 3
                    && self.shadow.get(x, y) != Slot::Covered
                {
                    let route = self.route(x, y, Some(' '), Pen::default(), pen);
                    out.extend_from_slice(&route.bytes);
                    self.commit(&route, y);
                    pen = route.pen;
                    out.extend_from_slice(b"\x1b[K");
                    self.shadow.erase_row_from(x, y);
                    self.cursor = Some((x, y));
                    index = row_end;
                    continue;
                }
                // A run of blanks inside the row: `ESC[nX` erases it without moving.
                let (run_end, covered) = self.blank_run(&cells[index - 1..], x, y);
                let mut erase = Vec::new();
                push_csi_count(&mut erase, run_end - x, b'X');
                if covered > erase.len() + 4 && self.shadow.get(x, y) != Slot::Covered {
                    let route = self.route(x, y, Some(' '), Pen::default(), pen);
                    out.extend_from_slice(&route.bytes);
                    self.commit(&route, y);
                    pen = route.pen;
                    out.extend_from_slice(&erase);
                    for column in x..run_end {
                        self.shadow.set(column, y, BLANK);
                    }
                    self.cursor = Some((x, y));
                    index += covered - 1;
                    continue;
                }
            }
            let end = x.saturating_add(width);
            // The glyph cuts a wide one after it in half: ratatui does not send that column
            // again when it holds the blank ratatui put behind the wide glyph, and terminals
            // differ in what they leave there.
            let orphans_next = self.shadow.get(end, y) == Slot::Covered;
            self.put(out, &mut pen, x, y, ch, width, want);
            if orphans_next
                && cells
                    .get(index)
                    .is_none_or(|(nx, ny, _)| (*nx, *ny) != (end, y))
            {
                self.put(out, &mut pen, end, y, ' ', 1, Pen::default());
            }
        }
        push_sgr(out, pen, Pen::default(), &self.urls);
    }

    /// `prefix` followed by the glyphs the shadow holds in columns `from..to` of row `y`,
    /// when they are all known, whole, and few.
    fn reprint(&self, prefix: Vec<u8>, from: u16, to: u16, y: u16, pen: Pen) -> Option<Route> {
        if to - from > MAX_REPRINT_COLUMNS {
            return None;
        }
        let mut bytes = prefix;
        let mut reprinted = Vec::new();
        let mut pen = pen;
        let mut x = from;
        while x < to {
            let Slot::Glyph(glyph) = self.shadow.get(x, y) else {
                return None;
            };
            if x + glyph.width > to || glyph.pen.link == Some(GONE_LINK) {
                return None;
            }
            let printed = print_pen(Some(glyph.ch), glyph.pen, pen);
            push_sgr(&mut bytes, pen, printed, &self.urls);
            let mut utf8 = [0u8; 4];
            bytes.extend_from_slice(glyph.ch.encode_utf8(&mut utf8).as_bytes());
            pen = printed;
            reprinted.push((
                x,
                Glyph {
                    pen: printed,
                    ..glyph
                },
            ));
            x += glyph.width;
        }
        Some(Route {
            bytes,
            reprinted,
            pen,
        })
    }
}

impl<B> Backend for WideAwareBackend<B>
where
    B: Backend<Error = io::Error> + Write,
{
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut out = std::mem::take(&mut self.out);
        let cells: Vec<(u16, u16, &Cell)> = content.collect();
        self.take_links();
        match self.model.take() {
            Some(mut model) => {
                let next = next_frame(&mut model, &cells);
                if !self.want_links.is_empty() {
                    let area = next.area;
                    self.keep_printable_links(|x, y| {
                        (x < area.width && y < area.height).then(|| &next[(x, y)])
                    });
                }
                match self.find_shift(&model, &next) {
                    Some(shift) => {
                        self.scroll(&mut out, &mut model, shift);
                        let mut after_shift = model.diff(&next);
                        self.relink(&mut after_shift, &next);
                        self.draw_cells(&mut out, &after_shift);
                    }
                    None => {
                        let mut cells = cells.clone();
                        self.relink(&mut cells, &next);
                        self.draw_cells(&mut out, &cells);
                    }
                }
                self.model = Some(next);
            }
            None => {
                if !self.want_links.is_empty() {
                    let sent: HashMap<(u16, u16), &Cell> =
                        cells.iter().map(|(x, y, cell)| ((*x, *y), *cell)).collect();
                    self.keep_printable_links(|x, y| sent.get(&(x, y)).copied());
                }
                self.draw_cells(&mut out, &cells);
            }
        }
        self.out = out;
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.write_pending()?;
        self.shadow.reset(Slot::Unknown);
        self.model = None;
        self.cursor = None;
        self.cursor_shown = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(false) {
            self.out.extend_from_slice(b"\x1b[?25l");
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        if self.cursor_shown != Some(true) {
            self.out.extend_from_slice(b"\x1b[?25h");
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        // Known from what was written: asking the terminal (ratatui's `clear` does) would
        // cost a round trip, over ssh a whole one, before the frame.
        if let Some((x, y)) = self.cursor {
            return Ok(Position { x, y });
        }
        // The answer must come after what was asked to be drawn before.
        self.write_pending()?;
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let position = position.into();
        if self.cursor != Some((position.x, position.y)) {
            push_move_to(&mut self.out, position.x, position.y);
        }
        self.cursor = Some((position.x, position.y));
        Ok(())
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        // Also called after anything else had the terminal (an external editor, a resize).
        self.cursor_shown = None;
        self.out.extend_from_slice(match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        });
        if clear_type == ClearType::All {
            // Frames end with the attributes reset, so the screen is erased to plain blanks.
            self.shadow.reset(BLANK);
            self.model = Some(Buffer::empty(Rect::ZERO));
        } else {
            self.shadow.reset(Slot::Unknown);
            self.model = None;
        }
        Ok(())
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.write_pending()?;
        Backend::flush(&mut self.inner)
    }
}

impl<B: Write> WideAwareBackend<B> {
    /// Writes the frame built so far, in one write.
    fn write_pending(&mut self) -> io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let written = self.inner.write_all(&self.out);
        self.out.clear();
        written?;
        self.inner.flush()
    }
}

/// A writer into a shared buffer, so the bytes a terminal wrote can be read back.
#[derive(Debug, Clone, Default)]
pub struct SharedWriter(pub std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedWriter {
    /// The bytes written since the last take.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "term_backend/link_tests.rs"]
mod link_tests;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "term_backend/tests.rs"]
mod tests;
