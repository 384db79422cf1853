//! The diagram of a whole tree: a layered, top-to-bottom drawing of the DAG
//! as SVG, made at build time with no external tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::base::text::html_escape;
use crate::model::tree::{Cond, Kind, Node, NodeIdx, Rule, Tree};
use crate::stages::translations::Translations;

mod layout;

use layout::{Rect, Size, Stop};

const BOX_W: f64 = 200.0;
const LINE_H: f64 = 17.0;
const PAD: f64 = 12.0;
const CHARS_PER_LINE: usize = 26;
/// Labels: characters per line, line height, padding, and a generous
/// average character width for the 12px label font, so text stays inside
/// its box whatever sans-serif the reader has.
const LABEL_CHARS: usize = 28;
const LABEL_LINE_H: f64 = 15.0;
const LABEL_PAD: f64 = 5.0;
const LABEL_CHAR_W: f64 = 6.9;

/// What an edge stands for: the answer that takes it and, when a rule
/// routes the flow, what must have been answered before.
#[derive(Debug, Clone)]
pub(crate) struct EdgeLabel {
    pub(crate) answer: String,
    pub(crate) condition: Option<String>,
}

impl EdgeLabel {
    fn plain(answer: impl Into<String>) -> Self {
        EdgeLabel {
            answer: answer.into(),
            condition: None,
        }
    }

    /// The label as one line of text, for the outline.
    pub(crate) fn text(&self) -> String {
        match &self.condition {
            Some(c) => format!("{}, {c}", self.answer),
            None => self.answer.clone(),
        }
    }
}

/// An edge of the drawing: from, to, and the option labels it stands for.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) from: NodeIdx,
    pub(crate) to: NodeIdx,
    pub(crate) labels: Vec<EdgeLabel>,
}

/// Every edge, with labels: option labels for per-option `next`; for a
/// rule, the options of this question it names ("otherwise" for the last
/// rule, "any answer" when it names none) and the earlier answers it needs;
/// "Continue" for info pages.
pub(crate) fn edges(tree: &Tree, tr: &Translations) -> Vec<Edge> {
    let mut map: BTreeMap<(NodeIdx, NodeIdx), Vec<EdgeLabel>> = BTreeMap::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        match &node.kind {
            Kind::Question { options, rules } => {
                for o in options {
                    if let Some(t) = o.next.as_ref().and_then(|r| tree.index_of(&r.id)) {
                        map.entry((i, t))
                            .or_default()
                            .push(EdgeLabel::plain(&o.label));
                    }
                }
                for rule in rules {
                    let Some(t) = rule.go.as_ref().and_then(|r| tree.index_of(&r.id)) else {
                        continue;
                    };
                    map.entry((i, t))
                        .or_default()
                        .push(rule_label(tree, tr, &node.id, rule));
                }
            }
            Kind::Info { next } => {
                if let Some(t) = next.as_ref().and_then(|r| tree.index_of(&r.id)) {
                    map.entry((i, t))
                        .or_default()
                        .push(EdgeLabel::plain(tr.text("tree.continue")));
                }
            }
            Kind::Outcome { .. } => {}
        }
    }
    map.into_iter()
        .map(|((from, to), labels)| Edge { from, to, labels })
        .collect()
}

