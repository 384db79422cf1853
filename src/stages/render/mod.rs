//! Rendering: the site model, its rendered markdown and a theme in; every
//! output file out, in memory. Pure: no disk, no network. Pages render in
//! parallel and are handed to an `emit` callback as they are ready, so a large
//! site never has to sit in memory whole.

pub mod map;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::base::diagnostics::{Diagnostic, Location, SourceFile};
use crate::base::paths::percent_encode_path;
use crate::base::paths::{OutputPath, SitePath};
use crate::base::text::html_escape;
use crate::model::config::Config;
use crate::model::reserved::ASSET_DIR;
use crate::model::site::{Page, PageId, PageKind, Site, Tag, Tree};
use crate::stages::markdown::{Highlighter, Rendered};
use crate::stages::theme::Theme;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub path: OutputPath,
    pub content: Content,
    /// For the pages search covers: the URL to index this page under.
    pub search: Option<SitePath>,
    /// The source that wants this file (a page, an alias, a key in
    /// book.toml), where a problem writing it is reported.
    pub origin: Option<Location>,
}

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Cow<'static, [u8]>),
    /// A source file copied unchanged; the output stage reads it.
    Copy(PathBuf),
}

impl OutFile {
    fn text(path: OutputPath, text: String) -> Self {
        OutFile {
            path,
            content: Content::Bytes(Cow::Owned(text.into_bytes())),
            search: None,
            origin: None,
        }
    }

    fn from(mut self, origin: Location) -> Self {
        self.origin = Some(origin);
        self
    }
}

/// What to render, one unit of parallel work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Page(PageId),
    /// One step page of a tree: (tree, step).
    TreeStep(usize, usize),
    TreeMap(usize),
    Tags,
    Tag(usize),
    NotFound,
    /// The search page, when search is on.
    Search,
}

/// Values shared by every page, converted to Tera values once.
struct Shared {
    config: Value,
    description: Value,
    base_url: Option<crate::model::config::BaseUrl>,
    site: Value,
    /// Per page, as a map (to extend) and as a value (to share).
    summary_maps: Vec<BTreeMap<&'static str, Value>>,
    summaries: Vec<Value>,
    tree_summaries: Vec<Value>,
    /// Per page: the trees whose outcomes link to it.
    linking_trees: Vec<Vec<usize>>,
    tag_summaries: Vec<Value>,
    search: bool,
}

macro_rules! map {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
        $( m.insert($k, Value::from($v)); )*
        m
    }};
}

macro_rules! obj {
    ($($k:expr => $v:expr),* $(,)?) => {{
        let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
        $( m.insert($k, Value::from($v)); )*
        Value::from(m)
    }};
}

fn opt_str(s: &Option<String>) -> Value {
    match s {
        Some(s) => Value::from(s.as_str()),
        None => Value::none(),
    }
}

fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

fn tag_refs(site: &Site, page: &Page) -> Value {
    let tags: Vec<Value> = page
        .tags
        .iter()
        .filter_map(|name| site.tag_by_name(name))
        .map(|t| obj! { "name" => t.name.as_str(), "url" => t.url.as_str() })
        .collect();
    Value::from(tags)
}

fn page_summary(site: &Site, page: &Page, rendered: &Rendered) -> BTreeMap<&'static str, Value> {
    let kind = match page.kind {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Guide => "guide",
    };
    map! {
        "title" => page.title.as_str(),
        "description" => opt_str(&page.description),
        "url" => page.url.as_str(),
        "kind" => kind,
        "date" => page.date.map(|d| d.human()),
        "date_iso" => page.date.map(|d| d.iso()),
        "updated" => page.updated.map(|d| d.human()),
        "updated_iso" => page.updated.map(|d| d.iso()),
        "authors" => page.authors.clone(),
        "tags" => tag_refs(site, page),
        "reading_time" => reading_time(rendered.words),
        "draft" => page.draft,
        "weight" => page.weight,
    }
}

fn tree_summary(tree: &Tree) -> Value {
    obj! {
        "title" => tree.title.as_str(),
        "description" => opt_str(&tree.description),
        "url" => tree.url.as_str(),
        "kind" => "tree",
    }
}

fn tag_summary(tag: &Tag) -> Value {
    obj! {
        "name" => tag.name.as_str(),
        "url" => tag.url.as_str(),
        "count" => tag.pages.len(),
    }
}

