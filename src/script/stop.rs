//! Ctrl-C, SIGTERM and SIGHUP for the script commands that change tickets (`tickets update`,
//! `resume`, `undo`, `retry`): the handlers are ours from the command's first step, so a
//! signal at any moment (reading the ids, reading the tickets, planning, the confirmation,
//! the run) stops the command before its next call, whatever the signal's disposition was
//! when the process started (a script's `cmd &` starts it with SIGINT ignored).
//!
//! Before a run: nothing was sent; the command ends with the signal's exit code. During a
//! run: no new call goes out; the calls in flight get [`GRACE`] to be answered and
//! journaled, and whatever is still unanswered then is left without an outcome, which the
//! journal keeps as in doubt (`resume` reads those tickets first). Never is a call recorded
//! as failed because the process is going away. A second signal ends the wait at once.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Exit, ScriptError};
use crate::lang::Lang;

/// How long the calls in flight at a signal are awaited, so that the journal gets their
/// real outcomes; a server slower than that leaves them in doubt.
pub(crate) const GRACE: Duration = Duration::from_millis(2500);

/// The signal that stopped a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
    Hangup,
}

impl Signal {
    /// The shell's convention, 128 + the signal's number: what `$?` would say had the
    /// signal ended the process.
    pub fn exit(self) -> Exit {
        match self {
            Signal::Interrupt => Exit::Interrupted,
            Signal::Terminate => Exit::Terminated,
            Signal::Hangup => Exit::HungUp,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
        }
    }

    fn number(self) -> i32 {
        match self {
            Signal::Interrupt => 2,
            Signal::Terminate => 15,
            Signal::Hangup => 1,
        }
    }

    fn of_number(number: i32) -> Option<Signal> {
        [Signal::Interrupt, Signal::Terminate, Signal::Hangup]
            .into_iter()
            .find(|s| s.number() == number)
    }
}

/// The command's signal handlers; dropping it stops listening (the handlers stay installed,
/// as tokio keeps them, so a late signal is ignored rather than killing a half-written
/// report).
pub struct Stop {
    /// Cancelled at the first signal: the run sends nothing more.
    first: CancellationToken,
    /// Cancelled at the second: stop waiting for the calls in flight.
    second: CancellationToken,
    signal: Arc<AtomicI32>,
    listener: tokio::task::JoinHandle<()>,
    /// The language a stop is said in: the locale's until the settings are read, then
    /// theirs ([`Stop::speak`]). English until told.
    zh: AtomicBool,
}

impl Drop for Stop {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

impl Stop {
    /// Installs the handlers now (not when first awaited): a signal from here on is ours.
    pub fn listen() -> Result<Stop, ScriptError> {
        use tokio::signal::unix::{SignalKind, signal};
        let install = |kind: SignalKind| {
            signal(kind).map_err(|e| ScriptError::Io(format!("cannot listen for signals: {e}")))
        };
        let mut interrupt = install(SignalKind::interrupt())?;
        let mut terminate = install(SignalKind::terminate())?;
        let mut hangup = install(SignalKind::hangup())?;
        let first = CancellationToken::new();
        let second = CancellationToken::new();
        let signal = Arc::new(AtomicI32::new(0));
        let listener = {
            let (first, second, signal) = (first.clone(), second.clone(), signal.clone());
            tokio::spawn(async move {
                loop {
                    let got = tokio::select! {
                        _ = interrupt.recv() => Signal::Interrupt,
                        _ = terminate.recv() => Signal::Terminate,
                        _ = hangup.recv() => Signal::Hangup,
                    };
                    if first.is_cancelled() {
                        second.cancel();
                    } else {
                        signal.store(got.number(), Ordering::SeqCst);
                        first.cancel();
                    }
                }
            })
        };
        Ok(Stop {
            first,
            second,
            signal,
            listener,
            zh: AtomicBool::new(false),
        })
    }

    /// Says a stop in `lang` from now on.
    pub(crate) fn speak(&self, lang: Lang) {
        self.zh.store(lang == Lang::Zh, Ordering::SeqCst);
    }

    /// [`Stop::speak`], for the command's first line.
    pub(crate) fn speaking(self, lang: Lang) -> Stop {
        self.speak(lang);
        self
    }

    pub(crate) fn lang(&self) -> Lang {
        if self.zh.load(Ordering::SeqCst) {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The signal received, if any.
    pub fn signal(&self) -> Option<Signal> {
        Signal::of_number(self.signal.load(Ordering::SeqCst))
    }

    /// Cancelled at the first signal (hand it to the run).
    pub fn token(&self) -> CancellationToken {
        self.first.clone()
    }

    /// Errs if a signal came: nothing was sent.
    pub(crate) fn check(&self) -> Result<(), ScriptError> {
        match self.signal() {
            Some(signal) => Err(ScriptError::Interrupted {
                signal,
                run: None,
                lang: self.lang(),
            }),
            None => Ok(()),
        }
    }

    /// `work` unless a signal comes first (then `work` is dropped, and with it any call it
    /// was making: a read, before anything was sent).
    pub(crate) async fn before<T>(
        &self,
        work: impl Future<Output = Result<T, ScriptError>>,
    ) -> Result<T, ScriptError> {
        self.check()?;
        tokio::select! {
            result = work => {
                // A signal that landed with the answer still stops before the next step.
                self.check()?;
                result
            }
            () = self.first.cancelled() => {
                self.check()?;
                Err(ScriptError::Interrupted {
                    signal: Signal::Interrupt,
                    run: None,
                    lang: self.lang(),
                })
            }
        }
    }

    /// Blocking work (standard input, the terminal's answer) on its own thread, given up at
    /// a signal. The thread is left blocked in its read: the process ends without it (the
    /// runtime is never shut down, see main.rs).
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ScriptError> + Send + 'static,
    ) -> Result<T, ScriptError> {
        let lang = self.lang();
        self.before(async move {
            tokio::task::spawn_blocking(work).await.map_err(|e| {
                let why = e.to_string();
                ScriptError::Io(crate::words::script::read_failed(lang, &why))
            })?
        })
        .await
    }

    /// Resolves `GRACE` after the first signal, or at the second: the run's calls in flight
    /// are not awaited past this.
    pub async fn grace_over(&self) {
        self.first.cancelled().await;
        tokio::select! {
            () = tokio::time::sleep(GRACE) => {}
            () = self.second.cancelled() => {}
        }
    }
}
