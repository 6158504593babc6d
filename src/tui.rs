//! The terminal side of the console: setting the terminal up and restoring it on every way
//! out (quit, Ctrl-C, SIGTERM/SIGHUP, error, panic), and the event loop that feeds `update`.

use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub mod editor;
pub(crate) mod hyperlinks;
mod input;
pub(crate) mod notify;
pub(crate) use input::{ConsoleEvents, terminal_hung_up};
use std::time::Duration;

use chrono::NaiveDateTime;
use crossterm::event::{Event, MouseEventKind};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::app::composer::{ComposeAction, ComposeCommand};
use crate::app::keymap::action_for_key;
use crate::app::{Action, App, Command, WorkerEvent, update};

/// What the loop did, so a test can check that it draws once per batch of input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopStats {
    pub draws: u64,
    /// Batches of terminal input handled (each batch drains everything queued).
    pub input_batches: u64,
    pub input_events: u64,
}

pub(crate) use crate::api::SERVER_OFFSET_HOURS;

/// The wall clock in the server's zone, so that "3m ago" compares like with like; the
/// detail converts absolute dates to the display zone.
pub fn server_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc() + chrono::Duration::hours(SERVER_OFFSET_HOURS)
}

/// Maps one terminal event to an action, if it means one.
pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) => action_for_key(app, key),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => Some(Action::Wheel(3)),
            MouseEventKind::ScrollUp => Some(Action::Wheel(-3)),
            _ => None,
        },
        Event::Paste(text) => Some(Action::Paste(text.clone())),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

/// Where the loop's side effects go.
pub struct Outputs<'a> {
    /// Requests for the worker.
    pub worker: mpsc::UnboundedSender<Command>,
    /// Where OSC 52 clipboard writes go (the terminal).
    pub clipboard: &'a mut dyn Write,
}

/// What `update` asked of the loop itself, run once the batch of input is handled.
#[derive(Default)]
struct ForTheLoop {
    /// `$VISUAL`/`$EDITOR` on this text (the loop owns the terminal, which it suspends).
    editor: Option<String>,
    /// `$TMUX` is set: desktop notifications go through tmux's passthrough.
    tmux: bool,
    /// A view to add to the config file (`S`): the file is the config module's.
    save_view: Option<(std::path::PathBuf, String, String, String)>,
}

fn dispatch(app: &mut App, action: Action, outputs: &mut Outputs<'_>, own: &mut ForTheLoop) {
    for command in update(app, action) {
        match command {
            Command::EditInEditor { text } => own.editor = Some(text),
            Command::Notify(notify) => {
                let bytes = notify::bytes(app.lang(), &notify, own.tmux);
                let _ = outputs.clipboard.write_all(&bytes);
                let _ = outputs.clipboard.flush();
            }
            Command::SaveView {
                path,
                profile,
                name,
                search,
            } => own.save_view = Some((path, profile, name, search)),
            Command::Copy(text) => {
                // OSC 52 works over SSH; a terminal that ignores it just does nothing.
                let encoded =
                    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, text);
                let _ = write!(outputs.clipboard, "\x1b]52;c;{encoded}\x07");
                let _ = outputs.clipboard.flush();
            }
            other => {
                if outputs.worker.send(other).is_err() {
                    tracing::warn!("the worker has stopped; a request was not sent");
                }
            }
        }
    }
}

/// Test only: set to `1`, the console panics right after its first draw (see `run_loop`).
pub(crate) const TEST_PANIC_AFTER_DRAW: &str = "GONGDAN_TEST_PANIC_AFTER_DRAW";