fn config_value(config: &Config) -> Value {
    obj! {
        "title" => config.title.as_str(),
        "description" => opt_str(&config.description),
        "authors" => config.authors.clone(),
        "language" => config.language.as_str(),
        "base_url" => config.base_url.as_ref().map(|b| b.absolute(&SitePath::root())),
        "extra" => Value::from_serializable(&config.extra),
    }
}

impl Shared {
    fn new(site: &Site, rendered: &[Rendered]) -> Shared {
        let summary_maps: Vec<BTreeMap<&'static str, Value>> = site
            .pages
            .iter()
            .zip(rendered)
            .map(|(p, r)| page_summary(site, p, r))
            .collect();
        let summaries: Vec<Value> = summary_maps
            .iter()
            .map(|m| Value::from(m.clone()))
            .collect();
        let tree_summaries: Vec<Value> = site.trees.iter().map(tree_summary).collect();
        let tag_summaries: Vec<Value> = site.tags.iter().map(tag_summary).collect();
        let home = &site.pages[Site::HOME];
        let sections: Vec<Value> = home
            .subsections
            .iter()
            .map(|&s| summaries[s].clone())
            .collect();
        let site_value = obj! {
            "sections" => sections,
            "trees" => tree_summaries.clone(),
            "tags" => tag_summaries.clone(),
        };
        let mut linking_trees = vec![Vec::new(); site.pages.len()];
        for (t, tree) in site.trees.iter().enumerate() {
            let Some(model) = &tree.model else { continue };
            let links = crate::stages::links::PageLinks::new(
                site, &tree.src, &tree.url, None, &tree.file, 0,
            );
            for node in &model.nodes {
                if let crate::model::tree::Kind::Outcome { guides, .. } = &node.kind {
                    for g in guides {
                        if let Some((_, crate::model::site::Target::Page(p), _)) =
                            links.target(&g.path, g.span.clone())
                        {
                            if !linking_trees[p].contains(&t) {
                                linking_trees[p].push(t);
                            }
                        }
                    }
                }
            }
        }
        Shared {
            linking_trees,
            config: config_value(&site.config),
            description: opt_str(&site.config.description),
            base_url: site.config.base_url.clone(),
            site: site_value,
            summary_maps,
            summaries,
            tree_summaries,
            tag_summaries,
            search: site.config.search,
        }
    }

    fn base_context(&self, kind: &str, root: &str, url: &SitePath, title: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("description", self.description.clone());
        ctx.insert_value(
            "canonical",
            match &self.base_url {
                Some(b) => Value::from(b.absolute(url)),
                None => Value::none(),
            },
        );
        ctx.insert_value("config", self.config.clone());
        ctx.insert_value("site", self.site.clone());
        ctx.insert("root", root);
        ctx.insert("current_url", url.as_str());
        ctx.insert("kind", kind);
        ctx.insert("title", title);
        ctx.insert("assets", &format!("{root}{ASSET_DIR}/"));
        ctx.insert("mendbook_version", env!("CARGO_PKG_VERSION"));
        // Where the search box sends its query; none when search is off.
        ctx.insert_value(
            "search_url",
            match self.search {
                true => Value::from(format!(
                    "{root}{}",
                    crate::model::reserved::search_page().as_str()
                )),
                false => Value::none(),
            },
        );
        ctx.insert_value("breadcrumbs", Value::from(Vec::<Value>::new()));
        ctx
    }
}

/// Renders every page and generated file of the site, handing each to `emit`.
/// Returns the template errors (each reported once).
pub fn render_site(
    site: &Site,
    rendered: &[Rendered],
    theme: &Theme,
    emit: &(dyn Fn(OutFile) + Sync),
) -> Vec<Diagnostic> {
    let renderer = Renderer::new(site, rendered, theme);
    let errors = renderer.render_jobs(&renderer.jobs(), emit);
    for file in renderer.generated_files() {
        emit(file);
    }
    errors
}

