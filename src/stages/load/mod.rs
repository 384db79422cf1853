//! Loading `content/`: front matter, guides, sections, trees' headers and
//! assets, into the [`Site`] model with its URL map.
//!
//! Problems are collected, not thrown: a page whose front matter is broken is
//! still registered (with what could be read) so that links to it do not turn
//! into a second, misleading error.

pub mod tree;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Deserialize;

use crate::base::diagnostics::{did_you_mean, with_code, Code, Diagnostic, SourceFile};
use crate::base::paths::{slugify, SitePath, SourcePath};
use crate::base::text::find_yaml_key;
use crate::base::text::humanise;
use crate::base::text::is_ignored_name;
use crate::base::text::normalise_text;
use crate::base::text::read_text;
use crate::base::yaml;
use crate::model::config::Config;
use crate::model::reserved::{GENERATED_FILES, LIVE_DIR};
use crate::model::site::{Asset, Date, Page, PageId, PageKind, Site, Tag, Target, Tree};

/// Front-matter fields, in the order the docs list them.
pub const FRONT_MATTER_FIELDS: &[&str] = &[
    "title",
    "description",
    "weight",
    "date",
    "updated",
    "authors",
    "tags",
    "draft",
    "slug",
    "aliases",
    "extra",
];

#[derive(Debug, Default, Deserialize)]
struct FrontMatter {
    title: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    date: Option<String>,
    updated: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    extra: Option<serde_json::Value>,
}

enum SourceKind {
    Markdown,
    Tree,
    Asset,
}

struct Found {
    src: SourcePath,
    disk: PathBuf,
    kind: SourceKind,
}

/// A markdown file after its front matter is read.
struct Parsed {
    src: SourcePath,
    file: SourceFile,
    fm: FrontMatter,
    title: String,
    body_start: usize,
    date: Option<Date>,
    updated: Option<Date>,
    diagnostics: Vec<Diagnostic>,
}

