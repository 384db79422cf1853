//! Decision trees built by the real binary: every step a page, exact Back,
//! Change and summary links, outcome guide links, noindex, the map.

use crate::common::{crawl, resolve, Site, StaticServer};

const TREE: &str = r#"title: Can you recover?
description: Two questions, then a plan.
nodes:
  kind:
    type: question
    text: What kind of mistake was it?
    hint: Be *honest*.
    options:
      - { id: honest, label: "An honest mistake", next: relationships }
      - { id: broke-rules, label: "I broke a <rule> & more", next: relationships }
  relationships:
    type: question
    text: How strong are your relationships?
    options:
      - { id: strong, label: Strong, hint: "People *trust* me" }
      - { id: shaky, label: Shaky }
    next:
      - if: { kind: honest, relationships: strong }
        go: apologize
      - go: rebuild
  apologize:
    type: info
    title: First, apologize
    body: Say sorry without blame.
    next: plan
  plan:
    type: outcome
    title: Apologize, explain, then move on
    steps:
      - Apologize sincerely.
      - Explain what will change.
    guides:
      - ../guides/apologize.md#what-to-say
      - { path: ../guides/move-on.md, label: Moving on }
  rebuild:
    type: outcome
    title: Rebuild trust
    body: Take it slowly.
tests:
  - { answers: [honest, strong], expect: plan }
  - { answers: [honest, shaky], expect: rebuild }
"#;

fn site() -> Site {
    Site::new(&[
        ("book.toml", "[book]\ntitle = \"Trees\"\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n"),
        ("content/_index.md", "Home.\n"),
        ("content/flows/recover.yaml", TREE),
        ("content/guides/apologize.md", "---\ntitle: Apologize well\ndescription: Saying sorry.\n---\n\n## What to say\n\nText.\n\n```tree\n../flows/recover.yaml\n```\n"),
        ("content/guides/move-on.md", "---\ntitle: Move on\n---\n\nText.\n"),
    ])
}

fn page(site: &Site, url: &str) -> String {
    site.read(&format!("public/{url}index.html"))
}

#[test]
fn every_step_is_a_page_with_its_own_title() {
    let site = site();
    site.build_ok();
    for (url, title) in [
        ("flows/recover/", "What kind of mistake was it?"),
        (
            "flows/recover/honest/",
            "How strong are your relationships?",
        ),
        ("flows/recover/honest/strong/", "First, apologize"),
        (
            "flows/recover/honest/strong/apologize/",
            "Apologize, explain, then move on",
        ),
        ("flows/recover/honest/shaky/", "Rebuild trust"),
        ("flows/recover/broke-rules/strong/", "Rebuild trust"),
        ("flows/recover/broke-rules/shaky/", "Rebuild trust"),
    ] {
        let html = page(&site, url);
        assert!(
            html.contains(&format!(
                "<title>{title} · Can you recover? · Trees</title>"
            )),
            "{url}: {html}"
        );
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{url}");
    }
}

#[test]
fn question_pages_link_options_back_and_progress() {
    let site = site();
    site.build_ok();
    let first = page(&site, "flows/recover/");
    assert!(first.contains("href=\"honest/\""), "{first}");
    assert!(first.contains("href=\"broke-rules/\""));
    assert!(first.contains("Question 1 of 2"), "{first}");
    assert!(first.contains("<em>honest</em>"), "the hint is markdown");
    assert!(
        first.contains("I broke a &lt;rule&gt; &amp; more"),
        "labels are escaped: {first}"
    );
    assert!(
        !first.contains("class=\"back\""),
        "no Back on the first step"
    );

    let second = page(&site, "flows/recover/honest/");
    assert!(second.contains("Question 2 of 2"));
    assert!(
        second.contains("<span class=\"tree-option-hint\">People <em>trust</em> me</span>"),
        "option hints are inline inside the option's link: {second}"
    );
    assert!(
        second.contains("<a class=\"back\" href=\"../\">Back</a>"),
        "{second}"
    );
    assert!(second.contains("href=\"strong/\"") && second.contains("href=\"shaky/\""));
    assert!(second.contains("Your answers so far"));
    assert!(
        second.contains(
            "<dd>An honest mistake <a href=\"../\"><span aria-hidden=\"true\">Change</span>"
        ),
        "{second}"
    );
}

#[test]
fn the_outcome_has_the_plan_the_summary_and_guide_links() {
    let site = site();
    site.build_ok();
    let url = "flows/recover/honest/strong/apologize/";
    let html = page(&site, url);
    assert!(
        html.contains("Apologize sincerely.") && html.contains("type=\"checkbox\""),
        "{html}"
    );
    // The summary with Change links to the steps where each question was asked.
    let base = format!("/recovery/{url}");
    assert!(
        html.contains(
            "<dd>An honest mistake <a href=\"../../../\"><span aria-hidden=\"true\">Change</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<dd>Strong <a href=\"../../\"><span aria-hidden=\"true\">Change</span>"),
        "{html}"
    );
    assert_eq!(resolve(&base, "../../../"), "/recovery/flows/recover/");
    assert_eq!(resolve(&base, "../../"), "/recovery/flows/recover/honest/");
    // Guide links carry the guides' titles and resolve to real pages.
    assert!(html.contains(">Apologize well</a>"), "{html}");
    assert!(html.contains(">Moving on</a>"), "{html}");
    assert!(
        html.contains("href=\"../../../../../guides/apologize/#what-to-say\""),
        "{html}"
    );
    assert!(
        html.contains("data-print hidden"),
        "the Print button waits for JavaScript"
    );
    let server = StaticServer::start(&site.path("public"), "/recovery/");
    let result = crawl(server.port, "/recovery/flows/recover/");
    assert!(result.broken.is_empty(), "{:#?}", result.broken);
    assert!(result.ok.contains("/recovery/guides/apologize/"));
    assert!(result.ok.contains("/recovery/guides/move-on/"));
}

