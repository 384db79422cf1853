//! The build, stage by stage: config → load → markdown and links → render →
//! output. Each stage takes plain data and returns plain data and diagnostics;
//! this module only wires them together.

pub mod disk;
pub mod session;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::diagnostics::{Code, Diagnostic};
use crate::model::config::Config;
use crate::model::site::Site;
use crate::model::tree::unfold::Step;
use crate::model::tree::Kind;
use crate::stages::check::tree as validate;
use crate::stages::links::{check_anchors, AnchorCheck, PageLinks};
use crate::stages::load;
use crate::stages::markdown::{self, Highlighter, Rendered};
use crate::stages::render::{self, OutFile};
use crate::stages::search::Indexer;
use crate::stages::theme::Theme;
use disk::{DiskSink, Removals, WriteSummary};

/// What a build does with its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the build directory.
    Build,
    /// Validate and render everything, write nothing.
    Check,
}

/// The outcome of a successful build or check.
#[derive(Debug, Clone)]
pub struct Report {
    /// HTML pages rendered.
    pub pages: usize,
    pub write: WriteSummary,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// How long each stage took, for `-v`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// One page's markdown, rendered, with its link problems and the anchors
/// it links to (checked once every page is rendered).
pub struct PageMarkdown {
    pub rendered: Rendered,
    pub errors: Vec<Diagnostic>,
    pub anchors: Vec<AnchorCheck>,
}

/// Renders one page's markdown, checking its links.
pub fn render_page_markdown(site: &Site, id: usize, highlighter: &Highlighter) -> PageMarkdown {
    let page = &site.pages[id];
    let links = PageLinks::new(
        site,
        &page.src,
        &page.url,
        Some(id),
        &page.file,
        page.body_start,
    );
    let rendered = markdown::render(page.body(), &links, highlighter);
    let mut errors = links.errors.into_inner();
    if let Some(at) = &rendered.too_deep {
        let at = at.start + page.body_start..at.end + page.body_start;
        errors.push(
            Diagnostic::error(format!(
                "the text nests more than {} levels deep here",
                markdown::MAX_NESTING
            ))
            .at(&page.file, at.start..at.start + 1)
            .help("flatten the lists, quotes or HTML elements around this line")
            .code(Code::Markdown),
        );
    }
    PageMarkdown {
        rendered,
        errors,
        anchors: links.anchors.into_inner(),
    }
}

/// Renders every page's markdown, checking its links.
pub fn render_markdown(site: &Site) -> Vec<PageMarkdown> {
    let highlighter = Highlighter::new();
    (0..site.pages.len())
        .into_par_iter()
        .map(|id| render_page_markdown(site, id, &highlighter))
        .collect()
}

/// A site loaded and checked, with everything needed to render it: the
/// state a build passes from stage to stage, and a live preview keeps.
pub struct Loaded {
    pub site: Site,
    /// Per page: its rendered markdown, link problems and anchor links.
    pub rendered: Vec<Rendered>,
    pub page_errors: Vec<Vec<Diagnostic>>,
    pub page_anchors: Vec<Vec<AnchorCheck>>,
    pub theme: Option<Theme>,
    /// Problems found while loading content, trees, config and theme.
    pub load_problems: Vec<Diagnostic>,
}

impl Loaded {
    /// Loads and checks everything `config` describes.
    pub fn load(config: Config) -> Loaded {
        let theme_config = config.clone();
        let (theme, (mut site, mut load_problems)) =
            rayon::join(|| Theme::load(&theme_config), || load::load(config));
        let theme = match theme {
            Ok(t) => Some(t),
            Err(mut errs) => {
                load_problems.append(&mut errs);
                None
            }
        };
        load_problems.extend(check_trees(&mut site));
        let markdown = render_markdown(&site);
        let mut rendered = Vec::with_capacity(markdown.len());
        let mut page_errors = Vec::with_capacity(markdown.len());
        let mut page_anchors = Vec::with_capacity(markdown.len());
        for m in markdown {
            rendered.push(m.rendered);
            page_errors.push(m.errors);
            page_anchors.push(m.anchors);
        }
        Loaded {
            site,
            rendered,
            page_errors,
            page_anchors,
            theme,
            load_problems,
        }
    }

    /// Every problem: loading, links, anchors and the links in trees.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut all = self.load_problems.clone();
        all.extend(self.page_errors.iter().flatten().cloned());
        let checks: Vec<AnchorCheck> = self.page_anchors.iter().flatten().cloned().collect();
        all.extend(check_anchors(&self.site, &self.rendered, &checks));
        all.extend(check_tree_links(&self.site, &self.rendered));
        all
    }
}

