//! Search: hands the rendered pages worth finding to pagefind and returns its
//! bundle (the index, its WebAssembly and its JavaScript) as artifacts under
//! `pagefind/`. In memory in, in memory out: nothing touches the disk.
//!
//! pagefind's API is async; an index drives it on a current-thread tokio
//! runtime of its own. It indexes one page at a time, so whoever wants
//! indexing to overlap rendering runs an index on a thread of their own
//! (the app layer does).

use std::path::Component;
use std::sync::Arc;

use crate::base::artifact::{Artifact, Content};
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::{OutputPath, SitePath};
use crate::model::reserved::BUNDLE_DIR;

/// A search index being built.
pub(crate) struct SearchIndex {
    runtime: tokio::runtime::Runtime,
    index: pagefind::api::PagefindIndex,
}

fn failed(why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error_in(
        Code::Search,
        format!("could not build the search index: {why}"),
    )
    .help("set `search = false` under `[build]` in book.toml to build without search")
}

impl SearchIndex {
    /// An empty index for a site written in `language` (a BCP 47 tag).
    pub(crate) fn new(language: &str) -> Result<SearchIndex, Diagnostic> {
        use pagefind::options::PagefindServiceConfig;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(failed)?;
        let options = PagefindServiceConfig::builder()
            .force_language(crate::model::config::primary_language(language))
            .build();
        let index = pagefind::api::PagefindIndex::new(Some(options)).map_err(failed)?;
        Ok(SearchIndex { runtime, index })
    }

    /// Adds one page; `url` is where it is in the site, `html` all of it.
    pub(crate) fn add(&mut self, url: &SitePath, html: &[u8]) -> Result<(), Diagnostic> {
        let url = format!("/{}", url.as_str());
        let html = String::from_utf8_lossy(html).into_owned();
        let index = &mut self.index;
        self.runtime
            .block_on(index.add_html_file(None, Some(url.clone()), html))
            .map(|_| ())
            .map_err(|e| failed(format!("{url}: {e}")))
    }

    /// Builds the index from every page added and returns its files.
    pub(crate) fn finish(mut self) -> Result<Vec<Artifact>, Diagnostic> {
        let index = &mut self.index;
        let files = self.runtime.block_on(index.get_files()).map_err(failed)?;
        Ok(files.into_iter().filter_map(bundle_file).collect())
    }
}

/// Indexes `pages` in one go.
pub(crate) fn index_pages<'a>(
    language: &str,
    pages: impl IntoIterator<Item = (&'a SitePath, &'a [u8])>,
) -> Result<Vec<Artifact>, Diagnostic> {
    let mut index = SearchIndex::new(language)?;
    for (url, html) in pages {
        index.add(url, html)?;
    }
    index.finish()
}

/// Places one of pagefind's files under [`BUNDLE_DIR`], refusing any path
/// that is not plainly relative.
fn bundle_file(file: pagefind::api::SyntheticFile) -> Option<Artifact> {
    let mut path = String::from(BUNDLE_DIR);
    for part in file.filename.components() {
        match part {
            Component::Normal(p) => {
                path.push('/');
                path.push_str(p.to_str()?);
            }
            _ => return None,
        }
    }
    Some(Artifact {
        path: OutputPath::new(path),
        content: Content::Bytes(Arc::from(file.contents)),
        search: None,
        origin: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_has_the_script_and_an_index_for_the_pages_added() {
        let url = SitePath::page(["recover", "apologize"]);
        let html = "<html lang=\"en\"><body><main data-pagefind-body><h1>Apologize</h1><p>Say sorry once, plainly.</p></main></body></html>";
        let files = index_pages("en", [(&url, html.as_bytes())]).expect("index builds");
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with("pagefind/fragment/")),
            "{names:?}"
        );
        let entry = files
            .iter()
            .find(|f| f.path.as_str() == "pagefind/pagefind-entry.json")
            .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&entry.content.bytes().unwrap()).unwrap();
        assert_eq!(json["languages"]["en"]["page_count"], 1);
    }
}
