//! The one-line editor every one-line prompt uses (search, date filter, the attachment
//! path): the text, a caret counted in chars (the view turns it into display columns), the
//! keys every shell user types (Ctrl-A/E/U/K/W, Home/End, word moves, Delete), a history
//! per prompt kind browsed with ↑/↓, and Tab completion of the search language.
//!
//! `update` never touches the disk: the history lives in [`PromptHistory`] (its files are
//! read once at start by `crate::history_files::load`) and each change is written by the
//! worker through [`Command::SaveHistory`](super::action::Command::SaveHistory).
//!
//! This file holds the text, the caret and the readline edits; the per-prompt history
//! (`history.rs`) and the Tab completion (`completion.rs`) are their own modules.

mod completion;
mod history;

pub(crate) use completion::{Completion, search_candidates};
pub use history::{HISTORY_MAX, HistoryKind, PromptHistory};

/// The longest line a prompt takes, in characters: a search, a ticket number or a path is
/// far shorter, and a paste past it is cut (it would only be a mistake, and history keeps
/// every entry).
pub(crate) const LINE_MAX: usize = 2000;

/// One edit of a one-line prompt (mapped from keys by the key map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEdit {
    Insert(char),
    /// Pasted text: line breaks become spaces, other control characters are dropped.
    Paste(String),
    Backspace,
    /// Delete (and Ctrl-D): the char under the caret.
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Alt-b, Ctrl-←: to the start of the word before the caret.
    WordLeft,
    /// Alt-f, Ctrl-→: to the end of the word after the caret.
    WordRight,
    /// Ctrl-U: everything before the caret.
    KillToStart,
    /// Ctrl-K: everything from the caret on.
    KillToEnd,
    /// Ctrl-W: back to the previous space (a whole `field:value` term).
    KillTermBack,
    /// Alt-Backspace: back to the start of the word (letters and digits).
    KillWordBack,
    /// ↑: the previous entry of this prompt's history.
    HistoryPrev,
    /// ↓: the next entry, and after the newest what was being typed.
    HistoryNext,
    /// Tab: complete a search field name or an enum value.
    Complete,
}

/// Where ↑ has got to in the history, and what was typed before the first ↑.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Browse {
    /// Index into the kind's entries (oldest first).
    pub(crate) index: usize,
    pub(crate) typed: String,
}

/// A one-line input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    pub text: String,
    /// The caret, in chars from the start.
    pub caret: usize,
    pub(crate) browse: Option<Browse>,
    pub(crate) completion: Option<Completion>,
}

fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(index, _)| index)
}

/// Word characters for Alt-b/f and Alt-Backspace: letters and digits (CJK included).
fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

impl LineEditor {
    /// A line holding `text`, the caret at its end.
    pub fn new(text: impl Into<String>) -> LineEditor {
        let text = text.into();
        LineEditor {
            caret: text.chars().count(),
            text,
            browse: None,
            completion: None,
        }
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Replaces the whole text, the caret at its end.
    pub(crate) fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.caret = self.len();
    }

    /// Inserts pasted (or typed) text at the caret: line breaks and tabs become spaces, other
    /// control characters are dropped, so the line stays one line of inert text.
    pub(crate) fn insert_str(&mut self, text: &str) {
        let clean: String = text
            .replace("\r\n", " ")
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        let room = LINE_MAX.saturating_sub(self.len());
        let clean: String = clean.chars().take(room).collect();
        self.caret = self.caret.min(self.len());
        let at = byte_at(&self.text, self.caret);
        self.text.insert_str(at, &clean);
        self.caret += clean.chars().count();
    }

    /// The text before the caret (the view measures it in display columns).
    pub(crate) fn before_caret(&self) -> &str {
        &self.text[..byte_at(&self.text, self.caret)]
    }

    fn remove_range(&mut self, from: usize, to: usize) {
        let (a, b) = (byte_at(&self.text, from), byte_at(&self.text, to));
        self.text.replace_range(a..b, "");
        self.caret = from;
    }

