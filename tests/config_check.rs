//! `gongdan config check` and `config path`, against a small loopback server that checks
//! the credentials the way the vendor's does (Basic, or a Bearer token from token.php).
//! The full sandbox is not merged on this branch yet; these tests need only sign-in.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use base64::Engine;
use gongdan::config::check::check;
use gongdan::config::{Given, PromptPolicy, ResolveOptions, Secret};

const ACCOUNT: &str = "alice@example.com";
const PASSWORD: &str = "Right-Pass-7391";
const SECRET_ID: &str = "sid-42";
const API_SECRET: &str = "Api-Secret-5520";
const TOKEN: &str = "tok-abc";

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn authorization(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn search(headers: HeaderMap) -> (StatusCode, String) {
    let auth = authorization(&headers);
    if auth == basic(ACCOUNT, PASSWORD) || auth == format!("Bearer {TOKEN}") {
        (
            StatusCode::OK,
            r#"{"results":[],"count":0,"next_page":null,"prev_page":null}"#.into(),
        )
    } else {
        (StatusCode::UNAUTHORIZED, String::new())
    }
}

async fn token(headers: HeaderMap, body: String) -> (StatusCode, String) {
    if authorization(&headers) == basic(SECRET_ID, API_SECRET)
        && body.contains("grant_type=client_credentials")
    {
        (
            StatusCode::OK,
            format!(r#"{{"access_token":"{TOKEN}","expires_in":3600,"token_type":"Bearer"}}"#),
        )
    } else {
        (StatusCode::UNAUTHORIZED, String::new())
    }
}

/// Starts the server on a free loopback port; answers its base URL.
async fn start_server() -> String {
    let app = Router::new()
        .route("/api/v1/tickets/search.json", get(search))
        .route("/api/token.php", post(token));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn options(dir: &Path, config: &str, base_url: &str) -> ResolveOptions {
    let path = dir.join("config.toml");
    std::fs::write(&path, config).unwrap();
    ResolveOptions {
        config_path: Some(Given::flag(path, "--config")),
        base_url: Some(Given::flag(base_url.to_string(), "--base-url")),
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
async fn check_signs_in_with_a_password_and_says_where_each_value_came_from() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ResolveOptions {
        env_password: Some(Secret::new(PASSWORD)),
        ..options(
            dir.path(),
            &format!("[profiles.work]\naccount = \"{ACCOUNT}\"\nper_page = 20\n"),
            &base_url,
        )
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(out.contains("sign-in: ok"), "{out}");
    assert!(!out.contains(PASSWORD), "{out}");
    let line = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no line for {key}:\n{out}"))
            .to_string()
    };
    assert!(line("base_url").ends_with("[flag --base-url]"), "{out}");
    assert!(line("account").contains(ACCOUNT), "{out}");
    assert!(line("account").ends_with("[file]"), "{out}");
    assert!(line("per_page").ends_with("[file]"), "{out}");
    assert!(line("concurrency").ends_with("[default]"), "{out}");
    assert!(line("credential").contains("<secret>"), "{out}");
    assert!(
        line("credential").ends_with("[env GONGDAN_PASSWORD]"),
        "{out}"
    );
    assert!(line("profile").contains("work"), "{out}");
}

#[tokio::test]
async fn check_speaks_chinese_when_the_profile_says_zh_and_keeps_keys_and_sources() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ResolveOptions {
        env_password: Some(Secret::new(PASSWORD)),
        ..options(
            dir.path(),
            &format!(
                "[profiles.work]\naccount = \"{ACCOUNT}\"\nlanguage = \"zh\"\nper_pgae = 20\n"
            ),
            &base_url,
        )
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(
        out.contains(":4:1: 未知的键 `profiles.work.per_pgae`，已忽略（是不是 `per_page`？）"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("警告：") && l.contains("per_pgae")),
        "{out}"
    );
    assert!(
        out.contains("已找到凭据：环境变量 GONGDAN_PASSWORD"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "登录：成功（已以 {ACCOUNT} 登录；此账号可以读取工单（测试搜索得到 0 张））"
        )),
        "{out}"
    );
    // Keys, values and sources stay as they are for scripts.
    assert!(
        out.lines()
            .any(|l| l.starts_with("base_url ") && l.ends_with("[flag --base-url]")),
        "{out}"
    );
    // The words around the values are Chinese too.
    let line = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no line for {key}:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("profile"), "profile work（唯一的配置） [file]");
    assert_eq!(line("ca_file"), "ca_file （无） [default]");
    assert_eq!(
        line("keys"),
        "keys （默认按键；在控制台里按 ? 查看） [default]"
    );
    assert!(!out.contains("sign-in"), "{out}");
    assert!(!out.contains("credential found"), "{out}");
    assert!(!out.contains("warning:"), "{out}");
}

#[tokio::test]
async fn a_refused_password_is_reported_in_chinese_without_the_consoles_keys() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ResolveOptions {
        env_password: Some(Secret::new("Wrong-Pass-2231")),
        ..options(
            dir.path(),
            &format!("[profiles.work]\naccount = \"{ACCOUNT}\"\nlanguage = \"zh\"\n"),
            &base_url,
        )
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(!signed_in, "{out}");
    assert!(
        out.contains("登录：失败：登录被拒绝：请检查账号和密码（HTTP 401）"),
        "{out}"
    );
    assert!(!out.contains("{key:"), "{out}");
    assert!(!out.contains("Wrong-Pass-2231"), "{out}");
}

#[tokio::test]
async fn check_reports_a_refused_password_without_showing_it() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let opts = ResolveOptions {
        env_password: Some(Secret::new("Wrong-Pass-1188")),
        account: Some(Given::flag(ACCOUNT.into(), "--account")),
        ..options(dir.path(), "", &base_url)
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(!signed_in, "{out}");
    assert!(out.contains("401"), "{out}");
    assert!(!out.contains("Wrong-Pass-1188"), "{out}");
}

#[tokio::test]
async fn check_signs_in_with_an_api_secret_through_password_command() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[profiles.admin]\nauth = \"token\"\nsecret_id = \"{SECRET_ID}\"\n\
         password_command = \"printf '{API_SECRET}\\\\nsecond line\\\\n'\"\n"
    );
    let opts = options(dir.path(), &config, &base_url);
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(out.contains("credential found: password_command"), "{out}");
    assert!(!out.contains(&format!("{API_SECRET}\n")), "{out}");
}

