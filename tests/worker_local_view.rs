//! A view answered by the local store (issue 16, item 4) against the sandbox over loopback:
//! after a full sync, a view's ids computed locally are the server's for the same query
//! (searches and a list's date filter), sorted by any column locally (by assignee, say), and
//! narrowed keystroke by keystroke as a filter is typed; before a sync the store does not
//! answer, and a query the stored tickets cannot answer leaves the view to the server.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use futures::TryStreamExt;
use gongdan::api::query::{QueryLookups, SortOrder};
use gongdan::api::{
    Auth, Client, ClientConfig, FieldDef, IdField, ListOrder, ListQuery, ListScope, SearchQuery,
    Ticket,
};
use gongdan::app::ViewSource;
use gongdan::app::local::{Column, LocalLookups, fold_text};
use gongdan::sandbox::{self, Sandbox, SandboxOptions};
use gongdan::store::{self, Store, SyncOptions};
use gongdan::worker::local_view::{LocalIndex, NoNames};

/// The contact names the console would hold, read through the client.
struct Names(HashMap<u64, String>);

impl QueryLookups for Names {
    fn contact_name(&self, contact_id: u64) -> Option<&str> {
        self.0.get(&contact_id).map(String::as_str)
    }
    fn field_def(&self, _key: &str) -> Option<&FieldDef> {
        None
    }
}

impl LocalLookups for Names {
    fn agent_name(&self, _agent_id: u64) -> Option<&str> {
        None
    }
    fn group_name(&self, _group_id: u64) -> Option<&str> {
        None
    }
}

async fn names(client: &Client, tickets: &[Ticket]) -> Names {
    let ids: BTreeSet<u64> = tickets.iter().filter_map(|t| t.contact_id).collect();
    let mut names = HashMap::new();
    for id in ids {
        names.insert(id, client.contact(id).await.unwrap().name);
    }
    Names(names)
}

async fn every_ticket(client: &Client) -> Vec<Ticket> {
    client
        .list_pages(ListScope::All, ListQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|page| page.items)
        .collect()
}

async fn start() -> Sandbox {
    sandbox::start(SandboxOptions {
        tickets: 400,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn client_as(sandbox: &Sandbox, account: &str, password: &str) -> Client {
    common::retrying_client(sandbox, account, password, Duration::from_secs(10))
}

fn admin(sandbox: &Sandbox) -> Client {
    client_as(sandbox, "admin@example.com", "admin-pass")
}

async fn synced(dir: &tempfile::TempDir, client: &Client) -> Store {
    let mut store = Store::open(&dir.path().join("store.sqlite3")).unwrap().0;
    store::sync(&mut store, client, &SyncOptions::default(), &mut |_| {})
        .await
        .unwrap();
    store
}

async fn server_search(client: &Client, text: &str) -> Vec<Ticket> {
    let query = SearchQuery::parse(text).unwrap();
    let pages: Vec<_> = client.search_pages(query).try_collect().await.unwrap();
    pages.into_iter().flat_map(|page| page.items).collect()
}

fn set(ids: &[u64]) -> BTreeSet<u64> {
    ids.iter().copied().collect()
}

#[tokio::test]
async fn before_a_sync_the_store_does_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store.sqlite3")).unwrap().0;
    assert!(LocalIndex::load(&store).unwrap().is_none());
}

#[tokio::test]
async fn a_store_over_the_memory_bound_leaves_the_views_to_the_server() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    assert!(LocalIndex::load_at_most(&store, 400).unwrap().is_some());
    assert!(LocalIndex::load_at_most(&store, 399).unwrap().is_none());
}

#[tokio::test]
async fn after_a_sync_a_search_view_has_the_servers_ids_sorted_locally() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let names = names(&client, &every_ticket(&client).await).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    assert_eq!(index.len(), 400);
    for text in [
        "ticketStatus:1",
        "ticketStatus:2",
        "ticketStatus:3",
        "ticketStatus:1,2,3,4,5,6",
        "priority:4",
        "登录",
    ] {
        let server = server_search(&client, text).await;
        let source = ViewSource::Search(SearchQuery::parse(text).unwrap());
        let local = index
            .answer(&source, &Column::Updated, SortOrder::Desc, "", &names)
            .unwrap_or_else(|| panic!("{text}: the store did not answer"));
        let server_ids: Vec<u64> = server.iter().map(|t| t.id).collect();
        assert!(!server_ids.is_empty(), "{text}: the sandbox found nothing");
        assert_eq!(set(&local.ids), set(&server_ids), "{text}");
        assert_eq!(local.in_view, server_ids.len(), "{text}");
        let updated: HashMap<u64, _> = server.iter().map(|t| (t.id, t.updated)).collect();
        let times: Vec<_> = local.ids.iter().map(|id| updated[id]).collect();
        assert!(
            times.windows(2).all(|w| w[0] >= w[1]),
            "{text}: newest first"
        );
    }
}

