//! A ticket's file downloaded ([`Command::Download`](crate::app::Command::Download)): through
//! the credential-free [`Downloader`], into a file created new (never over one: `name (1).ext`
//! and so on), progress sent as it comes, a file left half-written removed.

use std::io;
use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use crate::api::{AsyncSink, DownloadError, Downloader};
use crate::app::WorkerEvent;
use crate::app::files::{DownloadEvent, DownloadFailure, DownloadRequest};

/// Progress is sent at most once per this many bytes (and at the end).
const PROGRESS_STEP: u64 = 64 * 1024;

/// The most `name (n)` tried before giving up on a free name.
const MAX_SUFFIX: u32 = 999;

/// Runs one download beside everything else; its events go to `events`.
pub(super) fn spawn(
    downloader: Result<Downloader, crate::api::ApiError>,
    request: DownloadRequest,
    events: mpsc::UnboundedSender<WorkerEvent>,
) {
    tokio::spawn(async move {
        let id = request.id;
        let end = match downloader {
            Ok(downloader) => download(&downloader, &request, &events).await,
            Err(error) => Err(DownloadFailure::Api(error)),
        };
        let event = match end {
            Ok(path) => DownloadEvent::Done { id, path },
            Err(error) => DownloadEvent::Failed { id, error },
        };
        let _ = events.send(WorkerEvent::Download(event));
    });
}

async fn download(
    downloader: &Downloader,
    request: &DownloadRequest,
    events: &mpsc::UnboundedSender<WorkerEvent>,
) -> Result<PathBuf, DownloadFailure> {
    let file_error = |error: io::Error| DownloadFailure::File {
        dir: request.dir.clone(),
        error: error.to_string(),
    };
    tokio::fs::create_dir_all(&request.dir)
        .await
        .map_err(file_error)?;
    let (path, file) = create_unique(&request.dir, &request.name)
        .await
        .map_err(file_error)?;
    let mut sink = FileSink {
        file,
        events: events.clone(),
        id: request.id,
        sent: 0,
    };
    let result = downloader.fetch(&request.url, &mut sink).await;
    let result = match result {
        Ok(_) => sink.file.flush().await.map_err(DownloadError::File),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(path),
        Err(error) => {
            // The half-written file is ours (created new above): nothing of the user's.
            drop(sink);
            let _ = tokio::fs::remove_file(&path).await;
            Err(match error {
                DownloadError::BadLink => DownloadFailure::BadLink,
                DownloadError::Refused(code) => DownloadFailure::Refused(code),
                DownloadError::Api(error) => DownloadFailure::Api(error),
                DownloadError::File(error) => file_error(error),
            })
        }
    }
}

/// A new file in `dir` named `name`, or `stem (1).ext`, `stem (2).ext`, ...: created with
/// `create_new`, so an existing file is never opened, even one that appears meanwhile.
pub(crate) async fn create_unique(
    dir: &Path,
    name: &str,
) -> io::Result<(PathBuf, tokio::fs::File)> {
    for n in 0..=MAX_SUFFIX {
        let path = dir.join(numbered(name, n));
        match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
        {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_SUFFIX} files named like {name} already exist"),
    ))
}

/// `name` for 0, else `stem (n).ext` (the extension after the last dot, if the stem is not
/// empty: `.bashrc`-like names are numbered at the end).
pub(crate) fn numbered(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

struct FileSink {
    file: tokio::fs::File,
    events: mpsc::UnboundedSender<WorkerEvent>,
    id: crate::app::RequestId,
    sent: u64,
}

impl AsyncSink for &mut FileSink {
    async fn write(&mut self, chunk: &[u8], done: u64, total: Option<u64>) -> io::Result<()> {
        self.file.write_all(chunk).await?;
        if done - self.sent >= PROGRESS_STEP || total == Some(done) {
            self.sent = done;
            let _ = self
                .events
                .send(WorkerEvent::Download(DownloadEvent::Progress {
                    id: self.id,
                    done,
                    total,
                }));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_are_numbered_before_the_extension() {
        assert_eq!(numbered("截图.png", 0), "截图.png");
        assert_eq!(numbered("截图.png", 1), "截图 (1).png");
        assert_eq!(numbered("a.tar.gz", 2), "a.tar (2).gz");
        assert_eq!(numbered("README", 3), "README (3)");
    }

    /// A file host that announces 100 bytes, sends 3 and hangs up.
    async fn cut_short_host() -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
                .await;
        });
        format!("http://{addr}/f.bin")
    }

    #[tokio::test]
    async fn a_download_cut_short_fails_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let (events, mut received) = mpsc::unbounded_channel();
        let request = DownloadRequest {
            id: crate::app::RequestId(7),
            url: cut_short_host().await,
            name: "f.bin".into(),
            dir: dir.path().join("new"),
        };
        let downloader = Downloader::new(std::time::Duration::from_secs(5), None).unwrap();
        let end = download(&downloader, &request, &events).await;
        assert!(
            matches!(
                end,
                Err(DownloadFailure::Api(crate::api::ApiError::Network(_)))
            ),
            "{end:?}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("new")).unwrap().count(),
            0
        );
        drop(events);
        while let Some(event) = received.recv().await {
            assert!(!matches!(
                event,
                WorkerEvent::Download(DownloadEvent::Done { .. })
            ));
        }
    }

    #[tokio::test]
    async fn an_existing_file_is_never_opened_the_next_free_name_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "mine").unwrap();
        std::fs::write(dir.path().join("a (1).txt"), "mine too").unwrap();
        let (path, _file) = create_unique(dir.path(), "a.txt").await.unwrap();
        assert_eq!(path, dir.path().join("a (2).txt"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a (1).txt")).unwrap(),
            "mine too"
        );
    }
}