/// The event loop: `select!`s over terminal input, worker results, a tick and shutdown.
/// All queued input is handled before drawing, and it draws only when the state changed.
#[allow(clippy::too_many_arguments)]
pub async fn run_loop<B, E>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut events: E,
    mut results: mpsc::UnboundedReceiver<WorkerEvent>,
    mut outputs: Outputs<'_>,
    ui: &mut crate::ui::Ui,
    tick_every: Duration,
    clock: &dyn Fn() -> NaiveDateTime,
    shutdown: Pin<&mut (dyn std::future::Future<Output = ()> + Send)>,
) -> io::Result<LoopStats>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut stats = LoopStats::default();
    // Test only (tests/e2e_panic.rs): a panic with the screen open, to check that the panic
    // hook restores the terminal. Read once; no user sets this variable by accident.
    let panic_after_first_draw =
        std::env::var_os(TEST_PANIC_AFTER_DRAW).is_some_and(|value| value == "1");
    let mut shutdown = shutdown;
    let mut own = ForTheLoop {
        tmux: std::env::var_os("TMUX").is_some_and(|value| !value.is_empty()),
        ..ForTheLoop::default()
    };
    let size = terminal.size().map_err(io::Error::other)?;
    app.now = clock();
    dispatch(
        app,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
        &mut outputs,
        &mut own,
    );
    dispatch(app, Action::Start, &mut outputs, &mut own);
    // The first tick comes one period after start, not at once.
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + tick_every, tick_every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if app.quit {
            break;
        }
        if app.dirty {
            let cleared = if std::mem::take(&mut app.clear_before_draw) {
                terminal.clear().map_err(io::Error::other)
            } else {
                Ok(())
            };
            let mut drawn = app.geometry;
            if let Err(error) = cleared.and_then(|()| {
                terminal
                    .draw(|frame| drawn = crate::ui::draw(frame, app, ui))
                    .map(drop)
                    .map_err(io::Error::other)
            }) {
                // The terminal has gone (a dropped SSH link): nothing can be shown any more,
                // so end as on SIGHUP; journals and drafts are already on disk.
                tracing::warn!(%error, "drawing failed; treating it as a hang-up");
                break;
            }
            app.dirty = false;
            stats.draws += 1;
            // The sizes drawn go back to `update` only when they moved (a resize, a pane
            // opened, a longer ticket): an ordinary frame costs no action.
            if drawn != app.geometry {
                dispatch(app, Action::Drawn(drawn), &mut outputs, &mut own);
            }
            if panic_after_first_draw {
                panic!("{TEST_PANIC_AFTER_DRAW} is set: panicking after the first draw");
            }
        }
        tokio::select! {
            event = events.next() => {
                let Some(event) = event else { break };
                stats.input_batches += 1;
                let mut next = Some(event);
                // Drain everything already queued before drawing again.
                while let Some(event) = next {
                    let event = match event {
                        Ok(event) => event,
                        Err(error) => {
                            // Reading the terminal failed (EIO after a hang-up): as SIGHUP.
                            tracing::warn!(%error, "terminal input failed; treating it as a hang-up");
                            app.quit = true;
                            break;
                        }
                    };
                    stats.input_events += 1;
                    handle_event(app, &event, &mut outputs, &mut own);
                    // Keys typed after Ctrl-E are the editor's: leave them queued.
                    if app.quit || own.editor.is_some() {
                        break;
                    }
                    next = next_queued(&mut events).await;
                }
            }
            result = results.recv() => {
                let Some(result) = result else { break };
                dispatch(app, Action::Worker(result), &mut outputs, &mut own);
                while let Ok(result) = results.try_recv() {
                    dispatch(app, Action::Worker(result), &mut outputs, &mut own);
                }
            }
            _ = ticker.tick() => {
                // A hang-up can leave the input thread inside crossterm for good, reading
                // nothing: the tick asks the terminal too, and leaves as on SIGHUP.
                if input::terminal_hung_up() {
                    tracing::warn!("the terminal hung up");
                    break;
                }
                dispatch(app, Action::Tick { now: clock() }, &mut outputs, &mut own);
            }
            _ = &mut shutdown => break,
        }
        remember_unsaved_drafts(app);
        // Ctrl-E in the composer (`Command::EditInEditor`): the loop owns the terminal, so
        // it runs the editor.
        if let Some((path, profile, name, search)) = own.save_view.take() {
            let lang = app.lang();
            let result = crate::config::save_view::save_view(&path, &profile, &name, &search)
                .map(|()| path)
                .map_err(|error| error.text(lang));
            let saved = Action::ViewSaved {
                name,
                search,
                result,
            };
            dispatch(app, saved, &mut outputs, &mut own);
        }
        if let Some(text) = own.editor.take() {
            let result = suspend_for_editor(terminal, &text);
            dispatch(
                app,
                Action::Compose(ComposeAction::ExternalEdited(result)),
                &mut outputs,
                &mut own,
            );
        }
    }
    // Every way out of the loop passes here (q, Ctrl-C, a signal, a hang-up, a failed
    // draw): what was typed since the last draft write is written now, by the loop itself,
    // since the worker may be gone. A panic writes them from its hook.
    write_drafts(&crate::app::composer::draft_writes_on_the_way_out(app));
    // Written: a panic from here on (restoring a dead terminal) must not write them again.
    if let Ok(mut slot) = UNSAVED_DRAFTS.lock() {
        slot.clear();
    }
    Ok(stats)
}

