use clap::Parser;
use gongdan::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    fewer_malloc_arenas();
    // Usage errors exit with 1 (the documented code), help and version with 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                std::process::ExitCode::from(1)
            } else {
                std::process::ExitCode::SUCCESS
            };
        }
    };
    let resolve_options = cli.resolve_options();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("gongdan: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Sandbox(args)) => gongdan::sandbox::run(args).await.map(|()| None),
            Some(Command::Config(args)) => gongdan::config::run_command(
                args,
                resolve_options,
                gongdan::console::console_report,
            )
            .await
            .map(|()| None)
            .map_err(Into::into),
            None => gongdan::console::run(cli, resolve_options)
                .await
                .map(|()| None),
            // The script commands answer their own exit code (listed in --help).
            Some(command) => Ok(Some(gongdan::script::run(command, resolve_options).await)),
        }
    });
    // The runtime is not shut down: shutting it down first fails every call still in
    // flight (hyper's dispatch task goes), and a bulk run on the blocking pool would then
    // journal those tickets as failed when their fate is unknown, or hold the exit for as
    // long as the server takes. Ending the process here is a kill -9 for those calls, which
    // the journal is made for: the next start resumes them, checking what landed.
    std::mem::forget(runtime);
    match result {
        Ok(Some(code)) => code,
        Ok(None) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // Not `eprintln!`: after a hang-up stderr is a dead terminal, and its panic
            // would turn this exit into 101.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "gongdan: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what
/// was freed in it: the store's sync and the worker each decode, clean and encode a big
/// ticket in their own, and a 10 MB description then left ~100 MiB resident that no thread
/// used again (BENCHMARKS.md, "The house": 263.6 MiB VmRSS with the store against 161.4
/// without; 153.0 with two arenas). Two arenas keep the UI thread's allocations apart from
/// the background's; set before any thread starts.
#[allow(unsafe_code)]
fn fewer_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
