//! Unfolding a tree into every reachable answer path. Each step of each path
//! becomes a page, so Back, Change and the answer summary are exact without
//! JavaScript.

use super::{Kind, NodeIdx, Rule, Tree};

/// An answer given on the way to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) question: NodeIdx,
    /// Index into the question's options.
    pub(crate) option: usize,
    /// The step where the question was asked (its Change link).
    pub(crate) step: usize,
}

/// One page of the flow.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) node: NodeIdx,
    /// URL segments after the tree's URL: option ids, and info node ids.
    pub(crate) segments: Vec<String>,
    pub(crate) parent: Option<usize>,
    pub(crate) answers: Vec<Answer>,
    /// Steps this one leads to: one per option, or the Continue target.
    pub(crate) children: Vec<usize>,
    /// The most questions any path through this step asks in all.
    pub(crate) max_questions: usize,
    /// The fewest, so "Question 2 of 3" says "up to" only when paths differ.
    pub(crate) min_questions: usize,
}

impl Step {
    /// This step's URL path relative to the tree's URL (`""` for the first).
    pub(crate) fn rel_url(&self) -> String {
        let mut s = String::new();
        for seg in &self.segments {
            s.push_str(seg);
            s.push('/');
        }
        s
    }
}

/// The first rule whose conditions hold for `answers`.
pub(crate) fn pick_rule<'r>(
    tree: &Tree,
    rules: &'r [Rule],
    answers: &[Answer],
) -> Option<&'r Rule> {
    rules.iter().find(|rule| {
        rule.conds.iter().all(|cond| {
            answers.iter().any(|a| {
                tree.nodes[a.question].id == cond.question.id
                    && match &tree.nodes[a.question].kind {
                        Kind::Question { options, .. } => {
                            cond.options.iter().any(|o| o.id == options[a.option].id)
                        }
                        _ => false,
                    }
            })
        })
    })
}

/// Where answering `option` at question `node` leads, given earlier answers.
pub(crate) fn next_after(
    tree: &Tree,
    node: NodeIdx,
    option: usize,
    answers: &[Answer],
) -> Option<NodeIdx> {
    let Kind::Question { options, rules } = &tree.nodes[node].kind else {
        return None;
    };
    let target = match &options[option].next {
        Some(r) => r,
        None => pick_rule(tree, rules, answers)?.go.as_ref()?,
    };
    tree.index_of(&target.id)
}

/// The most steps one path may take, start and outcome included.
pub(crate) const MAX_PATH_STEPS: usize = 50;
/// The most bytes a step's URL may add to the tree's own: far beyond any
/// real flow, well within what file systems allow for a path.
pub(crate) const MAX_URL_BYTES: usize = 1_000;
/// The most pages one tree may unfold into.
pub(crate) const MAX_STEPS: usize = 50_000;

/// Why a tree could not be unfolded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UnfoldError {
    /// More complete paths than the tree's `max-paths`.
    TooManyPaths { limit: usize },
    /// A path longer than [`MAX_PATH_STEPS`] steps or [`MAX_URL_BYTES`]
    /// bytes of URL; `node` is where it crossed the line.
    PathTooLong { node: NodeIdx },
    /// More than [`MAX_STEPS`] pages.
    TooManySteps,
}