/// One terminal event through the key map into `update`. An Esc that arrived glued to the
/// next key (read as Alt-key) and means nothing as Alt-key acts as Esc, then that key.
fn handle_event(app: &mut App, event: &Event, outputs: &mut Outputs<'_>, own: &mut ForTheLoop) {
    if let Event::Key(key) = event
        && let Some((esc, key)) = crate::app::keymap::split_glued_escape(app, key)
    {
        for key in [esc, key] {
            if let Some(action) = action_for_key(app, &key) {
                dispatch(app, action, outputs, own);
            }
            if app.quit {
                return;
            }
        }
        return;
    }
    if let Some(action) = action_for_event(app, event) {
        dispatch(app, action, outputs, own);
    }
}

/// The next event if one is already queued, without waiting. It polls with the loop's own
/// waker: crossterm's stream keeps the waker of the poll that found it empty, so a no-op
/// waker here (`now_or_never`) would leave the next key unnoticed until something else
/// woke the loop (the 200 ms tick).
async fn next_queued<E>(events: &mut E) -> Option<io::Result<Event>>
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    std::future::poll_fn(|cx| match events.poll_next_unpin(cx) {
        std::task::Poll::Ready(item) => std::task::Poll::Ready(item),
        std::task::Poll::Pending => std::task::Poll::Ready(None),
    })
    .await
}

/// The draft writes a panic would lose, kept where the panic hook can reach them.
static UNSAVED_DRAFTS: Mutex<Vec<ComposeCommand>> = Mutex::new(Vec::new());

/// After each batch (keys, worker results, a tick): what the panic hook must write if the
/// next one panics (a sent reply's composer is gone, so nothing is written back for it).
fn remember_unsaved_drafts(app: &App) {
    let writes = crate::app::composer::draft_writes_on_the_way_out(app);
    if let Ok(mut slot) = UNSAVED_DRAFTS.lock() {
        *slot = writes;
    }
}

/// Writes drafts here and now (on the way out; the worker may be gone). A failure is
/// logged: there is no screen left to say it on.
fn write_drafts(writes: &[ComposeCommand]) {
    for write in writes {
        let result = match write {
            ComposeCommand::SaveDraft { path, text } => crate::draft_files::save(path, text),
            ComposeCommand::DeleteDraft { path } => crate::draft_files::delete(path),
            _ => Ok(()),
        };
        if let Err(error) = result {
            tracing::warn!(%error, "a draft could not be written on the way out");
        }
    }
}

/// Leaves raw mode and the alternate screen, runs `$VISUAL`/`$EDITOR` on the text, and
/// puts the terminal back; answers the edited text or why it failed.
fn suspend_for_editor<B>(terminal: &mut Terminal<B>, text: &str) -> Result<String, String>
where
    B: Backend,
{
    input::pause();
    restore_terminal();
    EDITOR_RUNNING.store(true, Ordering::SeqCst);
    let result = editor::run_external_editor(text);
    if let Ok(mut since) = EDITOR_CLOSED.lock() {
        *since = Some(std::time::Instant::now());
    }
    EDITOR_RUNNING.store(false, Ordering::SeqCst);
    let _ = crossterm::terminal::enable_raw_mode();
    let _ = enter_screen();
    input::resume();
    let _ = terminal.clear();
    result
}

/// Whether the console took the mouse (`ui.mouse`), so that leaving and re-entering the
/// screen (the external editor) does the same.
static MOUSE_CAPTURE: AtomicBool = AtomicBool::new(false);

/// The alternate screen, bracketed paste (a pasted block arrives as one text, not as keys)
/// and, when asked for, mouse capture.
fn enter_screen() -> io::Result<()> {
    let mut out = io::stdout();
    crossterm::queue!(
        out,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    )?;
    if MOUSE_CAPTURE.load(Ordering::SeqCst) {
        crossterm::queue!(out, crossterm::event::EnableMouseCapture)?;
    }
    out.flush()
}

