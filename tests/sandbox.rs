//! The sandbox over real HTTP on loopback, with raw reqwest and serde_json (not the gongdan
//! client), so that the server is checked against the vendor's page on its own.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use gongdan::sandbox::{Account, Fault, Faults, Quirks, Route, Sandbox, SandboxOptions, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ADMIN: (&str, &str) = ("admin@example.com", "admin-pass");
const AGENT: (&str, &str) = ("agent@example.com", "agent-pass");

fn options(tickets: usize) -> SandboxOptions {
    SandboxOptions {
        tickets,
        seed: 7,
        ..SandboxOptions::default()
    }
}

async fn seeded(tickets: usize) -> Sandbox {
    start(options(tickets)).await.unwrap()
}

async fn sandbox_with(tickets: usize, change: impl FnOnce(&mut SandboxOptions)) -> Sandbox {
    let mut opts = options(tickets);
    change(&mut opts);
    start(opts).await.unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }
}

/// Sends one request with Basic auth as `who` (None: no credentials) to a path or URL.
async fn call(
    sandbox: &Sandbox,
    method: Method,
    path: &str,
    who: Option<(&str, &str)>,
    body: Option<Value>,
) -> Answer {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", sandbox.base_url())
    };
    let mut request = client().request(method, url);
    if let Some((user, password)) = who {
        request = request.basic_auth(user, Some(password));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer {
        status,
        headers,
        text,
    }
}

async fn get(sandbox: &Sandbox, path: &str, who: (&str, &str)) -> Answer {
    call(sandbox, Method::GET, path, Some(who), None).await
}

async fn put(sandbox: &Sandbox, path: &str, who: (&str, &str), body: Value) -> Answer {
    call(sandbox, Method::PUT, path, Some(who), Some(body)).await
}

async fn post(sandbox: &Sandbox, path: &str, who: (&str, &str), body: Value) -> Answer {
    call(sandbox, Method::POST, path, Some(who), Some(body)).await
}

/// Reads a number sent as a number or a numeric string.
fn num(value: &Value) -> i64 {
    match value {
        Value::Number(number) => number.as_i64().unwrap(),
        Value::String(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {text}")),
        other => panic!("not a number: {other}"),
    }
}

fn ids_of(tickets: &Value) -> Vec<i64> {
    tickets
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| num(&ticket["ticketId"]))
        .collect()
}

fn day(value: &Value) -> String {
    value.as_str().unwrap()[..10].to_owned()
}

#[tokio::test]
async fn list_pages_to_the_end_through_absolute_next_page() {
    let sandbox = seeded(45).await;
    let mut url = format!("{}/api/v1/tickets.json?per_page=10", sandbox.base_url());
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = get(&sandbox, &url, ADMIN).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = page.json();
        assert_eq!(num(&body["count"]), 45);
        if pages == 0 {
            assert!(body["previous_page"].is_null());
        } else {
            let previous = body["previous_page"].as_str().unwrap();
            assert!(previous.starts_with(&sandbox.base_url()), "{previous}");
        }
        seen.extend(ids_of(&body["tickets"]));
        pages += 1;
        match body["next_page"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&format!("{}/api/v1/tickets", sandbox.base_url())));
                assert!(next.contains("per_page=10"), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 5);
    // Default order: by id ascending.
    assert_eq!(seen, (1..=45).collect::<Vec<_>>());
    assert_eq!(sandbox.request_count(Route::List), 5);
}

#[tokio::test]
async fn per_page_is_capped_and_defaults_to_100() {
    let sandbox = sandbox_with(130, |opts| opts.max_per_page = 20).await;
    let body = get(&sandbox, "/api/v1/tickets.json?per_page=500", ADMIN)
        .await
        .json();
    assert_eq!(body["tickets"].as_array().unwrap().len(), 20);
    assert!(body["next_page"].as_str().unwrap().contains("per_page=20"));
    let sandbox = sandbox_with(130, |_| {}).await;
    let body = get(&sandbox, "/api/v1/tickets.json", ADMIN).await.json();
    assert_eq!(body["tickets"].as_array().unwrap().len(), 100);
    assert_eq!(ids_of(&body["tickets"])[99], 100);
}

#[tokio::test]
async fn list_date_filters_include_the_whole_day() {
    let sandbox = seeded(80).await;
    let ticket = sandbox.ticket(40).unwrap();
    let created = day(&ticket["createDT"]);
    let updated = day(&ticket["updateDT"]);
    let path = format!(
        "/api/v1/tickets.json?created_start={created}%2000:00:00&created_end={created}%2000:00:00"
    );
    let body = get(&sandbox, &path, ADMIN).await.json();
    let ids = ids_of(&body["tickets"]);
    assert!(ids.contains(&40), "{ids:?}");
    for ticket in body["tickets"].as_array().unwrap() {
        assert_eq!(day(&ticket["createDT"]), created);
    }
    let path = format!("/api/v1/tickets.json?updated_start={updated}&updated_end={updated}");
    let body = get(&sandbox, &path, ADMIN).await.json();
    assert!(ids_of(&body["tickets"]).contains(&40));
    for ticket in body["tickets"].as_array().unwrap() {
        assert_eq!(day(&ticket["updateDT"]), updated);
    }
    // Only a start: everything from that day on.
    let path = format!("/api/v1/tickets.json?created_start={created}%2000:00:00");
    let body = get(&sandbox, &path, ADMIN).await.json();
    let expected = (1..=80)
        .filter(|id| day(&sandbox.ticket(*id).unwrap()["createDT"]) >= created)
        .count();
    assert_eq!(num(&body["count"]) as usize, expected);
    let bad = get(
        &sandbox,
        "/api/v1/tickets.json?created_start=yesterday",
        ADMIN,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn list_orders() {
    let sandbox = seeded(60).await;
    let body = get(&sandbox, "/api/v1/tickets.json?created_order=desc", ADMIN)
        .await
        .json();
    let dates: Vec<String> = body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| ticket["createDT"].as_str().unwrap().to_owned())
        .collect();
    assert!(dates.windows(2).all(|pair| pair[0] >= pair[1]));
    let body = get(&sandbox, "/api/v1/tickets.json?updated_order=asc", ADMIN)
        .await
        .json();
    let dates: Vec<String> = body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| ticket["updateDT"].as_str().unwrap().to_owned())
        .collect();
    assert!(dates.windows(2).all(|pair| pair[0] <= pair[1]));
    let body = get(&sandbox, "/api/v1/tickets.json?status_order=desc", ADMIN)
        .await
        .json();
    let statuses: Vec<i64> = body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ticket| num(&ticket["ticketStatus"]))
        .collect();
    assert!(statuses.windows(2).all(|pair| pair[0] >= pair[1]));
    assert!(statuses.first() > statuses.last());
}

