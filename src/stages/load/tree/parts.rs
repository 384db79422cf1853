//! The pieces a tree's YAML is read with: the [`Reader`] that turns each wrong
//! shape into an error at its line, and the readers of a node's options,
//! rules and guide links and of the tree's `tests` entries.

use std::ops::Range;

use crate::base::diagnostics::{did_you_mean, Code, Diagnostic, SourceFile};
use crate::base::yaml::{self, Value};
use crate::model::tree::{valid_id, Cond, GuideLink, Opt, Ref, Rule, TreeTest};

const OPTION_KEYS: &[&str] = &["id", "label", "hint", "next"];
const RULE_KEYS: &[&str] = &["if", "go"];
const TEST_KEYS: &[&str] = &["answers", "expect"];
const GUIDE_KEYS: &[&str] = &["path", "label"];

/// What is said about an id that is not valid, for nodes and options alike.
pub(super) const ID_RULES: &str =
    "ids use lowercase letters, digits and hyphens, start with a letter or digit, at most 64 characters";

/// A mapping's entries that passed [`Reader::entries`]: key, value and the
/// key's span, in the order written.
pub(super) type Entries<'n> = Vec<(&'n str, &'n yaml::Node, Range<usize>)>;

/// Reads values of the expected shape, collecting an error for each one that
/// is not, so that one pass reports every problem in the file.
pub(super) struct Reader<'f> {
    pub(super) file: &'f SourceFile,
    pub(super) errors: Vec<Diagnostic>,
}

/// Where a value is written: the whole of a text, the first character of
/// anything else.
pub(super) fn span_of(node: &yaml::Node) -> Range<usize> {
    let len = match &node.value {
        Value::Str(s) => s.len().max(1),
        _ => 1,
    };
    node.start..node.start + len
}

/// The first character of an item, where problems with it as a whole are
/// reported.
fn start_of(item: &yaml::Node) -> Range<usize> {
    item.start..item.start + 1
}

/// The value given for `key`, if any.
pub(super) fn get<'n>(entries: &Entries<'n>, key: &str) -> Option<&'n yaml::Node> {
    entries
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, _)| *v)
}

impl<'f> Reader<'f> {
    pub(super) fn new(file: &'f SourceFile) -> Self {
        Reader {
            file,
            errors: Vec::new(),
        }
    }

    pub(super) fn error(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.errors.push(
            Diagnostic::error(message)
                .at(self.file, span)
                .code(Code::TreeSchema),
        );
        self.errors.last_mut().expect("just pushed")
    }

    /// The entries of a mapping, reporting unknown keys (with a suggestion)
    /// and duplicates.
    pub(super) fn entries<'n>(
        &mut self,
        node: &'n yaml::Node,
        what: &str,
        known: &[&str],
    ) -> Entries<'n> {
        let Value::Map(entries) = &node.value else {
            self.error(
                span_of(node),
                format!(
                    "{what} must be a mapping of `key: value` lines, not {}",
                    node.kind()
                ),
            );
            return Vec::new();
        };
        let mut out: Entries = Vec::new();
        let mut prev_key: Option<&str> = None;
        for (key, value) in entries {
            let Some(name) = key.as_str() else {
                self.error(span_of(key), format!("a key in {what} must be text"));
                continue;
            };
            let kspan = span_of(key);
            if !known.contains(&name) {
                // `{ label: Boss, or policy }` reads as a key `or policy`
                // with no value, right after the label.
                let comma_trap = value.value == Value::Null && prev_key == Some("label");
                self.unknown_key(kspan, name, what, known, comma_trap);
            } else if let Some((_, _, first)) = out.iter().find(|(k, _, _)| *k == name) {
                let line = self.file.line_col(first.start).0;
                self.error(
                    kspan,
                    format!("`{name}` is given twice in {what} (first on line {line})"),
                );
            } else {
                out.push((name, value, kspan));
            }
            prev_key = Some(name);
        }
        out
    }

    fn unknown_key(
        &mut self,
        span: Range<usize>,
        name: &str,
        what: &str,
        known: &[&str],
        comma_trap: bool,
    ) {
        let d = self.error(span, format!("unknown key `{name}` in {what}"));
        if comma_trap {
            d.message = format!(
                "unknown key `{name}` in {what}: the label before it has an unquoted comma, which ends a value in `{{ … }}` style"
            );
            d.help = Some("put the label in quotes: label: \"…, …\"".into());
        } else {
            d.help = did_you_mean(name, known.iter().copied())
                .or_else(|| Some(format!("{what} takes: {}", known.join(", "))));
        }
    }

    pub(super) fn text(&mut self, node: &yaml::Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Null => None,
            _ => {
                self.error(
                    span_of(node),
                    format!("{what} must be text, not {}", node.kind()),
                );
                None
            }
        }
    }

    pub(super) fn reference(&mut self, node: &yaml::Node, what: &str) -> Option<Ref> {
        let id = self.text(node, what)?;
        Some(Ref {
            id,
            span: span_of(node),
        })
    }

    pub(super) fn list<'n>(&mut self, node: &'n yaml::Node, what: &str) -> &'n [yaml::Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.error(
                    span_of(node),
                    format!("{what} must be a list, not {}", node.kind()),
                );
                &[]
            }
        }
    }
}

