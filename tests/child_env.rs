//! The editor the composer opens gets an environment without the secrets gongdan reads
//! (`GONGDAN_PASSWORD`, `GONGDAN_SECRET`). The test runs itself again as a child whose
//! environment holds both, as a user's shell would (no `unsafe` `set_var`).
#![allow(clippy::unwrap_used)]

use std::process::Command;

const PROBE: &str = "CHILD_ENV_PROBE_DUMP";

#[test]
fn the_editor_gets_no_secret_from_the_environment() {
    if let Ok(dump) = std::env::var(PROBE) {
        // The child: open the "editor", which records its environment and leaves the text.
        let editor = format!("env > {dump}; :");
        let text = gongdan::tui::editor::edit_with(&editor, "回复").unwrap();
        assert_eq!(text, "回复");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("editor-env.txt");
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_editor_gets_no_secret_from_the_environment",
            "--test-threads=1",
        ])
        .env(PROBE, &dump)
        .env("GONGDAN_PASSWORD", "pw-7d1c")
        .env("GONGDAN_SECRET", "secret-2b9e")
        .status()
        .unwrap();
    assert!(status.success());
    let seen = std::fs::read_to_string(&dump).unwrap();
    assert!(
        seen.contains(PROBE),
        "the dump is the editor's environment: {seen}"
    );
    for needle in [
        "GONGDAN_PASSWORD",
        "pw-7d1c",
        "GONGDAN_SECRET",
        "secret-2b9e",
    ] {
        assert!(
            !seen.contains(needle),
            "{needle} reached the editor: {seen}"
        );
    }
}
