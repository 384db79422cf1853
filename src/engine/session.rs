//! A site kept in memory between rebuilds, for `serve` and `watch`.
//!
//! Given a batch of changed files, a session works out which output files
//! changed. Editing one guide's text re-renders that guide first (so its
//! reload can be sent at once) and then only the pages that show its summary;
//! anything else (a new file, a template, book.toml) reloads the site.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::base::diagnostics::Diagnostic;
use crate::base::paths::SitePath;
use crate::engine::disk::Fingerprint;
use crate::engine::{render_page_markdown, Loaded};
use crate::model::config::{Config, Overrides, CONFIG_FILE};
use crate::model::site::{Page, PageId, PageKind};
use crate::stages::load;
use crate::stages::markdown::Highlighter;
use crate::stages::render::{self, Content, Job, OutFile, Renderer};
use crate::stages::search::Snapshot;

/// One output file, as a live preview holds it.
#[derive(Debug, Clone)]
pub enum Output {
    Bytes(Arc<[u8]>),
    /// A content asset, read from disk when asked for.
    File(PathBuf),
}

impl Output {
    fn same_as(&self, other: &Output) -> bool {
        match (self, other) {
            (Output::Bytes(a), Output::Bytes(b)) => a == b,
            (Output::File(a), Output::File(b)) => a == b,
            _ => false,
        }
    }
}

/// What one rebuild (or one part of it) changed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Output paths (`recover/apologize/index.html`) written or replaced.
    pub files: Vec<(String, Output)>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Every current problem. With an error among them nothing was changed:
    /// the last good output stays.
    pub problems: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Whether the whole site was loaded again.
    pub full: bool,
    /// More changes follow from the same batch (pages that list an edited guide).
    pub more_to_come: bool,
    /// Pages search covers changed: the index needs building again.
    pub reindex: bool,
}

impl Changes {
    pub fn failed(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }
}

/// A site kept in memory.
pub struct Session {
    root: PathBuf,
    overrides: Overrides,
    loaded: Option<Loaded>,
    highlighter: Highlighter,
    /// The last good output: output path -> contents.
    outputs: HashMap<String, Output>,
    /// The pages search covers: output path -> URL.
    searched: BTreeMap<String, SitePath>,
}

impl Session {
    /// Builds the site in memory. The returned changes hold every file.
    pub fn open(root: &Path, overrides: Overrides) -> (Session, Changes) {
        let mut session = Session {
            root: root.to_path_buf(),
            overrides,
            loaded: None,
            highlighter: Highlighter::new(),
            outputs: HashMap::new(),
            searched: BTreeMap::new(),
        };
        let changes = session.reload(&HashSet::new());
        (session, changes)
    }

    /// Forgets the loaded site, so the next change loads it afresh (after
    /// a rebuild that failed midway). The published outputs are kept, to
    /// diff the next build against.
    pub fn forget(&mut self) {
        self.loaded = None;
    }

    /// The configuration of the last successful load.
    pub fn config(&self) -> Option<&Config> {
        self.loaded.as_ref().map(|l| &l.site.config)
    }

    /// Applies a batch of changed paths. `publish` is called once, or twice
    /// when an edited guide goes out before the pages that list it.
    pub fn apply(&mut self, paths: &[PathBuf], publish: &mut dyn FnMut(Changes)) {
        let start = Instant::now();
        if let Some(id) = self.single_page_edit(paths) {
            if self.edit_page(id, start, publish) {
                return;
            }
        }
        let touched: HashSet<PathBuf> = paths.iter().cloned().collect();
        let mut changes = self.reload(&touched);
        changes.elapsed = start.elapsed();
        publish(changes);
    }

    /// The page, when the batch is exactly one existing markdown page that
    /// was modified (not created, deleted or renamed).
    fn single_page_edit(&self, paths: &[PathBuf]) -> Option<PageId> {
        let loaded = self.loaded.as_ref()?;
        let [path] = paths else { return None };
        if !path.is_file() {
            return None;
        }
        let rel = path.strip_prefix(&loaded.site.config.content_dir).ok()?;
        let src = crate::base::paths::SourcePath::from_relative(rel);
        match loaded.site.by_source.get(&src) {
            Some(crate::model::site::Target::Page(id)) => Some(*id),
            _ => None,
        }
    }

