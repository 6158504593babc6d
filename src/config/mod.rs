//! Configuration, profiles and credentials (issue 5).
//!
//! The console and the script commands call, in this order:
//! 1. [`Cli::resolve_options`](crate::cli::Cli::resolve_options) (reads the flags, `GONGDAN_*` variables and the secrets
//!    in the environment once; `no_connection` is set for `--demo`),
//! 2. [`resolve`]: file, profile, flags and environment merged into a [`Resolved`], each
//!    value with its [`Source`]; no secret is looked up, no command run, so `--demo` stops
//!    here. Show [`Resolved::warnings`] before the screen opens,
//! 3. [`init_logging`] with the log level of the options (keep the guard until exit),
//! 4. [`Resolved::connect`]: finds the secret ([`CredentialPlan::obtain`]: environment, file,
//!    `password_command`, hidden prompt) before the screen opens, and builds the client's
//!    [`ClientConfig`](crate::api::ClientConfig). [`Resolved::account_label`] is for the
//!    status bar.

pub mod check;
pub(crate) mod credentials;
pub mod file;
pub(crate) mod logging;
pub(crate) mod profile;
pub mod save_view;
pub mod snippets;

use std::path::PathBuf;

use crate::lang::Lang;
use crate::words::{Msg, fill};

pub(crate) use crate::files::limits::{
    CONFIG_LIMIT, IDS_LIMIT, TEXT_LIMIT, read_capped, read_file_capped,
};
pub use check::{ConfigAction, ConfigArgs, run_command};
pub use credentials::{
    Credential, CredentialPlan, CredentialSource, KEYRING_SERVICE, Keyring, KeyringLookup,
    OsKeyring, PASSWORD_ENV, PromptPolicy, SECRET_ENV, SECRET_ENV_VARS, Secret,
    run_password_command, run_password_command_within, without_secrets,
};
pub use file::{AuthKind, ConfigFile, ViewDef, ViewKind};
pub(crate) use logging::init_logging;
pub use profile::{
    Connection, Given, ResolveOptions, Resolved, Source, SourceEntry, UiSettings, env_secret,
    given, resolve,
};

/// Everything that can stop the configuration from loading. [`ConfigError::text`] is the
/// message for the user in the UI language (`Display` is the English one): it names the
/// file, the key or the command, never a secret.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `message` is the TOML parser's (English) explanation.
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    Invalid {
        path: PathBuf,
        message: String,
    },
    PasswordFileReadable {
        path: PathBuf,
        mode: u32,
    },
    UnknownProfile {
        name: String,
        known: Vec<String>,
    },
    AmbiguousProfile(Vec<String>),
    MissingBaseUrl,
    BadBaseUrl {
        url: String,
        from: Source,
        problem: UrlProblem,
    },
    MissingCaFile {
        path: PathBuf,
        from: Source,
    },
    /// No account (password sign-in) or secret_id (token sign-in).
    MissingLogin {
        auth: AuthKind,
    },
    NoCredential {
        auth: AuthKind,
        env_var: &'static str,
    },
    Prompt(String),
    Keyring(String),
    PromptCancelled,
    PasswordCommand {
        command: String,
        problem: String,
    },
    NoHome,
    Logging(String),
    Check(String),
}

impl ConfigError {
    /// The message in `lang`, from the one table of UI strings.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ConfigError::Read { path, source } => fill(
                lang,
                Msg::CfgReadFailed,
                &[&path.display().to_string(), &source.to_string()],
            ),
            ConfigError::Parse {
                path,
                line,
                column,
                message,
            } => fill(
                lang,
                Msg::CfgParse,
                &[
                    &path.display().to_string(),
                    &line.to_string(),
                    &column.to_string(),
                    message,
                ],
            ),
            ConfigError::Invalid { path, message } => format!("{}: {message}", path.display()),
            ConfigError::PasswordFileReadable { path, mode } => fill(
                lang,
                Msg::CfgPasswordFileReadable,
                &[&path.display().to_string(), &format!("{mode:03o}")],
            ),
            ConfigError::UnknownProfile { name, known } => {
                let known = if known.is_empty() {
                    Msg::CfgNoProfiles.text(lang).to_string()
                } else {
                    fill(lang, Msg::CfgKnownProfiles, &[&known.join(", ")])
                };
                fill(lang, Msg::CfgUnknownProfile, &[name, &known])
            }
            ConfigError::AmbiguousProfile(known) => {
                fill(lang, Msg::CfgAmbiguousProfile, &[&known.join(", ")])
            }
            ConfigError::MissingBaseUrl => Msg::CfgMissingBaseUrl.text(lang).to_string(),
            ConfigError::BadBaseUrl { url, from, problem } => fill(
                lang,
                Msg::CfgBadBaseUrl,
                &[url, &from.to_string(), &problem.text(lang)],
            ),
            ConfigError::MissingCaFile { path, from } => fill(
                lang,
                Msg::CfgMissingCaFile,
                &[&path.display().to_string(), &from.to_string()],
            ),
            ConfigError::MissingLogin { auth } => match auth {
                AuthKind::Password => Msg::CfgMissingAccount,
                AuthKind::Token => Msg::CfgMissingSecretId,
            }
            .text(lang)
            .to_string(),
            ConfigError::NoCredential { auth, env_var } => {
                let what = match auth {
                    AuthKind::Password => Msg::CfgWhatPassword,
                    AuthKind::Token => Msg::CfgWhatSecret,
                };
                fill(lang, Msg::CfgNoCredential, &[what.text(lang), env_var])
            }
            ConfigError::Prompt(problem) => fill(lang, Msg::CfgPromptFailed, &[problem]),
            ConfigError::Keyring(problem) => fill(lang, Msg::CfgKeyring, &[problem]),
            ConfigError::PromptCancelled => Msg::CfgPromptCancelled.text(lang).to_string(),
            ConfigError::PasswordCommand { command, problem } => {
                fill(lang, Msg::CfgPasswordCommand, &[command, problem])
            }
            ConfigError::NoHome => Msg::CfgNoHome.text(lang).to_string(),
            ConfigError::Logging(problem) => fill(lang, Msg::CfgLogging, &[problem]),
            ConfigError::Check(message) => message.clone(),
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a base URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// The URL parser's own (English) words.
    Unparsable(String),
    NoHost,
    /// Plain http to a host that is not loopback, without allow_http.
    PlainHttp,
    NotHttp,
    QueryOrFragment,
}

