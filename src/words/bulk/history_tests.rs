//! The history read back from `summary.json` and worded: an older version's prose still
//! lists (as it was, made inert), a new summary keeps its change as data.

#![allow(clippy::unwrap_used)]

use std::fs;

use super::*;
use crate::api::model::{IdField, Ticket, TicketChange, TicketStatus};
use crate::bulk::{
    BulkEdit, Journal, Names, Plan, Preview, ProgressLine, RunChange, RunStamp, RunSummary,
    RunWhat, Target, TicketOutcome,
};
use crate::lang::Lang;

/// A cancelled run of tickets 1-3 (open, assigned to agent 7) set to solved, assigned to
/// agent 8 and tagged 升级: 1 done, 2 failed, 3 left.
fn cancelled_run(journal: &Journal) -> Plan {
    let tickets: Vec<Ticket> = (1..=3)
        .map(|id| Ticket {
            id,
            status: Some(TicketStatus::Open),
            assignee_id: IdField::from_known(Some(7)),
            tags: Some(vec!["旧".into()]),
            ..Ticket::default()
        })
        .collect();
    let edit = BulkEdit {
        change: TicketChange {
            status: Some(TicketStatus::Solved),
            assignee_id: Some(Some(8)),
            ..TicketChange::default()
        },
        tags_add: vec!["升级".into()],
        tags_remove: Vec::new(),
    };
    let mut plan = Plan::new(&edit, &tickets, Target::default(), RunStamp::now());
    let mut names = Names::default();
    names.agents.insert(7, "李雷".into());
    names.agents.insert(8, "王芳".into());
    plan.remember_names(&names);
    let mut log = journal.create(&plan).unwrap();
    log.append(&ProgressLine::Outcome {
        call: 1,
        at: plan.created,
        results: vec![TicketOutcome::done(1), TicketOutcome::failed(2, "已关闭")],
        call_error: None,
    })
    .unwrap();
    log.append(&ProgressLine::Finished {
        at: plan.created,
        cancelled: true,
    })
    .unwrap();
    plan
}

#[test]
fn an_old_summary_with_prose_still_lists_in_both_languages_as_it_was_worded() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = cancelled_run(&journal);
    let run_dir = journal.run_dir(&plan.run_id);
    let progress_len = fs::metadata(run_dir.join("progress.jsonl")).unwrap().len();
    // As an older version wrote it: the change in both languages as prose, no typed change
    // (words of its own, so the listing shows they were read, not made again; an escape
    // sequence, so it shows they are made inert).
    let old = serde_json::json!({
        "version": 1,
        "run_id": plan.run_id,
        "created": plan.created,
        "kind": plan.kind,
        "target": plan.target,
        "state": {"state": "cancelled"},
        "what_en": "3 tickets: as an older version\u{1b}[31m put it",
        "what_zh": "3 张工单：旧版本的说法",
        "total": 3,
        "succeeded": 1,
        "failed": 1,
        "unknown": 0,
        "unsettled": [],
        "changed": 0,
        "left": 1,
        "not_succeeded": [2],
        "progress_len": progress_len,
    });
    let summary_path = run_dir.join("summary.json");
    fs::write(&summary_path, serde_json::to_vec(&old).unwrap()).unwrap();
    // The plan cannot be read: the summary alone must do.
    fs::remove_file(run_dir.join("plan.json")).unwrap();
    fs::create_dir(run_dir.join("plan.json")).unwrap();

    let history = journal.list();
    assert!(history.problems.is_empty(), "{:?}", history.problems);
    let run = history.get(&plan.run_id).unwrap();
    assert!(matches!(run.what, RunWhat::Worded { .. }), "{:?}", run.what);
    assert_eq!(
        run_summary(Lang::En, run),
        "cancelled: 1 done, 1 failed, 1 left; 3 tickets: as an older version put it"
    );
    assert_eq!(
        run_summary(Lang::Zh, run),
        "已取消：成功 1，失败 1，剩余 1；3 张工单：旧版本的说法"
    );
    // Read, never written back: the file is as the older version left it.
    let kept: serde_json::Value =
        serde_json::from_slice(&fs::read(&summary_path).unwrap()).unwrap();
    assert_eq!(kept, old);
}

#[test]
fn a_new_summary_round_trips_its_typed_change_and_words_it_as_the_preview_did() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = cancelled_run(&journal);
    let first = journal.list();
    let summary_path = journal.run_dir(&plan.run_id).join("summary.json");
    let written: serde_json::Value =
        serde_json::from_slice(&fs::read(&summary_path).unwrap()).unwrap();
    // Data, not prose: no words in either language are written.
    assert!(written.get("what_en").is_none() && written.get("what_zh").is_none());
    let read: RunSummary = serde_json::from_value(written).unwrap();
    let change = RunChange {
        preview: Preview::of(&plan),
        names: plan.names.clone(),
    };
    assert_eq!(read.change.as_ref(), Some(&change));
    assert_eq!(read.change.as_ref().unwrap().names.agents.len(), 2);

    // Listed again from the file (the plan unreadable), the change is the same data and
    // reads as the preview's one line did, names included.
    let run_dir = journal.run_dir(&plan.run_id);
    fs::remove_file(run_dir.join("plan.json")).unwrap();
    fs::create_dir(run_dir.join("plan.json")).unwrap();
    let again = journal.list();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    let run = again.get(&plan.run_id).unwrap();
    assert_eq!(run.what, RunWhat::Change(Box::new(change)));
    assert_eq!(run.what, first.runs[0].what);
    for lang in [Lang::En, Lang::Zh] {
        let what = preview_summary(lang, &Preview::of(&plan), &plan.names);
        let row = run_summary(lang, run);
        assert!(row.ends_with(&what), "{row}");
        assert!(row.contains("王芳") && row.contains("李雷"), "{row}");
    }
    assert_eq!(
        run_summary(Lang::En, run),
        "cancelled: 1 done, 1 failed, 1 left; 3 tickets: status open → solved 3; \
         assignee 李雷 → 王芳 3; tags +升级 on 3"
    );
}

#[test]
fn a_runs_doubts_are_worded_after_its_counts() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = cancelled_run(&journal);
    let mut run = journal.list().runs.remove(0);
    run.unknown = 2;
    run.unsettled = vec![3];
    run.changed = 1;
    assert!(
        run_summary(Lang::En, &run).starts_with(
            "cancelled: 1 done, 1 failed, 1 left, 2 outcome unknown (resume checks them), \
             1 changed since the preview (left alone), \
             reply may or may not have been sent: check ticket #3; "
        ),
        "{}",
        run_summary(Lang::En, &run)
    );
    assert!(
        run_summary(Lang::Zh, &run).starts_with(
            "已取消：成功 1，失败 1，剩余 1，结果未知 2（继续运行时核对），预览后已变更未处理 1，\
             回复可能已发送也可能未发送，请检查工单 #3；"
        ),
        "{}",
        run_summary(Lang::Zh, &run)
    );
    assert_eq!(run.run_id, plan.run_id);
}
