//! Local sort and filter-as-you-type over the sandbox's seed (issue 16, item 4): 100,000
//! tickets as `gongdan sandbox --tickets 100000` serves them (Chinese subjects, contacts,
//! tags, custom fields), read through the client's list in full, with the contact, agent
//! and group names and the field definitions read through the client too. Reports, at
//! 10,000 (the first 10,000 of them) and 100,000:
//! - each column sorted both ways (`app::local::sort_ids`): the median and worst of 5;
//! - typing texts one character at a time into `app::local::LiveFilter` (each keystroke
//!   narrows the last answer when it can), then deleting them one at a time (each a filter
//!   from scratch): the median and worst keystroke, after `LiveFilter::prepare` (timed
//!   apart: the folding of the plain filter's fields, once per change of the tickets).
//!
//! `cargo bench --bench local_sort_filter` (`LOCAL_BENCH_TICKETS=20000` for a smaller seed).

use std::collections::{BTreeSet, HashMap};
use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use gongdan::api::query::{Known, QueryLookups, SortOrder};
use gongdan::api::{Auth, Client, ClientConfig, FieldDef, ListQuery, ListScope, Ticket};
use gongdan::app::local::{Column, LiveFilter, LocalLookups, sort_ids};
use gongdan::sandbox::{self, SandboxOptions};

struct Names {
    contacts: HashMap<u64, String>,
    agents: HashMap<u64, String>,
    groups: HashMap<u64, String>,
    fields: Vec<FieldDef>,
}

impl QueryLookups for Names {
    fn contact_name(&self, id: u64) -> Option<&str> {
        self.contacts.get(&id).map(String::as_str)
    }
    fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|def| def.key == key)
    }
}

impl LocalLookups for Names {
    fn agent_name(&self, id: u64) -> Option<&str> {
        self.agents.get(&id).map(String::as_str)
    }
    fn group_name(&self, id: u64) -> Option<&str> {
        self.groups.get(&id).map(String::as_str)
    }
}

fn seed(n: usize) -> (Vec<Ticket>, Names) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let sandbox = sandbox::start(SandboxOptions {
            tickets: n,
            ..SandboxOptions::default()
        })
        .await
        .expect("the sandbox starts");
        let client = Client::new(ClientConfig::new(
            sandbox.base_url(),
            Auth::Basic {
                account: "admin@example.com".into(),
                password: "admin-pass".into(),
            },
        ))
        .expect("a client");
        let pages: Vec<_> = client
            .list_pages(ListScope::All, ListQuery::new())
            .try_collect()
            .await
            .expect("the list");
        let tickets: Vec<Ticket> = pages.into_iter().flat_map(|page| page.items).collect();
        let contact_ids: BTreeSet<u64> = tickets.iter().filter_map(|t| t.contact_id).collect();
        let client = &client;
        let contacts = futures::stream::iter(contact_ids)
            .map(|id| async move { (id, client.contact(id).await.expect("a contact").name) })
            .buffer_unordered(8)
            .collect::<HashMap<_, _>>()
            .await;
        let agents: HashMap<u64, String> = client
            .agents()
            .await
            .expect("the agents")
            .into_iter()
            .map(|agent| (agent.id, agent.name))
            .collect();
        let group_ids: BTreeSet<u64> = tickets.iter().filter_map(|t| t.group_id.id()).collect();
        let mut groups = HashMap::new();
        for id in group_ids {
            groups.insert(id, client.group(id).await.expect("a group").name);
        }
        let fields = client.ticket_fields().await.expect("the fields");
        sandbox.shutdown().await;
        (
            tickets,
            Names {
                contacts,
                agents,
                groups,
                fields,
            },
        )
    })
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort_unstable();
    (times[times.len() / 2], times[times.len() - 1])
}

