//! The theme's words in the site's language: the theme's `translations/`
//! tables (`en.toml` is the reference every key comes from), the table the
//! site's `language` picks, and the site's own `[translations]` from
//! book.toml over it.

mod tera_fns;

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::Value as Json;

use crate::base::diagnostics::{did_you_mean, Code, Diagnostic, SourceFile};
use crate::base::text::substitute;
use crate::model::config::{primary_language, Config, OverrideValue};
use crate::model::site::Date;
use crate::stages::markdown::Labels;

pub(crate) use tera_fns::register;

/// The built-in English table, for what renders without a theme.
const ENGLISH: &str = include_str!("../../themes/default/translations/en.toml");

/// One translated string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    Text(String),
    /// CLDR plural forms: `one` and `other`.
    Plural {
        one: String,
        other: String,
    },
    /// `date.months`.
    List(Vec<String>),
}

/// Every string of a theme in one language, by dotted key (`tree.back`).
#[derive(Debug, Clone)]
pub(crate) struct Translations {
    /// The table's language: `fr` for `fr-CA`, `en` when the theme has no
    /// table for the site's language.
    pub(crate) language: String,
    entries: BTreeMap<String, Entry>,
}

/// A theme's translation table as written.
pub(crate) struct TableFile {
    pub(crate) language: String,
    pub(crate) source: SourceFile,
}

impl Translations {
    /// The built-in English strings.
    pub(crate) fn english() -> Translations {
        Translations {
            language: "en".into(),
            entries: parse(ENGLISH).unwrap_or_default(),
        }
    }

    /// The strings for `config`'s language from a theme's `tables`, with the
    /// site's overrides. Returns the warnings (an unknown language) or
    /// every error at once.
    pub(crate) fn load(
        tables: &[TableFile],
        config: &Config,
    ) -> Result<(Translations, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut parsed = BTreeMap::new();
        for table in tables {
            match parse(&table.source.text) {
                Ok(entries) => {
                    parsed.insert(table.language.clone(), entries);
                }
                Err((message, span)) => errors.push(
                    Diagnostic::error_in(Code::Template, format!("translation table: {message}"))
                        .at(&table.source, span),
                ),
            }
        }
        let reference = parsed
            .get("en")
            .cloned()
            .unwrap_or_else(|| Translations::english().entries);
        let wanted = primary_language(&config.language);
        let mut warnings = Vec::new();
        let mut entries = reference.clone();
        let language = match parsed.get(&wanted) {
            Some(table) => {
                // A key the table lacks stays English rather than failing.
                entries.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
                wanted
            }
            None => {
                if errors.is_empty() {
                    warnings.push(unknown_language(config, &wanted, &parsed));
                }
                "en".to_string()
            }
        };
        let mut translations = Translations { language, entries };
        for o in &config.translations {
            if let Err(d) = translations.apply(&reference, &o.key, &o.value) {
                errors.push(d.at(&config.source, o.span.clone()));
            }
        }
        if errors.is_empty() {
            Ok((translations, warnings))
        } else {
            errors.append(&mut warnings);
            Err(errors)
        }
    }

