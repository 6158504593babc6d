//! The config file: typed structs with serde defaults, errors with line and column, and
//! warnings for keys this version does not know.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::Deserialize;

use super::{ConfigError, ConfigWarning};

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
    pub ui: UiFile,
    /// Interpreted by the console's key map; not checked here.
    pub keys: toml::Table,
    /// Interpreted by the console's theme; not checked here.
    pub theme: toml::Table,
}

/// One `[profiles.NAME]` table. Every value is optional: defaults are applied at resolution,
/// so that `config check` can say which values came from the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileFile {
    pub base_url: Option<String>,
    pub account: Option<String>,
    pub auth: Option<AuthKind>,
    pub secret_id: Option<String>,
    pub password_command: Option<String>,
    /// Seconds `password_command` may take before it is stopped (a pinentry over ssh can
    /// wait forever on a screen nobody sees).
    pub password_command_timeout_secs: Option<Positive<u64>>,
    /// Kept out of `Debug` by [`super::Secret`].
    pub password: Option<super::Secret>,
    pub timezone: Option<Timezone>,
    pub language: Option<LanguageSetting>,
    pub per_page: Option<Positive<u32>>,
    pub concurrency: Option<Positive<usize>>,
    pub timeout_secs: Option<Positive<u64>>,
    pub allow_http: Option<bool>,
    pub ca_file: Option<PathBuf>,
    /// The ticket's page in the web UI, `{id}` standing for the ticket id: what `y` copies
    /// as the web link.
    pub web_url: Option<String>,
    pub views: Vec<ViewDef>,
}

/// The `[ui]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UiFile {
    pub auto_refresh_secs: Option<u64>,
    pub bulk_confirm_threshold: Option<usize>,
    pub bulk_concurrency: Option<Positive<usize>>,
    pub mouse: Option<bool>,
    pub selection: Option<Selection>,
    pub history_keep_days: Option<u32>,
    pub history_keep_last: Option<usize>,
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
    pub fn as_str(self) -> &'static str {
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

/// A named view: a search, or a list with filters. Shown as a tab by the console.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "ViewFile")]
pub struct ViewDef {
    pub name: String,
    pub kind: ViewKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewKind {
    /// A query in the API's search language, as written (the console parses it).
    Search(String),
    /// The list call (admin) with date filters and an order.
    List(crate::api::ListQuery),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewFile {
    name: String,
    search: Option<String>,
    list: Option<ListFilterFile>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ListFilterFile {
    created_start: Option<String>,
    created_end: Option<String>,
    updated_start: Option<String>,
    updated_end: Option<String>,
    order: Option<String>,
}

impl TryFrom<ViewFile> for ViewDef {
    type Error = String;

    fn try_from(view: ViewFile) -> Result<Self, String> {
        let name = view.name.trim().to_string();
        if name.is_empty() {
            return Err("a view needs a non-empty `name`".into());
        }
        let kind = match (view.search, view.list) {
            (Some(search), None) => {
                if search.trim().is_empty() {
                    return Err(format!("view {name:?}: `search` is empty"));
                }
                ViewKind::Search(search)
            }
            (None, Some(list)) => ViewKind::List(list_query(&name, list)?),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "view {name:?}: expected either `search` or `list`, not both"
                ));
            }
            (None, None) => {
                return Err(format!(
                    "view {name:?}: expected `search = \"...\"` or `list = {{ ... }}`"
                ));
            }
        };
        Ok(ViewDef { name, kind })
    }
}

fn list_query(view: &str, list: ListFilterFile) -> Result<crate::api::ListQuery, String> {
    use crate::api::{ListOrder, SortOrder};
    let date = |key: &str, text: Option<String>, end_of_day: bool| {
        text.map(|text| {
            parse_list_date(&text, end_of_day).ok_or_else(|| {
                format!(
                    "view {view:?}: `{key}` expected \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM:SS\", found {text:?}"
                )
            })
        })
        .transpose()
    };
    let order = match list.order.as_deref() {
        None => None,
        Some(text) => Some(match text {
            "created_asc" => ListOrder::Created(SortOrder::Asc),
            "created_desc" => ListOrder::Created(SortOrder::Desc),
            "updated_asc" => ListOrder::Updated(SortOrder::Asc),
            "updated_desc" => ListOrder::Updated(SortOrder::Desc),
            "status_asc" => ListOrder::Status(SortOrder::Asc),
            "status_desc" => ListOrder::Status(SortOrder::Desc),
            other => {
                return Err(format!(
                    "view {view:?}: `order` expected one of created_asc, created_desc, \
                     updated_asc, updated_desc, status_asc, status_desc; found {other:?}"
                ));
            }
        }),
    };
    Ok(crate::api::ListQuery {
        created_start: date("created_start", list.created_start, false)?,
        created_end: date("created_end", list.created_end, true)?,
        updated_start: date("updated_start", list.updated_start, false)?,
        updated_end: date("updated_end", list.updated_end, true)?,
        order,
        page: None,
        per_page: None,
    })
}

