//! `{{#include path}}` lines and `_`-prefixed files: what is pasted, where
//! errors in pasted text are reported, what is refused, what is never a
//! page, and `serve` following an edited snippet.

use crate::common::{EventStream, Site};
use crate::serve::{body, serve, BOOK, WAIT};

const BOOK_WITH_URL: &str = "[book]\ntitle = \"T\"\n[site]\nbase-url = \"https://example.org/\"\n";

#[test]
fn an_include_pastes_the_file_with_its_headings_in_the_toc() {
    let site = Site::new(&[
        ("book.toml", BOOK_WITH_URL),
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\nBefore.\n\n{{#include ../_shared/help.md}}\n\nAfter.\n",
        ),
        (
            "content/_shared/help.md",
            "## When to ask for help\n\nAsk early.\n\n{{#include deeper.md}}\n",
        ),
        ("content/_shared/deeper.md", "### Who to ask\n\nYour manager.\n"),
        (
            "content/guides/b.md",
            "---\ntitle: B\n---\n\nSee [help](a.md#when-to-ask-for-help) and [who](a.md#who-to-ask).\n",
        ),
    ]);
    site.build_ok();
    let a = site.read("public/guides/a/index.html");
    for text in ["Before.", "Ask early.", "Your manager.", "After."] {
        assert!(a.contains(text), "{text} missing:\n{a}");
    }
    assert!(!a.contains("{{#include"), "{a}");
    assert!(a.contains("<h2 id=\"when-to-ask-for-help\">"), "{a}");
    assert!(a.contains("<h3 id=\"who-to-ask\">"), "{a}");
    // The table of contents lists the pasted headings.
    assert!(a.contains("href=\"#when-to-ask-for-help\""), "{a}");
    assert!(a.contains("href=\"#who-to-ask\""), "{a}");
    // Snippets are never pages of their own, nor listed anywhere.
    assert!(!site.exists("public/_shared"));
    assert!(!site.exists("public/shared"));
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        !sitemap.contains("shared") && !sitemap.contains("help"),
        "{sitemap}"
    );
}

