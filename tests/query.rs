//! The search language and the list parameters.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongdan::api::QueryError;
use gongdan::api::query::{DateField, DateOp};
use gongdan::api::{
    ListOrder, ListQuery, Priority, SearchQuery, SearchSort, SearchTerm, SortOrder, TicketStatus,
};
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every `query=` example on the vendor page, with the `< =` typo written as meant.
const VENDOR_EXAMPLES: &[&str] = &[
    "2444",
    "ticketStatus:2,4",
    "field_1:454",
    "2444 createDT>2017-07-01",
    "ticketStatus:2,4 createDT<=2017-07-01",
    "ticketStatus:2,4 updateDT>=2017-07-01",
    "ticketStatus:4 createDT>2017-07-03",
    "createDT<2017-09-01",
    "createDT>2017-09-01",
    "createDT:2017-09-01",
    "createDT<=2017-09-01",
    "createDT>=2017-09-01",
];

#[test]
fn every_vendor_example_parses_and_renders_back_unchanged() {
    for example in VENDOR_EXAMPLES {
        let query = SearchQuery::parse(example).unwrap();
        assert_eq!(&query.render().unwrap(), example);
    }
}

#[test]
fn vendor_examples_parse_into_the_right_terms() {
    assert_eq!(
        SearchQuery::parse("2444").unwrap().terms,
        vec![SearchTerm::Word("2444".into())]
    );
    assert_eq!(
        SearchQuery::parse("ticketStatus:2,4 updateDT>=2017-07-01")
            .unwrap()
            .terms,
        vec![
            SearchTerm::Field {
                field: "ticketStatus".into(),
                values: vec!["2".into(), "4".into()]
            },
            SearchTerm::Date {
                field: DateField::Updated,
                op: DateOp::OnOrAfter,
                date: day(2017, 7, 1)
            },
        ]
    );
    let ops: Vec<DateOp> = ["<", ">", ":", "<=", ">="]
        .iter()
        .map(|op| {
            match SearchQuery::parse(&format!("createDT{op}2017-09-01"))
                .unwrap()
                .terms[0]
            {
                SearchTerm::Date { op, .. } => op,
                ref other => panic!("{other:?}"),
            }
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            DateOp::Before,
            DateOp::After,
            DateOp::On,
            DateOp::OnOrBefore,
            DateOp::OnOrAfter
        ]
    );
}

#[test]
fn the_vendor_typo_with_a_space_is_refused() {
    assert_eq!(
        SearchQuery::parse("ticketStatus:2,4 createDT< =2017-07-01"),
        Err(QueryError::SpaceInValue("createDT< =2017-07-01".into()))
    );
}

#[test]
fn a_quoted_phrase_with_a_space_is_refused() {
    assert_eq!(
        SearchQuery::parse("ticketStatus:2 \"退款 申请\""),
        Err(QueryError::SpaceInValue("\"退款 申请\"".into()))
    );
    assert_eq!(
        SearchQuery::parse("“打印机 故障”"),
        Err(QueryError::SpaceInValue("“打印机 故障”".into()))
    );
    // Quotes around one word are just characters of the word.
    assert_eq!(
        SearchQuery::parse("\"退款\" 张三")
            .unwrap()
            .render()
            .unwrap(),
        "\"退款\" 张三"
    );
}

#[test]
fn malformed_dates_and_operators_are_refused() {
    for (text, error) in [
        (
            "createDT>=2017-13-01",
            QueryError::BadDate("2017-13-01".into()),
        ),
        (
            "createDT>=2017-02-30",
            QueryError::BadDate("2017-02-30".into()),
        ),
        ("createDT>=2017-7-1", QueryError::BadDate("2017-7-1".into())),
        ("updateDT>", QueryError::BadDate(String::new())),
        (
            "createDT=2017-07-01",
            QueryError::BadDate("=2017-07-01".into()),
        ),
        (
            "updateDT:2017-07-01,2017-07-02",
            QueryError::BadDate("2017-07-01,2017-07-02".into()),
        ),
    ] {
        assert_eq!(SearchQuery::parse(text), Err(error), "{text}");
    }
}

#[test]
fn bad_fields_and_empty_values_are_refused() {
    assert_eq!(
        SearchQuery::parse("ticketStatus:"),
        Err(QueryError::EmptyValue)
    );
    assert_eq!(
        SearchQuery::parse("ticketStatus:2,,4"),
        Err(QueryError::EmptyValue)
    );
    assert_eq!(
        SearchQuery::parse(":abc"),
        Err(QueryError::BadField(String::new()))
    );
    assert_eq!(
        SearchQuery::parse("状态:2"),
        Err(QueryError::BadField("状态".into()))
    );
    assert_eq!(
        SearchQuery::parse("1field:2"),
        Err(QueryError::BadField("1field".into()))
    );
}

