//! A backend wrapper that saves a cursor move after every wide (CJK) glyph.
//!
//! ratatui's diff skips the cell covered by the right half of a wide glyph, so the next
//! changed cell is two columns on, and the crossterm backend, seeing a gap, moves the
//! cursor there (`ESC[row;colH`, 6 to 8 bytes for a 3-byte glyph), although the terminal's
//! cursor is already there. Feeding it an empty cell for the covered column keeps the run
//! contiguous: nothing is printed for it and no move is sent. Over SSH this halves the bytes
//! of a page of Chinese rows (BENCHMARKS.md).

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use unicode_width::UnicodeWidthStr;

/// Wraps a backend; every call but `draw` goes straight through.
#[derive(Debug)]
pub struct WideAwareBackend<B> {
    inner: B,
}

impl<B> WideAwareBackend<B> {
    pub fn new(inner: B) -> Self {
        WideAwareBackend { inner }
    }

    pub fn inner(&self) -> &B {
        &self.inner
    }
}

impl<B: Backend> Backend for WideAwareBackend<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut cells: Vec<(u16, u16, Cell)> = Vec::new();
        for (x, y, cell) in content {
            cells.push((x, y, cell.clone()));
            let width = cell.symbol().width();
            for covered in 1..width {
                // Same style, so no colour change is sent for it either.
                let mut filler = cell.clone();
                filler.set_symbol("");
                cells.push((x.saturating_add(covered as u16), y, filler));
            }
        }
        self.inner
            .draw(cells.iter().map(|(x, y, cell)| (*x, *y, cell)))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}
