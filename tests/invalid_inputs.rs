//! The corpus of bad inputs in tests/fixtures/invalid/: each folder is a tiny
//! site and a `case.json` saying what it tests, the command, the exit status
//! and lines stderr must contain. Every case must fail with a clear message
//! (a file and line, except for command-line usage), never panic, and leave
//! every file of the site, its previous output included, byte-identical.

mod common;

use std::path::Path;

use common::{mendbook, Run, Site};

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
