//! Issue 5's "done when", end to end against the sandbox on loopback: copy
//! config.example.toml, fill two profiles, keep the password in a password manager
//! (simulated with `password_command = "printf ..."`), rebind two keys, switch to English;
//! `gongdan config check` explains each step, and the console (on a pty) takes all of it:
//! the rebound keys work and show in `?` and in the hint lines, one of them inside the
//! bulk history (`H`). Also: key conflicts in `config check`, and a bad
//! `[keys]` entry that stops the console before it opens.

#![allow(clippy::unwrap_used)]

mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gongdan::sandbox::{self, SandboxOptions};
use pty::Session;

const EXAMPLE: &str = include_str!("../config.example.toml");

/// The sandbox on its own runtime, alive while the test holds it.
struct Server {
    sandbox: Option<sandbox::Sandbox>,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(sandbox::start(SandboxOptions {
                tickets: 30,
                ..SandboxOptions::default()
            }))
            .unwrap();
        Server {
            sandbox: Some(sandbox),
            runtime,
        }
    }

    fn sandbox(&self) -> &sandbox::Sandbox {
        self.sandbox.as_ref().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The sandbox's tasks belong to the runtime: drop it inside.
        let _guard = self.runtime.enter();
        self.sandbox.take();
    }
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} is not in the example once"
    );
    text.replacen(from, to, 1)
}

/// The example, filled in as a new user would: both profiles on the sandbox, secrets from
/// a command, two keys rebound, English.
fn filled_example(server: &Server) -> String {
    let options = server.sandbox().options();
    let url = server.sandbox().base_url();
    let password_command = |secret: &str| format!("password_command = \"printf '%s' '{secret}'\"");
    let edits = [
        (
            "base_url = \"https://www.bangwo8.com\"".to_string(),
            format!("base_url = \"{url}\""),
        ),
        (
            "account = \"zhangsan@example.com\"".to_string(),
            format!("account = \"{}\"", options.admin.account),
        ),
        (
            "password_command = \"pass show bangwo8/zhangsan\"".to_string(),
            password_command(&options.admin.password),
        ),
        (
            "language = \"auto\"".to_string(),
            "language = \"en\"".to_string(),
        ),
        (
            "base_url = \"https://helpdesk.example.com\"".to_string(),
            format!("base_url = \"{url}\""),
        ),
        (
            "secret_id = \"0123456789abcdef\"".to_string(),
            format!("secret_id = \"{}\"", options.api_secret.account),
        ),
        (
            "password_command = \"pass show bangwo8/admin-api-secret\"".to_string(),
            password_command(&options.api_secret.password),
        ),
        ("# quit = \"x\"".to_string(), "quit = \"x\"".to_string()),
        (
            "# help = [\"h\", \"F1\"]".to_string(),
            "help = [\"h\", \"F1\"]".to_string(),
        ),
        // A key inside the bulk history, which has its own key context.
        ("undo = [\"u\"]".to_string(), "undo = \"z\"".to_string()),
    ];
    edits.iter().fold(EXAMPLE.to_string(), |text, (from, to)| {
        replace_once(&text, from, to)
    })
}

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the binary to its end (bounded), with a private HOME and the given environment.
fn run_gongdan(args: &[&str], env: &[(&str, &str)], home: &Path) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gongdan"));
    command
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("GONGDAN_PASSWORD")
        .env_remove("GONGDAN_SECRET")
        .env_remove("GONGDAN_PROFILE")
        .env_remove("GONGDAN_CONFIG")
        .env_remove("GONGDAN_BASE_URL")
        .env_remove("GONGDAN_ACCOUNT")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gongdan {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The line starting with `start`, its runs of spaces (column alignment) made one.
fn line_with(out: &str, start: &str) -> String {
    out.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{out}"))
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn config_check_explains_each_step_of_the_example_filled_in() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &filled_example(&server));
    let config_arg = config.display().to_string();
    let env = [("LANG", "zh_CN.UTF-8"), ("TERM", "xterm-256color")];
    let (ok, out, err) = run_gongdan(
        &["config", "check", "--config", &config_arg],
        &env,
        home.path(),
    );
    assert!(ok, "{out}\n{err}");
    // Each step, with where its value came from.
    assert!(
        line_with(&out, "config_file").contains("[flag --config]"),
        "{out}"
    );
    assert!(
        line_with(&out, "profile").contains("work (default_profile)"),
        "{out}"
    );
    assert!(line_with(&out, "base_url").contains("[file]"), "{out}");
    let credential = line_with(&out, "credential ");
    assert!(credential.contains("<secret> from `printf"), "{out}");
    assert!(credential.contains("[password_command]"), "{out}");
    assert!(out.contains("credential found: password_command"), "{out}");
    let sign_in = line_with(&out, "sign-in: ok");
    assert!(
        sign_in.contains("signed in as ") && sign_in.contains("the account can read tickets"),
        "{out}"
    );
    assert!(sign_in.contains("(a test search answered "), "{out}");
    // English from the file, though LANG says Chinese.
    assert_eq!(line_with(&out, "language"), "language en [file]");
    assert!(line_with(&out, "colour").contains("256 colours"), "{out}");
    assert_eq!(
        line_with(&out, "keys.list.quit"),
        "keys.list.quit \"x\" [file]"
    );
    assert_eq!(
        line_with(&out, "keys.list.help"),
        "keys.list.help [\"h\", \"F1\"] [file]"
    );
    assert_eq!(
        line_with(&out, "keys.bulk_history.undo"),
        "keys.bulk_history.undo \"z\" [file]"
    );
    assert!(
        line_with(&out, "theme.status.new").contains("[file]"),
        "{out}"
    );
    assert!(!out.contains("warning"), "{out}");
    // No secret anywhere.
    let options = server.sandbox().options();
    for secret in [&options.admin.password, &options.api_secret.password] {
        assert!(
            !out.contains(secret.as_str()) || out.contains(&format!("'{secret}'")),
            "{out}"
        );
    }

    // The second profile: a token from the API secret.
    let (ok, out, err) = run_gongdan(
        &[
            "config",
            "check",
            "--config",
            &config_arg,
            "--profile",
            "admin",
        ],
        &env,
        home.path(),
    );
    assert!(ok, "{out}\n{err}");
    assert!(
        line_with(&out, "profile").contains("[flag --profile]"),
        "{out}"
    );
    assert!(line_with(&out, "auth").contains("token"), "{out}");
    assert!(out.contains("sign-in: ok"), "{out}");
}

