//! The engine: the one way a site is loaded, checked and rendered, for
//! `build`, `check`, `serve` and `watch` alike.
//!
//! A one-shot [`build`] or [`check`] streams its artifacts into a sink (the
//! [`disk`] writer, or the same writer only checking) without keeping them.
//! A live [`Engine`] keeps the loaded site and the fingerprints of what it
//! last published, so each change yields a [`ChangeSet`] for its sinks: the
//! [`disk`] writer for `watch`, the [`memory`] store `serve` answers from.
//! Both ways decide what changed the same way ([`ChangeSet::between`]).

pub(crate) mod disk;
pub(crate) mod memory;
mod update;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::artifact::{Artifact, ChangeSet, Content, Coverage, Fingerprint};
use crate::base::diagnostics::Diagnostic;
use crate::base::paths::OutputPath;
use crate::model::config::{Config, Overrides, CONFIG_FILE};
use crate::model::site::{PageId, PerPage, Site};
use crate::model::tree::unfold::Step;
use crate::stages::check::tree as validate;
use crate::stages::links::{self, check_anchors, AnchorCheck, PageMarkdown};
use crate::stages::load;
use crate::stages::markdown::Highlighter;
use crate::stages::render::Renderer;
use crate::stages::search::{self, Page, Shards};
use crate::stages::theme::Theme;
use disk::{DiskSink, Removals, SearchKeys, WriteSummary};

pub(crate) use update::{Part, Update};

/// The words markdown output carries, in the theme's language; English
/// when the theme did not load.
pub(crate) fn markdown_labels(theme: Option<&Theme>) -> crate::stages::markdown::Labels {
    match theme {
        Some(t) => t.translations.markdown_labels(),
        None => crate::stages::translations::Translations::english().markdown_labels(),
    }
}

/// A site loaded and checked, with everything needed to render it.
pub(crate) struct Loaded {
    pub(crate) site: Site,
    /// Per page: its markdown rendered with resolved links, its link
    /// problems and the anchors it links to.
    pub(crate) pages: PerPage<PageMarkdown>,
    pub(crate) theme: Option<Theme>,
    /// Problems found while loading content, trees, config and theme.
    pub(crate) load_problems: Vec<Diagnostic>,
    /// Anchors trees link to, checked again whenever pages change.
    pub(crate) tree_anchors: Vec<AnchorCheck>,
}

impl Loaded {
    /// Loads and checks everything `config` describes.
    pub(crate) fn load(config: Config) -> Loaded {
        let theme_config = config.clone();
        let (theme, (mut site, mut load_problems)) =
            rayon::join(|| Theme::load(&theme_config), || load::load(config));
        let theme = match theme {
            Ok(t) => {
                load_problems.extend(t.warnings.iter().cloned());
                Some(t)
            }
            Err(mut errs) => {
                load_problems.append(&mut errs);
                None
            }
        };
        load_problems.extend(check_trees(&mut site));
        let mut tree_anchors = Vec::new();
        let checked = links::trees::check(&site);
        for (tree, checked) in site.trees.iter_mut().zip(checked) {
            tree.links = checked.links;
            load_problems.extend(checked.problems);
            tree_anchors.extend(checked.anchors);
        }
        let highlighter = Highlighter::new();
        let labels = markdown_labels(theme.as_ref());
        let pages = PerPage(
            (0..site.pages.len())
                .into_par_iter()
                .map(|id| links::render_page(&site, PageId(id), &highlighter, &labels))
                .collect(),
        );
        Loaded {
            site,
            pages,
            theme,
            load_problems,
            tree_anchors,
        }
    }

    /// Every problem: loading, includes, links, anchors and the links in
    /// trees. A problem in a file several pages include is found once per
    /// page, and reported once.
    pub(crate) fn problems(&self) -> Vec<Diagnostic> {
        let mut all = self.load_problems.clone();
        let included = self.site.pages.iter().flat_map(|p| &p.included.problems);
        all.extend(included.cloned());
        all.extend(self.pages.iter().flat_map(|p| p.errors.iter().cloned()));
        let checks: Vec<AnchorCheck> = self
            .pages
            .iter()
            .flat_map(|p| p.anchors.iter().cloned())
            .chain(self.tree_anchors.iter().cloned())
            .collect();
        all.extend(check_anchors(&self.site, &self.pages, &checks));
        let mut seen = std::collections::HashSet::new();
        all.retain(|d| {
            let at = d
                .location
                .as_deref()
                .map(|(f, s)| (f.name.clone(), s.clone()));
            at.is_none() || seen.insert((at, d.message.clone()))
        });
        all
    }

