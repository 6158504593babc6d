//! The bulk edit pane: the form, the preview, the gauge and the result list, in a box over
//! the list (the history and the resume offer are in `history.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders};

use super::theme::Role;
use super::{fit, style, width, wrap};
use crate::app::App;
use crate::app::bulk_edit::{self, FormField, FormValue, RunView, Stage, TagsMode, bulk_lang, tr};
use crate::bulk::{ExcludeReason, RunKind};
use crate::ui::i18n::Lang;

/// The box the pane (and the history) is drawn in: most of the screen, leaving the tab
/// line and the status bar.
pub fn pane_area(screen: Rect) -> Rect {
    let w = screen
        .width
        .saturating_sub(4)
        .clamp(20, 110)
        .min(screen.width);
    let h = screen.height.saturating_sub(4).max(6).min(screen.height);
    Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    )
}

/// Lines to draw, each with a style.
pub(crate) struct Lines {
    pub rows: Vec<(String, Style)>,
    /// Where the caret goes (row, display column), when text is being typed.
    pub caret: Option<(usize, usize)>,
}

impl Lines {
    fn new() -> Lines {
        Lines {
            rows: Vec::new(),
            caret: None,
        }
    }
    fn push(&mut self, text: impl Into<String>) {
        self.rows.push((text.into(), Style::default()));
    }
    fn styled(&mut self, text: impl Into<String>, style: Style) {
        self.rows.push((text.into(), style));
    }
    fn wrapped(&mut self, text: &str, cols: usize, style: Style) {
        for line in wrap(text, cols) {
            self.rows.push((line, style));
        }
    }
}

pub fn render(frame: &mut Frame, app: &App, screen: Rect) {
    let Some(stage) = app.bulk.stage.as_ref().filter(|_| !app.bulk.hidden) else {
        return;
    };
    let area = pane_area(screen);
    let lang = app.lang();
    let title = match stage {
        Stage::History { .. } => tr(lang, "批量修改历史", "Bulk history"),
        Stage::ResumeOffer { .. } => tr(lang, "批量修改中途停止", "Bulk runs stopped mid-way"),
        Stage::Running(run) | Stage::Result(run) => run_title(lang, run),
        Stage::Form(form) | Stage::Preparing { form, .. } | Stage::Preview { form, .. } => tr(
            lang,
            &format!("批量编辑 {} 张工单", form.targets.len()),
            &format!("Bulk edit: {} tickets", form.targets.len()),
        ),
    };
    // The pane is modal: the list between the tab line and the status bar is blanked
    // rather than showing through at the edges.
    let behind = Rect {
        y: screen.y + 1,
        height: screen.height.saturating_sub(2),
        ..screen
    };
    frame.render_widget(ratatui::widgets::Clear, behind);
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} ",
        super::truncate(&title, usize::from(area.width.saturating_sub(4)))
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let rows = usize::from(inner.height);
    if cols == 0 || rows == 0 {
        return;
    }
    let (body, hint) = match stage {
        Stage::Form(_) | Stage::Preparing { .. } => form_lines(app, stage, cols),
        Stage::Preview { .. } => preview_lines(app, stage, cols),
        Stage::Running(run) => (gauge_lines(app, run, cols), hint_running(lang)),
        Stage::Result(run) => (result_lines(app, run, cols), hint_result(lang, run)),
        Stage::History { .. } | Stage::ResumeOffer { .. } => {
            super::history::lines(app, stage, cols)
        }
    };
    draw_lines(frame, app, inner, body, &hint);
}

/// Draws body lines (scrolled so the caret or the selection stays in view) and the hint on
/// the last row.
pub(crate) fn draw_lines(frame: &mut Frame, app: &App, inner: Rect, body: Lines, hint: &str) {
    let cols = usize::from(inner.width);
    let rows = usize::from(inner.height);
    let body_rows = rows.saturating_sub(1).max(1);
    // Keep the selected (reversed) row or the caret on screen.
    let focus = body.caret.map(|(r, _)| r).or_else(|| {
        body.rows
            .iter()
            .position(|(_, s)| *s == style(app, Role::Selection))
    });
    let skip = match focus {
        Some(row) if row >= body_rows => row + 1 - body_rows,
        _ => 0,
    };
    let buf = frame.buffer_mut();
    for (i, (text, style)) in body.rows.iter().skip(skip).take(body_rows).enumerate() {
        buf.set_stringn(inner.x, inner.y + i as u16, fit(text, cols), cols, *style);
    }
    if rows > 1 {
        buf.set_stringn(
            inner.x,
            inner.bottom() - 1,
            fit(hint, cols),
            cols,
            style(app, Role::Hint),
        );
    }
    if let Some((row, col)) = body.caret
        && row >= skip
        && row - skip < body_rows
    {
        // The real cursor, so an input method opens its window where the user types.
        let x = inner.x + (col.min(cols.saturating_sub(1))) as u16;
        frame.set_cursor_position((x, inner.y + (row - skip) as u16));
    }
}

