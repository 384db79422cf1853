//! Scaling benchmark: inputs that once made mendbook's work grow with the
//! square of their size, each at n, 2n and 4n. Linear (or n·log n) work
//! roughly doubles per step; quadratic work quadruples.
//!
//! Run with `cargo bench --bench scaling`. Sites are written to /dev/shm
//! when it exists. Set `MENDBOOK_BIN` to time another build of mendbook
//! (an older one, for before/after figures).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{measure, median, release_binary};

/// One kind of input: a name, its sizes, and how to write a site of size n.
struct Case {
    name: &'static str,
    sizes: [usize; 3],
    command: &'static str,
    write: fn(&Path, usize),
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn book(site: &Path) {
    write(
        &site.join("book.toml"),
        "[book]\ntitle = \"Scaling\"\n[build]\nsearch = false\n",
    );
}

fn identical_headings(site: &Path, n: usize) {
    book(site);
    let body = vec!["## Step\n\nDo the next thing.\n"; n].join("\n");
    write(
        &site.join("content/steps.md"),
        &format!("---\ntitle: Steps\n---\n\n{body}"),
    );
}

fn info_chain(site: &Path, n: usize) {
    book(site);
    let mut yaml = String::from("title: Chain\nnodes:\n");
    for i in 0..n {
        yaml.push_str(&format!(
            "  n{i}: {{ type: info, title: Step {i}, next: n{} }}\n",
            i + 1
        ));
    }
    yaml.push_str(&format!(
        "  n{n}: {{ type: outcome, title: End, body: done }}\n"
    ));
    write(&site.join("content/chain.yaml"), &yaml);
}

fn nested_lists(site: &Path, n: usize) {
    // With search on: deep nesting used to reach the indexer.
    write(&site.join("book.toml"), "[book]\ntitle = \"Scaling\"\n");
    write(
        &site.join("content/lists.md"),
        &format!("---\ntitle: Lists\n---\n\n{}x\n", "- ".repeat(n)),
    );
}

fn broken_links_on_one_line(site: &Path, n: usize) {
    book(site);
    let links: Vec<String> = (0..n).map(|i| format!("[x](missing-{i}.md)")).collect();
    write(
        &site.join("content/links.md"),
        &format!("---\ntitle: Links\n---\n\n{}\n", links.join(" ")),
    );
}

fn one_tag_on_every_page(site: &Path, n: usize) {
    book(site);
    for i in 0..n {
        write(
            &site.join(format!("content/g{i}.md")),
            &format!("---\ntitle: Guide {i}\ntags: [recovery]\n---\n\nText {i}.\n"),
        );
    }
}

/// Every guide in one section: previous/next links once searched the
/// whole section for each guide.
fn one_long_section(site: &Path, n: usize) {
    book(site);
    for i in 0..n {
        write(
            &site.join(format!("content/all/g{i}.md")),
            &format!("---\ntitle: Guide {i}\n---\n\nText {i}.\n"),
        );
    }
}

fn main() {
    let bin = release_binary();
    println!("mendbook: {}", bin.display());
    let base = Path::new("/dev/shm");
    let base = if base.is_dir() {
        base.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let cases = [
        Case {
            name: "identical headings",
            sizes: [4_000, 8_000, 16_000],
            command: "build",
            write: identical_headings,
        },
        Case {
            name: "info chain (check)",
            sizes: [1_250, 2_500, 5_000],
            command: "check",
            write: info_chain,
        },
        Case {
            name: "nested lists, search on",
            sizes: [25_000, 50_000, 100_000],
            command: "build",
            write: nested_lists,
        },
        Case {
            name: "broken links on a line",
            sizes: [500, 1_000, 2_000],
            command: "build",
            write: broken_links_on_one_line,
        },
        Case {
            name: "one tag on every page",
            sizes: [2_500, 5_000, 10_000],
            command: "build",
            write: one_tag_on_every_page,
        },
        Case {
            name: "one long section",
            sizes: [10_000, 20_000, 40_000],
            command: "build",
            write: one_long_section,
        },
    ];
    println!(
        "{:<26} {:>8} {:>10} {:>10} {:>12}  growth per doubling",
        "case", "n", "median", "peak", "stderr"
    );
    for case in cases {
        let mut times = Vec::new();
        for n in case.sizes {
            let dir = tempfile::tempdir_in(&base).expect("temp dir");
            (case.write)(dir.path(), n);
            let mut runs = Vec::new();
            let mut last = None;
            for run in 0..3 {
                let m = measure(
                    Command::new(&bin)
                        .arg(case.command)
                        .args(if case.command == "build" {
                            vec![
                                "--out".to_string(),
                                dir.path().join(format!("out{run}")).display().to_string(),
                            ]
                        } else {
                            Vec::new()
                        })
                        .current_dir(dir.path()),
                );
                runs.push(m.wall);
                last = Some(m);
            }
            let m = last.unwrap();
            let t = median(runs);
            let growth = times
                .last()
                .map(|prev: &Duration| format!("{:.1}x", t.as_secs_f64() / prev.as_secs_f64()))
                .unwrap_or_default();
            println!(
                "{:<26} {:>8} {:>8.0} ms {:>6.0} MiB {:>9} B  {}{}",
                case.name,
                n,
                t.as_secs_f64() * 1e3,
                m.max_rss_kib as f64 / 1024.0,
                m.stderr_bytes,
                growth,
                if m.ok {
                    ""
                } else {
                    "  (refused with an error)"
                }
            );
            times.push(t);
        }
    }
}
