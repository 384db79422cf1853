//! What mendbook's own integration tests and fuzz targets reach in the
//! library. Not a stable API: the binary is the product. Everything else
//! in the crate is `pub(crate)`.

use std::path::Path;

pub use crate::app::cli::{main, main_with};
pub use crate::app::scaffold::{choose_base_url, init, BaseUrlChoice, InitOutcome};
pub use crate::base::diagnostics::{Code, Diagnostic, Severity, SourceFile};
pub use crate::base::paths::slugify;
pub use crate::base::text::normalise_text;
pub use crate::stages::load::parse_for_fuzzing;

/// A diagnostic as the terminal shows it.
pub fn render_diagnostic(d: &Diagnostic, color: bool) -> String {
    crate::app::report::human(d, color)
}

/// Parses and validates a decision tree as a build does (without the
/// site-level guide link checks): every problem, and, when there is no
/// error, the URLs of its step pages relative to the tree's.
pub fn check_tree(file: &SourceFile) -> (Vec<Diagnostic>, Option<Vec<String>>) {
    use crate::stages::check::tree as validate;
    let (tree, mut out) = crate::stages::load::tree::parse(file);
    let Some(tree) = tree else {
        return (out, None);
    };
    if out.iter().any(Diagnostic::is_error) {
        return (out, None);
    }
    let mut structure = validate::check_structure(&tree, file);
    let failed = structure.iter().any(Diagnostic::is_error);
    out.append(&mut structure);
    if failed {
        return (out, None);
    }
    let (steps, more) = validate::check_paths(&tree, file);
    let failed = more.iter().any(Diagnostic::is_error);
    out.extend(more);
    let urls = steps
        .filter(|_| !failed)
        .map(|steps| steps.iter().map(|s| s.rel_url()).collect());
    (out, urls)
}

/// A site loaded from disk as a build loads it, to rewrite links on one of
/// its pages (for the link fuzz target).
pub struct LinkSite {
    site: crate::model::site::Site,
}

impl LinkSite {
    /// Loads the site whose book.toml is in `root`.
    pub fn load(root: &Path) -> Result<LinkSite, Vec<Diagnostic>> {
        let config = crate::model::config::Config::load(root, &Default::default())?;
        let (site, problems) = crate::stages::load::load(config);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        Ok(LinkSite { site })
    }

    /// Renders `markdown` as the body of the page whose source is `src`
    /// (`sub/b.md`): its HTML, and whether every link was accepted.
    pub fn render(&self, src: &str, markdown: &str) -> Option<(String, bool)> {
        use crate::model::site::PageId;
        let id = (0..self.site.pages.len())
            .map(PageId)
            .find(|&i| self.site.pages[i].src.as_str() == src)?;
        let page = &self.site.pages[id];
        let file = SourceFile::new(format!("content/{src}"), markdown);
        let links = crate::stages::links::PageLinks::new(
            &self.site,
            &page.src,
            &page.url,
            Some(id),
            &file,
            0,
        );
        let html = crate::stages::markdown::render(
            markdown,
            &links,
            &crate::stages::markdown::Highlighter::new(),
            &crate::stages::translations::Translations::english().markdown_labels(),
        )
        .html;
        let accepted = links.errors.borrow().is_empty();
        Some((html, accepted))
    }
}