/// Renders pages of one site; holds what every page shares, so a live
/// preview can re-render a few pages without redoing the rest.
pub struct Renderer<'a> {
    site: &'a Site,
    rendered: &'a [Rendered],
    theme: &'a Theme,
    shared: Shared,
    highlighter: Highlighter,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, rendered: &'a [Rendered], theme: &'a Theme) -> Self {
        Renderer {
            site,
            rendered,
            theme,
            shared: Shared::new(site, rendered),
            highlighter: Highlighter::new(),
        }
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
        for (t, tree) in site.trees.iter().enumerate() {
            jobs.extend((0..tree.steps.len()).map(|s| Job::TreeStep(t, s)));
            if !tree.steps.is_empty() {
                jobs.push(Job::TreeMap(t));
            }
        }
        if !site.tags.is_empty() {
            jobs.push(Job::Tags);
            jobs.extend((0..site.tags.len()).map(Job::Tag));
        }
        jobs.push(Job::NotFound);
        if site.config.search {
            jobs.push(Job::Search);
        }
        jobs
    }

    /// Renders `jobs` in parallel, handing each page to `emit`. Returns the
    /// template errors, each once.
    pub fn render_jobs(&self, jobs: &[Job], emit: &(dyn Fn(OutFile) + Sync)) -> Vec<Diagnostic> {
        let errors: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
        jobs.par_iter().for_each(|job| match self.render(*job) {
            Ok(file) => emit(file),
            Err(d) => {
                let mut errs = errors.lock().unwrap_or_else(|e| e.into_inner());
                // The same template mistake fails every page that uses it; say it once.
                if !errs
                    .iter()
                    .any(|x| x.message == d.message && x.position() == d.position())
                {
                    errs.push(d);
                }
            }
        });
        errors.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    pub fn render(&self, job: Job) -> Result<OutFile, Diagnostic> {
        render_job(
            self.site,
            self.rendered,
            self.theme,
            &self.shared,
            &self.highlighter,
            job,
        )
        .map_err(|e| self.theme.error(&e))
    }

    /// Static theme files, assets, redirects, sitemap and the like.
    pub fn generated_files(&self) -> Vec<OutFile> {
        generated_files(self.site, self.theme)
    }
}

/// The pages that show a guide's summary (its reading time, say), besides
/// the guide itself: its section, the home page, its neighbours and tags.
pub fn dependents(site: &Site, id: PageId) -> Vec<Job> {
    let mut jobs = Vec::new();
    let page = &site.pages[id];
    if let Some(parent) = page.parent {
        jobs.push(Job::Page(parent));
        if let Some(grand) = site.pages[parent].parent {
            jobs.push(Job::Page(grand));
        }
    }
    jobs.push(Job::Page(Site::HOME));
    let (prev, next) = site.neighbours(id);
    jobs.extend(prev.into_iter().chain(next).map(Job::Page));
    for (i, tag) in site.tags.iter().enumerate() {
        if tag.pages.contains(&id) {
            jobs.push(Job::Tag(i));
        }
    }
    jobs.sort();
    jobs.dedup();
    jobs.retain(|j| *j != Job::Page(id));
    jobs
}

fn render_job(
    site: &Site,
    rendered: &[Rendered],
    theme: &Theme,
    shared: &Shared,
    highlighter: &Highlighter,
    job: Job,
) -> Result<OutFile, tera::Error> {
    let (template, url, ctx) = match job {
        Job::Page(id) => page_context(site, rendered, shared, id),
        Job::TreeStep(t, step) => tree_step_context(site, shared, highlighter, t, step),
        Job::TreeMap(t) => tree_map_context(site, shared, t),
        Job::Tags => {
            let url = SitePath::page(["tags"]);
            let mut ctx = shared.base_context("tags", &url.root_prefix(), &url, "Tags");
            ctx.insert_value("tags", Value::from(shared.tag_summaries.clone()));
            ctx.insert_value("breadcrumbs", breadcrumbs(site, shared, Site::HOME, true));
            ("tags.html", url, ctx)
        }
        Job::Tag(i) => {
            let tag = &site.tags[i];
            let title = format!("Tagged “{}”", tag.name);
            let mut ctx = shared.base_context("tag", &tag.url.root_prefix(), &tag.url, &title);
            let guides: Vec<Value> = tag
                .pages
                .iter()
                .map(|&p| shared.summaries[p].clone())
                .collect();
            let mut t = BTreeMap::new();
            t.insert("name", Value::from(tag.name.as_str()));
            t.insert("url", Value::from(tag.url.as_str()));
            t.insert("guides", Value::from(guides));
            ctx.insert_value("tag", Value::from(t));
            let mut crumbs = breadcrumbs(site, shared, Site::HOME, true)
                .as_array()
                .map(<[Value]>::to_vec)
                .unwrap_or_default();
            crumbs.push(obj! { "title" => "Tags", "url" => "tags/" });
            ctx.insert_value("breadcrumbs", Value::from(crumbs));
            ("tag.html", tag.url.clone(), ctx)
        }
        Job::NotFound => {
            // The 404 page is served at any depth, so its links start at the
            // site's absolute prefix instead of a relative one.
            let prefix = site
                .config
                .base_url
                .as_ref()
                .map(|b| b.encoded_prefix())
                .unwrap_or_else(|| "/".to_string());
            let url = SitePath::file("404.html");
            let mut ctx = shared.base_context("404", &prefix, &url, "Page not found");
            ctx.insert_value("canonical", Value::none());
            ("404.html", url, ctx)
        }
        Job::Search => {
            let url = crate::model::reserved::search_page();
            let mut ctx = shared.base_context("search", &url.root_prefix(), &url, "Search");
            ctx.insert_value("breadcrumbs", breadcrumbs(site, shared, Site::HOME, true));
            ctx.insert_value("canonical", Value::none());
            ("search.html", url, ctx)
        }
    };
    let html = theme.tera.render(template, &ctx)?;
    let mut file = OutFile::text(url.output_path(), html);
    file.origin = origin(site, job);
    if searched(site, job) {
        file.search = Some(url);
    }
    Ok(file)
}

