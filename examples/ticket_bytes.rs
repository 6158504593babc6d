//! Where a stored ticket's bytes are (issue 16, item 6): `size_of::<Ticket>()`, and what a
//! whole ticket read from the sandbox's seed, the app's packed copy and the local index's
//! copy add to the resident memory (RSS before and after, so heap overheads included).
//!
//! `cargo run --release --example ticket_bytes -- 20000`

use gongdan::api::Ticket;
use gongdan::lang::Lang;
use gongdan::worker::local_view::LocalIndex;

fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kib| {
            kib.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<usize>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let tickets = gongdan::bench::seed_tickets(n).expect("the seed");
    let n = tickets.len().max(1);
    let per = |bytes: usize| bytes / n;
    println!("size_of::<Ticket>() = {} B", size_of::<Ticket>());
    let text = |f: &dyn Fn(&Ticket) -> usize| per(tickets.iter().map(f).sum());
    println!(
        "text a ticket: description {} B, subject {} B, url {} B, custom fields {}",
        text(&|t| t.description.as_ref().map_or(0, String::len)),
        text(&|t| t.subject.len()),
        text(&|t| t.url.as_ref().map_or(0, String::len)),
        text(&|t| t.custom_fields.len()),
    );
    let before = rss();
    let copy = tickets.clone();
    println!(
        "whole tickets (Vec<Ticket>): {} B a ticket",
        per(rss() - before)
    );
    let before = rss();
    let app = gongdan::bench::loaded_app(copy, Lang::En, 120, 40);
    println!(
        "the app's copy (packed, with the view's ids): {} B a ticket",
        per(rss() - before)
    );
    drop(app);
    let before = rss();
    let index = LocalIndex::from_tickets(tickets, 0);
    println!(
        "the local index's copy: {} B a ticket ({} tickets)",
        per(rss().saturating_sub(before)),
        index.len()
    );
}
