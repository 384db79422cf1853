//! Reading a tree's YAML into the model, reporting every unknown key, missing
//! field and wrong shape at its line.
//!
//! This file reads the top level and the nodes; [`parts`] has the reader the
//! errors are collected by and the readers of options, rules, guide links
//! and tests.

mod parts;

use std::ops::Range;

use crate::base::diagnostics::{did_you_mean, Code, Diagnostic, SourceFile};
use crate::base::yaml::{self, Value};
use crate::model::tree::{valid_id, Kind, Node, Tree};

use parts::{read_guide, read_option, read_rule, read_test, span_of, Reader};

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "start",
    "nodes",
    "tests",
    "max-paths",
];
const NODE_KEYS: &[&str] = &[
    "type", "text", "title", "hint", "body", "options", "next", "steps", "guides",
];
const TYPES: &[&str] = &["question", "info", "outcome"];
/// How deep a tree's YAML may nest; real trees need five or six levels.
const MAX_DEPTH: usize = 32;
pub const DEFAULT_MAX_PATHS: usize = 500;
/// The most `max-paths` may allow: every path is several pages, and a
/// tree's pages must fit in a build.
pub const MAX_PATHS_CEILING: usize = 10_000;

/// Reads a tree file. Returns the tree (as complete as the input allows) and
/// every problem found; `None` when the file is not a tree at all.
pub fn parse(file: &SourceFile) -> (Option<Tree>, Vec<Diagnostic>) {
    let root = match yaml::parse_marked(&file.text, MAX_DEPTH) {
        Ok(r) => r,
        Err(e) => {
            let at = e.offset.unwrap_or(0);
            let mut d = Diagnostic::error(format!("invalid YAML: {}", e.message))
                .at(file, at..at + 1)
                .code(Code::TreeYaml);
            if file
                .text
                .lines()
                .any(|l| l.trim_start_matches(' ').starts_with('\t'))
            {
                d = d.help("YAML does not allow tabs for indentation; use spaces");
            }
            return (None, vec![d]);
        }
    };
    let mut r = Reader::new(file);
    let mut title = None;
    let mut description = None;
    let mut start = None;
    let mut nodes = Vec::new();
    let mut tests = Vec::new();
    let mut max_paths = DEFAULT_MAX_PATHS;
    let mut saw_nodes = false;

    if root.value == Value::Null {
        r.error(0..0, "this decision tree is empty").help =
            Some("a tree needs `title:` and `nodes:`".into());
        return (None, r.errors);
    }
    for (key, value, kspan) in r.entries(&root, "the tree", TOP_KEYS) {
        match key {
            "title" => title = r.text(value, "`title`"),
            "description" => description = r.text(value, "`description`"),
            "start" => start = r.reference(value, "`start`"),
            "max-paths" => match value.as_str().and_then(|s| s.parse::<usize>().ok()) {
                Some(n) if (1..=MAX_PATHS_CEILING).contains(&n) => max_paths = n,
                _ => {
                    let d = r.error(
                        span_of(value),
                        format!("`max-paths` must be a whole number from 1 to {MAX_PATHS_CEILING}"),
                    );
                    d.code = Some(Code::TreeSize);
                    d.help =
                        Some("a tree with more paths than this is several trees; split it".into());
                }
            },
            "nodes" => {
                saw_nodes = true;
                nodes = read_nodes(&mut r, value);
                if nodes.is_empty() && r.errors.is_empty() {
                    r.error(
                        kspan,
                        "`nodes` is empty: a tree needs at least a question and an outcome",
                    );
                }
            }
            "tests" => {
                for item in r.list(value, "`tests`").to_vec() {
                    if let Some(t) = read_test(&mut r, &item) {
                        tests.push(t);
                    }
                }
            }
            _ => {}
        }
    }
    let title = match title {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            r.error(
                root.start..root.start + 1,
                "this decision tree has no `title`",
            )
            .help = Some("add `title: …` at the top of the file".into());
            String::new()
        }
    };
    if !saw_nodes {
        r.error(
            root.start..root.start + 1,
            "this decision tree has no `nodes`",
        )
        .help =
            Some("add `nodes:` with a question, its options and the outcomes they lead to".into());
    }
    let tree = Tree::new(title, description, start, nodes, tests, max_paths);
    (Some(tree), r.errors)
}

fn read_nodes(r: &mut Reader, value: &yaml::Node) -> Vec<Node> {
    let Value::Map(entries) = &value.value else {
        r.error(
            span_of(value),
            format!("`nodes` must map node ids to nodes, not {}", value.kind()),
        );
        return Vec::new();
    };
    let mut nodes: Vec<Node> = Vec::new();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (key, body) in entries {
        let Some(id) = key.as_str() else {
            r.error(span_of(key), "a node id must be text");
            continue;
        };
        let id_span = span_of(key);
        if let Some(first) = seen.get(id) {
            let line = r.file.line_col(*first).0;
            r.error(
                id_span.clone(),
                format!("the node id `{id}` is used twice (first on line {line})"),
            )
            .help = Some(
                "YAML would silently keep only the last one; give each node its own id".into(),
            );
            continue;
        }
        if !valid_id(id) {
            r.error(id_span.clone(), format!("`{id}` is not a valid node id")).help =
                Some("ids use lowercase letters, digits and hyphens, start with a letter or digit, at most 64 characters".into());
        }
        seen.insert(id, id_span.start);
        if let Some(node) = read_node(r, id, id_span, body) {
            nodes.push(node);
        }
    }
    nodes
}

