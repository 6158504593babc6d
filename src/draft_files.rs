//! The drafts' files: read once at start, written and removed by the worker (and by the
//! terminal loop on the way out). Kept out of `src/app`, whose `update` stays off the disk.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::app::drafts::{DraftKey, Drafts};

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

/// Files left directly in `<state>/drafts` by versions whose drafts had no owner.
pub(crate) fn ownerless_in(state_dir: &Path) -> usize {
    std::fs::read_dir(Drafts::dir_in(state_dir))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .filter(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(DraftKey::from_file_name)
                        .is_some()
                })
                .count()
        })
        .unwrap_or(0)
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
    crate::files::write_atomic(path, text.as_bytes())
}

/// Removes a draft; one already gone is fine.
pub(crate) fn delete(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::app::drafts::DraftOwner;

    fn owner(profile: &str, login: &str, base_url: &str) -> DraftOwner {
        DraftOwner {
            profile: profile.into(),
            login: login.into(),
            base_url: base_url.into(),
        }
    }

    #[test]
    fn ownerless_drafts_of_older_versions_are_counted_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path();
        let old = Drafts::dir_in(state);
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("5000.txt"), "old text").unwrap();
        std::fs::write(old.join("notes.md"), "not a draft").unwrap();
        assert_eq!(ownerless_in(state), 1);
        let mine = load(Drafts::dir_for(state, &owner("p", "l", "u")));
        assert!(mine.texts.is_empty());
    }
}
