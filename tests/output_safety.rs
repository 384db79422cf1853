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
    // A killed build leaves its staging folder, with files half written.
    site.write(
        "public/.mendbook-staging-999-0/0.mendbook-tmp",
        "half a page",
    );
    site.build_ok();
    assert!(!site.exists("public/.mendbook-staging-999-0"));
}

/// Every `.html` file under `dir`, with its text.
fn pages(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_build_killed_while_writing_leaves_only_whole_files() {
    // Enough guides that the write phase takes a while to catch.
    let mut files = vec![(
        "book.toml".to_string(),
        "[book]\ntitle = \"Kill\"\n[build]\nsearch = false\n".to_string(),
    )];
    for i in 0..3000 {
        files.push((
            format!("content/g{i:04}.md"),
            format!("---\ntitle: Guide {i}\n---\n\nFirst version of guide {i}.\n"),
        ));
    }
    let site = Site::from_owned(&files);
    site.build_ok();
    let before = pages(&site.path("public"));
    for i in 0..3000 {
        site.write(
            &format!("content/g{i:04}.md"),
            &format!("---\ntitle: Guide {i}\n---\n\nSecond version of guide {i}.\n"),
        );
    }

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mendbook"))
        .args(["build", "-q"])
        .current_dir(site.root())
        .spawn()
        .unwrap();
    // Kill it as soon as its temporary files show up: mid-write.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut caught = false;
    while std::time::Instant::now() < deadline {
        let staging = walkdir::WalkDir::new(site.path("public"))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().ends_with(".mendbook-tmp"));
        if staging {
            caught = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        caught,
        "the build finished before it could be killed mid-write"
    );

    // Every page is the old one or the new one, whole; none is cut short.
    let after = pages(&site.path("public"));
    assert_eq!(after.len(), before.len(), "no page went missing");
    for (path, text) in &after {
        let whole_new = text.contains("Second version") && text.trim_end().ends_with("</html>");
        assert!(
            Some(text) == before.get(path) || whole_new,
            "{path} is neither the old page nor a whole new one"
        );
    }
    // The next build finishes the job and sweeps up.
    site.build_ok();
    let last = pages(&site.path("public"));
    assert!(last.values().all(|t| !t.contains("First version of guide")));
}
