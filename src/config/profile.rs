//! Profile resolution: the file's profile, the environment and the flags merged, each value
//! remembering where it came from. Precedence: flag > environment > file > default.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::FixedOffset;

use super::credentials::{
    Credential, CredentialPlan, CredentialSource, Keyring, PromptPolicy, Secret,
    check_password_file_mode,
};
use super::file::{self, AuthKind, ConfigFile, ProfileFile, ViewDef};
use super::{ConfigError, ConfigWarning, UrlProblem, default_config_path};
use crate::api::{Auth, ClientConfig};
use crate::words::{Msg, fill};

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
    pub value: T,
    pub source: Source,
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
    /// `--log-level` / `GONGDAN_LOG` (only reported here; [`super::init_logging`] uses it).
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

/// Settings of the console itself (`[ui]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiSettings {
    /// Seconds between automatic refreshes of the view; 0 = off.
    pub auto_refresh_secs: u64,
    /// Bulk changes to more tickets than this ask for confirmation.
    pub bulk_confirm_threshold: usize,
    /// Calls in flight at once during a bulk change.
    pub bulk_concurrency: usize,
    /// Whether the console takes the mouse (the wheel scrolls). Off by default: while a
    /// program captures the mouse, most terminals no longer let the user select and copy.
    pub mouse: bool,
    /// How much of the list's selected row is highlighted.
    pub selection: file::Selection,
    /// How long past bulk runs are kept (pruned at start and by `gongdan history prune`).
    pub history: crate::bulk::Retention,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            auto_refresh_secs: file::DEFAULT_AUTO_REFRESH_SECS,
            bulk_confirm_threshold: file::DEFAULT_BULK_CONFIRM_THRESHOLD,
            bulk_concurrency: file::DEFAULT_BULK_CONCURRENCY,
            mouse: false,
            selection: file::DEFAULT_SELECTION,
            history: crate::bulk::Retention::default(),
        }
    }
}

/// Where and how to connect, without the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `None` when neither the profile nor a flag gives one (fine for `--demo`).
    pub base_url: Option<String>,
    pub auth: AuthKind,
    /// The account (password auth) or the SecretID (token auth).
    pub login: Option<String>,
    pub allow_insecure_http: bool,
    pub ca_file: Option<PathBuf>,
    pub timeout: Duration,
    pub per_page: u32,
    pub concurrency: usize,
}

/// One line of `config check`: a key, its value (`<secret>` for a secret) and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    pub key: String,
    pub value: String,
    pub source: Source,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The config file read, `None` when there was none at the default place.
    pub config_path: Option<PathBuf>,
    /// Unknown keys and the like: show them once (before the screen opens, or in the
    /// status line).
    pub warnings: Vec<ConfigWarning>,
    /// `None` when running on flags alone.
    pub profile_name: Option<String>,
    pub connection: Connection,
    pub credentials: CredentialPlan,
    pub ui: UiSettings,
    pub views: Vec<ViewDef>,
    /// Where each key of the config file is written (see [`Resolved::locate`]).
    pub key_positions: HashMap<String, (usize, usize)>,
    /// The raw `[keys]` table, for the console's key map.
    pub keys: toml::Table,
    /// The raw `[theme]` table, for the console's theme.
    pub theme: toml::Table,
    /// `None` = auto (`LANG`/`LC_ALL`, else English).
    pub language: Option<crate::lang::Lang>,
    /// The locale's language, for when `language` is auto.
    pub locale: crate::lang::Lang,
    /// Dates from the server are in this offset, and are shown in it.
    pub timezone: FixedOffset,
    /// The web UI's page of a ticket, `{id}` for its id (`web_url`); `None` when not set.
    pub web_url: Option<String>,
    /// Every value and where it came from, in a stable order.
    pub sources: Vec<SourceEntry>,
}

impl Resolved {
    /// `FILE:LINE:COLUMN: ` for a key path of the config file (`keys.list.opne`,
    /// `keys.list.open[1]`): the key itself, else the nearest enclosing key written in the
    /// file; empty when the file does not hold it.
    pub fn locate(&self, path: &str) -> String {
        let Some(file) = &self.config_path else {
            return String::new();
        };
        let mut path = path;
        loop {
            if let Some((line, column)) = self.key_positions.get(path) {
                return format!("{}:{line}:{column}: ", file.display());
            }
            match path.rfind(['.', '[']) {
                Some(end) if end > 0 => path = &path[..end],
                _ => return String::new(),
            }
        }
    }

