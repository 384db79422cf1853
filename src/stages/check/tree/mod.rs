//! The checks that catch a tree's dead ends before readers meet them: every
//! reference, shape, rule, cycle, unreachable node, impossible condition,
//! unreachable outcome and failing `tests` entry, each at its line.
//!
//! This file has the checks on the tree as written ([`check_structure`]);
//! `paths.rs` has those that need it unfolded ([`check_paths`]).

mod paths;

pub(crate) use paths::check_paths;

use std::collections::HashSet;

use crate::base::diagnostics::{did_you_mean, with_code, Code, Diagnostic, SourceFile};
use crate::model::reserved::MAP_SEGMENT;
use crate::model::tree::{Cond, Kind, Node, NodeIdx, Opt, Ref, Rule, Tree};

/// A label longer than this is hard to read as a button.
const LONG_LABEL: usize = 120;

/// Checks that need only the tree itself. Returns errors and warnings; when
/// it returns no error the tree can be unfolded safely.
pub(crate) fn check_structure(tree: &Tree, file: &SourceFile) -> Vec<Diagnostic> {
    with_code(structure(tree, file), Code::TreeFlow)
}

fn structure(tree: &Tree, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_start(tree, file, &mut out);
    for node in &tree.nodes {
        match &node.kind {
            Kind::Question { options, rules } => {
                check_options(tree, file, node, options, &mut out);
                check_routing(file, node, options, rules, &mut out);
                check_rules(tree, file, node, rules, &mut out);
            }
            Kind::Info { next: Some(next) } if tree.index_of(&next.id).is_none() => {
                let what = format!("info node `{}` leads to", node.id);
                out.push(unknown_node(tree, file, next, &what));
            }
            _ => {}
        }
    }
    check_map_segment(tree, file, &mut out);

    // The flow is only followed once every reference in it holds, and
    // reachability only asked once it has no loops.
    if out.iter().any(Diagnostic::is_error) {
        return out;
    }
    check_cycles(tree, file, &mut out);
    if out.iter().any(Diagnostic::is_error) {
        return out;
    }
    check_reachable(tree, file, &mut out);
    out
}

/// A reference to a node the tree does not have, with the nearest id as a
/// suggestion.
fn unknown_node(tree: &Tree, file: &SourceFile, r: &Ref, what: &str) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "{what} `{}`, which is not a node of this tree",
        r.id
    ))
    .at(file, r.span.clone());
    match did_you_mean(&r.id, tree.nodes.iter().map(|n| n.id.as_str())) {
        Some(h) => d.help(h),
        None => d,
    }
}

/// `start` must name a node, and not an outcome.
fn check_start(tree: &Tree, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    match (&tree.start, tree.start_index()) {
        (Some(r), None) => out.push(unknown_node(tree, file, r, "`start` names")),
        (Some(r), Some(i)) if tree.nodes[i].is_outcome() => out.push(
            Diagnostic::error(format!(
                "`start` names the outcome `{}`; a tree starts with a question or an info page",
                r.id
            ))
            .at(file, r.span.clone()),
        ),
        _ => {}
    }
}

/// A question's options: ids and labels told apart, labels short enough to
/// read as buttons, and each `next` naming a node.
fn check_options(
    tree: &Tree,
    file: &SourceFile,
    node: &Node,
    options: &[Opt],
    out: &mut Vec<Diagnostic>,
) {
    let mut seen_ids: Vec<&str> = Vec::new();
    let mut seen_labels: Vec<&str> = Vec::new();
    for o in options {
        if seen_ids.contains(&o.id.as_str()) {
            out.push(
                Diagnostic::error(format!(
                    "question `{}` has two options with the id `{}`",
                    node.id, o.id
                ))
                .at(file, o.id_span.clone()),
            );
        }
        if seen_labels.contains(&o.label.as_str()) {
            out.push(
                Diagnostic::error(format!(
                    "question `{}` has two options labelled “{}”",
                    node.id, o.label
                ))
                .at(file, o.label_span.clone()),
            );
        }
        seen_ids.push(&o.id);
        seen_labels.push(&o.label);
        let chars = o.label.chars().count();
        if chars > LONG_LABEL {
            out.push(
                Diagnostic::warning(format!(
                    "this label is {chars} characters long; readers scan labels, so keep them under {LONG_LABEL}"
                ))
                .at(file, o.label_span.clone())
                .help("move the detail into the option's `hint`")
                .code(Code::TreeSchema),
            );
        }
        if let Some(next) = &o.next {
            if tree.index_of(&next.id).is_none() {
                out.push(unknown_node(
                    tree,
                    file,
                    next,
                    &format!("option `{}` leads to", o.id),
                ));
            }
        }
    }
}

/// A question leads on either by `next` on every option or by rules under
/// its own `next`: not both, and not neither.
fn check_routing(
    file: &SourceFile,
    node: &Node,
    options: &[Opt],
    rules: &[Rule],
    out: &mut Vec<Diagnostic>,
) {
    let with_next = options.iter().filter(|o| o.next.is_some()).count();
    if !rules.is_empty() && with_next > 0 {
        let o = options.iter().find(|o| o.next.is_some()).expect("counted");
        out.push(
            Diagnostic::error(format!(
                "question `{}` mixes `next` on its options with rules on the question",
                node.id
            ))
            .at(
                file,
                o.next
                    .as_ref()
                    .map(|r| r.span.clone())
                    .unwrap_or(o.span.clone()),
            )
            .help(
                "use either `next` on every option, or rules under the question's `next`, not both",
            ),
        );
    } else if rules.is_empty() && with_next < options.len() && !options.is_empty() {
        let o = options.iter().find(|o| o.next.is_none()).expect("counted");
        out.push(
            Diagnostic::error(format!(
                "option `{}` of question `{}` leads nowhere",
                o.id, node.id
            ))
            .at(file, o.id_span.clone())
            .help("give every option `next: <node>`, or give the question rules under `next`"),
        );
    }
}

