//! Writing the build directory, safely: the one disk writer, used by
//! `build` and `watch` (and, writing nothing, by `check`).
//!
//! What it promises, and how:
//! - **Nothing half-written.** Files are staged in a folder of their own
//!   inside the build folder and renamed into place only once every page
//!   rendered; a failed build removes the staging folder and leaves no
//!   trace, not even an empty folder.
//! - **Nothing foreign touched.** The manifest (`.mendbook-manifest`) is a
//!   record of what mendbook wrote, not a list of orders: a path is removed
//!   only if it is a plain relative path inside the build folder, reached
//!   without passing a symbolic link, and its bytes still match the
//!   recorded fingerprint. Anything else is kept, with a warning. An output
//!   path already holding a file mendbook did not write is an error at the
//!   source that wants it, and nothing is written.
//! - **Never through a symlink.** A symbolic link inside the build folder
//!   is never written through or followed to delete.
//! - **One writer at a time.** A lock file (`.mendbook-lock`) keeps a second
//!   `build` or `watch` out while one is writing.
//! - **Unchanged files are not rewritten**, so their timestamps stay.

mod batch;
mod lock;
mod manifest;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::base::artifact::{ChangeSet, Coverage, Fingerprint};
use crate::base::bounds::absolute;
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::OutputPath;
use crate::model::config::Config;
use batch::{next_batch_number, BatchState};
use lock::take_lock;
pub(crate) use manifest::SearchKeys;
use manifest::{manifest_text, read_manifest, Entries, Recorded};

pub(crate) use batch::Batch;

/// The record of what mendbook wrote, in the build folder.
pub(crate) const MANIFEST: &str = ".mendbook-manifest";
/// Held while a build or `watch` writes the build folder.
pub(crate) const LOCK: &str = ".mendbook-lock";
pub(super) const STAGING_PREFIX: &str = ".mendbook-staging-";
pub(super) const TEMP_MARK: &str = ".mendbook-tmp";

/// Refuses a build directory that would overwrite or delete the sources.
pub(crate) fn check_build_dir(config: &Config) -> Result<(), Diagnostic> {
    let build = absolute(&config.build_dir);
    let root = absolute(&config.root);
    let content = absolute(&config.content_dir);
    let problem = if build == root || root.starts_with(&build) {
        Some("is the site's root folder or contains it")
    } else if build == content || content.starts_with(&build) {
        Some("is the content folder or contains it")
    } else if build.starts_with(&content) {
        Some("is inside the content folder")
    } else if build.starts_with(root.join("themes")) {
        Some("is inside the themes folder")
    } else {
        None
    };
    match problem {
        Some(p) => {
            let mut d = Diagnostic::error_in(Code::Output, format!(
                "refusing to build into `{}`: it {p}, and building there could overwrite your sources",
                config.build_dir.display()
            ))
            .help("choose another folder with `build-dir` under `[build]` or with `--out`");
            if config.source.text.contains("build-dir") {
                d = d.at(&config.source, config.key_span("build-dir"));
            }
            Err(d)
        }
        None => Ok(()),
    }
}

/// What a finished write did.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteSummary {
    pub(crate) written: usize,
    pub(crate) unchanged: usize,
    pub(crate) removed: usize,
    /// Files kept that an earlier build wrote (changed since, say).
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Which files a commit removes besides writing its batch.
pub(crate) enum Removals<'a> {
    /// Every file of the last build this batch did not write again: a
    /// whole build.
    Stale,
    /// Only these: a live rebuild of part of the site.
    These(&'a [OutputPath]),
}

/// The build folder, held for writing (or, for `check`, only looked at).
pub(crate) struct DiskSink {
    dir: PathBuf,
    /// The folder as the author names it, for messages.
    shown: PathBuf,
    /// Held while the sink lives; `None` when nothing is written.
    lock: Option<File>,
    entries: Arc<Entries>,
    /// Whether this sink made the build folder (and so may remove it again).
    made_dir: bool,
    /// Problems with the last manifest, reported with the build.
    pub(crate) warnings: Vec<Diagnostic>,
    /// Per search shard, the key of the pages its index in the folder was
    /// built from; written with the manifest.
    search_keys: SearchKeys,
}

