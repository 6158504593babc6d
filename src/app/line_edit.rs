//! The one-line editor every one-line prompt uses (search, date filter, the attachment
//! path): the text, a caret counted in chars (the view turns it into display columns), the
//! keys every shell user types (Ctrl-A/E/U/K/W, Home/End, word moves, Delete), a history
//! per prompt kind browsed with ↑/↓, and Tab completion of the search language.
//!
//! `update` never touches the disk: the history lives in [`PromptHistory`] (its files are
//! read once at start by `crate::history_files::load`) and each change is written by the
//! worker through [`Command::SaveHistory`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::action::Command;

/// Entries kept per prompt kind; the oldest go first.
pub const HISTORY_MAX: usize = 200;

/// The longest line a prompt takes, in characters: a search, a ticket number or a path is
/// far shorter, and a paste past it is cut (it would only be a mistake, and history keeps
/// every entry).
pub const LINE_MAX: usize = 2000;

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
pub struct Browse {
    /// Index into the kind's entries (oldest first).
    pub index: usize,
    pub typed: String,
}

/// Tab completion with several candidates: the common prefix was put in; the next Tab puts
/// in each candidate in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Where the completed part starts (chars).
    pub start: usize,
    /// Every candidate, in order (shown in the prompt's hint line).
    pub candidates: Vec<String>,
    /// The candidate the next Tab puts in.
    pub next: usize,
    /// Whether a Tab has already put a whole candidate in.
    pub cycling: bool,
}

