//! A ticket's files (issue 17, item 8): `descriptattachments` in both shapes and attachment
//! fields read from fixtures; downloads from the sandbox's file host (a second listener)
//! carry no credentials; an upload's token goes into a reply and the sandbox records it.

#![allow(clippy::unwrap_used)]

mod common;

use gongdan::api::{AsyncSink, Downloader, TicketChange, TicketFile, decode, ticket_files};
use gongdan::sandbox::{Route, SandboxOptions};

fn fixture(name: &str) -> gongdan::api::Ticket {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    decode::show(&std::fs::read(path).unwrap())
        .unwrap()
        .unwrap()
}

#[test]
fn the_array_shape_and_an_attachment_field_give_every_file_with_what_is_known() {
    let ticket = fixture("ticket_attachments_array.json");
    // field_4 is an attachment field (type 12); field_1 is not, though it holds a link.
    let files = ticket_files(&ticket, |key| key == "field_4");
    assert_eq!(files.len(), 6, "{files:#?}");
    assert_eq!(
        files[0],
        TicketFile {
            name: Some("截图.png".into()),
            size: Some(2048),
            url: Some("https://files.example.com/attach/desc-501.png".into()),
            token: None,
            id: Some(11),
            field: None,
        }
    );
    // A hostile name: no separator, no control, no leading dot; its size is not known.
    let hostile = files[1].name.clone().unwrap();
    assert!(
        !hostile.contains('/') && !hostile.contains('\\'),
        "{hostile}"
    );
    assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
    assert!(!hostile.starts_with('.'), "{hostile}");
    assert_eq!(files[1].size, None);
    // A token without a link, and a link that is not http(s): nothing to fetch.
    assert_eq!(files[2].url, None);
    assert_eq!(files[2].token.as_deref(), Some("tok-only"));
    assert_eq!(files[3].url, None);
    assert_eq!(files[3].name.as_deref(), Some("script.txt"));
    // The field's parts: a link named by its last segment, and a bare token.
    assert_eq!(files[4].field.as_deref(), Some("field_4"));
    assert_eq!(files[4].name.as_deref(), Some("0a1b2c3d.jpg"));
    assert_eq!(files[4].size, None);
    assert_eq!(files[5].token.as_deref(), Some("9f8e7d6c5b4a"));
    assert_eq!(files[5].url, None);
}

#[test]
fn the_object_shape_is_read_in_the_order_of_its_ids() {
    let ticket = fixture("ticket_attachments_object.json");
    let files = ticket_files(&ticket, |_| false);
    let seen: Vec<(Option<u64>, Option<&str>, Option<u64>)> = files
        .iter()
        .map(|f| (f.id, f.name.as_deref(), f.size))
        .collect();
    assert_eq!(
        seen,
        vec![
            (Some(7), Some("合同.docx"), Some(5120)),
            (Some(10), Some("发票 2.pdf"), None),
        ]
    );
}

#[test]
fn no_attachments_field_and_an_empty_list_are_no_files() {
    let mut ticket = fixture("ticket_attachments_object.json");
    ticket.live.description_attachments = None;
    assert!(ticket_files(&ticket, |_| true).is_empty());
    ticket.live.description_attachments = Some(serde_json::json!([]));
    assert!(ticket_files(&ticket, |_| true).is_empty());
}

/// Collects a download in memory.
#[derive(Default)]
struct Collect {
    bytes: Vec<u8>,
    totals: Vec<Option<u64>>,
}

impl AsyncSink for &mut Collect {
    async fn write(&mut self, chunk: &[u8], _done: u64, total: Option<u64>) -> std::io::Result<()> {
        self.bytes.extend_from_slice(chunk);
        self.totals.push(total);
        Ok(())
    }
}

fn downloader() -> Downloader {
    Downloader::new(std::time::Duration::from_secs(10), None).unwrap()
}

