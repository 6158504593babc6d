//! Fuzzing the config loader with proptest (cargo-fuzz needs nightly, which CI lacks):
//! arbitrary and TOML-shaped text into the parser and the resolver. Neither may panic; a
//! syntax error carries a line and column inside the text. The case counts are fixed per
//! test (below) so CI runs a bounded number; a failure is saved by proptest under
//! `proptest-regressions/` and replayed first on every later run.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use gongdan::config::file::parse;
use gongdan::config::{ConfigError, Given, ResolveOptions, Secret, resolve};
use proptest::prelude::*;

/// Pieces of config text: known keys and tables, values of every TOML kind (and broken
/// ones), separators, and hostile characters.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[profiles.work]\n".to_string()),
        Just("[profiles.\"家\"]\n".to_string()),
        Just("[[profiles.work.views]]\n".to_string()),
        Just("[ui]\n".to_string()),
        Just("[keys]\n".to_string()),
        Just("[theme]\n".to_string()),
        Just("default_profile = ".to_string()),
        Just("base_url = ".to_string()),
        Just("account = ".to_string()),
        Just("auth = ".to_string()),
        Just("password = ".to_string()),
        Just("password_command = ".to_string()),
        Just("timezone = ".to_string()),
        Just("language = ".to_string()),
        Just("per_page = ".to_string()),
        Just("timeout_secs = ".to_string()),
        Just("allow_http = ".to_string()),
        Just("ca_file = ".to_string()),
        Just("name = ".to_string()),
        Just("search = ".to_string()),
        Just("auto_refresh_secs = ".to_string()),
        Just("\"https://example.com\"".to_string()),
        Just("\"http://10.0.0.1\"".to_string()),
        Just("\"+08:00\"".to_string()),
        Just("\"zh\"".to_string()),
        Just("\"token\"".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("18446744073709551616".to_string()),
        Just("1e999".to_string()),
        Just("true".to_string()),
        Just("[1, \"a\", {}]".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("\"\"\"multi\nline\"\"\"".to_string()),
        Just("'lit'".to_string()),
        Just("\"unterminated".to_string()),
        Just("\"\\u{1b}]52;c;x\\u0007\"".to_string()),
        Just("\"\u{202e}工单\u{200d}\"".to_string()),
        Just("# comment\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("=".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(".".to_string()),
        Just(",".to_string()),
        "[a-z_]{1,8}",
        "[ -~]{0,6}",
        any::<char>().prop_map(String::from),
    ]
}

fn toml_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

/// A syntax error points inside the text: a line that exists, a column on it (or just
/// after its end).
fn check_position(text: &str, error: &ConfigError) -> Result<(), TestCaseError> {
    if let ConfigError::Parse { line, column, .. } = error {
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            *line >= 1 && *line <= lines.len(),
            "line {line} of {}",
            lines.len()
        );
        let on_line = lines[*line - 1].chars().count();
        prop_assert!(
            *column >= 1 && *column <= on_line + 1,
            "column {column} on a line of {on_line}"
        );
        let shown = error.to_string();
        prop_assert!(shown.contains(&format!(":{line}:{column}:")), "{shown}");
    }
    Ok(())
}

fn resolve_file(path: &Path) -> Result<(), ConfigError> {
    let options = ResolveOptions {
        config_path: Some(Given::flag(path.to_path_buf(), "--config")),
        env_password: Some(Secret::new("pw")),
        ..ResolveOptions::default()
    };
    resolve(&options).map(|_| ())
}

proptest! {
    // 512 + 512 + 128 cases per run: about two seconds here.
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_parser_never_panics_and_places_its_errors(text in toml_ish()) {
        if let Err(error) = parse(Path::new("config.toml"), &text) {
            check_position(&text, &error)?;
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_parser(text in any::<String>()) {
        if let Err(error) = parse(Path::new("config.toml"), &text) {
            check_position(&text, &error)?;
        }
    }
}

proptest! {
    // Each case writes a file and resolves it: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_resolver_never_panics_on_what_parses(text in toml_ish()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        if let Err(error) = resolve_file(&path) {
            check_position(&text, &error)?;
            // Whatever went wrong, the message never carries the secret.
            prop_assert!(!error.to_string().contains("pw\""));
        }
    }
}

#[test]
fn a_known_syntax_error_names_its_line_and_column() {
    let text = "[profiles.work]\nbase_url = \"https://x\"\naccount = = 1\n";
    let error = parse(Path::new("c.toml"), text).unwrap_err();
    match error {
        ConfigError::Parse { line, column, .. } => assert_eq!((line, column), (3, 11)),
        other => panic!("{other:?}"),
    }
}
