//! Set-up the benchmarks share: the release binary, the sizes asked for on
//! the command line, the shared generated corpus, and medians.

#![allow(dead_code)] // each bench uses some of these

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Builds mendbook in release mode and returns the binary's path; or,
/// when `MENDBOOK_BIN` names one, that binary (an older build, for
/// before/after figures).
pub fn release_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("MENDBOOK_BIN") {
        return PathBuf::from(bin);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet"])
        .current_dir(manifest)
        .status()
        .expect("cargo build");
    assert!(status.success());
    manifest.join("target/release/mendbook")
}

/// Corpus sizes from the command line (`-- 1000 10000`), or those two.
pub fn sizes() -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        vec![1000, 10000]
    } else {
        sizes
    }
}

/// Writes the shared corpus of `n` guides into `dir` (`dir/ours`,
/// `dir/hugo`, …) with `../shared/bench/gen_corpus.py`, or
/// `$MENDBOOK_CORPUS_SCRIPT`.
pub fn generate_corpus(n: usize, dir: &Path) {
    let script = std::env::var_os("MENDBOOK_CORPUS_SCRIPT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py")
        });
    let ok = Command::new("python3")
        .arg(&script)
        .arg(n.to_string())
        .arg(dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(
        ok,
        "could not generate the corpus with {}",
        script.display()
    );
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One run of a command: wall time, peak memory, how it exited and how
/// much it wrote to stderr.
pub struct Measure {
    pub wall: Duration,
    pub max_rss_kib: i64,
    pub ok: bool,
    pub stderr_bytes: usize,
}

/// Runs a command and measures its wall time and peak resident memory.
// The child is reaped by wait4, which clippy cannot see.
#[allow(clippy::zombie_processes)]
pub fn measure(cmd: &mut Command) -> Measure {
    // Flush what earlier runs left to write, so it is not charged to this one.
    // SAFETY: sync has no preconditions.
    unsafe { libc::sync() };
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    // Read stderr to its end (the child's exit) before reaping it, so a
    // long report cannot fill the pipe and stall the child.
    let mut err = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_end(&mut err);
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    Measure {
        wall,
        max_rss_kib: usage.ru_maxrss,
        ok: rc == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        stderr_bytes: err.len(),
    }
}
