//! A tree embedded in a guide: a card with the tree's title, description and
//! first question, whose options link straight into the flow.

use crate::base::paths::percent_encode_path;
use crate::base::paths::SitePath;
use crate::base::text::html_escape;
use crate::model::site::Tree;
use crate::stages::markdown::{inline_html, Labels};

use crate::model::tree::Kind;

/// The card's HTML, with links relative to the page at `from`.
pub(crate) fn card(tree: &crate::model::site::Tree, from: &SitePath, labels: &Labels) -> String {
    let href = |url: &SitePath| html_escape(&percent_encode_path(&from.relative_to(url)));
    let mut s = format!(
        "<aside class=\"tree-card\">\n<p class=\"tree-card-kicker\">{}</p>\n",
        html_escape(&labels.tree_kind)
    );
    s.push_str(&format!(
        "<p class=\"tree-card-title\"><a href=\"{}\">{}</a></p>\n",
        href(&tree.url),
        html_escape(&tree.title)
    ));
    if let Some(d) = &tree.description {
        s.push_str(&format!("<p>{}</p>\n", html_escape(d)));
    }
    if let (Some(model), Some(first)) = (&tree.model, tree.steps.first()) {
        let node = &model.nodes[first.node];
        if let Kind::Question { options, .. } = &node.kind {
            s.push_str(&format!(
                "<p class=\"tree-card-question\">{}</p>\n<ul class=\"tree-options\">\n",
                html_escape(node.heading())
            ));
            for (opt, &child) in options.iter().zip(&first.children) {
                let url = step_url(tree, child);
                s.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>\n",
                    href(&url),
                    inline_html(&opt.label, None)
                ));
            }
            s.push_str("</ul>\n");
        } else {
            s.push_str(&format!(
                "<p><a class=\"button\" href=\"{}\">{}</a></p>\n",
                href(&tree.url),
                html_escape(&labels.tree_start)
            ));
        }
    }
    s.push_str("</aside>\n");
    s
}

fn step_url(tree: &Tree, step: usize) -> SitePath {
    tree.step_url(&tree.steps[step])
}
