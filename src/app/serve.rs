//! The preview server: serves the last complete build from memory under the
//! site's base-url path, injects the live-reload script into HTML, and pushes
//! reload, stylesheet and error events over Server-Sent Events.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::base::artifact::{ChangeSet, Content};
use crate::base::paths::percent_decode;
use crate::base::paths::OutputPath;
use crate::engine::memory::MemorySink;

/// Where the live-reload pieces live; outside any site prefix.
const LIVE_SCRIPT: &str = "/__mendbook/live.js";
const LIVE_EVENTS: &str = "/__mendbook/events";

/// A problem as the error overlay shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Problem {
    /// `file:line:column`, when the problem has a place.
    pub(crate) at: Option<String>,
    pub(crate) message: String,
}

/// What open pages should do after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reload {
    /// Reload, whatever page they show (a script or an image changed).
    All,
    /// Reload if showing one of these URLs.
    Pages(Vec<String>),
    /// Only stylesheets changed: swap them without a reload.
    Styles,
}

/// What a page's live-reload script is told.
#[derive(Debug, Clone)]
pub(crate) enum LiveEvent {
    Reload(Reload),
    /// The last rebuild failed: show these over the page.
    Problems(Vec<Problem>),
    /// The problems are fixed: hide the overlay.
    Clear,
}

/// The files being served and the current problems.
#[derive(Default)]
pub(crate) struct Published {
    pub(crate) files: MemorySink,
    pub(crate) problems: Vec<Problem>,
}

/// Shared between the HTTP handlers and the rebuild thread.
pub(crate) struct Live {
    pub(crate) published: RwLock<Published>,
    pub(crate) events: broadcast::Sender<LiveEvent>,
    /// The site prefix, `/recovery/` or `/`.
    pub(crate) prefix: String,
    /// Slots for open live-reload streams.
    streams: Arc<Semaphore>,
}

impl Live {
    pub(crate) fn new(prefix: String) -> Arc<Live> {
        let (events, _) = broadcast::channel(64);
        Arc::new(Live {
            published: RwLock::new(Published::default()),
            events,
            prefix,
            streams: Arc::new(Semaphore::new(MAX_EVENT_STREAMS)),
        })
    }

    /// The URL of an output path: `a/index.html` -> `/prefix/a/`.
    pub(crate) fn url_of(&self, output: &OutputPath) -> String {
        let output = output.as_str();
        let page = output.strip_suffix("index.html").unwrap_or(output);
        format!("{}{}", self.prefix, page)
    }

    /// What open pages should do after `changes`; `None` when nothing
    /// they show changed.
    pub(crate) fn reload_for(&self, changes: &ChangeSet) -> Option<Reload> {
        if changes.is_empty() {
            return None;
        }
        let is_css = |p: &OutputPath| p.as_str().ends_with(".css");
        if changes.removed.is_empty() && changes.written.iter().all(|a| is_css(&a.path)) {
            return Some(Reload::Styles);
        }
        let mut urls = Vec::new();
        for path in changes
            .written
            .iter()
            .map(|a| &a.path)
            .chain(&changes.removed)
        {
            if path.as_str().ends_with(".html") && path.as_str() != "404.html" {
                urls.push(self.url_of(path));
            } else {
                // A script, an image or the 404 page: any page may show it.
                return Some(Reload::All);
            }
        }
        Some(Reload::Pages(urls))
    }
}

/// Binds the address; a port already in use gets a message that says so.
pub(crate) async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} is already in use; try `mendbook serve --port {}`",
                addr.port(),
                addr.port().wrapping_add(1).max(1024)
            )
        } else {
            format!("cannot listen on {addr}: {e}")
        }
    })
}

/// The most connections served at once. More wait in the kernel's queue,
/// so a flood cannot use up the file descriptors rebuilds need.
const MAX_CONNECTIONS: usize = 512;
/// The most live-reload streams open at once; more get 503.
pub(crate) const MAX_EVENT_STREAMS: usize = 256;
/// A connection that moves no byte either way for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How often an open event stream is sent a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Accepts connections only while fewer than [`MAX_CONNECTIONS`] are open.
struct Limited {
    inner: tokio::net::TcpListener,
    slots: Arc<Semaphore>,
}

impl axum::serve::Listener for Limited {
    type Io = Guarded;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Guarded, SocketAddr) {
        loop {
            let Ok(slot) = self.slots.clone().acquire_owned().await else {
                // The semaphore is never closed; wait a moment if it were.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let _ = io.set_nodelay(true);
                    return (
                        Guarded {
                            io,
                            _slot: slot,
                            idle: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
                        },
                        addr,
                    );
                }
                // Out of descriptors or the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection holding its slot, closed after [`IDLE_TIMEOUT`] without
/// traffic.
struct Guarded {
    io: tokio::net::TcpStream,
    _slot: OwnedSemaphorePermit,
    idle: Pin<Box<tokio::time::Sleep>>,
}

impl Guarded {
    fn progressed(&mut self) {
        self.idle
            .as_mut()
            .reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
    }

    fn timed_out(&mut self, cx: &mut Context<'_>) -> bool {
        self.idle.as_mut().poll(cx).is_ready()
    }
}

fn idle_error() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "idle connection")
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                self.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                self.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Serves until `shutdown` completes.
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    live: Arc<Live>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = Limited {
        inner: listener,
        slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
    };
    let app = Router::new()
        .route(LIVE_SCRIPT, get(live_script))
        .route(LIVE_EVENTS, get(live_events))
        .fallback(get(serve_file))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(live);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn live_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("serve/live.js"),
    )
}

