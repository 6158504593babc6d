//! `--demo`: the in-process sandbox to connect to, and where it keeps its writes.

use std::time::Duration;

use super::{Error, Target};
use crate::api::{Auth, ClientConfig};
use crate::cli::{Cli, DemoRole};
use crate::sandbox::SandboxOptions;

/// The demo's own corner of the state directory: its sandbox's writes, runs and drafts.
pub(crate) fn demo_state_dir() -> Option<std::path::PathBuf> {
    crate::config::state_dir().ok().map(|dir| dir.join("demo"))
}

/// The file the demo's sandbox keeps its writes in, under [`demo_state_dir`].
pub const DEMO_SANDBOX_FILE: &str = "sandbox.jsonl";

/// The demo sandbox's options: the default seed, `--demo-failures`, `--demo-latency-ms`,
/// and its writes kept in `state_file` (replayed at the next start).
pub fn demo_sandbox_options(
    failures: usize,
    latency_ms: u64,
    state_file: Option<std::path::PathBuf>,
) -> SandboxOptions {
    SandboxOptions {
        busy_failures: failures,
        latency: Duration::from_millis(latency_ms),
        state_file,
        // As live servers, some tickets come with fields left null (shown as not known).
        quirks: crate::sandbox::Quirks {
            null_fields: true,
            ..crate::sandbox::Quirks::default()
        },
        ..SandboxOptions::default()
    }
}

/// `--demo`: the sandbox in-process on a free loopback port, signed in as admin or agent.
/// Its writes are kept in the demo state directory, so a restart (even after kill -9)
/// finds the tickets as they were and can resume a run. It prints nothing: the screen
/// belongs to the console; its address goes to the log.
pub(super) async fn demo_target(cli: &Cli) -> Result<Target, Error> {
    let dir = demo_state_dir();
    if cli.demo_fresh
        && let Some(dir) = &dir
        && dir.exists()
    {
        std::fs::remove_dir_all(dir)
            .map_err(|err| format!("cannot remove {}: {err}", dir.display()))?;
    }
    let options = demo_sandbox_options(
        cli.demo_failures,
        cli.demo_latency_ms,
        dir.map(|dir| dir.join(DEMO_SANDBOX_FILE)),
    );
    let account = match cli.demo_role {
        DemoRole::Admin => options.admin.clone(),
        DemoRole::Agent => options.agent.clone(),
    };
    let sandbox = crate::sandbox::start(options).await?;
    tracing::info!("demo sandbox listening on {}", sandbox.base_url());
    let mut client = ClientConfig::new(
        sandbox.base_url(),
        Auth::Basic {
            account: account.account.clone(),
            password: account.password.clone(),
        },
    );
    client.allow_insecure_http = true;
    Ok(Target {
        client,
        account_label: format!("demo: {}", account.account),
        sandbox: Some(sandbox),
    })
}
