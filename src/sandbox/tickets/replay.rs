//! `Requestid` replay: a write repeated under the same id is answered from memory instead of
//! applied twice, the vendor's guard the bulk engine's resume relies on.

use http::header::{HeaderValue, LOCATION};
use http::{Response, StatusCode};

use crate::sandbox::body::Body;
use crate::sandbox::lock;
use crate::sandbox::routes::{Call, text_response};
use crate::sandbox::store::Remembered;

/// Replays the answer remembered under a repeated `Requestid`; otherwise runs the write and
/// remembers a successful answer.
pub(crate) async fn remembered(
    call: &Call<'_>,
    write: fn(&Call<'_>) -> Response<Body>,
) -> Response<Body> {
    let request_id = call
        .headers
        .get("requestid")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    let key = request_id.map(|id| format!("{}:{id}", call.target.route.as_str()));
    // Writes without an id need no order among themselves.
    let _one_at_a_time = match key {
        Some(_) => Some(call.shared.dedupe.lock().await),
        None => None,
    };
    if let Some(key) = &key
        && let Some(first) = lock(&call.shared.store).request_ids.get(key).cloned()
    {
        return replay(&first);
    }
    let response = write(call);
    let Some(key) = key else {
        return response;
    };
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = crate::sandbox::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let first = Remembered {
        status: parts.status.as_u16(),
        location: parts
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    lock(&call.shared.store)
        .request_ids
        .insert(key, first.clone());
    replay(&first)
}

fn replay(first: &Remembered) -> Response<Body> {
    let status = StatusCode::from_u16(first.status).unwrap_or(StatusCode::OK);
    let mut response = text_response(status, first.body.clone());
    if let Some(location) = &first.location
        && let Ok(value) = HeaderValue::from_str(location)
    {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}
