//! How diagnostics look on a terminal: miette's graphical report over a
//! bounded excerpt of the source.
//!
//! Whatever a file holds, a report stays small and safe to print: a line is
//! shown as a window of at most [`WIDTH`] characters around the caret (never
//! the whole line, which may be megabytes long and would also trip miette's
//! column limits), control characters are made visible instead of reaching
//! the terminal, and a file with many problems shows the first
//! [`PER_FILE`] of them followed by "and N more".

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::base::diagnostics::{Diagnostic, Severity};
use crate::base::text::{clean, sanitise, sanitise_lines, visible};

/// The most characters of one source line a report shows.
pub(crate) const WIDTH: usize = 100;
/// The most problems shown for one file; the rest are counted.
pub(crate) const PER_FILE: usize = 20;
/// The most characters of a message, label or help shown.
const MESSAGE_WIDTH: usize = 400;

/// The diagnostics worth printing, at most [`PER_FILE`] per file, and for
/// each file with more, how many were left out (in order of first mention).
pub(crate) fn capped(diagnostics: &[Diagnostic]) -> (Vec<&Diagnostic>, Vec<(PathBuf, usize)>) {
    let mut shown = Vec::new();
    let mut counts: Vec<(PathBuf, usize)> = Vec::new();
    for d in diagnostics {
        let Some(file) = d.file() else {
            shown.push(d);
            continue;
        };
        let i = match counts.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                counts.push((file.to_path_buf(), 0));
                counts.len() - 1
            }
        };
        counts[i].1 += 1;
        if counts[i].1 <= PER_FILE {
            shown.push(d);
        }
    }
    let more = counts
        .into_iter()
        .filter(|(_, n)| *n > PER_FILE)
        .map(|(f, n)| (f, n - PER_FILE))
        .collect();
    (shown, more)
}

/// One diagnostic as miette draws it: heading, excerpt with caret, help.
pub(crate) fn human(d: &Diagnostic, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Wrap for a terminal; keep each message on one line for logs and grep.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH + 20)
        .with_wrap_lines(color);
    let shown = Shown::new(d);
    let mut out = String::new();
    if handler.render_report(&mut out, &shown).is_err() {
        out = sanitise_lines(&d.to_string(), MESSAGE_WIDTH);
    }
    out.truncate(out.trim_end().len());
    out
}

/// The most characters of a message in machine-readable output.
const MACHINE_MESSAGE_WIDTH: usize = 2_000;

/// Where a diagnostic is, as line and column numbers (1-based, columns in
/// characters): start and end.
struct Place<'d> {
    file: &'d std::path::Path,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn place(d: &Diagnostic) -> Option<Place<'_>> {
    let (file, span) = d.location.as_deref()?;
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end.max(span.start + 1));
    Some(Place {
        file: &file.name,
        line,
        column,
        end_line,
        end_column,
    })
}

