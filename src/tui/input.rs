//! The terminal's key, paste and resize events, read on a thread of their own and handed to
//! the loop through a channel.
//!
//! Why not crossterm's `EventStream` on the loop's thread: crossterm reads through one global
//! lock, and after a hang-up (an ssh link cut, a closed window) the terminal reads as
//! end-of-file forever, which crossterm's reader takes for "no input yet" and retries, with
//! the lock held. The loop's next look at the input then blocked on that lock, and with it
//! the signals, the worker's results and the clock: the console hung at full CPU instead of
//! writing the draft and leaving. Here only this thread ever waits on crossterm. It asks the
//! terminal itself (poll's POLLHUP) whether it is gone before each wait, and the loop asks
//! the same on every tick ([`terminal_hung_up`]), since a hang-up in the middle of a wait
//! leaves this thread inside crossterm for good.

use std::io;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::Stream;
use tokio::sync::mpsc;

/// How long one wait for input lasts before the thread looks at the pause flag, the
/// receiver and the terminal's hang-up.
const WAIT: Duration = Duration::from_millis(100);

/// The terminal's events; the reading thread starts with the first poll.
#[derive(Default)]
pub(crate) struct ConsoleEvents {
    events: Option<mpsc::UnboundedReceiver<io::Result<Event>>>,
}

impl ConsoleEvents {
    pub(crate) fn new() -> Self {
        ConsoleEvents::default()
    }
}

/// Set while an external editor owns the terminal: the thread reads nothing. One terminal,
/// one reader: process-wide.
static PAUSED: AtomicBool = AtomicBool::new(false);
/// The thread's answer to `PAUSED`: parked, it reads nothing until `PAUSED` is cleared.
static PARKED: AtomicBool = AtomicBool::new(false);
/// Whether a reading thread runs (else a pause has nothing to wait for).
static READING: AtomicBool = AtomicBool::new(false);
/// A second handle on the controlling terminal, opened when reading starts, only to ask
/// whether it hung up (a handle opened after the hang-up could not be had).
static TTY: OnceLock<Option<std::fs::File>> = OnceLock::new();

/// Whether the terminal the console reads has hung up (false when no terminal is read, as in
/// tests that feed events themselves).
pub(crate) fn terminal_hung_up() -> bool {
    TTY.get().and_then(Option::as_ref).is_some_and(hung_up)
}

/// Stops reading (for `$EDITOR`), and returns once the thread has let go of the terminal
/// (bounded: a few waits).
pub(crate) fn pause() {
    PAUSED.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + WAIT * 3;
    while READING.load(Ordering::SeqCst)
        && !PARKED.load(Ordering::SeqCst)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub(crate) fn resume() {
    PAUSED.store(false, Ordering::SeqCst);
}

impl Stream for ConsoleEvents {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.events.is_none() {
            TTY.get_or_init(|| std::fs::File::open("/dev/tty").ok());
            let (tx, rx) = mpsc::unbounded_channel();
            READING.store(true, Ordering::SeqCst);
            let spawned = std::thread::Builder::new()
                .name("terminal input".into())
                .spawn(move || {
                    read_events(&tx);
                    READING.store(false, Ordering::SeqCst);
                });
            if let Err(error) = spawned {
                return Poll::Ready(Some(Err(error)));
            }
            self.events = Some(rx);
        }
        match &mut self.events {
            Some(events) => events.poll_recv(cx),
            None => Poll::Ready(None),
        }
    }
}

/// The thread: crossterm's events until the loop goes away or the terminal does.
fn read_events(tx: &mpsc::UnboundedSender<io::Result<Event>>) {
    while !tx.is_closed() {
        if PAUSED.load(Ordering::SeqCst) {
            PARKED.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        PARKED.store(false, Ordering::SeqCst);
        // Never into crossterm with the terminal gone: its reader would retry end-of-file
        // forever.
        if terminal_hung_up() {
            let _ = tx.send(Err(hang_up()));
            return;
        }
        match crossterm::event::poll(WAIT) {
            Ok(true) => {
                let event = crossterm::event::read();
                let failed = event.is_err();
                if tx.send(event).is_err() || failed {
                    return;
                }
            }
            Ok(false) => {}
            Err(error) => {
                let _ = tx.send(Err(error));
                return;
            }
        }
    }
}

pub(crate) fn hang_up() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the terminal hung up")
}

/// Whether the terminal has gone: poll answers POLLHUP (or POLLERR) for a hung-up tty.
fn hung_up(tty: &std::fs::File) -> bool {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(tty, PollFlags::IN)];
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&zero)) {
        Ok(_) => fds[0].revents().intersects(PollFlags::HUP | PollFlags::ERR),
        Err(_) => false,
    }
}
