//! The local ticket store on disk (issue 16): private files, WAL, the schema's migration
//! from version 1, a broken or newer file set aside (kept) and a fresh one made, a partial
//! answer never erasing a full one's fields, reads through the crate's decoder, and two
//! connections writing and reading at once.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use gongdan::api::{IdField, Ticket};
use gongdan::store::{self, Answer, SetAsideReason, Store};
use serde_json::json;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn store_path(dir: &Path) -> std::path::PathBuf {
    store::path_in(
        dir,
        &gongdan::files::owner_name("work", "me@x", "https://h"),
    )
}

fn partial(id: u64, subject: &str, updated: chrono::NaiveDateTime) -> Ticket {
    Ticket {
        id,
        subject: subject.into(),
        url: Some(format!("https://h/api/v1/tickets/{id}.json")),
        created: Some(common::now() - chrono::Duration::days(3)),
        updated: Some(updated),
        ..Ticket::default()
    }
}

#[test]
fn the_store_is_made_private_in_wal_mode_and_reads_back_what_was_put() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    let (mut store, aside) = Store::open(&path).unwrap();
    assert!(aside.is_none());
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(mode(&path), 0o600);
    let tickets: Vec<Ticket> = (1..=5).map(common::ticket).collect();
    let changed = store.put(&tickets, Answer::Full).unwrap();
    assert_eq!(changed, vec![1, 2, 3, 4, 5]);
    // The WAL and its index exist now, and are as private as the database.
    for companion in store::companion_files(&path) {
        assert!(companion.exists(), "{}", companion.display());
        assert_eq!(mode(&companion), 0o600, "{}", companion.display());
    }
    let back = store.get(3).unwrap().unwrap();
    assert_eq!(back.ticket, tickets[2]);
    assert!(back.full);
    assert_eq!(store.counts().unwrap(), (5, 0));
    let order: Vec<u64> = store
        .tickets_by_updated_desc()
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let mut expected = tickets.clone();
    expected.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.id.cmp(&a.id)));
    assert_eq!(order, expected.iter().map(|t| t.id).collect::<Vec<_>>());
    // The same again changes nothing.
    assert!(store.put(&tickets, Answer::Full).unwrap().is_empty());
    assert!(store.size_on_disk() > 0);
}

#[test]
fn unknown_fields_survive_the_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&store_path(dir.path())).unwrap();
    let value = json!({
        "ticketId": 9, "subject": "s", "ticketStatus": "2", "updateDT": "2026-11-29 10:00:00",
        "someFutureField": {"a": [1, 2]}, "servicerUserId": null
    });
    let ticket = gongdan::api::decode::ticket(&value).unwrap();
    store
        .put(std::slice::from_ref(&ticket), Answer::Full)
        .unwrap();
    let back = store.get(9).unwrap().unwrap().ticket;
    assert_eq!(
        back.extra.get("someFutureField"),
        Some(&json!({"a": [1, 2]}))
    );
    // Not known stays not known, never "nobody".
    assert_eq!(back.assignee_id, IdField::Unknown);
    assert_eq!(back, ticket);
}

#[test]
fn a_search_result_never_erases_what_a_full_answer_gave() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&store_path(dir.path())).unwrap();
    let full = common::ticket(7);
    store
        .put(std::slice::from_ref(&full), Answer::Full)
        .unwrap();
    let later = full.updated.unwrap() + chrono::Duration::minutes(5);
    let seen = partial(7, "new subject", later);
    assert_eq!(store.put(&[seen], Answer::Partial).unwrap(), vec![7]);
    let stored = store.get(7).unwrap().unwrap();
    assert!(stored.full);
    assert_eq!(stored.ticket.subject, "new subject");
    assert_eq!(stored.ticket.updated, Some(later));
    // The fields only a full answer gives are kept, and the store says how old they are.
    assert_eq!(stored.ticket.status, full.status);
    assert_eq!(stored.ticket.assignee_id, full.assignee_id);
    assert_eq!(stored.ticket.tags, full.tags);
    assert_eq!(stored.full_updated, full.updated);
    // A ticket seen only in a search is partial; an older answer changes nothing.
    store
        .put(&[partial(8, "only searched", later)], Answer::Partial)
        .unwrap();
    assert_eq!(store.counts().unwrap(), (2, 1));
    let stale = partial(8, "older", later - chrono::Duration::hours(1));
    assert!(store.put(&[stale], Answer::Partial).unwrap().is_empty());
    assert_eq!(
        store.get(8).unwrap().unwrap().ticket.subject,
        "only searched"
    );
    // A full answer then makes it whole.
    let mut whole = common::ticket(8);
    whole.updated = Some(later);
    store.put_from_answer(&whole).unwrap();
    let stored = store.get(8).unwrap().unwrap();
    assert!(stored.full);
    assert_eq!(stored.ticket, whole);
    assert_eq!(store.counts().unwrap(), (2, 0));
}