#[tokio::test]
async fn check_explains_a_config_that_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let opts = options(
        dir.path(),
        "[profiles.a]\nper_page = \"x\"\n",
        "http://127.0.0.1:9",
    );
    let (signed_in, out) = run_check(&opts).await;
    assert!(!signed_in);
    assert!(out.contains("config.toml:2:12"), "{out}");
}

#[tokio::test]
async fn check_explains_a_failing_password_command() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[profiles.a]\naccount = \"{ACCOUNT}\"\npassword_command = \"echo 'pass: not found' >&2; exit 2\"\n"
    );
    let opts = options(dir.path(), &config, "http://127.0.0.1:9");
    let (signed_in, out) = run_check(&opts).await;
    assert!(!signed_in);
    assert!(out.contains("exit status 2"), "{out}");
    assert!(out.contains("pass: not found"), "{out}");
}

/// The environment of a child run of the binary: a private HOME and XDG dirs, none of
/// the caller's GONGDAN_ variables, and an English locale (a test sets LANG to change it).
fn binary(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongdan"));
    command
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GONGDAN_") {
            command.env_remove(&key);
        }
    }
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn config_path_prints_the_file_state_and_log_dirs() {
    let home = tempfile::tempdir().unwrap();
    let output = binary(home.path())
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let out = String::from_utf8(output.stdout).unwrap();
    let config = home.path().join("config/gongdan/config.toml");
    let logs = home.path().join("state/gongdan/logs");
    assert!(out.contains(&config.display().to_string()), "{out}");
    assert!(out.contains("(absent)"), "{out}");
    assert!(out.contains(&logs.display().to_string()), "{out}");

    let output = binary(home.path())
        .args(["config", "path", "--config", "/tmp/elsewhere.toml"])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("/tmp/elsewhere.toml"), "{out}");
    assert!(out.contains("[flag --config]"), "{out}");
}

