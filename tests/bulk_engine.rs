//! The bulk engine against an in-memory help desk (no network): the runner's chunking,
//! cancellation, failures, journal, resume and undo logic, cut at exact points.
//! `tests/bulk.rs` runs the same engine against the sandbox over loopback.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use gongdan::api::model::{IdField, Ticket, TicketChange, TicketStatus, UpdateResult};
use gongdan::api::{ApiError, NetworkError};
use gongdan::bulk::{
    BulkApi, BulkEdit, Current, Engine, ExcludeReason, FieldKind, Journal, LeftField, Plan,
    Preview, RunEvent, RunKind, RunOptions, RunState, Target, retry_failed, vendor_offset,
};
use gongdan::lang::Lang;
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

/// What the desk does on the Nth update call (1-based).
#[derive(Clone, Copy, PartialEq)]
enum Cut {
    /// Apply the call, then never answer (the process dies with the call in flight).
    AppliedNoAnswer,
    /// Never apply, never answer (the call never reached the server).
    LostNoAnswer,
    /// Answer, then cancel the run's token.
    Cancel,
    /// Fail the whole call with a network error.
    NetworkError,
    /// Refuse the credentials (401) before applying anything.
    Unauthorized,
    /// Apply the call (remembering its answer under its Requestid), then fail it with a
    /// dropped connection: the answer is lost.
    AppliedThenReset,
}

#[derive(Default)]
struct Desk {
    tickets: Mutex<HashMap<u64, Ticket>>,
    updates: Mutex<HashMap<u64, usize>>,
    calls: AtomicUsize,
    /// Ids of each update call, in order.
    call_ids: Mutex<Vec<Vec<u64>>>,
    /// Which form each call used: true for the same-change form.
    same_form: Mutex<Vec<bool>>,
    cuts: Mutex<HashMap<usize, Cut>>,
    /// Tickets the server refuses, with its reason.
    refuse: Mutex<HashMap<u64, String>>,
    agent: std::sync::atomic::AtomicBool,
    cut_reached: Notify,
    cancel: Mutex<Option<CancellationToken>>,
    /// Reads of the current tickets fail (a network error) while set.
    fail_reads: std::sync::atomic::AtomicBool,
    /// The `Requestid` of each update call, in order.
    request_ids: Mutex<Vec<String>>,
    /// Answers remembered by `Requestid`: a repeat is answered so and applies nothing, as
    /// the vendor documents the header.
    remembered: Mutex<HashMap<String, Vec<UpdateResult>>>,
}

fn now_vendor() -> chrono::NaiveDateTime {
    Utc::now().with_timezone(&vendor_offset()).naive_local()
}

impl Desk {
    fn with_tickets(n: u64, status: impl Fn(u64) -> TicketStatus) -> Arc<Desk> {
        let desk = Desk::default();
        {
            let mut tickets = desk.tickets.lock().unwrap();
            for id in 1..=n {
                tickets.insert(
                    id,
                    Ticket {
                        id,
                        subject: format!("工单 {id}"),
                        status: Some(status(id)),
                        tags: Some(vec!["老客户".into()]),
                        updated: Some(
                            chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                                .unwrap()
                                .and_hms_opt(8, 0, 0)
                                .unwrap(),
                        ),
                        ..Ticket::default()
                    },
                );
            }
        }
        Arc::new(desk)
    }

    fn all(&self) -> Vec<Ticket> {
        let mut all: Vec<Ticket> = self.tickets.lock().unwrap().values().cloned().collect();
        all.sort_by_key(|t| t.id);
        all
    }

    fn status(&self, id: u64) -> Option<TicketStatus> {
        self.tickets.lock().unwrap()[&id].status
    }

    fn update_count(&self, id: u64) -> usize {
        self.updates.lock().unwrap().get(&id).copied().unwrap_or(0)
    }

    /// Another agent's change to a ticket.
    fn touch(&self, id: u64, status: TicketStatus) {
        let mut tickets = self.tickets.lock().unwrap();
        let ticket = tickets.get_mut(&id).unwrap();
        ticket.status = Some(status);
        ticket.updated = Some(now_vendor() + chrono::Duration::seconds(30));
    }

    fn apply(&self, id: u64, change: &TicketChange) -> UpdateResult {
        if let Some(reason) = self.refuse.lock().unwrap().get(&id) {
            return UpdateResult {
                ticket_id: id,
                success: false,
                error: reason.clone(),
            };
        }
        let mut tickets = self.tickets.lock().unwrap();
        let Some(ticket) = tickets.get_mut(&id) else {
            return UpdateResult {
                ticket_id: id,
                success: false,
                error: "工单不存在".into(),
            };
        };
        if let Some(status) = change.status {
            ticket.status = Some(status);
        }
        if let Some(priority) = change.priority {
            ticket.priority = Some(priority);
        }
        if let Some(tags) = &change.tags {
            ticket.tags = Some(tags.clone());
        }
        if let Some(assignee) = change.assignee_id {
            ticket.assignee_id = IdField::from_known(assignee);
        }
        ticket.updated = Some(now_vendor());
        *self.updates.lock().unwrap().entry(id).or_default() += 1;
        UpdateResult {
            ticket_id: id,
            success: true,
            error: String::new(),
        }
    }