    fn word_left(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.caret.min(chars.len());
        while at > 0 && !is_word(chars[at - 1]) {
            at -= 1;
        }
        while at > 0 && is_word(chars[at - 1]) {
            at -= 1;
        }
        at
    }

    fn word_right(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.caret.min(chars.len());
        while at < chars.len() && !is_word(chars[at]) {
            at += 1;
        }
        while at < chars.len() && is_word(chars[at]) {
            at += 1;
        }
        at
    }

    fn term_left(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.caret.min(chars.len());
        while at > 0 && chars[at - 1].is_whitespace() {
            at -= 1;
        }
        while at > 0 && !chars[at - 1].is_whitespace() {
            at -= 1;
        }
        at
    }

    /// Applies an edit that needs no history or completion; returns whether the text
    /// changed. History and completion are [`LineEditor::browse`] and
    /// [`LineEditor::complete`].
    pub(crate) fn apply(&mut self, edit: &LineEdit) -> bool {
        self.caret = self.caret.min(self.len());
        let before = self.text.len();
        let len = self.len();
        match edit {
            LineEdit::Insert(c) => self.insert_str(c.encode_utf8(&mut [0; 4])),
            LineEdit::Paste(text) => self.insert_str(text),
            LineEdit::Backspace if self.caret > 0 => self.remove_range(self.caret - 1, self.caret),
            LineEdit::Delete if self.caret < len => self.remove_range(self.caret, self.caret + 1),
            LineEdit::Left => self.caret = self.caret.saturating_sub(1),
            LineEdit::Right => self.caret = (self.caret + 1).min(len),
            LineEdit::Home => self.caret = 0,
            LineEdit::End => self.caret = len,
            LineEdit::WordLeft => self.caret = self.word_left(),
            LineEdit::WordRight => self.caret = self.word_right(),
            LineEdit::KillToStart => self.remove_range(0, self.caret),
            LineEdit::KillToEnd => self.remove_range(self.caret, len),
            LineEdit::KillTermBack => self.remove_range(self.term_left(), self.caret),
            LineEdit::KillWordBack => self.remove_range(self.word_left(), self.caret),
            _ => {}
        }
        // Any edit but Tab ends a completion; the history position stays (as in a shell).
        self.completion = None;
        self.text.len() != before
    }

