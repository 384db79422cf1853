//! Reading a tree's YAML into the model, reporting every unknown key, missing
//! field and wrong shape at its line.
//!
//! This file reads the top level and the nodes; `parts.rs` has the reader the
//! errors are collected by and the readers of options, rules, guide links
//! and tests.

mod parts;

use std::collections::HashMap;
use std::ops::Range;

use crate::base::diagnostics::{did_you_mean, Code, Diagnostic, SourceFile};
use crate::base::yaml::{self, Value, YamlError};
use crate::model::tree::{valid_id, GuideLink, Kind, Node, Opt, Ref, Rule, Tree, TreeTest};

use parts::{get, read_guide, read_option, read_rule, read_test, span_of, Entries, Reader};

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
pub(crate) const DEFAULT_MAX_PATHS: usize = 500;
/// The most `max-paths` may allow: every path is several pages, and a
/// tree's pages must fit in a build.
pub(crate) const MAX_PATHS_CEILING: usize = 10_000;

/// Reads a tree file. Returns the tree (as complete as the input allows) and
/// every problem found; `None` when the file is not a tree at all.
pub(crate) fn parse(file: &SourceFile) -> (Option<Tree>, Vec<Diagnostic>) {
    let root = match yaml::parse_marked(&file.text, MAX_DEPTH) {
        Ok(r) => r,
        Err(e) => return (None, vec![yaml_error(file, &e)]),
    };
    let mut r = Reader::new(file);
    if root.value == Value::Null {
        r.error(0..0, "this decision tree is empty").help =
            Some("a tree needs `title:` and `nodes:`".into());
        return (None, r.errors);
    }
    let top = read_top(&mut r, &root);
    // What the whole tree lacks is reported where the tree starts.
    let at = root.start..root.start + 1;
    let title = match top.title {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            r.error(at.clone(), "this decision tree has no `title`")
                .help = Some("add `title: …` at the top of the file".into());
            String::new()
        }
    };
    if top.nodes.is_none() {
        r.error(at, "this decision tree has no `nodes`").help =
            Some("add `nodes:` with a question, its options and the outcomes they lead to".into());
    }
    let nodes = top.nodes.unwrap_or_default();
    let tree = Tree::new(
        title,
        top.description,
        top.start,
        nodes,
        top.tests,
        top.max_paths,
    );
    (Some(tree), r.errors)
}

fn yaml_error(file: &SourceFile, e: &YamlError) -> Diagnostic {
    let at = e.offset.unwrap_or(0);
    let d = Diagnostic::error(format!("invalid YAML: {}", e.message))
        .at(file, at..at + 1)
        .code(Code::TreeYaml);
    let tab_indented = file
        .text
        .lines()
        .any(|l| l.trim_start_matches(' ').starts_with('\t'));
    if tab_indented {
        d.help("YAML does not allow tabs for indentation; use spaces")
    } else {
        d
    }
}

/// The top-level keys, as far as they could be read.
struct Top {
    title: Option<String>,
    description: Option<String>,
    start: Option<Ref>,
    /// `None` when there is no `nodes:` key at all.
    nodes: Option<Vec<Node>>,
    tests: Vec<TreeTest>,
    max_paths: usize,
}

fn read_top(r: &mut Reader, root: &yaml::Node) -> Top {
    let mut top = Top {
        title: None,
        description: None,
        start: None,
        nodes: None,
        tests: Vec::new(),
        max_paths: DEFAULT_MAX_PATHS,
    };
    for (key, value, kspan) in r.entries(root, "the tree", TOP_KEYS) {
        match key {
            "title" => top.title = r.text(value, "`title`"),
            "description" => top.description = r.text(value, "`description`"),
            "start" => top.start = r.reference(value, "`start`"),
            "max-paths" => {
                if let Some(n) = read_max_paths(r, value) {
                    top.max_paths = n;
                }
            }
            "nodes" => {
                let nodes = read_nodes(r, value);
                // Said only when no other problem has been reported so far.
                if nodes.is_empty() && r.errors.is_empty() {
                    r.error(
                        kspan,
                        "`nodes` is empty: a tree needs at least a question and an outcome",
                    );
                }
                top.nodes = Some(nodes);
            }
            "tests" => {
                for item in r.list(value, "`tests`").to_vec() {
                    if let Some(t) = read_test(r, &item) {
                        top.tests.push(t);
                    }
                }
            }
            _ => {}
        }
    }
    top
}

