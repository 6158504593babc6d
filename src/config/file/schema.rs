//! The keys the file may hold (a schema per table) and the walk that warns about the others,
//! each with the nearest known key: validation beside the serde model, which ignores them.

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
    keys: &[
        "default_profile",
        "profiles",
        "ui",
        "sla",
        "keys",
        "theme",
        "snippets",
        "snippets_dir",
        "macros",
    ],
    nested: |key| match key {
        "profiles" => Nested::NamedTables(&PROFILE_KEYS),
        "sla" => Nested::Opaque,
        "ui" => Nested::Table(&UI_KEYS),
        // Snippets and macros refuse unknown keys outright, as views do.
        "snippets" | "macros" => Nested::Opaque,
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
        "cache",
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
    keys: &["name", "search", "list", "watch", "columns"],
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
        "move_on",
        "hyperlinks",
        "download_dir",
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
    // `[sla]` refuses unknown keys as it is read (a typo would silently mark nothing).
    for key in ["warn_percent", "first_response", "resolution"] {
        paths.push(format!("sla.{key}"));
    }
    paths.push("profiles.NAME.views.columns".to_string());
    paths
}

/// A key the schema does not know: its dotted path, the byte offset where it is written
/// and the nearest known key.
pub(super) struct UnknownKey {
    pub(super) path: String,
    pub(super) offset: usize,
    pub(super) nearest: Option<&'static str>,
}

/// Every key of the file the schema does not know, in the order written.
pub(super) fn unknown_in_file(table: &toml::de::DeTable<'_>) -> Vec<UnknownKey> {
    let mut unknown = Vec::new();
    unknown_keys(table, "", &TOP_KEYS, &mut unknown);
    unknown
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
    use std::path::Path;

    use super::super::parse;
    use super::*;

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
}
