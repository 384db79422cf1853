//! Front matter: the YAML fields between `---` lines at the top of a page,
//! read and checked (dates, tags, slug, `extra`), with messages in the
//! words authors use; and the page's title.

use std::ops::Range;

use serde::Deserialize;

use crate::base::diagnostics::{did_you_mean, with_code, Code, Diagnostic, SourceFile};
use crate::base::paths::{slugify, SourcePath, MAX_NAME_BYTES};
use crate::base::text::{find_yaml_key, humanise, normalise_text, sanitise};
use crate::base::yaml;
use crate::model::date::Date;

/// Front-matter fields, in the order the docs list them.
pub(crate) const FRONT_MATTER_FIELDS: &[&str] = &[
    "title",
    "description",
    "weight",
    "date",
    "updated",
    "authors",
    "tags",
    "draft",
    "slug",
    "aliases",
    "paginate-by",
    "extra",
];

#[derive(Debug, Default, Deserialize)]
pub(super) struct FrontMatter {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) weight: Option<i64>,
    pub(super) date: Option<String>,
    pub(super) updated: Option<String>,
    #[serde(default)]
    pub(super) authors: Vec<String>,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    pub(super) draft: bool,
    pub(super) slug: Option<String>,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
    #[serde(rename = "paginate-by")]
    pub(super) paginate_by: Option<i64>,
    pub(super) extra: Option<serde_json::Value>,
}

/// A markdown file after its front matter is read.
pub(super) struct Parsed {
    pub(super) src: SourcePath,
    pub(super) file: SourceFile,
    pub(super) fm: FrontMatter,
    pub(super) title: String,
    pub(super) body_start: usize,
    pub(super) date: Option<Date>,
    pub(super) updated: Option<Date>,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Filled in after parsing, by [`super::include`].
    pub(super) included: crate::model::included::Included,
}

/// Where a page's front matter is: its text's range (`None` when the page
/// has none) and where the body starts.
struct Fences {
    range: Option<Range<usize>>,
    body_start: usize,
}

/// Where the body starts after any front matter: 0 when there is none, or
/// when it is never closed.
pub(super) fn body_start(file: &SourceFile) -> usize {
    fences(file, &mut Vec::new()).map_or(0, |f| f.body_start)
}

