//! Decision-tree benchmark: how long one step page of a 200-path tree takes.
//!
//! Run with `cargo bench --bench tree_build`. It builds a site holding only a
//! tree of three questions (5 × 5 × 8 answers = 200 paths, 231 step pages)
//! and the same site without the tree, ten times each, and reports the
//! difference per step page.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{median, release_binary};

fn tree_yaml() -> String {
    let mut y = String::from("title: Two hundred paths\nnodes:\n");
    let questions = [
        ("first", 5, "second"),
        ("second", 5, "third"),
        ("third", 8, ""),
    ];
    for (name, n, next) in questions {
        y.push_str(&format!("  {name}:\n    type: question\n    text: Which {name} answer?\n    hint: Pick *one*.\n    options:\n"));
        for o in 0..n {
            let target = if next.is_empty() {
                format!("end-{o}")
            } else {
                next.to_string()
            };
            y.push_str(&format!("      - {{ id: o{o}, label: \"Answer number {o} to the {name} question\", next: {target} }}\n"));
        }
    }
    for o in 0..8 {
        y.push_str(&format!(
            "  end-{o}:\n    type: outcome\n    title: Plan {o}\n    body: Do the {o} thing.\n    steps:\n      - Apologize.\n      - Explain.\n      - Move on.\n"
        ));
    }
    y.push_str("tests:\n");
    for o in 0..8 {
        y.push_str(&format!(
            "  - {{ answers: [o0, o0, o{o}], expect: end-{o} }}\n"
        ));
    }
    y
}

fn build(bin: &Path, root: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(bin)
        .args(["build", "-q", "--out"])
        .arg(out)
        .current_dir(root)
        .status()
        .expect("run mendbook");
    assert!(status.success());
    start.elapsed()
}

fn main() {
    let bin = release_binary();

    let with = tempfile::tempdir().unwrap();
    let without = tempfile::tempdir().unwrap();
    for dir in [with.path(), without.path()] {
        std::fs::create_dir_all(dir.join("content")).unwrap();
        // Search is timed by the site bench; this one times tree pages alone.
        std::fs::write(
            dir.join("book.toml"),
            "[book]\ntitle = \"Bench\"\n[build]\nsearch = false\n",
        )
        .unwrap();
        std::fs::write(dir.join("content/_index.md"), "Home.\n").unwrap();
    }
    std::fs::write(with.path().join("content/flow.yaml"), tree_yaml()).unwrap();

    let (mut a, mut b) = (Vec::new(), Vec::new());
    for run in 0..10 {
        a.push(build(
            &bin,
            with.path(),
            &with.path().join(format!("out{run}")),
        ));
        b.push(build(
            &bin,
            without.path(),
            &without.path().join(format!("out{run}")),
        ));
    }
    let pages = std::fs::read_dir(with.path().join("out0/flow"))
        .map(|_| {
            walkdir::WalkDir::new(with.path().join("out0/flow"))
                .into_iter()
                .flatten()
                .filter(|e| e.file_name() == "index.html")
                .count()
        })
        .unwrap_or(0);
    let (ta, tb) = (median(a), median(b));
    let per_page = (ta.saturating_sub(tb)).as_secs_f64() * 1e3 / (pages.max(1) - 1) as f64;
    println!("tree of 200 paths: {pages} pages (231 steps and the map)");
    println!(
        "build with the tree {:.1} ms, without {:.1} ms (medians of 10)",
        ta.as_secs_f64() * 1e3,
        tb.as_secs_f64() * 1e3
    );
    println!("{per_page:.3} ms per step page");
}
