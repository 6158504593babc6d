//! The journal's tests: files, damaged lines, group commit, versions, outcomes in doubt.

#![allow(clippy::unwrap_used)]

use std::io::Write;

use super::*;
use crate::bulk::{BulkEdit, Plan, Target};

fn plan() -> Plan {
    let tickets: Vec<crate::api::model::Ticket> = (1..=3)
        .map(|id| crate::api::model::Ticket {
            id,
            status: Some(crate::api::model::TicketStatus::Open),
            ..Default::default()
        })
        .collect();
    let edit = BulkEdit::from(crate::api::model::TicketChange {
        status: Some(crate::api::model::TicketStatus::Solved),
        ..Default::default()
    });
    Plan::new(
        &edit,
        &tickets,
        Target::default(),
        crate::bulk::RunStamp::now(),
    )
}

#[test]
fn atomic_writes_replace_whole_files_and_leave_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.json");
    write_atomic(&path, b"first").unwrap();
    write_atomic(&path, "第二".as_bytes()).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "第二");
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

#[test]
fn damaged_lines_are_skipped_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = plan();
    let mut log = journal.create(&plan).unwrap();
    let at = Utc::now();
    log.append(&ProgressLine::Sending {
        call: 1,
        ids: vec![1, 2],
        at,
        request_id: None,
    })
    .unwrap();
    drop(log);
    let path = journal.run_dir(&plan.run_id).join(PROGRESS_FILE);
    let mut file = OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(b"\x00\xffgarbage\n").unwrap();
    drop(file);
    let mut log = journal.open_log(&plan.run_id).unwrap();
    log.append(&ProgressLine::Outcome {
        call: 1,
        at,
        results: vec![TicketOutcome {
            id: 1,
            success: false,
            error: "工单已关闭".into(),
            ..Default::default()
        }],
        call_error: None,
    })
    .unwrap();
    let run = journal.load(&plan.run_id).unwrap();
    assert_eq!(run.skipped_lines, 1);
    assert_eq!(run.outcomes[&1].error, "工单已关闭");
    // Ticket 2 was in call 1, which answered without it: no outcome, not in flight.
    assert!(run.in_flight.is_empty());
    assert_eq!(run.last_call, 1);
    assert_eq!(state_of(&run), RunState::Interrupted);
}

#[tokio::test]
async fn a_full_disk_stops_the_group_log_and_is_reported() {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    let Ok(file) = OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let log = RunLog {
        path: PathBuf::from("/dev/full"),
        file,
    };
    let mut group = GroupLog::start(&log).unwrap();
    let line = group
        .queue(&ProgressLine::Started { at: Utc::now() })
        .unwrap();
    let error = group.wait(line).await.unwrap_err();
    assert!(error.to_string().contains("/dev/full"), "{error}");
    // Nothing is taken as written after that: a line queued later (the writer may not
    // have let go of its queue yet) is never reported on disk.
    assert!(group.is_durable(line).is_err());
    match group.queue(&ProgressLine::Started { at: Utc::now() }) {
        Err(_) => {}
        Ok(later) => assert!(group.wait(later).await.is_err()),
    }
    drop(group);
}

#[tokio::test]
async fn group_commit_keeps_the_order_and_reports_what_is_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = plan();
    let log = journal.create(&plan).unwrap();
    let mut group = GroupLog::start(&log).unwrap();
    let at = Utc::now();
    let mut numbers = Vec::new();
    for call in 1..=3 {
        numbers.push(
            group
                .queue(&ProgressLine::Sending {
                    call,
                    ids: vec![u64::from(call)],
                    at,
                    request_id: None,
                })
                .unwrap(),
        );
    }
    assert_eq!(numbers, vec![1, 2, 3]);
    group.wait(3).await.unwrap();
    assert!(group.is_durable(1).unwrap() && group.is_durable(3).unwrap());
    assert!(!group.is_durable(4).unwrap());
    // Call 2 answers; call 3 was written ahead and is withdrawn (never sent).
    group
        .queue(&ProgressLine::Outcome {
            call: 2,
            at,
            results: vec![TicketOutcome {
                id: 2,
                success: true,
                error: String::new(),
                ..Default::default()
            }],
            call_error: None,
        })
        .unwrap();
    let last = group
        .queue(&ProgressLine::Withdrawn { call: 3, at })
        .unwrap();
    group.wait(last).await.unwrap();
    drop(group);
    let text = fs::read_to_string(journal.run_dir(&plan.run_id).join(PROGRESS_FILE)).unwrap();
    let events: Vec<&str> = text
        .lines()
        .map(|line| line.split('"').nth(3).unwrap_or(""))
        .collect();
    assert_eq!(
        events,
        ["sending", "sending", "sending", "outcome", "withdrawn"]
    );
    let run = journal.load(&plan.run_id).unwrap();
    // Call 1 may have been sent; call 3 was not.
    assert_eq!(run.in_flight, vec![1]);
    assert_eq!(run.last_call, 3);
    // The file is still the run's: the next writer appends after these lines.
    drop(log);
    let mut log = journal.open_log(&plan.run_id).unwrap();
    log.append(&ProgressLine::Finished {
        at,
        cancelled: true,
    })
    .unwrap();
    assert_eq!(
        journal.load(&plan.run_id).unwrap().finished.map(|f| f.1),
        Some(true)
    );
}

