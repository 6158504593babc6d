//! The search language run locally (`SearchQuery::matches`) against the sandbox's own
//! search over loopback: for every example of the vendor page and every kind of term, the
//! tickets read in full (list, then show) that answer `Yes` locally are exactly the ids the
//! server's search gives. With the live quirks (fields left null) and over search hits, the
//! local `Yes` is inside the server's answer and the server's answer inside `Yes` and
//! `Unknown`: what the ticket lacks is never guessed.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use gongdan::api::query::{Known, Match, QueryLookups};
use gongdan::api::{
    Auth, Client, ClientConfig, FieldDef, ListQuery, ListScope, RetryPolicy, SearchQuery, Ticket,
};
use gongdan::sandbox::{self, Quirks, Sandbox, SandboxOptions};

fn client(sandbox: &Sandbox) -> Client {
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "admin-pass".into(),
        },
    );
    config.timeout = Duration::from_secs(30);
    config.retry = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(30),
    };
    Client::new(config).unwrap()
}

/// The contact names and field definitions the console would hold, read through the client.
struct Names {
    contacts: HashMap<u64, String>,
    fields: Vec<FieldDef>,
}

impl QueryLookups for Names {
    fn contact_name(&self, contact_id: u64) -> Option<&str> {
        self.contacts.get(&contact_id).map(String::as_str)
    }

    fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|def| def.key == key)
    }
}

async fn names(client: &Client, tickets: &[Ticket]) -> Names {
    let ids: BTreeSet<u64> = tickets.iter().filter_map(|t| t.contact_id).collect();
    let contacts = futures::stream::iter(ids)
        .map(|id| async move { (id, client.contact(id).await.unwrap().name) })
        .buffer_unordered(8)
        .collect::<HashMap<_, _>>()
        .await;
    Names {
        contacts,
        fields: client.ticket_fields().await.unwrap(),
    }
}

/// Every ticket through the list call (the legacy shape: dropdowns as labels).
async fn listed(client: &Client) -> Vec<Ticket> {
    let pages: Vec<_> = client
        .list_pages(ListScope::All, ListQuery::new())
        .try_collect()
        .await
        .unwrap();
    pages.into_iter().flat_map(|page| page.items).collect()
}

/// Every ticket through show (`_v2`: dropdowns as option ids).
async fn shown(client: &Client, ids: &[u64]) -> Vec<Ticket> {
    futures::stream::iter(ids.iter().copied())
        .map(|id| async move { client.show(id).await.unwrap() })
        .buffer_unordered(8)
        .collect()
        .await
}

async fn server_ids(client: &Client, text: &str) -> BTreeSet<u64> {
    let query = SearchQuery::parse(text).unwrap();
    let pages: Vec<_> = client.search_pages(query).try_collect().await.unwrap();
    pages
        .iter()
        .flat_map(|page| page.items.iter().map(|t| t.id))
        .collect()
}

/// Local answers: the ids answering `Yes`, and those answering `Unknown`.
fn local(
    text: &str,
    tickets: &[Ticket],
    known: Known,
    names: &Names,
) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let query = SearchQuery::parse(text).unwrap();
    let mut yes = BTreeSet::new();
    let mut unknown = BTreeSet::new();
    for ticket in tickets {
        match query.matches(ticket, known, names) {
            Match::Yes => yes.insert(ticket.id),
            Match::Unknown => unknown.insert(ticket.id),
            Match::No => false,
        };
    }
    (yes, unknown)
}

/// Plants the tickets the vendor page's examples are about (dates in 2017, the id-like
/// "2444" in subjects, `field_1` holding "454"), as tests/client.rs does.
fn plant(sandbox: &Sandbox) {
    for ticket in [
        serde_json::json!({
            "ticketId": 900_001, "subject": "订单2444无法支付", "ticketStatus": 2,
            "priorityLevel": 3, "ticketType": 1, "ticketSource": 9, "custUserId": 1001,
            "servicerUserId": 3, "servicerGroupId": 11, "ccUserIdList": "", "ccGroupIdList": "",
            "ticketTemplateId": 1, "tagList": "vip客户,回访",
            "createDT": "2017-06-30 10:00:00", "updateDT": "2017-07-05 09:00:00",
            "custom_fields": [{"key": "field_1", "value": "A454B"}], "tables": []
        }),
        serde_json::json!({
            "ticketId": 900_002, "subject": "发票问题-2444", "ticketStatus": "4",
            "priorityLevel": 2, "ticketType": 2, "ticketSource": 7, "custUserId": 1002,
            "servicerUserId": 0, "servicerGroupId": 0, "ccUserIdList": "3,4",
            "ccGroupIdList": "12", "ticketTemplateId": 2, "tagList": "投诉",
            "createDT": "2017-08-01 10:00:00", "updateDT": "2017-08-02 10:00:00",
            "custom_fields": [{"key": "field_1", "value": "999"}], "tables": []
        }),
        serde_json::json!({
            "ticketId": 900_003, "subject": "其他问题", "ticketStatus": 1,
            "priorityLevel": 1, "ticketType": 3, "ticketSource": 2, "custUserId": 1003,
            "servicerUserId": 4, "servicerGroupId": 12, "ccUserIdList": "", "ccGroupIdList": "",
            "ticketTemplateId": 3, "tagList": "",
            "createDT": "2017-07-01 23:59:59", "updateDT": "2017-07-02 12:00:00",
            "custom_fields": [{"key": "field_8", "value": "请在工作日联系"}], "tables": []
        }),
    ] {
        sandbox.insert_ticket(ticket);
    }
}

