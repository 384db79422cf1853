//! The search index on threads of its own. A build hands it one shard of
//! pages at a time while the next shard renders; `serve` and `watch` hand
//! it the shards an edit changed, in the background, so no edit waits.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use crate::base::artifact::{Artifact, ChangeSet, Coverage, Fingerprint};
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::OutputPath;
use crate::engine::{SearchSink, SearchWork};
use crate::stages::search::{index_shard, Page};

/// At most this many shards index at once. Each holds pagefind's state for
/// its pages (about 100 KB a page while it is built), so this bounds memory
/// too.
const MAX_WORKERS: usize = 4;

type Done = (usize, Result<Vec<Artifact>, Diagnostic>);
/// A shard to index: which, its pages, and whether it has the scripts.
type Job = (usize, Vec<Page>, bool);

/// A pool of indexing threads, one shard each at a time.
pub(crate) struct Indexer {
    tx: Mutex<Option<SyncSender<Job>>>,
    done: Mutex<Receiver<Done>>,
    workers: Vec<JoinHandle<()>>,
    /// The shards handed over, to tell which a lost worker never finished.
    sent: Mutex<Vec<usize>>,
    /// Shards that failed, kept for `finish` to report.
    failed: Mutex<Vec<Diagnostic>>,
}

impl Indexer {
    /// Starts the pool for a site written in `language`.
    pub(crate) fn start(language: &str) -> Indexer {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // A rendezvous: a shard is handed over only when a worker is free.
        let (tx, rx) = mpsc::sync_channel::<Job>(0);
        let rx = Arc::new(Mutex::new(rx));
        let (done_tx, done) = mpsc::channel();
        let workers = (0..cores.clamp(1, MAX_WORKERS))
            .filter_map(|n| {
                let (rx, done_tx, language) = (rx.clone(), done_tx.clone(), language.to_string());
                std::thread::Builder::new()
                    .name(format!("mendbook-search-{n}"))
                    .spawn(move || loop {
                        let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok((shard, pages, scripts)) = job else {
                            return;
                        };
                        // An empty shard has no index, unless it carries
                        // the scripts.
                        let files = if !scripts && pages.is_empty() {
                            Ok(Vec::new())
                        } else {
                            index_shard(&language, shard, pages, scripts)
                        };
                        let _ = done_tx.send((shard, files));
                    })
                    .ok()
            })
            .collect();
        Indexer {
            tx: Mutex::new(Some(tx)),
            done: Mutex::new(done),
            workers,
            sent: Mutex::new(Vec::new()),
            failed: Mutex::new(Vec::new()),
        }
    }

    /// Waits for every queued shard; each shard's files, by shard.
    fn results(self) -> BTreeMap<usize, Result<Vec<Artifact>, Diagnostic>> {
        drop(self.tx.lock().unwrap_or_else(|e| e.into_inner()).take());
        for worker in self.workers {
            let _ = worker.join();
        }
        let mut results: BTreeMap<_, _> = self
            .done
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .try_iter()
            .collect();
        for shard in self.sent.into_inner().unwrap_or_else(|e| e.into_inner()) {
            results
                .entry(shard)
                .or_insert_with(|| Err(stopped_unexpectedly()));
        }
        results
    }
}

fn stopped_unexpectedly() -> Diagnostic {
    Diagnostic::error_in(
        Code::Search,
        "could not build the search index: pagefind stopped unexpectedly",
    )
}

impl Indexer {
    /// Hands a shard to the first free worker, waiting for one.
    fn send(&self, shard: usize, pages: Vec<Page>, scripts: bool) {
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner()).clone();
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(shard);
        if let Some(tx) = tx {
            // A closed channel means every worker is gone; the shard then
            // has no result, and `results` says so.
            let _ = tx.send((shard, pages, scripts));
        }
    }

    /// The shards finished since the last call, so finished bundles do not
    /// pile up here.
    fn finished(&self) -> Vec<Done> {
        let done: Vec<Done> = self
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_iter()
            .collect();
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        sent.retain(|s| !done.iter().any(|(shard, _)| shard == s));
        done
    }
}

