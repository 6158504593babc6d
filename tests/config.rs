//! The config file, profile resolution and credentials (issue 5).
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use gongdan::config::file::{self, parse};
use gongdan::config::{
    AuthKind, ConfigError, CredentialSource, Given, PromptPolicy, ResolveOptions, Secret, Source,
    ViewKind, resolve, run_password_command,
};

const EXAMPLE: &str = include_str!("../config.example.toml");

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
    set_mode(&path, 0o600);
    path
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

fn with_file(path: &Path) -> ResolveOptions {
    ResolveOptions {
        config_path: Some(Given::flag(path.to_path_buf(), "--config")),
        ..ResolveOptions::default()
    }
}

fn source_of(resolved: &gongdan::config::Resolved, key: &str) -> (String, Source) {
    let entry = resolved
        .source_of(key)
        .unwrap_or_else(|| panic!("no source recorded for {key}"));
    (entry.value.clone(), entry.source.clone())
}

// ---- the example file ----

#[test]
fn example_config_parses_without_warnings() {
    let (config, warnings) = parse(Path::new("config.example.toml"), EXAMPLE).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(config.default_profile.as_deref(), Some("work"));
    let work = &config.profiles["work"];
    assert_eq!(work.auth, Some(AuthKind::Password));
    assert_eq!(work.views.len(), 2);
    assert!(matches!(work.views[0].kind, ViewKind::Search(_)));
    assert!(matches!(work.views[1].kind, ViewKind::List(_)));
    assert_eq!(config.profiles["admin"].auth, Some(AuthKind::Token));
}

#[test]
fn example_config_sets_sla_targets_and_a_views_columns() {
    let (config, _) = parse(Path::new("config.example.toml"), EXAMPLE).unwrap();
    // Low, normal, high, urgent: (first response, resolution) in minutes.
    assert_eq!(
        config.sla.targets(),
        [
            (None, None),
            (None, None),
            (Some(4 * 60), Some(24 * 60)),
            (Some(60), Some(8 * 60))
        ]
    );
    assert_eq!(config.sla.warn_percent(), file::DEFAULT_SLA_WARN_PERCENT);
    let doc = doc_of("warn_percent").unwrap();
    assert!(
        doc.contains(&format!("Default: {}.", file::DEFAULT_SLA_WARN_PERCENT)),
        "{doc}"
    );
    let columns = config.profiles["work"].views[0].columns.clone().unwrap();
    assert_eq!(columns.first().map(String::as_str), Some("id"));
    assert!(columns.iter().any(|c| c == "sla"));
}

/// The comment block that documents `key` (`# key: ...` up to the next key line).
fn doc_of(key: &str) -> Option<String> {
    let start = EXAMPLE
        .find(&format!("# {key}:"))
        .or_else(|| EXAMPLE.find(&format!("# [{key}")))?;
    let block: Vec<&str> = EXAMPLE[start..]
        .lines()
        .take_while(|line| line.starts_with('#'))
        .collect();
    Some(block.join("\n"))
}

#[test]
fn example_config_documents_every_key_with_its_default() {
    for path in file::known_key_paths() {
        let key = path.rsplit('.').next().unwrap();
        let doc =
            doc_of(key).unwrap_or_else(|| panic!("config.example.toml does not document `{path}`"));
        assert!(
            doc.contains("Default"),
            "`{path}` is documented without its default: {doc}"
        );
    }
    // The defaults stated are the ones the code applies.
    let stated = |key: &str, value: &str| {
        let doc = doc_of(key).unwrap();
        assert!(
            doc.contains(&format!("Default: {value}")),
            "`{key}` should state `Default: {value}`: {doc}"
        );
    };
    stated("per_page", &file::DEFAULT_PER_PAGE.to_string());
    stated("concurrency", &file::DEFAULT_CONCURRENCY.to_string());
    stated("timeout_secs", &file::DEFAULT_TIMEOUT_SECS.to_string());
    stated(
        "auto_refresh_secs",
        &file::DEFAULT_AUTO_REFRESH_SECS.to_string(),
    );
    stated(
        "bulk_confirm_threshold",
        &file::DEFAULT_BULK_CONFIRM_THRESHOLD.to_string(),
    );
    stated(
        "bulk_concurrency",
        &file::DEFAULT_BULK_CONCURRENCY.to_string(),
    );
    stated("mouse", "false");
    stated("timezone", "\"+08:00\"");
    stated("auth", "\"password\"");
    stated("language", "\"auto\"");
    stated("allow_http", "false");
}

