//! Decoding fixtures for every quirk of API-NOTES.md, encode round trips, and property
//! tests feeding arbitrary input to every decoder.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, NaiveDateTime};
use gongdan::api::decode;
use gongdan::api::encode;
use gongdan::api::{
    ApiError, CustomValue, IdField, NewContact, NewTicket, Priority, Reply, Ticket, TicketChange,
    TicketSource, TicketStatus, TicketType,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn date(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn row(cells: &[(&str, &str)]) -> Vec<(String, String)> {
    cells
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The vendor's examples, made valid.

#[test]
fn vendor_ticket_example_decodes_every_field() {
    let value = decode::parse_json(&fixture("vendor_ticket.json")).unwrap();
    let ticket = decode::ticket(&value).unwrap();
    assert_eq!(ticket.id, 1);
    assert_eq!(
        ticket.url.as_deref(),
        Some("https://www.bangwo8.com/api/v1/tickets/1.json")
    );
    assert_eq!(ticket.subject, "产品咨询");
    // The example says `description` where the table says `descript`.
    assert_eq!(ticket.description.as_deref(), Some("帮我吧是什么?"));
    // Codes outside the vendor's table are kept.
    assert_eq!(ticket.source, Some(TicketSource::Unknown(0)));
    assert_eq!(ticket.status, Some(TicketStatus::Unknown(0)));
    assert_eq!(ticket.ticket_type, Some(TicketType::Question));
    assert_eq!(ticket.priority, Some(Priority::Normal));
    assert_eq!(ticket.contact_id, Some(121));
    assert_eq!(ticket.provider_id, Some(37809));
    // 0 means none.
    assert_eq!(ticket.creator_id, None);
    assert_eq!(ticket.assignee_id, IdField::Id(234));
    assert_eq!(ticket.group_id, IdField::Unset);
    assert_eq!(ticket.cc_user_ids, Some(vec![123, 456, 789]));
    assert_eq!(ticket.cc_group_ids, Some(vec![2432, 3455, 2323]));
    assert_eq!(ticket.tags.unwrap(), vec!["vip客户", "普通客户"]);
    assert_eq!(ticket.created, Some(date("2017-05-04 14:08:22")));
    assert_eq!(ticket.updated, Some(date("2017-05-04 14:08:22")));
    assert_eq!(ticket.custom_fields.len(), 5);
    assert_eq!(ticket.custom_fields[0].key, "field_1");
    assert_eq!(
        ticket.custom_fields[0].value,
        CustomValue::Text("4334".into())
    );
    assert_eq!(ticket.custom_fields[4].pay_status, Some(1));
    assert_eq!(ticket.custom_fields[0].pay_status, None);
    assert_eq!(ticket.tables.len(), 2);
    assert_eq!(ticket.tables[0].key, "field_10");
    assert_eq!(
        ticket.tables[0].rows,
        vec![
            row(&[("fieldkey1", "第一列内容"), ("fieldkey2", "第二列内容")]),
            row(&[("fieldkey1", "第一列内容"), ("fieldkey2", "第二列内容")]),
        ]
    );
    assert!(ticket.extra.is_empty(), "{:?}", ticket.extra);
}

#[test]
fn vendor_list_example_keeps_cpxx_rows_in_received_order() {
    let page = decode::ticket_page(&fixture("vendor_list.json")).unwrap();
    assert_eq!(page.count, Some(42));
    assert_eq!(
        page.next_page.as_deref(),
        Some("https://www.bangwo8.com/api/v1/tickets.json?per_page=40&page=2")
    );
    assert_eq!(page.previous_page, None);
    assert!(page.bad_items.is_empty());
    let ticket = &page.items[0];
    assert_eq!(ticket.id, 110);
    let cpxx = &ticket.custom_fields[2];
    assert_eq!(cpxx.key, "cpxx");
    let expected = row(&[
        ("cpdm", "001.005"),
        ("cpmc", "铺助面板"),
        ("zjm", "PZMB"),
        ("ggxh", "A6020青古"),
    ]);
    assert_eq!(
        cpxx.value,
        CustomValue::Rows(vec![expected.clone(), expected])
    );
}

#[test]
fn vendor_show_answers_in_both_shapes() {
    let v2 = decode::show(&fixture("vendor_show_v2.json"))
        .unwrap()
        .unwrap();
    assert_eq!(v2.id, 27890);
    let legacy = decode::show(&fixture("vendor_show_legacy.json"))
        .unwrap()
        .unwrap();
    assert_eq!(legacy.id, 110);
    assert_eq!(legacy.subject, "产品咨询");
}

#[test]
fn show_of_an_unknown_id_is_none_not_an_error() {
    assert_eq!(
        decode::show(&fixture("live_show_empty.json")).unwrap(),
        None
    );
    assert_eq!(decode::show(b"null").unwrap(), None);
    assert_eq!(decode::show(br#"{"ticket": null}"#).unwrap(), None);
    assert_eq!(decode::show(br#"{"ticket": {}}"#).unwrap(), None);
    assert_eq!(decode::show(br#"{"tickets": []}"#).unwrap(), None);
    // A show-many shape or a bare ticket on a show call.
    let first = decode::show(&fixture("vendor_show_many.json")).unwrap();
    assert_eq!(first.map(|t| t.id), Some(110));
    let bare = decode::show(br#"{"ticketId": "7", "subject": "x"}"#).unwrap();
    assert_eq!(bare.map(|t| t.id), Some(7));
}

#[test]
fn vendor_show_many_keeps_order() {
    let page = decode::show_many(&fixture("vendor_show_many.json")).unwrap();
    let ids: Vec<u64> = page.items.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![110, 111]);
}

#[test]
fn vendor_create_and_update_answers() {
    let created = decode::ticket_envelope(&fixture("vendor_create_answer.json")).unwrap();
    assert_eq!(created.id, 110);
    // The update example answers the status as a Chinese label.
    let updated = decode::ticket_envelope(&fixture("vendor_update_answer.json")).unwrap();
    assert_eq!(updated.id, 3232);
    assert_eq!(updated.status, Some(TicketStatus::Solved));
}

#[test]
fn vendor_update_many_results_mix_success_and_failure() {
    let results = decode::update_results(&fixture("vendor_update_many.json")).unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].ticket_id, 111);
    assert!(!results[0].success);
    assert_eq!(results[0].error, "字段值不合法");
    assert_eq!(results[1].ticket_id, 222);
    assert!(results[1].success);
    assert_eq!(results[1].error, "");
}

#[test]
fn update_results_accept_string_flags_and_infer_missing_success() {
    let body = br#"{"results": [
        {"ticketId": "5", "success": "true"},
        {"ticketId": 6, "success": "0", "error_log": "bad"},
        {"ticketId": 7, "error_log": "no permission"},
        {"error_log": "no id: skipped"},
        "junk"
    ]}"#;
    let results = decode::update_results(body).unwrap();
    let summary: Vec<(u64, bool)> = results.iter().map(|r| (r.ticket_id, r.success)).collect();
    assert_eq!(summary, vec![(5, true), (6, false), (7, false)]);
}

#[test]
fn vendor_search_documented_shape() {
    let page = decode::search_page(&fixture("vendor_search.json")).unwrap();
    assert_eq!(page.count, Some(1234));
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].id, 211);
    assert_eq!(page.items[0].created, Some(date("2009-05-13 10:07:08")));
    assert_eq!(
        page.items[1].url.as_deref(),
        Some("https://www.bangwo8.com/api/v1/tickets/122.json")
    );
    assert!(page.next_page.as_deref().unwrap().ends_with("page=2"));
    assert_eq!(page.previous_page, None);
}

// ---------------------------------------------------------------------------------------
// Live shapes.

#[test]
fn live_search_nested_shape_with_string_count() {
    let page = decode::search_page(&fixture("live_search_nested.json")).unwrap();
    assert_eq!(page.count, Some(10));
    let ids: Vec<u64> = page.items.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![9, 8]);
    assert_eq!(page.items[0].subject, "退款申请");
    assert_eq!(page.next_page, None);
}

#[test]
fn live_ticket_with_numeric_strings_and_live_fields() {
    let ticket = decode::show(&fixture("live_ticket_strings.json"))
        .unwrap()
        .unwrap();
    assert_eq!(ticket.id, 5001);
    assert_eq!(ticket.source, Some(TicketSource::Api));
    assert_eq!(ticket.ticket_type, Some(TicketType::Fault));
    assert_eq!(ticket.priority, Some(Priority::Urgent));
    assert_eq!(ticket.status, Some(TicketStatus::Open));
    assert_eq!(ticket.contact_id, Some(881));
    assert_eq!(ticket.creator_id, None);
    assert_eq!(ticket.assignee_id, IdField::Id(12));
    assert_eq!(ticket.group_id, IdField::Unset);
    // Id lists as an array of strings and as a single int; tags as an array.
    assert_eq!(ticket.cc_user_ids, Some(vec![13, 14]));
    assert_eq!(ticket.cc_group_ids, Some(vec![3]));
    assert_eq!(ticket.tags.clone().unwrap(), vec!["硬件", "紧急"]);
    assert_eq!(ticket.template_id, Some(2));
    assert_eq!(
        ticket.description.as_deref(),
        Some("<p>办公室的打印机<b>连不上</b>了</p>")
    );
    assert_eq!(ticket.created, Some(date("2024-03-01 09:15:00")));
    // A date without a time is midnight.
    assert_eq!(ticket.updated, Some(date("2024-03-02 00:00:00")));
    let live = &ticket.live;
    assert_eq!(live.solved, None, "0000-00-00 is no date");
    assert_eq!(live.waiting, None, "an empty date is no date");
    assert_eq!(live.opened, Some(date("2024-03-01 09:20:00")));
    assert_eq!(live.closed, None);
    assert_eq!(live.custom_template_id, None);
    assert_eq!(live.creator_type, Some(1));
    assert_eq!(live.workflow_id, Some(7));
    assert_eq!(live.workflow_node_id, Some(70));
    assert_eq!(live.is_deleted, Some(false));
    assert_eq!(
        live.description_attachments,
        Some(json!([{"name": "照片.jpg", "url": "https://help.example.cn/u/1.jpg"}]))
    );
    // Custom values: a number, a payment field with a string pay_status, a null.
    assert_eq!(ticket.custom_fields[0].value, CustomValue::Number(3.5));
    assert_eq!(ticket.custom_fields[1].pay_status, Some(0));
    assert_eq!(ticket.custom_fields[2].value, CustomValue::Empty);
    // Table cells: numbers become text, null an empty cell.
    assert_eq!(
        ticket.tables[0].rows,
        vec![row(&[("zc", "笔记本"), ("sl", "2"), ("bz", "")])]
    );
    // Unknown fields are kept verbatim, a number-typed mobilephone included.
    assert_eq!(
        ticket.extra.get("custUser"),
        Some(&json!({"mobilephone": 13240138438u64, "name": "张三"}))
    );
    assert_eq!(ticket.extra.get("ticketFlag"), Some(&json!("x")));
    assert_eq!(ticket.extra.get("replyCount"), Some(&json!("3")));
    assert_eq!(ticket.extra.len(), 3);
}

#[test]
fn live_list_with_string_count_and_empty_previous_page() {
    let page = decode::ticket_page(&fixture("live_list_strings.json")).unwrap();
    assert_eq!(page.count, Some(2));
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].id, 5002);
    assert_eq!(page.next_page, None);
    assert_eq!(page.previous_page, None);
}

