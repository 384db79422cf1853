//! The Atom feed, edit links, dates from git, and dates with times: what a
//! feed reader, a reader of the page and an author see.

use std::path::Path;
use std::process::Command;

use crate::common::{mendbook, Run, Site};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const BASE: &str = "https://example.github.io/recovery/";
const BOOK: &str = "[book]\ntitle = \"Feed guides\"\ndescription = \"Kind guides.\"\nauthors = [\"Career team\"]\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n";

fn guide(title: &str, front: &str) -> String {
    format!("---\ntitle: {title}\n{front}---\n\nText of {title}.\n")
}

/// The feed's root element, checked to be Atom.
fn feed_root<'a>(doc: &'a roxmltree::Document<'a>) -> roxmltree::Node<'a, 'a> {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(root.tag_name().namespace(), Some(ATOM));
    root
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
}

fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name)
        .and_then(|c| c.text())
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
        .to_string()
}

fn link(node: roxmltree::Node<'_, '_>, rel: &str) -> String {
    node.children()
        .find(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some(rel))
        .and_then(|c| c.attribute("href"))
        .unwrap_or_else(|| panic!("no link rel={rel}"))
        .to_string()
}

fn entries<'a>(root: roxmltree::Node<'a, 'a>) -> Vec<roxmltree::Node<'a, 'a>> {
    root.children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect()
}

const TREE: &str = "title: Flow
nodes:
  q:
    type: question
    text: Which?
    options:
      - { id: a, label: A, next: one }
      - { id: b, label: B, next: two }
  one: { type: outcome, title: One, body: Done. }
  two: { type: outcome, title: Two, body: Done too. }
tests:
  - { answers: [a], expect: one }
  - { answers: [b], expect: two }
";

/// Whether `html` shows a `<time>` for `iso` that reads `words` (perhaps
/// with more words around it, such as "Updated").
fn shows_date(html: &str, iso: &str, words: &str) -> bool {
    let open = format!("<time datetime=\"{iso}\">");
    html.split(&open)
        .nth(1)
        .and_then(|rest| rest.split("</time>").next())
        .is_some_and(|shown| shown.contains(words))
}

fn dated_site() -> Site {
    Site::new(&[
        ("book.toml", BOOK),
        ("content/_index.md", "Home.\n"),
        ("content/recover/_index.md", "---\ntitle: Recover\n---\nHow.\n"),
        (
            "content/recover/old.md",
            &guide("Old & wise", "date: 2026-01-01\ndescription: The <first> one.\n"),
        ),
        (
            "content/recover/revised.md",
            &guide(
                "Revised",
                "date: 2026-01-01\nupdated: 2026-03-01\ndescription: Changed since.\ntags: [trust]\n",
            ),
        ),
        (
            "content/recover/timed.md",
            &guide("Timed", "date: 2026-02-01T10:00:00+02:00\nauthors: [Ana]\n"),
        ),
        (
            "content/recover/secret.md",
            &guide("Secret", "date: 2026-04-01\ndraft: true\n"),
        ),
        ("content/recover/undated.md", &guide("Undated", "")),
        (
            "content/flow.yaml",
            TREE,
        ),
    ])
}

