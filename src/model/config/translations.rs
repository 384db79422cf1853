//! `[translations]` in book.toml: the site's own wording for single strings
//! of the theme. Read here with the span of each key; which keys exist is
//! the theme's to say, so the theme stage checks them.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::base::diagnostics::{Diagnostic, SourceFile};

/// One string the site overrides.
#[derive(Debug, Clone)]
pub(crate) struct TranslationOverride {
    /// Dotted, as in the theme's tables: `tree.back`, `search.results.one`.
    pub(crate) key: String,
    pub(crate) value: OverrideValue,
    /// The key's span in book.toml.
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum OverrideValue {
    Text(String),
    /// `date.months`.
    List(Vec<String>),
}

/// Every string under `[translations]`, tables flattened to dotted keys.
pub(crate) fn overrides(
    file: &SourceFile,
    top: &DeTable<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<TranslationOverride> {
    let mut out = Vec::new();
    let Some((key, value)) = top
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "translations")
    else {
        return out;
    };
    match value.get_ref() {
        DeValue::Table(table) => walk(file, "", table, &mut out, errors),
        _ => errors.push(
            Diagnostic::error("`translations` must be a table: `[translations]`")
                .at(file, key.span()),
        ),
    }
    out
}

fn walk(
    file: &SourceFile,
    prefix: &str,
    table: &DeTable<'_>,
    out: &mut Vec<TranslationOverride>,
    errors: &mut Vec<Diagnostic>,
) {
    for (k, v) in table.iter() {
        let key = format!("{prefix}{}", k.get_ref());
        let value = match v.get_ref() {
            DeValue::Table(inner) => {
                walk(file, &format!("{key}."), inner, out, errors);
                continue;
            }
            DeValue::String(s) => Some(OverrideValue::Text(s.to_string())),
            DeValue::Array(items) => items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect::<Option<Vec<String>>>()
                .map(OverrideValue::List),
            _ => None,
        };
        match value {
            Some(value) => out.push(TranslationOverride {
                key,
                value,
                span: k.span(),
            }),
            None => errors.push(
                Diagnostic::error(format!("the translation `{key}` must be text in quotes"))
                    .at(file, v.span())
                    .help(format!("for example `{key} = \"…\"`")),
            ),
        }
    }
}
