//! Who is calling: HTTP Basic with an account, or a Bearer token from `/api/token.php`.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use http::header::AUTHORIZATION;

use super::SandboxOptions;
use super::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Admin,
    Agent,
}

/// Why a caller was turned away with 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Denied {
    Missing,
    BadCredentials,
    UnknownToken,
    ExpiredToken,
}

impl Denied {
    pub(crate) fn message(&self) -> &'static str {
        match self {
            Denied::Missing => "Authentication required",
            Denied::BadCredentials => "Invalid account or password",
            Denied::UnknownToken => "Invalid access token",
            Denied::ExpiredToken => "Access token expired",
        }
    }
}

/// Decodes `Authorization: Basic base64(user:password)`.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The role of an account, if the password matches.
pub(crate) fn role_of(
    opts: &SandboxOptions,
    store: &Store,
    user: &str,
    password: &str,
) -> Option<Role> {
    // A password changed at run time replaces the configured one.
    let current = |account: &super::Account| {
        store
            .passwords
            .get(&account.account)
            .cloned()
            .unwrap_or_else(|| account.password.clone())
    };
    if user == opts.admin.account && password == current(&opts.admin) {
        Some(Role::Admin)
    } else if user == opts.agent.account && password == current(&opts.agent) {
        Some(Role::Agent)
    } else {
        None
    }
}

pub(crate) fn authenticate(
    opts: &SandboxOptions,
    store: &Store,
    headers: &HeaderMap,
) -> Result<Role, Denied> {
    if headers.get(AUTHORIZATION).is_none() {
        return Err(Denied::Missing);
    }
    if let Some(token) = bearer_token(headers) {
        return match store.tokens.get(&token) {
            None => Err(Denied::UnknownToken),
            Some((_, Some(expires))) if Instant::now() >= *expires => Err(Denied::ExpiredToken),
            Some((role, _)) => Ok(*role),
        };
    }
    let (user, password) = basic_credentials(headers).ok_or(Denied::BadCredentials)?;
    role_of(opts, store, &user, &password).ok_or(Denied::BadCredentials)
}

/// Issues a token for `POST /api/token.php`. The API secret acts as the admin; either
/// account's own credentials also work (a sandbox convenience) and act as that account.
pub(crate) fn issue_token(
    opts: &SandboxOptions,
    store: &mut Store,
    user: &str,
    password: &str,
) -> Option<(String, Duration)> {
    let role = if user == opts.api_secret.account && password == opts.api_secret.password {
        Role::Admin
    } else {
        role_of(opts, store, user, password)?
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    // A lifetime too long to represent never expires.
    let expires = Instant::now().checked_add(opts.token_ttl);
    store.tokens.insert(token.clone(), (role, expires));
    Some((token, opts.token_ttl))
}
