//! The contexts of decision-tree pages: one per step of every answer path,
//! and the map of the whole flow. Links in a tree's texts were resolved
//! when the site was checked; here they are only made relative to each
//! step page.

use tera::Value;

use super::context::{
    AnswerView, GuideLinkView, MapEdgeView, MapNodeView, MapView, OptionView, StepView, TreeView,
};
use super::pages::Prepared;
use super::shared::{context, Shared};
use crate::base::paths::{percent_encode_path, SitePath};
use crate::model::site::{Site, Target, Tree, TreeId};
use crate::model::tree::unfold::Step;
use crate::model::tree::Kind;
use crate::stages::links::trees::Stored;
use crate::stages::markdown::{self, inline_html, Highlighter};

fn tree_view<'a>(site: &Site, tree: &'a Tree) -> TreeView<'a> {
    TreeView {
        title: &tree.title,
        description: tree.description.as_deref(),
        url: tree.url.as_str(),
        map_url: tree.map_url().as_str().to_string(),
        step_count: tree.steps.len(),
        edit_url: site.config.edit_link(&tree.src),
    }
}

pub(super) fn step(
    site: &Site,
    shared: &Shared,
    highlighter: &Highlighter,
    t: TreeId,
    s: usize,
) -> Prepared {
    let tree = &site.trees[t];
    let model = tree
        .model
        .as_ref()
        .expect("steps exist only for parsed trees");
    let step = &tree.steps[s];
    let node = &model.nodes[step.node];
    let url = tree.step_url(step);
    let links = Stored {
        site,
        links: &tree.links,
        from: &url,
    };
    let rel = |target: &SitePath| percent_encode_path(&url.relative_to(target));
    let md = |text: &Option<String>| match text {
        Some(t) => {
            Value::safe_string(&markdown::render(t, &links, highlighter, &shared.labels).html)
        }
        None => Value::none(),
    };
    let heading = node.heading();
    let title = format!("{heading} · {}", tree.title);
    let mut base = shared.base("tree-step", &url.root_prefix(), &url, &title);
    if tree.description.is_some() {
        base.description = tree.description.clone();
    }
    if s != 0 {
        base.canonical = None;
    }
    base.breadcrumbs = shared.breadcrumbs(site, tree.section, true);

    let answers = answers(tree, model, step, &url);
    let mut view = StepView {
        id: &node.id,
        kind: node.type_name(),
        heading,
        hint: md(&node.hint),
        body: md(&node.body),
        is_first: s == 0,
        number: step.answers.len() + 1,
        max: step.max_questions,
        min: step.min_questions,
        url: url.as_str(),
        start_url: rel(&tree.url),
        map_url: rel(&tree.map_url()),
        back_url: step.parent.map(|p| rel(&tree.step_url(&tree.steps[p]))),
        answers,
        options: None,
        continue_url: None,
        steps: None,
        guides: None,
    };
    fill_by_kind(&mut view, site, tree, step, &links);
    let mut ctx = context(&base);
    ctx.insert("tree", &tree_view(site, tree));
    ctx.insert("step", &view);
    ("tree-step.html", url, ctx)
}

