//! A sandbox whose writes survive a restart (`--demo` keeps one in its state directory).
//!
//! The seed is deterministic, so only what changed after seeding is kept: an append-only
//! file of JSON lines, one per applied write, replayed over the same seed at start. Every
//! answer to a write is sent only after its lines were written and fsynced, so a client
//! that saw an answer (and journaled it) never finds the write missing after a kill -9.
//!
//! Lines (`op` tells which):
//! - `{"op":"seed","seed":1,"tickets":500}`: the first line; a file made from other seed
//!   options is set aside (renamed `.old`) and a new one started.
//! - `{"op":"update","id":7,"change":{...},"actor":1,"at":"2026-11-29 14:00:00"}`: one
//!   ticket of an update or an update many, as applied.
//! - `{"op":"create","request":{...},"actor":1,"at":"..."}`: a ticket created.
//! - `{"op":"busy","ids":[3,53]}`: injected "being edited" failures spent on these tickets.
//! - `{"op":"upload","token":"…","attach_id":1,"file_name":"a.png","size":3}`: an upload
//!   (its token, so that a kept reply naming it replays).
//!
//! Not kept: Bearer tokens, `Requestid`s and passwords changed at run time.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use super::changes;
use super::seed::{DATE_FORMAT, format_dt};
use super::store::{Store, Upload};
use super::{Quirks, SandboxOptions};

/// The open state file, appended to under the store's lock.
pub(crate) struct StateLog {
    file: File,
    path: PathBuf,
}

/// One write to keep.
pub(crate) enum Line<'a> {
    Update {
        id: u64,
        change: &'a Map<String, Value>,
        actor: u64,
        at: NaiveDateTime,
    },
    Create {
        request: &'a Map<String, Value>,
        actor: u64,
        at: NaiveDateTime,
    },
    Busy {
        ids: &'a [u64],
    },
    Upload {
        token: &'a str,
        upload: &'a Upload,
    },
}

impl Line<'_> {
    fn to_json(&self) -> Value {
        match self {
            Line::Update {
                id,
                change,
                actor,
                at,
            } => json!({"op": "update", "id": id, "change": change, "actor": actor,
                "at": format_dt(*at)}),
            Line::Create { request, actor, at } => {
                json!({"op": "create", "request": request, "actor": actor,
                "at": format_dt(*at)})
            }
            Line::Busy { ids } => json!({"op": "busy", "ids": ids}),
            Line::Upload { token, upload } => json!({"op": "upload", "token": token,
                "attach_id": upload.attach_id, "file_name": upload.file_name,
                "size": upload.size}),
        }
    }
}

fn header(opts: &SandboxOptions) -> Value {
    json!({"op": "seed", "seed": opts.seed, "tickets": opts.tickets})
}

impl StateLog {
    /// Replays `path` (if it exists and was made from the same seed options) into `store`,
    /// then opens it for appending. Returns how many injected failures were already spent.
    pub(crate) fn open(
        path: &Path,
        opts: &SandboxOptions,
        store: &mut Store,
    ) -> std::io::Result<(StateLog, usize)> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut spent = 0;
        let mut fresh = true;
        if let Ok(file) = File::open(path) {
            let mut lines = BufReader::new(file).lines();
            let first = lines
                .next()
                .and_then(Result::ok)
                .and_then(|line| serde_json::from_str::<Value>(&line).ok());
            if first.as_ref() == Some(&header(opts)) {
                fresh = false;
                for line in lines {
                    // A line cut short by a kill is the last one: its answer was never sent.
                    let Ok(line) = line else { break };
                    let Ok(value) = serde_json::from_str::<Value>(&line) else {
                        break;
                    };
                    spent += replay(store, &value, &opts.quirks);
                }
            } else {
                let old = path.with_extension("jsonl.old");
                tracing::warn!(
                    "sandbox state {} was made from other seed options; moved to {}",
                    path.display(),
                    old.display()
                );
                std::fs::rename(path, &old)?;
            }
        }
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        if fresh {
            writeln!(file, "{}", header(opts))?;
            file.sync_all()?;
        }
        Ok((
            StateLog {
                file,
                path: path.to_path_buf(),
            },
            spent,
        ))
    }

    /// Appends `lines` and fsyncs, before the answer that reports them is sent. A failed
    /// write is logged: the in-memory store already holds the change.
    pub(crate) fn append(&mut self, lines: &[Line<'_>]) {
        if lines.is_empty() {
            return;
        }
        let mut text = String::new();
        for line in lines {
            text.push_str(&line.to_json().to_string());
            text.push('\n');
        }
        let written = self
            .file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data());
        if let Err(err) = written {
            tracing::warn!("sandbox state {}: write failed: {err}", self.path.display());
        }
    }
}

/// Applies one kept line; answers how many injected failures it spent.
fn replay(store: &mut Store, line: &Value, quirks: &Quirks) -> usize {
    let at = line
        .get("at")
        .and_then(Value::as_str)
        .and_then(|at| NaiveDateTime::parse_from_str(at, DATE_FORMAT).ok())
        .unwrap_or_else(changes::now);
    let actor = line.get("actor").and_then(Value::as_u64).unwrap_or(0);
    let outcome = match line.get("op").and_then(Value::as_str) {
        Some("update") => {
            let id = line.get("id").and_then(Value::as_u64).unwrap_or(0);
            let change = line
                .get("change")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            changes::update_at(store, id, &change, actor, quirks, at).map(|()| 0)
        }
        Some("create") => {
            let request = line
                .get("request")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            changes::create_at(store, &request, actor, at).map(|_| 0)
        }
        Some("upload") => {
            let token = line.get("token").and_then(Value::as_str).unwrap_or("");
            let attach_id = line.get("attach_id").and_then(Value::as_u64).unwrap_or(0);
            store.next_attach_id = store.next_attach_id.max(attach_id + 1);
            store.uploads.insert(
                token.to_owned(),
                Upload {
                    attach_id,
                    file_name: line
                        .get("file_name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    size: line
                        .get("size")
                        .and_then(Value::as_u64)
                        .and_then(|size| usize::try_from(size).ok())
                        .unwrap_or(0),
                },
            );
            Ok(0)
        }
        Some("busy") => Ok(line
            .get("ids")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)),
        _ => Ok(0),
    };
    outcome.unwrap_or_else(|err| {
        tracing::warn!("sandbox state: a kept write no longer applies: {err}");
        0
    })
}
