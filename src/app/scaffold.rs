//! `mendbook init` and `mendbook new`: starter files for authors. Existing
//! files are never overwritten.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::base::diagnostics::Diagnostic;
use crate::base::text::humanise;
use crate::model::config::Config;

/// The GitHub Actions workflow that checks pull requests and deploys the
/// site to Pages from the default branch, with `{{MENDBOOK_VERSION}}` where
/// [`pages_workflow`] puts the version of mendbook that runs `init`.
pub(crate) const PAGES_WORKFLOW: &str = include_str!("scaffold/pages.yml");

/// book.toml, with `{{BASE_URL}}` where `init` puts the base-url it chose.
const BOOK_TOML: &str = include_str!("scaffold/book.toml");

/// The base-url `init` writes when it knows no better: the address
/// `mendbook serve` previews at, so the site works there as it is.
pub(crate) const LOCAL_BASE_URL: &str = "http://127.0.0.1:3000/";

const FILES: &[(&str, &str)] = &[
    ("book.toml", BOOK_TOML),
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

/// The Pages workflow, pinned to this mendbook's version: a site keeps
/// building with the mendbook it was made with until its authors upgrade.
pub(crate) fn pages_workflow() -> String {
    PAGES_WORKFLOW.replace("{{MENDBOOK_VERSION}}", env!("CARGO_PKG_VERSION"))
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitOutcome {
    pub created: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
    /// The base-url written into the new book.toml, and why; `None` when
    /// book.toml was already there (and so left as it is).
    pub base_url: Option<BaseUrlChoice>,
}

/// The base-url `init` chose for a new site, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlChoice {
    /// An absolute URL ending in `/`.
    pub url: String,
    /// Why this one, as a phrase that follows the URL.
    pub reason: String,
}

/// `base-url URL (REASON)`, the line `init` prints.
impl fmt::Display for BaseUrlChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "base-url {} ({})", self.url, self.reason)
    }
}

/// Creates a starter site in `dir`, keeping any file that already exists.
pub fn init(dir: &Path) -> Result<InitOutcome, Diagnostic> {
    let mut outcome = InitOutcome::default();
    for (rel, template) in FILES {
        let path = dir.join(rel);
        if path.exists() {
            outcome.kept.push(PathBuf::from(rel));
            continue;
        }
        let mut choice = None;
        let text = match *rel {
            "book.toml" => {
                let chosen = choose_base_url(dir);
                let text = template.replace("{{BASE_URL}}", &chosen.url);
                choice = Some(chosen);
                text
            }
            ".github/workflows/pages.yml" => pages_workflow(),
            _ => template.to_string(),
        };
        create_new(&path, &text)?;
        outcome.created.push(PathBuf::from(rel));
        if choice.is_some() {
            outcome.base_url = choice;
        }
    }
    Ok(outcome)
}

/// The base-url for a new site in `dir`: its GitHub Pages address when the
/// git repository holding `dir` has a GitHub remote `origin`, else
/// [`LOCAL_BASE_URL`]. Needs no git: without it, the local default.
pub fn choose_base_url(dir: &Path) -> BaseUrlChoice {
    match git_origin(dir) {
        Origin::NoGit => local("git was not found"),
        Origin::NoRepository => local("this folder is not in a git repository"),
        Origin::NoRemote => local("the git repository has no remote `origin`"),
        Origin::Url(remote) => match github_repository(&remote) {
            Some((owner, repo)) => BaseUrlChoice {
                url: github_pages_url(&owner, &repo),
                reason: format!(
                    "from the git remote `origin`, github.com/{owner}/{repo}: \
                     its GitHub Pages address"
                ),
            },
            None => local("the git remote `origin` is not on GitHub"),
        },
    }
}

/// [`LOCAL_BASE_URL`], since `why`.
fn local(why: &str) -> BaseUrlChoice {
    BaseUrlChoice {
        url: LOCAL_BASE_URL.to_string(),
        reason: format!(
            "the local preview address, since {why}; \
             the Pages workflow passes the real address when it deploys"
        ),
    }
}

