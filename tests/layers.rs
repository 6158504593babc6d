//! The layers of ARCHITECTURE.md, enforced: every `crate::` path in `src` (and every
//! `super::` chain that climbs out of its top module) is an arrow from one top module to
//! another, and an arrow outside [`ALLOWED`] fails this test with the file and line.
//!
//! Comments are skipped (a doc comment may name another layer); code in `#[cfg(test)]`
//! modules counts like any other code, since it is compiled into the same layer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Who may use whom. A module not listed as a key may use nothing of the crate. The leaves
/// every layer may use are in [`LEAVES`], not repeated in every row.
const ALLOWED: &[(&str, &[&str])] = &[
    // The wire model, decoding and the HTTP client: no screen, no state.
    ("api", &[]),
    // The bulk engine: UI-free, on the client.
    ("bulk", &["api"]),
    // State and the pure update: the wire model, the bulk engine's plans, nothing that draws,
    // does I/O or loads the config.
    ("app", &["api", "bulk"]),
    // The view reads the state and words it.
    ("ui", &["app", "api", "bulk", "words"]),
    // The words the view, the script output and the config's messages use; they word the
    // app's data for the view.
    ("words", &["api", "bulk", "app", "store"]),
    // The worker owns the network: the client, the engine, the command and event types, and
    // the files it writes for the app (drafts, prompt history, name cache).
    (
        "worker",
        &[
            "api",
            "bulk",
            "app",
            "draft_files",
            "history_files",
            "lookup_cache",
            "store",
        ],
    ),
    // The local ticket store and its sync: on the client, never the state or the view.
    ("store", &["api"]),
    // The files the app's data is kept in, read at start and written by the worker.
    ("draft_files", &["app"]),
    ("history_files", &["app"]),
    ("lookup_cache", &["api", "app"]),
    // The sandbox serves the vendor's API from its wire model.
    ("sandbox", &["api"]),
    // Configuration: files, profiles, credentials, and the settings they give the client
    // and the bulk engine.
    ("config", &["api", "bulk", "words"]),
    // The script commands: the client and the engine, worded for a pipe.
    (
        "script",
        &["api", "bulk", "config", "words", "cli", "store"],
    ),
    // The command line names every command's arguments.
    ("cli", &["config", "script", "sandbox", "store"]),
    // The terminal backend knows only ratatui.
    ("term_backend", &[]),
    // The wiring: the loop and the start-up may use every layer.
    (
        "tui",
        &[
            "api",
            "app",
            "bulk",
            "ui",
            "words",
            "worker",
            "config",
            "term_backend",
            "draft_files",
            "history_files",
            "lookup_cache",
            "store",
        ],
    ),
    (
        "console",
        &[
            "api",
            "app",
            "bulk",
            "ui",
            "words",
            "worker",
            "config",
            "tui",
            "sandbox",
            "draft_files",
            "history_files",
            "lookup_cache",
            "cli",
            "store",
        ],
    ),
    // Benchmark fixtures build states and screens like the tests do.
    (
        "bench",
        &["api", "app", "ui", "sandbox", "bulk", "term_backend"],
    ),
    // The crate root and the binary wire everything.
    ("lib", &["*"]),
    ("main", &["*"]),
];

/// Inert text and display widths; the one language type; durable private files and read
/// caps; a secret that never prints; the links a frame draws (OSC 8), which the view
/// records and the terminal backend writes.
const LEAVES: &[&str] = &["text", "lang", "files", "secret", "hyperlink"];

/// The crate's top modules, as `src/lib.rs` declares them (checked by a test below).
const TOPS: &[&str] = &[
    "api",
    "app",
    "bench",
    "bulk",
    "cli",
    "config",
    "console",
    "draft_files",
    "files",
    "history_files",
    "hyperlink",
    "lang",
    "lookup_cache",
    "sandbox",
    "script",
    "secret",
    "store",
    "term_backend",
    "text",
    "tui",
    "ui",
    "words",
    "worker",
];

fn allowed(from: &str, to: &str) -> bool {
    if from == to || LEAVES.contains(&to) {
        return true;
    }
    ALLOWED
        .iter()
        .find(|(name, _)| *name == from)
        .is_some_and(|(_, uses)| uses.contains(&"*") || uses.contains(&to))
}