    async fn call(
        &self,
        changes: Vec<(u64, TicketChange)>,
        same: bool,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.request_ids
            .lock()
            .unwrap()
            .push(request_id.to_string());
        if let Some(first) = self.remembered.lock().unwrap().get(request_id) {
            return Ok(first.clone());
        }
        self.call_ids
            .lock()
            .unwrap()
            .push(changes.iter().map(|(id, _)| *id).collect());
        self.same_form.lock().unwrap().push(same);
        let cut = self.cuts.lock().unwrap().get(&n).copied();
        match cut {
            Some(Cut::NetworkError) => {
                return Err(ApiError::Network(NetworkError::ConnectionReset));
            }
            Some(Cut::Unauthorized) => return Err(ApiError::BadCredentials),
            Some(Cut::LostNoAnswer) => {
                self.cut_reached.notify_one();
                std::future::pending::<()>().await;
            }
            _ => {}
        }
        let results: Vec<UpdateResult> = changes.iter().map(|(id, c)| self.apply(*id, c)).collect();
        self.remembered
            .lock()
            .unwrap()
            .insert(request_id.to_string(), results.clone());
        match cut {
            Some(Cut::AppliedNoAnswer) => {
                self.cut_reached.notify_one();
                std::future::pending::<()>().await;
                unreachable!()
            }
            Some(Cut::Cancel) => {
                if let Some(token) = self.cancel.lock().unwrap().as_ref() {
                    token.cancel();
                }
                Ok(results)
            }
            Some(Cut::AppliedThenReset) => Err(ApiError::Network(NetworkError::ConnectionReset)),
            _ => Ok(results),
        }
    }
}

struct DeskApi(Arc<Desk>);

impl BulkApi for DeskApi {
    async fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        assert!(ids.len() <= 100, "a call of {} ids", ids.len());
        let changes = ids.iter().map(|id| (*id, change.clone())).collect();
        self.0.call(changes, true, request_id).await
    }

    async fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        assert!(changes.len() <= 100);
        self.0.call(changes.to_vec(), false, request_id).await
    }

    async fn current(
        &self,
        ids: &[u64],
        _since: DateTime<Utc>,
    ) -> Result<HashMap<u64, Current>, ApiError> {
        if self.0.fail_reads.load(Ordering::SeqCst) {
            return Err(ApiError::Network(NetworkError::Timeout));
        }
        let tickets = self.0.tickets.lock().unwrap();
        let agent = self.0.agent.load(Ordering::SeqCst);
        Ok(ids
            .iter()
            .filter_map(|id| tickets.get(id))
            .map(|t| {
                (
                    t.id,
                    Current {
                        ticket: (!agent).then(|| t.clone()),
                        updated: t.updated,
                    },
                )
            })
            .collect())
    }
}

fn engine(desk: &Arc<Desk>, state: &std::path::Path, concurrency: usize) -> Engine<DeskApi> {
    Engine::new(
        DeskApi(desk.clone()),
        Journal::new(state),
        RunOptions {
            concurrency,
            ..RunOptions::default()
        },
        Target {
            profile: "default".into(),
            base_url: "http://127.0.0.1:1".into(),
        },
    )
}

fn solve() -> BulkEdit {
    BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Solved),
        ..TicketChange::default()
    })
}

fn target() -> Target {
    Target {
        profile: "default".into(),
        base_url: "http://127.0.0.1:1".into(),
    }
}

/// A channel whose events are collected by a task; returns the sender and the collector.
fn events() -> (
    mpsc::Sender<RunEvent>,
    tokio::task::JoinHandle<Vec<RunEvent>>,
) {
    let (tx, mut rx) = mpsc::channel(16);
    let collector = tokio::spawn(async move {
        let mut all = Vec::new();
        while let Some(event) = rx.recv().await {
            all.push(event);
        }
        all
    });
    (tx, collector)
}

#[tokio::test]
async fn a_run_sends_chunks_of_100_and_reports_progress() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(250, |_| TicketStatus::Open);
    let engine = engine(&desk, state.path(), 2);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, collector) = events();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    drop(tx);
    let events = collector.await.unwrap();

    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert_eq!(desk.calls.load(Ordering::SeqCst), 3);
    let sizes: Vec<usize> = desk.call_ids.lock().unwrap().iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![100, 100, 50]);
    assert!(desk.same_form.lock().unwrap().iter().all(|s| *s));
    assert!((1..=250).all(|id| desk.update_count(id) == 1));
    let progress: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Progress(p) => Some((p.done, p.left, p.calls_done)),
            _ => None,
        })
        .collect();
    assert_eq!(progress.len(), 3);
    assert_eq!(progress.last(), Some(&(250, 0, 3)));
    assert!(matches!(events.last(), Some(RunEvent::Finished(p)) if p.done == 250));
    let history = engine.history();
    assert_eq!(history.runs[0].state, RunState::Complete);
    assert_eq!(
        gongdan::words::bulk::run_summary(Lang::En, &history.runs[0]),
        "complete: 250 done, 0 failed, 0 left; 250 tickets: open → solved 250"
    );
    assert_eq!(
        gongdan::words::bulk::run_summary(Lang::Zh, &history.runs[0]),
        "已完成：成功 250，失败 0，剩余 0；250 张工单：已开启 → 已解决 250"
    );
}

#[tokio::test]
async fn cancelling_lets_the_call_in_flight_finish_and_sends_nothing_more() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(250, |_| TicketStatus::Open);
    let engine = engine(&desk, state.path(), 1);
    let cancel = CancellationToken::new();
    *desk.cancel.lock().unwrap() = Some(cancel.clone());
    desk.cuts.lock().unwrap().insert(1, Cut::Cancel);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _collector) = events();
    let report = engine.start(&plan, &tx, &cancel).await.unwrap();

    assert!(report.cancelled);
    assert_eq!(desk.calls.load(Ordering::SeqCst), 1);
    assert_eq!(report.succeeded().count(), 100);
    assert_eq!(report.not_sent.len(), 150);
    assert_eq!(desk.status(101), Some(TicketStatus::Open));
    let history = engine.history();
    assert_eq!(history.runs[0].state, RunState::Cancelled);
    // No call queued and never sent is left in doubt.
    let loaded = engine.journal().load(&plan.run_id).unwrap();
    assert!(loaded.in_flight.is_empty(), "{:?}", loaded.in_flight);

    // The rest can be resumed; nothing is sent twice.
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    assert_eq!(desk.calls.load(Ordering::SeqCst), 3);
    assert!((1..=250).all(|id| desk.update_count(id) == 1));
}

