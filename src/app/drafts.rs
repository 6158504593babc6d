//! Drafts of replies and of the new-ticket form, kept in `<state>/drafts/` so that text
//! typed survives closing the composer, a failed send and a restart.
//!
//! `update` never touches the disk: it keeps the drafts in memory and asks the worker to
//! write one ([`crate::app::composer::ComposeCommand::SaveDraft`]); the files are read once,
//! at start, by [`Drafts::load`].

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

/// Whose draft.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DraftKey {
    /// A reply to one ticket.
    Reply(u64),
    /// The reply to the marked tickets.
    ReplyMany,
    /// The new-ticket form (its fields as JSON).
    NewTicket,
}

impl DraftKey {
    pub fn file_name(&self) -> String {
        match self {
            DraftKey::Reply(id) => format!("{id}.txt"),
            DraftKey::ReplyMany => "many.txt".to_string(),
            DraftKey::NewTicket => "new-ticket.json".to_string(),
        }
    }

    fn from_file_name(name: &str) -> Option<DraftKey> {
        match name {
            "many.txt" => Some(DraftKey::ReplyMany),
            "new-ticket.json" => Some(DraftKey::NewTicket),
            _ => name
                .strip_suffix(".txt")?
                .parse::<u64>()
                .ok()
                .map(DraftKey::Reply),
        }
    }
}

/// The drafts in memory, and where they are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drafts {
    /// `<state>/drafts`; `None` when there is no state directory (drafts then live only as
    /// long as the process).
    pub dir: Option<PathBuf>,
    pub texts: HashMap<DraftKey, String>,
}

impl Drafts {
    /// The drafts directory of a state directory.
    pub fn dir_in(state_dir: &Path) -> PathBuf {
        state_dir.join("drafts")
    }

    /// Reads every draft in `dir`; unreadable files are skipped (a draft is a convenience,
    /// never a reason not to start).
    pub fn load(dir: PathBuf) -> Drafts {
        let mut texts = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(key) = name.to_str().and_then(DraftKey::from_file_name) else {
                    continue;
                };
                match std::fs::read(entry.path()).map(String::from_utf8) {
                    Ok(Ok(text)) if !text.is_empty() => {
                        texts.insert(key, text);
                    }
                    // Not text (damage): moved aside with a message, never a failed start.
                    Ok(Err(_)) => move_aside(&entry.path()),
                    _ => {}
                }
            }
        }
        Drafts {
            dir: Some(dir),
            texts,
        }
    }

    pub fn path(&self, key: &DraftKey) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(key.file_name()))
    }

    pub fn get(&self, key: &DraftKey) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }
}

/// Moves an unreadable draft to `<name>.corrupt-<unix time>` beside it and says so in the
/// log; the composer then starts empty for that ticket.
fn move_aside(path: &Path) {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{stamp}"));
    match std::fs::rename(path, &aside) {
        Ok(()) => tracing::warn!(
            draft = %path.display(),
            moved_to = %Path::new(&aside).display(),
            "an unreadable draft was moved aside"
        ),
        Err(error) => tracing::warn!(draft = %path.display(), %error, "an unreadable draft"),
    }
}

/// Writes a draft atomically (a crash mid-write leaves the old draft, never half of one).
pub fn save(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    crate::bulk::write_atomic(path, text.as_bytes())
}

/// Removes a draft; one already gone is fine.
pub fn delete(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip() {
        for key in [
            DraftKey::Reply(42),
            DraftKey::ReplyMany,
            DraftKey::NewTicket,
        ] {
            assert_eq!(DraftKey::from_file_name(&key.file_name()), Some(key));
        }
        assert_eq!(DraftKey::from_file_name("x.tmp"), None);
    }
}
