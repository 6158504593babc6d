//! Logs: tracing to a daily-rotated file in the state directory, never to the terminal
//! (the screen belongs to the console). ANSI colour is off, and tracing-subscriber escapes
//! control characters in field values, so untrusted text cannot act on a terminal that
//! later shows the log.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

use super::ConfigError;

pub(crate) const DEFAULT_LEVEL: &str = "info";
/// Daily files kept before the oldest is deleted.
pub(crate) const LOG_FILES_KEPT: usize = 7;
pub(crate) const LOG_FILE_PREFIX: &str = "gongdan";

/// Keeps the log writer alive: hold it until the program ends, or the last lines are lost.
#[must_use = "logging stops when the guard is dropped"]
pub(crate) struct LogGuard {
    _worker: WorkerGuard,
    pub(crate) dir: PathBuf,
}

impl std::fmt::Debug for LogGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogGuard").field("dir", &self.dir).finish()
    }
}

/// Starts logging to [`super::log_dir`] at `level` (`--log-level`/`GONGDAN_LOG`; `None` =
/// info).
pub(crate) fn init_logging(level: Option<&str>) -> Result<LogGuard, ConfigError> {
    init_logging_in(&super::log_dir()?, level)
}

/// Starts logging to files in `dir`. A bare level (`debug`) applies to gongdan only, with
/// other crates at `warn` (their debug output is noise, and may show request details);
/// a full filter (`gongdan=debug,reqwest=info`) is taken as written.
pub(crate) fn init_logging_in(dir: &Path, level: Option<&str>) -> Result<LogGuard, ConfigError> {
    let filter = filter_for(level.unwrap_or(DEFAULT_LEVEL))?;
    std::fs::create_dir_all(dir).map_err(|err| {
        ConfigError::Logging(format!(
            "cannot create the log directory {}: {err}",
            dir.display()
        ))
    })?;
    restrict_to_owner(dir);
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(LOG_FILES_KEPT)
        .build(dir)
        .map_err(|err| {
            ConfigError::Logging(format!(
                "cannot open a log file in {}: {err}",
                dir.display()
            ))
        })?;
    let (writer, worker) = tracing_appender::non_blocking(CleanWriter(appender));
    let subscriber = file_subscriber(filter, writer);
    // A second init in one process (tests) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(LogGuard {
        _worker: worker,
        dir: dir.to_path_buf(),
    })
}

/// The subscriber writing plain lines (no colour codes) to `writer`.
fn file_subscriber<W>(filter: EnvFilter, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .finish()
}

/// Logs hold ticket subjects and names: on a shared jump host only their owner may read
/// them. Best effort: a directory that cannot be changed still gets the logs.
/// Cleans every log line with [`crate::text::clean`] before it reaches the file: a logged
/// error can quote server text, and `cat`ing the log must not run its escape sequences.
struct CleanWriter<W>(W);

impl<W: std::io::Write> std::io::Write for CleanWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        // The formatter writes one whole event per call.
        let text = String::from_utf8_lossy(bytes);
        self.0.write_all(crate::text::clean(&text).as_bytes())?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_to_owner(_dir: &Path) {}

fn filter_for(level: &str) -> Result<EnvFilter, ConfigError> {
    let level = level.trim();
    let directives = if ["off", "error", "warn", "info", "debug", "trace"]
        .contains(&level.to_ascii_lowercase().as_str())
    {
        format!("warn,gongdan={}", level.to_ascii_lowercase())
    } else {
        level.to_string()
    };
    EnvFilter::try_new(&directives).map_err(|err| {
        ConfigError::Logging(format!(
            "bad log level {level:?} (expected error, warn, info, debug or trace): {err}"
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert!(filter_for("debug").is_ok());
        assert!(filter_for("INFO").is_ok());
        assert!(filter_for("gongdan=trace,reqwest=info").is_ok());
        assert!(filter_for("gongdan=loud").is_err());
    }

    /// A writer into a shared buffer, to read back what a subscriber wrote.
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn untrusted_text_is_escaped_in_log_lines() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = file_subscriber(filter_for("info").unwrap(), move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            let subject = "evil\x1b]0;owned\x07\x1b[2J subject";
            tracing::info!(subject, "ticket {}", subject);
        });
        let written = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(written.contains("owned"), "{written}");
        assert!(!written.contains('\x1b'), "raw ESC in the log: {written:?}");
        assert!(!written.contains('\x07'), "raw BEL in the log: {written:?}");
    }

    #[test]
    fn the_file_writer_cleans_8_bit_csi_and_bidi_controls() {
        use std::io::Write;
        let buffer = Buffer::default();
        let mut writer = CleanWriter(buffer.clone());
        let line = "reason \u{9b}2J \u{202e}gpj.exe\u{202c} a\u{200d}b \x1b]52;c;aGk=\x07 end\n";
        assert_eq!(writer.write(line.as_bytes()).unwrap(), line.len());
        let written = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        for bad in ['\u{9b}', '\u{202e}', '\u{202c}', '\u{200d}', '\x1b', '\x07'] {
            assert!(!written.contains(bad), "{bad:?} in {written:?}");
        }
        assert!(
            written.contains("gpj.exe") && written.ends_with("end\n"),
            "{written:?}"
        );
    }
}