#[test]
fn example_config_resolves_to_its_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), EXAMPLE);
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.profile_name.as_deref(), Some("work"));
    assert_eq!(resolved.host().as_deref(), Some("www.bangwo8.com"));
    assert_eq!(
        resolved.connection.login.as_deref(),
        Some("zhangsan@example.com")
    );
    assert_eq!(resolved.views.len(), 2);
    assert_eq!(resolved.timezone.local_minus_utc(), 8 * 3600);
    assert_eq!(resolved.language, None);
    assert_eq!(resolved.ui.bulk_confirm_threshold, 50);
    assert!(
        !resolved.ui.mouse,
        "the mouse is the terminal's unless asked for"
    );
    assert_eq!(
        resolved.credentials.planned_source(),
        Some(CredentialSource::Command(
            "pass show bangwo8/zhangsan".into()
        ))
    );
}

// ---- errors and warnings ----

#[test]
fn a_wrong_type_is_refused_with_file_line_and_column() {
    let text = "default_profile = \"a\"\n\n[profiles.a]\nper_page = \"many\"\n";
    let err = parse(Path::new("/etc/gongdan.toml"), text).unwrap_err();
    let ConfigError::Parse {
        path,
        line,
        column,
        message,
    } = &err
    else {
        panic!("not a parse error: {err}");
    };
    assert_eq!(path, Path::new("/etc/gongdan.toml"));
    assert_eq!((*line, *column), (4, 12));
    assert!(message.contains("expected u32"), "{message}");
    assert!(
        err.to_string().starts_with("/etc/gongdan.toml:4:12: "),
        "{err}"
    );
    // A Chinese user is told what the parser's words are about; the place stays first.
    assert!(
        err.text(gongdan::lang::Lang::Zh)
            .starts_with("/etc/gongdan.toml:4:12: 配置文件无法解析："),
        "{}",
        err.text(gongdan::lang::Lang::Zh)
    );
}

#[test]
fn a_syntax_error_is_refused_with_line_and_column() {
    let text = "[profiles.a]\nbase_url = \"https://x\"\naccount = \n";
    let err = parse(Path::new("c.toml"), text).unwrap_err();
    let ConfigError::Parse { line, column, .. } = err else {
        panic!("not a parse error");
    };
    assert_eq!(line, 3);
    assert!(column >= 10, "column {column}");
}

#[test]
fn a_bad_value_says_what_was_expected() {
    let text = "[profiles.a]\ntimezone = \"Asia/Shanghai\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.starts_with("c.toml:2:12: "), "{err}");
    assert!(err.contains("\"+08:00\""), "{err}");

    let text = "[profiles.a]\nlanguage = \"fr\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.contains("c.toml:2:"), "{err}");
    assert!(err.contains("\"zh\", \"en\" or \"auto\""), "{err}");

    let text = "[profiles.a]\nauth = \"oauth\"\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.contains("c.toml:2:"), "{err}");
    assert!(err.contains("password") && err.contains("token"), "{err}");

    let text = "[ui]\nbulk_concurrency = 0\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.contains("c.toml:2:"), "{err}");
    assert!(err.contains("at least 1"), "{err}");
}

#[test]
fn unknown_keys_warn_with_the_nearest_known_key() {
    let text = "\
[profile.x]
base_url = \"https://a\"

[profiles.work]
acount = \"zhangsan\"
timeout = 5

[ui]
auto_refresh = 30

[keys]
anything_goes = \"x\"
";
    let (_, warnings) = parse(Path::new("c.toml"), text).unwrap();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    let expect = |key: &str, nearest: &str| {
        assert!(
            warnings
                .iter()
                .any(|w| w.to_string().contains(&format!("`{key}`"))
                    && w.to_string().contains(&format!("`{nearest}`"))),
            "no warning for {key} suggesting {nearest}: {warnings:#?}"
        );
    };
    expect("profile", "profiles");
    expect("profiles.work.acount", "account");
    expect("profiles.work.timeout", "timeout_secs");
    expect("ui.auto_refresh", "auto_refresh_secs");
}

#[test]
fn resolve_passes_warnings_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\nacount = \"x\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.warnings.len(), 1);
    assert!(resolved.warnings[0].to_string().contains("account"));
}