#[test]
fn parse_splits_on_any_whitespace_and_renders_single_spaces() {
    let query = SearchQuery::parse("  退款\t张三\u{3000}ticketStatus:1  ").unwrap();
    assert_eq!(query.render().unwrap(), "退款 张三 ticketStatus:1");
    assert_eq!(SearchQuery::parse("").unwrap().render().unwrap(), "");
}

#[test]
fn enum_labels_typed_by_a_person_become_codes() {
    let query = SearchQuery::parse("ticketStatus:open,待回应 priorityLevel:紧急").unwrap();
    assert_eq!(query.render().unwrap(), "ticketStatus:2,3 priorityLevel:4");
    // Other fields keep their text.
    let query = SearchQuery::parse("field_1:open").unwrap();
    assert_eq!(query.render().unwrap(), "field_1:open");
}

#[test]
fn render_refuses_a_space_in_any_value() {
    for term in [
        SearchTerm::Word("退款 申请".into()),
        SearchTerm::Word("a\u{3000}b".into()),
        SearchTerm::Word("a\nb".into()),
        SearchTerm::Field {
            field: "field_1".into(),
            values: vec!["ok".into(), "two words".into()],
        },
    ] {
        let query = SearchQuery {
            terms: vec![term],
            ..SearchQuery::default()
        };
        assert!(
            matches!(query.render(), Err(QueryError::SpaceInValue(_))),
            "{query:?}"
        );
    }
}

#[test]
fn render_refuses_what_the_server_would_misread() {
    let render = |term: SearchTerm| {
        SearchQuery {
            terms: vec![term],
            ..SearchQuery::default()
        }
        .render()
    };
    assert_eq!(
        render(SearchTerm::Word(String::new())),
        Err(QueryError::EmptyValue)
    );
    // A word that reads as a field or date term.
    assert!(matches!(
        render(SearchTerm::Word("a:b".into())),
        Err(QueryError::BadField(_))
    ));
    assert!(matches!(
        render(SearchTerm::Word("createDT>2017-01-01".into())),
        Err(QueryError::BadField(_))
    ));
    assert_eq!(
        render(SearchTerm::Field {
            field: "field_1".into(),
            values: vec![]
        }),
        Err(QueryError::EmptyValue)
    );
    assert_eq!(
        render(SearchTerm::Field {
            field: "bad field".into(),
            values: vec!["1".into()]
        }),
        Err(QueryError::BadField("bad field".into()))
    );
    assert_eq!(
        render(SearchTerm::Field {
            field: "createDT".into(),
            values: vec!["yesterday".into()]
        }),
        Err(QueryError::BadDate("yesterday".into()))
    );
}

#[test]
fn builder_composes_terms_in_order() {
    let query = SearchQuery::new()
        .status([TicketStatus::Open, TicketStatus::Pending])
        .created(DateOp::OnOrAfter, day(2024, 1, 1))
        .word("退款")
        .unwrap()
        .priority([Priority::Urgent])
        .field("field_1", ["454"])
        .unwrap()
        .updated(DateOp::Before, day(2024, 2, 1))
        .assignee([12])
        .sort(SearchSort::Updated, SortOrder::Asc)
        .page(2)
        .per_page(50);
    assert_eq!(
        query.render().unwrap(),
        "ticketStatus:2,3 createDT>=2024-01-01 退款 priorityLevel:4 field_1:454 \
         updateDT<2024-02-01 servicerUserId:12"
    );
    assert_eq!(
        query.params().unwrap(),
        vec![
            ("query", query.render().unwrap()),
            ("sort_by", "updateDT".to_owned()),
            ("sort_order", "asc".to_owned()),
            ("page", "2".to_owned()),
            ("per_page", "50".to_owned()),
        ]
    );
    // An empty status set adds no term.
    assert_eq!(SearchQuery::new().status([]).terms, vec![]);
}

#[test]
fn builder_refuses_bad_words_at_once() {
    assert_eq!(
        SearchQuery::new().word("two words"),
        Err(QueryError::SpaceInValue("two words".into()))
    );
    assert_eq!(
        SearchQuery::new().field("field 1", ["x"]),
        Err(QueryError::BadField("field 1".into()))
    );
    assert!(SearchQuery::new().field("field_1", [""; 0]).is_err());
}

#[test]
fn search_params_fail_when_the_query_would_be_misread() {
    let query = SearchQuery {
        terms: vec![SearchTerm::Word("a b".into())],
        ..SearchQuery::default()
    };
    assert!(query.params().is_err());
    assert_eq!(
        SearchQuery::new().params().unwrap(),
        vec![("query", String::new())]
    );
}