/// A rule's label on the edge leaving question `here`.
fn rule_label(tree: &Tree, tr: &Translations, here: &str, rule: &Rule) -> EdgeLabel {
    if rule.conds.is_empty() {
        return EdgeLabel::plain(tr.text("map.otherwise"));
    }
    let names = |c: &Cond| -> Vec<String> {
        let q = tree.index_of(&c.question.id).map(|q| &tree.nodes[q].kind);
        c.options
            .iter()
            .map(|o| match q {
                Some(Kind::Question { options, .. }) => options
                    .iter()
                    .find(|x| x.id == o.id)
                    .map_or_else(|| o.id.clone(), |x| x.label.clone()),
                _ => o.id.clone(),
            })
            .collect()
    };
    let (own, earlier): (Vec<&Cond>, Vec<&Cond>) =
        rule.conds.iter().partition(|c| c.question.id == here);
    let or = format!(" {} ", tr.text("map.or"));
    let and = format!(" {} ", tr.text("map.and"));
    let answer = own
        .iter()
        .flat_map(|c| names(c))
        .collect::<Vec<_>>()
        .join(&or);
    let answer = if answer.is_empty() {
        tr.text("map.any_answer").to_string()
    } else {
        answer
    };
    let condition = (!earlier.is_empty()).then(|| {
        let each: Vec<String> = earlier
            .iter()
            .map(|c| {
                names(c)
                    .iter()
                    .map(|n| tr.fill("map.quoted", &[("answer", n)]))
                    .collect::<Vec<_>>()
                    .join(&or)
            })
            .collect();
        tr.fill("map.if_answered", &[("answers", &each.join(&and))])
    });
    EdgeLabel { answer, condition }
}

/// Words into lines of at most `width` characters (a longer word keeps a
/// line of its own): nothing is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A line of an edge's label.
struct LabelLine {
    text: String,
    /// A rule's condition, set apart from the answer.
    condition: bool,
    /// The first line of the second or a later answer: a little space
    /// above tells the answers apart.
    spaced: bool,
}

impl LabelLine {
    fn dy(&self) -> f64 {
        if self.spaced {
            LABEL_LINE_H * 1.5
        } else {
            LABEL_LINE_H
        }
    }
}

fn label_lines(labels: &[EdgeLabel]) -> Vec<LabelLine> {
    let mut out = Vec::new();
    for (k, l) in labels.iter().enumerate() {
        let answer = wrap(&l.answer, LABEL_CHARS).into_iter().map(|t| (t, false));
        let condition = l
            .condition
            .iter()
            .flat_map(|c| wrap(c, LABEL_CHARS))
            .map(|t| (t, true));
        out.extend(
            answer
                .chain(condition)
                .enumerate()
                .map(|(i, (text, condition))| LabelLine {
                    text,
                    condition,
                    spaced: k > 0 && i == 0,
                }),
        );
    }
    out
}

fn label_size(lines: &[LabelLine]) -> Size {
    let chars = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(0);
    Size {
        w: chars as f64 * LABEL_CHAR_W + 2.0 * LABEL_PAD,
        h: lines.iter().map(LabelLine::dy).sum::<f64>() + 2.0 * LABEL_PAD,
    }
}

/// An edge's line: bends only in the gaps between rows, straight down
/// through its own slots.
fn route_path(route: &[Stop]) -> String {
    let mut d = String::new();
    let Some(first) = route.first() else {
        return d;
    };
    let _ = write!(d, "M {:.1} {:.1}", first.x, first.bottom);
    for (k, w) in route.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let last = k + 2 == route.len();
        // Stop short of the target so the arrowhead touches its border.
        let ty = if last { b.top - 2.0 } else { b.top };
        let my = (a.bottom + ty) / 2.0;
        let _ = write!(
            d,
            " C {:.1} {my:.1}, {:.1} {my:.1}, {:.1} {ty:.1}",
            a.x, b.x, b.x
        );
        if !last {
            // Jump over the label (the first stop after the source); run
            // straight down through a pass-through slot.
            let op = if k == 0 { "M" } else { "L" };
            let _ = write!(d, " {op} {:.1} {:.1}", b.x, b.bottom);
        }
    }
    d
}

fn draw_label(s: &mut String, r: &Rect, lines: &[LabelLine]) {
    let _ = write!(
        s,
        "<g class=\"map-label\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">",
        r.x, r.y, r.w, r.h, r.centre_x(), r.y + LABEL_PAD - 3.0
    );
    for line in lines {
        let class = if line.condition {
            " class=\"map-cond\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<tspan{class} x=\"{:.1}\" dy=\"{:.1}\">{}</tspan>",
            r.centre_x(),
            line.dy(),
            html_escape(&line.text)
        );
    }
    s.push_str("</text></g>");
}

