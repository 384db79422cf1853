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

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::base::bounds::absolute;
use crate::base::diagnostics::{Code, Diagnostic, Location};
use crate::base::paths::OutputPath;
use crate::base::paths::MAX_NAME_BYTES;
use crate::model::config::Config;
use crate::stages::render::{Content, OutFile};

/// The record of what mendbook wrote, in the build folder.
pub const MANIFEST: &str = ".mendbook-manifest";
/// Held while a build or `watch` writes the build folder.
pub const LOCK: &str = ".mendbook-lock";
const STAGING_PREFIX: &str = ".mendbook-staging-";
const TEMP_MARK: &str = ".mendbook-tmp";
const MANIFEST_HEADER: &str = "{\"mendbook-manifest\":2}";
const LEGACY_HEADER: &str = "# mendbook: files written by the last build";
/// A manifest bigger than this is not one mendbook wrote.
const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// Refuses a build directory that would overwrite or delete the sources.
pub fn check_build_dir(config: &Config) -> Result<(), Diagnostic> {
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

/// What a file's bytes are, for telling whether they changed: a stable
/// hash (xxh3, the same in every mendbook version) and the length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint {
    pub hash: u64,
    pub size: u64,
}

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint {
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
            size: bytes.len() as u64,
        }
    }
}

/// What the manifest says of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    print: Fingerprint,
    /// Written by mendbook 0.1's manifest, whose hash was std's SipHash.
    legacy: bool,
}

impl Recorded {
    fn matches(&self, bytes: &[u8]) -> bool {
        if self.legacy {
            use std::hash::Hasher;
            let mut h = std::hash::DefaultHasher::new();
            h.write(bytes);
            h.finish() == self.print.hash && bytes.len() as u64 == self.print.size
        } else {
            Fingerprint::of(bytes) == self.print
        }
    }
}

type Entries = HashMap<String, Recorded>;

/// Whether `path` is one mendbook could have written: relative, plain
/// segments, nothing hidden but `.nojekyll`, none of its own bookkeeping.
fn plain(path: &str) -> bool {
    !path.is_empty()
        && path != MANIFEST
        && path != LOCK
        && path.split('/').enumerate().all(|(i, seg)| {
            !seg.is_empty()
                && seg.len() <= MAX_NAME_BYTES
                && (!seg.starts_with('.') || (i == 0 && seg == ".nojekyll"))
                && !seg.contains(['\\', ':'])
                && !seg.chars().any(char::is_control)
        })
}

/// Reads the last build's manifest. It is checked like any input: lines
/// that are not plain entries are ignored with a warning, so the files they
/// name are kept.
fn read_manifest(dir: &Path, shown: &Path) -> (Entries, Vec<Diagnostic>) {
    let path = dir.join(MANIFEST);
    let mut warnings = Vec::new();
    let mut warn = |msg: String| {
        warnings.push(Diagnostic::warning_in(Code::Output, msg).help(
            "mendbook only removes files its manifest records as its own; remove stray files yourself",
        ))
    };
    let shown_manifest = shown.join(MANIFEST);
    let text = match std::fs::symlink_metadata(&path) {
        Err(_) => return (Entries::new(), warnings),
        Ok(m) if !m.is_file() => {
            warn(format!(
                "{} is not a plain file, so it is ignored and no file is removed",
                shown_manifest.display()
            ));
            return (Entries::new(), warnings);
        }
        Ok(m) if m.len() > MAX_MANIFEST_BYTES => {
            warn(format!(
                "{} is too big to be a manifest, so it is ignored",
                shown_manifest.display()
            ));
            return (Entries::new(), warnings);
        }
        Ok(_) => match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            _ => {
                warn(format!(
                    "{} cannot be read as text, so it is ignored",
                    shown_manifest.display()
                ));
                return (Entries::new(), warnings);
            }
        },
    };
    let mut lines = text.lines();
    let legacy = match lines.next() {
        Some(MANIFEST_HEADER) => false,
        Some(h) if h.starts_with(LEGACY_HEADER) => true,
        _ => {
            warn(format!(
                "{} is not a manifest mendbook wrote, so it is ignored",
                shown_manifest.display()
            ));
            return (Entries::new(), warnings);
        }
    };
    let mut entries = Entries::new();
    for (n, line) in lines.enumerate() {
        let parsed = if legacy {
            parse_legacy_line(line)
        } else {
            parse_line(line)
        };
        match parsed {
            Some((p, print)) if plain(&p) => {
                entries.insert(p, Recorded { print, legacy });
            }
            Some((p, _)) => warn(format!(
                "{} lists `{}`, which is not a file mendbook writes inside the build folder; it is left alone",
                shown_manifest.display(),
                crate::base::text::sanitise(&p, 200)
            )),
            None => warn(format!(
                "line {} of {} is not a manifest entry; it is ignored",
                n + 2,
                shown_manifest.display()
            )),
        }
    }
    (entries, warnings)
}

