//! The writes: create, update, update many (100 a call, results merged in the ids' order),
//! update each, upload. Every write carries a `Requestid`, the same on each retry, so a
//! server that honours it never applies one twice.

use std::collections::{HashMap, VecDeque};

use futures::StreamExt;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue, LOCATION};
use serde_json::{Value, json};

use super::http::{Body, Replay, Request};
use super::{BATCH_SIZE, Client, in_200, join_ids, name_not_found};
use crate::api::error::ApiError;
use crate::api::model::{Attachment, Created, NewTicket, Ticket, TicketChange, UpdateResult};
use crate::api::{decode, encode};

impl Client {
    /// Create a ticket (admin), with a fresh `Requestid` so a retry cannot make two.
    pub async fn create(&self, ticket: &NewTicket) -> Result<Created, ApiError> {
        let url = self.endpoint("/api/v1/tickets.json", &[])?;
        // One id for every attempt of this create: the server drops the repeats.
        let request = Request {
            method: Method::POST,
            url,
            body: Body::Json(json!({ "ticket": encode::new_ticket(ticket) })),
            headers: vec![request_id_header(&new_request_id())?],
            replay: Replay::Safe,
        };
        let answer = self.send(request).await?;
        let location = answer
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(crate::text::clean);
        match in_200(decode::ticket_envelope(&answer.body)) {
            Ok(created) => Ok(Created {
                ticket: created,
                location,
            }),
            // A bare acknowledgement still names the new ticket in its Location.
            Err(error @ ApiError::Decode { .. }) => {
                match location.as_deref().and_then(ticket_id_of_location) {
                    Some(id) => Ok(Created {
                        ticket: Ticket {
                            id,
                            subject: crate::text::clean(&ticket.subject),
                            ..Ticket::default()
                        },
                        location,
                    }),
                    None => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Update one ticket (any agent); a reply in the change is added as a reply. Carries a
    /// fresh `Requestid`, the same on each of the client's own retries.
    pub async fn update(&self, id: u64, change: &TicketChange) -> Result<Ticket, ApiError> {
        self.update_with_id(id, change, &new_request_id()).await
    }

    /// [`Client::update`] under a `Requestid` the caller keeps (to send it again unchanged
    /// when the outcome of this write is unknown).
    pub(crate) async fn update_with_id(
        &self,
        id: u64,
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Ticket, ApiError> {
        let url = self.endpoint(&format!("/api/v1/tickets/{id}.json"), &[])?;
        let answer = self
            .send(Request {
                method: Method::PUT,
                url,
                body: Body::Json(json!({ "ticket": encode::change(change) })),
                headers: vec![request_id_header(request_id)?],
                replay: Replay::Safe,
            })
            .await
            .map_err(|error| name_not_found(error, || format!("ticket {id}")))?;
        match in_200(decode::ticket_envelope(&answer.body)) {
            Ok(ticket) => Ok(ticket),
            // `{"status": "0", "message": "Insert ok"}`: done, but no ticket to show.
            Err(ApiError::Decode { .. }) if is_write_ack(&answer.body) => Ok(Ticket {
                id,
                ..Ticket::default()
            }),
            Err(error) => Err(error),
        }
    }

    /// The same change to many tickets, 100 a call; per-ticket results in the ids' order.
    /// When some calls fail and others succeed, the tickets of a failed call carry its error;
    /// when every call fails, the first error is returned.
    pub async fn update_many(
        &self,
        ids: &[u64],
        change: &TicketChange,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.update_many_with_id(ids, change, &new_request_id())
            .await
    }

    /// [`Client::update_many`] under a `Requestid` the caller keeps; with more than 100 ids
    /// each call of 100 carries it with the call's number appended.
    pub async fn update_many_with_id(
        &self,
        ids: &[u64],
        change: &TicketChange,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let body = json!({ "ticket": encode::change(change) });
        let batches = ids
            .chunks(BATCH_SIZE)
            .map(|batch| Batch {
                ids: batch.to_vec(),
                query: vec![("ids", join_ids(batch))],
                body: body.clone(),
            })
            .collect();
        self.update_batches(batches, request_id).await
    }

    /// A change of its own for each ticket, 100 a call; per-ticket results in order, with
    /// the same partial-failure rule as [`Client::update_many`].
    pub async fn update_each(
        &self,
        changes: &[(u64, TicketChange)],
    ) -> Result<Vec<UpdateResult>, ApiError> {
        self.update_each_with_id(changes, &new_request_id()).await
    }

    /// [`Client::update_each`] under a `Requestid` the caller keeps (see
    /// [`Client::update_many_with_id`]).
    pub async fn update_each_with_id(
        &self,
        changes: &[(u64, TicketChange)],
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        let batches = changes
            .chunks(BATCH_SIZE)
            .map(|chunk| {
                let tickets: Vec<Value> = chunk
                    .iter()
                    .map(|(id, change)| encode::change_for(*id, change))
                    .collect();
                Batch {
                    ids: chunk.iter().map(|(id, _)| *id).collect(),
                    query: Vec::new(),
                    body: json!({ "tickets": tickets }),
                }
            })
            .collect();
        self.update_batches(batches, request_id).await
    }

    /// Upload a file for a reply or an attachment field; answers the token to send.
    /// Retried only when the server certainly did not store it (429, 503, refused), since
    /// a repeated upload would store the file twice.
    pub async fn upload(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        reply_id: Option<u64>,
    ) -> Result<Attachment, ApiError> {
        let mut query = vec![("filename", file_name.to_owned())];
        if let Some(reply_id) = reply_id {
            query.push(("ticketReplyId", reply_id.to_string()));
        }
        let url = self.endpoint("/api/v1/uploads.json", &query)?;
        let answer = self
            .send(Request {
                method: Method::POST,
                url,
                body: Body::Binary {
                    bytes,
                    content_type: "application/binary",
                },
                headers: Vec::new(),
                replay: Replay::OnlyIfUnprocessed,
            })
            .await?;
        in_200(decode::attachment(&answer.body))
    }

    /// Runs update-many batches with bounded concurrency and merges the per-ticket results
    /// in the order of `batches`.
    async fn update_batches(
        &self,
        batches: Vec<Batch>,
        request_id: &str,
    ) -> Result<Vec<UpdateResult>, ApiError> {
        if batches.is_empty() {
            return Ok(Vec::new());
        }
        let mut requests = Vec::with_capacity(batches.len());
        let several = batches.len() > 1;
        for (n, batch) in batches.iter().enumerate() {
            let url = self.endpoint("/api/v1/tickets/update_many.json", &batch.query)?;
            // Each call is a write of its own: its own id, derived so that it stays the
            // same when the whole set is sent again under the same id.
            let id = if several {
                format!("{request_id}-{}", n + 1)
            } else {
                request_id.to_owned()
            };
            requests.push(Request {
                method: Method::PUT,
                url,
                body: Body::Json(batch.body.clone()),
                headers: vec![request_id_header(&id)?],
                replay: Replay::Safe,
            });
        }
        let batch_ids: Vec<Vec<u64>> = batches.iter().map(|batch| batch.ids.clone()).collect();
        let answers: Vec<Result<Vec<UpdateResult>, ApiError>> =
            futures::stream::iter(requests.into_iter().zip(batch_ids))
                .map(|(request, ids)| async move {
                    let answer = self.send(request).await?;
                    let results = in_200(decode::update_results(&answer.body))?;
                    // `{"status": "0", "message": "Insert ok"}` accepts the whole call without
                    // per-ticket results: every ticket of the call succeeded.
                    if results.is_empty() && is_write_ack(&answer.body) {
                        return Ok(ids
                            .iter()
                            .map(|id| UpdateResult {
                                ticket_id: *id,
                                success: true,
                                error: String::new(),
                            })
                            .collect());
                    }
                    Ok(results)
                })
                .buffered(self.inner.concurrency)
                .collect()
                .await;
        if let Some(Err(first)) = answers.first()
            && answers.iter().all(Result::is_err)
        {
            return Err(first.clone());
        }
        let mut merged = Vec::with_capacity(batches.iter().map(|batch| batch.ids.len()).sum());
        for (batch, answer) in batches.iter().zip(answers) {
            match answer {
                Ok(results) => merged.extend(merge_results(&batch.ids, results)),
                Err(error) => merged.extend(batch.ids.iter().map(|id| UpdateResult {
                    ticket_id: *id,
                    success: false,
                    error: error.to_string(),
                })),
            }
        }
        Ok(merged)
    }
}

/// A fresh `Requestid`: the vendor's header that makes the server drop a repeat of the
/// same write (API-NOTES.md). One per distinct write, reused by its retries and resumes.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn request_id_header(request_id: &str) -> Result<(HeaderName, HeaderValue), ApiError> {
    let value = HeaderValue::from_str(request_id)
        .map_err(|_| ApiError::Config(format!("not a usable request id: {request_id:?}")))?;
    Ok((HeaderName::from_static("requestid"), value))
}

/// One update-many call: the tickets it covers, its query and its body.
struct Batch {
    ids: Vec<u64>,
    query: Vec<(&'static str, String)>,
    body: Value,
}

/// One result per id asked for, in that order; an id the server did not report is a failure.
fn merge_results(ids: &[u64], results: Vec<UpdateResult>) -> Vec<UpdateResult> {
    let mut by_id: HashMap<u64, VecDeque<UpdateResult>> = HashMap::new();
    for result in results {
        by_id.entry(result.ticket_id).or_default().push_back(result);
    }
    ids.iter()
        .map(|id| {
            by_id
                .get_mut(id)
                .and_then(VecDeque::pop_front)
                .unwrap_or_else(|| UpdateResult {
                    ticket_id: *id,
                    success: false,
                    error: "the server did not report a result for this ticket".into(),
                })
        })
        .collect()
}

/// `.../tickets/123.json` or `.../tickets/123_v2.json` to 123.
fn ticket_id_of_location(location: &str) -> Option<u64> {
    let path = location.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let stem = last.strip_suffix(".json").unwrap_or(last);
    let stem = stem.strip_suffix("_v2").unwrap_or(stem);
    stem.parse().ok().filter(|id| *id > 0)
}

/// `{"status": "0", "message": "Insert ok", ...}`: a write the server acknowledges without
/// sending the ticket back.
fn is_write_ack(body: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    !map.contains_key("ticket")
        && match map.get("status") {
            Some(Value::String(status)) => status.trim() == "0",
            Some(Value::Number(status)) => status.as_i64() == Some(0),
            _ => false,
        }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn location_names_the_ticket() {
        assert_eq!(
            ticket_id_of_location("https://www.bangwo8.com/api/v1/tickets/110.json"),
            Some(110)
        );
        assert_eq!(
            ticket_id_of_location("/api/v1/tickets/7_v2.json?x=1"),
            Some(7)
        );
        assert_eq!(ticket_id_of_location("/api/v1/tickets/{id}.json"), None);
    }

    #[test]
    fn results_merge_in_the_ids_order() {
        let result = |id, success| UpdateResult {
            ticket_id: id,
            success,
            error: String::new(),
        };
        let merged = merge_results(&[3, 1, 2], vec![result(1, true), result(3, false)]);
        assert_eq!(
            merged
                .iter()
                .map(|r| (r.ticket_id, r.success))
                .collect::<Vec<_>>(),
            vec![(3, false), (1, true), (2, false)]
        );
        assert!(!merged[2].error.is_empty());
    }

    #[test]
    fn acknowledgements_are_recognised() {
        assert!(is_write_ack(
            br#"{"status":"0","message":"Insert ok","data":false}"#
        ));
        assert!(!is_write_ack(br#"{"status":"1","message":"failed"}"#));
        assert!(!is_write_ack(b"not json"));
    }
}
