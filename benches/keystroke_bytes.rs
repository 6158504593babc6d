//! Bytes written to the terminal per `j`, per PageDown and per Enter (open the detail) at
//! 120×40 with 10,000 tickets, through a real crossterm backend over an in-memory writer,
//! beside a full redraw of the same screen (issue 7). Deterministic: no timing. The tickets
//! are the sandbox's seed (issue 14: the repeating `synthetic_tickets` made most cells
//! unchanged between rows); names are not looked up, so contact columns show ids. The
//! figures of record are the release binary's on a pty (`benches/pty_keys.rs`); this one
//! explains them frame by frame (cursor moves against the rest).

use gongdan::app::{Action, App};
use gongdan::bench::{bytes_for_action, loaded_app, seed_tickets};
use gongdan::lang::Lang;

fn fresh(tickets: &[gongdan::api::Ticket], lang: Lang) -> App {
    let mut app = loaded_app(tickets.to_vec(), lang, 120, 40);
    // Mid-list, as after some browsing: the selection neither at the top nor the bottom.
    app.views[0].selected = 5;
    app
}

fn main() {
    let tickets = match seed_tickets(10_000) {
        Ok(tickets) => tickets,
        Err(error) => {
            eprintln!("keystroke_bytes: could not read the sandbox's seed: {error}");
            std::process::exit(1);
        }
    };
    println!("bytes written at 120x40, 10,000 tickets of the sandbox's seed loaded:");
    println!(
        "{:<6} {:<10} {:>8} {:>13} {:>14} {:>8} {:>8}",
        "lang", "key", "bytes", "(cursor moves)", "full redraw", "target", "met"
    );
    for lang in [Lang::En, Lang::Zh] {
        let name = match lang {
            Lang::En => "en",
            Lang::Zh => "zh",
        };
        for (key, action, target) in [
            // The whole selected row is rewritten (issue 12): at most 400 bytes. With
            // `ui.selection = "cursor"` it stays under issue 7's 200 (tests/perf_behaviour.rs).
            ("j", Action::MoveDown, Some(400)),
            ("PageDown", Action::PageDown, Some(2_330)),
            ("Enter", Action::Open, None),
        ] {
            let mut app = fresh(&tickets, lang);
            let bytes = bytes_for_action(&mut app, action).expect("in-memory terminal");
            let (target, met) = match target {
                Some(t) => (t.to_string(), if bytes.key <= t { "yes" } else { "NO" }),
                None => ("-".to_string(), "-"),
            };
            println!(
                "{name:<6} {key:<10} {:>8} {:>14} {:>14} {target:>8} {met:>8}",
                bytes.key, bytes.key_moves, bytes.full_redraw
            );
        }
    }
    println!("baseline: neomutt, 10,000 messages at 120x40: 238 bytes per j, 2,330 per PageDown");
}