    /// Puts one `[translations]` override in, checked against English.
    fn apply(
        &mut self,
        reference: &BTreeMap<String, Entry>,
        key: &str,
        value: &OverrideValue,
    ) -> Result<(), Diagnostic> {
        // `search.results.one` sets one plural form of `search.results`.
        let (base, form) = match key.rsplit_once('.') {
            Some((base, form @ ("one" | "other")))
                if matches!(reference.get(base), Some(Entry::Plural { .. })) =>
            {
                (base, Some(form))
            }
            _ => (key, None),
        };
        let Some(english) = reference.get(base) else {
            let help = did_you_mean(key, reference.keys().map(String::as_str))
                .unwrap_or_else(|| "the README lists every translation key".into());
            return Err(Diagnostic::error_in(
                Code::Config,
                format!("`{key}` is not a translation key of the theme"),
            )
            .label("unknown key")
            .help(help));
        };
        let wrong_shape = |what: &str| {
            Diagnostic::error_in(Code::Config, format!("`{key}` must be {what}"))
                .label("wrong kind of value")
        };
        let new = match (english, form, value) {
            (Entry::Text(en), None, OverrideValue::Text(text)) => {
                same_placeholders(key, en, text)?;
                Entry::Text(text.clone())
            }
            (Entry::Plural { one, other }, Some(form), OverrideValue::Text(text)) => {
                let en = if form == "one" { one } else { other };
                same_placeholders(key, en, text)?;
                let mut entry = self.entries.get(base).cloned().unwrap_or(english.clone());
                if let Entry::Plural { one, other } = &mut entry {
                    *(if form == "one" { one } else { other }) = text.clone();
                }
                entry
            }
            (Entry::Plural { .. }, None, _) => {
                return Err(wrong_shape(&format!(
                    "set form by form: `{key}.one = \"…\"` and `{key}.other = \"…\"`"
                )))
            }
            (Entry::List(en), None, OverrideValue::List(items)) if items.len() == en.len() => {
                Entry::List(items.clone())
            }
            (Entry::List(en), ..) => {
                return Err(wrong_shape(&format!("a list of {} texts", en.len())))
            }
            _ => return Err(wrong_shape("text in quotes")),
        };
        self.entries.insert(base.to_string(), new);
        Ok(())
    }

    /// The text of `key`, its placeholders left in.
    pub(crate) fn text<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(Entry::Text(t)) => t,
            Some(Entry::Plural { other, .. }) => other,
            _ => key,
        }
    }

    /// The text of `key` with each `{name}` replaced by its value (plain text).
    pub(crate) fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        substitute(self.text(key), |name| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// A date as readers of the language write it: `1er mars 2026`.
    pub(crate) fn date(&self, date: &Date) -> String {
        let month = match self.entries.get("date.months") {
            Some(Entry::List(months)) => months.get(date.month as usize - 1).cloned(),
            _ => None,
        }
        .unwrap_or_else(|| date.month.to_string());
        let day = if date.day == 1 {
            self.text("date.first_day").to_string()
        } else {
            date.day.to_string()
        };
        let year = date.year.to_string();
        self.fill(
            "date.format",
            &[("day", &day), ("month", &month), ("year", &year)],
        )
    }

    /// The strings markdown output carries.
    pub(crate) fn markdown_labels(&self) -> Labels {
        let t = |k: &str| self.text(k).to_string();
        Labels {
            note: t("callout.note"),
            tip: t("callout.tip"),
            important: t("callout.important"),
            warning: t("callout.warning"),
            caution: t("callout.caution"),
            anchor: t("content.anchor_label"),
            task_done: t("content.task_done"),
            task_not_done: t("content.task_not_done"),
            tree_kind: t("kind.tree"),
            tree_start: t("tree.start"),
        }
    }

    /// Every string as templates see it: `t.tree.back`; plural forms as
    /// `{one, other}`, `date.months` as a list.
    pub(crate) fn to_json(&self) -> Json {
        let mut root = Json::Object(Default::default());
        for (key, entry) in &self.entries {
            let value = match entry {
                Entry::Text(t) => Json::String(t.clone()),
                Entry::Plural { one, other } => serde_json::json!({ "one": one, "other": other }),
                Entry::List(items) => Json::from(items.clone()),
            };
            let mut node = &mut root;
            for part in key.split('.') {
                if !node.is_object() {
                    *node = Json::Object(Default::default());
                }
                let Json::Object(map) = node else { break };
                node = map.entry(part.to_string()).or_insert(Json::Null);
            }
            *node = value;
        }
        root
    }
}

