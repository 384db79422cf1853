//! The diagram of a whole tree: a layered, top-to-bottom drawing of the DAG
//! as SVG, made at build time with no external tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::base::text::html_escape;
use crate::model::tree::{Kind, NodeIdx, Tree};
use crate::stages::translations::Translations;

const BOX_W: f64 = 200.0;
const GAP_X: f64 = 36.0;
const GAP_Y: f64 = 80.0;
const LINE_H: f64 = 17.0;
const PAD: f64 = 12.0;
const CHARS_PER_LINE: usize = 26;
const MAX_LINES: usize = 4;

/// An edge of the drawing: from, to, and the option labels it stands for.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) from: NodeIdx,
    pub(crate) to: NodeIdx,
    pub(crate) labels: Vec<String>,
}

/// Every edge, with labels: option labels for per-option `next`, the
/// options a rule's conditions name (or "otherwise") for rules, "Continue"
/// for info pages.
pub(crate) fn edges(tree: &Tree, tr: &Translations) -> Vec<Edge> {
    let (or, and) = (
        format!(" {} ", tr.text("map.or")),
        format!(" {} ", tr.text("map.and")),
    );
    let mut map: BTreeMap<(NodeIdx, NodeIdx), Vec<String>> = BTreeMap::new();
    for (i, node) in tree.nodes.iter().enumerate() {
        match &node.kind {
            Kind::Question { options, rules } => {
                for o in options {
                    if let Some(t) = o.next.as_ref().and_then(|r| tree.index_of(&r.id)) {
                        map.entry((i, t)).or_default().push(o.label.clone());
                    }
                }
                for rule in rules {
                    let Some(t) = rule.go.as_ref().and_then(|r| tree.index_of(&r.id)) else {
                        continue;
                    };
                    let label = if rule.conds.is_empty() {
                        tr.text("map.otherwise").to_string()
                    } else {
                        rule.conds
                            .iter()
                            .map(|c| {
                                let q = tree.index_of(&c.question.id);
                                let names: Vec<String> = c
                                    .options
                                    .iter()
                                    .map(|o| match q.map(|q| &tree.nodes[q].kind) {
                                        Some(Kind::Question { options, .. }) => options
                                            .iter()
                                            .find(|x| x.id == o.id)
                                            .map(|x| x.label.clone())
                                            .unwrap_or_else(|| o.id.clone()),
                                        _ => o.id.clone(),
                                    })
                                    .collect();
                                names.join(&or)
                            })
                            .collect::<Vec<_>>()
                            .join(&and)
                    };
                    map.entry((i, t)).or_default().push(label);
                }
            }
            Kind::Info { next } => {
                if let Some(t) = next.as_ref().and_then(|r| tree.index_of(&r.id)) {
                    map.entry((i, t))
                        .or_default()
                        .push(tr.text("tree.continue").to_string());
                }
            }
            Kind::Outcome { .. } => {}
        }
    }
    map.into_iter()
        .map(|((from, to), labels)| Edge { from, to, labels })
        .collect()
}

