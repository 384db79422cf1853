//! Listings in pages: each section's `paginate-by` (its front matter's, or
//! book.toml's), checked, and the URLs of every listing's later pages
//! claimed like any other, so no page can take one unnoticed.

use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::text::find_yaml_key;
use crate::model::config::MAX_PAGINATE_BY;
use crate::model::listing::page_url;
use crate::model::site::{PageKind, Target};

use super::builder::Builder;
use super::front_matter::Parsed;

/// A section's `paginate-by` as written, resolved against book.toml's
/// (`default`): none lists every guide on one page.
pub(super) fn resolve(
    written: Option<i64>,
    default: Option<usize>,
) -> Result<Option<usize>, String> {
    match written {
        None => Ok(default),
        Some(0) => Ok(None),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_PAGINATE_BY)
            .map(Some)
            .ok_or_else(|| {
                format!("`paginate-by` must be a whole number from 0 to {MAX_PAGINATE_BY}, not {n}")
            }),
    }
}

impl Builder {
    /// The `paginate-by` of the section `p` is the `_index.md` of.
    pub(super) fn section_paging(&mut self, p: &Parsed) -> Option<usize> {
        let default = self.site.config.paginate_by;
        resolve(p.fm.paginate_by, default).unwrap_or_else(|message| {
            let span = find_yaml_key(&p.file.text, "paginate-by").unwrap_or(0..0);
            self.diagnostics.push(
                Diagnostic::error(message)
                    .at(&p.file, span)
                    .help("0 lists every guide on one page")
                    .code(Code::FrontMatter),
            );
            default
        })
    }

    /// A guide has no listing: `paginate-by` there is a slip.
    pub(super) fn guide_paging(&mut self, p: &Parsed) {
        if p.fm.paginate_by.is_some() {
            let span = find_yaml_key(&p.file.text, "paginate-by").unwrap_or(0..0);
            self.diagnostics.push(
                Diagnostic::error("`paginate-by` applies to sections, not guides")
                    .at(&p.file, span)
                    .help("put it in the section's `_index.md`, or remove it")
                    .code(Code::FrontMatter),
            );
        }
    }

    /// Claims `page/N/` under every section and tag that lists more than
    /// one page of guides.
    pub(super) fn claim_listing_pages(&mut self) {
        let mut claims = Vec::new();
        for page in self.site.pages.iter().filter(|p| p.kind != PageKind::Guide) {
            let name = match page.kind {
                PageKind::Home => "the home page".to_string(),
                _ => format!("the section “{}”", page.title),
            };
            let at = (!page.implicit).then(|| {
                let span = find_yaml_key(&page.file.text, "paginate-by").unwrap_or(0..0);
                (page.file.clone(), span)
            });
            for n in 2..=page.listing().pages() {
                claims.push((
                    page_url(&page.url, n),
                    format!("page {n} of {name}"),
                    at.clone(),
                ));
            }
        }
        let per = self.site.config.paginate_by;
        for tag in &self.site.tags {
            for n in 2..=tag.listing(per).pages() {
                let owner = format!("page {n} of the tag `{}`", tag.name);
                claims.push((page_url(&tag.url, n), owner, None));
            }
        }
        for (url, owner, at) in claims {
            let at = at.as_ref().map(|(file, span)| (file, span.clone()));
            self.claim(&url, &owner, Target::Generated, at);
        }
    }
}
