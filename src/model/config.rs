//! `book.toml`: the site's configuration, read and checked.
//!
//! Unknown keys outside `[extra]` are errors that point at the key and suggest
//! the closest valid one, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::base::diagnostics::{did_you_mean, with_code, Code, Diagnostic, SourceFile};

mod translations;
mod values;
pub(crate) use translations::{OverrideValue, TranslationOverride};
pub(crate) use values::{check_language, primary_language, BaseUrl, EditUrl};

/// The configuration file's name, also how the site root is recognised.
pub(crate) const CONFIG_FILE: &str = "book.toml";

/// Pages per search index shard, unless book.toml says otherwise: enough
/// that a reader's first search loads few files, few enough that a build
/// holds little of pagefind's state at once.
pub(crate) const DEFAULT_SEARCH_SHARD_SIZE: usize = 800;
const MAX_SEARCH_SHARD_SIZE: usize = 1_000_000;
/// Entries per section or tag page, unless book.toml says otherwise.
pub(crate) const DEFAULT_PAGINATE_BY: usize = 50;
pub(crate) const MAX_PAGINATE_BY: usize = 100_000;

/// Keys each table may hold; `extra` is free-form.
const SCHEMA: &[(&str, &[&str])] = &[
    ("book", &["title", "description", "authors", "language"]),
    (
        "build",
        &[
            "content-dir",
            "build-dir",
            "theme",
            "drafts",
            "search",
            "search-shard-size",
            "paginate-by",
            "feed",
            "updated-from-git",
        ],
    ),
    ("site", &["base-url", "cname", "edit-url"]),
    ("extra", &[]),
    // Keys are the theme's translation keys, checked with the theme.
    ("translations", &[]),
];

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    #[serde(default)]
    book: RawBook,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    site: RawSite,
    #[serde(default)]
    extra: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
struct RawBook {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    language: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawBuild {
    content_dir: Option<String>,
    build_dir: Option<String>,
    theme: Option<String>,
    drafts: Option<bool>,
    search: Option<bool>,
    search_shard_size: Option<i64>,
    paginate_by: Option<i64>,
    feed: Option<bool>,
    updated_from_git: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawSite {
    base_url: Option<String>,
    cname: Option<String>,
    edit_url: Option<String>,
}

/// The checked configuration of one site.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The directory holding book.toml.
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) language: String,
    pub(crate) content_dir: PathBuf,
    pub(crate) build_dir: PathBuf,
    pub(crate) theme: String,
    pub(crate) drafts: bool,
    /// Whether to build the search index (on unless `search = false`).
    pub(crate) search: bool,
    /// About how many pages each shard of the search index holds.
    pub(crate) search_shard_size: usize,
    /// How many entries a section or tag page lists before the next page;
    /// none: all on one page.
    pub(crate) paginate_by: Option<usize>,
    /// Whether to write feed.xml (on unless `feed = false`; needs a base-url).
    pub(crate) feed: bool,
    /// Whether pages without `updated` take it from their last commit.
    pub(crate) updated_from_git: bool,
    pub(crate) base_url: Option<BaseUrl>,
    pub(crate) cname: Option<String>,
    /// Where "Edit this page" goes, with `{path}` for the source file.
    pub(crate) edit_url: Option<EditUrl>,
    /// `[extra]`, handed to templates as `config.extra`.
    pub(crate) extra: serde_json::Value,
    /// `[translations]`: strings of the theme the site words its own way.
    pub(crate) translations: Vec<TranslationOverride>,
    /// The text of book.toml, so later stages can point into it.
    pub(crate) source: SourceFile,
}

/// Overrides from the command line, applied after book.toml is read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) base_url: Option<String>,
    pub(crate) build_dir: Option<PathBuf>,
    pub(crate) drafts: bool,
}

