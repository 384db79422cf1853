//! The site model: every page, section, tree, tag and asset, and the URL map
//! that ties source files to URLs. Plain data, built by the load stage and
//! read by the later stages.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::base::diagnostics::SourceFile;
use crate::base::paths::{SitePath, SourcePath};
use crate::model::config::Config;

/// A page of [`Site::pages`]: the home page, a section or a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub usize);

/// A decision tree of [`Site::trees`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TreeId(pub usize);

/// A tag of [`Site::tags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagId(pub usize);

/// An asset of [`Site::assets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetId(pub usize);

/// Lets a list of the site's things be indexed by their id, and only by
/// it: a page id cannot pick a tree.
macro_rules! indexed_by {
    ($id:ident, $item:ty) => {
        impl std::ops::Index<$id> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }
        impl std::ops::IndexMut<$id> for Vec<$item> {
            fn index_mut(&mut self, id: $id) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}

indexed_by!(PageId, Page);
indexed_by!(TreeId, Tree);
indexed_by!(TagId, Tag);
indexed_by!(AssetId, Asset);

/// Something for every page, found by page id (what a page's markdown
/// rendered to, its summary…).
#[derive(Debug, Clone)]
pub struct PerPage<T>(pub Vec<T>);

impl<T> PerPage<T> {
    pub fn get(&self, id: PageId) -> Option<&T> {
        self.0.get(id.0)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> std::ops::Index<PageId> for PerPage<T> {
    type Output = T;
    fn index(&self, id: PageId) -> &T {
        &self.0[id.0]
    }
}

impl<T> std::ops::IndexMut<PageId> for PerPage<T> {
    fn index_mut(&mut self, id: PageId) -> &mut T {
        &mut self.0[id.0]
    }
}

impl<T> FromIterator<T> for PerPage<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        PerPage(iter.into_iter().collect())
    }
}

/// Every id of a list of `n` things.
pub fn ids<I>(n: usize, id: fn(usize) -> I) -> impl Iterator<Item = I> {
    (0..n).map(id)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `content/_index.md`, or a stand-in when there is none.
    Home,
    /// A directory's `_index.md` (or a stand-in for a directory without one).
    Section,
    /// Any other markdown file.
    Guide,
}

/// A date written as YYYY-MM-DD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u16>().ok();
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// `2026-03-01`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `1 March 2026`.
    pub fn human(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }
}

/// A markdown source: the home page, a section index or a guide.
#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    /// Empty for stand-in sections that have no `_index.md`.
    pub src: SourcePath,
    /// The whole file as read (for diagnostics and the body).
    pub file: SourceFile,
    /// Byte offset of the markdown body (after front matter and a title heading).
    pub body_start: usize,
    pub url: SitePath,
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub authors: Vec<String>,
    /// Tag names as written (first spelling wins across the site).
    pub tags: Vec<String>,
    pub draft: bool,
    pub aliases: Vec<SitePath>,
    pub extra: serde_json::Value,
    /// The section this page sits in (`None` for the home page).
    pub parent: Option<PageId>,
    /// For sections: their guides, sorted by weight then title.
    pub guides: Vec<PageId>,
    /// For sections: their sub-sections, sorted by weight then title.
    pub subsections: Vec<PageId>,
    /// For sections: the decision trees in their directory.
    pub trees: Vec<TreeId>,
    /// A section that has no `_index.md` of its own.
    pub implicit: bool,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    pub fn is_section(&self) -> bool {
        matches!(self.kind, PageKind::Home | PageKind::Section)
    }
}

/// A decision tree: its file, its URL and, when it could be read, its model
/// and (once validated) the steps every answer path unfolds into.
#[derive(Debug, Clone)]
pub struct Tree {
    pub src: SourcePath,
    pub file: SourceFile,
    pub url: SitePath,
    pub title: String,
    pub description: Option<String>,
    pub section: PageId,
    pub model: Option<crate::model::tree::Tree>,
    /// Filled by validation; empty while the tree has errors.
    pub steps: Vec<crate::model::tree::unfold::Step>,
    /// Every link written in the tree, resolved once by the check stage.
    pub links: TreeLinks,
}

/// A link inside the site, resolved: the page or file it leads to and
/// what rides after the path (`?query`, `#anchor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: SitePath,
    pub target: Target,
    /// `?…#…` as written, kept on the rewritten link.
    pub suffix: String,
}

/// The links of a tree's texts and outcomes, by destination as written.
/// Render reads them to write links relative to each step page; it never
/// resolves a link itself.
#[derive(Debug, Clone, Default)]
pub struct TreeLinks {
    pub by_dest: HashMap<String, Link>,
    /// ```tree blocks inside the tree's texts: the path as written.
    pub embeds: HashMap<String, TreeId>,
}

impl Tree {
    /// The URL of one step page.
    pub fn step_url(&self, step: &crate::model::tree::unfold::Step) -> SitePath {
        SitePath::file(format!("{}{}", self.url.as_str(), step.rel_url()))
    }

    /// The URL of the tree's map page.
    pub fn map_url(&self) -> SitePath {
        SitePath::file(format!("{}map/", self.url.as_str()))
    }
}

/// A file copied unchanged (an image, a PDF).
#[derive(Debug, Clone)]
pub struct Asset {
    pub src: SourcePath,
    pub disk: PathBuf,
    pub url: SitePath,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub url: SitePath,
    /// Guides with this tag, newest first, then by title.
    pub pages: Vec<PageId>,
}

/// What a source path or URL leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Page(PageId),
    Tree(TreeId),
    Asset(AssetId),
    /// `tags/` and `tags/<slug>/`, which have no source file.
    Generated,
}

/// Everything mendbook knows about one site, before rendering.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// `pages[0]` is always the home page.
    pub pages: Vec<Page>,
    pub trees: Vec<Tree>,
    pub assets: Vec<Asset>,
    /// Sorted by slug.
    pub tags: Vec<Tag>,
    pub by_source: HashMap<SourcePath, Target>,
    pub by_url: HashMap<SitePath, Target>,
    /// Drafts left out of this build, so a link to one gets a precise error.
    pub hidden_drafts: Vec<SourcePath>,
}

impl Site {
    pub const HOME: PageId = PageId(0);

    /// Guides of a section in order, for previous/next links.
    pub fn neighbours(&self, id: PageId) -> (Option<PageId>, Option<PageId>) {
        let Some(parent) = self.pages[id].parent else {
            return (None, None);
        };
        if self.pages[id].kind != PageKind::Guide {
            return (None, None);
        }
        let siblings = &self.pages[parent].guides;
        match siblings.iter().position(|&g| g == id) {
            Some(i) => (
                i.checked_sub(1).map(|j| siblings[j]),
                siblings.get(i + 1).copied(),
            ),
            None => (None, None),
        }
    }

    /// The chain of sections from the home page down to (not including) `id`.
    pub fn ancestors(&self, id: PageId) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut cur = self.pages[id].parent;
        while let Some(p) = cur {
            chain.push(p);
            cur = self.pages[p].parent;
        }
        chain.reverse();
        chain
    }

    pub fn tag_by_name(&self, name: &str) -> Option<&Tag> {
        let slug = crate::base::paths::slugify(name);
        self.tags.iter().find(|t| t.slug == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2026-02-28").unwrap().human(),
            "28 February 2026"
        );
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-01-01").is_none());
    }
}
