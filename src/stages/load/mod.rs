//! Loading `content/`: front matter, guides, sections, trees' headers and
//! assets, into the [`Site`] model with its URL map.
//!
//! Problems are collected, not thrown: a page whose front matter is broken is
//! still registered (with what could be read) so that links to it do not turn
//! into a second, misleading error.

mod builder;
mod dates;
mod front_matter;
mod git;
mod include;
mod paginate;
pub(crate) mod tree;

use builder::{guide_url, page_from, Builder};
pub use front_matter::parse_for_fuzzing;
use front_matter::{parse_markdown_source, Parsed};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::base::bounds::Bounds;
use crate::base::diagnostics::{with_code, Code, Diagnostic};
use crate::base::paths::SourcePath;
use crate::base::text::is_ignored_name;
use crate::base::text::read_text;
use crate::model::config::Config;
use crate::model::site::{Page, PageId, PageKind, Site};

pub(super) enum SourceKind {
    Markdown,
    Tree,
    Asset,
}

pub(super) struct Found {
    pub(super) src: SourcePath,
    pub(super) disk: PathBuf,
    pub(super) kind: SourceKind,
}

/// Loads the content directory into a site model. Returns the model (as
/// complete as the input allows) and every problem found.
pub(crate) fn load(config: Config) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let bounds = Bounds::new(&config.root, &config.build_dir);
    let found = walk(&config, &bounds, &mut diagnostics);
    diagnostics = with_code(diagnostics, Code::Input);

    let shown = |src: &SourcePath| config.shown(src);
    let parsed: Vec<Result<Parsed, Diagnostic>> = found
        .par_iter()
        .filter(|f| matches!(f.kind, SourceKind::Markdown))
        .map(|f| {
            let file = read_text(&f.disk, &shown(&f.src))?;
            Ok(parse_page(&config, &bounds, f.src.clone(), file))
        })
        .collect();

    let mut markdown = Vec::new();
    for p in parsed {
        match p {
            Ok(mut p) => {
                diagnostics.append(&mut p.diagnostics);
                markdown.push(p);
            }
            Err(d) => diagnostics.push(d),
        }
    }

    let mut builder = Builder {
        site: Site {
            config,
            pages: Vec::new(),
            trees: Vec::new(),
            assets: Vec::new(),
            tags: Vec::new(),
            by_source: HashMap::new(),
            by_url: HashMap::new(),
            hidden_drafts: Vec::new(),
            git_dates: HashMap::new(),
        },
        url_owner: HashMap::new(),
        drafts: Vec::new(),
        section_of_dir: BTreeMap::new(),
        diagnostics,
    };
    builder.reserve_generated();
    builder.build_sections(&markdown, &found);
    builder.add_guides(markdown);
    builder.add_trees(&found);
    builder.add_assets(&found);
    builder.sort_and_tag();
    builder.claim_listing_pages();
    let Builder {
        site,
        diagnostics,
        drafts,
        ..
    } = builder;
    let mut site = site;
    let mut diagnostics = diagnostics;
    site.hidden_drafts = drafts;
    diagnostics.extend(dates_from_git(&mut site));
    diagnostics.extend(no_feed_note(&site.config));
    (site, diagnostics)
}

/// With `updated-from-git`, gives each page without `updated` the date of
/// the last commit that touched its file. Without git: a warning.
fn dates_from_git(site: &mut Site) -> Option<Diagnostic> {
    if !site.config.updated_from_git {
        return None;
    }
    match git::last_commits(&site.config.content_dir) {
        Ok(dates) => {
            for page in &mut site.pages {
                if page.updated.is_none() {
                    page.updated = dates.get(&page.src).copied();
                }
            }
            site.git_dates = dates;
            None
        }
        Err(no) => Some(
            Diagnostic::warning_in(
                Code::Input,
                format!("pages keep only their own dates: {}", no.why),
            )
            .at(
                &site.config.source,
                site.config.key_span("updated-from-git"),
            )
            .help(no.help),
        ),
    }
}

/// A site with a feed but no base-url gets none, and says so once.
fn no_feed_note(config: &Config) -> Option<Diagnostic> {
    (config.feed && config.base_url.is_none()).then(|| {
        Diagnostic::warning_in(
            Code::Config,
            "no feed.xml: the feed needs the site's address, `base-url` under `[site]`",
        )
        .at(&config.source, config.key_span("feed"))
        .help("set `base-url = \"https://…\"` under `[site]`, or `feed = false` under `[build]`")
    })
}

