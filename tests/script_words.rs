//! The script commands' diagnostics and usage errors in both languages, run as the built
//! binary with no server (a closed port: a call would fail with exit 5, never pass): the
//! English text as it always read, the Chinese one under `LANG=zh_CN.UTF-8`, with the
//! same exit code. What needs a server is in `script_limits.rs` (English) and in its
//! Chinese test there.
#![allow(clippy::unwrap_used)]

mod child;

use child::{code, run_child, stderr, stdout};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_gongdan");

/// A temporary HOME with no config, and a server address nothing answers at.
struct Env {
    home: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, lang: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        for var in [
            "GONGDAN_CONFIG",
            "GONGDAN_PROFILE",
            "GONGDAN_SECRET",
            "GONGDAN_LOG",
            "LC_ALL",
            "LC_MESSAGES",
            "COLUMNS",
        ] {
            cmd.env_remove(var);
        }
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("GONGDAN_BASE_URL", "http://127.0.0.1:9")
            .env("GONGDAN_ACCOUNT", "admin@example.com")
            .env("GONGDAN_PASSWORD", "admin-pass")
            .env("LANG", lang)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        run_child(cmd, stdin)
    }
}

/// Runs `args` in English and in Chinese: each prints exactly its line on standard error
/// and ends with `exit`.
fn says(env: &Env, args: &[&str], stdin: Option<&str>, exit: i32, en: &str, zh: &str) {
    for (lang, text) in [("C", en), ("zh_CN.UTF-8", zh)] {
        let out = env.run(lang, args, stdin);
        assert_eq!(
            (code(&out), stderr(&out)),
            (exit, format!("gongdan: {text}\n")),
            "{args:?} under LANG={lang}; stdout: {}",
            stdout(&out)
        );
    }
}

#[test]
fn tickets_update_refuses_in_the_users_language() {
    let env = Env::new();
    says(
        &env,
        &["tickets", "update", "-", "--reply-file", "-"],
        Some("1\n"),
        1,
        "ids and the reply cannot both come from standard input",
        "工单编号和回复不能都从标准输入读取",
    );
    says(
        &env,
        &["tickets", "update", ",", "--status", "solved"],
        None,
        1,
        "no ticket ids given",
        "没有给出工单编号",
    );
    says(
        &env,
        &["tickets", "update", "1", "--reply", "  "],
        None,
        1,
        "the reply is empty",
        "回复为空",
    );
    says(
        &env,
        &["tickets", "update", "1"],
        None,
        1,
        "nothing to change: give --status, --priority, --type, --assignee, --group, \
         --tag-add, --tag-remove, --field or --reply",
        "没有要修改的内容：请给出 --status、--priority、--type、--assignee、--group、\
         --tag-add、--tag-remove、--field 或 --reply",
    );
}

#[test]
fn ids_and_values_given_are_refused_in_the_users_language() {
    let env = Env::new();
    says(
        &env,
        &["tickets", "update", "1x", "--status", "solved"],
        None,
        1,
        "not a ticket id: \"1x\"",
        "不是工单编号：\"1x\"",
    );
    says(
        &env,
        &["tickets", "update", "-", "--status", "solved"],
        Some("{\"subject\": \"x\"}\n"),
        1,
        "a JSON ticket line without an id: \"{\\\"subject\\\": \\\"x\\\"}\"",
        "JSON 工单行中没有编号：\"{\\\"subject\\\": \\\"x\\\"}\"",
    );
    says(
        &env,
        &["tickets", "update", "1", "--status", "9"],
        None,
        1,
        "--status: 9 is not a known code",
        "--status：9 不是已知的代码",
    );
    // The parser's reason and the known values stay as they are.
    for (lang, head) in [
        ("C", "gongdan: not a JSON ticket line ("),
        ("zh_CN.UTF-8", "gongdan: 不是 JSON 工单行（"),
    ] {
        let out = env.run(lang, &["tickets", "show", "-"], Some("{bad\n"));
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(head), "{}", stderr(&out));
    }
    for (lang, head) in [
        (
            "C",
            "gongdan: --priority: unknown value \"soon\" (known: 1 ",
        ),
        (
            "zh_CN.UTF-8",
            "gongdan: --priority：未知的值 \"soon\"（可用：1 ",
        ),
    ] {
        let out = env.run(
            lang,
            &["tickets", "update", "1", "--priority", "soon"],
            None,
        );
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(head), "{}", stderr(&out));
    }
}

