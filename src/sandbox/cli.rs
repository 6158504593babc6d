//! `gongdan sandbox`: its command-line flags and the loop that serves until Ctrl-C, apart
//! from the library's [`start`] that the demo and the tests call.

use std::net::SocketAddr;
use std::time::Duration;

use super::{Account, Quirks, SandboxOptions, start};

/// Flags of `gongdan sandbox`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "Sandbox-only (not on the vendor's page, an assumption): \
GET /api/v1/tickets/{id}/replies.json lists a ticket's replies.\n\
Token auth: POST /api/token.php with Basic SecretID:Secret (defaults \
sandbox-secret-id:sandbox-secret) and grant_type=client_credentials."
)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// How many tickets to seed.
    #[arg(long, default_value_t = 500)]
    pub(crate) tickets: usize,
    /// Seed of the generated data: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(crate) latency_ms: u64,
    /// Fraction of requests (0.0 to 1.0) answered with a 500 and an HTML body.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) fail_rate: f64,
    /// Requests per second above which the sandbox answers 429 with Retry-After.
    #[arg(long)]
    pub(crate) rate_limit: Option<u32>,
    /// Largest per_page honoured.
    #[arg(long, default_value_t = 100)]
    pub(crate) max_per_page: u32,
    /// Administrator account (may call everything).
    #[arg(long, default_value = "admin@example.com")]
    pub(crate) admin_account: String,
    #[arg(long, default_value = "admin-pass")]
    pub(crate) admin_password: String,
    /// Ordinary agent account (may update and search only).
    #[arg(long, default_value = "agent@example.com")]
    pub(crate) agent_account: String,
    #[arg(long, default_value = "agent-pass")]
    pub(crate) agent_password: String,
    /// SecretID for POST /api/token.php.
    #[arg(long, default_value = "sandbox-secret-id")]
    pub(crate) secret_id: String,
    /// Secret for POST /api/token.php.
    #[arg(long, default_value = "sandbox-secret")]
    pub(crate) secret: String,
    /// Lifetime of Bearer tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub(crate) token_ttl_secs: u64,
    /// Seed escape sequences (OSC 52, OSC 0, CSI, 8-bit CSI), bidi overrides and zero-width
    /// characters into every fifth ticket and some contact names.
    #[arg(long)]
    pub(crate) hostile_text: bool,
    /// Injected failures: the first update many call with at least N tickets fails N of
    /// them ("ticket is being edited by another agent"); sent again, they succeed. 0: none.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(crate) busy_failures: usize,
    /// Keep every write in FILE (JSON lines) and replay it at start over the same seed, so
    /// the data survives a restart; delete the file to start fresh.
    #[arg(long, value_name = "FILE")]
    pub(crate) state_file: Option<std::path::PathBuf>,
    /// Turn every live quirk on (--no-string-numbers, --no-echo-labels and --stale-update-dt
    /// still apply).
    #[arg(long)]
    pub(crate) live_quirks: bool,
    /// Send numbers as numbers (live servers send numeric strings).
    #[arg(long)]
    pub(crate) no_string_numbers: bool,
    /// Let both show calls answer either shape (object or array of one).
    #[arg(long)]
    pub(crate) show_both_shapes: bool,
    /// Answer an unknown ticket id on show with HTTP 200 and an empty ticket.
    #[arg(long)]
    pub(crate) not_found_200: bool,
    /// Answer search in the nested live shape {"tickets": {"count", "results"}}.
    #[arg(long)]
    pub(crate) nested_search: bool,
    /// Answer unknown paths and forbidden calls with HTTP 200 and an error body.
    #[arg(long)]
    pub(crate) errors_in_200: bool,
    /// Put invalid JSON escapes (\') in ticket bodies.
    #[arg(long)]
    pub(crate) invalid_escapes: bool,
    /// Answer updates with ticketStatus as its code, not its Chinese label.
    #[arg(long)]
    pub(crate) no_echo_labels: bool,
    /// Leave updateDT unchanged on update (a stale server).
    #[arg(long)]
    pub(crate) stale_update_dt: bool,
    /// Answer create and update with {"status": "0", "message": "Insert ok", "data": false}.
    #[arg(long)]
    pub(crate) write_status_body: bool,
    /// Answer some tickets with tagList, ccUserIdList and servicerGroupId null and no
    /// custom fields (ids ending in 03, 28, 53, 78 whole in show many; 07, 32, 57, 82 never).
    #[arg(long)]
    pub(crate) null_fields: bool,
}

