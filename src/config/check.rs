//! `gongdan config path` and `gongdan config check`.

use std::io::Write;

use super::credentials::PromptPolicy;
use super::profile::{ResolveOptions, Resolved, Source};
use super::{ConfigError, default_config_path, log_dir, state_dir};
use crate::api::{ApiError, Client, ClientConfig, SearchQuery};
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// `gongdan config ...`
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub(crate) action: ConfigAction,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ConfigAction {
    /// Print where the config file, the state and the logs are.
    Path,
    /// Load the config, resolve the profile and its credentials, try one signed-in call,
    /// and print each value with where it came from.
    Check,
    /// Ask for the profile's password (or API secret) without echo and keep it in the OS
    /// keyring, where the console finds it after GONGDAN_PASSWORD, the file and
    /// password_command (service "gongdan", user LOGIN@HOST).
    StoreSecret,
}

/// Runs a `config` subcommand, printing to stdout.
pub async fn run_command(
    args: ConfigArgs,
    opts: ResolveOptions,
    console: impl Fn(&Resolved) -> ConsoleReport,
) -> Result<(), ConfigError> {
    let mut out = std::io::stdout().lock();
    // Before the file is read, the language comes from the environment; errors are turned
    // into text here, in the language the file chose when it was read.
    let env_lang = Lang::from_env();
    let localized = |lang: Lang| move |err: ConfigError| ConfigError::Check(err.text(lang));
    match args.action {
        ConfigAction::Path => {
            let lang = super::resolve(&opts).map_or(env_lang, |resolved| resolved.lang());
            print_paths(&opts, lang, &mut out).map_err(localized(lang))
        }
        ConfigAction::Check => {
            let level = opts.log_level.as_ref().map(|g| g.value.as_str());
            let _log = super::init_logging(level).map_err(localized(env_lang))?;
            let report = check(&opts, PromptPolicy::IfTerminal, console, &mut out)
                .await
                .map_err(localized(env_lang))?;
            let lang = report.resolved.as_ref().map_or(env_lang, Resolved::lang);
            if report.signed_in && report.console_errors.is_empty() {
                Ok(())
            } else {
                Err(ConfigError::Check(Msg::CfgCheckFailed.text(lang).into()))
            }
        }
        ConfigAction::StoreSecret => {
            let resolved = super::resolve(&opts).map_err(localized(env_lang))?;
            let lang = resolved.lang();
            let stored = (|| {
                resolved.require_connection()?;
                let plan = &resolved.credentials;
                let secret = plan.ask()?;
                let user = plan.store_in_keyring(&secret)?;
                let line = fill(
                    lang,
                    Msg::CfgStoredInKeyring,
                    &[super::credentials::KEYRING_SERVICE, &user],
                );
                writeln!(out, "{line}").map_err(io)
            })();
            stored.map_err(localized(lang))
        }
    }
}

fn io(err: std::io::Error) -> ConfigError {
    ConfigError::Check(fill(Lang::En, Msg::CfgCannotWrite, &[&err.to_string()]))
}

/// Prints the config file, state and log locations.
pub(crate) fn print_paths(
    opts: &ResolveOptions,
    lang: Lang,
    out: &mut impl Write,
) -> Result<(), ConfigError> {
    let (config, source) = match &opts.config_path {
        Some(given) => (given.value.clone(), given.source.clone()),
        None => (default_config_path()?, Source::Default),
    };
    let exists = if config.exists() {
        ""
    } else {
        Msg::CfgPathAbsent.text(lang)
    };
    let lines = [
        fill(
            lang,
            Msg::CfgPathConfig,
            &[&config.display().to_string(), exists, &source.to_string()],
        ),
        fill(
            lang,
            Msg::CfgPathState,
            &[&state_dir()?.display().to_string()],
        ),
        fill(lang, Msg::CfgPathLog, &[&log_dir()?.display().to_string()]),
    ];
    for line in lines {
        writeln!(out, "{line}").map_err(io)?;
    }
    Ok(())
}

/// What `config check` says about the console's own settings (language, colours, key map,
/// theme): lines for the report, warnings (key conflicts) and errors (entries that would stop
/// the console from starting). Made by `console::console_report`, which the caller passes
/// in: the key map and the theme are the console's, not the config's.
#[derive(Debug, Clone, Default)]
pub struct ConsoleReport {
    /// (key, value, where it came from), as the other lines of `config check`.
    pub lines: Vec<(String, String, String)>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
}

/// What `config check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub(crate) resolved: Option<Resolved>,
    /// The credential was found and the server accepted it.
    pub signed_in: bool,
    /// `[keys]` / `[theme]` entries that would stop the console from starting.
    pub(crate) console_errors: Vec<String>,
}