#[test]
fn a_missing_explicit_config_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let err = resolve(&with_file(&path)).unwrap_err().to_string();
    assert!(err.contains("nope.toml"), "{err}");
}

// ---- profiles and precedence ----

const TWO_PROFILES: &str = "\
default_profile = \"work\"

[profiles.work]
base_url = \"https://work.example\"
account = \"file-account\"
per_page = 50

[profiles.admin]
base_url = \"https://admin.example\"
auth = \"token\"
secret_id = \"sid\"
language = \"en\"
timezone = \"+00:00\"
";

#[test]
fn default_profile_is_used_without_a_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.profile_name.as_deref(), Some("work"));
    assert_eq!(source_of(&resolved, "profile").1, Source::File);
    assert_eq!(
        resolved.connection.base_url.as_deref(),
        Some("https://work.example")
    );
}

#[test]
fn profile_flag_beats_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let opts = ResolveOptions {
        profile: Some(Given::flag("admin".into(), "--profile")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert_eq!(resolved.profile_name.as_deref(), Some("admin"));
    assert_eq!(resolved.connection.auth, AuthKind::Token);
    assert_eq!(resolved.connection.login.as_deref(), Some("sid"));
    assert_eq!(resolved.language, Some(gongdan::lang::Lang::En));
    assert_eq!(resolved.timezone.local_minus_utc(), 0);
    assert_eq!(
        source_of(&resolved, "profile"),
        ("admin".into(), Source::Flag("--profile"))
    );
    assert_eq!(source_of(&resolved, "secret_id").1, Source::File);
}

#[test]
fn the_only_profile_is_used_without_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.solo]\nbase_url = \"https://solo.example\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.profile_name.as_deref(), Some("solo"));
    assert!(source_of(&resolved, "profile").0.contains("only profile"));
}

#[test]
fn several_profiles_without_a_default_must_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let text = TWO_PROFILES.replace("default_profile = \"work\"", "");
    let path = write_config(dir.path(), &text);
    let err = resolve(&with_file(&path)).unwrap_err();
    assert!(matches!(err, ConfigError::AmbiguousProfile(_)), "{err}");
    assert!(err.to_string().contains("--profile"), "{err}");
    // Flags alone are fine then.
    let opts = ResolveOptions {
        base_url: Some(Given::flag("https://flags.example".into(), "--base-url")),
        account: Some(Given::flag("me".into(), "--account")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert_eq!(resolved.profile_name, None);
    assert_eq!(resolved.connection.login.as_deref(), Some("me"));
}

#[test]
fn an_unknown_profile_names_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let opts = ResolveOptions {
        profile: Some(Given::env("wrok".into(), "GONGDAN_PROFILE")),
        ..with_file(&path)
    };
    let err = resolve(&opts).unwrap_err().to_string();
    assert!(err.contains("\"wrok\""), "{err}");
    assert!(err.contains("admin, work"), "{err}");
}

