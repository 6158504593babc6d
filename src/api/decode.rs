//! Lenient decoding of responses: every quirk of API-NOTES.md.
//!
//! Each function takes the raw body. JSON that fails strict parsing because of stray
//! backslash escapes (`\'`, `\x`) is repaired and parsed again. A body carrying
//! `errcode`/`errmsg` or a non-success `state` instead of the expected key is an
//! [`ApiError::Reported`], whatever the HTTP status. One malformed ticket in a page yields
//! the other tickets plus an [`ItemError`](super::model::ItemError) naming that one.

use serde_json::Value;

use super::error::ApiError;
use super::model::{
    Agent, Attachment, Company, Contact, FieldDef, Group, Page, Template, Ticket, UpdateResult,
};

/// Parses a body as JSON, repairing invalid backslash escapes.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// An error reported inside a 200 body, if the body is one.
pub fn reported_error(value: &Value) -> Option<ApiError> {
    let _ = value;
    todo!("issue 2")
}

/// One ticket object (already parsed), cleaning every string.
pub fn ticket(value: &Value) -> Result<Ticket, ApiError> {
    let _ = value;
    todo!("issue 2")
}

/// list, a company's and a contact's tickets: `{tickets, count, next_page, previous_page}`.
pub fn ticket_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// search, in the documented shape and the live nested one.
pub fn search_page(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// show (either call, either shape): `Ok(None)` for an unknown id (`{"ticket": []}`, `null`).
pub fn show(body: &[u8]) -> Result<Option<Ticket>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// show many: `{tickets: [...]}`.
pub fn show_many(body: &[u8]) -> Result<Page<Ticket>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// create and update answers: `{"ticket": {...}}` (or an array of one).
pub fn ticket_envelope(body: &[u8]) -> Result<Ticket, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// update many: `{"results": [{ticketId, success, error_log}]}`.
pub fn update_results(body: &[u8]) -> Result<Vec<UpdateResult>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn field_defs(body: &[u8]) -> Result<Vec<FieldDef>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn agents(body: &[u8]) -> Result<Vec<Agent>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn agent(body: &[u8]) -> Result<Agent, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn group(body: &[u8]) -> Result<Group, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn contact(body: &[u8]) -> Result<Contact, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn company(body: &[u8]) -> Result<Company, ApiError> {
    let _ = body;
    todo!("issue 2")
}

pub fn templates(body: &[u8]) -> Result<Vec<Template>, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// upload: `{"attachment": {attachId, fileName, filePath, token}}`.
pub fn attachment(body: &[u8]) -> Result<Attachment, ApiError> {
    let _ = body;
    todo!("issue 2")
}

/// token.php: `(access_token, expires_in seconds)`.
pub fn token(body: &[u8]) -> Result<(String, u64), ApiError> {
    let _ = body;
    todo!("issue 2")
}
