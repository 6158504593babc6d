//! `gongdan config path` and `gongdan config check`.

use std::io::Write;
use std::time::Duration;

use super::credentials::PromptPolicy;
use super::profile::{ResolveOptions, Resolved, Source};
use super::{ConfigError, default_config_path, log_dir, state_dir};
use crate::api::{Auth, ClientConfig};

/// `gongdan config ...`
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ConfigAction {
    /// Print where the config file, the state and the logs are.
    Path,
    /// Load the config, resolve the profile and its credentials, try one signed-in call,
    /// and print each value with where it came from.
    Check,
}

/// Runs a `config` subcommand, printing to stdout.
pub async fn run_command(args: ConfigArgs, opts: ResolveOptions) -> Result<(), ConfigError> {
    let mut out = std::io::stdout().lock();
    match args.action {
        ConfigAction::Path => print_paths(&opts, &mut out),
        ConfigAction::Check => {
            let level = opts.log_level.as_ref().map(|g| g.value.as_str());
            let _log = super::init_logging(level)?;
            let report = check(&opts, PromptPolicy::IfTerminal, &mut out).await?;
            if report.signed_in {
                Ok(())
            } else {
                Err(ConfigError::Check(
                    "config check found a problem (see above)".into(),
                ))
            }
        }
    }
}

fn io(err: std::io::Error) -> ConfigError {
    ConfigError::Check(format!("cannot write the report: {err}"))
}

/// Prints the config file, state and log locations.
pub fn print_paths(opts: &ResolveOptions, out: &mut impl Write) -> Result<(), ConfigError> {
    let (config, source) = match &opts.config_path {
        Some(given) => (given.value.clone(), given.source.clone()),
        None => (default_config_path()?, Source::Default),
    };
    let exists = if config.exists() { "" } else { " (absent)" };
    writeln!(out, "config file  {}{exists}  [{source}]", config.display()).map_err(io)?;
    writeln!(out, "state dir    {}", state_dir()?.display()).map_err(io)?;
    writeln!(out, "log dir      {}", log_dir()?.display()).map_err(io)?;
    Ok(())
}

/// What `config check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub resolved: Option<Resolved>,
    /// The credential was found and the server accepted it.
    pub signed_in: bool,
}

/// Loads, resolves, finds the credential, tries one call; prints as it goes, so that what
/// was found before a failure is still shown.
pub async fn check(
    opts: &ResolveOptions,
    prompt: PromptPolicy,
    out: &mut impl Write,
) -> Result<CheckReport, ConfigError> {
    let resolved = match super::resolve(opts) {
        Ok(resolved) => resolved,
        Err(err) => {
            tracing::warn!(error = %err, "config check: the configuration does not load");
            writeln!(out, "error: {err}").map_err(io)?;
            return Ok(CheckReport {
                resolved: None,
                signed_in: false,
            });
        }
    };
    for warning in &resolved.warnings {
        writeln!(out, "warning: {warning}").map_err(io)?;
    }
    let width = resolved
        .sources
        .iter()
        .map(|e| e.key.len())
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
            writeln!(out, "error: {err}").map_err(io)?;
            return Ok(CheckReport {
                resolved: Some(resolved),
                signed_in: false,
            });
        }
    };
    writeln!(out, "credential found: {}", credential.source).map_err(io)?;
    tracing::info!(client = ?config, source = %credential.source, "config check: signing in");

    let signed_in = match probe_sign_in(&config).await {
        Ok(summary) => {
            tracing::info!(%summary, "config check: signed in");
            writeln!(out, "sign-in: ok ({summary})").map_err(io)?;
            true
        }
        Err(problem) => {
            tracing::warn!(%problem, "config check: sign-in failed");
            writeln!(out, "sign-in: FAILED: {problem}").map_err(io)?;
            false
        }
    };
    Ok(CheckReport {
        resolved: Some(resolved),
        signed_in,
    })
}