/// Unfolds every path from the start node. The tree must be free of cycles
/// (validation checks that first); a step whose next node cannot be found
/// simply ends.
pub(crate) fn unfold(tree: &Tree) -> Result<Vec<Step>, UnfoldError> {
    let Some(start) = tree.start_index() else {
        return Ok(Vec::new());
    };
    let mut steps = vec![Step {
        node: start,
        segments: Vec::new(),
        parent: None,
        answers: Vec::new(),
        children: Vec::new(),
        max_questions: 0,
        min_questions: 0,
    }];
    let mut paths = 0;
    // Depth-first, so the step order follows the tree as written.
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        let node = steps[i].node;
        let mut children = Vec::new();
        match &tree.nodes[node].kind {
            Kind::Question { options, .. } => {
                for (o, opt) in options.iter().enumerate() {
                    let mut answers = steps[i].answers.clone();
                    answers.push(Answer {
                        question: node,
                        option: o,
                        step: i,
                    });
                    if let Some(next) = next_after(tree, node, o, &answers) {
                        let mut segments = steps[i].segments.clone();
                        segments.push(opt.id.clone());
                        children.push((next, segments, answers));
                    }
                }
            }
            Kind::Info { next } => {
                if let Some(next) = next.as_ref().and_then(|r| tree.index_of(&r.id)) {
                    let mut segments = steps[i].segments.clone();
                    segments.push(tree.nodes[node].id.clone());
                    children.push((next, segments, steps[i].answers.clone()));
                }
            }
            Kind::Outcome { .. } => {
                paths += 1;
                if paths > tree.max_paths {
                    return Err(UnfoldError::TooManyPaths {
                        limit: tree.max_paths,
                    });
                }
            }
        }
        let first_child = steps.len();
        if first_child + children.len() > MAX_STEPS {
            return Err(UnfoldError::TooManySteps);
        }
        for (next, segments, answers) in children {
            let url_bytes: usize = segments.iter().map(|s| s.len() + 1).sum();
            if segments.len() >= MAX_PATH_STEPS || url_bytes > MAX_URL_BYTES {
                return Err(UnfoldError::PathTooLong { node: next });
            }
            steps.push(Step {
                node: next,
                segments,
                parent: Some(i),
                answers,
                children: Vec::new(),
                max_questions: 0,
                min_questions: 0,
            });
        }
        steps[i].children = (first_child..steps.len()).collect();
        stack.extend((first_child..steps.len()).rev());
    }
    // Children always come after their parent, so one backwards pass fills
    // in the longest and shortest question counts below each step.
    for i in (0..steps.len()).rev() {
        let own = steps[i].answers.len() + usize::from(tree.nodes[steps[i].node].is_question());
        let children = &steps[i].children;
        let most = children
            .iter()
            .map(|&c| steps[c].max_questions)
            .max()
            .unwrap_or(own);
        let fewest = children
            .iter()
            .map(|&c| steps[c].min_questions)
            .min()
            .unwrap_or(own);
        steps[i].max_questions = own.max(most);
        steps[i].min_questions = own.max(fewest);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostics::SourceFile;

    #[test]
    fn unfolding_follows_conditions_and_builds_urls() {
        let yaml = "title: T\nnodes:\n  kind:\n    type: question\n    text: Kind?\n    options:\n      - { id: honest, label: Honest, next: rel }\n      - { id: broke, label: Broke rules, next: rel }\n  rel:\n    type: question\n    text: Relationships?\n    options:\n      - { id: strong, label: Strong }\n      - { id: shaky, label: Shaky }\n    next:\n      - if: { kind: honest, rel: strong }\n        go: sorry\n      - go: rebuild\n  sorry: { type: info, title: Say sorry, next: plan }\n  plan: { type: outcome, title: Plan, body: x }\n  rebuild: { type: outcome, title: Rebuild, body: y }\n";
        let file = SourceFile::new("t.yaml", yaml);
        let (tree, errs) = crate::stages::load::tree::parse(&file);
        assert!(errs.is_empty(), "{errs:?}");
        let tree = tree.unwrap();
        let steps = unfold(&tree).unwrap();
        let urls: Vec<(String, &str)> = steps
            .iter()
            .map(|s| (s.rel_url(), tree.nodes[s.node].id.as_str()))
            .collect();
        assert!(urls.contains(&(String::new(), "kind")));
        assert!(urls.contains(&("honest/".into(), "rel")));
        assert!(urls.contains(&("honest/strong/".into(), "sorry")));
        assert!(
            urls.contains(&("honest/strong/sorry/".into(), "plan")),
            "passing an info node adds its id: {urls:?}"
        );
        assert!(urls.contains(&("honest/shaky/".into(), "rebuild")));
        assert!(
            urls.contains(&("broke/strong/".into(), "rebuild")),
            "the condition needs kind: honest"
        );
        assert_eq!(steps.len(), 8);
        // Question numbering: two questions on every path.
        assert!(steps.iter().all(|s| s.max_questions == 2));
        // Change links point at the step where each question was asked.
        let plan = steps
            .iter()
            .find(|s| s.rel_url() == "honest/strong/sorry/")
            .unwrap();
        assert_eq!(plan.answers.len(), 2);
        assert_eq!(steps[plan.answers[0].step].rel_url(), "");
        assert_eq!(steps[plan.answers[1].step].rel_url(), "honest/");
    }
}
