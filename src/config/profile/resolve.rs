//! [`resolve`] and its steps, in the order their values are recorded and their warnings and
//! errors come out: the file, the profile chosen, the connection (`connection`: server and
//! login, the credentials plan, the client settings), the display settings and views, the
//! `[ui]` settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;

use super::checks::check_web_url;
use super::connection::{connection, credentials_plan, server_and_login};
use super::ui_settings::ui_settings;
use super::{ResolveOptions, Resolved, Source, SourceEntry};
use crate::config::credentials::check_password_file_mode;
use crate::config::file::{self, ConfigFile, ProfileFile};
use crate::config::{ConfigError, ConfigWarning, default_config_path, ui_lang};
use crate::lang::Lang;
use crate::words::{Msg, fill};

/// Loads the config file, picks the profile, and merges flags and environment over it.
pub fn resolve(opts: &ResolveOptions) -> Result<Resolved, ConfigError> {
    let mut sources = Sources::default();
    let FileRead {
        config,
        mut warnings,
        path: config_path,
        positions: key_positions,
    } = read_file(opts, &mut sources)?;

    let chosen = choose_profile(opts, &config)?;
    let empty = ProfileFile::default();
    let profile = profile_table(&config, chosen.as_ref())?.unwrap_or(&empty);
    // The words around the values below are in the UI language, known from here on.
    let lang = ui_lang(profile.language.and_then(|setting| setting.0), opts.locale);
    record_profile(&mut sources, lang, chosen.as_ref(), &config.default_profile);
    let profile_name = chosen.map(|(name, _)| name);

    let server = server_and_login(
        opts,
        profile,
        profile_name.as_deref(),
        lang,
        &mut sources,
        &mut warnings,
    )?;
    let credentials = credentials_plan(
        opts,
        profile,
        profile_name.as_deref(),
        config_path.as_deref(),
        &server,
        lang,
        &mut sources,
    )?;
    let connection = connection(
        opts,
        profile,
        config_path.as_deref(),
        server,
        lang,
        &mut sources,
    )?;
    let display = display(profile, config_path.as_deref(), lang, &mut sources)?;
    let cache = profile.cache.unwrap_or(true);
    sources.record(
        "cache",
        cache.to_string(),
        if profile.cache.is_some() {
            Source::File
        } else {
            Source::Default
        },
    );
    record_views(profile, lang, &mut sources);
    record_sla(&config.sla, lang, &mut sources);
    let config_dir = config_path.as_deref().and_then(std::path::Path::parent);
    let ui = ui_settings(&config.ui, config_dir, lang, &mut sources);
    match &opts.log_level {
        Some(given) => sources.record("log_level", given.value.clone(), given.source.clone()),
        None => sources.record(
            "log_level",
            crate::config::logging::DEFAULT_LEVEL.into(),
            Source::Default,
        ),
    }

    Ok(Resolved {
        config_path,
        key_positions,
        warnings,
        profile_name,
        connection,
        credentials,
        ui,
        views: profile.views.clone(),
        sla: config.sla.clone(),
        keys: config.keys,
        theme: config.theme,
        snippets: config.snippets,
        snippets_dir: config.snippets_dir,
        macros: config.macros,
        language: display.language,
        locale: opts.locale,
        timezone: display.timezone,
        web_url: display.web_url,
        cache,
        sources: sources.0,
    })
}

/// Every value and where it came from, in the order resolved (what `config check` lists).
#[derive(Default)]
pub(super) struct Sources(Vec<SourceEntry>);

impl Sources {
    pub(super) fn record(&mut self, key: &str, value: String, source: Source) {
        self.0.push(SourceEntry {
            key: key.to_string(),
            value,
            source,
        });
    }

    /// The file's value, else the default; recorded either way.
    pub(super) fn or_default<T: ToString + Copy>(
        &mut self,
        key: &str,
        from_file: Option<T>,
        default: T,
    ) -> T {
        match from_file {
            Some(value) => {
                self.record(key, value.to_string(), Source::File);
                value
            }
            None => {
                self.record(key, default.to_string(), Source::Default);
                default
            }
        }
    }
}

pub(super) fn word(lang: Lang, msg: Msg) -> String {
    msg.text(lang).to_string()
}

/// The file read, or an empty one when there is none at the default place.
struct FileRead {
    config: ConfigFile,
    warnings: Vec<ConfigWarning>,
    path: Option<PathBuf>,
    positions: HashMap<String, (usize, usize)>,
}