/// Draws the tree with its `edges` (from [`edges`]). `href(node)` gives
/// the link for a node (the first step page that reaches it), relative to
/// the page the SVG sits on.
pub(crate) fn svg(
    tree: &Tree,
    edges: &[Edge],
    tr: &Translations,
    href: &dyn Fn(NodeIdx) -> Option<String>,
) -> String {
    let Some(start) = tree.start_index() else {
        return String::new();
    };
    let lines: Vec<Vec<String>> = tree
        .nodes
        .iter()
        .map(|n| wrap(n.heading(), CHARS_PER_LINE))
        .collect();
    let sizes: Vec<Size> = lines
        .iter()
        .map(|l| Size {
            w: BOX_W,
            h: PAD * 2.0 + LINE_H * l.len().max(1) as f64 + 14.0,
        })
        .collect();
    let labels: Vec<Vec<LabelLine>> = edges.iter().map(|e| label_lines(&e.labels)).collect();
    let placed: Vec<_> = edges
        .iter()
        .zip(&labels)
        .map(|(e, l)| (e.from, e.to, label_size(l)))
        .collect();
    let layout = layout::layout(&sizes, start, &placed);
    let (total_w, total_h) = (layout.width, layout.height);

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree-map\" viewBox=\"0 0 {total_w:.0} {total_h:.0}\" width=\"{total_w:.0}\" height=\"{total_h:.0}\" aria-hidden=\"true\">",
    );
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"map-arrow\"/></marker></defs>");
    s.push_str("<g class=\"edges\">");
    for route in &layout.routes {
        if route.len() > 1 {
            let _ = write!(
                s,
                "<path class=\"map-edge\" d=\"{}\" marker-end=\"url(#arrow)\"/>",
                route_path(route)
            );
        }
    }
    s.push_str("</g><g class=\"labels\">");
    for (e, lines) in labels.iter().enumerate() {
        if layout.routes[e].len() > 1 {
            draw_label(&mut s, &layout.labels[e], lines);
        }
    }
    s.push_str("</g>");
    let pos = layout
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(n, r)| r.map(|r| (n, (r.x, r.y, r.h))));
    for (n, (x, y, h)) in pos {
        draw_node(&mut s, &tree.nodes[n], tr, &lines[n], href(n), (x, y, h));
    }
    s.push_str("</svg>");
    s
}

/// A node's box, linked to its page when it has one.
fn draw_node(
    s: &mut String,
    node: &Node,
    tr: &Translations,
    lines: &[String],
    link: Option<String>,
    (x, y, h): (f64, f64, f64),
) {
    let ty = node.type_name();
    let _ = write!(
        s,
        "<g class=\"map-node map-{ty}\" id=\"node-{}\">",
        html_escape(&node.id)
    );
    if let Some(url) = &link {
        let _ = write!(s, "<a href=\"{}\" tabindex=\"-1\">", html_escape(url));
    }
    let rx = if node.is_outcome() { 14 } else { 4 };
    let _ = write!(
        s,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{BOX_W:.0}\" height=\"{h:.1}\" rx=\"{rx}\"/>"
    );
    let kind = html_escape(tr.text(&format!("map.kind_{ty}")));
    let _ = write!(
        s,
        "<text class=\"map-kind\" x=\"{:.1}\" y=\"{:.1}\">{kind}</text>",
        x + PAD,
        y + PAD + 8.0
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = write!(
            s,
            "<text class=\"map-text\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + PAD,
            y + PAD + 14.0 + LINE_H * (i as f64 + 1.0),
            html_escape(line)
        );
    }
    if link.is_some() {
        s.push_str("</a>");
    }
    s.push_str("</g>");
}
