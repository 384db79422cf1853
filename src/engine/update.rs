//! Following changes: given the paths that changed, the engine works out
//! what to rebuild. Editing one guide's text re-renders that guide first
//! (so its reload goes out at once) and then only the pages that show its
//! summary; anything else (a new file, a template, book.toml) rebuilds the
//! site. Either way the result is a change set against what was published.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Engine, Loaded};
use crate::base::artifact::{Artifact, ChangeSet, Coverage};
use crate::base::diagnostics::Diagnostic;
use crate::base::paths::SourcePath;
use crate::model::config::Config;
use crate::model::site::{Page, PageId, PageKind, Target};
use crate::stages::links;
use crate::stages::load;
use crate::stages::markdown::Highlighter;
use crate::stages::render::{self, reading_time, Job};

/// What a rebuild covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rebuild {
    /// Only an edited page's text: the page, then the pages listing it.
    Page,
    /// The whole site, loaded again.
    Site,
}

/// Which part of a rebuild an update carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The edited page itself, with the pages that list it to follow.
    EditedPageFirst,
    /// The edited page itself, and nothing else changed.
    EditedPageOnly,
    /// The pages that list an edited page; the last part.
    Listings,
    /// A whole rebuild, in one part.
    WholeSite,
}

/// What one rebuild, or one part of it, changed.
#[derive(Debug, Default)]
pub(crate) struct Update {
    pub(crate) part: Option<Part>,
    pub(crate) changes: ChangeSet,
    /// Every current problem. With an error among them nothing changed:
    /// the last good output stays.
    pub(crate) problems: Vec<Diagnostic>,
    pub(crate) elapsed: Duration,
    /// Whether a page search covers changed, so the index is out of date.
    pub(crate) index_stale: bool,
}

impl Update {
    pub(crate) fn failed(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }

    /// A rebuild that failed: nothing changes, the problems are reported.
    fn failure(problems: Vec<Diagnostic>, start: Instant) -> Update {
        Update {
            problems,
            elapsed: start.elapsed(),
            ..Update::default()
        }
    }
}

impl Engine {
    /// Loads and renders the whole site; the update holds every file that
    /// differs from what was published (everything, the first time).
    pub(crate) fn rebuild_site(&mut self) -> Update {
        let start = Instant::now();
        let config = match Config::load(&self.root, &self.overrides) {
            Ok(c) => c,
            Err(problems) => return Update::failure(problems, start),
        };
        let loaded = Loaded::load(config);
        let mut problems = loaded.problems();
        let mut update = Update {
            part: Some(Part::WholeSite),
            ..Update::default()
        };
        if !problems.iter().any(Diagnostic::is_error) {
            if let Some(renderer) = loaded.renderer() {
                let files = Mutex::new(Vec::new());
                let errors = renderer
                    .render_all(&|a| files.lock().unwrap_or_else(|e| e.into_inner()).push(a));
                if errors.is_empty() {
                    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
                    update.index_stale = loaded.site.config.search;
                    update.changes = self.publish(files, Coverage::Whole);
                } else {
                    problems.extend(errors);
                }
            }
        }
        self.loaded = Some(loaded);
        update.problems = problems;
        update.elapsed = start.elapsed();
        update
    }

    /// Applies a batch of changed paths. `publish` gets one update, or two
    /// when an edited guide goes out before the pages that list it.
    pub(crate) fn apply(&mut self, paths: &[PathBuf], publish: &mut dyn FnMut(Update)) -> Rebuild {
        let start = Instant::now();
        if let Some(ids) = self.edited_pages(paths) {
            if self.edit_pages(&ids, start, publish) {
                return Rebuild::Page;
            }
        }
        // (An asset edited in place keeps its path; the change set tells it
        // by its fingerprint.)
        let mut update = self.rebuild_site();
        update.elapsed = start.elapsed();
        publish(update);
        Rebuild::Site
    }

    /// The pages whose text an edit changes, when the batch is exactly one
    /// existing file that was modified (not created, deleted or renamed):
    /// the page it is, if it is one, and the pages that include it.
    fn edited_pages(&self, paths: &[PathBuf]) -> Option<Vec<PageId>> {
        let loaded = self.loaded.as_ref()?;
        let [path] = paths else { return None };
        if !path.is_file() {
            return None;
        }
        let rel = path.strip_prefix(&loaded.site.config.content_dir).ok()?;
        let src = SourcePath::from_relative(rel);
        let mut ids = match loaded.site.by_source.get(&src) {
            Some(Target::Page(id)) => vec![*id],
            Some(_) => return None,
            None => Vec::new(),
        };
        let pages = loaded.site.pages.iter().enumerate();
        ids.extend(
            pages
                .filter(|(_, p)| p.included.files.binary_search(&src).is_ok())
                .map(|(i, _)| PageId(i)),
        );
        ids.dedup();
        (!ids.is_empty()).then_some(ids)
    }

