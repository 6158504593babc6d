//! The file host: a second listener standing for the vendor's object storage, another host
//! than the API, so that a client that sent its credentials there would be seen doing so
//! (every request is recorded as [`Route::File`] with whether it carried Authorization).
//!
//! - `GET /attach/{name}`: a seeded ticket's file, [`file_len`] bytes of a pattern;
//! - `GET /uploads/{token}/{name}`: an uploaded file, as many bytes as were uploaded (the
//!   sandbox keeps the size, not the bytes).
//! - `GET /redirect/{path}` (sandbox-only, for tests): a 302 to `{path}` on the API's own
//!   origin, so a test sees that a download client following it brings no credentials there.
//!
//! Anything else is 404. No credentials are asked for: the links are the credential.

use std::convert::Infallible;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::body::{self, Body};
use super::server::accept_each;
use super::{RecordedRequest, Route, Shared, lock};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use http::{Method, Request, Response, StatusCode};

/// How long a seeded file is: 1 to 5 KiB, from its name (so the seed can say it).
pub(crate) fn file_len(name: &str) -> u64 {
    // FNV-1a: stable across runs and platforms.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    1024 + hash % 4096
}

/// The bytes of a file of `len` bytes: a line naming it, repeated.
fn content(name: &str, len: u64) -> Vec<u8> {
    let line = format!("gongdan sandbox file {name}\n");
    line.bytes().cycle().take(len as usize).collect()
}

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, cancel: CancellationToken) {
    accept_each(listener, cancel.clone(), move |stream| {
        let shared = shared.clone();
        let cancel = cancel.clone();
        async move {
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(answer(&shared, request.map(body::incoming))) }
            });
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                () = cancel.cancelled() => {}
            }
        }
    })
    .await;
}

fn answer(shared: &Shared, request: Request<Body>) -> Response<Body> {
    let path = request.uri().path().to_owned();
    lock(&shared.log).push(RecordedRequest {
        method: request.method().to_string(),
        path: path.clone(),
        route: Route::File,
        had_authorization: request.headers().contains_key("authorization"),
        request_id: None,
    });
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let (&Method::GET, ["redirect", rest @ ..]) = (request.method(), segments.as_slice()) {
        let target = format!("{}/{}", shared.base_url, rest.join("/"));
        let mut response = Response::new(body::full(""));
        *response.status_mut() = StatusCode::FOUND;
        if let Ok(location) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(LOCATION, location);
        }
        return response;
    }
    let found = match (request.method(), segments.as_slice()) {
        (&Method::GET, ["attach", name]) => Some(content(name, file_len(name))),
        (&Method::GET, ["uploads", token, name]) => lock(&shared.store)
            .uploads
            .get(*token)
            .map(|upload| content(name, upload.size as u64)),
        _ => None,
    };
    let Some(bytes) = found else {
        let mut response = Response::new(body::full("not found"));
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    let len = bytes.len();
    let mut response = Response::new(body::full(bytes));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    response
}
