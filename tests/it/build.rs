//! `mendbook build` on fixture sites: the output a reader and a host see.

use crate::common::{crawl, get, Site, StaticServer};

const BOOK: &str = "[book]\ntitle = \"Fixture guides\"\n\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n";

fn rich_site() -> Site {
    Site::new(&[
        ("book.toml", BOOK),
        ("content/_index.md", "---\ntitle: Welcome\n---\nStart with [the apology](recover/apologize.md#what-to-say).\n"),
        ("content/recover/_index.md", "---\ntitle: Recover\nweight: 1\n---\nHow to recover.\n"),
        (
            "content/recover/apologize.md",
            "---\ntitle: Apologize well\ndescription: Say sorry without excuses.\nweight: 1\ndate: 2026-03-01\ntags: [apology, trust]\naliases: [/old/sorry/]\n---\n\n## What to say\n\nSee [moving on](move-on.md) and [the cause](../prevent/cause.md#warning-signs).\n\n![chart](chart.png)\n\n> [!TIP]\n> Keep it short.\n\n```rust\nfn main() {}\n```\n",
        ),
        ("content/recover/move-on.md", "---\ntitle: Move on\nweight: 2\ntags: [mindset]\n---\n\n## Let it go\n\nBack to [apologizing](apologize.md).\n"),
        ("content/recover/chart.png", "not really a png"),
        ("content/prevent/_index.md", "---\ntitle: Prevent\nweight: 2\n---\n"),
        ("content/prevent/cause.md", "---\ntitle: Find the cause\ntags: [Trust]\n---\n\n## Warning signs\n\nText. See [the section](../recover/).\n"),
    ])
}

#[test]
fn links_and_assets_work_under_a_path_prefix() {
    let site = rich_site();
    site.build_ok();
    let server = StaticServer::start(&site.path("public"), "/recovery/");
    let result = crawl(server.port, "/recovery/");
    assert!(
        result.broken.is_empty(),
        "broken links: {:#?}",
        result.broken
    );
    for page in [
        "/recovery/recover/apologize/",
        "/recovery/recover/move-on/",
        "/recovery/prevent/cause/",
        "/recovery/tags/",
        "/recovery/tags/trust/",
        "/recovery/recover/chart.png",
        "/recovery/mendbook/style.css",
        "/recovery/mendbook/favicon.svg",
    ] {
        assert!(
            result.ok.contains(page),
            "{page} was not reached: {:#?}",
            result.ok
        );
    }
    // Every page names its icon, so no browser asks the host's root for one.
    for entry in walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            let redirect = html.contains("http-equiv=\"refresh\"");
            assert!(
                redirect || html.contains("<link rel=\"icon\""),
                "{} links no icon",
                entry.path().display()
            );
        }
    }
}

#[test]
fn links_work_at_a_domain_root_too() {
    let site = rich_site();
    site.build_ok();
    let server = StaticServer::start(&site.path("public"), "/");
    let result = crawl(server.port, "/");
    assert!(
        result.broken.is_empty(),
        "broken links: {:#?}",
        result.broken
    );
    assert!(result.ok.contains("/recover/apologize/"));
}

#[test]
fn markdown_links_are_rewritten_to_relative_urls() {
    let site = rich_site();
    site.build_ok();
    let html = site.read("public/recover/apologize/index.html");
    assert!(html.contains("href=\"../move-on/\""), "{html}");
    assert!(
        html.contains("href=\"../../prevent/cause/#warning-signs\""),
        "{html}"
    );
    assert!(html.contains("src=\"../chart.png\""), "{html}");
    let home = site.read("public/index.html");
    assert!(
        home.contains("href=\"recover/apologize/#what-to-say\""),
        "{home}"
    );
}