#[test]
fn flags_alone_without_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), "");
    let opts = ResolveOptions {
        base_url: Some(Given::flag("http://127.0.0.1:9/".into(), "--base-url")),
        account: Some(Given::flag("agent1".into(), "--account")),
        env_password: Some(Secret::new("pw")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert_eq!(resolved.profile_name, None);
    let (config, credential) = resolved.connect(PromptPolicy::Never).unwrap();
    assert_eq!(config.base_url, "http://127.0.0.1:9");
    assert_eq!(config.per_page, 100);
    assert_eq!(config.concurrency, 4);
    assert_eq!(config.timeout.as_secs(), 20);
    assert_eq!(credential.source, CredentialSource::Env("GONGDAN_PASSWORD"));
    assert!(matches!(
        config.auth,
        gongdan::api::Auth::Basic { ref account, .. } if account == "agent1"
    ));
}

#[test]
fn precedence_is_flag_then_env_then_file_then_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let opts = ResolveOptions {
        base_url: Some(Given::flag("https://flag.example".into(), "--base-url")),
        account: Some(Given::env("env-account".into(), "GONGDAN_ACCOUNT")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    // flag over file
    assert_eq!(
        source_of(&resolved, "base_url"),
        ("https://flag.example".into(), Source::Flag("--base-url"))
    );
    // env over file
    assert_eq!(
        source_of(&resolved, "account"),
        ("env-account".into(), Source::Env("GONGDAN_ACCOUNT"))
    );
    // file over default
    assert_eq!(
        source_of(&resolved, "per_page"),
        ("50".into(), Source::File)
    );
    assert_eq!(resolved.connection.per_page, 50);
    // default
    assert_eq!(
        source_of(&resolved, "concurrency"),
        ("4".into(), Source::Default)
    );
    assert_eq!(source_of(&resolved, "timezone").1, Source::Default);
    assert_eq!(
        source_of(&resolved, "auth"),
        ("password".into(), Source::Default)
    );
    assert_eq!(
        source_of(&resolved, "config_file").1,
        Source::Flag("--config")
    );
}

#[test]
fn allow_http_flag_and_plain_http_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"http://helpdesk.example\"\naccount = \"x\"\n",
    );
    let err = resolve(&with_file(&path)).unwrap_err();
    assert!(err.to_string().contains("--allow-http"), "{err}");
    // In Chinese, the reason too, the flag and the key as written.
    assert_eq!(
        err.text(gongdan::lang::Lang::Zh),
        "服务器地址 \"http://helpdesk.example\"（file）无效：明文 http 会不加密地发送密码：\
         请用 https，实在需要时在配置里设置 allow_http = true（或传入 --allow-http）"
    );
    let opts = ResolveOptions {
        allow_http: true,
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert!(resolved.connection.allow_insecure_http);
    assert_eq!(
        source_of(&resolved, "allow_http"),
        ("true".into(), Source::Flag("--allow-http"))
    );
}

#[test]
fn ui_keys_and_theme_reach_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[ui]\nauto_refresh_secs = 30\n[keys]\n\"list.top\" = [\"g g\"]\n[theme]\nselection = { bg = \"#87afd7\" }\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.ui.auto_refresh_secs, 30);
    assert_eq!(resolved.ui.bulk_concurrency, 4);
    assert!(resolved.keys.contains_key("list.top"));
    assert!(resolved.theme.contains_key("selection"));
    assert_eq!(
        source_of(&resolved, "ui.auto_refresh_secs"),
        ("30".into(), Source::File)
    );
}

#[test]
fn token_auth_needs_a_secret_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\nauth = \"token\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let err = resolved
        .connect(PromptPolicy::Never)
        .unwrap_err()
        .to_string();
    assert!(err.contains("secret_id"), "{err}");
}

#[test]
fn no_credential_and_no_terminal_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\naccount = \"x\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    // Tests run without a terminal on stdin, so even IfTerminal may not prompt here.
    let err = resolved
        .connect(PromptPolicy::IfTerminal)
        .unwrap_err()
        .to_string();
    assert!(err.contains("GONGDAN_PASSWORD"), "{err}");
    assert!(err.contains("password_command"), "{err}");
}

// ---- password in the file ----

const WITH_PASSWORD: &str = "[profiles.a]\nbase_url = \"https://a.example\"\naccount = \"x\"\npassword = \"Sup3r-Secret-In-File\"\n";

#[cfg(unix)]
#[test]
fn a_password_in_a_readable_file_is_refused_with_the_chmod_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), WITH_PASSWORD);
    set_mode(&path, 0o644);
    let err = resolve(&with_file(&path)).unwrap_err();
    assert!(
        matches!(err, ConfigError::PasswordFileReadable { mode: 0o644, .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!("chmod 600 {}", path.display())),
        "{message}"
    );
    assert!(!message.contains("Sup3r-Secret-In-File"));

    // Group-readable only is refused too.
    set_mode(&path, 0o640);
    assert!(resolve(&with_file(&path)).is_err());

    // After the chmod it is accepted, and used.
    set_mode(&path, 0o600);
    let resolved = resolve(&with_file(&path)).unwrap();
    let (_, credential) = resolved.connect(PromptPolicy::Never).unwrap();
    assert_eq!(credential.source, CredentialSource::File);
    assert_eq!(credential.secret.expose(), "Sup3r-Secret-In-File");
}

#[test]
fn password_and_password_command_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{WITH_PASSWORD}password_command = \"echo x\"\n");
    let path = write_config(dir.path(), &text);
    let err = resolve(&with_file(&path)).unwrap_err().to_string();
    assert!(err.contains("keep one"), "{err}");
    assert!(!err.contains("Sup3r-Secret-In-File"), "{err}");
}