/// The console's way out (`Engine::with_shutdown`): like a cancel, nothing more is sent and
/// the call in flight is awaited with its outcome journaled, but the run stays interrupted
/// (no finish line), so the next start offers it; the resume sends the rest once.
#[tokio::test]
async fn a_shutdown_awaits_the_call_in_flight_sends_nothing_more_and_leaves_the_run_offered() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(250, |_| TicketStatus::Open);
    let shutdown = CancellationToken::new();
    let engine = engine(&desk, state.path(), 1).with_shutdown(shutdown.clone());
    // The process starts going away while the first call is at the server.
    *desk.cancel.lock().unwrap() = Some(shutdown.clone());
    desk.cuts.lock().unwrap().insert(1, Cut::Cancel);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _collector) = events();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();

    assert_eq!(desk.calls.load(Ordering::SeqCst), 1);
    assert_eq!(report.succeeded().count(), 100);
    assert_eq!(report.failed().count(), 0);
    assert_eq!(report.not_sent.len(), 150);
    let loaded = engine.journal().load(&plan.run_id).unwrap();
    assert!(loaded.finished.is_none(), "{:?}", loaded.finished);
    assert_eq!(loaded.outcomes.len(), 100);
    assert!(loaded.in_flight.is_empty(), "{:?}", loaded.in_flight);
    let history = engine.history();
    assert_eq!(history.runs[0].state, RunState::Interrupted);
    assert_eq!(history.interrupted().count(), 1);

    // The next start: a fresh engine resumes it; nothing is sent twice.
    let engine = self::engine(&desk, state.path(), 1);
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert!((1..=250).all(|id| desk.update_count(id) == 1));
}

#[tokio::test]
async fn failures_carry_the_servers_reason_and_only_they_are_retried() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(120, |_| TicketStatus::Open);
    desk.refuse
        .lock()
        .unwrap()
        .insert(7, "工单已被锁定".to_string());
    desk.cuts.lock().unwrap().insert(2, Cut::NetworkError);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, collector) = events();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    drop(tx);
    let events = collector.await.unwrap();

    // Only the server's refusal is a failure; the dropped call's 20 tickets are unknown.
    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, 7);
    assert_eq!(failed[0].error, "工单已被锁定");
    let unknown: Vec<_> = report.unknown().collect();
    assert_eq!(unknown.len(), 20);
    assert!(
        unknown[0].error.contains("connection was dropped"),
        "{}",
        unknown[0].error
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, RunEvent::CallFailed { .. })),
        "a lost answer is not a failed call"
    );
    assert!(report.resumable());
    assert!(gongdan::words::bulk::run_report(Lang::En, &report).contains("20 outcome unknown"));
    let info = engine.history().runs.remove(0);
    assert_eq!(info.state, RunState::Interrupted, "offered for resume");
    assert_eq!((info.failed, info.unknown), (1, 20));

    desk.refuse.lock().unwrap().clear();
    let retry = retry_failed(&report, gongdan::bulk::RunStamp::now()).unwrap();
    assert_eq!(
        retry.kind,
        RunKind::Retry {
            of: plan.run_id.clone()
        }
    );
    let retried: Vec<u64> = retry.tickets.iter().map(|t| t.id).collect();
    assert_eq!(retried, vec![7], "a retry never sends an unknown outcome");
    let (tx, _c) = events_pair();
    let again = engine
        .start(&retry, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(again.all_done());
    assert!(retry_failed(&again, gongdan::bulk::RunStamp::now()).is_none());

    // The resume reads the 20 and sends them again under the call's first Requestid.
    let (tx, _c) = events_pair();
    let resumed = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        resumed.unknown().count(),
        0,
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &resumed)
    );
    assert!((1..=120).all(|id| desk.update_count(id) == 1));
    let ids = desk.request_ids.lock().unwrap().clone();
    // Call 1, call 2 (dropped), the retry's call, the resume's call 2 again.
    assert_eq!(ids.len(), 4);
    assert_eq!(
        ids[3], ids[1],
        "the resume reuses the lost call's Requestid"
    );
    assert_ne!(ids[2], ids[1]);
    assert_eq!(
        engine.history().get(&plan.run_id).unwrap().state,
        RunState::Complete
    );
}

/// A reply run whose second call the server applies and then loses the answer of: the
/// tickets are unknown, never failed; the resume sends that call again under its
/// `Requestid`, which the server answers from memory: each reply lands once.
#[tokio::test]
async fn a_lost_answer_is_unknown_and_the_resume_sends_it_under_the_same_id_once() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(150, |_| TicketStatus::Open);
    desk.cuts.lock().unwrap().insert(2, Cut::AppliedThenReset);
    let engine = engine(&desk, state.path(), 1);
    let edit = BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Solved),
        reply: Some(gongdan::api::model::Reply {
            message: "已处理".into(),
            ..Default::default()
        }),
        ..TicketChange::default()
    });
    let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
    let (tx, _c) = events_pair();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.failed().count(), 0);
    assert_eq!(report.unknown().count(), 50);
    assert!(retry_failed(&report, gongdan::bulk::RunStamp::now()).is_none());
    assert!((101..=150).all(|id| desk.update_count(id) == 1));
    // Undo reads the unknown ones now: holding the run's values, they are put back too.
    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert_eq!(undo.tickets.len(), 150, "{:?}", undo.excluded);

    // The server has the first: the applied tickets' updateDT moved, the resume takes
    // them as applied and sends nothing.
    let (tx, _c) = events_pair();
    let resumed = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        resumed.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &resumed)
    );
    assert_eq!(desk.calls.load(Ordering::SeqCst), 2, "nothing sent again");
    assert!((1..=150).all(|id| desk.update_count(id) == 1));
}