/// Validates every decision tree and unfolds each valid one into its steps.
pub fn check_trees(site: &mut Site) -> Vec<Diagnostic> {
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

/// Checks the links in trees: outcome guide links (anchors included) and
/// links in hints, bodies and steps.
pub fn check_tree_links(site: &Site, rendered: &[Rendered]) -> Vec<Diagnostic> {
    let highlighter = Highlighter::new();
    let mut diagnostics = Vec::new();
    let mut anchors = Vec::new();
    for tree in &site.trees {
        let Some(model) = &tree.model else { continue };
        let links = PageLinks::new(site, &tree.src, &tree.url, None, &tree.file, 0);
        for node in &model.nodes {
            let texts = node.hint.iter().chain(&node.body);
            let steps = match &node.kind {
                Kind::Outcome { steps, guides } => {
                    for g in guides {
                        links.target(&g.path, g.span.clone());
                    }
                    steps.iter().map(|(s, _)| s).collect()
                }
                _ => Vec::new(),
            };
            // Links inside a YAML text are reported at the node they belong to.
            let inner = PageLinks::new(site, &tree.src, &tree.url, None, &tree.file, 0);
            for text in texts.chain(steps) {
                if markdown::render(text, &inner, &highlighter)
                    .too_deep
                    .is_some()
                {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "in node `{}`: the text nests more than {} levels deep",
                            node.id,
                            markdown::MAX_NESTING
                        ))
                        .at(&tree.file, node.id_span.clone())
                        .code(Code::Markdown),
                    );
                }
            }
            for mut d in inner.errors.into_inner() {
                d = d.at(&tree.file, node.id_span.clone());
                d.message = format!("in node `{}`: {}", node.id, d.message);
                diagnostics.push(d);
            }
            for mut c in inner.anchors.into_inner() {
                c.span = node.id_span.clone();
                anchors.push(c);
            }
        }
        diagnostics.extend(links.errors.into_inner());
        anchors.extend(links.anchors.into_inner());
    }
    diagnostics.extend(check_anchors(site, rendered, &anchors));
    diagnostics
}

/// The build folder as the author names it: relative to the site root
/// when it is inside, else as given.
pub fn shown_build_dir(config: &Config) -> std::path::PathBuf {
    config
        .build_dir
        .strip_prefix(&config.root)
        .unwrap_or(&config.build_dir)
        .to_path_buf()
}

/// Builds (or checks) the site described by `config`.
///
/// On any error nothing in the build directory changes, and every error found
/// is returned, warnings included.
pub fn build(config: Config, mode: Mode) -> Result<Report, Vec<Diagnostic>> {
    disk::check_build_dir(&config).map_err(|d| vec![d])?;
    match mode {
        Mode::Check => {
            let sink = DiskSink::dry(&config.build_dir, &shown_build_dir(&config));
            run(config, Sink::Check(&sink))
        }
        Mode::Build => {
            let mut sink = DiskSink::open(&config.build_dir, &shown_build_dir(&config))
                .map_err(|d| vec![d])?;
            let result = build_into(config, &mut sink);
            if result.is_err() {
                sink.tidy_failed();
            }
            result
        }
    }
}

/// Builds into a build folder already held (by `watch`, which keeps it).
pub fn build_into(config: Config, sink: &mut DiskSink) -> Result<Report, Vec<Diagnostic>> {
    disk::check_build_dir(&config).map_err(|d| vec![d])?;
    run(config, Sink::Disk(sink))
}

/// Where a build's files go.
enum Sink<'s> {
    /// Checked as a build would, written nowhere.
    Check(&'s DiskSink),
    Disk(&'s mut DiskSink),
}

fn run(config: Config, sink: Sink) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    let loaded = Loaded::load(config);
    let mut diagnostics = loaded.problems();
    let stages = vec![("load, check and render markdown", start.elapsed())];
    let render_start = Instant::now();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let Loaded {
        site,
        theme,
        rendered,
        ..
    } = loaded;
    let Some(theme) = theme else {
        return Err(diagnostics);
    };
    let mut stages = stages;

    let pages = Mutex::new(0usize);
    let count_page = |f: &OutFile| {
        if f.path.as_str().ends_with(".html") {
            *pages.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        }
    };
    let write = match sink {
        Sink::Check(sink) => {
            diagnostics.extend(sink.warnings.iter().cloned());
            let batch = sink.batch();
            let errors = render::render_site(&site, &rendered, &theme, &|f| {
                count_page(&f);
                batch.stage(f)
            });
            diagnostics.extend(errors);
            diagnostics.extend(batch.into_errors());
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Err(diagnostics);
            }
            WriteSummary::default()
        }
        Sink::Disk(sink) => {
            diagnostics.append(&mut sink.warnings);
            let batch = sink.batch();
            // Pages are indexed for search while the rest are still rendering.
            let indexer = site
                .config
                .search
                .then(|| Indexer::start(&site.config.language));
            let errors = render::render_site(&site, &rendered, &theme, &|f| {
                count_page(&f);
                if let Some(indexer) = &indexer {
                    indexer.add_file(&f);
                }
                batch.stage(f)
            });
            if !errors.is_empty() || batch.has_errors() {
                diagnostics.extend(errors);
                diagnostics.extend(sink.abort(batch));
                return Err(diagnostics);
            }
            if let Some(indexer) = indexer {
                let search_start = Instant::now();
                match indexer.finish() {
                    Ok(files) => {
                        let origin = site.config.located("search");
                        for mut f in files {
                            f.origin = Some(origin.clone());
                            batch.stage(f);
                        }
                    }
                    Err(d) => {
                        diagnostics.push(d);
                        diagnostics.extend(sink.abort(batch));
                        return Err(diagnostics);
                    }
                }
                stages.push(("finish the search index", search_start.elapsed()));
            }
            match sink.commit(batch, Removals::Stale) {
                Ok(mut summary) => {
                    diagnostics.append(&mut summary.warnings);
                    summary
                }
                Err(errs) => {
                    diagnostics.extend(errs);
                    return Err(diagnostics);
                }
            }
        }
    };
    stages.push(("render and write", render_start.elapsed()));
    Ok(Report {
        pages: pages.into_inner().unwrap_or_else(|e| e.into_inner()),
        write,
        warnings: diagnostics,
        elapsed: start.elapsed(),
        stages,
    })
}
