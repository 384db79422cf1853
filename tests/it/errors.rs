//! Bad input: every problem reported at file:line:column, all at once, exit 1,
//! no panic, and nothing written.

use crate::common::Site;

#[test]
fn unknown_book_toml_key_names_line_and_suggests() {
    let site = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n\n[build]\nbuild_dir = \"out\"\n",
        ),
        ("content/_index.md", "Home\n"),
    ]);
    site.build()
        .fails_with(1)
        .stderr_has("book.toml:5:1: unknown key `build_dir` in `[build]`")
        .stderr_has("did you mean `build-dir`?")
        .stderr_has("5 │ build_dir = \"out\"");
    assert!(!site.exists("out") && !site.exists("public"));
}

#[test]
fn unknown_front_matter_field_suggests_the_right_one() {
    let site = Site::new(&[(
        "content/a.md",
        "---\ntitle: A\ndescripton: typo\n---\nBody\n",
    )]);
    site.build()
        .fails_with(1)
        .stderr_has("content/a.md:3:1: unknown front matter field `descripton`")
        .stderr_has("did you mean `description`?");
}

#[test]
fn duplicate_urls_name_both_files() {
    let site = Site::new(&[
        ("content/a.md", "---\ntitle: A\nslug: same\n---\n"),
        ("content/same.md", "---\ntitle: Same\n---\n"),
    ]);
    let run = site.build();
    run.fails_with(1).stderr_has("both map to the URL `/same/`");
    assert!(
        run.stderr.contains("content/a.md") && run.stderr.contains("content/same.md"),
        "{}",
        run.all()
    );
}

#[test]
fn a_guide_beside_a_section_of_the_same_name_clashes() {
    let site = Site::new(&[
        ("content/a.md", "---\ntitle: A page\n---\n"),
        ("content/a/_index.md", "---\ntitle: A section\n---\n"),
    ]);
    let run = site.build();
    run.fails_with(1).stderr_has("both map to the URL `/a/`");
}

#[test]
fn broken_links_and_anchors_point_at_the_line() {
    let site = Site::new(&[
        ("content/a.md", "---\ntitle: A\n---\n\n## Real heading\n"),
        (
            "content/b.md",
            "---\ntitle: B\n---\n\nText.\n\nSee [x](a.md#fake-heading) and\n[y](missing.md).\n",
        ),
    ]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/b.md:7:9: broken link: `content/a.md` has no heading with the id `#fake-heading`")
        .stderr_has("content/b.md:8:5: broken link: no file `missing.md` in the content folder")
        .stderr_has("stopped with 2 errors");
}

#[test]
fn all_errors_of_a_run_are_reported_together() {
    let site = Site::new(&[
        (
            "content/a.md",
            "---\ntitle: A\ndate: 2026-13-01\n---\nText.\n",
        ),
        ("content/b.md", "---\ntitle: [unclosed\n---\nText.\n"),
        ("content/c.md", "---\ntitle: C\n---\n[x](nowhere.md)\n"),
        ("content/d.md", "---\ntitle: D\n"),
    ]);
    let run = site.build();
    run.fails_with(1)
        .stderr_has("content/a.md:3:7: `date` must be a date written YYYY-MM-DD")
        .stderr_has("content/b.md:")
        .stderr_has("invalid front matter")
        .stderr_has("content/c.md:4:5: broken link")
        .stderr_has("content/d.md:1:1: front matter is never closed")
        .stderr_has("stopped with 4 errors");
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = Site::new(&[
        ("content/_index.md", "Home\n"),
        ("content/a.md", "---\ntitle: A\n---\nFirst version.\n"),
    ]);
    site.build_ok();
    let before = site.snapshot("public");
    site.write(
        "content/a.md",
        "---\ntitle: A\n---\nSecond version with [a broken link](nope.md).\n",
    );
    site.write("content/new.md", "---\ntitle: New\n---\nNew page.\n");
    site.build().fails_with(1);
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn a_template_error_fails_the_build_without_touching_the_output() {
    let site = Site::new(&[
        ("content/_index.md", "Home\n"),
        ("content/a.md", "# A\n\nx\n"),
    ]);
    site.build_ok();
    let before = site.snapshot("public");
    site.write("themes/default/templates/page.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ page.no_such_field }}\n{% endblock main %}\n");
    let run = site.build();
    run.fails_with(1)
        .stderr_has("themes/default/templates/page.html:3:")
        .stderr_has("template error");
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn template_syntax_errors_name_the_template_line() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    site.write(
        "themes/default/templates/tag.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
    );
    site.build()
        .fails_with(1)
        .stderr_has("themes/default/templates/tag.html:3:")
        .stderr_has("template syntax error");
}

#[test]
fn a_missing_theme_is_an_error_at_the_theme_key() {
    let site = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[build]\ntheme = \"fancy\"\n",
        ),
        ("content/_index.md", "Home\n"),
    ]);
    site.build()
        .fails_with(1)
        .stderr_has("book.toml:4:1: there is no theme `fancy`");
}

#[test]
fn build_dir_may_not_be_the_site_or_the_content() {
    for (dir, why) in [
        (".", "site's root"),
        ("content", "content folder"),
        ("content/out", "inside the content folder"),
        ("..", "site's root"),
    ] {
        let site = Site::new(&[
            (
                "book.toml",
                &format!("[book]\ntitle = \"T\"\n[build]\nbuild-dir = \"{dir}\"\n"),
            ),
            ("content/_index.md", "Home\n"),
        ]);
        let run = site.build();
        run.fails_with(1)
            .stderr_has("refusing to build into")
            .stderr_has(why)
            .stderr_has("book.toml:4:1");
        assert_eq!(site.read("content/_index.md"), "Home\n");
    }
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    site.run(&["build", "--out", "content"])
        .fails_with(1)
        .stderr_has("refusing to build into");
}