/// The file: an explicit path must exist; the default one may be absent. A file holding a
/// password must be readable by its owner only.
fn read_file(opts: &ResolveOptions, sources: &mut Sources) -> Result<FileRead, ConfigError> {
    let (path, path_source) = match &opts.config_path {
        Some(given) => (given.value.clone(), given.source.clone()),
        None => (default_config_path()?, Source::Default),
    };
    if opts.config_path.is_none() && !path.exists() {
        sources.record(
            "config_file",
            format!("{} (absent)", path.display()),
            path_source,
        );
        return Ok(FileRead {
            config: ConfigFile::default(),
            warnings: Vec::new(),
            path: None,
            positions: HashMap::new(),
        });
    }
    let loaded = file::load(&path)?;
    sources.record("config_file", path.display().to_string(), path_source);
    if loaded
        .config
        .profiles
        .values()
        .any(|p| p.password.is_some())
    {
        check_password_file_mode(&path)?;
    }
    Ok(FileRead {
        config: loaded.config,
        warnings: loaded.warnings,
        path: Some(loaded.path),
        positions: loaded.positions,
    })
}

/// The profile named by the flag or variable, else the file's `default_profile`, else its
/// only one. Several and none named is an error, unless a base URL is given or nothing
/// will connect.
fn choose_profile(
    opts: &ResolveOptions,
    config: &ConfigFile,
) -> Result<Option<(String, Source)>, ConfigError> {
    let known: Vec<String> = config.profiles.keys().cloned().collect();
    Ok(if let Some(given) = &opts.profile {
        Some((given.value.clone(), given.source.clone()))
    } else if let Some(name) = &config.default_profile {
        Some((name.clone(), Source::File))
    } else if known.len() == 1 {
        known.first().map(|name| (name.clone(), Source::File))
    } else if known.len() > 1 && opts.base_url.is_none() && !opts.no_connection {
        return Err(ConfigError::AmbiguousProfile(known));
    } else {
        None
    })
}

/// The chosen profile's table (`None` on flags alone); a name the file lacks is an error.
fn profile_table<'a>(
    config: &'a ConfigFile,
    chosen: Option<&(String, Source)>,
) -> Result<Option<&'a ProfileFile>, ConfigError> {
    let Some((name, _)) = chosen else {
        return Ok(None);
    };
    match config.profiles.get(name) {
        Some(profile) => Ok(Some(profile)),
        None => Err(ConfigError::UnknownProfile {
            name: name.clone(),
            known: config.profiles.keys().cloned().collect(),
        }),
    }
}

/// Records the profile and why it was chosen.
fn record_profile(
    sources: &mut Sources,
    lang: Lang,
    chosen: Option<&(String, Source)>,
    default_profile: &Option<String>,
) {
    match chosen {
        Some((name, source)) => {
            let how = match (source, default_profile) {
                (Source::File, Some(_)) => fill(lang, Msg::SrcDefaultProfile, &[name]),
                (Source::File, None) => fill(lang, Msg::SrcOnlyProfile, &[name]),
                _ => name.clone(),
            };
            sources.record("profile", how, source.clone());
        }
        None => sources.record("profile", word(lang, Msg::SrcFlagsAlone), Source::Default),
    }
}

/// How dates, links and words are shown.
struct Display {
    timezone: FixedOffset,
    web_url: Option<String>,
    language: Option<Lang>,
}

/// The display settings: the timezone (the vendor's by default), the checked `web_url`
/// template and the language (auto by default).
fn display(
    profile: &ProfileFile,
    config_path: Option<&Path>,
    lang: Lang,
    sources: &mut Sources,
) -> Result<Display, ConfigError> {
    let timezone = match profile.timezone {
        Some(tz) => {
            sources.record("timezone", tz.0.to_string(), Source::File);
            tz.0
        }
        None => {
            let tz = FixedOffset::east_opt(file::DEFAULT_TIMEZONE_SECS).unwrap_or(utc());
            sources.record("timezone", tz.to_string(), Source::Default);
            tz
        }
    };
    let web_url = match &profile.web_url {
        Some(template) => {
            check_web_url(template).map_err(|problem| ConfigError::Invalid {
                path: config_path.map(Path::to_path_buf).unwrap_or_default(),
                message: fill(lang, Msg::CfgBadWebUrl, &[template, &problem]),
            })?;
            sources.record("web_url", template.clone(), Source::File);
            Some(template.clone())
        }
        None => {
            sources.record("web_url", word(lang, Msg::SrcNone), Source::Default);
            None
        }
    };
    let language = match profile.language {
        Some(setting) => {
            sources.record(
                "language",
                setting.0.map_or("auto", Lang::code).into(),
                Source::File,
            );
            setting.0
        }
        None => {
            sources.record("language", "auto".into(), Source::Default);
            None
        }
    };
    Ok(Display {
        timezone,
        web_url,
        language,
    })
}