fn read_max_paths(r: &mut Reader, value: &yaml::Node) -> Option<usize> {
    match value.as_str().and_then(|s| s.parse::<usize>().ok()) {
        Some(n) if (1..=MAX_PATHS_CEILING).contains(&n) => Some(n),
        _ => {
            let d = r.error(
                span_of(value),
                format!("`max-paths` must be a whole number from 1 to {MAX_PATHS_CEILING}"),
            );
            d.code = Some(Code::TreeSize);
            d.help = Some("a tree with more paths than this is several trees; split it".into());
            None
        }
    }
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
    // Where each id was first written.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (key, body) in entries {
        let Some(id) = key.as_str() else {
            r.error(span_of(key), "a node id must be text");
            continue;
        };
        let id_span = span_of(key);
        if let Some(first) = seen.get(id) {
            let line = r.file.line_col(*first).0;
            r.error(
                id_span,
                format!("the node id `{id}` is used twice (first on line {line})"),
            )
            .help = Some(
                "YAML would silently keep only the last one; give each node its own id".into(),
            );
            continue;
        }
        if !valid_id(id) {
            r.error(id_span.clone(), format!("`{id}` is not a valid node id"))
                .help = Some(parts::ID_RULES.into());
        }
        seen.insert(id, id_span.start);
        if let Some(node) = read_node(r, id, id_span, body) {
            nodes.push(node);
        }
    }
    nodes
}

/// A node's `type:`, which decides the keys it may have.
#[derive(Clone, Copy, PartialEq)]
enum NodeType {
    Question,
    Info,
    Outcome,
}

impl NodeType {
    /// Reads `type:` from a node's entries; `None` (after an error) when it
    /// is missing or unknown, as the node's other keys cannot be judged.
    fn read(r: &mut Reader, id: &str, id_span: Range<usize>, entries: &Entries) -> Option<Self> {
        let Some(v) = get(entries, "type") else {
            r.error(id_span, format!("node `{id}` has no `type`")).help =
                Some("add `type: question`, `type: info` or `type: outcome`".into());
            return None;
        };
        let Some(t) = v.as_str() else {
            r.error(span_of(v), "`type` must be question, info or outcome");
            return None;
        };
        let ty = match t {
            "question" => NodeType::Question,
            "info" => NodeType::Info,
            "outcome" => NodeType::Outcome,
            _ => {
                let help = did_you_mean(t, TYPES.iter().copied())
                    .unwrap_or_else(|| "types are: question, info, outcome".into());
                r.error(span_of(v), format!("unknown node type `{t}`")).help = Some(help);
                return None;
            }
        };
        Some(ty)
    }

    fn name(self) -> &'static str {
        match self {
            NodeType::Question => "question",
            NodeType::Info => "info",
            NodeType::Outcome => "outcome",
        }
    }

    /// The keys a node of this type may have, in the order help lists them.
    fn keys(self) -> &'static [&'static str] {
        match self {
            NodeType::Question => &["type", "text", "title", "hint", "body", "options", "next"],
            NodeType::Info => &["type", "title", "body", "next"],
            NodeType::Outcome => &["type", "title", "body", "steps", "guides"],
        }
    }

    /// Why `key` does not belong on a node of this type.
    fn misplaced_help(self, key: &str) -> String {
        match (self, key) {
            (NodeType::Outcome, "next" | "options") => {
                "an outcome ends the flow, so it has no `next` or `options`".to_string()
            }
            (NodeType::Info, "options") => {
                "an info page has no options; use a question".to_string()
            }
            _ => format!(
                "a node of type {} takes: {}",
                self.name(),
                self.keys().join(", ")
            ),
        }
    }

    /// The kind the node's own fields are read into.
    fn empty_kind(self) -> Kind {
        match self {
            NodeType::Question => Kind::Question {
                options: Vec::new(),
                rules: Vec::new(),
            },
            NodeType::Info => Kind::Info { next: None },
            NodeType::Outcome => Kind::Outcome {
                steps: Vec::new(),
                guides: Vec::new(),
            },
        }
    }
}

/// Reads one node: its type, then its keys in the order written (the fields
/// every type shares here, the rest by its type), then what it lacks.
fn read_node(r: &mut Reader, id: &str, id_span: Range<usize>, body: &yaml::Node) -> Option<Node> {
    let entries = r.entries(body, &format!("node `{id}`"), NODE_KEYS);
    let ty = NodeType::read(r, id, id_span.clone(), &entries)?;
    let mut node = Node {
        id: id.to_string(),
        id_span,
        kind: ty.empty_kind(),
        text: None,
        title: None,
        hint: None,
        body: None,
        misplaced: Vec::new(),
    };
    for (key, value, kspan) in &entries {
        if !ty.keys().contains(key) {
            r.error(
                kspan.clone(),
                format!("`{key}` does not belong on {} node `{id}`", ty.name()),
            )
            .help = Some(ty.misplaced_help(key));
            node.misplaced.push((key.to_string(), kspan.clone()));
            continue;
        }
        match *key {
            "type" => {}
            "text" => node.text = r.text(value, "`text`"),
            "title" => node.title = r.text(value, "`title`"),
            "hint" => node.hint = r.text(value, "`hint`"),
            "body" => node.body = r.text(value, "`body`"),
            _ => match &mut node.kind {
                Kind::Question { options, rules } => {
                    read_question_key(r, id, key, value, kspan, options, rules)
                }
                // `next`, the only key an info node has to itself.
                Kind::Info { next } => *next = r.reference(value, "`next`"),
                Kind::Outcome { steps, guides } => read_outcome_key(r, key, value, steps, guides),
            },
        }
    }
    let has = |k: &str| entries.iter().any(|(key, _, _)| *key == k);
    match ty {
        NodeType::Question => require_question(r, &node, has("options")),
        NodeType::Info => require_info(r, &node, has("next")),
        NodeType::Outcome => require_outcome(r, &node),
    }
    Some(node)
}