#[test]
fn enum_fields_accept_labels_names_and_unknown_codes() {
    let page = decode::ticket_page(&fixture("enum_labels.json")).unwrap();
    assert!(page.bad_items.is_empty(), "{:?}", page.bad_items);
    let t = &page.items;
    assert_eq!(t[0].status, Some(TicketStatus::Solved));
    assert_eq!(t[0].priority, Some(Priority::Urgent));
    assert_eq!(t[0].ticket_type, Some(TicketType::Fault));
    assert_eq!(t[0].source, Some(TicketSource::Email));
    assert_eq!(t[1].status, Some(TicketStatus::Pending));
    assert_eq!(t[1].priority, Some(Priority::High));
    assert_eq!(t[1].ticket_type, Some(TicketType::Task));
    assert_eq!(t[1].source, Some(TicketSource::Api));
    assert_eq!(t[2].status, Some(TicketStatus::Unknown(0)));
    assert_eq!(t[2].priority, Some(Priority::Unknown(9)));
    assert_eq!(t[2].ticket_type, Some(TicketType::Incident));
    assert_eq!(t[2].source, Some(TicketSource::Unknown(6)));
    // The vendor's UI label for both closed states.
    assert_eq!(t[3].status, Some(TicketStatus::Closed));
}

#[test]
fn descript_is_preferred_and_description_kept_for_the_round_trip() {
    let value = json!({"ticketId": 1, "descript": "表", "description": "例"});
    let ticket = decode::ticket(&value).unwrap();
    assert_eq!(ticket.description.as_deref(), Some("表"));
    assert_eq!(ticket.extra.get("description"), Some(&json!("例")));
    assert_eq!(decode::ticket(&encode::ticket(&ticket)).unwrap(), ticket);
}

