//! The snippet folder (issue 17): one canned reply per file, its first line the title and
//! the rest the body, named by the file's name without its extension. Read once at start
//! (the console's `update` stays pure); the config's `[[snippets]]` come after and win over
//! a file of the same name. A file that cannot be read is a warning, never a stop.

use std::path::{Path, PathBuf};

use super::file::SnippetDef;
use super::{ConfigWarning, Resolved};

/// The folder: `snippets_dir` (relative to the config file's folder), else `snippets/`
/// beside the config file (or where the config file would be, when there is none).
pub(crate) fn folder(resolved: &Resolved) -> Option<PathBuf> {
    let file = match &resolved.config_path {
        Some(path) => Some(path.clone()),
        None => super::default_config_path().ok(),
    };
    let beside = file
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    match (&resolved.snippets_dir, beside) {
        (Some(dir), Some(beside)) => Some(beside.join(dir)),
        (Some(dir), None) => Some(dir.clone()),
        (None, Some(beside)) => Some(beside.join("snippets")),
        (None, None) => None,
    }
}

/// One file's snippet; `None` for a file with no body.
pub fn parse_file(name: &str, text: &str) -> Option<SnippetDef> {
    let text = text.replace("\r\n", "\n");
    let (title, body) = text.split_once('\n').unwrap_or((&text, ""));
    let body = body.trim_end_matches('\n');
    if body.trim().is_empty() {
        return None;
    }
    let title = title.trim();
    Some(SnippetDef {
        name: name.to_string(),
        title: if title.is_empty() { name } else { title }.to_string(),
        body: body.to_string(),
    })
}

/// The folder's snippets, by file name, with a warning per file left out. A missing
/// folder is no snippet and no warning.
pub(crate) fn read_folder(dir: &Path) -> (Vec<SnippetDef>, Vec<ConfigWarning>) {
    let mut snippets = Vec::new();
    let mut warnings = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (snippets, warnings);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            // Editors' backups and hidden files are not snippets.
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.ends_with('~'))
        })
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match super::read_file_capped(&path, super::TEXT_LIMIT) {
            Ok(text) => match parse_file(&name, &text) {
                Some(snippet) => snippets.push(snippet),
                None => warnings.push(ConfigWarning::SnippetFile {
                    path,
                    problem: "no text after the title line".into(),
                }),
            },
            Err(error) => warnings.push(ConfigWarning::SnippetFile {
                path,
                problem: error.to_string(),
            }),
        }
    }
    (snippets, warnings)
}

/// Every snippet: the folder's, then the config's (a config snippet replaces a file of
/// the same name), each made inert like an editor's text.
pub fn load(resolved: &Resolved) -> (Vec<SnippetDef>, Vec<ConfigWarning>) {
    let (mut snippets, warnings) = match folder(resolved) {
        Some(dir) => read_folder(&dir),
        None => (Vec::new(), Vec::new()),
    };
    for snippet in &resolved.snippets {
        snippets.retain(|s| s.name != snippet.name);
        snippets.push(snippet.clone());
    }
    for snippet in &mut snippets {
        snippet.title = crate::text::clean(&snippet.title);
        snippet.body = crate::text::clean(&snippet.body.replace('\t', "    "));
    }
    (snippets, warnings)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_a_title_line_and_a_body() {
        let snippet = parse_file("thanks", "感谢来信\n您好 {contact}，\n\n已处理。\n").unwrap();
        assert_eq!(snippet.title, "感谢来信");
        assert_eq!(snippet.body, "您好 {contact}，\n\n已处理。");
        assert!(parse_file("empty", "only a title\n").is_none());
    }
}
