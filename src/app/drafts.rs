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

/// Whose drafts: the profile, the account signed in and the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftOwner {
    pub profile: String,
    pub login: String,
    pub base_url: String,
}

impl DraftOwner {
    /// A folder name that is readable and one-to-one with the owner: every byte outside
    /// `[A-Za-z0-9.-]` is percent-encoded, so no two owners share a folder (`a/b` and `a_b`
    /// stay apart) and none can climb out of the drafts folder.
    pub fn folder_name(&self) -> String {
        let whole = format!("{}@{}@{}", self.profile, self.login, self.base_url);
        let mut name = String::with_capacity(whole.len());
        for byte in whole.bytes() {
            if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-' {
                name.push(char::from(byte));
            } else {
                name.push_str(&format!("%{byte:02X}"));
            }
        }
        // `.` and `..` alone cannot arise: the two `@` are always encoded in.
        name
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
    /// The drafts directory of a state directory: drafts of every account, and the files of
    /// versions before drafts had owners (which are never offered: nothing says whose they are).
    pub fn dir_in(state_dir: &Path) -> PathBuf {
        state_dir.join("drafts")
    }

    /// The drafts directory of one account on one server: a reply typed to #5000 as one
    /// agent, or on one server, is never offered as the draft of #5000 for another (the same
    /// number on two servers is two customers).
    pub fn dir_for(state_dir: &Path, owner: &DraftOwner) -> PathBuf {
        Self::dir_in(state_dir).join(owner.folder_name())
    }

    /// Files left directly in `<state>/drafts` by versions whose drafts had no owner.
    pub fn ownerless_in(state_dir: &Path) -> usize {
        std::fs::read_dir(Self::dir_in(state_dir))
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

    fn owner(profile: &str, login: &str, base_url: &str) -> DraftOwner {
        DraftOwner {
            profile: profile.into(),
            login: login.into(),
            base_url: base_url.into(),
        }
    }

    #[test]
    fn each_account_and_server_has_its_own_folder() {
        let state = Path::new("/state");
        let a = Drafts::dir_for(state, &owner("work", "me@x.cn", "https://a.bangwo8.com"));
        let b = Drafts::dir_for(state, &owner("work", "me@x.cn", "https://b.bangwo8.com"));
        let c = Drafts::dir_for(state, &owner("work", "you@x.cn", "https://a.bangwo8.com"));
        let d = Drafts::dir_for(state, &owner("home", "me@x.cn", "https://a.bangwo8.com"));
        let all = [&a, &b, &c, &d];
        for (i, x) in all.iter().enumerate() {
            assert_eq!(x.parent(), Some(Path::new("/state/drafts")), "{x:?}");
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
        // Look-alike owners stay apart; nothing climbs out of the folder.
        let slash = owner("a/b", "", "");
        let under = owner("a_b", "", "");
        assert_ne!(slash.folder_name(), under.folder_name());
        assert!(!slash.folder_name().contains('/'));
        assert!(!owner("..", "..", "..").folder_name().contains('/'));
        assert_ne!(owner("..", "", "").folder_name(), "..");
    }

    #[test]
    fn ownerless_drafts_of_older_versions_are_counted_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path();
        let old = Drafts::dir_in(state);
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("5000.txt"), "old text").unwrap();
        std::fs::write(old.join("notes.md"), "not a draft").unwrap();
        assert_eq!(Drafts::ownerless_in(state), 1);
        let mine = Drafts::load(Drafts::dir_for(state, &owner("p", "l", "u")));
        assert!(mine.texts.is_empty());
    }
}