/// The vendor page's examples (its `createDT< =` typo written as meant), then every kind of
/// term. `true`: the server must find something (so that the comparison says something).
fn queries(names: &Names, tickets: &[Ticket]) -> Vec<(String, bool)> {
    let mut queries: Vec<(String, bool)> = [
        ("2444", true),
        ("ticketStatus:2,4", true),
        ("field_1:454", true),
        ("2444 createDT>2017-07-01", true),
        ("ticketStatus:2,4 createDT<=2017-07-01", true),
        ("ticketStatus:2,4 updateDT>=2017-07-01", true),
        ("ticketStatus:4 createDT>2017-07-03", true),
        ("status:已开启", true),
        // Enum fields by Chinese label, English name and short field name.
        ("ticketStatus:已解决", true),
        ("ticketStatus:新建,待回应", true),
        ("ticketStatus:已关闭", true),
        ("status:open,pending", true),
        ("priorityLevel:紧急", true),
        ("priority:1,2", true),
        ("ticketType:故障", true),
        ("type:task", true),
        ("ticketSource:邮件接入", true),
        ("source:7,8", true),
        // Ids.
        ("ticketId:17", true),
        ("ticketId:17,18,900002", true),
        ("custUserId:1005", true),
        ("servicerUserId:0", true),
        ("servicerUserId:3,4", true),
        ("servicerGroupId:12", true),
        ("ticketTemplateId:2", true),
        ("agentId:37809", true),
        // Lists: one element equal to the value.
        ("tagList:vip客户", true),
        ("tagList:投诉,续费", true),
        ("tagList:vip", false),
        ("ccUserIdList:3", true),
        ("ccGroupIdList:11,12", true),
        // Custom fields: text, dropdown label and option id, numbers, product rows, tables.
        ("field_1:DD2025", true),
        ("field_1:dd2025", true),
        ("field_2:支付", true),
        ("field_2:232", true),
        ("field_5:12", true),
        ("field_14:1", true),
        ("cpxx:打印机", true),
        ("field_9:SN0", true),
        ("field_7:2025-06", true),
        // Every date operator, on both dates, with a day inside the seeded span.
        ("createDT<2025-06-15", true),
        ("createDT>2025-06-15", true),
        ("createDT:2025-06-15", false),
        ("createDT<=2025-06-15", true),
        ("createDT>=2025-06-15", true),
        ("updateDT<2025-06-15", true),
        ("updateDT>2025-06-15", true),
        ("updateDT:2025-06-15", false),
        ("updateDT<=2025-06-15", true),
        ("updateDT>=2025-06-15", true),
        // Words: subject text, an order number, ids, a Latin word in any case.
        ("登录", true),
        ("DD2025", true),
        ("dd2025", true),
        ("17", true),
        // Multi-term AND.
        (
            "ticketStatus:2,4 priorityLevel:3,4 createDT>=2025-01-01",
            true,
        ),
        ("tagList:vip客户 ticketStatus:已解决", true),
        ("登录 ticketType:1 updateDT<2026-01-01", true),
        ("field_2:支付 servicerUserId:0,1,2,3", true),
        ("createDT>=2025-03-01 createDT<2025-04-01", true),
        ("ticketStatus:9", false),
    ]
    .iter()
    .map(|(text, found)| ((*text).to_owned(), *found))
    .collect();
    // A contact's whole name and its given name alone, from the data.
    let contact = tickets
        .iter()
        .filter_map(|t| t.contact_id)
        .find_map(|id| names.contact_name(id))
        .unwrap();
    let given: String = contact.chars().skip(1).collect();
    queries.push((contact.to_owned(), true));
    queries.push((given.clone(), true));
    queries.push((format!("{given} ticketStatus:1,2,3,4,5,6"), true));
    queries
}