/// One signed-in call every role may make: a search for `1`, one result a page. Written
/// against reqwest directly so that it does not depend on the full client.
pub async fn probe_sign_in(config: &ClientConfig) -> Result<String, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout.min(Duration::from_secs(10)))
        // A redirect could carry the credentials elsewhere: report it instead.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("gongdan/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path)
            .map_err(|err| format!("cannot read ca_file {}: {err}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| {
            format!(
                "ca_file {} holds no usable PEM certificate: {err}",
                path.display()
            )
        })?;
        builder = builder.tls_certs_merge(certs);
    }
    let http = builder
        .build()
        .map_err(|err| format!("cannot set up HTTP: {err}"))?;
    let base = config.base_url.trim_end_matches('/');

    let request = http
        .get(format!("{base}/api/v1/tickets/search.json"))
        .query(&[("query", "1"), ("per_page", "1")]);
    let request = match &config.auth {
        Auth::Basic { account, password } => request.basic_auth(account, Some(password)),
        Auth::Token { secret_id, secret } => {
            let token = fetch_token(&http, base, secret_id, secret).await?;
            request.bearer_auth(token)
        }
    };
    let response = request.send().await.map_err(describe_send_error)?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    match status.as_u16() {
        200..=299 => match reported_error(&body) {
            Some(message) => Err(format!("the server answered with an error: {message}")),
            None => Ok(format!("search answered HTTP {}", status.as_u16())),
        },
        401 => Err("sign-in refused: check the account and password (HTTP 401)".into()),
        403 => Err(format!(
            "signed in, but this account may not search (HTTP 403){}",
            excerpt_suffix(&body)
        )),
        300..=399 => Err(format!(
            "the server redirects (HTTP {}): check base_url",
            status.as_u16()
        )),
        code => Err(format!(
            "the server answered HTTP {code}{}",
            excerpt_suffix(&body)
        )),
    }
}

async fn fetch_token(
    http: &reqwest::Client,
    base: &str,
    secret_id: &str,
    secret: &str,
) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct TokenAnswer {
        access_token: Option<String>,
    }
    let response = http
        .post(format!("{base}/api/token.php"))
        .basic_auth(secret_id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .map_err(describe_send_error)?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.as_u16() == 401 {
        return Err("the token call refused the SecretID and secret (HTTP 401)".into());
    }
    if !status.is_success() {
        return Err(format!(
            "the token call answered HTTP {}{}",
            status.as_u16(),
            excerpt_suffix(&body)
        ));
    }
    match serde_json::from_str::<TokenAnswer>(&body) {
        Ok(TokenAnswer {
            access_token: Some(token),
        }) if !token.is_empty() => Ok(token),
        _ => Err(match reported_error(&body) {
            Some(message) => format!("the token call answered with an error: {message}"),
            None => "the token call answered without an access_token".into(),
        }),
    }
}

/// The message of an error reported inside an HTTP 200 body (`errcode`/`errmsg`, or a
/// `state` other than 200).
fn reported_error(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let object = value.as_object()?;
    let text = |key: &str| {
        object.get(key).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if let Some(message) = text("errmsg") {
        return Some(crate::text::clean(&message));
    }
    if let Some(state) = text("state")
        && state != "200"
    {
        let message = text("message").unwrap_or_default();
        return Some(crate::text::clean(&format!("{message} (state {state})")));
    }
    None
}

fn excerpt_suffix(body: &str) -> String {
    let text = crate::text::clean(body.trim());
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return String::new();
    }
    let cut: String = text.chars().take(160).collect();
    if cut.len() < text.len() {
        format!(": {cut}…")
    } else {
        format!(": {cut}")
    }
}

fn describe_send_error(err: reqwest::Error) -> String {
    // reqwest's own text is terse ("error sending request"): add its causes (DNS, refused,
    // TLS). They name the URL, which holds no secret (the credentials travel in a header).
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    if err.is_timeout() {
        format!("the server did not answer in time: {text}")
    } else if err.is_connect() {
        format!("cannot connect: {text}")
    } else {
        format!("the call failed: {text}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_inside_a_200_body() {
        assert_eq!(
            reported_error(r#"{"errcode":"100047","errmsg":"Invalid resource URI"}"#).as_deref(),
            Some("Invalid resource URI")
        );
        assert_eq!(
            reported_error(r#"{"state":"403","message":"no"}"#).as_deref(),
            Some("no (state 403)")
        );
        assert_eq!(reported_error(r#"{"results":[],"count":0}"#), None);
        assert_eq!(reported_error("<html>"), None);
    }
}
