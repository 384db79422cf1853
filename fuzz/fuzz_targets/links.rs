//! Any link destination on a page of a small site: the rewriter must not
//! panic, and a link it accepts never climbs above the site's root.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mendbook::api::LinkSite;

fn site() -> &'static (tempfile::TempDir, LinkSite) {
    static SITE: OnceLock<(tempfile::TempDir, LinkSite)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in [
            ("book.toml", "[book]\ntitle = \"T\"\n[build]\nsearch = false\n"),
            ("content/a.md", "---\ntitle: A\n---\n\n## Top\n\nText.\n"),
            ("content/sub/b.md", "---\ntitle: B\n---\n\nText.\n"),
            ("content/img.png", "png"),
        ] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let site = LinkSite::load(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        (dir, site)
    })
}

fuzz_target!(|dest: &str| {
    if dest.contains(['<', '>', '\n', '\r', '\\']) {
        return;
    }
    let (_, site) = site();
    let text = format!("[x](<{dest}>)\n");
    let Some((html, accepted)) = site.render("sub/b.md", &text) else { return };
    if !accepted {
        return;
    }
    let Some(start) = html.find("href=\"") else { return };
    let href = &html[start + 6..];
    let href = &href[..href.find('"').unwrap_or(href.len())];
    if href.is_empty() || href.starts_with('#') || href.starts_with("//") || href.contains(':') {
        return;
    }
    assert!(!href.starts_with('/'), "{dest:?} -> {href:?}");
    let mut depth: usize = 2; // sub/b/
    for seg in href.split(['?', '#']).next().unwrap().split('/') {
        match seg {
            ".." => depth = depth.checked_sub(1).expect("climbs above the site root"),
            "" | "." => {}
            _ => depth += 1,
        }
    }
});