/// Runs every query both ways. `exact`: the local `Yes` is the server's answer and nothing
/// is unknown; otherwise the server's answer lies between `Yes` and `Yes` ∪ `Unknown`.
/// Answers how many queries had something unknown.
async fn compare(
    client: &Client,
    queries: &[(String, bool)],
    tickets: &[Ticket],
    known: Known,
    names: &Names,
    exact: bool,
) -> usize {
    let mut with_unknown = 0;
    for (text, found) in queries {
        let server = server_ids(client, text).await;
        let (yes, unknown) = local(text, tickets, known, names);
        if *found {
            assert!(!server.is_empty(), "{text}: the server found nothing");
        }
        if exact {
            assert_eq!(yes, server, "{text}");
            assert!(unknown.is_empty(), "{text}: unknown {unknown:?}");
        } else {
            assert!(
                yes.is_subset(&server),
                "{text}: local only {:?}",
                yes.difference(&server).collect::<Vec<_>>()
            );
            let missed: Vec<_> = server
                .iter()
                .filter(|id| !yes.contains(id) && !unknown.contains(id))
                .collect();
            assert!(missed.is_empty(), "{text}: said no to {missed:?}");
        }
        with_unknown += usize::from(!unknown.is_empty());
    }
    with_unknown
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_read_in_full_gives_the_servers_ids_for_every_query() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 500,
        quirks: Quirks::none(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    plant(&sandbox);
    let client = client(&sandbox);
    let tickets = listed(&client).await;
    assert_eq!(tickets.len(), 503);
    let names = names(&client, &tickets).await;
    let queries = queries(&names, &tickets);
    // The list's legacy shape (dropdown labels), then show's `_v2` one (option ids).
    compare(&client, &queries, &tickets, Known::Full, &names, true).await;
    let ids: Vec<u64> = tickets.iter().map(|t| t.id).collect();
    let tickets = shown(&client, &ids).await;
    compare(&client, &queries, &tickets, Known::Full, &names, true).await;
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_larger_live_set_never_guesses_what_the_server_left_null() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 4_000,
        seed: 7,
        quirks: Quirks::live(),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    plant(&sandbox);
    let client = client(&sandbox);
    let tickets = listed(&client).await;
    assert_eq!(tickets.len(), 4_003);
    let names = names(&client, &tickets).await;
    let queries = queries(&names, &tickets);
    let with_unknown = compare(&client, &queries, &tickets, Known::Full, &names, false).await;
    // The null fields (tags, CC, group, custom fields) left some terms unanswerable here.
    assert!(with_unknown >= 5, "{with_unknown}");
    // Queries on fields the quirk never touches stay exact.
    for text in [
        "ticketStatus:2,4",
        "登录 createDT>=2025-03-01",
        "priority:紧急",
    ] {
        let (yes, unknown) = local(text, &tickets, Known::Full, &names);
        assert!(unknown.is_empty(), "{text}");
        assert_eq!(yes, server_ids(&client, text).await, "{text}");
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_hits_answer_what_they_hold_and_leave_the_rest_unknown() {
    let sandbox = sandbox::start(SandboxOptions {
        tickets: 300,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    plant(&sandbox);
    let client = client(&sandbox);
    let hits: Vec<Ticket> = client
        .search_pages(SearchQuery::new())
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flat_map(|page| page.items)
        .collect();
    assert_eq!(hits.len(), 303);
    let tickets = listed(&client).await;
    let names = names(&client, &tickets).await;
    let queries = queries(&names, &tickets);
    compare(&client, &queries, &hits, Known::SearchHit, &names, false).await;
    // What a hit holds answers for itself: dates and ids.
    for text in ["createDT>=2025-06-15", "updateDT:2025-06-15", "ticketId:17"] {
        let (yes, unknown) = local(text, &hits, Known::SearchHit, &names);
        assert!(unknown.is_empty(), "{text}");
        assert_eq!(yes, server_ids(&client, text).await, "{text}");
    }
    // And what it lacks is unknown, never no.
    let (yes, unknown) = local("ticketStatus:2", &hits, Known::SearchHit, &names);
    assert!(yes.is_empty());
    assert_eq!(unknown.len(), hits.len());
    sandbox.shutdown().await;
}
