//! Names kept across starts (`<state>/lookups/<profile@login@server>.json`, 0600): contacts,
//! companies and groups cost one call each (agents one call for all, but a start from the
//! store or offline paints rows before or without it), change rarely, and a new start would otherwise
//! ask for every one on screen again. Read once at start and written at exit by the
//! console; the state (`app::state::Lookups`) never touches the disk itself.
//!
//! Each name keeps when the server gave it: older than 30 days it is dropped at load, older
//! than a day it is shown and asked again in the background (`app::update`). At most
//! [`MAX_NAMES`] are kept, the newest. A file that cannot be read or parsed is ignored
//! (names are a convenience, never a reason not to start).

use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::api::Contact;
use crate::app::drafts::DraftOwner;
use crate::app::state::CachedName;

/// Names older than this are not read back.
pub(crate) const MAX_AGE_DAYS: i64 = 30;
/// The most names the file holds (a few MB at most).
pub(crate) const MAX_NAMES: usize = 20_000;

const VERSION: u32 = 1;

/// The file for one profile, login and server.
pub(crate) fn path_for(state_dir: &Path, owner: &DraftOwner) -> PathBuf {
    state_dir
        .join("lookups")
        .join(format!("{}.json", owner.folder_name()))
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    names: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    kind: Kind,
    id: u64,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mobile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    company_id: Option<u64>,
    /// When the server gave it, on the console's clock (seconds).
    at: i64,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Contact,
    Company,
    Group,
    Agent,
}

/// The names in `path` no older than [`MAX_AGE_DAYS`] at `now`; none when the file is
/// missing, unreadable or not ours.
pub(crate) fn load(path: &Path, now: NaiveDateTime) -> Vec<(CachedName, NaiveDateTime)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            if error.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %path.display(), %error, "the lookup cache was not read");
            }
            return Vec::new();
        }
    };
    let file: File = match serde_json::from_str(&text) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "the lookup cache is unreadable: ignored");
            return Vec::new();
        }
    };
    if file.version != VERSION {
        return Vec::new();
    }
    let oldest = now - chrono::Duration::days(MAX_AGE_DAYS);
    file.names
        .into_iter()
        .filter_map(|entry| {
            let at = chrono::DateTime::from_timestamp(entry.at, 0)?.naive_utc();
            if at < oldest || at > now + chrono::Duration::days(1) {
                return None;
            }
            let name = match entry.kind {
                Kind::Contact => CachedName::Contact(Contact {
                    id: entry.id,
                    name: entry.name,
                    mobile: entry.mobile,
                    email: entry.email,
                    company_id: entry.company_id,
                }),
                Kind::Company => CachedName::Company {
                    id: entry.id,
                    name: entry.name,
                },
                Kind::Group => CachedName::Group {
                    id: entry.id,
                    name: entry.name,
                },
                Kind::Agent => CachedName::Agent {
                    id: entry.id,
                    name: entry.name,
                },
            };
            Some((name, at))
        })
        .collect()
}

/// Writes `names` to `path` whole (atomically, 0600), the newest [`MAX_NAMES`] of them.
pub(crate) fn save(path: &Path, mut names: Vec<(CachedName, NaiveDateTime)>) -> io::Result<()> {
    names.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    names.truncate(MAX_NAMES);
    let names = names
        .into_iter()
        .map(|(name, at)| {
            let at = at.and_utc().timestamp();
            match name {
                CachedName::Contact(contact) => Entry {
                    kind: Kind::Contact,
                    id: contact.id,
                    name: contact.name,
                    mobile: contact.mobile,
                    email: contact.email,
                    company_id: contact.company_id,
                    at,
                },
                CachedName::Company { id, name } => Entry::plain(Kind::Company, id, name, at),
                CachedName::Group { id, name } => Entry::plain(Kind::Group, id, name, at),
                CachedName::Agent { id, name } => Entry::plain(Kind::Agent, id, name, at),
            }
        })
        .collect();
    let text = serde_json::to_string(&File {
        version: VERSION,
        names,
    })
    .map_err(io::Error::other)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::files::write_atomic(path, text.as_bytes())
}

impl Entry {
    fn plain(kind: Kind, id: u64, name: String, at: i64) -> Entry {
        Entry {
            kind,
            id,
            name,
            mobile: None,
            email: None,
            company_id: None,
            at,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(day: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn contact(id: u64, name: &str) -> CachedName {
        CachedName::Contact(Contact {
            id,
            name: name.into(),
            mobile: Some("13800000000".into()),
            email: None,
            company_id: Some(7),
        })
    }

    #[test]
    fn names_round_trip_with_their_age_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let owner = DraftOwner {
            profile: "work".into(),
            login: "admin@example.com".into(),
            base_url: "https://x.bangwo8.com".into(),
        };
        let path = path_for(dir.path(), &owner);
        let names = vec![
            (contact(1001, "客户甲"), at(28)),
            (
                CachedName::Company {
                    id: 7,
                    name: "北京某某科技有限公司".into(),
                },
                at(29),
            ),
            (
                CachedName::Group {
                    id: 3,
                    name: "一线支持".into(),
                },
                at(20),
            ),
            (
                CachedName::Agent {
                    id: 8,
                    name: "许杰".into(),
                },
                at(21),
            ),
        ];
        save(&path, names.clone()).unwrap();
        let mut back = load(&path, at(29));
        back.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        let mut expected = names;
        expected.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        assert_eq!(back, expected);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn old_names_are_dropped_and_the_newest_are_kept_within_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lookups").join("x.json");
        let now = at(29) + chrono::Duration::days(MAX_AGE_DAYS);
        save(
            &path,
            vec![(contact(1, "old"), at(1)), (contact(2, "new"), now)],
        )
        .unwrap();
        let back = load(&path, now);
        assert_eq!(back, vec![(contact(2, "new"), now)]);
        let many = (0..MAX_NAMES as u64 + 10)
            .map(|n| (contact(n, "c"), now - chrono::Duration::seconds(n as i64)))
            .collect();
        save(&path, many).unwrap();
        let back = load(&path, now);
        assert_eq!(back.len(), MAX_NAMES);
        assert!(back.iter().all(|(name, _)| match name {
            CachedName::Contact(c) => c.id < MAX_NAMES as u64,
            _ => false,
        }));
    }

    #[test]
    fn a_corrupt_or_missing_file_is_no_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        assert!(load(&path, at(1)).is_empty());
        for text in ["{not json", "", "{\"version\":99,\"names\":[]}", "[1,2]"] {
            std::fs::write(&path, text).unwrap();
            assert!(load(&path, at(1)).is_empty(), "{text}");
        }
    }
}
