//! Rendering: the site model, its rendered markdown and a theme in; every
//! output file out, in memory. Pure: no disk, no network. Pages render in
//! parallel and are handed to an `emit` callback as they are ready, so a
//! large site never has to sit in memory whole.
//!
//! What templates are given is typed in [`context`]; [`pages`] builds the
//! site's own pages, [`trees`] the decision-tree pages, [`files`] everything
//! else.

pub(crate) mod context;
mod feed;
mod files;
pub(crate) mod map;
mod pages;
mod shared;
mod trees;

use std::sync::Mutex;

use rayon::prelude::*;

use crate::base::artifact::Artifact;
use crate::base::diagnostics::{Diagnostic, Location};
use crate::base::paths::SitePath;
use crate::model::site::{PageId, PageKind, PerPage, Site, TagId, TreeId};
use crate::model::tree::Kind;
use crate::stages::links::PageMarkdown;
use crate::stages::markdown::Highlighter;
use crate::stages::search::Shards;
use crate::stages::theme::Theme;
use pages::Prepared;
use shared::Shared;

pub(crate) use shared::reading_time;

/// What to render, one unit of parallel work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Job {
    /// A guide, or the first page of a section or the home page.
    Page(PageId),
    /// Page N (2 or more) of a section's or the home page's guides.
    SectionPage(PageId, usize),
    /// One step page of a tree: the tree, and the step's index in its
    /// unfolded steps.
    TreeStep(TreeId, usize),
    TreeMap(TreeId),
    Tags,
    /// The first page of a tag's guides.
    Tag(TagId),
    /// Page N (2 or more) of a tag's guides.
    TagPage(TagId, usize),
    NotFound,
    /// The search page, when search is on.
    Search,
}

