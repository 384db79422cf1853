//! What templates use to put values into translated strings:
//! `{{ t.tree.question_of | fill(n=step.number, total=step.max) }}` and
//! `link(href=…, text=…)` for a link inside a sentence, `json` for scripts.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::plural_category;
use crate::base::text::{html_escape, substitute};

/// Adds `fill` and `link` to a theme's Tera, plural forms chosen for `language`.
pub(crate) fn register(tera: &mut Tera, language: &str) {
    let language = language.to_string();
    tera.register_filter("fill", move |value: Value, kwargs: Kwargs, _: &State| {
        fill(&language, value, &kwargs)
    });
    tera.register_function("link", link);
    // Scripts read their strings from a data attribute, as JSON.
    tera.register_filter("json", |value: Value, _: Kwargs, _: &State| {
        let json = serde_json::to_value(&value).map_err(|e| Error::message(e.to_string()))?;
        Ok::<String, Error>(sorted(json).to_string())
    });
}

/// `value` with every object's keys in order: Tera's maps have none, and a
/// page must come out the same from one build to the next.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut pairs: Vec<_> = map.into_iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(pairs.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        v => v,
    }
}

/// The string (or, given `n`, its plural form) with each `{name}` replaced by
/// the argument of that name. Escapes the string and plain arguments, keeps
/// safe ones (from `link`) as HTML, and marks the result safe.
fn fill(language: &str, value: Value, kwargs: &Kwargs) -> TeraResult<Value> {
    let text = if let Some(forms) = value.as_map() {
        let n = kwargs.get::<i64>("n")?.ok_or_else(|| {
            Error::message("`fill` needs `n=` to pick the plural form of this string")
        })?;
        let wanted = plural_category(language, n);
        forms
            .iter()
            .find(|(k, _)| k.as_str() == Some(wanted))
            .and_then(|(_, v)| v.as_str())
            .ok_or_else(|| Error::message(format!("this string has no `{wanted}` form")))?
    } else {
        value.as_str().ok_or_else(|| {
            Error::message(format!(
                "`fill` takes a translated string (like `t.tree.back`), not {}",
                value.name()
            ))
        })?
    };
    let escaped = if value.is_safe() {
        text.to_string()
    } else {
        html_escape(text)
    };
    let out = substitute(&escaped, |name| {
        let (_, v) = kwargs.iter().find(|(k, _)| k.as_str() == Some(name))?;
        let shown = v.to_string();
        Some(if v.is_safe() {
            shown
        } else {
            html_escape(&shown)
        })
    });
    Ok(Value::safe_string(&out))
}

/// `<a href="…">…</a>`, both escaped, as safe HTML for `fill`.
fn link(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let href: String = kwargs.must_get::<&str>("href")?.to_string();
    let text: String = kwargs.must_get::<&str>("text")?.to_string();
    Ok(Value::safe_string(&format!(
        "<a href=\"{}\">{}</a>",
        html_escape(&href),
        html_escape(&text)
    )))
}