#[test]
fn a_plan_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = plan();
    drop(journal.create(&plan).unwrap());
    let path = journal.run_dir(&plan.run_id).join(PLAN_FILE);
    fs::write(&path, br#"{"version": 99, "whatever": true}"#).unwrap();
    assert!(matches!(
        journal.load(&plan.run_id),
        Err(JournalError::TooNew { version: 99, .. })
    ));
    assert!(path.exists());
    assert_eq!(journal.list().problems.len(), 1);
}

#[test]
fn lines_written_before_request_ids_and_kinds_still_read() {
    let sending: ProgressLine = serde_json::from_str(
        r#"{"event":"sending","call":3,"ids":[1,2],"at":"2026-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert!(matches!(
        sending,
        ProgressLine::Sending {
            request_id: None,
            ..
        }
    ));
    let outcome: TicketOutcome =
        serde_json::from_str(r#"{"id":1,"success":false,"error":"x"}"#).unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Answered);
    assert!(outcome.is_failure());
    // An answer is written as before: no `kind` key.
    let text = serde_json::to_string(&TicketOutcome::done(4)).unwrap();
    assert!(!text.contains("kind"), "{text}");
}

#[test]
fn an_unknown_outcome_keeps_its_tickets_in_doubt_under_the_calls_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path());
    let plan = plan();
    let mut log = journal.create(&plan).unwrap();
    let at = Utc::now();
    log.append(&ProgressLine::Sending {
        call: 1,
        ids: vec![1, 2, 3],
        at,
        request_id: Some("rid-1".into()),
    })
    .unwrap();
    log.append(&ProgressLine::Outcome {
        call: 1,
        at,
        results: vec![
            TicketOutcome::done(1),
            TicketOutcome::of_kind(2, OutcomeKind::Unknown, "outcome unknown: dropped"),
            TicketOutcome::of_kind(3, OutcomeKind::Unknown, "outcome unknown: dropped"),
        ],
        call_error: None,
    })
    .unwrap();
    log.append(&ProgressLine::Finished {
        at,
        cancelled: false,
    })
    .unwrap();
    let run = journal.load(&plan.run_id).unwrap();
    assert_eq!(run.in_flight, vec![2, 3]);
    assert_eq!(
        run.in_doubt,
        vec![InDoubtCall {
            call: 1,
            ids: vec![2, 3],
            request_id: Some("rid-1".into()),
        }]
    );
    assert!(!run.outcomes.contains_key(&2));
    assert!(run.unknown_reasons[&2].contains("dropped"));
    // Not complete: offered for resume.
    assert_eq!(state_of(&run), RunState::Interrupted);
    let info = journal.list().runs.remove(0);
    assert_eq!(
        (info.succeeded, info.failed, info.unknown, info.left),
        (1, 0, 2, 2)
    );
    assert!(info.resumable());

    // A resume's verdict settles them: no longer in doubt.
    let mut log = journal.open_log(&plan.run_id).unwrap();
    log.append(&ProgressLine::Verified {
        at,
        results: vec![
            TicketOutcome::done(2),
            TicketOutcome::of_kind(3, OutcomeKind::Unsettled, "check the ticket"),
        ],
    })
    .unwrap();
    let run = journal.load(&plan.run_id).unwrap();
    assert!(run.in_flight.is_empty() && run.in_doubt.is_empty());
    assert_eq!(state_of(&run), RunState::Complete);
    let info = journal.list().runs.remove(0);
    // (How the history words these: `words::bulk`'s tests.)
    assert_eq!(
        (info.failed, info.unknown, info.unsettled.clone()),
        (0, 0, vec![3])
    );
}
