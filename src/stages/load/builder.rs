//! Building the site model from what was read: the home page and a section
//! per folder, guides, trees and assets, each claiming its URL (a clash or
//! a URL no source may have is an error naming the source), then sorting
//! and tagging.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::front_matter::Parsed;
use super::{Found, SourceKind};
use crate::base::diagnostics::{Code, Diagnostic, SourceFile};
use crate::base::paths::{slugify, SitePath, SourcePath};
use crate::base::text::{find_yaml_key, humanise, read_text};
use crate::model::reserved::{GENERATED_FILES, LIVE_DIR};
use crate::model::site::{Asset, AssetId, Page, PageId, PageKind, Site, Tag, Target, Tree, TreeId};

pub(super) struct Builder {
    pub(super) site: Site,
    /// Which source claimed each URL, to name both files on a clash.
    pub(super) url_owner: HashMap<SitePath, String>,
    pub(super) drafts: Vec<SourcePath>,
    /// Content directory (source form, `/`-separated) -> its section.
    pub(super) section_of_dir: BTreeMap<String, PageId>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Builder {
    pub(super) fn reserve_generated(&mut self) {
        for f in GENERATED_FILES {
            let url = SitePath::file(*f);
            self.url_owner
                .insert(url.clone(), "mendbook's generated files".into());
            self.site.by_url.insert(url, Target::Generated);
        }
        let tags = SitePath::page(["tags"]);
        self.url_owner
            .insert(tags.clone(), "mendbook's tag index".into());
        self.site.by_url.insert(tags, Target::Generated);
        if self.site.config.search {
            let search = crate::model::reserved::search_page();
            self.url_owner
                .insert(search.clone(), "mendbook's search page".into());
            self.site.by_url.insert(search, Target::Generated);
        }
    }

    /// Registers `url` for `owner`; on a clash, reports both sources.
    pub(super) fn claim(
        &mut self,
        url: &SitePath,
        owner: &str,
        target: Target,
        at: Option<(&SourceFile, Range<usize>)>,
    ) -> bool {
        if let Some(why) = self.unusable(url) {
            let mut d = Diagnostic::error(format!("{owner} cannot have the URL `{url}`: {why}"));
            if let Some((file, span)) = at {
                d = d.at(file, span);
            }
            self.diagnostics.push(
                d.help("rename it, or give it another `slug`")
                    .code(Code::UrlClash),
            );
            return false;
        }
        if let Some(first) = self.url_owner.get(url) {
            let mut d =
                Diagnostic::error(format!("{owner} and {first} both map to the URL `{url}`"));
            if let Some((file, span)) = at {
                d = d.at(file, span);
            }
            self.diagnostics.push(
                d.help("rename one of them, or give one a different `slug`")
                    .code(Code::UrlClash),
            );
            return false;
        }
        self.url_owner.insert(url.clone(), owner.to_string());
        self.site.by_url.insert(url.clone(), target);
        true
    }

    /// Why no source may have `url`, if none may: mendbook's own folders,
    /// hidden names, and names too long for a file system.
    pub(super) fn unusable(&self, url: &SitePath) -> Option<String> {
        let mut segments = url.as_str().split('/').filter(|s| !s.is_empty());
        if let Some(first) = url.as_str().split('/').next() {
            let reserved = first == crate::model::reserved::ASSET_DIR
                || first == LIVE_DIR
                || (first == crate::model::reserved::BUNDLE_DIR && self.site.config.search);
            if reserved {
                return Some(format!("`/{first}/` holds mendbook's own files"));
            }
        }
        if segments.any(|s| s.starts_with('.') || s.contains(['\\', ':'])) {
            return Some("a hidden name (starting with `.`) is never published".into());
        }
        let longest = url.as_str().split('/').map(str::len).max().unwrap_or(0);
        if longest > crate::base::paths::MAX_NAME_BYTES {
            return Some(format!(
                "a part of it is {longest} bytes long, and file systems allow {}",
                crate::base::paths::MAX_NAME_BYTES
            ));
        }
        None
    }

    pub(super) fn dir_url(dir: &str) -> SitePath {
        let slugs: Vec<String> = dir
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let slug = slugify(s);
                if slug.is_empty() {
                    "-".to_string()
                } else {
                    slug
                }
            })
            .collect();
        SitePath::page(slugs.iter().map(String::as_str))
    }

    /// Creates the home page and one section per directory that has an
    /// `_index.md` or holds guides or trees (at any depth).
    pub(super) fn build_sections(&mut self, markdown: &[Parsed], found: &[Found]) {
        let mut dirs: BTreeMap<String, Option<&Parsed>> = BTreeMap::new();
        dirs.insert(String::new(), None);
        let add_with_ancestors = |dir: &str, dirs: &mut BTreeMap<String, Option<&Parsed>>| {
            let mut d = dir.to_string();
            loop {
                dirs.entry(d.clone()).or_insert(None);
                match d.rsplit_once('/') {
                    Some((parent, _)) => d = parent.to_string(),
                    None if !d.is_empty() => d = String::new(),
                    None => break,
                }
            }
        };
        for p in markdown {
            add_with_ancestors(p.src.dir(), &mut dirs);
        }
        for f in found.iter().filter(|f| matches!(f.kind, SourceKind::Tree)) {
            add_with_ancestors(f.src.dir(), &mut dirs);
        }
        for p in markdown.iter().filter(|p| p.src.file_name() == "_index.md") {
            dirs.insert(p.src.dir().to_string(), Some(p));
        }

        // BTreeMap order puts parents before children.
        for (dir, index) in dirs {
            let url = Self::dir_url(&dir);
            let parent = if dir.is_empty() {
                None
            } else {
                let parent_dir = dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                self.section_of_dir.get(parent_dir).copied()
            };
            let kind = if dir.is_empty() {
                PageKind::Home
            } else {
                PageKind::Section
            };
            let id = PageId(self.site.pages.len());
            let page = match index {
                Some(p) => {
                    let mut page = page_from(p, kind, url.clone(), parent);
                    page.draft = false; // a section is never a draft
                    page.paginate_by = self.section_paging(p);
                    page
                }
                None => {
                    let title = if dir.is_empty() {
                        self.site.config.title.clone()
                    } else {
                        humanise(dir.rsplit('/').next().unwrap_or(&dir))
                    };
                    Page {
                        kind,
                        src: SourcePath::new(""),
                        file: SourceFile::new("", ""),
                        body_start: 0,
                        included: Default::default(),
                        url: url.clone(),
                        title,
                        description: None,
                        weight: None,
                        date: None,
                        updated: None,
                        authors: Vec::new(),
                        tags: Vec::new(),
                        draft: false,
                        aliases: Vec::new(),
                        extra: serde_json::Value::Object(Default::default()),
                        parent,
                        guides: Vec::new(),
                        subsections: Vec::new(),
                        trees: Vec::new(),
                        implicit: true,
                        place: 0,
                        paginate_by: self.site.config.paginate_by,
                    }
                }
            };
            let owner = match index {
                Some(p) => p.file.name.display().to_string(),
                None if dir.is_empty() => "the home page".to_string(),
                None => format!("the folder `{dir}`"),
            };
            let at = index.map(|p| (&p.file, 0..0));
            self.claim(&url, &owner, Target::Page(id), at);
            if let Some(p) = index {
                self.site.by_source.insert(p.src.clone(), Target::Page(id));
            }
            // A link to the folder itself (`../prevent/`) means its section.
            if !dir.is_empty() {
                self.site
                    .by_source
                    .insert(SourcePath::new(dir.clone()), Target::Page(id));
            }
            if let Some(parent) = parent {
                self.site.pages[parent].subsections.push(id);
            }
            self.section_of_dir.insert(dir, id);
            self.site.pages.push(page);
        }
        self.register_aliases_from(Site::HOME);
    }

    pub(super) fn add_guides(&mut self, markdown: Vec<Parsed>) {
        let first_guide = PageId(self.site.pages.len());
        for p in markdown {
            if p.src.file_name() == "_index.md" {
                continue;
            }
            if p.fm.draft && !self.site.config.drafts {
                self.drafts.push(p.src.clone());
                continue;
            }
            let section = self
                .section_of_dir
                .get(p.src.dir())
                .copied()
                .unwrap_or(Site::HOME);
            let url = guide_url(&self.site.pages[section].url, &p.src, p.fm.slug.as_deref());
            let id = PageId(self.site.pages.len());
            let owner = p.file.name.display().to_string();
            let slug_span = find_yaml_key(&p.file.text, "slug").unwrap_or(0..0);
            self.claim(&url, &owner, Target::Page(id), Some((&p.file, slug_span)));
            self.site.by_source.insert(p.src.clone(), Target::Page(id));
            self.guide_paging(&p);
            let page = page_from(&p, PageKind::Guide, url, Some(section));
            self.site.pages[section].guides.push(id);
            self.site.pages.push(page);
        }
        self.register_aliases_from(first_guide);
    }

    pub(super) fn register_aliases_from(&mut self, first: PageId) {
        for id in (first.0..self.site.pages.len()).map(PageId) {
            let aliases = self.site.pages[id].aliases.clone();
            let file = self.site.pages[id].file.clone();
            for alias in aliases {
                let owner = format!("an alias in {}", file.name.display());
                let span = find_yaml_key(&file.text, "aliases").unwrap_or(0..0);
                self.claim(&alias, &owner, Target::Generated, Some((&file, span)));
            }
        }
    }

    pub(super) fn add_trees(&mut self, found: &[Found]) {
        for f in found.iter().filter(|f| matches!(f.kind, SourceKind::Tree)) {
            let shown = self.site.config.shown(&f.src);
            let file = match read_text(&f.disk, &shown) {
                Ok(file) => file,
                Err(d) => {
                    self.diagnostics.push(d);
                    continue;
                }
            };
            let (model, mut problems) = crate::stages::load::tree::parse(&file);
            self.diagnostics.append(&mut problems);
            let title = match model.as_ref().map(|m| m.title.clone()) {
                Some(t) if !t.trim().is_empty() => t,
                _ => humanise(f.src.stem()),
            };
            let description = model.as_ref().and_then(|m| m.description.clone());
            let section = self
                .section_of_dir
                .get(f.src.dir())
                .copied()
                .unwrap_or(Site::HOME);
            let slug = slugify(f.src.stem());
            let url = SitePath::file(format!(
                "{}{}/",
                self.site.pages[section].url.as_str(),
                slug
            ));
            let id = TreeId(self.site.trees.len());
            self.claim(
                &url,
                &shown.display().to_string(),
                Target::Tree(id),
                Some((&file, 0..0)),
            );
            self.site.by_source.insert(f.src.clone(), Target::Tree(id));
            self.site.pages[section].trees.push(id);
            self.site.trees.push(Tree {
                src: f.src.clone(),
                file,
                url,
                title,
                description,
                section,
                model,
                steps: Vec::new(),
                links: Default::default(),
            });
        }
    }

    pub(super) fn add_assets(&mut self, found: &[Found]) {
        for f in found.iter().filter(|f| matches!(f.kind, SourceKind::Asset)) {
            let dir_url = Self::dir_url(f.src.dir());
            let url = SitePath::file(format!("{}{}", dir_url.as_str(), f.src.file_name()));
            let id = AssetId(self.site.assets.len());
            let shown = self.site.config.shown(&f.src);
            if self.claim(&url, &shown.display().to_string(), Target::Asset(id), None) {
                self.site.by_source.insert(f.src.clone(), Target::Asset(id));
                self.site.assets.push(Asset {
                    src: f.src.clone(),
                    disk: f.disk.clone(),
                    url,
                });
            }
        }
    }

    pub(super) fn sort_and_tag(&mut self) {
        let pages = &self.site.pages;
        let order = |a: &PageId, b: &PageId| {
            let (pa, pb) = (&pages[*a], &pages[*b]);
            (pa.weight.is_none(), pa.weight, pa.title.to_lowercase()).cmp(&(
                pb.weight.is_none(),
                pb.weight,
                pb.title.to_lowercase(),
            ))
        };
        let mut sorted: Vec<(Vec<PageId>, Vec<PageId>)> = Vec::new();
        for p in pages {
            let mut g = p.guides.clone();
            g.sort_by(order);
            let mut s = p.subsections.clone();
            s.sort_by(order);
            sorted.push((g, s));
        }
        for (p, (g, s)) in self.site.pages.iter_mut().zip(sorted) {
            p.guides = g;
            p.subsections = s;
        }
        for section in 0..self.site.pages.len() {
            for i in 0..self.site.pages[section].guides.len() {
                let g = self.site.pages[section].guides[i];
                self.site.pages[g.0].place = i;
            }
        }

        let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
        // Tags that differ only in case and spacing are one tag; tags that
        // differ otherwise but share a slug (`C++` and `C#`) would share a
        // page, which is an error naming both pages.
        let same = |a: &str, b: &str| {
            let norm = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            norm(a) == norm(b)
        };
        for (id, page) in self.site.pages.iter().enumerate() {
            let id = PageId(id);
            for name in &page.tags {
                let slug = slugify(name);
                let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                    name: name.clone(),
                    url: SitePath::page(["tags", slug.as_str()]),
                    slug,
                    pages: Vec::new(),
                });
                if !same(&tag.name, name) {
                    let first = &self.site.pages[tag.pages[0]].file.name;
                    let span = find_yaml_key(&page.file.text, "tags").unwrap_or(0..0);
                    self.diagnostics.push(
                        Diagnostic::error(format!(
                            "the tag `{name}` here and the tag `{}` in {} would share the page `{}`",
                            tag.name,
                            first.display(),
                            tag.url
                        ))
                        .at(&page.file, span)
                        .help("spell them the same, or make them differ in letters or digits")
                        .code(Code::UrlClash),
                    );
                }
                // Pages come in order, so a repeat is always the last one.
                if tag.pages.last() != Some(&id) {
                    tag.pages.push(id);
                }
            }
        }
        for tag in tags.values_mut() {
            let pages = &self.site.pages;
            tag.pages.sort_by(|a, b| {
                let (pa, pb) = (&pages[*a], &pages[*b]);
                pb.date.cmp(&pa.date).then_with(|| pa.title.cmp(&pb.title))
            });
            self.site.by_url.insert(tag.url.clone(), Target::Generated);
        }
        for tag in tags.values() {
            if let Some(owner) = self.url_owner.get(&tag.url) {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "{owner} takes the URL `{}`, which the tag `{}` needs",
                        tag.url, tag.name
                    ))
                    .code(Code::UrlClash),
                );
            }
        }
        self.site.tags = tags.into_values().collect();
    }
}

