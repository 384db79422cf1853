//! The build directory: foreign files survive, stale files go, unchanged
//! files are not rewritten.

mod common;

use std::time::Duration;

use common::Site;

fn site() -> Site {
    Site::new(&[
        // The search index changes with every edit, and these tests count
        // files; tests/search.rs covers the index's own files.
        (
            "book.toml",
            "[book]\ntitle = \"Test site\"\n[build]\nsearch = false\n",
        ),
        ("content/_index.md", "Home\n"),
        ("content/a.md", "---\ntitle: A\n---\nA.\n"),
        ("content/b.md", "---\ntitle: B\n---\nB.\n"),
    ])
}

#[test]
fn foreign_files_and_git_survive_builds() {
    let site = site();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.write("public/notes.txt", "mine");
    site.write("public/a/extra.txt", "mine too");
    site.build_ok();
    site.write("content/a.md", "---\ntitle: A\n---\nChanged.\n");
    site.build_ok();
    std::fs::remove_file(site.path("content/a.md")).unwrap();
    site.build_ok();
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(site.read("public/notes.txt"), "mine");
    assert_eq!(site.read("public/a/extra.txt"), "mine too");
    assert!(
        !site.exists("public/a/index.html"),
        "the stale page is removed"
    );
}

#[test]
fn stale_pages_are_removed_with_their_empty_folders() {
    let site = site();
    site.build_ok();
    assert!(site.exists("public/b/index.html"));
    std::fs::remove_file(site.path("content/b.md")).unwrap();
    let run = site.build_ok();
    assert!(run.stdout.contains("1 removed"), "{}", run.all());
    assert!(!site.exists("public/b"));
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let site = site();
    site.build_ok();
    let mtime = |p: &str| std::fs::metadata(site.path(p)).unwrap().modified().unwrap();
    let a_before = mtime("public/a/index.html");
    let b_before = mtime("public/b/index.html");
    std::thread::sleep(Duration::from_millis(1100));
    site.write("content/a.md", "---\ntitle: A\n---\nA, edited.\n");
    let run = site.build_ok();
    assert_ne!(
        mtime("public/a/index.html"),
        a_before,
        "the edited page is rewritten"
    );
    assert_eq!(
        mtime("public/b/index.html"),
        b_before,
        "an untouched page keeps its mtime"
    );
    assert!(run.stdout.contains("1 files written"), "{}", run.all());
}

#[test]
fn a_hand_edited_output_file_is_restored() {
    let site = site();
    site.build_ok();
    let original = site.read("public/a/index.html");
    site.write("public/a/index.html", "vandalised");
    site.build_ok();
    assert_eq!(site.read("public/a/index.html"), original);
}

#[test]
fn check_writes_nothing() {
    let site = site();
    let run = site.run(&["check"]);
    assert!(run.ok(), "{}", run.all());
    assert!(run.stdout.contains("no errors"), "{}", run.all());
    assert!(!site.exists("public"));
    site.write("content/c.md", "---\ntitle: C\n---\n[bad](zzz.md)\n");
    site.run(&["check"])
        .fails_with(1)
        .stderr_has("content/c.md:4:7");
    assert!(!site.exists("public"));
}

#[test]
fn leftover_temporary_files_from_a_killed_build_are_cleared() {
    let site = site();
    site.build_ok();
    site.write("public/a/.index.html.999.mendbook-tmp", "half a page");
    site.build_ok();
    assert!(!site.exists("public/a/.index.html.999.mendbook-tmp"));
}
