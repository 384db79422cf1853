//! Build-time benchmark: mendbook against Hugo on the same generated corpus.
//!
//! Run with `cargo bench --bench site_build` (optionally `-- 1000 10000
//! 100000`). It generates the shared corpus with
//! `../shared/bench/gen_corpus.py` (or `$MENDBOOK_CORPUS_SCRIPT`) on tmpfs
//! (`$OUTDIR`, else `/dev/shm` when there is one: the shared disk is slow at
//! creating many files right after many were deleted, which would drown the
//! comparison), builds it with the release binary with search on and off,
//! with Hugo when it is installed and fits in memory, and with Hugo then
//! pagefind's CLI on Hugo's output when `$PAGEFIND_BIN` names it (`npm
//! install pagefind`). Three runs each (one at 100,000 guides and more;
//! `$RUNS` overrides), every run's wall time and peak memory, then medians,
//! ratios, as many rebuilds with nothing changed (their median), and how
//! time grows with size.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{generate_corpus, measure, release_binary, sizes, Measure};

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

/// Medians of one size's runs, for the summary.
struct Sized {
    n: usize,
    search: (f64, f64),
    plain: (f64, f64),
    no_change: f64,
}

fn secs(d: std::time::Duration) -> f64 {
    d.as_secs_f64()
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// MemAvailable, in KiB.
fn available_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(u64::MAX)
}

fn main() {
    let sizes = sizes();
    let mendbook = release_binary();
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
    let work = std::env::var_os("OUTDIR")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/dev/shm")).filter(|p| p.is_dir()))
        .unwrap_or_else(std::env::temp_dir);
    println!(
        "machine: {} cores; outputs in {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        work.display()
    );

    let mut summary = Vec::new();
    for n in sizes {
        let dir = tempfile::tempdir_in(&work).expect("temp dir");
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
        // Hugo held about 170 KiB a guide at 10,000 guides; leave it out
        // where that would not fit.
        let hugo_fits = hugo.is_some() && (n as u64) * 170 < available_kib() * 7 / 10;
        if hugo.is_some() && !hugo_fits {
            println!("hugo: left out, {n} guides would not fit in this machine's memory");
        }
        let runs: usize = std::env::var("RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(if n >= 100_000 { 1 } else { 3 });
        let (mut ours, mut plain_runs, mut theirs, mut with_index) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let build = |label: &str, site: &std::path::Path, out: &str| {
            let m = timed(
                label,
                Command::new(&mendbook)
                    .args(["build", "-q", "--out"])
                    .arg(dir.path().join(out))
                    .current_dir(site),
            );
            (secs(m.wall), m.max_rss_kib as f64 / 1024.0)
        };
        for run in 1..=runs {
            // A clean build each time, into a folder never used before:
            // deleting the last output would leave the file system busy.
            ours.push(build(
                &format!("mendbook run {run}"),
                &dir.path().join("ours"),
                &format!("out-mendbook-{run}"),
            ));
            plain_runs.push(build(
                "  without search",
                &plain,
                &format!("out-mendbook-no-search-{run}"),
            ));
            if hugo_fits {
                let out = dir.path().join(format!("out-hugo-{run}"));
                let m = timed(
                    &format!("hugo     run {run}"),
                    Command::new("hugo")
                        .args(["--quiet", "--destination"])
                        .arg(&out)
                        .current_dir(dir.path().join("hugo")),
                );
                theirs.push((secs(m.wall), m.max_rss_kib as f64 / 1024.0));
                // Hugo builds no search index; pagefind's own CLI, run on
                // Hugo's output, is the peer of mendbook's built-in index.
                if let Some(pagefind) = &pagefind {
                    let p = timed(
                        "  + pagefind",
                        Command::new(pagefind).arg("--site").arg(&out),
                    );
                    with_index.push((
                        secs(m.wall + p.wall),
                        (m.max_rss_kib.max(p.max_rss_kib)) as f64 / 1024.0,
                    ));
                }
            }
        }
        // A rebuild with nothing changed: what an author pays on every save.
        // As many runs as the cold builds had, for a median as steady.
        let again: Vec<f64> = (1..=runs)
            .map(|run| {
                let out = format!("out-mendbook-{runs}");
                build(
                    &format!("no-change run {run}"),
                    &dir.path().join("ours"),
                    &out,
                )
                .0
            })
            .collect();
        let med = |v: &[(f64, f64)]| {
            (
                median_f(v.iter().map(|x| x.0).collect()),
                median_f(v.iter().map(|x| x.1).collect()),
            )
        };
        let (search, plain_m) = (med(&ours), med(&plain_runs));
        println!("-- medians at {n} guides:");
        println!(
            "mendbook, search on   {:>8.2} s  peak {:>7.0} MiB",
            search.0, search.1
        );
        println!(
            "mendbook, search off  {:>8.2} s  peak {:>7.0} MiB",
            plain_m.0, plain_m.1
        );
        if !theirs.is_empty() {
            let h = med(&theirs);
            println!(
                "hugo                  {:>8.2} s  peak {:>7.0} MiB",
                h.0, h.1
            );
            println!(
                "without search, mendbook takes {:.2}x Hugo's time and {:.2}x its memory",
                plain_m.0 / h.0,
                plain_m.1 / h.1
            );
        }
        if !with_index.is_empty() {
            let d = med(&with_index);
            println!(
                "hugo + pagefind       {:>8.2} s  peak {:>7.0} MiB",
                d.0, d.1
            );
            println!(
                "with search, mendbook takes {:.2}x the time of Hugo + pagefind and {:.2}x their memory",
                search.0 / d.0,
                search.1 / d.1
            );
        }
        let no_change = median_f(again);
        println!(
            "a rebuild with nothing changed takes {no_change:.2} s, {:.2}x the cold build",
            no_change / search.0
        );
        summary.push(Sized {
            n,
            search,
            plain: plain_m,
            no_change,
        });
    }
    if summary.len() > 1 {
        println!("\n== growth (search on, search off, no-change rebuild)");
        for pair in summary.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            println!(
                "{} -> {} guides ({:.0}x): time {:.2}x, {:.2}x, {:.2}x; peak memory {:.0} -> {:.0} MiB with search",
                a.n,
                b.n,
                b.n as f64 / a.n as f64,
                b.search.0 / a.search.0,
                b.plain.0 / a.plain.0,
                b.no_change / a.no_change,
                a.search.1,
                b.search.1
            );
        }
    }
}
