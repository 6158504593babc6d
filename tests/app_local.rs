//! Local sort and filter (`app::local`), by property: the sort is a total order consistent
//! with its comparator and does not depend on the input's order; the live filter, fed a
//! text one piece at a time (and cut back now and then), answers what a fresh filter
//! answers for the same text.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use chrono::NaiveDate;
use gongdan::api::query::{Known, QueryLookups, SortOrder};
use gongdan::api::{CustomField, CustomValue, FieldDef, IdField, Priority, Ticket, TicketStatus};
use gongdan::app::local::{
    Column, FilterMode, LiveFilter, LocalLookups, compare_tickets, sort_ids,
};
use proptest::prelude::*;

struct Names {
    contacts: HashMap<u64, String>,
    agents: HashMap<u64, String>,
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
        (id == 11).then_some("售后一组")
    }
}

fn names() -> Names {
    Names {
        contacts: [(1, "张伟"), (2, "李娜"), (3, "Wang Fang")]
            .into_iter()
            .map(|(id, name)| (id, name.to_owned()))
            .collect(),
        agents: [(1, "赵六"), (2, "Alice"), (4, "值班:夜班")]
            .into_iter()
            .map(|(id, name)| (id, name.to_owned()))
            .collect(),
        fields: vec![FieldDef {
            key: "field_2".into(),
            name: "问题分类".into(),
            kind: 1,
            required: true,
            options: vec![
                ("231".into(), "账号登录".into()),
                ("232".into(), "支付问题".into()),
            ],
        }],
    }
}

const SUBJECTS: &[&str] = &[
    "无法登录系统",
    "登录后页面一片空白",
    "VPN 断线",
    "ＶＩＰ客户投诉",
    "发票开具申请(订单 DD202506150001)",
    "Printer JAMMED",
    "ΣΑΣ test",
];
const TAGS: &[&str] = &["vip客户", "普通客户", "紧急", "VIP"];
const CUSTOM: &[&str] = &["10", "9", "9.5", "abc", "1e1", "支付问题", "232", "", "-3"];

fn id_field(choice: u8) -> IdField {
    match choice % 5 {
        0 => IdField::Unknown,
        1 => IdField::Unset,
        other => IdField::Id(u64::from(other) - 1),
    }
}

