//! Dispatch: resolving the path (the `.json` suffix is optional), recording the request,
//! applying faults, authenticating, checking the role, then calling the handler.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use futures::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;

use super::auth::{self, Role};
use super::body::{self, Body};
use super::faults::{Decision, SERVER_ERROR_HTML};
use super::{RecordedRequest, Route, Shared, lock, lookups, tickets};

/// A resolved path: the route and the id in it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub(crate) route: Route,
    pub(crate) id: u64,
}

/// Maps method and path to a route. The `.json` suffix of the last segment is optional.
pub fn resolve(method: &Method, path: &str) -> Target {
    let mut segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    if let Some(last) = segments.last_mut() {
        *last = last.strip_suffix(".json").unwrap_or(last);
    }
    let unknown = Target {
        route: Route::Unknown,
        id: 0,
    };
    let at = |route: Route| Target { route, id: 0 };
    let with_id = |route: Route, id: &str| match id.parse::<u64>() {
        Ok(id) => Target { route, id },
        Err(_) => unknown,
    };
    let get = method == Method::GET;
    let post = method == Method::POST;
    let put = method == Method::PUT;
    match segments.as_slice() {
        ["api", "token.php" | "token"] if post => at(Route::Token),
        ["api", "v1", rest @ ..] => match rest {
            ["tickets"] if get => at(Route::List),
            ["tickets"] if post => at(Route::Create),
            ["tickets", "show_many"] if get => at(Route::ShowMany),
            ["tickets", "search"] if get => at(Route::Search),
            ["tickets", "update_many"] if put => at(Route::UpdateMany),
            ["tickets", "ticket_fields"] if get => at(Route::TicketFields),
            ["tickets", id, "replies"] if get => with_id(Route::Replies, id),
            ["tickets", id] if get => match id.strip_suffix("_v2") {
                Some(id) => with_id(Route::Show, id),
                None => with_id(Route::ShowLegacy, id),
            },
            ["tickets", id] if put => with_id(Route::Update, id),
            ["companies", id, "tickets"] if get => with_id(Route::CompanyTickets, id),
            ["users", id, "tickets"] if get => with_id(Route::ContactTickets, id),
            ["supports"] if get => at(Route::Supports),
            ["supports", id] if get => with_id(Route::Support, id),
            ["supportgroups"] if get => at(Route::SupportGroup),
            ["supportgroups", id] if get => with_id(Route::SupportGroup, id),
            ["users", id] if get => with_id(Route::User, id),
            ["companies", id] if get => with_id(Route::Company, id),
            ["tickettemplates"] if get => at(Route::TicketTemplates),
            ["uploads"] if post => at(Route::Upload),
            ["attachments", id] if get => with_id(Route::Attachment, id),
            _ => unknown,
        },
        _ => unknown,
    }
}

fn admin_only(route: Route) -> bool {
    matches!(
        route,
        Route::List
            | Route::CompanyTickets
            | Route::ContactTickets
            | Route::Show
            | Route::ShowLegacy
            | Route::ShowMany
            | Route::Create
    )
}

/// What a handler sees of one request.
pub(crate) struct Call<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) target: Target,
    /// The path as requested (for building `next_page`).
    pub(crate) path: String,
    /// Query pairs in the order sent.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) role: Role,
}

impl Call<'_> {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The id of the agent behind the credentials (1 the admin, 2 the ordinary agent).
    pub(crate) fn actor_id(&self) -> u64 {
        let email = match self.role {
            Role::Admin => &self.shared.opts.admin.account,
            Role::Agent => &self.shared.opts.agent.account,
        };
        lock(&self.shared.store)
            .agent_by_email(email)
            .map_or(0, |agent| agent.id)
    }
}

pub(crate) async fn dispatch(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    request: Request<Body>,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let target = resolve(&parts.method, parts.uri.path());
    let request_id = parts
        .headers
        .get("requestid")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    lock(&shared.log).push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
        route: target.route,
        had_authorization: parts.headers.contains_key("authorization"),
        request_id,
    });

    let _in_flight = is_write(target.route).then(|| WriteInFlight::new(&shared));
    let (wait, decision) = lock(&shared.faults).decide();
    if decision == Decision::Proceed && is_write(target.route) {
        // A write that reached the server is handled to the end even if the client goes
        // away meanwhile (a killed process, a cut link), as a deployed server does: the
        // body is read first, then the wait and the write run in a task of their own that
        // outlives the connection.
        let Ok(bytes) = body::to_bytes(body, 64 * 1024 * 1024).await else {
            return error(StatusCode::BAD_REQUEST, "BadRequest", "unreadable body");
        };
        let task = tokio::spawn(async move {
            // Counted until the write is done, even when the connection goes first.
            let _in_flight = _in_flight;
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            handle(&shared, target, parts, body::full(bytes)).await
        });
        return match task.await {
            Ok(response) => response,
            Err(_) => server_error(),
        };
    }
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    match decision {
        Decision::Proceed => {}
        Decision::Drop => {
            kill.notify_one();
            // The connection task drops this future together with the connection.
            return std::future::pending().await;
        }
        Decision::DropAfterHandling => {
            let _unsent = handle(&shared, target, parts, body).await;
            kill.notify_one();
            return std::future::pending().await;
        }
        Decision::ServerError => return server_error(),
        Decision::TooManyRequests(secs) => return too_many_requests(secs),
        Decision::Truncate => {
            let response = handle(&shared, target, parts, body).await;
            return truncate(response).await;
        }
    }
    handle(&shared, target, parts, body).await
}

