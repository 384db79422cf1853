//! The build directory: foreign files survive, stale files go, unchanged
//! files are not rewritten.

use std::time::Duration;

use crate::common::Site;

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

/// A site that has every kind of generated file: aliases, tags, a CNAME,
/// a sitemap, an asset, search.
fn full_site() -> Site {
    Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"Full\"\n[site]\nbase-url = \"https://example.org/\"\ncname = \"guides.example.org\"\n",
        ),
        ("content/_index.md", "Home\n"),
        (
            "content/a.md",
            "---\ntitle: A\ntags: [recovery]\naliases: [/old-a/]\n---\nApologize once.\n",
        ),
        ("content/chart.png", "png"),
    ])
}

/// Everything under the site's folder, to compare before and after.
fn everything(site: &Site) -> Vec<(String, Vec<u8>)> {
    site.snapshot("")
}

#[test]
fn a_foreign_file_at_any_generated_path_stops_the_build_at_its_source() {
    // Each generated path, and where the error must point.
    let cases = [
        ("public/old-a/index.html", "content/a.md:4:1"),
        ("public/a/index.html", "content/a.md:1:1"),
        ("public/tags/recovery/index.html", "content/a.md:3:1"),
        ("public/chart.png", "content/chart.png"),
        ("public/robots.txt", "book.toml:2:1"),
        ("public/404.html", "book.toml:2:1"),
        ("public/search/index.html", "book.toml:1:1"),
        ("public/sitemap.xml", "book.toml:4:1"),
        ("public/CNAME", "book.toml:5:1"),
        ("public/.nojekyll", "book.toml:2:1"),
        ("public/mendbook/style.css", "book.toml:1:1"),
        ("public/pagefind/pagefind.js", "book.toml:1:1"),
    ];
    for (path, at) in cases {
        let site = full_site();
        site.write(path, "the author's own file\n");
        let before = everything(&site);
        let run = site.build();
        run.fails_with(1)
            .stderr_has(at)
            .stderr_has("a file mendbook did not write is there");
        assert_eq!(everything(&site), before, "{path}: nothing may change");
    }
}

#[test]
fn a_foreign_file_is_never_deleted_when_its_source_goes_away() {
    let site = full_site();
    site.build_ok();
    // The alias goes; a hand-made file takes its old place; the alias comes
    // back and goes again.
    site.write(
        "content/a.md",
        "---\ntitle: A\ntags: [recovery]\n---\nApologize once.\n",
    );
    site.build_ok();
    assert!(!site.exists("public/old-a/index.html"));
    site.write("public/old-a/index.html", "mine");
    site.write(
        "content/a.md",
        "---\ntitle: A\ntags: [recovery]\naliases: [/old-a/]\n---\nApologize once.\n",
    );
    site.build().fails_with(1);
    site.write(
        "content/a.md",
        "---\ntitle: A\ntags: [recovery]\n---\nApologize once.\n",
    );
    site.build_ok();
    assert_eq!(site.read("public/old-a/index.html"), "mine");
}

#[test]
fn a_tampered_manifest_deletes_nothing_outside_what_mendbook_wrote() {
    let site = site();
    site.write("outside.txt", "not part of any build");
    site.build_ok();
    let fingerprint = |bytes: &[u8]| format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    let book = std::fs::read(site.path("book.toml")).unwrap();
    let a = std::fs::read(site.path("content/a.md")).unwrap();
    let outside = site.path("outside.txt");
    let mut manifest = site.read("public/.mendbook-manifest");
    for (path, bytes) in [
        ("../book.toml".to_string(), &book),
        ("../content/a.md".to_string(), &a),
        (
            outside.display().to_string(),
            &b"not part of any build".to_vec(),
        ),
        ("a/../../book.toml".to_string(), &book),
    ] {
        manifest.push_str(&format!(
            "[{:?},\"{}\",{}]\n",
            path,
            fingerprint(bytes),
            bytes.len()
        ));
    }
    // A hand-written entry for a file in the build folder whose bytes differ.
    site.write("public/notes.txt", "my notes");
    manifest.push_str(&format!(
        "[\"notes.txt\",\"{}\",8]\n",
        fingerprint(b"other")
    ));
    // And lines that are not entries at all.
    manifest.push_str("rm -rf /\n[\"x\"]\n");
    site.write("public/.mendbook-manifest", &manifest);

    let run = site.build_ok();
    assert_eq!(site.read("book.toml"), String::from_utf8(book).unwrap());
    assert_eq!(site.read("content/a.md"), String::from_utf8(a).unwrap());
    assert_eq!(site.read("outside.txt"), "not part of any build");
    assert_eq!(site.read("public/notes.txt"), "my notes");
    run.stderr_has("lists `../book.toml`, which is not a file mendbook writes")
        .stderr_has("kept public/notes.txt: it changed since mendbook wrote it")
        .stderr_has("is not a manifest entry");
    // The next manifest records only what this build wrote.
    let next = site.read("public/.mendbook-manifest");
    assert!(
        !next.contains("book.toml") && !next.contains("notes.txt"),
        "{next}"
    );
}

#[test]
fn a_file_name_cannot_forge_a_manifest_line() {
    let site = site();
    site.build_ok();
    let name = "x\n[\"../book.toml\",\"0000000000000000\",0]";
    site.write(
        &format!("content/{name}"),
        "an asset with a line break in its name",
    );
    site.build()
        .fails_with(1)
        .stderr_has("a file name with a control character");
    assert!(!site.read("public/.mendbook-manifest").contains("book.toml"));
    assert!(site.exists("book.toml"));
}