#[test]
fn config_check_and_start_up_errors_speak_chinese_for_a_chinese_lang() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    // The work profile back on `language = "auto"` (the first `en` is the one filled in),
    // and one misspelt key.
    let text = filled_example(&server).replacen("language = \"en\"", "language = \"auto\"", 1);
    let text = replace_once(&text, "\n[ui]\n", "\n[ui]\nauto_refresh_sec = 5\n");
    let config = write_config(home.path(), &text);
    let config_arg = config.display().to_string();
    let env = [("LANG", "zh_CN.UTF-8"), ("TERM", "xterm-256color")];
    let (ok, out, err) = run_gongdan(
        &["config", "check", "--config", &config_arg],
        &env,
        home.path(),
    );
    assert!(ok, "{out}\n{err}");
    assert!(
        line_with(&out, "警告：").contains(&format!("{config_arg}:")),
        "{out}"
    );
    assert!(
        line_with(&out, "警告：")
            .ends_with("未知的键 `ui.auto_refresh_sec`，已忽略（是不是 `auto_refresh_secs`？）"),
        "{out}"
    );
    assert!(
        out.contains("已找到凭据：password_command `printf"),
        "{out}"
    );
    assert_eq!(
        line_with(&out, "profile"),
        "profile work（default_profile） [file]"
    );
    assert!(
        line_with(&out, "credential ").starts_with("credential <secret> 来自 `printf"),
        "{out}"
    );
    let admin = &server.sandbox().options().admin.account;
    assert!(
        line_with(&out, "登录：成功").starts_with(&format!(
            "登录：成功（已以 {admin} 登录；此账号可以读取工单（测试搜索得到 "
        )),
        "{out}"
    );
    // The keys, values and sources stay as they are.
    assert!(line_with(&out, "base_url").ends_with("[file]"), "{out}");
    assert_eq!(
        line_with(&out, "language (auto)"),
        "language (auto) zh [auto: env LANG=zh_CN.UTF-8]"
    );
    assert!(!out.contains("sign-in"), "{out}");

    // A profile that does not exist stops the console with a Chinese message.
    let (ok, out, err) = run_gongdan(
        &["--config", &config_arg, "--profile", "nope"],
        &env,
        home.path(),
    );
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("gongdan: 没有名为 \"nope\" 的配置（已有："),
        "{err}"
    );

    // A bad [keys] entry, likewise, where it is written.
    let config = write_config(home.path(), "[keys.list]\nopne = \"o\"\n");
    let config_arg = config.display().to_string();
    let (ok, _, err) = run_gongdan(&["--demo", "--config", &config_arg], &env, home.path());
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "{config_arg}:2:1: keys.list.opne: list 里没有这个动作（是不是 \"open\"？）"
        )),
        "{err}"
    );
}

