//! The description laid out (HTML rendered, cleaned, wrapped) and kept for the next frame:
//! the one costly part of the detail, so its memo is apart from the fields drawn each time.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::ui::wrap;

/// The last description laid out: the key it was laid out for and its lines.
///
/// Why here, in a thread-local of the UI layer: laying out a description (HTML rendered,
/// cleaned, wrapped) is the only costly part of the detail (a 10 MB description takes
/// most of a second), and drawing and scrolling only read `App`, so the layout cannot be
/// kept in app state without a `RefCell` there (what issue 15 removes from the row cache).
/// It is derived data of the UI, keyed by everything it depends on: the ticket, its store
/// generation (bumped on every change), the width, and the description's length and ends
/// (so that another `App` in the same thread, as in tests, cannot hit a stale entry).
pub(super) struct DescriptionMemo {
    key: MemoKey,
    lines: Rc<[String]>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
struct MemoKey {
    ticket: u64,
    generation: u64,
    columns: usize,
    len: usize,
    ends: u64,
}

thread_local! {
    static DESCRIPTION: RefCell<Option<DescriptionMemo>> = const { RefCell::new(None) };
    static LAYOUTS: Cell<u64> = const { Cell::new(0) };
}

/// How many descriptions this thread has laid out (tests check a redraw does not).
pub fn description_layouts() -> u64 {
    LAYOUTS.with(Cell::get)
}

/// A ticket's description as the store keeps it (UTF-8), with the ticket's generation.
pub(super) struct Description<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) generation: u64,
}

/// The description's lines at a width, laid out once per ticket change and width.
pub(super) fn description_lines(
    ticket: u64,
    description: &Description,
    columns: usize,
) -> Rc<[String]> {
    let bytes = description.bytes;
    let ends = bytes
        .iter()
        .take(32)
        .chain(bytes.iter().rev().take(32))
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let key = MemoKey {
        ticket,
        generation: description.generation,
        columns,
        len: bytes.len(),
        ends,
    };
    DESCRIPTION.with(|memo| {
        if let Some(memo) = memo.borrow().as_ref()
            && memo.key == key
        {
            return memo.lines.clone();
        }
        LAYOUTS.with(|count| count.set(count.get() + 1));
        let lines: Rc<[String]> = readable(&String::from_utf8_lossy(bytes), columns).into();
        *memo.borrow_mut() = Some(DescriptionMemo {
            key,
            lines: lines.clone(),
        });
        lines
    })
}

/// The description as readable text, wrapped by display columns: HTML rendered
/// (paragraphs, lists, links with their URL, entities decoded), plain text line for line as
/// written; cleaned again either way (see [`crate::text::description_text`]).
pub fn readable(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(10);
    crate::text::description_text(text, columns)
        .lines()
        .flat_map(|line| wrap(line, columns))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_readable_text() {
        let lines = readable(
            "<p>您好，<b>无法登录</b></p><ul><li>第一步</li><li>第二步</li></ul><p>见 <a href=\"https://example.com/x\">说明</a> &amp; 谢谢</p>",
            60,
        );
        let text = lines.join("\n");
        assert!(text.contains("无法登录"), "{text}");
        assert!(text.contains("第一步"), "{text}");
        assert!(text.contains("https://example.com/x"), "{text}");
        assert!(text.contains("& 谢谢"), "{text}");
        assert!(!text.contains("<p>"), "{text}");
    }

    #[test]
    fn an_entity_cannot_smuggle_an_escape() {
        let lines = readable("<p>a&#27;[2Jb</p>", 40);
        assert!(lines.iter().all(|l| !l.contains('\u{1b}')), "{lines:?}");
    }
}
