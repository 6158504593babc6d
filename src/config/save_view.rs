//! Saving a search as a view of a profile (Ctrl-S in the console): one entry added to the
//! profile's `views` in the config file, the file's comments, order and layout kept
//! (`toml_edit`), written atomically. Nothing is written when the file does not parse,
//! the profile is not in it, or a view of that name exists: the error says which.

use std::path::Path;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use crate::lang::Lang;
use crate::words::{Msg, fill};

/// Why a view was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveViewError {
    /// The file could not be read (a missing file is read as empty).
    Read(String),
    /// The file is not TOML: what the parser said.
    NotToml(String),
    /// No `[profiles.NAME]` table in the file.
    NoProfile(String),
    /// `views` of the profile is not a list of views.
    ViewsNotAList(String),
    /// A view of that name exists already.
    Exists(String),
    Write(String),
}

impl SaveViewError {
    /// In plain words, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            SaveViewError::Read(error) => fill(lang, Msg::SaveViewRead, &[error]),
            SaveViewError::NotToml(error) => fill(lang, Msg::SaveViewNotToml, &[error]),
            SaveViewError::NoProfile(profile) => fill(lang, Msg::SaveViewNoProfile, &[profile]),
            SaveViewError::ViewsNotAList(profile) => {
                fill(lang, Msg::SaveViewViewsNotAList, &[profile])
            }
            SaveViewError::Exists(name) => fill(lang, Msg::SaveViewExists, &[name]),
            SaveViewError::Write(error) => fill(lang, Msg::SaveViewWrite, &[error]),
        }
    }
}

/// The file's text with `{ name = NAME, search = SEARCH }` added to the views of
/// `profile`: an inline list gets one more inline table, `[[profiles.P.views]]` one more
/// table; without `views`, an inline list of one is added to the profile.
pub fn add_view(
    text: &str,
    profile: &str,
    name: &str,
    search: &str,
) -> Result<String, SaveViewError> {
    let mut doc: DocumentMut = text.parse().map_err(|error: toml_edit::TomlError| {
        SaveViewError::NotToml(error.message().to_string())
    })?;
    let no_profile = || SaveViewError::NoProfile(profile.to_string());
    let table = doc
        .get_mut("profiles")
        .and_then(Item::as_table_like_mut)
        .and_then(|profiles| profiles.get_mut(profile))
        .and_then(Item::as_table_like_mut)
        .ok_or_else(no_profile)?;
    let named = |view: &dyn toml_edit::TableLike| {
        view.get("name").and_then(Item::as_str).map(str::trim) == Some(name)
    };
    match table.get_mut("views") {
        None => {
            let mut views = Array::new();
            views.push(inline_view(name, search));
            table.insert("views", Item::Value(Value::Array(views)));
        }
        Some(Item::Value(Value::Array(views))) => {
            if views
                .iter()
                .filter_map(Value::as_inline_table)
                .any(|view| named(view))
            {
                return Err(SaveViewError::Exists(name.to_string()));
            }
            // One per line, as the example writes them, when the list is already so.
            let multiline = views.iter().last().is_some_and(|last| {
                last.decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .is_some_and(|p| p.contains('\n'))
            });
            views.push(inline_view(name, search));
            if multiline && let Some(last) = views.iter_mut().last() {
                last.decor_mut().set_prefix("\n    ");
            }
        }
        Some(Item::ArrayOfTables(views)) => {
            if views.iter().any(|view| named(view)) {
                return Err(SaveViewError::Exists(name.to_string()));
            }
            let mut view = Table::new();
            view.insert("name", toml_edit::value(name));
            view.insert("search", toml_edit::value(search));
            views.push(view);
        }
        Some(_) => return Err(SaveViewError::ViewsNotAList(profile.to_string())),
    }
    Ok(doc.to_string())
}

fn inline_view(name: &str, search: &str) -> Value {
    let mut view = InlineTable::new();
    view.insert("name", Value::from(name));
    view.insert("search", Value::from(search));
    Value::InlineTable(view)
}