#[test]
fn the_feed_is_atom_with_absolute_urls_newest_first_and_no_drafts() {
    let site = dated_site();
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.all());
    let xml = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&xml).expect("feed.xml is well-formed XML");
    let root = feed_root(&doc);
    assert_eq!(text_of(root, "title"), "Feed guides");
    assert_eq!(text_of(root, "subtitle"), "Kind guides.");
    assert_eq!(text_of(root, "id"), BASE);
    assert_eq!(text_of(root, "updated"), "2026-03-01T00:00:00Z");
    assert_eq!(link(root, "self"), format!("{BASE}feed.xml"));
    assert_eq!(link(root, "alternate"), BASE);
    let author = child(root, "author").expect("a feed author");
    assert_eq!(text_of(author, "name"), "Career team");

    let entries = entries(root);
    let titles: Vec<String> = entries.iter().map(|e| text_of(*e, "title")).collect();
    // By when they changed: revised (updated 1 March), timed (1 February),
    // old (1 January). The draft and the undated guide are not there.
    assert_eq!(titles, ["Revised", "Timed", "Old & wise"]);
    for e in &entries {
        let id = text_of(*e, "id");
        assert!(id.starts_with(BASE), "absolute id: {id}");
        assert_eq!(link(*e, "alternate"), id);
        assert!(text_of(*e, "updated").ends_with(['Z', '0']));
    }
    assert_eq!(text_of(entries[0], "id"), format!("{BASE}recover/revised/"));
    assert_eq!(text_of(entries[0], "updated"), "2026-03-01T00:00:00Z");
    assert_eq!(text_of(entries[0], "published"), "2026-01-01T00:00:00Z");
    assert_eq!(text_of(entries[0], "summary"), "Changed since.");
    assert_eq!(text_of(entries[1], "updated"), "2026-02-01T10:00:00+02:00");
    assert_eq!(text_of(child(entries[1], "author").unwrap(), "name"), "Ana");
    assert!(child(entries[1], "summary").is_none());
    assert_eq!(text_of(entries[2], "summary"), "The <first> one.");

    // Every page points feed readers at it.
    for (page, href) in [
        ("public/index.html", "feed.xml"),
        ("public/recover/index.html", "../feed.xml"),
        ("public/recover/old/index.html", "../../feed.xml"),
        ("public/flow/index.html", "../feed.xml"),
        ("public/tags/index.html", "../feed.xml"),
        ("public/404.html", "/recovery/feed.xml"),
    ] {
        let tag = format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Feed guides\" href=\"{href}\">"
        );
        assert!(site.read(page).contains(&tag), "{page} has no feed link");
    }

    // Drafts stay out even when they are built.
    site.run(&["build", "--drafts"]).succeeds();
    assert!(site.exists("public/recover/secret/index.html"));
    assert!(!site.read("public/feed.xml").contains("Secret"));
}

#[test]
fn the_feed_holds_the_newest_fifty_guides() {
    let mut files = vec![
        ("book.toml".to_string(), BOOK.to_string()),
        ("content/_index.md".to_string(), "Home.\n".to_string()),
    ];
    for day in 1..=55 {
        let date = format!("2026-{:02}-{:02}", 1 + (day - 1) / 28, 1 + (day - 1) % 28);
        files.push((
            format!("content/g{day:02}.md"),
            guide(&format!("Guide {day:02}"), &format!("date: {date}\n")),
        ));
    }
    let site = Site::from_owned(&files);
    site.build_ok();
    let xml = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let entries = entries(feed_root(&doc));
    assert_eq!(entries.len(), 50);
    assert_eq!(text_of(entries[0], "title"), "Guide 55");
    assert_eq!(text_of(entries[49], "title"), "Guide 06");
    assert!(!xml.contains("Guide 05"));
}

#[test]
fn feed_false_writes_no_feed_and_no_link() {
    let site = dated_site();
    site.write("book.toml", &format!("{BOOK}[build]\nfeed = false\n"));
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.all());
    assert!(!site.exists("public/feed.xml"));
    assert!(site.exists("public/sitemap.xml"));
    assert!(!site
        .read("public/index.html")
        .contains("application/atom+xml"));
}

#[test]
fn without_a_base_url_there_is_no_feed_and_one_note_says_so() {
    let site = dated_site();
    site.write("book.toml", "[book]\ntitle = \"Feed guides\"\n");
    let run = site.build_ok();
    assert!(!site.exists("public/feed.xml"));
    assert!(!site
        .read("public/index.html")
        .contains("application/atom+xml"));
    assert_eq!(
        run.stderr.matches("no feed.xml").count(),
        1,
        "{}",
        run.all()
    );
    run.stderr_has("base-url");
    // Turning the feed off silences it.
    site.write(
        "book.toml",
        "[book]\ntitle = \"Feed guides\"\n[build]\nfeed = false\n",
    );
    let run = site.build_ok();
    assert!(run.stderr.is_empty(), "{}", run.all());
}