#[test]
fn env_password_beats_the_file_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), WITH_PASSWORD);
    let opts = ResolveOptions {
        env_password: Some(Secret::new("from-env")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert_eq!(
        source_of(&resolved, "credential").1,
        Source::Env("GONGDAN_PASSWORD")
    );
    let (_, credential) = resolved.connect(PromptPolicy::Never).unwrap();
    assert_eq!(credential.secret.expose(), "from-env");
}

// ---- password_command ----

#[test]
fn password_command_takes_the_first_line() {
    let secret = run_password_command("printf 'first-line\\nsecond-line\\n'").unwrap();
    assert_eq!(secret.expose(), "first-line");
    let secret = run_password_command("printf 'no-newline'").unwrap();
    assert_eq!(secret.expose(), "no-newline");
}

#[test]
fn password_command_that_fails_names_status_and_stderr_but_not_stdout() {
    // The secret comes from a file, so that the command's own text (which the message names)
    // does not hold it.
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("secret");
    std::fs::write(&secret_file, "Leaked-Stdout-Value\n").unwrap();
    let command = format!(
        "cat '{}'; echo 'gpg: decryption failed' >&2; exit 3",
        secret_file.display()
    );
    let err = run_password_command(&command).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("exit status 3"), "{message}");
    assert!(message.contains("gpg: decryption failed"), "{message}");
    assert!(message.contains("password_command `"), "{message}");
    assert!(!message.contains("Leaked-Stdout-Value"), "{message}");
}

#[test]
fn password_command_that_prints_nothing_is_an_error() {
    let err = run_password_command("true").unwrap_err().to_string();
    assert!(err.contains("printed nothing"), "{err}");
    let err = run_password_command("printf '\\nsecond'")
        .unwrap_err()
        .to_string();
    assert!(err.contains("printed nothing"), "{err}");
}

#[test]
fn password_command_is_used_through_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\naccount = \"x\"\npassword_command = \"echo from-cmd; echo ignored\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(source_of(&resolved, "credential").1, Source::Command);
    let (config, credential) = resolved.connect(PromptPolicy::Never).unwrap();
    assert_eq!(credential.secret.expose(), "from-cmd");
    assert!(matches!(
        config.auth,
        gongdan::api::Auth::Basic { ref password, .. } if password == "from-cmd"
    ));
}

// ---- secrets stay out of Debug and errors ----

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), WITH_PASSWORD);
    let opts = ResolveOptions {
        env_password: Some(Secret::new("Env-Secret-Value")),
        env_secret: Some(Secret::new("Env-Api-Secret")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    let (config, credential) = resolved.connect(PromptPolicy::Never).unwrap();
    let shown = format!(
        "{opts:?}\n{resolved:?}\n{config:?}\n{credential:?}\n{}\n{:?}",
        credential.source, resolved.sources
    );
    for secret in ["Env-Secret-Value", "Env-Api-Secret", "Sup3r-Secret-In-File"] {
        assert!(!shown.contains(secret), "{secret} leaked into:\n{shown}");
    }
    assert!(shown.contains("<redacted>") || shown.contains("***"));
}

// ---- --demo, labels, ca_file ----

#[test]
fn demo_needs_no_profile_and_no_usable_server() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[profiles.plain]\nbase_url = \"http://helpdesk.example\"\n[ui]\nauto_refresh_secs = 9\n",
        TWO_PROFILES.replace("default_profile = \"work\"", "")
    );
    let path = write_config(dir.path(), &text);
    assert!(resolve(&with_file(&path)).is_err());
    let demo = ResolveOptions {
        no_connection: true,
        ..with_file(&path)
    };
    let resolved = resolve(&demo).unwrap();
    assert_eq!(resolved.profile_name, None);
    assert_eq!(resolved.ui.auto_refresh_secs, 9);

    // A profile whose server would be refused is only a warning for the demo.
    let demo = ResolveOptions {
        no_connection: true,
        profile: Some(Given::flag("plain".into(), "--profile")),
        ..with_file(&path)
    };
    let resolved = resolve(&demo).unwrap();
    assert_eq!(resolved.connection.base_url, None);
    assert!(
        resolved
            .warnings
            .iter()
            .any(|w| w.to_string().contains("allow_http")),
        "{:?}",
        resolved.warnings
    );
}

#[test]
fn account_label_names_profile_account_and_host() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.account_label(), "work: file-account@work.example");
    let opts = ResolveOptions {
        base_url: Some(Given::flag("http://127.0.0.1:8080".into(), "--base-url")),
        account: Some(Given::flag("me".into(), "--account")),
        ..with_file(&write_config(dir.path(), ""))
    };
    assert_eq!(resolve(&opts).unwrap().account_label(), "me@127.0.0.1:8080");
}

