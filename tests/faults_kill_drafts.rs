//! Drafts survive kill -9 at any moment: a child process (this test binary, running the
//! ignored test below) rewrites one draft as fast as it can, alternating two whole texts; it
//! is killed with SIGKILL at varying moments, and every time the draft on disk is one of
//! the two texts, whole, never a mix or a truncation. A draft that is not text is moved
//! aside, never a failed start.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongdan::app::drafts::DraftKey;
use gongdan::draft_files as drafts;

const DIR_VAR: &str = "GONGDAN_DRAFT_CHILD_DIR";

fn texts() -> [String; 2] {
    // Large enough that a write takes several syscalls.
    [
        "回复草稿 A：".repeat(20_000) + "end-a",
        "reply draft B: ".repeat(30_000) + "end-b",
    ]
}

#[test]
#[ignore = "run by kill_9_never_leaves_a_torn_draft as its child"]
fn child_rewrites_a_draft_forever() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let path = std::path::Path::new(&dir).join(DraftKey::Reply(42).file_name());
    let texts = texts();
    for round in 0.. {
        drafts::save(&path, &texts[round % 2]).unwrap();
    }
}

#[test]
fn kill_9_never_leaves_a_torn_draft() {
    let dir = tempfile::tempdir().unwrap();
    let texts = texts();
    for round in 0..8u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "child_rewrites_a_draft_forever",
                "--nocapture",
            ])
            .env(DIR_VAR, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the first write, then let it run a varying while.
        let path = dir.path().join(DraftKey::Reply(42).file_name());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !path.exists() {
            assert!(Instant::now() < deadline, "the child never wrote");
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(7 * round + 3));
        child.kill().unwrap();
        child.wait().unwrap();
        let loaded = drafts::load(dir.path().to_path_buf());
        let text = loaded.get(&DraftKey::Reply(42)).unwrap();
        assert!(
            texts.iter().any(|t| t == text),
            "round {round}: a torn draft of {} bytes",
            text.len()
        );
    }
}

#[test]
fn a_draft_that_is_not_text_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join(DraftKey::Reply(7).file_name());
    std::fs::write(&bad, b"\xff\xfe half a draft \xc3").unwrap();
    let good = dir.path().join(DraftKey::Reply(8).file_name());
    drafts::save(&good, "好的").unwrap();
    let loaded = drafts::load(dir.path().to_path_buf());
    assert_eq!(loaded.get(&DraftKey::Reply(8)), Some("好的"));
    assert_eq!(loaded.get(&DraftKey::Reply(7)), None);
    assert!(!bad.exists(), "moved away");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("7.txt.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
}
