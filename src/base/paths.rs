//! The three kinds of path mendbook juggles, as distinct types.
//!
//! - [`SourcePath`]: a file under the content directory, relative to it
//!   (`recover/apologize.md`), always with `/` separators.
//! - [`SitePath`]: a page's URL path inside the site, without the base-url
//!   prefix and without a leading slash (`recover/apologize/`; the home page is
//!   the empty path).
//! - [`OutputPath`]: a file under the build directory, relative to it
//!   (`recover/apologize/index.html`).
//!
//! Keeping them apart stops a source path from being written into an `href`,
//! or a URL from being used as a file name.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file under the content directory, relative to it, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SourcePath(String);

impl SourcePath {
    /// From a path relative to the content directory.
    pub(crate) fn from_relative(path: &Path) -> Self {
        let parts: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        SourcePath(parts.join("/"))
    }

    pub(crate) fn new(path: impl Into<String>) -> Self {
        SourcePath(path.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory part (`recover` for `recover/apologize.md`, empty at the top).
    pub(crate) fn dir(&self) -> &str {
        self.0.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }

    pub(crate) fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map(|(_, f)| f).unwrap_or(&self.0)
    }

    /// The file name without its extension.
    pub(crate) fn stem(&self) -> &str {
        let name = self.file_name();
        name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
    }

    pub(crate) fn extension(&self) -> Option<&str> {
        self.file_name().rsplit_once('.').map(|(_, e)| e)
    }

    /// Resolves a relative reference (`../guides/a.md`) written in this file.
    /// Returns `None` when it climbs out of the content directory.
    pub(crate) fn join_relative(&self, reference: &str) -> Option<SourcePath> {
        let mut parts: Vec<&str> = if reference.starts_with('/') {
            Vec::new()
        } else {
            self.dir().split('/').filter(|p| !p.is_empty()).collect()
        };
        for seg in reference.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        Some(SourcePath(parts.join("/")))
    }

    /// The file on disk, under `content_dir`.
    pub(crate) fn on_disk(&self, content_dir: &Path) -> PathBuf {
        content_dir.join(&self.0)
    }
}

impl fmt::Display for SourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL path inside the site: no leading slash, no base-url prefix.
/// Pages end in `/` (`recover/apologize/`); files do not (`recover/chart.png`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct SitePath(String);

impl SitePath {
    pub(crate) fn root() -> Self {
        SitePath(String::new())
    }

    /// A page's directory URL built from slug segments.
    pub(crate) fn page<'a>(segments: impl IntoIterator<Item = &'a str>) -> Self {
        let mut s = String::new();
        for seg in segments {
            if !seg.is_empty() {
                s.push_str(seg);
                s.push('/');
            }
        }
        SitePath(s)
    }

    /// A file's URL (an image, a PDF), from its slug segments.
    pub(crate) fn file(path: impl Into<String>) -> Self {
        SitePath(path.into().trim_start_matches('/').to_string())
    }

    /// Parses a site-absolute URL path that an author wrote (`/recover/x/`).
    pub(crate) fn parse(url: &str) -> Self {
        let trimmed = url.trim_start_matches('/');
        SitePath(trimmed.to_string())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_page(&self) -> bool {
        self.0.is_empty() || self.0.ends_with('/')
    }

    /// Where this URL's content lives in the build directory.
    pub(crate) fn output_path(&self) -> OutputPath {
        if self.is_page() {
            OutputPath(format!("{}index.html", self.0))
        } else {
            OutputPath(self.0.clone())
        }
    }

    /// How many directories deep the page is (the home page is 0).
    fn depth(&self) -> usize {
        let dir = if self.is_page() {
            self.0.as_str()
        } else {
            self.0.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
        };
        dir.split('/').filter(|s| !s.is_empty()).count()
    }

    /// The relative prefix from this page to the site root: `""`, `"../"`, `"../../"`.
    pub(crate) fn root_prefix(&self) -> String {
        "../".repeat(self.depth())
    }

    /// A relative URL from this page to `target`, which works under any
    /// base-url prefix and when the site is moved.
    pub(crate) fn relative_to(&self, target: &SitePath) -> String {
        let from: Vec<&str> = {
            let dir = if self.is_page() {
                self.0.as_str()
            } else {
                self.0.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
            };
            dir.split('/').filter(|s| !s.is_empty()).collect()
        };
        let to: Vec<&str> = target.0.split('/').collect();
        // `to` ends with "" for pages ("a/b/" -> ["a","b",""]).
        let to_dirs = &to[..to.len() - 1];
        let common = from
            .iter()
            .zip(to_dirs.iter())
            .take_while(|(a, b)| a == b)
            .count();
        let mut out = "../".repeat(from.len() - common);
        for seg in &to[common..] {
            out.push_str(seg);
            out.push('/');
        }
        out.pop(); // the separator after the last segment
        if out.is_empty() {
            "./".to_string()
        } else {
            out
        }
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.0)
    }
}

/// A file under the build directory, relative to it, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct OutputPath(String);