/// Loads, resolves, finds the credential, tries one call; prints as it goes, so that what
/// was found before a failure is still shown.
pub async fn check(
    opts: &ResolveOptions,
    prompt: PromptPolicy,
    console: impl Fn(&Resolved) -> ConsoleReport,
    out: &mut impl Write,
) -> Result<CheckReport, ConfigError> {
    let resolved = match super::resolve(opts) {
        Ok(resolved) => resolved,
        Err(err) => {
            tracing::warn!(error = %err, "config check: the configuration does not load");
            let lang = Lang::from_env();
            writeln!(out, "{}", fill(lang, Msg::CfgError, &[&err.text(lang)])).map_err(io)?;
            return Ok(CheckReport {
                resolved: None,
                signed_in: false,
                console_errors: Vec::new(),
            });
        }
    };
    let lang = resolved.lang();
    for warning in &resolved.warnings {
        writeln!(
            out,
            "{}",
            fill(lang, Msg::CfgWarning, &[&warning.text(lang)])
        )
        .map_err(io)?;
    }
    // The console's own settings: language, colours, key map (with conflicts), theme.
    let console = console(&resolved);
    let width = resolved
        .sources
        .iter()
        .map(|e| e.key.len())
        .chain(console.lines.iter().map(|(key, _, _)| key.len()))
        .max()
        .unwrap_or(0);
    for entry in &resolved.sources {
        writeln!(
            out,
            "{:width$}  {}  [{}]",
            entry.key, entry.value, entry.source
        )
        .map_err(io)?;
    }
    for (key, value, source) in &console.lines {
        writeln!(out, "{key:width$}  {value}  [{source}]").map_err(io)?;
    }
    for warning in &console.warnings {
        writeln!(out, "{}", fill(lang, Msg::CfgWarning, &[warning])).map_err(io)?;
    }
    for error in &console.errors {
        writeln!(out, "{}", fill(lang, Msg::CfgConsoleWontStart, &[error])).map_err(io)?;
    }
    let console_errors = console.errors;
    tracing::info!(
        profile = resolved.profile_name.as_deref().unwrap_or("-"),
        base_url = resolved.connection.base_url.as_deref().unwrap_or("-"),
        "config check: resolved"
    );
    out.flush().map_err(io)?;

    let (config, credential) = match resolved.connect(prompt) {
        Ok(found) => found,
        Err(err) => {
            tracing::warn!(error = %err, "config check: no credential");
            writeln!(out, "{}", fill(lang, Msg::CfgError, &[&err.text(lang)])).map_err(io)?;
            return Ok(CheckReport {
                resolved: Some(resolved),
                signed_in: false,
                console_errors,
            });
        }
    };
    let found = credential.source.text(lang);
    writeln!(out, "{}", fill(lang, Msg::CfgCredentialFound, &[&found])).map_err(io)?;
    tracing::info!(client = ?config, source = %credential.source, "config check: signing in");

    let signed_in = match probe_sign_in(&config, lang).await {
        Ok(count) => {
            tracing::info!(?count, "config check: signed in");
            let login = resolved.connection.login.as_deref().unwrap_or("?");
            let line = match count {
                Some(count) => fill(lang, Msg::CfgSignInOk, &[login, &count.to_string()]),
                None => fill(lang, Msg::CfgSignInOkNoCount, &[login]),
            };
            writeln!(out, "{line}").map_err(io)?;
            true
        }
        Err(problem) => {
            tracing::warn!(%problem, "config check: sign-in failed");
            let line = fill(lang, Msg::CfgSignInFailed, &[&problem]);
            writeln!(out, "{line}").map_err(io)?;
            false
        }
    };
    Ok(CheckReport {
        resolved: Some(resolved),
        signed_in,
        console_errors,
    })
}

/// One signed-in call every role may make: a search for `1`, one result a page, through
/// the same client the console uses (so the same http refusal, CA file, token exchange and
/// error messages), without retries: a check reports an outage instead of waiting it out.
/// Answers the number of tickets the search found, when the server says it.
/// A failure is worded in `lang`.
pub(crate) async fn probe_sign_in(
    config: &ClientConfig,
    lang: Lang,
) -> Result<Option<u64>, String> {
    let mut config = config.clone();
    config.retry.max_attempts = 1;
    let worded = |err: ApiError| crate::words::api_error_for_cli(lang, &err);
    let client = Client::new(config).map_err(worded)?;
    let query = SearchQuery::new()
        .word("1")
        .map_err(|err| crate::words::query_error(lang, &err))?
        .per_page(1);
    client
        .search(&query)
        .await
        .map(|page| page.count)
        .map_err(worded)
}
