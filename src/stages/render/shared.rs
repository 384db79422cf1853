//! What every page of a site shares, converted to template values once per
//! build: the configuration, the site's lists, and every page's, tree's
//! and tag's summary.

use tera::{Context, Value};

use super::context::{Base, ConfigView, PageSummary, SiteView, TagRef, TagSummary, TreeSummary};
use crate::base::paths::SitePath;
use crate::model::config::BaseUrl;
use crate::model::reserved::{ASSET_DIR, FEED_FILE};
use crate::model::site::{Page, PageId, PageKind, PerPage, Site, Tag, Target, Tree, TreeId};
use crate::model::tree::Kind;
use crate::stages::links::PageMarkdown;
use crate::stages::markdown::Labels;
use crate::stages::translations::Translations;

/// Reading time in minutes: 200 words a minute, at least one.
pub(crate) fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

pub(super) struct Shared {
    config: Value,
    /// The theme's strings, as templates get them (`t`).
    t: Value,
    /// The same, for text made here (titles, dates, the map).
    pub(crate) tr: Translations,
    /// For markdown in tree steps.
    pub(crate) labels: Labels,
    site: Value,
    description: Option<String>,
    base_url: Option<BaseUrl>,
    search: bool,
    /// Whether the build writes feed.xml, for pages to link it.
    feed: bool,
    /// Per page: its summary, typed (to build its own page) and converted
    /// (to list it on others).
    pub(crate) typed: PerPage<PageSummary>,
    pub(crate) summaries: PerPage<Value>,
    pub(crate) tree_summaries: Vec<Value>,
    pub(crate) tag_summaries: Vec<Value>,
    /// Per page: the trees whose outcomes link to it.
    pub(crate) linking_trees: PerPage<Vec<TreeId>>,
}

fn page_summary(
    site: &Site,
    page: &Page,
    markdown: &PageMarkdown,
    tr: &Translations,
) -> PageSummary {
    let kind = match page.kind {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Guide => "guide",
    };
    PageSummary {
        title: page.title.clone(),
        description: page.description.clone(),
        url: page.url.as_str().to_string(),
        kind,
        date: page.date.map(|d| tr.date(&d)),
        date_iso: page.date.map(|d| d.iso()),
        updated: page.updated.map(|d| tr.date(&d)),
        updated_iso: page.updated.map(|d| d.iso()),
        authors: page.authors.clone(),
        tags: page
            .tags
            .iter()
            .filter_map(|name| site.tag_by_name(name))
            .map(|t| TagRef {
                name: t.name.clone(),
                url: t.url.as_str().to_string(),
            })
            .collect(),
        reading_time: reading_time(markdown.rendered.words),
        draft: page.draft,
        weight: page.weight,
    }
}

pub(super) fn tree_summary(tree: &Tree) -> Value {
    Value::from_serializable(&TreeSummary {
        title: &tree.title,
        description: tree.description.as_deref(),
        url: tree.url.as_str(),
        kind: "tree",
    })
}

fn tag_summary(tag: &Tag) -> Value {
    Value::from_serializable(&TagSummary {
        name: &tag.name,
        url: tag.url.as_str(),
        count: tag.pages.len(),
    })
}

/// Per page, the trees whose outcomes link to it, from the links the check
/// stage resolved.
fn linking_trees(site: &Site) -> PerPage<Vec<TreeId>> {
    let mut linking = PerPage(vec![Vec::new(); site.pages.len()]);
    for (t, tree) in site.trees.iter().enumerate() {
        let t = TreeId(t);
        let Some(model) = &tree.model else { continue };
        for node in &model.nodes {
            let Kind::Outcome { guides, .. } = &node.kind else {
                continue;
            };
            for g in guides {
                if let Some(Target::Page(p)) = tree.links.by_dest.get(&g.path).map(|l| l.target) {
                    if !linking[p].contains(&t) {
                        linking[p].push(t);
                    }
                }
            }
        }
    }
    linking
}

impl Shared {
    pub(crate) fn new(site: &Site, pages: &PerPage<PageMarkdown>, tr: &Translations) -> Shared {
        let typed: PerPage<PageSummary> = site
            .pages
            .iter()
            .zip(pages.iter())
            .map(|(p, m)| page_summary(site, p, m, tr))
            .collect();
        let summaries: PerPage<Value> = typed.iter().map(Value::from_serializable).collect();
        let tree_summaries: Vec<Value> = site.trees.iter().map(tree_summary).collect();
        let tag_summaries: Vec<Value> = site.tags.iter().map(tag_summary).collect();
        let sections = site.pages[Site::HOME]
            .subsections
            .iter()
            .map(|&s| summaries[s].clone())
            .collect();
        let config = &site.config;
        Shared {
            config: Value::from_serializable(&ConfigView {
                title: &config.title,
                description: config.description.as_deref(),
                authors: &config.authors,
                language: &config.language,
                base_url: config
                    .base_url
                    .as_ref()
                    .map(|b| b.absolute(&SitePath::root())),
                extra: &config.extra,
            }),
            site: Value::from_serializable(&SiteView {
                sections,
                trees: tree_summaries.clone(),
                tags: tag_summaries.clone(),
            }),
            t: Value::from_serializable(&tr.to_json()),
            tr: tr.clone(),
            labels: tr.markdown_labels(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            search: config.search,
            feed: config.writes_feed(),
            linking_trees: linking_trees(site),
            typed,
            summaries,
            tree_summaries,
            tag_summaries,
        }
    }

    /// What every template gets, for the page at `url` whose links start at
    /// `root`.
    pub(crate) fn base(&self, kind: &'static str, root: &str, url: &SitePath, title: &str) -> Base {
        Base {
            config: self.config.clone(),
            t: self.t.clone(),
            site: self.site.clone(),
            root: root.to_string(),
            assets: format!("{root}{ASSET_DIR}/"),
            kind,
            title: title.to_string(),
            description: self.description.clone(),
            canonical: self.base_url.as_ref().map(|b| b.absolute(url)),
            // Relative, like every link, so a preview finds its own feed.
            feed_url: self.feed.then(|| format!("{root}{FEED_FILE}")),
            current_url: url.as_str().to_string(),
            breadcrumbs: Vec::new(),
            // Where the search box sends its query; none when search is off.
            search_url: self
                .search
                .then(|| format!("{root}{}", crate::model::reserved::search_page().as_str())),
            mendbook_version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// The summaries of the sections above page `id`, home first, and of
    /// `id` itself with `include_self`.
    pub(crate) fn breadcrumbs(&self, site: &Site, id: PageId, include_self: bool) -> Vec<Value> {
        let mut chain = site.ancestors(id);
        if include_self {
            chain.push(id);
        }
        chain
            .into_iter()
            .map(|p| self.summaries[p].clone())
            .collect()
    }
}

/// A template's context, starting from what every template gets.
pub(super) fn context(base: &Base) -> Context {
    // A struct of strings and values always converts.
    Context::from_serialize(base).unwrap_or_default()
}