/// Renders pages of one site; holds what every page shares, so a live
/// preview can re-render a few pages without redoing the rest.
pub(crate) struct Renderer<'a> {
    site: &'a Site,
    pages: &'a PerPage<PageMarkdown>,
    theme: &'a Theme,
    shared: Shared,
    highlighter: Highlighter,
    /// Per tree, per node: the first step that reaches it (search indexes
    /// each outcome there, once).
    first_steps: Vec<Vec<Option<usize>>>,
    /// How the pages search covers split into index shards.
    shards: Shards,
    /// The shard whose bundle has pagefind's scripts.
    primary: usize,
    /// The folders of the other shards that hold pages, for the search
    /// page to merge (an empty shard has no index to merge).
    merged: Vec<String>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, pages: &'a PerPage<PageMarkdown>, theme: &'a Theme) -> Self {
        let first_steps = site
            .trees
            .iter()
            .map(|tree| {
                let nodes = tree.model.as_ref().map_or(0, |m| m.nodes.len());
                let mut first = vec![None; nodes];
                for (i, step) in tree.steps.iter().enumerate() {
                    first[step.node].get_or_insert(i);
                }
                first
            })
            .collect();
        let mut renderer = Renderer {
            site,
            pages,
            theme,
            shared: Shared::new(site, pages, &theme.translations),
            highlighter: Highlighter::new(),
            first_steps,
            shards: Shards::for_pages(0, 1),
            primary: 0,
            merged: Vec::new(),
        };
        let searched = renderer
            .jobs()
            .into_iter()
            .filter(|j| renderer.searched(*j))
            .count();
        renderer.shards = Shards::for_pages(searched, site.config.search_shard_size);
        let (by_shard, _) = renderer.jobs_by_shard();
        let sizes: Vec<usize> = by_shard.iter().map(Vec::len).collect();
        renderer.primary = Shards::primary(&sizes);
        renderer.merged = (0..sizes.len())
            .filter(|s| sizes[*s] > 0 && *s != renderer.primary)
            .map(Shards::dir)
            .collect();
        renderer
    }

    /// How the pages search covers split into index shards.
    pub(crate) fn shards(&self) -> Shards {
        self.shards
    }

    /// The shard whose bundle has pagefind's scripts.
    pub(crate) fn primary_shard(&self) -> usize {
        self.primary
    }

    /// Every page of the site.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let site = self.site;
        let mut jobs: Vec<Job> = (0..site.pages.len())
            .map(|p| Job::Page(PageId(p)))
            .collect();
        for (p, page) in site.pages.iter().enumerate() {
            let more = 2..=page.listing().pages();
            jobs.extend(more.map(|n| Job::SectionPage(PageId(p), n)));
        }
        for (t, tree) in site.trees.iter().enumerate() {
            let t = TreeId(t);
            jobs.extend((0..tree.steps.len()).map(|s| Job::TreeStep(t, s)));
            if !tree.steps.is_empty() {
                jobs.push(Job::TreeMap(t));
            }
        }
        if !site.tags.is_empty() {
            jobs.push(Job::Tags);
            jobs.extend((0..site.tags.len()).map(|i| Job::Tag(TagId(i))));
            for (i, tag) in site.tags.iter().enumerate() {
                let more = 2..=tag.listing(site.config.paginate_by).pages();
                jobs.extend(more.map(|n| Job::TagPage(TagId(i), n)));
            }
        }
        jobs.push(Job::NotFound);
        if site.config.search {
            jobs.push(Job::Search);
        }
        jobs
    }

    /// The jobs of every page search covers, by the shard it belongs to,
    /// and the other jobs.
    pub(crate) fn jobs_by_shard(&self) -> (Vec<Vec<Job>>, Vec<Job>) {
        let mut by_shard = vec![Vec::new(); self.shards.count()];
        let mut rest = Vec::new();
        for job in self.jobs() {
            match self.url_of(job).filter(|_| self.searched(job)) {
                Some(url) => by_shard[self.shards.of(&url)].push(job),
                None => rest.push(job),
            }
        }
        (by_shard, rest)
    }

    /// The URL of a page or tree step, without rendering it.
    fn url_of(&self, job: Job) -> Option<SitePath> {
        match job {
            Job::Page(id) => Some(self.site.pages[id].url.clone()),
            Job::TreeStep(t, s) => {
                let tree = &self.site.trees[t];
                Some(tree.step_url(&tree.steps[s]))
            }
            _ => None,
        }
    }

    /// Renders every page and generated file, handing each to `emit`.
    /// Returns the template errors, each once.
    pub(crate) fn render_all(&self, emit: &(dyn Fn(Artifact) + Sync)) -> Vec<Diagnostic> {
        let errors = self.render_jobs(&self.jobs(), emit);
        for file in self.generated_files() {
            emit(file);
        }
        errors
    }

    /// Renders `jobs` in parallel, handing each page to `emit`. Returns the
    /// template errors, each once.
    pub(crate) fn render_jobs(
        &self,
        jobs: &[Job],
        emit: &(dyn Fn(Artifact) + Sync),
    ) -> Vec<Diagnostic> {
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

    /// One page's template, URL and context.
    fn prepare(&self, job: Job) -> Prepared {
        let (site, shared) = (self.site, &self.shared);
        match job {
            Job::Page(id) => pages::page(site, self.pages, shared, id, 1),
            Job::SectionPage(id, n) => pages::page(site, self.pages, shared, id, n),
            Job::TreeStep(t, s) => trees::step(site, shared, &self.highlighter, t, s),
            Job::TreeMap(t) => trees::map(site, shared, t),
            Job::Tags => pages::tags(site, shared),
            Job::Tag(i) => pages::tag(site, shared, i, 1),
            Job::TagPage(i, n) => pages::tag(site, shared, i, n),
            Job::NotFound => pages::not_found(site, shared),
            Job::Search => pages::search(site, shared, self.primary, &self.merged),
        }
    }

    /// Renders one page.
    pub(crate) fn render(&self, job: Job) -> Result<Artifact, Diagnostic> {
        let site = self.site;
        let (template, url, ctx) = self.prepare(job);
        let html = self
            .theme
            .tera
            .render(template, &ctx)
            .map_err(|e| self.theme.error(&e))?;
        let mut file = Artifact::text(url.output_path(), html);
        file.origin = origin(site, job);
        if self.searched(job) {
            file.search = Some(url);
        }
        Ok(file)
    }

    /// The template and context of one page, for the test that holds the
    /// README's template reference to them.
    #[cfg(test)]
    pub(crate) fn prepared(&self, job: Job) -> (&'static str, tera::Context) {
        let (template, _, ctx) = self.prepare(job);
        (template, ctx)
    }

    /// Static theme files, assets, redirects, sitemap and the like.
    pub(crate) fn generated_files(&self) -> Vec<Artifact> {
        files::generated_files(self.site, self.theme)
    }

    /// Whether search covers the page `job` renders: guides, the first step
    /// of each tree, and each outcome once (at the first path that reaches
    /// it). Other steps repeat their tree's questions and would crowd the
    /// results.
    pub(crate) fn searched(&self, job: Job) -> bool {
        let site = self.site;
        if !site.config.search {
            return false;
        }
        match job {
            Job::Page(id) => site.pages[id].kind == PageKind::Guide,
            Job::TreeStep(_, 0) => true,
            Job::TreeStep(t, s) => {
                let tree = &site.trees[t];
                let node = tree.steps[s].node;
                let is_outcome = tree
                    .model
                    .as_ref()
                    .is_some_and(|m| matches!(m.nodes[node].kind, Kind::Outcome { .. }));
                is_outcome && self.first_steps[t.0][node] == Some(s)
            }
            _ => false,
        }
    }
}

