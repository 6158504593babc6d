//! Durable private files: a whole file replaced atomically, files only their owner may
//! read, directory entries synced. A leaf every layer that keeps a file may use (the bulk
//! journal and its summaries, drafts, prompt history, the name cache); and `limits`, the
//! caps on what is read from a file or a pipe.

pub(crate) mod limits;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// A file or folder name for one profile, login and server, readable and one-to-one with
/// them: every byte outside `[A-Za-z0-9.-]` is percent-encoded, so no two owners share a
/// name (`a/b` and `a_b` stay apart) and none can climb out of its folder. The drafts, the
/// names and the ticket store are all kept under it.
pub fn owner_name(profile: &str, login: &str, base_url: &str) -> String {
    let whole = format!("{profile}@{login}@{base_url}");
    let mut name = String::with_capacity(whole.len());
    for byte in whole.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-' {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("%{byte:02X}"));
        }
    }
    // `.` and `..` alone cannot arise: the two `@` are always encoded in.
    name
}

/// Writes a file so that a reader sees the old content or the new, never a mix: write a
/// temporary file beside it, fsync it, rename it over the target, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent directory"))?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut file = private_file(OpenOptions::new().write(true).create_new(true)).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Journal files hold ticket data: on shared hosts only their owner may read them.
pub(crate) fn private_file(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes a rename or a new file in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for sync on every platform; where they can, do it.
    match File::open(dir) {
        Ok(handle) => match handle.sync_all() {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            Err(e) => Err(e),
        },
        Err(_) if cfg!(windows) => Ok(()),
        Err(e) => Err(e),
    }
}