/// A bare date means the start of the day for a start bound and its end for an end bound.
fn parse_list_date(text: &str, end_of_day: bool) -> Option<crate::api::ApiDate> {
    let text = text.trim();
    if let Ok(date_time) = chrono::NaiveDateTime::parse_from_str(text, crate::api::DATE_FORMAT) {
        return Some(date_time);
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    if end_of_day {
        date.and_hms_opt(23, 59, 59)
    } else {
        date.and_hms_opt(0, 0, 0)
    }
}

/// A file that parsed, with the warnings about keys it ignored.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub path: PathBuf,
    pub config: ConfigFile,
    pub warnings: Vec<ConfigWarning>,
    /// Where each key (dotted path, `[i]` for array items) is written: line and column.
    pub positions: HashMap<String, (usize, usize)>,
}

/// Reads and parses the file at `path`.
pub fn load(path: &Path) -> Result<LoadedFile, ConfigError> {
    let text =
        super::read_file_capped(path, super::CONFIG_LIMIT).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let (config, warnings) = parse(path, &text)?;
    Ok(LoadedFile {
        path: path.to_path_buf(),
        config,
        warnings,
        positions: key_positions(&text),
    })
}

/// Where each key of a file is written (1-based line and column), by dotted path; array
/// items as `path[i]`. Empty when the text does not parse.
pub fn key_positions(text: &str) -> HashMap<String, (usize, usize)> {
    fn walk(
        value: &toml::de::DeValue<'_>,
        path: &str,
        text: &str,
        out: &mut HashMap<String, (usize, usize)>,
    ) {
        match value {
            toml::de::DeValue::Table(table) => {
                for (key, value) in table {
                    let name: &str = key.get_ref();
                    let path = if path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                    out.insert(path.clone(), line_column(text, key.span().start));
                    walk(value.get_ref(), &path, text, out);
                }
            }
            toml::de::DeValue::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let path = format!("{path}[{index}]");
                    out.insert(path.clone(), line_column(text, item.span().start));
                    walk(item.get_ref(), &path, text, out);
                }
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    if let Ok(table) = toml::de::DeTable::parse(text) {
        walk(
            &toml::de::DeValue::Table(table.into_inner()),
            "",
            text,
            &mut out,
        );
    }
    out
}

/// Parses the text of a config file; `path` only names it in messages.
pub fn parse(path: &Path, text: &str) -> Result<(ConfigFile, Vec<ConfigWarning>), ConfigError> {
    let config: ConfigFile = toml::from_str(text).map_err(|err| parse_error(path, text, &err))?;
    // The typed parse accepted the text, so the spanned one does too; a second parse is the
    // simplest way to see the keys serde skipped, each with where it was written.
    let table = toml::de::DeTable::parse(text).map_err(|err| parse_error(path, text, &err))?;
    let mut unknown = Vec::new();
    unknown_keys(table.get_ref(), "", &TOP_KEYS, &mut unknown);
    let warnings = unknown
        .into_iter()
        .map(|key| {
            let (line, column) = line_column(text, key.offset);
            ConfigWarning::UnknownKey {
                path: path.to_path_buf(),
                line,
                column,
                key: key.path,
                nearest: key.nearest.map(str::to_string),
            }
        })
        .collect();
    Ok((config, warnings))
}

fn parse_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let (line, column) = match err.span() {
        Some(span) => line_column(text, span.start),
        None => (1, 1),
    };
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message: err.message().trim().to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// What a table may hold: known keys, and for nested tables what they hold.
struct Schema {
    keys: &'static [&'static str],
    nested: fn(&str) -> Nested,
}