/// Loads the content directory into a site model. Returns the model (as
/// complete as the input allows) and every problem found.
pub fn load(config: Config) -> (Site, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let found = walk(&config, &mut diagnostics);
    diagnostics = with_code(diagnostics, Code::Input);

    let shown = |src: &SourcePath| config.shown(src);
    let parsed: Vec<Result<Parsed, Diagnostic>> = found
        .par_iter()
        .filter(|f| matches!(f.kind, SourceKind::Markdown))
        .map(|f| {
            let file = read_text(&f.disk, &shown(&f.src))?;
            Ok(parse_markdown_source(f.src.clone(), file))
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
    let Builder {
        site,
        diagnostics,
        drafts,
        ..
    } = builder;
    let mut site = site;
    site.hidden_drafts = drafts;
    (site, diagnostics)
}

fn walk(config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Vec<Found> {
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
    let bounds = crate::base::bounds::Bounds::new(&config.root, &config.build_dir);
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

/// Splits front matter from the body and reads it.
fn parse_markdown_source(src: SourcePath, file: SourceFile) -> Parsed {
    let text = file.text.clone();
    let mut diagnostics = Vec::new();
    let mut fm = FrontMatter::default();
    let mut body_start = 0;
    let mut fm_range: Option<Range<usize>> = None;
    // When the front matter cannot be read, a missing title is no news.
    let mut fm_broken = false;

    if text.starts_with("+++") {
        let yaml = toml_as_yaml(&text);
        diagnostics.push(
            Diagnostic::error(
                "front matter between `+++` lines (TOML) is not supported; mendbook reads YAML between `---` lines",
            )
            .at(&file, 0..3)
            .help(format!("write it as:\n---\n{yaml}---")),
        );
        return Parsed {
            src,
            file,
            fm,
            title: humanise(""),
            body_start: text.len(),
            date: None,
            updated: None,
            diagnostics: with_code(diagnostics, Code::FrontMatter),
        };
    }
    if let Some(rest) = text.strip_prefix("---") {
        let first_line_end = rest.find('\n').map(|i| i + 3 + 1).unwrap_or(text.len());
        if text[3..first_line_end].trim().is_empty() {
            // Find the closing `---` line.
            let mut offset = first_line_end;
            let mut close = None;
            for line in text[first_line_end..].split_inclusive('\n') {
                if line.trim_end() == "---" {
                    close = Some((offset, offset + line.len()));
                    break;
                }
                offset += line.len();
            }
            match close {
                Some((fm_end, after)) => {
                    fm_range = Some(first_line_end..fm_end);
                    body_start = after;
                }
                None => {
                    diagnostics.push(
                        Diagnostic::error("front matter is never closed")
                            .at(&file, 0..3)
                            .label("front matter starts here")
                            .help("end the front matter with a line holding only `---`"),
                    );
                    body_start = text.len();
                    fm_broken = true;
                }
            }
        }
    }

    if let Some(range) = fm_range.clone() {
        let fm_text = &text[range.clone()];
        if !fm_text.trim().is_empty() {
            match yaml::from_str_collecting_unknown::<FrontMatter>(fm_text) {
                Ok((value, unknown)) => {
                    fm = value;
                    for key in unknown {
                        // `Title:` is one mistake, not also a missing title.
                        fm_broken |= did_you_mean(&key, ["title"]).is_some() && fm.title.is_none();
                        let top = key.split('.').next().unwrap_or(&key).to_string();
                        let span = find_yaml_key(fm_text, &top)
                            .map(|r| r.start + range.start..r.end + range.start)
                            .unwrap_or(range.start..range.start);
                        let mut d =
                            Diagnostic::error(format!("unknown front matter field `{top}`"))
                                .at(&file, span)
                                .label("not a front matter field");
                        d = match did_you_mean(&top, FRONT_MATTER_FIELDS.iter().copied()) {
                            Some(h) => d.help(h),
                            None => d.help(format!(
                                "fields are: {}; put your own data under `extra:`",
                                FRONT_MATTER_FIELDS.join(", ")
                            )),
                        };
                        diagnostics.push(d);
                    }
                }
                Err(e) => {
                    fm_broken = true;
                    let at = range.start + e.offset.unwrap_or(0);
                    let mut d = Diagnostic::error(format!(
                        "invalid front matter: {}",
                        for_authors(&e.message)
                    ))
                    .at(&file, at..at + 1);
                    if fm_text.lines().any(|l| l.starts_with('\t')) {
                        d = d.help("YAML does not allow tabs for indentation; use spaces");
                    } else if let Some(help) = list_help(&e.message) {
                        d = d.help(help);
                    }
                    diagnostics.push(d);
                }
            }
        }
    }

    let fm_offset = fm_range.as_ref().map(|r| r.start).unwrap_or(0);
    let fm_text = fm_range.as_ref().map(|r| &text[r.clone()]).unwrap_or("");
    let key_span = |key: &str| {
        find_yaml_key(fm_text, key)
            .map(|r| r.start + fm_offset..r.end + fm_offset)
            .unwrap_or(0..0)
    };
    let mut check_date = |key: &str, value: &Option<String>| -> Option<Date> {
        let v = value.as_ref()?;
        match Date::parse(v.trim()) {
            Some(d) => Some(d),
            None => {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "`{key}` must be a date written YYYY-MM-DD, not `{v}`"
                    ))
                    .at(&file, key_span(key))
                    .help("for example `2026-03-14`"),
                );
                None
            }
        }
    };
    let date = check_date("date", &fm.date);
    let updated = check_date("updated", &fm.updated);

    for tag in &fm.tags {
        let slug = slugify(tag);
        let shown = crate::base::text::sanitise(tag, 80);
        let problem = if slug.is_empty() {
            Some(format!(
                "the tag `{shown}` has no letters or digits, so it cannot have a page"
            ))
        } else if slug.len() > crate::base::paths::MAX_NAME_BYTES {
            Some(format!(
                "the tag `{shown}` is too long to be the name of its page ({} bytes; at most {})",
                slug.len(),
                crate::base::paths::MAX_NAME_BYTES
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            diagnostics.push(
                Diagnostic::error(message)
                    .at(&file, key_span("tags"))
                    .help("tags are short words or phrases, like `apology` or `first job`"),
            );
        }
    }

    // The title: front matter, or a leading `# heading` which then leaves the body.
    let title = match fm.title.clone().filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None => match leading_heading(&text[body_start..]) {
            Some((title, consumed)) => {
                body_start += consumed;
                title
            }
            None => {
                if src.file_name() != "_index.md" && !fm_broken {
                    diagnostics.push(
                        Diagnostic::error("this page has no title")
                            .at(&file, 0..0)
                            .help("add `title: …` to the front matter, or start the page with a `# Heading`"),
                    );
                }
                humanise(src.stem())
            }
        },
    };

    if let Some(slug) = &fm.slug {
        if slug.contains(['/', '\\']) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the slug `{slug}` must be one part of a URL, without `/`"
                ))
                .at(&file, key_span("slug"))
                .help("the folder a guide is in gives the rest of its URL"),
            );
        } else if slugify(slug).is_empty() {
            diagnostics.push(
                Diagnostic::error(format!("the slug `{slug}` has no letters or digits"))
                    .at(&file, key_span("slug")),
            );
        }
    }

    if fm
        .extra
        .as_ref()
        .is_some_and(|e| !e.is_object() && !e.is_null())
    {
        diagnostics.push(
            Diagnostic::error("`extra` must be a mapping of your own fields")
                .at(&file, key_span("extra"))
                .help("for example `extra: { audience: managers }`"),
        );
    }
    if fm_range.is_some() && src.stem() != "_index" && text[body_start..].trim().is_empty() {
        let end = text.len();
        diagnostics.push(
            Diagnostic::error("this guide has nothing after its front matter")
                .at(&file, end.saturating_sub(1)..end)
                .help("write the guide below the closing `---`"),
        );
    }

    Parsed {
        src,
        file,
        fm,
        title,
        body_start,
        date,
        updated,
        diagnostics: with_code(diagnostics, Code::FrontMatter),
    }
}

