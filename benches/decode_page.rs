//! Decoding one page of 100 tickets in the live shapes (numbers as strings, live-only
//! fields) into typed tickets, against `serde_json::from_str::<Value>` of the same bytes
//! (issue 7). See BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use gongdan::api::decode;
use gongdan::bench::live_page_json;
use serde_json::Value;

const PAGE: usize = 100;

fn bench(c: &mut Criterion, body: &str) {
    let mut group = c.benchmark_group("decode_page_100_live");
    group
        .throughput(Throughput::Elements(PAGE as u64))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("typed", |b| {
        b.iter(|| decode::ticket_page(black_box(body.as_bytes())).expect("decodes"))
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(body)).expect("parses"))
    });
    group.finish();
}

fn tickets_per_second(mut decode_once: impl FnMut()) -> f64 {
    for _ in 0..50 {
        decode_once();
    }
    let rounds = 500;
    let start = Instant::now();
    for _ in 0..rounds {
        decode_once();
    }
    (rounds * PAGE) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let body = live_page_json(PAGE);
    let page = decode::ticket_page(body.as_bytes()).expect("the fixture decodes");
    assert_eq!(page.items.len(), PAGE);
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &body);
    criterion.final_summary();
    let typed = tickets_per_second(|| {
        black_box(decode::ticket_page(black_box(body.as_bytes())).ok());
    });
    let untyped = tickets_per_second(|| {
        black_box(serde_json::from_str::<Value>(black_box(&body)).ok());
    });
    println!(
        "\ndecoding one page of {PAGE} live-shape tickets ({} bytes):",
        body.len()
    );
    println!("  typed (gongdan::api::decode::ticket_page): {typed:>12.0} tickets/s");
    println!("  serde_json::from_str::<Value> (baseline):  {untyped:>12.0} tickets/s");
    println!(
        "  ratio typed/untyped: {:.2} (target >= 1.00: {})",
        typed / untyped,
        if typed >= untyped { "met" } else { "NOT met" }
    );
}