/// Finds the `---` lines around the front matter. An opening fence that is
/// never closed is a problem; the whole file then counts as front matter.
fn fences(file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Result<Fences, ()> {
    let text = &file.text;
    let none = Fences {
        range: None,
        body_start: 0,
    };
    let Some(rest) = text.strip_prefix("---") else {
        return Ok(none);
    };
    let first_line_end = rest.find('\n').map(|i| i + 3 + 1).unwrap_or(text.len());
    if !text[3..first_line_end].trim().is_empty() {
        return Ok(none);
    }
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Fences {
                range: Some(first_line_end..offset),
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    diagnostics.push(
        Diagnostic::error("front matter is never closed")
            .at(file, 0..3)
            .label("front matter starts here")
            .help("end the front matter with a line holding only `---`"),
    );
    Err(())
}

/// What the fields between the fences gave.
enum Fields {
    Read(FrontMatter),
    /// Not read at all, or a misspelt `title` hides the title: a missing
    /// title is then no news.
    Broken(FrontMatter),
}

/// Reads the fields between the fences.
fn read_fields(
    file: &SourceFile,
    range: &Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Fields {
    let fm_text = &file.text[range.clone()];
    if fm_text.trim().is_empty() {
        return Fields::Read(FrontMatter::default());
    }
    match yaml::from_str_collecting_unknown::<FrontMatter>(fm_text) {
        Ok((fm, unknown)) => {
            let mut title_misspelt = false;
            for key in unknown {
                // `Title:` is one mistake, not also a missing title.
                title_misspelt |= did_you_mean(&key, ["title"]).is_some() && fm.title.is_none();
                let top = key.split('.').next().unwrap_or(&key).to_string();
                let span = find_yaml_key(fm_text, &top)
                    .map(|r| r.start + range.start..r.end + range.start)
                    .unwrap_or(range.start..range.start);
                let d = Diagnostic::error(format!("unknown front matter field `{top}`"))
                    .at(file, span)
                    .label("not a front matter field");
                diagnostics.push(
                    match did_you_mean(&top, FRONT_MATTER_FIELDS.iter().copied()) {
                        Some(h) => d.help(h),
                        None => d.help(format!(
                            "fields are: {}; put your own data under `extra:`",
                            FRONT_MATTER_FIELDS.join(", ")
                        )),
                    },
                );
            }
            if title_misspelt {
                Fields::Broken(fm)
            } else {
                Fields::Read(fm)
            }
        }
        Err(e) => {
            let at = range.start + e.offset.unwrap_or(0);
            let mut d =
                Diagnostic::error(format!("invalid front matter: {}", for_authors(&e.message)))
                    .at(file, at..at + 1);
            if fm_text.lines().any(|l| l.starts_with('\t')) {
                d = d.help("YAML does not allow tabs for indentation; use spaces");
            } else if let Some(help) = list_help(&e.message) {
                d = d.help(help);
            }
            diagnostics.push(d);
            Fields::Broken(FrontMatter::default())
        }
    }
}

/// Checks the values the fields' types cannot: dates, tags, the slug and
/// `extra`. `key_span` finds a key in the file.
fn check_values(
    fm: &FrontMatter,
    file: &SourceFile,
    key_span: &dyn Fn(&str) -> Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Date>, Option<Date>) {
    let dates = super::dates::check(&fm.date, &fm.updated, file, key_span, diagnostics);
    for tag in &fm.tags {
        if let Some(message) = tag_problem(tag) {
            diagnostics.push(
                Diagnostic::error(message)
                    .at(file, key_span("tags"))
                    .help("tags are short words or phrases, like `apology` or `first job`"),
            );
        }
    }
    dates
}

/// Why a tag cannot have a page, if it cannot.
fn tag_problem(tag: &str) -> Option<String> {
    let slug = slugify(tag);
    let shown = sanitise(tag, 80);
    if slug.is_empty() {
        Some(format!(
            "the tag `{shown}` has no letters or digits, so it cannot have a page"
        ))
    } else if slug.len() > MAX_NAME_BYTES {
        Some(format!(
            "the tag `{shown}` is too long to be the name of its page ({} bytes; at most {MAX_NAME_BYTES})",
            slug.len(),
        ))
    } else {
        None
    }
}

/// Checks the slug and `extra`, which come after the title in reports.
fn check_slug_and_extra(
    fm: &FrontMatter,
    file: &SourceFile,
    key_span: &dyn Fn(&str) -> Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(slug) = &fm.slug {
        if slug.contains(['/', '\\']) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the slug `{slug}` must be one part of a URL, without `/`"
                ))
                .at(file, key_span("slug"))
                .help("the folder a guide is in gives the rest of its URL"),
            );
        } else if slugify(slug).is_empty() {
            diagnostics.push(
                Diagnostic::error(format!("the slug `{slug}` has no letters or digits"))
                    .at(file, key_span("slug")),
            );
        }
    }
    if fm
        .extra
        .as_ref()
        .is_some_and(|e| !e.is_object() && !e.is_null())
    {
        diagnostics.push(
            Diagnostic::error("`extra` must be a mapping of your own fields")
                .at(file, key_span("extra"))
                .help("for example `extra: { audience: managers }`"),
        );
    }
}

/// The title: from the front matter, or a leading `# heading`, which then
/// leaves the body (`body_start` moves past it).
fn title(
    fm: &FrontMatter,
    src: &SourcePath,
    file: &SourceFile,
    body_start: &mut usize,
    report_missing: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    if let Some(t) = fm.title.clone().filter(|t| !t.trim().is_empty()) {
        return t;
    }
    if let Some((title, consumed)) = leading_heading(&file.text[*body_start..]) {
        *body_start += consumed;
        return title;
    }
    if src.file_name() != "_index.md" && report_missing {
        diagnostics.push(
            Diagnostic::error("this page has no title")
                .at(file, 0..0)
                .help("add `title: …` to the front matter, or start the page with a `# Heading`"),
        );
    }
    humanise(src.stem())
}

