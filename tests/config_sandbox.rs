//! `config check` against the sandbox: every role and both auth kinds sign in, a wrong
//! password is reported, and nothing shows a secret.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use gongdan::config::check::check;
use gongdan::config::{Given, PromptPolicy, ResolveOptions, Secret};
use gongdan::sandbox::{self, SandboxOptions};

async fn sandbox() -> sandbox::Sandbox {
    sandbox::start(SandboxOptions {
        tickets: 5,
        // A secret that is not a substring of its SecretID, so "not shown" means something.
        api_secret: sandbox::Account::new("sandbox-secret-id", "Api-Secret-8812"),
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn options(dir: &std::path::Path, config: &str, base_url: String) -> ResolveOptions {
    let path = dir.join("config.toml");
    std::fs::write(&path, config).unwrap();
    ResolveOptions {
        config_path: Some(Given::flag(path, "--config")),
        base_url: Some(Given::flag(base_url, "--base-url")),
        ..ResolveOptions::default()
    }
}

async fn run_check(opts: &ResolveOptions) -> (bool, String) {
    let mut out = Vec::new();
    let report = tokio::time::timeout(
        Duration::from_secs(30),
        check(
            opts,
            PromptPolicy::Never,
            gongdan::console::console_report,
            &mut out,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    (report.signed_in, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn admin_and_agent_sign_in_with_a_password() {
    let sandbox = sandbox().await;
    let accounts = [
        sandbox.options().admin.clone(),
        sandbox.options().agent.clone(),
    ];
    for account in accounts {
        let dir = tempfile::tempdir().unwrap();
        let opts = ResolveOptions {
            account: Some(Given::flag(account.account.clone(), "--account")),
            env_password: Some(Secret::new(account.password.clone())),
            ..options(dir.path(), "", sandbox.base_url())
        };
        let (signed_in, out) = run_check(&opts).await;
        assert!(signed_in, "{} could not sign in:\n{out}", account.account);
        assert!(!out.contains(&account.password), "{out}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_reported() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ResolveOptions {
        account: Some(Given::flag(
            sandbox.options().admin.account.clone(),
            "--account",
        )),
        env_password: Some(Secret::new("Not-The-Password-301")),
        ..options(dir.path(), "", sandbox.base_url())
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(!signed_in, "{out}");
    assert!(out.contains("401"), "{out}");
    assert!(!out.contains("Not-The-Password-301"), "{out}");
}

#[tokio::test]
async fn token_auth_signs_in_with_the_api_secret() {
    let sandbox = sandbox().await;
    let api = sandbox.options().api_secret.clone();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[profiles.admin]\nauth = \"token\"\nsecret_id = \"{}\"\n",
        api.account
    );
    let opts = ResolveOptions {
        env_secret: Some(Secret::new(api.password.clone())),
        ..options(dir.path(), &config, sandbox.base_url())
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(out.contains("[env GONGDAN_SECRET]"), "{out}");
    assert!(!out.contains(&api.password), "{out}");
}

#[tokio::test]
async fn the_log_of_a_failing_login_to_the_sandbox_holds_no_secret() {
    let sandbox = sandbox().await;
    let home = tempfile::tempdir().unwrap();
    let wrong = "Wrong-Sandbox-Pw-5150";
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gongdan"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GONGDAN_") {
            command.env_remove(&key);
        }
    }
    // English, whatever the machine's locale (the check follows LC_ALL/LANG).
    command
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("GONGDAN_PASSWORD", wrong)
        .args([
            "--base-url",
            &sandbox.base_url(),
            "--account",
            &sandbox.options().admin.account,
            "config",
            "check",
            "--log-level",
            "trace",
        ])
        .stdin(std::process::Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("sign-in: FAILED"), "{stdout}");
    let mut log = String::new();
    for entry in std::fs::read_dir(home.path().join("state/gongdan/logs")).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log.contains("sign-in failed"), "{log}");
    assert!(!log.contains(wrong), "the secret is in the log:\n{log}");
    assert!(!stdout.contains(wrong), "{stdout}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains(wrong));
}