impl SandboxArgs {
    /// The options these flags describe.
    pub(crate) fn options(&self) -> SandboxOptions {
        let mut quirks = if self.live_quirks {
            Quirks::live()
        } else {
            Quirks::default()
        };
        if self.no_string_numbers {
            quirks.string_numbers = false;
        }
        quirks.show_both_shapes |= self.show_both_shapes;
        quirks.not_found_as_200 |= self.not_found_200;
        quirks.nested_search |= self.nested_search;
        quirks.errors_in_200 |= self.errors_in_200;
        quirks.invalid_escapes |= self.invalid_escapes;
        if self.no_echo_labels {
            quirks.echo_labels = false;
        }
        if self.stale_update_dt {
            quirks.bump_update_dt = false;
        }
        quirks.write_status_body |= self.write_status_body;
        quirks.null_fields |= self.null_fields;
        SandboxOptions {
            addr: self.addr,
            tickets: self.tickets,
            seed: self.seed,
            latency: Duration::from_millis(self.latency_ms),
            fail_rate: self.fail_rate.clamp(0.0, 1.0),
            rate_limit: self.rate_limit,
            max_per_page: self.max_per_page.max(1),
            quirks,
            admin: Account::new(&self.admin_account, &self.admin_password),
            agent: Account::new(&self.agent_account, &self.agent_password),
            api_secret: Account::new(&self.secret_id, &self.secret),
            token_ttl: Duration::from_secs(self.token_ttl_secs),
            hostile_text: self.hostile_text,
            busy_failures: self.busy_failures,
            state_file: self.state_file.clone(),
        }
    }
}

/// `gongdan sandbox`: prints the address and both accounts, serves until Ctrl-C.
pub async fn run(args: SandboxArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let opts = args.options();
    let sandbox = start(opts.clone())
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", opts.addr))?;
    let base = sandbox.base_url();
    println!("gongdan sandbox listening on {base}");
    println!("  admin: {} / {}", opts.admin.account, opts.admin.password);
    println!("  agent: {} / {}", opts.agent.account, opts.agent.password);
    println!(
        "  token: POST {base}/api/token.php with -u {}:{} -d grant_type=client_credentials",
        opts.api_secret.account, opts.api_secret.password
    );
    println!(
        "  {} tickets from seed {}; quirks: {:?}",
        opts.tickets, opts.seed, opts.quirks
    );
    if opts.busy_failures > 0 {
        println!(
            "  the first update many of {n} or more tickets fails {n} of them once",
            n = opts.busy_failures
        );
    }
    if let Some(path) = &opts.state_file {
        println!("  writes kept in {}", path.display());
    }
    println!(
        "  files (the tickets' attachments, no credentials) on {}",
        sandbox.files_url()
    );
    println!(
        "  try: curl {base}/api/v1/tickets.json -v -u {}:{}",
        opts.admin.account, opts.admin.password
    );
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: SandboxArgs,
    }

    fn options(flags: &[&str]) -> SandboxOptions {
        let argv = std::iter::once("sandbox").chain(flags.iter().copied());
        match Command::try_parse_from(argv) {
            Ok(command) => command.args.options(),
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn defaults_match_the_library_defaults() {
        let opts = options(&[]);
        let defaults = SandboxOptions::default();
        assert_eq!(opts.addr, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(opts.tickets, defaults.tickets);
        assert_eq!(opts.max_per_page, defaults.max_per_page);
        assert_eq!(opts.quirks, defaults.quirks);
        assert_eq!(opts.admin, defaults.admin);
        assert_eq!(opts.agent, defaults.agent);
        assert_eq!(opts.api_secret, defaults.api_secret);
        assert_eq!(opts.token_ttl, defaults.token_ttl);
        assert_eq!(opts.busy_failures, 0);
        assert_eq!(opts.state_file, None);
    }

    #[test]
    fn flags_set_every_option() {
        let opts = options(&[
            "--addr=127.0.0.1:0",
            "--tickets=12",
            "--seed=9",
            "--latency-ms=250",
            "--fail-rate=0.25",
            "--rate-limit=5",
            "--max-per-page=40",
            "--admin-account=boss",
            "--admin-password=b",
            "--agent-account=staff",
            "--agent-password=s",
            "--no-string-numbers",
            "--nested-search",
            "--errors-in-200",
            "--show-both-shapes",
            "--not-found-200",
            "--invalid-escapes",
            "--no-echo-labels",
            "--stale-update-dt",
            "--hostile-text",
            "--write-status-body",
            "--null-fields",
            "--busy-failures=3",
            "--state-file=/tmp/kept.jsonl",
        ]);
        assert!(opts.hostile_text);
        assert_eq!(opts.busy_failures, 3);
        assert_eq!(
            opts.state_file,
            Some(std::path::PathBuf::from("/tmp/kept.jsonl"))
        );
        assert_eq!(opts.tickets, 12);
        assert_eq!(opts.seed, 9);
        assert_eq!(opts.latency, Duration::from_millis(250));
        assert!((opts.fail_rate - 0.25).abs() < f64::EPSILON);
        assert_eq!(opts.rate_limit, Some(5));
        assert_eq!(opts.max_per_page, 40);
        assert_eq!(opts.admin, Account::new("boss", "b"));
        assert_eq!(opts.agent, Account::new("staff", "s"));
        assert_eq!(
            opts.quirks,
            Quirks {
                string_numbers: false,
                show_both_shapes: true,
                not_found_as_200: true,
                nested_search: true,
                errors_in_200: true,
                invalid_escapes: true,
                echo_labels: false,
                bump_update_dt: false,
                write_status_body: true,
                null_fields: true,
            }
        );
        assert_eq!(options(&["--live-quirks"]).quirks, Quirks::live());
    }
}
