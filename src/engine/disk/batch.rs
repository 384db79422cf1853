//! Staging one build's files: each is checked (a plain path, not a
//! foreign file, not through a symbolic link), compared with what the
//! manifest records, and written to a staging folder until the commit.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::manifest::{plain, Entries, Recorded};
use super::TEMP_MARK;
use crate::base::artifact::{Artifact, Fingerprint};
use crate::base::diagnostics::{Code, Diagnostic, Location};
use crate::base::paths::{OutputPath, MAX_NAME_BYTES};

pub(super) fn next_batch_number() -> usize {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
pub(super) struct BatchState {
    /// Every file of this batch: fingerprint and where it comes from.
    pub(super) current: HashMap<String, (Fingerprint, Option<Location>)>,
    /// Staged files: (temporary, output path).
    pub(super) staged: Vec<(PathBuf, String)>,
    pub(super) errors: Vec<Diagnostic>,
}

/// What is known of a folder on the way to an output path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DirState {
    /// A real folder.
    Folder,
    /// Not there (so nothing below it is either).
    Absent,
}

/// Files staged for one commit. Safe to fill from many threads.
pub(crate) struct Batch {
    pub(super) dir: PathBuf,
    pub(super) shown: PathBuf,
    pub(super) entries: Arc<Entries>,
    /// False for `check`: every test is made, nothing is written.
    pub(super) write: bool,
    pub(super) staging: PathBuf,
    pub(super) staging_made: OnceLock<Result<(), String>>,
    pub(super) counter: AtomicUsize,
    pub(super) state: Mutex<BatchState>,
    /// Folders already looked at.
    pub(super) dirs: Mutex<HashMap<PathBuf, DirState>>,
    pub(super) unchanged: AtomicUsize,
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
    pub(crate) fn has_errors(&self) -> bool {
        !self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .errors
            .is_empty()
    }

    /// The problems found, with the staging folder removed.
    pub(super) fn finish(self) -> Vec<Diagnostic> {
        let _ = std::fs::remove_dir_all(&self.staging);
        self.state
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .errors
    }

    /// The problems found so far, for `check`.
    pub(crate) fn into_errors(self) -> Vec<Diagnostic> {
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

    /// The files of the last build, grouped by `group` (those it gives no
    /// group are left out): one pass, so that keeping each of many groups
    /// does not look through every file again.
    pub(crate) fn grouped(
        &self,
        group: &dyn Fn(&str) -> Option<usize>,
    ) -> HashMap<usize, Vec<String>> {
        let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
        for path in self.entries.keys() {
            if let Some(g) = group(path) {
                groups.entry(g).or_default().push(path.clone());
            }
        }
        groups
    }

    /// Keeps `paths`, files of the last build, as they are, without their
    /// bytes: each must be recorded, and still there with its recorded
    /// size. Returns false (keeping nothing) when one is not, or when there
    /// are none, so the caller makes them again.
    pub(crate) fn keep(&self, paths: &[String]) -> bool {
        let kept: Option<Vec<(&String, &Recorded)>> = paths
            .iter()
            .map(|p| self.entries.get_key_value(p).filter(|(_, r)| !r.legacy))
            .collect();
        let Some(kept) = kept.filter(|k| !k.is_empty()) else {
            return false;
        };
        let present = kept.iter().all(|(p, r)| {
            std::fs::symlink_metadata(OutputPath::new(p.to_string()).on_disk(&self.dir))
                .is_ok_and(|m| m.is_file() && m.len() == r.print.size)
        });
        if !present {
            return false;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.unchanged.fetch_add(kept.len(), Ordering::Relaxed);
        for (p, r) in kept {
            state.current.insert(p.clone(), (r.print, None));
        }
        true
    }

    /// Stages one file. Safe to call from many threads.
    pub(crate) fn stage(&self, file: Artifact) {
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
        let bytes = match file.content.bytes() {
            Ok(b) => b,
            Err(e) => {
                self.refuse(&rel, origin, format!("its source cannot be read ({e})"), "");
                return;
            }
        };
        let data: &[u8] = &bytes;
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
