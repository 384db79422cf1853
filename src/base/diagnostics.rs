//! Diagnostics: problems found in a user's input, as plain values.
//!
//! Every stage returns its problems as [`Diagnostic`]s that carry the file, the
//! source text and a byte span. Nothing here prints; the CLI decides how a
//! diagnostic looks and which exit code it earns.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// The text of one input file, shared between the diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown to the user (relative to the site root where possible).
    pub name: PathBuf,
    /// The text as mendbook read it (BOM removed, line endings normalised).
    pub text: Arc<str>,
    /// Where each line starts, worked out on first use, so a file with
    /// thousands of problems does not count its lines thousands of times.
    line_starts: Arc<OnceLock<Vec<usize>>>,
}

impl SourceFile {
    pub fn new(name: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: Arc::default(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line - 1];
        (line, text[line_start..offset].chars().count() + 1)
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let mut offset = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let within: usize = l
                    .char_indices()
                    .nth(col)
                    .map(|(b, _)| b)
                    .unwrap_or(l.trim_end_matches('\n').len());
                return offset + within;
            }
            offset += l.len();
        }
        self.text.len()
    }
}

/// A place in a file: the file and a byte span.
pub(crate) type Location = (SourceFile, Range<usize>);

/// Gives every diagnostic without a code `code`.
pub(crate) fn with_code(diagnostics: Vec<Diagnostic>, code: Code) -> Vec<Diagnostic> {
    diagnostics.into_iter().map(|d| d.or_code(code)).collect()
}

/// `file:line:column` of an offset.
pub(crate) fn position(file: &SourceFile, offset: usize) -> String {
    let (line, col) = file.line_col(offset);
    format!("{}:{}:{}", file.name.display(), line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What kind of problem a diagnostic is: a stable name for scripts and
/// editors (`--message-format json`), documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// book.toml: syntax, unknown keys, bad values; no site found.
    Config,
    /// A page's front matter: syntax, unknown fields, wrong types, titles.
    FrontMatter,
    /// A link or image to a file, page or anchor that does not exist.
    BrokenLink,
    /// Two sources want one URL, or a URL no source may have.
    UrlClash,
    /// A decision tree that is not valid YAML.
    TreeYaml,
    /// A tree's keys, fields and shapes.
    TreeSchema,
    /// A tree's flow: references, loops, unreachable nodes, conditions.
    TreeFlow,
    /// A tree's `tests` entries.
    TreeTest,
    /// A tree too big to build: paths, steps, bytes.
    TreeSize,
    /// A theme's templates.
    Template,
    /// Markdown that cannot be rendered (nested too deep).
    Markdown,
    /// An `{{#include}}` line: a missing file, a loop, a path out of the
    /// content folder, includes too deep or too big.
    Include,
    /// Reading the site: unreadable files, not UTF-8, too big, links
    /// leading outside the site.
    Input,
    /// Writing the build folder: files mendbook did not write, links,
    /// another build at work.
    Output,
    /// Building the search index.
    Search,
    /// A bug in mendbook.
    Internal,
}

impl Code {
    /// The code as printed: `broken-link`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Config => "config",
            Code::FrontMatter => "front-matter",
            Code::BrokenLink => "broken-link",
            Code::UrlClash => "url-clash",
            Code::TreeYaml => "tree-yaml",
            Code::TreeSchema => "tree-schema",
            Code::TreeFlow => "tree-flow",
            Code::TreeTest => "tree-test",
            Code::TreeSize => "tree-size",
            Code::Template => "template",
            Code::Markdown => "markdown",
            Code::Include => "include",
            Code::Input => "input",
            Code::Output => "output",
            Code::Search => "search",
            Code::Internal => "internal",
        }
    }

    /// Every code, for the README's table and its test.
    pub const ALL: [Code; 16] = [
        Code::Config,
        Code::FrontMatter,
        Code::BrokenLink,
        Code::UrlClash,
        Code::TreeYaml,
        Code::TreeSchema,
        Code::TreeFlow,
        Code::TreeTest,
        Code::TreeSize,
        Code::Template,
        Code::Markdown,
        Code::Include,
        Code::Input,
        Code::Output,
        Code::Search,
        Code::Internal,
    ];
}

/// One problem, with where it is.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What kind of problem; set where the problem is found.
    pub code: Option<Code>,
    pub message: String,
    /// The file and the byte span the problem points at, when there is one.
    pub location: Option<Box<(SourceFile, Range<usize>)>>,
    /// A label under the caret, e.g. "no page has this path".
    pub label: Option<String>,
    /// A suggestion shown after the snippet, e.g. "did you mean `build-dir`?".
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            location: None,
            label: None,
            help: None,
        }
    }

    /// An error of a known kind.
    pub fn error_in(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::error(message).code(code)
    }

    /// A warning of a known kind.
    pub fn warning_in(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::warning(message).code(code)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at `span` (byte offsets) of `file`.
    pub fn at(mut self, file: &SourceFile, span: Range<usize>) -> Self {
        let len = file.text.len();
        let start = floor_char_boundary(&file.text, span.start.min(len));
        let end = floor_char_boundary(&file.text, span.end.clamp(start, len));
        self.location = Some(Box::new((file.clone(), start..end)));
        self
    }

    /// Points the diagnostic at a file with no particular place in it.
    pub fn in_file(self, file: &SourceFile) -> Self {
        self.at(file, 0..0)
    }

    /// Says what kind of problem this is.
    pub fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    /// Says what kind of problem this is, unless that is said already.
    pub fn or_code(mut self, code: Code) -> Self {
        self.code.get_or_insert(code);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the way editors and terminals link to a place.
    pub fn position(&self) -> Option<String> {
        let (file, span) = self.location.as_deref()?;
        Some(position(file, span.start))
    }

    /// The file this diagnostic points into, if any.
    pub fn file(&self) -> Option<&Path> {
        self.location.as_deref().map(|(f, _)| f.name.as_path())
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `error: file:line:col: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.position() {
            Some(pos) => write!(f, "{kind}: {pos}: {}", self.message),
            None => write!(f, "{kind}: {}", self.message),
        }
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalise = |s: &str| s.to_lowercase().replace('_', "-");
    let w = normalise(word);
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&w, &normalise(c)), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" when a close candidate exists.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let file = SourceFile::new("f", "ab\ncdé f\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // 'f' follows a two-byte character
        assert_eq!(file.line_col(8), (2, 5));
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let keys = ["content-dir", "build-dir", "theme", "drafts"];
        assert_eq!(suggest("build_dir", keys), Some("build-dir"));
        assert_eq!(suggest("buildir", keys), Some("build-dir"));
        assert_eq!(suggest("colour", keys), None);
    }
}