fn run_title(lang: Lang, run: &RunView) -> String {
    match &run.kind {
        RunKind::Undo { of } => tr(lang, &format!("撤销 {of}"), &format!("Undo of {of}")),
        RunKind::Retry { of } => tr(lang, &format!("重试 {of}"), &format!("Retry of {of}")),
        RunKind::Change => match &run.report {
            Some(report) => tr(
                lang,
                &format!("批量修改 {}", report.run_id()),
                &format!("Bulk run {}", report.run_id()),
            ),
            None => tr(lang, "批量修改", "Bulk run"),
        },
    }
}

fn form_lines(app: &App, stage: &Stage, cols: usize) -> (Lines, String) {
    let lang = app.lang();
    let (form, preparing) = match stage {
        Stage::Form(form) => (form, false),
        Stage::Preparing { form, .. } => (form, true),
        _ => return (Lines::new(), String::new()),
    };
    let mut lines = Lines::new();
    let label_width = form
        .rows
        .iter()
        .map(|r| width(&bulk_edit::field_name(lang, &r.field)))
        .max()
        .unwrap_or(6)
        .clamp(6, 16);
    for (index, row) in form.rows.iter().enumerate() {
        let selected = index == form.selected;
        let name = fit(&bulk_edit::field_name(lang, &row.field), label_width);
        let mut value = match (&row.field, &form.editing) {
            (_, Some(text)) if selected => text.clone(),
            _ => bulk_edit::value_text(app, row),
        };
        if row.field == FormField::Tags {
            let mode = bulk_edit::tags_mode_text(lang, form.tags_mode);
            value = format!("[{mode}] {value}");
        }
        let arrows = if bulk_edit::is_text(&row.field) {
            "  "
        } else {
            "‹›"
        };
        let cursor = if selected { '>' } else { ' ' };
        let text = format!("{cursor} {name} {arrows} {value}");
        if selected && form.editing.is_some() {
            lines.caret = Some((lines.rows.len(), width(&text)));
        }
        let style = if selected {
            style(app, Role::Selection)
        } else if matches!(row.value, FormValue::Keep) {
            style(app, Role::Hint)
        } else {
            Style::default()
        };
        lines.styled(text, style);
    }
    lines.push(String::new());
    let targets: Vec<String> = form
        .targets
        .iter()
        .take(20)
        .map(|id| format!("#{id}"))
        .collect();
    let more = form.targets.len().saturating_sub(20);
    let mut which = targets.join(" ");
    if more > 0 {
        which.push_str(&tr(
            lang,
            &format!(" 等 {more} 张",),
            &format!(" and {more} more"),
        ));
    }
    lines.wrapped(&which, cols, style(app, Role::Hint));
    if let Some(error) = &form.error {
        lines.wrapped(error, cols, style(app, Role::Error));
    }
    if preparing {
        lines.push(tr(lang, "正在读取工单…", "Reading the tickets…"));
    }
    let hint = if form.editing.is_some() {
        tr(
            lang,
            "输入文字  Enter 完成  Esc 放弃",
            "type  Enter done  Esc discard",
        )
    } else {
        let tags = form
            .rows
            .get(form.selected)
            .is_some_and(|r| r.field == FormField::Tags);
        match (tags, form.tags_mode) {
            (true, _) => tr(
                lang,
                "←/→ 添加/移除/替换  e 编辑  x 不变  Enter 预览  Esc 关闭",
                "←/→ add/remove/replace  e edit  x no change  Enter preview  Esc close",
            ),
            (false, TagsMode::Add | TagsMode::Remove | TagsMode::Replace) => tr(
                lang,
                "j/k 选行  ←/→ 选值  e 编辑文字  x 不变  Enter 预览  Esc 关闭",
                "j/k row  ←/→ value  e edit text  x no change  Enter preview  Esc close",
            ),
        }
    };
    (lines, hint)
}

