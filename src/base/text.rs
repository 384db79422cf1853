//! Text from the author's files: reading it (size-capped, UTF-8 checked,
//! BOM and line endings normalised), names tools leave behind, and text made
//! safe to show: HTML-escaped for pages, control characters made visible
//! for terminals.

use std::path::Path;

use crate::base::diagnostics::{Code, Diagnostic, SourceFile};

/// Strips a UTF-8 byte-order mark and turns CRLF and lone CR into LF.
pub fn normalise_text(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// The largest text file mendbook reads: far beyond any guide.
pub(crate) const MAX_TEXT_BYTES: u64 = 10_000_000;

/// Reads a text file, with a diagnostic pointing at the first bad byte if it
/// is not UTF-8.
pub(crate) fn read_text(disk: &Path, shown: &Path) -> Result<SourceFile, Diagnostic> {
    read_text_inner(disk, shown).map_err(|d| d.or_code(Code::Input))
}

fn read_text_inner(disk: &Path, shown: &Path) -> Result<SourceFile, Diagnostic> {
    let cannot =
        |e: std::io::Error| Diagnostic::error(format!("cannot read {}: {e}", shown.display()));
    // A text file this big is a mistake (a pasted export, a log), and would
    // cost the build seconds and hundreds of megabytes; say so instead.
    let size = std::fs::metadata(disk).map_err(cannot)?.len();
    if size > MAX_TEXT_BYTES {
        return Err(Diagnostic::error(format!(
            "{} is {:.1} MB; mendbook reads markdown, YAML and templates up to {} MB",
            shown.display(),
            size as f64 / 1e6,
            MAX_TEXT_BYTES / 1_000_000
        ))
        .help("split it into several guides"));
    }
    let bytes = std::fs::read(disk).map_err(cannot)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(shown, normalise_text(&text))),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let lossy = normalise_text(&String::from_utf8_lossy(e.as_bytes()));
            let file = SourceFile::new(shown, lossy);
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..good]);
            let offset = normalise_text(&prefix).len();
            Err(
                Diagnostic::error(format!("{} is not valid UTF-8 text", shown.display()))
                    .at(&file, offset..offset + 1)
                    .label("this byte is not UTF-8")
                    .help("save the file as UTF-8 in your editor"),
            )
        }
    }
}

/// Is this a file the author's tools leave behind (editor swap and backup
/// files, OS metadata), which never belongs to the site?
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "Thumbs.db"
}

/// `move-on_now` -> `Move on now`.
pub(crate) fn humanise(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value from the user's input, safe to quote in a one-line message:
/// control characters (a newline, an escape sequence in a file name) made
/// visible, and a long text cut with an ellipsis.
pub(crate) fn sanitise(text: &str, max_chars: usize) -> String {
    clean(text, max_chars, false)
}

/// Like [`sanitise`], keeping line breaks, for whole messages.
pub(crate) fn sanitise_lines(text: &str, max_chars: usize) -> String {
    clean(text, max_chars, true)
}

pub(crate) fn clean(text: &str, max_chars: usize, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        out.push(visible(c, keep_newlines));
    }
    out
}

/// `c`, or a visible stand-in when printing it would move the cursor or
/// change the terminal.
pub(crate) fn visible(c: char, keep_newlines: bool) -> char {
    match c {
        '\t' => c,
        '\n' if keep_newlines => c,
        c if c.is_control() => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        // Bidirectional overrides can make a line read differently from
        // what it holds.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        c => c,
    }
}

/// The byte span of a top-level `key:` in YAML text.
pub(crate) fn find_yaml_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key) {
            if rest.trim_start().starts_with(':') {
                return Some(offset..offset + key.len());
            }
        }
        offset += line.len();
    }
    None
}

/// `text` with each `{name}` for which `value` has something replaced;
/// other braces are left alone.
pub(crate) fn substitute(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        match (after[name_len..].starts_with('}'), value(name)) {
            (true, Some(v)) if !name.is_empty() => {
                out.push_str(&v);
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