#[test]
fn a_version_1_file_is_migrated_with_its_columns_filled() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        // Version 1 as it was written: tickets with their JSON, no sort columns.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE tickets (id INTEGER PRIMARY KEY, updated TEXT, kind INTEGER NOT NULL,
                                   raw TEXT NOT NULL);
             CREATE TABLE sync_state (scope TEXT PRIMARY KEY, cursor TEXT, day TEXT,
                                      last_sync INTEGER);
             CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO tickets VALUES (4, '2026-11-29 10:00:00', 1,
               '{\"ticketId\":4,\"subject\":\"旧\",\"ticketStatus\":3,\"servicerUserId\":0,\"tagList\":\"a,b\",\"updateDT\":\"2026-11-29 10:00:00\"}');
             INSERT INTO sync_state VALUES ('list', '2026-11-29 10:00:00', '2026-11-29', 1);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let (store, aside) = Store::open(&path).unwrap();
    assert!(aside.is_none());
    assert_eq!(store.schema_version().unwrap(), store::VERSION);
    assert_eq!(store::VERSION, 2);
    let ticket = store.get(4).unwrap().unwrap();
    assert_eq!(ticket.ticket.subject, "旧");
    assert_eq!(ticket.full_updated, ticket.ticket.updated);
    let cursor = store.sync_state(store::Scope::List).unwrap().cursor;
    assert_eq!(cursor, ticket.ticket.updated);
    drop(store);
    // The columns were filled from the JSON (read here the way a filter would).
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (status, assignee, tags): (i64, i64, String) = conn
        .query_row(
            "SELECT status, assignee, tags FROM tickets WHERE id = 4",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status, assignee, tags.as_str()), (3, 0, "a,b"));
}

#[test]
fn a_file_that_is_not_a_database_is_set_aside_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage = vec![0x5a_u8; 8192];
    std::fs::write(&path, &garbage).unwrap();
    let (mut store, aside) = Store::open(&path).unwrap();
    let aside = aside.unwrap();
    assert!(
        matches!(aside.reason, SetAsideReason::Damaged(_)),
        "{aside:?}"
    );
    assert!(
        aside
            .moved_to
            .to_string_lossy()
            .ends_with(".sqlite3.broken-1")
    );
    assert_eq!(std::fs::read(&aside.moved_to).unwrap(), garbage);
    store.put(&[common::ticket(1)], Answer::Full).unwrap();
    assert_eq!(store.counts().unwrap(), (1, 0));
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_damaged_database_fails_its_check_and_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    {
        let (mut store, _) = Store::open(&path).unwrap();
        let tickets: Vec<Ticket> = (1..=400).map(common::ticket).collect();
        store.put(&tickets, Answer::Full).unwrap();
        // Everything into the main file, so the damage below hits it.
        store.checkpoint().unwrap();
    }
    // Overwrite the middle of the file (the tickets' pages), keeping its header.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16_384);
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle - 4096..middle + 4096] {
        *byte = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (store, aside) = Store::open(&path).unwrap();
    let aside = aside.unwrap();
    assert!(
        matches!(
            aside.reason,
            SetAsideReason::FailedCheck(_) | SetAsideReason::Damaged(_)
        ),
        "{aside:?}"
    );
    assert!(aside.moved_to.exists());
    assert_eq!(store.counts().unwrap(), (0, 0));
}

