//! The contexts of the site's own pages: home, sections, guides, the tag
//! pages, the 404 page and the search page.

use tera::{Context, Value};

use super::context::{GuideView, PaginatorView, SearchView, SectionView, SubsectionView, TagView};
use super::shared::{context, Shared};
use crate::base::paths::SitePath;
use crate::model::listing::{page_url, Listing};
use crate::model::site::{PageId, PageKind, PerPage, Site, TagId, TreeId};
use crate::stages::links::PageMarkdown;
use crate::stages::search::Shards;

/// A page to render: its template, its URL and its context.
pub(super) type Prepared = (&'static str, SitePath, Context);

/// The paginator of page `n` of the listing at `url`.
fn paginator(url: &SitePath, listing: Listing, n: usize) -> PaginatorView {
    let total = listing.pages();
    let at = |n: usize| page_url(url, n).as_str().to_string();
    PaginatorView {
        current: n,
        total,
        entries: listing.entries,
        first_url: at(1),
        last_url: at(total),
        previous_url: (n > 1).then(|| at(n - 1)),
        next_url: (n < total).then(|| at(n + 1)),
    }
}

/// A listing page's title: the listing's, with the page number after the
/// first.
fn numbered(shared: &Shared, title: &str, listing: Listing, n: usize) -> String {
    match n {
        1 => title.to_string(),
        n => shared.tr.fill(
            "list.page_title",
            &[
                ("title", title),
                ("n", &n.to_string()),
                ("total", &listing.pages().to_string()),
            ],
        ),
    }
}

/// A guide, or page `number` (from 1) of a section or the home page.
pub(super) fn page(
    site: &Site,
    pages: &PerPage<PageMarkdown>,
    shared: &Shared,
    id: PageId,
    number: usize,
) -> Prepared {
    let page = &site.pages[id];
    let listing = page.listing();
    let url = page_url(&page.url, number);
    let r = &pages[id].rendered;
    let kind = match page.kind {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Guide => "guide",
    };
    let title = if page.kind == PageKind::Home {
        &site.config.title
    } else {
        &page.title
    };
    let shown = numbered(shared, title, listing, number);
    let mut base = shared.base(kind, &url.root_prefix(), &url, &shown);
    base.breadcrumbs = shared.breadcrumbs(site, id, false);
    if page.description.is_some() {
        base.description = page.description.clone();
    }
    let mut ctx = context(&base);
    let summary = &shared.typed[id];
    let content = Value::safe_string(&r.html);
    let toc = Value::from_serializable(&r.toc);
    let listed = |ids: &[PageId]| -> Vec<Value> {
        ids.iter().map(|&g| shared.summaries[g].clone()).collect()
    };
    let trees = |ids: &[TreeId]| -> Vec<Value> {
        ids.iter()
            .map(|&t| shared.tree_summaries[t.0].clone())
            .collect()
    };
    let template = match page.kind {
        PageKind::Guide => {
            let (prev, next) = site.neighbours(id);
            let link = |p: Option<PageId>| {
                p.map(|p| shared.summaries[p].clone())
                    .unwrap_or_else(Value::none)
            };
            ctx.insert(
                "page",
                &GuideView {
                    summary,
                    content,
                    words: r.words,
                    toc,
                    extra: &page.extra,
                    section: link(page.parent),
                    prev: link(prev),
                    next: link(next),
                    trees: trees(&shared.linking_trees[id]),
                    edit_url: site.config.edit_link(&page.src),
                },
            );
            "page.html"
        }
        PageKind::Home | PageKind::Section => {
            let subsections = page
                .subsections
                .iter()
                .map(|&s| {
                    let sub = &site.pages[s];
                    Value::from_serializable(&SubsectionView {
                        summary: &shared.typed[s],
                        guides: listed(&sub.guides[sub.listing().range(1)]),
                        guide_count: sub.guides.len(),
                        trees: trees(&sub.trees),
                    })
                })
                .collect();
            ctx.insert(
                "section",
                &SectionView {
                    summary,
                    content,
                    words: r.words,
                    toc,
                    extra: &page.extra,
                    guides: listed(&page.guides[listing.range(number)]),
                    trees: trees(&page.trees),
                    subsections,
                },
            );
            ctx.insert("paginator", &paginator(&page.url, listing, number));
            if page.kind == PageKind::Home {
                "index.html"
            } else {
                "section.html"
            }
        }
    };
    (template, url, ctx)
}

pub(super) fn tags(site: &Site, shared: &Shared) -> Prepared {
    let url = crate::model::reserved::tags_page();
    let title = shared.tr.text("tags.title");
    let mut base = shared.base("tags", &url.root_prefix(), &url, title);
    base.breadcrumbs = shared.breadcrumbs(site, Site::HOME, true);
    let mut ctx = context(&base);
    ctx.insert("tags", &shared.tag_summaries);
    ("tags.html", url, ctx)
}

/// Page `number` (from 1) of a tag's guides.
pub(super) fn tag(site: &Site, shared: &Shared, i: TagId, number: usize) -> Prepared {
    let tag = &site.tags[i];
    let listing = tag.listing(site.config.paginate_by);
    let url = page_url(&tag.url, number);
    let title = numbered(
        shared,
        &shared.tr.fill("tag.title", &[("tag", &tag.name)]),
        listing,
        number,
    );
    let mut base = shared.base("tag", &url.root_prefix(), &url, &title);
    base.breadcrumbs = shared.breadcrumbs(site, Site::HOME, true);
    base.breadcrumbs.push(Value::from_serializable(&TagsCrumb {
        title: shared.tr.text("tags.title"),
        url: "tags/",
    }));
    let mut ctx = context(&base);
    ctx.insert(
        "tag",
        &TagView {
            name: &tag.name,
            url: tag.url.as_str(),
            guides: tag.pages[listing.range(number)]
                .iter()
                .map(|&p| shared.summaries[p].clone())
                .collect(),
        },
    );
    ctx.insert("paginator", &paginator(&tag.url, listing, number));
    ("tag.html", url, ctx)
}

/// The tags index, as a breadcrumb.
#[derive(serde::Serialize)]
struct TagsCrumb<'a> {
    title: &'a str,
    url: &'static str,
}

pub(super) fn not_found(site: &Site, shared: &Shared) -> Prepared {
    // The 404 page is served at any depth, so its links start at the
    // site's absolute prefix instead of a relative one.
    let prefix = site
        .config
        .base_url
        .as_ref()
        .map(|b| b.encoded_prefix())
        .unwrap_or_else(|| "/".to_string());
    let url = SitePath::file("404.html");
    let mut base = shared.base("404", &prefix, &url, shared.tr.text("notfound.title"));
    base.canonical = None;
    ("404.html", url, context(&base))
}

pub(super) fn search(site: &Site, shared: &Shared, primary: usize, merged: &[String]) -> Prepared {
    let url = crate::model::reserved::search_page();
    let root = url.root_prefix();
    let mut base = shared.base("search", &root, &url, shared.tr.text("search.title"));
    base.breadcrumbs = shared.breadcrumbs(site, Site::HOME, true);
    base.canonical = None;
    let mut ctx = context(&base);
    ctx.insert(
        "search",
        &SearchView {
            bundle: format!("{root}{}pagefind.js", Shards::dir(primary)),
            merge: merged.iter().map(|d| format!("{root}{d}")).collect(),
        },
    );
    ("search.html", url, ctx)
}