/// What `git remote get-url origin` says about a folder.
#[derive(Debug, PartialEq, Eq)]
enum Origin {
    NoGit,
    NoRepository,
    NoRemote,
    Url(String),
}

fn git_origin(dir: &Path) -> Origin {
    // `init` may be about to create `dir`: ask in the nearest folder that
    // exists, which is where git will find the repository once it does.
    let Some(existing) = dir.ancestors().find(|d| d.is_dir()) else {
        return Origin::NoRepository;
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(existing)
        .args(["remote", "get-url", "origin"])
        // Discover the repository from the folder, whatever the caller's
        // environment points at (a git hook sets GIT_DIR, for one).
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Err(_) => Origin::NoGit,
        Ok(out) if out.status.success() => match String::from_utf8(out.stdout) {
            Ok(url) if !url.trim().is_empty() => Origin::Url(url.trim().to_string()),
            _ => Origin::NoRemote,
        },
        // git exits with 2 for "no such remote", 128 outside a repository.
        Ok(out) if out.status.code() == Some(2) => Origin::NoRemote,
        Ok(_) => Origin::NoRepository,
    }
}

/// `(owner, repository)` of a GitHub remote URL: `https://github.com/O/R`,
/// `git@github.com:O/R` and `ssh://git@github.com/O/R`, each with or
/// without `.git` and a trailing `/`. Credentials in the URL are dropped,
/// never echoed. `None` for any other host or an implausible name.
fn github_repository(remote: &str) -> Option<(String, String)> {
    let remote = remote.trim();
    let (host, path) = match remote.split_once("://") {
        Some((scheme, rest)) => {
            if !["https", "http", "ssh", "git"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s))
            {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let host = host.split_once(':').map_or(host, |(h, _)| h);
            (host, path)
        }
        // scp-like: [user@]host:path
        None => {
            let (authority, path) = remote.split_once(':')?;
            if authority.contains('/') {
                return None;
            }
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            (host, path)
        }
    };
    if !host.eq_ignore_ascii_case("github.com") && !host.eq_ignore_ascii_case("www.github.com") {
        return None;
    }
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, repo) = path.split_once('/')?;
    let owner_ok = (1..=39).contains(&owner.len())
        && owner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !owner.starts_with('-')
        && !owner.ends_with('-');
    let repo_ok = (1..=100).contains(&repo.len())
        && repo
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && repo != "."
        && repo != "..";
    (owner_ok && repo_ok).then(|| (owner.to_string(), repo.to_string()))
}