impl Config {
    /// Finds the site root: `start` itself or its nearest ancestor holding book.toml.
    pub(crate) fn find_root(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|dir| dir.join(CONFIG_FILE).is_file())
            .map(Path::to_path_buf)
    }

    /// Whether the build writes feed.xml: asked for, and with the site's
    /// address to give its entries absolute URLs.
    pub(crate) fn writes_feed(&self) -> bool {
        self.feed && self.base_url.is_some()
    }

    /// Reads and checks `root/book.toml`. All problems are returned at once.
    pub(crate) fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        Config::load_inner(root, overrides).map_err(|e| with_code(e, Code::Config))
    }

    fn load_inner(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => crate::base::text::normalise_text(&t),
                Err(_) => {
                    return Err(vec![Diagnostic::error(format!(
                        "{} is not valid UTF-8 text",
                        path.display()
                    ))])
                }
            },
            Err(e) => {
                return Err(vec![Diagnostic::error(format!(
                    "cannot read {}: {e}",
                    path.display()
                ))])
            }
        };
        Config::parse_inner(root, &text, overrides)
    }

    /// Checks book.toml's text; `root` is where relative directories start.
    #[cfg(test)]
    pub(crate) fn parse(
        root: &Path,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Config, Vec<Diagnostic>> {
        Config::parse_inner(root, text, overrides).map_err(|e| with_code(e, Code::Config))
    }

    fn parse_inner(
        root: &Path,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Config, Vec<Diagnostic>> {
        let file = SourceFile::new(CONFIG_FILE, text);
        let mut errors = Vec::new();
        let translations = match DeTable::parse(text) {
            Ok(table) => {
                check_keys(&file, table.get_ref(), &mut errors);
                translations::overrides(&file, table.get_ref(), &mut errors)
            }
            Err(e) => return Err(vec![toml_error(&file, &e)]),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(toml_error(&file, &e));
                return Err(errors);
            }
        };
        let title = match raw.book.title {
            Some(t) if !t.trim().is_empty() => t,
            _ => {
                let span = find_table(text, "book").unwrap_or(0..0);
                errors.push(
                    Diagnostic::error("book.toml needs a title: `title` under `[book]`")
                        .at(&file, span)
                        .help("add `title = \"My guides\"` under `[book]`"),
                );
                String::new()
            }
        };
        let mut values = Values {
            file: &file,
            errors: &mut errors,
        };
        let base_url = values.base_url(overrides.base_url.clone().or(raw.site.base_url), overrides);
        let language = raw.book.language.unwrap_or_else(|| "en".to_string());
        values.language(&language);
        let content_dir = values.content_dir(root, raw.build.content_dir.as_deref());
        let build_dir = match &overrides.build_dir {
            Some(dir) => dir.clone(),
            None => values.build_dir(root, raw.build.build_dir.as_deref()),
        };
        let search_shard_size = values.whole(
            "search-shard-size",
            raw.build.search_shard_size,
            1..=MAX_SEARCH_SHARD_SIZE,
            DEFAULT_SEARCH_SHARD_SIZE,
        );
        let paginate_by = values.whole(
            "paginate-by",
            raw.build.paginate_by,
            0..=MAX_PAGINATE_BY,
            DEFAULT_PAGINATE_BY,
        );
        let edit_url = raw.site.edit_url.and_then(|u| values.edit_url(&u));
        if !errors.is_empty() {
            return Err(errors);
        }
        let extra = raw
            .extra
            .map(|t| serde_json::to_value(t).unwrap_or_default())
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        Ok(Config {
            root: root.to_path_buf(),
            title,
            description: raw.book.description,
            authors: raw.book.authors,
            language,
            content_dir,
            build_dir,
            theme: raw.build.theme.unwrap_or_else(|| "default".to_string()),
            drafts: overrides.drafts || raw.build.drafts.unwrap_or(false),
            search: raw.build.search.unwrap_or(true),
            search_shard_size,
            paginate_by: (paginate_by > 0).then_some(paginate_by),
            feed: raw.build.feed.unwrap_or(true),
            updated_from_git: raw.build.updated_from_git.unwrap_or(false),
            base_url,
            cname: raw.site.cname.filter(|c| !c.trim().is_empty()),
            edit_url,
            extra,
            translations,
            source: file,
        })
    }

    /// A source path as shown in diagnostics: relative to the site root.
    pub(crate) fn shown(&self, src: &crate::base::paths::SourcePath) -> PathBuf {
        let content = self
            .content_dir
            .strip_prefix(&self.root)
            .unwrap_or(&self.content_dir);
        content.join(src.as_str())
    }

    /// The "Edit this page" link of a source file, when there is an edit-url.
    pub(crate) fn edit_link(&self, src: &crate::base::paths::SourcePath) -> Option<String> {
        let path = self.shown(src).to_string_lossy().replace('\\', "/");
        Some(self.edit_url.as_ref()?.for_path(&path))
    }

    /// Where a key is in book.toml (the file's start if it is not there),
    /// for what later stages make of it.
    pub(crate) fn located(&self, key: &str) -> crate::base::diagnostics::Location {
        (self.source.clone(), self.key_span(key))
    }

    /// The span of a key in book.toml, for diagnostics raised by later stages.
    pub(crate) fn key_span(&self, key: &str) -> std::ops::Range<usize> {
        find_key(&self.source.text, key).unwrap_or(0..0)
    }
}