    /// A renderer, when the theme loaded.
    pub(crate) fn renderer(&self) -> Option<Renderer<'_>> {
        Some(Renderer::new(&self.site, &self.pages, self.theme.as_ref()?))
    }
}

/// Validates every decision tree and unfolds each valid one into its steps.
fn check_trees(site: &mut Site) -> Vec<Diagnostic> {
    let results: Vec<(Vec<Step>, Vec<Diagnostic>)> = site
        .trees
        .par_iter()
        .map(|t| {
            let Some(model) = &t.model else {
                return (Vec::new(), Vec::new());
            };
            let mut found = validate::check_structure(model, &t.file);
            if found.iter().any(Diagnostic::is_error) {
                return (Vec::new(), found);
            }
            let (steps, mut more) = validate::check_paths(model, &t.file);
            found.append(&mut more);
            (steps.unwrap_or_default(), found)
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (tree, (steps, mut found)) in site.trees.iter_mut().zip(results) {
        tree.steps = steps;
        diagnostics.append(&mut found);
    }
    diagnostics
}

/// The outcome of a successful build or check.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// HTML pages rendered.
    pub(crate) pages: usize,
    pub(crate) write: WriteSummary,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) elapsed: Duration,
    /// How long each stage took, for `-v`.
    pub(crate) stages: Vec<(&'static str, Duration)>,
    /// How much of the search index was built again; none without search.
    pub(crate) search: Option<Reindexed>,
}

/// Of a search index's shards, how many were built again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reindexed {
    pub(crate) reindexed: usize,
    pub(crate) shards: usize,
}

/// Indexes a build's search shards. The app runs it on threads of its
/// own, so shards index while the next ones render.
pub(crate) trait SearchSink: Sync {
    /// Queues one shard's pages. Waits while every indexer is busy, so
    /// rendering never runs more than a shard ahead of indexing. With
    /// `scripts`, its bundle carries pagefind's scripts too. Returns the
    /// files of the shards finished meanwhile, to write out at once.
    fn index(&self, shard: usize, pages: Vec<Page>, scripts: bool) -> Vec<Artifact>;
    /// Waits for every queued shard and returns their bundles' files.
    fn finish(self: Box<Self>) -> Result<Vec<Artifact>, Diagnostic>;
}

/// What a build does with each shard of searched pages once rendered.
/// (The split, the shard, whether it is the primary, its pages.)
type OnShard<'a> = &'a mut dyn FnMut(&Shards, usize, bool, Vec<Page>);

/// The build folder as the author names it: relative to the site root
/// when it is inside, else as given.
pub(crate) fn shown_build_dir(config: &Config) -> PathBuf {
    config
        .build_dir
        .strip_prefix(&config.root)
        .unwrap_or(&config.build_dir)
        .to_path_buf()
}

/// Loads, checks and renders a site, handing every artifact to `emit`.
/// With `on_shard`, the pages search covers are rendered first, one shard
/// at a time, and each shard's pages go to it. Returns the HTML page count
/// and the problems, warnings included.
fn render(
    config: Config,
    emit: &(dyn Fn(Artifact) + Sync),
    on_shard: Option<OnShard<'_>>,
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<(usize, Vec<Diagnostic>), Vec<Diagnostic>> {
    let start = Instant::now();
    let loaded = Loaded::load(config);
    let mut diagnostics = loaded.problems();
    stages.push(("load, check and render markdown", start.elapsed()));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let Some(renderer) = loaded.renderer() else {
        return Err(diagnostics);
    };
    let pages = AtomicUsize::new(0);
    let count = |a: Artifact| {
        if a.path.as_str().ends_with(".html") {
            pages.fetch_add(1, Ordering::Relaxed);
        }
        emit(a)
    };
    let mut errors = Vec::new();
    let rest = match on_shard {
        None => renderer.jobs(),
        Some(on_shard) => {
            let shards = renderer.shards();
            let primary = renderer.primary_shard();
            let (by_shard, rest) = renderer.jobs_by_shard();
            for (shard, jobs) in by_shard.into_iter().enumerate() {
                let searched = Mutex::new(Vec::with_capacity(jobs.len()));
                errors.extend(renderer.render_jobs(&jobs, &|a| {
                    if let (Some(url), Content::Bytes(html)) = (&a.search, &a.content) {
                        let page = (url.clone(), html.clone());
                        searched
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(page);
                    }
                    count(a)
                }));
                if errors.is_empty() {
                    let pages = searched.into_inner().unwrap_or_else(|e| e.into_inner());
                    on_shard(&shards, shard, shard == primary, pages);
                }
            }
            rest
        }
    };
    errors.extend(renderer.render_jobs(&rest, &count));
    renderer.generated_files().into_iter().for_each(emit);
    if !errors.is_empty() {
        diagnostics.extend(errors);
        return Err(diagnostics);
    }
    Ok((pages.into_inner(), diagnostics))
}

/// Checks the site `config` describes as a build would, writing nothing:
/// every problem, the build-dir guard, and every output path.
pub(crate) fn check(config: Config) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    disk::check_build_dir(&config).map_err(|d| vec![d])?;
    let sink = DiskSink::dry(&config.build_dir, &shown_build_dir(&config));
    let batch = sink.batch();
    let mut stages = Vec::new();
    let result = render(config, &|a| batch.stage(a), None, &mut stages);
    let mut write_errors = batch.into_errors();
    let (pages, mut diagnostics) = result?;
    diagnostics.extend(sink.warnings.iter().cloned());
    if !write_errors.is_empty() {
        diagnostics.append(&mut write_errors);
        return Err(diagnostics);
    }
    stages.push(("render", start.elapsed()));
    Ok(Report {
        pages,
        write: WriteSummary::default(),
        warnings: diagnostics,
        elapsed: start.elapsed(),
        stages,
        search: None,
    })
}

