//! The links of decision trees: resolved and checked once, when the site is
//! checked, and kept on the model. A tree's texts (hints, bodies, checklist
//! steps) are rendered again on every step page, each at its own depth, so
//! render rewrites them from the stored resolutions through [`Stored`].

use std::ops::Range;

use rayon::prelude::*;

use super::{AnchorCheck, PageLinks};
use crate::base::diagnostics::Diagnostic;
use crate::base::paths::{percent_encode_path, SitePath};
use crate::model::site::{Site, TreeLinks};
use crate::model::tree::Kind;
use crate::stages::markdown::{self, Highlighter, LinkResolver};

/// What checking one tree's links found.
pub(crate) struct Checked {
    pub(crate) links: TreeLinks,
    pub(crate) problems: Vec<Diagnostic>,
    /// Anchors to look for once every page is rendered.
    pub(crate) anchors: Vec<AnchorCheck>,
}

/// Resolves every link of every tree: outcome guide links and links in
/// hints, bodies and steps. A problem inside a YAML text is reported at
/// the node it belongs to.
pub(crate) fn check(site: &Site) -> Vec<Checked> {
    // Texts are rendered only to find what is too deep: any language will
    // do, so English, parsed once for every tree.
    let labels = crate::stages::translations::Translations::english().markdown_labels();
    site.trees
        .par_iter()
        .map(|tree| {
            let mut checked = Checked {
                links: TreeLinks::default(),
                problems: Vec::new(),
                anchors: Vec::new(),
            };
            let Some(model) = &tree.model else {
                return checked;
            };
            let highlighter = Highlighter::new();
            let guides = PageLinks::new(site, &tree.src, &tree.url, None, &tree.file, 0);
            for node in &model.nodes {
                let texts = node.hint.iter().chain(&node.body);
                let steps = match &node.kind {
                    Kind::Outcome {
                        steps,
                        guides: links,
                    } => {
                        for g in links {
                            if let Some((url, target, anchor)) =
                                guides.target(&g.path, g.span.clone())
                            {
                                let suffix = if anchor.is_empty() {
                                    String::new()
                                } else {
                                    format!("#{anchor}")
                                };
                                checked.links.by_dest.insert(
                                    g.path.clone(),
                                    crate::model::site::Link {
                                        url,
                                        target,
                                        suffix,
                                    },
                                );
                            }
                        }
                        steps.iter().map(|(s, _)| s).collect()
                    }
                    _ => Vec::new(),
                };
                let inner = PageLinks::new(site, &tree.src, &tree.url, None, &tree.file, 0);
                for text in texts.chain(steps) {
                    if markdown::render(text, &inner, &highlighter, &labels)
                        .too_deep
                        .is_some()
                    {
                        let mut d = super::too_deep().at(&tree.file, node.id_span.clone());
                        d.message = format!("in node `{}`: {}", node.id, d.message);
                        checked.problems.push(d);
                    }
                }
                for mut d in inner.errors.into_inner() {
                    d = d.at(&tree.file, node.id_span.clone());
                    d.message = format!("in node `{}`: {}", node.id, d.message);
                    checked.problems.push(d);
                }
                for mut c in inner.anchors.into_inner() {
                    c.span = node.id_span.clone();
                    checked.anchors.push(c);
                }
                let found = inner.resolved.into_inner();
                checked.links.by_dest.extend(found.by_dest);
                checked.links.embeds.extend(found.embeds);
            }
            checked.problems.extend(guides.errors.into_inner());
            checked.anchors.extend(guides.anchors.into_inner());
            checked
        })
        .collect()
}

/// Rewrites a tree text's links from their stored resolutions, relative
/// to the step page at `from`. Links that did not resolve were errors, so
/// a built site has none; they are left as written.
pub(crate) struct Stored<'a> {
    pub(crate) site: &'a Site,
    pub(crate) links: &'a TreeLinks,
    pub(crate) from: &'a SitePath,
}

impl Stored<'_> {
    /// The URL, relative to this page, of a link resolved at check time.
    pub(crate) fn href(&self, dest: &str) -> Option<String> {
        let link = self.links.by_dest.get(dest)?;
        Some(percent_encode_path(&self.from.relative_to(&link.url)) + &link.suffix)
    }
}

impl LinkResolver for Stored<'_> {
    fn resolve(&self, dest: &str, _span: Range<usize>) -> Option<String> {
        self.href(dest)
    }

    fn embed_tree(
        &self,
        path: &str,
        _span: Range<usize>,
        labels: &crate::stages::markdown::Labels,
    ) -> Option<String> {
        let id = *self.links.embeds.get(path)?;
        Some(markdown::embed::card(
            &self.site.trees[id],
            self.from,
            labels,
        ))
    }
}