    /// The fast path. Returns false when the edit changes more than the
    /// page's text (its title, say), so the site must be reloaded.
    fn edit_page(&mut self, id: PageId, start: Instant, publish: &mut dyn FnMut(Changes)) -> bool {
        // Borrow the fields apart: the renderer reads `loaded` while the
        // published outputs are updated.
        let Session {
            loaded,
            outputs,
            highlighter,
            ..
        } = self;
        let Some(loaded) = loaded.as_mut() else {
            return false;
        };
        if loaded.theme.is_none() {
            return false;
        }
        let Some((page, fm_problems)) = load::reread(&loaded.site, id) else {
            return false;
        };
        if !same_shape(&loaded.site.pages[id], &page) {
            return false;
        }
        let name = page.file.name.clone();
        let old_minutes = loaded.rendered[id].words.div_ceil(200).max(1);
        loaded.site.pages[id] = page;
        loaded
            .load_problems
            .retain(|d| d.file() != Some(name.as_path()));
        loaded.load_problems.extend(fm_problems);
        let md = render_page_markdown(&loaded.site, id, highlighter);
        loaded.rendered[id] = md.rendered;
        loaded.page_errors[id] = md.errors;
        loaded.page_anchors[id] = md.anchors;
        let problems = loaded.problems();
        if problems.iter().any(Diagnostic::is_error) {
            publish(failure(Vec::new(), problems, start));
            return true;
        }
        let new_minutes = loaded.rendered[id].words.div_ceil(200).max(1);
        let dependents = if new_minutes != old_minutes {
            render::dependents(&loaded.site, id)
        } else {
            Vec::new()
        };
        let theme = loaded.theme.as_ref().expect("checked above");
        let renderer = Renderer::new(&loaded.site, &loaded.rendered, theme);

        // The edited page goes out first: it is the one the author is
        // looking at. The pages that list it follow.
        // Search is re-indexed in the background, and only when a page it covers changed.
        let reindex = render::searched(&loaded.site, Job::Page(id));
        let more = !dependents.is_empty();
        match render_into(&renderer, &[Job::Page(id)]) {
            Ok(r) => {
                let mut changes = diff_into(outputs, r.files, problems.clone(), start, more);
                changes.reindex = reindex && !changes.files.is_empty();
                publish(changes)
            }
            Err(errors) => {
                publish(failure(errors, problems, start));
                return true;
            }
        }
        if more {
            match render_into(&renderer, &dependents) {
                Ok(r) => publish(diff_into(outputs, r.files, problems, start, false)),
                Err(errors) => publish(failure(errors, problems, start)),
            }
        }
        true
    }

    /// Loads the whole site again and diffs every output. Files in `touched`
    /// (assets read from disk) count as changed even when their path is not.
    fn reload(&mut self, touched: &HashSet<PathBuf>) -> Changes {
        let start = Instant::now();
        let config = match Config::load(&self.root, &self.overrides) {
            Ok(c) => c,
            Err(problems) => {
                return Changes {
                    problems,
                    elapsed: start.elapsed(),
                    full: true,
                    ..Changes::default()
                }
            }
        };
        let loaded = Loaded::load(config);
        let mut problems = loaded.problems();
        let mut result = Changes {
            full: true,
            ..Changes::default()
        };
        if !problems.iter().any(Diagnostic::is_error) {
            if let Some(theme) = loaded.theme.as_ref() {
                let renderer = Renderer::new(&loaded.site, &loaded.rendered, theme);
                match render_into(&renderer, &renderer.jobs()) {
                    Ok(RenderedFiles {
                        mut files,
                        searched,
                    }) => {
                        for f in renderer.generated_files() {
                            files.insert(f.path.as_str().to_string(), to_output(f));
                        }
                        self.searched = searched;
                        result.reindex = loaded.site.config.search;
                        let removed: Vec<String> = self
                            .outputs
                            .keys()
                            .filter(|k| !files.contains_key(*k))
                            .cloned()
                            .collect();
                        for (path, out) in &files {
                            let same = self.outputs.get(path).is_some_and(|old| old.same_as(out));
                            let asset_touched =
                                matches!(out, Output::File(p) if touched.contains(p));
                            if !same || asset_touched {
                                result.files.push((path.clone(), out.clone()));
                            }
                        }
                        result.removed = removed;
                        self.outputs = files.into_iter().collect();
                    }
                    Err(errs) => problems.extend(errs),
                }
            }
        }
        self.loaded = Some(loaded);
        result.problems = problems;
        result.elapsed = start.elapsed();
        result
    }

    /// The pages search covers, as last published, for the background
    /// indexer; none when search is off or nothing has built yet.
    pub fn search_snapshot(&self) -> Option<Snapshot> {
        let config = self.config()?;
        if !config.search {
            return None;
        }
        let pages = self
            .searched
            .iter()
            .filter_map(|(path, url)| match self.outputs.get(path) {
                Some(Output::Bytes(html)) => Some((url.clone(), html.clone())),
                _ => None,
            })
            .collect();
        Some(Snapshot {
            language: config.language.clone(),
            pages,
        })
    }