pub(super) fn read_option(r: &mut Reader, item: &yaml::Node) -> Option<Opt> {
    let entries = r.entries(item, "this option", OPTION_KEYS);
    let span = start_of(item);
    let id =
        get(&entries, "id").and_then(|v| r.text(v, "an option's `id`").map(|s| (s, span_of(v))));
    let label = get(&entries, "label")
        .and_then(|v| r.text(v, "an option's `label`").map(|s| (s, span_of(v))));
    let Some((id, id_span)) = id else {
        r.error(span, "this option has no `id`").help =
            Some("options need `id` (used in URLs and rules) and `label`".into());
        return None;
    };
    if !valid_id(&id) {
        r.error(id_span.clone(), format!("`{id}` is not a valid option id"))
            .help = Some(ID_RULES.into());
    }
    let Some((label, label_span)) = label else {
        r.error(id_span, format!("option `{id}` has no `label`"));
        return None;
    };
    let hint = get(&entries, "hint").and_then(|v| r.text(v, "an option's `hint`"));
    let next = get(&entries, "next").and_then(|v| r.reference(v, "an option's `next`"));
    Some(Opt {
        id,
        id_span,
        label,
        label_span,
        hint,
        next,
        span,
    })
}

pub(super) fn read_rule(r: &mut Reader, item: &yaml::Node) -> Option<Rule> {
    let entries = r.entries(item, "this rule", RULE_KEYS);
    let span = start_of(item);
    let mut rule = Rule {
        conds: Vec::new(),
        has_if: false,
        go: None,
        span: span.clone(),
    };
    for (key, value, _) in &entries {
        match *key {
            "go" => rule.go = r.reference(value, "`go`"),
            "if" => {
                rule.has_if = true;
                rule.conds = read_conditions(r, value);
            }
            _ => {}
        }
    }
    if rule.go.is_none() {
        r.error(span, "this rule has no `go`").help =
            Some("each rule needs `go:` naming the node it leads to".into());
    }
    Some(rule)
}

/// A rule's `if`. Its keys are question ids, checked against the tree later.
fn read_conditions(r: &mut Reader, value: &yaml::Node) -> Vec<Cond> {
    let Value::Map(conds) = &value.value else {
        r.error(
            span_of(value),
            "`if` maps question ids to option ids, like `if: { kind: honest }`",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, (k, v)) in conds.iter().enumerate() {
        let Some(q) = k.as_str() else { continue };
        let options = condition_options(r, v);
        if conds[..i]
            .iter()
            .any(|(earlier, _)| earlier.as_str() == Some(q))
        {
            r.error(span_of(k), format!("`{q}` is named twice in this `if`"));
        }
        out.push(Cond {
            question: Ref {
                id: q.to_string(),
                span: span_of(k),
            },
            options,
        });
    }
    out
}

/// The option ids a condition accepts: `q: a` or `q: [a, b]`.
fn condition_options(r: &mut Reader, v: &yaml::Node) -> Vec<Ref> {
    match &v.value {
        Value::Str(s) => vec![Ref {
            id: s.clone(),
            span: span_of(v),
        }],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                i.as_str().map(|s| Ref {
                    id: s.to_string(),
                    span: span_of(i),
                })
            })
            .collect(),
        _ => {
            r.error(
                span_of(v),
                "a condition names an option id or a list of them",
            );
            Vec::new()
        }
    }
}

pub(super) fn read_guide(r: &mut Reader, item: &yaml::Node) -> Option<GuideLink> {
    match &item.value {
        Value::Str(s) => Some(GuideLink {
            path: s.clone(),
            label: None,
            span: span_of(item),
        }),
        Value::Map(_) => {
            let entries = r.entries(item, "this guide link", GUIDE_KEYS);
            let label = get(&entries, "label").and_then(|v| v.as_str().map(String::from));
            let Some(p) = get(&entries, "path") else {
                r.error(start_of(item), "this guide link has no `path`");
                return None;
            };
            Some(GuideLink {
                path: p.as_str()?.to_string(),
                label,
                span: span_of(p),
            })
        }
        _ => {
            r.error(
                span_of(item),
                "a guide link is a path, or `{ path: …, label: … }`",
            );
            None
        }
    }
}

pub(super) fn read_test(r: &mut Reader, item: &yaml::Node) -> Option<TreeTest> {
    let entries = r.entries(item, "this test", TEST_KEYS);
    let span = start_of(item);
    let mut test = TreeTest {
        answers: Vec::new(),
        expect: None,
        span: span.clone(),
    };
    for (key, value, _) in &entries {
        match *key {
            "answers" => {
                for a in r.list(value, "`answers`").to_vec() {
                    if let Some(rf) = r.reference(&a, "an answer") {
                        test.answers.push(rf);
                    }
                }
            }
            "expect" => test.expect = r.reference(value, "`expect`"),
            _ => {}
        }
    }
    if test.expect.is_none() {
        r.error(span, "this test has no `expect`").help =
            Some("name the outcome these answers must reach".into());
    }
    Some(test)
}
