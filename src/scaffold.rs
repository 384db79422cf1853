//! `mendbook init` and `mendbook new`: starter files for authors. Existing
//! files are never overwritten.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::humanise;
use crate::diagnostics::Diagnostic;

/// The GitHub Actions workflow that builds a site and deploys it to Pages.
pub const PAGES_WORKFLOW: &str = include_str!("scaffold/pages.yml");

const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("scaffold/book.toml")),
    ("content/_index.md", include_str!("scaffold/home.md")),
    (
        "content/guides/_index.md",
        include_str!("scaffold/section.md"),
    ),
    (
        "content/guides/first-steps.md",
        include_str!("scaffold/guide.md"),
    ),
    (".gitignore", "/public/\n"),
    (".github/workflows/pages.yml", PAGES_WORKFLOW),
];

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitOutcome {
    pub created: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

/// Creates a starter site in `dir`, keeping any file that already exists.
pub fn init(dir: &Path) -> Result<InitOutcome, Diagnostic> {
    let mut outcome = InitOutcome::default();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if path.exists() {
            outcome.kept.push(PathBuf::from(rel));
            continue;
        }
        create_new(&path, text)?;
        outcome.created.push(PathBuf::from(rel));
    }
    Ok(outcome)
}

/// Writes a file that must not exist yet (checked atomically by the OS).
fn create_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::error(format!(
                    "{} already exists; it was left as it is",
                    path.display()
                ))
            } else {
                Diagnostic::error(format!("cannot create {}: {e}", path.display()))
            }
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))
}

/// Creates a guide at `path` (relative to the content folder).
pub fn new_guide(config: &Config, path: &Path) -> Result<PathBuf, Diagnostic> {
    let mut rel = path.to_path_buf();
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(Diagnostic::error(format!(
            "`{}` must be a path inside the content folder, like `recover/say-sorry.md`",
            path.display()
        )));
    }
    if rel.extension().is_none_or(|e| e != "md") {
        let mut name = rel.file_name().unwrap_or_default().to_os_string();
        name.push(".md");
        rel.set_file_name(name);
    }
    let dest = config.content_dir.join(&rel);
    let stem = rel.file_stem().unwrap_or_default().to_string_lossy();
    let title = humanise(&stem);
    let today = today();
    let text = format!(
        "---\ntitle: \"{}\"\ndescription: \"\"\ndate: {today}\ntags: []\n---\n\nStart writing here.\n",
        title.replace('"', "\\\"")
    );
    create_new(&dest, &text)?;
    Ok(dest)
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_516), (2026, 3, 4));
    }
}
