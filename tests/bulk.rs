//! The bulk engine against the sandbox over loopback: preview grouping, chunking,
//! cancellation, partial failures and retry, crash and resume (each ticket changed exactly
//! once, checked with the sandbox's update counts), undo with "changed since", by an admin
//! and by an agent, and undo of an interrupted run.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gongdan::api::model::{Reply, Ticket, TicketChange, TicketStatus, UpdateResult};
use gongdan::api::{ApiError, Auth, Client, ClientConfig, RetryPolicy};
use gongdan::bulk::{
    BulkApi, BulkEdit, Current, Engine, ExcludeReason, Journal, Plan, Preview, RunEvent,
    RunOptions, RunState, Target, retry_failed,
};
use gongdan::lang::Lang;
use gongdan::sandbox::{self, Fault, Route, Sandbox, SandboxOptions};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

async fn start(tickets: usize) -> Arc<Sandbox> {
    Arc::new(
        sandbox::start(SandboxOptions {
            tickets,
            ..SandboxOptions::default()
        })
        .await
        .unwrap(),
    )
}

fn client(sandbox: &Sandbox, account: &str, password: &str) -> Client {
    client_with(sandbox, account, password, 1, Duration::from_secs(10))
}

fn client_with(
    sandbox: &Sandbox,
    account: &str,
    password: &str,
    attempts: u32,
    timeout: Duration,
) -> Client {
    let mut config = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: account.into(),
            password: password.into(),
        },
    );
    config.timeout = timeout;
    // One attempt (by default): a fault injected for a call fails that call, not a retry.
    config.retry = RetryPolicy {
        max_attempts: attempts,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(10),
    };
    Client::new(config).unwrap()
}

fn admin(sandbox: &Sandbox) -> Client {
    client(sandbox, "admin@example.com", "admin-pass")
}

fn agent(sandbox: &Sandbox) -> Client {
    client(sandbox, "agent@example.com", "agent-pass")
}

fn target(sandbox: &Sandbox) -> Target {
    Target {
        profile: "sandbox".into(),
        base_url: sandbox.base_url(),
    }
}

fn engine<A: BulkApi>(
    api: A,
    sandbox: &Sandbox,
    state: &std::path::Path,
    concurrency: usize,
) -> Engine<A> {
    Engine::new(
        api,
        Journal::new(state),
        RunOptions {
            concurrency,
            ..RunOptions::default()
        },
        target(sandbox),
    )
}

/// Every ticket of the sandbox, as an admin loads them.
async fn all_tickets(sandbox: &Sandbox) -> Vec<Ticket> {
    admin(sandbox)
        .show_many(&sandbox.ticket_ids())
        .await
        .unwrap()
        .tickets
}

fn change(status: TicketStatus) -> BulkEdit {
    BulkEdit::from(TicketChange {
        status: Some(status),
        ..TicketChange::default()
    })
}

fn channel() -> (mpsc::Sender<RunEvent>, mpsc::Receiver<RunEvent>) {
    // Large enough that these small runs never wait on an unread channel.
    mpsc::channel(1024)
}

/// What the wrapper does on its Nth update call (1-based).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Cut {
    /// Send the call (the sandbox applies it), then never answer: the process died with
    /// the call in flight.
    AppliedNoAnswer,
    /// Never send, never answer: the process died before the request left.
    LostNoAnswer,
    /// Answer, then cancel the run.
    CancelAfter,
    /// The sandbox answers this call with a 500.
    ServerError,
    /// The sandbox applies this call, then drops the connection without answering.
    DropResponse,
    /// The sandbox waits this long before handling this call.
    Hang(Duration),
}

/// The real client, with a cut at a chosen call.
struct CutClient {
    client: Client,
    sandbox: Arc<Sandbox>,
    calls: AtomicUsize,
    cut: Option<(usize, Cut)>,
    reached: Notify,
    cancel: CancellationToken,
}

