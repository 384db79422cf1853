//! The checks that need a tree unfolded into its paths: too many paths or
//! pages, conditions that can never be answered, outcomes no path reaches,
//! and the tree's `tests`, each followed through the real steps.

use std::collections::BTreeSet;

use crate::base::diagnostics::{with_code, Code, Diagnostic, SourceFile};
use crate::model::tree::unfold::{self, Step, UnfoldError};
use crate::model::tree::{Kind, Node, NodeIdx, Rule, Tree, TreeTest};

/// The most a tree's pages may weigh together, text and links counted.
const MAX_TREE_BYTES: usize = 100_000_000;

/// Roughly what a tree's step pages weigh: every page carries the
/// tree's title, its node's texts, the answers so far and links whose
/// length grows with the path.
fn estimated_bytes(tree: &Tree, steps: &[Step]) -> usize {
    let len = |t: &Option<String>| t.as_ref().map_or(0, String::len);
    let node_text: Vec<usize> = tree
        .nodes
        .iter()
        .map(|n| {
            let own = len(&n.text) + len(&n.title) + len(&n.hint) + len(&n.body);
            match &n.kind {
                Kind::Question { options, .. } => {
                    own + options
                        .iter()
                        .map(|o| o.label.len() + len(&o.hint))
                        .sum::<usize>()
                }
                Kind::Outcome { steps, guides } => {
                    own + steps.iter().map(|(s, _)| s.len()).sum::<usize>()
                        + guides.iter().map(|g| g.path.len()).sum::<usize>()
                }
                Kind::Info { .. } => own,
            }
        })
        .collect();
    steps
        .iter()
        .map(|step| {
            let url: usize = step.segments.iter().map(|s| s.len() + 1).sum();
            let answers: usize = step
                .answers
                .iter()
                .map(|a| node_text[a.question] / 2 + url)
                .sum();
            let links = step.children.len() + 3;
            3 * tree.title.len() + node_text[step.node] + answers + links * url
        })
        .fold(0usize, usize::saturating_add)
}

/// Unfolds the tree and checks what only whole paths show: conditions that
/// can never be answered, outcomes no path reaches, too many paths, `tests`.
pub(crate) fn check_paths(tree: &Tree, file: &SourceFile) -> (Option<Vec<Step>>, Vec<Diagnostic>) {
    let (steps, found) = paths(tree, file);
    (steps, with_code(found, Code::TreeFlow))
}

fn paths(tree: &Tree, file: &SourceFile) -> (Option<Vec<Step>>, Vec<Diagnostic>) {
    let steps = match unfold::unfold(tree) {
        Ok(s) => s,
        Err(e) => return (None, vec![unfold_error(tree, file, &e)]),
    };
    if let Some(d) = too_heavy(tree, file, &steps) {
        return (None, vec![d]);
    }
    let mut out = Vec::new();
    let coverage = Coverage::of(tree, &steps);
    // One pass over the nodes, so problems are listed in the file's order.
    for (i, node) in tree.nodes.iter().enumerate() {
        if let (Kind::Question { rules, .. }, Some(answered)) =
            (&node.kind, &coverage.answered_at[i])
        {
            check_conditions_answerable(tree, file, node, rules, answered, &mut out);
        }
        if node.is_outcome() && !coverage.reached[i] {
            out.push(unreached_outcome(file, node));
        }
    }
    check_tests(tree, file, &steps, &coverage.reached, &mut out);
    (Some(steps), out)
}

/// Why the tree could not be unfolded: it is too big to publish.
fn unfold_error(tree: &Tree, file: &SourceFile, e: &UnfoldError) -> Diagnostic {
    let d = match e {
        UnfoldError::TooManyPaths { limit } => Diagnostic::error(format!(
            "this tree has more than {limit} paths from start to an outcome"
        ))
        .at(file, 0..0)
        .help("split it into smaller trees, or raise the limit with `max-paths: N` at the top"),
        UnfoldError::PathTooLong { node } => Diagnostic::error(format!(
            "a path through this tree is too long by the time it reaches `{}`: at most {} steps and {} characters of URL",
            tree.nodes[*node].id,
            unfold::MAX_PATH_STEPS,
            unfold::MAX_URL_BYTES
        ))
        .at(file, tree.nodes[*node].id_span.clone())
        .help("readers give up long before this; split the flow into smaller trees"),
        UnfoldError::TooManySteps => Diagnostic::error(format!(
            "this tree unfolds into more than {} pages",
            unfold::MAX_STEPS
        ))
        .at(file, 0..0)
        .help("split it into smaller trees"),
    };
    d.code(Code::TreeSize)
}

/// An error when the tree's pages would weigh more than a build may write.
fn too_heavy(tree: &Tree, file: &SourceFile, steps: &[Step]) -> Option<Diagnostic> {
    let bytes = estimated_bytes(tree, steps);
    (bytes > MAX_TREE_BYTES).then(|| {
        Diagnostic::error(format!(
            "this tree's pages would come to about {} MB; a tree may write at most {} MB",
            bytes / 1_000_000,
            MAX_TREE_BYTES / 1_000_000
        ))
        .at(file, 0..0)
        .help("every page repeats the tree's title and the answers so far: shorten long texts, or split the tree")
        .code(Code::TreeSize)
    })
}

