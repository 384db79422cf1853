//! Odd but legitimate inputs build, cleanly: mixed line endings, names in
//! any script, empty sections, guides without headings, very long titles,
//! and tree labels full of markdown and HTML (escaped, never injected).

use crate::common::{crawl, Site, StaticServer};

const TREE: &str = r#"title: "Labels with <b>tags</b> & **stars**"
nodes:
  q:
    type: question
    text: "Was it <script>alert('x')</script> or **this**?"
    options:
      - { id: tag, label: "A <img src=x onerror=alert(1)> tag", next: a }
      - { id: stars, label: "**Bold** & `code` & [a link](https://example.org)", next: b }
  a: { type: outcome, title: "Outcome <i>A</i>", body: "Body with <em>html</em> & *markdown*." }
  b: { type: outcome, title: Outcome B, body: Fine. }
tests:
  - { answers: [tag], expect: a }
  - { answers: [stars], expect: b }
"#;

fn site() -> Site {
    let long_title = "A very long title about recovering from a mistake at work ".repeat(8);
    Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Oddities\"\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n",
        ),
        ("content/_index.md", "Home.\n"),
        (
            "content/mixed.md",
            "---\r\ntitle: Mixed\n---\r\nLine one\rLine two\nLine three\r\n",
        ),
        ("content/empty/_index.md", "---\ntitle: Empty section\n---\n"),
        (
            "content/plain.md",
            "---\ntitle: Plain\n---\n\nJust a paragraph, no headings at all.\n\nAnd another.\n",
        ),
        (
            "content/long.md",
            &format!("---\ntitle: \"{}\"\n---\n\nText.\n", long_title.trim()),
        ),
        ("content/謝罪の仕方.md", "---\ntitle: 謝罪の仕方\n---\n\nテキスト。\n"),
        ("content/Ça va bien.md", "---\ntitle: Ça va\n---\n\nSee [the apology](謝罪の仕方.md) and [plain](plain.md).\n"),
        ("content/flow.yaml", TREE),
    ])
}

#[test]
fn odd_inputs_build_without_warnings_and_every_link_resolves() {
    let site = site();
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "warnings: {}", run.all());

    let server = StaticServer::start(&site.path("public"), "/recovery/");
    let result = crawl(server.port, "/recovery/");
    assert!(result.broken.is_empty(), "broken: {:#?}", result.broken);
    for path in [
        "/recovery/mixed/",
        "/recovery/empty/",
        "/recovery/plain/",
        "/recovery/謝罪の仕方/",
        "/recovery/ça-va-bien/",
        "/recovery/flow/",
        "/recovery/flow/tag/",
    ] {
        assert!(
            result.ok.contains(path),
            "{path} is reachable: {:#?}",
            result.ok
        );
    }
}

#[test]
fn line_endings_headings_and_titles() {
    let site = site();
    site.build_ok();
    let mixed = site.read("public/mixed/index.html");
    assert!(
        mixed.contains("Line one") && mixed.contains("Line three"),
        "{mixed}"
    );
    assert!(!mixed.contains('\r'), "carriage returns are normalised");
    let plain = site.read("public/plain/index.html");
    assert!(
        !plain.contains("On this page"),
        "no table of contents without headings"
    );
    assert!(site
        .read("public/empty/index.html")
        .contains("Empty section"));
    let long = site.read("public/long/index.html");
    assert!(
        long.contains("<h1>A very long title about recovering"),
        "{long}"
    );
}

#[test]
fn tree_labels_are_escaped_and_their_markdown_rendered() {
    let site = site();
    site.build_ok();
    let first = site.read("public/flow/index.html");
    assert!(!first.contains("<script>alert"), "no script is injected");
    assert!(
        !first.contains("<img src=x"),
        "no tag from a label is injected"
    );
    assert!(
        first.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{first}"
    );
    assert!(
        first.contains("<strong>Bold</strong>"),
        "markdown in labels renders"
    );
    assert!(first.contains("<code>code</code>"));
    let outcome = site.read("public/flow/tag/index.html");
    assert!(!outcome.contains("<img src=x"), "not in the summary either");
    let title = first
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert!(!title.contains("<b>"), "titles are escaped: {title}");
}
