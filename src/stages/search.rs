//! Search: hands the rendered pages worth finding to pagefind and returns its
//! bundle (the index, its WebAssembly and its JavaScript) as output files
//! under `pagefind/`. In memory in, in memory out: nothing touches the disk.
//!
//! Pagefind's API is async and indexes one page at a time behind a lock, so it
//! runs on its own thread with its own small runtime, fed through a channel
//! while the renderer's threads are still producing pages.

use std::borrow::Cow;
use std::path::Component;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::{OutputPath, SitePath};
use crate::model::reserved::BUNDLE_DIR;
use crate::stages::render::{Content, OutFile};

type Bundle = Result<Vec<OutFile>, String>;

/// A search index being built. Feed it pages with [`Indexer::add`] from any
/// thread, then [`Indexer::finish`] it for the bundle's files.
pub struct Indexer {
    tx: Option<mpsc::Sender<(String, String)>>,
    worker: Option<JoinHandle<Bundle>>,
}

impl Indexer {
    /// Starts an empty index for a site written in `language`.
    pub fn start(language: &str) -> Indexer {
        let (tx, rx) = mpsc::channel::<(String, String)>();
        let language = language.to_string();
        let worker = std::thread::Builder::new()
            .name("mendbook-search".into())
            .spawn(move || index(&language, rx))
            .ok();
        Indexer {
            tx: worker.as_ref().map(|_| tx),
            worker,
        }
    }

    /// Adds one page; `url` is where it is in the site, `html` all of it.
    pub fn add(&self, url: &SitePath, html: &str) {
        if let Some(tx) = &self.tx {
            // A closed channel means the worker failed; `finish` reports it.
            let _ = tx.send((format!("/{}", url.as_str()), html.to_string()));
        }
    }

    /// Adds `file` if search covers it.
    pub fn add_file(&self, file: &OutFile) {
        if let (Some(url), Content::Bytes(bytes)) = (&file.search, &file.content) {
            self.add(url, &String::from_utf8_lossy(bytes));
        }
    }

    /// Builds the index from every page added and returns its files.
    pub fn finish(mut self) -> Result<Vec<OutFile>, Diagnostic> {
        drop(self.tx.take());
        let failed = |why: String| {
            Diagnostic::error_in(
                Code::Search,
                format!("could not build the search index: {why}"),
            )
            .help("set `search = false` under `[build]` in book.toml to build without search")
        };
        let Some(worker) = self.worker.take() else {
            return Err(failed("could not start its thread".into()));
        };
        match worker.join() {
            Ok(Ok(files)) => Ok(files),
            Ok(Err(why)) => Err(failed(why)),
            Err(_) => Err(failed("pagefind stopped unexpectedly".into())),
        }
    }
}

/// The pages to index, as a live preview holds them.
pub struct Snapshot {
    pub language: String,
    pub pages: Vec<(SitePath, Arc<[u8]>)>,
}

/// What a background indexing run produced: the bundle (or why not), how
/// many pages it covers and how long it took.
pub struct Indexed {
    pub bundle: Result<Vec<OutFile>, Diagnostic>,
    pub pages: usize,
    pub elapsed: Duration,
}

/// Builds search bundles on a thread of its own for `serve` and `watch`, so
/// no edit waits for the index (a large site takes seconds to index).
/// Snapshots sent while one is being indexed are coalesced: only the newest
/// is indexed next.
pub struct Background {
    tx: mpsc::Sender<Snapshot>,
}

impl Background {
    /// Starts the thread; `done` gets each finished run.
    pub fn start(mut done: impl FnMut(Indexed) + Send + 'static) -> Background {
        let (tx, rx) = mpsc::channel::<Snapshot>();
        let _ = std::thread::Builder::new()
            .name("mendbook-search-live".into())
            .spawn(move || {
                while let Ok(mut snapshot) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        snapshot = newer;
                    }
                    let start = Instant::now();
                    let indexer = Indexer::start(&snapshot.language);
                    for (url, html) in &snapshot.pages {
                        indexer.add(url, &String::from_utf8_lossy(html));
                    }
                    done(Indexed {
                        bundle: indexer.finish(),
                        pages: snapshot.pages.len(),
                        elapsed: start.elapsed(),
                    });
                }
            });
        Background { tx }
    }

    /// Asks for the index of `snapshot`, replacing any still waiting.
    pub fn submit(&self, snapshot: Snapshot) {
        // A closed channel means the thread never started; search then
        // stays as it was, which `serve` can live with.
        let _ = self.tx.send(snapshot);
    }
}

fn index(language: &str, pages: mpsc::Receiver<(String, String)>) -> Bundle {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let options = PagefindServiceConfig::builder()
        .force_language(crate::model::config::primary_language(language))
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
    runtime.block_on(async {
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files.into_iter().filter_map(bundle_file).collect())
    })
}

/// Places one of pagefind's files under [`BUNDLE_DIR`], refusing any path
/// that is not plainly relative.
fn bundle_file(file: pagefind::api::SyntheticFile) -> Option<OutFile> {
    let mut path = String::from(BUNDLE_DIR);
    for part in file.filename.components() {
        match part {
            Component::Normal(p) => {
                path.push('/');
                path.push_str(p.to_str()?);
            }
            _ => return None,
        }
    }
    Some(OutFile {
        path: OutputPath::new(path),
        content: Content::Bytes(Cow::Owned(file.contents)),
        search: None,
        origin: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_has_the_script_and_an_index_for_the_pages_added() {
        let indexer = Indexer::start("en");
        indexer.add(
            &SitePath::page(["recover", "apologize"]),
            "<html lang=\"en\"><body><main data-pagefind-body><h1>Apologize</h1><p>Say sorry once, plainly.</p></main></body></html>",
        );
        let files = indexer.finish().expect("index builds");
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("pagefind/fragment/")),
            "{names:?}"
        );
        let entry = files
            .iter()
            .find(|f| f.path.as_str() == "pagefind/pagefind-entry.json")
            .unwrap();
        let Content::Bytes(bytes) = &entry.content else {
            panic!("in memory")
        };
        let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(json["languages"]["en"]["page_count"], 1);
    }
}