#[test]
fn the_console_takes_the_rebound_keys_and_english() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &filled_example(&server));
    let config_arg = config.display().to_string();
    // Tall enough for the whole help of the list.
    let mut session = Session::spawn_sized(
        &["--config", &config_arg],
        &[("LANG", "zh_CN.UTF-8")],
        60,
        120,
    );
    session.wait_first_list();
    // English, though LANG says Chinese.
    session.wait_text("1 New");
    // The status bar hints with the rebound keys.
    session.wait_text("h=Key help");
    assert!(
        session.screen_text().contains("x=Quit"),
        "{}",
        session.screen_text()
    );
    // q no longer quits (the list is still there after a redraw), h opens help.
    session.send("q");
    session.send("h");
    // The whole overlay (its bottom line is drawn last), not a frame still arriving.
    session.wait_for("the help overlay", |s| {
        let text = s.contents();
        text.contains("Keys: list") && text.contains("h F1") && text.contains("Esc/?/q close")
    });
    let help = session.screen_text();
    let row_of = |keys: &str, text: &str| {
        help.lines().any(|l| {
            let l = l.trim_start_matches(['│', ' ']);
            l.starts_with(keys) && l.contains(text)
        })
    };
    assert!(row_of("h F1", "Key help"), "{help}");
    assert!(row_of("x ", "Quit"), "{help}");
    assert!(!row_of("q ", "Quit"), "{help}");
    assert!(!row_of("? ", "Key help"), "{help}");
    // Close help with Esc.
    session.send("\x1b");
    session.wait_for("help to close", |s| !s.contents().contains("Keys: list"));
    // The bulk history (H): its hint line names the rebound undo key, and its own help
    // (the rebound help key h is the list's; `?` is the history's) lists it.
    session.send("H");
    session.wait_for("the history with its hints", |s| {
        let text = s.contents();
        text.contains("Bulk history") && text.contains("z undo")
    });
    assert!(
        !session.screen_text().contains("u undo"),
        "{}",
        session.screen_text()
    );
    session.send("?");
    session.wait_for("the history's help", |s| {
        let text = s.contents();
        text.contains("Keys: bulk history") && text.contains("Esc/?/q close")
    });
    let help = session.screen_text();
    assert!(
        help.lines().any(|l| {
            let l = l.trim_start_matches(['│', ' ']);
            l.starts_with("z ") && l.contains("Undo the selected run")
        }),
        "{help}"
    );
    // Esc closes the help, Esc the history; then quit with x.
    session.send("\x1b");
    session.wait_for("help to close", |s| !s.contents().contains("Keys: bulk"));
    session.send("\x1b");
    session.wait_for("the history to close", |s| {
        !s.contents().contains("Bulk history")
    });
    session.send("x");
    let (ok, screen) = session.wait_exit();
    assert!(ok);
    assert!(!screen.alternate_screen());
}

#[test]
fn config_check_reports_key_conflicts_naming_both_bindings() {
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), "[keys.list]\nopen = \"j\"\nreload = \"g\"\n");
    let config_arg = config.display().to_string();
    // No server: the sign-in fails, but the key map is reported before it.
    let (_, out, _) = run_gongdan(
        &[
            "config",
            "check",
            "--config",
            &config_arg,
            "--base-url",
            "http://127.0.0.1:9",
            "--account",
            "nobody",
        ],
        &[
            ("GONGDAN_PASSWORD", "unused-secret"),
            ("LANG", "en_US.UTF-8"),
        ],
        home.path(),
    );
    assert!(
        out.contains(
            "warning: Key conflict: keys.list.open = \"j\" (config) is kept, \
             keys.list.move_down = \"j\" (default) is ignored"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "warning: Key conflict: keys.list.reload = \"g\" (config) is kept, \
             keys.list.top = \"g g\" (default) is ignored"
        ),
        "{out}"
    );
    assert!(!out.contains("unused-secret"), "{out}");
}

#[test]
fn a_bad_key_entry_stops_the_console_before_it_opens() {
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), "[keys.list]\nopne = \"o\"\n");
    let config_arg = config.display().to_string();
    let (ok, out, err) = run_gongdan(&["--demo", "--config", &config_arg], &[], home.path());
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(&format!("{config_arg}:2:1: keys.list.opne: unknown action")),
        "{err}"
    );
    assert!(err.contains("did you mean \"open\""), "{err}");
    // And config check says so, and fails.
    let (ok, out, _) = run_gongdan(
        &[
            "config",
            "check",
            "--config",
            &config_arg,
            "--base-url",
            "http://127.0.0.1:9",
            "--account",
            "nobody",
        ],
        &[("GONGDAN_PASSWORD", "unused-secret")],
        home.path(),
    );
    assert!(!ok);
    assert!(
        out.contains(&format!("error: {config_arg}:2:1: keys.list.opne: unknown action in list (did you mean \"open\"?) (the console will not start)")),
        "{out}"
    );
    // A bad theme value, likewise.
    let config = write_config(home.path(), "[theme]\nerror = \"redd\"\n");
    let config_arg = config.display().to_string();
    let (ok, _, err) = run_gongdan(&["--demo", "--config", &config_arg], &[], home.path());
    assert!(!ok);
    assert!(err.contains("theme.error: unknown colour"), "{err}");
}
