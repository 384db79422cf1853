//! `{{#include path}}` on a line of its own pastes another markdown file
//! there (mdBook's convention), its path relative to the file the line is
//! in. Includes nest, up to [`MAX_DEPTH`]; a page with its includes stays
//! under [`MAX_TEXT_BYTES`] and [`MAX_INCLUDES`], so a few small files
//! including each other many times cannot make a page grow without limit.
//!
//! Unlike mdBook, which expands includes everywhere (to paste source files
//! into code blocks), a `{{#include}}` line inside a code block is left as
//! it is: there it is an example of the syntax, and mendbook pastes only
//! markdown.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use crate::base::bounds::Bounds;
use crate::base::diagnostics::{Code, Diagnostic, SourceFile};
use crate::base::paths::SourcePath;
use crate::base::text::{read_text, MAX_TEXT_BYTES};
use crate::model::config::Config;
use crate::model::included::{Included, Piece};

/// How deep includes may nest: far more than sharing snippets needs.
pub(crate) const MAX_DEPTH: usize = 16;
/// How many includes one page may paste, counting repeats.
pub(crate) const MAX_INCLUDES: usize = 1000;

const DIRECTIVE: &str = "#include";

/// The page `src`, whose body starts at `body_start` of `file`, with its
/// includes pasted in.
pub(crate) fn expand(
    config: &Config,
    bounds: &Bounds,
    src: &SourcePath,
    file: &SourceFile,
    body_start: usize,
) -> Included {
    if !file.text[body_start..].contains("{{") {
        return Included::default();
    }
    let mut expander = Expander {
        config,
        bounds,
        out: String::new(),
        included: Included::default(),
        read: HashMap::new(),
        stack: vec![(src.clone(), None)],
        count: 0,
        full: false,
    };
    let found = expander.paste(src, file, body_start);
    let mut included = expander.included;
    if !found {
        // Only malformed include lines, if anything: the body is as written.
        included.pieces.clear();
        return included;
    }
    included.text = Some(Arc::from(expander.out));
    included.files.sort();
    included.files.dedup();
    included
}

/// One `{{#include}}` line: the line's span (its newline included) and the
/// path's span, in the file's text.
struct Directive {
    line: Range<usize>,
    path: Range<usize>,
}

/// An include line that brought a file in: where it is written.
type Edge = Option<(SourceFile, Range<usize>)>;

struct Expander<'a> {
    config: &'a Config,
    bounds: &'a Bounds,
    out: String,
    included: Included,
    /// Files read so far for this page: each is read once, however often
    /// it is pasted.
    read: HashMap<SourcePath, Option<SourceFile>>,
    /// The files being pasted, outermost first, each with the line that
    /// included it, to tell a loop.
    stack: Vec<(SourcePath, Edge)>,
    count: usize,
    /// Set once the page is too big: nothing more is pasted.
    full: bool,
}

