//! The composer's and the new-ticket form's commands: a reply checked against the version
//! shown before it is sent, uploads read from disk (bounded), creates, drafts.

use super::drafts;
use crate::api::Client;
use crate::app::WorkerEvent;
use crate::app::composer::{ComposeCommand, ComposeEvent};

/// Whether ticket `ticket` changed on the server since the version shown (`seen`, its
/// `updateDT`): the ticket now (when the account may read it in full) and its `updateDT`.
/// `None` when it did not, when nothing was shown to compare with, or when the check itself
/// could not be made: the send then goes ahead and its own answer says what happened (a
/// failed check must not keep a reply from a ticket nobody else touched).
async fn changed_since(
    client: &Client,
    ticket: u64,
    seen: Option<crate::api::ApiDate>,
) -> Option<(Option<crate::api::Ticket>, crate::api::ApiDate)> {
    use crate::bulk::BulkApi;
    use chrono::TimeZone;
    let seen = seen?;
    let since = crate::bulk::vendor_offset()
        .from_local_datetime(&seen)
        .single()?
        .with_timezone(&chrono::Utc);
    let mut current = match client.current(&[ticket], since).await {
        Ok(current) => current,
        Err(error) => {
            tracing::warn!(ticket, %error, "could not check the ticket before the reply");
            return None;
        }
    };
    let now = current.remove(&ticket)?;
    let updated = now.updated?;
    (updated != seen).then_some((now.ticket, updated))
}

/// The composer's and the new-ticket form's commands.
pub(super) async fn compose(client: &Client, command: ComposeCommand) -> Option<WorkerEvent> {
    let event = match command {
        ComposeCommand::Send {
            id,
            ticket,
            change,
            seen,
        } => match changed_since(client, ticket, seen).await {
            Some((now, updated)) => ComposeEvent::Stale {
                id,
                ticket,
                now: now.map(Box::new),
                updated,
            },
            None => ComposeEvent::Sent {
                id,
                ticket,
                result: client.update(ticket, &change).await.map(Box::new),
            },
        },
        ComposeCommand::Upload { id, path } => ComposeEvent::Uploaded {
            id,
            result: upload(client, &expand_home(&path)).await,
        },
        ComposeCommand::Create { id, ticket } => ComposeEvent::Created {
            id,
            result: client.create(&ticket).await.map(Box::new),
        },
        ComposeCommand::SaveDraft { path, text } => {
            let saved = tokio::task::spawn_blocking(move || drafts::save(&path, &text)).await;
            match saved {
                Ok(Ok(())) => return None,
                Ok(Err(error)) => ComposeEvent::DraftFailed(error.to_string()),
                Err(error) => ComposeEvent::DraftFailed(error.to_string()),
            }
        }
        ComposeCommand::DeleteDraft { path } => {
            let _ = tokio::task::spawn_blocking(move || drafts::delete(&path)).await;
            return None;
        }
    };
    Some(WorkerEvent::Compose(event))
}

/// Reads a file and uploads it; a file that cannot be read is said in plain words.
/// A path typed as `~/…` in the home directory (as a shell would); others as they are.
fn expand_home(path: &std::path::Path) -> std::path::PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = std::env::var_os("HOME")
    {
        return std::path::PathBuf::from(home).join(rest);
    }
    path.to_path_buf()
}

async fn upload(client: &Client, path: &std::path::Path) -> Result<crate::api::Attachment, String> {
    let limit = crate::files::limits::ATTACHMENT_LIMIT;
    let owned = path.to_path_buf();
    // Bounded: a device or a growing file must not fill the memory.
    let bytes = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(&owned)?
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "larger than {}, the limit",
                    crate::files::limits::size_text(limit)
                ),
            ));
        }
        Ok(bytes)
    })
    .await
    .map_err(|error| format!("{}: {error}", path.display()))?
    .map_err(|error| format!("{}: {error}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: not a file", path.display()))?;
    client
        .upload(&name, bytes, None)
        .await
        .map_err(|error| error.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_path_typed_with_a_tilde_is_in_the_home_directory() {
        let Some(home) = std::env::var_os("HOME") else {
            return;
        };
        let home = std::path::PathBuf::from(home);
        let typed = |p: &str| expand_home(std::path::Path::new(p));
        assert_eq!(typed("~/截图.png"), home.join("截图.png"));
        assert_eq!(typed("~"), home);
        // Another user's home and plain paths stay as typed.
        assert_eq!(typed("~bob/x"), std::path::PathBuf::from("~bob/x"));
        assert_eq!(typed("/tmp/a~/b"), std::path::PathBuf::from("/tmp/a~/b"));
    }

    #[tokio::test]
    async fn an_endless_attachment_is_refused_at_its_size_limit_before_anything_is_sent() {
        // Nothing listens on port 9: a read past the limit would be followed by a failed
        // upload, not by this message.
        let client = Client::new(crate::api::ClientConfig::new(
            "http://127.0.0.1:9",
            crate::api::Auth::Basic {
                account: "a".into(),
                password: "b".into(),
            },
        ))
        .unwrap();
        let error = upload(&client, std::path::Path::new("/dev/zero"))
            .await
            .unwrap_err();
        assert_eq!(error, "/dev/zero: larger than 64 MiB, the limit");
    }
}
