//! The search index built by the real binary: which pages it covers, what it
//! records of each, that it follows edits without leaving stale files, and
//! that `search = false` leaves it out. (Searching in a browser is in
//! tests/browser.)

use std::io::Read;

use crate::common::Site;

const TREE: &str = r#"title: Can you recover?
description: Two questions, then a plan.
nodes:
  kind:
    type: question
    text: What kind of mistake was it?
    options:
      - { id: honest, label: "An honest mistake", next: relationships }
      - { id: broke-rules, label: "I broke a rule", next: relationships }
  relationships:
    type: question
    text: How strong are your relationships at work?
    options:
      - { id: strong, label: Strong }
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
  rebuild:
    type: outcome
    title: Rebuild trust slowly
    body: Take it one promise at a time.
"#;

fn site(book: &str) -> Site {
    Site::new(&[
        ("book.toml", book),
        ("content/_index.md", "Home.\n"),
        (
            "content/recover/_index.md",
            "---\ntitle: Recovering\n---\nSection text.\n",
        ),
        ("content/recover/flow.yaml", TREE),
        (
            "content/recover/apologize.md",
            "---\ntitle: Apologize well\ntags: [apology, trust]\n---\n\nSay it once, plainly, with no excuses.\n",
        ),
        (
            "content/recover/move-on.md",
            "---\ntitle: Move on\n---\n\nLet the mistake go.\n",
        ),
    ])
}

const BOOK: &str = "[book]\ntitle = \"Search\"\n";

/// Every record of the index: pagefind's fragments, unzipped.
fn fragments(site: &Site) -> Vec<serde_json::Value> {
    let dir = site.path("public/pagefind/fragment");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the bundle has fragments") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let json = text
            .strip_prefix("pagefind_dcd")
            .expect("pagefind's marker");
        all.push(serde_json::from_str(json).unwrap());
    }
    all.sort_by_key(|f: &serde_json::Value| f["url"].as_str().unwrap_or("").to_string());
    all
}

fn urls(fragments: &[serde_json::Value]) -> Vec<&str> {
    fragments
        .iter()
        .map(|f| f["url"].as_str().unwrap())
        .collect()
}

#[test]
fn guides_tree_starts_and_each_outcome_once_are_indexed() {
    let site = site(BOOK);
    site.build_ok();
    let found = fragments(&site);
    assert_eq!(
        urls(&found),
        [
            "/recover/apologize/",
            "/recover/flow/",
            "/recover/flow/honest/shaky/",
            "/recover/flow/honest/strong/apologize/",
            "/recover/move-on/",
        ],
        "guides, the tree's first step and each outcome at its first path; \
         not sections, the home page, later questions or info steps"
    );
    let entry: serde_json::Value =
        serde_json::from_str(&site.read("public/pagefind/pagefind-entry.json")).unwrap();
    assert_eq!(entry["languages"]["en"]["page_count"], 5);
    assert!(site.exists("public/pagefind/pagefind.js"));
}

#[test]
fn records_carry_title_kind_section_and_tags_and_only_the_content() {
    let site = site(BOOK);
    site.build_ok();
    let found = fragments(&site);
    let get = |url: &str| found.iter().find(|f| f["url"] == url).unwrap();

    let guide = get("/recover/apologize/");
    assert_eq!(guide["meta"]["title"], "Apologize well");
    assert_eq!(guide["meta"]["kind"], "Guide");
    assert_eq!(guide["filters"]["section"][0], "Recovering");
    assert_eq!(
        guide["filters"]["tag"],
        serde_json::json!(["apology", "trust"])
    );
    let text = guide["content"].as_str().unwrap();
    assert!(text.contains("Say it once, plainly"), "{text}");
    assert!(
        !text.contains("Move on") && !text.contains("Skip to main content"),
        "navigation is not indexed: {text}"
    );

    let tree = get("/recover/flow/");
    assert_eq!(tree["meta"]["title"], "Can you recover?");
    assert_eq!(tree["meta"]["kind"], "Decision tree");
    assert_eq!(tree["filters"]["section"][0], "Recovering");

    let outcome = get("/recover/flow/honest/shaky/");
    assert_eq!(outcome["meta"]["title"], "Rebuild trust slowly");
    assert_eq!(outcome["meta"]["kind"], "Outcome of “Can you recover?”");
    let text = outcome["content"].as_str().unwrap();
    assert!(text.contains("one promise at a time"), "{text}");
    assert!(
        !text.contains("Change") && !text.contains("Start again"),
        "the answers summary and flow links are not indexed: {text}"
    );
}

#[test]
fn the_search_page_and_header_form_point_into_the_site() {
    let site = site(BOOK);
    site.build_ok();
    let page = site.read("public/search/index.html");
    assert!(
        page.contains("data-bundle=\"../pagefind/pagefind.js\""),
        "{page}"
    );
    assert!(page.contains("mendbook/search.js"), "{page}");
    let guide = site.read("public/recover/apologize/index.html");
    assert!(
        guide.contains("<form class=\"site-search\" role=\"search\" action=\"../../search/\""),
        "{guide}"
    );
}

#[test]
fn an_edit_replaces_the_index_without_leaving_stale_files() {
    let site = site(BOOK);
    site.build_ok();
    site.write(
        "content/recover/move-on.md",
        "---\ntitle: Move on\n---\n\nLet the mistake go, and get back to good work.\n",
    );
    site.build_ok();
    let found = fragments(&site);
    assert_eq!(found.len(), 5, "one fragment per page, none left over");
    let move_on = found
        .iter()
        .find(|f| f["url"] == "/recover/move-on/")
        .unwrap();
    assert!(move_on["content"]
        .as_str()
        .unwrap()
        .contains("back to good work"));
}

#[test]
fn search_can_be_turned_off() {
    let site = site("[book]\ntitle = \"Search\"\n[build]\nsearch = false\n");
    site.build_ok();
    assert!(!site.exists("public/pagefind"));
    assert!(!site.exists("public/search"));
    let guide = site.read("public/recover/apologize/index.html");
    assert!(!guide.contains("site-search"), "no search box: {guide}");
}

#[test]
fn a_page_cannot_take_the_search_page_address() {
    let site = site(BOOK);
    site.write("content/search.md", "---\ntitle: Search tips\n---\nText.\n");
    site.build()
        .fails_with(1)
        .stderr_has("content/search.md")
        .stderr_has("mendbook's search page");
}