#[test]
fn config_path_and_a_failing_check_follow_a_chinese_lang() {
    let home = tempfile::tempdir().unwrap();
    let output = binary(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let out = String::from_utf8(output.stdout).unwrap();
    let config = home.path().join("config/gongdan/config.toml");
    let logs = home.path().join("state/gongdan/logs");
    assert!(
        out.contains(&format!(
            "配置文件    {}（不存在）  [default]",
            config.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("日志目录    {}", logs.display())),
        "{out}"
    );

    // No server anywhere: the check says so, and its closing line, in Chinese.
    let output = binary(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let out = String::from_utf8(output.stdout).unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        out.contains("错误：没有指定服务器：在配置里设置 base_url，或传入 --base-url URL"),
        "{out}"
    );
    assert!(
        err.contains("gongdan: config check 发现了问题（见上文）"),
        "{err}"
    );

    // LC_ALL wins over LANG, as the console's language does.
    let output = binary(home.path())
        .env("LANG", "zh_CN.UTF-8")
        .env("LC_ALL", "en_US.UTF-8")
        .args(["config", "path"])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.starts_with("config file  "), "{out}");
}

#[tokio::test]
async fn the_log_of_a_failing_login_holds_no_secret() {
    let base_url = start_server().await;
    let home = tempfile::tempdir().unwrap();
    let wrong = "Wrong-Secret-Pw-4471";
    let mut command = binary(home.path());
    command
        .env("GONGDAN_PASSWORD", wrong)
        .env("GONGDAN_LOG", "trace")
        .args([
            "--base-url",
            &base_url,
            "--account",
            ACCOUNT,
            "config",
            "check",
        ]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(!output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("sign-in: FAILED"), "{stdout}");
    assert!(stdout.contains("[env GONGDAN_PASSWORD]"), "{stdout}");

    let log_dir = home.path().join("state/gongdan/logs");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log_dir).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the log directory is readable by others: {mode:o}"
        );
    }
    let mut log = String::new();
    for entry in std::fs::read_dir(&log_dir).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        log.contains("sign-in failed"),
        "the log missed the failure:\n{log}"
    );
    assert!(log.contains("401"), "{log}");
    let encoded = basic(ACCOUNT, wrong);
    for (name, text) in [("log", &log), ("stdout", &stdout), ("stderr", &stderr)] {
        assert!(
            !text.contains(wrong),
            "the secret is in the {name}:\n{text}"
        );
        assert!(
            !text.contains(encoded.trim_start_matches("Basic ")),
            "the encoded secret is in the {name}:\n{text}"
        );
    }
}

/// A keyring stand-in: answers one lookup result and counts the lookups.
#[derive(Debug)]
struct StandInKeyring {
    answer: gongdan::config::KeyringLookup,
    lookups: std::sync::atomic::AtomicUsize,
}

impl gongdan::config::Keyring for StandInKeyring {
    fn lookup(&self, service: &str, user: &str) -> gongdan::config::KeyringLookup {
        assert_eq!(service, "gongdan");
        assert_eq!(user, format!("{ACCOUNT}@127.0.0.1"));
        self.lookups
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.answer.clone()
    }

    fn store(&self, _: &str, _: &str, _: &Secret) -> Result<(), String> {
        Err("read-only stand-in".into())
    }
}

fn keyring(answer: gongdan::config::KeyringLookup) -> std::sync::Arc<StandInKeyring> {
    std::sync::Arc::new(StandInKeyring {
        answer,
        lookups: std::sync::atomic::AtomicUsize::new(0),
    })
}