fn preview_lines(app: &App, stage: &Stage, cols: usize) -> (Lines, String) {
    let lang = app.lang();
    let Stage::Preview {
        summary,
        count,
        needs_typing,
        typed,
        error,
        plan,
        ..
    } = stage
    else {
        return (Lines::new(), String::new());
    };
    let mut lines = Lines::new();
    lines.styled(
        tr(lang, "将要修改：", "This will change:"),
        style(app, Role::Label),
    );
    lines.wrapped(summary, cols, Style::default());
    lines.push(String::new());
    let chunks = count.div_ceil(crate::bulk::MAX_CHUNK);
    lines.push(tr(
        lang,
        &format!(
            "分 {chunks} 次调用发送，每次最多 {} 张，同时 {} 个调用",
            crate::bulk::MAX_CHUNK,
            app.settings.bulk_concurrency
        ),
        &format!(
            "sent in {chunks} call(s) of up to {} tickets, {} at once",
            crate::bulk::MAX_CHUNK,
            app.settings.bulk_concurrency
        ),
    ));
    lines.push(tr(
        lang,
        &format!("批次 {}（可在历史 H 中撤销）", plan.run_id),
        &format!("run {} (undo later from the history, H)", plan.run_id),
    ));
    if *needs_typing {
        lines.push(String::new());
        let prompt = tr(
            lang,
            &format!(
                "超过 {} 张：请输入 {count} 确认：",
                app.settings.bulk_confirm_threshold
            ),
            &format!(
                "More than {}: type {count} to confirm: ",
                app.settings.bulk_confirm_threshold
            ),
        );
        let text = format!("{prompt}{typed}");
        lines.caret = Some((lines.rows.len(), width(&text)));
        lines.styled(text, style(app, Role::Label));
    }
    if let Some(error) = error {
        lines.wrapped(error, cols, style(app, Role::Error));
    }
    let hint = tr(
        lang,
        "Enter 开始  Esc 返回修改",
        "Enter start  Esc back to the form",
    );
    (lines, hint)
}