/// A serde message in words an author uses: "fields", "a list", "a whole
/// number", not Rust's names for them.
fn for_authors(message: &str) -> String {
    message
        .replace("struct FrontMatter", "fields like `title: …`")
        .replace("expected i64", "expected a whole number")
        .replace("expected a sequence", "expected a list")
        .replace("expected a boolean", "expected true or false")
        .replace("invalid type: string", "found the text")
        .replace("invalid type: integer", "found the number")
        .replace("invalid type: map", "found a mapping")
        .replace("invalid type: sequence", "found a list")
}

/// `tags: a, b` is a list written as text; say how to write the list.
fn list_help(message: &str) -> Option<String> {
    let (key, rest) = message.split_once(": ")?;
    if !["tags", "authors", "aliases"].contains(&key) || !rest.contains("expected a sequence") {
        return None;
    }
    let value = rest.split('"').nth(1)?;
    let items: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    Some(format!(
        "write a list in brackets: `{key}: [{}]`",
        items.join(", ")
    ))
}

/// TOML front matter as the YAML mendbook reads, for the error's help:
/// `key = value` lines become `key: value`.
fn toml_as_yaml(text: &str) -> String {
    let mut out = String::new();
    for line in text
        .lines()
        .skip(1)
        .take_while(|l| l.trim() != "+++")
        .take(20)
    {
        match line.split_once('=') {
            Some((k, v)) => out.push_str(&format!("{}: {}\n", k.trim(), v.trim())),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `# Title` as the first non-blank line: the title and the bytes it spans.
fn leading_heading(body: &str) -> Option<(String, usize)> {
    let mut consumed = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() {
            consumed += line.len();
            continue;
        }
        let rest = t.strip_prefix("# ")?;
        let title = rest.trim().trim_end_matches('#').trim().to_string();
        return (!title.is_empty()).then_some((title, consumed + line.len()));
    }
    None
}

struct Builder {
    site: Site,
    /// Which source claimed each URL, to name both files on a clash.
    url_owner: HashMap<SitePath, String>,
    drafts: Vec<SourcePath>,
    /// Content directory (source form, `/`-separated) -> its section.
    section_of_dir: BTreeMap<String, PageId>,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn reserve_generated(&mut self) {
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
    fn claim(
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
    fn unusable(&self, url: &SitePath) -> Option<String> {
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

    fn dir_url(dir: &str) -> SitePath {
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
    fn build_sections(&mut self, markdown: &[Parsed], found: &[Found]) {
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
            let id = self.site.pages.len();
            let page = match index {
                Some(p) => {
                    let mut page = page_from(p, kind, url.clone(), parent);
                    page.draft = false; // a section is never a draft
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
        self.register_aliases_from(0);
    }

    fn add_guides(&mut self, markdown: Vec<Parsed>) {
        let first_guide = self.site.pages.len();
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
            let slug = match p.fm.slug.as_deref().map(slugify).filter(|s| !s.is_empty()) {
                Some(s) => s,
                None => {
                    let s = slugify(p.src.stem());
                    if s.is_empty() {
                        "-".to_string()
                    } else {
                        s
                    }
                }
            };
            let mut url = self.site.pages[section].url.as_str().to_string();
            url.push_str(&slug);
            url.push('/');
            let url = SitePath::file(url);
            let id = self.site.pages.len();
            let owner = p.file.name.display().to_string();
            let slug_span = find_yaml_key(&p.file.text, "slug").unwrap_or(0..0);
            self.claim(&url, &owner, Target::Page(id), Some((&p.file, slug_span)));
            self.site.by_source.insert(p.src.clone(), Target::Page(id));
            let page = page_from(&p, PageKind::Guide, url, Some(section));
            self.site.pages[section].guides.push(id);
            self.site.pages.push(page);
        }
        self.register_aliases_from(first_guide);
    }

    fn register_aliases_from(&mut self, first: PageId) {
        for id in first..self.site.pages.len() {
            let aliases = self.site.pages[id].aliases.clone();
            let file = self.site.pages[id].file.clone();
            for alias in aliases {
                let owner = format!("an alias in {}", file.name.display());
                let span = find_yaml_key(&file.text, "aliases").unwrap_or(0..0);
                self.claim(&alias, &owner, Target::Generated, Some((&file, span)));
            }
        }
    }

    fn add_trees(&mut self, found: &[Found]) {
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
            let id = self.site.trees.len();
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

    fn add_assets(&mut self, found: &[Found]) {
        for f in found.iter().filter(|f| matches!(f.kind, SourceKind::Asset)) {
            let dir_url = Self::dir_url(f.src.dir());
            let url = SitePath::file(format!("{}{}", dir_url.as_str(), f.src.file_name()));
            let id = self.site.assets.len();
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

    fn sort_and_tag(&mut self) {
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

fn page_from(p: &Parsed, kind: PageKind, url: SitePath, parent: Option<PageId>) -> Page {
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
    }
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

/// Reads one markdown page of `site` again after its file changed, for a
/// live preview. Returns the new page and its front-matter problems, or
/// `None` when the change moves the page (a new slug), so the whole site must
/// be loaded again.
pub fn reread(site: &Site, id: PageId) -> Option<(Page, Vec<Diagnostic>)> {
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
    let parsed = parse_markdown_source(old.src.clone(), file);
    if old.kind == PageKind::Guide {
        let slug = parsed
            .fm
            .slug
            .as_deref()
            .map(slugify)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugify(old.src.stem()));
        let parent_url = old.parent.map(|p| site.pages[p].url.as_str()).unwrap_or("");
        if format!("{parent_url}{slug}/") != old.url.as_str() {
            return None;
        }
    }
    let mut page = page_from(&parsed, old.kind, old.url.clone(), old.parent);
    page.guides = old.guides.clone();
    page.subsections = old.subsections.clone();
    page.trees = old.trees.clone();
    if old.kind != PageKind::Guide {
        page.draft = false;
    }
    Some((page, parsed.diagnostics))
}

/// Reads one markdown page as the build does, for the fuzz targets: its
/// title, where the body starts, and its problems.
#[doc(hidden)]
pub fn parse_for_fuzzing(text: &str) -> (String, usize, Vec<Diagnostic>) {
    let file = SourceFile::new("content/a.md", normalise_text(text));
    let p = parse_markdown_source(SourcePath::new("a.md"), file);
    (p.title, p.body_start, p.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        let file = SourceFile::new("content/a.md", normalise_text(text));
        parse_markdown_source(SourcePath::new("a.md"), file)
    }

    #[test]
    fn front_matter_and_body() {
        let p = parse("---\ntitle: Hello\ntags: [a, b]\n---\nBody\n");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.title, "Hello");
        assert_eq!(&p.file.text[p.body_start..], "Body\n");
    }

    #[test]
    fn bom_and_crlf() {
        let p = parse("\u{feff}---\r\ntitle: Hello\r\n---\r\nBody\r\n");
        assert!(p.diagnostics.is_empty());
        assert_eq!(p.title, "Hello");
    }

    #[test]
    fn title_from_heading() {
        let p = parse("\n# From the heading\n\nText\n");
        assert_eq!(p.title, "From the heading");
        assert_eq!(&p.file.text[p.body_start..], "\nText\n");
    }

    #[test]
    fn unknown_field_points_at_its_line() {
        let p = parse("---\ntitle: x\ntitel: y\n---\nText.\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].position().unwrap(), "content/a.md:3:1");
        assert_eq!(
            p.diagnostics[0].help.as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn unclosed_front_matter() {
        let p = parse("---\ntitle: x\n");
        assert!(p.diagnostics[0].message.contains("never closed"));
    }

    #[test]
    fn bad_date() {
        let p = parse("---\ntitle: x\ndate: 2026-02-30\n---\n");
        assert_eq!(p.diagnostics[0].position().unwrap(), "content/a.md:3:1");
    }

    #[test]
    fn aliases() {
        assert_eq!(alias_url("/old/path").as_str(), "old/path/");
        assert_eq!(alias_url("old.html").as_str(), "old.html");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any text at all: no panic, and every diagnostic points inside the file.
            #[test]
            fn the_splitter_never_panics(text in any::<String>()) {
                let p = parse(&text);
                prop_assert!(p.body_start <= p.file.text.len());
                for d in &p.diagnostics {
                    if let Some(at) = &d.location {
                        prop_assert!(at.1.end <= p.file.text.len() + 1, "{:?}", d);
                    }
                }
            }

            /// Text shaped like front matter, with odd line endings, a BOM
            /// and stray dashes: still no panic.
            #[test]
            fn front_matter_shaped_text_never_panics(
                bom in any::<bool>(),
                lines in prop::collection::vec(
                    prop_oneof![
                        Just("---".to_string()),
                        Just("title: A".to_string()),
                        Just("tags: [a, b".to_string()),
                        Just("\tdate: 2026-01-01".to_string()),
                        "[a-z]{1,6}: [ -~]{0,12}",
                        "[ -~]{0,20}",
                    ],
                    0..12,
                ),
                ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
            ) {
                let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
                text.push_str(&lines.join(ending));
                let p = parse(&text);
                prop_assert!(p.body_start <= p.file.text.len());
            }

            /// A well-formed page round-trips: its title and its body come back.
            #[test]
            fn a_well_formed_page_round_trips(
                title in "[A-Za-z][A-Za-z0-9 ,.!?-]{0,40}",
                body in "[A-Za-z0-9 .,\n]{1,200}",
                crlf in any::<bool>(),
            ) {
                prop_assume!(!body.trim().is_empty());
                let title = title.trim().to_string();
                prop_assume!(!title.is_empty());
                let mut text = format!("---\ntitle: \"{title}\"\n---\n{body}");
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                let p = parse(&text);
                prop_assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
                prop_assert_eq!(&p.title, &title);
                prop_assert_eq!(&p.file.text[p.body_start..], body.as_str());
            }
        }
    }
}
