//! `mendbook init` and `mendbook new guide`.

mod common;

use common::{mendbook, Run, Site};

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let run = Run::from(
        mendbook()
            .args(["init", "my-site"])
            .current_dir(dir.path())
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    let root = dir.path().join("my-site");
    for f in [
        "book.toml",
        "content/_index.md",
        "content/guides/_index.md",
        "content/guides/first-steps.md",
        ".gitignore",
        ".github/workflows/pages.yml",
    ] {
        assert!(root.join(f).is_file(), "{f} missing");
    }
    let workflow = std::fs::read_to_string(root.join(".github/workflows/pages.yml")).unwrap();
    assert!(
        workflow.contains("actions/upload-pages-artifact")
            && workflow.contains("actions/deploy-pages")
    );
    let build = Run::from(mendbook().arg("build").current_dir(&root).output().unwrap());
    assert!(build.ok(), "{}", build.all());
    assert!(
        build.stderr.is_empty(),
        "no warnings on a fresh site: {}",
        build.all()
    );
    assert!(root.join("public/guides/first-steps/index.html").is_file());
}

#[test]
fn init_never_overwrites() {
    let site = Site::new(&[
        ("book.toml", "[book]\ntitle = \"Mine\"\n"),
        ("content/_index.md", "My home\n"),
    ]);
    let run = site.run(&["init"]);
    assert!(run.ok(), "{}", run.all());
    assert!(run.stdout.contains("kept     book.toml"));
    assert_eq!(site.read("book.toml"), "[book]\ntitle = \"Mine\"\n");
    assert_eq!(site.read("content/_index.md"), "My home\n");
    assert!(site.exists("content/guides/first-steps.md"));
}

#[test]
fn new_guide_fills_front_matter_and_refuses_to_overwrite() {
    let site = Site::new(&[("content/_index.md", "Home\n")]);
    let run = site.run(&["new", "guide", "recover/say-sorry"]);
    assert!(run.ok(), "{}", run.all());
    let text = site.read("content/recover/say-sorry.md");
    assert!(text.starts_with("---\ntitle: \"Say sorry\"\n"), "{text}");
    assert!(text.contains("date: 20"));
    site.build_ok();
    site.write("content/recover/say-sorry.md", "mine");
    site.run(&["new", "guide", "recover/say-sorry.md"])
        .fails_with(1)
        .stderr_has("already exists");
    assert_eq!(site.read("content/recover/say-sorry.md"), "mine");
}

#[test]
fn every_command_has_help_with_examples() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["init", "--help"],
        vec!["new", "guide", "--help"],
    ] {
        let run = Run::from(mendbook().args(&args).output().unwrap());
        assert!(run.ok(), "{args:?}: {}", run.all());
        assert!(run.stdout.contains("Examples:"), "{args:?}: {}", run.stdout);
    }
}
