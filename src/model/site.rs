//! The site model: every page, section, tree, tag and asset, and the URL map
//! that ties source files to URLs. Plain data, built by the load stage and
//! read by the later stages.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::base::diagnostics::SourceFile;
use crate::base::paths::{SitePath, SourcePath};
use crate::model::config::Config;
pub(crate) use crate::model::date::Date;

/// A page of [`Site::pages`]: the home page, a section or a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PageId(pub(crate) usize);

/// A decision tree of [`Site::trees`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TreeId(pub(crate) usize);

/// A tag of [`Site::tags`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TagId(pub(crate) usize);

/// An asset of [`Site::assets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct AssetId(pub(crate) usize);

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
pub(crate) struct PerPage<T>(pub(crate) Vec<T>);

impl<T> PerPage<T> {
    pub(crate) fn get(&self, id: PageId) -> Option<&T> {
        self.0.get(id.0)
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageKind {
    /// `content/_index.md`, or a stand-in when there is none.
    Home,
    /// A directory's `_index.md` (or a stand-in for a directory without one).
    Section,
    /// Any other markdown file.
    Guide,
}

/// A markdown source: the home page, a section index or a guide.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) kind: PageKind,
    /// Empty for stand-in sections that have no `_index.md`.
    pub(crate) src: SourcePath,
    /// The whole file as read (for diagnostics and the body).
    pub(crate) file: SourceFile,
    /// Byte offset of the markdown body (after front matter and a title heading).
    pub(crate) body_start: usize,
    /// The body with its `{{#include}}` lines pasted in, when it has any.
    pub(crate) included: crate::model::included::Included,
    pub(crate) url: SitePath,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) weight: Option<i64>,
    pub(crate) date: Option<Date>,
    pub(crate) updated: Option<Date>,
    pub(crate) authors: Vec<String>,
    /// Tag names as written (first spelling wins across the site).
    pub(crate) tags: Vec<String>,
    pub(crate) draft: bool,
    pub(crate) aliases: Vec<SitePath>,
    pub(crate) extra: serde_json::Value,
    /// The section this page sits in (`None` for the home page).
    pub(crate) parent: Option<PageId>,
    /// For sections: their guides, sorted by weight then title.
    pub(crate) guides: Vec<PageId>,
    /// For sections: their sub-sections, sorted by weight then title.
    pub(crate) subsections: Vec<PageId>,
    /// For sections: the decision trees in their directory.
    pub(crate) trees: Vec<TreeId>,
    /// A section that has no `_index.md` of its own.
    pub(crate) implicit: bool,
    /// For guides: where they stand in their section's `guides`, so
    /// previous/next links cost no search through a long section.
    pub(crate) place: usize,
    /// For sections: how many guides a page of the section lists (none:
    /// all on one page).
    pub(crate) paginate_by: Option<usize>,
}

impl Page {
    /// How a section's guides split into pages.
    pub(crate) fn listing(&self) -> crate::model::listing::Listing {
        crate::model::listing::Listing {
            entries: self.guides.len(),
            per: self.paginate_by,
        }
    }
}

impl Page {
    /// When the page last changed: `updated`, else `date`.
    pub(crate) fn changed(&self) -> Option<Date> {
        self.updated.or(self.date)
    }

    /// The markdown body, with any includes pasted in.
    pub(crate) fn body(&self) -> &str {
        match &self.included.text {
            Some(text) => text,
            None => &self.file.text[self.body_start..],
        }
    }

    /// The source, file and span a span of [`Page::body`] was written at:
    /// the page's own file, or the file an include pasted it from.
    pub(crate) fn place(
        &self,
        span: &std::ops::Range<usize>,
    ) -> (&SourcePath, &SourceFile, std::ops::Range<usize>) {
        self.included.place(span).unwrap_or_else(|| {
            let at = self.body_start;
            (&self.src, &self.file, span.start + at..span.end + at)
        })
    }
}

/// A decision tree: its file, its URL and, when it could be read, its model
/// and (once validated) the steps every answer path unfolds into.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub(crate) src: SourcePath,
    pub(crate) file: SourceFile,
    pub(crate) url: SitePath,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) section: PageId,
    pub(crate) model: Option<crate::model::tree::Tree>,
    /// Filled by validation; empty while the tree has errors.
    pub(crate) steps: Vec<crate::model::tree::unfold::Step>,
    /// Every link written in the tree, resolved once by the check stage.
    pub(crate) links: TreeLinks,
}