#[test]
fn any_field_may_be_null_or_missing() {
    let value = json!({
        "ticketId": 3, "url": null, "subject": null, "descript": null, "ticketSource": null,
        "ticketType": null, "priorityLevel": null, "ticketStatus": null, "custUserId": null,
        "ccUserIdList": null, "tagList": null, "createDT": null, "custom_fields": null,
        "tables": null, "isDeleted": null, "descriptattachments": null
    });
    let ticket = decode::ticket(&value).unwrap();
    assert_eq!(
        ticket,
        Ticket {
            id: 3,
            ..Ticket::default()
        }
    );
    let minimal = decode::ticket(&json!({"ticketId": "3"})).unwrap();
    assert_eq!(minimal, ticket);
}

#[test]
fn lists_and_ids_in_every_shape() {
    let value = json!({
        "ticketId": 4.0, "ccUserIdList": "1, 2,,3;4|5、6", "ccGroupIdList": [4, "5,6", 0],
        "tagList": 7, "servicerUserId": "", "custUserId": "0"
    });
    let ticket = decode::ticket(&value).unwrap();
    assert_eq!(ticket.id, 4);
    assert_eq!(ticket.cc_user_ids, Some(vec![1, 2, 3, 4, 5, 6]));
    assert_eq!(ticket.cc_group_ids, Some(vec![4, 5, 6]));
    assert_eq!(ticket.tags.unwrap(), vec!["7"]);
    // An empty string says nothing: not known, not "nobody".
    assert_eq!(ticket.assignee_id, IdField::Unknown);
    assert_eq!(ticket.contact_id, None);
}