/// A server still handling the first call when the resume reads the tickets (their
/// `updateDT` not yet moved): the resume sends the call again, under its first
/// `Requestid`, and the server drops the repeat. Without an id (an older journal) the
/// reply is not sent again: listed for the user to check, never counted failed.
#[tokio::test]
async fn a_reply_in_doubt_is_sent_again_only_under_its_first_request_id() {
    for with_id in [true, false] {
        let state = tempfile::tempdir().unwrap();
        let desk = Desk::with_tickets(30, |_| TicketStatus::Open);
        let engine = engine(&desk, state.path(), 1);
        let edit = BulkEdit::from(TicketChange {
            reply: Some(gongdan::api::model::Reply {
                message: "已处理".into(),
                ..Default::default()
            }),
            ..TicketChange::default()
        });
        let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
        // The journal of a run that died with its call in flight, which the server has
        // taken under the id (remembered) but not applied yet.
        let journal = Journal::new(state.path());
        let mut log = journal.create(&plan).unwrap();
        let ids: Vec<u64> = (1..=30).collect();
        log.append(&gongdan::bulk::ProgressLine::Sending {
            call: 1,
            ids: ids.clone(),
            at: Utc::now(),
            request_id: with_id.then(|| "first-call".to_string()),
        })
        .unwrap();
        drop(log);
        desk.remembered.lock().unwrap().insert(
            "first-call".into(),
            ids.iter()
                .map(|id| UpdateResult {
                    ticket_id: *id,
                    success: true,
                    error: String::new(),
                })
                .collect(),
        );
        let (tx, _c) = events_pair();
        let report = engine
            .resume(&plan.run_id, &tx, &CancellationToken::new())
            .await
            .unwrap();
        assert!(
            (1..=30).all(|id| desk.update_count(id) == 0),
            "no reply applied twice"
        );
        assert_eq!(report.failed().count(), 0);
        if with_id {
            assert!(
                report.all_done(),
                "{}",
                gongdan::words::bulk::run_report(Lang::En, &report)
            );
            assert_eq!(
                *desk.request_ids.lock().unwrap(),
                vec!["first-call".to_string()]
            );
        } else {
            assert_eq!(desk.calls.load(Ordering::SeqCst), 0, "nothing sent");
            assert_eq!(report.unsettled().count(), 30);
            let summary = gongdan::words::bulk::run_report(Lang::En, &report);
            assert!(
                summary.contains("reply may or may not have been sent: check ticket #1, #2"),
                "{summary}"
            );
            assert!(retry_failed(&report, gongdan::bulk::RunStamp::now()).is_none());
            let info = engine.history().runs.remove(0);
            assert_eq!(info.state, RunState::Complete);
            assert_eq!(info.unsettled.len(), 30);
        }
    }
}

/// A reply call in doubt (the process died with it in flight, never applied): a ticket
/// someone else changed meanwhile is taken as sent and listed for a look; the others are
/// sent again under the call's first `Requestid`. Nothing is sent twice.
#[tokio::test]
async fn a_reply_in_doubt_on_a_ticket_changed_meanwhile_is_taken_as_sent_and_listed() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(20, |_| TicketStatus::Open);
    desk.cuts.lock().unwrap().insert(1, Cut::LostNoAnswer);
    let engine = engine(&desk, state.path(), 1);
    let edit = BulkEdit::from(TicketChange {
        status: Some(TicketStatus::Solved),
        reply: Some(gongdan::api::model::Reply {
            message: "已处理".into(),
            ..Default::default()
        }),
        ..TicketChange::default()
    });
    let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
    run_until_cut(&engine, &desk, &plan).await;
    desk.cuts.lock().unwrap().clear();
    desk.touch(4, TicketStatus::Pending);
    let (tx, _rx) = events_pair();
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    let taken: Vec<u64> = report.taken_as_sent().map(|o| o.id).collect();
    assert_eq!(taken, vec![4]);
    assert_eq!(desk.update_count(4), 0, "not sent");
    assert!(
        (1..=20)
            .filter(|id| *id != 4)
            .all(|id| desk.update_count(id) == 1)
    );
    let ids = desk.request_ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1], "resent under its first Requestid");
}

/// A reply call in doubt whose tickets cannot be read at the resume (the check fails):
/// neither sent nor settled, still in doubt and resumable; the next resume, able to read,
/// sends them under the first `Requestid`, once.
#[tokio::test]
async fn a_reply_in_doubt_that_cannot_be_read_stays_in_doubt_for_the_next_resume() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(20, |_| TicketStatus::Open);
    desk.cuts.lock().unwrap().insert(1, Cut::LostNoAnswer);
    let engine = engine(&desk, state.path(), 1);
    let edit = BulkEdit::from(TicketChange {
        reply: Some(gongdan::api::model::Reply {
            message: "已处理".into(),
            ..Default::default()
        }),
        ..TicketChange::default()
    });
    let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
    run_until_cut(&engine, &desk, &plan).await;
    desk.cuts.lock().unwrap().clear();
    desk.fail_reads.store(true, Ordering::SeqCst);
    let (tx, _rx) = events_pair();
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        report.unknown().count(),
        20,
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert_eq!(report.unsettled().count() + report.failed().count(), 0);
    assert_eq!(desk.calls.load(Ordering::SeqCst), 1, "nothing sent");
    assert_eq!(
        engine.history().get(&plan.run_id).unwrap().state,
        RunState::Interrupted
    );

    desk.fail_reads.store(false, Ordering::SeqCst);
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert!((1..=20).all(|id| desk.update_count(id) == 1));
    let ids = desk.request_ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0], ids[1]);
}

