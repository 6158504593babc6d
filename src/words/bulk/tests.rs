//! The preview's tests (moved from `bulk` with its words): grouping, tags per tag, lines,
//! unknown previous values, as data and as worded.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::api::model::{IdField, Priority, Ticket, TicketChange, TicketStatus};
use crate::bulk::{BulkEdit, Plan, Target};
use crate::bulk::{FieldKind, Names, Preview, TagChange};
use crate::lang::Lang;

fn ticket(id: u64, priority: Priority, assignee: Option<u64>) -> Ticket {
    Ticket {
        id,
        status: Some(TicketStatus::Open),
        priority: Some(priority),
        assignee_id: IdField::from_known(assignee),
        ..Ticket::default()
    }
}

#[test]
fn several_fields_are_grouped_each_with_names() {
    let tickets = [
        ticket(1, Priority::Low, None),
        ticket(2, Priority::Low, Some(7)),
        ticket(3, Priority::Normal, Some(8)),
        ticket(4, Priority::High, Some(8)),
    ];
    let edit = BulkEdit::from(TicketChange {
        priority: Some(Priority::High),
        assignee_id: Some(Some(8)),
        ..TicketChange::default()
    });
    let plan = Plan::new(
        &edit,
        &tickets,
        Target::default(),
        crate::bulk::RunStamp::now(),
    );
    let preview = Preview::of(&plan);
    assert_eq!(preview.to_change, 3);
    assert_eq!(preview.skipped, 1);
    assert_eq!(preview.fields[0].field, FieldKind::Priority);
    assert_eq!(preview.fields[1].unchanged, 1);
    let mut names = Names::default();
    names.agents.insert(8, "王芳".into());
    assert_eq!(
        preview_summary(Lang::En, &preview, &names),
        "3 tickets: priority low → high 2, normal → high 1; \
         assignee nobody → 王芳 1, #7 → 王芳 1 (1 unchanged); 1 already set, skipped"
    );
    assert_eq!(
        preview_summary(Lang::Zh, &preview, &names),
        "3 张工单：优先级 低 → 高 2，正常 → 高 1；\
         受理人 无人 → 王芳 1，#7 → 王芳 1（1 张不变）；1 张已是目标值，跳过"
    );
    assert!(preview.needs_typed_confirmation(2));
    assert!(!preview.needs_typed_confirmation(3));
}

/// 221 tickets read in full with dozens of distinct tag sets, and 3 whose tags are not
/// known: 6 already have 升级 (3 of them only that: skipped), 30 have 投诉.
fn tag_plan() -> Plan {
    let mut tickets: Vec<Ticket> = (0..221u64)
        .map(|i| {
            let mut tags = vec![format!("t{}", i % 40), format!("区域{}", i % 7)];
            if i < 6 {
                tags.push("升级".into());
            }
            if (3..33).contains(&i) {
                tags.push("投诉".into());
            }
            Ticket {
                id: i + 1,
                status: Some(TicketStatus::Open),
                tags: Some(tags),
                ..Ticket::default()
            }
        })
        .collect();
    tickets.extend((0..3).map(|i| Ticket {
        id: 1000 + i,
        subject: "search result".into(),
        ..Ticket::default()
    }));
    let edit = BulkEdit {
        tags_add: vec!["升级".into()],
        tags_remove: vec!["投诉".into()],
        ..BulkEdit::default()
    };
    Plan::new(
        &edit,
        &tickets,
        Target::default(),
        crate::bulk::RunStamp::now(),
    )
}