/// The source a page comes from, for problems writing it.
fn origin(site: &Site, job: Job) -> Option<Location> {
    let config = &site.config;
    match job {
        Job::Page(id) => {
            let page = &site.pages[id];
            (!page.implicit).then(|| (page.file.clone(), 0..0))
        }
        Job::TreeStep(t, _) | Job::TreeMap(t) => Some((site.trees[t].file.clone(), 0..0)),
        Job::Tag(i) => site.tags[i].pages.first().map(|&p| {
            let file = &site.pages[p].file;
            let span = crate::base::text::find_yaml_key(&file.text, "tags").unwrap_or(0..0);
            (file.clone(), span)
        }),
        Job::Tags | Job::NotFound => Some(config.located("title")),
        Job::Search => Some(config.located("search")),
    }
}

/// Whether search covers the page `job` renders: guides, the first step of
/// each tree, and each outcome once (at the first path that reaches it).
/// Other steps repeat their tree's questions and would crowd the results.
pub fn searched(site: &Site, job: Job) -> bool {
    if !site.config.search {
        return false;
    }
    match job {
        Job::Page(id) => site.pages[id].kind == PageKind::Guide,
        Job::TreeStep(_, 0) => true,
        Job::TreeStep(t, s) => {
            let tree = &site.trees[t];
            let node = tree.steps[s].node;
            let is_outcome = tree.model.as_ref().is_some_and(|m| {
                matches!(m.nodes[node].kind, crate::model::tree::Kind::Outcome { .. })
            });
            is_outcome && tree.steps.iter().position(|st| st.node == node) == Some(s)
        }
        _ => false,
    }
}

fn breadcrumbs(site: &Site, shared: &Shared, id: PageId, include_self: bool) -> Value {
    let mut chain = site.ancestors(id);
    if include_self {
        chain.push(id);
    }
    Value::from(
        chain
            .into_iter()
            .map(|p| shared.summaries[p].clone())
            .collect::<Vec<_>>(),
    )
}

