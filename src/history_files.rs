//! The prompts' history on disk (`<state>/history/`, one file per prompt kind, one entry a
//! line): read once at start, written by the worker for `Command::SaveHistory`. The state
//! (`app::line_edit::PromptHistory`) never touches the disk itself.

use std::io;
use std::path::{Path, PathBuf};

use crate::app::line_edit::{HistoryKind, PromptHistory};

/// Reads every kind's file in `dir`; a missing or unreadable file is an empty history (a
/// convenience, never a reason not to start).
pub fn load(dir: PathBuf) -> PromptHistory {
    let texts: Vec<(HistoryKind, String)> = HistoryKind::ALL
        .iter()
        .filter_map(|kind| {
            let text = std::fs::read_to_string(dir.join(kind.file_name())).ok()?;
            Some((*kind, text))
        })
        .collect();
    PromptHistory::from_texts(dir, texts)
}

/// Writes one kind's file whole (atomically).
pub fn save(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::files::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::Command;

    #[test]
    fn history_round_trips_through_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut history = load(PromptHistory::dir_in(dir.path()));
        let mut out = Vec::new();
        history.push(HistoryKind::Search, "status:pending 退款", &mut out);
        history.push(HistoryKind::Search, "two\nlines", &mut out);
        history.push(HistoryKind::Filter, "created 2024-01-01..", &mut out);
        for command in out {
            let Command::SaveHistory { path, text } = command else {
                panic!("{command:?}");
            };
            save(&path, &text).unwrap();
        }
        let back = load(PromptHistory::dir_in(dir.path()));
        assert_eq!(
            back.entries(HistoryKind::Search),
            ["status:pending 退款", "two lines"]
        );
        assert_eq!(back.entries(HistoryKind::Filter), ["created 2024-01-01.."]);
        assert!(back.entries(HistoryKind::Attach).is_empty());
    }
}