#[test]
fn a_file_that_cannot_be_read_is_named_in_the_users_language() {
    let env = Env::new();
    let gone = env.home.path().join("gone.txt");
    let gone = gone.display().to_string();
    let cases: [(&[&str], &str, String); 4] = [
        (
            &["tickets", "update", "1", "--reply-file", &gone],
            "C",
            format!("gongdan: cannot read the reply {gone}: "),
        ),
        (
            &["tickets", "update", "1", "--reply-file", &gone],
            "zh_CN.UTF-8",
            format!("gongdan: 无法读取回复 {gone}："),
        ),
        (
            &[
                "tickets",
                "create",
                "--subject",
                "发票",
                "--message-file",
                &gone,
            ],
            "C",
            format!("gongdan: cannot read the message {gone}: "),
        ),
        (
            &["tickets", "create", "--from-file", &gone],
            "zh_CN.UTF-8",
            format!("gongdan: 无法读取工单文件 {gone}："),
        ),
    ];
    for (args, lang, head) in cases {
        let out = env.run(lang, args, None);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(&head), "{}", stderr(&out));
    }
    let out = env.run(
        "zh_CN.UTF-8",
        &[
            "tickets",
            "create",
            "--subject",
            "发票",
            "--message-file",
            &gone,
        ],
        None,
    );
    assert!(
        stderr(&out).starts_with(&format!("gongdan: 无法读取工单内容 {gone}：")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_config_that_cannot_be_read_is_said_in_the_locales_language() {
    let env = Env::new();
    let dir = env.home.path().join("config/gongdan");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[ui\n").unwrap();
    for (lang, said) in [
        ("C", "config.toml:1:4: unclosed"),
        ("zh_CN.UTF-8", "config.toml:1:4: 配置文件无法解析："),
    ] {
        let out = env.run(lang, &["tickets", "show", "1"], None);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with("gongdan: ") && stderr(&out).contains(said),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn man_pages_that_cannot_be_written_are_said_in_the_locales_language() {
    let env = Env::new();
    let file = env.home.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let dir = file.join("man");
    let dir = dir.display().to_string();
    for (lang, head) in [
        (
            "C",
            format!("gongdan: cannot write the man pages into {dir}: "),
        ),
        ("zh_CN.UTF-8", format!("gongdan: 无法把手册页写入 {dir}：")),
    ] {
        let out = env.run(lang, &["man", "--out-dir", &dir], None);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(&head), "{}", stderr(&out));
    }
}

#[test]
fn an_empty_pipeline_into_update_is_done_in_the_users_language() {
    let env = Env::new();
    says(
        &env,
        &["tickets", "update", "-", "--status", "solved"],
        Some(""),
        0,
        "no ticket ids on standard input: nothing to do",
        "标准输入中没有工单编号：无需处理",
    );
}

#[test]
fn tickets_show_and_create_refuse_in_the_users_language() {
    let env = Env::new();
    says(
        &env,
        &["tickets", "show", ","],
        None,
        1,
        "no ticket ids given",
        "没有给出工单编号",
    );
    says(
        &env,
        &["tickets", "create", "--message", "你好"],
        None,
        1,
        "a new ticket needs --subject",
        "新工单需要 --subject",
    );
    says(
        &env,
        &["tickets", "create", "--subject", "发票"],
        None,
        1,
        "a new ticket needs --message or --message-file",
        "新工单需要 --message 或 --message-file",
    );
    // The parser's reason stays as it is; the words around it are the user's.
    let file = env.home.path().join("ticket.json");
    std::fs::write(&file, "[1, 2]").unwrap();
    let path = file.display().to_string();
    for (lang, head) in [
        ("C", format!("gongdan: {path}: not a ticket object: ")),
        ("zh_CN.UTF-8", format!("gongdan: {path}：不是工单对象：")),
    ] {
        let out = env.run(lang, &["tickets", "create", "--from-file", &path], None);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(&head), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}

#[test]
fn history_warns_and_prunes_in_the_users_language() {
    let env = Env::new();
    says(
        &env,
        &["history", "prune", "--keep-days", "0", "--keep-last", "0"],
        None,
        0,
        "0 run(s) removed",
        "已删除 0 个批次",
    );
    // A run whose plan this version cannot read: a warning, the listing goes on.
    let run = env
        .home
        .path()
        .join("state/gongdan/runs/20260101-000000-0000");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(run.join("plan.json"), r#"{"version": 99}"#).unwrap();
    for (lang, head) in [
        ("C", "gongdan: warning: "),
        ("zh_CN.UTF-8", "gongdan: 警告："),
    ] {
        let out = env.run(lang, &["history"], None);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(stderr(&out).starts_with(head), "{}", stderr(&out));
    }
}
