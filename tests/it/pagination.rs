//! Sections, the home page and tags list their guides a page at a time:
//! page 1 at the listing's own URL, then `page/N/`, linked both ways.

use crate::common::{crawl, EventStream, Site, StaticServer};

/// Seven guides in one section, all tagged, `paginate-by` pages of them.
fn paged_site(book_extra: &str, section_front: &str) -> Site {
    let mut files = vec![
        (
            "book.toml".to_string(),
            format!(
                "[book]\ntitle = \"Paged\"\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n[build]\nsearch = false\n{book_extra}"
            ),
        ),
        ("content/_index.md".into(), "Home.\n".into()),
        (
            "content/guides/_index.md".into(),
            format!("---\ntitle: Guides\n{section_front}---\nAbout these guides.\n"),
        ),
    ];
    for i in 1..=7 {
        files.push((
            format!("content/guides/g{i}.md"),
            format!("---\ntitle: Guide {i}\nweight: {i}\ntags: [steps]\n---\n\nText {i}.\n"),
        ));
    }
    Site::from_owned(&files)
}

/// The guides a listing page links to, in order, by title.
fn listed(html: &str) -> Vec<String> {
    html.split("class=\"card-link\"")
        .skip(1)
        .map(|rest| {
            let text = &rest[rest.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn a_section_lists_its_guides_a_page_at_a_time() {
    let site = paged_site("paginate-by = 3\n", "");
    site.build_ok();
    let one = site.read("public/guides/index.html");
    let two = site.read("public/guides/page/2/index.html");
    let three = site.read("public/guides/page/3/index.html");
    assert_eq!(listed(&one), ["Guide 1", "Guide 2", "Guide 3"]);
    assert_eq!(listed(&two), ["Guide 4", "Guide 5", "Guide 6"]);
    assert_eq!(listed(&three), ["Guide 7"]);
    assert!(
        !site.exists("public/guides/page/1"),
        "page 1 is the section itself"
    );
    assert!(!site.exists("public/guides/page/4"));

    assert!(
        one.contains("<link rel=\"next\" href=\"../guides/page/2/\">"),
        "{one}"
    );
    assert!(!one.contains("rel=\"prev\""), "{one}");
    assert!(
        two.contains("<link rel=\"prev\" href=\"../../../guides/\">"),
        "{two}"
    );
    assert!(
        two.contains("<link rel=\"next\" href=\"../../../guides/page/3/\">"),
        "{two}"
    );
    assert!(
        two.contains("<a rel=\"prev\" href=\"../../../guides/\">"),
        "{two}"
    );
    assert!(three.contains("rel=\"prev\"") && !three.contains("rel=\"next\""));
    assert!(two.contains("Page 2 of 3"), "{two}");
    assert!(
        two.contains("<title>Guides (page 2 of 3) · Paged</title>"),
        "{two}"
    );
    assert!(
        two.contains(
            "<link rel=\"canonical\" href=\"https://example.github.io/recovery/guides/page/2/\">"
        ),
        "{two}"
    );
    assert!(
        one.contains("About these guides") && !two.contains("About these guides"),
        "the section's text is on its first page"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("/recovery/guides/page/3/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn every_page_link_works_under_a_path_prefix() {
    let site = paged_site("paginate-by = 2\n", "");
    site.build_ok();
    let server = StaticServer::start(&site.path("public"), "/recovery/");
    let result = crawl(server.port, "/recovery/");
    assert!(
        result.broken.is_empty(),
        "broken links: {:#?}",
        result.broken
    );
    for page in ["/recovery/guides/page/4/", "/recovery/tags/steps/page/4/"] {
        assert!(
            result.ok.contains(page),
            "{page} is reached: {:?}",
            result.ok
        );
    }
}

#[test]
fn the_home_page_shows_each_sections_first_page_and_links_to_the_rest() {
    let site = paged_site("paginate-by = 3\n", "");
    site.build_ok();
    let home = site.read("public/index.html");
    assert_eq!(listed(&home), ["Guide 1", "Guide 2", "Guide 3"]);
    assert!(home.contains("All 7 guides in Guides"), "{home}");
}

#[test]
fn tags_are_paged_too() {
    let site = paged_site("paginate-by = 5\n", "");
    site.build_ok();
    let one = site.read("public/tags/steps/index.html");
    let two = site.read("public/tags/steps/page/2/index.html");
    assert_eq!(listed(&one).len(), 5);
    assert_eq!(listed(&two).len(), 2);
    assert!(
        two.contains("<a rel=\"prev\" href=\"../../../../tags/steps/\">"),
        "{two}"
    );
}

#[test]
fn fifty_a_page_by_default_and_zero_turns_it_off() {
    let site = paged_site("", "");
    site.build_ok();
    assert!(
        !site.exists("public/guides/page"),
        "seven guides fit in fifty"
    );
    let many: Vec<(String, String)> = (1..=51)
        .map(|i| {
            (
                format!("content/g{i:02}.md"),
                format!("---\ntitle: G{i:02}\n---\nText.\n"),
            )
        })
        .chain([("book.toml".into(), "[book]\ntitle = \"Many\"\n".into())])
        .collect();
    let big = Site::from_owned(&many);
    big.build_ok();
    assert_eq!(listed(&big.read("public/index.html")).len(), 50);
    assert_eq!(listed(&big.read("public/page/2/index.html")), ["G51"]);

    let off = paged_site("paginate-by = 0\n", "");
    off.build_ok();
    assert_eq!(listed(&off.read("public/guides/index.html")).len(), 7);
    assert!(!off.exists("public/guides/page"));
}

#[test]
fn a_sections_front_matter_overrides_book_toml() {
    let site = paged_site("paginate-by = 2\n", "paginate-by: 0\n");
    site.build_ok();
    assert_eq!(listed(&site.read("public/guides/index.html")).len(), 7);
    assert!(!site.exists("public/guides/page"));
    assert!(
        site.exists("public/tags/steps/page/4/index.html"),
        "tags keep book.toml's"
    );
    let four = paged_site("", "paginate-by: 4\n");
    four.build_ok();
    assert_eq!(
        listed(&four.read("public/guides/page/2/index.html")).len(),
        3
    );
}

#[test]
fn a_page_that_takes_a_listing_pages_url_is_an_error_naming_both() {
    let site = paged_site("paginate-by = 3\n", "");
    site.write("content/guides/page/2.md", "---\ntitle: Two\n---\nText.\n");
    site.build()
        .fails_with(1)
        .stderr_has("guides/page/2/")
        .stderr_has("page 2 of the section “Guides”");
}

#[test]
fn paginate_by_in_the_wrong_place_or_out_of_range_is_an_error_at_its_line() {
    let site = paged_site("paginate-by = 3\n", "paginate-by: -2\n");
    site.write(
        "content/guides/g1.md",
        "---\ntitle: Guide 1\npaginate-by: 5\n---\nText.\n",
    );
    site.build()
        .fails_with(1)
        .stderr_has("content/guides/_index.md:3:1")
        .stderr_has("`paginate-by` must be a whole number from 0 to 100000, not -2")
        .stderr_has("content/guides/g1.md:3:1")
        .stderr_has("`paginate-by` applies to sections, not guides");
    let bad = paged_site("paginate-by = -1\n", "");
    bad.build()
        .fails_with(1)
        .stderr_has("`paginate-by` must be a whole number from 0 to 100000, not -1");
}

#[test]
fn serve_refreshes_the_listing_page_that_shows_an_edited_guide() {
    let site = paged_site("paginate-by = 3\n", "");
    let (_running, port) = crate::serve::serve(&site);
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Long enough to change its reading time, which listings show.
    let long = "word ".repeat(900);
    site.write(
        "content/guides/g5.md",
        &format!("---\ntitle: Guide 5\nweight: 5\ntags: [steps]\n---\n\n{long}\n"),
    );
    let first = events.expect("reload", crate::serve::WAIT);
    assert!(first.contains("/recovery/guides/g5/"), "{first}");
    let listings = events.expect("reload", crate::serve::WAIT);
    assert!(listings.contains("/recovery/guides/page/2/"), "{listings}");
    assert!(
        !listings.contains("/recovery/guides/\""),
        "page 1 does not show it: {listings}"
    );
    let (_, _, page) = crate::common::get(port, "/recovery/guides/page/2/");
    assert!(String::from_utf8_lossy(&page).contains("5 min read"));
}