#[test]
fn non_utf8_files_are_reported_with_their_line() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    site.write_bytes(
        "content/bad.md",
        b"---\ntitle: Bad\n---\nline four \xff here\n",
    );
    site.build()
        .fails_with(1)
        .stderr_has("content/bad.md:4:11: content/bad.md is not valid UTF-8 text");
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    site.run(&["build", "--no-such-flag"]).fails_with(2);
    site.run(&["frobnicate"]).fails_with(2);
}

#[test]
fn outside_a_site_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .arg("build")
            .current_dir(dir.path())
            .output()
            .unwrap(),
    );
    run.fails_with(1)
        .stderr_has("no book.toml")
        .stderr_has("mendbook init");
}

#[test]
fn output_has_no_colour_when_not_a_terminal() {
    let site = Site::new(&[("content/a.md", "---\ntitle: A\ntitel: B\n---\n")]);
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .arg("build")
            .current_dir(site.root())
            .output()
            .unwrap(),
    );
    run.fails_with(1);
    assert!(
        !run.stderr.contains('\u{1b}'),
        "escape codes in: {}",
        run.stderr
    );
}

#[test]
fn message_format_json_prints_one_object_per_problem_and_nothing_else() {
    let site = Site::new(&[
        // No base-url and no feed: no warning about the feed.
        (
            "book.toml",
            "[book]\ntitle = \"Test site\"\n[build]\nfeed = false\n",
        ),
        ("content/_index.md", "Home\n"),
        (
            "content/guides/x.md",
            "---\ntitle: X\n---\n\nSee [the plan](plan.md#stage).\n",
        ),
        (
            "content/guides/plan.md",
            "---\ntitle: Plan\n---\n\n## Stages\n",
        ),
    ]);
    for command in ["build", "check"] {
        let run = site.run(&[command, "--message-format", "json"]);
        run.fails_with(1);
        let lines: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect();
        assert_eq!(lines.len(), 1, "{}", run.all());
        let d = &lines[0];
        assert_eq!(d["type"], "diagnostic");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["code"], "broken-link");
        assert_eq!(d["file"], "content/guides/x.md");
        assert_eq!(d["line"], 5);
        assert_eq!(d["column"], 16);
        assert_eq!(d["end_line"], 5);
        assert_eq!(d["end_column"], 29);
        assert!(d["message"]
            .as_str()
            .unwrap()
            .contains("has no heading with the id `#stage`"));
        assert_eq!(d["help"], "did you mean `stages`?");
        assert!(run.stderr.contains("stopped with 1 error"), "{}", run.all());
    }
    // A successful run with a warning: the warning on stdout, the summary
    // on stderr.
    site.write(
        "content/guides/x.md",
        "---\ntitle: X\n---\n\nSee [the plan](plan.md#stages).\n",
    );
    site.write(
        "content/guides/t.yaml",
        "title: T\nnodes:\n  q:\n    type: question\n    text: Q?\n    options:\n      - { id: a, label: A, next: o }\n      - { id: b, label: B, next: o }\n  o: { type: outcome, title: O, body: done }\n",
    );
    let run = site.run(&["build", "--message-format", "json"]);
    assert!(run.ok(), "{}", run.all());
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert_eq!(lines[0]["severity"], "warning");
    assert_eq!(lines[0]["code"], "tree-test");
    assert!(run.stderr.contains("Built "), "{}", run.all());
}

#[test]
fn under_github_actions_problems_are_also_workflow_commands() {
    let repo = tempfile::tempdir().unwrap();
    let site_dir = repo.path().join("docs site");
    std::fs::create_dir_all(site_dir.join("content/a,b")).unwrap();
    std::fs::write(site_dir.join("book.toml"), "[book]\ntitle = \"T\"\n").unwrap();
    std::fs::write(
        site_dir.join("content/a,b/x:y.md"),
        "---\ntitle: X\n---\n\nSure: [see](x:y%.md)\n",
    )
    .unwrap();
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .arg("check")
            .current_dir(&site_dir)
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_WORKSPACE", repo.path())
            .output()
            .unwrap(),
    );
    run.fails_with(1);
    let command = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no workflow command:\n{}", run.all()));
    assert_eq!(
        command,
        "::error file=docs site/content/a%2Cb/x%3Ay.md,line=5,col=13,endLine=5,endColumn=20,\
         title=broken link::broken link: no file `a,b/x:y%25.md` in the content folder%0Ahelp: did you mean `x:y.md`?"
    );
    // The human report is still there for the log.
    run.stderr_has("content/a,b/x:y.md:5:13: broken link");
    // Without GitHub Actions, no workflow commands.
    let plain = crate::common::Run::from(
        crate::common::mendbook()
            .arg("check")
            .current_dir(&site_dir)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap(),
    );
    assert!(!plain.stdout.contains("::error"), "{}", plain.all());
}

#[test]
fn the_readme_documents_every_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in mendbook::api::Code::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", code.as_str())),
            "the README's table of codes lacks `{}`",
            code.as_str()
        );
    }
}
