//! Size limits on the files and streams gongdan reads whole (`--config /dev/zero` once
//! grew to 12.5 GB): the config, ticket and reply files, ids on standard input.

use std::io::Read;
use std::path::Path;

/// The config file: a few KiB in practice.
pub(crate) const CONFIG_LIMIT: u64 = 1024 * 1024;
/// A reply, a description or a ticket file for `tickets create`.
pub(crate) const TEXT_LIMIT: u64 = 4 * 1024 * 1024;
/// Ticket ids (or `--json` lines) on standard input: 100,000 `--json` lines fit.
pub(crate) const IDS_LIMIT: u64 = 64 * 1024 * 1024;

/// A file attached to a reply (read whole before it is uploaded).
pub(crate) const ATTACHMENT_LIMIT: u64 = 64 * 1024 * 1024;

/// Reads at most `limit` bytes of UTF-8 text; more is an `InvalidData` error that names the
/// limit, so the caller's message says why.
pub(crate) fn read_capped(reader: impl Read, limit: u64) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {}, the limit", size_text(limit)),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// [`read_capped`] on a file.
pub(crate) fn read_file_capped(path: &Path, limit: u64) -> std::io::Result<String> {
    read_capped(std::fs::File::open(path)?, limit)
}

/// `1 MiB`, `64 MiB`, `512 KiB`.
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_up_to_the_limit_is_read_and_one_byte_more_is_refused() {
        assert_eq!(read_capped(&b"abcd"[..], 4).ok().as_deref(), Some("abcd"));
        let err = read_capped(&b"abcde"[..], 4).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("larger than 4 bytes, the limit"));
    }

    #[test]
    fn an_endless_stream_stops_at_the_limit() {
        let err = read_capped(std::io::repeat(0), CONFIG_LIMIT)
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("larger than 1 MiB, the limit"));
    }
}