    /// The server's host (with a port if not the default one), for the status bar.
    pub fn host(&self) -> Option<String> {
        let url = url::Url::parse(self.connection.base_url.as_deref()?).ok()?;
        let host = url.host_str()?.to_string();
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    }

    /// `work: zhangsan@www.bangwo8.com` (or without the profile when on flags alone): the
    /// status bar shows it so that nobody edits tickets on the wrong account.
    pub fn account_label(&self) -> String {
        let login = self.connection.login.as_deref().unwrap_or("?");
        let host = self.host().unwrap_or_else(|| "?".to_string());
        match &self.profile_name {
            Some(profile) => format!("{profile}: {login}@{host}"),
            None => format!("{login}@{host}"),
        }
    }

    /// The UI language: the profile's or file's `language`, else the locale, else English.
    pub fn lang(&self) -> crate::lang::Lang {
        super::ui_lang(self.language, self.locale)
    }

    /// The value of one key in [`Resolved::sources`].
    pub fn source_of(&self, key: &str) -> Option<&SourceEntry> {
        self.sources.iter().find(|entry| entry.key == key)
    }

    /// Checks that there is a server and a login, without touching the secret.
    pub fn require_connection(&self) -> Result<(&str, &str), ConfigError> {
        let base_url = self
            .connection
            .base_url
            .as_deref()
            .ok_or(ConfigError::MissingBaseUrl)?;
        let login = self
            .connection
            .login
            .as_deref()
            .ok_or(match self.connection.auth {
                AuthKind::Password => ConfigError::MissingLogin {
                    auth: AuthKind::Password,
                },
                AuthKind::Token => ConfigError::MissingLogin {
                    auth: AuthKind::Token,
                },
            })?;
        Ok((base_url, login))
    }

    /// The client's configuration, with the secret found by [`CredentialPlan::obtain`].
    pub fn client_config(&self, secret: &Secret) -> Result<ClientConfig, ConfigError> {
        let (base_url, login) = self.require_connection()?;
        let auth = match self.connection.auth {
            AuthKind::Password => Auth::Basic {
                account: login.to_string(),
                password: secret.expose().to_string(),
            },
            AuthKind::Token => Auth::Token {
                secret_id: login.to_string(),
                secret: secret.expose().to_string(),
            },
        };
        let mut config = ClientConfig::new(base_url, auth);
        config.allow_insecure_http = self.connection.allow_insecure_http;
        config.ca_file = self.connection.ca_file.clone();
        config.timeout = self.connection.timeout;
        config.per_page = self.connection.per_page;
        config.concurrency = self.connection.concurrency;
        Ok(config)
    }

    /// Finds the secret (environment, file, command, prompt) and builds the client's
    /// configuration. Checks the server and login first, so nobody is asked for a password
    /// that could not be used.
    pub fn connect(&self, prompt: PromptPolicy) -> Result<(ClientConfig, Credential), ConfigError> {
        self.require_connection()?;
        let credential = self.credentials.obtain(prompt)?;
        let config = self.client_config(&credential.secret)?;
        Ok((config, credential))
    }
}

