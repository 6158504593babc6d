//! Drafts of replies and of the new-ticket form, kept in `<state>/drafts/` so that text
//! typed survives closing the composer, a failed send and a restart.
//!
//! `update` never touches the disk: it keeps the drafts in memory and asks the worker to
//! write one ([`crate::app::composer::ComposeCommand::SaveDraft`]); the files are read once,
//! at start, by [`crate::draft_files::load`], which also writes and removes them.

use std::collections::HashMap;
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

    /// The key of a draft file's name; `None` for a file that is not a draft.
    pub(crate) fn from_file_name(name: &str) -> Option<DraftKey> {
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
pub(crate) struct DraftOwner {
    pub(crate) profile: String,
    pub(crate) login: String,
    pub(crate) base_url: String,
}

impl DraftOwner {
    /// A folder name that is readable and one-to-one with the owner: every byte outside
    /// `[A-Za-z0-9.-]` is percent-encoded, so no two owners share a folder (`a/b` and `a_b`
    /// stay apart) and none can climb out of the drafts folder.
    pub(crate) fn folder_name(&self) -> String {
        crate::files::owner_name(&self.profile, &self.login, &self.base_url)
    }
}

/// The drafts in memory, and where they are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drafts {
    /// `<state>/drafts`; `None` when there is no state directory (drafts then live only as
    /// long as the process).
    pub(crate) dir: Option<PathBuf>,
    pub(crate) texts: HashMap<DraftKey, String>,
}

impl Drafts {
    /// The drafts directory of a state directory: drafts of every account, and the files of
    /// versions before drafts had owners (which are never offered: nothing says whose they are).
    pub(crate) fn dir_in(state_dir: &Path) -> PathBuf {
        state_dir.join("drafts")
    }

    /// The drafts directory of one account on one server: a reply typed to #5000 as one
    /// agent, or on one server, is never offered as the draft of #5000 for another (the same
    /// number on two servers is two customers).
    pub(crate) fn dir_for(state_dir: &Path, owner: &DraftOwner) -> PathBuf {
        Self::dir_in(state_dir).join(owner.folder_name())
    }

    pub(crate) fn path(&self, key: &DraftKey) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(key.file_name()))
    }

    pub fn get(&self, key: &DraftKey) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
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
}
