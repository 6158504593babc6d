//! The resolved configuration ([`Resolved`]) and what it answers: where a key is written,
//! the account label, and the client's configuration once the secret is found.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::FixedOffset;

use super::{Source, UiSettings};
use crate::api::{Auth, ClientConfig};
use crate::config::credentials::{Credential, CredentialPlan, PromptPolicy, Secret};
use crate::config::file::{AuthKind, ViewDef};
use crate::config::{ConfigError, ConfigWarning};

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
    pub(crate) timeout: Duration,
    pub per_page: u32,
    pub(crate) concurrency: usize,
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
    /// `[sla]`: targets per priority.
    pub sla: crate::config::file::SlaFile,
    /// Where each key of the config file is written (see [`Resolved::locate`]).
    pub(crate) key_positions: HashMap<String, (usize, usize)>,
    /// The raw `[keys]` table, for the console's key map.
    pub keys: toml::Table,
    /// The raw `[theme]` table, for the console's theme.
    pub theme: toml::Table,
    /// `[[snippets]]` (the folder's files are read by `config::snippets`).
    pub snippets: Vec<crate::config::file::SnippetDef>,
    /// `snippets_dir`, as written.
    pub(crate) snippets_dir: Option<PathBuf>,
    /// `[[macros]]`.
    pub macros: Vec<crate::config::file::MacroDef>,
    /// `None` = auto (`LANG`/`LC_ALL`, else English).
    pub language: Option<crate::lang::Lang>,
    /// The locale's language, for when `language` is auto.
    pub(crate) locale: crate::lang::Lang,
    /// Dates from the server are in this offset, and are shown in it.
    pub timezone: FixedOffset,
    /// The web UI's page of a ticket, `{id}` for its id (`web_url`); `None` when not set.
    pub web_url: Option<String>,
    /// Whether the local ticket store is used (`cache`, default true).
    pub(crate) cache: bool,
    /// Every value and where it came from, in a stable order.
    pub sources: Vec<SourceEntry>,
}

impl Resolved {
    /// `FILE:LINE:COLUMN: ` for a key path of the config file (`keys.list.opne`,
    /// `keys.list.open[1]`): the key itself, else the nearest enclosing key written in the
    /// file; empty when the file does not hold it.
    pub(crate) fn locate(&self, path: &str) -> String {
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
    pub(crate) fn lang(&self) -> crate::lang::Lang {
        crate::config::ui_lang(self.language, self.locale)
    }

    /// The value of one key in [`Resolved::sources`].
    pub fn source_of(&self, key: &str) -> Option<&SourceEntry> {
        self.sources.iter().find(|entry| entry.key == key)
    }

    /// Checks that there is a server and a login, without touching the secret.
    pub(crate) fn require_connection(&self) -> Result<(&str, &str), ConfigError> {
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
