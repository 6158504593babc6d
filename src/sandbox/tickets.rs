//! The ticket handlers: reads (list, show, show many, search), writes (create, update,
//! update many) and the sandbox-only replies call; the refusal they share lives here.

mod reads;
mod replay;
mod writes;

use http::{Response, StatusCode};

use super::body::Body;
use super::routes::{Call, error};

pub(crate) use reads::{company_tickets, contact_tickets, list, replies, search, show, show_many};
pub(crate) use replay::remembered;
pub use writes::{create, update, update_many};

/// An invalid query parameter.
fn bad_param(name: &str, value: &str) -> Response<Body> {
    Refusal::bad_request("InvalidParameter", format!("invalid {name}: {value}")).response()
}

/// A request refused before any work: a small error value, turned into a response late.
struct Refusal {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl Refusal {
    fn bad_request(kind: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            kind,
            message: message.into(),
        }
    }

    fn response(&self) -> Response<Body> {
        error(self.status, self.kind, &self.message)
    }
}

/// Parses `ids=1,2,3`: at most 100 ids.
fn ids_param(call: &Call<'_>) -> Result<Vec<u64>, Refusal> {
    let Some(raw) = call.param("ids") else {
        return Err(Refusal::bad_request("InvalidParameter", "ids is required"));
    };
    let mut ids = Vec::new();
    for part in raw
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        match part.parse::<u64>() {
            Ok(id) => ids.push(id),
            Err(_) => {
                return Err(Refusal::bad_request(
                    "InvalidParameter",
                    format!("invalid ids: {raw}"),
                ));
            }
        }
    }
    if ids.is_empty() {
        return Err(Refusal::bad_request(
            "InvalidParameter",
            format!("invalid ids: {raw}"),
        ));
    }
    if ids.len() > 100 {
        return Err(Refusal::bad_request(
            "TooManyIds",
            "at most 100 tickets a call",
        ));
    }
    Ok(ids)
}