enum Nested {
    /// A value with no keys to check.
    Leaf,
    /// A table of known keys.
    Table(&'static Schema),
    /// A table whose keys are names chosen by the user, each holding a table.
    NamedTables(&'static Schema),
    /// An array of tables.
    ArrayOf(&'static Schema),
    /// A table interpreted elsewhere (`[keys]`, `[theme]`).
    Opaque,
}

static TOP_KEYS: Schema = Schema {
    keys: &["default_profile", "profiles", "ui", "keys", "theme"],
    nested: |key| match key {
        "profiles" => Nested::NamedTables(&PROFILE_KEYS),
        "ui" => Nested::Table(&UI_KEYS),
        "keys" | "theme" => Nested::Opaque,
        _ => Nested::Leaf,
    },
};

static PROFILE_KEYS: Schema = Schema {
    keys: &[
        "base_url",
        "account",
        "auth",
        "secret_id",
        "password_command",
        "password_command_timeout_secs",
        "password",
        "timezone",
        "language",
        "per_page",
        "concurrency",
        "timeout_secs",
        "allow_http",
        "ca_file",
        "web_url",
        "views",
    ],
    nested: |key| match key {
        "views" => Nested::ArrayOf(&VIEW_KEYS),
        _ => Nested::Leaf,
    },
};

// Views refuse unknown keys outright (a typo there would silently change what a tab shows),
// so the walk only needs to know they exist.
static VIEW_KEYS: Schema = Schema {
    keys: &["name", "search", "list"],
    nested: |_| Nested::Opaque,
};

static UI_KEYS: Schema = Schema {
    keys: &[
        "auto_refresh_secs",
        "bulk_confirm_threshold",
        "bulk_concurrency",
        "mouse",
        "selection",
        "history_keep_days",
        "history_keep_last",
    ],
    nested: |_| Nested::Leaf,
};

/// Every key of the file a user may write, dotted, with `NAME` for a profile name. The
/// example file's test checks it documents each of them.
pub fn known_key_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for top in TOP_KEYS.keys {
        paths.push(top.to_string());
    }
    for key in PROFILE_KEYS.keys {
        paths.push(format!("profiles.NAME.{key}"));
    }
    for key in UI_KEYS.keys {
        paths.push(format!("ui.{key}"));
    }
    paths
}

/// A key the schema does not know: its dotted path, the byte offset where it is written
/// and the nearest known key.
struct UnknownKey {
    path: String,
    offset: usize,
    nearest: Option<&'static str>,
}

fn unknown_keys(
    table: &toml::de::DeTable<'_>,
    prefix: &str,
    schema: &Schema,
    unknown: &mut Vec<UnknownKey>,
) {
    use toml::de::DeValue;
    for (key, value) in table {
        let name: &str = key.get_ref();
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        if !schema.keys.contains(&name) {
            unknown.push(UnknownKey {
                path,
                offset: key.span().start,
                nearest: nearest_key(name, schema.keys),
            });
            continue;
        }
        match ((schema.nested)(name), value.get_ref()) {
            (Nested::Table(inner), DeValue::Table(t)) => unknown_keys(t, &path, inner, unknown),
            (Nested::NamedTables(inner), DeValue::Table(t)) => {
                for (entry, value) in t {
                    if let DeValue::Table(t) = value.get_ref() {
                        let entry: &str = entry.get_ref();
                        unknown_keys(t, &format!("{path}.{entry}"), inner, unknown);
                    }
                }
            }
            (Nested::ArrayOf(inner), DeValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        unknown_keys(t, &format!("{path}[{i}]"), inner, unknown);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The known key nearest to `key` by edit distance (case-insensitive), if it is near
/// enough to be a slip: a third of the key's characters at most (one for short keys), so
/// `名字` or `anything_goes` suggests nothing rather than a key it has nothing to do with.
pub fn nearest_key<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let key = key.to_lowercase();
    let near_enough = (key.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| {
            let distance = strsim::levenshtein(&key, k);
            // `timeout` means `timeout_secs`, not `timezone`: a prefix is a near miss.
            let prefix = k.starts_with(key.as_str()) || key.starts_with(k);
            (if prefix { distance.min(1) } else { distance }, *k)
        })
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= near_enough)
        .map(|(_, k)| k)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let text = "a = 1\n名字 = x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(line_column(text, offset), (2, 6));
        assert_eq!(line_column(text, 0), (1, 1));
    }

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

    #[test]
    fn nearest_key_by_edit_distance() {
        assert_eq!(nearest_key("acount", PROFILE_KEYS.keys), Some("account"));
        assert_eq!(
            nearest_key("timeout", PROFILE_KEYS.keys),
            Some("timeout_secs")
        );
        assert_eq!(nearest_key("profile", TOP_KEYS.keys), Some("profiles"));
        assert_eq!(nearest_key("per_pgae", PROFILE_KEYS.keys), Some("per_page"));
        // Nothing like any key: no suggestion at all.
        assert_eq!(nearest_key("名字", UI_KEYS.keys), None);
        assert_eq!(nearest_key("colour_scheme", UI_KEYS.keys), None);
    }

    #[test]
    fn keys_and_theme_contents_are_not_checked() {
        let text = "[keys]\nwhatever = \"g g\"\n[theme]\nanything = \"red\"\n";
        let (config, warnings) = parse(Path::new("c.toml"), text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.keys["whatever"].as_str(), Some("g g"));
        assert_eq!(config.theme["anything"].as_str(), Some("red"));
    }

    #[test]
    fn a_view_needs_search_or_list() {
        let text = "[profiles.a]\nviews = [{ name = \"x\" }]\n";
        let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
        assert!(err.contains("c.toml:2:"), "{err}");
        assert!(err.contains("expected `search"), "{err}");
    }

    #[test]
    fn list_view_dates_and_order() {
        let text = "[profiles.a]\nviews = [{ name = \"x\", list = { updated_start = \"2026-01-01\", updated_end = \"2026-01-31\", order = \"updated_desc\" } }]\n";
        let (config, _) = parse(Path::new("c.toml"), text).unwrap();
        let ViewKind::List(query) = &config.profiles["a"].views[0].kind else {
            panic!("not a list view");
        };
        assert_eq!(
            query.updated_end.unwrap().to_string(),
            "2026-01-31 23:59:59"
        );
        assert_eq!(
            query.order,
            Some(crate::api::ListOrder::Updated(crate::api::SortOrder::Desc))
        );
    }
}
