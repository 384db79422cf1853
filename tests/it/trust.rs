//! Inputs built to hurt: deep nesting, huge lines, floods of errors,
//! repeated names. mendbook must answer each with a clear error (or a
//! correct page), never a crash, and in bounded output.

use crate::common::Site;

fn site(files: &[(&str, &str)]) -> Site {
    let mut all = vec![(
        "book.toml",
        "[book]\ntitle = \"Trust\"\n[build]\nsearch = false\n",
    )];
    all.extend_from_slice(files);
    Site::new(&all)
}

#[test]
fn a_tree_nested_five_thousand_deep_is_an_error_not_a_stack_overflow() {
    let yaml = format!("{}x\n", "- ".repeat(5_000));
    let site = site(&[("content/_index.md", "Home\n"), ("content/t.yaml", &yaml)]);
    site.build()
        .fails_with(1)
        .stderr_has("content/t.yaml:1:")
        .stderr_has("nested more than 32 levels deep");
    // Flow style, under a key, far deeper.
    site.write(
        "content/t.yaml",
        &format!("title: Deep\nnodes:\n  a: {}x\n", "[".repeat(50_000)),
    );
    site.run(&["check"])
        .fails_with(1)
        .stderr_has("content/t.yaml:3:");
}

#[test]
fn a_problem_far_along_a_long_line_is_shown_as_a_window() {
    let guide = format!(
        "---\ntitle: Long\n---\n\n{} [a](nowhere.md) {}\n",
        "é".repeat(70_000),
        "z".repeat(70_000)
    );
    let site = site(&[("content/long.md", &guide)]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/long.md:5:70006: broken link")
        .stderr_has("[a](nowhere.md)");
    assert!(run.stderr.len() < 3_000, "{} bytes", run.stderr.len());
}

#[test]
fn two_thousand_broken_links_on_one_line_print_a_bounded_report() {
    let links: Vec<String> = (0..2_000).map(|i| format!("[x](missing-{i}.md)")).collect();
    let guide = format!("---\ntitle: Links\n---\n\n{}\n", links.join(" "));
    let site = site(&[("content/links.md", &guide)]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/links.md:5:5: broken link")
        .stderr_has("… and 1980 more problems in content/links.md")
        .stderr_has("stopped with 2000 errors");
    assert!(run.stderr.len() < 20_000, "{} bytes", run.stderr.len());
}

#[test]
fn nesting_past_a_hundred_levels_is_an_error_before_it_reaches_search() {
    let site = Site::new(&[
        ("content/_index.md", "Home\n"),
        (
            "content/lists.md",
            &format!("---\ntitle: Lists\n---\n\n{}x\n", "- ".repeat(500_000)),
        ),
    ]);
    site.build()
        .fails_with(1)
        .stderr_has("content/lists.md:5:")
        .stderr_has("nests more than 100 levels deep");
    site.write(
        "content/lists.md",
        &format!("---\ntitle: Lists\n---\n\n{}x\n", "<div>".repeat(100_000)),
    );
    site.build()
        .fails_with(1)
        .stderr_has("nests more than 100 levels deep");
}

#[test]
fn sixteen_thousand_identical_headings_get_distinct_ids() {
    let body: Vec<&str> = vec!["## Step"; 16_000];
    let guide = format!("---\ntitle: Steps\n---\n\n{}\n", body.join("\n\n"));
    let site = site(&[("content/steps.md", &guide)]);
    site.build_ok();
    let html = site.read("public/steps/index.html");
    assert!(html.contains("id=\"step\""));
    assert!(html.contains("id=\"step-1\""));
    assert!(html.contains("id=\"step-15999\""));
    assert!(!html.contains("id=\"step-16000\""));
}

#[test]
fn a_five_thousand_step_chain_stops_at_the_path_limit() {
    let mut yaml = String::from("title: Chain\nnodes:\n");
    for i in 0..5_000 {
        yaml.push_str(&format!(
            "  n{i}: {{ type: info, title: Step {i}, next: n{} }}\n",
            i + 1
        ));
    }
    yaml.push_str("  n5000: { type: outcome, title: End, body: done }\n");
    let site = site(&[("content/chain.yaml", &yaml)]);
    site.run(&["check"])
        .fails_with(1)
        .stderr_has("content/chain.yaml:53:3: a path through this tree is too long")
        .stderr_has("at most 50 steps");
}

#[test]
fn a_tree_whose_pages_would_fill_the_disk_is_refused_before_rendering() {
    // A legal tree of 40 pages, each repeating a 1 MB title.
    let mut yaml = format!("title: \"{}\"\nnodes:\n", "T".repeat(1_000_000));
    for q in 1..=3 {
        let next = if q == 3 {
            "end".to_string()
        } else {
            format!("q{}", q + 1)
        };
        yaml.push_str(&format!(
            "  q{q}:\n    type: question\n    text: Q{q}?\n    options:\n"
        ));
        for o in ["a", "b", "c"] {
            yaml.push_str(&format!(
                "      - {{ id: {o}, label: {o}, next: {next} }}\n"
            ));
        }
    }
    yaml.push_str("  end: { type: outcome, title: End, body: done }\n");
    let site = site(&[("content/big.yaml", &yaml)]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/big.yaml:1:1: this tree's pages would come to about 120 MB");
    assert!(!site.exists("public"), "nothing was written");
}

#[test]
fn a_long_but_valid_language_tag_builds_with_search() {
    // pagefind panicked on language tags of 31 characters or more.
    let tag = "en-GB-x-recovery-guides-internal";
    assert!(tag.len() > 31);
    let site = Site::new(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"T\"\nlanguage = \"{tag}\"\n"),
        ),
        ("content/_index.md", "Home\n"),
        ("content/a.md", "---\ntitle: A\n---\nApologize once.\n"),
    ]);
    site.build_ok();
    assert!(site
        .read("public/a/index.html")
        .contains(&format!("lang=\"{tag}\"")));
    assert!(site.exists("public/pagefind/pagefind-entry.json"));
}

#[test]
fn canonical_links_sitemap_and_robots_encode_urls_the_same_way() {
    let site = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[build]\nsearch = false\n[site]\nbase-url = \"https://example.org/my%20guides/\"\n",
        ),
        ("content/_index.md", "Home\n"),
        ("content/café notes.md", "---\ntitle: Café\n---\nText.\n"),
    ]);
    site.build_ok();
    let page = "https://example.org/my%20guides/café-notes/";
    assert!(site
        .read("public/café-notes/index.html")
        .contains(&format!("<link rel=\"canonical\" href=\"{page}\">")));
    assert!(site
        .read("public/sitemap.xml")
        .contains(&format!("<loc>{page}</loc>")));
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://example.org/my%20guides/sitemap.xml\n"));
    // A base-url with a line break cannot add a line to robots.txt.
    site.run(&["build", "--base-url", "https://example.org/\nDisallow: /"])
        .fails_with(2);
    assert!(!site.read("public/robots.txt").contains("Disallow"));
}
