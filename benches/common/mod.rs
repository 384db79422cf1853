//! Set-up the benchmarks share: the release binary, the sizes asked for on
//! the command line, the shared generated corpus, and medians.

#![allow(dead_code)] // each bench uses some of these

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Builds mendbook in release mode and returns the binary's path.
pub fn release_binary() -> PathBuf {
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