/// Puts the terminal back: raw mode off, main screen, paste and mouse released, cursor
/// shown. Safe to call more than once.
pub(crate) fn restore_terminal() {
    let _ = crossterm::terminal::disable_raw_mode();
    let mut out = io::stdout();
    if MOUSE_CAPTURE.load(Ordering::SeqCst) {
        let _ = crossterm::queue!(out, crossterm::event::DisableMouseCapture);
    }
    let _ = crossterm::queue!(
        out,
        crossterm::event::DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

/// Restores the terminal when dropped, so that an early return or an error exit cannot
/// leave it in raw mode.
pub(crate) struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Raw mode, the alternate screen, bracketed paste and (with `mouse`) mouse capture, and
/// the backend writing the view's `links` as OSC 8 hyperlinks when given; a
/// panic writes the drafts typed since their last write, restores the terminal and then
/// prints its message.
pub(crate) fn setup_terminal(
    mouse: bool,
    links: Option<crate::hyperlink::SharedLinks>,
) -> io::Result<(
    Terminal<
        crate::term_backend::WideAwareBackend<ratatui::backend::CrosstermBackend<std::fs::File>>,
    >,
    TerminalGuard,
)> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // try_lock: a panic while the slot is held must not deadlock its own hook.
        if let Ok(writes) = UNSAVED_DRAFTS.try_lock() {
            write_drafts(&writes);
        }
        restore_terminal();
        previous(info);
    }));
    MOUSE_CAPTURE.store(mouse, Ordering::SeqCst);
    crossterm::terminal::enable_raw_mode()?;
    let guard = TerminalGuard;
    enter_screen()?;
    // Stdout is line-buffered: a frame with a line feed in it went out in two writes or
    // more. A handle of its own on the same descriptor writes each frame in one.
    let out = std::fs::File::from(std::os::fd::AsFd::as_fd(&io::stdout()).try_clone_to_owned()?);
    let mut backend =
        crate::term_backend::WideAwareBackend::new(ratatui::backend::CrosstermBackend::new(out));
    // The Linux console has no `CSI n S` / `CSI n T` (console_codes(4)): moved rows are
    // drawn again there.
    if std::env::var("TERM").is_ok_and(|term| term.starts_with("linux")) {
        backend = backend.without_scrolling();
    }
    if let Some(links) = links {
        backend = backend.with_links(links);
    }
    let terminal = Terminal::new(backend)?;
    Ok((terminal, guard))
}

/// Set while `$EDITOR` runs in the console's place, and when it last closed: a SIGINT then
/// is the editor's (emacs sends one for every C-g, other editors for Ctrl-C), not a request
/// to quit the console.
static EDITOR_RUNNING: AtomicBool = AtomicBool::new(false);
static EDITOR_CLOSED: Mutex<Option<std::time::Instant>> = Mutex::new(None);

/// Whether a SIGINT seen now was meant for the external editor: it ran then, or closed a
/// moment ago (the signal is noticed only when the loop looks again, after the editor).
fn interrupt_was_the_editors() -> bool {
    EDITOR_RUNNING.load(Ordering::SeqCst)
        || EDITOR_CLOSED
            .lock()
            .ok()
            .and_then(|since| *since)
            .is_some_and(|since| since.elapsed() < std::time::Duration::from_millis(500))
}

/// Resolves when SIGTERM, SIGHUP (a dropped SSH link) or SIGINT arrives (a SIGINT meant for
/// the external editor excepted). The handlers are installed at once, when this is called,
/// not when the future is first polled: a signal that arrives before the loop first looks
/// must not kill the process with the terminal still in raw mode.
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok();
    let mut hangup = signal(SignalKind::hangup()).ok();
    let mut interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        async fn next(stream: &mut Option<tokio::signal::unix::Signal>) {
            match stream {
                Some(stream) => {
                    stream.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        loop {
            tokio::select! {
                _ = next(&mut term) => return,
                _ = next(&mut hangup) => return,
                _ = next(&mut interrupt) => {
                    if !interrupt_was_the_editors() {
                        return;
                    }
                }
            }
        }
    }
}