fn read_node(r: &mut Reader, id: &str, id_span: Range<usize>, body: &yaml::Node) -> Option<Node> {
    let what = format!("node `{id}`");
    let entries = r.entries(body, &what, NODE_KEYS);
    let get = |k: &str| entries.iter().find(|(key, _, _)| *key == k);
    let ty = match get("type") {
        Some((_, v, _)) => match v.as_str() {
            Some(t) if TYPES.contains(&t) => t.to_string(),
            Some(t) => {
                let help = did_you_mean(t, TYPES.iter().copied())
                    .unwrap_or_else(|| "types are: question, info, outcome".into());
                r.error(span_of(v), format!("unknown node type `{t}`")).help = Some(help);
                return None;
            }
            None => {
                r.error(span_of(v), "`type` must be question, info or outcome");
                return None;
            }
        },
        None => {
            r.error(id_span, format!("node `{id}` has no `type`")).help =
                Some("add `type: question`, `type: info` or `type: outcome`".into());
            return None;
        }
    };
    let mut node = Node {
        id: id.to_string(),
        id_span: id_span.clone(),
        kind: Kind::Info { next: None },
        text: None,
        title: None,
        hint: None,
        body: None,
        misplaced: Vec::new(),
    };
    let allowed: &[&str] = match ty.as_str() {
        "question" => &["type", "text", "title", "hint", "body", "options", "next"],
        "info" => &["type", "title", "body", "next"],
        _ => &["type", "title", "body", "steps", "guides"],
    };
    let mut options = Vec::new();
    let mut rules = Vec::new();
    let mut info_next = None;
    let mut steps = Vec::new();
    let mut guides = Vec::new();
    for (key, value, kspan) in &entries {
        if !allowed.contains(key) {
            let why = match (ty.as_str(), *key) {
                ("outcome", "next" | "options") => {
                    "an outcome ends the flow, so it has no `next` or `options`".to_string()
                }
                ("info", "options") => "an info page has no options; use a question".to_string(),
                _ => format!("a node of type {ty} takes: {}", allowed.join(", ")),
            };
            r.error(
                kspan.clone(),
                format!("`{key}` does not belong on {ty} node `{id}`"),
            )
            .help = Some(why);
            node.misplaced.push((key.to_string(), kspan.clone()));
            continue;
        }
        match *key {
            "text" => node.text = r.text(value, "`text`"),
            "title" => node.title = r.text(value, "`title`"),
            "hint" => node.hint = r.text(value, "`hint`"),
            "body" => node.body = r.text(value, "`body`"),
            "options" => {
                for item in r.list(value, "`options`").to_vec() {
                    if let Some(o) = read_option(r, &item) {
                        options.push(o);
                    }
                }
                if options.len() < 2 && matches!(&value.value, Value::Seq(_)) {
                    r.error(
                        kspan.clone(),
                        format!(
                            "question `{id}` has {} option{}; a question needs 2 to 9",
                            options.len(),
                            if options.len() == 1 { "" } else { "s" }
                        ),
                    );
                } else if options.len() > 9 {
                    r.error(
                        kspan.clone(),
                        format!(
                            "question `{id}` has {} options; at most 9 keep it answerable",
                            options.len()
                        ),
                    );
                }
            }
            "next" if ty == "info" => info_next = r.reference(value, "`next`"),
            "next" => match &value.value {
                Value::Seq(items) => {
                    for item in items {
                        if let Some(rule) = read_rule(r, item) {
                            rules.push(rule);
                        }
                    }
                }
                Value::Str(_) => {
                    r.error(
                        span_of(value),
                        "on a question, `next` is a list of rules, not a node id",
                    )
                    .help = Some(
                        "put `next:` on each option, or write rules: `- if: {…}` / `go: …`".into(),
                    );
                }
                _ => {
                    r.error(
                        span_of(value),
                        format!("`next` must be a list of rules, not {}", value.kind()),
                    );
                }
            },
            "steps" => {
                for item in r.list(value, "`steps`").to_vec() {
                    if let Some(s) = r.text(&item, "a step") {
                        steps.push((s, span_of(&item)));
                    }
                }
            }
            "guides" => {
                for item in r.list(value, "`guides`").to_vec() {
                    if let Some(g) = read_guide(r, &item) {
                        guides.push(g);
                    }
                }
            }
            _ => {}
        }
    }
    match ty.as_str() {
        "question" => {
            if node.text.is_none() {
                r.error(id_span.clone(), format!("question `{id}` has no `text`"))
                    .help = Some("`text:` is the question readers see".into());
            }
            if !entries.iter().any(|(k, _, _)| *k == "options") {
                r.error(id_span.clone(), format!("question `{id}` has no `options`"));
            }
            node.kind = Kind::Question { options, rules };
        }
        "info" => {
            if node.title.is_none() {
                r.error(id_span.clone(), format!("info node `{id}` has no `title`"));
            }
            if info_next.is_none() && !entries.iter().any(|(k, _, _)| *k == "next") {
                r.error(id_span.clone(), format!("info node `{id}` has no `next`"))
                    .help = Some(
                    "an info page needs `next:` naming the node its Continue link leads to".into(),
                );
            }
            node.kind = Kind::Info { next: info_next };
        }
        _ => {
            if node.title.is_none() {
                r.error(id_span.clone(), format!("outcome `{id}` has no `title`"));
            }
            if node.body.is_none() && steps.is_empty() && guides.is_empty() {
                r.error(id_span.clone(), format!("outcome `{id}` is empty"))
                    .help = Some("give it a `body`, `steps` or `guides`".into());
            }
            node.kind = Kind::Outcome { steps, guides };
        }
    }
    Some(node)
}
