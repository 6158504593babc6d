//! Credentials: the secret of the password or the API secret, found in this order:
//! the environment (`GONGDAN_PASSWORD`, or `GONGDAN_SECRET` for token auth), the config
//! file's `password` (only in a file that its owner alone can read), `password_command`,
//! the OS keyring where one can be reached (an entry stored by `gongdan config
//! store-secret`; a host without one falls through), and a hidden prompt on the terminal.
//! Secrets live in memory only, inside [`Secret`] (`src/secret.rs`).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use super::ConfigError;
use super::file::AuthKind;
use crate::lang::Lang;
use crate::words::{Msg, fill};

pub use crate::secret::Secret;

/// Environment variables holding a secret.
pub const PASSWORD_ENV: &str = "GONGDAN_PASSWORD";
pub const SECRET_ENV: &str = "GONGDAN_SECRET";

/// Where the secret came from (shown by `config check`; never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Env(&'static str),
    /// `password` in the config file.
    File,
    /// `password_command`, as written.
    Command(String),
    /// The OS keyring's entry for this login (service [`KEYRING_SERVICE`]).
    Keyring {
        user: String,
    },
    Prompt,
}

impl CredentialSource {
    /// Where the secret came from, in `lang` (never the secret).
    pub(crate) fn text(&self, lang: Lang) -> String {
        match self {
            CredentialSource::Env(var) => fill(lang, Msg::CfgCredEnv, &[var]),
            CredentialSource::File => Msg::CfgCredFile.text(lang).to_string(),
            CredentialSource::Command(command) => fill(lang, Msg::CfgCredCommand, &[command]),
            CredentialSource::Keyring { user } => {
                fill(lang, Msg::CfgCredKeyring, &[KEYRING_SERVICE, user])
            }
            CredentialSource::Prompt => Msg::CfgCredPrompt.text(lang).to_string(),
        }
    }
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Everything needed to find the secret, gathered at resolution; nothing is run or asked
/// until [`CredentialPlan::obtain`].
#[derive(Debug, Clone, Default)]
pub struct CredentialPlan {
    pub auth: AuthKind,
    /// The account (password auth) or the SecretID (token auth), for the prompt.
    pub login: Option<String>,
    /// The host, for the prompt.
    pub host: Option<String>,
    /// `GONGDAN_PASSWORD` / `GONGDAN_SECRET` as read at start.
    pub env_password: Option<Secret>,
    pub env_secret: Option<Secret>,
    pub file_password: Option<Secret>,
    pub password_command: Option<String>,
    /// How long `password_command` may take; `None`: the default (30 s).
    pub password_command_timeout: Option<Duration>,
    /// The OS keyring, consulted after the command and before the prompt; `None`: not used.
    pub keyring: Option<Arc<dyn Keyring>>,
    /// The language of the hidden prompt.
    pub lang: Lang,
}

/// The service name of gongdan's entries in the OS keyring; the user is `LOGIN@HOST`.
pub const KEYRING_SERVICE: &str = "gongdan";

/// What a keyring lookup found.
#[derive(Debug, Clone)]
pub enum KeyringLookup {
    Found(Secret),
    /// The keyring works but holds no entry for this login.
    Missing,
    /// No keyring can be reached (a headless host, a container that forbids keyctl): why.
    Unavailable(String),
}

/// A keyring the credentials can be kept in: the OS one ([`OsKeyring`]), or a stand-in.
pub trait Keyring: Send + Sync + std::fmt::Debug {
    fn lookup(&self, service: &str, user: &str) -> KeyringLookup;
    fn store(&self, service: &str, user: &str, secret: &Secret) -> Result<(), String>;
}

/// The OS keyring through the `keyring` crate: the kernel's keyutils on Linux (the user's
/// persistent keyring, no D-Bus needed), the Keychain on macOS, the Credential Manager on
/// Windows.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

impl Keyring for OsKeyring {
    fn lookup(&self, service: &str, user: &str) -> KeyringLookup {
        let entry = match keyring::Entry::new(service, user) {
            Ok(entry) => entry,
            Err(err) => return KeyringLookup::Unavailable(err.to_string()),
        };
        match entry.get_password() {
            Ok(secret) => KeyringLookup::Found(Secret::new(secret)),
            Err(keyring::Error::NoEntry) => KeyringLookup::Missing,
            Err(err) => KeyringLookup::Unavailable(err.to_string()),
        }
    }