fn severity_word(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One diagnostic as a line of JSON, for editors and scripts
/// (`--message-format json`): severity, code, message, help, and the file
/// with start and end line and column when it has a place.
pub(crate) fn json(d: &Diagnostic) -> String {
    let code = d.code.map_or("error", |c| c.as_str());
    let mut v = serde_json::json!({
        "type": "diagnostic",
        "severity": severity_word(d),
        "code": code,
        "message": clean(&d.message, MACHINE_MESSAGE_WIDTH, true),
        "help": d.help.as_deref().map(|h| clean(h, MACHINE_MESSAGE_WIDTH, true)),
        "label": d.label.as_deref().map(|l| clean(l, MACHINE_MESSAGE_WIDTH, true)),
        "file": null,
        "line": null,
        "column": null,
        "end_line": null,
        "end_column": null,
    });
    if let Some(p) = place(d) {
        v["file"] = p.file.display().to_string().into();
        v["line"] = p.line.into();
        v["column"] = p.column.into();
        v["end_line"] = p.end_line.into();
        v["end_column"] = p.end_column.into();
    }
    v.to_string()
}

/// One diagnostic as a GitHub Actions workflow command, so it shows on the
/// pull request's diff: `::error file=…,line=…,col=…,title=…::message`.
/// `site` is the site's folder as a path from the repository's root, so the
/// file names the repository's own path.
pub(crate) fn github(d: &Diagnostic, site: &std::path::Path) -> String {
    let mut props = Vec::new();
    if let Some(p) = place(d) {
        // Built-in theme files have no file in the repository.
        if !p.file.to_string_lossy().ends_with("(built in)") {
            props.push(format!(
                "file={}",
                github_property(&site.join(p.file).display().to_string())
            ));
            props.push(format!("line={}", p.line));
            props.push(format!("col={}", p.column));
            props.push(format!("endLine={}", p.end_line));
            props.push(format!("endColumn={}", p.end_column));
        }
    }
    let title = d.code.map_or("mendbook", |c| c.as_str()).replace('-', " ");
    props.push(format!("title={}", github_property(&title)));
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    // Line breaks are escaped as GitHub reads them; other control
    // characters are made visible, as everywhere.
    format!(
        "::{} {}::{}",
        severity_word(d),
        props.join(","),
        clean(&github_data(&message), MACHINE_MESSAGE_WIDTH, false)
    )
}

/// Escapes a workflow command's message as GitHub reads it.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (`file=`, `title=`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The part of a file a report shows: the caret's line and its neighbours,
/// each cut to the same window of columns.
#[derive(Debug)]
pub(crate) struct Excerpt {
    pub(crate) name: String,
    pub(crate) text: String,
    /// The 0-based line number of the excerpt's first line.
    pub(crate) first_line: usize,
    /// The caret's span within `text`.
    pub(crate) span: Range<usize>,
    /// The caret's real 0-based column in the file, in characters.
    pub(crate) column: usize,
}

impl Excerpt {
    /// The window of `text` around `span`.
    pub(crate) fn new(name: String, text: &str, span: Range<usize>) -> Excerpt {
        let start = floor_boundary(text, span.start.min(text.len()));
        let end = floor_boundary(text, span.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line_end = text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(text.len());
        let line = &text[line_start..line_end];
        let column = text[line_start..start].chars().count();
        let line_chars = column + text[start..line_end].chars().count();
        // The window: all of a short line, else WIDTH characters that put
        // the caret a third of the way in.
        let (lo, hi) = if line_chars <= WIDTH {
            (0, line_chars)
        } else {
            let lo = column.saturating_sub(WIDTH / 3).min(line_chars - WIDTH);
            (lo, lo + WIDTH)
        };
        let line_no = text[..line_start].matches('\n').count();

        let mut out = String::new();
        let mut first_line = line_no;
        if line_no > 0 {
            let prev_start = text[..line_start - 1]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            window(
                &mut out,
                &text[prev_start..line_start - 1],
                lo,
                lo + WIDTH,
                None,
            );
            out.push('\n');
            first_line -= 1;
        }
        let caret_from = column - lo;
        let caret_chars = text[start..end.min(line_end)].chars().count().max(1);
        let caret_to = (caret_from + caret_chars).min(hi - lo).max(caret_from + 1);
        let base = out.len();
        let mut caret = 0..0;
        window(
            &mut out,
            line,
            lo,
            hi,
            Some((caret_from, caret_to, &mut caret)),
        );
        let span = base + caret.start..base + caret.end;
        if line_end < text.len() {
            let next_end = text[line_end + 1..]
                .find('\n')
                .map(|i| line_end + 1 + i)
                .unwrap_or(text.len());
            out.push('\n');
            window(
                &mut out,
                &text[line_end + 1..next_end],
                lo,
                lo + WIDTH,
                None,
            );
        }
        Excerpt {
            name,
            text: out,
            first_line,
            span,
            column,
        }
    }
}

/// Appends characters `lo..hi` of `line` to `out`, with `…` where the line
/// goes on. With `caret`, records where characters `from..to` of the window
/// landed in `out`, in bytes.
fn window(
    out: &mut String,
    line: &str,
    lo: usize,
    hi: usize,
    caret: Option<(usize, usize, &mut Range<usize>)>,
) {
    let base = out.len();
    let mut chars = line.chars();
    if lo > 0 {
        out.push('…');
        // Skip what lies left of the window; the ellipsis stands in for it.
        for _ in 0..lo {
            if chars.next().is_none() {
                break;
            }
        }
    }
    let (from, to) = match &caret {
        Some((f, t, _)) => (*f, *t),
        None => (usize::MAX, usize::MAX),
    };
    let mut start = None;
    let mut end = None;
    for (i, c) in chars.by_ref().take(hi - lo).enumerate() {
        if i == from {
            start = Some(out.len());
        }
        if i == to {
            end = Some(out.len());
        }
        out.push(visible(c, false));
    }
    let text_end = out.len();
    if chars.next().is_some() {
        out.push('…');
    }
    if let Some((_, _, range)) = caret {
        let s = start.unwrap_or(text_end);
        // A caret at the very end of a line points just past it.
        let e = end.unwrap_or(text_end).max(s);
        *range = s - base..e - base;
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // The heading's column is the caret's real one, not the window's.
        let column = if span.offset() == self.span.start && context_lines_before == 0 {
            self.column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// A diagnostic dressed for miette's renderer.
#[derive(Debug)]
struct Shown {
    severity: Severity,
    heading: String,
    label: Option<String>,
    help: Option<String>,
    excerpt: Option<Excerpt>,
}

impl Shown {
    fn new(d: &Diagnostic) -> Self {
        let excerpt = d.location.as_deref().and_then(|(file, span)| {
            (!file.text.is_empty()).then(|| {
                Excerpt::new(
                    sanitise(&file.name.display().to_string(), MESSAGE_WIDTH),
                    &file.text,
                    span.clone(),
                )
            })
        });
        // The first line says where, so it can be read (and clicked) without the snippet.
        let mut heading = String::new();
        if let Some(pos) = d.position() {
            let _ = write!(heading, "{}: ", sanitise(&pos, MESSAGE_WIDTH));
        }
        heading.push_str(&sanitise_lines(&d.message, MESSAGE_WIDTH));
        Shown {
            severity: d.severity,
            heading,
            label: d.label.as_deref().map(|l| sanitise(l, MESSAGE_WIDTH)),
            help: d.help.as_deref().map(|h| sanitise_lines(h, MESSAGE_WIDTH)),
            excerpt,
        }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for Shown {}

impl miette::Diagnostic for Shown {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|e| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let e = self.excerpt.as_ref()?;
        let len = e.span.len().max(1);
        let label = LabeledSpan::new_primary_with_span(self.label.clone(), (e.span.start, len));
        Some(Box::new(std::iter::once(label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostics::SourceFile;

    #[test]
    fn a_short_line_is_shown_whole() {
        let e = Excerpt::new("f".into(), "one\ntwo [x](y)\nthree\n", 8..14);
        assert_eq!(e.text, "one\ntwo [x](y)\nthree");
        assert_eq!(&e.text[e.span.clone()], "[x](y)");
        assert_eq!((e.first_line, e.column), (0, 4));
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_caret() {
        let line = format!("{}[bad](x.md){}", "a".repeat(100_000), "b".repeat(100_000));
        let at = 100_000;
        let e = Excerpt::new("f".into(), &line, at..at + 11);
        assert!(e.text.chars().count() <= WIDTH + 2, "{}", e.text.len());
        assert_eq!(&e.text[e.span.clone()], "[bad](x.md)");
        assert_eq!(e.column, 100_000);
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
    }

    #[test]
    fn far_columns_render_without_panicking_and_name_the_real_column() {
        let text = format!("{}[bad](x.md)\n", "é".repeat(70_000));
        let start = text.find('[').unwrap();
        let file = SourceFile::new("content/a.md", text);
        let d = Diagnostic::error("broken link").at(&file, start..start + 11);
        let out = human(&d, false);
        assert!(out.contains("content/a.md:1:70001"), "{out}");
        assert!(out.len() < 2_000, "{}", out.len());
    }

    #[test]
    fn control_characters_do_not_reach_the_terminal() {
        let file = SourceFile::new("content/\u{1b}[31ma.md", "x \u{1b}[2J y\n");
        let d = Diagnostic::error("bad \u{1b}]0;title\u{7}").at(&file, 2..3);
        let out = human(&d, false);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }

    #[test]
    fn workflow_commands_escape_what_github_requires() {
        let file = SourceFile::new("content/a,b:c.md", "one\ntwo [x](y)\n");
        let d = Diagnostic::error("50% done\r\nnext: line")
            .at(&file, 8..14)
            .code(crate::base::diagnostics::Code::BrokenLink);
        assert_eq!(
            github(&d, std::path::Path::new("site")),
            "::error file=site/content/a%2Cb%3Ac.md,line=2,col=5,endLine=2,endColumn=11,title=broken link::50%25 done%0D%0Anext: line"
        );
    }

    #[test]
    fn json_has_every_field_on_one_line() {
        let file = SourceFile::new("content/a.md", "one\ntwo [x](y)\n");
        let d = Diagnostic::warning("x\ny").at(&file, 8..14).help("h");
        let line = json(&d);
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["file"], "content/a.md");
        assert_eq!(
            (v["line"].as_u64(), v["column"].as_u64()),
            (Some(2), Some(5))
        );
        assert_eq!(
            (v["end_line"].as_u64(), v["end_column"].as_u64()),
            (Some(2), Some(11))
        );
        assert_eq!(v["message"], "x\ny");
        assert_eq!(v["help"], "h");
    }

    #[test]
    fn at_most_twenty_per_file() {
        let file = SourceFile::new("content/a.md", "x\n");
        let other = SourceFile::new("content/b.md", "x\n");
        let mut all: Vec<Diagnostic> = (0..25)
            .map(|_| Diagnostic::error("e").in_file(&file))
            .collect();
        all.push(Diagnostic::error("e").in_file(&other));
        let (shown, more) = capped(&all);
        assert_eq!(shown.len(), 21);
        assert_eq!(more, vec![(PathBuf::from("content/a.md"), 5)]);
    }
}
