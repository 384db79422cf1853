//! Any link destination on a page of a small site: the rewriter must not
//! panic, and a link it accepts never climbs above the site's root.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mendbook::config::{Config, Overrides};
use mendbook::diagnostics::SourceFile;
use mendbook::links::PageLinks;
use mendbook::markdown::{render, Highlighter};
use mendbook::site::Site;

fn site() -> &'static (tempfile::TempDir, Site) {
    static SITE: OnceLock<(tempfile::TempDir, Site)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in [
            ("content/a.md", "---\ntitle: A\n---\n\n## Top\n\nText.\n"),
            ("content/sub/b.md", "---\ntitle: B\n---\n\nText.\n"),
            ("content/img.png", "png"),
        ] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let config = Config::parse(dir.path(), "[book]\ntitle = \"T\"\n", &Overrides::default()).unwrap();
        let (site, _) = mendbook::content::load(config);
        (dir, site)
    })
}

fuzz_target!(|dest: &str| {
    if dest.contains(['<', '>', '\n', '\r', '\\']) {
        return;
    }
    let (_, site) = site();
    let id = (0..site.pages.len()).find(|&i| site.pages[i].src.as_str() == "sub/b.md").unwrap();
    let page = &site.pages[id];
    let text = format!("[x](<{dest}>)\n");
    let file = SourceFile::new("content/sub/b.md", text.clone());
    let links = PageLinks::new(site, &page.src, &page.url, Some(id), &file, 0);
    let html = render(&text, &links, &Highlighter::new()).html;
    if !links.errors.borrow().is_empty() {
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
