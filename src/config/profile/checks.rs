//! The checks of values that point elsewhere: the base URL, the `web_url` template and a
//! path relative to the config file. Pure functions, tested on their own.

use std::path::{Path, PathBuf};

use super::Source;
use crate::config::{ConfigError, UrlProblem};

/// A `web_url` template: an http(s) URL with a host, holding `{id}`. Answers the problem in
/// plain words otherwise.
pub(super) fn check_web_url(template: &str) -> Result<(), String> {
    if !template.contains("{id}") {
        return Err("no {id}".into());
    }
    let url = url::Url::parse(&template.replace("{id}", "1")).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("not an http:// or https:// URL".into());
    }
    Ok(())
}

/// `~/x` is in the home directory; a relative path is next to the config file.
pub(super) fn relative_to(config_dir: Option<&Path>, path: &Path) -> PathBuf {
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
pub(super) fn check_base_url(
    text: &str,
    from: &Source,
    allow_http: bool,
) -> Result<String, ConfigError> {
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
