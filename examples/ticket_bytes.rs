//! Where a stored ticket's bytes are (issue 16, item 6), for the sandbox's seed:
//! `size_of::<Ticket>()`, the text a ticket carries, and what the local views' index holds
//! of each (its packed slim form, [`LocalIndex::held_bytes`]).
//!
//! `cargo run --example ticket_bytes -- 20000`

use gongdan::api::Ticket;
use gongdan::worker::local_view::LocalIndex;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let tickets = gongdan::bench::seed_tickets(n).expect("the seed");
    let n = tickets.len().max(1);
    let per = |total: usize| total / n;
    let sum = |f: &dyn Fn(&Ticket) -> usize| per(tickets.iter().map(f).sum());
    println!("tickets: {n}");
    println!("size_of::<Ticket>() = {} B", size_of::<Ticket>());
    println!(
        "text a ticket: description {} B, subject {} B, url {} B; {} custom fields, {} tags",
        sum(&|t| t.description.as_ref().map_or(0, String::len)),
        sum(&|t| t.subject.len()),
        sum(&|t| t.url.as_ref().map_or(0, String::len)),
        sum(&|t| t.custom_fields.len() * 100) as f64 / 100.0,
        sum(&|t| t.tags.as_ref().map_or(0, Vec::len) * 100) as f64 / 100.0,
    );
    let index = LocalIndex::from_tickets(tickets, 0);
    println!(
        "the local views' index: {} B a ticket",
        per(index.held_bytes())
    );
}
