//! Placement for the map: a layered drawing where every edge label and
//! every stretch of a long edge takes a slot of its own, so nothing is
//! drawn over anything else.
//!
//! Nodes sit in rows by depth. Between two node rows is a band holding the
//! labels of the edges leaving the row above. An edge that skips rows gets a
//! thin pass-through slot in each row it crosses, so its line runs in a lane
//! of its own. Lines are drawn only in the gaps between rows and straight
//! through their own slots, which keeps them off every label and box.

use crate::model::tree::NodeIdx;

/// Space between boxes side by side.
const GAP_X: f64 = 18.0;
/// Space between rows, where the lines bend.
const GAP_Y: f64 = 30.0;
/// Margin around the drawing.
const PAD: f64 = 12.0;
/// Width of a pass-through slot.
const LANE_W: f64 = 8.0;

/// A box to place: its width and height.
#[derive(Debug, Clone, Copy)]
pub(super) struct Size {
    pub(super) w: f64,
    pub(super) h: f64,
}

/// A placed box: left, top, width, height.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Rect {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Rect {
    pub(super) fn centre_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

/// Where an edge runs: the vertical stretches it passes through, from the
/// source's bottom edge to the target's top edge. Between two stops the
/// line bends within a gap between rows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stop {
    pub(super) x: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

/// The placed drawing.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// Per node; `None` for a node no path reaches.
    pub(super) nodes: Vec<Option<Rect>>,
    /// Per edge, its label box.
    pub(super) labels: Vec<Rect>,
    /// Per edge, its route.
    pub(super) routes: Vec<Vec<Stop>>,
    pub(super) width: f64,
    pub(super) height: f64,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Node,
    Label(usize),
    Lane,
}

struct Item {
    slot: Slot,
    size: Size,
    row: usize,
    preds: Vec<usize>,
    succs: Vec<usize>,
}

/// Places `nodes` (their sizes), reached from `start` along `edges` (from,
/// to, label size). The graph must be acyclic.
pub(super) fn layout(nodes: &[Size], start: NodeIdx, edges: &[(NodeIdx, NodeIdx, Size)]) -> Layout {
    let depth = depths(nodes.len(), start, edges);
    let layers = depth.iter().flatten().copied().max().unwrap_or(0) + 1;
    let mut items: Vec<Item> = Vec::new();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers * 2 - 1];
    let mut node_item = vec![None; nodes.len()];
    for (n, d) in depth.iter().enumerate() {
        if let Some(d) = *d {
            node_item[n] = Some(push(&mut items, &mut rows, Slot::Node, nodes[n], d * 2));
        }
    }
    // Each edge: its label in the band below its source, then lanes down
    // to the row above its target.
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for (e, &(from, to, label)) in edges.iter().enumerate() {
        let (Some(a), Some(b)) = (node_item[from], node_item[to]) else {
            chains.push(Vec::new());
            continue;
        };
        let mut chain = vec![a];
        let first = items[a].row + 1;
        chain.push(push(&mut items, &mut rows, Slot::Label(e), label, first));
        for row in first + 1..items[b].row {
            let lane = Size { w: LANE_W, h: 0.0 };
            chain.push(push(&mut items, &mut rows, Slot::Lane, lane, row));
        }
        chain.push(b);
        for w in chain.windows(2) {
            items[w[0]].succs.push(w[1]);
            items[w[1]].preds.push(w[0]);
        }
        chains.push(chain);
    }
    order(&items, &mut rows);
    let x = place(&items, &rows);
    let y = row_tops(&items, &rows);

    let rect = |i: usize| {
        let it = &items[i];
        let (row_top, row_h) = y[it.row];
        // Labels sit in the middle of their band, boxes at the top of theirs.
        let top = match it.slot {
            Slot::Label(_) => row_top + (row_h - it.size.h) / 2.0,
            _ => row_top,
        };
        let h = match it.slot {
            Slot::Lane => row_h,
            _ => it.size.h,
        };
        Rect {
            x: x[i],
            y: top,
            w: it.size.w,
            h,
        }
    };
    let mut out = Layout {
        nodes: node_item.iter().map(|i| i.map(rect)).collect(),
        labels: vec![Rect::default(); edges.len()],
        routes: Vec::with_capacity(edges.len()),
        ..Layout::default()
    };
    for chain in &chains {
        let route: Vec<Stop> = chain
            .iter()
            .map(|&i| {
                let r = rect(i);
                Stop {
                    x: r.centre_x(),
                    top: r.y,
                    bottom: r.bottom(),
                }
            })
            .collect();
        if let Some(&i) = chain.get(1) {
            if let Slot::Label(e) = items[i].slot {
                out.labels[e] = rect(i);
            }
        }
        out.routes.push(route);
    }
    out.width = (0..items.len())
        .map(|i| x[i] + items[i].size.w)
        .fold(0.0, f64::max)
        + PAD;
    out.height = y.last().map_or(0.0, |(top, h)| top + h) + PAD;
    out
}

fn push(
    items: &mut Vec<Item>,
    rows: &mut [Vec<usize>],
    slot: Slot,
    size: Size,
    row: usize,
) -> usize {
    items.push(Item {
        slot,
        size,
        row,
        preds: Vec::new(),
        succs: Vec::new(),
    });
    rows[row].push(items.len() - 1);
    items.len() - 1
}