#[tokio::test]
async fn a_list_views_date_filter_is_taken_by_day_as_the_server_does() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    let all: Vec<_> = client
        .list_pages(ListScope::All, ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    let mut days: Vec<_> = all
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|t| t.updated)
        .collect();
    days.sort();
    // From a time within the median ticket's day: by day, that whole day counts.
    let from = days[days.len() / 2] + chrono::Duration::hours(1);
    let query = ListQuery {
        updated_start: Some(from),
        order: Some(ListOrder::Updated(SortOrder::Desc)),
        ..ListQuery::default()
    };
    let server: Vec<u64> = client
        .list_pages(ListScope::All, query.clone())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|page| page.items)
        .map(|t| t.id)
        .collect();
    let local = index
        .answer(
            &ViewSource::List(query),
            &Column::Updated,
            SortOrder::Desc,
            "",
            &NoNames,
        )
        .unwrap();
    assert!(!server.is_empty() && server.len() < 400);
    assert_eq!(set(&local.ids), set(&server));
}

fn assignee_rank(ticket: &Ticket) -> (u8, u64) {
    match ticket.assignee_id {
        IdField::Id(id) => (0, id),
        IdField::Unset => (1, 0),
        IdField::Unknown => (2, 0),
    }
}

#[tokio::test]
async fn sorted_by_assignee_either_way_nobody_after_the_ids_and_ties_by_id() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let tickets = every_ticket(&client).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    let source = ViewSource::List(ListQuery::default());
    let asc = index
        .answer(&source, &Column::Assignee, SortOrder::Asc, "", &NoNames)
        .unwrap();
    let mut expected: Vec<&Ticket> = tickets.iter().collect();
    expected.sort_by_key(|t| (assignee_rank(t), t.id));
    let expected: Vec<u64> = expected.iter().map(|t| t.id).collect();
    assert_eq!(asc.ids, expected);
    assert!(
        tickets.iter().any(|t| t.assignee_id == IdField::Unset),
        "the seed has unassigned tickets"
    );
    let desc = index
        .answer(&source, &Column::Assignee, SortOrder::Desc, "", &NoNames)
        .unwrap();
    // Descending reverses the known classes and values; nobody and unknown keep their
    // places after the people (unknown last either way).
    let mut expected_desc: Vec<&Ticket> = tickets.iter().collect();
    expected_desc.sort_by(|a, b| {
        let (ra, rb) = (assignee_rank(a), assignee_rank(b));
        (ra.0 == 2)
            .cmp(&(rb.0 == 2))
            .then_with(|| (rb, b.id).cmp(&(ra, a.id)))
    });
    let expected_desc: Vec<u64> = expected_desc.iter().map(|t| t.id).collect();
    assert_eq!(desc.ids, expected_desc);
}