impl CutClient {
    fn new(client: Client, sandbox: &Arc<Sandbox>, cut: Option<(usize, Cut)>) -> CutClient {
        CutClient {
            client,
            sandbox: sandbox.clone(),
            calls: AtomicUsize::new(0),
            cut,
            reached: Notify::new(),
            cancel: CancellationToken::new(),
        }
    }

    async fn around<F>(&self, call: F) -> Result<Vec<UpdateResult>, ApiError>
    where
        F: std::future::Future<Output = Result<Vec<UpdateResult>, ApiError>>,
    {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let cut = self.cut.filter(|(at, _)| *at == n).map(|(_, cut)| cut);
        match cut {
            None => call.await,
            Some(Cut::AppliedNoAnswer) => {
                let _ = call.await;
                self.reached.notify_one();
                std::future::pending().await
            }
            Some(Cut::LostNoAnswer) => {
                self.reached.notify_one();
                std::future::pending().await
            }
            Some(Cut::CancelAfter) => {
                let answer = call.await;
                self.cancel.cancel();
                answer
            }
            Some(Cut::ServerError) => {
                self.sandbox.push_fault(Fault::ServerError);
                call.await
            }
            Some(Cut::DropResponse) => {
                self.sandbox.push_fault(Fault::DropResponse);
                call.await
            }
            Some(Cut::Hang(how_long)) => {
                self.sandbox.push_fault(Fault::Hang(how_long));
                call.await
            }
        }
    }
}

impl BulkApi for CutClient {
    async fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.around(self.client.update_many_with_id(ids, change, request_id))
            .await
    }

    async fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.around(self.client.update_each_with_id(changes, request_id))
            .await
    }

    async fn current(
        &self,
        ids: &[u64],
        since: DateTime<Utc>,
    ) -> Result<HashMap<u64, Current>, ApiError> {
        BulkApi::current(&self.client, ids, since).await
    }
}

/// Starts a run and drops it once the cut is reached (the process "dies" there).
async fn run_until_cut(engine: &Engine<CutClient>, plan: &Plan) {
    let (tx, _rx) = channel();
    let cancel = CancellationToken::new();
    tokio::select! {
        result = engine.start(plan, &tx, &cancel) => {
            panic!("the run finished: {:?}", result.map(|r| gongdan::words::bulk::run_report(Lang::En, &r)))
        }
        () = engine.api().reached.notified() => {}
    }
}

