//! Deterministic seed data: the same seed and ticket count give the same store. This file
//! draws the groups, agents, companies, contacts and tickets; the form (custom fields,
//! templates and their values) and the hostile text are in their own modules.

use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

mod form;
mod hostile;

use super::SandboxOptions;
use super::store::{
    Agent, Company, Contact, Entry, Group, ReplyText, Store, StoredReply, join_ids,
};
use form::{custom_values, field_defs, templates};
use hostile::make_hostile;

const SURNAMES: &str = include_str!("../../assets/sandbox/surnames.txt");
const GIVEN_NAMES: &str = include_str!("../../assets/sandbox/given_names.txt");
const COMPANIES: &str = include_str!("../../assets/sandbox/companies.txt");
const GROUPS: &str = include_str!("../../assets/sandbox/agent_groups.txt");
const SUBJECTS: &str = include_str!("../../assets/sandbox/subjects.txt");
const DESCRIPTION_LINES: &str = include_str!("../../assets/sandbox/description_lines.txt");
const TAGS: &str = include_str!("../../assets/sandbox/tags.txt");
const PRODUCTS: &str = include_str!("../../assets/sandbox/products.txt");
const REPLIES: &str = include_str!("../../assets/sandbox/replies.txt");

/// The service provider's id (`agentId`), as in the vendor's example.
pub(crate) const PROVIDER_ID: u64 = 37809;
pub(crate) const DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

fn words(list: &'static str) -> Vec<&'static str> {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

/// Picks one entry; the lists are compiled in and never empty.
fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if roll < *weight {
            return *value;
        }
        roll -= weight;
    }
    choices[0].0
}

fn person_name(rng: &mut StdRng, surnames: &[&str], given: &[&str]) -> String {
    format!("{}{}", pick(rng, surnames), pick(rng, given))
}

pub(crate) fn format_dt(dt: NaiveDateTime) -> String {
    dt.format(DATE_FORMAT).to_string()
}

