//! The neighbouring calls: lookups (fields, agents, groups, contacts, companies,
//! templates), uploads and the token call.

use bytes::Bytes;

use super::body::Body;
use http::{HeaderMap, Response, StatusCode};
use serde_json::{Value, json};

use super::auth;
use super::render;
use super::routes::{Call, error, json_response};
use super::store::{Upload, join_ids};
use super::{Route, Shared, lock};

/// The neighbouring lookups: fields, agents, groups, contacts, companies, templates.
pub(crate) fn lookup(call: &Call<'_>) -> Response<Body> {
    let quirks = call.shared.opts.quirks;
    let store = lock(&call.shared.store);
    let id = call.target.id;
    let not_found = |what: &str| {
        error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("{what} not found"),
        )
    };
    let mut body = match call.target.route {
        Route::TicketFields => Value::Array(store.fields.iter().map(|def| def.to_json()).collect()),
        Route::Supports => json!({
            "supports": store.agents.iter().map(|agent| store.agent_json(agent)).collect::<Vec<_>>()
        }),
        Route::Support => match store.agent(id) {
            Some(agent) => json!({ "support": store.agent_json(agent) }),
            None => return not_found("support"),
        },
        Route::SupportGroup if id == 0 => json!({
            "supportgroups": store.groups.iter()
                .map(|group| json!({"sgId": group.id, "sgName": group.name}))
                .collect::<Vec<_>>()
        }),
        Route::SupportGroup => match store.group(id) {
            Some(group) => {
                let members: Vec<u64> = store
                    .agents
                    .iter()
                    .filter(|agent| agent.group_ids.contains(&id))
                    .map(|agent| agent.id)
                    .collect();
                json!({"supportgroup": {
                    "sgId": group.id,
                    "sgName": group.name,
                    "members": join_ids(&members),
                }})
            }
            None => return not_found("supportgroup"),
        },
        Route::User => match store.contacts.get(&id) {
            Some(contact) => json!({ "user": store.contact_json(contact) }),
            None => return not_found("user"),
        },
        Route::Company => match store.companies.get(&id) {
            Some(company) => json!({ "company": store.company_json(company) }),
            None => return not_found("company"),
        },
        Route::TicketTemplates => json!({
            "tickettemplates": store.templates.iter()
                .map(|template| store.template_json(template)).collect::<Vec<_>>()
        }),
        _ => return not_found("resource"),
    };
    if quirks.string_numbers {
        render::stringify_numbers(&mut body);
    }
    json_response(StatusCode::OK, &body)
}

/// `POST /api/v1/uploads.json?filename=NAME&ticketReplyId=ID` with the raw file as body.
pub(crate) fn upload(call: &Call<'_>) -> Response<Body> {
    let Some(file_name) = call
        .param("filename")
        .map(str::trim)
        .filter(|name| !name.is_empty())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "filename is required",
        );
    };
    let file_name = file_name.to_owned();
    let mut store = lock(&call.shared.store);
    let attach_id = store.next_attach_id;
    store.next_attach_id += 1;
    let token = uuid::Uuid::new_v4().simple().to_string();
    let file_path = upload_path(&call.shared.files_url, &token, &file_name);
    let upload = Upload {
        attach_id,
        file_name: file_name.clone(),
        size: call.body.len(),
    };
    if let Some(log) = store.state_log.as_mut() {
        log.append(&[super::persist::Line::Upload {
            token: &token,
            upload: &upload,
        }]);
    }
    store.uploads.insert(token.clone(), upload);
    json_response(
        StatusCode::CREATED,
        &json!({"attachment": {
            "attachId": attach_id,
            "fileName": file_name,
            "filePath": file_path,
            "token": token,
            "size": call.body.len(),
        }}),
    )
}

/// Where an upload is served: the file host, under its token.
fn upload_path(files_url: &str, token: &str, file_name: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    format!("{files_url}/uploads/{token}/{encoded}")
}

/// `GET /api/v1/attachments/{id}.json`: one upload, as the vendor's attachments page shows
/// it (`attachId`, `ticketReplyId`, `fileName`, `filePath` on the file host, `token`).
pub fn attachment(call: &Call<'_>) -> Response<Body> {
    let store = lock(&call.shared.store);
    let found = store
        .uploads
        .iter()
        .find(|(_, upload)| upload.attach_id == call.target.id);
    let Some((token, upload)) = found else {
        return error(StatusCode::NOT_FOUND, "NotFound", "attachment not found");
    };
    // The reply it was sent with, when one was.
    let reply_id = store.reply_of_attachment(upload.attach_id);
    json_response(
        StatusCode::OK,
        &json!({"attachment": {
            "attachId": upload.attach_id,
            "ticketReplyId": reply_id.unwrap_or(0),
            "fileName": upload.file_name,
            "filePath": upload_path(&call.shared.files_url, token, &upload.file_name),
            "token": token,
        }}),
    )
}

/// `POST /api/token.php`: Basic SecretID:Secret, form `grant_type=client_credentials`.
pub fn token(
    shared: &Shared,
    headers: &HeaderMap,
    query: &[(String, String)],
    body: &Bytes,
) -> Response<Body> {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let grant = form
        .iter()
        .chain(query.iter())
        .find(|(key, _)| key == "grant_type")
        .map(|(_, value)| value.as_str());
    if grant != Some("client_credentials") {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "unsupported_grant_type", "message": "grant_type must be client_credentials"}),
        );
    }
    let Some((user, password)) = auth::basic_credentials(headers) else {
        return json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_client", "message": "Basic SecretID:Secret required"}),
        );
    };
    let mut store = lock(&shared.store);
    match auth::issue_token(&shared.opts, &mut store, &user, &password) {
        Some((token, ttl)) => json_response(
            StatusCode::OK,
            &json!({
                "access_token": token,
                "expires_in": ttl.as_secs(),
                "token_type": "Bearer",
            }),
        ),
        None => json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_client", "message": "invalid SecretID or Secret"}),
        ),
    }
}