/// A link inside the site, resolved: the page or file it leads to and
/// what rides after the path (`?query`, `#anchor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) url: SitePath,
    pub(crate) target: Target,
    /// `?…#…` as written, kept on the rewritten link.
    pub(crate) suffix: String,
}

/// The links of a tree's texts and outcomes, by destination as written.
/// Render reads them to write links relative to each step page; it never
/// resolves a link itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct TreeLinks {
    pub(crate) by_dest: HashMap<String, Link>,
    /// ```tree blocks inside the tree's texts: the path as written.
    pub(crate) embeds: HashMap<String, TreeId>,
}

impl Tree {
    /// The URL of one step page.
    pub(crate) fn step_url(&self, step: &crate::model::tree::unfold::Step) -> SitePath {
        SitePath::file(format!("{}{}", self.url.as_str(), step.rel_url()))
    }

    /// The URL of the tree's map page.
    pub(crate) fn map_url(&self) -> SitePath {
        SitePath::file(format!("{}map/", self.url.as_str()))
    }
}

/// A file copied unchanged (an image, a PDF).
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    pub(crate) src: SourcePath,
    pub(crate) disk: PathBuf,
    pub(crate) url: SitePath,
}

#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) url: SitePath,
    /// Guides with this tag, newest first, then by title.
    pub(crate) pages: Vec<PageId>,
}

impl Tag {
    /// How the tag's guides split into pages, `per` a page.
    pub(crate) fn listing(&self, per: Option<usize>) -> crate::model::listing::Listing {
        crate::model::listing::Listing {
            entries: self.pages.len(),
            per,
        }
    }
}

/// What a source path or URL leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Page(PageId),
    Tree(TreeId),
    Asset(AssetId),
    /// `tags/` and `tags/<slug>/`, which have no source file.
    Generated,
}

/// Everything mendbook knows about one site, before rendering.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) config: Config,
    /// `pages[0]` is always the home page.
    pub(crate) pages: Vec<Page>,
    pub(crate) trees: Vec<Tree>,
    pub(crate) assets: Vec<Asset>,
    /// Sorted by slug.
    pub(crate) tags: Vec<Tag>,
    pub(crate) by_source: HashMap<SourcePath, Target>,
    pub(crate) by_url: HashMap<SitePath, Target>,
    /// Drafts left out of this build, so a link to one gets a precise error.
    pub(crate) hidden_drafts: Vec<SourcePath>,
    /// With `updated-from-git`: when each committed file last changed.
    pub(crate) git_dates: HashMap<SourcePath, Date>,
}

impl Site {
    pub(crate) const HOME: PageId = PageId(0);

    /// Where guide `id` stands among its section's guides: its recorded
    /// place, checked (a search only if that is stale).
    pub(crate) fn guide_index(&self, id: PageId) -> Option<usize> {
        let siblings = &self.pages[self.pages[id].parent?].guides;
        let place = self.pages[id].place;
        match siblings.get(place) {
            Some(&g) if g == id => Some(place),
            _ => siblings.iter().position(|&g| g == id),
        }
    }

    /// Guides of a section in order, for previous/next links.
    pub(crate) fn neighbours(&self, id: PageId) -> (Option<PageId>, Option<PageId>) {
        let Some(parent) = self.pages[id].parent else {
            return (None, None);
        };
        if self.pages[id].kind != PageKind::Guide {
            return (None, None);
        }
        let siblings = &self.pages[parent].guides;
        match self.guide_index(id) {
            Some(i) => (
                i.checked_sub(1).map(|j| siblings[j]),
                siblings.get(i + 1).copied(),
            ),
            None => (None, None),
        }
    }

    /// The chain of sections from the home page down to (not including) `id`.
    pub(crate) fn ancestors(&self, id: PageId) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut cur = self.pages[id].parent;
        while let Some(p) = cur {
            chain.push(p);
            cur = self.pages[p].parent;
        }
        chain.reverse();
        chain
    }

    pub(crate) fn tag_by_name(&self, name: &str) -> Option<&Tag> {
        let slug = crate::base::paths::slugify(name);
        self.tags.iter().find(|t| t.slug == slug)
    }
}