/// A write counted in [`Shared::writes_in_flight`] while it lives.
struct WriteInFlight(Arc<Shared>);

impl WriteInFlight {
    fn new(shared: &Arc<Shared>) -> WriteInFlight {
        shared.writes_in_flight.fetch_add(1, Ordering::SeqCst);
        WriteInFlight(shared.clone())
    }
}

impl Drop for WriteInFlight {
    fn drop(&mut self) {
        self.0.writes_in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The calls that change the server's state.
fn is_write(route: Route) -> bool {
    matches!(route, Route::Create | Route::Update | Route::UpdateMany)
}

async fn handle(
    shared: &Shared,
    target: Target,
    parts: http::request::Parts,
    body: Body,
) -> Response<Body> {
    let quirks = shared.opts.quirks;
    let body = match body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(body) => body,
        Err(_) => return error(StatusCode::BAD_REQUEST, "BadRequest", "unreadable body"),
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();

    if target.route == Route::Token {
        return lookups::token(shared, &parts.headers, &query, &body);
    }
    let role = {
        let store = lock(&shared.store);
        auth::authenticate(&shared.opts, &store, &parts.headers)
    };
    let role = match role {
        Ok(role) => role,
        Err(denied) => return unauthorized(denied.message()),
    };
    if target.route == Route::Unknown {
        return if quirks.errors_in_200 {
            json_response(
                StatusCode::OK,
                &json!({"errcode": "100047", "errmsg": "Invalid resource URI"}),
            )
        } else {
            error(StatusCode::NOT_FOUND, "NotFound", "Invalid resource URI")
        };
    }
    if role == Role::Agent && admin_only(target.route) {
        let message = "Permission denied: this call needs an administrator account";
        return if quirks.errors_in_200 {
            json_response(StatusCode::OK, &json!({"state": "403", "message": message}))
        } else {
            error(StatusCode::FORBIDDEN, "Forbidden", message)
        };
    }
    let call = Call {
        shared,
        target,
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body,
        role,
    };
    match target.route {
        Route::List => tickets::list(&call),
        Route::CompanyTickets => tickets::company_tickets(&call),
        Route::ContactTickets => tickets::contact_tickets(&call),
        Route::Show => tickets::show(&call, true),
        Route::ShowLegacy => tickets::show(&call, false),
        Route::ShowMany => tickets::show_many(&call),
        Route::Search => tickets::search(&call),
        Route::Create => tickets::remembered(&call, tickets::create).await,
        Route::Update => tickets::remembered(&call, tickets::update).await,
        Route::UpdateMany => tickets::remembered(&call, tickets::update_many).await,
        Route::Replies => tickets::replies(&call),
        Route::TicketFields
        | Route::Supports
        | Route::Support
        | Route::SupportGroup
        | Route::User
        | Route::Company
        | Route::TicketTemplates => lookups::lookup(&call),
        Route::Upload => lookups::upload(&call),
        Route::Attachment => lookups::attachment(&call),
        Route::Token | Route::File | Route::Unknown => {
            error(StatusCode::NOT_FOUND, "NotFound", "Invalid resource URI")
        }
    }
}

pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    text_response(status, value.to_string())
}

pub(crate) fn text_response(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(body::full(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

pub(crate) fn error(status: StatusCode, kind: &str, message: &str) -> Response<Body> {
    json_response(status, &json!({"error": kind, "message": message}))
}

fn unauthorized(message: &str) -> Response<Body> {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"bangwo8\""),
    );
    response
}

fn server_error() -> Response<Body> {
    let mut response = Response::new(body::full(SERVER_ERROR_HTML));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

fn too_many_requests(retry_after_secs: u64) -> Response<Body> {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Rate limit exceeded",
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// Sends the headers with the full `Content-Length` and half the body, then fails the body
/// so that the connection closes mid-answer.
async fn truncate(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    // The pause lets hyper flush the headers and the first half before the body fails.
    let chunks = futures::stream::iter([true, false]).then(move |first| {
        let half = half.clone();
        async move {
            if first {
                Ok(half)
            } else {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "sandbox fault: truncated body",
                ))
            }
        }
    });
    if let Ok(length) = HeaderValue::from_str(&bytes.len().to_string()) {
        parts.headers.insert(CONTENT_LENGTH, length);
    }
    Response::from_parts(parts, body::stream(chunks))
}

/// Query pairs minus paging, for building `next_page` / `previous_page`.
pub(crate) fn page_url(
    base: &str,
    path: &str,
    query: &[(String, String)],
    per_page: usize,
    page: usize,
) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in query {
        if key != "page" && key != "per_page" {
            serializer.append_pair(key, value);
        }
    }
    serializer.append_pair("per_page", &per_page.to_string());
    serializer.append_pair("page", &page.to_string());
    format!("{base}{path}?{}", serializer.finish())
}

/// `page` and `per_page` from the query: page from 1, per_page default 100, capped.
pub(crate) fn paging(call: &Call<'_>) -> (usize, usize) {
    let page = call
        .param("page")
        .and_then(|page| page.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let cap = call.shared.opts.max_per_page.max(1) as usize;
    let per_page = call
        .param("per_page")
        .and_then(|per_page| per_page.trim().parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, cap);
    (page, per_page)
}