impl Expander<'_> {
    /// Copies `file` from `start` into the output, pasting what its include
    /// lines name. Returns whether it has any include line.
    fn paste(&mut self, src: &SourcePath, file: &SourceFile, start: usize) -> bool {
        let directives = directives(file, start, &mut self.included.problems);
        let mut pos = start;
        for d in &directives {
            self.copy(src, file, pos..d.line.start);
            self.include(src, file, d);
            pos = d.line.end;
        }
        self.copy(src, file, pos..file.text.len());
        !directives.is_empty()
    }

    /// Copies a stretch of `file`, noting where it came from.
    fn copy(&mut self, src: &SourcePath, file: &SourceFile, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.included.pieces.push(Piece {
            at: self.out.len(),
            src: src.clone(),
            file: file.clone(),
            offset: range.start,
        });
        self.out.push_str(&file.text[range]);
    }

    fn problem(&mut self, file: &SourceFile, span: &Range<usize>, message: String, help: &str) {
        let mut d = Diagnostic::error_in(Code::Include, message).at(file, span.clone());
        if !help.is_empty() {
            d = d.help(help);
        }
        self.included.problems.push(d);
    }

    /// Pastes the file one include line names, or reports why not.
    fn include(&mut self, src: &SourcePath, file: &SourceFile, d: &Directive) {
        if self.full {
            return;
        }
        let written = &file.text[d.path.clone()];
        let Some(target) = src.join_relative(written) else {
            let message = format!(
                "`{written}` is outside the content folder; mendbook includes only files inside it"
            );
            return self.problem(
                file,
                &d.path,
                message,
                "move the file into the content folder, e.g. `content/_shared/`",
            );
        };
        if let Some(at) = self.stack.iter().position(|(s, _)| *s == target) {
            return self.report_loop(at, file, &d.path);
        }
        if self.stack.len() > MAX_DEPTH {
            let message = format!("includes nest more than {MAX_DEPTH} deep here");
            return self.problem(
                file,
                &d.path,
                message,
                "paste the text here instead of including a file that includes others",
            );
        }
        if self.count == MAX_INCLUDES {
            let message =
                format!("this page includes more than {MAX_INCLUDES} files, counting repeats");
            return self.problem(
                file,
                &d.path,
                message,
                "include fewer files, or make some of them pages of their own",
            );
        }
        self.count += 1;
        self.included.files.push(target.clone());
        let Some(pasted) = self.read(&target, file, &d.path) else {
            return;
        };
        if self.out.len() + pasted.text.len() > MAX_TEXT_BYTES as usize {
            self.full = true;
            let message = format!(
                "with its includes this page grows past {} MB",
                MAX_TEXT_BYTES / 1_000_000
            );
            return self.problem(
                file,
                &d.path,
                message,
                "include fewer files, or split the page into several guides",
            );
        }
        self.stack
            .push((target.clone(), Some((file.clone(), d.path.clone()))));
        let start = front_matter_end(&pasted);
        self.paste(&target, &pasted, start);
        self.stack.pop();
        // The line after the include starts a line of its own.
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    /// Reads a file to include, once per page; reports it when it cannot
    /// be read at the include line at `span` of `file`.
    fn read(
        &mut self,
        target: &SourcePath,
        file: &SourceFile,
        span: &Range<usize>,
    ) -> Option<SourceFile> {
        if let Some(read) = self.read.get(target) {
            return read.clone();
        }
        let result = self.read_new(target);
        let read = match result {
            Ok(f) => Some(f),
            Err(d) => {
                let d = if d.location.is_some() {
                    d
                } else {
                    d.at(file, span.clone())
                };
                self.included.problems.push(d);
                None
            }
        };
        self.read.insert(target.clone(), read.clone());
        read
    }

    fn read_new(&self, target: &SourcePath) -> Result<SourceFile, Diagnostic> {
        let disk = target.on_disk(&self.config.content_dir);
        let shown = self.config.shown(target);
        let Ok(meta) = std::fs::metadata(&disk) else {
            return Err(Diagnostic::error_in(
                Code::Include,
                format!("there is no file `{}` to include", shown.display()),
            ));
        };
        if !meta.is_file() {
            return Err(Diagnostic::error_in(
                Code::Include,
                format!("`{}` is a folder; include a markdown file", shown.display()),
            ));
        }
        // Read only where the walk would: a link must lead inside the site.
        self.bounds.check(&disk, true)?;
        read_text(&disk, &shown)
    }

    /// Reports a loop of includes once, however many of its files are
    /// pages: at the include line leading into its first file by name,
    /// with the loop written from that file, so every page in the loop
    /// finds the same problem.
    fn report_loop(&mut self, at: usize, file: &SourceFile, span: &Range<usize>) {
        let members = &self.stack[at..];
        let first = (0..members.len())
            .min_by(|&a, &b| members[a].0.as_str().cmp(members[b].0.as_str()))
            .unwrap_or(0);
        let (edge_file, edge_span) = match &members[first].1 {
            Some((f, s)) if first > 0 => (f.clone(), s.clone()),
            _ => (file.clone(), span.clone()),
        };
        let shown = |s: &SourcePath| format!("`{}`", self.config.shown(s).display());
        let message = if members.len() == 1 {
            format!("{} includes itself", shown(&members[0].0))
        } else {
            let mut names: Vec<String> = members[first..]
                .iter()
                .chain(&members[..first])
                .map(|(s, _)| shown(s))
                .collect();
            names.push(shown(&members[first].0));
            format!("these includes go round in a loop: {}", names.join(" → "))
        };
        self.problem(
            &edge_file,
            &edge_span,
            message,
            "remove one of the `{{#include}}` lines",
        );
    }
}

