//! A panic with the screen open (issue 3, item 1): the built binary on a pty, made to panic
//! after its first draw by the test-only `GONGDAN_TEST_PANIC_AFTER_DRAW=1`. The terminal is
//! restored (the alternate screen left; raw mode goes with it in `restore_terminal`) and
//! the panic message comes after the restore, on the normal screen.
#![allow(clippy::unwrap_used)]

mod pty;

use pty::Session;

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const MESSAGE: &str = "GONGDAN_TEST_PANIC_AFTER_DRAW is set: panicking after the first draw";

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_panic_restores_the_terminal_then_prints_its_message() {
    let session = Session::spawn(
        &["--demo"],
        &[
            ("GONGDAN_TEST_PANIC_AFTER_DRAW", "1"),
            ("RUST_BACKTRACE", "0"),
        ],
    );
    let (success, screen, raw) = session.wait_exit_with_output();
    let text = String::from_utf8_lossy(&raw).into_owned();
    assert!(!success, "a panic is a failed exit; output:\n{text}");
    assert!(!screen.alternate_screen(), "the terminal was restored");

    let entered = position(&raw, ENTER_ALT).expect("the screen was opened");
    let left = position(&raw, LEAVE_ALT).expect("the screen was restored");
    let message = position(&raw, MESSAGE.as_bytes()).expect("the panic message was printed");
    assert!(entered < left, "opened, then restored");
    // Something was drawn in between: the panic came after a frame, with the screen open.
    assert!(left - entered > 100, "a frame was drawn before the panic");
    assert!(
        left < message,
        "the message comes after the restore:\n{text}"
    );
    // ...so it stays readable on the normal screen once the program has gone.
    assert!(
        screen.contents().contains(MESSAGE),
        "the message on the restored screen:\n{}",
        screen.contents()
    );
}

#[test]
fn without_the_variable_the_console_does_not_panic() {
    let mut session = Session::spawn(&["--demo"], &[("GONGDAN_TEST_PANIC_AFTER_DRAW", "0")]);
    session.wait_first_list();
    session.send("q");
    let (success, screen, raw) = session.wait_exit_with_output();
    assert!(success, "exit status");
    assert!(!screen.alternate_screen());
    assert!(position(&raw, MESSAGE.as_bytes()).is_none());
}
