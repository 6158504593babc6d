//! Downloading a ticket's file from wherever its link points (the vendor's object storage:
//! another host). A client of its own, built without credentials: no Authorization header,
//! no token and no cookie ever goes with a download, whichever host a redirect names.

use std::time::Duration;

use url::Url;

use super::http::network_error;
use crate::api::error::ApiError;

/// The redirects a download follows (none of them can carry credentials: there are none).
const MAX_REDIRECTS: usize = 5;

/// The credential-free HTTP client for files. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Downloader {
    http: reqwest::Client,
}

impl Downloader {
    /// With the profile's timeout (for the connection and between chunks, not the whole
    /// file) and its extra CA file; the profile's credentials are not read.
    pub fn new(timeout: Duration, ca_file: Option<&std::path::Path>) -> Result<Self, ApiError> {
        let timeout = if timeout.is_zero() {
            Duration::from_secs(20)
        } else {
            timeout
        };
        let mut builder = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .read_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .user_agent(concat!("gongdan/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_file
            && let Ok(pem) = std::fs::read(path)
            && let Ok(certs) = reqwest::Certificate::from_pem_bundle(&pem)
        {
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder
            .build()
            .map_err(|err| ApiError::Config(format!("cannot set up HTTPS: {err}")))?;
        Ok(Downloader { http })
    }

    /// Reads `link` chunk by chunk into `sink`, which is told each chunk, the bytes so far
    /// and the length the server announced (when it did). Answers the bytes read. A sink
    /// error (a full disk) stops the download: [`DownloadError::File`].
    pub async fn fetch(&self, link: &str, mut sink: impl AsyncSink) -> Result<u64, DownloadError> {
        let url = Url::parse(link)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or(DownloadError::BadLink)?;
        let mut response = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|error| DownloadError::Api(network_error(&error, &url)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(match status.as_u16() {
                // Not this account's role: the link itself is refused (expired, signed).
                code @ (401 | 403) => DownloadError::Refused(code),
                code => DownloadError::Api(api_status(code)),
            });
        }
        let total = response.content_length();
        let mut done = 0u64;
        loop {
            let chunk = response
                .chunk()
                .await
                .map_err(|error| DownloadError::Api(network_error(&error, &url)))?;
            let Some(chunk) = chunk else {
                break;
            };
            done += chunk.len() as u64;
            sink.write(&chunk, done, total)
                .await
                .map_err(DownloadError::File)?;
        }
        if let Some(total) = total
            && done < total
        {
            return Err(DownloadError::Api(ApiError::Network(
                crate::api::NetworkError::ConnectionReset,
            )));
        }
        Ok(done)
    }
}

fn api_status(code: u16) -> ApiError {
    match code {
        404 | 410 => ApiError::NotFound(None),
        429 => ApiError::RateLimited { retry_after: None },
        code => ApiError::Server {
            status: code,
            excerpt: None,
        },
    }
}

/// Where a download's bytes go.
pub trait AsyncSink {
    fn write(
        &mut self,
        chunk: &[u8],
        done: u64,
        total: Option<u64>,
    ) -> impl std::future::Future<Output = std::io::Result<()>> + Send;
}

/// Why a download did not finish.
#[derive(Debug)]
pub enum DownloadError {
    /// The link is not an http(s) URL.
    BadLink,
    /// The file host refused the link (HTTP 401 or 403): expired or not public.
    Refused(u16),
    /// The file host's answer or the network.
    Api(ApiError),
    /// Writing the file.
    File(std::io::Error),
}