#[tokio::test]
async fn the_preview_groups_what_will_change() {
    let sandbox = start(60).await;
    let tickets = all_tickets(&sandbox).await;
    let plan = Plan::new(
        &change(TicketStatus::Solved),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let preview = Preview::of(&plan);

    let mut by_status: HashMap<i64, usize> = HashMap::new();
    for ticket in &tickets {
        *by_status.entry(ticket.status.unwrap().code()).or_default() += 1;
    }
    let already = by_status.get(&4).copied().unwrap_or(0);
    assert_eq!(preview.skipped, already);
    assert_eq!(preview.to_change, tickets.len() - already);
    assert_eq!(preview.fields.len(), 1);
    let groups = &preview.fields[0].transitions;
    assert_eq!(groups.len(), by_status.keys().filter(|c| **c != 4).count());
    for group in groups {
        let gongdan::bulk::FieldValue::Status(from) = group.from.clone().unwrap() else {
            panic!("not a status: {group:?}");
        };
        assert_eq!(group.count, by_status[&from]);
    }
    // Largest group first, exact counts, skipped ones named.
    assert!(groups.windows(2).all(|w| w[0].count >= w[1].count));
    let zh = gongdan::words::bulk::preview_summary(Lang::Zh, &preview, &Default::default());
    let first = &groups[0];
    let from = gongdan::words::bulk::value_label(
        first.from.as_ref().unwrap(),
        Lang::Zh,
        &Default::default(),
    );
    assert!(
        zh.starts_with(&format!(
            "{} 张工单：{from} → 已解决 {}",
            preview.to_change, first.count
        )),
        "{zh}"
    );
    if already > 0 {
        assert!(
            zh.ends_with(&format!("{already} 张已是 已解决，跳过")),
            "{zh}"
        );
        let en = gongdan::words::bulk::preview_summary(Lang::En, &preview, &Default::default());
        assert!(
            en.ends_with(&format!("{already} already solved, skipped")),
            "{en}"
        );
    }
    assert!(preview.needs_typed_confirmation(preview.to_change - 1));
    assert!(!preview.needs_typed_confirmation(preview.to_change));
    // A preview sends nothing.
    assert_eq!(sandbox.request_count(Route::UpdateMany), 0);
}

#[tokio::test]
async fn two_hundred_fifty_tickets_are_three_update_many_calls() {
    let sandbox = start(250).await;
    let tickets = all_tickets(&sandbox).await;
    // A tag list no seeded ticket has: every ticket is sent.
    let edit = BulkEdit::from(TicketChange {
        tags: Some(vec!["批量测试".to_string()]),
        ..TicketChange::default()
    });
    let plan = Plan::new(
        &edit,
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    assert_eq!(plan.tickets.len(), 250);
    let state = tempfile::tempdir().unwrap();
    let engine = engine(admin(&sandbox), &sandbox, state.path(), 4);
    let (tx, mut rx) = channel();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    drop(tx);
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert_eq!(sandbox.request_count(Route::UpdateMany), 3);
    let client = admin(&sandbox);
    for id in sandbox.ticket_ids() {
        assert_eq!(sandbox.update_count(id), 1, "ticket {id}");
    }
    for id in [1, 125, 250] {
        assert_eq!(
            client.show(id).await.unwrap().tags,
            Some(vec!["批量测试".to_string()])
        );
    }
    let mut last = None;
    while let Some(event) = rx.recv().await {
        last = Some(event);
    }
    let Some(RunEvent::Finished(progress)) = last else {
        panic!("no finish event: {last:?}");
    };
    assert_eq!((progress.done, progress.failed, progress.left), (250, 0, 0));
    assert_eq!((progress.calls_sent, progress.calls_done), (3, 3));
}

#[tokio::test]
async fn cancelling_after_the_first_call_sends_no_other() {
    let sandbox = start(250).await;
    let tickets = all_tickets(&sandbox).await;
    let plan = Plan::new(
        &change(TicketStatus::Closed),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    assert!(
        plan.tickets.len() > 200,
        "the seed has too many closed tickets"
    );
    let api = CutClient::new(admin(&sandbox), &sandbox, Some((1, Cut::CancelAfter)));
    let cancel = api.cancel.clone();
    let state = tempfile::tempdir().unwrap();
    let engine = engine(api, &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    let report = engine.start(&plan, &tx, &cancel).await.unwrap();

    assert!(report.cancelled);
    assert_eq!(sandbox.request_count(Route::UpdateMany), 1);
    assert_eq!(report.succeeded().count(), 100);
    assert_eq!(report.not_sent.len(), plan.tickets.len() - 100);
    for planned in &plan.tickets[100..] {
        assert_eq!(sandbox.update_count(planned.id), 0);
    }
    assert_eq!(engine.history().runs[0].state, RunState::Cancelled);
}

#[tokio::test]
async fn failures_carry_the_servers_reasons_and_only_they_are_retried() {
    let sandbox = start(150).await;
    let mut tickets = all_tickets(&sandbox).await;
    tickets.retain(|t| t.status != Some(TicketStatus::Solved));
    // Two tickets that do not exist on the server: it refuses them in the same call.
    for id in [900_001, 900_002] {
        tickets.insert(
            10,
            Ticket {
                id,
                status: Some(TicketStatus::Open),
                ..Ticket::default()
            },
        );
    }
    let plan = Plan::new(
        &change(TicketStatus::Solved),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let second_call = plan.tickets.len() - 100;
    assert!(second_call > 0);
    // The whole second call fails with a 500 (no retries in this client).
    let api = CutClient::new(admin(&sandbox), &sandbox, Some((2, Cut::ServerError)));
    let state = tempfile::tempdir().unwrap();
    let engine = engine(api, &sandbox, state.path(), 1);
    let (tx, mut rx) = channel();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    drop(tx);

    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 2 + second_call);
    let missing: Vec<_> = failed.iter().filter(|f| f.id >= 900_000).collect();
    assert_eq!(missing.len(), 2);
    assert!(
        missing[0].error.contains("工单不存在"),
        "{}",
        missing[0].error
    );
    let whole_call = failed.iter().find(|f| f.id < 900_000).unwrap();
    assert!(whole_call.error.contains("500"), "{}", whole_call.error);
    let mut call_failed = 0;
    while let Some(event) = rx.recv().await {
        if let RunEvent::CallFailed { tickets, .. } = event {
            call_failed += tickets;
        }
    }
    assert_eq!(call_failed, second_call);

    // Retry sends the failed ones only: one call; the missing tickets fail again.
    let retry = retry_failed(&report, gongdan::bulk::RunStamp::now()).unwrap();
    assert_eq!(retry.tickets.len(), 2 + second_call);
    let (tx, _rx) = channel();
    let again = engine
        .start(&retry, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(sandbox.request_count(Route::UpdateMany), 3);
    let ids: Vec<u64> = again.failed().map(|f| f.id).collect();
    assert_eq!(ids, vec![900_002, 900_001]);
    for planned in &plan.tickets {
        if planned.id < 900_000 {
            assert_eq!(sandbox.update_count(planned.id), 1, "ticket {}", planned.id);
        }
    }
}

async fn crash_and_resume(cut: Cut, concurrency: usize, with_reply: bool) {
    crash_and_resume_on(start(320).await, cut, concurrency, with_reply).await;
}

async fn crash_and_resume_on(
    sandbox: Arc<Sandbox>,
    cut: Cut,
    concurrency: usize,
    with_reply: bool,
) {
    let tickets = all_tickets(&sandbox).await;
    let mut edit = change(TicketStatus::Solved);
    if with_reply {
        edit.change.reply = Some(Reply {
            message: "已处理，谢谢".into(),
            attachments: Vec::new(),
        });
    }
    let replies_before: HashMap<u64, usize> = tickets
        .iter()
        .map(|t| (t.id, sandbox.replies(t.id).len()))
        .collect();
    let plan = Plan::new(
        &edit,
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let state = tempfile::tempdir().unwrap();
    let api = CutClient::new(admin(&sandbox), &sandbox, Some((2, cut)));
    let engine_a = engine(api, &sandbox, state.path(), concurrency);
    run_until_cut(&engine_a, &plan).await;
    drop(engine_a);

    // The next start: a new process, the same state directory.
    let engine_b = engine(admin(&sandbox), &sandbox, state.path(), concurrency);
    let history = engine_b.history();
    let run = history.get(&plan.run_id).unwrap();
    assert_eq!(run.state, RunState::Interrupted, "{cut:?}");
    assert!(run.resumable());
    let (tx, _rx) = channel();
    let report = engine_b
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{cut:?}: {}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );

    let client = admin(&sandbox);
    let now = client.show_many(&sandbox.ticket_ids()).await.unwrap();
    for ticket in now.tickets {
        assert_eq!(
            ticket.status,
            Some(TicketStatus::Solved),
            "{cut:?} {}",
            ticket.id
        );
        let expected = u64::from(plan.ticket(ticket.id).is_some());
        assert_eq!(
            sandbox.update_count(ticket.id),
            expected,
            "{cut:?}, concurrency {concurrency}: ticket {}",
            ticket.id
        );
        if with_reply {
            assert_eq!(
                sandbox.replies(ticket.id).len(),
                replies_before[&ticket.id] + 1,
                "one reply on {}",
                ticket.id
            );
        }
    }
    assert_eq!(
        engine_b.history().get(&plan.run_id).unwrap().state,
        RunState::Complete
    );
}

#[tokio::test]
async fn a_run_killed_after_its_call_was_applied_resumes_without_applying_twice() {
    crash_and_resume(Cut::AppliedNoAnswer, 1, false).await;
    crash_and_resume(Cut::AppliedNoAnswer, 3, false).await;
}

#[tokio::test]
async fn a_run_killed_before_its_call_left_resumes_with_every_ticket_once() {
    crash_and_resume(Cut::LostNoAnswer, 1, false).await;
    crash_and_resume(Cut::LostNoAnswer, 3, false).await;
}

#[tokio::test]
async fn a_reply_to_many_killed_mid_run_is_never_sent_twice() {
    crash_and_resume(Cut::AppliedNoAnswer, 2, true).await;
    crash_and_resume(Cut::LostNoAnswer, 1, true).await;
}

#[tokio::test]
async fn undo_puts_back_all_but_the_tickets_changed_since() {
    let sandbox = start(130).await;
    let tickets = all_tickets(&sandbox).await;
    let before: HashMap<u64, Option<TicketStatus>> =
        tickets.iter().map(|t| (t.id, t.status)).collect();
    let plan = Plan::new(
        &change(TicketStatus::Solved),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let state = tempfile::tempdir().unwrap();
    let engine = engine(admin(&sandbox), &sandbox, state.path(), 2);
    let (tx, _rx) = channel();
    assert!(
        engine
            .start(&plan, &tx, &CancellationToken::new())
            .await
            .unwrap()
            .all_done()
    );
    // Another agent changes two of them again.
    let other = admin(&sandbox);
    let touched = [plan.tickets[0].id, plan.tickets[50].id];
    for id in touched {
        other
            .update(
                id,
                &TicketChange {
                    status: Some(TicketStatus::Closed),
                    ..TicketChange::default()
                },
            )
            .await
            .unwrap();
    }
    let calls_before = sandbox.requests().len();

    let report = engine
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        report.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    let changed: Vec<u64> = report
        .plan
        .excluded
        .iter()
        .filter(|e| e.reason == ExcludeReason::ChangedSince)
        .map(|e| e.id)
        .collect();
    assert_eq!(changed, touched.to_vec());
    assert_eq!(
        gongdan::words::bulk::run_report(Lang::En, &report),
        format!(
            "{} done, 0 failed; 2 left alone: changed again since the run",
            plan.tickets.len() - 2
        )
    );
    assert_eq!(report.outcomes.len(), plan.tickets.len() - 2);
    // The per-ticket form of update many, 100 a call.
    let undo_calls: Vec<_> = sandbox.requests()[calls_before..]
        .iter()
        .filter(|r| r.route == Route::UpdateMany)
        .cloned()
        .collect();
    assert_eq!(undo_calls.len(), (plan.tickets.len() - 2).div_ceil(100));
    assert!(
        undo_calls.iter().all(|r| !r.path.contains("ids=")),
        "{undo_calls:?}"
    );

    let now = admin(&sandbox)
        .show_many(&sandbox.ticket_ids())
        .await
        .unwrap();
    for ticket in now.tickets {
        if touched.contains(&ticket.id) {
            assert_eq!(ticket.status, Some(TicketStatus::Closed));
        } else {
            assert_eq!(ticket.status, before[&ticket.id], "ticket {}", ticket.id);
        }
    }
    let history = engine.history();
    assert!(matches!(
        &history.get(&plan.run_id).unwrap().state,
        RunState::Undone { by } if by == report.run_id()
    ));
}

#[tokio::test]
async fn undo_by_an_agent_uses_search_update_times() {
    let sandbox = start(40).await;
    let tickets = all_tickets(&sandbox).await;
    let plan = Plan::new(
        &change(TicketStatus::Solved),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let state = tempfile::tempdir().unwrap();
    // The agent may update and search, but not show.
    let engine = engine(agent(&sandbox), &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    // updateDT has a one-second grain: change the ticket again in a later second.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let touched = plan.tickets[3].id;
    agent(&sandbox)
        .update(
            touched,
            &TicketChange {
                status: Some(TicketStatus::Pending),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert!(sandbox.request_count(Route::Search) > 0);
    assert_eq!(undo.tickets.len(), plan.tickets.len() - 1);
    assert_eq!(undo.excluded.len(), 1);
    assert_eq!(undo.excluded[0].id, touched);
    assert_eq!(undo.excluded[0].reason, ExcludeReason::ChangedSince);
}

#[tokio::test]
async fn an_interrupted_run_can_be_undone() {
    let sandbox = start(300).await;
    let tickets = all_tickets(&sandbox).await;
    let before: HashMap<u64, Option<TicketStatus>> =
        tickets.iter().map(|t| (t.id, t.status)).collect();
    let plan = Plan::new(
        &change(TicketStatus::Closed),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    assert!(plan.tickets.len() > 200);
    let state = tempfile::tempdir().unwrap();
    let api = CutClient::new(admin(&sandbox), &sandbox, Some((2, Cut::AppliedNoAnswer)));
    let engine_a = engine(api, &sandbox, state.path(), 1);
    run_until_cut(&engine_a, &plan).await;
    drop(engine_a);

    let engine_b = engine(admin(&sandbox), &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    let report = engine_b
        .undo(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.all_done());
    // Calls 1 (answered) and 2 (applied, no answer) are put back; the rest was never sent.
    assert_eq!(report.outcomes.len(), 200);
    let not_applied = report
        .plan
        .excluded
        .iter()
        .filter(|e| e.reason == ExcludeReason::NotApplied)
        .count();
    assert_eq!(not_applied, plan.tickets.len() - 200);
    let now = admin(&sandbox)
        .show_many(&sandbox.ticket_ids())
        .await
        .unwrap();
    for ticket in now.tickets {
        assert_eq!(ticket.status, before[&ticket.id], "ticket {}", ticket.id);
        let index = plan.tickets.iter().position(|t| t.id == ticket.id);
        let expected = match index {
            Some(i) if i < 200 => 2,
            _ => 0,
        };
        assert_eq!(
            sandbox.update_count(ticket.id),
            expected,
            "ticket {}",
            ticket.id
        );
    }
}

#[tokio::test]
async fn an_agent_with_only_ids_can_run_a_change() {
    let sandbox = start(30).await;
    let state = tempfile::tempdir().unwrap();
    let engine = engine(agent(&sandbox), &sandbox, state.path(), 2);
    let ids: Vec<u64> = vec![3, 4, 5, 999_999];
    let tickets = engine.tickets_for(&ids).await.unwrap();
    assert_eq!(tickets.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    // An agent cannot show tickets: their values are unknown, so nothing is skipped.
    let plan = Plan::new(
        &change(TicketStatus::Solved),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let preview = Preview::of(&plan);
    assert_eq!(
        gongdan::words::bulk::preview_summary(Lang::En, &preview, &Default::default()),
        "4 tickets: ? → solved 4; 4 with unknown previous values cannot be undone"
    );
    let (tx, _rx) = channel();
    let report = engine
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    let failed: Vec<_> = report.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, 999_999);
    assert!(
        failed[0].error.contains("工单不存在"),
        "{}",
        failed[0].error
    );
    for id in [3, 4, 5] {
        assert_eq!(sandbox.update_count(id), 1);
    }
    // Without previous values, undo puts nothing back and says why.
    let undo = engine.plan_undo(&plan.run_id).await.unwrap();
    assert!(undo.tickets.is_empty());
    let reasons: Vec<_> = undo
        .excluded
        .iter()
        .map(|e| (e.id, e.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (3, ExcludeReason::PreviousUnknown),
            (4, ExcludeReason::PreviousUnknown),
            (5, ExcludeReason::PreviousUnknown),
            (999_999, ExcludeReason::NotApplied),
        ]
    );
}

#[tokio::test]
async fn a_run_on_a_server_with_every_live_quirk_resumes_once() {
    let sandbox = Arc::new(
        sandbox::start(SandboxOptions {
            tickets: 320,
            quirks: sandbox::Quirks::live(),
            ..SandboxOptions::default()
        })
        .await
        .unwrap(),
    );
    crash_and_resume_on(sandbox, Cut::AppliedNoAnswer, 2, true).await;
}

fn reply_and_solve() -> BulkEdit {
    let mut edit = change(TicketStatus::Solved);
    edit.change.reply = Some(Reply {
        message: "已处理，谢谢".into(),
        attachments: Vec::new(),
    });
    edit
}

/// Each planned ticket of the sandbox is solved, changed once and has one reply more.
fn assert_each_changed_and_replied_once(
    sandbox: &Sandbox,
    plan: &Plan,
    replies_before: &HashMap<u64, usize>,
) {
    for planned in &plan.tickets {
        let id = planned.id;
        assert_eq!(sandbox.update_count(id), 1, "ticket {id} changed once");
        assert_eq!(
            sandbox.replies(id).len(),
            replies_before[&id] + 1,
            "one reply on {id}"
        );
        assert_eq!(
            sandbox.ticket(id).unwrap()["ticketStatus"]
                .to_string()
                .trim_matches('"'),
            "4",
            "ticket {id} solved"
        );
    }
}

/// The sandbox applies a call (a status change and a reply) and drops the connection
/// before answering: its tickets are journaled "outcome unknown", not failed; the run is
/// offered for resume, `retry` has nothing to send, and the resume reads the tickets, finds
/// them changed and sends nothing again.
#[tokio::test]
async fn a_reply_applied_then_dropped_is_unknown_and_the_resume_sends_nothing_twice() {
    let sandbox = start(150).await;
    let tickets = all_tickets(&sandbox).await;
    let replies_before: HashMap<u64, usize> = tickets
        .iter()
        .map(|t| (t.id, sandbox.replies(t.id).len()))
        .collect();
    let plan = Plan::new(
        &reply_and_solve(),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    assert_eq!(plan.tickets.len(), 150);
    let state = tempfile::tempdir().unwrap();
    let api = CutClient::new(admin(&sandbox), &sandbox, Some((2, Cut::DropResponse)));
    let engine_a = engine(api, &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    let report = engine_a
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    let second: Vec<u64> = plan.tickets[100..].iter().map(|t| t.id).collect();
    assert_eq!(
        report.failed().count(),
        0,
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    let unknown: Vec<u64> = report.unknown().map(|o| o.id).collect();
    assert_eq!(unknown, second);
    assert!(
        retry_failed(&report, gongdan::bulk::RunStamp::now()).is_none(),
        "nothing to retry"
    );
    drop(engine_a);

    let engine_b = engine(admin(&sandbox), &sandbox, state.path(), 1);
    let history = engine_b.history();
    let run = history.get(&plan.run_id).unwrap();
    assert_eq!(run.state, RunState::Interrupted);
    assert_eq!(run.unknown, 50);
    assert!(run.resumable());
    assert!(history.interrupted().any(|r| r.run_id == plan.run_id));
    let writes_before = sandbox.request_count(Route::UpdateMany);
    let (tx, _rx) = channel();
    let resumed = engine_b
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        resumed.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &resumed)
    );
    assert_eq!(
        sandbox.request_count(Route::UpdateMany),
        writes_before,
        "nothing sent again"
    );
    assert_each_changed_and_replied_once(&sandbox, &plan, &replies_before);
    assert_eq!(
        engine_b.history().get(&plan.run_id).unwrap().state,
        RunState::Complete
    );
}

/// The client gives up on a call the server is still handling (it answers late): the
/// outcome is unknown. A resume at once finds the tickets as they were, and sends that
/// call again under its first `Requestid`; whichever of the two the server handles second
/// is answered from memory. Each ticket changes once, each reply is sent once.
#[tokio::test]
async fn a_call_the_server_still_handles_is_resent_under_its_requestid_and_lands_once() {
    let sandbox = start(150).await;
    let tickets = all_tickets(&sandbox).await;
    let replies_before: HashMap<u64, usize> = tickets
        .iter()
        .map(|t| (t.id, sandbox.replies(t.id).len()))
        .collect();
    let plan = Plan::new(
        &reply_and_solve(),
        &tickets,
        target(&sandbox),
        gongdan::bulk::RunStamp::now(),
    );
    let state = tempfile::tempdir().unwrap();
    let hang = Duration::from_millis(1500);
    let impatient = client_with(
        &sandbox,
        "admin@example.com",
        "admin-pass",
        1,
        Duration::from_millis(300),
    );
    let api = CutClient::new(impatient, &sandbox, Some((2, Cut::Hang(hang))));
    let engine_a = engine(api, &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    let report = engine_a
        .start(&plan, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        report.unknown().count(),
        50,
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &report)
    );
    assert_eq!(report.failed().count(), 0);
    drop(engine_a);

    let engine_b = engine(admin(&sandbox), &sandbox, state.path(), 1);
    let (tx, _rx) = channel();
    let resumed = engine_b
        .resume(&plan.run_id, &tx, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        resumed.all_done(),
        "{}",
        gongdan::words::bulk::run_report(Lang::En, &resumed)
    );
    // Let the late first request finish (or be dropped) before counting.
    writes_done(&sandbox, hang + Duration::from_secs(30)).await;
    assert_each_changed_and_replied_once(&sandbox, &plan, &replies_before);
    let ids: Vec<Option<String>> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.route == Route::UpdateMany)
        .map(|r| r.request_id)
        .collect();
    assert_eq!(ids.len(), 3, "call 1, call 2 (late), call 2 again");
    assert!(ids.iter().all(Option::is_some));
    assert_eq!(ids[2], ids[1], "the resume reuses the call's Requestid");
    assert_ne!(ids[0], ids[1]);
}

/// The client's own retry of a write whose answer was lost carries the same `Requestid`
/// (the sandbox records the header): the server answers the repeat from memory, so the
/// reply lands once. Each distinct write gets a fresh id.
#[tokio::test]
async fn the_clients_retry_of_a_write_reuses_its_requestid_and_a_reply_lands_once() {
    let sandbox = start(10).await;
    let ids = sandbox.ticket_ids();
    let patient = client_with(
        &sandbox,
        "admin@example.com",
        "admin-pass",
        3,
        Duration::from_secs(10),
    );
    let reply = reply_and_solve().change;
    let before = sandbox.replies(ids[0]).len();
    sandbox.push_fault(Fault::DropResponse);
    patient.update(ids[0], &reply).await.unwrap();
    assert_eq!(sandbox.replies(ids[0]).len(), before + 1);
    assert_eq!(sandbox.update_count(ids[0]), 1);

    let many_before: Vec<usize> = ids[1..4]
        .iter()
        .map(|id| sandbox.replies(*id).len())
        .collect();
    sandbox.push_fault(Fault::DropResponse);
    let results = patient.update_many(&ids[1..4], &reply).await.unwrap();
    assert!(results.iter().all(|r| r.success));
    for (id, before) in ids[1..4].iter().zip(many_before) {
        assert_eq!(sandbox.replies(*id).len(), before + 1, "one reply on {id}");
        assert_eq!(sandbox.update_count(*id), 1);
    }
    // A later write of the same change is a new write: a new id, applied.
    patient.update(ids[0], &reply).await.unwrap();
    assert_eq!(sandbox.replies(ids[0]).len(), before + 2);

    let sent: Vec<(Route, Option<String>)> = sandbox
        .requests()
        .into_iter()
        .filter(|r| matches!(r.route, Route::Update | Route::UpdateMany))
        .map(|r| (r.route, r.request_id))
        .collect();
    assert_eq!(sent.len(), 5);
    assert!(sent.iter().all(|(_, id)| id.is_some()));
    assert_eq!(sent[0], sent[1], "the retry of the update");
    assert_eq!(sent[2], sent[3], "the retry of the update many");
    assert_ne!(sent[0].1, sent[2].1);
    assert_ne!(sent[4].1, sent[0].1, "a new write, a new id");
}

/// Waits (bounded by `within`) until every write that reached the sandbox is finished:
/// applied, refused or dropped.
async fn writes_done(sandbox: &Sandbox, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    while sandbox.writes_in_flight() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} writes still at the sandbox after {within:?}",
            sandbox.writes_in_flight()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