#[test]
fn tags_are_summarised_per_tag_never_per_tag_set() {
    let plan = tag_plan();
    let distinct: std::collections::HashSet<String> = plan
        .tickets
        .iter()
        .filter_map(|t| t.previous.tags.as_ref().map(|tags| tags.join(",")))
        .collect();
    assert!(distinct.len() > 69, "{}", distinct.len());
    let preview = Preview::of(&plan);
    assert_eq!(preview.to_change, 218);
    let tags = preview.tags.clone().unwrap();
    assert_eq!(
        tags.added,
        [TagChange {
            tag: "升级".into(),
            tickets: 215,
            besides: Some(6)
        }]
    );
    assert_eq!(
        tags.removed,
        [TagChange {
            tag: "投诉".into(),
            tickets: 30,
            besides: Some(191)
        }]
    );
    assert_eq!(tags.unknown, 3);
    let names = Names::default();
    assert_eq!(
        preview_lines(Lang::En, &preview, &names),
        [
            "218 tickets",
            "tags: +升级 on 215, 6 already had it",
            "tags: −投诉 from 30, 191 did not have it",
            "3 already set, skipped",
            "tags unknown on 3: left unchanged",
        ]
    );
    assert_eq!(
        preview_lines(Lang::Zh, &preview, &names),
        [
            "218 张工单",
            "标签：+升级 加到 215 张，6 张已有",
            "标签：−投诉 从 30 张去掉，191 张本来没有",
            "3 张已是目标值，跳过",
            "3 张标签未知：不改动",
        ]
    );
    let one_line = preview_summary(Lang::En, &preview, &Names::default());
    assert_eq!(
        one_line,
        "218 tickets: +升级 on 215 (6 already had it), −投诉 from 30 (191 did not have it); \
         3 already set, skipped; tags unknown on 3, left unchanged"
    );
    for text in preview_lines(Lang::En, &preview, &names)
        .iter()
        .chain([&one_line])
    {
        assert!(!text.contains("(none)"), "{text}");
    }
    // The count state clamps the preview's scroll with, before any draw, is the lines'.
    assert_eq!(preview.line_count(), 5);
}

#[test]
fn a_replaced_or_undone_tag_list_is_counted_per_tag_too() {
    let tickets: Vec<Ticket> = (0..50u64)
        .map(|i| Ticket {
            id: i + 1,
            status: Some(TicketStatus::Open),
            tags: Some(vec![format!("t{i}"), "老".into()]),
            ..Ticket::default()
        })
        .collect();
    let edit = BulkEdit::from(TicketChange {
        tags: Some(vec!["新".into()]),
        ..TicketChange::default()
    });
    let preview = Preview::of(&Plan::new(
        &edit,
        &tickets,
        Target::default(),
        crate::bulk::RunStamp::now(),
    ));
    let lines = preview_lines(Lang::En, &preview, &Names::default());
    assert_eq!(lines[1], "tags: +新 on 50");
    assert_eq!(lines[2], "tags: −老 from 50");
    // One line per tag: 1 added, 51 removed, and the head.
    assert_eq!(lines.len(), 1 + 1 + 51, "{lines:?}");
}

#[test]
fn each_field_changed_is_one_line_with_names() {
    let tickets = [
        ticket(1, Priority::Low, Some(209)),
        ticket(2, Priority::Low, Some(209)),
        ticket(3, Priority::Normal, None),
    ];
    let edit = BulkEdit::from(TicketChange {
        priority: Some(Priority::High),
        assignee_id: Some(Some(203)),
        ..TicketChange::default()
    });
    let mut plan = Plan::new(
        &edit,
        &tickets,
        Target::default(),
        crate::bulk::RunStamp::now(),
    );
    let mut names = Names::default();
    names.agents.insert(203, "王芳".into());
    names.agents.insert(209, "李雷".into());
    names.agents.insert(1, "not in the plan".into());
    plan.remember_names(&names);
    assert_eq!(plan.names.agents.len(), 2, "only the plan's own ids");
    let preview = Preview::of(&plan);
    assert_eq!(
        preview_lines(Lang::En, &preview, &plan.names),
        [
            "3 tickets",
            "priority: low → high 2, normal → high 1",
            "assignee: 李雷 → 王芳 2, nobody → 王芳 1",
        ]
    );
    assert_eq!(
        preview_lines(Lang::Zh, &preview, &Names::default())[2],
        "受理人：#209 → #203 2，无人 → #203 1",
        "an id only where the name is not known"
    );
}

#[test]
fn unknown_previous_values_are_shown_and_counted() {
    let search_result = Ticket {
        id: 9,
        subject: "只有标题".into(),
        ..Ticket::default()
    };
    let edit = BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Solved),
        ..TicketChange::default()
    });
    let plan = Plan::new(
        &edit,
        &[search_result],
        Target::default(),
        crate::bulk::RunStamp::now(),
    );
    let preview = Preview::of(&plan);
    assert_eq!(
        preview_summary(Lang::En, &preview, &Names::default()),
        "1 ticket: ? → solved 1; 1 with unknown previous values cannot be undone"
    );
}