/// A ticket changed on the server between the preview and its call is left alone and
/// reported so (not failed, not retried); with "apply anyway" it is sent.
#[tokio::test]
async fn a_ticket_changed_since_the_preview_is_left_alone_unless_applied_anyway() {
    for anyway in [false, true] {
        let state = tempfile::tempdir().unwrap();
        let desk = Desk::with_tickets(120, |_| TicketStatus::Open);
        let engine = engine(&desk, state.path(), 1);
        let mut plan = Plan::new(
            &solve(),
            &desk.all(),
            target(),
            gongdan::bulk::RunStamp::now(),
        );
        plan.apply_anyway = anyway;
        desk.touch(5, TicketStatus::Pending);
        desk.touch(110, TicketStatus::Pending);
        let (tx, _c) = events_pair();
        let report = engine
            .start(&plan, &tx, &CancellationToken::new())
            .await
            .unwrap();
        if anyway {
            assert!(
                report.all_done(),
                "{}",
                gongdan::words::bulk::run_report(Lang::En, &report)
            );
            assert!((1..=120).all(|id| desk.update_count(id) == 1));
            continue;
        }
        let changed: Vec<u64> = report.changed_since_preview().map(|o| o.id).collect();
        assert_eq!(changed, vec![5, 110]);
        assert_eq!(desk.status(5), Some(TicketStatus::Pending));
        assert_eq!(desk.update_count(5), 0);
        assert_eq!(desk.update_count(110), 0);
        assert!(
            (1..=120)
                .filter(|id| ![5, 110].contains(id))
                .all(|id| desk.update_count(id) == 1)
        );
        assert_eq!(report.failed().count(), 0);
        assert!(retry_failed(&report, gongdan::bulk::RunStamp::now()).is_none());
        assert!(
            gongdan::words::bulk::run_report(Lang::En, &report)
                .contains("2 changed since the preview (left alone)"),
            "{}",
            gongdan::words::bulk::run_report(Lang::En, &report)
        );
        let info = engine.history().runs.remove(0);
        assert_eq!((info.state.clone(), info.changed), (RunState::Complete, 2));
        assert!(
            gongdan::words::bulk::run_summary(Lang::Zh, &info).contains("预览后已变更未处理 2")
        );
    }
}

fn events_pair() -> (mpsc::Sender<RunEvent>, mpsc::Receiver<RunEvent>) {
    // Large enough that a small run never waits on an unread channel.
    mpsc::channel(1024)
}

/// Runs a plan until the desk reaches its cut, then drops the run (the process "dies").
async fn run_until_cut(engine: &Engine<DeskApi>, desk: &Arc<Desk>, plan: &Plan) {
    let (tx, _rx) = events_pair();
    let cancel = CancellationToken::new();
    tokio::select! {
        result = engine.start(plan, &tx, &cancel) => panic!("the run finished: {:?}", result.map(|r| gongdan::words::bulk::run_report(Lang::En, &r))),
        () = desk.cut_reached.notified() => {}
    }
}

/// Resumes a run until the desk reaches its cut at call `at`, then drops the resume (a
/// second crash). A resume with nothing left to send finishes instead.
async fn resume_until_cut(engine: &Engine<DeskApi>, desk: &Arc<Desk>, run_id: &str, at: usize) {
    let (tx, _rx) = events_pair();
    let cancel = CancellationToken::new();
    tokio::select! {
        result = engine.resume(run_id, &tx, &cancel) => {
            assert!(result.unwrap().all_done());
            assert!(desk.calls.load(Ordering::SeqCst) < at, "the cut call was answered");
        }
        () = desk.cut_reached.notified() => {}
    }
}

#[tokio::test]
async fn a_run_killed_at_any_call_resumes_with_every_ticket_changed_once() {
    let cuts = [Cut::AppliedNoAnswer, Cut::LostNoAnswer];
    for cut in cuts {
        for concurrency in [1, 3] {
            // 450 tickets are 5 calls: crash at each, and crash the resume once more.
            for at in 1..=5 {
                for crash_resume in [false, true] {
                    let state = tempfile::tempdir().unwrap();
                    let desk = Desk::with_tickets(450, |id| {
                        if id % 3 == 0 {
                            TicketStatus::Pending
                        } else {
                            TicketStatus::Open
                        }
                    });
                    desk.cuts.lock().unwrap().insert(at, cut);
                    let engine = engine(&desk, state.path(), concurrency);
                    let plan = Plan::new(
                        &solve(),
                        &desk.all(),
                        target(),
                        gongdan::bulk::RunStamp::now(),
                    );
                    run_until_cut(&engine, &desk, &plan).await;

                    let history = engine.history();
                    assert_eq!(history.runs[0].state, RunState::Interrupted);
                    assert_eq!(history.interrupted().count(), 1);

                    desk.cuts.lock().unwrap().clear();
                    if crash_resume {
                        let next = desk.calls.load(Ordering::SeqCst) + 1;
                        let other = if cut == cuts[0] { cuts[1] } else { cuts[0] };
                        desk.cuts.lock().unwrap().insert(next, other);
                        resume_until_cut(&engine, &desk, &plan.run_id, next).await;
                        desk.cuts.lock().unwrap().clear();
                    }
                    let (tx, _rx) = events_pair();
                    let report = engine
                        .resume(&plan.run_id, &tx, &CancellationToken::new())
                        .await
                        .unwrap();
                    assert!(
                        report.all_done(),
                        "{}",
                        gongdan::words::bulk::run_report(Lang::En, &report)
                    );
                    for id in 1..=450 {
                        assert_eq!(desk.status(id), Some(TicketStatus::Solved));
                        assert_eq!(
                            desk.update_count(id),
                            1,
                            "ticket {id}; applied: {}, concurrency {concurrency}, cut at {at}, \
                             resume crashed: {crash_resume}",
                            cut == Cut::AppliedNoAnswer
                        );
                    }
                    assert_eq!(engine.history().runs[0].state, RunState::Complete);
                }
            }
        }
    }
}