/// The source a page comes from, for problems writing it.
fn origin(site: &Site, job: Job) -> Option<Location> {
    let config = &site.config;
    match job {
        Job::Page(id) | Job::SectionPage(id, _) => {
            let page = &site.pages[id];
            (!page.implicit).then(|| (page.file.clone(), 0..0))
        }
        Job::TreeStep(t, _) | Job::TreeMap(t) => Some((site.trees[t].file.clone(), 0..0)),
        Job::Tag(i) | Job::TagPage(i, _) => site.tags[i].pages.first().map(|&p| {
            let file = &site.pages[p].file;
            let span = crate::base::text::find_yaml_key(&file.text, "tags").unwrap_or(0..0);
            (file.clone(), span)
        }),
        Job::Tags | Job::NotFound => Some(config.located("title")),
        Job::Search => Some(config.located("search")),
    }
}

/// The pages that show a guide's summary (its reading time, say), besides
/// the guide itself: its section, the home page, its neighbours and tags.
pub(crate) fn dependents(site: &Site, id: PageId) -> Vec<Job> {
    let mut jobs = Vec::new();
    let page = &site.pages[id];
    if let Some(parent) = page.parent {
        let section = &site.pages[parent];
        let i = site.guide_index(id).unwrap_or(0);
        let n = section.listing().page_of(i);
        jobs.push(match n {
            1 => Job::Page(parent),
            n => Job::SectionPage(parent, n),
        });
        // The section above lists this one's first page of guides.
        if let Some(grand) = section.parent.filter(|_| n == 1) {
            jobs.push(Job::Page(grand));
        }
    }
    jobs.push(Job::Page(Site::HOME));
    let (prev, next) = site.neighbours(id);
    jobs.extend(prev.into_iter().chain(next).map(Job::Page));
    let per = site.config.paginate_by;
    for (t, tag) in site.tags.iter().enumerate() {
        if let Some(i) = tag.pages.iter().position(|p| *p == id) {
            let n = tag.listing(per).page_of(i);
            jobs.push(match n {
                1 => Job::Tag(TagId(t)),
                n => Job::TagPage(TagId(t), n),
            });
        }
    }
    jobs.sort();
    jobs.dedup();
    jobs.retain(|j| *j != Job::Page(id));
    jobs
}