    fn store(&self, service: &str, user: &str, secret: &Secret) -> Result<(), String> {
        match keyring::Entry::new(service, user).and_then(|e| e.set_password(secret.expose())) {
            Ok(()) => Ok(()),
            // keyutils says "no entry" when the process has no session keyring to hold one.
            Err(keyring::Error::NoEntry) => Err(
                "no keyring can be reached here (on Linux: no session keyring, as in a \
                 container or a service without a login session)"
                    .into(),
            ),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// Whether the hidden prompt may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPolicy {
    /// Ask on the terminal when stdin is one; otherwise fail with a clear error.
    IfTerminal,
    /// Never ask (tests, scripts).
    Never,
}

/// A secret and where it came from.
#[derive(Debug, Clone)]
pub struct Credential {
    pub secret: Secret,
    pub source: CredentialSource,
}

impl CredentialPlan {
    /// The name of the environment variable consulted for this auth kind.
    pub(crate) fn env_var(&self) -> &'static str {
        match self.auth {
            AuthKind::Password => PASSWORD_ENV,
            AuthKind::Token => SECRET_ENV,
        }
    }

    /// Which source would be used, without running a command or asking.
    pub fn planned_source(&self) -> Option<CredentialSource> {
        let env = match self.auth {
            AuthKind::Password => &self.env_password,
            AuthKind::Token => &self.env_secret,
        };
        if env.as_ref().is_some_and(|s| !s.is_empty()) {
            Some(CredentialSource::Env(self.env_var()))
        } else if self.file_password.is_some() {
            Some(CredentialSource::File)
        } else {
            self.password_command
                .as_ref()
                .map(|c| CredentialSource::Command(c.clone()))
        }
    }

    /// The keyring entry's user for this login: `LOGIN@HOST`.
    pub(crate) fn keyring_user(&self) -> Option<String> {
        let login = self.login.as_deref().filter(|l| !l.is_empty())?;
        let host = self.host.as_deref().unwrap_or("-");
        Some(format!("{login}@{host}"))
    }

    /// The OS keyring's secret, when no earlier source is set and the keyring holds one. A
    /// keyring that cannot be reached is no error: the prompt comes next.
    fn keyring_credential(&self) -> Option<Credential> {
        let keyring = self.keyring.as_ref()?;
        let user = self.keyring_user()?;
        match keyring.lookup(KEYRING_SERVICE, &user) {
            KeyringLookup::Found(secret) if !secret.is_empty() => Some(Credential {
                secret,
                source: CredentialSource::Keyring { user },
            }),
            KeyringLookup::Found(_) | KeyringLookup::Missing => {
                tracing::debug!(%user, "no entry in the OS keyring");
                None
            }
            KeyringLookup::Unavailable(reason) => {
                tracing::debug!(%reason, "the OS keyring cannot be reached");
                None
            }
        }
    }

    /// Stores a secret in the keyring under this login (`gongdan config store-secret`).
    pub fn store_in_keyring(&self, secret: &Secret) -> Result<String, ConfigError> {
        let keyring = self
            .keyring
            .as_ref()
            .ok_or_else(|| ConfigError::Keyring("no OS keyring is used for this profile".into()))?;
        let user = self.keyring_user().ok_or_else(|| {
            ConfigError::Keyring("the profile names no account (or secret_id)".into())
        })?;
        keyring
            .store(KEYRING_SERVICE, &user, secret)
            .map_err(ConfigError::Keyring)?;
        Ok(user)
    }

    /// Asks for the secret without echo (for `config store-secret`).
    pub(crate) fn ask(&self) -> Result<Secret, ConfigError> {
        if !std::io::stdin().is_terminal() {
            return Err(ConfigError::Keyring(
                "store-secret asks for the secret on a terminal; run it in one".into(),
            ));
        }
        self.prompt(PromptPolicy::IfTerminal)
            .map(|credential| credential.secret)
    }

    /// Finds the secret: environment, file, command, the OS keyring, then the prompt.
    pub fn obtain(&self, prompt: PromptPolicy) -> Result<Credential, ConfigError> {
        match self.planned_source() {
            Some(CredentialSource::Env(var)) => {
                let secret = match self.auth {
                    AuthKind::Password => self.env_password.clone(),
                    AuthKind::Token => self.env_secret.clone(),
                };
                if let Some(secret) = secret {
                    return Ok(Credential {
                        secret,
                        source: CredentialSource::Env(var),
                    });
                }
            }
            Some(CredentialSource::File) => {
                if let Some(secret) = self.file_password.clone() {
                    return Ok(Credential {
                        secret,
                        source: CredentialSource::File,
                    });
                }
            }
            Some(CredentialSource::Command(command)) => {
                let timeout = self.password_command_timeout.unwrap_or(Duration::from_secs(
                    super::file::DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECS,
                ));
                let secret = run_password_command_within(&command, timeout)?;
                return Ok(Credential {
                    secret,
                    source: CredentialSource::Command(command),
                });
            }
            Some(CredentialSource::Keyring { .. } | CredentialSource::Prompt) | None => {}
        }
        if let Some(credential) = self.keyring_credential() {
            return Ok(credential);
        }
        self.prompt(prompt)
    }

    fn prompt(&self, policy: PromptPolicy) -> Result<Credential, ConfigError> {
        let what = match self.auth {
            AuthKind::Password => Msg::CfgWhatPassword,
            AuthKind::Token => Msg::CfgWhatSecret,
        }
        .text(self.lang);
        if policy == PromptPolicy::Never || !std::io::stdin().is_terminal() {
            return Err(ConfigError::NoCredential {
                auth: self.auth,
                env_var: self.env_var(),
            });
        }
        let login = self.login.as_deref().unwrap_or("?");
        let host = self.host.as_deref().unwrap_or("?");
        let typed = read_hidden(&fill(self.lang, Msg::CfgPromptFor, &[what, login, host]))
            .map_err(|err| ConfigError::Prompt(err.to_string()))?
            .ok_or(ConfigError::PromptCancelled)?;
        if typed.is_empty() {
            return Err(ConfigError::NoCredential {
                auth: self.auth,
                env_var: self.env_var(),
            });
        }
        Ok(Credential {
            secret: Secret::new(typed),
            source: CredentialSource::Prompt,
        })
    }
}

/// Restores the terminal's mode however the prompt ends.
struct RawMode;

impl RawMode {
    fn enable() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads a line from the terminal without echo. Echo is off (raw mode) before the prompt is
/// written, so nothing typed after the prompt appears can show. `None`: cancelled with
/// Esc, Ctrl-C or Ctrl-D. The prompt goes to stderr, so `config check > report` works.
fn read_hidden(prompt: &str) -> std::io::Result<Option<String>> {
    use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    let raw = RawMode::enable()?;
    let mut stderr = std::io::stderr();
    write!(stderr, "{prompt}")?;
    stderr.flush()?;
    let mut typed = String::new();
    let outcome = loop {
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => break Some(typed),
            KeyCode::Char('c' | 'd') if control => break None,
            KeyCode::Char('u') if control => typed.clear(),
            KeyCode::Esc => break None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if !control => typed.push(c),
            _ => {}
        }
    };
    drop(raw);
    // Raw mode swallowed the Enter: end the prompt's line.
    writeln!(stderr)?;
    Ok(outcome)
}

/// The environment variables that hold a secret, removed from every child process.
pub const SECRET_ENV_VARS: &[&str] = &[PASSWORD_ENV, SECRET_ENV];

/// Takes every secret the config reads from the environment out of a child's environment
/// (a password command, the editor): they need none, and a child's child may log its
/// environment.
pub fn without_secrets(command: &mut Command) -> &mut Command {
    for var in SECRET_ENV_VARS {
        command.env_remove(var);
    }
    command
}

/// Runs `sh -c COMMAND` with the default timeout (30 s): see [`run_password_command_within`].
pub fn run_password_command(command: &str) -> Result<Secret, ConfigError> {
    run_password_command_within(
        command,
        Duration::from_secs(super::file::DEFAULT_PASSWORD_COMMAND_TIMEOUT_SECS),
    )
}

/// Runs `sh -c COMMAND`; the first line of its output is the secret. Stdin and the terminal
/// stay available to the command (gpg's pinentry, `op` sign-in). A command still running
/// after `timeout` is killed and reported, rather than holding a blank screen forever.
pub fn run_password_command_within(
    command: &str,
    timeout: Duration,
) -> Result<Secret, ConfigError> {
    let failed = |problem: String| ConfigError::PasswordCommand {
        command: command.to_string(),
        problem,
    };
    let mut child = without_secrets(Command::new("sh").arg("-c").arg(command))
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| failed(format!("could not be started: {err}")))?;
    // Read both pipes on threads so that a chatty command cannot block on a full pipe while
    // this thread waits for it; the threads end when the pipes close.
    let read_all = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                // Read at most 64 KiB: a secret is one line.
                let _ = std::io::Read::read_to_end(
                    &mut std::io::Read::take(&mut pipe, 64 * 1024),
                    &mut bytes,
                );
            }
            let _ = tx.send(bytes);
        });
        rx
    };
    let stdout_rx = read_all(child.stdout.take().map(|p| Box::new(p) as Box<_>));
    let stderr_rx = read_all(child.stderr.take().map(|p| Box::new(p) as Box<_>));
    let deadline = std::time::Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() >= deadline => {
                // The reader threads are left to end when the command's last process does.
                let _ = child.kill();
                let _ = child.wait();
                let took = if timeout >= Duration::from_secs(1) {
                    format!("{} s", timeout.as_secs())
                } else {
                    format!("{} ms", timeout.as_millis())
                };
                return Err(failed(format!(
                    "did not answer in {took} (password_command_timeout_secs); it was stopped"
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(err) => return Err(failed(format!("could not be waited for: {err}"))),
        }
    };
    // The command ended; its pipes close unless it left a process behind holding them.
    let grace = Duration::from_secs(2);
    let stdout = stdout_rx.recv_timeout(grace).unwrap_or_default();
    let stderr = stderr_rx.recv_timeout(grace).unwrap_or_default();
    if !status.success() {
        let status = match status.code() {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_string(),
        };
        let stderr = stderr_excerpt(&stderr);
        return Err(failed(if stderr.is_empty() {
            format!("failed ({status})")
        } else {
            format!("failed ({status}): {stderr}")
        }));
    }
    // Stdout is the secret: it is never quoted in an error, only its first line kept.
    let stdout = String::from_utf8(stdout).map_err(|_| ConfigError::PasswordCommand {
        command: command.to_string(),
        problem: "printed something that is not UTF-8 text".to_string(),
    })?;
    let first = stdout.lines().next().unwrap_or("").trim_end_matches('\r');
    if first.is_empty() {
        return Err(ConfigError::PasswordCommand {
            command: command.to_string(),
            problem: "printed nothing on its first line (expected the secret there)".to_string(),
        });
    }
    Ok(Secret::new(first))
}

/// The start of a command's stderr, made inert and short.
fn stderr_excerpt(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = crate::text::clean(text.trim());
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 200 {
        let cut: String = one_line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// A password may sit in the config file only if no one but its owner can read the file.
#[cfg(unix)]
pub(crate) fn check_password_file_mode(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = std::fs::metadata(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ConfigError::PasswordFileReadable {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

/// Other platforms have no mode bits to check.
#[cfg(not(unix))]
pub(crate) fn check_password_file_mode(_path: &Path) -> Result<(), ConfigError> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret}"), "<secret>");
        let plan = CredentialPlan {
            file_password: Some(secret.clone()),
            env_password: Some(secret),
            ..CredentialPlan::default()
        };
        assert!(!format!("{plan:?}").contains("hunter2"));
    }

    #[test]
    fn env_wins_over_file_and_command() {
        let plan = CredentialPlan {
            env_password: Some(Secret::new("from-env")),
            file_password: Some(Secret::new("from-file")),
            password_command: Some("echo from-command".into()),
            ..CredentialPlan::default()
        };
        let credential = plan.obtain(PromptPolicy::Never).unwrap();
        assert_eq!(credential.secret.expose(), "from-env");
        assert_eq!(credential.source, CredentialSource::Env(PASSWORD_ENV));
    }

    #[test]
    fn token_auth_reads_gongdan_secret_not_password() {
        let plan = CredentialPlan {
            auth: AuthKind::Token,
            env_password: Some(Secret::new("a-password")),
            password_command: Some("echo from-command".into()),
            ..CredentialPlan::default()
        };
        let credential = plan.obtain(PromptPolicy::Never).unwrap();
        assert_eq!(credential.secret.expose(), "from-command");
        let plan = CredentialPlan {
            env_secret: Some(Secret::new("api-secret")),
            ..plan
        };
        let credential = plan.obtain(PromptPolicy::Never).unwrap();
        assert_eq!(credential.secret.expose(), "api-secret");
        assert_eq!(credential.source, CredentialSource::Env(SECRET_ENV));
    }

    #[test]
    fn empty_env_falls_through() {
        let plan = CredentialPlan {
            env_password: Some(Secret::new("")),
            password_command: Some("echo from-command".into()),
            ..CredentialPlan::default()
        };
        let credential = plan.obtain(PromptPolicy::Never).unwrap();
        assert_eq!(credential.secret.expose(), "from-command");
    }

    #[test]
    fn no_source_and_no_prompt_is_a_clear_error() {
        let err = CredentialPlan::default()
            .obtain(PromptPolicy::Never)
            .unwrap_err()
            .to_string();
        assert!(err.contains("GONGDAN_PASSWORD"), "{err}");
        assert!(err.contains("password_command"), "{err}");
    }
}