#[test]
fn markdown_extensions_render() {
    let site = rich_site();
    site.build_ok();
    let html = site.read("public/recover/apologize/index.html");
    assert!(html.contains("<h2 id=\"what-to-say\">"), "{html}");
    assert!(
        html.contains("href=\"#what-to-say\""),
        "self-link and toc: {html}"
    );
    assert!(html.contains("class=\"callout callout-tip\""), "{html}");
    assert!(
        html.contains("<span class=\"hl-"),
        "highlighted code: {html}"
    );
    let css = site.read("public/mendbook/syntax.css");
    assert!(css.contains(".hl-"), "{css}");
    assert!(css.contains("prefers-color-scheme: dark"), "{css}");
}

#[test]
fn alias_redirects_to_the_page() {
    let site = rich_site();
    site.build_ok();
    let html = site.read("public/old/sorry/index.html");
    assert!(
        html.contains("http-equiv=\"refresh\" content=\"0; url=../../recover/apologize/\""),
        "{html}"
    );
    assert!(html.contains(
        "rel=\"canonical\" href=\"https://example.github.io/recovery/recover/apologize/\""
    ));
    // The redirect resolves to a real page under the prefix.
    let server = StaticServer::start(&site.path("public"), "/recovery/");
    let (status, _, _) = get(
        server.port,
        &crate::common::resolve("/recovery/old/sorry/", "../../recover/apologize/"),
    );
    assert_eq!(status, 200);
}

#[test]
fn tag_pages_list_their_guides() {
    let site = rich_site();
    site.build_ok();
    let index = site.read("public/tags/index.html");
    for tag in ["apology", "trust", "mindset"] {
        assert!(
            index.contains(&format!("href=\"../tags/{tag}/\"")),
            "{tag} missing: {index}"
        );
    }
    // `Trust` and `trust` are one tag.
    let trust = site.read("public/tags/trust/index.html");
    assert!(
        trust.contains("Apologize well") && trust.contains("Find the cause"),
        "{trust}"
    );
    assert!(!trust.contains("Move on"));
    let guide = site.read("public/recover/apologize/index.html");
    assert!(guide.contains("href=\"../../tags/apology/\""));
}

#[test]
fn sitemap_robots_nojekyll_and_cname() {
    let site = rich_site();
    site.write(
        "book.toml",
        &format!("{BOOK}cname = \"guides.example.com\"\n"),
    );
    site.build_ok();
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.github.io/recovery/recover/apologize/</loc><lastmod>2026-03-01</lastmod>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://example.github.io/recovery/</loc>"));
    assert!(sitemap.contains("<loc>https://example.github.io/recovery/tags/trust/</loc>"));
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://example.github.io/recovery/sitemap.xml"));
    assert!(site.exists("public/.nojekyll"));
    assert_eq!(site.read("public/CNAME"), "guides.example.com\n");
}

#[test]
fn base_url_flag_overrides_book_toml() {
    let site = rich_site();
    let run = site.run(&["build", "--base-url", "https://guides.example.org/"]);
    assert!(run.ok(), "{}", run.all());
    assert!(site
        .read("public/sitemap.xml")
        .contains("<loc>https://guides.example.org/recover/apologize/</loc>"));
    assert!(site
        .read("public/404.html")
        .contains("href=\"/mendbook/style.css\""));
}

#[test]
fn not_found_page_works_at_any_depth() {
    let site = rich_site();
    site.build_ok();
    let html = site.read("public/404.html");
    assert!(
        html.contains("href=\"/recovery/mendbook/style.css\""),
        "{html}"
    );
    assert!(html.contains("href=\"/recovery/recover/\""), "{html}");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    // Every link in it resolves from a deep, made-up URL.
    let server = StaticServer::start(&site.path("public"), "/recovery/");
    for link in crate::common::links_in(&html) {
        assert!(
            !link.starts_with("http"),
            "the 404 page links only inside the site: {link}"
        );
        if link.starts_with('#') {
            continue;
        }
        let target = crate::common::resolve("/recovery/no/such/deep/page/", &link);
        assert_eq!(get(server.port, &target).0, 200, "{link} -> {target}");
    }
}

