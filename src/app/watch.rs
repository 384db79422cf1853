//! Watching a site's inputs: batches of changed paths, with the noise editors
//! and tools make (swap files, backups, `.git/`, the build folder) filtered
//! out. Native file events where the system has them, polling otherwise.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use notify_debouncer_full::notify::{self, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

use crate::base::text::is_ignored_name;

/// How long a path must be quiet before its change is reported. Editors that
/// save by writing a temporary file and renaming it finish well within this.
pub(crate) const WINDOW: Duration = Duration::from_millis(25);

/// How often polling looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

/// Which folder a path names: its device and inode where the system has
/// them, so a folder deleted and made again is told from the old one.
/// (A new folder often gets the inode number the old one freed, so the
/// time it was made is part of its identity where the system keeps it.)
type Identity = (u64, u64, u128);

fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    let born = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino(), born))
    }
    #[cfg(not(unix))]
    {
        Some((0, 0, born))
    }
}

/// A running watcher; dropping it stops watching.
pub(crate) struct Watcher {
    backend: Backend,
    rx: Receiver<DebounceEventResult>,
    roots: Vec<PathBuf>,
    /// Folders to watch deeply that did not exist yet (a new `themes/`).
    pending: Vec<PathBuf>,
    /// The folders watched deeply, with the identity of the folder that
    /// was there when its watch began (`None` when there was none).
    deep: Vec<(PathBuf, Option<Identity>)>,
    ignore: Vec<PathBuf>,
    /// Whether native events failed and polling is used instead.
    pub(crate) polling: bool,
}

impl Watcher {
    /// Watches the folders in `deep` with everything below them, and the
    /// files directly in `shallow` (the site root, for book.toml), ignoring
    /// anything under `ignore`. With `poll`, or where native events cannot be
    /// had, polls instead.
    pub(crate) fn start(
        deep: &[PathBuf],
        shallow: &[PathBuf],
        ignore: Vec<PathBuf>,
        poll: bool,
    ) -> Result<Watcher, String> {
        let (tx, rx) = channel();
        let existing: Vec<(&PathBuf, RecursiveMode)> = deep
            .iter()
            .map(|p| (p, RecursiveMode::Recursive))
            .chain(shallow.iter().map(|p| (p, RecursiveMode::NonRecursive)))
            .filter(|(p, _)| p.exists())
            .collect();
        let native = if poll {
            None
        } else {
            let tx = tx.clone();
            new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                WINDOW,
                None,
                tx,
                RecommendedCache::new(),
                notify::Config::default(),
            )
            .ok()
            .and_then(|mut d| {
                for (p, mode) in &existing {
                    d.watch(p, *mode).ok()?;
                }
                Some(d)
            })
        };
        let (backend, polling) = match native {
            Some(d) => (Backend::Native(d), false),
            None => {
                // Polling compares modification times in whole seconds, so two
                // saves within a second would look like one: compare contents too.
                let config = notify::Config::default()
                    .with_poll_interval(POLL_INTERVAL)
                    .with_compare_contents(true);
                let mut d = new_debouncer_opt::<_, PollWatcher, RecommendedCache>(
                    WINDOW,
                    None,
                    tx,
                    RecommendedCache::new(),
                    config,
                )
                .map_err(|e| format!("cannot watch the site's files: {e}"))?;
                for (p, mode) in &existing {
                    d.watch(p, *mode)
                        .map_err(|e| format!("cannot watch {}: {e}", p.display()))?;
                }
                (Backend::Poll(d), true)
            }
        };
        Ok(Watcher {
            backend,
            rx,
            roots: deep.iter().chain(shallow).cloned().collect(),
            pending: deep.iter().filter(|p| !p.exists()).cloned().collect(),
            deep: deep.iter().map(|p| (p.clone(), identity(p))).collect(),
            ignore,
            polling,
        })
    }

    /// Waits for the next batch of relevant changed paths. Returns `None`
    /// when the watcher has stopped.
    pub(crate) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        loop {
            let result = self.rx.recv().ok()?;
            let mut batch = self.relevant(result);
            // Gather what else arrived in the same moment.
            while let Ok(more) = self.rx.try_recv() {
                batch.extend(self.relevant(more));
            }
            self.watch_new_folders(&batch);
            batch.sort();
            batch.dedup();
            if !batch.is_empty() {
                return Some(batch);
            }
        }
    }

    /// Starts watching folders that have appeared since the start, and
    /// watches again a folder that was replaced (`rm -rf content` and a
    /// copy put back, or a checkout that does the same): the old watch went
    /// with the old folder.
    fn watch_new_folders(&mut self, touched: &[PathBuf]) {
        for (dir, seen) in &mut self.deep {
            // An event on the folder itself (made, removed, moved) or a
            // different folder at its path means the old watch is gone.
            let now = identity(dir);
            if now != *seen || touched.contains(dir) {
                match &mut self.backend {
                    Backend::Native(d) => {
                        let _ = d.unwatch(dir.as_path());
                    }
                    Backend::Poll(d) => {
                        let _ = d.unwatch(dir.as_path());
                    }
                }
                if !self.pending.contains(dir) {
                    self.pending.push(dir.clone());
                }
                *seen = None;
            }
        }
        let pending = std::mem::take(&mut self.pending);
        for dir in pending {
            let watched = dir.is_dir()
                && match &mut self.backend {
                    Backend::Native(d) => d.watch(&dir, RecursiveMode::Recursive).is_ok(),
                    Backend::Poll(d) => d.watch(&dir, RecursiveMode::Recursive).is_ok(),
                };
            if watched {
                if let Some((_, seen)) = self.deep.iter_mut().find(|(d, _)| *d == dir) {
                    *seen = identity(&dir);
                }
            } else {
                self.pending.push(dir);
            }
        }
    }

    fn relevant(&self, result: DebounceEventResult) -> Vec<PathBuf> {
        let Ok(events) = result else {
            return Vec::new();
        };
        events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, notify::EventKind::Access(_)))
            .flat_map(|e| e.event.paths)
            .filter(|p| !self.is_noise(p))
            .collect()
    }

    /// Editor leftovers, version control and the build output are not inputs.
    fn is_noise(&self, path: &Path) -> bool {
        if self.ignore.iter().any(|i| path.starts_with(i)) {
            return true;
        }
        // Only the part below the watched folder counts: the site itself may
        // live under a hidden folder.
        let rel = self
            .roots
            .iter()
            .filter_map(|r| path.strip_prefix(r).ok())
            .min_by_key(|r| r.components().count())
            .unwrap_or(path);
        rel.components().any(|c| {
            let name = c.as_os_str().to_string_lossy();
            name == ".git"
                || is_ignored_name(&name)
                || name.ends_with(".mendbook-tmp")
                || name == "4913"
        })
    }
}
