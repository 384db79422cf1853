//! The search index while the author works: `serve` and `watch` index in
//! the background, after the edited page has gone out.

use std::time::Duration;

use crate::common::{get, EventStream, Running};
use crate::serve::{body, serve, site_with, BOOK, WAIT};

#[test]
fn the_search_index_follows_edits_after_the_page_itself() {
    let site = site_with(BOOK);
    let (running, port) = serve(&site);
    // The first index is built in the background, after the server is up.
    running.wait_for_line("search index: 2 pages", WAIT);
    assert_eq!(body(port, "/recovery/search/").0, 200);
    let (status, before) = body(port, "/recovery/pagefind/pagefind-entry.json");
    assert_eq!(status, 200);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(Duration::from_millis(300));
    let findable = |word: &str| {
        crate::search::indexed_words(|file| {
            let (status, _, bytes) = get(port, &format!("/recovery/pagefind/{file}"));
            (status == 200).then_some(bytes)
        })
        .contains(word)
    };
    assert!(findable("version") && !findable("zanzibar"));
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nA version with new words to find: Zanzibar.\n",
    );
    let first = events.expect("reload", WAIT);
    assert!(
        first.contains("/recovery/guides/a/"),
        "the page goes first: {first}"
    );
    let then = events.expect("reload", WAIT);
    assert_eq!(then, "[\"/recovery/search/\"]", "then only the search page");
    let (_, after) = body(port, "/recovery/pagefind/pagefind-entry.json");
    assert_ne!(before, after, "a new index is served");
    assert!(findable("zanzibar"), "the new word can be found");
    assert!(
        !site.exists("public"),
        "serve never writes the build folder"
    );
}

#[test]
fn watch_keeps_the_index_in_the_build_folder_current() {
    let site = site_with(BOOK);
    let running = Running::start(site.root(), &["watch"], "watching for changes");
    let fragments = || {
        std::fs::read_dir(site.path("public/pagefind/fragment"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let before = fragments();
    assert_eq!(before.len(), 2, "one fragment per guide");
    site.write(
        "content/guides/a.md",
        "---\ntitle: Guide A\n---\n\nA version with new words to find.\n",
    );
    // The first build's index is reused, so this is the edit's.
    running.wait_for_line("search index: 2 pages", WAIT);
    let deadline = std::time::Instant::now() + WAIT;
    // (A look mid-write may see the new fragment beside the old one.)
    while std::time::Instant::now() < deadline {
        let now = fragments();
        if now != before && now.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let after = fragments();
    assert_eq!(after.len(), 2, "the old fragment is removed: {after:?}");
    assert_ne!(after, before);
    let manifest = site.read("public/.mendbook-manifest");
    for name in &after {
        assert!(
            manifest.contains(&format!("pagefind/fragment/{}", name.to_string_lossy())),
            "the manifest knows the new fragment"
        );
    }
}

#[test]
fn serve_publishes_every_shard_of_a_sharded_index() {
    // One page a shard, so shards finish while others are still handed out.
    let site = site_with(&format!("{BOOK}[build]\nsearch-shard-size = 1\n"));
    for n in 0..12 {
        site.write(
            &format!("content/guides/extra-{n}.md"),
            &format!("---\ntitle: Extra {n}\n---\n\nPage number {n} with words to find.\n"),
        );
    }
    let (running, port) = serve(&site);
    running.wait_for_line("search index: 14 pages", WAIT);
    let (_, page) = body(port, "/recovery/search/");
    let merge = page
        .split("data-merge=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the search page lists the shards to merge");
    let shards: Vec<&str> = merge.split_whitespace().collect();
    assert!(shards.len() >= 8, "{shards:?}");
    for dir in shards {
        let path = format!(
            "/recovery/{}pagefind-entry.json",
            dir.trim_start_matches("../")
        );
        assert_eq!(body(port, &path).0, 200, "{path} is served");
    }
}