#[test]
fn fields_the_server_sent_as_null_or_left_out_are_not_known_on_both_paths() {
    let body = fixture("live_list_null_fields.json");
    let fast = decode::ticket_page(&body).unwrap();
    assert_eq!(fast.items.len(), 3);
    // The general path, ticket by ticket, says the same.
    let value = decode::parse_json(&body).unwrap();
    for (index, ticket) in fast.items.iter().enumerate() {
        assert_eq!(
            &decode::ticket(&value["tickets"][index]).unwrap(),
            ticket,
            "ticket {index}"
        );
    }
    let [unknown, empty, known] = [&fast.items[0], &fast.items[1], &fast.items[2]];
    // tagList null, ccUserIdList missing, servicerGroupId null, no custom_fields.
    assert_eq!(unknown.tags, None);
    assert_eq!(unknown.cc_user_ids, None);
    assert_eq!(unknown.cc_group_ids, None);
    assert_eq!(unknown.group_id, IdField::Unknown);
    assert_eq!(unknown.assignee_id, IdField::Unset);
    assert!(unknown.custom_fields.is_empty());
    // "" and [] and "0" are known to be empty.
    assert_eq!(empty.tags, Some(vec![]));
    assert_eq!(empty.cc_user_ids, Some(vec![]));
    assert_eq!(empty.cc_group_ids, Some(vec![]));
    assert_eq!(empty.group_id, IdField::Unset);
    assert_eq!(empty.assignee_id, IdField::Id(12));
    assert_eq!(known.tags, Some(vec!["投诉".into(), "普通客户".into()]));
    assert_eq!(known.cc_user_ids, Some(vec![13, 14]));
    assert_eq!(known.group_id, IdField::Id(3));
    assert_eq!(known.assignee_id, IdField::Unknown);
    // Sent back, what was not known is left out, not sent as empty.
    let wire = encode::ticket(unknown);
    for key in [
        "tagList",
        "ccUserIdList",
        "ccGroupIdList",
        "servicerGroupId",
    ] {
        assert!(wire.get(key).is_none(), "{key} sent: {wire}");
    }
    assert_eq!(wire["servicerUserId"], 0);
    for ticket in &fast.items {
        assert_eq!(&decode::ticket(&encode::ticket(ticket)).unwrap(), ticket);
    }
}

// ---------------------------------------------------------------------------------------
// Errors inside HTTP 200.

#[test]
fn errcode_in_a_200_body_is_reported() {
    let error = decode::ticket_page(&fixture("live_error_errcode.json")).unwrap_err();
    assert_eq!(
        error,
        ApiError::Reported {
            code: Some("100047".into()),
            message: "Invalid resource URI".into()
        }
    );
    // Every decoder says the same.
    assert!(matches!(
        decode::show(&fixture("live_error_errcode.json")),
        Err(ApiError::Reported { .. })
    ));
    assert!(matches!(
        decode::update_results(&fixture("live_error_errcode.json")),
        Err(ApiError::Reported { .. })
    ));
    assert!(matches!(
        decode::agents(&fixture("live_error_errcode.json")),
        Err(ApiError::Reported { .. })
    ));
}

#[test]
fn non_success_state_in_a_200_body_is_reported() {
    let error = decode::search_page(&fixture("live_error_state.json")).unwrap_err();
    assert_eq!(
        error,
        ApiError::Reported {
            code: Some("403".into()),
            message: "columnId does not exist".into()
        }
    );
}

#[test]
fn insert_ok_acknowledgement_is_success() {
    let ack = fixture("live_write_ack.json");
    let value = decode::parse_json(&ack).unwrap();
    assert_eq!(decode::reported_error(&value), None);
    assert_eq!(decode::update_results(&ack).unwrap(), vec![]);
    // A ticket envelope was expected: no ticket is a decode error, not a reported one.
    assert!(matches!(
        decode::ticket_envelope(&ack),
        Err(ApiError::Decode { .. })
    ));
}

#[test]
fn zero_errcode_and_success_state_are_not_errors() {
    for body in [
        json!({"errcode": 0, "errmsg": "ok"}),
        json!({"state": "200", "message": "fine"}),
        json!({"state": 0}),
        json!({"tickets": []}),
    ] {
        assert_eq!(decode::reported_error(&body), None, "{body}");
    }
}

// ---------------------------------------------------------------------------------------
// Broken bodies.

#[test]
fn invalid_backslash_escapes_are_repaired() {
    let page = decode::ticket_page(&fixture("bad_escapes.json")).unwrap();
    let ticket = &page.items[0];
    assert_eq!(ticket.id, 31);
    assert_eq!(ticket.subject, "It's a \\x41 test");
    assert_eq!(
        ticket.description.as_deref(),
        Some("路径 C:\\Users\\x and \\d\\ok \"q\"")
    );
}

#[test]
fn one_malformed_ticket_does_not_lose_the_page() {
    let page = decode::ticket_page(&fixture("malformed_page.json")).unwrap();
    let ids: Vec<u64> = page.items.iter().map(|t| t.id).collect();
    // Ticket 4's status is an object: only that field is lost (see below), not the ticket.
    assert_eq!(ids, vec![1, 4, 5]);
    assert_eq!(page.count, Some(5));
    let bad: Vec<(usize, Option<u64>, &str)> = page
        .bad_items
        .iter()
        .map(|e| (e.index, e.ticket_id, e.path.as_str()))
        .collect();
    assert_eq!(
        bad,
        vec![(1, None, "tickets[1]"), (2, None, "tickets[2].ticketId")]
    );
    assert!(page.bad_items.iter().all(|e| !e.message.is_empty()));
}