#[test]
fn symlinks_out_of_the_site_are_refused_in_content_and_themes() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.txt"), "private key").unwrap();
    let secret = elsewhere.path().join("secret.txt");
    let cases: [(&str, &std::path::Path); 3] = [
        ("content/secret.txt", &secret),
        ("content/folder", elsewhere.path()),
        ("themes/default/static/secret.txt", &secret),
    ];
    for (link, target) in cases {
        let site = site();
        std::fs::create_dir_all(site.path(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, site.path(link)).unwrap();
        site.build()
            .fails_with(1)
            .stderr_has(&format!("{link} is a symbolic link to"))
            .stderr_has("outside the site's folder");
        let published = walkdir::WalkDir::new(site.path("public"))
            .into_iter()
            .flatten()
            .any(|e| std::fs::read(e.path()).is_ok_and(|b| b == b"private key"));
        assert!(!published, "{link}: the secret was published");
    }
    // A link that stays inside the site is fine.
    let site = site();
    site.write("shared/chart.png", "png");
    std::os::unix::fs::symlink("../shared/chart.png", site.path("content/chart.png")).unwrap();
    site.build_ok();
    assert_eq!(site.read("public/chart.png"), "png");
}

#[test]
fn a_link_into_the_build_folder_is_never_read_back() {
    let site = site();
    site.build_ok();
    std::os::unix::fs::symlink("../public", site.path("content/out")).unwrap();
    site.build()
        .fails_with(1)
        .stderr_has("content/out is a symbolic link into the build folder");
    site.run(&["check"]).fails_with(1);
}

#[test]
fn nothing_is_written_through_a_symlink_inside_the_build_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let site = site();
    std::fs::create_dir_all(site.path("public")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path("public/a")).unwrap();
    site.build()
        .fails_with(1)
        .stderr_has("content/a.md:1:1")
        .stderr_has("`a` is a symbolic link, and mendbook never writes through one");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);

    // A manifest entry reached through a link is not followed to delete.
    let site2 = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[build]\nsearch = false\n",
        ),
        ("content/_index.md", "Home\n"),
        ("content/b.md", "---\ntitle: B\n---\nB.\n"),
    ]);
    site2.build_ok();
    let page = std::fs::read(site2.path("public/b/index.html")).unwrap();
    std::fs::write(elsewhere.path().join("index.html"), &page).unwrap();
    std::fs::remove_dir_all(site2.path("public/b")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site2.path("public/b")).unwrap();
    std::fs::remove_file(site2.path("content/b.md")).unwrap();
    site2
        .build_ok()
        .stderr_has("kept public/b/index.html: `b` is a symbolic link");
    assert!(elsewhere.path().join("index.html").exists());
}

#[test]
fn a_failed_first_build_leaves_no_folder_and_a_failed_rebuild_no_new_one() {
    let site = site();
    site.write("content/c.md", "---\ntitle: C\n---\n[x](nope.md)\n");
    site.build().fails_with(1);
    assert!(
        !site.exists("public"),
        "no build folder after a failed first build"
    );
    site.write("content/c.md", "---\ntitle: C\n---\nfine\n");
    site.build_ok();
    let before = site.snapshot("public");
    let dirs = |site: &Site| {
        walkdir::WalkDir::new(site.path("public"))
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_dir())
            .count()
    };
    let dir_count = dirs(&site);
    site.write(
        "content/new/deep/d.md",
        "---\ntitle: D\n---\n[x](nope.md)\n",
    );
    site.build().fails_with(1);
    assert_eq!(site.snapshot("public"), before);
    assert_eq!(dirs(&site), dir_count, "no new (empty) folder");
}

#[test]
fn a_second_writer_is_turned_away_while_watch_holds_the_folder() {
    // Two different sites sharing one build folder, beside both.
    let parent = tempfile::tempdir().unwrap();
    let make = |name: &str, title: &str| {
        let root = parent.path().join(name);
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(
            root.join("book.toml"),
            format!(
                "[book]\ntitle = \"{title}\"\n[build]\nbuild-dir = \"../shared\"\nsearch = false\n"
            ),
        )
        .unwrap();
        std::fs::write(root.join("content/_index.md"), format!("{title}\n")).unwrap();
        root
    };
    let a = make("a", "Site A");
    let b = make("b", "Site B");
    let watching = crate::common::Running::start(&a, &["watch"], "watching for changes");
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .args(["build"])
            .current_dir(&b)
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    run.fails_with(1)
        .stderr_has("is being written by another mendbook (pid")
        .stderr_has("`mendbook watch`)");
    assert!(
        std::fs::read_to_string(parent.path().join("shared/index.html"))
            .unwrap()
            .contains("Site A")
    );
    drop(watching);
    // Once the folder is free, the other site builds, and replaces the
    // first one's files rather than mixing with them.
    let run = crate::common::Run::from(
        crate::common::mendbook()
            .args(["build"])
            .current_dir(&b)
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    assert!(run.ok(), "{}", run.all());
    let home = std::fs::read_to_string(parent.path().join("shared/index.html")).unwrap();
    assert!(home.contains("Site B") && !home.contains("Site A"));
    assert!(!parent.path().join("shared/.mendbook-lock").exists());
}

#[test]
fn check_refuses_what_build_refuses() {
    let at_root = Site::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"T\"\n[build]\nbuild-dir = \".\"\n",
        ),
        ("content/_index.md", "Home\n"),
    ]);
    at_root
        .run(&["check"])
        .fails_with(1)
        .stderr_has("refusing to build into");
    // A foreign file where a page goes fails check as it fails build.
    let site = site();
    site.write("public/a/index.html", "mine");
    site.run(&["check"])
        .fails_with(1)
        .stderr_has("content/a.md:1:1")
        .stderr_has("a file mendbook did not write is there");
}
