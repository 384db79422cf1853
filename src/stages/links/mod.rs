//! Link checking and rewriting: turns an author's relative link to a source
//! file (`apologize.md#what-to-say`) into the target's URL relative to the
//! current page, and reports links and anchors that lead nowhere. Each
//! link is resolved once: pages as their markdown renders, trees when they
//! are checked ([`trees`]); render only reads the results.

pub(crate) mod trees;

use std::cell::RefCell;
use std::ops::Range;

use crate::base::diagnostics::{did_you_mean, Code, Diagnostic, SourceFile};
use crate::base::paths::percent_decode;
use crate::base::paths::percent_encode_path;
use crate::base::paths::{SitePath, SourcePath};
use crate::model::included::Included;
use crate::model::site::{Link, PageId, PerPage, Site, Target, TreeLinks};
use crate::stages::load::is_private_name;
use crate::stages::markdown::{self, Highlighter, LinkResolver, Rendered};

/// An anchor to look for once every page's headings are known.
#[derive(Debug, Clone)]
pub(crate) struct AnchorCheck {
    pub(crate) target: PageId,
    pub(crate) anchor: String,
    pub(crate) file: SourceFile,
    pub(crate) span: Range<usize>,
}

/// Resolves the links of one markdown text inside the site.
pub(crate) struct PageLinks<'a> {
    site: &'a Site,
    /// The source file the links are written in (relative links start here).
    from_src: &'a SourcePath,
    /// The page the HTML will be served at (rewritten links start here).
    from_url: &'a SitePath,
    /// This page's id, for `#anchor` links within it.
    from_page: Option<PageId>,
    file: &'a SourceFile,
    /// Where the markdown text starts inside `file`.
    offset: usize,
    /// For a page with includes: which file each part of its text is from.
    included: Option<&'a Included>,
    pub(crate) errors: RefCell<Vec<Diagnostic>>,
    pub(crate) anchors: RefCell<Vec<AnchorCheck>>,
    /// Every link resolved, by destination as written (kept for trees,
    /// whose texts are rendered again on every step page).
    pub(crate) resolved: RefCell<TreeLinks>,
}

impl<'a> PageLinks<'a> {
    pub(crate) fn new(
        site: &'a Site,
        from_src: &'a SourcePath,
        from_url: &'a SitePath,
        from_page: Option<PageId>,
        file: &'a SourceFile,
        offset: usize,
    ) -> Self {
        PageLinks {
            site,
            from_src,
            from_url,
            from_page,
            file,
            offset,
            included: None,
            errors: RefCell::new(Vec::new()),
            anchors: RefCell::new(Vec::new()),
            resolved: RefCell::new(TreeLinks::default()),
        }
    }

    /// Reads a page's text with its includes pasted in: links in pasted
    /// text are relative to the file they are written in, and reported
    /// there.
    pub(crate) fn with_included(mut self, included: &'a Included) -> Self {
        self.included = Some(included);
        self
    }

    /// The source and file a span of the text was written in, and the span
    /// in that file.
    fn place(&self, span: &Range<usize>) -> (&'a SourcePath, &'a SourceFile, Range<usize>) {
        match self.included.and_then(|i| i.place(span)) {
            Some(place) => place,
            None => (
                self.from_src,
                self.file,
                span.start + self.offset..span.end + self.offset,
            ),
        }
    }

    fn error(&self, span: &Range<usize>, message: String, help: Option<String>) {
        let (_, file, span) = self.place(span);
        let mut d = Diagnostic::error(message)
            .at(file, span)
            .code(Code::BrokenLink);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.errors.borrow_mut().push(d);
    }

    fn check_anchor(&self, target: PageId, anchor: &str, span: &Range<usize>) {
        if anchor.is_empty() {
            return;
        }
        let (_, file, span) = self.place(span);
        self.anchors.borrow_mut().push(AnchorCheck {
            target,
            anchor: anchor.to_string(),
            file: file.clone(),
            span,
        });
    }