#[test]
fn a_malformed_field_whose_failure_is_local_is_unknown_and_named() {
    let page = decode::ticket_page(&fixture("malformed_fields.json")).unwrap();
    let ids: Vec<u64> = page.items.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![21, 23]);
    let first = &page.items[0];
    // The rest of the ticket is read.
    assert_eq!(first.subject, "优先级是数组");
    assert_eq!(first.status, Some(TicketStatus::Open));
    assert_eq!(first.tags, Some(vec!["vip客户".to_string()]));
    assert!(first.updated.is_some());
    // Each malformed field is unknown, named with its reason, and kept verbatim.
    assert_eq!(first.priority, None);
    assert_eq!(first.ticket_type, None);
    assert_eq!(first.live.solved, None);
    assert_eq!(first.live.is_deleted, None);
    let keys: Vec<&str> = first.unreadable.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        vec!["priorityLevel", "ticketType", "solveDT", "isDeleted"]
    );
    assert!(first.unreadable.iter().all(|f| !f.reason.is_empty()));
    assert_eq!(first.extra.get("priorityLevel"), Some(&json!([3])));
    // A round trip sends the malformed value back as it came, not a guess.
    let wire = encode::ticket(first);
    assert_eq!(wire["priorityLevel"], json!([3]));
    assert_eq!(&decode::ticket(&wire).unwrap(), first);
    // A date the client compares (updateDT) still makes the whole ticket unreadable.
    assert_eq!(page.bad_items.len(), 1);
    assert_eq!(page.bad_items[0].ticket_id, Some(22));
    assert_eq!(page.bad_items[0].path, "tickets[1].updateDT");
    assert!(page.items[1].unreadable.is_empty());
}