/// Splits front matter from the body and reads it.
pub(super) fn parse_markdown_source(src: SourcePath, file: SourceFile) -> Parsed {
    let mut diagnostics = Vec::new();
    if file.text.starts_with("+++") {
        diagnostics.push(
            Diagnostic::error(
                "front matter between `+++` lines (TOML) is not supported; mendbook reads YAML between `---` lines",
            )
            .at(&file, 0..3)
            .help(format!("write it as:\n---\n{}---", toml_as_yaml(&file.text))),
        );
        return Parsed {
            src,
            body_start: file.text.len(),
            file,
            fm: FrontMatter::default(),
            title: humanise(""),
            date: None,
            updated: None,
            diagnostics: with_code(diagnostics, Code::FrontMatter),
            included: Default::default(),
        };
    }
    // When the front matter cannot be read, a missing title is no news.
    let (fences, mut readable) = match fences(&file, &mut diagnostics) {
        Ok(f) => (f, true),
        Err(()) => (
            Fences {
                range: None,
                body_start: file.text.len(),
            },
            false,
        ),
    };
    let fm = match &fences.range {
        Some(range) => match read_fields(&file, range, &mut diagnostics) {
            Fields::Read(fm) => fm,
            Fields::Broken(fm) => {
                readable = false;
                fm
            }
        },
        None => FrontMatter::default(),
    };
    let fm_start = fences.range.as_ref().map_or(0, |r| r.start);
    let fm_text = fences.range.as_ref().map_or("", |r| &file.text[r.clone()]);
    let key_span = |key: &str| {
        find_yaml_key(fm_text, key)
            .map(|r| r.start + fm_start..r.end + fm_start)
            .unwrap_or(0..0)
    };
    let (date, updated) = check_values(&fm, &file, &key_span, &mut diagnostics);
    let mut body_start = fences.body_start;
    let title = title(
        &fm,
        &src,
        &file,
        &mut body_start,
        readable,
        &mut diagnostics,
    );
    check_slug_and_extra(&fm, &file, &key_span, &mut diagnostics);
    if fences.range.is_some() && src.stem() != "_index" && file.text[body_start..].trim().is_empty()
    {
        let end = file.text.len();
        diagnostics.push(
            Diagnostic::error("this guide has nothing after its front matter")
                .at(&file, end.saturating_sub(1)..end)
                .help("write the guide below the closing `---`"),
        );
    }
    Parsed {
        src,
        file,
        fm,
        title,
        body_start,
        date,
        updated,
        diagnostics: with_code(diagnostics, Code::FrontMatter),
        included: Default::default(),
    }
}

/// A serde message in words an author uses: "fields", "a list", "a whole
/// number", not Rust's names for them.
fn for_authors(message: &str) -> String {
    message
        .replace("struct FrontMatter", "fields like `title: …`")
        .replace("expected i64", "expected a whole number")
        .replace("expected a sequence", "expected a list")
        .replace("expected a boolean", "expected true or false")
        .replace("invalid type: string", "found the text")
        .replace("invalid type: integer", "found the number")
        .replace("invalid type: map", "found a mapping")
        .replace("invalid type: sequence", "found a list")
}

/// `tags: a, b` is a list written as text; say how to write the list.
fn list_help(message: &str) -> Option<String> {
    let (key, rest) = message.split_once(": ")?;
    if !["tags", "authors", "aliases"].contains(&key) || !rest.contains("expected a sequence") {
        return None;
    }
    let value = rest.split('"').nth(1)?;
    let items: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    Some(format!(
        "write a list in brackets: `{key}: [{}]`",
        items.join(", ")
    ))
}

