//! `$VISUAL`/`$EDITOR` for the composer and the new-ticket form, run by the terminal loop
//! (it owns the terminal, which it suspends meanwhile) when `update` returns
//! `Command::EditInEditor`.

/// Runs `$VISUAL` (else `$EDITOR`, else `vi`) on a temporary file holding `text` and
/// answers the file's text afterwards. The terminal must already be out of raw mode.
pub(crate) fn run_external_editor(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    edit_with(&editor, text)
}

/// Runs one editor command (it may carry arguments: `code --wait`) on a temporary file.
pub fn edit_with(editor: &str, text: &str) -> Result<String, String> {
    let path = std::env::temp_dir().join(format!("gongdan-reply-{}.txt", uuid::Uuid::new_v4()));
    write_private(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Through the shell, so that an editor set with arguments works as it does elsewhere;
    // without the password in its environment (an editor's plugins may run anything).
    let status = crate::config::without_secrets(
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&path),
    )
    .status();
    let result = match status {
        Ok(status) if status.success() => {
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        }
        Ok(status) => Err(format!("{editor}: {status}")),
        Err(error) => Err(format!("{editor}: {error}")),
    };
    let _ = std::fs::remove_file(&path);
    result
}

/// A file only the user can read: a reply may hold a customer's details.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}