impl OutputPath {
    pub(crate) fn new(path: impl Into<String>) -> Self {
        OutputPath(path.into())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn on_disk(&self, build_dir: &Path) -> PathBuf {
        build_dir.join(&self.0)
    }
}

impl fmt::Display for OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A URL-safe slug: lowercase letters and digits (any script) joined by single
/// hyphens. Idempotent: `slugify(slugify(s)) == slugify(s)`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            // Some lowercase forms carry a combining mark (`İ` -> `i̇`),
            // which is not alphanumeric; keeping it would make the slug of
            // a slug differ from the slug.
            out.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if c == '\'' || c == '’' {
            // "don't" -> "dont", as people expect in URLs
        } else {
            pending_hyphen = true;
        }
    }
    out
}

/// Decodes `%20`-style escapes; invalid ones are kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Escapes the characters that would break an `href` (spaces, quotes…);
/// non-ASCII letters stay readable, as browsers accept them.
pub(crate) fn percent_encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' | '"' | '<' | '>' | '`' | '#' | '?' | '%' | '{' | '}' | '|' | '\\' | '^' | '['
            | ']' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The longest file or folder name most file systems accept, in bytes.
pub(crate) const MAX_NAME_BYTES: usize = 255;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_between_pages() {
        let a = SitePath::page(["recover", "apologize"]);
        let b = SitePath::page(["prevent", "cause"]);
        assert_eq!(a.relative_to(&b), "../../prevent/cause/");
        assert_eq!(a.relative_to(&SitePath::root()), "../../");
        assert_eq!(SitePath::root().relative_to(&a), "recover/apologize/");
        assert_eq!(a.relative_to(&a), "./");
        let sec = SitePath::page(["recover"]);
        assert_eq!(a.relative_to(&sec), "../");
        assert_eq!(sec.relative_to(&a), "apologize/");
        let img = SitePath::file("recover/chart.png");
        assert_eq!(a.relative_to(&img), "../chart.png");
        assert_eq!(img.relative_to(&a), "apologize/");
    }

    #[test]
    fn output_paths() {
        assert_eq!(SitePath::root().output_path().as_str(), "index.html");
        assert_eq!(
            SitePath::page(["a", "b"]).output_path().as_str(),
            "a/b/index.html"
        );
        assert_eq!(SitePath::file("a/x.png").output_path().as_str(), "a/x.png");
    }

    #[test]
    fn source_paths_resolve_relative_references() {
        let p = SourcePath::new("recover/apologize.md");
        assert_eq!(
            p.join_relative("move-on.md").unwrap().as_str(),
            "recover/move-on.md"
        );
        assert_eq!(
            p.join_relative("../prevent/./a.md").unwrap().as_str(),
            "prevent/a.md"
        );
        assert!(p.join_relative("../../x.md").is_none());
        assert_eq!(p.stem(), "apologize");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Don't Panic: A Guide!"), "dont-panic-a-guide");
        assert_eq!(slugify("  Café  au lait "), "café-au-lait");
        assert_eq!(slugify("My File 2"), "my-file-2");
        assert_eq!(slugify(&slugify("A -- b")), slugify("A -- b"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn segment() -> impl Strategy<Value = String> {
            "[a-z0-9-]{1,8}"
        }

        fn site_path() -> impl Strategy<Value = SitePath> {
            (
                prop::collection::vec(segment(), 0..5),
                any::<bool>(),
                segment(),
            )
                .prop_map(|(dirs, is_file, name)| {
                    if is_file {
                        let mut p = dirs.join("/");
                        if !p.is_empty() {
                            p.push('/');
                        }
                        SitePath::file(format!("{p}{name}.png"))
                    } else {
                        SitePath::page(dirs.iter().map(String::as_str))
                    }
                })
        }

        /// Resolves a relative link the way a browser does, from `from`'s
        /// folder; `None` when it climbs above the site root.
        fn resolve(from: &SitePath, link: &str) -> Option<String> {
            let dir = if from.is_page() {
                from.as_str()
            } else {
                from.as_str().rsplit_once('/').map(|(d, _)| d).unwrap_or("")
            };
            let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
            let ends_with_slash = link.ends_with('/');
            for seg in link.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    s => parts.push(s),
                }
            }
            let mut out = parts.join("/");
            if ends_with_slash && !out.is_empty() {
                out.push('/');
            }
            Some(out)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn slugs_are_url_safe_and_idempotent(text in any::<String>()) {
                let slug = slugify(&text);
                prop_assert_eq!(slugify(&slug), slug.clone());
                prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
                prop_assert!(!slug.contains("--"));
                prop_assert!(slug.chars().all(|c| c == '-' || c.is_alphanumeric()), "{:?}", slug);
            }

            #[test]
            fn relative_links_lead_to_their_target_and_never_leave_the_site(
                from in site_path(),
                to in site_path(),
            ) {
                let link = from.relative_to(&to);
                let landed = resolve(&from, &link);
                prop_assert_eq!(landed.as_deref(), Some(to.as_str()), "{} -> {}: {}", from, to, link);
            }
        }
    }
}
