//! The configured origin: the base URL checked (http(s) only, no credentials inside, plain
//! http only to loopback unless allowed), and how an origin is named in messages.

use url::Url;

use crate::api::error::ApiError;

/// Parses and checks the configured base URL: http(s) only, no credentials inside, plain
/// http only to loopback unless explicitly allowed.
pub(crate) fn checked_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, ApiError> {
    let mut url = Url::parse(text.trim())
        .map_err(|err| ApiError::Config(format!("the base URL {text:?} is not a URL: {err}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Config(
            "the base URL must not hold an account or password: put them in the config".into(),
        ));
    }
    let Some(host) = url.host() else {
        return Err(ApiError::Config(format!(
            "the base URL {text:?} has no host"
        )));
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&host) => {}
        "http" => {
            return Err(ApiError::Config(format!(
                "plain http:// to {host} would send the password unencrypted: use https://, \
                 or set allow_insecure_http for a trusted network"
            )));
        }
        other => {
            return Err(ApiError::Config(format!(
                "the base URL must start with https:// (not {other}://)"
            )));
        }
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// 127.0.0.0/8, ::1 and `localhost`.
pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
        }
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name.eq_ignore_ascii_case("localhost")
        }
    }
}

pub(super) fn origin_text(url: &Url) -> String {
    crate::text::clean(&url.origin().ascii_serialization())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_apart() {
        let loopback = |text: &str| {
            let url = Url::parse(text).unwrap();
            is_loopback(&url.host().unwrap())
        };
        assert!(loopback("http://127.0.0.1:8080"));
        assert!(loopback("http://127.8.9.1"));
        assert!(loopback("http://[::1]:99"));
        assert!(loopback("http://LOCALHOST"));
        assert!(!loopback("http://192.0.2.1"));
        assert!(!loopback("http://localhost.example.com"));
        assert!(!loopback("http://128.0.0.1"));
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        assert!(checked_base_url("http://127.0.0.1:1", false).is_ok());
        assert!(checked_base_url("https://www.bangwo8.com", false).is_ok());
        assert!(matches!(
            checked_base_url("http://192.0.2.1", false),
            Err(ApiError::Config(_))
        ));
        assert!(checked_base_url("http://192.0.2.1", true).is_ok());
        assert!(matches!(
            checked_base_url("ftp://example.com", true),
            Err(ApiError::Config(_))
        ));
        assert!(matches!(
            checked_base_url("https://a:b@example.com", false),
            Err(ApiError::Config(_))
        ));
    }
}
