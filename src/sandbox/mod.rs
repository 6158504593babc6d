//! A local server faithful to the vendor's API: roles, quirks and faults included.

/// Flags of `gongdan sandbox`. (Issue 2 fills these in.)
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxArgs {}

/// Runs the sandbox until Ctrl-C.
pub async fn run(args: SandboxArgs) -> anyhow_free::Result {
    let _ = args;
    Ok(())
}

mod anyhow_free {
    pub type Result = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;
}