/// `["path","0123456789abcdef",size]`: JSON, so no file name, whatever
/// it holds, can end a line early and forge another.
fn parse_line(line: &str) -> Option<(String, Fingerprint)> {
    let (path, hash, size): (String, String, u64) = serde_json::from_str(line).ok()?;
    if hash.len() != 16 {
        return None;
    }
    let hash = u64::from_str_radix(&hash, 16).ok()?;
    Some((path, Fingerprint { hash, size }))
}

/// mendbook 0.1's `hash size path` lines.
fn parse_legacy_line(line: &str) -> Option<(String, Fingerprint)> {
    let mut parts = line.splitn(3, ' ');
    let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
    let size = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), Fingerprint { hash, size }))
}

fn manifest_text<'a>(entries: impl Iterator<Item = (&'a String, &'a Fingerprint)>) -> String {
    let mut sorted: Vec<_> = entries.collect();
    sorted.sort();
    let mut out = String::with_capacity(sorted.len() * 64 + 32);
    out.push_str(MANIFEST_HEADER);
    out.push('\n');
    for (path, print) in sorted {
        let line = serde_json::to_string(&(path, format!("{:016x}", print.hash), print.size))
            .unwrap_or_default();
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// What a finished write did.
#[derive(Debug, Clone, Default)]
pub struct WriteSummary {
    pub files: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files kept that an earlier build wrote (changed since, say).
    pub warnings: Vec<Diagnostic>,
}

/// Which files a commit removes besides writing its batch.
pub enum Removals<'a> {
    /// Every file of the last build this batch did not write again: a
    /// whole build.
    Stale,
    /// Only these: a live rebuild of part of the site.
    These(&'a [String]),
}

/// The build folder, held for writing (or, for `check`, only looked at).
pub struct DiskSink {
    dir: PathBuf,
    /// The folder as the author names it, for messages.
    shown: PathBuf,
    /// Held while the sink lives; `None` when nothing is written.
    lock: Option<File>,
    entries: Arc<Entries>,
    /// Whether this sink made the build folder (and so may remove it again).
    made_dir: bool,
    /// Problems with the last manifest, reported with the build.
    pub warnings: Vec<Diagnostic>,
}

impl DiskSink {
    /// Takes the build folder for writing: creates it if need be, takes its
    /// lock, reads its manifest and clears what a killed build left.
    pub fn open(dir: &Path, shown: &Path) -> Result<DiskSink, Diagnostic> {
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
        let (entries, warnings) = read_manifest(&real, shown);
        Ok(DiskSink {
            dir: real,
            shown: shown.to_path_buf(),
            lock: Some(lock),
            entries: Arc::new(entries),
            made_dir,
            warnings,
        })
    }

    /// A sink that checks every path as a build would and writes nothing,
    /// for `check`.
    pub fn dry(dir: &Path, shown: &Path) -> DiskSink {
        let real = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let (entries, warnings) = read_manifest(&real, shown);
        DiskSink {
            dir: real,
            shown: shown.to_path_buf(),
            lock: None,
            entries: Arc::new(entries),
            made_dir: false,
            warnings,
        }
    }

    /// A new set of files to stage.
    pub fn batch(&self) -> Batch {
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

    /// The fingerprints the manifest records under `prefix`.
    pub fn recorded_under(&self, prefix: &str) -> HashMap<String, Fingerprint> {
        self.entries
            .iter()
            .filter(|(p, r)| p.starts_with(prefix) && !r.legacy)
            .map(|(p, r)| (p.clone(), r.print))
            .collect()
    }

    /// Throws a batch away: the build folder stays as it was.
    pub fn abort(&mut self, batch: Batch) -> Vec<Diagnostic> {
        batch.finish()
    }

    /// After a failed build: a first build leaves no folder behind (the
    /// lock file goes when the sink does).
    pub fn tidy_failed(&mut self) {
        if !(self.made_dir && self.entries.is_empty()) {
            return;
        }
        if let Some(held) = self.lock.take() {
            let _ = std::fs::remove_file(self.dir.join(LOCK));
            drop(held);
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    /// Puts a batch in place: records it, renames every staged file, removes
    /// what `removals` says (where that is safe) and records the result.
    pub fn commit(
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

        let written = state.staged.len();
        let mut made: HashSet<PathBuf> = HashSet::new();
        for (tmp, rel) in &state.staged {
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
                .filter(|p| self.entries.contains_key(*p) && !state.current.contains_key(*p))
                .cloned()
                .collect(),
        };
        let mut removed = 0;
        let mut warnings = Vec::new();
        let mut emptied: HashSet<PathBuf> = HashSet::new();
        for rel in &stale {
            after.remove(rel);
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

        // What is on disk now: this batch, and for a partial rebuild the
        // files of the last one it did not touch.
        let final_entries: HashMap<String, Fingerprint> = match removals {
            Removals::Stale => state
                .current
                .iter()
                .map(|(p, (print, _))| (p.clone(), *print))
                .collect(),
            Removals::These(_) => after,
        };
        if let Err(e) = self.write_manifest(final_entries.iter()) {
            errors.push(e);
        }
        self.entries = Arc::new(
            final_entries
                .into_iter()
                .map(|(p, print)| {
                    (
                        p,
                        Recorded {
                            print,
                            legacy: false,
                        },
                    )
                })
                .collect(),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(WriteSummary {
            files: state.current.len(),
            written,
            unchanged,
            removed,
            warnings,
        })
    }

    fn shown_path(&self, rel: &str) -> PathBuf {
        self.shown.join(crate::base::text::sanitise(rel, 300))
    }

    fn write_manifest<'a>(
        &self,
        entries: impl Iterator<Item = (&'a String, &'a Fingerprint)>,
    ) -> Result<(), Diagnostic> {
        write_atomic(&self.dir.join(MANIFEST), manifest_text(entries).as_bytes()).map_err(|e| {
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

fn next_batch_number() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
struct BatchState {
    /// Every file of this batch: fingerprint and where it comes from.
    current: HashMap<String, (Fingerprint, Option<Location>)>,
    /// Staged files: (temporary, output path).
    staged: Vec<(PathBuf, String)>,
    errors: Vec<Diagnostic>,
}

/// What is known of a folder on the way to an output path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DirState {
    /// A real folder.
    Folder,
    /// Not there (so nothing below it is either).
    Absent,
}

/// Files staged for one commit. Safe to fill from many threads.
pub struct Batch {
    dir: PathBuf,
    shown: PathBuf,
    entries: Arc<Entries>,
    /// False for `check`: every test is made, nothing is written.
    write: bool,
    staging: PathBuf,
    staging_made: OnceLock<Result<(), String>>,
    counter: AtomicUsize,
    state: Mutex<BatchState>,
    /// Folders already looked at.
    dirs: Mutex<HashMap<PathBuf, DirState>>,
    unchanged: AtomicUsize,
}

impl Batch {
    fn error(&self, d: Diagnostic) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .errors
            .push(d);
    }

    /// Whether staging went wrong so far.
    pub fn has_errors(&self) -> bool {
        !self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .errors
            .is_empty()
    }

    /// The problems found, with the staging folder removed.
    fn finish(self) -> Vec<Diagnostic> {
        let _ = std::fs::remove_dir_all(&self.staging);
        self.state
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .errors
    }

    /// The problems found so far, for `check`.
    pub fn into_errors(self) -> Vec<Diagnostic> {
        self.finish()
    }

    /// An error about output `rel`, placed at the source that wants it.
    fn refuse(&self, rel: &str, origin: Option<&Location>, why: String, help: &str) {
        let mut d = Diagnostic::error_in(
            Code::Output,
            format!(
                "cannot write {}: {why}",
                self.shown
                    .join(crate::base::text::sanitise(rel, 300))
                    .display()
            ),
        )
        .help(help);
        if let Some(loc) = origin {
            d = d.at(&loc.0, loc.1.clone());
        }
        self.error(d);
    }

    /// Stages one file. Safe to call from many threads.
    pub fn stage(&self, file: OutFile) {
        let rel = file.path.as_str().to_string();
        let origin = file.origin.as_ref();
        if !plain(&rel) {
            let long = rel.split('/').any(|s| s.len() > MAX_NAME_BYTES);
            let why = if long {
                format!("a part of its name is longer than {MAX_NAME_BYTES} bytes")
            } else {
                "it is not a plain path inside the build folder".to_string()
            };
            self.refuse(
                &rel,
                origin,
                why,
                "shorten or rename the source that wants it",
            );
            return;
        }
        let bytes_owned: Vec<u8>;
        let data: &[u8] = match &file.content {
            Content::Bytes(b) => b,
            Content::Copy(src) => match std::fs::read(src) {
                Ok(b) => {
                    bytes_owned = b;
                    &bytes_owned
                }
                Err(e) => {
                    self.refuse(&rel, origin, format!("its source cannot be read ({e})"), "");
                    return;
                }
            },
        };
        let print = Fingerprint::of(data);
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, first)) = state.current.get(&rel) {
                let first = first
                    .as_ref()
                    .map(|(file, span)| crate::base::diagnostics::position(file, span.start))
                    .unwrap_or_else(|| "another output".into());
                drop(state);
                self.refuse(
                    &rel,
                    origin,
                    format!("{first} wants the same file"),
                    "give one of them another name or URL",
                );
                return;
            }
            state
                .current
                .insert(rel.clone(), (print, file.origin.clone()));
        }
        let ours = match self.destination(&rel) {
            Ok(ours) => ours,
            Err(why) => {
                self.refuse(
                    &rel,
                    origin,
                    why,
                    "mendbook never overwrites or deletes a file it did not write: move it away, or give this source another URL",
                );
                return;
            }
        };
        if let Some(recorded) = ours {
            let dest = OutputPath::new(rel.clone()).on_disk(&self.dir);
            if recorded.print == print
                && !recorded.legacy
                && std::fs::symlink_metadata(&dest).is_ok_and(|m| m.len() == print.size)
            {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        if !self.write {
            return;
        }
        match self.write_staged(data) {
            Ok(tmp) => self
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .staged
                .push((tmp, rel)),
            Err(e) => self.refuse(&rel, origin, e, ""),
        }
    }

    /// Whether output `rel` may be written: `Ok(Some(_))` when it is
    /// mendbook's file from the last build, `Ok(None)` when the place is
    /// free, `Err` with the reason when something else is in the way.
    fn destination(&self, rel: &str) -> Result<Option<Recorded>, String> {
        let parts: Vec<&str> = rel.split('/').collect();
        let mut at = self.dir.clone();
        for (i, part) in parts[..parts.len() - 1].iter().enumerate() {
            at.push(part);
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&at)
                .copied();
            let state = match known {
                Some(s) => s,
                None => {
                    let state = match std::fs::symlink_metadata(&at) {
                        Err(_) => DirState::Absent,
                        Ok(m) if m.file_type().is_symlink() => {
                            return Err(format!(
                                "`{}` is a symbolic link, and mendbook never writes through one",
                                parts[..=i].join("/")
                            ))
                        }
                        Ok(m) if m.is_dir() => DirState::Folder,
                        Ok(_) => {
                            return Err(format!(
                                "the file `{}` is where a folder is needed",
                                parts[..=i].join("/")
                            ))
                        }
                    };
                    self.dirs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(at.clone(), state);
                    state
                }
            };
            if state == DirState::Absent {
                return Ok(None);
            }
        }
        at.push(parts[parts.len() - 1]);
        match std::fs::symlink_metadata(&at) {
            Err(_) => Ok(None),
            Ok(m) if m.file_type().is_symlink() => {
                Err("a symbolic link is there, and mendbook never writes through one".into())
            }
            Ok(m) if m.is_dir() => Err("a folder is there".into()),
            Ok(_) => match self.entries.get(rel) {
                Some(r) => Ok(Some(*r)),
                None => Err("a file mendbook did not write is there".into()),
            },
        }
    }

    fn write_staged(&self, data: &[u8]) -> Result<PathBuf, String> {
        self.staging_made
            .get_or_init(|| std::fs::create_dir(&self.staging).map_err(|e| e.to_string()))
            .clone()
            .map_err(|e| format!("cannot create its staging folder ({e})"))?;
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self.staging.join(format!("{n}{TEMP_MARK}"));
        File::create(&tmp)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| e.to_string())?;
        Ok(tmp)
    }
}

/// Takes the build folder's lock, or says who holds it.
///
/// The lock file lives only while its holder runs: it is removed on
/// release, so it never ends up published. Whoever takes a lock checks that
/// the file they locked is still the one at the path, since a holder that
/// just finished may have removed it in between.
fn take_lock(dir: &Path, shown: &Path) -> Result<File, Diagnostic> {
    let path = dir.join(LOCK);
    let shown_lock = shown.join(LOCK);
    for _ in 0..16 {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(Diagnostic::error_in(
                Code::Output,
                format!(
                    "{} is not a plain file; remove it and build again",
                    shown_lock.display()
                ),
            ));
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // The lock file itself must not be a link to elsewhere.
            options.custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&path).map_err(|e| {
            Diagnostic::error_in(
                Code::Output,
                format!("cannot open {}: {e}", shown_lock.display()),
            )
        })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = crate::base::text::sanitise(holder.trim(), 200);
                let who = if holder.is_empty() {
                    "another mendbook".to_string()
                } else {
                    format!("another mendbook ({holder})")
                };
                return Err(Diagnostic::error_in(Code::Output, format!(
                    "{} is being written by {who}; wait for it to finish or stop it, then try again",
                    shown.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Diagnostic::error_in(
                    Code::Output,
                    format!("cannot lock {}: {e}", shown_lock.display()),
                ))
            }
        }
        if !same_file(&file, &path) {
            continue;
        }
        let args: Vec<String> = std::env::args().skip(1).collect();
        let _ = file.set_len(0);
        let _ = write!(
            file,
            "pid {}, `mendbook {}`",
            std::process::id(),
            args.join(" ")
        );
        return Ok(file);
    }
    Err(Diagnostic::error_in(
        Code::Output,
        format!(
            "cannot lock {}: other builds keep taking it",
            shown_lock.display()
        ),
    ))
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
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
pub fn write_atomic(dest: &Path, data: &[u8]) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_can_be_recorded() {
        for ok in [
            "index.html",
            "a/b/index.html",
            ".nojekyll",
            "pagefind/x.pf_meta",
        ] {
            assert!(plain(ok), "{ok}");
        }
        for bad in [
            "",
            "../book.toml",
            "/etc/passwd",
            "a//b",
            "a/./b",
            ".git/config",
            "a/.hidden",
            "a\\b",
            "c:/x",
            "a\nb",
            MANIFEST,
            LOCK,
        ] {
            assert!(!plain(bad), "{bad:?}");
        }
        assert!(!plain(&"x".repeat(256)));
    }

    #[test]
    fn manifest_lines_cannot_be_forged_by_a_file_name() {
        let evil = "a\n[\"../book.toml\",\"0000000000000000\",0]".to_string();
        let print = Fingerprint::of(b"x");
        let text = manifest_text([(&evil, &print)].into_iter());
        assert_eq!(text.lines().count(), 2, "{text}");
        let line = text.lines().nth(1).unwrap();
        assert_eq!(parse_line(line).unwrap().0, evil);
    }
}
