//! Heading ids and the table of contents: the GitHub-style slug a heading's
//! id starts from, and the nesting of headings into [`TocEntry`] trees.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TocEntry {
    pub(crate) level: u8,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) children: Vec<TocEntry>,
}

/// GitHub's heading anchors: lowercase, letters, digits, `-` and `_` kept,
/// each space a hyphen, everything else dropped.
pub(crate) fn heading_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Nests headings h2–h4 by level; deeper or stray levels attach to the
/// nearest shallower entry.
pub(super) fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in headings.iter().filter(|h| (2..=4).contains(&h.0)) {
        insert(
            &mut toc,
            TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}

/// The id a heading starts from: the one written with `{#id}`, else the
/// slug of its text, else `section` for a heading with nothing to slug.
pub(super) fn base_id(written: Option<&str>, text: &str) -> String {
    match written {
        Some(id) => id.to_string(),
        None => {
            let s = heading_slug(text);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        }
    }
}

/// Hands out heading ids unique within a page: a repeated id gets `-1`,
/// `-2`, … as on GitHub.
#[derive(Default)]
pub(super) struct HeadingIds {
    used: HashSet<String>,
    // The next suffix to try per base id, so a thousand `## Step`
    // headings take a thousand steps, not half a million.
    suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// `base`, or the first `base-N` not yet used; either way now used.
    pub(super) fn unique(&mut self, base: String) -> String {
        let mut unique = base.clone();
        if self.used.contains(&unique) {
            let n = self.suffix.entry(base.clone()).or_insert(0);
            loop {
                *n += 1;
                unique = format!("{base}-{n}");
                if !self.used.contains(&unique) {
                    break;
                }
            }
        }
        self.used.insert(unique.clone());
        unique
    }

    /// Every id handed out: each is an anchor links may point at.
    pub(super) fn into_used(self) -> HashSet<String> {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ids_take_the_next_free_suffix() {
        let mut ids = HeadingIds::default();
        let got: Vec<String> = ["a", "a-1", "a", "a", "b"]
            .iter()
            .map(|base| ids.unique(base.to_string()))
            .collect();
        assert_eq!(got, ["a", "a-1", "a-2", "a-3", "b"]);
    }

    #[test]
    fn base_id_is_the_written_id_else_the_slug_else_section() {
        assert_eq!(base_id(Some("custom"), "Title"), "custom");
        assert_eq!(base_id(None, " Don't panic! "), "dont-panic");
        assert_eq!(base_id(None, "!!!"), "section");
    }
}