fn clock(seconds: u64) -> String {
    if seconds >= 3600 {
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    } else {
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

fn gauge_lines(app: &App, run: &RunView, cols: usize) -> Lines {
    let lang = app.lang();
    let mut lines = Lines::new();
    let (done, failed, left) = match &run.progress {
        Some(p) => (p.done, p.failed, p.left),
        None => (0, 0, run.total),
    };
    let total = (done + failed + left).max(1);
    let bar_width = cols.saturating_sub(8).max(4);
    let filled = (done + failed) * bar_width / total;
    let percent = (done + failed) * 100 / total;
    // '#' and '.' read without colour too.
    lines.push(format!(
        "[{}{}] {percent:>3}%",
        "#".repeat(filled),
        ".".repeat(bar_width - filled)
    ));
    let eta = run
        .progress
        .as_ref()
        .and_then(|p| p.eta)
        .map(|d| clock(d.as_secs()))
        .unwrap_or_else(|| "…".to_string());
    lines.push(tr(
        lang,
        &format!("完成 {done}  失败 {failed}  剩余 {left}  预计还要 {eta}"),
        &format!("done {done}  failed {failed}  left {left}  time left {eta}"),
    ));
    if let Some(p) = &run.progress {
        lines.push(tr(
            lang,
            &format!("调用 {}/{}", p.calls_done, p.calls_total),
            &format!("calls {}/{}", p.calls_done, p.calls_total),
        ));
    }
    if let Some(checking) = run.checking {
        lines.push(tr(
            lang,
            &format!("正在核对中断时在途的 {checking} 张…"),
            &format!("checking {checking} tickets that were in flight…"),
        ));
    }
    if run.cancelling {
        lines.styled(
            tr(
                lang,
                "正在取消：在途的调用完成后停止",
                "cancelling: stops when the calls in flight answer",
            ),
            style(app, Role::Caution),
        );
    }
    for failure in &run.call_failures {
        lines.wrapped(
            &crate::text::clean_line(failure),
            cols,
            style(app, Role::Problem),
        );
    }
    lines
}

fn hint_running(lang: Lang) -> String {
    tr(
        lang,
        "c/Esc 取消  q 隐藏（后台继续，b 回来）",
        "c/Esc cancel  q hide (goes on; b to come back)",
    )
}

fn hint_result(lang: Lang, run: &RunView) -> String {
    let failed = run
        .report
        .as_ref()
        .is_some_and(|r| r.failed().next().is_some());
    match (failed, matches!(run.kind, RunKind::Undo { .. })) {
        (true, false) => tr(
            lang,
            "r 重试失败的  u 撤销本批次  H 历史  j/k 滚动  Esc 关闭",
            "r retry failed  u undo the run  H history  j/k scroll  Esc close",
        ),
        (true, true) => tr(
            lang,
            "r 重试失败的  H 历史  j/k 滚动  Esc 关闭",
            "r retry failed  H history  j/k scroll  Esc close",
        ),
        (false, false) => tr(
            lang,
            "u 撤销本批次  H 历史  j/k 滚动  Esc 关闭",
            "u undo the run  H history  j/k scroll  Esc close",
        ),
        (false, true) => tr(
            lang,
            "H 历史  j/k 滚动  Esc 关闭",
            "H history  j/k scroll  Esc close",
        ),
    }
}

fn result_lines(app: &App, run: &RunView, cols: usize) -> Lines {
    let lang = app.lang();
    let mut lines = Lines::new();
    if let Some(error) = &run.error {
        lines.wrapped(
            &crate::text::clean_line(error),
            cols,
            style(app, Role::Error),
        );
        return lines;
    }
    let Some(report) = &run.report else {
        return lines;
    };
    lines.wrapped(
        &report.summary(bulk_lang(lang)),
        cols,
        style(app, Role::Label),
    );
    if report.cancelled {
        lines.push(tr(
            lang,
            &format!("已取消：{} 张未发送", report.not_sent.len()),
            &format!("cancelled: {} not sent", report.not_sent.len()),
        ));
    }
    let mut list = Vec::new();
    let failed: Vec<_> = report.failed().collect();
    if !failed.is_empty() {
        list.push((
            tr(
                lang,
                &format!("失败 {} 张：", failed.len()),
                &format!("{} failed:", failed.len()),
            ),
            style(app, Role::Error),
        ));
        for outcome in failed {
            list.push((
                format!(
                    "  ✗ #{}  {}",
                    outcome.id,
                    crate::text::clean_line(&outcome.error)
                ),
                style(app, Role::Problem),
            ));
        }
    }
    let left_out: Vec<_> = report
        .plan
        .excluded
        .iter()
        .filter(|t| t.reason != ExcludeReason::AlreadySet)
        .collect();
    if !left_out.is_empty() {
        let head = match &run.kind {
            RunKind::Undo { .. } => tr(
                lang,
                &format!("{} 张未能恢复：", left_out.len()),
                &format!("{} could not be put back:", left_out.len()),
            ),
            _ => tr(
                lang,
                &format!("{} 张未包含：", left_out.len()),
                &format!("{} left out:", left_out.len()),
            ),
        };
        list.push((head, style(app, Role::Caution).add_modifier(Modifier::BOLD)));
        for ticket in left_out {
            list.push((
                format!(
                    "  ! #{}  {}",
                    ticket.id,
                    ticket.reason.describe(bulk_lang(lang))
                ),
                style(app, Role::Caution),
            ));
        }
    }
    if !report.not_sent.is_empty() && !report.cancelled {
        list.push((
            tr(
                lang,
                &format!("{} 张没有回应（可在历史中继续）", report.not_sent.len()),
                &format!(
                    "{} got no answer (resume from the history)",
                    report.not_sent.len()
                ),
            ),
            style(app, Role::Caution),
        ));
    }
    let succeeded: Vec<String> = report.succeeded().map(|o| format!("#{}", o.id)).collect();
    if !succeeded.is_empty() {
        list.push((
            tr(
                lang,
                &format!("成功 {} 张：", succeeded.len()),
                &format!("{} succeeded:", succeeded.len()),
            ),
            style(app, Role::Success),
        ));
        for line in wrap(&format!("  ✓ {}", succeeded.join(" ")), cols) {
            list.push((line, Style::default()));
        }
    }
    let skip = run.scroll.min(list.len().saturating_sub(1));
    lines.rows.extend(list.into_iter().skip(skip));
    lines
}