#[test]
fn account_flag_is_ignored_with_a_warning_for_token_auth() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), TWO_PROFILES);
    let opts = ResolveOptions {
        profile: Some(Given::flag("admin".into(), "--profile")),
        account: Some(Given::env("someone".into(), "GONGDAN_ACCOUNT")),
        ..with_file(&path)
    };
    let resolved = resolve(&opts).unwrap();
    assert_eq!(resolved.connection.login.as_deref(), Some("sid"));
    assert!(
        resolved
            .warnings
            .iter()
            .any(|w| w.to_string().contains("GONGDAN_ACCOUNT")),
        "{:?}",
        resolved.warnings
    );
}

#[test]
fn ca_file_is_found_next_to_the_config_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\naccount = \"x\"\nca_file = \"ca.pem\"\n",
    );
    let err = resolve(&with_file(&path)).unwrap_err().to_string();
    assert!(
        err.contains("ca.pem") && err.contains("does not exist"),
        "{err}"
    );
    std::fs::write(dir.path().join("ca.pem"), "not really a certificate").unwrap();
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.connection.ca_file, Some(dir.path().join("ca.pem")));
    let config = resolved.client_config(&Secret::new("x")).unwrap();
    assert_eq!(config.ca_file, Some(dir.path().join("ca.pem")));
}

#[test]
fn a_password_of_the_wrong_type_is_refused_without_quoting_it() {
    let text = "[profiles.a]\npassword = 90817263\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.starts_with("c.toml:2:12: "), "{err}");
    assert!(err.contains("string in quotes"), "{err}");
    assert!(!err.contains("90817263"), "{err}");
}

#[test]
fn an_unquoted_password_is_refused_without_quoting_it() {
    let text = "[profiles.a]\npassword = hunter2xyz\n";
    let err = parse(Path::new("c.toml"), text).unwrap_err().to_string();
    assert!(err.starts_with("c.toml:2:"), "{err}");
    assert!(!err.contains("hunter2xyz"), "{err}");
}

