//! What the command line and the environment give the resolution: each value with where it
//! came from ([`Source`], [`Given`]) and the options that carry them ([`ResolveOptions`]).

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::credentials::{Keyring, Secret};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built in.
    Default,
    /// The config file.
    File,
    /// An environment variable.
    Env(&'static str),
    /// A command-line flag.
    Flag(&'static str),
    /// The output of `password_command`.
    Command,
    /// Typed at the hidden prompt.
    Prompt,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("file"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Command => f.write_str("password_command"),
            Source::Prompt => f.write_str("prompt"),
        }
    }
}

/// A value given on the command line or in the environment, and which of the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given<T> {
    pub(crate) value: T,
    pub(crate) source: Source,
}

impl<T> Given<T> {
    pub fn flag(value: T, flag: &'static str) -> Self {
        Given {
            value,
            source: Source::Flag(flag),
        }
    }

    pub fn env(value: T, var: &'static str) -> Self {
        Given {
            value,
            source: Source::Env(var),
        }
    }
}

/// What the command line and the environment say. Tests build it directly; the program uses
/// [`Cli::resolve_options`](crate::cli::Cli::resolve_options).
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// `--config` / `GONGDAN_CONFIG`.
    pub config_path: Option<Given<PathBuf>>,
    /// `--profile` / `GONGDAN_PROFILE`.
    pub profile: Option<Given<String>>,
    /// `--base-url` / `GONGDAN_BASE_URL`.
    pub base_url: Option<Given<String>>,
    /// `--account` / `GONGDAN_ACCOUNT`.
    pub account: Option<Given<String>>,
    /// `--allow-http`.
    pub allow_http: bool,
    /// `--ca-file`.
    pub ca_file: Option<PathBuf>,
    /// `--log-level` / `GONGDAN_LOG` (only reported here; [`crate::config::init_logging`] uses it).
    pub log_level: Option<Given<String>>,
    /// `GONGDAN_PASSWORD`, read once at start.
    pub env_password: Option<Secret>,
    /// `GONGDAN_SECRET`, read once at start.
    pub env_secret: Option<Secret>,
    /// The caller will not connect (`--demo`): a missing or ambiguous profile, or a base
    /// URL that would be refused, is a warning instead of an error.
    pub no_connection: bool,
    /// The OS keyring to look the secret up in after `password_command` (the program: the
    /// OS one unless `GONGDAN_NO_KEYRING` is set; tests: none, or a stand-in).
    pub keyring: Option<Arc<dyn Keyring>>,
    /// The locale's language (LC_ALL, LC_MESSAGES, LANG), read once by `from_cli`, for
    /// when the config sets none. The default (tests) is English, whatever the machine's.
    pub locale: crate::lang::Lang,
}

/// A secret from the environment variable `var`, if set.
pub fn env_secret(var: &str) -> Option<Secret> {
    std::env::var(var).ok().map(Secret::new)
}

/// A value clap read from `flag` or its variable `var`: which of the two it came from.
pub fn given<T>(
    args: &[OsString],
    value: Option<T>,
    flag: &'static str,
    var: &'static str,
) -> Option<Given<T>> {
    let value = value?;
    let on_command_line = args.iter().any(|arg| {
        arg.to_str()
            .is_some_and(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    });
    Some(if on_command_line {
        Given::flag(value, flag)
    } else {
        Given::env(value, var)
    })
}