async fn live_events(State(live): State<Arc<Live>>) -> Response {
    // Each open page holds a stream; past the cap, new ones are turned
    // away rather than let a flood starve the pages themselves.
    let Ok(stream_slot) = live.streams.clone().try_acquire_owned() else {
        // Closed at once, so a refused client does not keep a slot.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONNECTION, "close")],
            "too many live-reload connections",
        )
            .into_response();
    };
    // A page that connects while a build is broken sees the overlay at once.
    let current = {
        let published = live.published.read().unwrap_or_else(|e| e.into_inner());
        if published.problems.is_empty() {
            None
        } else {
            Some(LiveEvent::Problems(published.problems.clone()))
        }
    };
    let updates = stream::unfold(live.events.subscribe(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => return Some((e, rx)),
                // A page that fell behind only needs the latest news.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let stream = stream::iter(current).chain(updates).map(move |e| {
        // The slot is freed when the stream (and this closure) is dropped.
        let _held = &stream_slot;
        Ok::<_, Infallible>(to_sse(e))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

fn to_sse(e: LiveEvent) -> Event {
    match e {
        // The page's script reads `["*"]` as "whatever page you show".
        LiveEvent::Reload(Reload::All) => Event::default().event("reload").data("[\"*\"]"),
        LiveEvent::Reload(Reload::Pages(urls)) => Event::default()
            .event("reload")
            .data(serde_json::to_string(&urls).unwrap_or_default()),
        LiveEvent::Reload(Reload::Styles) => Event::default().event("css").data("{}"),
        LiveEvent::Problems(p) => Event::default()
            .event("problems")
            .data(serde_json::to_string(&p).unwrap_or_default()),
        LiveEvent::Clear => Event::default().event("clear").data("{}"),
    }
}

/// Why a request path is refused before any lookup.
fn unsafe_path(decoded: &str) -> bool {
    decoded.contains('\0')
        || decoded.contains('\\')
        || decoded.split('/').any(|seg| seg == ".." || seg == ".")
}

async fn serve_file(State(live): State<Arc<Live>>, req: Request<Body>) -> Response {
    let raw = req.uri().path();
    let decoded = percent_decode(raw);
    if unsafe_path(&decoded) {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    }
    if decoded == "/" && live.prefix != "/" {
        return redirect(&live.prefix, StatusCode::FOUND);
    }
    let Some(rel) = decoded.strip_prefix(&live.prefix) else {
        return not_found(&live);
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let found = {
        let published = live.published.read().unwrap_or_else(|e| e.into_inner());
        match published.files.get(&OutputPath::new(key.clone())) {
            Some(out) => Some(out.clone()),
            None if published
                .files
                .contains(&OutputPath::new(format!("{key}/index.html"))) =>
            {
                return redirect(&format!("{raw}/"), StatusCode::MOVED_PERMANENTLY);
            }
            None => None,
        }
    };
    match found {
        Some(out) => respond(&key, out, StatusCode::OK),
        None => not_found(&live),
    }
}

fn not_found(live: &Live) -> Response {
    let page = {
        let published = live.published.read().unwrap_or_else(|e| e.into_inner());
        published.files.get(&OutputPath::new("404.html")).cloned()
    };
    match page {
        Some(out) => respond("404.html", out, StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn redirect(to: &str, status: StatusCode) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn respond(key: &str, out: Content, status: StatusCode) -> Response {
    let bytes: Vec<u8> = match out.bytes() {
        Ok(b) => b.into_owned(),
        Err(_) => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html { inject(bytes) } else { bytes };
    let content_type = if mime.type_() == mime_guess::mime::TEXT
        || mime.essence_str() == "application/javascript"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Adds the live-reload script to an HTML page. The server does this, not
/// the theme, so a custom theme cannot lose it; nothing is written to disk.
fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\" defer></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></body></html>".to_vec())).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__mendbook/live.js\" defer></script></body></html>"
        );
        let bare = String::from_utf8(inject(b"<p>x</p>".to_vec())).unwrap();
        assert!(bare.ends_with("defer></script>"));
    }

    #[test]
    fn traversal_is_refused() {
        for p in ["/a/../b", "/..", "/a\\b", "/a\0", "/./a"] {
            assert!(unsafe_path(p), "{p}");
        }
        assert!(!unsafe_path("/recovery/a.b/c..d/"));
    }
}