/// The seeded dates run over two years ending here (a fixed point, so that the data does
/// not depend on the day the sandbox runs).
fn span() -> (NaiveDateTime, i64) {
    let start = NaiveDate::from_ymd_opt(2024, 11, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    (start, 730 * 24 * 3600)
}

fn description(rng: &mut StdRng, lines: &[&str]) -> String {
    let mut html = String::new();
    let first = pick(rng, lines);
    html.push_str(&format!("<p>{first}</p>"));
    match rng.random_range(0..5) {
        0 => {
            html.push_str("<ul>");
            for _ in 0..rng.random_range(2..4) {
                html.push_str(&format!("<li>{}</li>", pick(rng, lines)));
            }
            html.push_str("</ul>");
        }
        1 => html.push_str(&format!(
            "<p>{}<br>{}</p>",
            pick(rng, lines),
            pick(rng, lines)
        )),
        2 => html.push_str(&format!(
            "<p>参考文档:<a href='https://help.example.com/kb/{}'>帮助中心&nbsp;&gt;&nbsp;常见问题</a></p>",
            rng.random_range(100..999)
        )),
        3 => html.push_str("<p>错误提示:&lt;E102&gt; 设备&amp;网络异常,&quot;请重试&quot;</p>"),
        _ => {}
    }
    html
}

fn mobile(rng: &mut StdRng) -> String {
    let prefix = ["130", "135", "138", "139", "150", "158", "186", "189"];
    format!(
        "{}{:08}",
        prefix.choose(rng).copied().unwrap_or("138"),
        rng.random_range(0..100_000_000u32)
    )
}

/// Where the seeded tickets' file links point as stored: the same for every run, so the
/// seed stays the same data; the answers put the file host's own origin in its place
/// (`render::files_on_host`).
pub(crate) const SEED_FILES_HOST: &str = "https://files.example.com";

pub(crate) fn seed_store(opts: &SandboxOptions) -> Store {
    let files_url = SEED_FILES_HOST;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let surnames = words(SURNAMES);
    let given = words(GIVEN_NAMES);
    let (span_start, span_secs) = span();
    let mut store = Store {
        fields: field_defs(),
        templates: templates(),
        next_reply_id: 1,
        next_attach_id: 1,
        ..Store::default()
    };

    for (index, name) in words(GROUPS).into_iter().enumerate() {
        store.groups.push(Group {
            id: 11 + index as u64,
            name: name.to_owned(),
        });
    }
    let group_ids: Vec<u64> = store.groups.iter().map(|group| group.id).collect();

    // Agent 1 is the admin account and agent 2 the ordinary agent, so that replies they
    // write carry a known id.
    let mut agents = vec![
        (opts.admin.account.clone(), true),
        (opts.agent.account.clone(), false),
    ];
    for n in 3..=8 {
        agents.push((format!("agent{n}@example.com"), false));
    }
    for (index, (email, is_admin)) in agents.into_iter().enumerate() {
        let mut groups: Vec<u64> = group_ids
            .choose_multiple(&mut rng, 1 + index % 2)
            .copied()
            .collect();
        groups.sort_unstable();
        store.agents.push(Agent {
            id: 1 + index as u64,
            name: person_name(&mut rng, &surnames, &given),
            email,
            group_ids: groups,
            is_admin,
            active: index != 7,
        });
    }

    for (index, name) in words(COMPANIES).into_iter().enumerate() {
        let offset = rng.random_range(0..span_secs / 4);
        store.companies.insert(
            101 + index as u64,
            Company {
                id: 101 + index as u64,
                name: name.to_owned(),
                create_dt: format_dt(span_start + ChronoDuration::seconds(offset)),
            },
        );
    }
    let company_ids: Vec<u64> = store.companies.keys().copied().collect();

    let contact_count = (opts.tickets / 3).clamp(20, 400);
    for index in 0..contact_count {
        let id = 1001 + index as u64;
        let name = person_name(&mut rng, &surnames, &given);
        let email = if rng.random_bool(0.5) {
            format!("{}@qq.com", rng.random_range(10_000_000..999_999_999u64))
        } else {
            format!("user{id}@example.com")
        };
        let offset = rng.random_range(0..span_secs / 2);
        store.contacts.insert(
            id,
            Contact {
                id,
                name,
                mobile: mobile(&mut rng),
                email,
                fixnumber: format!("010-{}", rng.random_range(60_000_000..69_999_999u32)),
                qq: rng.random_range(10_000_000..999_999_999u64).to_string(),
                company_id: company_ids.choose(&mut rng).copied().unwrap_or(101),
                create_dt: format_dt(span_start + ChronoDuration::seconds(offset)),
            },
        );
    }
    store.next_contact_id = 1001 + contact_count as u64;

    // Creation times ascend with the id, as on a real server.
    let mut offsets: Vec<i64> = (0..opts.tickets)
        .map(|_| rng.random_range(0..span_secs))
        .collect();
    offsets.sort_unstable();
    let subjects = words(SUBJECTS);
    let lines = words(DESCRIPTION_LINES);
    let tags = words(TAGS);
    let replies = words(REPLIES);
    let products: Vec<Vec<&str>> = words(PRODUCTS)
        .into_iter()
        .map(|line| line.split('\t').collect())
        .collect();
    let contact_ids: Vec<u64> = store.contacts.keys().copied().collect();
    let agent_ids: Vec<u64> = store.agents.iter().map(|agent| agent.id).collect();
    let span_end = span_start + ChronoDuration::seconds(span_secs);

    for (index, offset) in offsets.into_iter().enumerate() {
        let id = 1 + index as u64;
        let created = span_start + ChronoDuration::seconds(offset);
        let updated =
            (created + ChronoDuration::seconds(rng.random_range(0..30 * 24 * 3600))).min(span_end);
        let status = weighted(
            &mut rng,
            &[(1u8, 15), (2, 25), (3, 15), (4, 25), (5, 10), (6, 10)],
        );
        let priority = weighted(&mut rng, &[(1u8, 15), (2, 50), (3, 25), (4, 10)]);
        let kind = weighted(&mut rng, &[(1u8, 45), (2, 20), (3, 25), (4, 10)]);
        let source = weighted(
            &mut rng,
            &[
                (1u8, 5),
                (2, 20),
                (3, 15),
                (4, 10),
                (5, 5),
                (7, 15),
                (8, 10),
                (9, 20),
            ],
        );
        let contact_id = contact_ids.choose(&mut rng).copied().unwrap_or(0);
        let servicer = if status == 1 && rng.random_bool(0.5) {
            0
        } else {
            agent_ids.choose(&mut rng).copied().unwrap_or(0)
        };
        let servicer_group = store
            .agent(servicer)
            .and_then(|agent| agent.group_ids.first().copied())
            .unwrap_or(0);
        let mut cc_users: Vec<u64> = if rng.random_bool(0.3) {
            let how_many = rng.random_range(1..3);
            agent_ids
                .choose_multiple(&mut rng, how_many)
                .copied()
                .collect()
        } else {
            Vec::new()
        };
        cc_users.sort_unstable();
        let cc_groups: Vec<u64> = if rng.random_bool(0.15) {
            group_ids.choose(&mut rng).copied().into_iter().collect()
        } else {
            Vec::new()
        };
        let tag_count = rng.random_range(0..4);
        let mut ticket_tags: Vec<&str> =
            tags.choose_multiple(&mut rng, tag_count).copied().collect();
        ticket_tags.shuffle(&mut rng);
        let template_id = weighted(&mut rng, &[(1u64, 60), (2, 25), (3, 15)]);
        let mut subject = pick(&mut rng, &subjects).to_owned();
        match rng.random_range(0..10) {
            0 => subject = format!("客户反馈'{subject}'"),
            1 | 2 => subject.push_str(&format!(
                "(订单 DD{}{:04})",
                created.format("%Y%m%d"),
                rng.random_range(0..10_000)
            )),
            _ => {}
        }
        let creator_is_customer = rng.random_bool(0.4);
        let (custom_fields, tables) =
            custom_values(&mut rng, template_id, created, &products, files_url);

        let mut ticket = json!({
            "ticketId": id,
            "subject": subject,
            "description": description(&mut rng, &lines),
            "ticketSource": source,
            "ticketType": kind,
            "priorityLevel": priority,
            "ticketStatus": status,
            "custUserId": contact_id,
            "agentId": PROVIDER_ID,
            "createrId": if creator_is_customer { contact_id } else { servicer },
            "createrType": u8::from(creator_is_customer),
            "servicerUserId": servicer,
            "servicerGroupId": servicer_group,
            "ccUserIdList": join_ids(&cc_users),
            "ccGroupIdList": join_ids(&cc_groups),
            "ticketTemplateId": template_id,
            "customTemplateId": template_id,
            "tagList": ticket_tags.join(","),
            "createDT": format_dt(created),
            "updateDT": format_dt(updated),
            "openDT": if status >= 2 { format_dt(created + ChronoDuration::minutes(rng.random_range(5..600))) } else { String::new() },
            "solveDT": if status >= 4 { format_dt(updated) } else { String::new() },
            "closeDT": if status >= 5 { format_dt(updated) } else { String::new() },
            "isDeleted": 0,
            "custom_fields": custom_fields,
            "tables": tables,
        });
        if let Some(object) = ticket.as_object_mut() {
            if object.get("openDT").and_then(Value::as_str) == Some("") {
                object.insert("openDT".into(), Value::Null);
            }
            live_only_fields(object, id, status, updated);
        }

        let mut thread = Vec::new();
        let first_reply_user = if creator_is_customer {
            contact_id
        } else {
            servicer
        };
        // The first reply is the description, read from the ticket when listed.
        thread.push(reply(
            &mut store,
            first_reply_user,
            u8::from(creator_is_customer) + 1,
            created,
            ReplyText::Description,
        ));
        let extra = if status == 1 {
            0
        } else {
            rng.random_range(0..4)
        };
        let step = (updated - created).num_seconds().max(1) / (extra + 1);
        for n in 0..extra {
            let from_customer = n % 2 == 1;
            let when = created + ChronoDuration::seconds(step * (n + 1));
            let text = pick(&mut rng, &replies);
            thread.push(reply(
                &mut store,
                if from_customer { contact_id } else { servicer },
                u8::from(from_customer) + 1,
                when,
                ReplyText::Canned(text),
            ));
        }
        store.replies.insert(id, thread);
        store.tickets.insert(id, Entry::stored(ticket));
    }
    store.next_ticket_id = opts.tickets as u64 + 1;
    if opts.hostile_text {
        make_hostile(&mut store);
    }
    store
}

/// Fields seen on live servers but not on the page. Derived from the id, not the random
/// stream, so that adding them did not change the rest of the seeded data.
fn live_only_fields(
    ticket: &mut serde_json::Map<String, Value>,
    id: u64,
    status: u8,
    updated: NaiveDateTime,
) {
    let files_url = SEED_FILES_HOST;
    ticket.insert("workflow_id".into(), json!(0));
    ticket.insert("workflow_node_id".into(), json!(0));
    let wait = if status == 3 {
        format_dt(updated)
    } else {
        String::new()
    };
    ticket.insert("waitDT".into(), json!(wait));
    let segment = format!("desc-{id}.png");
    let file = json!({
        "fileName": "截图.png",
        "filePath": format!("{files_url}/attach/{segment}"),
    });
    // Live servers send a list, or (PHP arrays with gaps) an object keyed by index; the
    // list's entries say their size, the object's do not (unknown, not 0).
    let attachments = match id % 10 {
        3 => {
            let mut sized = file;
            sized["fileSize"] = json!(super::files::file_len(&segment));
            json!([sized])
        }
        7 => json!({ "1": file }),
        _ => json!([]),
    };
    ticket.insert("descriptattachments".into(), attachments);
}

/// A reply record, numbered in creation order (replyType 1 agent, 2 customer is our guess).
pub(crate) fn reply(
    store: &mut Store,
    user_id: u64,
    reply_type: u8,
    when: NaiveDateTime,
    text: ReplyText,
) -> StoredReply {
    let id = store.next_reply_id;
    store.next_reply_id += 1;
    StoredReply {
        id,
        user_id,
        reply_type,
        when,
        text,
        attachments: Vec::new(),
    }
}