    /// ↑ (`back`) or ↓ through `entries` (oldest first). The first ↑ keeps what was typed;
    /// ↓ past the newest entry brings it back.
    pub(crate) fn browse(&mut self, entries: &[String], back: bool) {
        self.completion = None;
        match (&self.browse, back) {
            (None, true) => {
                if let Some(last) = entries.len().checked_sub(1) {
                    let typed = std::mem::take(&mut self.text);
                    self.browse = Some(Browse { index: last, typed });
                    self.set(entries[last].clone());
                }
            }
            (None, false) => {}
            (Some(browse), true) => {
                let index = browse.index.min(entries.len()).saturating_sub(1);
                if let Some(entry) = entries.get(index) {
                    let typed = browse.typed.clone();
                    self.browse = Some(Browse { index, typed });
                    self.set(entry.clone());
                }
            }
            (Some(browse), false) => {
                let index = browse.index + 1;
                match entries.get(index) {
                    Some(entry) => {
                        let typed = browse.typed.clone();
                        self.browse = Some(Browse { index, typed });
                        self.set(entry.clone());
                    }
                    None => {
                        let typed = browse.typed.clone();
                        self.browse = None;
                        self.set(typed);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn line(text: &str, caret: usize) -> LineEditor {
        LineEditor {
            caret,
            ..LineEditor::new(text)
        }
    }

    fn after(text: &str, caret: usize, edit: LineEdit) -> (String, usize) {
        let mut l = line(text, caret);
        l.apply(&edit);
        (l.text, l.caret)
    }

    #[test]
    fn moves_and_kills_like_readline() {
        use LineEdit::*;
        let s = |t: &str, c| (t.to_string(), c);
        assert_eq!(after("abc def", 4, Home), s("abc def", 0));
        assert_eq!(after("abc def", 4, End), s("abc def", 7));
        assert_eq!(after("abc def", 4, Left), s("abc def", 3));
        assert_eq!(after("abc def", 7, Right), s("abc def", 7));
        assert_eq!(after("abc def", 5, KillToStart), s("ef", 0));
        assert_eq!(after("abc def", 5, KillToEnd), s("abc d", 5));
        assert_eq!(after("abc def", 5, Delete), s("abc df", 5));
        assert_eq!(after("abc def", 7, Delete), s("abc def", 7));
        assert_eq!(after("abc def", 0, Backspace), s("abc def", 0));
        assert_eq!(after("abc def", 1, Backspace), s("bc def", 0));
        assert_eq!(after("a status:pe", 11, KillTermBack), s("a ", 2));
        assert_eq!(after("a status:pe  ", 13, KillTermBack), s("a ", 2));
        assert_eq!(after("a status:pe", 11, KillWordBack), s("a status:", 9));
        assert_eq!(after("a status:pe", 11, WordLeft), s("a status:pe", 9));
        assert_eq!(after("a status:pe", 9, WordLeft), s("a status:pe", 2));
        assert_eq!(after("a status:pe", 0, WordRight), s("a status:pe", 1));
        assert_eq!(after("a status:pe", 1, WordRight), s("a status:pe", 8));
    }

    #[test]
    fn counts_chars_not_bytes_and_measures_columns_cjk_correct() {
        let mut l = LineEditor::new("退款申请");
        assert_eq!(l.caret, 4);
        l.apply(&LineEdit::Left);
        l.apply(&LineEdit::Insert('x'));
        assert_eq!(l.text, "退款申x请");
        assert_eq!(crate::text::width(l.before_caret()), 7);
        l.apply(&LineEdit::WordLeft);
        assert_eq!(l.caret, 0, "a run of CJK is one word");
        l.apply(&LineEdit::Delete);
        assert_eq!(l.text, "款申x请");
        l.apply(&LineEdit::End);
        l.apply(&LineEdit::KillWordBack);
        assert_eq!((l.text.as_str(), l.caret), ("", 0));
    }

    #[test]
    fn a_line_holds_at_most_line_max_characters() {
        let mut l = LineEditor::default();
        l.insert_str(&"订".repeat(LINE_MAX + 500));
        assert_eq!(l.text.chars().count(), LINE_MAX);
        assert_eq!(l.caret, LINE_MAX);
        l.apply(&LineEdit::Insert('x'));
        assert_eq!(l.text.chars().count(), LINE_MAX);
    }

    #[test]
    fn pasted_text_stays_one_inert_line() {
        let mut l = LineEditor::new("ab");
        l.apply(&LineEdit::Left);
        l.insert_str("x\r\ny\nz\t\u{1b}[2J");
        assert_eq!(l.text, "ax y z [2Jb");
        assert_eq!(l.caret, 10);
    }

    #[test]
    fn history_goes_back_and_returns_what_was_typed() {
        let entries = vec!["one".to_string(), "two".to_string()];
        let mut l = LineEditor::new("draft");
        l.browse(&entries, true);
        assert_eq!(l.text, "two");
        l.browse(&entries, true);
        assert_eq!(l.text, "one");
        l.browse(&entries, true);
        assert_eq!(l.text, "one", "the oldest stays");
        l.browse(&entries, false);
        assert_eq!(l.text, "two");
        l.browse(&entries, false);
        assert_eq!((l.text.as_str(), l.caret), ("draft", 5));
        assert!(l.browse.is_none());
        l.browse(&entries, false);
        assert_eq!(l.text, "draft");
        let mut empty = LineEditor::new("x");
        empty.browse(&[], true);
        assert_eq!(empty.text, "x");
    }
}