#[tokio::test]
async fn a_hand_written_journal_with_a_torn_last_line_resumes() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(30, |_| TicketStatus::Open);
    let engine = Engine::new(
        DeskApi(desk.clone()),
        Journal::new(state.path()),
        RunOptions {
            chunk_size: 10,
            ..RunOptions::default()
        },
        target(),
    );
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    // What a process killed mid-append leaves: call 1 answered, call 2 sent (and applied
    // by the server) with its outcome line cut in the middle.
    drop(Journal::new(state.path()).create(&plan).unwrap());
    for id in 1..=20 {
        desk.apply(id, &solve().change);
    }
    let dir = state.path().join("runs").join(&plan.run_id);
    let ok = |ids: std::ops::RangeInclusive<u64>| {
        ids.map(|id| format!(r#"{{"id":{id},"success":true}}"#))
            .collect::<Vec<_>>()
            .join(",")
    };
    let progress = format!(
        concat!(
            r#"{{"event":"started","at":"2026-11-29T04:00:00Z"}}"#,
            "\n",
            r#"{{"event":"sending","call":1,"ids":[1,2,3,4,5,6,7,8,9,10],"at":"2026-11-29T04:00:00Z"}}"#,
            "\n",
            r#"{{"event":"sending","call":2,"ids":[11,12,13,14,15,16,17,18,19,20],"at":"2026-11-29T04:00:00Z"}}"#,
            "\n",
            r#"{{"event":"outcome","call":1,"at":"2026-11-29T04:00:01Z","results":[{}]}}"#,
            "\n",
            r#"{{"event":"outcome","call":2,"at":"2026-11-29T04:00:01Z","results":[{{"id":11,"succ"#
        ),
        ok(1..=10)
    );
    std::fs::write(dir.join("progress.jsonl"), progress).unwrap();

    let loaded = engine.journal().load(&plan.run_id).unwrap();
    assert_eq!(loaded.skipped_lines, 1);
    assert_eq!(loaded.outcomes.len(), 10);
    assert_eq!(loaded.in_flight, (11..=20).collect::<Vec<_>>());

    let (tx, _rx) = events_pair();
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    assert!((1..=30).all(|id| desk.update_count(id) == 1));
    // The resumed journal reads back whole (the torn line was cut before appending).
    let loaded = engine.journal().load(&plan.run_id).unwrap();
    assert_eq!(loaded.skipped_lines, 0);
    assert_eq!(loaded.outcomes.len(), 30);
}

#[tokio::test]
async fn undo_puts_back_all_but_the_tickets_changed_since() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(150, |id| {
        if id % 2 == 0 {
            TicketStatus::Pending
        } else {
            TicketStatus::Open
        }
    });
    let engine = engine(&desk, state.path(), 2);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _rx) = events_pair();
    engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    desk.touch(5, TicketStatus::Closed);

    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert_eq!(undo.tickets.len(), 149);
    assert_eq!(undo.excluded.len(), 1);
    assert_eq!(undo.excluded[0].id, 5);
    assert_eq!(undo.excluded[0].reason, ExcludeReason::ChangedSince);
    let summary =
        gongdan::words::bulk::preview_summary(Lang::En, &Preview::of(&undo), &Default::default());
    assert!(summary.starts_with("undo 149 tickets: "), "{summary}");
    assert!(
        summary.contains("solved → pending 75, solved → open 74"),
        "{summary}"
    );
    assert!(
        summary.contains("1 left out: changed again since the run"),
        "{summary}"
    );

    let report = engine
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    // The per-ticket form, 100 a call.
    let forms = desk.same_form.lock().unwrap().clone();
    assert_eq!(forms, vec![true, true, false, false]);
    assert_eq!(desk.status(5), Some(TicketStatus::Closed));
    assert_eq!(desk.status(4), Some(TicketStatus::Pending));
    assert_eq!(desk.status(3), Some(TicketStatus::Open));
    let history = engine.history();
    let original = history.get(&plan.run_id).unwrap();
    assert!(matches!(&original.state, RunState::Undone { by } if by == report.run_id()));
}

#[tokio::test]
async fn undo_by_an_agent_compares_update_times() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(10, |_| TicketStatus::Open);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _rx) = events_pair();
    engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    desk.touch(2, TicketStatus::Pending);
    desk.agent.store(true, Ordering::SeqCst);
    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert_eq!(undo.tickets.len(), 9);
    assert_eq!(undo.excluded[0].id, 2);
    assert_eq!(undo.excluded[0].reason, ExcludeReason::ChangedSince);
}

