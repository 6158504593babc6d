//! One list frame at 120×40 on TestBackend with 1k, 10k and 100k tickets loaded, against
//! ratatui's stock `Table` given every row (issue 7). See BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use gongdan::bench::{draw_console, draw_stock_table, held_j_step, loaded_app, synthetic_tickets};
use gongdan::lang::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::TableState;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("list_frame_120x40");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let mut app = loaded_app(synthetic_tickets(n), Lang::En, 120, 40);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut ui = gongdan::ui::Ui::default();
        // Steady state: one key, one frame, as when j is held, over the same first rows
        // for every size (a walk to the end of 1k tickets would stop scrolling there, and
        // a frame that does not scroll is cheaper than one that does).
        group.bench_function(BenchmarkId::new("gongdan", n), |b| {
            b.iter(|| {
                held_j_step(&mut app);
                draw_console(&mut terminal, black_box(&app), &mut ui).expect("draw");
            })
        });
        let tickets = synthetic_tickets(n);
        let mut state = TableState::default().with_selected(Some(0));
        group.bench_function(BenchmarkId::new("stock_table", n), |b| {
            b.iter(|| {
                state.select_next();
                draw_stock_table(&mut terminal, black_box(&tickets), &mut state).expect("draw");
            })
        });
    }
    group.finish();
}

/// Mean µs per frame over `frames` frames.
fn per_frame(frames: u32, mut frame: impl FnMut()) -> f64 {
    frame();
    let start = Instant::now();
    for _ in 0..frames {
        frame();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(frames)
}

/// The figures side by side, measured in this run.
fn summary() {
    println!("\nlist frame at 120x40, µs per frame (mean), same run:");
    println!(
        "{:>8} {:>12} {:>14} {:>10} {:>12}",
        "tickets", "gongdan", "stock Table", "speed-up", "vs 1k"
    );
    let mut first = None;
    for n in SIZES {
        let mut app = loaded_app(synthetic_tickets(n), Lang::En, 120, 40);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
        let mut ui = gongdan::ui::Ui::default();
        let ours = per_frame(2_000, || {
            held_j_step(&mut app);
            draw_console(&mut terminal, &app, &mut ui).expect("draw");
        });
        let tickets = synthetic_tickets(n);
        let mut state = TableState::default().with_selected(Some(0));
        let frames = if n >= 100_000 { 10 } else { 50 };
        let stock = per_frame(frames, || {
            state.select_next();
            draw_stock_table(&mut terminal, &tickets, &mut state).expect("draw");
        });
        let base = *first.get_or_insert(ours);
        println!(
            "{n:>8} {ours:>12.1} {stock:>14.1} {:>9.0}x {:>11.2}x",
            stock / ours,
            ours / base
        );
    }
    println!("targets: 100k <= 1.2 x 1k; >= 50x faster than the stock table at 100k");
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    summary();
}
