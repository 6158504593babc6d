//! The fast path agrees with the general path: fixtures, unusual bodies, generated pages.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};

use super::ticket::{KNOWN, known_index};
use super::*;
use crate::api::decode::{page_of_tickets, parse_json};

/// The general path's answer for the same body.
fn general(body: &[u8]) -> Option<Page<Ticket>> {
    page_of_tickets(&parse_json(body).ok()?).ok()
}

/// Asserts that the fast path, when it answers, answers what the general path does;
/// says whether it answered.
fn agrees(body: &[u8]) -> bool {
    match page(body) {
        Some(fast) => {
            let slow = general(body);
            assert_eq!(
                Some(&fast),
                slow.as_ref(),
                "{}",
                String::from_utf8_lossy(body)
            );
            assert!(slow.is_some_and(|p| p.bad_items.is_empty()));
            true
        }
        None => false,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

#[test]
fn the_usual_shapes_take_the_fast_path_and_agree() {
    // A page of 20 as `bench::live_page_json` writes it (the live servers' shape).
    assert!(agrees(&fixture("live_page_20.json")));
    for name in [
        "vendor_list.json",
        "live_list_strings.json",
        "live_search_nested.json",
        "vendor_search.json",
        "vendor_show_many.json",
        "enum_labels.json",
    ] {
        assert!(agrees(&fixture(name)), "{name} takes the fast path");
    }
    let hostile: Value = serde_json::from_slice(&fixture("hostile_text.json")).unwrap();
    let page_of_one = json!({"tickets": [hostile["ticket"]]});
    assert!(agrees(&serde_json::to_vec(&page_of_one).unwrap()));
    let shapes = [
        json!([{"ticketId": 1}, {"ticketId": "2", "tagList": 5}]),
        json!({"results": [{"ticketId": 3}], "prev_page": "https://x/?page=1"}),
        json!({"tickets": {"count": "7", "results": [{"ticketId": 3}]}, "count": 9}),
        json!({"tickets": [{"ticketId": 1, "descript": "a", "description": "b"}]}),
        json!({"tickets": [{"ticketId": 1, "custom_fields": [null, {"key": "k",
            "value": ["a", 2, true, null]}, {"value": []}], "tables": [null,
            {"custom_fields_key": "t", "tableData": null}]}]}),
    ];
    for shape in shapes {
        assert!(agrees(&serde_json::to_vec(&shape).unwrap()), "{shape}");
    }
}

#[test]
fn known_index_matches_the_known_keys() {
    for (index, key) in KNOWN.iter().enumerate() {
        assert_eq!(known_index(key), Some(index));
    }
    assert_eq!(known_index("ticketid"), None);
}

#[test]
fn json_with_stray_backslashes_is_read_once_repaired() {
    let body = fixture("bad_escapes.json");
    assert!(page(&body).is_none());
    let repaired = crate::api::decode::json::repaired(&body);
    let fast = page(repaired.as_bytes());
    assert!(fast.is_some());
    assert_eq!(fast, general(&body));
}

#[test]
fn unusual_bodies_are_left_to_the_general_path() {
    for body in [
        &br#"{"tickets": [{"ticketId": 1, "ticketId": 2}]}"#[..],
        br#"{"tickets": [{"ticketId": 1}], "results": []}"#,
        br#"{"tickets": null, "results": [{"ticketId": 1}]}"#,
        br#"{"tickets": {"5": {"ticketId": 5}}}"#,
        br#"{"tickets": [{"ticketId": 1, "custom_fields": {"a": 1}}]}"#,
        br#"{"tickets": [{"ticketId": 1, "custom_fields": [{"value": [1, {"a": 1}]}]}]}"#,
        br#"{"tickets": [{"ticketId": 1, "tables": [{"tableData": [{"a": 1, "a": 2}]}]}]}"#,
        br#"{"tickets": ["not a ticket"]}"#,
        br#"{"tickets": [{"subject": "no id"}]}"#,
        br#"{"errcode": "100047", "errmsg": "Invalid resource URI"}"#,
        b"\xEF\xBB\xBF{\"tickets\": []}",
        br#"{"tickets": [{"ticketId": 1, "subject": "it\'s"}]}"#,
        br#"{"tickets": [], "count": 1, "count": 2}"#,
    ] {
        assert!(page(body).is_none(), "{}", String::from_utf8_lossy(body));
    }
}

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
        "[ 0-9,，;|、]{0,12}".prop_map(Value::String),
        "[\u{0}-\u{7f}\u{80}-\u{9f}\u{200b}-\u{200f}\u{2028}\u{202e}\u{301}e\u{e9}]{0,8}"
            .prop_map(Value::String),
        prop::sample::select(vec![
            "已解决",
            "已关闭",
            "solved",
            "urgent",
            "2",
            " 3 ",
            "0",
            "",
            "1.0",
            "x",
            "0000-00-00 00:00:00",
            "2017-05-04 14:08:22",
            "2017-02-30 00:00:00",
            "2017-05-04",
            "2017-05-04T14:08:22",
            "1500000000",
            "true",
            "no",
        ])
        .prop_map(|text| json!(text)),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    arb_scalar().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        "key",
                        "value",
                        "pay_status",
                        "custom_fields_key",
                        "tableData",
                        "a",
                        "b",
                        "a\u{1b}[1m",
                    ]),
                    inner
                ),
                0..5
            )
            .prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

fn arb_ticket() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(
        KNOWN
            .iter()
            .copied()
            .chain(["extra1", "extra2"])
            .collect::<Vec<_>>(),
    );
    let values = prop_oneof![
        3 => arb_scalar(),
        2 => arb_value(),
        1 => Just(json!([{"key": "field_1", "value": [{"a": 1, "b": null}]}])),
        1 => Just(json!([{"key": "f2", "value": ["1", 2, true], "pay_status": "1"}])),
        1 => Just(json!([{"custom_fields_key": "f", "tableData": [{"x": "y", "n": 2.5}]}])),
        1 => Just(json!(["4", 5, null, "6,7"])),
    ];
    (1u64..u64::MAX, prop::collection::vec((keys, values), 0..14)).prop_map(|(id, pairs)| {
        let mut map = serde_json::Map::new();
        map.insert("ticketId".to_owned(), json!(id.to_string()));
        for (key, value) in pairs {
            map.insert(key.to_owned(), value);
        }
        Value::Object(map)
    })
}

#[test]
fn the_fast_path_agrees_with_the_general_path() {
    let pages = (
        prop::collection::vec(arb_ticket(), 0..4),
        arb_scalar(),
        any::<bool>(),
    );
    let mut runner = proptest::test_runner::TestRunner::default();
    let (mut fast, mut cases) = (0, 0);
    for _ in 0..1500 {
        let (tickets, count, nested) = pages.new_tree(&mut runner).unwrap().current();
        let body = if nested {
            json!({"tickets": {"results": tickets, "count": count}})
        } else {
            json!({"tickets": tickets, "count": count, "next_page": "https://x/?page=2"})
        };
        cases += 1;
        if agrees(&serde_json::to_vec(&body).unwrap()) {
            fast += 1;
        }
    }
    // Random values make most tickets malformed; enough must be well formed that the
    // comparison means something.
    assert!(fast * 10 >= cases, "{fast} of {cases} took the fast path");
}