pub(super) fn map(site: &Site, shared: &Shared, t: TreeId) -> Prepared {
    let tree = &site.trees[t];
    let model = tree
        .model
        .as_ref()
        .expect("maps exist only for parsed trees");
    let url = tree.map_url();
    // Each node links to the first step page that reaches it.
    let mut first_step: Vec<Option<usize>> = vec![None; model.nodes.len()];
    for (i, step) in tree.steps.iter().enumerate() {
        first_step[step.node].get_or_insert(i);
    }
    let href = |n: usize| {
        first_step[n].map(|s| percent_encode_path(&url.relative_to(&tree.step_url(&tree.steps[s]))))
    };
    let edges = super::map::edges(model, &shared.tr);
    let svg = super::map::svg(model, &edges, &shared.tr, &href);
    let nodes = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| MapNodeView {
            id: &n.id,
            kind: n.type_name(),
            heading: n.heading(),
            url: href(i),
            edges: edges
                .iter()
                .filter(|e| e.from == i)
                .map(|e| MapEdgeView {
                    labels: e.labels.iter().map(|l| l.text()).collect(),
                    to_id: &model.nodes[e.to].id,
                    to_heading: model.nodes[e.to].heading(),
                })
                .collect(),
        })
        .collect();
    let title = shared.tr.fill("map.title", &[("title", &tree.title)]);
    let mut base = shared.base("tree-map", &url.root_prefix(), &url, &title);
    base.breadcrumbs = shared.breadcrumbs(site, tree.section, true);
    let mut ctx = context(&base);
    ctx.insert("tree", &tree_view(site, tree));
    ctx.insert(
        "map",
        &MapView {
            svg: Value::safe_string(&svg),
            nodes,
            start_url: percent_encode_path(&url.relative_to(&tree.url)),
        },
    );
    ("tree-map.html", url, ctx)
}

/// The answers given on the way to `step`, each with its Change link.
fn answers(
    tree: &Tree,
    model: &crate::model::tree::Tree,
    step: &Step,
    url: &SitePath,
) -> Vec<AnswerView> {
    let rel = |target: &SitePath| percent_encode_path(&url.relative_to(target));
    step.answers
        .iter()
        .map(|a| {
            let q = &model.nodes[a.question];
            let label = match &q.kind {
                Kind::Question { options, .. } => options[a.option].label.as_str(),
                _ => "",
            };
            AnswerView {
                question: q.heading().to_string(),
                answer: Value::safe_string(&inline_html(label, None)),
                change_url: rel(&tree.step_url(&tree.steps[a.step])),
            }
        })
        .collect()
}

/// What only a question, an info page or an outcome has.
fn fill_by_kind<'a>(
    view: &mut StepView<'a>,
    site: &Site,
    tree: &'a Tree,
    step: &Step,
    links: &Stored<'_>,
) {
    let model = tree
        .model
        .as_ref()
        .expect("steps exist only for parsed trees");
    let node = &model.nodes[step.node];
    let url = links.from;
    let rel = |target: &SitePath| percent_encode_path(&url.relative_to(target));
    match &node.kind {
        Kind::Question { options, .. } => {
            view.options = Some(
                options
                    .iter()
                    .zip(&step.children)
                    .map(|(o, &c)| OptionView {
                        id: &o.id,
                        label: Value::safe_string(&inline_html(&o.label, None)),
                        // Inside the option's link, so inline only.
                        hint: o
                            .hint
                            .as_deref()
                            .map(|h| Value::safe_string(&inline_html(h, None))),
                        url: rel(&tree.step_url(&tree.steps[c])),
                    })
                    .collect(),
            );
        }
        Kind::Info { .. } => {
            view.continue_url = step
                .children
                .first()
                .map(|&c| rel(&tree.step_url(&tree.steps[c])));
        }
        Kind::Outcome { steps, guides } => {
            view.steps = Some(
                steps
                    .iter()
                    .map(|(text, _)| Value::safe_string(&inline_html(text, Some(links))))
                    .collect(),
            );
            view.guides = Some(
                guides
                    .iter()
                    .filter_map(|g| {
                        let link = tree.links.by_dest.get(&g.path)?;
                        let (title, description) = match link.target {
                            Target::Page(id) => (
                                site.pages[id].title.clone(),
                                site.pages[id].description.clone(),
                            ),
                            Target::Tree(id) => (
                                site.trees[id].title.clone(),
                                site.trees[id].description.clone(),
                            ),
                            _ => (g.path.clone(), None),
                        };
                        Some(GuideLinkView {
                            title: g.label.clone().unwrap_or(title),
                            description,
                            url: links.href(&g.path)?,
                        })
                    })
                    .collect(),
            );
        }
    }
}