/// Builds the site `config` describes into its build folder. With
/// `search`, each shard of searched pages is indexed while the next
/// renders, unless the index in the folder was built from the same pages.
///
/// On any error nothing in the build folder changes, and every problem
/// found is returned, warnings included.
pub(crate) fn build(
    config: Config,
    search: Option<Box<dyn SearchSink>>,
) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    disk::check_build_dir(&config).map_err(|d| vec![d])?;
    let search_origin = config.located("search");
    let language = config.language.clone();
    let mut sink =
        DiskSink::open(&config.build_dir, &shown_build_dir(&config)).map_err(|d| vec![d])?;
    let batch = sink.batch();
    let mut stages = Vec::new();
    let before = sink.search_keys().clone();
    let mut keys = SearchKeys::new();
    let mut reindexed = 0;
    let bundles = batch.grouped(&Shards::holder);
    let mut on_shard = |shards: &Shards, shard: usize, scripts: bool, pages: Vec<Page>| {
        let key = search::shard_key(&language, shards, &pages, scripts);
        // An empty shard has no index, unless it carries the scripts.
        let empty = !scripts && pages.is_empty();
        let kept = empty
            || before.get(&shard) == Some(&key)
                && bundles.get(&shard).is_some_and(|files| batch.keep(files));
        if !kept {
            reindexed += 1;
            if let Some(search) = &search {
                for file in search.index(shard, pages, scripts) {
                    batch.stage(file.from(search_origin.clone()));
                }
            }
        }
        keys.insert(shard, key);
    };
    let result = render(
        config,
        &|a| batch.stage(a),
        search.is_some().then_some(&mut on_shard as OnShard<'_>),
        &mut stages,
    );
    let fail = |sink: &mut DiskSink, batch, mut problems: Vec<Diagnostic>| {
        problems.extend(sink.abort(batch));
        sink.tidy_failed();
        problems
    };
    let (pages, mut diagnostics) = match result {
        Ok(r) if !batch.has_errors() => r,
        Ok((_, problems)) | Err(problems) => return Err(fail(&mut sink, batch, problems)),
    };
    diagnostics.append(&mut sink.warnings);
    let shards = keys.len();
    if let Some(search) = search {
        let search_start = Instant::now();
        match search.finish() {
            Ok(files) => files
                .into_iter()
                .for_each(|f| batch.stage(f.from(search_origin.clone()))),
            Err(d) => {
                diagnostics.push(d);
                return Err(fail(&mut sink, batch, diagnostics));
            }
        }
        stages.push(("finish the search index", search_start.elapsed()));
    }
    sink.set_search_keys(keys);
    let render_done = stages.iter().map(|(_, d)| *d).sum::<Duration>();
    let write = match sink.commit(batch, Removals::Stale) {
        Ok(mut summary) => {
            diagnostics.append(&mut summary.warnings);
            summary
        }
        Err(errs) => {
            diagnostics.extend(errs);
            sink.tidy_failed();
            return Err(diagnostics);
        }
    };
    stages.push((
        "render and write",
        start.elapsed().saturating_sub(render_done),
    ));
    Ok(Report {
        pages,
        write,
        warnings: diagnostics,
        elapsed: start.elapsed(),
        stages,
        search: (shards > 0).then_some(Reindexed { reindexed, shards }),
    })
}