/// What the unfolded steps show about each node.
struct Coverage {
    /// For each question, the questions answered by the time it is asked on
    /// any path, itself included; `None` when no path asks it.
    answered_at: Vec<Option<BTreeSet<NodeIdx>>>,
    /// Whether some path reaches the node.
    reached: Vec<bool>,
}

impl Coverage {
    fn of(tree: &Tree, steps: &[Step]) -> Self {
        let mut answered_at: Vec<Option<BTreeSet<NodeIdx>>> = vec![None; tree.nodes.len()];
        let mut reached = vec![false; tree.nodes.len()];
        for step in steps {
            reached[step.node] = true;
            if tree.nodes[step.node].is_question() {
                let set = answered_at[step.node].get_or_insert_with(BTreeSet::new);
                set.extend(step.answers.iter().map(|a| a.question));
                set.insert(step.node);
            }
        }
        Coverage {
            answered_at,
            reached,
        }
    }
}

/// A rule's condition can only apply if its question has been answered by
/// the time the rule's question is asked, on some path.
fn check_conditions_answerable(
    tree: &Tree,
    file: &SourceFile,
    node: &Node,
    rules: &[Rule],
    answered: &BTreeSet<NodeIdx>,
    out: &mut Vec<Diagnostic>,
) {
    for cond in rules.iter().flat_map(|r| &r.conds) {
        let Some(q) = tree.index_of(&cond.question.id) else {
            continue;
        };
        if !answered.contains(&q) {
            out.push(
                Diagnostic::error(format!(
                    "this condition asks about `{}`, but no path reaches `{}` after answering it, so the rule never applies",
                    cond.question.id, node.id
                ))
                .at(file, cond.question.span.clone()),
            );
        }
    }
}

/// An outcome the flow links to but no answers reach: the conditions of the
/// rules on the way to it rule it out.
fn unreached_outcome(file: &SourceFile, node: &Node) -> Diagnostic {
    Diagnostic::error(format!(
        "no answers lead to the outcome `{}` once the rules' conditions are applied",
        node.id
    ))
    .at(file, node.id_span.clone())
    .help("check the `if` conditions of the rules that go here")
}

/// `tests`: follows each entry's answers through the real steps, then warns
/// of reachable outcomes no entry reaches.
fn check_tests(
    tree: &Tree,
    file: &SourceFile,
    steps: &[Step],
    reached: &[bool],
    out: &mut Vec<Diagnostic>,
) {
    let mut tested = vec![false; tree.nodes.len()];
    let mut failed = Vec::new();
    for test in &tree.tests {
        if let Some(end) = run_test(tree, file, steps, test, &mut failed) {
            tested[end] = true;
        }
    }
    out.extend(with_code(failed, Code::TreeTest));
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.is_outcome() && reached[i] && !tested[i] {
            out.push(
                Diagnostic::warning(format!(
                    "no entry in `tests` reaches the outcome `{}`",
                    node.id
                ))
                .at(file, node.id_span.clone())
                .help("add a test: `- { answers: [...], expect: <outcome> }`")
                .code(Code::TreeTest),
            );
        }
    }
}

/// Follows a test's answers; returns the outcome it ends at when it passes.
fn run_test(
    tree: &Tree,
    file: &SourceFile,
    steps: &[Step],
    test: &TreeTest,
    out: &mut Vec<Diagnostic>,
) -> Option<NodeIdx> {
    let mut step = 0;
    let mut answers = test.answers.iter();
    steps.first()?;
    loop {
        let s = &steps[step];
        match &tree.nodes[s.node].kind {
            Kind::Info { .. } => step = *s.children.first()?,
            Kind::Outcome { .. } => break,
            Kind::Question { options, .. } => {
                let Some(answer) = answers.next() else {
                    out.push(
                        Diagnostic::error(format!(
                            "these answers stop at the question `{}` before reaching an outcome",
                            tree.nodes[s.node].id
                        ))
                        .at(file, test.span.clone()),
                    );
                    return None;
                };
                let Some(o) = options.iter().position(|o| o.id == answer.id) else {
                    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
                    out.push(
                        Diagnostic::error(format!(
                            "`{}` is not an option of the question `{}`",
                            answer.id, tree.nodes[s.node].id
                        ))
                        .at(file, answer.span.clone())
                        .help(format!("its options are: {}", ids.join(", "))),
                    );
                    return None;
                };
                let opt_id = &options[o].id;
                step = *s
                    .children
                    .iter()
                    .find(|&&c| steps[c].segments.last() == Some(opt_id))?;
            }
        }
    }
    let end = steps[step].node;
    if let Some(extra) = answers.next() {
        out.push(
            Diagnostic::error(format!(
                "the answers reach the outcome `{}` before `{}` is used",
                tree.nodes[end].id, extra.id
            ))
            .at(file, extra.span.clone()),
        );
        return None;
    }
    let expect = test.expect.as_ref()?;
    if tree.nodes[end].id != expect.id {
        let mut d = Diagnostic::error(format!(
            "these answers end at `{}`, not `{}`",
            tree.nodes[end].id, expect.id
        ))
        .at(file, expect.span.clone());
        if tree.index_of(&expect.id).is_none() {
            d.message = format!(
                "`expect` names `{}`, which is not a node of this tree",
                expect.id
            );
        }
        out.push(d);
        return None;
    }
    Some(end)
}
