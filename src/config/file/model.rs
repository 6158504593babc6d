//! The file's serde model: the tables and values as written, with the defaults that apply
//! when a key is absent. Separate from the checks (`schema`, `views`) and from reading the file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::FixedOffset;
use serde::Deserialize;

use super::ViewDef;

/// Default UTC offset: the vendor is in China.
pub const DEFAULT_TIMEZONE_SECS: i32 = 8 * 3600;
pub const DEFAULT_PER_PAGE: u32 = 100;
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_TIMEOUT_SECS: u64 = 20;
/// How long `password_command` may take, unless the profile says otherwise.
pub const DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_AUTO_REFRESH_SECS: u64 = 0;
pub const DEFAULT_BULK_CONFIRM_THRESHOLD: usize = 50;
pub const DEFAULT_BULK_CONCURRENCY: usize = 4;
pub const DEFAULT_SELECTION: Selection = Selection::Row;

/// The whole file, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, ProfileFile>,
    pub(crate) ui: UiFile,
    /// SLA targets per priority.
    pub sla: super::SlaFile,
    /// Interpreted by the console's key map; not checked here.
    pub(crate) keys: toml::Table,
    /// Interpreted by the console's theme; not checked here.
    pub(crate) theme: toml::Table,
    /// Canned replies (issue 17), besides the files of the snippet folder.
    pub snippets: Vec<super::SnippetDef>,
    /// The snippet folder: `snippets/` beside the config file when not given.
    pub(crate) snippets_dir: Option<PathBuf>,
    /// Named sets of changes (issue 17).
    pub macros: Vec<super::MacroDef>,
}

/// One `[profiles.NAME]` table. Every value is optional: defaults are applied at resolution,
/// so that `config check` can say which values came from the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileFile {
    pub(crate) base_url: Option<String>,
    pub(crate) account: Option<String>,
    pub auth: Option<AuthKind>,
    pub(crate) secret_id: Option<String>,
    pub(crate) password_command: Option<String>,
    /// Seconds `password_command` may take before it is stopped (a pinentry over ssh can
    /// wait forever on a screen nobody sees).
    pub(crate) password_command_timeout_secs: Option<Positive<u64>>,
    /// Kept out of `Debug` by [`crate::config::Secret`].
    pub(crate) password: Option<crate::config::Secret>,
    pub(crate) timezone: Option<Timezone>,
    pub(crate) language: Option<LanguageSetting>,
    pub(crate) per_page: Option<Positive<u32>>,
    pub(crate) concurrency: Option<Positive<usize>>,
    pub(crate) timeout_secs: Option<Positive<u64>>,
    pub(crate) allow_http: Option<bool>,
    pub(crate) ca_file: Option<PathBuf>,
    /// The ticket's page in the web UI, `{id}` standing for the ticket id: what `y` copies
    /// as the web link.
    pub(crate) web_url: Option<String>,
    /// The local ticket store (`src/store`): `false` turns it off for this profile.
    pub(crate) cache: Option<bool>,
    pub views: Vec<ViewDef>,
}

/// The `[ui]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UiFile {
    pub(crate) auto_refresh_secs: Option<u64>,
    pub(crate) bulk_confirm_threshold: Option<usize>,
    pub(crate) bulk_concurrency: Option<Positive<usize>>,
    pub(crate) mouse: Option<bool>,
    pub(crate) selection: Option<Selection>,
    pub(crate) history_keep_days: Option<u32>,
    pub(crate) history_keep_last: Option<usize>,
    pub(crate) move_on: Option<bool>,
    /// Links in ticket text as OSC 8 hyperlinks.
    pub(crate) hyperlinks: Option<Hyperlinks>,
    /// Where `d` saves a ticket's file (`~/` and relative to the config's folder).
    pub(crate) download_dir: Option<PathBuf>,
}

/// `selection = "row" | "cursor"`: how much of the list's selected row is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// The whole row.
    Row,
    /// The cursor and the id only (fewer bytes per key on a very slow link).
    Cursor,
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Selection::Row => "row",
            Selection::Cursor => "cursor",
        })
    }
}

/// `hyperlinks = "auto" | "on" | "off"`: whether links in ticket text are written as OSC 8
/// hyperlinks; `auto` when the terminal is known to show them, and not inside tmux (which
/// passes them through only when told to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hyperlinks {
    #[default]
    Auto,
    On,
    Off,
}

impl std::fmt::Display for Hyperlinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Hyperlinks::Auto => "auto",
            Hyperlinks::On => "on",
            Hyperlinks::Off => "off",
        })
    }
}

/// How the client signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// HTTP Basic `account:password`.
    #[default]
    Password,
    /// A Bearer token fetched with the API's `SecretID:Secret`.
    Token,
}

impl AuthKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AuthKind::Password => "password",
            AuthKind::Token => "token",
        }
    }
}

/// `language = "zh" | "en" | "auto"`; auto (`None`) leaves the choice to `LANG`/`LC_ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageSetting(pub Option<crate::lang::Lang>);

impl<'de> Deserialize<'de> for LanguageSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "zh" => Ok(LanguageSetting(Some(crate::lang::Lang::Zh))),
            "en" => Ok(LanguageSetting(Some(crate::lang::Lang::En))),
            "auto" => Ok(LanguageSetting(None)),
            other => Err(serde::de::Error::custom(format!(
                "expected \"zh\", \"en\" or \"auto\", found {other:?}"
            ))),
        }
    }
}

/// A UTC offset such as `"+08:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timezone(pub FixedOffset);

impl<'de> Deserialize<'de> for Timezone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_utc_offset(&text).map(Timezone).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a UTC offset like \"+08:00\" or \"-05:30\", found {text:?}"
            ))
        })
    }
}

/// Parses `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH`, `UTC` or `Z`.
pub fn parse_utc_offset(text: &str) -> Option<FixedOffset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("utc") || text == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    if hours.is_empty() || hours.len() > 2 || minutes.len() > 2 {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// A number that must be at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Positive<T>(pub T);

impl<'de, T> Deserialize<'de> for Positive<T>
where
    T: Deserialize<'de> + PartialOrd + From<u8>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = T::deserialize(d)?;
        if value < T::from(1u8) {
            return Err(serde::de::Error::custom("expected a number of at least 1"));
        }
        Ok(Positive(value))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn utc_offsets() {
        assert_eq!(
            parse_utc_offset("+08:00").unwrap().local_minus_utc(),
            8 * 3600
        );
        assert_eq!(
            parse_utc_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert_eq!(parse_utc_offset("+0530").unwrap().local_minus_utc(), 19800);
        assert_eq!(parse_utc_offset("+8").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(parse_utc_offset("UTC").unwrap().local_minus_utc(), 0);
        assert!(parse_utc_offset("08:00").is_none());
        assert!(parse_utc_offset("+25:00").is_none());
        assert!(parse_utc_offset("Asia/Shanghai").is_none());
    }
}