impl UrlProblem {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            UrlProblem::Unparsable(problem) => problem.clone(),
            UrlProblem::NoHost => Msg::CfgUrlNoHost.text(lang).to_string(),
            UrlProblem::PlainHttp => Msg::CfgUrlPlainHttp.text(lang).to_string(),
            UrlProblem::NotHttp => Msg::CfgUrlNotHttp.text(lang).to_string(),
            UrlProblem::QueryOrFragment => Msg::CfgUrlQuery.text(lang).to_string(),
        }
    }
}

/// One thing in the configuration that is ignored, shown once before the console opens
/// (and in its status line) and by `gongdan config check`. [`ConfigWarning::text`] is in
/// the UI language, `Display` in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigWarning {
    /// A key this version does not know, where it is written, and the nearest known one.
    UnknownKey {
        path: PathBuf,
        line: usize,
        column: usize,
        key: String,
        nearest: Option<String>,
    },
    /// `--account` (or GONGDAN_ACCOUNT) given for a profile that signs in with a token.
    AccountIgnored { given: Source, profile: String },
    /// A base URL that would be refused, when no connection is made (`--demo`).
    BadBaseUrl {
        url: String,
        from: Source,
        problem: UrlProblem,
    },
    /// A file of the snippet folder left out, and why.
    SnippetFile { path: PathBuf, problem: String },
}

impl ConfigWarning {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ConfigWarning::UnknownKey {
                path,
                line,
                column,
                key,
                nearest,
            } => {
                let advice = nearest
                    .as_deref()
                    .map(|nearest| fill(lang, Msg::CfgDidYouMean, &[nearest]))
                    .unwrap_or_default();
                fill(
                    lang,
                    Msg::CfgUnknownKey,
                    &[
                        &path.display().to_string(),
                        &line.to_string(),
                        &column.to_string(),
                        key,
                        &advice,
                    ],
                )
            }
            ConfigWarning::AccountIgnored { given, profile } => {
                fill(lang, Msg::CfgAccountIgnored, &[&given.to_string(), profile])
            }
            ConfigWarning::BadBaseUrl { url, from, problem } => fill(
                lang,
                Msg::CfgBadBaseUrl,
                &[url, &from.to_string(), &problem.text(lang)],
            ),
            ConfigWarning::SnippetFile { path, problem } => fill(
                lang,
                Msg::CfgSnippetFile,
                &[&path.display().to_string(), problem],
            ),
        }
    }
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// The UI language: the config's `language`, else the locale's (LC_ALL/LC_MESSAGES/LANG,
/// see [`ResolveOptions::locale`]), else English.
pub(crate) fn ui_lang(language: Option<Lang>, locale: Lang) -> Lang {
    language.unwrap_or(locale)
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "gongdan")
}

/// `config.toml` in the platform's config directory (`~/.config/gongdan/` on Linux).
pub(crate) fn default_config_path() -> Result<PathBuf, ConfigError> {
    project_dirs()
        .map(|dirs| dirs.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoHome)
}

/// The state directory (`~/.local/state/gongdan` on Linux), else the local data directory.
pub(crate) fn state_dir() -> Result<PathBuf, ConfigError> {
    let dirs = project_dirs().ok_or(ConfigError::NoHome)?;
    Ok(dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf())
}

/// The cache directory (`~/.cache/gongdan` on Linux): the local ticket stores.
pub(crate) fn cache_dir() -> Result<PathBuf, ConfigError> {
    let dirs = project_dirs().ok_or(ConfigError::NoHome)?;
    Ok(dirs.cache_dir().to_path_buf())
}

/// Where the log files go: `logs/` in the state directory.
pub(crate) fn log_dir() -> Result<PathBuf, ConfigError> {
    Ok(state_dir()?.join("logs"))
}