impl SearchSink for Indexer {
    fn index(&self, shard: usize, pages: Vec<Page>, scripts: bool) -> Vec<Artifact> {
        self.send(shard, pages, scripts);
        let mut files = Vec::new();
        for (_, result) in self.finished() {
            match result {
                Ok(mut done) => files.append(&mut done),
                Err(d) => self
                    .failed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(d),
            }
        }
        files
    }

    fn finish(self: Box<Self>) -> Result<Vec<Artifact>, Diagnostic> {
        let failed = std::mem::take(&mut *self.failed.lock().unwrap_or_else(|e| e.into_inner()));
        // Waits for every worker even after a failure, so none is left
        // running; the first failure is the one reported.
        let results = self.results();
        if let Some(d) = failed.into_iter().next() {
            return Err(d);
        }
        let mut files = Vec::new();
        for (_, result) in results {
            files.extend(result?);
        }
        Ok(files)
    }
}

/// What a background indexing run produced: per shard its files, or why
/// it failed; and the shard count the work was split for.
pub(crate) struct Indexed {
    pub(crate) shards: BTreeMap<usize, Result<Vec<Artifact>, Diagnostic>>,
    pub(crate) count: usize,
    pub(crate) pages: usize,
    pub(crate) elapsed: Duration,
}

/// Indexes `work` where the caller is (on the pool's threads).
pub(crate) fn index_now(work: SearchWork) -> Indexed {
    let start = Instant::now();
    let pool = Indexer::start(&work.language);
    let pages = work.shards.values().map(Vec::len).sum();
    let mut shards = BTreeMap::new();
    for (shard, pages) in work.shards {
        pool.send(shard, pages, shard == work.primary);
        shards.extend(pool.finished());
    }
    shards.extend(pool.results());
    Indexed {
        shards,
        count: work.count,
        pages,
        elapsed: start.elapsed(),
    }
}

/// Indexes in the background. Work sent while a run is under way is
/// coalesced: the newest pages of each shard are indexed next.
pub(crate) struct Background {
    tx: mpsc::Sender<SearchWork>,
}

impl Background {
    /// Starts the thread; `done` gets each finished run.
    pub(crate) fn start(mut done: impl FnMut(Indexed) + Send + 'static) -> Background {
        let (tx, rx) = mpsc::channel::<SearchWork>();
        let _ = std::thread::Builder::new()
            .name("mendbook-search-live".into())
            .spawn(move || {
                while let Ok(mut work) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        work = work.then(newer);
                    }
                    done(index_now(work));
                }
            });
        Background { tx }
    }

    /// Asks for `work` to be indexed, after (or merged with) any waiting.
    pub(crate) fn submit(&self, work: SearchWork) {
        // A closed channel means the thread never started; search then
        // stays as it was, which `serve` can live with.
        let _ = self.tx.send(work);
    }
}

/// The search bundle as last published by `serve` or `watch`: each shard's
/// files, and the fingerprints of them all.
#[derive(Default)]
pub(crate) struct Bundle {
    shards: BTreeMap<usize, Vec<Artifact>>,
    published: HashMap<OutputPath, Fingerprint>,
}

impl Bundle {
    /// Takes in a run's shards; returns what changed in the bundle, and
    /// the problems of shards that failed (their old files stay).
    pub(crate) fn absorb(&mut self, done: Indexed) -> (ChangeSet, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        for (shard, result) in done.shards {
            match result {
                Ok(files) => {
                    self.shards.insert(shard, files);
                }
                Err(d) => problems.push(d),
            }
        }
        self.shards.retain(|shard, _| *shard < done.count);
        let files = self.shards.values().flatten().cloned().collect();
        let changes = ChangeSet::between(&mut self.published, files, Coverage::Whole);
        (changes, problems)
    }
}