fn walk(config: &Config, bounds: &Bounds, diagnostics: &mut Vec<Diagnostic>) -> Vec<Found> {
    let root = &config.content_dir;
    if !root.is_dir() {
        diagnostics.push(
            Diagnostic::error(format!(
                "the content directory `{}` does not exist",
                root.strip_prefix(&config.root).unwrap_or(root).display()
            ))
            .help("create it, or set `content-dir` under `[build]` in book.toml"),
        );
        return Vec::new();
    }
    if let Err(d) = bounds.check_folder(root) {
        diagnostics.push(d);
        return Vec::new();
    }
    let mut found = Vec::new();
    // Links are followed only where they land inside the site: the filter
    // refuses the others before the walk goes into them.
    let refused = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_ignored_name(&e.file_name().to_string_lossy()) {
                return false;
            }
            match bounds.check(e.path(), e.path_is_symlink()) {
                Ok(()) => true,
                Err(d) => {
                    refused.borrow_mut().push(d);
                    false
                }
            }
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| {
                        p.strip_prefix(&config.root)
                            .unwrap_or(p)
                            .display()
                            .to_string()
                    })
                    .unwrap_or_default();
                let msg = if e.loop_ancestor().is_some() {
                    format!(
                        "{path}: a symbolic link loops back to a folder above it; it was skipped"
                    )
                } else {
                    format!("{path}: {e}")
                };
                diagnostics.push(Diagnostic::error(msg));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let src = SourcePath::from_relative(rel);
        // `_` folders are still walked, so a link in one that leads out of
        // the site is refused like any other.
        if src.as_str().split('/').any(is_private_name) {
            continue;
        }
        let kind = match src.extension().map(str::to_ascii_lowercase).as_deref() {
            Some("md") => SourceKind::Markdown,
            Some("yaml") | Some("yml") => SourceKind::Tree,
            _ => SourceKind::Asset,
        };
        found.push(Found {
            src,
            disk: entry.path().to_path_buf(),
            kind,
        });
    }
    diagnostics.append(&mut refused.into_inner());
    found
}

/// Files and folders starting with `_` (but a section's `_index.md`) are
/// the author's own: snippets to include, drafts kept aside. They are never
/// pages, trees or published files.
pub(crate) fn is_private_name(name: &str) -> bool {
    name.starts_with('_') && name != "_index.md"
}

/// Reads one markdown page of `site` again after its file changed, for a
/// live preview. Returns the new page and its front-matter problems, or
/// `None` when the change moves the page (a new slug), so the whole site must
/// be loaded again.
/// A page's source parsed, with its includes pasted in: how `load` and
/// `reread` read every page.
fn parse_page(
    config: &Config,
    bounds: &Bounds,
    src: SourcePath,
    file: crate::base::diagnostics::SourceFile,
) -> Parsed {
    let mut parsed = parse_markdown_source(src, file);
    parsed.included = include::expand(config, bounds, &parsed.src, &parsed.file, parsed.body_start);
    parsed
}

pub(crate) fn reread(site: &Site, id: PageId) -> Option<(Page, Vec<Diagnostic>)> {
    let old = &site.pages[id];
    if old.implicit {
        return None;
    }
    let disk = old.src.on_disk(&site.config.content_dir);
    let shown = site.config.shown(&old.src);
    let file = match read_text(&disk, &shown) {
        Ok(f) => f,
        Err(d) => return Some((old.clone(), vec![d])),
    };
    let bounds = Bounds::new(&site.config.root, &site.config.build_dir);
    let parsed = parse_page(&site.config, &bounds, old.src.clone(), file);
    if old.kind == PageKind::Guide {
        let section = old
            .parent
            .map(|p| site.pages[p].url.clone())
            .unwrap_or_default();
        if guide_url(&section, &old.src, parsed.fm.slug.as_deref()) != old.url {
            return None;
        }
    }
    let mut page = page_from(&parsed, old.kind, old.url.clone(), old.parent);
    if page.updated.is_none() {
        page.updated = site.git_dates.get(&page.src).copied();
    }
    page.guides = old.guides.clone();
    page.place = old.place;
    page.subsections = old.subsections.clone();
    page.trees = old.trees.clone();
    if old.kind != PageKind::Guide {
        page.draft = false;
        // A changed or broken `paginate-by` changes the site's pages.
        page.paginate_by =
            paginate::resolve(parsed.fm.paginate_by, site.config.paginate_by).ok()?;
    } else if parsed.fm.paginate_by.is_some() {
        return None;
    }
    Some((page, parsed.diagnostics))
}