#[test]
fn links_in_a_snippet_are_relative_to_the_snippet_and_reported_there() {
    let site = Site::new(&[
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\nIntro.\n\n{{#include ../_shared/help.md}}\n",
        ),
        (
            "content/_shared/help.md",
            "Read [the plan](../guides/b.md).\n\nAnd [this](../guides/nope.md) and [here](#gone).\n",
        ),
        ("content/guides/b.md", "---\ntitle: B\n---\n\nB.\n"),
    ]);
    site.build()
        .fails_with(1)
        .stderr_has("content/_shared/help.md:3:12: broken link: no file `guides/nope.md`")
        .stderr_has("3 │ And [this](../guides/nope.md) and [here](#gone).")
        .stderr_has("content/_shared/help.md:3:42: broken link: `content/guides/a.md` has no heading with the id `#gone`")
        .stderr_has("stopped with 2 errors");
}

#[test]
fn a_link_from_a_snippet_works_in_every_page_that_includes_it() {
    let site = Site::new(&[
        (
            "content/one.md",
            "---\ntitle: One\n---\n\n{{#include _shared/help.md}}\n",
        ),
        (
            "content/deep/two.md",
            "---\ntitle: Two\n---\n\n{{#include ../_shared/help.md}}\n",
        ),
        ("content/_shared/help.md", "Read [the plan](../plan.md).\n"),
        ("content/plan.md", "---\ntitle: Plan\n---\n\nPlan.\n"),
    ]);
    site.build_ok();
    assert!(site
        .read("public/one/index.html")
        .contains("href=\"../plan/\""));
    assert!(site
        .read("public/deep/two/index.html")
        .contains("href=\"../../plan/\""));
}

#[test]
fn a_missing_file_is_an_error_at_the_include_line() {
    let site = Site::new(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n\nText.\n\n{{#include _shared/nope.md}}\n",
        ),
        // A broken include line in a snippet is reported in the snippet.
        ("content/b.md", "---\ntitle: B\n---\n\n{{#include _s.md}}\n"),
        ("content/_s.md", "Text.\n\n  {{#include gone.md}}\n"),
    ]);
    site.build()
        .fails_with(1)
        .stderr_has("content/a.md:7:12: there is no file `content/_shared/nope.md` to include")
        .stderr_has("7 │ {{#include _shared/nope.md}}")
        .stderr_has("content/_s.md:3:14: there is no file `content/gone.md` to include")
        .stderr_has("stopped with 2 errors");
}

#[test]
fn include_loops_are_errors_at_the_line_that_closes_them() {
    let site = Site::new(&[
        (
            "content/self.md",
            "---\ntitle: S\n---\n\n{{#include self.md}}\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\n---\n\nA.\n{{#include b.md}}\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\n\nB.\n\n{{#include a.md}}\n",
        ),
    ]);
    // Both a.md and b.md are pages, so the loop is met twice; it is
    // reported once.
    site.build()
        .fails_with(1)
        .stderr_has("content/self.md:5:12: `content/self.md` includes itself")
        .stderr_has("content/b.md:7:12: these includes go round in a loop: `content/a.md` → `content/b.md` → `content/a.md`")
        .stderr_has("stopped with 2 errors");
}

#[test]
fn paths_out_of_the_content_folder_are_refused() {
    let site = Site::new(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n\n{{#include ../secret.md}}\n\n{{#include ../../../../../../etc/passwd}}\n",
        ),
        ("secret.md", "Not for the site.\n"),
    ]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/a.md:5:12: `../secret.md` is outside the content folder")
        .stderr_has(
            "content/a.md:7:12: `../../../../../../etc/passwd` is outside the content folder",
        )
        .stderr_has("stopped with 2 errors");
    assert!(!run.all().contains("Not for the site"));
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "TOP SECRET\n").unwrap();
    let site = Site::new(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n{{#include _link.md}}\n",
    )]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path("content/_link.md"),
    )
    .unwrap();
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/a.md:5:12:")
        .stderr_has("content/_link.md is a symbolic link to")
        .stderr_has("outside the site's folder");
    // Files starting with `_` are not pages, but a link among them is
    // refused all the same, included or not.
    site.write("content/a.md", "---\ntitle: A\n---\n\nNo include.\n");
    site.build()
        .fails_with(1)
        .stderr_has("content/_link.md is a symbolic link to");
    assert!(!run.all().contains("TOP SECRET"));
}

#[test]
fn an_include_in_a_code_block_is_left_alone() {
    let site = Site::new(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n```text\n{{#include _shared/help.md}}\n```\n\n    {{#include indented.md}}\n",
    )]);
    site.build_ok();
    let a = site.read("public/a/index.html");
    assert!(a.contains("{{#include _shared/help.md}}"), "{a}");
    assert!(a.contains("{{#include indented.md}}"), "{a}");
}

#[test]
fn a_malformed_include_line_is_an_error() {
    let site = Site::new(&[(
        "content/a.md",
        "---\ntitle: A\n---\n\n{{#include}}\n\n{{#include a.md}} and more\n\nInline `{{#include x.md}}` is text.\n",
    )]);
    site.build()
        .fails_with(1)
        .stderr_has("content/a.md:5:1: this include line is not one mendbook can read")
        .stderr_has("content/a.md:7:1: this include line is not one mendbook can read")
        .stderr_has("stopped with 2 errors");
}

#[test]
fn includes_nest_at_most_16_deep() {
    let mut files = vec![(
        "content/a.md".to_string(),
        "---\ntitle: A\n---\n\n{{#include _1.md}}\n".to_string(),
    )];
    for i in 1..=17 {
        files.push((
            format!("content/_{i}.md"),
            format!("Level {i}.\n\n{{{{#include _{}.md}}}}\n", i + 1),
        ));
    }
    files.push(("content/_18.md".to_string(), "Bottom.\n".to_string()));
    let site = Site::from_owned(&files);
    site.build()
        .fails_with(1)
        .stderr_has("content/_16.md:3:12: includes nest more than 16 deep here");
    // Sixteen deep is fine.
    site.write("content/_16.md", "Level 16.\n");
    site.build_ok();
    assert!(site.read("public/a/index.html").contains("Level 16."));
}

#[test]
fn a_page_cannot_grow_without_limit_through_includes() {
    // Each file includes the next one twice: 2^16 copies of the last.
    let mut files = vec![(
        "content/a.md".to_string(),
        "---\ntitle: A\n---\n\n{{#include _1.md}}\n".to_string(),
    )];
    for i in 1..16 {
        files.push((
            format!("content/_{i}.md"),
            format!(
                "{{{{#include _{n}.md}}}}\n{{{{#include _{n}.md}}}}\n",
                n = i + 1
            ),
        ));
    }
    files.push(("content/_16.md".to_string(), "x".repeat(400) + "\n"));
    let site = Site::from_owned(&files);
    site.build()
        .fails_with(1)
        .stderr_has("this page includes more than 1000 files, counting repeats");
    // Big files hit the size limit first.
    site.write("content/_16.md", &("y".repeat(1_000_000) + "\n"));
    site.build()
        .fails_with(1)
        .stderr_has("with its includes this page grows past 10 MB");
}

#[test]
fn files_and_folders_starting_with_an_underscore_are_not_pages() {
    let site = Site::new(&[
        ("book.toml", BOOK_WITH_URL),
        ("content/_index.md", "---\ntitle: Home\n---\n\nHome.\n"),
        ("content/guides/_index.md", "---\ntitle: Guides\n---\n"),
        ("content/guides/a.md", "---\ntitle: Visible\n---\n\nA.\n"),
        (
            "content/guides/_draft.md",
            "---\ntitle: Half written\n---\n\nDraft.\n",
        ),
        (
            "content/_shared/x.md",
            "---\ntitle: Shared snippet\n---\n\nX.\n",
        ),
        ("content/_shared/tree.yaml", "not: [a tree"),
        ("content/_shared/pic.png", "png"),
    ]);
    site.build_ok();
    assert!(site.exists("public/guides/a/index.html"));
    assert!(!site.exists("public/guides/draft/index.html"));
    assert!(!site.exists("public/guides/_draft/index.html"));
    assert!(!site.exists("public/_shared"));
    assert!(!site.exists("public/shared"));
    let home = site.read("public/index.html");
    let section = site.read("public/guides/index.html");
    let sitemap = site.read("public/sitemap.xml");
    for (name, html) in [
        ("home", &home),
        ("section", &section),
        ("sitemap", &sitemap),
    ] {
        assert!(!html.contains("Half written"), "{name}: {html}");
        assert!(!html.contains("Shared snippet"), "{name}: {html}");
        assert!(!html.contains("draft"), "{name}: {html}");
        assert!(!html.contains("shared"), "{name}: {html}");
    }
    assert!(section.contains("Visible"));
    // Search indexes only what was built: the snippet's words are not found.
    let index = std::fs::read_dir(site.path("public/pagefind"))
        .unwrap()
        .count();
    assert!(index > 0);
    // A link to a `_` file says why it leads nowhere.
    site.write(
        "content/guides/a.md",
        "---\ntitle: Visible\n---\n\nSee [draft](_draft.md).\n",
    );
    site.build()
        .fails_with(1)
        .stderr_has("content/guides/a.md:5:13: broken link: no file `guides/_draft.md`")
        .stderr_has("files and folders whose names start with `_` are not published");
}

#[test]
fn a_problem_in_a_snippet_two_pages_include_is_reported_once() {
    let site = Site::new(&[
        ("content/a.md", "---\ntitle: A\n---\n\n{{#include _s.md}}\n"),
        ("content/b.md", "---\ntitle: B\n---\n\n{{#include _s.md}}\n"),
        ("content/_s.md", "See [x](nope.md).\n"),
    ]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/_s.md:1:9: broken link")
        .stderr_has("stopped with 1 error");
}

#[test]
fn serve_reloads_the_pages_that_include_an_edited_snippet() {
    let book = format!("{BOOK}[build]\nsearch = false\n");
    let site = Site::new(&[
        ("book.toml", &book),
        ("content/_index.md", "Home.\n"),
        (
            "content/guides/a.md",
            "---\ntitle: A\n---\n\nA's own text.\n\n{{#include ../_shared/help.md}}\n",
        ),
        (
            "content/guides/b.md",
            "---\ntitle: B\n---\n\n{{#include ../_shared/nested.md}}\n",
        ),
        ("content/guides/c.md", "---\ntitle: C\n---\n\nNo include.\n"),
        ("content/_shared/nested.md", "{{#include help.md}}\n"),
        ("content/_shared/help.md", "First help.\n"),
    ]);
    let (_running, port) = serve(&site);
    assert!(body(port, "/recovery/guides/b/").1.contains("First help."));
    let events = EventStream::connect(port, "/__mendbook/events");
    std::thread::sleep(std::time::Duration::from_millis(300));
    site.write("content/_shared/help.md", "Second help.\n");
    let urls = events.expect("reload", WAIT);
    assert!(urls.contains("/recovery/guides/a/"), "{urls}");
    assert!(urls.contains("/recovery/guides/b/"), "{urls}");
    assert!(!urls.contains("/recovery/guides/c/"), "{urls}");
    assert!(body(port, "/recovery/guides/a/").1.contains("Second help."));
    assert!(body(port, "/recovery/guides/b/").1.contains("Second help."));
    // A broken link in the snippet shows on the pages; fixing it clears it.
    site.write("content/_shared/help.md", "See [x](nope.md).\n");
    let problems = events.expect("problems", WAIT);
    assert!(
        problems.contains("content/_shared/help.md:1:9"),
        "{problems}"
    );
    site.write("content/_shared/help.md", "Third help.\n");
    events.expect("clear", WAIT);
    events.expect("reload", WAIT);
    assert!(body(port, "/recovery/guides/a/").1.contains("Third help."));
}
