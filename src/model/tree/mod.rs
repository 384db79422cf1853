//! Decision trees: the YAML schema and its model ([`parse`]), the checks that
//! catch dead ends before readers do ([`validate`]), the unfolding of every
//! answer path into step pages ([`unfold`]) and the diagram of the whole flow
//! ([`map`]).

pub(crate) mod unfold;

use std::collections::HashMap;
use std::ops::Range;

/// Index into [`Tree::nodes`].
pub(crate) type NodeIdx = usize;

/// A reference to a node by id, where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ref {
    pub(crate) id: String,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub(crate) id: String,
    pub(crate) id_span: Range<usize>,
    pub(crate) label: String,
    pub(crate) label_span: Range<usize>,
    pub(crate) hint: Option<String>,
    pub(crate) next: Option<Ref>,
    pub(crate) span: Range<usize>,
}

/// One condition of a rule: `question: option` or `question: [a, b]`.
#[derive(Debug, Clone)]
pub(crate) struct Cond {
    pub(crate) question: Ref,
    pub(crate) options: Vec<Ref>,
}

#[derive(Debug, Clone)]
pub(crate) struct Rule {
    /// Empty for the default rule (no `if`).
    pub(crate) conds: Vec<Cond>,
    pub(crate) has_if: bool,
    pub(crate) go: Option<Ref>,
    pub(crate) span: Range<usize>,
}

/// A guide an outcome links to: a relative path with an optional anchor.
#[derive(Debug, Clone)]
pub(crate) struct GuideLink {
    pub(crate) path: String,
    pub(crate) label: Option<String>,
    pub(crate) span: Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Question {
        options: Vec<Opt>,
        rules: Vec<Rule>,
    },
    Info {
        next: Option<Ref>,
    },
    Outcome {
        steps: Vec<(String, Range<usize>)>,
        guides: Vec<GuideLink>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) id: String,
    pub(crate) id_span: Range<usize>,
    pub(crate) kind: Kind,
    /// The question's text (its page's h1).
    pub(crate) text: Option<String>,
    pub(crate) title: Option<String>,
    /// Markdown.
    pub(crate) hint: Option<String>,
    /// Markdown.
    pub(crate) body: Option<String>,
    /// Keys written on an outcome or info node that do not belong there.
    pub(crate) misplaced: Vec<(String, Range<usize>)>,
}

impl Node {
    /// The heading readers see for this node.
    pub(crate) fn heading(&self) -> &str {
        match self.kind {
            Kind::Question { .. } => self
                .text
                .as_deref()
                .or(self.title.as_deref())
                .unwrap_or(&self.id),
            _ => self
                .title
                .as_deref()
                .or(self.text.as_deref())
                .unwrap_or(&self.id),
        }
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Question { .. } => "question",
            Kind::Info { .. } => "info",
            Kind::Outcome { .. } => "outcome",
        }
    }

    pub(crate) fn is_question(&self) -> bool {
        matches!(self.kind, Kind::Question { .. })
    }

    pub(crate) fn is_outcome(&self) -> bool {
        matches!(self.kind, Kind::Outcome { .. })
    }
}

/// A `tests:` entry: answers in order, and the outcome they must reach.
#[derive(Debug, Clone)]
pub(crate) struct TreeTest {
    pub(crate) answers: Vec<Ref>,
    pub(crate) expect: Option<Ref>,
    pub(crate) span: Range<usize>,
}

/// A parsed decision tree.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// The first node unless `start` names another.
    pub(crate) start: Option<Ref>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) tests: Vec<TreeTest>,
    pub(crate) max_paths: usize,
    /// Node id -> index, so following an edge costs the same in a tree of
    /// ten nodes or ten thousand.
    ids: HashMap<String, NodeIdx>,
}