/// Layers by longest distance from the start, so every edge points down.
fn layers(tree: &Tree, edges: &[Edge], start: NodeIdx) -> Vec<Vec<NodeIdx>> {
    let n = tree.nodes.len();
    let mut depth = vec![None::<usize>; n];
    depth[start] = Some(0);
    // The tree is acyclic (validated), so n rounds of relaxation settle it.
    for _ in 0..n {
        let mut changed = false;
        for e in edges {
            if let Some(d) = depth[e.from] {
                if depth[e.to].is_none_or(|t| t < d + 1) {
                    depth[e.to] = Some(d + 1);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let max = depth.iter().flatten().copied().max().unwrap_or(0);
    let mut layers = vec![Vec::new(); max + 1];
    for (i, d) in depth.iter().enumerate() {
        if let Some(d) = d {
            layers[*d].push(i);
        }
    }
    // Order each layer by the mean position of its parents (barycentre),
    // which keeps most edges from crossing.
    for l in 1..layers.len() {
        let pos: BTreeMap<NodeIdx, usize> = layers[l - 1]
            .iter()
            .enumerate()
            .map(|(p, &n)| (n, p))
            .collect();
        let mut keyed: Vec<(f64, usize, NodeIdx)> = layers[l]
            .iter()
            .enumerate()
            .map(|(k, &node)| {
                let parents: Vec<usize> = edges
                    .iter()
                    .filter(|e| e.to == node)
                    .filter_map(|e| pos.get(&e.from).copied())
                    .collect();
                let bary = if parents.is_empty() {
                    f64::MAX
                } else {
                    parents.iter().sum::<usize>() as f64 / parents.len() as f64
                };
                (bary, k, node)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        layers[l] = keyed.into_iter().map(|(_, _, n)| n).collect();
    }
    layers
}

fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > CHARS_PER_LINE {
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
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = lines.last_mut().expect("non-empty");
        let keep: String = last.chars().take(CHARS_PER_LINE - 1).collect();
        *last = format!("{}…", keep.trim_end());
    }
    lines
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n - 1).collect();
        format!("{}…", t.trim_end())
    }
}

/// Draws the tree. `href(node)` gives the link for a node (the first step
/// page that reaches it), relative to the page the SVG sits on.
pub(crate) fn svg(
    tree: &Tree,
    tr: &Translations,
    href: &dyn Fn(NodeIdx) -> Option<String>,
) -> String {
    let Some(start) = tree.start_index() else {
        return String::new();
    };
    let edges = edges(tree, tr);
    let layers = layers(tree, &edges, start);
    let lines: Vec<Vec<String>> = tree.nodes.iter().map(|n| wrap(n.heading())).collect();
    let height = |n: NodeIdx| PAD * 2.0 + LINE_H * lines[n].len().max(1) as f64 + 14.0;

    let widest = layers.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let total_w = widest * BOX_W + (widest - 1.0).max(0.0) * GAP_X + 2.0 * PAD;
    let mut pos: BTreeMap<NodeIdx, (f64, f64, f64)> = BTreeMap::new(); // x, y, h
    let mut y = PAD;
    for layer in &layers {
        let w = layer.len() as f64 * BOX_W + (layer.len() as f64 - 1.0).max(0.0) * GAP_X;
        let mut x = (total_w - w) / 2.0;
        let layer_h = layer.iter().map(|&n| height(n)).fold(0.0, f64::max);
        for &n in layer {
            pos.insert(n, (x, y, height(n)));
            x += BOX_W + GAP_X;
        }
        y += layer_h + GAP_Y;
    }
    let total_h = y - GAP_Y + PAD;

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree-map\" viewBox=\"0 0 {total_w:.0} {total_h:.0}\" width=\"{total_w:.0}\" height=\"{total_h:.0}\" aria-hidden=\"true\">",
    );
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"map-arrow\"/></marker></defs>");
    s.push_str("<g class=\"edges\">");
    for e in &edges {
        let (Some(&(x1, y1, h1)), Some(&(x2, y2, _))) = (pos.get(&e.from), pos.get(&e.to)) else {
            continue;
        };
        let (sx, sy, tx, ty) = (x1 + BOX_W / 2.0, y1 + h1, x2 + BOX_W / 2.0, y2);
        let my = (sy + ty) / 2.0;
        let _ = write!(
            s,
            "<path class=\"map-edge\" d=\"M {sx:.1} {sy:.1} C {sx:.1} {my:.1}, {tx:.1} {my:.1}, {tx:.1} {:.1}\" marker-end=\"url(#arrow)\"/>",
            ty - 2.0
        );
        let label = truncate(&e.labels.join(" / "), 30);
        // Put the label three quarters along the curve, near its target, so
        // labels of edges leaving one node do not pile up at the source.
        let lx = 0.15625 * sx + 0.84375 * tx;
        let ly = 0.015625 * sy + 0.5625 * my + 0.421875 * ty;
        let ly = ly.min(ty - 8.0);
        let _ = write!(s, "<text class=\"map-label\" x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{}</text>", html_escape(&label));
    }
    s.push_str("</g>");
    for (n, &(x, y, h)) in &pos {
        let node = &tree.nodes[*n];
        let ty = node.type_name();
        let _ = write!(
            s,
            "<g class=\"map-node map-{ty}\" id=\"node-{}\">",
            html_escape(&node.id)
        );
        let link = href(*n);
        if let Some(h) = &link {
            let _ = write!(s, "<a href=\"{}\" tabindex=\"-1\">", html_escape(h));
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
        for (i, line) in lines[*n].iter().enumerate() {
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
    s.push_str("</svg>");
    s
}