/// A one-line input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    pub text: String,
    /// The caret, in chars from the start.
    pub caret: usize,
    pub browse: Option<Browse>,
    pub completion: Option<Completion>,
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
    pub fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.caret = self.len();
    }

    /// Inserts pasted (or typed) text at the caret: line breaks and tabs become spaces, other
    /// control characters are dropped, so the line stays one line of inert text.
    pub fn insert_str(&mut self, text: &str) {
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
    pub fn before_caret(&self) -> &str {
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
    pub fn apply(&mut self, edit: &LineEdit) -> bool {
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
    pub fn browse(&mut self, entries: &[String], back: bool) {
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

    /// Tab: completes the part before the caret from `candidates_for` (given the text
    /// before the caret, it answers where the part starts, in chars, and its candidates).
    /// One candidate is put in whole; several put in their common prefix and are kept for
    /// the hint line, and each further Tab puts in the next one.
    pub fn complete(&mut self, candidates_for: impl Fn(&str) -> (usize, Vec<String>)) {
        if let Some(mut completion) = self.completion.take() {
            if completion.candidates.is_empty() {
                return;
            }
            let pick = completion.candidates[completion.next % completion.candidates.len()].clone();
            self.remove_range(completion.start, self.caret);
            self.insert_str(&pick);
            completion.next = (completion.next + 1) % completion.candidates.len();
            completion.cycling = true;
            self.completion = Some(completion);
            return;
        }
        let (start, candidates) = candidates_for(self.before_caret());
        let typed = self.caret.saturating_sub(start);
        match candidates.as_slice() {
            [] => {}
            [one] => {
                let one = one.clone();
                self.remove_range(start, self.caret);
                self.insert_str(&one);
            }
            many => {
                let common = common_prefix(many);
                if common.chars().count() > typed {
                    self.remove_range(start, self.caret);
                    self.insert_str(&common);
                }
                self.completion = Some(Completion {
                    start,
                    candidates: candidates.clone(),
                    next: 0,
                    cycling: false,
                });
            }
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut prefix: Vec<char> = first.chars().collect();
    for word in &words[1..] {
        let same = prefix
            .iter()
            .zip(word.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        prefix.truncate(same);
    }
    prefix.into_iter().collect()
}

/// The search language's completions for the text before the caret: a field name (with
/// its `:`) for the term being typed, or a value of an enum field after `field:` (and
/// after each `,`). Matching ignores case.
pub fn search_candidates(before: &str) -> (usize, Vec<String>) {
    let term_start = before
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let term = &before[term_start..];
    let chars_before = |bytes: usize| before[..bytes].chars().count();
    let matching = |words: Vec<String>, typed: &str| -> Vec<String> {
        let typed = typed.to_lowercase();
        words
            .into_iter()
            .filter(|w| w.to_lowercase().starts_with(&typed))
            .collect()
    };
    match term.split_once(':') {
        Some((field, values)) => {
            let part_start = values.rfind(',').map_or(0, |i| i + 1);
            let part = &values[part_start..];
            let start = term_start + field.len() + 1 + part_start;
            let values: Vec<String> = crate::api::query::enum_values(field)
                .into_iter()
                .map(str::to_string)
                .collect();
            (chars_before(start), matching(values, part))
        }
        None => {
            let fields: Vec<String> = crate::api::query::SEARCH_FIELDS
                .iter()
                .map(|f| format!("{f}:"))
                .collect();
            (chars_before(term_start), matching(fields, term))
        }
    }
}

/// Which prompt a history belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HistoryKind {
    Search,
    Filter,
    /// The ticket number to go to (`#`).
    GoTo,
    /// The composer's attachment path.
    Attach,
}

impl HistoryKind {
    pub const ALL: &'static [HistoryKind] = &[
        HistoryKind::Search,
        HistoryKind::Filter,
        HistoryKind::GoTo,
        HistoryKind::Attach,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            HistoryKind::Search => "search.txt",
            HistoryKind::Filter => "filter.txt",
            HistoryKind::GoTo => "goto.txt",
            HistoryKind::Attach => "attach.txt",
        }
    }
}

/// Every prompt's history (oldest first), and where it is written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptHistory {
    /// `<state>/history`; `None` without a state directory (the history then lasts as long
    /// as the process).
    pub dir: Option<PathBuf>,
    pub entries: BTreeMap<HistoryKind, Vec<String>>,
}

impl PromptHistory {
    /// The history directory of a state directory.
    pub fn dir_in(state_dir: &Path) -> PathBuf {
        state_dir.join("history")
    }

    /// The history of the files' texts (one entry per line) read from `dir`, where it is
    /// written back; a kind without a text is empty.
    pub fn from_texts(
        dir: PathBuf,
        texts: impl IntoIterator<Item = (HistoryKind, String)>,
    ) -> PromptHistory {
        let mut entries = BTreeMap::new();
        for (kind, text) in texts {
            let mut list: Vec<String> = Vec::new();
            for line in text.lines() {
                push_bounded(&mut list, line);
            }
            entries.insert(kind, list);
        }
        PromptHistory {
            dir: Some(dir),
            entries,
        }
    }

    pub fn entries(&self, kind: HistoryKind) -> &[String] {
        self.entries.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// Adds what was submitted (not blank, not the same as the newest entry, at most
    /// [`HISTORY_MAX`]) and asks for the file to be written.
    pub fn push(&mut self, kind: HistoryKind, entry: &str, out: &mut Vec<Command>) {
        let list = self.entries.entry(kind).or_default();
        if !push_bounded(list, entry) {
            return;
        }
        if let Some(dir) = &self.dir {
            let mut text = list.join("\n");
            text.push('\n');
            out.push(Command::SaveHistory {
                path: dir.join(kind.file_name()),
                text,
            });
        }
    }
}

/// Appends one entry (made one line of inert text) unless blank or a repeat of the last;
/// drops the oldest past [`HISTORY_MAX`]. True when the list changed.
fn push_bounded(list: &mut Vec<String>, entry: &str) -> bool {
    let mut line = LineEditor::default();
    line.insert_str(&crate::text::clean_line(entry));
    let entry = line.text.trim();
    if entry.is_empty() || list.last().is_some_and(|last| last == entry) {
        return false;
    }
    list.push(entry.to_string());
    if list.len() > HISTORY_MAX {
        let extra = list.len() - HISTORY_MAX;
        list.drain(..extra);
    }
    true
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

    #[test]
    fn history_is_bounded_without_repeats_or_blanks() {
        let mut history = PromptHistory::default();
        let mut out = Vec::new();
        for i in 0..250 {
            history.push(HistoryKind::Search, &format!("q{i}"), &mut out);
            history.push(HistoryKind::Search, &format!("q{i}"), &mut out);
        }
        history.push(HistoryKind::Search, "   ", &mut out);
        let entries = history.entries(HistoryKind::Search);
        assert_eq!(entries.len(), HISTORY_MAX);
        assert_eq!(entries[0], "q50");
        assert_eq!(entries[HISTORY_MAX - 1], "q249");
        assert!(history.entries(HistoryKind::Filter).is_empty());
        assert!(out.is_empty(), "no directory, nothing to write");
    }

    #[test]
    fn history_is_read_back_from_what_it_asked_to_write() {
        let dir = PathBuf::from("/state/history");
        let mut history = PromptHistory::from_texts(dir.clone(), []);
        let mut out = Vec::new();
        history.push(HistoryKind::Search, "status:pending 退款", &mut out);
        history.push(HistoryKind::Search, "two\nlines", &mut out);
        history.push(HistoryKind::Filter, "created 2024-01-01..", &mut out);
        // The last write of each file holds the whole list.
        let mut texts = BTreeMap::new();
        for command in out {
            let Command::SaveHistory { path, text } = command else {
                panic!("{command:?}");
            };
            let kind = *HistoryKind::ALL
                .iter()
                .find(|k| path == dir.join(k.file_name()))
                .unwrap();
            texts.insert(kind, text);
        }
        let back = PromptHistory::from_texts(dir, texts);
        assert_eq!(
            back.entries(HistoryKind::Search),
            ["status:pending 退款", "two lines"]
        );
        assert_eq!(back.entries(HistoryKind::Filter), ["created 2024-01-01.."]);
        assert!(back.entries(HistoryKind::Attach).is_empty());
    }

    fn completed(text: &str) -> LineEditor {
        let mut l = LineEditor::new(text);
        l.complete(search_candidates);
        l
    }

    #[test]
    fn tab_completes_field_names_and_enum_values() {
        assert_eq!(completed("sta").text, "status:");
        assert_eq!(completed("退款 status:pe").text, "退款 status:pending");
        assert_eq!(completed("ticketStatus:3,so").text, "ticketStatus:3,solved");
        assert_eq!(completed("status:待").text, "status:待回应");
        assert_eq!(completed("PRIORITYL").text, "priorityLevel:");
        // Nothing matches: nothing changes.
        let none = completed("zzz");
        assert_eq!((none.text.as_str(), none.completion), ("zzz", None));
        assert_eq!(completed("servicerUserId:1").text, "servicerUserId:1");
    }

    #[test]
    fn several_candidates_give_their_common_prefix_then_cycle() {
        let mut l = completed("tick");
        assert_eq!(l.text, "ticket");
        let shown = l.completion.clone().unwrap().candidates;
        assert!(shown.contains(&"ticketStatus:".to_string()), "{shown:?}");
        assert!(shown.contains(&"ticketId:".to_string()), "{shown:?}");
        l.complete(search_candidates);
        assert_eq!(l.text, shown[0]);
        l.complete(search_candidates);
        assert_eq!(l.text, shown[1]);
        assert_eq!(l.caret, shown[1].chars().count());
        // Typing ends the cycle; the next Tab completes afresh.
        l.apply(&LineEdit::Insert('x'));
        assert!(l.completion.is_none());
    }
}
