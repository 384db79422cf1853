//! The corpus of bad inputs in tests/fixtures/invalid/: each folder is a tiny
//! site and a `case.json` saying what it tests, the command, the exit status
//! and lines stderr must contain. Every case must fail with a clear message
//! (a file and line, except for command-line usage), never panic, and leave
//! every file of the site, its previous output included, byte-identical.

use std::path::Path;

use crate::common::{mendbook, Run, Site};

/// The codes the README documents.
const KNOWN_CODES: &[&str] = &[
    "config",
    "front-matter",
    "broken-link",
    "url-clash",
    "tree-yaml",
    "tree-schema",
    "tree-flow",
    "tree-test",
    "tree-size",
    "template",
    "markdown",
    "include",
    "input",
    "output",
    "search",
    "internal",
];

#[derive(serde::Deserialize)]
struct Case {
    what: String,
    args: Vec<String>,
    exit: i32,
    stderr: Vec<String>,
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if rel != Path::new("case.json") {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file under the site, with its bytes.
fn everything(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(site.root())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(site.root()).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn every_bad_input_fails_clearly_and_changes_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 60, "the corpus has {} cases", names.len());

    let mut failures = Vec::new();
    for name in &names {
        let case: Case = serde_json::from_str(
            &std::fs::read_to_string(dir.join(name).join("case.json")).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}/case.json: {e}"));
        let site = Site::new(&[]);
        if dir.join(name).join("book.toml").exists() {
            std::fs::remove_file(site.path("book.toml")).unwrap();
        }
        copy_dir(&dir.join(name), site.root());
        // A previous build, which a failed one must leave exactly as it was.
        site.write("public/index.html", "<p>the last good build</p>\n");
        site.write("public/notes.txt", "the author's own file\n");
        let before = everything(&site);

        let run = Run::from(
            mendbook()
                .args(&case.args)
                .current_dir(site.root())
                .env("NO_COLOR", "1")
                .env("RUST_BACKTRACE", "1")
                .output()
                .unwrap(),
        );
        let mut wrong = Vec::new();
        if run.code != Some(case.exit) {
            wrong.push(format!("exit {:?}, expected {}", run.code, case.exit));
        }
        for line in &case.stderr {
            if !run.stderr.contains(line.as_str()) {
                wrong.push(format!("stderr lacks {line:?}"));
            }
        }
        if run.stderr.contains("panicked") || run.stderr.contains("stack backtrace") {
            wrong.push("it panicked".into());
        }
        let points_at_a_line = case.stderr.iter().any(|l| {
            l.split(':').collect::<Vec<_>>().windows(2).any(|w| {
                !w[0].is_empty() && w[1].chars().all(|c| c.is_ascii_digit()) && !w[1].is_empty()
            })
        });
        if case.exit == 1 && !points_at_a_line && !case.args.iter().any(|a| a == "new") {
            wrong.push("no expected line names a file and line".into());
        }
        if everything(&site) != before {
            wrong.push("a file of the site or its output changed".into());
        }
        // The same run for a script: one JSON object per line on stdout,
        // each with a stable code, and every expected place among them.
        if case.exit == 1 {
            let json = Run::from(
                mendbook()
                    .arg("--message-format")
                    .arg("json")
                    .args(&case.args)
                    .current_dir(site.root())
                    .env("NO_COLOR", "1")
                    .output()
                    .unwrap(),
            );
            let mut places = Vec::new();
            for line in json.stdout.lines() {
                match serde_json::from_str::<serde_json::Value>(line) {
                    Ok(v) => {
                        let code = v["code"].as_str().unwrap_or("");
                        if !KNOWN_CODES.contains(&code) {
                            wrong.push(format!("json: unknown code {code:?} in {line}"));
                        }
                        if let (Some(f), Some(l), Some(c)) =
                            (v["file"].as_str(), v["line"].as_u64(), v["column"].as_u64())
                        {
                            places.push(format!("{f}:{l}:{c}"));
                        }
                    }
                    Err(_) => wrong.push(format!("json: not a JSON line: {line:?}")),
                }
            }
            if json.stdout.trim().is_empty() {
                wrong.push("json: nothing on stdout".into());
            }
            for line in &case.stderr {
                let place = line.split(": ").next().unwrap_or("");
                if place.matches(':').count() == 2 && !places.iter().any(|p| p == place) {
                    wrong.push(format!("json: no diagnostic at {place}"));
                }
            }
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{name} ({}): {}\n{}",
                case.what,
                wrong.join("; "),
                run.all()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Inputs that cannot live in the fixtures folder: generated, huge, or links.
fn fails_cleanly(site: &Site, expect: &[&str]) {
    site.write("public/index.html", "<p>the last good build</p>\n");
    let before = everything(site);
    let run = site.build();
    run.fails_with(1);
    for e in expect {
        run.stderr_has(e);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.all());
    assert!(everything(site) == before, "nothing changed");
}

#[test]
fn a_symlink_loop_is_reported_not_followed() {
    let site = Site::new(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    std::os::unix::fs::symlink("../content", site.path("content/loop")).unwrap();
    fails_cleanly(&site, &["content/loop: a symbolic link loops back"]);
}

#[test]
fn an_unreadable_file_is_named() {
    // A link to nothing: unreadable even for root, who can read any file.
    let site = Site::new(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    std::os::unix::fs::symlink("nowhere.md", site.path("content/b.md")).unwrap();
    fails_cleanly(&site, &["content/b.md", "No such file"]);
}

#[test]
fn a_50_mb_guide_is_refused_before_it_is_read() {
    let site = Site::new(&[]);
    let line = "Recovering from a mistake takes honesty and a plan. ".repeat(20) + "\n\n";
    let mut text = String::from("---\ntitle: Big\n---\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    site.write("content/big.md", &text);
    fails_cleanly(
        &site,
        &["content/big.md is 52.4 MB; mendbook reads markdown, YAML and templates up to 10 MB"],
    );
}

#[test]
fn an_alias_bomb_and_deep_nesting_stop_with_a_clear_error() {
    let mut bomb = String::from(
        "---\ntitle: A\nextra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    let mut prev = 'a';
    for n in "bcdefghi".chars() {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("  {n}: &{n} [{refs}]\n"));
        prev = n;
    }
    bomb.push_str("---\nText.\n");
    let deep = format!(
        "---\ntitle: D\nextra: {}{}\n---\nText.\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let tree_bomb = bomb
        .replace("---\ntitle: A\nextra:\n", "title: T\nextra:\n")
        .replace("---\nText.\n", "nodes: {}\n");
    let site = Site::new(&[
        ("content/bomb.md", &bomb),
        ("content/deep.md", &deep),
        ("content/bomb.yaml", &tree_bomb),
    ]);
    fails_cleanly(
        &site,
        &[
            "content/bomb.md:2:1: invalid front matter: repetition limit exceeded",
            "content/deep.md:3:135: invalid front matter: recursion limit exceeded",
            "content/bomb.yaml:",
        ],
    );
}