#[tokio::test]
async fn a_filter_typed_narrows_by_keystroke_and_equals_a_scan_from_scratch() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let tickets = every_ticket(&client).await;
    let names = names(&client, &tickets).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    let source = ViewSource::List(ListQuery::default());
    let column = Column::Created;
    let all = index
        .answer(&source, &column, SortOrder::Asc, "", &names)
        .unwrap();
    let mut before = all.ids.clone();
    let mut typed = String::new();
    for c in "登录后".chars() {
        typed.push(c);
        let rows = index
            .answer(&source, &column, SortOrder::Asc, &typed, &names)
            .unwrap();
        // Each keystroke keeps a subset, in the same order.
        let kept: Vec<u64> = before
            .iter()
            .copied()
            .filter(|id| rows.ids.contains(id))
            .collect();
        assert_eq!(rows.ids, kept, "{typed}");
        // The same rows as a scan of the server's tickets: a word is looked for in the id,
        // the subject and the contact's name, as the server's search does.
        let needle = fold_text(&typed);
        let scan: BTreeSet<u64> = tickets
            .iter()
            .filter(|t| {
                fold_text(&t.subject).contains(&needle)
                    || t.id.to_string().contains(&needle)
                    || t.contact_id
                        .and_then(|id| names.0.get(&id))
                        .is_some_and(|name| fold_text(name).contains(&needle))
            })
            .map(|t| t.id)
            .collect();
        assert_eq!(set(&rows.ids), scan, "{typed}");
        assert_eq!((rows.in_view, rows.unknown), (400, 0));
        before = rows.ids;
    }
    assert!(!before.is_empty() && before.len() < all.ids.len());
    // Cleared: every row again.
    let cleared = index
        .answer(&source, &column, SortOrder::Asc, "", &names)
        .unwrap();
    assert_eq!(cleared.ids, all.ids);
}

#[tokio::test]
async fn a_query_on_a_field_search_hits_lack_leaves_the_view_to_the_server() {
    let sandbox = start().await;
    // An agent syncs through searches: the stored tickets are search hits.
    let client = client_as(&sandbox, "agent@example.com", "agent-pass");
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    assert!(!index.is_empty());
    let by_status = ViewSource::Search(SearchQuery::parse("ticketStatus:2").unwrap());
    assert_eq!(
        index.answer(&by_status, &Column::Updated, SortOrder::Desc, "", &NoNames),
        None
    );
}

