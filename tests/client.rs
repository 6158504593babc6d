//! The client against the sandbox over real loopback HTTP: every call for both roles,
//! paging to the end, batching of show/update many, partial failures, create's Requestid,
//! the vendor page's search examples, error statuses and injected faults, token auth.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use futures::TryStreamExt;
use gongdan::api::{
    ApiError, Auth, Client, ClientConfig, ListOrder, ListQuery, ListScope, NewContact, NewTicket,
    Priority, Reply, RetryPolicy, SearchQuery, SearchSort, SortOrder, TicketChange, TicketStatus,
};
use gongdan::sandbox::{self, Fault, Faults, Quirks, Route, Sandbox, SandboxOptions};
use serde_json::Value;

async fn start(tickets: usize) -> Sandbox {
    start_with(SandboxOptions {
        tickets,
        ..SandboxOptions::default()
    })
    .await
}

async fn start_with(options: SandboxOptions) -> Sandbox {
    sandbox::start(options).await.unwrap()
}

fn config(sandbox: &Sandbox, auth: Auth) -> ClientConfig {
    let mut config = ClientConfig::new(sandbox.base_url(), auth);
    config.timeout = Duration::from_secs(10);
    config.retry = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(10),
    };
    config
}

fn admin_auth() -> Auth {
    Auth::Basic {
        account: "admin@example.com".into(),
        password: "admin-pass".into(),
    }
}

fn agent_auth() -> Auth {
    Auth::Basic {
        account: "agent@example.com".into(),
        password: "agent-pass".into(),
    }
}

fn admin(sandbox: &Sandbox) -> Client {
    Client::new(config(sandbox, admin_auth())).unwrap()
}

fn agent(sandbox: &Sandbox) -> Client {
    Client::new(config(sandbox, agent_auth())).unwrap()
}