/// One arrow found in the code.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Arrow {
    from: String,
    to: String,
    file: String,
    line: usize,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The top module a file belongs to (`src/app/update.rs` → `app`, `src/tui.rs` → `tui`), and
/// the module path of the file itself below the top (for resolving `super::`).
fn module_of(src: &Path, file: &Path) -> (String, Vec<String>) {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    let top = parts.first().cloned().unwrap_or_default();
    (top, parts)
}

/// The code of a line without its comment (a `//` outside a string literal).
fn code_of(line: &str) -> &str {
    let mut in_str = false;
    let mut prev = '\0';
    for (at, ch) in line.char_indices() {
        match ch {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && prev == '/' => return &line[..at - 1],
            _ => {}
        }
        prev = if prev == '\\' && ch == '\\' { '\0' } else { ch };
    }
    line
}

/// The top modules a line's paths name: `crate::x`, `crate::{x, y::z}`, and `super::` chains
/// that climb above the file's top module.
fn targets(code: &str, path: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        // `gongdan_crate::` or `my_crate::` are not this crate.
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each top-level item.
            let mut depth = 0;
            let mut item = String::new();
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_first_segment(&item, &mut found);
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(ch);
                }
            }
            push_first_segment(&item, &mut found);
        } else {
            push_first_segment(rest, &mut found);
        }
    }
    // `super::super::x` from `src/app/a/b.rs` (path app, a, b) climbs to `app`: fine; a chain
    // longer than the path leaves the top module.
    let mut rest = code;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().last();
        if before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_' || ch == ':') {
            rest = &rest[at + 1..];
            continue;
        }
        let mut chain = &rest[at..];
        let mut ups = 0;
        while let Some(next) = chain.strip_prefix("super::") {
            ups += 1;
            chain = next;
        }
        // Inside a file, `mod tests` adds a level; counting it as none only makes the climb
        // look shorter, never longer, so a reported climb is a real one.
        // An inline `mod tests` adds a level the file path does not show, so a chain is
        // taken as leaving the top module only when it names another top module.
        if ups >= path.len()
            && TOPS
                .iter()
                .any(|top| chain.starts_with(&format!("{top}::")))
        {
            push_first_segment(chain, &mut found);
        }
        rest = chain;
    }
    found
}

fn push_first_segment(item: &str, found: &mut Vec<String>) {
    let name: String = item
        .trim()
        .chars()
        .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
        .collect();
    if !name.is_empty() && name != "self" {
        found.push(name);
    }
}

fn arrows() -> Vec<Arrow> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut arrows = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            panic!("cannot read {}", file.display());
        };
        let (top, path) = module_of(&src, &file);
        for (index, line) in text.lines().enumerate() {
            for to in targets(code_of(line), &path) {
                arrows.push(Arrow {
                    from: top.clone(),
                    to,
                    file: file
                        .strip_prefix(&src)
                        .unwrap_or(&file)
                        .display()
                        .to_string(),
                    line: index + 1,
                });
            }
        }
    }
    arrows
}

#[test]
fn every_arrow_between_layers_is_in_the_table() {
    let all = arrows();
    assert!(
        all.iter()
            .any(|arrow| arrow.from == "app" && arrow.to == "api"),
        "the scan found no app → api arrow: it reads nothing"
    );
    let wrong: Vec<&Arrow> = all
        .iter()
        .filter(|arrow| !allowed(&arrow.from, &arrow.to))
        .collect();
    let mut by_pair: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for arrow in &wrong {
        by_pair
            .entry((arrow.from.clone(), arrow.to.clone()))
            .or_default()
            .push(format!("src/{}:{}", arrow.file, arrow.line));
    }
    let report: Vec<String> = by_pair
        .iter()
        .map(|((from, to), places)| format!("{from} → {to}: {}", places.join(", ")))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} arrows outside the table of ARCHITECTURE.md:\n{}",
        wrong.len(),
        report.join("\n")
    );
}

