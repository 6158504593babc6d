//! The open ticket's files (issue 17, item 8): the one selected (`a` steps through them), its
//! download (`d`: the worker writes it to the download folder, never over a file, and
//! reports progress) and its link copied (`L`, OSC 52 through [`Command::Copy`]).
//!
//! The list is read from the ticket each time ([`files`]), so it follows the ticket as the
//! server's answers replace it; the selection is an index kept per ticket and clamped.

use std::path::PathBuf;

use super::action::{Command, RequestId};
use super::notice::Note;
use super::state::{App, Notice};
use crate::api::{ApiError, TicketFile, ticket_files};

/// What the files' keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilesAction {
    /// The next file of the open ticket (wrapping).
    Next,
    /// Download the selected file.
    Download,
    /// Copy the selected file's link.
    CopyLink,
}

/// The selection and the downloads under way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilesState {
    /// The open ticket's selected file: (ticket, index).
    pub(crate) selected: Option<(u64, usize)>,
    /// Downloads not finished, oldest first.
    pub downloads: Vec<Download>,
}

/// One download under way.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub id: RequestId,
    pub name: String,
    pub done: u64,
    /// What the file host announced; `None` until it does (or when it does not).
    pub total: Option<u64>,
}

/// What the worker is asked to fetch: `url` into `dir` as `name` (or `name (1)` ...).
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadRequest {
    pub id: RequestId,
    pub url: String,
    pub name: String,
    pub dir: PathBuf,
}

/// The worker's news of a download.
#[derive(Debug, Clone, PartialEq)]
pub enum DownloadEvent {
    Progress {
        id: RequestId,
        done: u64,
        total: Option<u64>,
    },
    /// Written whole, at this path.
    Done { id: RequestId, path: PathBuf },
    Failed {
        id: RequestId,
        error: DownloadFailure,
    },
}

/// Why a download failed, as data the view words.
#[derive(Debug, Clone, PartialEq)]
pub enum DownloadFailure {
    /// The file host or the network.
    Api(ApiError),
    /// Writing the file (the system's words) at this folder.
    File { dir: PathBuf, error: String },
    /// Not an http(s) link.
    BadLink,
    /// The file host refused the link (this HTTP status).
    Refused(u16),
}

/// The files' notices.
#[derive(Debug, Clone, PartialEq)]
pub enum FilesNote {
    /// No ticket open, or it has no files (or none known yet).
    NoFiles,
    /// The file has no link (an upload token only): nothing to fetch or copy.
    NoLink(Option<String>),
    /// No download folder could be found (no home directory, none configured).
    NoFolder,
    Started(String),
    Done {
        name: String,
        path: String,
    },
    Failed {
        name: String,
        error: DownloadFailure,
    },
    LinkCopied(Option<String>),
}

/// The files of a ticket, in the order the detail lists them: the description's, then each
/// attachment field's (type 12 by the field definitions).
pub fn files(app: &App, ticket_id: u64) -> Vec<TicketFile> {
    // Without the description: this runs on every frame of the detail, and a long mail
    // thread's description is megabytes.
    let Some((ticket, _)) = app.tickets.get_lean(&ticket_id) else {
        return Vec::new();
    };
    ticket_files(&ticket, |key| {
        app.lookups
            .field_def(key)
            .is_some_and(|def| def.kind == crate::api::attachments::ATTACHMENT_FIELD)
    })
}

/// The selected file's index for the open ticket (0 when none was chosen), if it has files.
pub fn selected(app: &App) -> Option<usize> {
    let detail = app.detail.as_ref()?;
    selected_of(app, detail.ticket_id, files(app, detail.ticket_id).len())
}

/// [`selected`] for ticket `ticket_id` with `count` files (the view has the list already).
pub(crate) fn selected_of(app: &App, ticket_id: u64, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let index = match app.files.selected {
        Some((ticket, index)) if ticket == ticket_id => index,
        _ => 0,
    };
    Some(index.min(count - 1))
}

pub(crate) fn update(app: &mut App, action: FilesAction, out: &mut Vec<Command>) {
    let Some(ticket_id) = app.detail.as_ref().map(|d| d.ticket_id) else {
        return note(app, FilesNote::NoFiles, false);
    };
    let list = files(app, ticket_id);
    let Some(index) = selected(app) else {
        return note(app, FilesNote::NoFiles, false);
    };
    match action {
        FilesAction::Next => {
            app.files.selected = Some((ticket_id, (index + 1) % list.len()));
        }
        FilesAction::Download => download(app, &list[index], out),
        FilesAction::CopyLink => match &list[index].url {
            Some(url) => {
                out.push(Command::Copy(url.clone()));
                note(app, FilesNote::LinkCopied(list[index].name.clone()), false);
            }
            None => note(app, FilesNote::NoLink(list[index].name.clone()), true),
        },
    }
}

/// The name a file is saved under when the server gave none.
const UNNAMED: &str = "attachment";

fn download(app: &mut App, file: &TicketFile, out: &mut Vec<Command>) {
    let Some(url) = &file.url else {
        return note(app, FilesNote::NoLink(file.name.clone()), true);
    };
    let Some(dir) = app.settings.download_dir.clone() else {
        return note(app, FilesNote::NoFolder, true);
    };
    let name = file.name.clone().unwrap_or_else(|| UNNAMED.to_string());
    let id = app.request_id();
    app.files.downloads.push(Download {
        id,
        name: name.clone(),
        done: 0,
        total: file.size,
    });
    out.push(Command::Download(DownloadRequest {
        id,
        url: url.clone(),
        name: name.clone(),
        dir,
    }));
    note(app, FilesNote::Started(name), false);
}

/// The worker's news: progress kept for the status line, the end said.
pub(crate) fn event(app: &mut App, event: DownloadEvent) {
    match event {
        DownloadEvent::Progress { id, done, total } => {
            if let Some(download) = app.files.downloads.iter_mut().find(|d| d.id == id) {
                download.done = done;
                download.total = total.or(download.total);
            }
        }
        DownloadEvent::Done { id, path } => {
            if let Some(download) = take(app, id) {
                let path = path.display().to_string();
                note(
                    app,
                    FilesNote::Done {
                        name: download.name,
                        path,
                    },
                    false,
                );
            }
        }
        DownloadEvent::Failed { id, error } => {
            if let Some(download) = take(app, id) {
                let name = download.name;
                note(app, FilesNote::Failed { name, error }, true);
            }
        }
    }
}

fn take(app: &mut App, id: RequestId) -> Option<Download> {
    let at = app.files.downloads.iter().position(|d| d.id == id)?;
    Some(app.files.downloads.remove(at))
}

fn note(app: &mut App, note: FilesNote, is_error: bool) {
    app.notice = Some(Notice {
        note: Note::Files(note),
        is_error,
    });
}
