//! `date` and `updated` in front matter: read, checked, and compared.

use std::ops::Range;

use crate::base::diagnostics::{Diagnostic, SourceFile};
use crate::model::date::{Date, DateError};

/// Reads `date` and `updated`; a problem points at the value. `key_span`
/// finds a key in the file.
pub(super) fn check(
    date: &Option<String>,
    updated: &Option<String>,
    file: &SourceFile,
    key_span: &dyn Fn(&str) -> Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Date>, Option<Date>) {
    let value_span = |key: &str| value_span(&file.text, key_span(key));
    let mut check_date = |key: &str, value: &Option<String>| -> Option<Date> {
        let v = value.as_ref()?;
        let (message, label, help) = match Date::parse(v) {
            Ok(date) => return Some(date),
            Err(DateError::NoSuchDay(why)) => (why, "no such day", "check the day and the month"),
            Err(DateError::NotADate) => (
                format!("`{key}` must be a date written YYYY-MM-DD, or a date and time, not `{v}`"),
                "not a date",
                "for example `2026-03-14`, or `2026-03-14T09:30:00+01:00` with a time",
            ),
        };
        diagnostics.push(
            Diagnostic::error(message)
                .at(file, value_span(key))
                .label(label)
                .help(help),
        );
        None
    };
    let dates = (check_date("date", date), check_date("updated", updated));
    if let (Some(date), Some(updated)) = dates {
        if updated < date {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "`updated` ({}) is earlier than `date` ({})",
                    updated.iso(),
                    date.iso()
                ))
                .at(file, value_span("updated"))
                .label("before the page was written")
                .help("`date` is when the page was first written, `updated` when it last changed"),
            );
        }
    }
    dates
}

/// The value after a key's `:` on its line (quotes and a trailing comment
/// left out), or the key itself when the value cannot be found.
fn value_span(text: &str, key: Range<usize>) -> Range<usize> {
    if key.is_empty() {
        return key;
    }
    let line_end = text[key.end..]
        .find('\n')
        .map_or(text.len(), |i| key.end + i);
    let line = &text[key.end..line_end];
    let Some(colon) = line.find(':') else {
        return key;
    };
    let after = &line[colon + 1..];
    let value = after.split(" #").next().unwrap_or(after);
    let trimmed = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if trimmed.is_empty() {
        return key;
    }
    let start = key.end + colon + 1 + after.find(trimmed).unwrap_or(0);
    start..start + trimmed.len()
}
