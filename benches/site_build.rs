//! Build-time benchmark: mendbook against Hugo on the same generated corpus.
//!
//! Run with `cargo bench --bench site_build` (optionally `-- 1000 10000`).
//! It generates the shared corpus with `../shared/bench/gen_corpus.py` (or
//! `$MENDBOOK_CORPUS_SCRIPT`), builds it with the release binary and, when
//! `hugo` is installed, with Hugo, three runs each, and prints wall time and
//! peak memory (max RSS) for every run plus the median ratio. mendbook is
//! also timed with `search = false`, and, when `$PAGEFIND_BIN` names
//! pagefind's CLI (`npm install pagefind`), Hugo's output is indexed with it,
//! so both sides are compared with and without a search index.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{generate_corpus, measure, median, release_binary, sizes, Measure};

/// Measures one run and prints it as `label: wall  peak` under its peers.
fn timed(label: &str, cmd: &mut Command) -> Measure {
    let m = measure(cmd);
    assert!(m.ok, "{label} failed on the corpus");
    println!(
        "{label:<16}: {:>8.0} ms  peak {:>6.1} MiB",
        m.wall.as_secs_f64() * 1e3,
        m.max_rss_kib as f64 / 1024.0
    );
    m
}

fn main() {
    let sizes = sizes();
    let mendbook = release_binary();
    // pagefind's CLI, for the peer of our search index: $PAGEFIND_BIN, or
    // `npm install pagefind` gives node_modules/.bin/pagefind.
    let pagefind = std::env::var_os("PAGEFIND_BIN").map(PathBuf::from);
    match &pagefind {
        Some(p) => println!("pagefind: {}", p.display()),
        None => println!("pagefind: PAGEFIND_BIN not set, not timing Hugo + pagefind"),
    }
    let hugo = Command::new("hugo")
        .arg("version")
        .output()
        .ok()
        .filter(|o| o.status.success());
    match &hugo {
        Some(o) => println!("hugo: {}", String::from_utf8_lossy(&o.stdout).trim()),
        None => println!("hugo: not installed (apt-get install hugo), measuring mendbook alone"),
    }
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        generate_corpus(n, dir.path());
        println!("\n== {n} guides");
        // The same content without the search index, since Hugo builds none.
        // (A copy: a site's content folder must lie inside it.)
        let plain = dir.path().join("ours-no-search");
        std::fs::create_dir_all(&plain).unwrap();
        let copied = Command::new("cp")
            .arg("-r")
            .arg(dir.path().join("ours/content"))
            .arg(plain.join("content"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(copied, "could not copy the corpus");
        std::fs::write(
            plain.join("book.toml"),
            "[book]\ntitle = \"Bench\"\n[build]\nsearch = false\n",
        )
        .unwrap();
        let mut ours = Vec::new();
        let mut plain_runs = Vec::new();
        let mut with_index = Vec::new();
        let mut theirs = Vec::new();
        for run in 1..=3 {
            // A clean build each time, into a folder never used before: deleting
            // the last output would leave the file system busy discarding it.
            let build = |label: &str, site: &std::path::Path, out: &str| {
                timed(
                    label,
                    Command::new(&mendbook)
                        .args(["build", "-q", "--out"])
                        .arg(dir.path().join(out))
                        .current_dir(site),
                )
            };
            let m = build(
                &format!("mendbook run {run}"),
                &dir.path().join("ours"),
                &format!("out-mendbook-{run}"),
            );
            ours.push(m.wall);
            let m = build(
                "  without search",
                &plain,
                &format!("out-mendbook-no-search-{run}"),
            );
            plain_runs.push(m.wall);
            if hugo.is_some() {
                let out = dir.path().join(format!("out-hugo-{run}"));
                let m = timed(
                    &format!("hugo     run {run}"),
                    Command::new("hugo")
                        .args(["--quiet", "--destination"])
                        .arg(&out)
                        .current_dir(dir.path().join("hugo")),
                );
                theirs.push(m.wall);
                // Hugo builds no search index; pagefind's own CLI, run on
                // Hugo's output, is the peer of mendbook's built-in index.
                if let Some(pagefind) = &pagefind {
                    let p = timed(
                        "  + pagefind",
                        Command::new(pagefind).arg("--site").arg(&out),
                    );
                    with_index.push(m.wall + p.wall);
                }
            }
        }
        let (a, b) = (median(ours), (!theirs.is_empty()).then(|| median(theirs)));
        let c = median(plain_runs);
        println!(
            "median without search: {:.0} ms; the search index adds {:.0} ms",
            c.as_secs_f64() * 1e3,
            (a.as_secs_f64() - c.as_secs_f64()) * 1e3
        );
        if let Some(b) = b {
            println!(
                "without search, mendbook takes {:.2}x Hugo's time",
                c.as_secs_f64() / b.as_secs_f64()
            );
        }
        if !with_index.is_empty() {
            let d = median(with_index);
            println!(
                "median hugo + pagefind {:.0} ms; with search, mendbook takes {:.2}x their time",
                d.as_secs_f64() * 1e3,
                a.as_secs_f64() / d.as_secs_f64()
            );
        }
        match b {
            Some(b) => println!(
                "median: mendbook {:.0} ms, hugo {:.0} ms, mendbook takes {:.2}x Hugo's time",
                a.as_secs_f64() * 1e3,
                b.as_secs_f64() * 1e3,
                a.as_secs_f64() / b.as_secs_f64()
            ),
            None => println!("median: mendbook {:.0} ms", a.as_secs_f64() * 1e3),
        }
        // A no-change rebuild: what an author pays on every save.
        timed(
            "no-change rebuild",
            Command::new(&mendbook)
                .args(["build", "-q", "--out"])
                .arg(dir.path().join("out-mendbook-3"))
                .current_dir(dir.path().join("ours")),
        );
    }
}
