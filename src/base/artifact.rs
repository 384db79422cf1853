//! What a build produces: artifacts (one output file each), their
//! fingerprints, and the one way mendbook decides what changed between two
//! sets of them. Every sink (the disk, the preview's memory, the search
//! index) receives the same artifacts and the same change sets.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::diagnostics::Location;
use crate::base::paths::{OutputPath, SitePath};

/// One file of the built site.
#[derive(Debug, Clone)]
pub(crate) struct Artifact {
    pub(crate) path: OutputPath,
    pub(crate) content: Content,
    /// For the pages search covers: the URL to index this page under.
    pub(crate) search: Option<SitePath>,
    /// The source that wants this file (a page, an alias, a key in
    /// book.toml), where a problem writing it is reported.
    pub(crate) origin: Option<Location>,
}

/// An artifact's bytes: made by the build, built into mendbook (the
/// default theme's files), or a source file copied as it is.
#[derive(Debug, Clone)]
pub(crate) enum Content {
    Bytes(Arc<[u8]>),
    Static(&'static [u8]),
    /// Read from disk when needed, so large assets never sit in memory.
    Copy(PathBuf),
}

impl Content {
    /// The bytes, read from disk for a copied file.
    pub(crate) fn bytes(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::Static(b) => Ok(Cow::Borrowed(b)),
            Content::Copy(p) => std::fs::read(p).map(Cow::Owned),
        }
    }
}

impl Artifact {
    /// A file made of text.
    pub(crate) fn text(path: OutputPath, text: String) -> Artifact {
        Artifact {
            path,
            content: Content::Bytes(Arc::from(text.into_bytes())),
            search: None,
            origin: None,
        }
    }

    /// The same artifact, wanted by `origin`.
    pub(crate) fn from(mut self, origin: Location) -> Artifact {
        self.origin = Some(origin);
        self
    }

    /// Its fingerprint; `None` when a copied file cannot be read (the
    /// writer reports that).
    pub(crate) fn fingerprint(&self) -> Option<Fingerprint> {
        self.content.bytes().ok().map(|b| Fingerprint::of(&b))
    }
}

/// What a file's bytes are, for telling whether they changed: a stable
/// hash (xxh3, the same in every mendbook version) and the length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Fingerprint {
    pub(crate) hash: u64,
    pub(crate) size: u64,
}

impl Fingerprint {
    pub(crate) fn of(bytes: &[u8]) -> Fingerprint {
        Fingerprint {
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
            size: bytes.len() as u64,
        }
    }
}

/// The artifacts a rebuild changed, and the output paths it no longer has.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeSet {
    pub(crate) written: Vec<Artifact>,
    pub(crate) removed: Vec<OutputPath>,
}

/// How much of the output a set of artifacts covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// Every file of the site: what it lacks was removed.
    Whole,
    /// Some files: the rest stay as they were.
    Part,
}

impl ChangeSet {
    /// The one way mendbook decides what changed: `artifacts` against the
    /// fingerprints last published, which are brought up to date.
    pub(crate) fn between(
        published: &mut HashMap<OutputPath, Fingerprint>,
        artifacts: Vec<Artifact>,
        coverage: Coverage,
    ) -> ChangeSet {
        let mut seen = HashSet::with_capacity(artifacts.len());
        let mut written = Vec::new();
        for a in artifacts {
            seen.insert(a.path.clone());
            let print = a.fingerprint();
            if print.is_some() && published.get(&a.path) == print.as_ref() {
                continue;
            }
            if let Some(p) = print {
                published.insert(a.path.clone(), p);
            }
            written.push(a);
        }
        let mut removed = Vec::new();
        if coverage == Coverage::Whole {
            removed = published
                .keys()
                .filter(|p| !seen.contains(*p))
                .cloned()
                .collect();
            removed.sort();
            for p in &removed {
                published.remove(p);
            }
        }
        ChangeSet { written, removed }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> Artifact {
        Artifact::text(OutputPath::new(path), text.to_string())
    }

    #[test]
    fn only_what_changed_is_written_and_a_whole_set_removes_the_rest() {
        let mut published = HashMap::new();
        let first = ChangeSet::between(
            &mut published,
            vec![page("a.html", "a"), page("b.html", "b")],
            Coverage::Whole,
        );
        assert_eq!(first.written.len(), 2);
        let part = ChangeSet::between(&mut published, vec![page("a.html", "a")], Coverage::Part);
        assert!(part.is_empty(), "unchanged, and a part removes nothing");
        let whole = ChangeSet::between(
            &mut published,
            vec![page("a.html", "A"), page("c.html", "c")],
            Coverage::Whole,
        );
        let written: Vec<&str> = whole.written.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(written, ["a.html", "c.html"]);
        assert_eq!(whole.removed, [OutputPath::new("b.html")]);
        assert_eq!(published.len(), 2);
    }
}