/// `root` joined with a relative `path`, when the result stays inside
/// `root` (`..` resolved by the letters, not by the disk).
fn inside(root: &Path, path: &str) -> Option<PathBuf> {
    resolve(root, path).filter(|p| p.starts_with(root))
}

/// `root` joined with a relative `path`, `..` resolved by the letters;
/// `None` for an absolute path.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = root.to_path_buf();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// A folder next to `root` (`../site`): one step up, then one folder down.
fn beside(root: &Path, path: &str) -> Option<PathBuf> {
    let rest = path.strip_prefix("../")?;
    let parent = root.parent()?;
    let name = Path::new(rest.trim_end_matches('/'));
    let mut parts = name.components();
    match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(n)), None) => Some(parent.join(n)),
        _ => None,
    }
}

/// Checks the values of book.toml that a type cannot, reporting each
/// problem at its key.
struct Values<'a> {
    file: &'a SourceFile,
    errors: &'a mut Vec<Diagnostic>,
}

impl Values<'_> {
    /// A whole number in `range`, or `default` when the key is absent.
    fn whole(
        &mut self,
        key: &str,
        value: Option<i64>,
        range: std::ops::RangeInclusive<usize>,
        default: usize,
    ) -> usize {
        let Some(value) = value else { return default };
        match usize::try_from(value).ok().filter(|v| range.contains(v)) {
            Some(v) => v,
            None => {
                self.at_key(
                    key,
                    format!(
                        "`{key}` must be a whole number from {} to {}, not {value}",
                        range.start(),
                        range.end()
                    ),
                    &format!("leave `{key}` out for the default, {default}"),
                );
                default
            }
        }
    }

    fn at_key(&mut self, key: &str, message: String, help: &str) {
        let span = find_key(&self.file.text, key).unwrap_or(0..0);
        self.errors
            .push(Diagnostic::error(message).at(self.file, span).help(help));
    }

    fn base_url(&mut self, url: Option<String>, overrides: &Overrides) -> Option<BaseUrl> {
        match BaseUrl::parse(&url?) {
            Ok(b) => Some(b),
            Err(msg) => {
                let mut d = Diagnostic::error(format!("invalid base-url: {msg}"));
                if overrides.base_url.is_none() {
                    d = d.at(
                        self.file,
                        find_key(&self.file.text, "base-url").unwrap_or(0..0),
                    );
                }
                self.errors
                    .push(d.help("for example `https://example.github.io/recovery/`"));
                None
            }
        }
    }

    fn edit_url(&mut self, written: &str) -> Option<EditUrl> {
        match EditUrl::parse(written) {
            Ok(e) => Some(e),
            Err(msg) => {
                self.at_key(
                    "edit-url",
                    format!("invalid edit-url: {msg}"),
                    "for example `https://github.com/ORG/REPO/edit/main/{path}`",
                );
                None
            }
        }
    }

    fn language(&mut self, language: &str) {
        if let Err(msg) = check_language(language) {
            self.at_key(
                "language",
                msg,
                "write a language tag such as `en`, `fr` or `pt-BR`",
            );
        }
    }

    // book.toml may be someone else's (a pull request, a template): its
    // folders stay inside the site, so a build reads and writes nothing
    // else. `--out` on the command line may point anywhere.

    fn content_dir(&mut self, root: &Path, written: Option<&str>) -> PathBuf {
        let rel = written.unwrap_or("content");
        match inside(root, rel) {
            Some(dir) if dir != root => dir,
            _ => {
                self.at_key(
                    "content-dir",
                    format!(
                        "content-dir `{}` must be a folder inside the site's folder",
                        crate::base::text::sanitise(rel, 200)
                    ),
                    "for example `content-dir = \"content\"`",
                );
                root.join("content")
            }
        }
    }

    fn build_dir(&mut self, root: &Path, written: Option<&str>) -> PathBuf {
        let rel = written.unwrap_or("public");
        // The root or a folder above it is let through to the build-dir
        // guard, which says why it is refused.
        let above = resolve(root, rel).filter(|p| root.starts_with(p));
        match inside(root, rel).or_else(|| beside(root, rel)).or(above) {
            // As written, so messages show the author's own path.
            Some(_) => root.join(rel),
            None => {
                self.at_key(
                    "build-dir",
                    format!(
                        "build-dir `{}` must be a folder inside the site's folder or next to it",
                        crate::base::text::sanitise(rel, 200)
                    ),
                    "for example `build-dir = \"public\"` or `\"../site\"`; to build anywhere else, pass `--out DIR`",
                );
                root.join("public")
            }
        }
    }
}