/// A stored ticket's field as an integer (the store keeps numbers as numbers, but be lenient).
fn stored_int(sandbox: &Sandbox, id: u64, key: &str) -> Option<i64> {
    let ticket = sandbox.ticket(id)?;
    match ticket.get(key)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn stored_text(sandbox: &Sandbox, id: u64, key: &str) -> Option<String> {
    sandbox.ticket(id)?.get(key)?.as_str().map(str::to_owned)
}

fn batches(n: usize) -> u64 {
    n.div_ceil(100) as u64
}

#[tokio::test]
async fn list_pages_walk_to_the_end() {
    let sandbox = start(45).await;
    let client = admin(&sandbox);
    let pages: Vec<_> = client
        .list_pages(
            ListScope::All,
            ListQuery {
                per_page: Some(10),
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages[0].count, Some(45));
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|page| page.items.iter().map(|ticket| ticket.id))
        .collect();
    assert_eq!(
        ids,
        sandbox.ticket_ids(),
        "default order is by id ascending"
    );
    assert!(pages.iter().all(|page| page.bad_items.is_empty()));
    assert_eq!(sandbox.request_count(Route::List), 5);
    // Every page went to the sandbox itself, with credentials.
    assert!(sandbox.requests().iter().all(|r| r.had_authorization));
}

#[tokio::test]
async fn list_sends_every_filter_and_order() {
    let sandbox = start(60).await;
    let client = admin(&sandbox);
    let all: Vec<_> = client
        .list_pages(ListScope::All, ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    let mut created: Vec<_> = all
        .iter()
        .flat_map(|page| page.items.iter().filter_map(|t| t.created))
        .collect();
    created.sort();
    let middle = created[created.len() / 2];
    let query = ListQuery {
        created_start: Some(middle),
        created_end: Some(NaiveDate::from_ymd_opt(2100, 1, 1).unwrap().into()),
        updated_start: Some(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().into()),
        updated_end: Some(NaiveDate::from_ymd_opt(2100, 1, 1).unwrap().into()),
        order: Some(ListOrder::Created(SortOrder::Desc)),
        page: Some(1),
        per_page: Some(100),
    };
    let page = client.list(&ListScope::All, &query).await.unwrap();
    assert!(!page.items.is_empty());
    let dates: Vec<_> = page.items.iter().map(|t| t.created.unwrap()).collect();
    assert!(dates.iter().all(|date| date.date() >= middle.date()));
    assert!(
        dates.windows(2).all(|pair| pair[0] >= pair[1]),
        "created desc"
    );
    let sent = sandbox.requests().last().unwrap().path.clone();
    for param in [
        "created_start=",
        "created_end=",
        "updated_start=",
        "updated_end=",
        "created_order=desc",
        "page=1",
        "per_page=100",
    ] {
        assert!(sent.contains(param), "{param} missing from {sent}");
    }
    // Never more per page than configured (100), whatever the query asks.
    let query = ListQuery {
        per_page: Some(1000),
        ..Default::default()
    };
    client.list(&ListScope::All, &query).await.unwrap();
    let sent = sandbox.requests().last().unwrap().path.clone();
    assert!(
        sent.contains("per_page=100") && !sent.contains("per_page=1000"),
        "{sent}"
    );
    for order in [
        ListOrder::Updated(SortOrder::Asc),
        ListOrder::Status(SortOrder::Desc),
    ] {
        let query = ListQuery {
            order: Some(order),
            ..Default::default()
        };
        let page = client.list(&ListScope::All, &query).await.unwrap();
        match order {
            ListOrder::Updated(_) => {
                let dates: Vec<_> = page.items.iter().map(|t| t.updated.unwrap()).collect();
                assert!(
                    dates.windows(2).all(|pair| pair[0] <= pair[1]),
                    "updated asc"
                );
            }
            _ => {
                let codes: Vec<_> = page
                    .items
                    .iter()
                    .map(|t| t.status.unwrap().code())
                    .collect();
                assert!(
                    codes.windows(2).all(|pair| pair[0] >= pair[1]),
                    "status desc"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_companys_and_a_contacts_tickets() {
    let sandbox = start(40).await;
    let client = admin(&sandbox);
    let id = sandbox.ticket_ids()[0];
    let contact_id = stored_int(&sandbox, id, "custUserId").unwrap() as u64;
    let mine: Vec<_> = client
        .list_pages(ListScope::Contact(contact_id), ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    let tickets: Vec<_> = mine.iter().flat_map(|page| page.items.iter()).collect();
    assert!(tickets.iter().any(|t| t.id == id));
    assert!(tickets.iter().all(|t| t.contact_id == Some(contact_id)));

    let contact = client.contact(contact_id).await.unwrap();
    assert_eq!(contact.id, contact_id);
    let company_id = contact.company_id.unwrap();
    let company = client.company(company_id).await.unwrap();
    assert_eq!(company.id, company_id);
    assert!(!company.name.is_empty());
    let theirs = client
        .list(&ListScope::Company(company_id), &ListQuery::default())
        .await
        .unwrap();
    assert!(theirs.items.iter().any(|t| t.id == id));
    assert_eq!(sandbox.request_count(Route::ContactTickets), 1);
    assert_eq!(sandbox.request_count(Route::CompanyTickets), 1);
}

#[tokio::test]
async fn show_answers_v2_and_legacy_shapes() {
    let sandbox = start_with(SandboxOptions {
        tickets: 10,
        quirks: Quirks::live(),
        ..SandboxOptions::default()
    })
    .await;
    let client = admin(&sandbox);
    for id in sandbox.ticket_ids() {
        let ticket = client.show(id).await.unwrap();
        assert_eq!(ticket.id, id);
        assert_eq!(
            Some(ticket.subject.clone()),
            stored_text(&sandbox, id, "subject")
        );
    }
    // An unknown id answers 200 with an empty shape here: still "not found".
    assert_eq!(
        client.show(999_999).await.unwrap_err(),
        ApiError::NotFound(Some("ticket 999999".into()))
    );
}

#[tokio::test]
async fn show_of_an_unknown_id_is_not_found() {
    let sandbox = start(5).await;
    let client = admin(&sandbox);
    assert_eq!(
        client.show(999_999).await.unwrap_err(),
        ApiError::NotFound(Some("ticket 999999".into()))
    );
    let ticket = client.show(sandbox.ticket_ids()[2]).await.unwrap();
    assert_eq!(ticket.id, sandbox.ticket_ids()[2]);
    assert_eq!(sandbox.request_count(Route::Show), 2);
}

#[tokio::test]
async fn show_many_splits_into_calls_of_100_in_the_ids_order() {
    let sandbox = start(260).await;
    let client = admin(&sandbox);
    let all = sandbox.ticket_ids();
    for n in [1usize, 100, 101, 250] {
        let before = sandbox.request_count(Route::ShowMany);
        // Reversed, to see that the answer follows the ids' order and not the server's.
        let ids: Vec<u64> = all[..n].iter().rev().copied().collect();
        let answer = client.show_many(&ids).await.unwrap();
        assert_eq!(
            answer.tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
            ids,
            "n = {n}"
        );
        assert!(answer.missing.is_empty());
        assert_eq!(sandbox.request_count(Route::ShowMany) - before, batches(n));
    }
    let answer = client.show_many(&[all[0], 999_999, all[1]]).await.unwrap();
    assert_eq!(
        answer.tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![all[0], all[1]]
    );
    assert_eq!(answer.missing, vec![999_999]);
    assert_eq!(client.show_many(&[]).await.unwrap(), Default::default());
}

#[tokio::test]
async fn update_many_splits_into_calls_of_100_and_merges_in_order() {
    let sandbox = start(260).await;
    let client = admin(&sandbox);
    let all = sandbox.ticket_ids();
    let change = TicketChange {
        priority: Some(Priority::Urgent),
        ..Default::default()
    };
    let mut offset = 0;
    for n in [1usize, 100, 101, 250] {
        let ids: Vec<u64> = all.iter().cycle().skip(offset).take(n).copied().collect();
        offset += n;
        let before = sandbox.request_count(Route::UpdateMany);
        let results = client.update_many(&ids, &change).await.unwrap();
        assert_eq!(results.iter().map(|r| r.ticket_id).collect::<Vec<_>>(), ids);
        assert!(results.iter().all(|r| r.success), "n = {n}");
        assert_eq!(
            sandbox.request_count(Route::UpdateMany) - before,
            batches(n)
        );
        for id in &ids {
            assert_eq!(stored_int(&sandbox, *id, "priorityLevel"), Some(4));
        }
    }
    // Every ticket was updated by one call per appearance, not more.
    assert!(all.iter().all(|id| sandbox.update_count(*id) >= 1));
}

#[tokio::test]
async fn update_many_reports_per_ticket_failures() {
    let sandbox = start(20).await;
    let client = agent(&sandbox);
    let ids = sandbox.ticket_ids();
    // An unknown ticket among known ones fails alone.
    let asked = vec![ids[0], 999_999, ids[1]];
    let results = client
        .update_many(
            &asked,
            &TicketChange {
                status: Some(TicketStatus::Pending),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        results
            .iter()
            .map(|r| (r.ticket_id, r.success))
            .collect::<Vec<_>>(),
        vec![(ids[0], true), (999_999, false), (ids[1], true)]
    );
    assert!(!results[1].error.is_empty());
    assert_eq!(stored_int(&sandbox, ids[0], "ticketStatus"), Some(3));

    // update_each: an invalid value (an agent that does not exist) fails its ticket only.
    let changes = vec![
        (
            ids[2],
            TicketChange {
                status: Some(TicketStatus::Solved),
                ..Default::default()
            },
        ),
        (
            ids[3],
            TicketChange {
                assignee_id: Some(Some(999_999)),
                ..Default::default()
            },
        ),
        (
            ids[4],
            TicketChange {
                tags: Some(vec!["vip客户".into(), "回访".into()]),
                ..Default::default()
            },
        ),
    ];
    let results = client.update_each(&changes).await.unwrap();
    assert_eq!(
        results
            .iter()
            .map(|r| (r.ticket_id, r.success))
            .collect::<Vec<_>>(),
        vec![(ids[2], true), (ids[3], false), (ids[4], true)]
    );
    assert!(results[1].error.contains("999999"), "{}", results[1].error);
    assert_eq!(stored_int(&sandbox, ids[2], "ticketStatus"), Some(4));
    assert_eq!(
        stored_text(&sandbox, ids[4], "tagList").as_deref(),
        Some("vip客户,回访")
    );
    assert_eq!(sandbox.update_count(ids[3]), 0);
}

#[tokio::test]
async fn update_each_splits_into_calls_of_100() {
    let sandbox = start(250).await;
    let client = admin(&sandbox);
    for n in [1usize, 100, 101, 250] {
        let changes: Vec<(u64, TicketChange)> = sandbox.ticket_ids()[..n]
            .iter()
            .enumerate()
            .map(|(index, id)| {
                let status = if index % 2 == 0 {
                    TicketStatus::Open
                } else {
                    TicketStatus::Pending
                };
                (
                    *id,
                    TicketChange {
                        status: Some(status),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let before = sandbox.request_count(Route::UpdateMany);
        let results = client.update_each(&changes).await.unwrap();
        assert_eq!(
            sandbox.request_count(Route::UpdateMany) - before,
            batches(n)
        );
        assert_eq!(results.len(), n);
        for ((id, change), result) in changes.iter().zip(&results) {
            assert_eq!(result.ticket_id, *id);
            assert!(result.success);
            assert_eq!(
                stored_int(&sandbox, *id, "ticketStatus"),
                change.status.map(|s| s.code())
            );
        }
    }
}

#[tokio::test]
async fn update_with_a_reply() {
    let sandbox = start(5).await;
    let client = agent(&sandbox);
    let id = sandbox.ticket_ids()[0];
    let replies_before = sandbox.replies(id).len();
    let updated_before = stored_text(&sandbox, id, "updateDT").unwrap();
    let ticket = client
        .update(
            id,
            &TicketChange {
                status: Some(TicketStatus::Solved),
                reply: Some(Reply {
                    message: "这里是工单回复文本内容".into(),
                    attachments: Vec::new(),
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ticket.id, id);
    // The answer carries the status as its label (`"已解决"`); decoded all the same.
    assert_eq!(ticket.status, Some(TicketStatus::Solved));
    assert_eq!(stored_int(&sandbox, id, "ticketStatus"), Some(4));
    // updateDT is kept true: the answer carries the new time.
    let updated = ticket
        .updated
        .unwrap()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert!(updated > updated_before, "{updated} <= {updated_before}");
    let replies = sandbox.replies(id);
    assert_eq!(replies.len(), replies_before + 1);
    assert!(
        replies
            .last()
            .unwrap()
            .to_string()
            .contains("这里是工单回复文本内容")
    );
    assert_eq!(
        client
            .update(999_999, &TicketChange::default())
            .await
            .unwrap_err(),
        ApiError::NotFound(Some("ticket 999999".into()))
    );
}

#[tokio::test]
async fn create_sends_a_requestid_and_reads_the_location() {
    let sandbox = start(5).await;
    let client = admin(&sandbox);
    let token = client
        .upload("截图.png", vec![0x89, b'P', b'N', b'G'], None)
        .await
        .unwrap();
    assert!(!token.token.is_empty());
    let new = NewTicket {
        subject: "产品咨询".into(),
        reply: Reply {
            message: "你好,我想咨询下帮我吧产品".into(),
            attachments: vec![token.token.clone()],
        },
        contact: Some(NewContact::Details {
            mobile: "13240138438".into(),
            name: Some("张三".into()),
            fixnumber: None,
            qq: None,
            email: Some("bangwo8@126.com".into()),
        }),
        fields: TicketChange {
            priority: Some(Priority::High),
            tags: Some(vec!["vip客户".into()]),
            ..Default::default()
        },
    };
    let created = client.create(&new).await.unwrap();
    let id = created.ticket.id;
    assert!(sandbox.ticket(id).is_some());
    assert_eq!(created.ticket.subject, "产品咨询");
    assert!(
        created
            .location
            .as_deref()
            .unwrap()
            .ends_with(&format!("/api/v1/tickets/{id}.json"))
    );
    let create = sandbox
        .requests()
        .into_iter()
        .find(|r| r.route == Route::Create)
        .unwrap();
    let request_id = create.request_id.unwrap();
    assert_eq!(
        uuid::Uuid::parse_str(&request_id)
            .unwrap()
            .get_version_num(),
        4
    );
    assert_eq!(stored_int(&sandbox, id, "priorityLevel"), Some(3));
}

#[tokio::test]
async fn a_create_retried_after_a_dropped_connection_makes_one_ticket() {
    let sandbox = start(5).await;
    let client = admin(&sandbox);
    let before = sandbox.ticket_ids().len();
    sandbox.push_fault(Fault::DropConnection);
    let created = client
        .create(&NewTicket {
            subject: "重试".into(),
            reply: Reply {
                message: "body".into(),
                attachments: Vec::new(),
            },
            contact: Some(NewContact::Id(
                stored_int(&sandbox, sandbox.ticket_ids()[0], "custUserId").unwrap() as u64,
            )),
            ..Default::default()
        })
        .await
        .unwrap();
    let creates: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.route == Route::Create)
        .collect();
    assert_eq!(creates.len(), 2);
    assert!(creates[0].request_id.is_some());
    assert_eq!(creates[0].request_id, creates[1].request_id);
    assert_eq!(sandbox.ticket_ids().len(), before + 1);
    assert!(sandbox.ticket(created.ticket.id).is_some());
}

/// The vendor page's search examples, each with which of the three planted tickets it must
/// find (A: "2444" in the subject, open, created 2017-06-30, field_1 "A454B"; B: "2444" in
/// the subject, solved, created 2017-08-01; C: neither).
const VENDOR_SEARCHES: &[(&str, &[char])] = &[
    ("2444", &['A', 'B']),
    ("ticketStatus:2,4", &['A', 'B']),
    ("field_1:454", &['A']),
    ("2444 createDT>2017-07-01", &['B']),
    ("ticketStatus:2,4 createDT<=2017-07-01", &['A']),
    ("ticketStatus:2,4 updateDT>=2017-07-01", &['A', 'B']),
    ("ticketStatus:4 createDT>2017-07-03", &['B']),
];

fn plant_search_tickets(sandbox: &Sandbox) -> [(char, u64); 3] {
    let a = sandbox.insert_ticket(serde_json::json!({
        "ticketId": 900_001, "subject": "订单2444无法支付", "ticketStatus": 2,
        "createDT": "2017-06-30 10:00:00", "updateDT": "2017-07-05 09:00:00",
        "custom_fields": [{"key": "field_1", "value": "A454B"}]
    }));
    let b = sandbox.insert_ticket(serde_json::json!({
        "ticketId": 900_002, "subject": "发票问题-2444", "ticketStatus": "4",
        "createDT": "2017-08-01 10:00:00", "updateDT": "2017-08-02 10:00:00",
        "custom_fields": [{"key": "field_1", "value": "999"}]
    }));
    let c = sandbox.insert_ticket(serde_json::json!({
        "ticketId": 900_003, "subject": "其他问题", "ticketStatus": 1,
        "createDT": "2017-07-02 12:00:00", "updateDT": "2017-07-02 12:00:00"
    }));
    [('A', a), ('B', b), ('C', c)]
}

#[tokio::test]
async fn the_vendor_pages_search_examples() {
    for quirks in [Quirks::none(), Quirks::live()] {
        let sandbox = start_with(SandboxOptions {
            tickets: 80,
            quirks,
            ..SandboxOptions::default()
        })
        .await;
        let planted = plant_search_tickets(&sandbox);
        let client = agent(&sandbox);
        for (text, expected) in VENDOR_SEARCHES {
            let query = SearchQuery::parse(text).unwrap();
            let pages: Vec<_> = client.search_pages(query).try_collect().await.unwrap();
            let ids: Vec<u64> = pages
                .iter()
                .flat_map(|page| page.items.iter().map(|t| t.id))
                .collect();
            if let Some(count) = pages[0].count {
                assert_eq!(ids.len() as u64, count, "{text}");
            }
            let distinct: HashSet<_> = ids.iter().collect();
            assert_eq!(distinct.len(), ids.len(), "{text}: a ticket came twice");
            for (name, id) in planted {
                assert_eq!(
                    ids.contains(&id),
                    expected.contains(&name),
                    "{text}: ticket {name} ({quirks:?})"
                );
            }
            for id in &ids {
                let status = stored_int(&sandbox, *id, "ticketStatus").unwrap();
                if text.contains("ticketStatus:2,4") {
                    assert!(matches!(status, 2 | 4), "{text}: {id} has status {status}");
                }
                if text.contains("ticketStatus:4") {
                    assert_eq!(status, 4, "{text}");
                }
                let created = stored_text(&sandbox, *id, "createDT").unwrap();
                if text.contains("createDT>2017-07-01") {
                    assert!(created.as_str() >= "2017-07-02", "{text}: {created}");
                }
                if text.contains("createDT<=2017-07-01") {
                    assert!(created.as_str() < "2017-07-02", "{text}: {created}");
                }
            }
            let sent = sandbox.requests().last().unwrap().path.clone();
            assert!(
                sent.contains("/api/v1/tickets/search.json?query="),
                "{sent}"
            );
        }
    }
}

#[tokio::test]
async fn search_pages_to_the_end_with_sort_and_page_size() {
    let sandbox = start(75).await;
    let client = admin(&sandbox);
    let mut query = SearchQuery::parse("ticketStatus:1,2,3,4,5,6").unwrap();
    query.sort_by = Some(SearchSort::Created);
    query.sort_order = Some(SortOrder::Asc);
    query.per_page = Some(20);
    let pages: Vec<_> = client.search_pages(query).try_collect().await.unwrap();
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|page| page.items.iter().map(|t| t.id))
        .collect();
    assert_eq!(ids.len(), 75);
    assert_eq!(sandbox.request_count(Route::Search), 4);
    let created: Vec<String> = ids
        .iter()
        .map(|id| stored_text(&sandbox, *id, "createDT").unwrap())
        .collect();
    assert!(created.windows(2).all(|pair| pair[0] <= pair[1]));
    let first = &sandbox.requests()[0].path;
    assert!(first.contains("sort_by=createDT") && first.contains("sort_order=asc"));
    assert!(first.contains("per_page=20"));
}

#[tokio::test]
async fn a_search_value_with_a_space_is_refused_before_sending() {
    let sandbox = start(3).await;
    let client = agent(&sandbox);
    let query = SearchQuery {
        terms: vec![gongdan::api::SearchTerm::Word("两个 词".into())],
        ..Default::default()
    };
    assert!(matches!(
        client.search(&query).await.unwrap_err(),
        ApiError::Query(_)
    ));
    assert!(sandbox.requests().is_empty());
}

#[tokio::test]
async fn the_agent_role_is_forbidden_to_read_tickets_but_may_search_and_update() {
    let sandbox = start(10).await;
    let client = agent(&sandbox);
    let id = sandbox.ticket_ids()[0];
    let forbidden = |error: ApiError| matches!(error, ApiError::Forbidden(_));
    assert!(forbidden(
        client
            .list(&ListScope::All, &ListQuery::default())
            .await
            .unwrap_err()
    ));
    assert!(forbidden(
        client
            .list(&ListScope::Contact(1), &ListQuery::default())
            .await
            .unwrap_err()
    ));
    assert!(forbidden(client.show(id).await.unwrap_err()));
    assert!(forbidden(client.show_many(&[id]).await.unwrap_err()));
    assert!(forbidden(
        client
            .create(&NewTicket {
                subject: "x".into(),
                ..Default::default()
            })
            .await
            .unwrap_err()
    ));
    // Forbidden is not retried: one request per call.
    assert_eq!(sandbox.request_count(Route::Show), 1);
    // What an agent may do.
    client
        .search(&SearchQuery::parse("ticketStatus:1,2,3").unwrap())
        .await
        .unwrap();
    client
        .update(
            id,
            &TicketChange {
                status: Some(TicketStatus::Open),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sandbox.update_count(id), 1);
}

#[tokio::test]
async fn lookups_for_both_roles() {
    let sandbox = start(10).await;
    for client in [admin(&sandbox), agent(&sandbox)] {
        let fields = client.ticket_fields().await.unwrap();
        assert!(fields.iter().any(|field| field.key.starts_with("field_")));
        let agents = client.agents().await.unwrap();
        assert!(!agents.is_empty());
        let one = client.agent(agents[0].id).await.unwrap();
        assert_eq!(one, agents[0]);
        let group_id = agents
            .iter()
            .find_map(|agent| agent.group_ids.first().copied())
            .unwrap();
        let group = client.group(group_id).await.unwrap();
        assert_eq!(group.id, group_id);
        assert!(!group.name.is_empty());
        let templates = client.templates().await.unwrap();
        assert!(!templates.is_empty());
        let contact_id = stored_int(&sandbox, sandbox.ticket_ids()[0], "custUserId").unwrap();
        let contact = client.contact(contact_id as u64).await.unwrap();
        assert!(!contact.name.is_empty());
        assert_eq!(
            client.agent(999_999).await.unwrap_err(),
            ApiError::NotFound(Some("agent 999999".into()))
        );
        let upload = client
            .upload("日志.txt", b"log".to_vec(), Some(1))
            .await
            .unwrap();
        assert!(!upload.token.is_empty());
        assert_eq!(upload.file_name, "日志.txt");
    }
    for route in [
        Route::TicketFields,
        Route::Supports,
        Route::Support,
        Route::SupportGroup,
        Route::TicketTemplates,
        Route::User,
        Route::Upload,
    ] {
        assert!(sandbox.request_count(route) >= 2, "{route:?}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials_and_not_retried() {
    let sandbox = start(3).await;
    let client = Client::new(config(
        &sandbox,
        Auth::Basic {
            account: "admin@example.com".into(),
            password: "wrong".into(),
        },
    ))
    .unwrap();
    assert_eq!(
        client
            .list(&ListScope::All, &ListQuery::default())
            .await
            .unwrap_err(),
        ApiError::BadCredentials
    );
    assert_eq!(sandbox.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_as_the_server_asks() {
    let sandbox = start(3).await;
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let recorder = delays.clone();
    let client = admin(&sandbox).with_retry_observer(Arc::new(move |error: &ApiError, delay| {
        assert!(matches!(error, ApiError::RateLimited { .. }));
        recorder.lock().unwrap().push(delay);
    }));
    sandbox.push_fault(Fault::TooManyRequests {
        retry_after_secs: 1,
    });
    let page = client
        .list(&ListScope::All, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(*delays.lock().unwrap(), vec![Duration::from_secs(1)]);
    assert_eq!(sandbox.request_count(Route::List), 2);
}

#[tokio::test]
async fn server_errors_give_a_tag_free_excerpt_and_bounded_retries() {
    let sandbox = start(3).await;
    let client = admin(&sandbox);
    sandbox.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    let error = client
        .list(&ListScope::All, &ListQuery::default())
        .await
        .unwrap_err();
    match &error {
        ApiError::Server { status, excerpt } => {
            assert_eq!(*status, 500);
            let excerpt = excerpt.as_deref().unwrap();
            assert!(
                !excerpt.contains('<') && !excerpt.contains('>'),
                "{excerpt}"
            );
            assert!(excerpt.chars().count() <= 120);
        }
        other => panic!("expected a server error, got {other:?}"),
    }
    // max_attempts = 3.
    assert_eq!(sandbox.request_count(Route::List), 3);
    // One failure among successes is absorbed by a retry.
    sandbox.set_faults(Faults::default());
    sandbox.push_fault(Fault::ServerError);
    client.show(sandbox.ticket_ids()[0]).await.unwrap();
}

#[tokio::test]
async fn dropped_and_truncated_answers_are_retried() {
    let sandbox = start(8).await;
    let client = admin(&sandbox);
    sandbox.push_fault(Fault::DropConnection);
    sandbox.push_fault(Fault::TruncateBody);
    let page = client
        .list(&ListScope::All, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 8);
    assert_eq!(sandbox.request_count(Route::List), 3);
}

#[tokio::test]
async fn a_hanging_server_times_out_and_the_retry_succeeds() {
    let sandbox = start(2).await;
    let mut config = config(&sandbox, admin_auth());
    config.timeout = Duration::from_millis(300);
    let client = Client::new(config).unwrap();
    sandbox.push_fault(Fault::Hang(Duration::from_secs(5)));
    let page = client
        .list(&ListScope::All, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(sandbox.request_count(Route::List), 2);
}

#[tokio::test]
async fn bearer_token_is_fetched_once_and_reused() {
    let sandbox = start(12).await;
    let client = Client::new(config(
        &sandbox,
        Auth::Token {
            secret_id: "sandbox-secret-id".into(),
            secret: "sandbox-secret".into(),
        },
    ))
    .unwrap();
    let all_ids = sandbox.ticket_ids();
    let (scope, query) = (ListScope::All, ListQuery::default());
    let (list, fields, show_many) = tokio::join!(
        client.list(&scope, &query),
        client.ticket_fields(),
        client.show_many(&all_ids),
    );
    list.unwrap();
    fields.unwrap();
    show_many.unwrap();
    client.agents().await.unwrap();
    assert_eq!(sandbox.request_count(Route::Token), 1);
    assert!(sandbox.requests().iter().all(|r| r.had_authorization));

    let wrong = Client::new(config(
        &sandbox,
        Auth::Token {
            secret_id: "sandbox-secret-id".into(),
            secret: "wrong".into(),
        },
    ))
    .unwrap();
    assert_eq!(wrong.agents().await.unwrap_err(), ApiError::BadCredentials);
}

#[tokio::test]
async fn live_quirks_decode_through_every_read() {
    let sandbox = start_with(SandboxOptions {
        tickets: 30,
        quirks: Quirks::live(),
        max_per_page: 7,
        ..SandboxOptions::default()
    })
    .await;
    // With the invalid-escapes quirk this goes out as `it\'s`, which strict JSON refuses.
    let quoted = sandbox.insert_ticket(serde_json::json!({
        "ticketId": 5000, "subject": "it's broken", "ticketStatus": "2",
        "createDT": "2024-01-01 00:00:00", "updateDT": "2024-01-01 00:00:00"
    }));
    let client = admin(&sandbox);
    assert_eq!(client.show(quoted).await.unwrap().subject, "it's broken");
    let pages: Vec<_> = client
        .list_pages(ListScope::All, ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|t| t.id))
        .collect();
    assert!(
        pages
            .iter()
            .flat_map(|p| p.items.iter())
            .any(|t| t.id == quoted && t.subject == "it's broken")
    );
    // The server cuts per_page to 7; paging still reaches every ticket.
    assert_eq!(ids, sandbox.ticket_ids());
    let many = client.show_many(&ids).await.unwrap();
    assert_eq!(many.tickets.len(), ids.len());
    let agent = agent(&sandbox);
    // Forbidden inside HTTP 200 (`{"state": "403", ...}`) is Forbidden all the same, so
    // that the console falls back to search as it does on a real 403.
    assert!(matches!(
        agent.show(ids[0]).await.unwrap_err(),
        ApiError::Forbidden(Some(_))
    ));
    assert!(matches!(
        agent
            .list(&ListScope::All, &ListQuery::default())
            .await
            .unwrap_err(),
        ApiError::Forbidden(Some(_))
    ));
    // Search answers the nested live shape, with numbers as strings.
    let search = agent
        .search(&SearchQuery::parse("ticketStatus:2").unwrap())
        .await
        .unwrap();
    assert!(
        search
            .items
            .iter()
            .all(|t| t.status.is_none() || t.status == Some(TicketStatus::Open))
    );
}

#[tokio::test]
async fn a_failed_batch_fails_its_tickets_only() {
    let sandbox = start(150).await;
    let mut config = config(&sandbox, agent_auth());
    // One batch at a time, so that the queued faults hit the first batch only.
    config.concurrency = 1;
    let client = Client::new(config).unwrap();
    let ids = sandbox.ticket_ids();
    for _ in 0..3 {
        sandbox.push_fault(Fault::ServerError);
    }
    let change = TicketChange {
        status: Some(TicketStatus::Pending),
        ..Default::default()
    };
    let results = client.update_many(&ids, &change).await.unwrap();
    assert_eq!(results.len(), 150);
    assert_eq!(results.iter().map(|r| r.ticket_id).collect::<Vec<_>>(), ids);
    assert!(
        results[..100]
            .iter()
            .all(|r| !r.success && r.error.contains("500"))
    );
    assert!(results[100..].iter().all(|r| r.success));
    assert_eq!(sandbox.update_count(ids[0]), 0);
    assert_eq!(sandbox.update_count(ids[120]), 1);
    // Every batch failing is the call failing.
    sandbox.set_faults(Faults {
        fail_rate: 1.0,
        ..Faults::default()
    });
    assert!(matches!(
        client.update_many(&ids, &change).await.unwrap_err(),
        ApiError::Server { status: 500, .. }
    ));
}

#[tokio::test]
async fn paging_under_the_sandbox_rate_limit_reaches_the_end() {
    let sandbox = start_with(SandboxOptions {
        tickets: 30,
        rate_limit: Some(4),
        ..SandboxOptions::default()
    })
    .await;
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let recorder = waits.clone();
    let client = admin(&sandbox).with_retry_observer(Arc::new(move |error: &ApiError, delay| {
        assert!(matches!(error, ApiError::RateLimited { .. }), "{error:?}");
        recorder.lock().unwrap().push(delay);
    }));
    let pages: Vec<_> = client
        .list_pages(
            ListScope::All,
            ListQuery {
                per_page: Some(5),
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|t| t.id))
        .collect();
    assert_eq!(ids, sandbox.ticket_ids());
    // Every wait was the server's Retry-After (1 s), never a guess.
    assert!(
        waits
            .lock()
            .unwrap()
            .iter()
            .all(|w| *w == Duration::from_secs(1))
    );
    assert_eq!(
        sandbox.request_count(Route::List),
        6 + waits.lock().unwrap().len() as u64
    );
}
