//! The accept loop. Connections are served with hyper directly so that a
//! fault can close one without answering.

use std::convert::Infallible;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Shared;

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, cancel: CancellationToken) {
    accept_each(listener, cancel.clone(), move |stream| {
        let shared = shared.clone();
        let cancel = cancel.clone();
        let open = ConnectionOpen::new(&shared);
        async move {
            let _open = open;
            // Notified by the dispatcher to close this connection without an answer.
            let kill = Arc::new(Notify::new());
            let service = {
                let kill = kill.clone();
                service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let shared = shared.clone();
                    let kill = kill.clone();
                    async move {
                        let request = request.map(super::body::incoming);
                        Ok::<_, Infallible>(super::routes::dispatch(shared, kill, request).await)
                    }
                })
            };
            let connection = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                () = kill.notified() => {}
                () = cancel.cancelled() => {}
            }
        }
    })
    .await;
}

/// Accepts connections on `listener` until `cancel`, each served by the future `serve`
/// makes of it, in a task of its own. One loop for the API's listener and the file
/// host's, so both stop alike and both outlive a failed accept.
pub(crate) async fn accept_each<F, Fut>(
    listener: TcpListener,
    cancel: CancellationToken,
    mut serve: F,
) where
    F: FnMut(TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        let stream = tokio::select! {
            () = cancel.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // A failed accept (e.g. too many open files) must not end the server.
                Err(_) => continue,
            },
        };
        tokio::spawn(serve(stream));
    }
}

/// A connection counted in `Shared::connections_open` while its task lives.
struct ConnectionOpen(Arc<Shared>);

impl ConnectionOpen {
    fn new(shared: &Arc<Shared>) -> ConnectionOpen {
        shared
            .connections_open
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ConnectionOpen(shared.clone())
    }
}

impl Drop for ConnectionOpen {
    fn drop(&mut self) {
        self.0
            .connections_open
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