#[test]
fn guides_and_tree_pages_link_to_their_source_for_editing() {
    let site = dated_site();
    site.write("content/recover/two words.md", &guide("Two words", ""));
    site.write(
        "book.toml",
        &BOOK.replace(
            "[site]\n",
            "[site]\nedit-url = \"https://github.com/ORG/REPO/edit/main/{path}\"\n",
        ),
    );
    site.build_ok();
    let edit = "https://github.com/ORG/REPO/edit/main/";
    assert!(site
        .read("public/recover/old/index.html")
        .contains(&format!(
            "<a href=\"{edit}content/recover/old.md\">Edit this page</a>"
        )));
    assert!(site
        .read("public/recover/two-words/index.html")
        .contains(&format!("href=\"{edit}content/recover/two%20words.md\"")));
    for page in ["public/flow/index.html", "public/flow/map/index.html"] {
        assert!(
            site.read(page).contains(&format!(
                "href=\"{edit}content/flow.yaml\">Edit this page</a>"
            )),
            "{page} links the tree's source"
        );
    }

    // Without an edit-url, no link.
    site.write("book.toml", BOOK);
    site.build_ok();
    assert!(!site
        .read("public/recover/old/index.html")
        .contains("Edit this page"));
}

#[test]
fn an_edit_url_without_a_path_is_an_error_at_its_line() {
    let site = dated_site();
    site.write(
        "book.toml",
        &format!("{BOOK}edit-url = \"https://github.com/ORG/REPO/edit/main/\"\n"),
    );
    site.build()
        .fails_with(1)
        .stderr_has("book.toml:7:1: invalid edit-url")
        .stderr_has("{path}");
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git is installed");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn commit_all(dir: &Path, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", "change"], date);
}

/// Runs mendbook where no repository above the site can answer for it.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    Run::from(
        mendbook()
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
            .output()
            .unwrap(),
    )
}

const GIT_BOOK: &str = "[book]\ntitle = \"Git guides\"\n[build]\nupdated-from-git = true\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n";

#[test]
fn pages_without_updated_take_the_date_of_their_last_commit() {
    let site = Site::new(&[
        ("book.toml", GIT_BOOK),
        ("content/_index.md", "Home.\n"),
        ("content/a.md", &guide("A", "date: 2025-12-01\n")),
        ("content/b c.md", &guide("B", "")),
        ("content/own.md", &guide("Own", "updated: 2025-11-11\n")),
    ]);
    let root = site.root();
    git(root, &["init", "-q"], "2026-01-01T00:00:00Z");
    commit_all(root, "2026-01-10T12:00:00Z");
    site.write(
        "content/a.md",
        &guide("A", "date: 2025-12-01\n").replace("Text", "New text"),
    );
    site.write(
        "content/own.md",
        &guide("Own", "updated: 2025-11-11\n").replace("Text", "More"),
    );
    commit_all(root, "2026-03-05T08:00:00+01:00");
    site.write("content/new.md", &guide("New", ""));

    let run = run_in(root, &["build"]);
    assert!(run.ok() && run.stderr.is_empty(), "{}", run.all());
    let a = site.read("public/a/index.html");
    assert!(
        shows_date(&a, "2026-03-05T08:00:00+01:00", "5 March 2026"),
        "{a}"
    );
    assert!(shows_date(
        &site.read("public/b-c/index.html"),
        "2026-01-10T12:00:00Z",
        "10 January 2026"
    ));
    // Its own `updated` wins; a file never committed has no date.
    assert!(site
        .read("public/own/index.html")
        .contains("datetime=\"2025-11-11\""));
    assert!(!site.read("public/new/index.html").contains("<time"));

    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(&format!(
        "<loc>{BASE}a/</loc><lastmod>2026-03-05T08:00:00+01:00</lastmod>"
    )));
    assert!(sitemap.contains(&format!(
        "<loc>{BASE}b-c/</loc><lastmod>2026-01-10T12:00:00Z</lastmod>"
    )));
    let xml = site.read("public/feed.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let entries = entries(feed_root(&doc));
    let first = entries[0];
    assert_eq!(text_of(first, "title"), "A");
    assert_eq!(text_of(first, "updated"), "2026-03-05T08:00:00+01:00");
    assert_eq!(text_of(entries[1], "updated"), "2026-01-10T12:00:00Z");
}