pub(super) fn page_from(p: &Parsed, kind: PageKind, url: SitePath, parent: Option<PageId>) -> Page {
    let mut tags: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in &p.fm.tags {
        let key = t
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if !slugify(t).is_empty() && seen.insert(key) {
            tags.push(t.trim().to_string());
        }
    }
    Page {
        kind,
        src: p.src.clone(),
        file: p.file.clone(),
        body_start: p.body_start,
        included: p.included.clone(),
        url,
        title: p.title.clone(),
        description: p.fm.description.clone().filter(|d| !d.trim().is_empty()),
        weight: p.fm.weight,
        date: p.date,
        updated: p.updated,
        authors: p.fm.authors.clone(),
        tags,
        draft: p.fm.draft,
        aliases: p.fm.aliases.iter().map(|a| alias_url(a)).collect(),
        extra: p
            .fm
            .extra
            .clone()
            .unwrap_or_else(|| serde_json::Value::Object(Default::default())),
        parent,
        guides: Vec::new(),
        subsections: Vec::new(),
        trees: Vec::new(),
        implicit: false,
        place: 0,
        paginate_by: None,
    }
}

/// The one rule for a guide's URL: its section's URL, then its `slug` (or
/// its file name) as a slug; a name with no letters or digits becomes `-`.
pub(super) fn guide_url(section: &SitePath, src: &SourcePath, slug: Option<&str>) -> SitePath {
    let slug = slug
        .map(slugify)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| slugify(src.stem()));
    let slug = if slug.is_empty() {
        "-".to_string()
    } else {
        slug
    };
    SitePath::file(format!("{}{slug}/", section.as_str()))
}

/// `/old/path` and `old/path/` both mean the page URL `old/path/`;
/// `old.html` stays a file.
fn alias_url(alias: &str) -> SitePath {
    let a = alias.trim().trim_start_matches('/');
    let last = a.rsplit('/').next().unwrap_or(a);
    if a.is_empty() || a.ends_with('/') || last.contains('.') {
        SitePath::file(a)
    } else {
        SitePath::file(format!("{a}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(alias_url("/old/path").as_str(), "old/path/");
        assert_eq!(alias_url("old.html").as_str(), "old.html");
    }
}
