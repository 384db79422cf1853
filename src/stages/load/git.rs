//! `updated-from-git`: when each file of the content folder last changed,
//! from one `git log` over the repository (not one process per file).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::base::paths::SourcePath;
use crate::model::date::Date;

/// Why git gave no dates: what happened and what to do, for a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoDates {
    pub(crate) why: String,
    pub(crate) help: &'static str,
}

/// The date of the last commit that touched each file under `content`,
/// keyed by its path inside `content`. Files never committed are absent.
pub(crate) fn last_commits(content: &Path) -> Result<HashMap<SourcePath, Date>, NoDates> {
    let shallow = git(content, &["rev-parse", "--is-shallow-repository"])?;
    if shallow.trim() == "true" {
        // The oldest fetched commit would seem to have added every file.
        return Err(NoDates {
            why: "this is a shallow clone, so git does not know when most files last changed"
                .into(),
            help: "fetch the whole history: `git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout",
        });
    }
    // Newest first, so a file's first mention is its last change. `%x01`
    // marks a commit's line; names end with NUL (`-z`) and are relative
    // to the content folder (`--relative`).
    let log = git(
        content,
        &[
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--format=%x01%cI",
            "--name-only",
            "--relative",
            "--",
            ".",
        ],
    )?;
    Ok(parse_log(&log))
}

/// Reads `git log -z --format=%x01%cI --name-only` output.
fn parse_log(log: &str) -> HashMap<SourcePath, Date> {
    let mut dates = HashMap::new();
    let mut current = None;
    let mut first_of_commit = false;
    for item in log.split('\0') {
        if let Some(date) = item.strip_prefix('\u{1}') {
            current = Date::parse(date).ok();
            first_of_commit = true;
            continue;
        }
        // The first name of a commit follows the line that ends its header.
        let name = if first_of_commit {
            item.strip_prefix('\n').unwrap_or(item)
        } else {
            item
        };
        first_of_commit = false;
        if let (false, Some(date)) = (name.is_empty(), current) {
            dates.entry(SourcePath::new(name)).or_insert(date);
        }
    }
    dates
}

/// Runs git in `dir`; its output, or why it could not.
fn git(dir: &Path, args: &[&str]) -> Result<String, NoDates> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| NoDates {
            why: if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed here".to_string()
            } else {
                format!("git could not be run: {e}")
            },
            help: "install git, or set `updated-from-git = false`",
        })?;
    match output {
        Output { status, stdout, .. } if status.success() => {
            Ok(String::from_utf8_lossy(&stdout).into_owned())
        }
        Output { stderr, .. } => {
            let said = String::from_utf8_lossy(&stderr);
            let first = said.lines().next().unwrap_or("").trim();
            Err(NoDates {
                why: if said.contains("not a git repository") {
                    "the site is not in a git repository".to_string()
                } else {
                    format!("git failed: {}", crate::base::text::sanitise(first, 200))
                },
                help: "commit the site to a git repository, or set `updated-from-git = false`",
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_commit_wins_and_names_keep_their_spaces() {
        let log = "\u{1}2026-02-02T00:00:00Z\0\ntop.md\0\u{1}2026-01-02T03:04:05+01:00\0\na/b c.md\0top.md\0";
        let dates = parse_log(log);
        assert_eq!(dates.len(), 2);
        assert_eq!(
            dates[&SourcePath::new("top.md")].iso(),
            "2026-02-02T00:00:00Z"
        );
        assert_eq!(
            dates[&SourcePath::new("a/b c.md")].iso(),
            "2026-01-02T03:04:05+01:00"
        );
    }
}