fn check_keys(file: &SourceFile, top: &DeTable<'_>, errors: &mut Vec<Diagnostic>) {
    let tables: Vec<&str> = SCHEMA.iter().map(|(t, _)| *t).collect();
    for (key, value) in top.iter() {
        let name = key.get_ref().as_ref();
        let Some((_, keys)) = SCHEMA.iter().find(|(t, _)| *t == name) else {
            // A key that belongs in a table, written at the top?
            let owner = SCHEMA.iter().find(|(_, ks)| ks.contains(&name));
            let help = match owner {
                Some((t, _)) => Some(format!("`{name}` belongs under `[{t}]`")),
                None => did_you_mean(name, tables.iter().copied()),
            };
            let mut d = Diagnostic::error(format!("unknown key `{name}` in book.toml"))
                .at(file, key.span())
                .label("not a book.toml key");
            if let Some(h) = help {
                d = d.help(h);
            }
            errors.push(d);
            continue;
        };
        if name == "extra" || name == "translations" {
            continue;
        }
        let DeValue::Table(inner) = value.get_ref() else {
            errors.push(
                Diagnostic::error(format!("`{name}` must be a table: `[{name}]`"))
                    .at(file, key.span()),
            );
            continue;
        };
        for (k, _) in inner.iter() {
            let kname = k.get_ref().as_ref();
            if keys.contains(&kname) {
                continue;
            }
            let mut d = Diagnostic::error(format!("unknown key `{kname}` in `[{name}]`"))
                .at(file, k.span())
                .label("not a known key");
            let help = did_you_mean(kname, keys.iter().copied()).or_else(|| {
                SCHEMA
                    .iter()
                    .find(|(_, ks)| ks.contains(&kname))
                    .map(|(t, _)| format!("`{kname}` belongs under `[{t}]`"))
            });
            d = match help {
                Some(h) => d.help(h),
                None => d.help(format!("`[{name}]` takes: {}", keys.join(", "))),
            };
            errors.push(d);
        }
    }
}

fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    Diagnostic::error(format!("book.toml: {message}")).at(file, span)
}

/// Byte span of `key = ` in TOML text (first occurrence at the start of a line).
fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(offset + indent..offset + indent + key.len());
            }
        }
        offset += line.len();
    }
    None
}

fn find_table(text: &str, table: &str) -> Option<std::ops::Range<usize>> {
    let header = format!("[{table}]");
    text.find(&header).map(|i| i..i + header.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("/site"), text, &Overrides::default())
    }

    #[test]
    fn defaults() {
        let c = parse("[book]\ntitle = \"T\"\n").unwrap();
        assert_eq!(c.content_dir, Path::new("/site/content"));
        assert_eq!(c.build_dir, Path::new("/site/public"));
        assert_eq!(c.theme, "default");
        assert!(c.base_url.is_none());
    }

    #[test]
    fn unknown_keys_are_all_reported_with_suggestions() {
        let errs = parse("[book]\ntitle = \"T\"\n[build]\nbuild_dir = \"x\"\nthemes = \"y\"\n")
            .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].position().unwrap(), "book.toml:4:1");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `build-dir`?"));
        assert_eq!(errs[1].help.as_deref(), Some("did you mean `theme`?"));
    }

    #[test]
    fn base_url_prefix() {
        let b = BaseUrl::parse("https://example.github.io/recovery").unwrap();
        assert_eq!(b.prefix, "/recovery/");
        assert_eq!(b.origin, "https://example.github.io");
        assert_eq!(BaseUrl::parse("https://x.org").unwrap().prefix, "/");
        assert!(BaseUrl::parse("example.org/x").is_err());
    }

    #[test]
    fn missing_title() {
        let errs = parse("[book]\n").unwrap_err();
        assert!(errs[0].message.contains("title"));
    }
}