/// TOML front matter as the YAML mendbook reads, for the error's help:
/// `key = value` lines become `key: value`.
fn toml_as_yaml(text: &str) -> String {
    let mut out = String::new();
    for line in text
        .lines()
        .skip(1)
        .take_while(|l| l.trim() != "+++")
        .take(20)
    {
        match line.split_once('=') {
            Some((k, v)) => out.push_str(&format!("{}: {}\n", k.trim(), v.trim())),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `# Title` as the first non-blank line: the title and the bytes it spans.
fn leading_heading(body: &str) -> Option<(String, usize)> {
    let mut consumed = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() {
            consumed += line.len();
            continue;
        }
        let rest = t.strip_prefix("# ")?;
        let title = rest.trim().trim_end_matches('#').trim().to_string();
        return (!title.is_empty()).then_some((title, consumed + line.len()));
    }
    None
}

/// Reads one markdown page as the build does, for the fuzz targets: its
/// title, where the body starts, and its problems.
#[doc(hidden)]
pub fn parse_for_fuzzing(text: &str) -> (String, usize, Vec<Diagnostic>) {
    let file = SourceFile::new("content/a.md", normalise_text(text));
    let p = parse_markdown_source(SourcePath::new("a.md"), file);
    (p.title, p.body_start, p.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        let file = SourceFile::new("content/a.md", normalise_text(text));
        parse_markdown_source(SourcePath::new("a.md"), file)
    }

    #[test]
    fn front_matter_and_body() {
        let p = parse("---\ntitle: Hello\ntags: [a, b]\n---\nBody\n");
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.title, "Hello");
        assert_eq!(&p.file.text[p.body_start..], "Body\n");
    }

    #[test]
    fn bom_and_crlf() {
        let p = parse("\u{feff}---\r\ntitle: Hello\r\n---\r\nBody\r\n");
        assert!(p.diagnostics.is_empty());
        assert_eq!(p.title, "Hello");
    }

    #[test]
    fn title_from_heading() {
        let p = parse("\n# From the heading\n\nText\n");
        assert_eq!(p.title, "From the heading");
        assert_eq!(&p.file.text[p.body_start..], "\nText\n");
    }

    #[test]
    fn unknown_field_points_at_its_line() {
        let p = parse("---\ntitle: x\ntitel: y\n---\nText.\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].position().unwrap(), "content/a.md:3:1");
        assert_eq!(
            p.diagnostics[0].help.as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn unclosed_front_matter() {
        let p = parse("---\ntitle: x\n");
        assert!(p.diagnostics[0].message.contains("never closed"));
    }

    #[test]
    fn bad_date() {
        let p = parse("---\ntitle: x\ndate: 2026-02-30\n---\n");
        assert_eq!(p.diagnostics[0].position().unwrap(), "content/a.md:3:7");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any text at all: no panic, and every diagnostic points inside the file.
            #[test]
            fn the_splitter_never_panics(text in any::<String>()) {
                let p = parse(&text);
                prop_assert!(p.body_start <= p.file.text.len());
                for d in &p.diagnostics {
                    if let Some(at) = &d.location {
                        prop_assert!(at.1.end <= p.file.text.len() + 1, "{:?}", d);
                    }
                }
            }

            /// Text shaped like front matter, with odd line endings, a BOM
            /// and stray dashes: still no panic.
            #[test]
            fn front_matter_shaped_text_never_panics(
                bom in any::<bool>(),
                lines in prop::collection::vec(
                    prop_oneof![
                        Just("---".to_string()),
                        Just("title: A".to_string()),
                        Just("tags: [a, b".to_string()),
                        Just("\tdate: 2026-01-01".to_string()),
                        "[a-z]{1,6}: [ -~]{0,12}",
                        "[ -~]{0,20}",
                    ],
                    0..12,
                ),
                ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
            ) {
                let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
                text.push_str(&lines.join(ending));
                let p = parse(&text);
                prop_assert!(p.body_start <= p.file.text.len());
            }

            /// A well-formed page round-trips: its title and its body come back.
            #[test]
            fn a_well_formed_page_round_trips(
                title in "[A-Za-z][A-Za-z0-9 ,.!?-]{0,40}",
                body in "[A-Za-z0-9 .,\n]{1,200}",
                crlf in any::<bool>(),
            ) {
                prop_assume!(!body.trim().is_empty());
                let title = title.trim().to_string();
                prop_assume!(!title.is_empty());
                let mut text = format!("---\ntitle: \"{title}\"\n---\n{body}");
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                let p = parse(&text);
                prop_assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
                prop_assert_eq!(&p.title, &title);
                prop_assert_eq!(&p.file.text[p.body_start..], body.as_str());
            }
        }
    }
}