#[tokio::test]
async fn an_interrupted_run_can_be_undone() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(300, |_| TicketStatus::Open);
    desk.cuts.lock().unwrap().insert(2, Cut::AppliedNoAnswer);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    run_until_cut(&engine, &desk, &plan).await;
    desk.cuts.lock().unwrap().clear();

    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    // Call 1 answered, call 2 applied without an answer: both are put back; call 3 was
    // never sent.
    assert_eq!(undo.tickets.len(), 200);
    assert_eq!(
        undo.excluded
            .iter()
            .filter(|e| e.reason == ExcludeReason::NotApplied)
            .count(),
        100
    );
    let (tx, _rx) = events_pair();
    let report = engine
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    for id in 1..=300 {
        assert_eq!(desk.status(id), Some(TicketStatus::Open), "ticket {id}");
        let expected = if id <= 200 { 2 } else { 0 };
        assert_eq!(desk.update_count(id), expected, "ticket {id}");
    }
}

#[tokio::test]
async fn a_corrupt_plan_is_moved_aside_not_a_panic() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(3, |_| TicketStatus::Open);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    drop(engine.journal().create(&plan).unwrap());
    let dir = state.path().join("runs").join(&plan.run_id);
    std::fs::write(
        dir.join("plan.json"),
        b"{\"version\":1,\"run_id\":\"x\", \"tick",
    )
    .unwrap();

    let history = engine.history();
    assert!(history.runs.is_empty());
    assert_eq!(history.problems.len(), 1, "{:?}", history.problems);
    assert!(
        history.problems[0].contains("moved to"),
        "{}",
        history.problems[0]
    );
    let moved: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("plan.json.corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1);
    // Listing again is quiet: the bad file is out of the way.
    assert!(engine.history().problems.is_empty());
    let (tx, _rx) = events_pair();
    assert!(
        engine
            .resume(&plan.run_id, &tx, &CancellationToken::new())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn tag_edits_use_the_per_ticket_form() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(5, |_| TicketStatus::Open);
    desk.tickets.lock().unwrap().get_mut(&2).unwrap().tags = Some(vec!["vip".into()]);
    let engine = engine(&desk, state.path(), 1);
    let edit = BulkEdit {
        tags_add: vec!["vip".into()],
        tags_remove: vec!["老客户".into()],
        ..BulkEdit::default()
    };
    let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
    assert_eq!(plan.tickets.len(), 4);
    let summary =
        gongdan::words::bulk::preview_summary(Lang::Zh, &Preview::of(&plan), &Default::default());
    // Per tag, never per distinct set of tags.
    assert_eq!(
        summary,
        "4 张工单：+vip 加到 4 张（1 张已有），−老客户 从 4 张去掉（1 张本来没有）；1 张已是目标值，跳过"
    );
    let (tx, _rx) = events_pair();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    assert_eq!(desk.same_form.lock().unwrap().clone(), vec![false]);
    assert!(
        desk.all()
            .iter()
            .all(|t| t.tags == Some(vec!["vip".to_string()]))
    );
}

#[test]
fn the_run_future_can_be_spawned() {
    fn is_send<T: Send>(_: &T) {}
    let desk = Desk::with_tickets(1, |_| TicketStatus::Open);
    let state = tempfile::tempdir().unwrap();
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _rx) = events_pair();
    let cancel = CancellationToken::new();
    is_send(&engine.start(&plan, &tx, &cancel));
    is_send(&engine.resume("x", &tx, &cancel));
    is_send(&engine.undo("x", &tx, &cancel));
}

/// The console spawns runs on the real client: its futures must be `Send` too.
#[allow(dead_code)]
fn client_runs_can_be_spawned(
    engine: &Engine<gongdan::api::Client>,
    plan: &Plan,
    tx: &mpsc::Sender<RunEvent>,
    cancel: &CancellationToken,
) {
    fn is_send<T: Send>(_: &T) {}
    is_send(&engine.start(plan, tx, cancel));
    is_send(&engine.resume("x", tx, cancel));
    is_send(&engine.undo("x", tx, cancel));
}

#[tokio::test]
async fn a_401_stops_the_run_leaves_the_rest_unsent_and_a_resume_sends_it_once() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(250, |_| TicketStatus::Open);
    desk.cuts.lock().unwrap().insert(2, Cut::Unauthorized);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, collector) = events();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    drop(tx);
    let events = collector.await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::AuthRefused { tickets: 100, .. })),
        "{events:?}"
    );
    // Call 1 applied; call 2 refused (nothing applied, nothing counted failed); call 3
    // never sent.
    assert_eq!(desk.calls.load(Ordering::SeqCst), 2);
    assert!(report.failed().next().is_none(), "{report:?}");
    assert_eq!(report.not_sent.len(), 150);
    assert!(report.cancelled);
    let info = engine.history();
    let info = info.get(&plan.run_id).unwrap();
    assert!(info.resumable(), "{:?}", info.state);

    // Signed in again: the resume sends the 150 once.
    let (tx, _c) = events_pair();
    let resumed = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(resumed.all_done(), "{resumed:?}");
    assert!((1..=250).all(|id| desk.update_count(id) == 1));
}