/// The next event the worker sends that `pick` takes, feeding the others to nothing.
async fn next_event<T>(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<gongdan::app::WorkerEvent>,
    pick: impl Fn(&gongdan::app::WorkerEvent) -> Option<T>,
) -> T {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), events.recv())
            .await
            .expect("the worker answers")
            .expect("the worker runs");
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_worker_a_sync_then_a_store_view_sorted_and_filtered_by_keystroke() {
    use gongdan::app::{Action, App, Command, LocalAnswer, RequestId, Settings, WorkerEvent};
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.allow_insecure_http = true;
    let (commands, mut events) = gongdan::worker::spawn_with_store(
        config,
        2,
        None,
        gongdan::worker::RunsInFlight::default(),
        Some(dir.path().join("store.sqlite3")),
    )
    .unwrap();
    let rows_of = |want: RequestId| {
        move |event: &WorkerEvent| match event {
            WorkerEvent::LocalRows { id, rows } if *id == want => Some(rows.clone()),
            _ => None,
        }
    };
    let all = || ViewSource::List(ListQuery::default());
    let ask = |id: u64, source: ViewSource, column: Column, filter: &str, tickets: bool| {
        Command::LocalView {
            id: RequestId(id),
            source,
            column,
            order: SortOrder::Asc,
            filter: filter.into(),
            quick: None,
            facets: false,
            window: gongdan::app::LocalWindow {
                selected: None,
                rows: if tickets { 1000 } else { 0 },
            },
            names: Default::default(),
        }
    };
    // Before a sync the store cannot answer.
    commands.send(ask(1, all(), Column::Id, "", true)).unwrap();
    assert_eq!(next_event(&mut events, rows_of(RequestId(1))).await, None);
    commands.send(Command::Sync { id: RequestId(900) }).unwrap();
    next_event(&mut events, |e| {
        matches!(e, WorkerEvent::Synced { .. }).then_some(())
    })
    .await;
    // Loaded once; a delta sync's changes then go into the loaded tickets in place: a tag
    // set behind the console's back is found by the next local view.
    let tagged = ViewSource::Search(SearchQuery::parse("tagList:本地视图").unwrap());
    commands
        .send(ask(3, tagged.clone(), Column::Id, "", false))
        .unwrap();
    let rows: LocalAnswer = next_event(&mut events, rows_of(RequestId(3)))
        .await
        .unwrap();
    assert!(rows.ids.is_empty());
    let change = gongdan::api::TicketChange {
        tags: Some(vec!["本地视图".to_owned()]),
        ..gongdan::api::TicketChange::default()
    };
    admin(&sandbox).update(7, &change).await.unwrap();
    // A second later (the store keeps seconds), so the next sync's time is another one.
    let first_as_of = rows.as_of;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    commands.send(Command::Sync { id: RequestId(900) }).unwrap();
    next_event(&mut events, |e| {
        matches!(e, WorkerEvent::Synced { .. }).then_some(())
    })
    .await;
    commands
        .send(ask(4, tagged, Column::Id, "", false))
        .unwrap();
    let rows: LocalAnswer = next_event(&mut events, rows_of(RequestId(4)))
        .await
        .unwrap();
    assert_eq!(rows.ids, vec![7]);
    // The view is "as of" the sync that brought the change, not the first load.
    assert!(rows.as_of > first_as_of, "{} {}", rows.as_of, first_as_of);
    // A search view: the server's ids.
    let text = "ticketStatus:2";
    let server: Vec<u64> = server_search(&client, text)
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    let source = ViewSource::Search(SearchQuery::parse(text).unwrap());
    commands.send(ask(2, source, Column::Id, "", true)).unwrap();
    let rows: LocalAnswer = next_event(&mut events, rows_of(RequestId(2)))
        .await
        .unwrap();
    assert_eq!(set(&rows.ids), set(&server));
    assert_eq!(rows.tickets.len(), rows.ids.len());
    // The All view by assignee, in the app: then three keystrokes sent at once, whose
    // answers come tagged; the app keeps the last asked only.
    let tickets = every_ticket(&client).await;
    let mut app = App::new(
        Settings {
            local_store: true,
            ..Settings::default()
        },
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
    );
    update_app(
        &mut app,
        Action::Resize {
            width: 100,
            height: 30,
        },
    );
    update_app(&mut app, Action::Start);
    update_app(&mut app, Action::SelectView(3));
    let asked = update_app(
        &mut app,
        Action::Worker(WorkerEvent::Synced {
            id: gongdan::app::RequestId(0),
            server: Some(Ok(())),
            tickets: vec![],
            partial: false,
        }),
    );
    let first = send_local(&commands, asked);
    let rows = next_event(&mut events, rows_of(first)).await;
    update_app(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows { id: first, rows }),
    );
    assert_eq!(app.current_view().ids.len(), 400);
    // `o` five times from the update time: id, status, priority, type, assignee.
    let mut last = None;
    for _ in 0..5 {
        last = Some(send_local(
            &commands,
            update_app(&mut app, Action::CycleSortField),
        ));
    }
    let by_assignee = last.unwrap();
    let rows = next_event(&mut events, rows_of(by_assignee)).await;
    update_app(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id: by_assignee,
            rows,
        }),
    );
    let mut expected: Vec<&Ticket> = tickets.iter().collect();
    // Descending (the view's first sort was newest first): people by id descending, then
    // nobody, unknown last.
    expected.sort_by(|a, b| {
        let (ra, rb) = (assignee_rank(a), assignee_rank(b));
        (ra.0 == 2)
            .cmp(&(rb.0 == 2))
            .then_with(|| (rb, b.id).cmp(&(ra, a.id)))
    });
    let expected: Vec<u64> = expected.iter().map(|t| t.id).collect();
    assert_eq!(app.current_view().ids, expected);
    update_app(&mut app, Action::StartFilter);
    let mut asked = Vec::new();
    for c in "登录后".chars() {
        asked.push(send_local(
            &commands,
            update_app(&mut app, Action::InputChar(c)),
        ));
    }
    // The worker may answer them in any order: each is taken by its id.
    let mut arrived = HashMap::new();
    while arrived.len() < asked.len() {
        let (id, rows) = next_event(&mut events, |event| match event {
            WorkerEvent::LocalRows { id, rows } if asked.contains(id) => Some((*id, rows.clone())),
            _ => None,
        })
        .await;
        arrived.insert(id, rows);
    }
    let mut answers: Vec<_> = asked
        .iter()
        .map(|id| (*id, arrived.remove(id).unwrap()))
        .collect();
    // Each keystroke's answer narrows the one before.
    let counts: Vec<usize> = answers
        .iter()
        .map(|(_, rows)| rows.as_ref().unwrap().ids.len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // The last answer lands, then the first two late: they are dropped.
    let (last_id, last_rows) = answers.pop().unwrap();
    let kept = last_rows.as_ref().unwrap().ids.clone();
    update_app(
        &mut app,
        Action::Worker(WorkerEvent::LocalRows {
            id: last_id,
            rows: last_rows,
        }),
    );
    for (id, rows) in answers {
        update_app(
            &mut app,
            Action::Worker(WorkerEvent::LocalRows { id, rows }),
        );
    }
    assert_eq!(app.current_view().ids, kept);
    assert!(!kept.is_empty() && kept.len() < 400);
}