/// Where GitHub Pages publishes `owner/repo`: a project site under
/// `https://owner.github.io/repo/`, or the user or organisation site at
/// the root when the repository is named `owner.github.io`.
fn github_pages_url(owner: &str, repo: &str) -> String {
    let host = format!("{}.github.io", owner.to_ascii_lowercase());
    if repo.eq_ignore_ascii_case(&host) {
        format!("https://{host}/")
    } else {
        format!("https://{host}/{repo}/")
    }
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
pub(crate) fn new_guide(config: &Config, path: &Path) -> Result<PathBuf, Diagnostic> {
    let (dest, title) = new_file(config, path, "md", "recover/say-sorry.md")?;
    let today = today();
    let text = format!(
        "---\ntitle: \"{}\"\ndescription: \"\"\ndate: {today}\ntags: []\n---\n\nStart writing here.\n",
        title.replace('"', "\\\"")
    );
    create_new(&dest, &text)?;
    Ok(dest)
}

/// Creates a starter decision tree at `path`: two questions, two outcomes
/// and the tests that walk to them, so `check` passes from the start.
pub(crate) fn new_tree(config: &Config, path: &Path) -> Result<PathBuf, Diagnostic> {
    let (dest, title) = new_file(config, path, "yaml", "recover/what-now.yaml")?;
    let text = include_str!("scaffold/tree.yaml").replace("{title}", &title.replace('"', "\\\""));
    create_new(&dest, &text)?;
    Ok(dest)
}

/// Where a new `ext` file for `path` goes, and its title. A title-like
/// name (`"Find the cause"`) becomes a slug file name (`find-the-cause`)
/// and keeps its words as the title; a slug name is turned into words.
fn new_file(
    config: &Config,
    path: &Path,
    ext: &str,
    example: &str,
) -> Result<(PathBuf, String), Diagnostic> {
    let inside = !path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    let mut rel = path.to_path_buf();
    // An extension the author wrote is kept (`.yml` too); else `ext` is added.
    let written = rel
        .extension()
        .filter(|e| *e == ext || (ext == "yaml" && *e == "yml"))
        .map(|e| e.to_string_lossy().into_owned());
    let name = match written {
        Some(_) => rel.file_stem(),
        None => rel.file_name(),
    }
    .unwrap_or_default()
    .to_string_lossy()
    .into_owned();
    let slug = crate::base::paths::slugify(&name);
    if !inside || slug.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{}` must be a path inside the content folder, like `{example}`",
            path.display()
        )));
    }
    let title = if slug == name {
        humanise(&name)
    } else {
        let mut chars = name.trim().chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    let file = format!("{slug}.{}", written.as_deref().unwrap_or(ext));
    rel.set_file_name(file);
    Ok((config.content_dir.join(&rel), title))
}

/// Today's date (UTC) as YYYY-MM-DD.
fn today() -> String {
    jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{github_pages_url, github_repository};

    #[test]
    fn github_remotes_in_every_usual_form() {
        let acme = Some(("acme".to_string(), "guides".to_string()));
        for remote in [
            "https://github.com/acme/guides.git",
            "https://github.com/acme/guides",
            "https://github.com/acme/guides/",
            "http://github.com/acme/guides.git",
            "https://user:token@github.com/acme/guides.git",
            "https://www.github.com/acme/guides",
            "git@github.com:acme/guides.git",
            "git@github.com:acme/guides",
            "github.com:acme/guides.git",
            "ssh://git@github.com/acme/guides.git",
            "ssh://git@github.com:22/acme/guides",
            "git://github.com/acme/guides.git",
            "  https://GitHub.com/acme/guides.git\n",
        ] {
            assert_eq!(github_repository(remote), acme, "{remote}");
        }
    }

    #[test]
    fn other_remotes_are_not_github() {
        for remote in [
            "https://gitlab.com/acme/guides.git",
            "git@gitlab.com:acme/guides.git",
            "https://github.com.evil.example/acme/guides",
            "https://evil.example/github.com/acme/guides",
            "/srv/git/guides.git",
            "../guides",
            "file:///srv/github.com/acme/guides",
            "https://github.com/acme",
            "https://github.com/acme/guides/tree/main",
            "https://github.com/-acme/guides",
            "https://github.com/acme/gu ides",
            "https://github.com/acme/..",
            "",
        ] {
            assert_eq!(github_repository(remote), None, "{remote}");
        }
    }

    #[test]
    fn pages_addresses() {
        assert_eq!(
            github_pages_url("acme", "guides"),
            "https://acme.github.io/guides/"
        );
        assert_eq!(
            github_pages_url("Acme", "Career.Guides"),
            "https://acme.github.io/Career.Guides/"
        );
        assert_eq!(
            github_pages_url("Acme", "acme.github.io"),
            "https://acme.github.io/"
        );
        assert_eq!(
            github_pages_url("acme", "other.github.io"),
            "https://acme.github.io/other.github.io/"
        );
    }

    #[test]
    fn the_workflow_is_pinned_to_this_version() {
        let workflow = super::pages_workflow();
        assert!(
            !workflow.replace("${{", "").contains("{{"),
            "a placeholder is left"
        );
        assert!(workflow.contains(&format!(
            "MENDBOOK_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )));
    }

    #[test]
    fn the_choice_reads_as_one_line() {
        assert_eq!(
            super::local("git was not found").to_string(),
            "base-url http://127.0.0.1:3000/ (the local preview address, since git was not \
             found; the Pages workflow passes the real address when it deploys)"
        );
        let remote = super::BaseUrlChoice {
            url: github_pages_url("acme", "guides"),
            reason: "x".into(),
        };
        assert_eq!(
            remote.to_string(),
            "base-url https://acme.github.io/guides/ (x)"
        );
    }
}
