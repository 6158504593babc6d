//! How runs read: a history row (state, counts, what retries made of the failures, what
//! the run changes), a state's label and a run's report line.

use super::preview::{exclude_reason, preview_summary};
use crate::bulk::{Retried, RunInfo, RunKind, RunReport, RunState, RunWhat};
use crate::lang::Lang;

/// A short label, e.g. `interrupted` / `已中断`.
fn run_state(lang: Lang, state: &RunState) -> String {
    let zh = lang == Lang::Zh;
    match state {
        RunState::NotStarted => if zh { "未开始" } else { "not started" }.to_string(),
        RunState::Complete => if zh { "已完成" } else { "complete" }.to_string(),
        RunState::Cancelled => if zh { "已取消" } else { "cancelled" }.to_string(),
        RunState::Interrupted => if zh { "已中断" } else { "interrupted" }.to_string(),
        RunState::Undone { by } if zh => format!("已撤销（{by}）"),
        RunState::Undone { by } => format!("undone by {by}"),
    }
}

/// What a run changes: its preview's one line with the names its plan kept; an older
/// summary's own words as they are (made inert all the same, as any text from a file).
fn run_what(lang: Lang, what: &RunWhat) -> String {
    match (what, lang) {
        (RunWhat::Change(change), _) => preview_summary(lang, &change.preview, &change.names),
        (RunWhat::Worded { en, .. }, Lang::En) => crate::text::clean_line(en),
        (RunWhat::Worded { zh, .. }, Lang::Zh) => crate::text::clean_line(zh),
    }
}

/// One line for a history list: state, counts and what the run changes, e.g.
/// `interrupted: 200 done, 0 failed, 100 left; 300 tickets: open → solved 300`; a run
/// whose failures were retried says what became of them ("失败 2（已重试：2 成功）").
pub fn run_summary(lang: Lang, run: &RunInfo) -> String {
    // What retries made of the failures, right after their count.
    let note = match (run.retried, lang) {
        (None, _) => String::new(),
        (Some(Retried { sent, succeeded }), Lang::Zh) if succeeded == sent => {
            format!("（已重试：{succeeded} 成功）")
        }
        (Some(Retried { sent, succeeded }), Lang::En) if succeeded == sent => {
            format!(" (retried: {succeeded} succeeded)")
        }
        (Some(Retried { sent, succeeded }), Lang::Zh) => format!(
            "（已重试 {sent}：{succeeded} 成功，{} 仍未成功）",
            sent - succeeded
        ),
        (Some(Retried { sent, succeeded }), Lang::En) => format!(
            " (retried {sent}: {succeeded} succeeded, {} still not)",
            sent - succeeded
        ),
    };
    let what = run_what(lang, &run.what);
    let of = match (&run.kind, lang) {
        (RunKind::Change, _) => String::new(),
        (RunKind::Retry { of }, Lang::Zh) => format!("（重试 {of}）"),
        (RunKind::Retry { of }, Lang::En) => format!(" (retry of {of})"),
        (RunKind::Undo { of }, Lang::Zh) => format!("（撤销 {of}）"),
        (RunKind::Undo { of }, Lang::En) => format!(" (undo of {of})"),
    };
    let doubts = doubts(lang, run);
    let state = run_state(lang, &run.state);
    let (done, failed, left) = (run.succeeded, run.failed, run.left);
    match lang {
        Lang::Zh => {
            format!("{state}{of}：成功 {done}，失败 {failed}{note}，剩余 {left}{doubts}；{what}")
        }
        Lang::En => {
            format!("{state}{of}: {done} done, {failed} failed{note}, {left} left{doubts}; {what}")
        }
    }
}

/// The outcomes that are neither done nor failed, e.g. `, 3 outcome unknown (resume checks
/// them)`; empty when there are none.
fn doubts(lang: Lang, run: &RunInfo) -> String {
    let zh = lang == Lang::Zh;
    let mut text = String::new();
    if run.unknown > 0 {
        text.push_str(&if zh {
            format!("，结果未知 {}（继续运行时核对）", run.unknown)
        } else {
            format!(", {} outcome unknown (resume checks them)", run.unknown)
        });
    }
    if run.changed > 0 {
        text.push_str(&if zh {
            format!("，预览后已变更未处理 {}", run.changed)
        } else {
            format!(", {} changed since the preview (left alone)", run.changed)
        });
    }
    if !run.unsettled.is_empty() {
        let ids = ticket_ids(&run.unsettled);
        text.push_str(&if zh {
            format!("，回复可能已发送也可能未发送，请检查工单 {ids}")
        } else {
            format!(", reply may or may not have been sent: check ticket {ids}")
        });
    }
    text
}

/// `#1, #2, #3` (at most 20, then `…`).
fn ticket_ids(ids: &[u64]) -> String {
    let mut text: Vec<String> = ids.iter().take(20).map(|id| format!("#{id}")).collect();
    if ids.len() > 20 {
        text.push("…".to_string());
    }
    text.join(", ")
}

/// A run's report in one line: `237 done, 2 failed, 1 not sent`.
pub fn run_report(lang: Lang, report: &RunReport) -> String {
    let done = report.succeeded().count();
    let failed = report.failed().count();
    let left = report.not_sent.len();
    let unknown = report.unknown().count();
    let changed = report.changed_since_preview().count();
    let unsettled: Vec<u64> = report.unsettled().map(|o| o.id).collect();
    let left_out = report.left_out();
    match lang {
        Lang::Zh => {
            let mut text = format!("成功 {done}，失败 {failed}");
            if left > 0 {
                text.push_str(&format!("，未发送 {left}"));
            }
            if unknown > 0 {
                text.push_str(&format!("，结果未知 {unknown}（继续运行时核对）"));
            }
            if changed > 0 {
                text.push_str(&format!("，预览后已变更未处理 {changed}"));
            }
            if !unsettled.is_empty() {
                text.push_str(&format!(
                    "；回复可能已发送也可能未发送，请检查工单 {}",
                    ticket_ids(&unsettled)
                ));
            }
            if report.cancelled {
                text.push_str("（已取消）");
            }
            for (reason, n) in left_out {
                text.push_str(&format!(
                    "；{n} 张未处理：{}",
                    exclude_reason(lang, &reason)
                ));
            }
            text
        }
        Lang::En => {
            let mut text = format!("{done} done, {failed} failed");
            if left > 0 {
                text.push_str(&format!(", {left} not sent"));
            }
            if unknown > 0 {
                text.push_str(&format!(", {unknown} outcome unknown (resume checks them)"));
            }
            if changed > 0 {
                text.push_str(&format!(
                    ", {changed} changed since the preview (left alone)"
                ));
            }
            if !unsettled.is_empty() {
                text.push_str(&format!(
                    "; reply may or may not have been sent: check ticket {}",
                    ticket_ids(&unsettled)
                ));
            }
            if report.cancelled {
                text.push_str(" (cancelled)");
            }
            for (reason, n) in left_out {
                text.push_str(&format!(
                    "; {n} left alone: {}",
                    exclude_reason(lang, &reason)
                ));
            }
            text
        }
    }
}