prop_compose! {
    fn ticket()(
        subject in 0..SUBJECTS.len(),
        status in proptest::option::of(0..6usize),
        priority in proptest::option::of(0..4usize),
        contact in proptest::option::of(1..5u64),
        assignee in any::<u8>(),
        group in any::<u8>(),
        tags in proptest::option::of(proptest::sample::subsequence(TAGS, 0..3)),
        created in proptest::option::of(0..40i64),
        custom in proptest::option::of(0..CUSTOM.len()),
        dropdown in proptest::option::of(0..CUSTOM.len()),
    ) -> Ticket {
        let day = |offset: i64| {
            NaiveDate::from_ymd_opt(2025, 6, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .map(|d| d + chrono::Duration::hours(offset * 7))
        };
        let mut custom_fields = Vec::new();
        if let Some(at) = custom {
            custom_fields.push(CustomField {
                key: "field_5".into(),
                value: CustomValue::Text(CUSTOM[at].into()),
                pay_status: None,
            });
        }
        if let Some(at) = dropdown {
            custom_fields.push(CustomField {
                key: "field_2".into(),
                value: CustomValue::Text(CUSTOM[at].into()),
                pay_status: None,
            });
        }
        Ticket {
            id: 0,
            subject: SUBJECTS[subject].into(),
            status: status.map(|s| TicketStatus::ALL[s]),
            priority: priority.map(|p| Priority::ALL[p]),
            contact_id: contact,
            assignee_id: id_field(assignee),
            group_id: id_field(group).id().map_or(id_field(group), |id| IdField::Id(id + 9)),
            tags: tags.map(|tags| tags.into_iter().map(str::to_owned).collect()),
            created: created.and_then(day),
            updated: created.and_then(|c| day(c + 3)),
            custom_fields,
            ..Ticket::default()
        }
    }
}

/// Tickets with distinct ids, in a shuffled order.
fn tickets() -> impl Strategy<Value = Vec<Ticket>> {
    proptest::collection::vec(ticket(), 1..40)
        .prop_flat_map(|tickets| {
            let n = tickets.len();
            (
                Just(tickets),
                Just((1..=n as u64).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
        .prop_map(|(mut tickets, ids)| {
            for (ticket, id) in tickets.iter_mut().zip(ids) {
                ticket.id = id * 7;
            }
            tickets
        })
}

fn columns() -> Vec<Column> {
    vec![
        Column::Id,
        Column::Status,
        Column::Priority,
        Column::Type,
        Column::Assignee,
        Column::Group,
        Column::Contact,
        Column::Tags,
        Column::Created,
        Column::Updated,
        Column::Custom("field_5".into()),
        Column::Custom("field_2".into()),
        Column::Custom("absent".into()),
    ]
}

/// Pieces typed into the filter: words, field terms, dates, fullwidth and Σ.
const PIECES: &[&str] = &[
    "登",
    "录",
    "系统",
    "vip",
    "ＶＩＰ",
    "客户",
    " ",
    "status:",
    "2",
    ",",
    "4",
    "已解决",
    "tagList:",
    "vip客户",
    "createDT>",
    "2025-06-03",
    "field_2:",
    "支付",
    "232",
    "field_5:",
    "9",
    "Σ",
    "σ",
    "dd2025",
    "张",
    "alice",
    "Wang",
    "订单:",
    "\"",
    "7",
    // Whole terms, so that a query grows into a wider one (`status:2` → `status:2,4`,
    // `tagList:vip` → `tagList:vip客户`) and not only through a text that does not parse.
    " status:2",
    ",4",
    " tagList:vip",
    " field_5:9",
    ".5",
    " createDT>2025-06-0",
    "3",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_sort_is_total_consistent_and_deterministic(tickets in tickets()) {
        let names = names();
        let by_id: HashMap<u64, &Ticket> = tickets.iter().map(|t| (t.id, t)).collect();
        let mut reversed = tickets.clone();
        reversed.reverse();
        for column in columns() {
            for order in [SortOrder::Asc, SortOrder::Desc] {
                let ids = sort_ids(&tickets, &column, order, &names);
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                let mut all: Vec<u64> = tickets.iter().map(|t| t.id).collect();
                all.sort_unstable();
                prop_assert_eq!(&sorted, &all, "a permutation");
                // Every earlier ticket compares before every later one: the comparator is
                // a strict total order and the sort follows it.
                for (i, a) in ids.iter().enumerate() {
                    for b in &ids[i + 1..] {
                        let (ta, tb) = (by_id[a], by_id[b]);
                        prop_assert_eq!(
                            compare_tickets(ta, tb, &column, order, &names),
                            std::cmp::Ordering::Less,
                            "{:?} {:?}: {} before {}", column, order, a, b
                        );
                        prop_assert_eq!(
                            compare_tickets(tb, ta, &column, order, &names),
                            std::cmp::Ordering::Greater
                        );
                    }
                }
                prop_assert_eq!(&sort_ids(&reversed, &column, order, &names), &ids);
            }
            // Descending is ascending reversed among the known; unknowns stay last.
            let asc = sort_ids(&tickets, &column, SortOrder::Asc, &names);
            let desc = sort_ids(&tickets, &column, SortOrder::Desc, &names);
            prop_assert_eq!(asc.len(), desc.len());
        }
    }

    #[test]
    fn the_live_filter_answers_what_a_fresh_one_does(
        tickets in tickets(),
        steps in proptest::collection::vec((0..PIECES.len(), 0..8u8), 1..40),
    ) {
        let names = names();
        let known = |t: &Ticket| if t.id % 3 == 0 { Known::SearchHit } else { Known::Full };
        let mut live = LiveFilter::new();
        // One prepared ahead, as the console does when its tickets change.
        let mut prepared = LiveFilter::new();
        prepared.prepare(&tickets, 1);
        let mut text = String::new();
        for (piece, cut) in steps {
            if cut == 0 {
                // A backspace or two now and then.
                let keep = text.chars().count().saturating_sub(2);
                text = text.chars().take(keep).collect();
            } else {
                text.push_str(PIECES[piece]);
            }
            let incremental = live.apply(&text, &tickets, 1, &known, &names).clone();
            let fresh = LiveFilter::new().apply(&text, &tickets, 1, &known, &names).clone();
            prop_assert_eq!(&incremental, &fresh, "{:?}", text);
            let ahead = prepared.apply(&text, &tickets, 1, &known, &names);
            prop_assert_eq!(ahead, &fresh, "{:?}", text);
        }
    }
}

fn sample() -> Vec<Ticket> {
    use proptest::strategy::ValueTree;
    let runner = &mut proptest::test_runner::TestRunner::deterministic();
    tickets().new_tree(runner).unwrap().current()
}

#[test]
fn a_new_generation_starts_from_scratch() {
    let names = names();
    let known = |_: &Ticket| Known::Full;
    let mut tickets = sample();
    let mut live = LiveFilter::new();
    let before = live.apply("vip", &tickets, 1, &known, &names).clone();
    // The same tickets, changed in place: a narrowing text over a new generation sees them.
    for ticket in &mut tickets {
        ticket.subject = "vip客户来电".into();
    }
    let after = live.apply("vip客", &tickets, 2, &known, &names).clone();
    assert_eq!(after.rows.len(), tickets.len());
    assert!(before.rows.len() <= after.rows.len());
}

#[test]
fn text_that_is_no_query_is_a_folded_substring_over_names_and_tags() {
    let names = names();
    let known = |_: &Ticket| Known::Full;
    let tickets = vec![
        Ticket {
            id: 10,
            subject: "其他".into(),
            tags: Some(vec!["售后:上门".into()]),
            ..Ticket::default()
        },
        Ticket {
            id: 20,
            subject: "ＶＩＰ:客户".into(),
            assignee_id: IdField::Id(4),
            ..Ticket::default()
        },
        Ticket {
            id: 30,
            subject: "其他".into(),
            contact_id: Some(3),
            ..Ticket::default()
        },
    ];
    let ids = |rows: &[usize]| rows.iter().map(|&at| tickets[at].id).collect::<Vec<_>>();
    let mut live = LiveFilter::new();
    let mut run = |text: &str| {
        let answer = live.apply(text, &tickets, 1, &known, &names);
        (answer.mode, ids(&answer.rows))
    };
    // A field term without a value, and a field name that is Chinese or fullwidth, are no
    // query: substrings, width and case folded.
    assert_eq!(run("vip:"), (FilterMode::Text, vec![20]));
    assert_eq!(run("ｖｉｐ:客"), (FilterMode::Text, vec![20]));
    assert_eq!(run("vip:x"), (FilterMode::Query, vec![]));
    assert_eq!(run("售后:上"), (FilterMode::Text, vec![10]));
    // The assignee's name, and a quoted phrase with a space (which the server cannot take)
    // over the contact's name.
    assert_eq!(run("值班:夜"), (FilterMode::Text, vec![20]));
    assert_eq!(run("\"WANG FANG\""), (FilterMode::Text, vec![30]));
    // Unquoted, two bare words: each in what the rows show (here the contact's name).
    assert_eq!(run("wang fang"), (FilterMode::Text, vec![30]));
    assert_eq!(run("fang wang"), (FilterMode::Text, vec![30]));
    assert_eq!(run("  "), (FilterMode::All, vec![10, 20, 30]));
}

#[test]
fn names_that_arrive_later_are_matched_at_the_next_key_without_folding_again() {
    let known = |_: &Ticket| Known::Full;
    let tickets = vec![
        Ticket {
            id: 10,
            subject: "其他".into(),
            contact_id: Some(3),
            ..Ticket::default()
        },
        Ticket {
            id: 20,
            subject: "wang's printer".into(),
            ..Ticket::default()
        },
    ];
    let ids = |rows: &[usize]| rows.iter().map(|&at| tickets[at].id).collect::<Vec<_>>();
    let mut live = LiveFilter::new();
    let none = Names {
        contacts: Default::default(),
        agents: Default::default(),
        fields: vec![],
    };
    live.prepare(&tickets, 1);
    // The contact's name is not known yet: only the subject matches.
    let before = live.apply("wang", &tickets, 1, &known, &none).rows.clone();
    assert_eq!(ids(&before), vec![20]);
    // It arrives (the rows on screen ask their names): the same key, the same tickets'
    // generation, and the name matches.
    live.names_changed();
    let after = live
        .apply("wang", &tickets, 1, &known, &names())
        .rows
        .clone();
    assert_eq!(ids(&after), vec![10, 20]);
    // A longer text narrows from there, names included.
    let narrower = live
        .apply("wang f", &tickets, 1, &known, &names())
        .rows
        .clone();
    assert_eq!(ids(&narrower), vec![10]);
}
