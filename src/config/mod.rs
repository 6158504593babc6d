//! Configuration, profiles and credentials (issue 5).
//!
//! The console and the script commands call, in this order:
//! 1. [`ResolveOptions::from_cli`] (reads the flags, `GONGDAN_*` variables and the secrets
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
pub mod credentials;
pub mod file;
pub mod logging;
pub mod profile;

use std::path::PathBuf;

pub use check::{ConfigAction, ConfigArgs, run_command};
pub use credentials::{
    Credential, CredentialPlan, CredentialSource, KEYRING_SERVICE, Keyring, KeyringLookup,
    OsKeyring, PromptPolicy, Secret, run_password_command,
};
pub use file::{AuthKind, ConfigFile, Language, ViewDef, ViewKind};
pub use logging::{LogGuard, init_logging, init_logging_in};
pub use profile::{
    Connection, Given, ResolveOptions, Resolved, Source, SourceEntry, UiSettings, resolve,
};

/// Everything that can stop the configuration from loading. `Display` is the message for
/// the user: it names the file, the key or the command, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}", path = path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}", path = path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "the config file {path} holds a password but others may read it (mode {mode:03o}); \
         run: chmod 600 {path}",
        path = path.display()
    )]
    PasswordFileReadable { path: PathBuf, mode: u32 },
    #[error("no profile named {name:?}{}", known_profiles(known))]
    UnknownProfile { name: String, known: Vec<String> },
    #[error(
        "the config file has several profiles ({}): choose one with --profile NAME or set \
         default_profile",
        .0.join(", ")
    )]
    AmbiguousProfile(Vec<String>),
    #[error("no server given: set base_url in the profile or pass --base-url URL")]
    MissingBaseUrl,
    #[error("the base URL {url:?} ({from}) is not valid: {problem}")]
    BadBaseUrl {
        url: String,
        from: Source,
        problem: String,
    },
    #[error("ca_file {path} ({from}) does not exist or is not a file", path = path.display())]
    MissingCaFile { path: PathBuf, from: Source },
    #[error("no {what} given: {hint}")]
    MissingLogin {
        what: &'static str,
        hint: &'static str,
    },
    #[error(
        "no {what}: set {env_var}, or password_command in the profile, or store it with \
         `gongdan config store-secret`, or run in a terminal to be asked"
    )]
    NoCredential {
        what: &'static str,
        env_var: &'static str,
    },
    #[error("could not read the password from the terminal: {0}")]
    Prompt(String),
    #[error("the OS keyring: {0}")]
    Keyring(String),
    #[error("cancelled at the password prompt")]
    PromptCancelled,
    #[error("password_command `{command}` {problem}")]
    PasswordCommand { command: String, problem: String },
    #[error("no config directory could be found for this user (is HOME set?)")]
    NoHome,
    #[error("logging: {0}")]
    Logging(String),
    #[error("{0}")]
    Check(String),
}

fn known_profiles(known: &[String]) -> String {
    if known.is_empty() {
        " (the config file has no profiles)".to_string()
    } else {
        format!(" (known: {})", known.join(", "))
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "gongdan")
}

/// `config.toml` in the platform's config directory (`~/.config/gongdan/` on Linux).
pub fn default_config_path() -> Result<PathBuf, ConfigError> {
    project_dirs()
        .map(|dirs| dirs.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoHome)
}

/// The state directory (`~/.local/state/gongdan` on Linux), else the local data directory.
pub fn state_dir() -> Result<PathBuf, ConfigError> {
    let dirs = project_dirs().ok_or(ConfigError::NoHome)?;
    Ok(dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf())
}

/// Where the log files go: `logs/` in the state directory.
pub fn log_dir() -> Result<PathBuf, ConfigError> {
    Ok(state_dir()?.join("logs"))
}
