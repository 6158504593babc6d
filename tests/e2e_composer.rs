//! End-to-end: the reply composer in the built binary on a pseudo-terminal (portable-pty +
//! vt100), against the sandbox: open a ticket, press r, type a Chinese reply, check that the
//! real terminal cursor sits at the caret, send with Ctrl-S and check the sandbox got it.
//! Every wait is bounded; the child is killed on timeout and the screen printed.

#![allow(clippy::unwrap_used)]

mod pty;

use pty::Session;

const ROWS: u16 = 40;
const COLS: u16 = 120;

/// The screen column (in cells) where `text` starts on `row`, if it is there.
fn column_of(screen: &vt100::Screen, row: u16, text: &str) -> Option<u16> {
    let first: String = text.chars().next()?.to_string();
    (0..COLS).find(|col| {
        screen
            .cell(row, *col)
            .is_some_and(|cell| cell.contents() == first)
            && screen
                .rows(*col, COLS - *col)
                .nth(usize::from(row))
                .is_some_and(|rest| rest.starts_with(text))
    })
}

#[test]
fn a_chinese_reply_is_typed_at_the_terminal_cursor_and_reaches_the_sandbox() {
    use unicode_width::UnicodeWidthStr;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &[("GONGDAN_PASSWORD", "admin-pass")],
    );
    session.wait_first_list();
    let id = pty::selected_id(&mut session);
    session.send("r");
    session.wait_text(&format!("Reply to #{id}"));
    let reply = "您好，问题已处理 ok";
    session.send(reply);
    session.wait_text(reply);
    // The terminal cursor is shown, right after the last character typed.
    session.wait_for("the cursor at the caret", |screen| {
        let Some(row) = (0..ROWS).find(|r| column_of(screen, *r, reply).is_some()) else {
            return false;
        };
        let start = column_of(screen, row, reply).unwrap_or(0);
        let caret = start + reply.width() as u16;
        !screen.hide_cursor() && screen.cursor_position() == (row, caret)
    });
    // Ctrl-S sends it.
    session.send("\x13");
    session.wait_text(&format!("Reply sent to #{id}"));
    let replies = sandbox.replies(id);
    assert!(
        replies.iter().any(|r| r["replyMsg"] == reply),
        "{replies:?}"
    );
    // The detail lists it as sent this session.
    session.wait_text("Replies sent in this session");
    session.send("q");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
    drop(runtime);
}

/// Ctrl-O in the composer: a file's path typed, the file uploaded through `uploads.json`, and
/// its token sent in `ticketReply.attachments` with the reply, which the sandbox records.
#[test]
fn ctrl_o_attaches_a_file_that_reaches_the_sandbox_with_the_reply() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(gongdan::sandbox::start(
            gongdan::sandbox::SandboxOptions::default(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("日志.txt");
    std::fs::write(&file, "line one\nline two\n").unwrap();
    let base_url = sandbox.base_url();
    let mut session = Session::spawn(
        &["--base-url", &base_url, "--account", "admin@example.com"],
        &[("GONGDAN_PASSWORD", "admin-pass")],
    );
    session.wait_first_list();
    let id = pty::selected_id(&mut session);
    session.send("r");
    session.wait_text(&format!("Reply to #{id}"));
    session.send("see the log");
    session.wait_text("see the log");
    session.send("\x0f");
    session.wait_text("File to attach:");
    session.send(&file.display().to_string());
    session.send("\r");
    session.wait_for_text("the upload", |s| {
        s.contains("Attached: 日志.txt") && !s.contains("(uploading)")
    });
    session.send("\x13");
    session.wait_text(&format!("Reply sent to #{id}"));
    let uploads: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.route == gongdan::sandbox::Route::Upload)
        .collect();
    assert_eq!(uploads.len(), 1);
    assert!(uploads[0].path.contains("filename="), "{}", uploads[0].path);
    let replies = sandbox.replies(id);
    let sent = replies
        .iter()
        .find(|r| r["replyMsg"] == "see the log")
        .unwrap_or_else(|| panic!("{replies:?}"));
    assert_eq!(sent["attachments"][0]["fileName"], "日志.txt");
    assert_eq!(sent["attachments"][0]["size"], 18);
    session.send("q");
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
    drop(runtime);
}
