//! Unfolding a tree into every reachable answer path. Each step of each path
//! becomes a page, so Back, Change and the answer summary are exact without
//! JavaScript.

use super::{Kind, NodeIdx, Rule, Tree};

/// An answer given on the way to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub question: NodeIdx,
    /// Index into the question's options.
    pub option: usize,
    /// The step where the question was asked (its Change link).
    pub step: usize,
}

/// One page of the flow.
#[derive(Debug, Clone)]
pub struct Step {
    pub node: NodeIdx,
    /// URL segments after the tree's URL: option ids, and info node ids.
    pub segments: Vec<String>,
    pub parent: Option<usize>,
    pub answers: Vec<Answer>,
    /// Steps this one leads to: one per option, or the Continue target.
    pub children: Vec<usize>,
    /// The most questions any path through this step asks in all.
    pub max_questions: usize,
    /// The fewest, so "Question 2 of 3" says "up to" only when paths differ.
    pub min_questions: usize,
}

impl Step {
    /// This step's URL path relative to the tree's URL (`""` for the first).
    pub fn rel_url(&self) -> String {
        let mut s = String::new();
        for seg in &self.segments {
            s.push_str(seg);
            s.push('/');
        }
        s
    }
}

/// The first rule whose conditions hold for `answers`.
pub fn pick_rule<'r>(tree: &Tree, rules: &'r [Rule], answers: &[Answer]) -> Option<&'r Rule> {
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
pub fn next_after(
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
pub const MAX_PATH_STEPS: usize = 50;
/// The most bytes a step's URL may add to the tree's own: far beyond any
/// real flow, well within what file systems allow for a path.
pub const MAX_URL_BYTES: usize = 1_000;
/// The most pages one tree may unfold into.
pub const MAX_STEPS: usize = 50_000;

/// Why a tree could not be unfolded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnfoldError {
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
pub fn unfold(tree: &Tree) -> Result<Vec<Step>, UnfoldError> {
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