/// A column's label and how to make it (`Column::Custom` holds a `String`).
type Labelled = (&'static str, fn() -> Column);

const COLUMNS: &[Labelled] = &[
    ("id", || Column::Id),
    ("status", || Column::Status),
    ("priority", || Column::Priority),
    ("type", || Column::Type),
    ("assignee", || Column::Assignee),
    ("group", || Column::Group),
    ("contact", || Column::Contact),
    ("tags", || Column::Tags),
    ("created", || Column::Created),
    ("updated", || Column::Updated),
    ("field_1 (text)", || Column::Custom("field_1".into())),
    ("field_2 (dropdown)", || Column::Custom("field_2".into())),
    ("field_5 (number)", || Column::Custom("field_5".into())),
];

fn sorts(tickets: &[Ticket], names: &Names) -> Duration {
    let mut worst_all = Duration::ZERO;
    for (label, column) in COLUMNS {
        let column = column();
        for order in [SortOrder::Asc, SortOrder::Desc] {
            let times: Vec<Duration> = (0..5)
                .map(|_| {
                    let start = Instant::now();
                    black_box(sort_ids(black_box(tickets), &column, order, names));
                    start.elapsed()
                })
                .collect();
            let (median, worst) = median(times);
            worst_all = worst_all.max(worst);
            println!(
                "  sort {label:<20} {:<4} median {:>7.2} ms  worst {:>7.2} ms",
                order.as_str(),
                ms(median),
                ms(worst)
            );
        }
    }
    worst_all
}

const TYPED: &[&str] = &[
    "登录失败",
    "无法登录系统",
    "dd2025",
    "ticketStatus:2,4 登录",
    "tagList:vip客户",
    "status:已解决 createDT>=2025-06-01",
    "field_1:DD2025",
    "field_2:支付 priority:3",
    "ＶＩＰ客户:",
];

fn typing(tickets: &[Ticket], names: &Names) -> Duration {
    let known = |_: &Ticket| Known::Full;
    let mut worst_all = Duration::ZERO;
    for text in TYPED {
        let chars: Vec<char> = text.chars().collect();
        let mut filter = LiveFilter::new();
        let start = Instant::now();
        filter.prepare(tickets, 1);
        let prepared = start.elapsed();
        let mut typed = Vec::new();
        let mut rows = 0;
        for end in 1..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let start = Instant::now();
            rows = filter.apply(&prefix, tickets, 1, &known, names).rows.len();
            typed.push(start.elapsed());
        }
        let mut deleted = Vec::new();
        for end in (0..chars.len()).rev() {
            let prefix: String = chars[..end].iter().collect();
            let start = Instant::now();
            black_box(filter.apply(&prefix, tickets, 1, &known, names));
            deleted.push(start.elapsed());
        }
        let (typed_median, typed_worst) = median(typed);
        let (deleted_median, deleted_worst) = median(deleted);
        worst_all = worst_all.max(typed_worst).max(deleted_worst);
        println!(
            "  type {text:<34} {rows:>6} rows  prepare {:>6.2} ms  typing median {:>6.2} worst \
             {:>6.2} ms  deleting median {:>6.2} worst {:>6.2} ms",
            ms(prepared),
            ms(typed_median),
            ms(typed_worst),
            ms(deleted_median),
            ms(deleted_worst)
        );
    }
    worst_all
}

fn main() {
    let n: usize = std::env::var("LOCAL_BENCH_TICKETS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let start = Instant::now();
    let (tickets, names) = seed(n);
    println!(
        "seeded and read {} tickets, {} contacts in {:.1} s",
        tickets.len(),
        names.contacts.len(),
        start.elapsed().as_secs_f64()
    );
    for size in [10_000, n] {
        let tickets = &tickets[..size.min(tickets.len())];
        println!("{} tickets:", tickets.len());
        let sort_worst = sorts(tickets, &names);
        let key_worst = typing(tickets, &names);
        println!(
            "{} tickets: worst sort {:.2} ms, worst keystroke {:.2} ms",
            tickets.len(),
            ms(sort_worst),
            ms(key_worst)
        );
    }
}