impl Tree {
    pub(crate) fn new(
        title: String,
        description: Option<String>,
        start: Option<Ref>,
        nodes: Vec<Node>,
        tests: Vec<TreeTest>,
        max_paths: usize,
    ) -> Tree {
        let mut ids = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            ids.entry(n.id.clone()).or_insert(i);
        }
        Tree {
            title,
            description,
            start,
            nodes,
            tests,
            max_paths,
            ids,
        }
    }

    pub(crate) fn index_of(&self, id: &str) -> Option<NodeIdx> {
        self.ids.get(id).copied()
    }

    pub(crate) fn start_index(&self) -> Option<NodeIdx> {
        match &self.start {
            Some(r) => self.index_of(&r.id),
            None => (!self.nodes.is_empty()).then_some(0),
        }
    }

    /// Every node a node can lead to, ignoring conditions, with where the
    /// edge is written.
    pub(crate) fn edges(&self, idx: NodeIdx) -> Vec<(NodeIdx, &Ref)> {
        let refs: Vec<&Ref> = match &self.nodes[idx].kind {
            Kind::Question { options, rules } => options
                .iter()
                .filter_map(|o| o.next.as_ref())
                .chain(rules.iter().filter_map(|r| r.go.as_ref()))
                .collect(),
            Kind::Info { next } => next.iter().collect(),
            Kind::Outcome { .. } => Vec::new(),
        };
        refs.into_iter()
            .filter_map(|r| self.index_of(&r.id).map(|i| (i, r)))
            .collect()
    }
}

/// The rule for node and option ids.
pub(crate) fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        assert!(super::valid_id("broke-rules"));
        assert!(super::valid_id("a1"));
        assert!(!super::valid_id("-a"));
        assert!(!super::valid_id("Kind"));
        assert!(!super::valid_id("a_b"));
        assert!(!super::valid_id(&"a".repeat(65)));
    }

    mod properties {
        use crate::base::diagnostics::{Diagnostic, SourceFile};
        use proptest::prelude::*;

        /// Parses and validates `yaml` as the build does; returns the step
        /// pages' URLs when the tree is valid.
        fn check(yaml: &str) -> Option<Vec<String>> {
            let file = SourceFile::new("content/t.yaml", yaml);
            let (tree, found) = crate::stages::load::tree::parse(&file);
            let tree = tree?;
            if found.iter().any(Diagnostic::is_error) {
                return None;
            }
            let found = crate::stages::check::tree::check_structure(&tree, &file);
            if found.iter().any(Diagnostic::is_error) {
                return None;
            }
            let (steps, found) = crate::stages::check::tree::check_paths(&tree, &file);
            if found.iter().any(Diagnostic::is_error) {
                return None;
            }
            Some(steps?.iter().map(|s| s.rel_url()).collect())
        }

        /// A small random flow: questions, info pages and outcomes whose
        /// links point anywhere, itself and missing nodes included.
        fn flow() -> impl Strategy<Value = String> {
            let node = (0..3u8, prop::collection::vec(0..8usize, 1..4));
            prop::collection::vec(node, 1..8).prop_map(|nodes| {
                let n = nodes.len();
                let mut yaml = String::from("title: T\nnodes:\n");
                for (i, (kind, links)) in nodes.iter().enumerate() {
                    // Links beyond the last node name a node that does not exist.
                    let target = |l: usize| if l < n + 1 { format!("n{l}") } else { "zz".into() };
                    match kind {
                        0 => {
                            yaml.push_str(&format!("  n{i}:\n    type: question\n    text: Q{i}?\n    options:\n"));
                            for (j, l) in links.iter().enumerate() {
                                yaml.push_str(&format!("      - {{ id: o{j}, label: \"L{j} <b>&</b> *x*\", next: {} }}\n", target(*l)));
                            }
                        }
                        1 => yaml.push_str(&format!("  n{i}: {{ type: info, title: I{i}, next: {} }}\n", target(links[0]))),
                        _ => yaml.push_str(&format!("  n{i}: {{ type: outcome, title: O{i}, body: done }}\n")),
                    }
                }
                yaml
            })
        }

        /// The property below means little unless some random flows are valid.
        #[test]
        fn the_generator_makes_valid_flows_too() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let valid = (0..300)
                .filter(|_| check(&flow().new_tree(&mut runner).unwrap().current()).is_some())
                .count();
            assert!(valid >= 10, "only {valid} of 300 random flows are valid");
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_text_never_panics_the_parser(text in any::<String>()) {
                check(&text);
            }

            #[test]
            fn random_flows_never_panic_and_valid_ones_unfold_to_unique_urls(yaml in flow()) {
                if let Some(urls) = check(&yaml) {
                    let mut unique = urls.clone();
                    unique.sort();
                    unique.dedup();
                    prop_assert_eq!(unique.len(), urls.len(), "{}", yaml);
                    prop_assert_eq!(urls.first().map(String::as_str), Some(""));
                    for url in &urls {
                        prop_assert!(
                            url.split('/').all(|s| s.is_empty() || crate::model::tree::valid_id(s)),
                            "{}", url
                        );
                    }
                }
            }
        }
    }
}