#[test]
fn the_console_opens_without_reading_every_page_and_the_whole_check_still_sets_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    {
        let (mut store, _) = Store::open(&path).unwrap();
        let tickets: Vec<Ticket> = (1..=400).map(common::ticket).collect();
        store.put(&tickets, Answer::Full).unwrap();
        store.checkpoint().unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle - 4096..middle + 4096] {
        *byte = 0xff;
    }
    std::fs::write(&path, &bytes).unwrap();
    // The console's open reads the header and the schema only: the file is used as it is
    // (a first page must not wait for a read of the whole file)...
    let (store, aside) = Store::open_for_reading(&path).unwrap();
    assert!(aside.is_none(), "{aside:?}");
    // ...and a damaged page read is an error, not a crash or a wrong answer.
    assert!(store.counts().is_err() || store.tickets_by_updated_desc().is_err());
    drop(store);
    // The sync's open reads every page and sets the file aside.
    let (store, aside) = Store::open(&path).unwrap();
    assert!(aside.is_some());
    assert_eq!(store.counts().unwrap(), (0, 0));
}

#[test]
fn a_schema_newer_than_this_build_is_set_aside_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    // A broken copy from before is kept too: the next number is taken.
    let mut first = path.as_os_str().to_owned();
    first.push(".broken-1");
    std::fs::write(&first, b"older").unwrap();
    let (store, aside) = Store::open(&path).unwrap();
    let aside = aside.unwrap();
    assert_eq!(aside.reason, SetAsideReason::NewerSchema(99));
    assert!(aside.moved_to.to_string_lossy().ends_with(".broken-2"));
    assert_eq!(std::fs::read(&first).unwrap(), b"older");
    assert_eq!(store.schema_version().unwrap(), store::VERSION);
}

#[test]
fn a_store_that_cannot_be_opened_is_an_error_not_a_reason_to_set_it_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    // Something not ours in the way (a folder where the file goes): a typed error, and
    // the thing stays as it was.
    std::fs::create_dir_all(path.join("inside")).unwrap();
    let before = mode(&path);
    let error = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            error,
            store::StoreError::Sqlite(_) | store::StoreError::Io { .. }
        ),
        "{error:?}"
    );
    assert!(path.join("inside").is_dir());
    assert_eq!(mode(&path), before);
    let mut aside = path.as_os_str().to_owned();
    aside.push(".broken-1");
    assert!(!Path::new(&aside).exists());
}

#[test]
fn two_connections_write_and_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    let (mut first, _) = Store::open(&path).unwrap();
    let (mut second, _) = Store::open(&path).unwrap();
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            let (mut third, _) = Store::open(&path).unwrap();
            for id in 1000..1200 {
                third.put(&[common::ticket(id)], Answer::Full).unwrap();
            }
        })
    };
    for id in 1..=200 {
        first.put(&[common::ticket(id)], Answer::Full).unwrap();
        second
            .put(&[common::ticket(id + 500)], Answer::Full)
            .unwrap();
        // Each reads while the others write.
        assert!(second.counts().unwrap().0 >= id);
    }
    writer.join().unwrap();
    assert_eq!(first.counts().unwrap(), (600, 0));
    assert_eq!(second.tickets_by_updated_desc().unwrap().len(), 600);
}

#[test]
fn clearing_removes_every_file_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path());
    let (mut store, _) = Store::open(&path).unwrap();
    store.put(&[common::ticket(1)], Answer::Full).unwrap();
    drop(store);
    let mut aside = path.as_os_str().to_owned();
    aside.push(".broken-1");
    std::fs::write(&aside, b"x").unwrap();
    let removed = store::remove_files(&path).unwrap();
    assert!(removed.contains(&path));
    assert!(removed.iter().any(|p| p.as_os_str() == aside));
    assert!(!path.exists());
    assert!(
        std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn several_processes_opening_a_new_store_at_once_migrate_it_once() {
    for _round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = store_path(dir.path());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let openers: Vec<_> = (0..6)
            .map(|i| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let (mut store, aside) = Store::open(&path).unwrap();
                    assert!(aside.is_none());
                    store.put(&[common::ticket(i + 1)], Answer::Full).unwrap();
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap();
        }
        let (store, _) = Store::open(&path).unwrap();
        assert_eq!(store.counts().unwrap(), (6, 0));
        assert_eq!(store.schema_version().unwrap(), store::VERSION);
    }
}