/// Loads the config file, picks the profile, and merges flags and environment over it.
pub fn resolve(opts: &ResolveOptions) -> Result<Resolved, ConfigError> {
    let mut sources = Vec::new();
    let mut record = |key: &str, value: String, source: Source| {
        sources.push(SourceEntry {
            key: key.to_string(),
            value,
            source,
        })
    };

    // The file: an explicit path must exist; the default one may be absent.
    let (path, path_source) = match &opts.config_path {
        Some(given) => (given.value.clone(), given.source.clone()),
        None => (default_config_path()?, Source::Default),
    };
    let loaded = if opts.config_path.is_none() && !path.exists() {
        record(
            "config_file",
            format!("{} (absent)", path.display()),
            path_source,
        );
        None
    } else {
        let loaded = file::load(&path)?;
        record("config_file", path.display().to_string(), path_source);
        if loaded
            .config
            .profiles
            .values()
            .any(|p| p.password.is_some())
        {
            check_password_file_mode(&path)?;
        }
        Some(loaded)
    };
    let (config, mut warnings, config_path, key_positions) = match loaded {
        Some(loaded) => (
            loaded.config,
            loaded.warnings,
            Some(loaded.path),
            loaded.positions,
        ),
        None => (ConfigFile::default(), Vec::new(), None, HashMap::new()),
    };
    let config_dir = config_path.as_deref().and_then(Path::parent);

    // The profile.
    let known: Vec<String> = config.profiles.keys().cloned().collect();
    let chosen: Option<(String, Source)> = if let Some(given) = &opts.profile {
        Some((given.value.clone(), given.source.clone()))
    } else if let Some(name) = &config.default_profile {
        Some((name.clone(), Source::File))
    } else if known.len() == 1 {
        known.first().map(|name| (name.clone(), Source::File))
    } else if known.len() > 1 && opts.base_url.is_none() && !opts.no_connection {
        return Err(ConfigError::AmbiguousProfile(known));
    } else {
        None
    };
    let empty = ProfileFile::default();
    let (profile_name, profile) = match &chosen {
        Some((name, source)) => {
            let profile = config
                .profiles
                .get(name)
                .ok_or_else(|| ConfigError::UnknownProfile {
                    name: name.clone(),
                    known: known.clone(),
                })?;
            (Some((name.clone(), source.clone())), profile)
        }
        None => (None, &empty),
    };
    // The words around the values below are in the UI language, known from here on.
    let lang = super::ui_lang(profile.language.and_then(|setting| setting.0), opts.locale);
    let words = |msg: Msg| msg.text(lang).to_string();
    match &profile_name {
        Some((name, source)) => {
            let how = match (source, &config.default_profile) {
                (Source::File, Some(_)) => fill(lang, Msg::SrcDefaultProfile, &[name]),
                (Source::File, None) => fill(lang, Msg::SrcOnlyProfile, &[name]),
                _ => name.clone(),
            };
            record("profile", how, source.clone());
        }
        None => record("profile", words(Msg::SrcFlagsAlone), Source::Default),
    }
    let profile_name = profile_name.map(|(name, _)| name);

    // Server and login.
    let base_url = pick(&opts.base_url, profile.base_url.clone());
    let auth = profile.auth.unwrap_or_default();
    let login = match auth {
        AuthKind::Password => pick(&opts.account, profile.account.clone()),
        AuthKind::Token => {
            if let Some(account) = &opts.account {
                warnings.push(ConfigWarning::AccountIgnored {
                    given: account.source.clone(),
                    profile: profile_name.clone().unwrap_or_default(),
                });
            }
            profile.secret_id.clone().map(|id| (id, Source::File))
        }
    };
    let allow_http = if opts.allow_http {
        (true, Source::Flag("--allow-http"))
    } else {
        match profile.allow_http {
            Some(value) => (value, Source::File),
            None => (false, Source::Default),
        }
    };
    let base_url = match base_url {
        Some((url, source)) => match check_base_url(&url, &source, allow_http.0) {
            Ok(url) => {
                record("base_url", url.clone(), source);
                Some(url)
            }
            Err(ConfigError::BadBaseUrl { url, from, problem }) if opts.no_connection => {
                warnings.push(ConfigWarning::BadBaseUrl { url, from, problem });
                record("base_url", words(Msg::SrcUnusable), source);
                None
            }
            Err(err) => return Err(err),
        },
        None => {
            record("base_url", words(Msg::SrcNone), Source::Default);
            None
        }
    };
    record(
        "auth",
        auth.as_str().into(),
        if profile.auth.is_some() {
            Source::File
        } else {
            Source::Default
        },
    );
    let login_key = match auth {
        AuthKind::Password => "account",
        AuthKind::Token => "secret_id",
    };
    let login = match login {
        Some((login, source)) => {
            record(login_key, login.clone(), source);
            Some(login)
        }
        None => {
            record(login_key, words(Msg::SrcNone), Source::Default);
            None
        }
    };

    // Credentials: only where they would come from; nothing is run yet.
    if profile.password.is_some() && profile.password_command.is_some() {
        return Err(ConfigError::Invalid {
            path: config_path.clone().unwrap_or_default(),
            message: format!(
                "profile {:?} sets both `password` and `password_command`: keep one",
                profile_name.as_deref().unwrap_or_default()
            ),
        });
    }
    let credentials = CredentialPlan {
        auth,
        login: login.clone(),
        host: base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string)),
        env_password: opts.env_password.clone(),
        env_secret: opts.env_secret.clone(),
        file_password: profile.password.clone(),
        password_command: profile.password_command.clone(),
        password_command_timeout: profile
            .password_command_timeout_secs
            .map(|secs| Duration::from_secs(secs.0)),
        keyring: opts.keyring.clone(),
        lang,
    };
    match credentials.planned_source() {
        Some(CredentialSource::Env(var)) => {
            record("credential", "<secret>".into(), Source::Env(var))
        }
        Some(CredentialSource::File) => record("credential", "<secret>".into(), Source::File),
        Some(CredentialSource::Command(command)) => record(
            "credential",
            fill(lang, Msg::SrcSecretFrom, &[&command]),
            Source::Command,
        ),
        Some(CredentialSource::Keyring { .. } | CredentialSource::Prompt) | None => {
            let value = match (&credentials.keyring, credentials.keyring_user()) {
                (Some(_), Some(user)) => fill(
                    lang,
                    Msg::SrcKeyringOrPrompt,
                    &[super::credentials::KEYRING_SERVICE, &user],
                ),
                _ => words(Msg::SrcPrompt),
            };
            record("credential", value, Source::Prompt)
        }
    }

    // Client settings.
    record("allow_http", allow_http.0.to_string(), allow_http.1);
    let ca_file = match (&opts.ca_file, &profile.ca_file) {
        (Some(path), _) => Some((path.clone(), Source::Flag("--ca-file"))),
        (None, Some(path)) => Some((relative_to(config_dir, path), Source::File)),
        (None, None) => None,
    };
    if let Some((path, source)) = &ca_file
        && !path.is_file()
        && !opts.no_connection
    {
        return Err(ConfigError::MissingCaFile {
            path: path.clone(),
            from: source.clone(),
        });
    }
    match &ca_file {
        Some((path, source)) => record("ca_file", path.display().to_string(), source.clone()),
        None => record("ca_file", words(Msg::SrcNone), Source::Default),
    }
    let timeout_secs = or_default(
        &mut record,
        "timeout_secs",
        profile.timeout_secs.map(|p| p.0),
        file::DEFAULT_TIMEOUT_SECS,
    );
    let per_page = or_default(
        &mut record,
        "per_page",
        profile.per_page.map(|p| p.0),
        file::DEFAULT_PER_PAGE,
    );
    let concurrency = or_default(
        &mut record,
        "concurrency",
        profile.concurrency.map(|p| p.0),
        file::DEFAULT_CONCURRENCY,
    );

    // Display.
    let timezone = match profile.timezone {
        Some(tz) => {
            record("timezone", tz.0.to_string(), Source::File);
            tz.0
        }
        None => {
            let tz = FixedOffset::east_opt(file::DEFAULT_TIMEZONE_SECS).unwrap_or(utc());
            record("timezone", tz.to_string(), Source::Default);
            tz
        }
    };
    let web_url = match &profile.web_url {
        Some(template) => {
            check_web_url(template).map_err(|problem| ConfigError::Invalid {
                path: config_path.clone().unwrap_or_default(),
                message: fill(lang, Msg::CfgBadWebUrl, &[template, &problem]),
            })?;
            record("web_url", template.clone(), Source::File);
            Some(template.clone())
        }
        None => {
            record("web_url", words(Msg::SrcNone), Source::Default);
            None
        }
    };
    let language = match profile.language {
        Some(setting) => {
            record(
                "language",
                setting.0.map_or("auto", crate::lang::Lang::code).into(),
                Source::File,
            );
            setting.0
        }
        None => {
            record("language", "auto".into(), Source::Default);
            None
        }
    };
    record(
        "views",
        if profile.views.is_empty() {
            words(Msg::SrcBuiltInViews)
        } else {
            profile
                .views
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        if profile.views.is_empty() {
            Source::Default
        } else {
            Source::File
        },
    );
    let ui = UiSettings {
        auto_refresh_secs: or_default(
            &mut record,
            "ui.auto_refresh_secs",
            config.ui.auto_refresh_secs,
            file::DEFAULT_AUTO_REFRESH_SECS,
        ),
        bulk_confirm_threshold: or_default(
            &mut record,
            "ui.bulk_confirm_threshold",
            config.ui.bulk_confirm_threshold,
            file::DEFAULT_BULK_CONFIRM_THRESHOLD,
        ),
        bulk_concurrency: or_default(
            &mut record,
            "ui.bulk_concurrency",
            config.ui.bulk_concurrency.map(|p| p.0),
            file::DEFAULT_BULK_CONCURRENCY,
        ),
        mouse: or_default(&mut record, "ui.mouse", config.ui.mouse, false),
        selection: or_default(
            &mut record,
            "ui.selection",
            config.ui.selection,
            file::DEFAULT_SELECTION,
        ),
        history: crate::bulk::Retention {
            keep_days: or_default(
                &mut record,
                "ui.history_keep_days",
                config.ui.history_keep_days,
                crate::bulk::DEFAULT_KEEP_DAYS,
            ),
            keep_last: or_default(
                &mut record,
                "ui.history_keep_last",
                config.ui.history_keep_last,
                crate::bulk::DEFAULT_KEEP_LAST,
            ),
        },
    };
    match &opts.log_level {
        Some(given) => record("log_level", given.value.clone(), given.source.clone()),
        None => record(
            "log_level",
            super::logging::DEFAULT_LEVEL.into(),
            Source::Default,
        ),
    }

    Ok(Resolved {
        config_path,
        key_positions,
        warnings,
        profile_name,
        connection: Connection {
            base_url,
            auth,
            login,
            allow_insecure_http: allow_http.0,
            ca_file: ca_file.map(|(path, _)| path),
            timeout: Duration::from_secs(timeout_secs),
            per_page,
            concurrency,
        },
        credentials,
        ui,
        views: profile.views.clone(),
        keys: config.keys,
        theme: config.theme,
        language,
        locale: opts.locale,
        timezone,
        web_url,
        sources,
    })
}

