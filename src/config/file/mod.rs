//! The config file: typed structs with serde defaults (`model`, `views`), errors with line
//! and column, and warnings for keys this version does not know (`schema`).

mod canned;
mod model;
mod schema;
mod sla;
mod views;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ConfigError, ConfigWarning};

pub use canned::{AssigneeDef, MacroDef, SnippetDef};
pub use model::{
    AuthKind, ConfigFile, DEFAULT_AUTO_REFRESH_SECS, DEFAULT_BULK_CONCURRENCY,
    DEFAULT_BULK_CONFIRM_THRESHOLD, DEFAULT_CONCURRENCY, DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECS,
    DEFAULT_PER_PAGE, DEFAULT_SELECTION, DEFAULT_TIMEOUT_SECS, DEFAULT_TIMEZONE_SECS, Hyperlinks,
    LanguageSetting, Positive, ProfileFile, Selection, Timezone, UiFile, parse_utc_offset,
};
pub use schema::{known_key_paths, nearest_key};
pub use sla::{DEFAULT_SLA_WARN_PERCENT, SlaFile};
pub use views::{ViewDef, ViewKind, WatchKind};

/// A file that parsed, with the warnings about keys it ignored.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFile {
    pub(crate) path: PathBuf,
    pub(crate) config: ConfigFile,
    pub(crate) warnings: Vec<ConfigWarning>,
    /// Where each key (dotted path, `[i]` for array items) is written: line and column.
    pub(crate) positions: HashMap<String, (usize, usize)>,
}

/// Reads and parses the file at `path`.
pub(crate) fn load(path: &Path) -> Result<LoadedFile, ConfigError> {
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
pub(crate) fn key_positions(text: &str) -> HashMap<String, (usize, usize)> {
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
    let warnings = schema::unknown_in_file(table.get_ref())
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
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
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
}