/// A question's rules: each goes to a node, exactly the last one has no `if`,
/// and their conditions name real questions and options.
fn check_rules(
    tree: &Tree,
    file: &SourceFile,
    node: &Node,
    rules: &[Rule],
    out: &mut Vec<Diagnostic>,
) {
    for (i, rule) in rules.iter().enumerate() {
        if let Some(go) = &rule.go {
            if tree.index_of(&go.id).is_none() {
                out.push(unknown_node(tree, file, go, "this rule goes to"));
            }
        }
        let last = i + 1 == rules.len();
        if !rule.has_if && !last {
            out.push(
                Diagnostic::error(
                    "a rule without `if` must come last: the rules after it can never apply",
                )
                .at(file, rule.span.clone())
                .help("move this default rule to the end of the list"),
            );
        }
        if last && rule.has_if {
            out.push(
                Diagnostic::error(format!(
                    "the rules of question `{}` have no default",
                    node.id
                ))
                .at(file, rule.span.clone())
                .help("end the list with a rule that has only `go:`, for answers no condition matches"),
            );
        }
        for cond in &rule.conds {
            check_condition(tree, file, cond, out);
        }
    }
}

/// A condition names a question of this tree and options it has.
fn check_condition(tree: &Tree, file: &SourceFile, cond: &Cond, out: &mut Vec<Diagnostic>) {
    let Some(q) = tree.index_of(&cond.question.id).map(|q| &tree.nodes[q]) else {
        out.push(unknown_node(
            tree,
            file,
            &cond.question,
            "this condition names",
        ));
        return;
    };
    let Kind::Question { options, .. } = &q.kind else {
        out.push(
            Diagnostic::error(format!(
                "this condition names `{}`, which is {} node, not a question",
                q.id,
                if q.is_outcome() {
                    "an outcome"
                } else {
                    "an info"
                }
            ))
            .at(file, cond.question.span.clone()),
        );
        return;
    };
    for o in &cond.options {
        if !options.iter().any(|x| x.id == o.id) {
            let d = Diagnostic::error(format!("question `{}` has no option `{}`", q.id, o.id))
                .at(file, o.span.clone());
            out.push(
                match did_you_mean(&o.id, options.iter().map(|x| x.id.as_str())) {
                    Some(h) => d.help(h),
                    None => d,
                },
            );
        }
    }
}

/// The first page's options become URL segments next to `map/`, so none of
/// them (and no starting info node) may be called `map`.
fn check_map_segment(tree: &Tree, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    let Some(s) = tree.start_index() else {
        return;
    };
    if let Kind::Question { options, .. } = &tree.nodes[s].kind {
        for o in options.iter().filter(|o| o.id == MAP_SEGMENT) {
            out.push(
                Diagnostic::error("the first question cannot have an option with the id `map`: that URL is the tree's map")
                    .at(file, o.id_span.clone())
                    .help("rename the option, e.g. `on-the-map`"),
            );
        }
    }
    if tree.nodes[s].id == MAP_SEGMENT && matches!(tree.nodes[s].kind, Kind::Info { .. }) {
        out.push(
            Diagnostic::error(
                "a starting info node cannot have the id `map`: that URL is the tree's map",
            )
            .at(file, tree.nodes[s].id_span.clone()),
        );
    }
}

/// Every node can be reached from the start.
fn check_reachable(tree: &Tree, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    let Some(start) = tree.start_index() else {
        return;
    };
    let reachable = reachable_from(tree, start);
    for (i, node) in tree.nodes.iter().enumerate() {
        if !reachable.contains(&i) {
            out.push(
                Diagnostic::error(format!(
                    "node `{}` cannot be reached from the start (`{}`)",
                    node.id, tree.nodes[start].id
                ))
                .at(file, node.id_span.clone())
                .help("link to it from an option or a rule, or remove it"),
            );
        }
    }
}

fn reachable_from(tree: &Tree, start: NodeIdx) -> HashSet<NodeIdx> {
    let mut seen = HashSet::from([start]);
    let mut stack = vec![start];
    while let Some(n) = stack.pop() {
        for (next, _) in tree.edges(n) {
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen
}

/// Reports each cycle once, printing the loop ("Start again" is built in,
/// so a tree never needs an edge back).
fn check_cycles(tree: &Tree, file: &SourceFile, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; tree.nodes.len()];
    for root in 0..tree.nodes.len() {
        if mark[root] != Mark::New {
            continue;
        }
        // Iterative depth-first search keeping the current path.
        let mut path: Vec<(NodeIdx, usize)> = vec![(root, 0)];
        mark[root] = Mark::Open;
        while let Some(&(node, edge)) = path.last() {
            let edges = tree.edges(node);
            if edge >= edges.len() {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            }
            path.last_mut().expect("non-empty").1 += 1;
            let (next, r) = edges[edge];
            match mark[next] {
                Mark::New => {
                    mark[next] = Mark::Open;
                    path.push((next, 0));
                }
                Mark::Open => {
                    let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    let mut names: Vec<&str> = path[from..]
                        .iter()
                        .map(|(n, _)| tree.nodes[*n].id.as_str())
                        .collect();
                    names.push(&tree.nodes[next].id);
                    out.push(
                        Diagnostic::error(format!("the flow loops: {}", names.join(" → ")))
                            .at(file, r.span.clone())
                            .help("a tree must always move forward; readers get “Start again” on every page without an edge back"),
                    );
                }
                Mark::Done => {}
            }
        }
    }
}
