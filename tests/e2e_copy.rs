//! End-to-end: the copy menu of the built binary on a pty (`--demo`): open a ticket, `y`,
//! pick the order number (订单编号) by its key, and find the OSC 52 clipboard write of
//! exactly that number in the raw output.

#![allow(clippy::unwrap_used)]

mod pty;

use std::time::Duration;

use pty::Session;

/// The order number on the copy menu's 订单编号 row, with that row's key (the detail behind
/// the menu shows the field too, without a key).
fn order_number_row(screen: &str) -> Option<(String, String)> {
    screen
        .lines()
        .flat_map(|line| line.split('│'))
        .find_map(
            |cell| match cell.split_whitespace().collect::<Vec<_>>()[..] {
                [key, "订单编号", number, ..] if key.chars().count() == 1 => {
                    Some((key.to_string(), number.to_string()))
                }
                _ => None,
            },
        )
}

#[test]
fn y_in_a_ticket_copies_its_order_number_through_osc_52() {
    let mut session = Session::spawn(&["--demo"], &[]);
    session.wait_first_list();
    // Not every ticket has an order number (its template, or left empty): go down the list
    // until one does.
    let mut found = None;
    for _ in 0..20 {
        session.send("\r");
        session.wait_for("the full ticket", |s| {
            let text = s.contents();
            text.contains("Ticket #") && !text.contains("Loading the full ticket")
        });
        session.send("y");
        session.wait_text("Copy from #");
        // The field names may still be on their way: until they come, a field is labelled
        // with its key (`field_1`).
        session.wait_for_text("the field names in the menu", |s| {
            order_number_row(s).is_some() || !s.contains("field_")
        });
        if let Some(row) = order_number_row(&session.screen_text()) {
            found = Some(row);
            break;
        }
        session.send("\x1b");
        session.wait_for("the menu to close", |s| {
            !s.contents().contains("Copy from #")
        });
        session.send("\x1b");
        session.wait_for("the detail to close", |s| {
            !s.contents().contains("Ticket #")
        });
        session.send("j");
        session.settle(Duration::from_millis(100));
    }
    let (key, number) = found.expect("a ticket with an order number among the first 20");
    assert_eq!(key, "1", "the first custom field's key");
    assert!(number.len() > 8, "{number}");

    let before = session.raw.len();
    session.send(&key);
    session.wait_text(&format!("Copied 订单编号: {number}"));
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &number);
    let osc = format!("\x1b]52;c;{encoded}\x07");
    let written = String::from_utf8_lossy(&session.raw[before..]).to_string();
    assert!(
        written.contains(&osc),
        "no OSC 52 of {number} in the output after the key"
    );
    assert!(
        !session.screen_text().contains("Copy from #"),
        "the menu closed"
    );
    session.send("q");
    session.send("q");
    let (success, screen) = session.wait_exit();
    assert!(success);
    assert!(!screen.alternate_screen());
}