/// Records the profile's views by name, or that the built-in ones are used.
fn record_views(profile: &ProfileFile, lang: Lang, sources: &mut Sources) {
    if profile.views.is_empty() {
        sources.record("views", word(lang, Msg::SrcBuiltInViews), Source::Default);
    } else {
        let names: Vec<&str> = profile.views.iter().map(|v| v.name.as_str()).collect();
        sources.record("views", names.join(", "), Source::File);
    }
}

/// Records the SLA targets set, per priority (first response / resolution), or none.
fn record_sla(sla: &file::SlaFile, lang: Lang, sources: &mut Sources) {
    let names = ["low", "normal", "high", "urgent"];
    let shown = |minutes: Option<i64>| minutes.map_or_else(|| "-".to_string(), duration);
    let set: Vec<String> = names
        .iter()
        .zip(sla.targets())
        .filter(|(_, (first, resolution))| first.is_some() || resolution.is_some())
        .map(|(name, (first, resolution))| format!("{name} {}/{}", shown(first), shown(resolution)))
        .collect();
    if set.is_empty() {
        sources.record("sla", word(lang, Msg::SrcNoSla), Source::Default);
    } else {
        let text = format!("{} (warn_percent {})", set.join(", "), sla.warn_percent());
        sources.record("sla", text, Source::File);
    }
}

/// Minutes as the config writes them: "2d", "8h", "1h30m".
fn duration(minutes: i64) -> String {
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut text = String::new();
    for (value, unit) in [(days, 'd'), (hours, 'h'), (minutes, 'm')] {
        if value > 0 {
            text.push_str(&format!("{value}{unit}"));
        }
    }
    text
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("0 is a valid offset"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::Given;

    fn options_for(text: &str) -> (tempfile::TempDir, ResolveOptions) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let opts = ResolveOptions {
            config_path: Some(Given::flag(path, "--config")),
            ..ResolveOptions::default()
        };
        (dir, opts)
    }

    /// `config check` lists the values in the order they are resolved: the steps keep it.
    #[test]
    fn sources_come_in_the_order_of_the_steps() {
        let (_dir, opts) = options_for(
            "[profiles.work]\nbase_url = \"https://www.bangwo8.com\"\naccount = \"z\"\n",
        );
        let resolved = resolve(&opts).unwrap();
        let keys: Vec<&str> = resolved.sources.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "config_file",
                "profile",
                "base_url",
                "auth",
                "account",
                "credential",
                "allow_http",
                "ca_file",
                "timeout_secs",
                "per_page",
                "concurrency",
                "timezone",
                "web_url",
                "language",
                "cache",
                "views",
                "sla",
                "ui.auto_refresh_secs",
                "ui.bulk_confirm_threshold",
                "ui.bulk_concurrency",
                "ui.mouse",
                "ui.selection",
                "ui.history_keep_days",
                "ui.history_keep_last",
                "ui.move_on",
                "ui.hyperlinks",
                "ui.download_dir",
                "log_level",
            ]
        );
    }

    /// The file's warnings first, then the ignored account, then the unusable base URL.
    #[test]
    fn warnings_come_in_the_order_of_the_steps() {
        let (_dir, mut opts) = options_for(
            "colour = 1\n[profiles.t]\nauth = \"token\"\nsecret_id = \"s\"\nbase_url = \"http://example.com\"\n",
        );
        opts.account = Some(Given::flag("z".to_string(), "--account"));
        opts.no_connection = true;
        let resolved = resolve(&opts).unwrap();
        assert!(
            matches!(
                resolved.warnings[..],
                [
                    ConfigWarning::UnknownKey { .. },
                    ConfigWarning::AccountIgnored { .. },
                    ConfigWarning::BadBaseUrl { .. },
                ]
            ),
            "{:?}",
            resolved.warnings
        );
        assert_eq!(resolved.connection.base_url, None);
        assert_eq!(resolved.connection.login.as_deref(), Some("s"));
    }
}