#[test]
fn the_table_names_the_crate_s_top_modules() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .unwrap_or_default();
    let mut declared: Vec<&str> = lib
        .lines()
        // Any visibility: the pub(crate) pass narrowed some (`lookup_cache`, `secret`).
        .filter_map(|line| {
            let line = line.trim();
            line.strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("pub(crate) mod "))
                .or_else(|| line.strip_prefix("mod "))
        })
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    declared.sort_unstable();
    let mut tops = TOPS.to_vec();
    tops.sort_unstable();
    assert_eq!(declared, tops, "TOPS is src/lib.rs's list of modules");
    for top in TOPS {
        assert!(
            LEAVES.contains(top) || ALLOWED.iter().any(|(name, _)| name == top),
            "{top} has no row in the table"
        );
    }
}

/// The places (`path:line`, the path below `src`) of the code lines under `src/<dir>` (all
/// of `src` for "") that `wanted` picks; comments are not code.
fn code_lines_where(dir: &str, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src.join(dir), &mut files);
    assert!(!files.is_empty(), "the scan found no files under src/{dir}");
    let mut places = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (index, line) in text.lines().enumerate() {
            if wanted(code_of(line)) {
                let path = file.strip_prefix(&src).unwrap_or(&file);
                places.push(format!("{}:{}", path.display(), index + 1));
            }
        }
    }
    places
}

#[test]
fn the_view_never_mutates_the_state() {
    let places = code_lines_where("ui", |code| {
        code.contains("&mut App") || code.contains("&mut crate::app::App")
    });
    assert!(
        places.is_empty(),
        "ui takes the state mutably at {places:?}"
    );
}

/// The view reads `&App`; a `Cell`, `RefCell`, lock, atomic or thread-local inside the state
/// would let it write through that shared borrow (a preview once recorded its drawn rows in
/// a `Cell` in `App`).
/// What the view measures goes back as `Geometry`, what it keeps lives in `ui::Ui`.
#[test]
fn the_state_holds_no_interior_mutability() {
    let places = code_lines_where("app", |code| {
        let shared = [
            "Cell<",
            "Cell::",
            "cell::",
            "Mutex",
            "RwLock",
            "Atomic",
            "thread_local!",
            "static mut",
        ]
        .iter()
        .any(|word| code.contains(word));
        // A lazily built constant (`static TABLE: OnceLock<…>`, the default key table)
        // is a value, not state: only outside a `static` item is it a place to write.
        let lazy = ["OnceLock", "LazyLock"].iter().any(|w| code.contains(w))
            && !code.trim_start().starts_with("static ")
            && !code.trim_start().starts_with("use ");
        shared || lazy
    });
    assert!(
        places.is_empty(),
        "src/app holds interior mutability at {places:?}"
    );
}

#[test]
fn the_scan_sees_grouped_imports_comments_and_climbs() {
    let app_file = vec!["app".to_string(), "update".to_string()];
    assert_eq!(
        targets(
            "use crate::{api::Ticket, ui::{i18n, theme}, text};",
            &app_file
        ),
        ["api", "ui", "text"]
    );
    assert_eq!(
        targets(code_of("let x = 1; // see crate::ui::draw"), &app_file),
        Vec::<String>::new()
    );
    assert_eq!(
        targets(r#"let s = "a//b"; crate::ui::draw();"#, &app_file),
        ["ui"]
    );
    assert_eq!(targets("use super::super::ui::draw;", &app_file), ["ui"]);
    assert_eq!(
        targets("use super::keymap;", &app_file),
        Vec::<String>::new()
    );
    assert!(!allowed("app", "ui"));
    assert!(allowed("app", "text"));
    assert!(allowed("ui", "app"));
}

/// `unsafe` is denied crate-wide (Cargo.toml); the one place allowed to lift it is the
/// allocator setting at the very start of `main.rs`. A second `allow(unsafe_code)` fails.
#[test]
fn unsafe_is_allowed_only_where_main_tunes_the_allocator() {
    let places = code_lines_where("", |code| code.contains("allow(unsafe_code)"));
    assert_eq!(places.len(), 1, "{places:?}");
    assert!(places[0].starts_with("main.rs:"), "{places:?}");
}
