//! Each prompt's history ([`PromptHistory`], one list per [`HistoryKind`]): bounded, without
//! blanks or repeats, written by the worker through [`Command::SaveHistory`]. Apart from the
//! editor, which only browses the entries it is handed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::LineEditor;
use crate::app::action::Command;

/// Entries kept per prompt kind; the oldest go first.
pub const HISTORY_MAX: usize = 200;

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
    pub(crate) const ALL: &'static [HistoryKind] = &[
        HistoryKind::Search,
        HistoryKind::Filter,
        HistoryKind::GoTo,
        HistoryKind::Attach,
    ];

    pub(crate) fn file_name(self) -> &'static str {
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
    pub(crate) dir: Option<PathBuf>,
    pub(crate) entries: BTreeMap<HistoryKind, Vec<String>>,
}

impl PromptHistory {
    /// The history directory of a state directory.
    pub fn dir_in(state_dir: &Path) -> PathBuf {
        state_dir.join("history")
    }

    /// The history of the files' texts (one entry per line) read from `dir`, where it is
    /// written back; a kind without a text is empty.
    pub(crate) fn from_texts(
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
    pub(crate) fn push(&mut self, kind: HistoryKind, entry: &str, out: &mut Vec<Command>) {
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
}
