//! The search index on threads of its own: during a build, fed pages while
//! the rest still render; during `serve` and `watch`, rebuilt in the
//! background from the newest set of pages, so no edit waits for it.

use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::base::artifact::{Artifact, Content};
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::SitePath;
use crate::engine::{SearchSink, Snapshot};
use crate::stages::search::SearchIndex;

/// A build's index: a thread indexing pages as they arrive.
/// A page on its way to the index: its URL and HTML.
type Page = (SitePath, Arc<[u8]>);

pub(crate) struct Indexer {
    tx: Mutex<Option<mpsc::Sender<Page>>>,
    worker: JoinHandle<Result<Vec<Artifact>, Diagnostic>>,
}

impl Indexer {
    /// Starts an empty index for a site written in `language`.
    pub(crate) fn start(language: &str) -> Indexer {
        let (tx, rx) = mpsc::channel::<Page>();
        let language = language.to_string();
        let worker = std::thread::spawn(move || {
            let mut index = SearchIndex::new(&language)?;
            for (url, html) in rx {
                index.add(&url, &html)?;
            }
            index.finish()
        });
        Indexer {
            tx: Mutex::new(Some(tx)),
            worker,
        }
    }
}

impl SearchSink for Indexer {
    fn offer(&self, url: &SitePath, artifact: &Artifact) {
        let Content::Bytes(html) = &artifact.content else {
            return;
        };
        if let Some(tx) = self.tx.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            // A closed channel means the worker failed; `finish` reports it.
            let _ = tx.send((url.clone(), html.clone()));
        }
    }

    fn finish(self: Box<Self>) -> Result<Vec<Artifact>, Diagnostic> {
        drop(self.tx.lock().unwrap_or_else(|e| e.into_inner()).take());
        self.worker.join().unwrap_or_else(|_| {
            Err(Diagnostic::error_in(
                Code::Search,
                "could not build the search index: pagefind stopped unexpectedly",
            ))
        })
    }
}

/// What a background indexing run produced.
pub(crate) struct Indexed {
    pub(crate) bundle: Result<Vec<Artifact>, Diagnostic>,
    pub(crate) pages: usize,
    pub(crate) elapsed: Duration,
}

/// Indexes a snapshot where the caller is.
pub(crate) fn index_now(snapshot: &Snapshot) -> Indexed {
    let start = Instant::now();
    let bundle = crate::stages::search::index_pages(
        &snapshot.language,
        snapshot.pages.iter().map(|(u, h)| (u, &h[..])),
    );
    Indexed {
        bundle,
        pages: snapshot.pages.len(),
        elapsed: start.elapsed(),
    }
}

/// Builds search bundles on a thread of its own. Snapshots sent while one
/// is being indexed are coalesced: only the newest is indexed next.
pub(crate) struct Background {
    tx: mpsc::Sender<Snapshot>,
}

impl Background {
    /// Starts the thread; `done` gets each finished run.
    pub(crate) fn start(mut done: impl FnMut(Indexed) + Send + 'static) -> Background {
        let (tx, rx) = mpsc::channel::<Snapshot>();
        let _ = std::thread::Builder::new()
            .name("mendbook-search-live".into())
            .spawn(move || {
                while let Ok(mut snapshot) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        snapshot = newer;
                    }
                    done(index_now(&snapshot));
                }
            });
        Background { tx }
    }

    /// Asks for the index of `snapshot`, replacing any still waiting.
    pub(crate) fn submit(&self, snapshot: Snapshot) {
        // A closed channel means the thread never started; search then
        // stays as it was, which `serve` can live with.
        let _ = self.tx.send(snapshot);
    }
}
