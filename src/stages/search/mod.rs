//! Search: hands the rendered pages worth finding to pagefind and returns its
//! bundle (the index, its WebAssembly and its JavaScript) as artifacts under
//! `pagefind/`. In memory in, in memory out: nothing touches the disk.
//!
//! A site's pages are split into shards of about `search-shard-size` (800
//! by default), each an index of its own: pagefind indexes one page at a
//! time, so shards are how indexing uses every core, and how its memory
//! stays bounded (a shard is finished and let go while the next renders).
//! The primary shard's bundle (the first with pages) has pagefind's
//! scripts; the others only their index, which the search page merges
//! (`mergeIndex`). A page's shard comes from a hash of its URL, so editing
//! a page re-indexes only its shard.
//!
//! pagefind's API is async; an index drives it on a current-thread tokio
//! runtime of its own.

use std::borrow::Cow;
use std::path::Component;
use std::sync::Arc;

use crate::base::artifact::{Artifact, Content};
use crate::base::diagnostics::{Code, Diagnostic};
use crate::base::paths::{OutputPath, SitePath};
use crate::model::reserved::BUNDLE_DIR;

mod input;

pub(crate) use input::search_input;
#[cfg(test)]
pub(crate) use input::trimmed;

/// The most shards a site is split into.
const MAX_SHARDS: usize = 256;

/// The environment variable pagefind reads its index chunk size from (word
/// locations per chunk); its API has no option for it.
pub(crate) const CHUNK_SIZE_VAR: &str = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE";

/// The chunk size mendbook asks for: a query fetches one chunk from every
/// shard, so at pagefind's 20,000 each shard sent about 22 KB of other words
/// with the one asked for, and a first search at 10,000 guides cost 450 KB
/// instead of 310 KB. At 2,000 a rare word costs 184 KB there (238 KB at
/// 4,000); a word on every page is its own chunk at any of these sizes, and
/// builds took the same time at 1,000, 2,000 and 4,000.
pub(crate) const SHARD_CHUNK_SIZE: usize = 2000;

/// A page to index: its URL and its HTML.
pub(crate) type Page = (SitePath, Arc<[u8]>);

/// How a site's searched pages are split into shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shards {
    count: usize,
}

impl Shards {
    /// The split for a site that searches `pages` pages, about `size` a
    /// shard.
    pub(crate) fn for_pages(pages: usize, size: usize) -> Shards {
        Shards {
            count: pages.div_ceil(size.max(1)).clamp(1, MAX_SHARDS),
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The shard a page belongs to: a hash of its URL, so it stays put.
    pub(crate) fn of(&self, url: &SitePath) -> usize {
        (xxhash_rust::xxh3::xxh3_64(url.as_str().as_bytes()) % self.count as u64) as usize
    }

    /// Where shard `shard`'s bundle lives, relative to the site root.
    pub(crate) fn dir(shard: usize) -> String {
        match shard {
            0 => format!("{BUNDLE_DIR}/"),
            n => format!("{BUNDLE_DIR}/shard-{n}/"),
        }
    }

    /// The shard whose bundle `path` (relative to the site root) is a file
    /// of, if any. (The first shard's folder holds the others'.)
    pub(crate) fn holder(path: &str) -> Option<usize> {
        let rest = path.strip_prefix(BUNDLE_DIR)?.strip_prefix('/')?;
        let Some(rest) = rest.strip_prefix("shard-") else {
            return Some(0);
        };
        let (n, _) = rest.split_once('/')?;
        let shard: usize = n.parse().ok()?;
        // Only the spelling `dir` writes: no sign, no leading zero.
        (shard > 0 && n == shard.to_string()).then_some(shard)
    }

    /// The shard whose bundle carries pagefind's scripts, and so the one
    /// the search page loads first: the first with pages (`sizes`: the
    /// page count of each).
    pub(crate) fn primary(sizes: &[usize]) -> usize {
        sizes.iter().position(|n| *n > 0).unwrap_or(0)
    }
}

fn failed(why: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error_in(
        Code::Search,
        format!("could not build the search index: {why}"),
    )
    .help("set `search = false` under `[build]` in book.toml to build without search")
}

/// What a shard's index depends on, as a key: pagefind's version and chunk
/// size, the language, and every page's URL and bytes. The same key means the same
/// index, so it need not be built again.
pub(crate) fn shard_key(language: &str, shards: &Shards, pages: &[Page], scripts: bool) -> String {
    let mut sorted: Vec<&Page> = pages.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(b"\0pagefind 1.6\0");
    h.update(std::env::var(CHUNK_SIZE_VAR).unwrap_or_default().as_bytes());
    h.update(b"\0");
    h.update(language.as_bytes());
    h.update(&(shards.count() as u64).to_le_bytes());
    h.update(&[u8::from(scripts)]);
    for (url, html) in sorted {
        h.update(b"\0");
        h.update(url.as_str().as_bytes());
        h.update(&xxhash_rust::xxh3::xxh3_64(html).to_le_bytes());
    }
    format!("{:032x}", h.digest128())
}

/// Indexes one shard's pages and returns its bundle's files, with
/// pagefind's scripts when `scripts`. Pages are added in URL order, so the
/// same pages always give the same bytes.
pub(crate) fn index_shard(
    language: &str,
    shard: usize,
    pages: Vec<Page>,
    scripts: bool,
) -> Result<Vec<Artifact>, Diagnostic> {
    index_read(language, shard, pages, scripts, search_input)
}

/// `index_shard`, with pagefind given `read(page)` of each page: the test
/// that trimming changes nothing compares against whole pages.
pub(crate) fn index_read(
    language: &str,
    shard: usize,
    mut pages: Vec<Page>,
    scripts: bool,
    read: fn(&str) -> Cow<'_, str>,
) -> Result<Vec<Artifact>, Diagnostic> {
    use pagefind::options::PagefindServiceConfig;
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(failed)?;
    let options = PagefindServiceConfig::builder()
        .force_language(crate::model::config::primary_language(language))
        .build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(failed)?;
    runtime.block_on(async {
        for (url, html) in pages {
            let url = format!("/{}", url.as_str());
            let html = read(&String::from_utf8_lossy(&html)).into_owned();
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| failed(format!("{url}: {e}")))?;
        }
        let files = index.get_files().await.map_err(failed)?;
        Ok(files
            .into_iter()
            .filter_map(|f| bundle_file(shard, scripts, f))
            .collect())
    })
}

/// Places one of pagefind's files in shard `shard`'s folder, refusing any
/// path that is not plainly relative. Without `scripts` only the index is
/// kept: the scripts come with the primary shard.
fn bundle_file(
    shard: usize,
    scripts: bool,
    file: pagefind::api::SyntheticFile,
) -> Option<Artifact> {
    let mut path = Shards::dir(shard);
    let mut parts = Vec::new();
    for part in file.filename.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_str()?.to_string()),
            _ => return None,
        }
    }
    let name = parts.join("/");
    let data = name.starts_with("index/")
        || name.starts_with("fragment/")
        || name.starts_with("filter/")
        || name.ends_with(".pf_meta")
        || name == "pagefind-entry.json";
    if !scripts && !data {
        return None;
    }
    path.push_str(&name);
    Some(Artifact {
        path: OutputPath::new(path),
        content: Content::Bytes(Arc::from(file.contents)),
        search: None,
        origin: None,
    })
}