/// The include lines of `file` from `start`, outside code blocks. A line
/// that starts like one but is not (no path, text after it) is reported.
fn directives(file: &SourceFile, start: usize, problems: &mut Vec<Diagnostic>) -> Vec<Directive> {
    let text = &file.text[start..];
    if !text.contains(DIRECTIVE) {
        return Vec::new();
    }
    let code = code_blocks(text);
    let mut found = Vec::new();
    let mut offset = start;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let Some(parsed) = parse_line(line) else {
            continue;
        };
        // Where the line's text starts: an indented code block's span
        // starts there, not at the line's start.
        let local = line_start - start + (line.len() - line.trim_start().len());
        if code.iter().any(|c| c.contains(&local)) {
            continue;
        }
        match parsed {
            Ok(path) => found.push(Directive {
                line: line_start..offset,
                path: line_start + path.start..line_start + path.end,
            }),
            Err(()) => {
                let span = line_start..line_start + line.trim_end().len();
                problems.push(
                    Diagnostic::error_in(
                        Code::Include,
                        "this include line is not one mendbook can read",
                    )
                    .at(file, span)
                    .help("write `{{#include path/to/file.md}}` alone on its line"),
                );
            }
        }
    }
    found
}

/// The spans of `text`'s code blocks, fenced or indented.
fn code_blocks(text: &str) -> Vec<Range<usize>> {
    Parser::new(text)
        .into_offset_iter()
        .filter_map(|(e, range)| matches!(e, Event::Start(Tag::CodeBlock(_))).then_some(range))
        .collect()
}

/// A line that starts with `{{#include`: `Ok` with the path's span in the
/// line, or `Err` when it is not a whole include line. `None` for any
/// other line.
fn parse_line(line: &str) -> Option<Result<Range<usize>, ()>> {
    let indent = line.len() - line.trim_start().len();
    let rest = line.trim_start().strip_prefix("{{")?;
    let inner = rest.trim_start();
    let after = inner.strip_prefix(DIRECTIVE)?;
    if after.starts_with(|c: char| !c.is_whitespace() && c != '}') {
        return None; // `{{#includes}}`: some other text
    }
    let Some(close) = after.find("}}") else {
        return Some(Err(()));
    };
    if !after[close + 2..].trim().is_empty() {
        return Some(Err(()));
    }
    let path = &after[..close];
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Some(Err(()));
    }
    let path_start = indent
        + 2
        + (rest.len() - inner.len())
        + DIRECTIVE.len()
        + (path.len() - path.trim_start().len());
    Some(Ok(path_start..path_start + trimmed.len()))
}

/// Where the text after an included file's front matter starts: a
/// snippet's own `---` block is not pasted. Its fences are found as a
/// page's are; one never closed is pasted as text.
fn front_matter_end(file: &SourceFile) -> usize {
    super::front_matter::body_start(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_lines() {
        let path = |line: &str| parse_line(line).map(|r| r.map(|s| line[s].to_string()));
        assert_eq!(path("{{#include _a.md}}\n"), Some(Ok("_a.md".into())));
        assert_eq!(
            path("  {{ #include  my file.md }}  \n"),
            Some(Ok("my file.md".into()))
        );
        assert_eq!(path("{{#include}}\n"), Some(Err(())));
        assert_eq!(path("{{#include a.md}} and more\n"), Some(Err(())));
        assert_eq!(path("{{#include a.md\n"), Some(Err(())));
        assert_eq!(path("{{#includes a.md}}\n"), None);
        assert_eq!(path("text {{#include a.md}}\n"), None);
    }

    #[test]
    fn front_matter_is_skipped() {
        let end = |text: &str| front_matter_end(&SourceFile::new("s.md", text));
        assert_eq!(end("---\ntitle: x\n---\nBody"), 17);
        assert_eq!(end("--- \r\ntitle: x\r\n---\r\nBody"), 21);
        assert_eq!(end("Body\n---\n"), 0);
        assert_eq!(end("---\nnever closed\n"), 0);
    }
}
