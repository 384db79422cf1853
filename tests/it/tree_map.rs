//! The map of a tree, as drawn by the real binary: every edge label whole
//! (wrapped, never cut), rule conditions spelled out, and nothing drawn over
//! anything else, checked from the SVG's own geometry.

use crate::common::Site;

const TREE: &str = r#"title: Long labels
nodes:
  kind:
    type: question
    text: What kind of mistake was it, looking back on it honestly?
    options:
      - { id: honest, label: "An honest mistake: I got something wrong that I should have checked", next: relationships }
      - { id: broke-rules, label: "I went against my boss or a company policy on purpose", next: relationships }
      - { id: unsure, label: "I am not sure yet what happened or whose fault it was", next: rebuild }
  relationships:
    type: question
    text: How strong are your working relationships with the people affected?
    options:
      - { id: strong, label: "Strong: people trust me and my work, and say so" }
      - { id: shaky, label: "New or shaky: I joined recently or we have clashed before" }
    next:
      - if: { kind: honest, relationships: strong }
        go: apologize
      - if: { kind: broke-rules }
        go: policy
      - go: rebuild
  apologize:
    type: info
    title: First, apologize to everyone the mistake touched
    body: Say sorry without blame.
    next: plan
  plan:
    type: outcome
    title: Apologize, explain what will change, then move on
    body: Move on.
  policy:
    type: outcome
    title: Talk to your manager before anyone else does
    body: Be open.
  rebuild:
    type: outcome
    title: Rebuild trust slowly, one kept promise at a time
    body: Take it slowly.
"#;

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
    /// Strictly inside, one pixel in from the border.
    fn holds(&self, (px, py): (f64, f64)) -> bool {
        px > self.x + 1.0
            && px < self.x + self.w - 1.0
            && py > self.y + 1.0
            && py < self.y + self.h - 1.0
    }
}

fn num(n: roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("{attr} on {n:?}"))
        .parse()
        .expect("a number")
}

fn rect_of(n: roxmltree::Node) -> Box2 {
    Box2 {
        x: num(n, "x"),
        y: num(n, "y"),
        w: num(n, "width"),
        h: num(n, "height"),
    }
}

fn has_class(n: &roxmltree::Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split(' ').any(|c| c == class))
}

/// Points along an SVG path made of M, L and C commands.
fn points(d: &str) -> Vec<(f64, f64)> {
    let tokens: Vec<&str> = d.split([' ', ',']).filter(|t| !t.is_empty()).collect();
    let mut out = Vec::new();
    let mut at = (0.0, 0.0);
    let mut i = 0;
    let n = |k: usize| -> f64 { tokens[k].parse().expect("a number in the path") };
    while i < tokens.len() {
        match tokens[i] {
            "M" => {
                at = (n(i + 1), n(i + 2));
                i += 3;
            }
            "L" => {
                let to = (n(i + 1), n(i + 2));
                for k in 0..=20 {
                    let t = f64::from(k) / 20.0;
                    out.push((at.0 + (to.0 - at.0) * t, at.1 + (to.1 - at.1) * t));
                }
                at = to;
                i += 3;
            }
            "C" => {
                let (c1, c2, to) = (
                    (n(i + 1), n(i + 2)),
                    (n(i + 3), n(i + 4)),
                    (n(i + 5), n(i + 6)),
                );
                for k in 0..=40 {
                    let t = f64::from(k) / 40.0;
                    let u = 1.0 - t;
                    let p = |a: f64, b: f64, c: f64, d: f64| {
                        u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
                    };
                    out.push((p(at.0, c1.0, c2.0, to.0), p(at.1, c1.1, c2.1, to.1)));
                }
                at = to;
                i += 7;
            }
            other => panic!("unexpected path command {other} in {d}"),
        }
    }
    out
}

#[test]
fn map_labels_are_whole_wrapped_and_clear_of_each_other_boxes_and_lines() {
    let site = Site::new(&[
        ("book.toml", "[book]\ntitle = \"Maps\"\n"),
        ("content/_index.md", "Home.\n"),
        ("content/flows/long.yaml", TREE),
    ]);
    site.build_ok();
    let html = site.read("public/flows/long/map/index.html");
    let start = html.find("<svg").expect("an svg");
    let end = html.find("</svg>").expect("svg end") + "</svg>".len();
    let svg = &html[start..end];
    let doc = roxmltree::Document::parse(svg).expect("the map is well-formed XML");
    assert_eq!(
        doc.root_element().attribute("aria-hidden"),
        Some("true"),
        "the outline is the accessible version"
    );

    // Each label: its box, and its text as the reader sees it (the lines joined).
    let labels: Vec<(Box2, String, Vec<String>)> = doc
        .descendants()
        .filter(|n| has_class(n, "map-label"))
        .map(|g| {
            let rect = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("a label box");
            let lines: Vec<String> = g
                .descendants()
                .filter(|c| c.has_tag_name("tspan"))
                .map(|t| t.text().unwrap_or("").to_string())
                .collect();
            (rect_of(rect), lines.join(" "), lines)
        })
        .collect();
    let expected: &[&[&str]] = &[
        &[
            "An honest mistake: I got something wrong that I should have checked",
            "I went against my boss or a company policy on purpose",
        ],
        &["I am not sure yet what happened or whose fault it was"],
        &[
            "Strong: people trust me and my work, and say so",
            "if you answered “An honest mistake: I got something wrong that I should have checked”",
        ],
        &[
            "any answer",
            "if you answered “I went against my boss or a company policy on purpose”",
        ],
        &["otherwise"],
        &["Continue"],
    ];
    assert_eq!(
        labels.len(),
        expected.len(),
        "one label per edge: {labels:?}"
    );
    for parts in expected {
        assert!(
            labels
                .iter()
                .any(|(_, text, _)| parts.iter().all(|p| text.contains(p))),
            "a label reads {parts:?} in full: {labels:?}"
        );
    }
    assert!(
        labels.iter().any(|(_, _, lines)| lines.len() >= 4),
        "long labels wrap onto several lines: {labels:?}"
    );

    let nodes: Vec<Box2> = doc
        .descendants()
        .filter(|n| has_class(n, "map-node"))
        .map(|g| {
            rect_of(
                g.descendants()
                    .find(|c| c.has_tag_name("rect"))
                    .expect("a node box"),
            )
        })
        .collect();
    assert_eq!(nodes.len(), 6);
    let boxes: Vec<Box2> = labels
        .iter()
        .map(|l| l.0)
        .chain(nodes.iter().copied())
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "boxes overlap: {a:?} and {b:?}");
        }
    }

    // No line runs through a label or a box.
    for path in doc.descendants().filter(|n| has_class(n, "map-edge")) {
        let d = path.attribute("d").expect("a path");
        for p in points(d) {
            for b in &boxes {
                assert!(!b.holds(p), "the line {d} crosses {b:?} at {p:?}");
            }
        }
    }

    // The outline says the same, in full.
    assert!(
        html.contains("Strong: people trust me and my work, and say so, if you answered “An honest mistake: I got something wrong that I should have checked” →"),
        "{html}"
    );
}