#[test]
fn only_the_first_step_is_indexed() {
    let site = site();
    site.build_ok();
    assert!(!page(&site, "flows/recover/").contains("noindex"));
    for url in [
        "flows/recover/honest/",
        "flows/recover/honest/strong/",
        "flows/recover/honest/shaky/",
    ] {
        assert!(
            page(&site, url).contains("<meta name=\"robots\" content=\"noindex\">"),
            "{url}"
        );
    }
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.github.io/recovery/flows/recover/</loc>"));
    assert!(!sitemap.contains("flows/recover/honest/"), "{sitemap}");
}

#[test]
fn the_map_is_svg_with_one_element_per_node_and_an_outline() {
    let site = site();
    site.build_ok();
    let html = page(&site, "flows/recover/map/");
    let start = html.find("<svg").expect("an svg");
    let end = html.find("</svg>").expect("svg end") + "</svg>".len();
    let svg = &html[start..end];
    let doc = roxmltree::Document::parse(svg).expect("the map is well-formed XML");
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "map-node"))
        })
        .collect();
    assert_eq!(nodes.len(), 5, "one element per node");
    let ids: Vec<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
    for id in [
        "node-kind",
        "node-relationships",
        "node-apologize",
        "node-plan",
        "node-rebuild",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert!(
        svg.contains("map-question") && svg.contains("map-info") && svg.contains("map-outcome")
    );
    // Each node links to the first step page that reaches it.
    assert!(
        svg.contains("href=\"../honest/strong/apologize/\""),
        "{svg}"
    );
    // The text outline is the accessible alternative.
    assert!(html.contains("The flow as a list"));
    assert!(
        html.contains("An honest mistake / I broke a &lt;rule&gt; &amp; more → <a href=\"#outline-relationships\">"),
        "{html}"
    );
}

#[test]
fn a_guide_can_embed_a_tree() {
    let site = site();
    site.build_ok();
    let html = page(&site, "guides/apologize/");
    assert!(html.contains("class=\"tree-card\""), "{html}");
    assert!(html.contains("<p class=\"tree-card-question\">What kind of mistake was it?</p>"));
    assert!(
        html.contains("href=\"../../flows/recover/honest/\""),
        "{html}"
    );
    let section = page(&site, "flows/");
    assert!(
        section.contains("Can you recover?"),
        "listings show trees: {section}"
    );
}

#[test]
fn broken_trees_fail_check_with_every_error_at_its_line() {
    let site = site();
    let broken = TREE
        .replace(
            "next: relationships }\n      - { id: broke-rules",
            "next: relationship }\n      - { id: broke-rules",
        )
        .replace(
            "../guides/apologize.md#what-to-say",
            "../guides/apologize.md#what-to-do",
        )
        .replace("      - go: rebuild\n", "      - go: rebuilt\n");
    site.write("content/flows/recover.yaml", &broken);
    let run = site.run(&["check"]);
    run.fails_with(1)
        .stderr_has("content/flows/recover.yaml:9:")
        .stderr_has("option `honest` leads to `relationship`, which is not a node of this tree")
        .stderr_has("did you mean `relationships`?")
        .stderr_has("content/flows/recover.yaml:20:")
        .stderr_has("this rule goes to `rebuilt`");
    assert!(!site.exists("public"));
    // With the structure fixed, the broken guide anchor is reported too.
    let anchor_only = TREE.replace(
        "../guides/apologize.md#what-to-say",
        "../guides/apologize.md#what-to-do",
    );
    site.write("content/flows/recover.yaml", &anchor_only);
    site.run(&["check"])
        .fails_with(1)
        .stderr_has("content/flows/recover.yaml:33:9:")
        .stderr_has("has no heading with the id `#what-to-do`");
}

#[test]
fn the_example_site_checks_clean() {
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .args(["check", "--root", env!("CARGO_MANIFEST_DIR")])
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    assert!(run.stderr.is_empty(), "{}", run.all());
}

#[test]
fn guides_show_the_trees_that_link_to_them() {
    let site = site();
    site.build_ok();
    let html = page(&site, "guides/move-on/");
    assert!(html.contains("Work through it step by step"), "{html}");
    assert!(
        html.contains("href=\"../../flows/recover/\">Can you recover?</a>"),
        "{html}"
    );
    let home = site.read("public/index.html");
    assert!(
        !home.contains("Work through it"),
        "only guides list linking trees"
    );
}