/// The warning for a language the theme has no table for.
fn unknown_language(
    config: &Config,
    wanted: &str,
    parsed: &BTreeMap<String, BTreeMap<String, Entry>>,
) -> Diagnostic {
    let (file, span) = config.located("language");
    let have: Vec<&str> = parsed.keys().map(String::as_str).collect();
    Diagnostic::warning_in(
        Code::Config,
        format!("the theme has no translation for the language `{wanted}`; its pages will show English"),
    )
    .at(&file, span)
    .help(format!(
        "the theme speaks {}; to word the theme yourself, set its strings under `[translations]` in book.toml",
        have.join(", ")
    ))
}

/// CLDR's plural category for a whole number: `one` or `other`. French
/// (and Portuguese) count 0 as `one`; the other languages, only 1.
pub(crate) fn plural_category(language: &str, n: i64) -> &'static str {
    match language {
        "fr" | "pt" if n == 0 || n == 1 => "one",
        _ if n == 1 => "one",
        _ => "other",
    }
}

/// The `{name}`s a string holds, sorted.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    substitute(text, |name| {
        found.push(name.to_string());
        None
    });
    found.sort();
    found.dedup();
    found
}

fn same_placeholders(key: &str, english: &str, text: &str) -> Result<(), Diagnostic> {
    let (want, got) = (placeholders(english), placeholders(text));
    if want == got {
        return Ok(());
    }
    let list = |p: &[String]| {
        if p.is_empty() {
            "none".to_string()
        } else {
            p.iter()
                .map(|n| format!("{{{n}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    Err(Diagnostic::error_in(
        Code::Config,
        format!(
            "the translation `{key}` has the placeholders {}, the theme's English text has {}",
            list(&got),
            list(&want)
        ),
    )
    .label("different placeholders")
    .help(format!(
        "the English text is “{english}”; keep its placeholders, in any order"
    )))
}

/// A translation table: TOML, flattened to dotted keys. A table holding
/// `one` and `other` is one plural entry.
pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, Entry>, (String, Range<usize>)> {
    let table: toml::Table = toml::from_str(text)
        .map_err(|e| (e.message().trim().to_string(), e.span().unwrap_or(0..0)))?;
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out).map_err(|m| (m, 0..0))?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, Entry>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        let entry = match v {
            toml::Value::String(s) => Entry::Text(s.clone()),
            toml::Value::Table(t) if t.contains_key("one") || t.contains_key("other") => {
                let form = |f: &str| match t.get(f) {
                    Some(toml::Value::String(s)) => Ok(s.clone()),
                    _ => Err(format!("`{key}` needs `{f}` as text")),
                };
                Entry::Plural {
                    one: form("one")?,
                    other: form("other")?,
                }
            }
            toml::Value::Table(t) => {
                flatten(&format!("{key}."), t, out)?;
                continue;
            }
            toml::Value::Array(items) => Entry::List(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("`{key}` must be a list of texts"))?,
            ),
            _ => return Err(format!("`{key}` must be text in quotes")),
        };
        out.insert(key, entry);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_braces_kept() {
        assert_eq!(
            substitute("{n} of {total} {x} {", |n| (n != "x")
                .then(|| n.to_uppercase())),
            "N of TOTAL {x} {"
        );
        assert_eq!(placeholders("{b} {a} {b}"), ["a", "b"]);
    }

    #[test]
    fn dates_follow_the_table() {
        let date = |s: &str| Date::parse(s).unwrap();
        let en = Translations::english();
        assert_eq!(en.date(&date("2026-02-28")), "28 February 2026");
        assert_eq!(en.date(&date("2026-03-01")), "1 March 2026");
        let fr = Translations {
            language: "fr".into(),
            entries: parse(include_str!("../../themes/default/translations/fr.toml")).unwrap(),
        };
        assert_eq!(fr.date(&date("2026-03-01")), "1er mars 2026");
        assert_eq!(fr.date(&date("2026-08-15")), "15 août 2026");
    }

    #[test]
    fn french_counts_zero_as_one() {
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("en", 0), "other");
        assert_eq!(plural_category("de", 1), "one");
    }
}