    /// The site-relative URL a target lives at.
    fn target_url(&self, target: Target) -> Option<&'a SitePath> {
        match target {
            Target::Page(id) => Some(&self.site.pages[id].url),
            Target::Tree(id) => Some(&self.site.trees[id].url),
            Target::Asset(id) => Some(&self.site.assets[id].url),
            Target::Generated => None,
        }
    }

    /// Resolves a link to a source file, or reports why it cannot be.
    fn resolve_source(&self, path: &str, anchor: &str, span: &Range<usize>) -> Option<Target> {
        let decoded = percent_decode(path);
        let (from_src, _, _) = self.place(span);
        let Some(src) = from_src.join_relative(&decoded) else {
            self.error(
                span,
                format!("the link `{path}` points outside the content folder"),
                None,
            );
            return None;
        };
        let target = self
            .site
            .by_source
            .get(&src)
            .or_else(|| {
                self.site
                    .by_source
                    .get(&SourcePath::new(src.as_str().trim_end_matches('/')))
            })
            .copied();
        let Some(target) = target else {
            if self.site.hidden_drafts.contains(&src) {
                self.error(
                    span,
                    format!("the link `{path}` points to a draft, which this build leaves out"),
                    Some("build with `--drafts`, or remove `draft: true` from that page".into()),
                );
                return None;
            }
            // Compare paths as the author writes them: relative to this file.
            let written: Vec<String> = self
                .site
                .by_source
                .keys()
                .map(|k| relative_source(from_src, k.as_str()))
                .collect();
            let help = if src.as_str().split('/').any(is_private_name) {
                Some(format!(
                    "files and folders whose names start with `_` are not published; paste it with `{{{{#include {decoded}}}}}` on a line of its own, or rename it"
                ))
            } else {
                did_you_mean(&decoded, written.iter().map(String::as_str))
            };
            self.error(
                span,
                format!(
                    "broken link: no file `{}` in the content folder",
                    src.as_str()
                ),
                help,
            );
            return None;
        };
        if let Target::Page(id) = target {
            self.check_anchor(id, anchor, span);
        }
        Some(target)
    }

    /// Resolves a site-absolute URL (`/recover/apologize/`) written by the author.
    fn resolve_site_url(
        &self,
        path: &str,
        anchor: &str,
        span: &Range<usize>,
    ) -> Option<(SitePath, Target)> {
        let decoded = percent_decode(path);
        let url = SitePath::parse(&decoded);
        let with_slash = SitePath::parse(&format!("{}/", decoded.trim_end_matches('/')));
        let (url, target) = match self.site.by_url.get(&url) {
            Some(t) => (url, *t),
            None => match self.site.by_url.get(&with_slash) {
                Some(t) => (with_slash, *t),
                None => {
                    self.error(
                        span,
                        format!("broken link: no page at `{path}` on this site"),
                        Some(
                            "link to the source file instead, e.g. `../guides/apologize.md`".into(),
                        ),
                    );
                    return None;
                }
            },
        };
        if let Target::Page(id) = target {
            self.check_anchor(id, anchor, span);
        }
        Some((url, target))
    }

    /// Resolves a link inside the site (`move-on.md#let-it-go`, `/recover/`)
    /// to its target URL and anchor, reporting it when it leads nowhere.
    pub(crate) fn target(
        &self,
        dest: &str,
        span: Range<usize>,
    ) -> Option<(SitePath, Target, String)> {
        let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
        if path.starts_with('/') {
            let (url, target) = self.resolve_site_url(path, anchor, &span)?;
            Some((url, target, anchor.to_string()))
        } else {
            let target = self.resolve_source(path, anchor, &span)?;
            let url = match target {
                Target::Generated => return None,
                t => self.target_url(t)?.clone(),
            };
            Some((url, target, anchor.to_string()))
        }
    }

    fn href(&self, url: &SitePath, anchor: &str) -> String {
        let mut href = percent_encode_path(&self.from_url.relative_to(url));
        if !anchor.is_empty() {
            href.push('#');
            href.push_str(anchor);
        }
        href
    }
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, dest: &str, span: Range<usize>) -> Option<String> {
        let written = dest;
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return None;
        }
        let (before_anchor, anchor) = dest.split_once('#').unwrap_or((dest, ""));
        // A query (`/search/?q=apology`) rides along; the path before it is
        // checked and made relative like any other, so it cannot lead off
        // the site (a root-absolute `/x?y` would leave a site under a prefix).
        let (path, query) = before_anchor.split_once('?').unwrap_or((before_anchor, ""));
        if path.is_empty() {
            if let Some(id) = self.from_page {
                self.check_anchor(id, anchor, &span);
            }
            return None;
        }
        let dest = if anchor.is_empty() {
            path.to_string()
        } else {
            format!("{path}#{anchor}")
        };
        let (url, target, anchor) = self.target(&dest, span)?;
        let mut suffix = String::new();
        if !query.is_empty() || before_anchor.ends_with('?') {
            suffix.push('?');
            suffix.push_str(query);
        }
        if !anchor.is_empty() {
            suffix.push('#');
            suffix.push_str(&anchor);
        }
        let href = self.href(&url, "") + &suffix;
        self.resolved.borrow_mut().by_dest.insert(
            written.to_string(),
            Link {
                url,
                target,
                suffix,
            },
        );
        Some(href)
    }

    fn embed_tree(
        &self,
        path: &str,
        span: Range<usize>,
        labels: &crate::stages::markdown::Labels,
    ) -> Option<String> {
        let (_, target, _) = self.target(path, span.clone())?;
        let Target::Tree(id) = target else {
            self.error(
                &span,
                format!("a ```tree block names a decision tree file, and `{path}` is not one"),
                Some("write the tree's path, e.g. `../trees/recover.yaml`".into()),
            );
            return None;
        };
        self.resolved
            .borrow_mut()
            .embeds
            .insert(path.to_string(), id);
        Some(crate::stages::markdown::embed::card(
            &self.site.trees[id],
            self.from_url,
            labels,
        ))
    }
}

