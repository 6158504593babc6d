//! End-to-end on a 200×50 pty (issue 12): the demo's list with the preview beside it; a
//! ticket opened, then `]` shows the next ticket of the view, its subject in the ticket
//! pane, while the list's selection follows.

#![allow(clippy::unwrap_used)]

mod pty;

use pty::{Session, selected_row};

/// The id at the start of a list row (after the gutter).
fn row_id(row: &str) -> u64 {
    row.get(1..)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {row:?}"))
}

/// The text of the columns `from..to` of a screen row.
fn cells(screen: &vt100::Screen, row: u16, from: u16, to: u16) -> String {
    screen.contents_between(row, from, row, to)
}

#[test]
fn at_200x50_the_bracket_key_opens_the_next_tickets_subject() {
    let mut session = Session::spawn_sized(&["--demo"], &[], 50, 200);
    session.wait_first_list();
    let screen = session.parser.screen().clone();
    let first = row_id(&selected_row(&screen).unwrap());
    // The preview beside the list shows the selected ticket from the start.
    session.wait_text(&format!("Ticket #{first} "));
    // The next row: its id, and its subject as the list shows it (cut with "…" if long).
    let header = screen.contents().lines().nth(1).unwrap().to_string();
    let subject_at = u16::try_from(header.find("Subject").unwrap()).unwrap();
    let subject_end = u16::try_from(header.find("Contact").unwrap()).unwrap();
    let selected_y = (0..50).find(|y| cells(&screen, *y, 0, 1) == ">").unwrap();
    let next_row = cells(&screen, selected_y + 1, 0, 200);
    let next = row_id(&format!(" {}", next_row.trim_start()));
    let next_subject = cells(&screen, selected_y + 1, subject_at, subject_end);
    let next_subject = next_subject.trim().trim_end_matches('…').trim().to_string();
    assert!(!next_subject.is_empty(), "{next_row}");

    // Open the ticket (the keyboard goes into the preview), then `]`.
    session.send("\r");
    session.wait_for("the preview to take the keyboard", |s| {
        s.contents().contains(&format!("┏ Ticket #{first} "))
    });
    session.send("]");
    session.wait_for("the next ticket in the ticket pane", |s| {
        let contents = s.contents();
        let detail_has_subject = (0..50).any(|y| {
            let line = s.contents_between(y, subject_end, y, 200);
            line.contains("Subject") && line.contains(&next_subject)
        });
        contents.contains(&format!("Ticket #{next} ")) && detail_has_subject
    });
    // The list's selection moved with it; the ticket kept the keyboard (`]` again works).
    let row = selected_row(session.parser.screen()).unwrap();
    assert_eq!(row_id(&row), next, "{row}");
    session.send("\x1b");
    session.wait_for("the keyboard back in the list", |s| {
        !s.contents().contains("┏ Ticket") && s.contents().contains(&format!("Ticket #{next} "))
    });
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success, "exit status");
    assert!(!screen.alternate_screen(), "the terminal was restored");
}