fn update_app(
    app: &mut gongdan::app::App,
    action: gongdan::app::Action,
) -> Vec<gongdan::app::Command> {
    gongdan::app::update(app, action)
}

/// Sends the local view `commands` ask for and answers its request id.
fn send_local(
    to: &tokio::sync::mpsc::UnboundedSender<gongdan::app::Command>,
    commands: Vec<gongdan::app::Command>,
) -> gongdan::app::RequestId {
    let local = commands
        .into_iter()
        .find(|c| matches!(c, gongdan::app::Command::LocalView { .. }))
        .expect("a local view is asked");
    let id = local.request_id().unwrap();
    to.send(local).unwrap();
    id
}

#[tokio::test]
async fn a_description_term_is_never_a_guessed_no_the_server_answers_it() {
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    // Every stored ticket was read in full, its description with it.
    let tickets = every_ticket(&client).await;
    let described = tickets
        .iter()
        .filter_map(|t| t.description.as_deref())
        .find(|d| d.chars().count() > 4)
        .unwrap();
    let word: String = described.chars().skip(1).take(2).collect();
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    // The index keeps no description: a view defined by one is the server's...
    let source = ViewSource::Search(SearchQuery::parse(&format!("description:{word}")).unwrap());
    assert_eq!(
        index.answer(&source, &Column::Id, SortOrder::Asc, "", &NoNames),
        None
    );
    // ... and a typed one lets no ticket through as a no: each is counted as not known.
    let all = ViewSource::List(ListQuery::default());
    let rows = index
        .answer(
            &all,
            &Column::Id,
            SortOrder::Asc,
            &format!("description:{word}"),
            &NoNames,
        )
        .unwrap();
    assert!(rows.ids.is_empty());
    assert_eq!(rows.unknown, 400);
    // A term beside it on a field the index keeps still narrows what it can tell.
    let rows = index
        .answer(
            &all,
            &Column::Id,
            SortOrder::Asc,
            &format!("ticketStatus:2 description:{word}"),
            &NoNames,
        )
        .unwrap();
    let open = tickets
        .iter()
        .filter(|t| t.status.map(|s| s.code()) == Some(2))
        .count();
    assert_eq!((rows.ids.len(), rows.unknown), (0, open));
}

#[test]
fn the_index_keeps_no_description_a_big_one_costs_it_nothing() {
    let n = 2_000;
    let with = |description: Option<String>| {
        let tickets: Vec<Ticket> = gongdan::bench::synthetic_tickets(n)
            .into_iter()
            .map(|mut t| {
                t.description = description.clone();
                t
            })
            .collect();
        LocalIndex::from_tickets(tickets, 0)
    };
    let lean = with(None);
    let long = with(Some("长".repeat(10_000)));
    assert_eq!((lean.len(), long.len()), (n, n));
    assert_eq!(lean.held_bytes(), long.held_bytes());
    // Slim: well under a whole `Ticket`'s 672 bytes before its text.
    assert!(lean.held_bytes() / n < 400, "{}", lean.held_bytes() / n);
}

