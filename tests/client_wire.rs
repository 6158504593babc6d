//! The client's HTTP machinery against tiny in-test axum servers on loopback: error mapping,
//! retries, redirects and `next_page` to another origin, plain-http refusal, token auth,
//! `Requestid` on create, show's legacy fallback.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Response};
use futures::TryStreamExt;
use gongdan::api::{
    ApiError, Auth, Client, ClientConfig, ListQuery, ListScope, NetworkError, NewTicket,
    RetryPolicy,
};

/// What a mock server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Seen {
    fn authorization(&self) -> Option<String> {
        self.headers
            .get("authorization")
            .map(|value| value.to_str().unwrap().to_owned())
    }
}

type Responder = dyn Fn(&Seen, usize) -> Response<Body> + Send + Sync;

/// A loopback server answering every request through `respond(request, index)`, recording
/// what it saw.
struct Mock {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Mock {
    async fn start(
        respond: impl Fn(&Seen, usize) -> Response<Body> + Send + Sync + 'static,
    ) -> Mock {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let respond: Arc<Responder> = Arc::new(respond);
        let recorder = seen.clone();
        let app = Router::new().fallback(move |request: axum::extract::Request| {
            let recorder = recorder.clone();
            let respond = respond.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
                let seen = Seen {
                    method: parts.method,
                    path: parts.uri.path().to_owned(),
                    query: parts.uri.query().unwrap_or("").to_owned(),
                    headers: parts.headers,
                    body,
                };
                let index = {
                    let mut all = recorder.lock().unwrap();
                    all.push(seen.clone());
                    all.len() - 1
                };
                respond(&seen, index)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Mock { addr, seen, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer(status: u16, body: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn html(status: u16, body: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/html")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_total: Duration::from_secs(10),
    }
}

fn basic() -> Auth {
    Auth::Basic {
        account: "admin@example.com".into(),
        password: "admin-pass".into(),
    }
}

fn client_for(base: &str, auth: Auth) -> Client {
    let mut config = ClientConfig::new(base, auth);
    config.retry = quick_retries();
    config.timeout = Duration::from_secs(5);
    Client::new(config).unwrap()
}

const ONE_TICKET_PAGE: &str =
    r#"{"tickets":[{"ticketId":1,"subject":"a"}],"count":3,"next_page":NEXT,"previous_page":null}"#;

#[tokio::test]
async fn plain_http_to_another_host_is_refused_before_sending() {
    let config = ClientConfig::new("http://192.0.2.1", basic());
    match Client::new(config) {
        Err(ApiError::Config(message)) => assert!(message.contains("http://"), "{message}"),
        other => panic!("expected a Config error, got {other:?}"),
    }
    // Allowed explicitly, it is built (and would send).
    let mut config = ClientConfig::new("http://192.0.2.1", basic());
    config.allow_insecure_http = true;
    assert!(Client::new(config).is_ok());
    // Loopback needs no permission.
    assert!(Client::new(ClientConfig::new("http://127.0.0.1:9", basic())).is_ok());
    assert!(Client::new(ClientConfig::new("http://localhost:9", basic())).is_ok());
    assert!(Client::new(ClientConfig::new("http://[::1]:9", basic())).is_ok());
}

#[tokio::test]
async fn a_base_url_holding_an_account_or_password_is_refused() {
    for url in [
        "https://agent@help.example.com",
        "https://agent:secret@help.example.com",
        "https://:secret@help.example.com",
    ] {
        match Client::new(ClientConfig::new(url, basic())) {
            Err(ApiError::Config(message)) => {
                assert!(message.contains("account or password"), "{message}");
                assert!(
                    !message.contains("secret"),
                    "the password is not repeated: {message}"
                );
            }
            other => panic!("{url}: expected a Config error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_missing_ca_file_is_a_config_error() {
    let mut config = ClientConfig::new("https://127.0.0.1:9", basic());
    config.ca_file = Some("/nonexistent/ca.pem".into());
    assert!(matches!(Client::new(config), Err(ApiError::Config(_))));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.pem");
    std::fs::write(&path, "not a certificate").unwrap();
    let mut config = ClientConfig::new("https://127.0.0.1:9", basic());
    config.ca_file = Some(path);
    assert!(matches!(Client::new(config), Err(ApiError::Config(_))));
}

#[tokio::test]
async fn basic_auth_goes_with_every_call() {
    let mock = Mock::start(|_, _| answer(401, "")).await;
    let client = client_for(&mock.url(), basic());
    let error = client.agents().await.unwrap_err();
    assert_eq!(error, ApiError::BadCredentials);
    let seen = mock.seen();
    // 401 is not retried.
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/v1/supports.json");
    assert_eq!(
        seen[0].authorization().unwrap(),
        "Basic YWRtaW5AZXhhbXBsZS5jb206YWRtaW4tcGFzcw=="
    );
}

#[tokio::test]
async fn status_errors_carry_the_server_message() {
    let mock = Mock::start(|seen, _| match seen.path.as_str() {
        "/api/v1/tickets.json" => answer(403, r#"{"message":"只有管理员可以查看工单列表"}"#),
        "/api/v1/users/5.json" => answer(404, ""),
        "/api/v1/tickets/9.json" => answer(422, r#"{"errmsg":"ticketStatus 字段值不合法"}"#),
        "/api/v1/supports/3.json" => answer(400, "bad   \n request"),
        _ => answer(418, ""),
    })
    .await;
    let client = client_for(&mock.url(), basic());
    assert_eq!(
        client
            .list(&ListScope::All, &ListQuery::default())
            .await
            .unwrap_err(),
        ApiError::Forbidden(Some("只有管理员可以查看工单列表".into()))
    );
    assert_eq!(
        client.contact(5).await.unwrap_err(),
        ApiError::NotFound(Some("contact 5".into()))
    );
    assert_eq!(
        client.update(9, &Default::default()).await.unwrap_err(),
        ApiError::InvalidValue("ticketStatus 字段值不合法".into())
    );
    assert_eq!(
        client.agent(3).await.unwrap_err(),
        ApiError::InvalidValue("bad request".into())
    );
    // None of these is retried.
    assert_eq!(mock.seen().len(), 4);
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times_with_an_excerpt() {
    let page = "<html><head><title>500 Internal Server Error</title><style>h1{}</style></head>\
                <body><h1>服务器 &amp; 错误</h1><p>Please try again later.</p></body></html>";
    let mock = Mock::start(move |_, _| html(500, page)).await;
    let retries: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let recorder = retries.clone();
    let client = client_for(&mock.url(), basic()).with_retry_observer(Arc::new(
        move |error: &ApiError, delay| {
            assert!(matches!(error, ApiError::Server { status: 500, .. }));
            recorder.lock().unwrap().push(delay);
        },
    ));
    let error = client.templates().await.unwrap_err();
    match &error {
        ApiError::Server { status, excerpt } => {
            assert_eq!(*status, 500);
            let excerpt = excerpt.as_deref().unwrap();
            assert_eq!(
                excerpt,
                "500 Internal Server Error 服务器 & 错误 Please try again later."
            );
            assert!(!excerpt.contains('<'));
        }
        other => panic!("expected a server error, got {other:?}"),
    }
    // max_attempts = 3: three requests, two retries announced.
    assert_eq!(mock.seen().len(), 3);
    assert_eq!(retries.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn rate_limits_honour_retry_after() {
    let mock = Mock::start(|_, _| {
        Response::builder()
            .status(429)
            .header("retry-after", "1")
            .body(Body::empty())
            .unwrap()
    })
    .await;
    let delays: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let recorder = delays.clone();
    let mut config = ClientConfig::new(mock.url(), basic());
    config.retry = RetryPolicy {
        max_attempts: 2,
        ..quick_retries()
    };
    let client =
        Client::new(config)
            .unwrap()
            .with_retry_observer(Arc::new(move |_: &ApiError, delay| {
                recorder.lock().unwrap().push(delay);
            }));
    let error = client.ticket_fields().await.unwrap_err();
    assert_eq!(
        error,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    // The wait announced is the server's, not the (much shorter) backoff.
    assert_eq!(*delays.lock().unwrap(), vec![Duration::from_secs(1)]);
    assert_eq!(mock.seen().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
    let mock = Mock::start(|_, _| {
        Response::builder()
            .status(429)
            .header("retry-after", "3600")
            .body(Body::empty())
            .unwrap()
    })
    .await;
    let client = client_for(&mock.url(), basic());
    let error = client.agents().await.unwrap_err();
    assert_eq!(
        error,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
    assert_eq!(mock.seen().len(), 1);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let other = Mock::start(|_, _| answer(200, "[]")).await;
    let target = format!("{}/api/v1/supports.json", other.url());
    let mock = Mock::start(move |_, _| {
        Response::builder()
            .status(302)
            .header("location", target.clone())
            .body(Body::empty())
            .unwrap()
    })
    .await;
    let client = client_for(&mock.url(), basic());
    let error = client.agents().await.unwrap_err();
    assert!(matches!(error, ApiError::Redirected(_)), "{error:?}");
    assert!(mock.seen()[0].authorization().is_some());
    // The other server saw no credentials (in fact no request at all).
    assert!(
        other
            .seen()
            .iter()
            .all(|seen| seen.authorization().is_none())
    );
    assert!(other.seen().is_empty());
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_keeps_the_credentials() {
    let mock = Mock::start(|seen, _| match seen.path.as_str() {
        "/prefix/api/v1/supports.json" => Response::builder()
            .status(308)
            .header("location", "/moved/api/v1/supports.json")
            .body(Body::empty())
            .unwrap(),
        _ => answer(401, ""),
    })
    .await;
    // A path prefix in the base URL is kept in every call's path.
    let client = client_for(&format!("{}/prefix/", mock.url()), basic());
    assert_eq!(client.agents().await.unwrap_err(), ApiError::BadCredentials);
    let seen = mock.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/moved/api/v1/supports.json");
    assert_eq!(seen[1].authorization(), seen[0].authorization());
    assert!(seen[1].authorization().is_some());
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_network_errors() {
    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let mut config = ClientConfig::new(format!("http://{silent_addr}"), basic());
    config.timeout = Duration::from_millis(100);
    config.retry = RetryPolicy {
        max_attempts: 1,
        ..quick_retries()
    };
    let client = Client::new(config).unwrap();
    assert_eq!(
        client.agents().await.unwrap_err(),
        ApiError::Network(NetworkError::Timeout)
    );
    holder.abort();

    // A port nobody listens on: bind one, then free it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = client_for(&format!("http://{addr}"), basic());
    assert_eq!(
        client.agents().await.unwrap_err(),
        ApiError::Network(NetworkError::ConnectionRefused)
    );
}

#[tokio::test]
async fn next_page_on_another_origin_is_not_followed() {
    let other = Mock::start(|_, _| answer(200, r#"{"tickets":[],"count":0}"#)).await;
    let foreign_next = format!("\"{}/api/v1/tickets.json?page=2&per_page=1\"", other.url());
    let mock = Mock::start(move |seen, _| {
        let page: u32 = seen
            .query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))
            .unwrap()
            .parse()
            .unwrap();
        let body = ONE_TICKET_PAGE
            .replace("\"ticketId\":1", &format!("\"ticketId\":{page}"))
            .replace("NEXT", if page < 3 { &foreign_next } else { "null" });
        answer(200, &body)
    })
    .await;
    let client = client_for(&mock.url(), basic());
    let pages: Vec<_> = client
        .list_pages(
            ListScope::All,
            ListQuery {
                per_page: Some(1),
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|t| t.id))
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert!(other.seen().is_empty(), "the other origin was called");
    let queries: Vec<String> = mock.seen().iter().map(|s| s.query.clone()).collect();
    assert_eq!(
        queries,
        vec![
            "page=1&per_page=1",
            "per_page=1&page=2",
            "per_page=1&page=3"
        ]
    );
}

#[tokio::test]
async fn bearer_token_is_fetched_once_for_concurrent_calls() {
    let mock = Mock::start(|seen, _| {
        if seen.path == "/api/token.php" {
            assert_eq!(seen.method, Method::POST);
            assert_eq!(
                String::from_utf8(seen.body.clone()).unwrap(),
                "grant_type=client_credentials"
            );
            // Basic SecretID:Secret
            if seen.authorization().as_deref() != Some("Basic aWQ6c2VjcmV0") {
                return answer(401, "");
            }
            return answer(
                200,
                r#"{"access_token":"TOKEN","expires_in":3600,"token_type":"Bearer"}"#,
            );
        }
        match seen.authorization().as_deref() {
            Some("Bearer TOKEN") => answer(200, "[]"),
            _ => answer(401, ""),
        }
    })
    .await;
    let client = client_for(
        &mock.url(),
        Auth::Token {
            secret_id: "id".into(),
            secret: "secret".into(),
        },
    );
    let calls = (0..5).map(|_| client.agents());
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    client.agents().await.unwrap();
    let seen = mock.seen();
    let token_calls = seen.iter().filter(|s| s.path == "/api/token.php").count();
    assert_eq!(token_calls, 1, "{seen:#?}");
    assert_eq!(seen.len(), 7);
}

#[tokio::test]
async fn a_token_refused_by_the_server_is_refreshed_and_the_call_repeated() {
    let issued = std::sync::atomic::AtomicUsize::new(0);
    let mock = Mock::start(move |seen, _| {
        if seen.path == "/api/token.php" {
            // The first token handed out is revoked at once; the second one is good.
            let n = issued.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            return answer(
                200,
                &format!(r#"{{"access_token":"T{n}","expires_in":3600,"token_type":"Bearer"}}"#),
            );
        }
        match seen.authorization().as_deref() {
            Some("Bearer T2") => answer(200, "[]"),
            _ => answer(401, ""),
        }
    })
    .await;
    let client = client_for(
        &mock.url(),
        Auth::Token {
            secret_id: "id".into(),
            secret: "secret".into(),
        },
    );
    assert!(client.agents().await.unwrap().is_empty());
    client.agents().await.unwrap();
    let calls: Vec<(String, Option<String>)> = mock
        .seen()
        .iter()
        .map(|s| (s.path.clone(), s.authorization()))
        .collect();
    let bearer = |token: &str| Some(format!("Bearer {token}"));
    assert_eq!(
        calls,
        vec![
            ("/api/token.php".into(), Some("Basic aWQ6c2VjcmV0".into())),
            ("/api/v1/supports.json".into(), bearer("T1")),
            ("/api/token.php".into(), Some("Basic aWQ6c2VjcmV0".into())),
            ("/api/v1/supports.json".into(), bearer("T2")),
            ("/api/v1/supports.json".into(), bearer("T2")),
        ]
    );
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_before_it_expires() {
    let mock = Mock::start(|seen, _| {
        if seen.path == "/api/token.php" {
            // Expires at once: every call must fetch a fresh one rather than send a dead one.
            return answer(200, r#"{"access_token":"T","expires_in":0}"#);
        }
        answer(200, "[]")
    })
    .await;
    let client = client_for(
        &mock.url(),
        Auth::Token {
            secret_id: "id".into(),
            secret: "secret".into(),
        },
    );
    client.agents().await.unwrap();
    client.agents().await.unwrap();
    let tokens = mock
        .seen()
        .iter()
        .filter(|s| s.path == "/api/token.php")
        .count();
    assert_eq!(tokens, 2);
}

#[tokio::test]
async fn a_refused_token_is_replaced_once() {
    let mock = Mock::start(|seen, _| {
        if seen.path == "/api/token.php" {
            return answer(
                200,
                r#"{"access_token":"STALE","expires_in":3600,"token_type":"Bearer"}"#,
            );
        }
        answer(401, "")
    })
    .await;
    let client = client_for(
        &mock.url(),
        Auth::Token {
            secret_id: "id".into(),
            secret: "secret".into(),
        },
    );
    assert_eq!(client.agents().await.unwrap_err(), ApiError::BadCredentials);
    let paths: Vec<String> = mock.seen().iter().map(|s| s.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            "/api/token.php",
            "/api/v1/supports.json",
            "/api/token.php",
            "/api/v1/supports.json"
        ]
    );
}

#[tokio::test]
async fn a_retried_create_keeps_its_request_id() {
    let mock = Mock::start(|seen, index| {
        assert_eq!(seen.path, "/api/v1/tickets.json");
        if index % 2 == 0 {
            return html(502, "<h1>Bad Gateway</h1>");
        }
        Response::builder()
            .status(200)
            .header("location", "http://127.0.0.1/api/v1/tickets/110.json")
            .body(Body::from(
                r#"{"ticket":{"ticketId":110,"subject":"产品咨询"}}"#,
            ))
            .unwrap()
    })
    .await;
    let client = client_for(&mock.url(), basic());
    let ticket = NewTicket {
        subject: "产品咨询".into(),
        ..Default::default()
    };
    let created = client.create(&ticket).await.unwrap();
    assert_eq!(created.ticket.id, 110);
    assert_eq!(
        created.location.as_deref(),
        Some("http://127.0.0.1/api/v1/tickets/110.json")
    );
    client.create(&ticket).await.unwrap();
    let ids: Vec<String> = mock
        .seen()
        .iter()
        .map(|s| s.headers["requestid"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], ids[1], "a retry must reuse its Requestid");
    assert_eq!(ids[2], ids[3]);
    assert_ne!(ids[0], ids[2], "each create needs a fresh Requestid");
    for id in &ids {
        let parsed = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}

#[tokio::test]
async fn an_upload_is_not_replayed_after_a_server_error() {
    let mock = Mock::start(|_, _| html(500, "oops")).await;
    let client = client_for(&mock.url(), basic());
    let error = client
        .upload("报告 1.pdf", b"%PDF".to_vec(), Some(77))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Server { status: 500, .. }));
    let seen = mock.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[0].path, "/api/v1/uploads.json");
    assert_eq!(
        seen[0].query,
        "filename=%E6%8A%A5%E5%91%8A+1.pdf&ticketReplyId=77"
    );
    assert_eq!(seen[0].headers["content-type"], "application/binary");
    assert_eq!(seen[0].body, b"%PDF");
}

#[tokio::test]
async fn show_falls_back_to_the_legacy_call() {
    let mock = Mock::start(|seen, _| match seen.path.as_str() {
        "/api/v1/tickets/5_v2.json" => answer(404, ""),
        "/api/v1/tickets/5.json" => answer(200, r#"{"ticket":[{"ticketId":5,"subject":"旧"}]}"#),
        "/api/v1/tickets/6.json" => answer(200, r#"{"ticket":[]}"#),
        _ => answer(500, ""),
    })
    .await;
    let client = client_for(&mock.url(), basic());
    let ticket = client.show(5).await.unwrap();
    assert_eq!((ticket.id, ticket.subject.as_str()), (5, "旧"));
    // Once the legacy call is known to be needed, v2 is not asked again.
    assert_eq!(
        client.show(6).await.unwrap_err(),
        ApiError::NotFound(Some("ticket 6".into()))
    );
    let paths: Vec<String> = mock.seen().iter().map(|s| s.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            "/api/v1/tickets/5_v2.json",
            "/api/v1/tickets/5.json",
            "/api/v1/tickets/6.json"
        ]
    );
}

#[tokio::test]
async fn an_error_inside_http_200_is_reported() {
    let mock = Mock::start(|_, _| {
        answer(
            200,
            r#"{"errcode":"100047","errmsg":"Invalid resource URI"}"#,
        )
    })
    .await;
    let client = client_for(&mock.url(), basic());
    assert_eq!(
        client.agents().await.unwrap_err(),
        ApiError::Reported {
            code: Some("100047".into()),
            message: "Invalid resource URI".into()
        }
    );
}

#[tokio::test]
async fn an_http_like_state_inside_http_200_maps_to_that_status() {
    let mock = Mock::start(|seen, _| match seen.path.as_str() {
        "/api/v1/tickets.json" => answer(200, r#"{"state":"403","message":"仅管理员可用"}"#),
        _ => answer(200, r#"{"status":"0","message":"Insert ok","data":false}"#),
    })
    .await;
    let client = client_for(&mock.url(), basic());
    assert_eq!(
        client
            .list(&ListScope::All, &ListQuery::default())
            .await
            .unwrap_err(),
        ApiError::Forbidden(Some("仅管理员可用".into()))
    );
    // A bare acknowledgement of an update is a success naming the ticket.
    let ticket = client.update(42, &Default::default()).await.unwrap();
    assert_eq!(ticket.id, 42);
    // The same acknowledgement of an update-many call accepts every ticket of the call.
    let results = client
        .update_many(&[7, 8, 9], &Default::default())
        .await
        .unwrap();
    assert_eq!(
        results
            .iter()
            .map(|result| (result.ticket_id, result.success))
            .collect::<Vec<_>>(),
        vec![(7, true), (8, true), (9, true)]
    );
}

/// A loopback HTTPS listener with the test certificate (signed by tests/fixtures/tls/ca.pem).
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client refusing the certificate fails the handshake: wait for the next one.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

#[tokio::test]
async fn a_ca_file_lets_the_client_trust_a_self_hosted_server_and_nothing_else_does() {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(fixtures.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(fixtures.join("server.key")).unwrap();
    let server_config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let listener = TlsListener {
        tcp: tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(server_config)),
    };
    let addr = listener.tcp.local_addr().unwrap();
    let served: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let recorder = served.clone();
    let app = Router::new().fallback(move |headers: HeaderMap| {
        let recorder = recorder.clone();
        async move {
            recorder.lock().unwrap().push(
                headers
                    .get("authorization")
                    .map(|value| value.to_str().unwrap().to_owned()),
            );
            answer(200, "[]")
        }
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = format!("https://{addr}");

    // Without the CA file the certificate is not trusted, and nothing is sent.
    let untrusting = client_for(&base, basic());
    let error = untrusting.agents().await.unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert!(error.to_string().contains("ca_file"), "{error}");
    assert!(served.lock().unwrap().is_empty());

    let mut config = ClientConfig::new(&base, basic());
    config.ca_file = Some(fixtures.join("ca.pem"));
    config.retry = quick_retries();
    let trusting = Client::new(config).unwrap();
    assert!(trusting.agents().await.unwrap().is_empty());
    assert_eq!(served.lock().unwrap().len(), 1);
    assert!(served.lock().unwrap()[0].is_some());
    server.abort();
}

/// Serves list pages of one ticket each (none from page `empty_from` on); `shape(page,
/// host)` gives the page's `count` and `next_page` as JSON text.
async fn paged_mock(shape: fn(u32, &str) -> (String, String), empty_from: u32) -> Mock {
    Mock::start(move |seen, _| {
        let page: u32 = seen
            .query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))
            .and_then(|page| page.parse().ok())
            .unwrap_or(1);
        let host = seen.headers["host"].to_str().unwrap().to_owned();
        let (count, next) = shape(page, &host);
        let tickets = if page >= empty_from {
            String::new()
        } else {
            format!(r#"{{"ticketId":{page},"subject":"t"}}"#)
        };
        answer(
            200,
            &format!(r#"{{"tickets":[{tickets}],"count":{count},"next_page":{next}}}"#),
        )
    })
    .await
}

async fn walk(mock: &Mock) -> Vec<u64> {
    let client = client_for(&mock.url(), basic());
    let pages: Vec<_> = client
        .list_pages(ListScope::All, ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    pages
        .iter()
        .flat_map(|page| page.items.iter().map(|t| t.id))
        .collect()
}

#[tokio::test]
async fn paging_stops_at_the_last_page_whichever_way_the_server_says_so() {
    // next_page null on page 3, no count.
    let mock = paged_mock(
        |page, host| {
            let next = if page < 3 {
                format!("\"http://{host}/api/v1/tickets.json?page={}\"", page + 1)
            } else {
                "null".into()
            };
            ("null".into(), next)
        },
        u32::MAX,
    )
    .await;
    assert_eq!(walk(&mock).await, vec![1, 2, 3]);
    assert_eq!(mock.seen().len(), 3);

    // A link forever, but page 4 is empty.
    let mock = paged_mock(
        |page, host| {
            (
                "null".into(),
                format!("\"http://{host}/api/v1/tickets.json?page={}\"", page + 1),
            )
        },
        4,
    )
    .await;
    assert_eq!(walk(&mock).await, vec![1, 2, 3]);
    assert_eq!(mock.seen().len(), 4);

    // A link forever, but the count says 2.
    let mock = paged_mock(
        |page, host| {
            (
                "2".into(),
                format!("\"http://{host}/api/v1/tickets.json?page={}\"", page + 1),
            )
        },
        u32::MAX,
    )
    .await;
    assert_eq!(walk(&mock).await, vec![1, 2]);
    assert_eq!(mock.seen().len(), 2);

    // No link at all while the count says 3: pages are built until the count is reached.
    let mock = paged_mock(|_, _| ("\"3\"".into(), "null".into()), u32::MAX).await;
    assert_eq!(walk(&mock).await, vec![1, 2, 3]);
    assert_eq!(mock.seen().len(), 3);
}

#[tokio::test]
async fn show_many_keeps_at_most_the_configured_calls_in_flight() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let (flight, peak, count) = (in_flight.clone(), most.clone(), calls.clone());
    let app = Router::new().fallback(move |uri: axum::http::Uri| {
        let (flight, peak, count) = (flight.clone(), peak.clone(), count.clone());
        async move {
            count.fetch_add(1, Ordering::SeqCst);
            let now = flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            // Long enough for the client to start every call it is allowed to.
            tokio::time::sleep(Duration::from_millis(50)).await;
            flight.fetch_sub(1, Ordering::SeqCst);
            let ids = uri
                .query()
                .unwrap()
                .strip_prefix("ids=")
                .unwrap()
                .replace("%2C", ",");
            let tickets: Vec<String> = ids
                .split(',')
                .map(|id| format!(r#"{{"ticketId":{id},"subject":"s"}}"#))
                .collect();
            answer(200, &format!(r#"{{"tickets":[{}]}}"#, tickets.join(",")))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut config = ClientConfig::new(format!("http://{addr}"), basic());
    config.concurrency = 3;
    let client = Client::new(config).unwrap();
    let ids: Vec<u64> = (1..=1000).rev().collect();
    let answer = client.show_many(&ids).await.unwrap();
    assert_eq!(answer.tickets.iter().map(|t| t.id).collect::<Vec<_>>(), ids);
    assert_eq!(calls.load(Ordering::SeqCst), 10);
    let peak = most.load(Ordering::SeqCst);
    assert!(peak <= 3, "{peak} calls in flight");
    assert!(peak >= 2, "the calls did not overlap at all");
    server.abort();
}

/// Once page 1 gives the count, `--all`'s pages are asked several at a time (the client's
/// concurrency, never more), a 429 on one of them is waited out and that page asked again,
/// and the pages come back in order. `next_page` names another origin: never followed.
#[tokio::test]
async fn pages_after_the_first_are_fetched_concurrently_in_order_honouring_a_429() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    #[derive(Default)]
    struct Load {
        now: AtomicUsize,
        max: AtomicUsize,
        asked: Mutex<Vec<u32>>,
    }
    let load = Arc::new(Load::default());
    let state = load.clone();
    let app = Router::new().fallback(move |request: axum::extract::Request| {
        let load = state.clone();
        async move {
            let page: u32 = request
                .uri()
                .query()
                .unwrap_or("")
                .split('&')
                .find_map(|pair| pair.strip_prefix("page="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let first_time = {
                let mut asked = load.asked.lock().unwrap();
                asked.push(page);
                asked.iter().filter(|p| **p == page).count() == 1
            };
            let now = load.now.fetch_add(1, Ordering::SeqCst) + 1;
            load.max.fetch_max(now, Ordering::SeqCst);
            // Long enough for the client's other requests to arrive meanwhile.
            tokio::time::sleep(Duration::from_millis(150)).await;
            load.now.fetch_sub(1, Ordering::SeqCst);
            if page == 3 && first_time {
                return Response::builder()
                    .status(429)
                    .header("retry-after", "1")
                    .body(Body::from("slow down"))
                    .unwrap();
            }
            let first = u64::from(page - 1) * 10 + 1;
            let tickets: Vec<String> = (first..first + 10)
                .map(|id| format!(r#"{{"ticketId":{id},"subject":"t{id}"}}"#))
                .collect();
            answer(
                200,
                &format!(
                    r#"{{"tickets":[{}],"count":100,"next_page":"http://evil.example/api/v1/tickets.json?page={}","previous_page":null}}"#,
                    tickets.join(","),
                    page + 1
                ),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let mut config = ClientConfig::new(format!("http://{addr}"), basic());
    config.retry = quick_retries();
    config.timeout = Duration::from_secs(5);
    config.concurrency = 4;
    let client = Client::new(config).unwrap();
    let pages: Vec<_> = client
        .list_pages(
            ListScope::All,
            ListQuery {
                per_page: Some(10),
                ..Default::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    server.abort();
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|page| page.items.iter().map(|t| t.id))
        .collect();
    assert_eq!(ids, (1..=100).collect::<Vec<u64>>(), "every page, in order");
    let max = load.max.load(Ordering::SeqCst);
    assert!(max > 1, "pages 2.. were asked one at a time");
    assert!(max <= 4, "{max} in flight, more than the concurrency");
    let asked = load.asked.lock().unwrap().clone();
    assert_eq!(asked[0], 1, "page 1 first, alone: it gives the count");
    assert_eq!(asked.iter().filter(|p| **p == 3).count(), 2, "{asked:?}");
    assert_eq!(asked.len(), 11, "each page once, page 3 twice: {asked:?}");
}