#[tokio::test]
async fn company_and_contact_tickets() {
    let sandbox = seeded(90).await;
    let contact = num(&sandbox.ticket(1).unwrap()["custUserId"]);
    let body = get(
        &sandbox,
        &format!("/api/v1/users/{contact}/tickets.json"),
        ADMIN,
    )
    .await
    .json();
    assert!(ids_of(&body["tickets"]).contains(&1));
    for ticket in body["tickets"].as_array().unwrap() {
        assert_eq!(num(&ticket["custUserId"]), contact);
    }
    let user = get(&sandbox, &format!("/api/v1/users/{contact}.json"), ADMIN)
        .await
        .json();
    assert_eq!(num(&user["user"]["cId"]), contact);
    assert!(!user["user"]["mobile"].as_str().unwrap().is_empty());
    let company = num(&user["user"]["companyId"]);
    let body = get(
        &sandbox,
        &format!("/api/v1/companies/{company}/tickets.json?per_page=5"),
        ADMIN,
    )
    .await
    .json();
    assert!(num(&body["count"]) >= 1);
    assert!(body["tickets"].as_array().unwrap().len() <= 5);
    let company_body = get(&sandbox, &format!("/api/v1/companies/{company}"), ADMIN)
        .await
        .json();
    assert!(
        company_body["company"]["companyName"]
            .as_str()
            .unwrap()
            .contains("公司")
            || company_body["company"]["companyName"]
                .as_str()
                .unwrap()
                .ends_with('厂')
            || company_body["company"]["companyName"]
                .as_str()
                .unwrap()
                .ends_with("集团")
    );
    for (path, who) in [
        ("/api/v1/companies/999999/tickets.json", ADMIN),
        ("/api/v1/users/999999/tickets.json", ADMIN),
    ] {
        assert_eq!(get(&sandbox, path, who).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn show_v2_and_legacy_shapes() {
    let sandbox = seeded(30).await;
    // A ticket with the dropdown field_2 (every template has it).
    let stored = sandbox.ticket(5).unwrap();
    let option_id = stored["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["key"] == "field_2")
        .map(|field| field["value"].as_str().unwrap().to_owned())
        .unwrap();

    let v2 = get(&sandbox, "/api/v1/tickets/5_v2.json", ADMIN)
        .await
        .json();
    let ticket = &v2["ticket"];
    assert!(ticket.is_object());
    assert_eq!(num(&ticket["ticketId"]), 5);
    assert_eq!(
        ticket["url"],
        json!(format!("{}/api/v1/tickets/5.json", sandbox.base_url()))
    );
    assert!(ticket["description"].is_string());
    let v2_field = ticket["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["key"] == "field_2")
        .unwrap();
    assert_eq!(v2_field["value"].as_str().unwrap(), option_id);

    let legacy = get(&sandbox, "/api/v1/tickets/5.json", ADMIN).await.json();
    let list = legacy["ticket"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(num(&list[0]["ticketId"]), 5);
    assert!(list[0]["descript"].is_string());
    let label = list[0]["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["key"] == "field_2")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        label.parse::<u64>().is_err(),
        "legacy shows the label: {label}"
    );

    for path in ["/api/v1/tickets/9999_v2.json", "/api/v1/tickets/9999.json"] {
        let answer = get(&sandbox, path, ADMIN).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert!(answer.json()["message"].is_string());
    }
}

#[tokio::test]
async fn show_quirks_both_shapes_and_not_found_as_200() {
    let sandbox = sandbox_with(10, |opts| {
        opts.quirks.show_both_shapes = true;
        opts.quirks.not_found_as_200 = true;
    })
    .await;
    // Odd ids keep the documented shape, even ids get the other one.
    let odd = get(&sandbox, "/api/v1/tickets/3_v2.json", ADMIN)
        .await
        .json();
    assert!(odd["ticket"].is_object());
    let even = get(&sandbox, "/api/v1/tickets/4_v2.json", ADMIN)
        .await
        .json();
    assert!(even["ticket"].is_array());
    let even = get(&sandbox, "/api/v1/tickets/4.json", ADMIN).await.json();
    assert!(even["ticket"].is_object());
    let missing = get(&sandbox, "/api/v1/tickets/777.json", ADMIN).await;
    assert_eq!(missing.status, StatusCode::OK);
    assert_eq!(missing.json(), json!({"ticket": []}));
    let missing = get(&sandbox, "/api/v1/tickets/777_v2.json", ADMIN).await;
    assert_eq!(missing.status, StatusCode::OK);
    assert_eq!(missing.json(), json!({"ticket": null}));
}

#[tokio::test]
async fn show_many_at_most_100() {
    let sandbox = seeded(120).await;
    let body = get(
        &sandbox,
        "/api/v1/tickets/show_many.json?ids=3,1,2,9999",
        ADMIN,
    )
    .await
    .json();
    assert_eq!(ids_of(&body["tickets"]), vec![1, 2, 3]);
    let hundred: Vec<String> = (1..=100).map(|id| id.to_string()).collect();
    let body = get(
        &sandbox,
        &format!("/api/v1/tickets/show_many.json?ids={}", hundred.join(",")),
        ADMIN,
    )
    .await
    .json();
    assert_eq!(body["tickets"].as_array().unwrap().len(), 100);
    let too_many: Vec<String> = (1..=101).map(|id| id.to_string()).collect();
    let answer = get(
        &sandbox,
        &format!("/api/v1/tickets/show_many.json?ids={}", too_many.join(",")),
        ADMIN,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = get(&sandbox, "/api/v1/tickets/show_many.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn ordinary_agent_is_forbidden_admin_calls_and_may_update_and_search() {
    let sandbox = seeded(20).await;
    let contact = num(&sandbox.ticket(1).unwrap()["custUserId"]);
    let forbidden = [
        (Method::GET, "/api/v1/tickets.json".to_owned()),
        (Method::GET, "/api/v1/tickets/1_v2.json".to_owned()),
        (Method::GET, "/api/v1/tickets/1.json".to_owned()),
        (
            Method::GET,
            "/api/v1/tickets/show_many.json?ids=1,2".to_owned(),
        ),
        (Method::GET, "/api/v1/companies/101/tickets.json".to_owned()),
        (Method::GET, format!("/api/v1/users/{contact}/tickets.json")),
        (Method::POST, "/api/v1/tickets.json".to_owned()),
    ];
    for (method, path) in &forbidden {
        let body = (method == Method::POST).then(|| json!({"ticket": {"subject": "x"}}));
        let answer = call(&sandbox, method.clone(), path, Some(AGENT), body.clone()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert!(answer.json()["message"].is_string());
        // The admin may.
        let answer = call(&sandbox, method.clone(), path, Some(ADMIN), body).await;
        assert!(
            answer.status.is_success(),
            "{method} {path}: {}",
            answer.status
        );
    }
    let allowed = [
        "/api/v1/tickets/search.json?query=ticketStatus:1,2",
        "/api/v1/tickets/ticket_fields.json",
        "/api/v1/supports.json",
        "/api/v1/supports/1.json",
        "/api/v1/supportgroups/11.json",
        "/api/v1/tickettemplates.json",
        "/api/v1/tickets/1/replies.json",
    ];
    for path in allowed {
        assert_eq!(
            get(&sandbox, path, AGENT).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    let answer = put(
        &sandbox,
        "/api/v1/tickets/1.json",
        AGENT,
        json!({"ticket": {"priorityLevel": 3}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = put(
        &sandbox,
        "/api/v1/tickets/update_many.json?ids=1,2",
        AGENT,
        json!({"ticket": {"priorityLevel": 4}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_or_missing_credentials_get_401() {
    let sandbox = seeded(10).await;
    for path in [
        "/api/v1/tickets.json",
        "/api/v1/tickets/search.json?query=1",
        "/api/v1/tickets/1_v2.json",
        "/api/v1/supports.json",
    ] {
        let answer = get(&sandbox, path, ("admin@example.com", "wrong")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(answer.headers.contains_key("www-authenticate"));
        let answer = call(&sandbox, Method::GET, path, None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let requests = sandbox.requests();
    assert_eq!(requests.len(), 8);
    assert_eq!(
        requests
            .iter()
            .filter(|request| request.had_authorization)
            .count(),
        4
    );
}

#[tokio::test]
async fn accounts_are_configurable() {
    let sandbox = sandbox_with(5, |opts| {
        opts.admin = Account::new("boss@corp.cn", "b0ss");
        opts.agent = Account::new("staff@corp.cn", "st4ff");
    })
    .await;
    let answer = get(&sandbox, "/api/v1/tickets.json", ("boss@corp.cn", "b0ss")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let answer = get(&sandbox, "/api/v1/tickets.json", ("staff@corp.cn", "st4ff")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = get(&sandbox, "/api/v1/tickets.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_path_is_404_or_errcode_in_200() {
    let sandbox = seeded(5).await;
    let answer = get(&sandbox, "/api/v1/nothing.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = get(&sandbox, "/api/v1/tickets/abc.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(sandbox.request_count(Route::Unknown), 2);

    let sandbox = sandbox_with(5, |opts| opts.quirks.errors_in_200 = true).await;
    let answer = get(&sandbox, "/api/v1/nothing.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({"errcode": "100047", "errmsg": "Invalid resource URI"})
    );
    let answer = get(&sandbox, "/api/v1/tickets.json", AGENT).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["state"], "403");
    assert!(answer.json()["message"].is_string());
}

#[tokio::test]
async fn json_suffix_is_optional() {
    let sandbox = seeded(12).await;
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/1_v2",
        "/api/v1/tickets/1",
        "/api/v1/tickets/show_many?ids=1",
        "/api/v1/tickets/search?query=ticketStatus:1,2,3,4,5,6",
        "/api/v1/tickets/ticket_fields",
        "/api/v1/supports/1",
        "/api/v1/tickettemplates",
        "/api/v1/tickets/1/replies",
    ] {
        let with = get(
            &sandbox,
            &format!("{}.json{}", path_part(path), query_part(path)),
            ADMIN,
        )
        .await;
        let without = get(&sandbox, path, ADMIN).await;
        assert_eq!(without.status, StatusCode::OK, "{path}");
        assert_eq!(with.status, StatusCode::OK, "{path}");
        assert_eq!(with.json(), without.json(), "{path}");
    }
    let answer = put(
        &sandbox,
        "/api/v1/tickets/2",
        ADMIN,
        json!({"ticket": {"ticketStatus": 3}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

fn path_part(path: &str) -> &str {
    path.split('?').next().unwrap()
}

fn query_part(path: &str) -> String {
    path.split_once('?')
        .map(|(_, query)| format!("?{query}"))
        .unwrap_or_default()
}

/// Every stored ticket id for which `keep` holds.
fn stored_where(sandbox: &Sandbox, keep: impl Fn(&Value) -> bool) -> BTreeSet<i64> {
    sandbox
        .ticket_ids()
        .into_iter()
        .filter(|id| keep(&sandbox.ticket(*id).unwrap()))
        .map(|id| id as i64)
        .collect()
}

/// Runs a search as the agent and answers the result ids (all pages of 100).
async fn search_ids(sandbox: &Sandbox, query: &str) -> (Vec<i64>, Value) {
    let url = reqwest::Url::parse_with_params(
        &format!("{}/api/v1/tickets/search.json", sandbox.base_url()),
        [("query", query), ("per_page", "100")],
    )
    .unwrap();
    let answer = get(sandbox, url.as_str(), AGENT).await;
    assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
    let body = answer.json();
    for result in body["results"].as_array().unwrap() {
        let keys: BTreeSet<&str> = result
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["subject", "createDT", "updateDT", "ticketId", "url"])
        );
    }
    (ids_of(&body["results"]), body)
}

#[tokio::test]
async fn search_examples_of_the_vendor_page() {
    let sandbox = seeded(90).await;
    // Make sure the page's example values occur.
    let created = post(
        &sandbox,
        "/api/v1/tickets.json",
        ADMIN,
        json!({"ticket": {"subject": "订单2444无法支付", "custom_fields": [{"key": "field_1", "value": "A454B"}]}}),
    )
    .await
    .json();
    let new_id = num(&created["ticket"]["ticketId"]);

    // query=2444: id, subject or contact name contains it.
    let (ids, body) = search_ids(&sandbox, "2444").await;
    assert!(ids.contains(&new_id));
    assert_eq!(num(&body["count"]) as usize, ids.len());
    assert!(body.get("prev_page").is_some());
    for id in &ids {
        let ticket = sandbox.ticket(*id as u64).unwrap();
        assert!(
            id.to_string().contains("2444") || ticket["subject"].as_str().unwrap().contains("2444"),
            "{ticket}"
        );
    }

    // ticketStatus:2,4
    let (ids, _) = search_ids(&sandbox, "ticketStatus:2,4").await;
    let expected = stored_where(&sandbox, |ticket| {
        matches!(num(&ticket["ticketStatus"]), 2 | 4)
    });
    assert!(!expected.is_empty());
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    // Labels work too.
    let (by_label, _) = search_ids(&sandbox, "ticketStatus:已开启,已解决").await;
    assert_eq!(by_label, ids);

    // field_1:454 (substring of a custom field).
    let (ids, _) = search_ids(&sandbox, "field_1:454").await;
    assert!(ids.contains(&new_id));
    for id in &ids {
        let ticket = sandbox.ticket(*id as u64).unwrap();
        let value = ticket["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field["key"] == "field_1")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(value.contains("454"));
    }

    // 2444 createDT>2017-07-01
    let (ids, _) = search_ids(&sandbox, "2444 createDT>2017-07-01").await;
    assert!(ids.contains(&new_id));
    let (ids, _) = search_ids(&sandbox, "2444 createDT>2099-07-01").await;
    assert!(ids.is_empty());

    // ticketStatus:2,4 createDT<=2017-07-01: the seeded data starts in 2024.
    let (ids, _) = search_ids(&sandbox, "ticketStatus:2,4 createDT<=2017-07-01").await;
    assert!(ids.is_empty());
    // The same on a day that has tickets, inclusive of the day.
    let pivot = day(&sandbox.ticket(45).unwrap()["createDT"]);
    let (ids, _) = search_ids(&sandbox, &format!("ticketStatus:2,4 createDT<={pivot}")).await;
    let expected = stored_where(&sandbox, |ticket| {
        matches!(num(&ticket["ticketStatus"]), 2 | 4) && day(&ticket["createDT"]) <= pivot
    });
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    for (op, keep) in [
        ("<", (|a: &str, b: &str| a < b) as fn(&str, &str) -> bool),
        (">", |a, b| a > b),
        (":", |a, b| a == b),
        (">=", |a, b| a >= b),
    ] {
        let (ids, _) = search_ids(&sandbox, &format!("createDT{op}{pivot}")).await;
        let expected = stored_where(&sandbox, |ticket| keep(&day(&ticket["createDT"]), &pivot));
        assert_eq!(
            ids.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "{op}"
        );
    }

    // ticketStatus:2,4 updateDT>=2017-07-01
    let (ids, _) = search_ids(&sandbox, "ticketStatus:2,4 updateDT>=2017-07-01").await;
    let expected = stored_where(&sandbox, |ticket| {
        matches!(num(&ticket["ticketStatus"]), 2 | 4)
    });
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);

    // The curl example of the page.
    let (ids, _) = search_ids(&sandbox, "ticketStatus:4 createDT>2017-07-03").await;
    let expected = stored_where(&sandbox, |ticket| num(&ticket["ticketStatus"]) == 4);
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);

    // A malformed date filter is refused.
    let url = format!(
        "{}/api/v1/tickets/search.json?query=createDT%3C2017-7",
        sandbox.base_url()
    );
    assert_eq!(
        get(&sandbox, &url, AGENT).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn search_fields_sorting_and_paging() {
    let sandbox = seeded(70).await;
    // Default: createDT descending.
    let (ids, body) = search_ids(&sandbox, "").await;
    assert_eq!(ids.len(), 70);
    let dates: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["createDT"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|pair| pair[0] >= pair[1]));
    let url = format!(
        "{}/api/v1/tickets/search.json?query=&sort_by=updateDT&sort_order=asc&per_page=100",
        sandbox.base_url()
    );
    let body = get(&sandbox, &url, AGENT).await.json();
    let dates: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["updateDT"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|pair| pair[0] <= pair[1]));

    // Paging through next_page, absolute.
    let mut url = format!(
        "{}/api/v1/tickets/search.json?query=priorityLevel:1,2,3,4&per_page=25",
        sandbox.base_url()
    );
    let mut seen = Vec::new();
    loop {
        let body = get(&sandbox, &url, AGENT).await.json();
        seen.extend(ids_of(&body["results"]));
        match body["next_page"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&sandbox.base_url()));
                url = next.to_owned();
            }
            None => break,
        }
        assert!(seen.len() <= 70);
    }
    assert_eq!(seen.len(), 70);

    // Id, tag and agent fields.
    let ticket = sandbox.ticket(9).unwrap();
    let servicer = num(&ticket["servicerUserId"]);
    let (ids, _) = search_ids(&sandbox, &format!("servicerUserId:{servicer}")).await;
    let expected = stored_where(&sandbox, |ticket| {
        num(&ticket["servicerUserId"]) == servicer
    });
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    let (ids, _) = search_ids(&sandbox, "tagList:vip客户").await;
    let expected = stored_where(&sandbox, |ticket| {
        ticket["tagList"]
            .as_str()
            .unwrap()
            .split(',')
            .any(|tag| tag == "vip客户")
    });
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    let (ids, _) = search_ids(&sandbox, "priorityLevel:紧急 ticketType:3").await;
    let expected = stored_where(&sandbox, |ticket| {
        num(&ticket["priorityLevel"]) == 4 && num(&ticket["ticketType"]) == 3
    });
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn search_nested_shape_quirk() {
    let sandbox = sandbox_with(20, |opts| opts.quirks.nested_search = true).await;
    let body = get(
        &sandbox,
        "/api/v1/tickets/search.json?query=ticketStatus:1,2,3,4,5,6&per_page=5",
        AGENT,
    )
    .await
    .json();
    assert_eq!(num(&body["tickets"]["count"]), 20);
    assert_eq!(body["tickets"]["results"].as_array().unwrap().len(), 5);
    assert!(body.get("results").is_none());
}

#[tokio::test]
async fn create_answers_location_and_finds_or_creates_the_contact() {
    let sandbox = seeded(10).await;
    // The vendor page's curl example, verbatim.
    let answer = post(
        &sandbox,
        "/api/v1/tickets.json",
        ADMIN,
        json!({"ticket": {"subject": "产品咨询", "ticketReply": { "replyMsg":"你好,我想咨询下帮我吧产品" }}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let ticket = &answer.json()["ticket"];
    let id = num(&ticket["ticketId"]);
    assert_eq!(id, 11);
    assert_eq!(
        answer.headers["location"].to_str().unwrap(),
        format!("{}/api/v1/tickets/11.json", sandbox.base_url())
    );
    assert_eq!(ticket["description"], "你好,我想咨询下帮我吧产品");
    assert_eq!(sandbox.replies(11).len(), 1);

    let with_contact = json!({"ticket": {
        "subject": "打印机无法连接",
        "custUser": {"mobilephone": 13240138438u64, "name": "张三", "email": "bangwo8@126.com"},
        "ticketType": "故障", "priorityLevel": "3", "ticketStatus": 2,
        "servicerUserId": 2, "ccUserIdList": "3,4", "tagList": "vip客户,普通客户",
        "ticketTemplateId": 2,
        "custom_fields": [
            {"key": "field_2", "value": "硬件故障"},
            {"key": "field_6", "value": "180", "pay_status": 1},
            {"key": "cpxx", "value": [{"cpdm": "001.005", "cpmc": "铺助面板", "zjm": "PZMB", "ggxh": "A6020青古"}]}
        ],
        "tables": [{"custom_fields_key": "field_9", "tableData": [{"sbxh": "T80", "xlh": "SN1", "sl": "1"}]}]
    }});
    let first = post(
        &sandbox,
        "/api/v1/tickets.json",
        ADMIN,
        with_contact.clone(),
    )
    .await
    .json();
    let contact = num(&first["ticket"]["custUserId"]);
    assert!(contact > 0);
    assert_eq!(num(&first["ticket"]["ticketType"]), 3);
    let stored = sandbox
        .ticket(num(&first["ticket"]["ticketId"]) as u64)
        .unwrap();
    assert_eq!(stored["custom_fields"][0]["value"], "234");
    assert_eq!(stored["custom_fields"][1]["pay_status"], 1);
    assert_eq!(stored["tables"][0]["tableData"][0]["xlh"], "SN1");
    let user = get(&sandbox, &format!("/api/v1/users/{contact}.json"), ADMIN)
        .await
        .json();
    assert_eq!(user["user"]["mobile"], "13240138438");
    assert_eq!(user["user"]["name"], "张三");
    // The same mobile (as a string now) finds the same contact.
    let mut again = with_contact.clone();
    again["ticket"]["custUser"]["mobilephone"] = json!("13240138438");
    let second = post(&sandbox, "/api/v1/tickets.json", ADMIN, again)
        .await
        .json();
    assert_eq!(num(&second["ticket"]["custUserId"]), contact);

    for (body, what) in [
        (
            json!({"ticket": {"ticketReply": {"replyMsg": "x"}}}),
            "no subject",
        ),
        (
            json!({"ticket": {"subject": "x", "custUser": {"name": "李四"}}}),
            "no mobile",
        ),
        (
            json!({"ticket": {"subject": "x", "custUserId": 424242}}),
            "unknown contact",
        ),
        (
            json!({"ticket": {"subject": "x", "ticketStatus": 9}}),
            "bad status",
        ),
    ] {
        let answer = post(&sandbox, "/api/v1/tickets.json", ADMIN, body).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(answer.json()["message"].is_string(), "{what}");
    }
    assert_eq!(sandbox.ticket_ids().len(), 13);
}

#[tokio::test]
async fn repeated_requestid_returns_the_first_result_and_creates_nothing() {
    let sandbox = seeded(10).await;
    let body = json!({"ticket": {"subject": "重复提交测试"}});
    let send = |request_id: &'static str| {
        let body = body.clone();
        let url = format!("{}/api/v1/tickets.json", sandbox.base_url());
        async move {
            let response = client()
                .post(url)
                .basic_auth(ADMIN.0, Some(ADMIN.1))
                .header("Requestid", request_id)
                .json(&body)
                .send()
                .await
                .unwrap();
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let json: Value = response.json().await.unwrap();
            (location, num(&json["ticket"]["ticketId"]))
        }
    };
    let first = send("req-1").await;
    let repeat = send("req-1").await;
    assert_eq!(first, repeat);
    assert_eq!(sandbox.ticket_ids().len(), 11);
    // The answer of a handled create is lost; the retry with its Requestid gets it.
    sandbox.push_fault(Fault::DropResponse);
    let lost = client()
        .post(format!("{}/api/v1/tickets.json", sandbox.base_url()))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .header("Requestid", "req-2")
        .json(&body)
        .send()
        .await;
    assert!(lost.is_err());
    assert_eq!(sandbox.ticket_ids().len(), 12, "the create was handled");
    let other = send("req-2").await;
    assert_ne!(other.1, first.1);
    assert_eq!(other.1, 12);
    assert_eq!(sandbox.ticket_ids().len(), 12);
    let recorded: Vec<Option<String>> = sandbox
        .requests()
        .into_iter()
        .map(|request| request.request_id)
        .collect();
    assert_eq!(
        recorded,
        ["req-1", "req-1", "req-2", "req-2"].map(|id| Some(id.to_owned()))
    );
}

/// Now on the vendor's clock (UTC+08:00), as the sandbox writes dates.
fn china_now() -> String {
    (chrono::Utc::now().naive_utc() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `updateDT` was set during the request: between the time it was sent and now.
fn assert_updated_now(ticket: &Value, sent_after: &str) {
    let updated = ticket["updateDT"].as_str().unwrap();
    assert!(
        updated >= sent_after && updated <= china_now().as_str(),
        "{updated}"
    );
}

fn status_of(sandbox: &Sandbox, id: u64) -> i64 {
    num(&sandbox.ticket(id).unwrap()["ticketStatus"])
}

#[tokio::test]
async fn update_accepts_codes_strings_and_labels_and_adds_the_reply() {
    let sandbox = seeded(10).await;
    let before = sandbox.ticket(3).unwrap();
    let replies_before = sandbox.replies(3).len();
    let sent_after = china_now();
    // The page's example: a numeric string, answered with the Chinese label.
    let answer = put(
        &sandbox,
        "/api/v1/tickets/3.json",
        AGENT,
        json!({"ticket": {"ticketStatus": "2", "ticketReply": { "replyMsg": "这里是工单回复文本内容" }}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(body["ticket"]["ticketStatus"], "已开启");
    assert_eq!(num(&body["ticket"]["ticketId"]), 3);
    assert_eq!(status_of(&sandbox, 3), 2);
    let replies = sandbox.replies(3);
    assert_eq!(replies.len(), replies_before + 1);
    let last = replies.last().unwrap();
    assert_eq!(last["replyMsg"], "这里是工单回复文本内容");
    assert_eq!(last["replyUserId"], 2);
    let listed = get(&sandbox, "/api/v1/tickets/3/replies.json", AGENT)
        .await
        .json();
    assert_eq!(
        listed["replies"].as_array().unwrap().len(),
        replies_before + 1
    );
    // updateDT kept true: set to the time of the update.
    let after = sandbox.ticket(3).unwrap();
    assert_ne!(after["updateDT"], before["updateDT"]);
    assert_updated_now(&after, &sent_after);
    assert_eq!(sandbox.update_count(3), 1);

    for (value, code) in [
        (json!(4), 4),
        (json!("已解决"), 4),
        (json!("3"), 3),
        (json!("手动关闭"), 6),
    ] {
        let answer = put(
            &sandbox,
            "/api/v1/tickets/3.json",
            ADMIN,
            json!({"ticket": {"ticketStatus": value}}),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{value}");
        assert_eq!(status_of(&sandbox, 3), code, "{value}");
    }
    assert_eq!(sandbox.update_count(3), 5);

    for body in [
        json!({"ticket": {"ticketStatus": 7}}),
        json!({"ticket": {"ticketStatus": "完成"}}),
        json!({"ticket": {"priorityLevel": "超高"}}),
        json!({"ticket": {"servicerUserId": 999}}),
        json!({"ticket": {"custom_fields": [{"key": "field_2", "value": "不存在的选项"}]}}),
        json!({"ticket": {"custom_fields": [{"key": "field_5", "value": "许多"}]}}),
        json!({"ticket": {"custom_fields": [{"key": "no_such_field", "value": "1"}]}}),
        json!({"ticket": {"ticketReply": {"replyMsg": ""}}}),
    ] {
        let answer = put(&sandbox, "/api/v1/tickets/3.json", AGENT, body.clone()).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!answer.json()["message"].as_str().unwrap().is_empty());
    }
    // Refused changes change nothing.
    assert_eq!(status_of(&sandbox, 3), 6);
    assert_eq!(sandbox.update_count(3), 5);

    let answer = put(
        &sandbox,
        "/api/v1/tickets/424242.json",
        AGENT,
        json!({"ticket": {"ticketStatus": 2}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = call(
        &sandbox,
        Method::PUT,
        "/api/v1/tickets/3.json",
        Some(AGENT),
        Some(json!(["not", "a", "ticket"])),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn update_quirks_off_echo_code_and_stale_update_dt() {
    let sandbox = sandbox_with(5, |opts| {
        opts.quirks = Quirks::none();
        opts.quirks.bump_update_dt = false;
    })
    .await;
    let before = sandbox.ticket(2).unwrap();
    let body = put(
        &sandbox,
        "/api/v1/tickets/2.json",
        ADMIN,
        json!({"ticket": {"ticketStatus": "已解决"}}),
    )
    .await
    .json();
    assert_eq!(body["ticket"]["ticketStatus"], 4);
    assert_eq!(body["ticket"]["ticketId"], 2);
    assert_eq!(sandbox.ticket(2).unwrap()["updateDT"], before["updateDT"]);
}

#[tokio::test]
async fn write_status_body_quirk() {
    let sandbox = sandbox_with(5, |opts| opts.quirks.write_status_body = true).await;
    let expected = json!({"status": "0", "message": "Insert ok", "data": false});
    let answer = put(
        &sandbox,
        "/api/v1/tickets/2.json",
        AGENT,
        json!({"ticket": {"ticketStatus": 4}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), expected);
    assert_eq!(status_of(&sandbox, 2), 4);
    let answer = post(
        &sandbox,
        "/api/v1/tickets.json",
        ADMIN,
        json!({"ticket": {"subject": "状态体"}}),
    )
    .await;
    assert_eq!(answer.json(), expected);
    assert!(
        answer.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/v1/tickets/6.json")
    );
    // Refusals stay errors.
    let answer = put(
        &sandbox,
        "/api/v1/tickets/2.json",
        AGENT,
        json!({"ticket": {"ticketStatus": 40}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn update_many_both_forms_with_per_ticket_failures() {
    let sandbox = seeded(20).await;
    let answer = put(
        &sandbox,
        "/api/v1/tickets/update_many.json?ids=1,2,999",
        AGENT,
        json!({"ticket": {"ticketStatus": "已解决"}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let results = answer.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[0]["error_log"], "");
    assert_eq!(results[1]["success"], true);
    assert_eq!(num(&results[2]["ticketId"]), 999);
    assert_eq!(results[2]["success"], false);
    assert!(!results[2]["error_log"].as_str().unwrap().is_empty());
    assert_eq!(status_of(&sandbox, 1), 4);
    assert_eq!(status_of(&sandbox, 2), 4);

    let before = sandbox.ticket(4).unwrap();
    let sent_after = china_now();
    let answer = put(
        &sandbox,
        "/api/v1/tickets/update_many.json",
        AGENT,
        json!({"tickets": [
            { "ticketId": 3, "ticketStatus": "待回应" },
            { "ticketId": 4, "ticketStatus": "飞走了" },
            { "ticketId": "5", "priorityLevel": 4, "ticketReply": {"replyMsg": "批量回复"} },
        ]}),
    )
    .await;
    let results = answer.json()["results"].as_array().unwrap().clone();
    let outcomes: Vec<(i64, bool)> = results
        .iter()
        .map(|result| {
            (
                num(&result["ticketId"]),
                result["success"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(outcomes, vec![(3, true), (4, false), (5, true)]);
    assert!(
        results[1]["error_log"]
            .as_str()
            .unwrap()
            .contains("ticketStatus")
    );
    assert_eq!(status_of(&sandbox, 3), 3);
    assert_eq!(sandbox.ticket(4).unwrap(), before);
    assert_eq!(num(&sandbox.ticket(5).unwrap()["priorityLevel"]), 4);
    assert_eq!(sandbox.replies(5).last().unwrap()["replyMsg"], "批量回复");
    // updateDT kept true.
    assert_updated_now(&sandbox.ticket(3).unwrap(), &sent_after);
    assert_eq!(sandbox.update_count(3), 1);
    assert_eq!(sandbox.update_count(4), 0);

    let hundred_one: Vec<String> = (1..=101).map(|id| id.to_string()).collect();
    let answer = put(
        &sandbox,
        &format!(
            "/api/v1/tickets/update_many.json?ids={}",
            hundred_one.join(",")
        ),
        AGENT,
        json!({"ticket": {"ticketStatus": 2}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let many: Vec<Value> = (1..=101)
        .map(|id| json!({"ticketId": id, "ticketStatus": 2}))
        .collect();
    let answer = put(
        &sandbox,
        "/api/v1/tickets/update_many.json",
        AGENT,
        json!({ "tickets": many }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = put(
        &sandbox,
        "/api/v1/tickets/update_many.json",
        AGENT,
        json!({}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn numbers_as_strings_is_switchable() {
    let sandbox = seeded(5).await;
    let body = get(&sandbox, "/api/v1/tickets.json", ADMIN).await.json();
    assert_eq!(body["count"], "5");
    assert!(body["tickets"][0]["ticketId"].is_string());
    assert!(body["tickets"][0]["ticketStatus"].is_string());

    let sandbox = sandbox_with(5, |opts| opts.quirks.string_numbers = false).await;
    let body = get(&sandbox, "/api/v1/tickets.json", ADMIN).await.json();
    assert_eq!(body["count"], 5);
    assert!(body["tickets"][0]["ticketId"].is_u64());
    assert!(body["tickets"][0]["ticketStatus"].is_u64());
    let search = get(&sandbox, "/api/v1/tickets/search.json?query=1", AGENT)
        .await
        .json();
    assert!(search["results"][0]["ticketId"].is_u64());
}

#[tokio::test]
async fn invalid_escapes_quirk_breaks_strict_json() {
    let quirky = sandbox_with(60, |opts| opts.quirks.invalid_escapes = true).await;
    let plain = seeded(60).await;
    let answer = get(&quirky, "/api/v1/tickets.json", ADMIN).await;
    assert!(answer.text.contains("\\'"), "seed data has apostrophes");
    assert!(serde_json::from_str::<Value>(&answer.text).is_err());
    // Repairing the stray backslash gives back exactly the plain answer.
    let repaired: Value = serde_json::from_str(&answer.text.replace("\\'", "'")).unwrap();
    let plain_body = get(&plain, "/api/v1/tickets.json", ADMIN).await.json();
    assert_eq!(
        repaired["tickets"][0]["subject"],
        plain_body["tickets"][0]["subject"]
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sandbox = sandbox_with(5, |opts| opts.rate_limit = Some(2)).await;
    let mut limited = None;
    for _ in 0..12 {
        let answer = get(&sandbox, "/api/v1/tickets/ticket_fields.json", AGENT).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
        assert_eq!(answer.status, StatusCode::OK);
    }
    let limited = limited.expect("12 quick requests exceed 2 a second");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);

    // A queued one-shot 429, whatever the rate.
    let sandbox = seeded(5).await;
    sandbox.push_fault(Fault::TooManyRequests {
        retry_after_secs: 7,
    });
    let answer = get(&sandbox, "/api/v1/supports.json", AGENT).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers["retry-after"], "7");
    assert_eq!(
        get(&sandbox, "/api/v1/supports.json", AGENT).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn fail_rate_answers_500_with_html() {
    let sandbox = sandbox_with(5, |opts| opts.fail_rate = 1.0).await;
    let answer = get(&sandbox, "/api/v1/tickets.json", ADMIN).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(answer.text.contains("<html>"));
    // Faults change at run time.
    sandbox.set_faults(Faults::default());
    assert_eq!(
        get(&sandbox, "/api/v1/tickets.json", ADMIN).await.status,
        StatusCode::OK
    );
    sandbox.push_fault(Fault::ServerError);
    assert_eq!(
        get(&sandbox, "/api/v1/tickets.json", ADMIN).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(sandbox.request_count(Route::List), 3);
}

#[tokio::test]
async fn dropped_connection_truncated_body_and_hang() {
    let sandbox = seeded(20).await;
    let url = format!("{}/api/v1/tickets.json", sandbox.base_url());

    sandbox.push_fault(Fault::DropConnection);
    let result = client()
        .get(&url)
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await;
    assert!(result.is_err(), "the connection closes without an answer");

    sandbox.push_fault(Fault::TruncateBody);
    let response = client()
        .get(&url)
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.is_err(), "the body ends early");

    sandbox.push_fault(Fault::Hang(Duration::from_secs(30)));
    let result = client()
        .get(&url)
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());

    // Latency set at run time delays every answer past a short client timeout.
    sandbox.set_faults(Faults {
        latency: Duration::from_secs(30),
        ..Faults::default()
    });
    let result = client()
        .get(&url)
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    sandbox.set_faults(Faults::default());

    // The server is fine afterwards.
    assert_eq!(
        get(&sandbox, "/api/v1/tickets.json", ADMIN).await.status,
        StatusCode::OK
    );
    assert_eq!(sandbox.request_count(Route::List), 5);
}

#[tokio::test]
async fn same_seed_same_data() {
    let a = seeded(40).await;
    let b = seeded(40).await;
    let c = sandbox_with(40, |opts| opts.seed = 8).await;
    let all = |sandbox: &Sandbox| -> Vec<Value> {
        sandbox
            .ticket_ids()
            .into_iter()
            .map(|id| sandbox.ticket(id).unwrap())
            .collect()
    };
    assert_eq!(all(&a), all(&b));
    assert_ne!(all(&a), all(&c));
    assert_eq!(a.replies(7), b.replies(7));
    let agents_a = get(&a, "/api/v1/supports.json", ADMIN).await.json();
    let agents_b = get(&b, "/api/v1/supports.json", ADMIN).await.json();
    assert_eq!(agents_a, agents_b);
}

#[tokio::test]
async fn seeded_data_is_varied_and_realistic() {
    let sandbox = seeded(150).await;
    let tickets: Vec<Value> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| sandbox.ticket(id).unwrap())
        .collect();
    let statuses: BTreeSet<i64> = tickets.iter().map(|t| num(&t["ticketStatus"])).collect();
    assert_eq!(statuses, (1..=6).collect());
    let sources: BTreeSet<i64> = tickets.iter().map(|t| num(&t["ticketSource"])).collect();
    assert!(sources.len() >= 6);
    let any = |check: &dyn Fn(&Value) -> bool| tickets.iter().any(check);
    assert!(any(&|t| t["description"]
        .as_str()
        .unwrap()
        .contains("<ul><li>")));
    assert!(any(&|t| t["description"]
        .as_str()
        .unwrap()
        .contains("<a href=")));
    assert!(any(&|t| t["description"]
        .as_str()
        .unwrap()
        .contains("&amp;")));
    assert!(any(&|t| t["description"]
        .as_str()
        .unwrap()
        .contains("<br>")));
    assert!(any(&|t| !t["tagList"].as_str().unwrap().is_empty()));
    assert!(any(&|t| t["ccUserIdList"].as_str().unwrap().contains(',')));
    assert!(any(&|t| !t["tables"].as_array().unwrap().is_empty()));
    let has_field = |t: &Value, key: &str, check: &dyn Fn(&Value) -> bool| {
        t["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|field| field["key"] == key && check(field))
    };
    assert!(any(&|t| has_field(t, "cpxx", &|f| f["value"]
        .as_array()
        .is_some_and(|rows| !rows.is_empty()))));
    assert!(any(&|t| has_field(t, "field_6", &|f| f
        .get("pay_status")
        .is_some())));
    assert!(any(&|t| has_field(t, "field_4", &|f| f["value"]
        .as_str()
        .unwrap()
        .starts_with("https://"))));
    assert!(any(&|t| has_field(t, "field_7", &|f| f["value"]
        .as_str()
        .unwrap()
        .len()
        == 10)));
    // Live-only fields, the attachment list in both of its live shapes.
    assert!(any(&|t| t["descriptattachments"].is_object()));
    assert!(any(&|t| t["descriptattachments"]
        .as_array()
        .is_some_and(|files| !files.is_empty())));
    assert!(any(&|t| !t["waitDT"].as_str().unwrap().is_empty()));
    // Two years of dates.
    let first = day(&tickets[0]["createDT"]);
    let last = day(&tickets[tickets.len() - 1]["createDT"]);
    assert!(
        first.as_str() < "2025-03-01" && last.as_str() > "2026-06-01",
        "{first} {last}"
    );
}

#[tokio::test]
async fn lookups_for_names() {
    let sandbox = seeded(10).await;
    let fields = get(&sandbox, "/api/v1/tickets/ticket_fields.json", AGENT)
        .await
        .json();
    let fields = fields.as_array().unwrap();
    let category = fields
        .iter()
        .find(|field| field["key"] == "field_2")
        .unwrap();
    assert_eq!(num(&category["type"]), 1);
    let options = category["custom_field_options"].as_array().unwrap();
    assert!(options.iter().any(|option| option["value"] == "硬件故障"));
    let kinds: BTreeSet<i64> = fields.iter().map(|field| num(&field["type"])).collect();
    assert!(kinds.is_superset(&BTreeSet::from([1, 2, 3, 4, 6, 8, 11, 12, 15])));

    let agents = get(&sandbox, "/api/v1/supports.json", AGENT).await.json();
    let agents = agents["supports"].as_array().unwrap();
    assert_eq!(agents[0]["email"], ADMIN.0);
    assert_eq!(num(&agents[0]["isAdmin"]), 1);
    assert_eq!(agents[1]["email"], AGENT.0);
    let one = get(&sandbox, "/api/v1/supports/2.json", AGENT).await.json();
    assert_eq!(one["support"]["email"], AGENT.0);
    assert!(!one["support"]["name"].as_str().unwrap().is_empty());
    let group = get(&sandbox, "/api/v1/supportgroups/11.json", AGENT)
        .await
        .json();
    assert_eq!(group["supportgroup"]["sgName"], "一线客服组");
    let templates = get(&sandbox, "/api/v1/tickettemplates.json", AGENT)
        .await
        .json();
    assert_eq!(templates["tickettemplates"].as_array().unwrap().len(), 3);
    assert_eq!(
        templates["tickettemplates"][0]["ticketTemplateName"],
        "默认模板"
    );
    for path in [
        "/api/v1/supports/99.json",
        "/api/v1/supportgroups/99.json",
        "/api/v1/users/5.json",
        "/api/v1/companies/5.json",
    ] {
        assert_eq!(
            get(&sandbox, path, AGENT).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn upload_then_attach_to_a_reply() {
    let sandbox = seeded(5).await;
    let response = client()
        .post(format!(
            "{}/api/v1/uploads.json?filename=截图.png&ticketReplyId=0",
            sandbox.base_url()
        ))
        .basic_auth(AGENT.0, Some(AGENT.1))
        .header("Content-Type", "application/binary")
        .body(vec![0u8, 1, 2, 3, 4])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let attachment = &body["attachment"];
    assert_eq!(attachment["fileName"], "截图.png");
    assert!(
        attachment["filePath"]
            .as_str()
            .unwrap()
            .starts_with(&sandbox.files_url()),
        "an upload is served by the file host, another origin than the API"
    );
    let token = attachment["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    let answer = put(
        &sandbox,
        "/api/v1/tickets/1.json",
        AGENT,
        json!({"ticket": {"ticketReply": {"replyMsg": "见附件", "attachments": [token]}}}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let reply = sandbox.replies(1).last().unwrap().clone();
    assert_eq!(reply["attachments"][0]["fileName"], "截图.png");
    let answer = call(
        &sandbox,
        Method::POST,
        "/api/v1/uploads.json",
        Some(AGENT),
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bearer_tokens_from_token_php() {
    let sandbox = seeded(5).await;
    let token_url = format!("{}/api/token.php", sandbox.base_url());
    let response = client()
        .post(&token_url)
        .basic_auth("sandbox-secret-id", Some("sandbox-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap().to_owned();
    let response = client()
        .get(format!("{}/api/v1/tickets.json", sandbox.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = client()
        .get(format!("{}/api/v1/tickets.json", sandbox.base_url()))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    for (user, password, grant, expected) in [
        (
            "sandbox-secret-id",
            "wrong",
            "client_credentials",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "sandbox-secret-id",
            "sandbox-secret",
            "password",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let response = client()
            .post(&token_url)
            .basic_auth(user, Some(password))
            .form(&[("grant_type", grant)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
    }

    // A token that has expired.
    let sandbox = sandbox_with(5, |opts| opts.token_ttl = Duration::ZERO).await;
    let body: Value = client()
        .post(format!("{}/api/token.php", sandbox.base_url()))
        .basic_auth("sandbox-secret-id", Some("sandbox-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = client()
        .get(format!("{}/api/v1/tickets.json", sandbox.base_url()))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn hostile_inserted_ticket_is_served_verbatim() {
    let sandbox = seeded(3).await;
    let hostile = json!({
        "ticketId": "77",
        "subject": "\u{1b}[2J恶意标题\u{7}",
        "ticketStatus": "已解决",
        "ccUserIdList": [1, 2],
        "custom_fields": "not an array",
    });
    let id = sandbox.insert_ticket(hostile.clone());
    assert_eq!(id, 77);
    let body = get(&sandbox, "/api/v1/tickets/77_v2.json", ADMIN)
        .await
        .json();
    assert_eq!(body["ticket"], hostile);
    let list = get(&sandbox, "/api/v1/tickets.json", ADMIN).await.json();
    assert_eq!(num(&list["count"]), 4);
    assert_eq!(list["tickets"][3], hostile);
    // A ticket without an id gets the next one.
    assert_eq!(sandbox.insert_ticket(json!({"subject": "无编号"})), 78);
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let sandbox = seeded(3).await;
    let url = format!("{}/api/v1/tickets.json", sandbox.base_url());
    sandbox.shutdown().await;
    let result = reqwest::Client::new()
        .get(&url)
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn hostile_text_option_seeds_escape_sequences() {
    let sandbox = sandbox_with(12, |opts| opts.hostile_text = true).await;
    let body = get(&sandbox, "/api/v1/tickets/5_v2.json", ADMIN)
        .await
        .json();
    let subject = body["ticket"]["subject"].as_str().unwrap();
    for needle in [
        "\u{1b}]52;",
        "\u{1b}]0;",
        "\u{1b}[2J",
        "\u{9b}",
        "\u{202e}",
        "\u{200d}",
    ] {
        assert!(subject.contains(needle), "{needle:?} in {subject:?}");
    }
    let description = body["ticket"]["description"].as_str().unwrap();
    assert!(description.contains("\u{1b}]52;") && description.contains("<p>"));
    let clean = get(&sandbox, "/api/v1/tickets/4_v2.json", ADMIN)
        .await
        .json();
    assert!(
        !clean["ticket"]["subject"]
            .as_str()
            .unwrap()
            .contains('\u{1b}')
    );
    let plain = seeded(12).await;
    let plain_subject = plain.ticket(5).unwrap()["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(subject.contains(&plain_subject), "the readable text stays");
    let contact = get(&sandbox, "/api/v1/users/1010.json", ADMIN).await.json();
    assert!(contact["user"]["name"].as_str().unwrap().contains('\u{1b}'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_all_answered() {
    let sandbox = seeded(150).await;
    let client = client();
    let requests = (1..=40u64).map(|id| {
        let request = if id % 2 == 0 {
            client.get(format!(
                "{}/api/v1/tickets/{id}_v2.json",
                sandbox.base_url()
            ))
        } else {
            client
                .put(format!("{}/api/v1/tickets/{id}.json", sandbox.base_url()))
                .json(&json!({"ticket": {"priorityLevel": 4}}))
        };
        request.basic_auth(ADMIN.0, Some(ADMIN.1)).send()
    });
    for response in futures::future::join_all(requests).await {
        assert_eq!(response.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(sandbox.request_count(Route::Show), 20);
    assert_eq!(sandbox.request_count(Route::Update), 20);
    assert!(
        (1..=40u64)
            .filter(|id| id % 2 == 1)
            .all(|id| sandbox.update_count(id) == 1)
    );
}

/// Kills the child process when the test ends, even by a failed assertion.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `gongdan sandbox` itself: prints its address and both accounts, then answers the vendor
/// page's first curl example with them.
#[tokio::test]
async fn the_sandbox_command_prints_its_address_and_accounts() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_gongdan"))
            .args([
                "sandbox",
                "--addr",
                "127.0.0.1:0",
                "--tickets",
                "7",
                "--seed",
                "3",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    // Read the banner on a blocking thread: the lines come before the server waits.
    let banner = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .take(3)
            .collect::<Result<Vec<String>, _>>()
    });
    let banner = tokio::time::timeout(Duration::from_secs(60), banner)
        .await
        .expect("a banner from gongdan sandbox")
        .unwrap()
        .unwrap();
    let base = banner[0].rsplit(' ').next().unwrap().trim().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{banner:?}");
    assert!(
        banner[1].contains("admin@example.com / admin-pass"),
        "{banner:?}"
    );
    assert!(
        banner[2].contains("agent@example.com / agent-pass"),
        "{banner:?}"
    );
    let body: Value = client()
        .get(format!("{base}/api/v1/tickets.json"))
        .basic_auth(ADMIN.0, Some(ADMIN.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(num(&body["count"]), 7);
}

/// The results of one update many call: (ticket id, success, error_log).
fn many_results(answer: &Answer) -> Vec<(i64, bool, String)> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                num(&r["ticketId"]),
                r["success"].as_bool().unwrap(),
                r["error_log"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn injected_busy_failures_hit_the_first_large_enough_call_once_spread_out() {
    let sandbox = sandbox_with(120, |o| o.busy_failures = 2).await;
    // A call of one ticket is smaller than the budget: untouched.
    let one = put(
        &sandbox,
        "/api/v1/tickets/update_many.json?ids=1",
        ADMIN,
        json!({"ticket": {"priorityLevel": 3}}),
    )
    .await;
    assert!(many_results(&one).iter().all(|r| r.1));
    let ids: Vec<String> = (10..=109).map(|id| id.to_string()).collect();
    let path = format!("/api/v1/tickets/update_many.json?ids={}", ids.join(","));
    let first = many_results(
        &put(
            &sandbox,
            &path,
            ADMIN,
            json!({"ticket": {"ticketStatus": 4}}),
        )
        .await,
    );
    let failed: Vec<i64> = first.iter().filter(|r| !r.1).map(|r| r.0).collect();
    assert_eq!(failed, vec![10, 60], "spread over the call, not neighbours");
    for (id, _, reason) in first.iter().filter(|r| !r.1) {
        assert_eq!(reason, gongdan::sandbox::BUSY_REASON, "#{id}");
        assert_eq!(sandbox.update_count(*id as u64), 0);
    }
    // Sent again (a retry, or any later call), they succeed.
    let again = many_results(
        &put(
            &sandbox,
            "/api/v1/tickets/update_many.json?ids=10,60",
            ADMIN,
            json!({"ticket": {"ticketStatus": 4}}),
        )
        .await,
    );
    assert!(again.iter().all(|r| r.1), "{again:?}");
    let later = many_results(
        &put(
            &sandbox,
            &path,
            ADMIN,
            json!({"ticket": {"ticketStatus": 2}}),
        )
        .await,
    );
    assert!(later.iter().all(|r| r.1));
}

#[tokio::test]
async fn a_state_file_keeps_writes_and_spent_failures_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo").join("sandbox.jsonl");
    let opts = |file: &std::path::Path| SandboxOptions {
        busy_failures: 2,
        state_file: Some(file.to_path_buf()),
        ..options(50)
    };
    let sandbox = start(opts(&file)).await.unwrap();
    let before_8 = sandbox.ticket(8).unwrap();
    let results = many_results(
        &put(
            &sandbox,
            "/api/v1/tickets/update_many.json?ids=1,2,3,4",
            ADMIN,
            json!({"ticket": {"ticketStatus": 4}}),
        )
        .await,
    );
    assert_eq!(results.iter().filter(|r| !r.1).count(), 2);
    let single = put(
        &sandbox,
        "/api/v1/tickets/8.json",
        ADMIN,
        json!({"ticket": {"priorityLevel": 4}}),
    )
    .await;
    assert_eq!(single.status, StatusCode::OK, "{}", single.text);
    // A reply with an uploaded file: the upload is kept too, so the reply replays whole.
    let upload = post(
        &sandbox,
        "/api/v1/uploads.json?filename=a.png",
        ADMIN,
        json!("png"),
    )
    .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.text);
    let token = upload.json()["attachment"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = put(
        &sandbox,
        "/api/v1/tickets/9.json",
        ADMIN,
        json!({"ticket": {"ticketReply": {"replyMsg": "附件", "attachments": [token]}}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let replies_9 = sandbox.replies(9);
    assert!(
        replies_9.last().unwrap()["attachments"][0]["fileName"] == "a.png",
        "{replies_9:?}"
    );
    let kept: Vec<(u64, Value)> = sandbox
        .ticket_ids()
        .into_iter()
        .map(|id| (id, sandbox.ticket(id).unwrap()))
        .collect();
    drop(sandbox);

    // Started again from the file: every ticket as it was, counts kept, failures spent.
    let again = start(opts(&file)).await.unwrap();
    for (id, ticket) in &kept {
        assert_eq!(&again.ticket(*id).unwrap(), ticket, "#{id}");
    }
    assert_ne!(again.ticket(8).unwrap(), before_8);
    assert_eq!(again.update_count(8), 1);
    assert_eq!(again.replies(9), replies_9);
    let updated: u64 = (1..=4).map(|id| again.update_count(id)).sum();
    assert_eq!(updated, 2);
    let results = many_results(
        &put(
            &again,
            "/api/v1/tickets/update_many.json?ids=1,2,3,4",
            ADMIN,
            json!({"ticket": {"ticketStatus": 4}}),
        )
        .await,
    );
    assert!(
        results.iter().all(|r| r.1),
        "spent before the restart: {results:?}"
    );
    drop(again);

    // Other seed options: the file is set aside, the data starts fresh.
    let other = start(SandboxOptions {
        seed: 8,
        ..opts(&file)
    })
    .await
    .unwrap();
    assert_eq!(other.update_count(8), 0);
    assert!(file.with_extension("jsonl.old").exists());
}

/// The vendor documents `Requestid` as the way to drop a duplicate request, not only for
/// creates: a repeat of an update, an update-many (both forms) or a reply under the same
/// id answers the first answer and applies nothing; another id applies.
#[tokio::test]
async fn a_repeated_update_reply_or_update_many_with_the_same_requestid_applies_once() {
    let sandbox = seeded(10).await;
    let ids = sandbox.ticket_ids();
    let one = ids[0];
    let send = |method: Method, path: String, request_id: &'static str, body: Value| {
        let url = format!("{}{path}", sandbox.base_url());
        async move {
            let response = client()
                .request(method, url)
                .basic_auth(ADMIN.0, Some(ADMIN.1))
                .header("Requestid", request_id)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            response.text().await.unwrap()
        }
    };
    let reply = json!({"ticket": {"ticketStatus": 4, "ticketReply": {"replyMsg": "已处理"}}});
    let replies_before = sandbox.replies(one).len();
    let path = format!("/api/v1/tickets/{one}.json");
    let first = send(Method::PUT, path.clone(), "up-1", reply.clone()).await;
    let repeat = send(Method::PUT, path.clone(), "up-1", reply.clone()).await;
    assert_eq!(first, repeat, "the first answer, replayed");
    assert_eq!(sandbox.replies(one).len(), replies_before + 1);
    assert_eq!(sandbox.update_count(one), 1);
    send(Method::PUT, path, "up-2", reply).await;
    assert_eq!(
        sandbox.replies(one).len(),
        replies_before + 2,
        "a new id applies"
    );

    let many = format!("/api/v1/tickets/update_many.json?ids={},{}", ids[1], ids[2]);
    let same = json!({"ticket": {"ticketReply": {"replyMsg": "批量回复"}}});
    let each = json!({"tickets": [
        {"ticketId": ids[3], "ticketReply": {"replyMsg": "各自回复"}},
        {"ticketId": ids[4], "priorityLevel": 3},
    ]});
    let each_path = "/api/v1/tickets/update_many.json".to_string();
    let before: Vec<usize> = ids[1..=3]
        .iter()
        .map(|id| sandbox.replies(*id).len())
        .collect();
    for _ in 0..3 {
        send(Method::PUT, many.clone(), "many-1", same.clone()).await;
        send(Method::PUT, each_path.clone(), "each-1", each.clone()).await;
    }
    for id in &ids[1..=4] {
        assert_eq!(sandbox.update_count(*id), 1, "ticket {id}");
    }
    for (id, before) in ids[1..=3].iter().zip(before) {
        assert_eq!(sandbox.replies(*id).len(), before + 1, "one reply on {id}");
    }
    let recorded: Vec<Option<String>> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.route == Route::UpdateMany)
        .map(|r| r.request_id)
        .collect();
    assert_eq!(recorded.len(), 6, "every repeat reached the sandbox");
}

/// The null-fields quirk: tickets 3 and 7 (of each 25) come with tags, CC users and group
/// null and no custom fields from list, show and update; show many answers 3 whole and 7
/// null still. What is stored is untouched.
#[tokio::test]
async fn the_null_fields_quirk_leaves_fields_out_where_live_servers_do() {
    let sandbox = sandbox_with(30, |o| o.quirks.null_fields = true).await;
    let hidden = ["tagList", "ccUserIdList", "servicerGroupId"];
    let is_hidden = |ticket: &Value| {
        hidden.iter().all(|key| ticket[*key].is_null()) && ticket.get("custom_fields").is_none()
    };
    let by_id = |tickets: &Value, id: i64| {
        tickets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| num(&t["ticketId"]) == id)
            .cloned()
            .unwrap()
    };
    let list = get(&sandbox, "/api/v1/tickets.json?per_page=100", ADMIN)
        .await
        .json();
    for id in [3, 7, 28] {
        assert!(is_hidden(&by_id(&list["tickets"], id)), "ticket {id}");
    }
    for id in [1, 2, 4, 8, 25] {
        assert!(!is_hidden(&by_id(&list["tickets"], id)), "ticket {id}");
    }
    for path in ["/api/v1/tickets/3.json", "/api/v1/tickets/7_v2.json"] {
        let shown = get(&sandbox, path, ADMIN).await.json();
        let ticket = if shown["ticket"].is_array() {
            shown["ticket"][0].clone()
        } else {
            shown["ticket"].clone()
        };
        assert!(is_hidden(&ticket), "{path}");
    }
    let many = get(&sandbox, "/api/v1/tickets/show_many.json?ids=3,7", ADMIN)
        .await
        .json();
    assert!(!is_hidden(&by_id(&many["tickets"], 3)));
    assert!(is_hidden(&by_id(&many["tickets"], 7)));
    // The stored ticket has its fields all along.
    let stored = sandbox.ticket(7).unwrap();
    assert!(stored["tagList"].is_string());
    assert!(stored["custom_fields"].is_array());
    // An update answers as show does.
    let answer = put(
        &sandbox,
        "/api/v1/tickets/3.json",
        ADMIN,
        json!({"ticket": {"priorityLevel": 4}}),
    )
    .await
    .json();
    assert!(is_hidden(&answer["ticket"]));
}
