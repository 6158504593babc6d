//! A view answered by the local store (issue 16, item 4), in process: the sandbox's seed
//! (`gongdan sandbox --tickets N`, read through the client) held as the worker's
//! `LocalIndex`, then, at 10,000 and 100,000 tickets:
//! - the view computed once (the All tab, newest first): the worker's first answer;
//! - a sort change (`o` to the assignee);
//! - typing texts one character at a time into the filter and deleting them: the worker's
//!   answer per keystroke (`LocalIndex::answer`) and the app's merge of it (`update` with
//!   `WorkerEvent::LocalRows`), median and worst;
//! - the process's resident memory once the index and the app hold the view.
//!
//! `cargo bench --bench local_view` (`LOCAL_VIEW_TICKETS=20000` for one smaller seed).

use std::time::{Duration, Instant};

use gongdan::api::ListQuery;
use gongdan::api::query::SortOrder;
use gongdan::app::local::Column;
use gongdan::app::{
    Action, App, Command, LocalAnswer, LocalWindow, Settings, ViewSource, WorkerEvent, update,
};
use gongdan::worker::local_view::{LocalIndex, NoNames};

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median_max(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let max = times.last().copied().unwrap_or_default();
    (median, max)
}

/// An app on its All tab, waiting for the store's answer to `o`/`f`.
fn app() -> App {
    let settings = Settings {
        local_store: true,
        ..Settings::default()
    };
    let mut app = App::new(settings, gongdan::bench::fixture_now());
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut app, Action::Start);
    update(&mut app, Action::SelectView(3));
    app
}

fn local_id(commands: &[Command]) -> Option<gongdan::app::RequestId> {
    commands
        .iter()
        .find(|c| matches!(c, Command::LocalView { .. }))
        .and_then(Command::request_id)
}

fn run(n: usize) {
    let started = Instant::now();
    let tickets = gongdan::bench::seed_tickets(n).expect("the seed");
    let seeded = started.elapsed();
    let before = rss_mib();
    let mut index = LocalIndex::from_tickets(tickets, 0);
    let source = ViewSource::List(ListQuery::default());
    let t = Instant::now();
    let first = index
        .answer(&source, &Column::Updated, SortOrder::Desc, "", &NoNames)
        .expect("the store answers");
    let compute = t.elapsed();
    // The answer carries the tickets of the rows around the screen only (the console reads
    // them whole from the store; here the index's slim copies stand in).
    let window = LocalWindow {
        selected: None,
        rows: 40,
    };
    let t = Instant::now();
    let (full, hits) = index.tickets_of(window.of(&first.ids));
    let copy = t.elapsed();
    // The app takes the first answer: every id, the window's tickets.
    let mut app = app();
    let asked = update(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: gongdan::app::RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    );
    let id = local_id(&asked).expect("a local view asked");
    let t = Instant::now();
    update(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id,
            rows: Some(LocalAnswer {
                facets: None,
                ids: first.ids.clone(),
                tickets: full,
                hits,
                as_of: gongdan::bench::fixture_now(),
                unknown: 0,
            }),
        }),
    );
    let merge_first = t.elapsed();
    let held = rss_mib();
    let t = Instant::now();
    let by_assignee = index
        .answer(&source, &Column::Assignee, SortOrder::Asc, "", &NoNames)
        .expect("the store answers");
    let sort = t.elapsed();
    assert_eq!(by_assignee.ids.len(), first.ids.len());
    println!(
        "{n} tickets: seed read {:.1} s; RSS {before:.1} MiB before the index is used, {held:.1} MiB with the index and the app holding the view",
        seeded.as_secs_f64()
    );
    println!(
        "  first answer: computed {}, window's tickets copied {}, app merge {}; sort by assignee {}",
        ms(compute),
        ms(copy),
        ms(merge_first),
        ms(sort)
    );
    // Keystrokes: the worker's answer and the app's merge, each; the typing goes through
    // the app so each keystroke is one request as in the console.
    update(&mut app, Action::StartFilter);
    for text in ["登录后", "vpn", "status:2 登"] {
        let mut worker_times = Vec::new();
        let mut app_times = Vec::new();
        let mut counts = Vec::new();
        let keys: Vec<Action> = text
            .chars()
            .map(Action::InputChar)
            .chain(text.chars().map(|_| Action::InputBackspace))
            .collect();
        for key in keys {
            let asked = update(&mut app, key);
            let Some(Command::LocalView {
                id,
                source,
                column,
                order,
                filter,
                names,
                ..
            }) = asked
                .into_iter()
                .find(|c| matches!(c, Command::LocalView { .. }))
            else {
                continue;
            };
            let t = Instant::now();
            index.use_names(&names);
            let rows = index.answer(&source, &column, order, &filter, names.as_ref());
            worker_times.push(t.elapsed());
            counts.push(rows.as_ref().map_or(0, |r| r.ids.len()));
            let rows = rows.map(|r| LocalAnswer {
                facets: None,
                ids: r.ids,
                tickets: vec![],
                hits: vec![],
                as_of: gongdan::bench::fixture_now(),
                unknown: r.unknown,
            });
            let t = Instant::now();
            update(
                &mut app,
                Action::Worker(WorkerEvent::LocalRows { id, rows }),
            );
            app_times.push(t.elapsed());
        }
        let (wm, wx) = median_max(worker_times);
        let (am, ax) = median_max(app_times);
        println!(
            "  filter {text:?} typed and deleted ({} keys, rows {:?}): worker median {} worst {}; app merge median {} worst {}",
            counts.len(),
            counts,
            ms(wm),
            ms(wx),
            ms(am),
            ms(ax)
        );
    }
}

fn main() {
    let sizes: Vec<usize> = match std::env::var("LOCAL_VIEW_TICKETS") {
        Ok(n) => vec![n.parse().expect("a number of tickets")],
        Err(_) => vec![10_000, 100_000],
    };
    for n in sizes {
        run(n);
    }
}