    /// Whether a path is one of the site's inputs (book.toml, content, themes).
    pub fn is_input(&self, path: &Path) -> bool {
        if path == self.root.join(CONFIG_FILE) {
            return true;
        }
        let content = self
            .config()
            .map(|c| c.content_dir.clone())
            .unwrap_or_else(|| self.root.join("content"));
        path.starts_with(content) || path.starts_with(self.root.join("themes"))
    }
}

/// Records re-rendered files that differ from what is published.
fn diff_into(
    outputs: &mut HashMap<String, Output>,
    files: BTreeMap<String, Output>,
    problems: Vec<Diagnostic>,
    start: Instant,
    more_to_come: bool,
) -> Changes {
    let mut changed = Vec::new();
    for (path, out) in files {
        if outputs.get(&path).is_some_and(|old| old.same_as(&out)) {
            continue;
        }
        outputs.insert(path.clone(), out.clone());
        changed.push((path, out));
    }
    Changes {
        files: changed,
        problems,
        elapsed: start.elapsed(),
        more_to_come,
        ..Changes::default()
    }
}

/// A rebuild that failed: nothing changes, the problems are reported.
fn failure(mut errors: Vec<Diagnostic>, problems: Vec<Diagnostic>, start: Instant) -> Changes {
    errors.extend(problems);
    Changes {
        problems: errors,
        elapsed: start.elapsed(),
        ..Changes::default()
    }
}

/// Pages of the same URL, title, order and tags: only the text changed.
fn same_shape(old: &Page, new: &Page) -> bool {
    old.kind == new.kind
        && old.url == new.url
        && old.title == new.title
        && old.description == new.description
        && old.weight == new.weight
        && old.date == new.date
        && old.updated == new.updated
        && old.authors == new.authors
        && old.tags == new.tags
        && old.draft == new.draft
        && old.aliases == new.aliases
        && old.extra == new.extra
        && (old.kind == PageKind::Guide || old.body() == new.body())
}

fn to_output(f: OutFile) -> Output {
    match f.content {
        Content::Bytes(b) => Output::Bytes(Arc::from(b.into_owned().into_boxed_slice())),
        Content::Copy(p) => Output::File(p),
    }
}

/// Pages rendered into memory.
struct RenderedFiles {
    /// Output path -> contents.
    files: BTreeMap<String, Output>,
    /// Output path -> URL, for the pages search covers.
    searched: BTreeMap<String, SitePath>,
}

/// Renders jobs into memory.
fn render_into(renderer: &Renderer, jobs: &[Job]) -> Result<RenderedFiles, Vec<Diagnostic>> {
    let out = Mutex::new(RenderedFiles {
        files: BTreeMap::new(),
        searched: BTreeMap::new(),
    });
    let errors = renderer.render_jobs(jobs, &|f: OutFile| {
        let key = f.path.as_str().to_string();
        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(url) = &f.search {
            out.searched.insert(key.clone(), url.clone());
        }
        out.files.insert(key, to_output(f));
    });
    if errors.is_empty() {
        Ok(out.into_inner().unwrap_or_else(|e| e.into_inner()))
    } else {
        Err(errors)
    }
}

/// Turns each new search bundle into changes against the last one: the
/// files that differ, and the old files it no longer has (pagefind names
/// its fragments by their contents, so each edit replaces some). Files are
/// compared by the fingerprint the build manifest uses, so a bundle already
/// in the build folder can be the starting point.
#[derive(Default)]
pub struct BundleDiff {
    /// Output path -> fingerprint of the last bundle.
    last: HashMap<String, Fingerprint>,
}

impl BundleDiff {
    /// Starts from a bundle already written, as the manifest lists it.
    pub fn knowing(last: HashMap<String, Fingerprint>) -> BundleDiff {
        BundleDiff { last }
    }

    pub fn changes(&mut self, bundle: Vec<OutFile>, elapsed: Duration) -> Changes {
        let mut new = HashMap::with_capacity(bundle.len());
        let mut files = Vec::new();
        for f in bundle {
            let path = f.path.as_str().to_string();
            let out = to_output(f);
            let Output::Bytes(bytes) = &out else {
                continue;
            };
            let print = Fingerprint::of(bytes);
            if self.last.get(&path) != Some(&print) {
                files.push((path.clone(), out));
            }
            new.insert(path, print);
        }
        let removed = self
            .last
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        self.last = new;
        Changes {
            files,
            removed,
            elapsed,
            ..Changes::default()
        }
    }
}