#[tokio::test]
async fn undoing_a_run_puts_back_what_its_retry_changed_too() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(30, |_| TicketStatus::Open);
    desk.refuse
        .lock()
        .unwrap()
        .extend([(4, "忙".to_string()), (17, "忙".to_string())]);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    let (tx, _c) = events_pair();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.failed().count(), 2);
    desk.refuse.lock().unwrap().clear();
    let retry = retry_failed(&report, gongdan::bulk::RunStamp::now()).unwrap();
    let (tx, _c) = events_pair();
    let again = engine
        .start(&retry, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(again.all_done());
    desk.touch(9, TicketStatus::Pending);

    // From the retry or from the run: the same undo of all of it.
    for from in [&retry.run_id, &plan.run_id] {
        let undo = engine.plan_undo(from).await.unwrap();
        assert_eq!(
            undo.kind,
            RunKind::Undo {
                of: plan.run_id.clone()
            }
        );
        assert_eq!(undo.tickets.len(), 29, "{from}");
        assert!(undo.tickets.iter().any(|t| t.id == 4));
        assert!(undo.tickets.iter().any(|t| t.id == 17));
        assert_eq!(undo.excluded.len(), 1);
        assert_eq!(undo.excluded[0].id, 9);
    }
    let (tx, _c) = events_pair();
    let undone = engine
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(undone.all_done());
    for id in (1..=30).filter(|id| *id != 9) {
        assert_eq!(desk.status(id), Some(TicketStatus::Open), "#{id}");
    }
    // The run and its retry are both marked undone.
    let history = engine.history();
    for run in [&plan.run_id, &retry.run_id] {
        assert!(
            matches!(history.get(run).unwrap().state, RunState::Undone { .. }),
            "{run}: {:?}",
            history.get(run).unwrap().state
        );
    }
}

#[tokio::test]
async fn a_call_not_yet_sent_when_the_process_dies_is_sent_by_the_resume() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(450, |_| TicketStatus::Open);
    desk.agent.store(true, Ordering::SeqCst);
    // Call 1 never reaches the server; the process dies while it hangs, before call 2 is
    // sent. Had call 2's `sending` line been written ahead, the resume would check it, take
    // a ticket someone else touched as applied, and report it done without sending it.
    desk.cuts.lock().unwrap().insert(1, Cut::LostNoAnswer);
    let engine = engine(&desk, state.path(), 1);
    let plan = Plan::new(
        &solve(),
        &desk.all(),
        target(),
        gongdan::bulk::RunStamp::now(),
    );
    run_until_cut(&engine, &desk, &plan).await;
    assert_eq!(desk.calls.load(Ordering::SeqCst), 1);
    desk.cuts.lock().unwrap().clear();
    // Meanwhile another agent touches one ticket of call 2.
    desk.touch(150, TicketStatus::Pending);
    let (tx, _rx) = events_pair();
    let report = engine
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    // Not reported done without being sent: read before its call, it is left alone as
    // changed since the preview; every other ticket is changed once.
    let changed: Vec<u64> = report.changed_since_preview().map(|o| o.id).collect();
    assert_eq!(
        changed,
        vec![150],
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert_eq!(desk.update_count(150), 0);
    assert!(
        (1..=450)
            .filter(|id| *id != 150)
            .all(|id| desk.update_count(id) == 1)
    );
}

/// Field by field: after a run set status and tags, one ticket's tags come back null (the
/// server says nothing of them now) and another's status was changed by someone else. Undo
/// puts back what is still as the run left it, and says which fields it leaves and why;
/// neither ticket is left out whole.
#[tokio::test]
async fn undo_puts_back_each_field_still_as_the_run_left_it_and_names_the_others() {
    let state = tempfile::tempdir().unwrap();
    let desk = Desk::with_tickets(4, |_| TicketStatus::Open);
    let engine = engine(&desk, state.path(), 1);
    let edit = BulkEdit {
        change: TicketChange {
            status: Some(TicketStatus::Solved),
            ..TicketChange::default()
        },
        tags_add: vec!["升级".into()],
        ..BulkEdit::default()
    };
    let plan = Plan::new(&edit, &desk.all(), target(), gongdan::bulk::RunStamp::now());
    assert_eq!(plan.tickets.len(), 4);
    let (tx, _rx) = events_pair();
    assert!(
        engine
            .start(&plan, &tx, &CancellationToken::new())
            .await
            .unwrap()
            .all_done()
    );
    desk.tickets.lock().unwrap().get_mut(&1).unwrap().tags = None;
    desk.touch(2, TicketStatus::Closed);

    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert!(undo.excluded.is_empty(), "{:?}", undo.excluded);
    assert_eq!(undo.tickets.len(), 4);
    let one = undo.ticket(1).unwrap();
    assert_eq!(undo.target_of(one).status, Some(2));
    assert_eq!(undo.target_of(one).tags, None);
    assert_eq!(
        one.left,
        vec![LeftField {
            field: FieldKind::Tags,
            reason: ExcludeReason::CurrentUnknown
        }]
    );
    let two = undo.ticket(2).unwrap();
    assert_eq!(undo.target_of(two).status, None);
    assert_eq!(undo.target_of(two).tags, Some(vec!["老客户".to_string()]));
    assert_eq!(two.left[0].reason, ExcludeReason::ChangedSince);
    let summary =
        gongdan::words::bulk::preview_summary(Lang::En, &Preview::of(&undo), &Default::default());
    assert!(
        summary.contains("1 keep their tags: its current state could not be read"),
        "{summary}"
    );
    assert!(
        summary.contains("1 keep their status: changed again since the run"),
        "{summary}"
    );

    let report = engine
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    assert_eq!(desk.status(1), Some(TicketStatus::Open));
    assert_eq!(desk.status(2), Some(TicketStatus::Closed));
    let all = desk.all();
    assert_eq!(all[1].tags, Some(vec!["老客户".to_string()]));
    assert_eq!(all[2].tags, Some(vec!["老客户".to_string()]));
    assert_eq!(all[2].status, Some(TicketStatus::Open));
}