#[test]
fn unknown_keys_warn_with_file_line_and_column() {
    let text = "\
profiles.home.acount = \"x\"
[profile.x]
base_url = \"https://a\"

[profiles.work]
acount = \"zhangsan\"
  timeout = 5
[ui]
\"名字\" = 1
auto_refresh_secs = 30
";
    let (_, warnings) = parse(Path::new("dir/c.toml"), text).unwrap();
    let want = [
        "dir/c.toml:1:15: unknown key `profiles.home.acount` ignored (did you mean `account`?)",
        "dir/c.toml:2:2: unknown key `profile` ignored (did you mean `profiles`?)",
        "dir/c.toml:6:1: unknown key `profiles.work.acount` ignored (did you mean `account`?)",
        "dir/c.toml:7:3: unknown key `profiles.work.timeout` ignored (did you mean `timeout_secs`?)",
        "dir/c.toml:9:1: unknown key `ui.名字` ignored",
    ];
    for want in want {
        // Whole lines: a key like no known one gets no "did you mean".
        assert!(
            warnings.iter().any(|w| w.to_string() == want),
            "no warning starting {want:?}: {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
}

#[test]
fn unknown_key_warnings_and_errors_are_in_chinese_for_a_chinese_user() {
    use gongdan::config::{AuthKind, ConfigError};
    use gongdan::lang::Lang;
    let text = "[profiles.work]\nacount = \"zhangsan\"\n[ui]\n\"名字\" = 1\n";
    let (_, warnings) = parse(Path::new("dir/c.toml"), text).unwrap();
    let zh: Vec<String> = warnings.iter().map(|w| w.text(Lang::Zh)).collect();
    // The place, the key and the suggestion stay as written; the words are Chinese.
    assert_eq!(
        zh,
        [
            "dir/c.toml:2:1: 未知的键 `profiles.work.acount`，已忽略（是不是 `account`？）",
            "dir/c.toml:4:1: 未知的键 `ui.名字`，已忽略",
        ],
    );
    let unknown = ConfigError::UnknownProfile {
        name: "hom".into(),
        known: vec!["home".into(), "work".into()],
    };
    assert_eq!(
        unknown.text(Lang::Zh),
        "没有名为 \"hom\" 的配置（已有：home, work）"
    );
    assert_eq!(
        unknown.to_string(),
        "no profile named \"hom\" (known: home, work)"
    );
    let readable = ConfigError::PasswordFileReadable {
        path: PathBuf::from("/h/c.toml"),
        mode: 0o644,
    };
    assert_eq!(
        readable.text(Lang::Zh),
        "配置文件 /h/c.toml 里有密码，但其他用户可以读取它（权限 644）；请运行：chmod 600 /h/c.toml"
    );
    let no_secret = ConfigError::NoCredential {
        auth: AuthKind::Token,
        env_var: "GONGDAN_SECRET",
    };
    assert!(
        no_secret
            .text(Lang::Zh)
            .starts_with("没有API 密钥：设置 GONGDAN_SECRET"),
        "{}",
        no_secret.text(Lang::Zh)
    );
    assert!(
        no_secret
            .to_string()
            .starts_with("no API secret: set GONGDAN_SECRET")
    );
}

#[test]
fn key_map_and_theme_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n\n[keys.list]\nopen = [\"enter\", \"entr\"]\n[theme]\nselection = \"bold nocolour\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let report = gongdan::console::console_report(&resolved);
    let file = path.display().to_string();
    let want = [
        format!("{file}:5:18: keys.list.open[1]: unknown key name \"entr\""),
        format!("{file}:7:1: theme.selection"),
    ];
    for want in &want {
        assert!(
            report.errors.iter().any(|e| e.starts_with(want.as_str())),
            "no error starting {want:?}: {:#?}",
            report.errors
        );
    }
    // With the first entry fixed, the next error is placed too.
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n[keys.bulk_result]\nundoo = \"z\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let report = gongdan::console::console_report(&resolved);
    assert!(
        report.errors.iter().any(|e| e.starts_with(&format!(
            "{file}:4:1: keys.bulk_result.undoo: unknown action in bulk_result (did you mean \"undo\"?)"
        ))),
        "{:#?}",
        report.errors
    );
}

/// The keys of `config check`'s lines that start with "language".
fn language_keys(resolved: &gongdan::config::Resolved) -> Vec<String> {
    let report = gongdan::console::console_report(resolved);
    resolved
        .sources
        .iter()
        .map(|entry| entry.key.clone())
        .chain(report.lines.into_iter().map(|(key, _, _)| key))
        .filter(|key| key.starts_with("language"))
        .collect()
}

#[test]
fn config_check_names_the_language_once_and_what_auto_came_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\nlanguage = \"en\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(language_keys(&resolved), ["language"]);
    // Auto: the profile's line says auto, the console's line what it came to.
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(language_keys(&resolved), ["language", "language (auto)"]);
}

#[test]
fn the_status_line_names_the_config_file_without_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\nper_pgae = 50\n[ui]\nbulk_confirm_treshold = 9\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.warnings.len(), 2, "{:#?}", resolved.warnings);
    let warnings: Vec<String> = resolved
        .warnings
        .iter()
        .map(|w| w.text(gongdan::lang::Lang::En))
        .collect();
    let note =
        gongdan::console::startup_notice(&warnings, resolved.config_path.as_deref()).unwrap();
    let keys = gongdan::app::keymap::KeyMap::default();
    let notice = gongdan::ui::notice::note(gongdan::lang::Lang::En, &keys, &note);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        notice.starts_with(&format!("{name}:3:1: unknown key `profiles.a.per_pgae`")),
        "{notice}"
    );
    assert!(
        !notice.contains(&dir.path().display().to_string()),
        "{notice}"
    );
    assert!(
        notice.ends_with("(and 1 more: see gongdan config check)"),
        "{notice}"
    );
}

// ---- web_url ----

#[test]
fn web_url_is_read_per_profile_and_shown_by_config_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.work]\nbase_url = \"https://work.example\"\naccount = \"a@b.c\"\n\
         web_url = \"https://work.example/ticket/{id}\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(
        resolved.web_url.as_deref(),
        Some("https://work.example/ticket/{id}")
    );
    assert_eq!(
        source_of(&resolved, "web_url"),
        ("https://work.example/ticket/{id}".to_string(), Source::File)
    );
    // Not set: none, and the copy menu says how to set it.
    let path = write_config(
        dir.path(),
        "[profiles.work]\nbase_url = \"https://work.example\"\naccount = \"a@b.c\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.web_url, None);
    assert_eq!(source_of(&resolved, "web_url").1, Source::Default);
}