    /// The fast path: the edited pages first, then the pages listing them.
    /// Returns false when the edit changes more than the pages' text (a
    /// title, say), so the site must be loaded again.
    fn edit_pages(
        &mut self,
        ids: &[PageId],
        start: Instant,
        publish: &mut dyn FnMut(Update),
    ) -> bool {
        let Some(loaded) = self.loaded.as_mut() else {
            return false;
        };
        if loaded.theme.is_none() {
            return false;
        }
        let mut reread = Vec::with_capacity(ids.len());
        for &id in ids {
            match load::reread(&loaded.site, id) {
                Some((page, problems)) if same_shape(&loaded.site.pages[id], &page) => {
                    reread.push((id, page, problems))
                }
                _ => return false,
            }
        }
        let labels = super::markdown_labels(loaded.theme.as_ref());
        let highlighter = Highlighter::new();
        let mut listings = Vec::new();
        for (id, page, fm_problems) in reread {
            let name = page.file.name.clone();
            let old_minutes = reading_time(loaded.pages[id].rendered.words);
            loaded.site.pages[id] = page;
            loaded
                .load_problems
                .retain(|d| d.file() != Some(name.as_path()));
            loaded.load_problems.extend(fm_problems);
            loaded.pages[id] = links::render_page(&loaded.site, id, &highlighter, &labels);
            if reading_time(loaded.pages[id].rendered.words) != old_minutes {
                listings.extend(render::dependents(&loaded.site, id));
            }
        }
        let problems = loaded.problems();
        if problems.iter().any(Diagnostic::is_error) {
            publish(Update::failure(problems, start));
            return true;
        }
        let edited: Vec<Job> = ids.iter().map(|&id| Job::Page(id)).collect();
        listings.sort();
        listings.dedup();
        listings.retain(|j| !edited.contains(j));
        // The edited pages go out first: one is the page the author is
        // looking at. The pages that list them follow.
        let first = if listings.is_empty() {
            Part::EditedPageOnly
        } else {
            Part::EditedPageFirst
        };
        for (jobs, part) in [(edited, first), (listings, Part::Listings)] {
            if jobs.is_empty() {
                continue;
            }
            let Some(loaded) = self.loaded.as_ref() else {
                return true;
            };
            let renderer = loaded.renderer().expect("the theme loaded");
            let files = Mutex::new(Vec::new());
            let errors = renderer.render_jobs(&jobs, &|a: Artifact| {
                files.lock().unwrap_or_else(|e| e.into_inner()).push(a)
            });
            if !errors.is_empty() {
                let mut all = errors;
                all.extend(problems);
                publish(Update::failure(all, start));
                return true;
            }
            let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
            let index_stale = files.iter().any(|a| a.search.is_some());
            let changes = self.publish(files, Coverage::Part);
            publish(Update {
                part: Some(part),
                index_stale: index_stale && !changes.is_empty(),
                changes,
                problems: problems.clone(),
                elapsed: start.elapsed(),
            });
        }
        true
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
        && old.paginate_by == new.paginate_by
        && (old.kind == PageKind::Guide || old.body() == new.body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Overrides;

    /// Editing a snippet re-renders the pages that include it, and only
    /// them, without loading the site again.
    #[test]
    fn a_snippet_edit_renders_its_includers_alone() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "book.toml",
            "[book]\ntitle = \"T\"\n[build]\nsearch = false\n",
        );
        write(
            "content/a.md",
            "---\ntitle: A\n---\n\n{{#include _s/x.md}}\n",
        );
        write("content/b.md", "---\ntitle: B\n---\n\nNo include.\n");
        write("content/_s/x.md", "{{#include y.md}}\n");
        write("content/_s/y.md", "Old words.\n");
        let mut engine = Engine::new(dir.path(), Overrides::default());
        assert!(!engine.rebuild_site().failed());
        write("content/_s/y.md", "New words.\n");
        let mut written = Vec::new();
        let path = dir.path().join("content/_s/y.md");
        let rebuild = engine.apply(&[path], &mut |u| {
            assert!(!u.failed(), "{:?}", u.problems);
            written.extend(u.changes.written.into_iter().map(|a| a.path));
        });
        assert_eq!(rebuild, Rebuild::Page);
        let written: Vec<&str> = written.iter().map(|p| p.as_str()).collect();
        assert_eq!(written, ["a/index.html"]);
    }
}