#[tokio::test]
async fn check_names_the_os_keyring_as_the_source_of_the_password() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    let store = keyring(gongdan::config::KeyringLookup::Found(Secret::new(PASSWORD)));
    let opts = ResolveOptions {
        keyring: Some(store.clone()),
        ..options(
            dir.path(),
            &format!("[profiles.work]\naccount = \"{ACCOUNT}\"\n"),
            &base_url,
        )
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(
        out.contains(&format!(
            "credential found: the OS keyring (service \"gongdan\", user \"{ACCOUNT}@127.0.0.1\")"
        )),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("credential ") && l.contains("the OS keyring's entry")),
        "{out}"
    );
    assert!(!out.contains(PASSWORD), "{out}");
    assert_eq!(store.lookups.load(std::sync::atomic::Ordering::SeqCst), 1);

    // password_command comes first: the keyring is not even asked.
    let store = keyring(gongdan::config::KeyringLookup::Found(Secret::new("wrong")));
    let opts = ResolveOptions {
        keyring: Some(store.clone()),
        ..options(
            dir.path(),
            &format!(
                "[profiles.work]\naccount = \"{ACCOUNT}\"\npassword_command = \"echo {PASSWORD}\"\n"
            ),
            &base_url,
        )
    };
    let (signed_in, out) = run_check(&opts).await;
    assert!(signed_in, "{out}");
    assert!(out.contains("credential found: password_command"), "{out}");
    assert_eq!(store.lookups.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_unreachable_keyring_falls_through_to_the_prompt_cleanly() {
    let base_url = start_server().await;
    let dir = tempfile::tempdir().unwrap();
    for answer in [
        gongdan::config::KeyringLookup::Unavailable("no keyring on this host".into()),
        gongdan::config::KeyringLookup::Missing,
    ] {
        let store = keyring(answer);
        let opts = ResolveOptions {
            keyring: Some(store.clone()),
            ..options(
                dir.path(),
                &format!("[profiles.work]\naccount = \"{ACCOUNT}\"\n"),
                &base_url,
            )
        };
        // No terminal here (PromptPolicy::Never): the prompt is the next step, so the
        // check ends on the plain "no password" error, not on the keyring.
        let (signed_in, out) = run_check(&opts).await;
        assert!(!signed_in, "{out}");
        assert!(
            out.contains("error: no password: set GONGDAN_PASSWORD"),
            "{out}"
        );
        assert!(!out.contains("keyring on this host"), "{out}");
        assert_eq!(store.lookups.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}

/// The real OS keyring of this machine: either it stores and finds the secret, or it is
/// out of reach (a container that forbids keyctl) and the lookup falls through, without an
/// error or a panic.
#[test]
fn the_os_keyring_here_stores_and_finds_or_falls_through() {
    use gongdan::config::{CredentialPlan, CredentialSource, Keyring, KeyringLookup, OsKeyring};
    let user = format!("gongdan-test-{}@127.0.0.1", std::process::id());
    let plan = CredentialPlan {
        login: Some(format!("gongdan-test-{}", std::process::id())),
        host: Some("127.0.0.1".into()),
        keyring: Some(std::sync::Arc::new(OsKeyring)),
        ..CredentialPlan::default()
    };
    match plan.store_in_keyring(&Secret::new("kept-in-the-keyring")) {
        Ok(stored_as) => {
            assert_eq!(stored_as, user);
            let credential = plan.obtain(PromptPolicy::Never).unwrap();
            assert_eq!(credential.secret.expose(), "kept-in-the-keyring");
            assert_eq!(
                credential.source,
                CredentialSource::Keyring { user: user.clone() }
            );
            let _ = keyring::Entry::new("gongdan", &user).and_then(|e| e.delete_credential());
        }
        Err(err) => {
            eprintln!("no OS keyring here: {err}");
            assert!(!matches!(
                OsKeyring.lookup("gongdan", &user),
                KeyringLookup::Found(_)
            ));
            let err = plan.obtain(PromptPolicy::Never).unwrap_err().to_string();
            assert!(err.starts_with("no password"), "{err}");
        }
    }
}