#[test]
fn sections_order_by_weight_then_title_with_prev_next() {
    let site = rich_site();
    site.build_ok();
    let section = site.read("public/recover/index.html");
    let a = section.find("Apologize well").unwrap();
    let b = section.find("Move on").unwrap();
    assert!(a < b);
    let first = site.read("public/recover/apologize/index.html");
    assert!(
        first.contains("rel=\"next\" href=\"../../recover/move-on/\""),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""));
    let home = site.read("public/index.html");
    assert!(home.find("Recover").unwrap() < home.find("Prevent").unwrap());
}

#[test]
fn bom_and_crlf_are_accepted() {
    let site = Site::new(&[
        ("content/_index.md", "\u{feff}---\r\ntitle: Home\r\n---\r\nHello\r\n"),
        ("content/a.md", "\u{feff}---\r\ntitle: With CRLF\r\ntags: [x]\r\n---\r\n\r\n## Heading\r\n\r\nText [home](_index.md).\r\n"),
        ("content/b.md", "# Title from heading\r\n\r\nBody\r\n"),
    ]);
    site.build_ok();
    let a = site.read("public/a/index.html");
    assert!(a.contains("<h1>With CRLF</h1>"), "{a}");
    assert!(a.contains("<h2 id=\"heading\">"));
    let b = site.read("public/b/index.html");
    assert!(b.contains("<h1>Title from heading</h1>"));
    assert_eq!(b.matches("<h1>").count(), 1, "the heading is not repeated");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new(&[
        ("content/_index.md", "Home\n"),
        (
            "content/wip.md",
            "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n",
        ),
    ]);
    site.build_ok();
    assert!(!site.exists("public/wip/index.html"));
    let run = site.run(&["build", "--drafts"]);
    assert!(run.ok(), "{}", run.all());
    assert!(site.read("public/wip/index.html").contains("Draft"));
    // Without --drafts again, the draft page goes away.
    site.build_ok();
    assert!(!site.exists("public/wip/index.html"));
}

#[test]
fn assets_are_copied_beside_their_pages() {
    let site = rich_site();
    site.write_bytes("content/recover/guide.pdf", &[0, 1, 2, 255]);
    site.build_ok();
    assert_eq!(
        std::fs::read(site.path("public/recover/guide.pdf")).unwrap(),
        vec![0, 1, 2, 255]
    );
}

#[test]
fn summary_line_and_no_warnings() {
    let site = rich_site();
    let run = site.build_ok();
    assert!(run.stdout.starts_with("Built "), "{}", run.all());
    assert!(run.stdout.contains(" pages in "));
    assert!(run.stderr.is_empty(), "{}", run.all());
    let quiet = site.run(&["build", "-q"]);
    assert!(quiet.ok() && quiet.stdout.is_empty(), "{}", quiet.all());
}

#[test]
fn directories_without_an_index_still_get_a_section_page() {
    let site = Site::new(&[("content/guides/g1.md", "---\ntitle: One\n---\nx\n")]);
    site.build_ok();
    let section = site.read("public/guides/index.html");
    assert!(section.contains("<h1>Guides</h1>"), "{section}");
    assert!(
        section.contains("href=\"../guides/g1/\"") || section.contains("href=\"g1/\""),
        "{section}"
    );
}

#[test]
fn file_names_with_spaces_and_accents_get_clean_urls() {
    let site = Site::new(&[
        (
            "content/_index.md",
            "See [it](Café%20notes.md) and ![pic](my%20pic.png).\n",
        ),
        ("content/Café notes.md", "# Café notes\n\nHi.\n"),
        ("content/my pic.png", "png"),
    ]);
    site.build_ok();
    assert!(site.exists("public/café-notes/index.html"));
    let home = site.read("public/index.html");
    assert!(home.contains("href=\"café-notes/\""), "{home}");
    assert!(home.contains("src=\"my%20pic.png\""), "{home}");
}