/// A `web_url` template: an http(s) URL with a host, holding `{id}`. Answers the problem in
/// plain words otherwise.
fn check_web_url(template: &str) -> Result<(), String> {
    if !template.contains("{id}") {
        return Err("no {id}".into());
    }
    let url = url::Url::parse(&template.replace("{id}", "1")).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("not an http:// or https:// URL".into());
    }
    Ok(())
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset"))
}

/// A flag or variable beats the file.
fn pick(given: &Option<Given<String>>, from_file: Option<String>) -> Option<(String, Source)> {
    match given {
        Some(given) => Some((given.value.clone(), given.source.clone())),
        None => from_file.map(|value| (value, Source::File)),
    }
}

fn or_default<T: ToString + Copy>(
    record: &mut impl FnMut(&str, String, Source),
    key: &str,
    from_file: Option<T>,
    default: T,
) -> T {
    match from_file {
        Some(value) => {
            record(key, value.to_string(), Source::File);
            value
        }
        None => {
            record(key, default.to_string(), Source::Default);
            default
        }
    }
}

/// `~/x` is in the home directory; a relative path is next to the config file.
fn relative_to(config_dir: Option<&Path>, path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(dirs) = directories::BaseDirs::new()
    {
        return dirs.home_dir().join(rest);
    }
    match config_dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }
}