/// What pagefind is given of a page when it is not trimmed: the whole
/// page. For the tests that hold trimming to changing nothing.
#[cfg(test)]
pub(crate) fn whole_page(html: &str) -> Cow<'_, str> {
    Cow::Borrowed(html)
}

/// A bundle's files as (path, bytes), sorted, for comparing two bundles.
#[cfg(test)]
pub(crate) fn bundle_bytes(files: &[Artifact]) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = files
        .iter()
        .map(|f| {
            (
                f.path.as_str().to_string(),
                f.content.bytes().expect("bundle files are bytes").to_vec(),
            )
        })
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &[&str], text: &str) -> Page {
        let html = format!("<html lang=\"en\"><body><main data-pagefind-body><h1>{text}</h1><p>Say sorry once, plainly.</p></main></body></html>");
        (
            SitePath::page(url.iter().copied()),
            Arc::from(html.into_bytes()),
        )
    }

    #[test]
    fn a_bundle_has_the_script_and_an_index_for_the_pages_added() {
        let files = index_shard(
            "en",
            0,
            vec![page(&["recover", "apologize"], "Apologize")],
            true,
        )
        .expect("index builds");
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

    #[test]
    fn shards_without_scripts_hold_only_their_index_and_the_same_pages_give_the_same_bytes() {
        let pages = vec![page(&["a"], "First"), page(&["b"], "Second")];
        let mut reversed = pages.clone();
        reversed.reverse();
        let one = index_shard("en", 3, pages, false).unwrap();
        let two = index_shard("en", 3, reversed, false).unwrap();
        let names: Vec<&str> = one.iter().map(|f| f.path.as_str()).collect();
        assert!(
            names.iter().all(|n| n.starts_with("pagefind/shard-3/")),
            "{names:?}"
        );
        assert!(
            !names
                .iter()
                .any(|n| n.ends_with(".js") || n.contains("wasm")),
            "{names:?}"
        );
        assert_eq!(bundle_bytes(&one), bundle_bytes(&two));
    }

    #[test]
    fn a_trimmed_page_without_a_heading_keeps_its_title_and_language() {
        let html = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>S’excuser · Site</title></head><body><nav>Menu</nav><main data-pagefind-body><p>Dire pardon une fois.</p><img src=\"a.png\" alt=\"A\"></main><footer>Pied</footer></body></html>";
        assert!(trimmed(html).is_some());
        let pages = vec![(SitePath::page(["s"]), Arc::from(html.as_bytes()))];
        let bundle = |read: fn(&str) -> Cow<'_, str>| {
            bundle_bytes(&index_read("fr", 0, pages.clone(), false, read).unwrap())
        };
        assert_eq!(bundle(whole_page), bundle(search_input));
    }

    #[test]
    fn a_bundle_file_belongs_to_the_shard_whose_folder_it_is_in() {
        for shard in [0, 1, 12] {
            let file = format!("{}fragment/en_1.pf_fragment", Shards::dir(shard));
            assert_eq!(Shards::holder(&file), Some(shard), "{file}");
        }
        for other in [
            "guides/index.html",
            "pagefindx/a",
            "pagefind/shard-0/a",
            "pagefind/shard-01/a",
            "pagefind/shard-+1/a",
            "pagefind/shard-x/a",
        ] {
            assert_eq!(Shards::holder(other), None, "{other}");
        }
    }

    #[test]
    fn shards_split_by_size_and_keep_each_page_in_one() {
        assert_eq!(Shards::for_pages(0, 1000).count(), 1);
        assert_eq!(Shards::for_pages(1_000, 1000).count(), 1);
        assert_eq!(Shards::for_pages(10_000, 1000).count(), 10);
        let shards = Shards::for_pages(10_000, 1000);
        let url = SitePath::page(["guides", "g00042"]);
        assert_eq!(shards.of(&url), shards.of(&url.clone()));
        assert!(shards.of(&url) < 10);
    }
}