fn page_context(
    site: &Site,
    rendered: &[Rendered],
    shared: &Shared,
    id: PageId,
) -> (&'static str, SitePath, Context) {
    let page = &site.pages[id];
    let r = &rendered[id];
    let root = page.url.root_prefix();
    let kind = match page.kind {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Guide => "guide",
    };
    let title = if page.kind == PageKind::Home {
        site.config.title.clone()
    } else {
        page.title.clone()
    };
    let mut ctx = shared.base_context(kind, &root, &page.url, &title);
    ctx.insert_value("breadcrumbs", breadcrumbs(site, shared, id, false));
    if page.description.is_some() {
        ctx.insert_value("description", opt_str(&page.description));
    }

    let mut full = shared.summary_maps[id].clone();
    full.insert("content", Value::safe_string(&r.html));
    full.insert("words", Value::from(r.words));
    full.insert("toc", Value::from_serializable(&r.toc));
    full.insert("extra", Value::from_serializable(&page.extra));

    let template = match page.kind {
        PageKind::Guide => {
            let (prev, next) = site.neighbours(id);
            let link = |p: Option<PageId>| {
                p.map(|p| shared.summaries[p].clone())
                    .unwrap_or_else(Value::none)
            };
            let trees: Vec<Value> = shared.linking_trees[id]
                .iter()
                .map(|&t| shared.tree_summaries[t].clone())
                .collect();
            full.insert("trees", Value::from(trees));
            full.insert("prev", link(prev));
            full.insert("next", link(next));
            full.insert("section", link(page.parent));
            ctx.insert_value("page", Value::from(full));
            "page.html"
        }
        PageKind::Home | PageKind::Section => {
            let guides: Vec<Value> = page
                .guides
                .iter()
                .map(|&g| shared.summaries[g].clone())
                .collect();
            let subsections: Vec<Value> = page
                .subsections
                .iter()
                .map(|&s| {
                    let mut m = shared.summary_maps[s].clone();
                    let g: Vec<Value> = site.pages[s]
                        .guides
                        .iter()
                        .map(|&g| shared.summaries[g].clone())
                        .collect();
                    m.insert("guides", Value::from(g));
                    let t: Vec<Value> = site.pages[s]
                        .trees
                        .iter()
                        .map(|&t| shared.tree_summaries[t].clone())
                        .collect();
                    m.insert("trees", Value::from(t));
                    Value::from(m)
                })
                .collect();
            let trees: Vec<Value> = page
                .trees
                .iter()
                .map(|&t| shared.tree_summaries[t].clone())
                .collect();
            full.insert("guides", Value::from(guides));
            full.insert("subsections", Value::from(subsections));
            full.insert("trees", Value::from(trees));
            ctx.insert_value("section", Value::from(full));
            if page.kind == PageKind::Home {
                "index.html"
            } else {
                "section.html"
            }
        }
    };
    (template, page.url.clone(), ctx)
}

fn tree_value(tree: &crate::model::site::Tree) -> BTreeMap<&'static str, Value> {
    map! {
        "title" => tree.title.as_str(),
        "description" => opt_str(&tree.description),
        "url" => tree.url.as_str(),
        "map_url" => tree.map_url().as_str(),
    }
}

/// Markdown from a tree (a hint, a body, a step), with links relative to `at`.
fn tree_markdown(
    site: &Site,
    tree: &crate::model::site::Tree,
    at: &SitePath,
    text: &str,
    highlighter: &Highlighter,
) -> Value {
    let links = crate::stages::links::PageLinks::new(site, &tree.src, at, None, &tree.file, 0);
    Value::safe_string(&crate::stages::markdown::render(text, &links, highlighter).html)
}

