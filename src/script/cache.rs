//! `gongdan cache status|sync|clear`: the local ticket store of the profile (`src/store`),
//! shown, brought up to date (progress on standard error) and removed. With `cache = false`
//! in the profile, `status` says the cache is off and `sync` refuses with that reason.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};

use crate::config::ResolveOptions;
use crate::lang::Lang;
use crate::script::{Exit, ScriptError, Settings, write_error};
use crate::store::{self, Scope, Store, SyncOptions};
use crate::words::{Msg, fill};

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub(crate) command: CacheCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CacheCommand {
    /// Where the store is, its size on disk, its tickets, the last sync and the cursor.
    Status,
    /// Bring the store up to date with the server (the first time: every ticket), and keep
    /// the agents, fields and templates beside the tickets (asked again once a day).
    Sync {
        /// Start from scratch: forget the cursor and read every ticket again.
        #[arg(long)]
        full: bool,
    },
    /// Remove the store's files (asks nothing; prints what it removed).
    Clear,
}

/// When `cache sync` last kept the lookups (seconds since the epoch).
const LOOKUPS_AT: &str = "lookups_synced_at";
/// Lookups older than this are asked again by `cache sync`.
const LOOKUPS_MAX_AGE_SECS: i64 = 24 * 3600;

pub(crate) async fn run(args: CacheArgs, options: &ResolveOptions) -> Result<Exit, ScriptError> {
    let settings = Settings::load(options)?;
    match args.command {
        CacheCommand::Status => status(&settings),
        CacheCommand::Sync { full } => sync(&settings, full).await,
        CacheCommand::Clear => clear(&settings),
    }
}

/// The store's file for the resolved profile, login and server (the drafts' owner).
pub(crate) fn store_path(settings: &Settings) -> Result<PathBuf, ScriptError> {
    let target = settings.target();
    let login = settings
        .resolved
        .connection
        .login
        .clone()
        .unwrap_or_default();
    let owner = crate::files::owner_name(&target.profile, &login, &target.base_url);
    Ok(store::path_in(&crate::config::cache_dir()?, &owner))
}

fn store_failure(lang: Lang, error: &store::StoreError) -> ScriptError {
    ScriptError::Io(crate::words::store_error(lang, error))
}

/// Opens the store, saying on standard error when a broken one was set aside.
fn open(settings: &Settings, path: &std::path::Path) -> Result<Store, ScriptError> {
    let (store, aside) = Store::open(path).map_err(|e| store_failure(settings.lang, &e))?;
    if let Some(aside) = aside {
        eprintln!(
            "gongdan: {}",
            crate::words::set_aside(settings.lang, &aside)
        );
    }
    Ok(store)
}

fn say(out: &mut impl Write, line: String) -> Result<(), ScriptError> {
    writeln!(out, "{line}").map_err(write_error)
}

fn status(settings: &Settings) -> Result<Exit, ScriptError> {
    let lang = settings.lang;
    let mut out = std::io::stdout().lock();
    if !settings.resolved.cache {
        say(&mut out, Msg::CacheOff.text(lang).to_string())?;
        return Ok(Exit::Done);
    }
    let path = store_path(settings)?;
    let shown = path.display().to_string();
    if !path.exists() {
        say(&mut out, fill(lang, Msg::CacheStatusPath, &[&shown]))?;
        say(&mut out, Msg::CacheStatusNone.text(lang).to_string())?;
        return Ok(Exit::Done);
    }
    let store = open(settings, &path)?;
    let fail = |e: store::StoreError| store_failure(lang, &e);
    let (tickets, partial) = store.counts().map_err(fail)?;
    say(&mut out, fill(lang, Msg::CacheStatusPath, &[&shown]))?;
    let size = store.size_on_disk().to_string();
    say(&mut out, fill(lang, Msg::CacheStatusSize, &[&size]))?;
    let (tickets, partial) = (tickets.to_string(), partial.to_string());
    say(
        &mut out,
        fill(lang, Msg::CacheStatusTickets, &[&tickets, &partial]),
    )?;
    let last = crate::words::last_sync(
        lang,
        store.last_sync().map_err(fail)?,
        &settings.resolved.timezone,
    );
    say(&mut out, fill(lang, Msg::CacheStatusLastSync, &[&last]))?;
    if let Some(scope) = store.scope().map_err(fail)? {
        let state = store.sync_state(scope).map_err(fail)?;
        let cursor = state.cursor.map_or_else(
            || Msg::CacheNever.text(lang).to_string(),
            |c| c.format(crate::api::model::DATE_FORMAT).to_string(),
        );
        let through = match scope {
            Scope::List => Msg::CacheScopeList,
            Scope::Search => Msg::CacheScopeSearch,
        }
        .text(lang);
        say(
            &mut out,
            fill(lang, Msg::CacheStatusCursor, &[&cursor, through]),
        )?;
        if let Some(full) = state.full {
            let (done, total) = (full.done.len().to_string(), full.total_pages.to_string());
            say(&mut out, fill(lang, Msg::CacheStatusFull, &[&done, &total]))?;
        }
    }
    Ok(Exit::Done)
}