#[test]
fn a_shallow_clone_or_no_repository_is_a_warning_not_an_error() {
    let files = [
        ("book.toml", GIT_BOOK),
        ("content/_index.md", "Home.\n"),
        ("content/a.md", "---\ntitle: A\n---\nText.\n"),
    ];
    let site = Site::new(&files);
    let run = run_in(site.root(), &["build"]);
    assert!(run.ok(), "{}", run.all());
    run.stderr_has("book.toml:4:1")
        .stderr_has("not in a git repository");
    assert!(!site.read("public/a/index.html").contains("<time"));

    let origin = Site::new(&files);
    git(origin.root(), &["init", "-q"], "2026-01-01T00:00:00Z");
    commit_all(origin.root(), "2026-01-10T12:00:00Z");
    origin.write("content/a.md", "---\ntitle: A\n---\nNew text.\n");
    commit_all(origin.root(), "2026-02-10T12:00:00Z");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        "2026-01-01T00:00:00Z",
    );
    let shallow = clones.path().join("shallow");
    let run = run_in(&shallow, &["build"]);
    assert!(run.ok(), "{}", run.all());
    run.stderr_has("book.toml:4:1")
        .stderr_has("shallow clone")
        .stderr_has("fetch-depth: 0");
    let page = std::fs::read_to_string(shallow.join("public/a/index.html")).unwrap();
    assert!(!page.contains("<time"), "{page}");
}

#[test]
fn dates_may_have_times_and_impossible_days_are_named_at_the_value() {
    let site = Site::new(&[
        ("content/_index.md", "Home.\n"),
        (
            "content/a.md",
            &guide("A", "date: 2026-03-14T09:30:00+01:00\n"),
        ),
    ]);
    site.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[build]\nfeed = false\n",
    );
    site.build_ok();
    assert!(shows_date(
        &site.read("public/a/index.html"),
        "2026-03-14T09:30:00+01:00",
        "14 March 2026"
    ));

    site.write(
        "content/b.md",
        &guide("B", "date: 2026-01-01\nupdated: '2026-02-30'\n"),
    );
    let run = site.run(&["build", "--message-format", "json"]);
    run.fails_with(1);
    let line = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .find(|l| l.contains("does not exist"))
        .unwrap_or_else(|| panic!("{}", run.all()));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["code"], "front-matter");
    assert_eq!(
        v["message"],
        "February 2026 has 28 days, so 2026-02-30 is a day that does not exist"
    );
    assert_eq!((&v["line"], &v["column"]), (&4.into(), &11.into()));
    assert_eq!((&v["end_line"], &v["end_column"]), (&4.into(), &21.into()));

    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/b.md:4:11")
        .stderr_has("updated: '2026-02-30'");
}

#[test]
fn updated_before_date_is_a_warning() {
    let site = Site::new(&[
        ("content/_index.md", "Home.\n"),
        (
            "content/a.md",
            &guide("A", "date: 2026-03-01\nupdated: 2026-02-01\n"),
        ),
    ]);
    site.write(
        "book.toml",
        "[book]\ntitle = \"T\"\n[build]\nfeed = false\n",
    );
    let run = site.build_ok();
    run.stderr_has("content/a.md:4:10")
        .stderr_has("`updated` (2026-02-01) is earlier than `date` (2026-03-01)");
}

#[test]
fn a_live_edit_keeps_the_date_from_git() {
    let site = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Git guides\"\n[build]\nupdated-from-git = true\nsearch = false\n[site]\nbase-url = \"https://example.github.io/recovery/\"\n",
        ),
        ("content/_index.md", "Home.\n"),
        ("content/a.md", &guide("A", "")),
    ]);
    git(site.root(), &["init", "-q"], "2026-01-01T00:00:00Z");
    commit_all(site.root(), "2026-01-10T12:00:00Z");
    let (_running, port) = crate::serve::serve(&site);
    let dated = |html: &str| shows_date(html, "2026-01-10T12:00:00Z", "10 January 2026");
    assert!(dated(&crate::serve::body(port, "/recovery/a/").1));
    let events = crate::common::EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(std::time::Duration::from_millis(300));
    site.write(
        "content/a.md",
        &guide("A", "").replace("Text", "Edited text"),
    );
    events.expect("reload", crate::serve::WAIT);
    let (_, html) = crate::serve::body(port, "/recovery/a/");
    assert!(html.contains("Edited text") && dated(&html), "{html}");
}
