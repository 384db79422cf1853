//! The one place for URLs and folder names mendbook keeps for itself: no
//! page, alias, tag or asset may take them.

use crate::base::paths::SitePath;

/// Where the default theme's files and the generated stylesheet live.
pub(crate) const ASSET_DIR: &str = "mendbook";

/// Where the bundle lives in the built site.
pub(crate) const BUNDLE_DIR: &str = "pagefind";

/// Where `serve` answers its live-reload requests.
pub(crate) const LIVE_DIR: &str = "__mendbook";

/// Where the Atom feed is.
pub(crate) const FEED_FILE: &str = "feed.xml";

/// Files generated for every site, whose URLs content must not take.
pub(crate) const GENERATED_FILES: &[&str] = &[
    "404.html",
    "sitemap.xml",
    FEED_FILE,
    "robots.txt",
    ".nojekyll",
    "CNAME",
];

/// The map page lives at `<tree>/map/`, so no first answer may be `map`.
pub(crate) const MAP_SEGMENT: &str = "map";

/// The URL of the search page.
pub(crate) fn search_page() -> SitePath {
    SitePath::page(["search"])
}

/// The URL of the tags index.
pub(crate) fn tags_page() -> SitePath {
    SitePath::page(["tags"])
}