/// A question's own keys: `options`, and `next` as a list of rules.
fn read_question_key(
    r: &mut Reader,
    id: &str,
    key: &str,
    value: &yaml::Node,
    kspan: &Range<usize>,
    options: &mut Vec<Opt>,
    rules: &mut Vec<Rule>,
) {
    match key {
        "options" => *options = read_options(r, id, value, kspan),
        _ => *rules = read_rules(r, value),
    }
}

fn read_options(r: &mut Reader, id: &str, value: &yaml::Node, kspan: &Range<usize>) -> Vec<Opt> {
    let mut options = Vec::new();
    for item in r.list(value, "`options`").to_vec() {
        if let Some(o) = read_option(r, &item) {
            options.push(o);
        }
    }
    check_option_count(r, id, value, kspan, options.len());
    options
}

/// A question's `next`: rules that pick the node by the answers so far.
fn read_rules(r: &mut Reader, value: &yaml::Node) -> Vec<Rule> {
    match &value.value {
        Value::Seq(items) => items.iter().filter_map(|item| read_rule(r, item)).collect(),
        Value::Str(_) => {
            r.error(
                span_of(value),
                "on a question, `next` is a list of rules, not a node id",
            )
            .help =
                Some("put `next:` on each option, or write rules: `- if: {…}` / `go: …`".into());
            Vec::new()
        }
        _ => {
            r.error(
                span_of(value),
                format!("`next` must be a list of rules, not {}", value.kind()),
            );
            Vec::new()
        }
    }
}

/// A question offers 2 to 9 options.
fn check_option_count(
    r: &mut Reader,
    id: &str,
    value: &yaml::Node,
    kspan: &Range<usize>,
    count: usize,
) {
    // A list that is not a list has been reported already.
    if count < 2 && matches!(&value.value, Value::Seq(_)) {
        r.error(
            kspan.clone(),
            format!(
                "question `{id}` has {count} option{}; a question needs 2 to 9",
                if count == 1 { "" } else { "s" }
            ),
        );
    } else if count > 9 {
        r.error(
            kspan.clone(),
            format!("question `{id}` has {count} options; at most 9 keep it answerable"),
        );
    }
}

/// An outcome's own keys: `steps` and `guides`.
fn read_outcome_key(
    r: &mut Reader,
    key: &str,
    value: &yaml::Node,
    steps: &mut Vec<(String, Range<usize>)>,
    guides: &mut Vec<GuideLink>,
) {
    if key == "steps" {
        for item in r.list(value, "`steps`").to_vec() {
            if let Some(s) = r.text(&item, "a step") {
                steps.push((s, span_of(&item)));
            }
        }
    } else {
        for item in r.list(value, "`guides`").to_vec() {
            if let Some(g) = read_guide(r, &item) {
                guides.push(g);
            }
        }
    }
}

fn require_question(r: &mut Reader, node: &Node, has_options: bool) {
    let id = &node.id;
    if node.text.is_none() {
        r.error(
            node.id_span.clone(),
            format!("question `{id}` has no `text`"),
        )
        .help = Some("`text:` is the question readers see".into());
    }
    if !has_options {
        r.error(
            node.id_span.clone(),
            format!("question `{id}` has no `options`"),
        );
    }
}

fn require_info(r: &mut Reader, node: &Node, has_next: bool) {
    let id = &node.id;
    if node.title.is_none() {
        r.error(
            node.id_span.clone(),
            format!("info node `{id}` has no `title`"),
        );
    }
    // A `next:` that could not be read has been reported already.
    let no_next = matches!(node.kind, Kind::Info { next: None }) && !has_next;
    if no_next {
        r.error(
            node.id_span.clone(),
            format!("info node `{id}` has no `next`"),
        )
        .help =
            Some("an info page needs `next:` naming the node its Continue link leads to".into());
    }
}

fn require_outcome(r: &mut Reader, node: &Node) {
    let id = &node.id;
    if node.title.is_none() {
        r.error(
            node.id_span.clone(),
            format!("outcome `{id}` has no `title`"),
        );
    }
    let empty = match &node.kind {
        Kind::Outcome { steps, guides } => steps.is_empty() && guides.is_empty(),
        _ => false,
    };
    if node.body.is_none() && empty {
        r.error(node.id_span.clone(), format!("outcome `{id}` is empty"))
            .help = Some("give it a `body`, `steps` or `guides`".into());
    }
}