/// Shards of the search index to build again, with their pages as last
/// published, for `serve` and `watch` to index in the background.
pub(crate) struct SearchWork {
    pub(crate) language: String,
    /// How many shards the index has now.
    pub(crate) count: usize,
    /// The shard whose bundle has pagefind's scripts.
    pub(crate) primary: usize,
    pub(crate) shards: BTreeMap<usize, Vec<Page>>,
}

impl SearchWork {
    /// This work, then `newer`: a shard's newer pages win. A different
    /// split or language holds every shard, so it replaces this.
    pub(crate) fn then(mut self, newer: SearchWork) -> SearchWork {
        if newer.count != self.count || newer.language != self.language {
            return newer;
        }
        self.shards.extend(newer.shards);
        self.primary = newer.primary;
        self
    }
}

/// A site kept loaded between changes, for `serve` and `watch`: what was
/// loaded, and the fingerprint of every artifact it last published.
pub(crate) struct Engine {
    root: PathBuf,
    overrides: Overrides,
    loaded: Option<Loaded>,
    published: HashMap<OutputPath, Fingerprint>,
    /// The pages search covers, as last published, by output path: each
    /// page's URL and bytes, for the next index.
    searched: BTreeMap<OutputPath, Page>,
    /// Per search shard, the key of the pages last handed to the index.
    indexed: SearchKeys,
}

impl Engine {
    /// An engine for the site in `root`, not loaded yet.
    pub(crate) fn new(root: &Path, overrides: Overrides) -> Engine {
        Engine {
            root: root.to_path_buf(),
            overrides,
            loaded: None,
            published: HashMap::new(),
            searched: BTreeMap::new(),
            indexed: SearchKeys::new(),
        }
    }

    /// The configuration of the last successful load.
    pub(crate) fn config(&self) -> Option<&Config> {
        self.loaded.as_ref().map(|l| &l.site.config)
    }

    /// Forgets the loaded site, so the next change loads it afresh (after
    /// a rebuild that failed midway). What was published is kept, to tell
    /// the next build's changes.
    pub(crate) fn forget(&mut self) {
        self.loaded = None;
    }

    /// Whether a path is one of the site's inputs (book.toml, content, themes).
    pub(crate) fn is_input(&self, path: &Path) -> bool {
        if path == self.root.join(CONFIG_FILE) {
            return true;
        }
        let content = self
            .config()
            .map(|c| c.content_dir.clone())
            .unwrap_or_else(|| self.root.join("content"));
        path.starts_with(content) || path.starts_with(self.root.join("themes"))
    }

    /// The shards of the search index whose pages changed since they were
    /// last handed out, with their pages as last published; none when
    /// search is off or every shard is current.
    pub(crate) fn search_work(&mut self) -> Option<SearchWork> {
        let config = self.loaded.as_ref().map(|l| &l.site.config)?;
        if !config.search {
            return None;
        }
        let language = config.language.clone();
        let split = Shards::for_pages(self.searched.len(), config.search_shard_size);
        let mut shards: BTreeMap<usize, Vec<Page>> =
            (0..split.count()).map(|s| (s, Vec::new())).collect();
        for page in self.searched.values() {
            if let Some(pages) = shards.get_mut(&split.of(&page.0)) {
                pages.push(page.clone());
            }
        }
        let sizes: Vec<usize> = shards.values().map(Vec::len).collect();
        let primary = Shards::primary(&sizes);
        let indexed = &mut self.indexed;
        indexed.retain(|s, _| *s < split.count());
        shards.retain(|s, pages| {
            let key = search::shard_key(&language, &split, pages, *s == primary);
            indexed.insert(*s, key.clone()) != Some(key)
        });
        (!shards.is_empty()).then_some(SearchWork {
            language,
            count: split.count(),
            primary,
            shards,
        })
    }

    /// Records what was published, keeping the bytes of searched pages.
    fn publish(&mut self, artifacts: Vec<Artifact>, coverage: Coverage) -> ChangeSet {
        if coverage == Coverage::Whole {
            self.searched.clear();
        }
        for a in &artifacts {
            if let (Some(url), Content::Bytes(bytes)) = (&a.search, &a.content) {
                self.searched
                    .insert(a.path.clone(), (url.clone(), bytes.clone()));
            }
        }
        ChangeSet::between(&mut self.published, artifacts, coverage)
    }
}

#[cfg(test)]
mod search_input_tests;