#[test]
fn a_web_url_without_id_or_not_http_is_refused_saying_what_is_wanted() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [
        "https://work.example/ticket/",
        "work.example/ticket/{id}",
        "ftp://x/{id}",
    ] {
        let path = write_config(
            dir.path(),
            &format!(
                "[profiles.work]\nbase_url = \"https://work.example\"\naccount = \"a@b.c\"\n\
                 web_url = \"{bad}\"\n"
            ),
        );
        let error = resolve(&with_file(&path)).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("web_url") && text.contains("{id}"),
            "{bad}: {text}"
        );
    }
}

#[test]
fn sla_targets_reach_the_console_and_config_check_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://example.com\"\n[sla]\nwarn_percent = 80\n[sla.urgent]\nfirst_response = \"90m\"\nresolution = \"1d\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(resolved.sla.targets()[3], (Some(90), Some(24 * 60)));
    assert_eq!(
        source_of(&resolved, "sla"),
        ("urgent 1h30m/1d (warn_percent 80)".into(), Source::File)
    );
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://example.com\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    assert_eq!(source_of(&resolved, "sla").1, Source::Default);
}

/// `config check` lists the canned replies (the folder's files and `[[snippets]]`, by
/// name) and the macros with their keys, as the console reads them; a macro key another
/// binding has is a warning, one that does not parse an error.
#[test]
fn config_check_lists_snippets_and_macros() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("snippets")).unwrap();
    std::fs::write(
        dir.path().join("snippets").join("refund.txt"),
        "退款说明\n您好，退款已受理。\n",
    )
    .unwrap();
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n\n\
         [[snippets]]\nname = \"thanks\"\nbody = \"Thanks\"\n\n\
         [[macros]]\nname = \"Solve\"\nkey = \"ctrl-k\"\nstatus = \"solved\"\n\n\
         [[macros]]\nname = \"Down\"\nkey = \"j\"\npriority = \"low\"\n\n\
         [[macros]]\nname = \"Escalate\"\npriority = \"urgent\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let report = gongdan::console::console_report(&resolved);
    let line = |key: &str| line_of(&report, key);
    let (snippets, source) = line("snippets").expect("a snippets line");
    assert!(
        snippets.starts_with("2: ") && snippets.contains("refund") && snippets.contains("thanks"),
        "{snippets}"
    );
    assert!(
        source.starts_with("file + ") && source.ends_with("snippets"),
        "{source}"
    );
    assert_eq!(line("macros.Solve").unwrap().0, "key Ctrl-k");
    assert_eq!(line("macros.Escalate").unwrap().0, "from the m menu only");
    let warnings = &report.warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Down") && w.contains('j')),
        "{warnings:#?}"
    );
    assert!(report.errors.is_empty(), "{:#?}", report.errors);

    // A snippet file named with an escape sequence is listed inert.
    std::fs::write(
        dir.path().join("snippets").join("evil\u{1b}[2J.txt"),
        "Title\nBody\n",
    )
    .unwrap();
    let report = gongdan::console::console_report(&resolved);
    let (snippets, _) = line_of(&report, "snippets").expect("a snippets line");
    assert!(
        snippets.contains("evil") && !snippets.contains('\u{1b}'),
        "{snippets:?}"
    );

    // A key that does not parse stops the console: an error here.
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n\n[[macros]]\nname = \"Bad\"\nkey = \"ctrl-entr\"\nstatus = \"solved\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let report = gongdan::console::console_report(&resolved);
    assert!(
        report.errors.iter().any(|e| e.contains("macros[0].key")),
        "{:#?}",
        report.errors
    );
    // None configured: the built-in is named.
    let path = write_config(
        dir.path(),
        "[profiles.a]\nbase_url = \"https://a.example\"\n",
    );
    let resolved = resolve(&with_file(&path)).unwrap();
    let report = gongdan::console::console_report(&resolved);
    assert!(
        report
            .lines
            .iter()
            .any(|(k, v, _)| k == "macros" && v.contains("Assign to me")),
        "{:#?}",
        report.lines
    );
}

/// A line of `config check`'s console report: its value and where it came from.
fn line_of(report: &gongdan::config::check::ConsoleReport, key: &str) -> Option<(String, String)> {
    report
        .lines
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, value, source)| (value.clone(), source.clone()))
}