async fn sync(settings: &Settings, full: bool) -> Result<Exit, ScriptError> {
    let lang = settings.lang;
    if !settings.resolved.cache {
        return Err(ScriptError::Usage(Msg::CacheOff.text(lang).to_string()));
    }
    let path = store_path(settings)?;
    let client = settings.client()?;
    let mut store = open(settings, &path)?;
    let options = SyncOptions {
        full,
        concurrency: client.concurrency(),
        ..SyncOptions::default()
    };
    let started = Instant::now();
    let terminal = crate::script::stderr_is_terminal();
    let mut progress = |p: store::Progress| {
        let line = fill(
            lang,
            Msg::CacheProgress,
            &[&p.done.to_string(), &p.total.to_string()],
        );
        let mut err = std::io::stderr().lock();
        let _ = if terminal {
            write!(err, "\r{line}")
        } else {
            writeln!(err, "{line}")
        };
    };
    let result = store::sync(&mut store, &client, &options, &mut progress).await;
    if terminal {
        eprintln!();
    }
    let report = result.map_err(|error| match error {
        store::SyncError::Api(error) => ScriptError::Api(error),
        store::SyncError::Store(error) => store_failure(lang, &error),
    })?;
    // The agents, fields and templates, kept beside the tickets: asked again once a day
    // (they change rarely), or with --full.
    let now = chrono::Utc::now().timestamp();
    let fail = |error: store::StoreError| store_failure(lang, &error);
    let lookups_at = store
        .meta(LOOKUPS_AT)
        .map_err(fail)?
        .and_then(|at| at.parse::<i64>().ok());
    if full || lookups_at.is_none_or(|at| now - at >= LOOKUPS_MAX_AGE_SECS) {
        store::sync_lookups(&mut store, &client, now)
            .await
            .map_err(|error| match error {
                store::SyncError::Api(error) => ScriptError::Api(error),
                store::SyncError::Store(error) => store_failure(lang, &error),
            })?;
        store.set_meta(LOOKUPS_AT, &now.to_string()).map_err(fail)?;
    }
    let elapsed = format!("{:.2}s", started.elapsed().as_secs_f64());
    eprintln!(
        "gongdan: {}",
        fill(
            lang,
            Msg::CacheSynced,
            &[
                &report.changed.len().to_string(),
                &report.requests.to_string(),
                &elapsed
            ],
        )
    );
    Ok(Exit::Done)
}

fn clear(settings: &Settings) -> Result<Exit, ScriptError> {
    let lang = settings.lang;
    let path = store_path(settings)?;
    let removed = store::remove_files(&path).map_err(|e| store_failure(lang, &e))?;
    let mut out = std::io::stdout().lock();
    if removed.is_empty() {
        let shown = path.display().to_string();
        say(&mut out, fill(lang, Msg::CacheNothingRemoved, &[&shown]))?;
    }
    for file in removed {
        let shown = file.display().to_string();
        say(&mut out, fill(lang, Msg::CacheRemoved, &[&shown]))?;
    }
    Ok(Exit::Done)
}