#[test]
fn list_params_render_dates_with_time_and_the_order() {
    let start = day(2012, 1, 1).and_hms_opt(0, 0, 0).unwrap();
    let end = day(2012, 1, 31).and_hms_opt(23, 59, 59).unwrap();
    let query = ListQuery::new()
        .created(Some(start), Some(end))
        .updated(None, Some(end))
        .order(ListOrder::Status(SortOrder::Desc))
        .page(3)
        .per_page(100);
    assert_eq!(
        query.params(),
        vec![
            ("created_start", "2012-01-01 00:00:00".to_owned()),
            ("created_end", "2012-01-31 23:59:59".to_owned()),
            ("updated_end", "2012-01-31 23:59:59".to_owned()),
            ("status_order", "desc".to_owned()),
            ("page", "3".to_owned()),
            ("per_page", "100".to_owned()),
        ]
    );
    assert_eq!(ListQuery::default().params(), vec![]);
    for (order, name) in [
        (ListOrder::Created(SortOrder::Asc), "created_order"),
        (ListOrder::Updated(SortOrder::Asc), "updated_order"),
    ] {
        assert_eq!(
            ListQuery::new().order(order).params(),
            vec![(name, "asc".to_owned())]
        );
    }
}

fn arb_term() -> impl Strategy<Value = SearchTerm> {
    let value = "[a-zA-Z0-9_\\-\\.\u{4e00}-\u{4e20}]{1,8}";
    prop_oneof![
        "[a-z0-9\u{4e00}-\u{4e20}]{1,8}".prop_map(SearchTerm::Word),
        (
            "[a-z_][a-zA-Z0-9_]{0,10}",
            prop::collection::vec(value, 1..4)
        )
            .prop_filter("date and enum fields have their own rules", |(field, _)| {
                ![
                    "createDT",
                    "updateDT",
                    "ticketStatus",
                    "priorityLevel",
                    "ticketType",
                    "ticketSource",
                ]
                .contains(&field.as_str())
            })
            .prop_map(|(field, values)| SearchTerm::Field { field, values }),
        (
            prop::sample::select(vec![DateField::Created, DateField::Updated]),
            prop::sample::select(vec![
                DateOp::Before,
                DateOp::After,
                DateOp::On,
                DateOp::OnOrBefore,
                DateOp::OnOrAfter
            ]),
            0i32..20000,
        )
            .prop_map(|(field, op, days)| SearchTerm::Date {
                field,
                op,
                date: day(1990, 1, 1) + chrono::Days::new(days as u64),
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_inverts_render(terms in prop::collection::vec(arb_term(), 0..6)) {
        let query = SearchQuery { terms, ..SearchQuery::default() };
        let text = query.render().unwrap();
        prop_assert!(!text.contains("  "));
        prop_assert_eq!(SearchQuery::parse(&text).unwrap(), query);
    }

    #[test]
    fn parse_and_render_never_panic(text in any::<String>()) {
        if let Ok(query) = SearchQuery::parse(&text) {
            // What parses renders, and means the same.
            let rendered = query.render().unwrap();
            prop_assert!(!rendered.chars().any(|c| c.is_control()));
            prop_assert_eq!(SearchQuery::parse(&rendered).unwrap(), query);
        }
    }

    #[test]
    fn rendered_values_never_hold_whitespace(word in any::<String>()) {
        if let Ok(query) = SearchQuery::new().word(word.clone()) {
            let rendered = query.render().unwrap();
            prop_assert!(!rendered.chars().any(char::is_whitespace));
        } else {
            prop_assert!(word.is_empty() || word.chars().any(|c| c.is_whitespace() || c.is_control() || c == ':') || word.starts_with("createDT") || word.starts_with("updateDT"));
        }
    }
}

#[test]
fn the_short_enum_field_names_the_search_line_completes_mean_the_long_ones() {
    let query = gongdan::api::SearchQuery::parse("status:pending priority:高 type:2").unwrap();
    assert_eq!(
        query.render().unwrap(),
        "ticketStatus:3 priorityLevel:3 ticketType:2"
    );
    // Every field the line completes parses, and the enum ones offer values in both languages.
    for field in gongdan::api::query::SEARCH_FIELDS {
        let value = if field.ends_with("DT") {
            "2024-01-01"
        } else {
            "1"
        };
        assert!(
            gongdan::api::SearchQuery::parse(&format!("{field}:{value}")).is_ok(),
            "{field}"
        );
    }
    let values = gongdan::api::query::enum_values("status");
    assert!(
        values.contains(&"pending") && values.contains(&"待回应"),
        "{values:?}"
    );
    assert!(gongdan::api::query::enum_values("tagList").is_empty());
}
