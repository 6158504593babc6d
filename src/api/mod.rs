//! The 帮我吧 API: wire model, lenient decoding, search language and the client.

pub mod attachments;
pub(crate) mod client;
pub mod decode;
pub mod encode;
pub(crate) mod error;
pub mod model;
pub mod query;

pub use attachments::{TicketFile, safe_file_name, ticket_files};
pub use client::{
    AsyncSink, Auth, Client, ClientConfig, DownloadError, Downloader, ListScope, RetryObserver,
    RetryPolicy, ShowMany, new_request_id,
};
pub use error::{ApiError, NetworkError, QueryError};
pub use model::*;
pub use query::{ListOrder, ListQuery, SearchQuery, SearchSort, SearchTerm, SortOrder};