fn tree_step_context(
    site: &Site,
    shared: &Shared,
    highlighter: &Highlighter,
    t: usize,
    s: usize,
) -> (&'static str, SitePath, Context) {
    use crate::model::tree::Kind;
    let tree = &site.trees[t];
    let model = tree
        .model
        .as_ref()
        .expect("steps exist only for parsed trees");
    let step = &tree.steps[s];
    let node = &model.nodes[step.node];
    let url = tree.step_url(step);
    let rel = |target: &SitePath| Value::from(percent_encode_path(&url.relative_to(target)));
    let md = |text: &Option<String>| match text {
        Some(t) => tree_markdown(site, tree, &url, t, highlighter),
        None => Value::none(),
    };
    let heading = node.heading().to_string();
    let title = format!("{heading} · {}", tree.title);
    let mut ctx = shared.base_context("tree-step", &url.root_prefix(), &url, &title);
    if tree.description.is_some() {
        ctx.insert_value("description", opt_str(&tree.description));
    }
    if s != 0 {
        ctx.insert_value("canonical", Value::none());
    }
    ctx.insert_value("breadcrumbs", breadcrumbs(site, shared, tree.section, true));

    let answers: Vec<Value> = step
        .answers
        .iter()
        .map(|a| {
            let q = &model.nodes[a.question];
            let label = match &q.kind {
                Kind::Question { options, .. } => options[a.option].label.as_str(),
                _ => "",
            };
            obj! {
                "question" => q.heading(),
                "answer" => Value::safe_string(&crate::stages::markdown::inline_html(label, None)),
                "change_url" => rel(&tree.step_url(&tree.steps[a.step])),
            }
        })
        .collect();

    let mut v = map! {
        "id" => node.id.as_str(),
        "kind" => node.type_name(),
        "heading" => heading.as_str(),
        "hint" => md(&node.hint),
        "body" => md(&node.body),
        "is_first" => s == 0,
        "number" => step.answers.len() + 1,
        "max" => step.max_questions,
        "min" => step.min_questions,
        "start_url" => rel(&tree.url),
        "map_url" => rel(&tree.map_url()),
        "back_url" => step.parent.map(|p| rel(&tree.step_url(&tree.steps[p]))),
        "answers" => answers,
        "url" => url.as_str(),
    };
    match &node.kind {
        Kind::Question { options, .. } => {
            let opts: Vec<Value> = options
                .iter()
                .zip(&step.children)
                .map(|(o, &c)| {
                    obj! {
                        "id" => o.id.as_str(),
                        "label" => Value::safe_string(&crate::stages::markdown::inline_html(&o.label, None)),
                        // Inside the option's link, so inline only.
                        "hint" => o.hint.as_deref().map(|h| Value::safe_string(&crate::stages::markdown::inline_html(h, None))),
                        "url" => rel(&tree.step_url(&tree.steps[c])),
                    }
                })
                .collect();
            v.insert("options", Value::from(opts));
        }
        Kind::Info { .. } => {
            let next = step
                .children
                .first()
                .map(|&c| rel(&tree.step_url(&tree.steps[c])));
            v.insert("continue_url", next.unwrap_or_else(Value::none));
        }
        Kind::Outcome { steps, guides } => {
            let items: Vec<Value> = steps
                .iter()
                .map(|(text, _)| {
                    let links = crate::stages::links::PageLinks::new(
                        site, &tree.src, &url, None, &tree.file, 0,
                    );
                    Value::safe_string(&crate::stages::markdown::inline_html(text, Some(&links)))
                })
                .collect();
            v.insert("steps", Value::from(items));
            let links =
                crate::stages::links::PageLinks::new(site, &tree.src, &url, None, &tree.file, 0);
            let gs: Vec<Value> = guides
                .iter()
                .filter_map(|g| {
                    let (target_url, target, anchor) = links.target(&g.path, g.span.clone())?;
                    let (title, description) = match target {
                        crate::model::site::Target::Page(id) => (
                            site.pages[id].title.clone(),
                            site.pages[id].description.clone(),
                        ),
                        crate::model::site::Target::Tree(id) => (
                            site.trees[id].title.clone(),
                            site.trees[id].description.clone(),
                        ),
                        _ => (g.path.clone(), None),
                    };
                    let mut href = percent_encode_path(&url.relative_to(&target_url));
                    if !anchor.is_empty() {
                        href.push('#');
                        href.push_str(&anchor);
                    }
                    Some(obj! {
                        "title" => g.label.clone().unwrap_or(title),
                        "description" => opt_str(&description),
                        "url" => href,
                    })
                })
                .collect();
            v.insert("guides", Value::from(gs));
        }
    }
    let mut tv = tree_value(tree);
    tv.insert("step_count", Value::from(tree.steps.len()));
    ctx.insert_value("tree", Value::from(tv));
    ctx.insert_value("step", Value::from(v));
    ("tree-step.html", url, ctx)
}

fn tree_map_context(site: &Site, shared: &Shared, t: usize) -> (&'static str, SitePath, Context) {
    let tree = &site.trees[t];
    let model = tree
        .model
        .as_ref()
        .expect("maps exist only for parsed trees");
    let url = tree.map_url();
    // Each node links to the first step page that reaches it.
    let mut first_step: Vec<Option<usize>> = vec![None; model.nodes.len()];
    for (i, step) in tree.steps.iter().enumerate() {
        first_step[step.node].get_or_insert(i);
    }
    let href = |n: usize| {
        first_step[n].map(|s| percent_encode_path(&url.relative_to(&tree.step_url(&tree.steps[s]))))
    };
    let svg = crate::stages::render::map::svg(model, &href);
    let edges = crate::stages::render::map::edges(model);
    let nodes: Vec<Value> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let out: Vec<Value> = edges
                .iter()
                .filter(|e| e.from == i)
                .map(|e| {
                    obj! {
                        "labels" => e.labels.clone(),
                        "to_id" => model.nodes[e.to].id.as_str(),
                        "to_heading" => model.nodes[e.to].heading(),
                    }
                })
                .collect();
            obj! {
                "id" => n.id.as_str(),
                "kind" => n.type_name(),
                "heading" => n.heading(),
                "url" => href(i),
                "edges" => out,
            }
        })
        .collect();
    let title = format!("Map of “{}”", tree.title);
    let mut ctx = shared.base_context("tree-map", &url.root_prefix(), &url, &title);
    ctx.insert_value("breadcrumbs", breadcrumbs(site, shared, tree.section, true));
    let mut tv = tree_value(tree);
    tv.insert("step_count", Value::from(tree.steps.len()));
    ctx.insert_value("tree", Value::from(tv));
    ctx.insert_value(
        "map",
        obj! {
            "svg" => Value::safe_string(&svg),
            "nodes" => nodes,
            "start_url" => percent_encode_path(&url.relative_to(&tree.url)),
        },
    );
    ("tree-map.html", url, ctx)
}