/// One page's markdown, rendered with its links resolved, with its link
/// problems and the anchors it links to (checked once every page is
/// rendered).
#[derive(Debug, Clone, Default)]
pub(crate) struct PageMarkdown {
    pub(crate) rendered: Rendered,
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) anchors: Vec<AnchorCheck>,
}

/// Renders one page's markdown, resolving and checking its links.
pub(crate) fn render_page(
    site: &Site,
    id: PageId,
    highlighter: &Highlighter,
    labels: &crate::stages::markdown::Labels,
) -> PageMarkdown {
    let page = &site.pages[id];
    let links = PageLinks::new(
        site,
        &page.src,
        &page.url,
        Some(id),
        &page.file,
        page.body_start,
    )
    .with_included(&page.included);
    let rendered = markdown::render(page.body(), &links, highlighter, labels);
    let mut errors = links.errors.into_inner();
    if let Some(at) = &rendered.too_deep {
        let (_, file, at) = page.place(&(at.start..at.start + 1));
        errors.push(too_deep().at(file, at));
    }
    PageMarkdown {
        rendered,
        errors,
        anchors: links.anchors.into_inner(),
    }
}

/// Text nested past [`markdown::MAX_NESTING`].
pub(crate) fn too_deep() -> Diagnostic {
    Diagnostic::error_in(
        Code::Markdown,
        format!(
            "the text nests more than {} levels deep here",
            markdown::MAX_NESTING
        ),
    )
    .help("flatten the lists, quotes or HTML elements around this line")
}

/// Checks every recorded anchor against the rendered pages.
pub(crate) fn check_anchors(
    site: &Site,
    pages: &PerPage<PageMarkdown>,
    checks: &[AnchorCheck],
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for c in checks {
        let Some(r) = pages.get(c.target).map(|p| &p.rendered) else {
            continue;
        };

        if r.anchors.contains(&c.anchor) {
            continue;
        }
        let page = &site.pages[c.target];
        let mut d = Diagnostic::error(format!(
            "broken link: `{}` has no heading with the id `#{}`",
            page.file.name.display(),
            c.anchor
        ))
        .at(&c.file, c.span.clone())
        .code(Code::BrokenLink);
        if let Some(h) = did_you_mean(&c.anchor, r.anchors.iter().map(String::as_str)) {
            d = d.help(h);
        }
        errors.push(d);
    }
    errors
}

/// `mailto:`, `https:`, `tel:` … but not a Windows-looking `c:/` or a path.
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) if i > 1 => dest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'),
        _ => false,
    }
}