/// Layers by longest distance from the start, so every edge points down.
fn depths(n: usize, start: NodeIdx, edges: &[(NodeIdx, NodeIdx, Size)]) -> Vec<Option<usize>> {
    let mut depth = vec![None::<usize>; n];
    depth[start] = Some(0);
    // The tree is acyclic (validated), so n rounds of relaxation settle it.
    for _ in 0..n {
        let mut changed = false;
        for &(from, to, _) in edges {
            if let Some(d) = depth[from] {
                if depth[to].is_none_or(|t| t < d + 1) {
                    depth[to] = Some(d + 1);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

/// Orders each row by the mean position of its neighbours (barycentre),
/// sweeping down, up and down again, which uncrosses most lines.
fn order(items: &[Item], rows: &mut [Vec<usize>]) {
    let n = rows.len();
    let sweeps: Vec<(usize, bool)> = (1..n)
        .map(|r| (r, true))
        .chain((0..n.saturating_sub(1)).rev().map(|r| (r, false)))
        .chain((1..n).map(|r| (r, true)))
        .collect();
    for (r, down) in sweeps {
        let other = if down { r - 1 } else { r + 1 };
        let mut pos = vec![0usize; items.len()];
        for (p, &i) in rows[other].iter().enumerate() {
            pos[i] = p;
        }
        let mut keyed: Vec<(f64, usize, usize)> = rows[r]
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let near = if down {
                    &items[i].preds
                } else {
                    &items[i].succs
                };
                let key = if near.is_empty() {
                    k as f64
                } else {
                    near.iter().map(|&j| pos[j] as f64).sum::<f64>() / near.len() as f64
                };
                (key, k, i)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        rows[r] = keyed.into_iter().map(|(_, _, i)| i).collect();
    }
}

/// Left edges: each box as near the middle of its neighbours as the
/// others in its row allow, in a few passes down and up.
fn place(items: &[Item], rows: &[Vec<usize>]) -> Vec<f64> {
    let mut x = vec![0.0; items.len()];
    for row in rows {
        let mut left = 0.0;
        for &i in row {
            x[i] = left;
            left += items[i].size.w + GAP_X;
        }
    }
    let centre = |x: &[f64], i: usize| x[i] + items[i].size.w / 2.0;
    for pass in 0..7 {
        let down = pass % 2 == 0;
        let order: Vec<usize> = if down {
            (1..rows.len()).collect()
        } else {
            (0..rows.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let ideal: Vec<f64> = rows[r]
                .iter()
                .map(|&i| {
                    let near = if down {
                        &items[i].preds
                    } else {
                        &items[i].succs
                    };
                    if near.is_empty() {
                        x[i]
                    } else {
                        let mid =
                            near.iter().map(|&j| centre(&x, j)).sum::<f64>() / near.len() as f64;
                        mid - items[i].size.w / 2.0
                    }
                })
                .collect();
            let widths: Vec<f64> = rows[r].iter().map(|&i| items[i].size.w).collect();
            for (k, left) in spread(&ideal, &widths).into_iter().enumerate() {
                x[rows[r][k]] = left;
            }
        }
    }
    let min = x.iter().copied().fold(f64::INFINITY, f64::min);
    x.iter().map(|v| v - min + PAD).collect()
}

/// Left edges as close as possible (least squares) to `ideal`, in order,
/// at least [`GAP_X`] apart: neighbours that would overlap move as a block
/// to the mean of what they want.
fn spread(ideal: &[f64], widths: &[f64]) -> Vec<f64> {
    // (first item, block width, sum of wanted block lefts, items)
    let mut blocks: Vec<(usize, f64, f64, f64)> = Vec::new();
    for (i, (&want, &w)) in ideal.iter().zip(widths).enumerate() {
        blocks.push((i, w, want, 1.0));
        while blocks.len() > 1 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.2 / a.3 + a.1 + GAP_X <= b.2 / b.3 {
                break;
            }
            let offset = a.1 + GAP_X;
            blocks.pop();
            let last = blocks.last_mut().expect("two blocks");
            *last = (a.0, a.1 + GAP_X + b.1, a.2 + b.2 - offset * b.3, a.3 + b.3);
        }
    }
    let mut out = Vec::with_capacity(ideal.len());
    for (first, _, sum, n) in blocks {
        let mut left = sum / n;
        for w in &widths[first..first + n as usize] {
            out.push(left);
            left += w + GAP_X;
        }
    }
    out
}

/// Each row's top and height.
fn row_tops(items: &[Item], rows: &[Vec<usize>]) -> Vec<(f64, f64)> {
    let mut y = PAD;
    rows.iter()
        .map(|row| {
            let h = row.iter().map(|&i| items[i].size.h).fold(0.0, f64::max);
            let here = (y, h);
            y += h + GAP_Y;
            here
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_order_and_gaps() {
        let out = spread(&[0.0, 0.0, 100.0], &[10.0, 10.0, 10.0]);
        assert!(out[1] - out[0] >= 10.0 + GAP_X - 1e-9, "{out:?}");
        assert!((out[0] + out[1]) / 2.0 - 0.0 < 1e-9, "{out:?}");
        assert_eq!(out[2], 100.0);
    }
}