/// A base URL must be http(s) with a host; plain http only to loopback unless allowed.
fn check_base_url(text: &str, from: &Source, allow_http: bool) -> Result<String, ConfigError> {
    let bad = |problem: UrlProblem| ConfigError::BadBaseUrl {
        url: text.to_string(),
        from: from.clone(),
        problem,
    };
    let url =
        url::Url::parse(text.trim()).map_err(|err| bad(UrlProblem::Unparsable(err.to_string())))?;
    let Some(host) = url.host() else {
        return Err(bad(UrlProblem::NoHost));
    };
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match host {
                url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            };
            if !loopback && !allow_http {
                return Err(bad(UrlProblem::PlainHttp));
            }
        }
        _ => return Err(bad(UrlProblem::NotHttp)),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(UrlProblem::QueryOrFragment));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let flag = Source::Flag("--base-url");
        assert_eq!(
            check_base_url("https://www.bangwo8.com/", &flag, false).unwrap(),
            "https://www.bangwo8.com"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080", &flag, false).unwrap(),
            "http://127.0.0.1:8080"
        );
        let err = check_base_url("http://helpdesk.example.com", &flag, false).unwrap_err();
        assert!(err.to_string().contains("--allow-http"), "{err}");
        assert!(check_base_url("http://helpdesk.example.com", &flag, true).is_ok());
        assert!(check_base_url("ftp://x", &flag, true).is_err());
        assert!(check_base_url("www.bangwo8.com", &flag, true).is_err());
    }

    #[test]
    fn relative_ca_file_is_next_to_the_config() {
        assert_eq!(
            relative_to(Some(Path::new("/etc/g")), Path::new("ca.pem")),
            PathBuf::from("/etc/g/ca.pem")
        );
        assert_eq!(
            relative_to(Some(Path::new("/etc/g")), Path::new("/x/ca.pem")),
            PathBuf::from("/x/ca.pem")
        );
    }
}