/// Adds the view to the file at `path` (see [`add_view`]) and writes it atomically.
pub fn save_view(
    path: &Path,
    profile: &str,
    name: &str,
    search: &str,
) -> Result<(), SaveViewError> {
    let text = match super::read_file_capped(path, super::CONFIG_LIMIT) {
        Ok(text) => text,
        Err(error) => {
            return Err(SaveViewError::Read(format!("{}: {error}", path.display())));
        }
    };
    let text = add_view(&text, profile, name, search)?;
    crate::files::write_atomic(path, text.as_bytes())
        .map_err(|error| SaveViewError::Write(format!("{}: {error}", path.display())))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FILE: &str = r#"# my settings
default_profile = "work"

[profiles.work]
# where
base_url = "https://example.com"   # trailing comment
views = [
    { name = "紧急", search = "priorityLevel:4" },
]

[ui]
# refresh
auto_refresh_secs = 30
"#;

    #[test]
    fn a_view_is_added_and_every_comment_and_line_kept() {
        let out = add_view(FILE, "work", "VIP", "tagList:vip客户").unwrap();
        // Everything that was there is there, in order, with one line more.
        let added = "    { name = \"VIP\", search = \"tagList:vip客户\" },\n";
        assert_eq!(out.replace(added, ""), FILE, "{out}");
        // And it reads back as a view.
        let (config, warnings) = super::super::file::parse(Path::new("c.toml"), &out).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let views = &config.profiles["work"].views;
        assert_eq!(views.len(), 2);
        assert!(
            matches!(&views[1].kind, crate::config::ViewKind::Search(s) if s == "tagList:vip客户")
        );
    }

    #[test]
    fn array_of_tables_and_no_views_yet() {
        let tables = "[profiles.a]\nbase_url = \"x\"\n\n[[profiles.a.views]]\nname = \"one\"\nsearch = \"ticketStatus:1\"\n";
        let out = add_view(tables, "a", "two", "ticketStatus:2").unwrap();
        assert!(out.starts_with(tables), "{out}");
        assert!(
            out.contains("[[profiles.a.views]]\nname = \"two\"\nsearch = \"ticketStatus:2\""),
            "{out}"
        );
        let none = "[profiles.a]\nbase_url = \"x\" # keep\n";
        let out = add_view(none, "a", "two", "ticketStatus:2").unwrap();
        assert!(out.contains("base_url = \"x\" # keep"), "{out}");
        assert!(
            out.contains("views = [{ name = \"two\", search = \"ticketStatus:2\" }]"),
            "{out}"
        );
    }

    #[test]
    fn nothing_is_written_over_a_problem() {
        assert_eq!(
            add_view(FILE, "work", "紧急", "x"),
            Err(SaveViewError::Exists("紧急".into()))
        );
        assert_eq!(
            add_view(FILE, "home", "x", "x"),
            Err(SaveViewError::NoProfile("home".into()))
        );
        assert!(matches!(
            add_view("[profiles.a\n", "a", "x", "x"),
            Err(SaveViewError::NotToml(_))
        ));
        assert_eq!(
            add_view("[profiles.a]\nviews = 3\n", "a", "x", "x"),
            Err(SaveViewError::ViewsNotAList("a".into()))
        );
    }

    #[test]
    fn a_file_that_cannot_be_written_says_so_and_keeps_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, FILE).unwrap();
        save_view(&path, "work", "VIP", "tagList:vip").unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("VIP"));
        // A directory that cannot be written: the error names the file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let locked = dir.path().join("locked");
            std::fs::create_dir(&locked).unwrap();
            let path = locked.join("config.toml");
            std::fs::write(&path, FILE).unwrap();
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
            let result = save_view(&path, "work", "VIP", "tagList:vip");
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
            // Root writes anywhere: then the save simply succeeds.
            if let Err(error) = result {
                assert!(
                    matches!(&error, SaveViewError::Write(text) if text.contains("config.toml")),
                    "{error:?}"
                );
                assert!(error.text(Lang::En).contains("config.toml"));
                assert_eq!(std::fs::read_to_string(&path).unwrap(), FILE);
            }
        }
    }
}