/// Files every site gets besides its pages: static theme files, the
/// highlighting stylesheet, content assets, aliases, sitemap, robots.txt,
/// `.nojekyll` and CNAME.
fn generated_files(site: &Site, theme: &Theme) -> Vec<OutFile> {
    let config = &site.config;
    let mut files = Vec::new();
    let theme_key = config.located("theme");
    for (name, bytes) in &theme.static_files {
        files.push(OutFile {
            path: OutputPath::new(name.clone()),
            content: Content::Bytes(bytes.clone()),
            search: None,
            origin: Some(theme_key.clone()),
        });
    }
    files.push(
        OutFile::text(
            OutputPath::new(format!("{ASSET_DIR}/syntax.css")),
            Highlighter::stylesheet(),
        )
        .from(theme_key),
    );
    for asset in &site.assets {
        let shown = config.shown(&asset.src);
        files.push(OutFile {
            path: asset.url.output_path(),
            content: Content::Copy(asset.disk.clone()),
            search: None,
            origin: Some((SourceFile::new(shown, ""), 0..0)),
        });
    }
    for page in &site.pages {
        let span = crate::base::text::find_yaml_key(&page.file.text, "aliases").unwrap_or(0..0);
        for alias in &page.aliases {
            files.push(
                OutFile::text(
                    alias.output_path(),
                    redirect_page(config, alias, &page.url, &page.title),
                )
                .from((page.file.clone(), span.clone())),
            );
        }
    }
    let book = config.located("title");
    files.push(OutFile::text(OutputPath::new(".nojekyll"), String::new()).from(book.clone()));
    if let Some(cname) = &config.cname {
        files.push(
            OutFile::text(OutputPath::new("CNAME"), format!("{}\n", cname.trim()))
                .from(config.located("cname")),
        );
    }
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &config.base_url {
        robots.push_str(&format!(
            "Sitemap: {}\n",
            base.absolute(&SitePath::file("sitemap.xml"))
        ));
        files.push(
            OutFile::text(OutputPath::new("sitemap.xml"), sitemap(site))
                .from(config.located("base-url")),
        );
    }
    files.push(OutFile::text(OutputPath::new("robots.txt"), robots).from(book));
    files
}

fn redirect_page(config: &Config, from: &SitePath, to: &SitePath, title: &str) -> String {
    let rel = html_escape(&percent_encode_path(&from.relative_to(to)));
    let canonical = match &config.base_url {
        Some(b) => html_escape(&b.absolute(to)),
        None => rel.clone(),
    };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting to {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={rel}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{rel}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = html_escape(&config.language),
        title = html_escape(title),
    )
}

fn sitemap(site: &Site) -> String {
    let Some(base) = &site.config.base_url else {
        return String::new();
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |url: &SitePath, lastmod: Option<String>| {
        out.push_str("  <url><loc>");
        out.push_str(&html_escape(&base.absolute(url)));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    };
    for page in &site.pages {
        entry(&page.url, page.updated.or(page.date).map(|d| d.iso()));
    }
    // A tree's later steps are not indexed; its first page and map are.
    for tree in site.trees.iter().filter(|t| !t.steps.is_empty()) {
        entry(&tree.url, None);
        entry(&tree.map_url(), None);
    }
    if !site.tags.is_empty() {
        entry(&SitePath::page(["tags"]), None);
        for tag in &site.tags {
            entry(&tag.url, None);
        }
    }
    out.push_str("</urlset>\n");
    out
}
