//! End-to-end: a ticket's attachment downloaded by the built binary on a pty (`--demo`):
//! open ticket #3 (its description lists one sized file), `d` saves it in the download
//! folder with the file host's bytes, a second `d` saves `截图 (1).png` beside it, and `L`
//! writes the link through OSC 52.

#![allow(clippy::unwrap_used)]

mod pty;

use pty::Session;

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn d_in_a_ticket_downloads_its_attachment_and_never_overwrites() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join("dl");
    let config = home.path().join("config/gongdan");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("[ui]\ndownload_dir = {:?}\n", folder.display().to_string()),
    )
    .unwrap();
    let path = |sub: &str| home.path().join(sub).display().to_string();
    let (config_home, state, data) = (path("config"), path("state"), path("data"));
    let mut session = Session::spawn_sized(
        &["--demo"],
        &[
            ("HOME", home.path().to_str().unwrap()),
            ("XDG_CONFIG_HOME", &config_home),
            ("XDG_STATE_HOME", &state),
            ("XDG_DATA_HOME", &data),
        ],
        40,
        200,
    );
    session.wait_first_list();
    session.send("#");
    session.send("3\r");
    session.wait_for_text("ticket 3 with its attachment", |s| {
        s.contains("Ticket #3") && s.contains("截图.png") && s.contains("4.5 KB")
    });
    session.send("d");
    session.wait_text("Downloaded 截图.png to");
    let first = folder.join("截图.png");
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes.len(), 4601);
    assert!(bytes.starts_with(b"gongdan sandbox file desc-3.png"));
    session.send("d");
    session.wait_text("截图 (1).png");
    assert_eq!(std::fs::read(folder.join("截图 (1).png")).unwrap(), bytes);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        bytes,
        "the first is untouched"
    );
    assert_eq!(files_under(&folder).len(), 2);
    let before = session.raw.len();
    session.send("L");
    session.wait_text("Copied the link of 截图.png");
    let written = String::from_utf8_lossy(&session.raw[before..]).to_string();
    assert!(written.contains("\x1b]52;c;"), "an OSC 52 write");
    session.send("q");
    session.send("q");
    let (success, _) = session.wait_exit();
    assert!(success);
}