#[tokio::test]
async fn a_seeded_file_downloads_from_another_host_without_credentials() {
    let sandbox = gongdan::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let client = common::admin_client(&sandbox);
    // Seeded tickets whose id ends in 3 list one sized file.
    let ticket = client.show(3).await.unwrap();
    let files = ticket_files(&ticket, |_| false);
    assert_eq!(files.len(), 1, "{files:#?}");
    let url = files[0].url.clone().unwrap();
    assert!(url.starts_with(&sandbox.files_url()), "{url}");
    assert_ne!(sandbox.files_url(), sandbox.base_url());
    let mut sink = Collect::default();
    let read = downloader().fetch(&url, &mut sink).await.unwrap();
    assert_eq!(Some(read), files[0].size);
    assert_eq!(sink.bytes.len() as u64, read);
    assert!(sink.bytes.starts_with(b"gongdan sandbox file desc-3.png"));
    assert_eq!(sink.totals.last(), Some(&Some(read)));
    let requests = sandbox.requests();
    let file_requests: Vec<_> = requests.iter().filter(|r| r.route == Route::File).collect();
    assert_eq!(file_requests.len(), 1);
    assert!(!file_requests[0].had_authorization);
    // The API calls did carry it: the recording tells the two apart.
    assert!(
        requests
            .iter()
            .any(|r| r.route == Route::Show && r.had_authorization)
    );
}

#[tokio::test]
async fn a_redirect_to_the_api_host_brings_no_credentials_there() {
    let sandbox = gongdan::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let mut sink = Collect::default();
    let link = format!("{}/redirect/api/v1/tickets/1_v2.json", sandbox.files_url());
    let error = downloader().fetch(&link, &mut sink).await.unwrap_err();
    // The API asks for credentials the download client does not have.
    assert!(
        matches!(error, gongdan::api::DownloadError::Refused(401)),
        "{error:?}"
    );
    let requests = sandbox.requests();
    let show = requests.iter().find(|r| r.route == Route::Show).unwrap();
    assert!(!show.had_authorization);
    assert!(sink.bytes.is_empty());
}

#[tokio::test]
async fn a_missing_file_is_not_found_and_a_bad_link_is_refused_before_sending() {
    let sandbox = gongdan::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let mut sink = Collect::default();
    let missing = format!("{}/nothing/here", sandbox.files_url());
    let error = downloader().fetch(&missing, &mut sink).await.unwrap_err();
    assert!(
        matches!(
            error,
            gongdan::api::DownloadError::Api(gongdan::api::ApiError::NotFound(_))
        ),
        "{error:?}"
    );
    let error = downloader()
        .fetch("file:///etc/passwd", &mut sink)
        .await
        .unwrap_err();
    assert!(matches!(error, gongdan::api::DownloadError::BadLink));
    assert!(sink.bytes.is_empty());
}

#[tokio::test]
async fn an_upload_token_goes_into_the_reply_and_the_sandbox_records_and_serves_it() {
    let sandbox = gongdan::sandbox::start(SandboxOptions::default())
        .await
        .unwrap();
    let client = common::admin_client(&sandbox);
    let attachment = client
        .upload("日志.txt", b"line one\nline two\n".to_vec(), None)
        .await
        .unwrap();
    let change = TicketChange {
        reply: Some(gongdan::api::Reply {
            message: "见附件".into(),
            attachments: vec![attachment.token.clone()],
        }),
        ..Default::default()
    };
    client.update(5, &change).await.unwrap();
    // The update's body carried the token under ticketReply.attachments...
    let replies = sandbox.replies(5);
    let last = replies.last().unwrap();
    assert_eq!(last["attachments"][0]["token"], attachment.token.as_str());
    assert_eq!(last["attachments"][0]["fileName"], "日志.txt");
    assert_eq!(last["attachments"][0]["size"], 18);
    // ...and the attachment call names it, with a link on the file host.
    let id = attachment.id.unwrap();
    let url = format!("{}/api/v1/attachments/{id}.json", sandbox.base_url());
    let answer: serde_json::Value = reqwest::Client::new()
        .get(&url)
        .basic_auth("admin@example.com", Some("admin-pass"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let one = &answer["attachment"];
    assert_eq!(one["token"], attachment.token.as_str());
    assert_eq!(one["ticketReplyId"], last["ticketReplyId"]);
    let link = one["filePath"].as_str().unwrap();
    assert!(link.starts_with(&sandbox.files_url()), "{link}");
    let mut sink = Collect::default();
    assert_eq!(downloader().fetch(link, &mut sink).await.unwrap(), 18);
}
