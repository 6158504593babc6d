//! `[[snippets]]`, the snippet folder and `[[macros]]` (issue 17) as the config gives them:
//! what parses, and the clear error (file, line, column, what is wrong) when not.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use gongdan::api::{Priority, TicketStatus};
use gongdan::config::file::{AssigneeDef, parse};
use gongdan::config::{ConfigError, Given, ResolveOptions, resolve};

fn error_of(text: &str) -> (usize, String) {
    match parse(Path::new("c.toml"), text) {
        Err(ConfigError::Parse { line, message, .. }) => (line, message),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn snippets_and_macros_parse_with_only_what_they_name() {
    let text = r#"
[[snippets]]
name = "thanks"
body = "您好 {contact}"

[[macros]]
name = "Solve"
key = "ctrl-k"
status = "已解决"
priority = "3"
assignee = "me"
group = "none"
tags_add = ["升级"]
tags_remove = ["待跟进"]
snippet = "thanks"
custom_fields = { field_1 = "231", field_2 = 5 }

[[macros]]
name = "Unassign"
assignee = 0
"#;
    let (config, warnings) = parse(Path::new("c.toml"), text).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(config.snippets.len(), 1);
    // The title is the name when none is given.
    assert_eq!(config.snippets[0].title, "thanks");
    let solve = &config.macros[0];
    assert_eq!(solve.key.as_deref(), Some("ctrl-k"));
    assert_eq!(solve.status, Some(TicketStatus::Solved));
    assert_eq!(solve.priority, Some(Priority::High));
    assert_eq!(solve.ticket_type, None);
    assert_eq!(solve.assignee, Some(AssigneeDef::Me));
    assert_eq!(solve.group, Some(None));
    assert_eq!(solve.tags_add, vec!["升级".to_string()]);
    assert_eq!(solve.snippet.as_deref(), Some("thanks"));
    assert_eq!(
        solve.custom_fields,
        vec![
            ("field_1".to_string(), serde_json::json!("231")),
            ("field_2".to_string(), serde_json::json!(5)),
        ]
    );
    let unassign = &config.macros[1];
    assert_eq!(unassign.assignee, Some(AssigneeDef::Id(None)));
    assert_eq!(unassign.status, None);
    assert!(unassign.tags_add.is_empty() && unassign.custom_fields.is_empty());
}

#[test]
fn a_bad_snippet_or_macro_is_refused_where_it_is_written() {
    let cases = [
        (
            "[[snippets]]\nname = \"\"\nbody = \"x\"\n",
            "a snippet needs a non-empty `name`",
        ),
        (
            "[[snippets]]\nname = \"a\"\nbody = \"  \"\n",
            "snippet \"a\": `body` is empty",
        ),
        (
            "[[snippets]]\nname = \"a\"\nbody = \"x\"\ntitel = \"t\"\n",
            "unknown field `titel`",
        ),
        (
            "\n\n[[macros]]\nname = \"m\"\nstatus = \"done\"\n",
            "macro \"m\": `status` expected one of new, open, pending, solved, auto-closed, closed, found \"done\"",
        ),
        (
            "[[macros]]\nname = \"m\"\nstatus = \"9\"\n",
            "`status` expected one of",
        ),
        (
            "[[macros]]\nname = \"m\"\nassignee = \"bob\"\n",
            "macro \"m\": `assignee` expected an id or \"none\"",
        ),
        (
            "[[macros]]\nname = \"m\"\nsnippet = \"thanks\"\n",
            "macro \"m\" changes nothing",
        ),
        (
            "[[macros]]\nname = \"m\"\ntags_add = [\"a\"]\ntags_remove = [\"a\"]\n",
            "tag \"a\" is both in `tags_add` and `tags_remove`",
        ),
        (
            "[[macros]]\nname = \"m\"\nstatus = \"solved\"\nstatsu = 1\n",
            "unknown field `statsu`",
        ),
    ];
    for (text, want) in cases {
        let (line, message) = error_of(text);
        assert!(message.contains(want), "{text}: {message}");
        assert!(line >= 1, "{text}");
    }
    // The line is the table's.
    let (line, _) = error_of("\n\n[[macros]]\nname = \"m\"\nstatus = \"done\"\n");
    assert!((3..=5).contains(&line), "line {line}");
}

#[test]
fn the_snippet_folder_beside_the_config_and_the_tables_win_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[snippets]]\nname = \"thanks\"\ntitle = \"From the config\"\nbody = \"config body\"\n",
    )
    .unwrap();
    let folder = dir.path().join("snippets");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("thanks.txt"), "From the file\nfile body\n").unwrap();
    // Terminal controls in a file are made inert like any text shown.
    std::fs::write(
        folder.join("escalated.txt"),
        "已升级\n\u{1b}[31m已转二线\u{7}\n处理中",
    )
    .unwrap();
    std::fs::write(folder.join("empty.txt"), "only a title\n").unwrap();
    std::fs::write(folder.join(".hidden"), "x\ny").unwrap();
    let opts = ResolveOptions {
        config_path: Some(Given::flag(config, "--config")),
        no_connection: true,
        ..ResolveOptions::default()
    };
    let resolved = resolve(&opts).unwrap();
    let (snippets, warnings) = gongdan::config::snippets::load(&resolved);
    let names: Vec<&str> = snippets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["escalated", "thanks"]);
    assert_eq!(snippets[1].title, "From the config");
    assert_eq!(snippets[0].title, "已升级");
    assert!(
        !snippets[0].body.contains('\u{1b}'),
        "{:?}",
        snippets[0].body
    );
    assert!(
        !snippets[0].body.contains('\u{7}'),
        "{:?}",
        snippets[0].body
    );
    assert!(snippets[0].body.ends_with("处理中"));
    // The file with no body is left out, and said.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].to_string().contains("empty.txt"),
        "{}",
        warnings[0]
    );
}
