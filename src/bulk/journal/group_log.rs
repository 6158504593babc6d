//! Appending a run's progress lines: one fsynced line at a time ([`RunLog`]), or by group
//! commit on a thread of its own ([`GroupLog`], the runner's way).

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use super::{JournalError, ProgressLine};

/// A run's journal open for appending progress.
#[derive(Debug)]
pub struct RunLog {
    pub(super) path: PathBuf,
    pub(super) file: File,
}

impl RunLog {
    /// Appends one line and fsyncs it before returning.
    pub fn append(&mut self, line: &ProgressLine) -> Result<(), JournalError> {
        let mut text = serde_json::to_string(line).map_err(|e| JournalError::Write {
            path: self.path.clone(),
            source: io::Error::other(e),
        })?;
        text.push('\n');
        // One write call per line keeps a torn line at the end, where the reader expects it.
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|source| JournalError::Write {
                path: self.path.clone(),
                source,
            })
    }
}

/// How far a [`GroupLog`]'s lines are on disk.
#[derive(Debug, Clone)]
enum Durable {
    /// Every line up to this number (counted from 1) is written and fdatasynced.
    Upto(u64),
    /// A write or sync failed; nothing after the last durable line is.
    Failed(io::ErrorKind, String),
}

/// A run's progress file appended with group commit, for the runner: a thread of its own
/// writes every line queued while its previous fdatasync ran in one write, then syncs once.
/// Queuing never blocks; the runner waits for a line to be durable only where the
/// exactly-once argument needs it (a `sending` line before its call goes out, the `finished`
/// line at the end), never on the async runtime's threads.
#[derive(Debug)]
pub struct GroupLog {
    path: PathBuf,
    lines: Option<std::sync::mpsc::Sender<(u64, Vec<u8>)>>,
    durable: tokio::sync::watch::Receiver<Durable>,
    writer: Option<std::thread::JoinHandle<()>>,
    queued: u64,
}

impl GroupLog {
    /// Starts appending to `log`'s file (through a second handle; `log` stays usable once
    /// this is dropped).
    pub fn start(log: &RunLog) -> Result<GroupLog, JournalError> {
        let err = |source| JournalError::Write {
            path: log.path.clone(),
            source,
        };
        let file = log.file.try_clone().map_err(err)?;
        let (lines, queue) = std::sync::mpsc::channel();
        let (done, durable) = tokio::sync::watch::channel(Durable::Upto(0));
        let writer = std::thread::Builder::new()
            .name("gongdan-journal".into())
            .spawn(move || write_lines(file, &queue, &done))
            .map_err(err)?;
        Ok(GroupLog {
            path: log.path.clone(),
            lines: Some(lines),
            durable,
            writer: Some(writer),
            queued: 0,
        })
    }

    /// Queues one line; its number, for [`GroupLog::is_durable`] and [`GroupLog::wait`].
    pub(crate) fn queue(&mut self, line: &ProgressLine) -> Result<u64, JournalError> {
        let mut text = serde_json::to_vec(line).map_err(|e| self.error(io::Error::other(e)))?;
        text.push(b'\n');
        self.queued += 1;
        let sent = self
            .lines
            .as_ref()
            .is_some_and(|lines| lines.send((self.queued, text)).is_ok());
        if !sent {
            // The writer stopped after a failure: report that failure.
            self.durable_upto()?;
            return Err(self.error(io::Error::other("the journal writer stopped")));
        }
        Ok(self.queued)
    }

    /// Whether line `number` is on disk; the failure if writing stopped.
    pub(crate) fn is_durable(&mut self, number: u64) -> Result<bool, JournalError> {
        Ok(self.durable_upto()? >= number)
    }

    /// Waits until more lines are on disk (or writing failed).
    pub(crate) async fn changed(&mut self) -> Result<(), JournalError> {
        if self.durable.changed().await.is_err() {
            // The writer is gone: either it failed (reported here) or nothing is pending.
            self.durable_upto()?;
            return Err(self.error(io::Error::other("the journal writer stopped")));
        }
        Ok(())
    }

    /// Waits until line `number` is on disk.
    pub(crate) async fn wait(&mut self, number: u64) -> Result<(), JournalError> {
        while !self.is_durable(number)? {
            self.changed().await?;
        }
        Ok(())
    }

    fn durable_upto(&mut self) -> Result<u64, JournalError> {
        match &*self.durable.borrow_and_update() {
            Durable::Upto(n) => Ok(*n),
            Durable::Failed(kind, message) => Err(JournalError::Write {
                path: self.path.clone(),
                source: io::Error::new(*kind, message.clone()),
            }),
        }
    }

    fn error(&self, source: io::Error) -> JournalError {
        JournalError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

impl Drop for GroupLog {
    /// Lets the writer finish what was queued (a run dropped mid-way is a crash a little
    /// later), so that nothing appends to the file once this is gone.
    fn drop(&mut self) {
        self.lines = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: everything queued while the last sync ran goes in one write (whole
/// lines, so a crash can only tear the last) and one fdatasync.
fn write_lines(
    mut file: File,
    queue: &std::sync::mpsc::Receiver<(u64, Vec<u8>)>,
    done: &tokio::sync::watch::Sender<Durable>,
) {
    while let Ok((mut last, mut batch)) = queue.recv() {
        while let Ok((number, line)) = queue.try_recv() {
            batch.extend_from_slice(&line);
            last = number;
        }
        match file.write_all(&batch).and_then(|()| file.sync_data()) {
            Ok(()) => {
                done.send_replace(Durable::Upto(last));
            }
            Err(e) => {
                done.send_replace(Durable::Failed(e.kind(), e.to_string()));
                return;
            }
        }
    }
}
