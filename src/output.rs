//! Writing the build directory, safely.
//!
//! - Every file is written to a temporary sibling and renamed into place, so a
//!   reader never sees half a file, and nothing is renamed until every page
//!   rendered: a failed build leaves the previous output as it was.
//! - A manifest (`.mendbook-manifest`) lists what mendbook wrote; only files
//!   listed there are ever removed. A `.git` folder or a hand-placed file is
//!   never touched.
//! - A file whose bytes did not change is not rewritten (its mtime stays), so
//!   servers, rsync and browsers see only real changes.

use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::paths::OutputPath;
use crate::render::{Content, OutFile};

const MANIFEST: &str = ".mendbook-manifest";
const MANIFEST_HEADER: &str = "# mendbook: files written by the last build (hash size path)";
const TEMP_MARK: &str = ".mendbook-tmp";

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
            let mut d = Diagnostic::error(format!(
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

/// Makes a path absolute and resolves `..` and symlinks where the path exists.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // Not there yet: resolve the deepest existing ancestor.
    let mut missing = Vec::new();
    let mut cur = path.to_path_buf();
    loop {
        if let Ok(p) = cur.canonicalize() {
            let mut p = p;
            for m in missing.iter().rev() {
                p.push(m);
            }
            return p;
        }
        match (cur.file_name().map(|n| n.to_os_string()), cur.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name);
                cur = parent.to_path_buf();
            }
            _ => {
                return std::env::current_dir()
                    .map(|d| d.join(path))
                    .unwrap_or(path.to_path_buf())
            }
        }
    }
}

/// The fingerprint the manifest records for a file's bytes.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// What a finished write did.
#[derive(Debug, Clone, Default)]
pub struct WriteSummary {
    pub files: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Stages output files, then commits them all or none.
pub struct Writer {
    dir: PathBuf,
    /// From the last build's manifest: path -> (hash, size).
    previous: HashMap<String, (u64, u64)>,
    /// This build: path -> (hash, size).
    current: Mutex<HashMap<String, (u64, u64)>>,
    /// Temporary files to rename: (temporary, final).
    staged: Mutex<Vec<(PathBuf, PathBuf)>>,
    errors: Mutex<Vec<Diagnostic>>,
    unchanged: AtomicUsize,
    /// Folders known to exist, to spare a syscall per file.
    made_dirs: Mutex<HashSet<PathBuf>>,
}

impl Writer {
    /// Prepares to write into `dir`; reads the previous manifest and clears
    /// temporary files a killed build may have left.
    pub fn open(dir: &Path) -> Writer {
        let previous = read_manifest(dir);
        if dir.is_dir() {
            sweep_temporaries(dir);
        }
        Writer {
            dir: dir.to_path_buf(),
            previous,
            current: Mutex::new(HashMap::new()),
            staged: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            unchanged: AtomicUsize::new(0),
            made_dirs: Mutex::new(HashSet::new()),
        }
    }

    fn error(&self, d: Diagnostic) {
        self.errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(d);
    }

    /// Stages one file. Safe to call from many threads.
    pub fn stage(&self, file: OutFile) {
        let bytes: Vec<u8>;
        let data: &[u8] = match &file.content {
            Content::Bytes(b) => b,
            Content::Copy(src) => match std::fs::read(src) {
                Ok(b) => {
                    bytes = b;
                    &bytes
                }
                Err(e) => {
                    self.error(Diagnostic::error(format!(
                        "cannot read {}: {e}",
                        src.display()
                    )));
                    return;
                }
            },
        };
        let key = file.path.as_str().to_string();
        if key.split('/').any(|seg| seg == ".." || seg.is_empty()) || key == MANIFEST {
            self.error(Diagnostic::error(format!(
                "refusing to write the output path `{key}`"
            )));
            return;
        }
        let h = hash(data);
        let size = data.len() as u64;
        {
            let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
            if current.insert(key.clone(), (h, size)).is_some() {
                self.error(Diagnostic::error(format!(
                    "two outputs want the same file `{key}` (a content file and a theme file, perhaps)"
                )));
                return;
            }
        }
        let dest = file.path.on_disk(&self.dir);
        if self.previous.get(&key) == Some(&(h, size))
            && std::fs::metadata(&dest)
                .map(|m| m.len() == size)
                .unwrap_or(false)
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Some(parent) = dest.parent() {
            if !self
                .made_dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent)
            {
                if let Err(e) = std::fs::create_dir_all(parent) {
                    self.error(Diagnostic::error(format!(
                        "cannot create {}: {e}",
                        parent.display()
                    )));
                    return;
                }
                self.made_dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(parent.to_path_buf());
            }
        }
        match write_temporary(&dest, data) {
            Ok(tmp) => self
                .staged
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((tmp, dest)),
            Err(e) => self.error(Diagnostic::error(format!(
                "cannot write {}: {e}",
                dest.display()
            ))),
        }
    }

