//! The connection steps of [`resolve`](super::resolve()): server and login, where the secret
//! will come from (nothing is run yet), and the client settings around them.

use std::path::Path;
use std::time::Duration;

use super::checks::{check_base_url, relative_to};
use super::resolve::{Sources, word};
use super::{Connection, Given, ResolveOptions, Source};
use crate::config::credentials::{CredentialPlan, CredentialSource};
use crate::config::file::{self, AuthKind, ProfileFile};
use crate::config::{ConfigError, ConfigWarning};
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// Where to connect and as whom, checked; the secret comes later.
pub(super) struct ServerLogin {
    base_url: Option<String>,
    auth: AuthKind,
    login: Option<String>,
    allow_http: (bool, Source),
}

/// Server and login: a flag or variable beats the file; a token profile's login is its
/// `secret_id`, so `--account` is ignored there, with a warning. A base URL that would be
/// refused is a warning only when nothing will connect.
pub(super) fn server_and_login(
    opts: &ResolveOptions,
    profile: &ProfileFile,
    profile_name: Option<&str>,
    lang: Lang,
    sources: &mut Sources,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<ServerLogin, ConfigError> {
    let base_url = pick(&opts.base_url, profile.base_url.clone());
    let auth = profile.auth.unwrap_or_default();
    let login = match auth {
        AuthKind::Password => pick(&opts.account, profile.account.clone()),
        AuthKind::Token => {
            if let Some(account) = &opts.account {
                warnings.push(ConfigWarning::AccountIgnored {
                    given: account.source.clone(),
                    profile: profile_name.unwrap_or_default().to_string(),
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
                sources.record("base_url", url.clone(), source);
                Some(url)
            }
            Err(ConfigError::BadBaseUrl { url, from, problem }) if opts.no_connection => {
                warnings.push(ConfigWarning::BadBaseUrl { url, from, problem });
                sources.record("base_url", word(lang, Msg::SrcUnusable), source);
                None
            }
            Err(err) => return Err(err),
        },
        None => {
            sources.record("base_url", word(lang, Msg::SrcNone), Source::Default);
            None
        }
    };
    let auth_source = if profile.auth.is_some() {
        Source::File
    } else {
        Source::Default
    };
    sources.record("auth", auth.as_str().into(), auth_source);
    let login_key = match auth {
        AuthKind::Password => "account",
        AuthKind::Token => "secret_id",
    };
    let login = match login {
        Some((login, source)) => {
            sources.record(login_key, login.clone(), source);
            Some(login)
        }
        None => {
            sources.record(login_key, word(lang, Msg::SrcNone), Source::Default);
            None
        }
    };
    Ok(ServerLogin {
        base_url,
        auth,
        login,
        allow_http,
    })
}

/// Credentials: only where they would come from; nothing is run or looked up yet.
pub(super) fn credentials_plan(
    opts: &ResolveOptions,
    profile: &ProfileFile,
    profile_name: Option<&str>,
    config_path: Option<&Path>,
    server: &ServerLogin,
    lang: Lang,
    sources: &mut Sources,
) -> Result<CredentialPlan, ConfigError> {
    if profile.password.is_some() && profile.password_command.is_some() {
        return Err(ConfigError::Invalid {
            path: config_path.map(Path::to_path_buf).unwrap_or_default(),
            message: format!(
                "profile {:?} sets both `password` and `password_command`: keep one",
                profile_name.unwrap_or_default()
            ),
        });
    }
    let credentials = CredentialPlan {
        auth: server.auth,
        login: server.login.clone(),
        host: server
            .base_url
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
            sources.record("credential", "<secret>".into(), Source::Env(var))
        }
        Some(CredentialSource::File) => {
            sources.record("credential", "<secret>".into(), Source::File)
        }
        Some(CredentialSource::Command(command)) => sources.record(
            "credential",
            fill(lang, Msg::SrcSecretFrom, &[&command]),
            Source::Command,
        ),
        Some(CredentialSource::Keyring { .. } | CredentialSource::Prompt) | None => {
            let value = match (&credentials.keyring, credentials.keyring_user()) {
                (Some(_), Some(user)) => fill(
                    lang,
                    Msg::SrcKeyringOrPrompt,
                    &[crate::config::credentials::KEYRING_SERVICE, &user],
                ),
                _ => word(lang, Msg::SrcPrompt),
            };
            sources.record("credential", value, Source::Prompt)
        }
    }
    Ok(credentials)
}

/// The client settings around the server and login: plain http, the CA file (relative to
/// the config file; it must exist unless nothing will connect), timeout, page size and
/// concurrency.
pub(super) fn connection(
    opts: &ResolveOptions,
    profile: &ProfileFile,
    config_path: Option<&Path>,
    server: ServerLogin,
    lang: Lang,
    sources: &mut Sources,
) -> Result<Connection, ConfigError> {
    sources.record(
        "allow_http",
        server.allow_http.0.to_string(),
        server.allow_http.1,
    );
    let config_dir = config_path.and_then(Path::parent);
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
        Some((path, source)) => {
            sources.record("ca_file", path.display().to_string(), source.clone())
        }
        None => sources.record("ca_file", word(lang, Msg::SrcNone), Source::Default),
    }
    let timeout_secs = sources.or_default(
        "timeout_secs",
        profile.timeout_secs.map(|p| p.0),
        file::DEFAULT_TIMEOUT_SECS,
    );
    let per_page = sources.or_default(
        "per_page",
        profile.per_page.map(|p| p.0),
        file::DEFAULT_PER_PAGE,
    );
    let concurrency = sources.or_default(
        "concurrency",
        profile.concurrency.map(|p| p.0),
        file::DEFAULT_CONCURRENCY,
    );
    Ok(Connection {
        base_url: server.base_url,
        auth: server.auth,
        login: server.login,
        allow_insecure_http: server.allow_http.0,
        ca_file: ca_file.map(|(path, _)| path),
        timeout: Duration::from_secs(timeout_secs),
        per_page,
        concurrency,
    })
}

/// A flag or variable beats the file.
fn pick(given: &Option<Given<String>>, from_file: Option<String>) -> Option<(String, Source)> {
    match given {
        Some(given) => Some((given.value.clone(), given.source.clone())),
        None => from_file.map(|value| (value, Source::File)),
    }
}