fn relative_source(from: &SourcePath, to: &str) -> String {
    let from_dirs: Vec<&str> = from.dir().split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(to_parts.iter())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("a.md"));
        assert!(!has_scheme("c:/x"));
    }

    #[test]
    fn percent_round_trip() {
        assert_eq!(percent_decode("my%20file.md"), "my file.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_encode_path("my file.png"), "my%20file.png");
    }

    #[test]
    fn relative_sources() {
        let from = SourcePath::new("recover/apologize.md");
        assert_eq!(relative_source(&from, "recover/move-on.md"), "move-on.md");
        assert_eq!(relative_source(&from, "prevent/a.md"), "../prevent/a.md");
    }

    mod properties {
        use super::*;
        use crate::model::config::{Config, Overrides};
        use crate::stages::markdown::{render, Highlighter};
        use proptest::prelude::*;

        /// A small site on disk, loaded as the build loads it.
        fn site() -> (tempfile::TempDir, Site) {
            let dir = tempfile::tempdir().unwrap();
            let write = |rel: &str, text: &str| {
                let p = dir.path().join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            };
            write("content/a.md", "---\ntitle: A\n---\n\n## Top\n\nText.\n");
            write("content/sub/b.md", "---\ntitle: B\n---\n\nText.\n");
            write("content/sub/deep/c.md", "---\ntitle: C\n---\n\nText.\n");
            write("content/img.png", "png");
            let config = Config::parse(
                dir.path(),
                "[book]\ntitle = \"T\"\n[build]\nfeed = false\n",
                &Overrides::default(),
            )
            .unwrap();
            let (site, problems) = crate::stages::load::load(config);
            assert!(problems.is_empty(), "{problems:?}");
            (dir, site)
        }

        /// Where a relative href lands from `dir` (a page URL's folder), or
        /// `None` when it climbs above the site root.
        fn lands(dir: &str, href: &str) -> Option<()> {
            let mut depth = dir.split('/').filter(|s| !s.is_empty()).count();
            for seg in href.split(['?', '#']).next().unwrap_or("").split('/') {
                match seg {
                    ".." => depth = depth.checked_sub(1)?,
                    "" | "." => {}
                    _ => depth += 1,
                }
            }
            Some(())
        }

        fn destination() -> impl Strategy<Value = String> {
            let part = prop_oneof![
                Just("..".to_string()),
                Just(".".to_string()),
                Just("a.md".to_string()),
                Just("sub".to_string()),
                Just("b.md".to_string()),
                Just("deep".to_string()),
                Just("c.md".to_string()),
                Just("img.png".to_string()),
                Just("".to_string()),
                Just("%2e%2e".to_string()),
                "[a-z.%#?]{1,6}",
            ];
            prop_oneof![
                prop::collection::vec(part, 1..7).prop_map(|p| p.join("/")),
                any::<String>(),
            ]
            .prop_map(|d| d.replace(['<', '>', '\n', '\r', '\\'], ""))
        }

        proptest! {
            // Each case loads a small site from disk, so fewer cases.
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Whatever an author links to, a link the rewriter accepts (no
            /// error reported) never points above the site's root.
            #[test]
            fn accepted_links_stay_inside_the_site(dest in destination()) {
                let (_dir, site) = site();
                let id = (0..site.pages.len())
                    .map(PageId)
                    .find(|&i| site.pages[i].src.as_str() == "sub/b.md")
                    .unwrap();
                let page = &site.pages[id];
                let text = format!("[x](<{dest}>) ![y](<{dest}>)\n");
                let file = SourceFile::new("content/sub/b.md", text.clone());
                let links = PageLinks::new(&site, &page.src, &page.url, Some(id), &file, 0);
                let html = render(
                    &text,
                    &links,
                    &Highlighter::new(),
                    &crate::stages::translations::Translations::english().markdown_labels(),
                )
                .html;
                if links.errors.borrow().is_empty() {
                    for piece in html.split(['"']).collect::<Vec<_>>().windows(2) {
                        if !(piece[0].ends_with("href=") || piece[0].ends_with("src=")) {
                            continue;
                        }
                        let href = piece[1];
                        // Links to other sites (`https:`, `mailto:`, `//host`) pass through.
                        if has_scheme(href) || href.starts_with("//") || href.starts_with('#') || href.is_empty() {
                            continue;
                        }
                        prop_assert!(!href.starts_with('/'), "{dest:?} became the absolute {href:?}");
                        prop_assert!(
                            lands(page.url.as_str(), href).is_some(),
                            "{dest:?} became {href:?}, which leaves the site"
                        );
                    }
                }
            }
        }
    }
}