#[test]
fn an_index_of_100k_tickets_answers_every_id_in_order() {
    let n = 100_000;
    let mut index = LocalIndex::from_tickets(gongdan::bench::synthetic_tickets(n), 0);
    let all = ViewSource::List(ListQuery::default());
    let rows = index
        .answer(&all, &Column::Id, SortOrder::Desc, "", &NoNames)
        .unwrap();
    assert_eq!(rows.ids.len(), n);
    assert!(rows.ids.windows(2).all(|pair| pair[0] > pair[1]));
    // A typed substring narrows it, and the same text again is the same answer.
    let narrowed = index
        .answer(&all, &Column::Id, SortOrder::Desc, "99999", &NoNames)
        .unwrap();
    assert!(narrowed.ids.contains(&99_999));
    assert!(narrowed.ids.len() < 100);
    // Each ticket held in well under the 672 bytes of a whole `Ticket`.
    assert!(index.held_bytes() / n < 400, "{}", index.held_bytes() / n);
}

#[tokio::test]
async fn the_index_narrows_by_a_quick_filter_and_counts_the_facets_of_every_row() {
    use gongdan::app::facets::{FacetValue, entries};
    let sandbox = start().await;
    let client = admin(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = synced(&dir, &client).await;
    let tickets = every_ticket(&client).await;
    let mut index = LocalIndex::load(&store).unwrap().unwrap();
    let source = ViewSource::List(ListQuery::default());
    let mut rows = index
        .answer(&source, &Column::Id, SortOrder::Asc, "", &NoNames)
        .unwrap();
    assert_eq!(rows.ids.len(), 400);
    // The facets of every row, as the app would count them holding every ticket.
    assert_eq!(index.facets(&rows.ids), entries(&tickets));
    // The most common tag: the rows that carry it, in the view's order.
    let counted = entries(&tickets);
    let tag = counted
        .iter()
        .find(|entry| matches!(entry.value, FacetValue::Tag(_)))
        .unwrap()
        .value
        .clone();
    let FacetValue::Tag(name) = &tag else {
        unreachable!()
    };
    let mut with_tag: Vec<u64> = tickets
        .iter()
        .filter(|t| t.tags.as_ref().is_some_and(|tags| tags.contains(name)))
        .map(|t| t.id)
        .collect();
    with_tag.sort_unstable();
    index.narrow(&mut rows, &tag);
    assert_eq!(rows.ids, with_tag);
    assert!(!rows.ids.is_empty() && rows.ids.len() < 400);
}

#[test]
fn a_search_hit_no_newer_than_the_full_ticket_held_leaves_it_full() {
    use gongdan::api::query::Known;
    let tickets = gongdan::bench::synthetic_tickets(50);
    let mut index = LocalIndex::from_tickets(tickets.clone(), 0);
    let open = ViewSource::Search(SearchQuery::parse("ticketStatus:2").unwrap());
    let answer = |index: &mut LocalIndex| {
        index
            .answer(&open, &Column::Id, SortOrder::Asc, "", &NoNames)
            .map(|rows| rows.ids)
    };
    let before = answer(&mut index).expect("every ticket is known in full");
    // A search view read again after this console's own change: its hits carry what the
    // full tickets held already (same update time), and the view can still be answered.
    let hit = |ticket: &Ticket| Ticket {
        id: ticket.id,
        subject: ticket.subject.clone(),
        created: ticket.created,
        updated: ticket.updated,
        ..Ticket::default()
    };
    index.put(tickets.iter().map(hit).collect(), Known::SearchHit);
    assert_eq!(answer(&mut index), Some(before));
    // A newer hit: the ticket changed since, its status is not known here any more.
    let mut newer = hit(&tickets[0]);
    newer.updated = tickets[0]
        .updated
        .map(|at| at + chrono::Duration::seconds(1));
    index.put(vec![newer], Known::SearchHit);
    assert_eq!(answer(&mut index), None, "unknown is never guessed");
}
