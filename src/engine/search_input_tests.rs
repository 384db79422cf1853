//! pagefind is given each page's indexed region alone (see
//! `stages::search`); this holds that to recording exactly what the whole
//! page records, on every searched page of the example site.

use std::borrow::Cow;
use std::sync::Arc;

use crate::model::config::{Config, Overrides};
use crate::stages::search::{bundle_bytes, index_read, search_input, trimmed, whole_page, Page};

#[test]
fn the_example_sites_index_is_the_same_from_trimmed_pages_as_from_whole_ones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root, &Overrides::default()).expect("the example site");
    let loaded = super::Loaded::load(config);
    let renderer = loaded.renderer().expect("the default theme");
    let pages: Vec<Page> = renderer
        .jobs()
        .into_iter()
        .filter(|job| renderer.searched(*job))
        .map(|job| {
            let file = renderer.render(job).expect("the page renders");
            let url = file.search.clone().expect("a searched page");
            (url, Arc::from(file.content.bytes().expect("HTML").to_vec()))
        })
        .collect();
    assert!(pages.len() > 10, "{} pages", pages.len());
    // Every page of the default theme is trimmed, or this proves nothing.
    for (url, html) in &pages {
        assert!(
            trimmed(std::str::from_utf8(html).unwrap()).is_some(),
            "{url:?} is given to pagefind whole"
        );
    }
    let bundle = |read: fn(&str) -> Cow<'_, str>| {
        bundle_bytes(&index_read("en", 0, pages.clone(), true, read).expect("the index builds"))
    };
    let whole = bundle(whole_page);
    let cut = bundle(search_input);
    assert_eq!(
        whole.iter().map(|f| &f.0).collect::<Vec<_>>(),
        cut.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (w, c) in whole.iter().zip(&cut) {
        assert!(w.1 == c.1, "{} differs", w.0);
    }
}