#[test]
fn a_theme_folder_overrides_single_templates() {
    let site = rich_site();
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ page.title }} by my theme</p>{{ page.content }}{% endblock main %}",
    );
    site.build_ok();
    let guide = site.read("public/recover/move-on/index.html");
    assert!(
        guide.contains("<p class=\"custom\">Move on by my theme</p>"),
        "{guide}"
    );
    assert!(
        guide.contains("mendbook/style.css"),
        "base.html still comes from the built-in theme"
    );
    let section = site.read("public/recover/index.html");
    assert!(!section.contains("by my theme"));
    assert!(section.contains("<h1>Recover</h1>"));
}

#[test]
fn a_named_theme_is_picked_from_themes_folder() {
    let site = rich_site();
    site.write("book.toml", &format!("{BOOK}[build]\ntheme = \"plain\"\n"));
    site.write(
        "themes/plain/static/mendbook/style.css",
        "body { color: red }",
    );
    site.build_ok();
    assert_eq!(
        site.read("public/mendbook/style.css"),
        "body { color: red }"
    );
}

#[test]
fn sections_nest() {
    let site = Site::new(&[
        ("content/_index.md", "Home\n"),
        ("content/work/_index.md", "---\ntitle: Work\n---\n"),
        ("content/work/teams/_index.md", "---\ntitle: Teams\n---\n"),
        (
            "content/work/teams/review.md",
            "---\ntitle: Ask for review\n---\nBack [up](../_index.md).\n",
        ),
    ]);
    site.build_ok();
    let inner = site.read("public/work/teams/review/index.html");
    assert!(
        inner.contains("href=\"../../\""),
        "link to the parent section: {inner}"
    );
    assert!(
        inner.contains(">Work</a>") && inner.contains(">Teams</a>"),
        "breadcrumbs: {inner}"
    );
    let work = site.read("public/work/index.html");
    assert!(
        work.contains("Teams"),
        "the section lists its sub-section: {work}"
    );
}

#[test]
fn links_to_decision_trees_resolve() {
    let site = Site::new(&[
        (
            "content/_index.md",
            "Take [the quiz](flows/recover.yaml).\n",
        ),
        (
            "content/flows/recover.yaml",
            "title: Can you recover?\ndescription: Three questions.\nnodes:\n  q:\n    type: question\n    text: Honest?\n    options:\n      - { id: yes, label: Yes, next: a }\n      - { id: no, label: No, next: b }\n  a: { type: outcome, title: Good, body: Fine. }\n  b: { type: outcome, title: Hm, body: Less fine. }\ntests:\n  - { answers: [yes], expect: a }\n  - { answers: [no], expect: b }\n",
        ),
    ]);
    site.build_ok();
    assert!(site
        .read("public/index.html")
        .contains("href=\"flows/recover/\""));
    assert!(site
        .read("public/flows/recover/index.html")
        .contains("Can you recover?"));
}

#[test]
fn the_home_page_puts_the_introduction_before_the_tree_cards_unless_told_where() {
    const TREE: &str = "title: Can you recover?\nnodes:\n  q:\n    type: question\n    text: Honest?\n    options:\n      - { id: yes, label: Yes, next: a }\n      - { id: no, label: No, next: a }\n  a: { type: outcome, title: Good, body: Fine. }\n";
    let site = Site::new(&[
        (
            "content/_index.md",
            "Everyone slips up.\n\nAfter the cards.\n",
        ),
        ("content/flows/recover.yaml", TREE),
    ]);
    // Where each text lands on the built home page.
    let positions = |texts: [&str; 3]| {
        site.build_ok();
        let home = site.read("public/index.html");
        assert!(!home.contains("start-here -->"), "the marker is not shown");
        texts.map(|t| home.find(t).unwrap_or_else(|| panic!("{t} in {home}")))
    };
    let texts = [
        "Everyone slips up.",
        "id=\"start-title\"",
        "After the cards.",
    ];
    let [intro, cards, after] = positions(texts);
    assert!(intro < cards && after < cards, "the text, then the cards");

    site.write(
        "content/_index.md",
        "Everyone slips up.\n\n<!-- start-here -->\n\nAfter the cards.\n",
    );
    let [intro, cards, after] = positions(texts);
    assert!(
        intro < cards && cards < after,
        "the cards where the marker is"
    );
}
