//! The sandbox's HTTP body: one boxed type for what comes in (hyper's `Incoming`) and what
//! goes out (whole, or streamed so a fault can cut it short), on `http-body-util` alone.

use std::io;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;

/// A request's or an answer's body. Its error is a concrete type (not a boxed trait object),
/// which keeps the futures holding it `Send` without higher-ranked lifetime trouble.
pub(crate) type Body = UnsyncBoxBody<Bytes, io::Error>;

/// A body of these bytes.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// A request's body as hyper hands it over.
pub(crate) fn incoming(body: hyper::body::Incoming) -> Body {
    body.map_err(io::Error::other).boxed_unsync()
}

/// A body sent chunk by chunk; an error ends it (and its connection) mid-way.
pub(crate) fn stream<S>(chunks: S) -> Body
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    StreamBody::new(chunks.map(|chunk| chunk.map(Frame::data))).boxed_unsync()
}

/// The whole body, refused past `limit` bytes.
pub(crate) async fn to_bytes(body: Body, limit: usize) -> io::Result<Bytes> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => Err(io::Error::other(error.to_string())),
    }
}