    /// Whether staging went wrong so far.
    pub fn has_errors(&self) -> bool {
        !self
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Throws the staged files away, leaving the build directory as it was.
    pub fn abort(self) -> Vec<Diagnostic> {
        for (tmp, _) in self.staged.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let _ = std::fs::remove_file(tmp);
        }
        self.errors.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Renames every staged file into place, removes files the last build
    /// wrote that this one did not, and records the new manifest.
    pub fn commit(self) -> Result<WriteSummary, Vec<Diagnostic>> {
        if self.has_errors() {
            return Err(self.abort());
        }
        let staged = std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()));
        let mut errors = Vec::new();
        let written = staged.len();
        for (tmp, dest) in staged {
            if let Err(e) = std::fs::rename(&tmp, &dest) {
                let _ = std::fs::remove_file(&tmp);
                errors.push(Diagnostic::error(format!(
                    "cannot write {}: {e}",
                    dest.display()
                )));
            }
        }
        let current = self.current.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        let mut dirs: HashSet<PathBuf> = HashSet::new();
        for old in self.previous.keys().filter(|p| !current.contains_key(*p)) {
            let path = OutputPath::new(old.clone()).on_disk(&self.dir);
            if std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
            if let Some(parent) = path.parent() {
                dirs.insert(parent.to_path_buf());
            }
        }
        // Remove folders the stale files leave empty, deepest first.
        let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs {
            let mut d = dir.as_path();
            while d != self.dir && d.starts_with(&self.dir) && std::fs::remove_dir(d).is_ok() {
                match d.parent() {
                    Some(p) => d = p,
                    None => break,
                }
            }
        }

        if let Err(e) = write_manifest(&self.dir, &current) {
            errors.push(Diagnostic::error(format!(
                "cannot write the build manifest: {e}"
            )));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(WriteSummary {
            files: current.len(),
            written,
            unchanged: self.unchanged.into_inner(),
            removed,
        })
    }
}

/// The files of the last build whose path starts with `prefix`, with their
/// (hash, size) as the manifest records them.
pub fn written_under(dir: &Path, prefix: &str) -> HashMap<String, (u64, u64)> {
    let mut entries = read_manifest(dir);
    entries.retain(|path, _| path.starts_with(prefix));
    entries
}

/// The last build's manifest: output path -> (hash, size).
fn read_manifest(dir: &Path) -> HashMap<String, (u64, u64)> {
    let mut entries = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) {
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.splitn(3, ' ');
            if let (Some(h), Some(n), Some(p)) = (parts.next(), parts.next(), parts.next()) {
                if let (Ok(h), Ok(n)) = (u64::from_str_radix(h, 16), n.parse()) {
                    entries.insert(p.to_string(), (h, n));
                }
            }
        }
    }
    entries
}

fn write_manifest(dir: &Path, entries: &HashMap<String, (u64, u64)>) -> std::io::Result<()> {
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort();
    let mut manifest = String::from(MANIFEST_HEADER);
    manifest.push('\n');
    for (path, (h, n)) in sorted {
        manifest.push_str(&format!("{h:016x} {n} {path}\n"));
    }
    write_atomic(&dir.join(MANIFEST), manifest.as_bytes())
}

/// Applies a live rebuild to the build directory: writes `files` (each
/// atomically), removes `removed` (only files the manifest says mendbook
/// wrote) and updates the manifest.
pub fn write_changes(
    dir: &Path,
    files: &[(String, crate::session::Output)],
    removed: &[String],
) -> Result<usize, Vec<Diagnostic>> {
    let mut manifest = read_manifest(dir);
    let mut errors = Vec::new();
    for (path, out) in files {
        let bytes = match out {
            crate::session::Output::Bytes(b) => b.to_vec(),
            crate::session::Output::File(p) => match std::fs::read(p) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(Diagnostic::error(format!(
                        "cannot read {}: {e}",
                        p.display()
                    )));
                    continue;
                }
            },
        };
        let dest = OutputPath::new(path.clone()).on_disk(dir);
        match write_atomic(&dest, &bytes) {
            Ok(()) => {
                manifest.insert(path.clone(), (hash(&bytes), bytes.len() as u64));
            }
            Err(e) => errors.push(Diagnostic::error(format!(
                "cannot write {}: {e}",
                dest.display()
            ))),
        }
    }
    for path in removed {
        if manifest.remove(path).is_some() {
            let file = OutputPath::new(path.clone()).on_disk(dir);
            let _ = std::fs::remove_file(&file);
            if let Some(parent) = file.parent() {
                let mut d = parent;
                while d != dir && d.starts_with(dir) && std::fs::remove_dir(d).is_ok() {
                    match d.parent() {
                        Some(p) => d = p,
                        None => break,
                    }
                }
            }
        }
    }
    if let Err(e) = write_manifest(dir, &manifest) {
        errors.push(Diagnostic::error(format!(
            "cannot write the build manifest: {e}"
        )));
    }
    if errors.is_empty() {
        Ok(files.len())
    } else {
        Err(errors)
    }
}

fn temporary_name(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}{TEMP_MARK}", std::process::id()))
}

fn write_temporary(dest: &Path, data: &[u8]) -> std::io::Result<PathBuf> {
    let tmp = temporary_name(dest);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(data)?;
    Ok(tmp)
}

/// Writes a file by way of a temporary sibling and a rename.
pub fn write_atomic(dest: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = write_temporary(dest, data)?;
    std::fs::rename(&tmp, dest).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Deletes temporary files left by a build that was killed mid-write.
fn sweep_temporaries(dir: &Path) {
    let walker = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walker.flatten() {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with('.') && name.ends_with(TEMP_MARK) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
