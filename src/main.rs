use clap::Parser;
use gongdan::cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let resolve_options = gongdan::config::ResolveOptions::from_cli(&cli);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("gongdan: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Sandbox(args)) => gongdan::sandbox::run(args).await,
            Some(Command::Config(args)) => gongdan::config::run_command(args, resolve_options)
                .await
                .map_err(Into::into),
            None => gongdan::console::run(cli, resolve_options).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gongdan: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
