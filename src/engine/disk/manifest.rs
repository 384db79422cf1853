//! The manifest: the record of what mendbook wrote into a build folder.
//! It is read like any input (it may have been edited, or written by an
//! older mendbook), and written as JSON lines so no file name can forge an
//! entry.

use std::collections::HashMap;
use std::path::Path;

use super::{LOCK, MANIFEST};
use crate::base::artifact::Fingerprint;
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::MAX_NAME_BYTES;

/// The header line, without the search keys it may carry.
pub(super) const MANIFEST_HEADER: &str = "{\"mendbook-manifest\":2}";

/// What the manifest records besides its files: for each search shard, the
/// key of the pages its index was built from (so an unchanged shard is not
/// built again).
pub(crate) type SearchKeys = std::collections::BTreeMap<usize, String>;

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    #[serde(rename = "mendbook-manifest")]
    version: u32,
    #[serde(default, skip_serializing_if = "SearchKeys::is_empty")]
    search: SearchKeys,
}

pub(super) const LEGACY_HEADER: &str = "# mendbook: files written by the last build";

/// A manifest bigger than this is not one mendbook wrote.
pub(super) const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// What the manifest says of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Recorded {
    pub(super) print: Fingerprint,
    /// Written by mendbook 0.1's manifest, whose hash was std's SipHash.
    pub(super) legacy: bool,
}

impl Recorded {
    pub(super) fn matches(&self, bytes: &[u8]) -> bool {
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

pub(super) type Entries = HashMap<String, Recorded>;

/// Whether `path` is one mendbook could have written: relative, plain
/// segments, nothing hidden but `.nojekyll`, none of its own bookkeeping.
pub(super) fn plain(path: &str) -> bool {
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
pub(super) fn read_manifest(dir: &Path, shown: &Path) -> (Entries, SearchKeys, Vec<Diagnostic>) {
    let path = dir.join(MANIFEST);
    let mut warnings = Vec::new();
    let mut warn = |msg: String| {
        warnings.push(Diagnostic::warning_in(Code::Output, msg).help(
            "mendbook only removes files its manifest records as its own; remove stray files yourself",
        ))
    };
    let shown_manifest = shown.join(MANIFEST);
    let text = match std::fs::symlink_metadata(&path) {
        Err(_) => return (Entries::new(), SearchKeys::new(), warnings),
        Ok(m) if !m.is_file() => {
            warn(format!(
                "{} is not a plain file, so it is ignored and no file is removed",
                shown_manifest.display()
            ));
            return (Entries::new(), SearchKeys::new(), warnings);
        }
        Ok(m) if m.len() > MAX_MANIFEST_BYTES => {
            warn(format!(
                "{} is too big to be a manifest, so it is ignored",
                shown_manifest.display()
            ));
            return (Entries::new(), SearchKeys::new(), warnings);
        }
        Ok(_) => match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            _ => {
                warn(format!(
                    "{} cannot be read as text, so it is ignored",
                    shown_manifest.display()
                ));
                return (Entries::new(), SearchKeys::new(), warnings);
            }
        },
    };
    let mut lines = text.lines();
    let mut keys = SearchKeys::new();
    let legacy = match lines.next() {
        Some(h) if h.starts_with(LEGACY_HEADER) => true,
        Some(h) => match serde_json::from_str::<Header>(h) {
            Ok(header) if header.version == 2 => {
                keys = header.search;
                false
            }
            _ => {
                warn(format!(
                    "{} is not a manifest mendbook wrote, so it is ignored",
                    shown_manifest.display()
                ));
                return (Entries::new(), SearchKeys::new(), warnings);
            }
        },
        _ => {
            warn(format!(
                "{} is not a manifest mendbook wrote, so it is ignored",
                shown_manifest.display()
            ));
            return (Entries::new(), SearchKeys::new(), warnings);
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
    (entries, keys, warnings)
}

/// `["path","0123456789abcdef",size]`: JSON, so no file name, whatever
/// it holds, can end a line early and forge another.
pub(super) fn parse_line(line: &str) -> Option<(String, Fingerprint)> {
    let (path, hash, size): (String, String, u64) = serde_json::from_str(line).ok()?;
    if hash.len() != 16 {
        return None;
    }
    let hash = u64::from_str_radix(&hash, 16).ok()?;
    Some((path, Fingerprint { hash, size }))
}

/// mendbook 0.1's `hash size path` lines.
pub(super) fn parse_legacy_line(line: &str) -> Option<(String, Fingerprint)> {
    let mut parts = line.splitn(3, ' ');
    let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
    let size = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), Fingerprint { hash, size }))
}

pub(super) fn manifest_text<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Fingerprint)>,
    keys: &SearchKeys,
) -> String {
    let mut sorted: Vec<_> = entries.collect();
    sorted.sort();
    let mut out = String::with_capacity(sorted.len() * 64 + 32);
    let header = Header {
        version: 2,
        search: keys.clone(),
    };
    out.push_str(&serde_json::to_string(&header).unwrap_or_else(|_| MANIFEST_HEADER.into()));
    out.push('\n');
    for (path, print) in sorted {
        let line = serde_json::to_string(&(path, format!("{:016x}", print.hash), print.size))
            .unwrap_or_default();
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{LOCK, MANIFEST};
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
        let text = manifest_text([(&evil, &print)].into_iter(), &SearchKeys::new());
        assert_eq!(text.lines().count(), 2, "{text}");
        let line = text.lines().nth(1).unwrap();
        assert_eq!(parse_line(line).unwrap().0, evil);
    }
}