impl DiskSink {
    /// Takes the build folder for writing: creates it if need be, takes its
    /// lock, reads its manifest and clears what a killed build left.
    pub(crate) fn open(dir: &Path, shown: &Path) -> Result<DiskSink, Diagnostic> {
        let cannot = |what: &str, e: std::io::Error| {
            Diagnostic::error_in(
                Code::Output,
                format!("cannot {what} {}: {e}", shown.display()),
            )
        };
        let made_dir = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| cannot("create", e))?;
        // The folder itself may be a link (a deliberate choice); below it,
        // nothing is followed.
        let real = dir.canonicalize().map_err(|e| cannot("open", e))?;
        let lock = match take_lock(&real, shown) {
            Ok(l) => l,
            Err(d) => {
                if made_dir {
                    let _ = std::fs::remove_dir(&real);
                }
                return Err(d);
            }
        };
        sweep_staging(&real);
        let (entries, search_keys, warnings) = read_manifest(&real, shown);
        Ok(DiskSink {
            dir: real,
            shown: shown.to_path_buf(),
            lock: Some(lock),
            entries: Arc::new(entries),
            made_dir,
            warnings,
            search_keys,
        })
    }

    /// A sink that checks every path as a build would and writes nothing,
    /// for `check`.
    pub(crate) fn dry(dir: &Path, shown: &Path) -> DiskSink {
        let real = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let (entries, search_keys, warnings) = read_manifest(&real, shown);
        DiskSink {
            dir: real,
            shown: shown.to_path_buf(),
            lock: None,
            entries: Arc::new(entries),
            made_dir: false,
            warnings,
            search_keys,
        }
    }

    /// The search shards' keys, as the manifest recorded them.
    pub(crate) fn search_keys(&self) -> &SearchKeys {
        &self.search_keys
    }

    /// The search shards' keys to record with the next commit.
    pub(crate) fn set_search_keys(&mut self, keys: SearchKeys) {
        self.search_keys = keys;
    }

    /// A new set of files to stage.
    pub(crate) fn batch(&self) -> Batch {
        Batch {
            dir: self.dir.clone(),
            shown: self.shown.clone(),
            entries: self.entries.clone(),
            write: self.lock.is_some(),
            staging: self.dir.join(format!(
                "{STAGING_PREFIX}{}-{}",
                std::process::id(),
                next_batch_number()
            )),
            staging_made: OnceLock::new(),
            counter: AtomicUsize::new(0),
            state: Mutex::new(BatchState::default()),
            dirs: Mutex::new(HashMap::new()),
            unchanged: AtomicUsize::new(0),
        }
    }

    /// Throws a batch away: the build folder stays as it was.
    pub(crate) fn abort(&mut self, batch: Batch) -> Vec<Diagnostic> {
        batch.finish()
    }

    /// After a failed build: a first build leaves no folder behind (the
    /// lock file goes when the sink does).
    pub(crate) fn tidy_failed(&mut self) {
        if !(self.made_dir && self.entries.is_empty()) {
            return;
        }
        if let Some(held) = self.lock.take() {
            let _ = std::fs::remove_file(self.dir.join(LOCK));
            drop(held);
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    /// Writes a change set: its files, staged and committed together, and
    /// its removals. A change set covering the whole site also removes
    /// every file of the last build it lacks.
    pub(crate) fn apply(
        &mut self,
        changes: &ChangeSet,
        coverage: Coverage,
    ) -> Result<WriteSummary, Vec<Diagnostic>> {
        // The index is written apart from a build here: what the keys
        // recorded no longer says what it was built from.
        let bundle = format!("{}/", crate::model::reserved::BUNDLE_DIR);
        if changes
            .written
            .iter()
            .map(|a| &a.path)
            .chain(&changes.removed)
            .any(|p| p.as_str().starts_with(&bundle))
        {
            self.search_keys.clear();
        }
        let batch = self.batch();
        for a in &changes.written {
            batch.stage(a.clone());
        }
        let removals = match coverage {
            Coverage::Whole => Removals::Stale,
            Coverage::Part => Removals::These(&changes.removed),
        };
        self.commit(batch, removals)
    }

    /// Puts a batch in place: records it, renames every staged file, removes
    /// what `removals` says (where that is safe) and records the result.
    pub(crate) fn commit(
        &mut self,
        batch: Batch,
        removals: Removals,
    ) -> Result<WriteSummary, Vec<Diagnostic>> {
        if self.lock.is_none() || batch.has_errors() {
            return Err(batch.finish());
        }
        let unchanged = batch.unchanged.load(Ordering::Relaxed);
        let staging = batch.staging.clone();
        let state = batch.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut errors = Vec::new();

        // Record everything this batch may leave on disk before touching
        // anything, so a build killed midway leaves no file unrecorded.
        let mut after: HashMap<String, Fingerprint> = self
            .entries
            .iter()
            .filter(|(_, r)| !r.legacy)
            .map(|(p, r)| (p.clone(), r.print))
            .collect();
        for (path, (print, _)) in &state.current {
            after.insert(path.clone(), *print);
        }
        if let Err(e) = self.write_manifest(after.iter()) {
            errors.push(e);
        }
        errors.extend(self.rename_staged(&state.staged));
        let _ = std::fs::remove_dir_all(&staging);

        let stale: Vec<String> = match removals {
            Removals::Stale => self
                .entries
                .keys()
                .filter(|p| !state.current.contains_key(*p))
                .cloned()
                .collect(),
            Removals::These(paths) => paths
                .iter()
                .map(|p| p.as_str().to_string())
                .filter(|p| self.entries.contains_key(p) && !state.current.contains_key(p))
                .collect(),
        };
        for rel in &stale {
            after.remove(rel);
        }
        let (removed, warnings) = self.remove_stale(&stale);

        // What is on disk now: this batch, and for a partial rebuild the
        // files of the last one it did not touch.
        let now: HashMap<String, Fingerprint> = match removals {
            Removals::Stale => state
                .current
                .iter()
                .map(|(p, (print, _))| (p.clone(), *print))
                .collect(),
            Removals::These(_) => after,
        };
        if let Err(e) = self.write_manifest(now.iter()) {
            errors.push(e);
        }
        self.entries = Arc::new(
            now.into_iter()
                .map(|(p, print)| {
                    let legacy = false;
                    (p, Recorded { print, legacy })
                })
                .collect(),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(WriteSummary {
            written: state.staged.len(),
            unchanged,
            removed,
            warnings,
        })
    }

    /// Renames every staged file into place, making folders as needed.
    fn rename_staged(&self, staged: &[(PathBuf, String)]) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let mut made: HashSet<PathBuf> = HashSet::new();
        for (tmp, rel) in staged {
            let dest = OutputPath::new(rel.clone()).on_disk(&self.dir);
            if let Some(parent) = dest.parent() {
                if !made.contains(parent) {
                    if let Err(e) = std::fs::create_dir_all(parent) {
                        errors.push(Diagnostic::error_in(
                            Code::Output,
                            format!("cannot create {}: {e}", self.shown_path(rel).display()),
                        ));
                        continue;
                    }
                    made.insert(parent.to_path_buf());
                }
            }
            if let Err(e) = std::fs::rename(tmp, &dest) {
                errors.push(Diagnostic::error_in(
                    Code::Output,
                    format!("cannot write {}: {e}", self.shown_path(rel).display()),
                ));
            }
        }
        errors
    }

    /// Removes the stale files that are safe to remove, and the folders
    /// they leave empty; warns of the rest. Returns how many went.
    fn remove_stale(&self, stale: &[String]) -> (usize, Vec<Diagnostic>) {
        let mut removed = 0;
        let mut warnings = Vec::new();
        let mut emptied: HashSet<PathBuf> = HashSet::new();
        for rel in stale {
            let Some(recorded) = self.entries.get(rel) else {
                continue;
            };
            match self.remove_if_ours(rel, recorded) {
                Ok(true) => {
                    removed += 1;
                    if let Some(parent) = OutputPath::new(rel.clone()).on_disk(&self.dir).parent() {
                        emptied.insert(parent.to_path_buf());
                    }
                }
                Ok(false) => {}
                Err(why) => warnings.push(
                    Diagnostic::warning_in(
                        Code::Output,
                        format!("kept {}: {why}", self.shown_path(rel).display()),
                    )
                    .help("mendbook removes only files it wrote and that are as it wrote them"),
                ),
            }
        }
        self.remove_empty_dirs(emptied);
        (removed, warnings)
    }

    fn shown_path(&self, rel: &str) -> PathBuf {
        self.shown.join(crate::base::text::sanitise(rel, 300))
    }

    fn write_manifest<'a>(
        &self,
        entries: impl Iterator<Item = (&'a String, &'a Fingerprint)>,
    ) -> Result<(), Diagnostic> {
        write_atomic(
            &self.dir.join(MANIFEST),
            manifest_text(entries, &self.search_keys).as_bytes(),
        )
        .map_err(|e| {
            Diagnostic::error_in(
                Code::Output,
                format!("cannot write {}: {e}", self.shown.join(MANIFEST).display()),
            )
        })
    }

    /// Removes a file the manifest lists, if it is safe to: `Ok(false)`
    /// when it is already gone, `Err` with the reason it was kept.
    fn remove_if_ours(&self, rel: &str, recorded: &Recorded) -> Result<bool, String> {
        let mut at = self.dir.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            at.push(part);
            let meta = match std::fs::symlink_metadata(&at) {
                Ok(m) => m,
                Err(_) => return Ok(false),
            };
            if meta.file_type().is_symlink() {
                return Err(format!(
                    "`{}` is a symbolic link, which mendbook never follows",
                    parts[..=i].join("/")
                ));
            }
            let last = i + 1 == parts.len();
            if !last && !meta.is_dir() {
                return Ok(false);
            }
            if last && !meta.is_file() {
                return Err("it is not a plain file".into());
            }
        }
        let mut bytes = Vec::new();
        File::open(&at)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| format!("it cannot be read ({e})"))?;
        if !recorded.matches(&bytes) {
            return Err("it changed since mendbook wrote it".into());
        }
        std::fs::remove_file(&at)
            .map(|_| true)
            .map_err(|e| format!("it cannot be removed ({e})"))
    }

    /// Removes folders that stale files left empty, deepest first, never
    /// the build folder itself.
    fn remove_empty_dirs(&self, dirs: HashSet<PathBuf>) {
        let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs {
            let mut d = dir.as_path();
            while d != self.dir
                && d.starts_with(&self.dir)
                && std::fs::symlink_metadata(d).is_ok_and(|m| m.is_dir())
                && std::fs::remove_dir(d).is_ok()
            {
                match d.parent() {
                    Some(p) => d = p,
                    None => break,
                }
            }
        }
    }
}

impl Drop for DiskSink {
    /// Removes the lock file while still holding it, then lets it go.
    fn drop(&mut self) {
        if let Some(held) = self.lock.take() {
            let _ = std::fs::remove_file(self.dir.join(LOCK));
            drop(held);
        }
    }
}

/// Clears the staging folders a killed build left. Only called while
/// holding the lock, so none of them is still in use.
fn sweep_staging(dir: &Path) {
    if let Ok(read) = std::fs::read_dir(dir) {
        for entry in read.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with(STAGING_PREFIX)
                && entry.file_type().is_ok_and(|t| t.is_dir())
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Writes a file by way of a temporary sibling and a rename.
pub(crate) fn write_atomic(dest: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dest.with_file_name(format!(".{name}.{}{TEMP_MARK}", std::process::id()));
    let mut f = File::create(&tmp)?;
    f.write_all(data)?;
    drop(f);
    std::fs::rename(&tmp, dest).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