#[test]
fn wholly_malformed_bodies_are_decode_errors_with_a_path() {
    for (body, path_start) in [
        (&b""[..], "$"),
        (b"<html><body>502 Bad Gateway</body></html>", "$"),
        (b"{\"tickets\": [", "$"),
        (b"{\"tickets\": 5}", "tickets"),
        (b"{\"something\": 1}", "tickets"),
        (b"42", "$"),
    ] {
        match decode::ticket_page(body) {
            Err(ApiError::Decode { path, message }) => {
                assert!(path.starts_with(path_start), "{path} for {body:?}");
                assert!(!message.is_empty());
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
    match decode::show(br#"{"ticket": {"ticketId": [1]}}"#) {
        Err(ApiError::Decode { path, .. }) => assert_eq!(path, "ticket.ticketId"),
        other => panic!("{other:?}"),
    }
    match decode::ticket_envelope(br#"{"ticket": [{"subject": "no id"}]}"#) {
        Err(ApiError::Decode { path, .. }) => assert_eq!(path, "ticket[0].ticketId"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn html_body_says_so() {
    let error = decode::parse_json(b"<!DOCTYPE html><title>500</title>").unwrap_err();
    assert!(error.to_string().contains("HTML"), "{error}");
}

// ---------------------------------------------------------------------------------------
// Untrusted text is cleaned where it enters the model.

fn assert_inert(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "control left in {text:?}"
    );
    assert!(
        !text
            .chars()
            .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}')),
        "invisible left in {text:?}"
    );
}

#[test]
fn hostile_strings_are_cleaned_in_every_field() {
    let ticket = decode::show(&fixture("hostile_text.json"))
        .unwrap()
        .unwrap();
    assert_eq!(ticket.subject, "退款申请");
    let description = ticket.description.as_deref().unwrap();
    assert_eq!(description, "第一行\n第二行红色");
    let tags = ticket.tags.clone().unwrap();
    assert_eq!(tags, vec!["vip客户", "普通客户"]);
    assert_eq!(
        ticket.custom_fields[0].value,
        CustomValue::Text("a␀b␡c".into())
    );
    assert_eq!(
        ticket.custom_fields[1].value,
        CustomValue::Rows(vec![row(&[("cpmc", "面板链接")])])
    );
    for text in [&ticket.subject, &tags[0]] {
        assert_inert(text);
    }
    assert_inert(description);
}

#[test]
fn reported_error_messages_are_cleaned() {
    let body = br#"{"errcode": "1", "errmsg": "\u001b]0;x\u0007bad\u001b[2J"}"#;
    match decode::ticket_page(body) {
        Err(ApiError::Reported { message, .. }) => assert_eq!(message, "bad"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Lookups.

#[test]
fn lookup_answers() {
    let fields = decode::field_defs(&fixture("ticket_fields.json")).unwrap();
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].key, "field_1");
    assert_eq!(fields[0].kind, 1);
    assert!(fields[0].required, "isRequired 0 means required");
    assert!(!fields[1].required);
    assert_eq!(fields[1].kind, 3);
    assert_eq!(
        fields[0].options,
        vec![("231".into(), "A型".into()), ("232".into(), "B型".into())]
    );

    let agents = decode::agents(&fixture("supports.json")).unwrap();
    assert_eq!(agents.len(), 2);
    assert_eq!(agents[0].id, 12);
    assert_eq!(agents[0].group_ids, vec![1, 2]);
    assert!(!agents[0].is_admin && agents[0].active);
    assert!(agents[1].is_admin && !agents[1].active);
    assert_eq!(agents[1].group_ids, vec![3]);

    let agent = decode::agent(&fixture("support.json")).unwrap();
    assert_eq!((agent.id, agent.group_ids), (12, vec![1, 2]));

    let group = decode::group(&fixture("supportgroup.json")).unwrap();
    assert_eq!((group.id, group.name.as_str()), (3, "售后组"));

    let contact = decode::contact(&fixture("user.json")).unwrap();
    assert_eq!(contact.id, 881);
    assert_eq!(contact.mobile.as_deref(), Some("13240138438"));
    assert_eq!(contact.company_id, Some(55));

    let company = decode::company(&fixture("company.json")).unwrap();
    assert_eq!(
        (company.id, company.name.as_str()),
        (55, "某某科技有限公司")
    );

    let templates = decode::templates(&fixture("tickettemplates.json")).unwrap();
    assert_eq!(templates.len(), 2);
    assert_eq!(templates[0].name, "硬件报修");

    let upload = decode::attachment(&fixture("upload.json")).unwrap();
    assert_eq!(upload.id, Some(901));
    assert_eq!(upload.token, "15761b339251466e9fec23698503eb53");

    let (token, expires) = decode::token(&fixture("token.json")).unwrap();
    assert_eq!((token.as_str(), expires), ("abc.def", 3600));
}

// ---------------------------------------------------------------------------------------
// Encoding.

#[test]
fn round_trip_of_every_fixture_ticket() {
    let mut checked = 0;
    for name in [
        "vendor_list.json",
        "vendor_show_many.json",
        "vendor_search.json",
        "live_list_strings.json",
        "live_search_nested.json",
        "enum_labels.json",
        "malformed_page.json",
        "bad_escapes.json",
    ] {
        let page = decode::ticket_page(&fixture(name)).unwrap();
        for ticket in &page.items {
            let wire = encode::ticket(ticket);
            assert_eq!(&decode::ticket(&wire).unwrap(), ticket, "{name}: {wire}");
            checked += 1;
        }
    }
    for name in [
        "live_ticket_strings.json",
        "hostile_text.json",
        "vendor_show_v2.json",
    ] {
        let ticket = decode::show(&fixture(name)).unwrap().unwrap();
        assert_eq!(decode::ticket(&encode::ticket(&ticket)).unwrap(), ticket);
        checked += 1;
    }
    let value = decode::parse_json(&fixture("vendor_ticket.json")).unwrap();
    let ticket = decode::ticket(&value).unwrap();
    assert_eq!(decode::ticket(&encode::ticket(&ticket)).unwrap(), ticket);
    assert!(checked > 10);
}

#[test]
fn encoded_ticket_keeps_unknown_fields_verbatim() {
    let ticket = decode::show(&fixture("live_ticket_strings.json"))
        .unwrap()
        .unwrap();
    let wire = encode::ticket(&ticket);
    assert_eq!(wire["custUser"]["mobilephone"], json!(13240138438u64));
    assert_eq!(wire["replyCount"], json!("3"));
    assert_eq!(wire["ticketStatus"], json!(2));
    assert_eq!(wire["ccUserIdList"], json!("13,14"));
    assert_eq!(wire["tagList"], json!("硬件,紧急"));
    assert_eq!(wire["createDT"], json!("2024-03-01 09:15:00"));
}

#[test]
fn change_encodes_ints_comma_lists_reply_and_fields() {
    let change = TicketChange {
        status: Some(TicketStatus::Solved),
        priority: Some(Priority::High),
        ticket_type: Some(TicketType::Task),
        source: Some(TicketSource::Unknown(6)),
        assignee_id: Some(None),
        group_id: Some(Some(3)),
        cc_user_ids: Some(vec![1, 2]),
        cc_group_ids: Some(vec![]),
        template_id: Some(9),
        tags: Some(vec!["vip客户".into(), "普通客户".into()]),
        custom_fields: vec![
            ("field_1".into(), json!("文本")),
            ("field_5".into(), json!(2)),
        ],
        tables: vec![gongdan::api::FormTable {
            key: "field_20".into(),
            rows: vec![row(&[("cpdm", "001.005"), ("cpmc", "铺助面板")])],
        }],
        reply: Some(Reply {
            message: "已处理".into(),
            attachments: vec!["tok1".into()],
        }),
    };
    let expected = json!({
        "ticketStatus": 4, "priorityLevel": 3, "ticketType": 4, "ticketSource": 6,
        "servicerUserId": 0, "servicerGroupId": 3, "ccUserIdList": "1,2", "ccGroupIdList": "",
        "ticketTemplateId": 9, "tagList": "vip客户,普通客户",
        "custom_fields": [{"key": "field_1", "value": "文本"}, {"key": "field_5", "value": 2}],
        "tables": [{"custom_fields_key": "field_20",
                    "tableData": [{"cpdm": "001.005", "cpmc": "铺助面板"}]}],
        "ticketReply": {"replyMsg": "已处理", "attachments": ["tok1"]}
    });
    assert_eq!(encode::change(&change), expected);
    let mut with_id = expected.clone();
    with_id["ticketId"] = json!(42);
    assert_eq!(encode::change_for(42, &change), with_id);
    // Key order on the wire: ticketId first.
    let for_one = encode::change_for(42, &change);
    assert_eq!(
        for_one.as_object().unwrap().keys().next().unwrap(),
        "ticketId"
    );
    // An empty change is an empty object.
    assert_eq!(encode::change(&TicketChange::default()), json!({}));
}

#[test]
fn new_ticket_with_contact_details_or_id() {
    let new = NewTicket {
        subject: "产品咨询".into(),
        reply: Reply {
            message: "你好,我想咨询下帮我吧产品".into(),
            attachments: vec![],
        },
        contact: Some(NewContact::Details {
            mobile: "13240138438".into(),
            name: Some("张三".into()),
            fixnumber: None,
            qq: Some("601100987".into()),
            email: None,
        }),
        fields: TicketChange {
            status: Some(TicketStatus::New),
            template_id: Some(2),
            ..TicketChange::default()
        },
    };
    assert_eq!(
        encode::new_ticket(&new),
        json!({
            "subject": "产品咨询",
            "ticketReply": {"replyMsg": "你好,我想咨询下帮我吧产品"},
            "custUser": {"mobilephone": "13240138438", "name": "张三", "qq": "601100987"},
            "ticketStatus": 1,
            "ticketTemplateId": 2
        })
    );
    let by_id = NewTicket {
        contact: Some(NewContact::Id(121)),
        ..new
    };
    let wire = encode::new_ticket(&by_id);
    assert_eq!(wire["custUserId"], json!(121));
    assert!(wire.get("custUser").is_none());
}

// ---------------------------------------------------------------------------------------
// Properties: no decoder panics on anything.

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
        "[0-9]{0,4}".prop_map(Value::String),
        Just(json!("已解决")),
        Just(json!("0000-00-00 00:00:00")),
        Just(json!("2017-05-04 14:08:22")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Mostly the keys decoders look at, so that the interesting paths are reached.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ticketId",
            "subject",
            "descript",
            "description",
            "ticketStatus",
            "priorityLevel",
            "ticketType",
            "ticketSource",
            "custUserId",
            "servicerUserId",
            "ccUserIdList",
            "tagList",
            "createDT",
            "solveDT",
            "isDeleted",
            "custom_fields",
            "tables",
            "key",
            "value",
            "pay_status",
            "custom_fields_key",
            "tableData",
            "tickets",
            "ticket",
            "results",
            "count",
            "next_page",
            "prev_page",
            "errcode",
            "errmsg",
            "state",
            "status",
            "message",
            "error",
            "descriptattachments",
            "sId",
            "supports",
            "access_token",
            "expires_in",
            "attachment",
            "token",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
    ]
}

/// A ticket with a valid id and random values under the keys the decoder knows.
fn arb_ticket_object() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "url",
        "subject",
        "descript",
        "description",
        "ticketSource",
        "ticketType",
        "priorityLevel",
        "ticketStatus",
        "custUserId",
        "agentId",
        "createrId",
        "servicerUserId",
        "servicerGroupId",
        "ccUserIdList",
        "ccGroupIdList",
        "ticketTemplateId",
        "tagList",
        "createDT",
        "updateDT",
        "custom_fields",
        "tables",
        "solveDT",
        "waitDT",
        "openDT",
        "closeDT",
        "customTemplateId",
        "createrType",
        "workflow_id",
        "workflow_node_id",
        "isDeleted",
        "descriptattachments",
        "unknownKey",
    ]);
    let values = prop_oneof![
        arb_json(),
        Just(json!([{"key": "field_1", "value": [{"a": 1, "b": null}]}])),
        Just(json!([{"custom_fields_key": "f", "tableData": [{"x": "y"}]}])),
        Just(json!("1,2,3")),
        Just(json!(["4", 5])),
        Just(json!("2")),
    ];
    (1u64..u64::MAX, prop::collection::vec((keys, values), 0..12)).prop_map(|(id, pairs)| {
        let mut map = serde_json::Map::new();
        map.insert("ticketId".to_owned(), json!(id.to_string()));
        for (key, value) in pairs {
            map.insert(key.to_owned(), value);
        }
        Value::Object(map)
    })
}

fn run_every_decoder(body: &[u8]) {
    let _ = decode::parse_json(body);
    let _ = decode::ticket_page(body);
    let _ = decode::search_page(body);
    let _ = decode::show(body);
    let _ = decode::show_many(body);
    let _ = decode::ticket_envelope(body);
    let _ = decode::update_results(body);
    let _ = decode::field_defs(body);
    let _ = decode::agents(body);
    let _ = decode::agent(body);
    let _ = decode::group(body);
    let _ = decode::contact(body);
    let _ = decode::company(body);
    let _ = decode::templates(body);
    let _ = decode::attachment(body);
    let _ = decode::token(body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoders_never_panic_on_arbitrary_json(value in arb_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        run_every_decoder(&body);
        let _ = decode::reported_error(&value);
        if let Ok(ticket) = decode::ticket(&value) {
            // Whatever decodes, round-trips.
            prop_assert_eq!(decode::ticket(&encode::ticket(&ticket)).unwrap(), ticket);
        }
    }

    #[test]
    fn ticket_decodes_or_names_the_field_and_round_trips(value in arb_ticket_object()) {
        match decode::ticket(&value) {
            Ok(ticket) => {
                let wire = encode::ticket(&ticket);
                prop_assert_eq!(decode::ticket(&wire).unwrap(), ticket);
            }
            Err(ApiError::Decode { path, .. }) => {
                let field = path.split(['.', '[']).next().unwrap_or_default();
                prop_assert!(value.get(field).is_some(), "{} not in {}", path, value);
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..256)) {
        run_every_decoder(&body);
    }

    #[test]
    fn decoders_never_panic_on_mangled_fixtures(
        index in 0usize..4,
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let name = ["vendor_ticket.json", "vendor_list.json", "live_list_strings.json",
                    "hostile_text.json"][index];
        let mut body = fixture(name);
        let at = cut.index(body.len());
        body[at] = byte;
        run_every_decoder(&body);
        body.truncate(at);
        run_every_decoder(&body);
    }

    #[test]
    fn tickets_in_a_page_decode_whatever_their_neighbours(
        good in prop::collection::vec(1u64..1_000_000, 0..5),
        junk in prop::collection::vec(arb_json(), 0..5),
    ) {
        let mut items: Vec<Value> = good.iter().map(|id| json!({"ticketId": id.to_string()})).collect();
        items.extend(junk);
        let body = serde_json::to_vec(&json!({"tickets": items})).unwrap();
        let page = decode::ticket_page(&body).unwrap();
        prop_assert_eq!(page.items.len() + page.bad_items.len(), items.len());
        let ids: Vec<u64> = page.items.iter().take(good.len()).map(|t| t.id).collect();
        prop_assert_eq!(ids, good);
    }
}

#[test]
fn dates_in_the_model_are_naive_vendor_time() {
    let ticket = decode::ticket(&json!({"ticketId": 1, "createDT": "2017-07-01"})).unwrap();
    assert_eq!(
        ticket.created,
        NaiveDate::from_ymd_opt(2017, 7, 1).and_then(|d| d.and_hms_opt(0, 0, 0))
    );
}

#[test]
fn custom_fields_and_tables_decode_with_their_values() {
    let value = decode::parse_json(&fixture("vendor_ticket.json")).unwrap();
    let ticket = decode::ticket(&value).unwrap();
    let field = |ticket: &gongdan::api::Ticket, key: &str| {
        ticket
            .custom_fields
            .iter()
            .find(|field| field.key == key)
            .cloned()
    };
    let payment = field(&ticket, "field_6").unwrap();
    assert_eq!(payment.value.labelled(None), "180");
    assert_eq!(payment.pay_status, Some(1));
    assert!(field(&ticket, "field_99").is_none());
    let table = ticket.tables.iter().find(|table| table.key == "field_11");
    assert_eq!(table.unwrap().rows.len(), 1);
    let page = decode::ticket_page(&fixture("vendor_list.json")).unwrap();
    assert!(page.next_page.is_some(), "the list has a next page");
    assert!(matches!(
        field(&page.items[0], "cpxx").unwrap().value,
        CustomValue::Rows(rows) if rows.len() == 2
    ));
}

// ---------------------------------------------------------------------------------------
// Plain-text descriptions keep their line breaks.

#[test]
fn a_plain_description_keeps_its_lines_through_decoding_and_cleaning() {
    let body = fixture("plain_description.json");
    let page = decode::ticket_page(&body).unwrap();
    assert_eq!(page.items.len(), 3, "{:?}", page.bad_items);
    // `\r\n` arrives as `\n`: three lines, as written.
    let first = page.items[0].description.as_deref().unwrap();
    assert_eq!(
        first,
        "您好,麻烦安排上门安装。\n地址:北京市海淀区中关村大街1号\n联系电话:13800001111"
    );
    assert_eq!(
        gongdan::text::description_text(first, 80)
            .lines()
            .collect::<Vec<_>>(),
        [
            "您好,麻烦安排上门安装。",
            "地址:北京市海淀区中关村大街1号",
            "联系电话:13800001111"
        ]
    );
    // A lone `\r` is a line break too; an empty line is kept; the escape is made inert.
    let second = page.items[1].description.as_deref().unwrap();
    let lines: Vec<String> = gongdan::text::description_text(second, 80)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], "第一步:登录后台");
    assert_eq!(lines[1], "第二步:点击\u{201c}工单管理\u{201d}");
    assert_eq!(lines[2], "");
    assert_eq!(lines[3], "第三步:页面卡住");
    assert!(lines[4].starts_with("Ctrl-Z"), "{lines:?}");
    assert!(
        lines.iter().all(|l| !l.chars().any(char::is_control)),
        "{lines:?}"
    );
    // HTML is still rendered as HTML: a newline inside a paragraph is a space there.
    let third = page.items[2].description.as_deref().unwrap();
    let html = gongdan::text::description_text(third, 80);
    assert!(html.contains("第一行 仍是第一段"), "{html}");
    assert!(html.contains("第二段"), "{html}");
    assert!(!html.contains("<p>"), "{html}");
}

#[test]
fn a_plain_description_keeps_its_lines_through_the_value_path_too() {
    let value = decode::parse_json(&fixture("plain_description.json")).unwrap();
    let ticket = decode::ticket(&value["tickets"][0]).unwrap();
    assert_eq!(
        ticket.description.as_deref().map(|d| d.lines().count()),
        Some(3)
    );
}
