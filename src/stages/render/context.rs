//! The theme contract: what each template is given, as types. The README's
//! template reference is checked against these by a test, so what is
//! documented is what templates get.
//!
//! Fields holding HTML are `tera::Value`s marked safe; lists shared by many
//! pages (summaries) are `tera::Value`s converted once per build.

use serde::Serialize;
use tera::Value;

/// What every template gets.
#[derive(Serialize)]
pub(crate) struct Base {
    /// `title`, `description`, `authors`, `language`, `base_url`, `extra`.
    pub(crate) config: Value,
    /// The theme's strings in the site's language, by their keys:
    /// `t.tree.back`.
    pub(crate) t: Value,
    /// `sections`, `trees`, `tags` of the whole site.
    pub(crate) site: Value,
    /// The relative path from this page to the site root (`""`, `"../"`);
    /// on `404.html`, the absolute prefix.
    pub(crate) root: String,
    /// The URL of the theme's asset folder.
    pub(crate) assets: String,
    /// `home`, `section`, `guide`, `tags`, `tag`, `tree-step`, `tree-map`,
    /// `search` or `404`.
    pub(crate) kind: &'static str,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// The absolute URL, when a base-url is set.
    pub(crate) canonical: Option<String>,
    /// The Atom feed's URL, relative to this page, when there is a feed.
    pub(crate) feed_url: Option<String>,
    /// This page's URL, relative to the root.
    pub(crate) current_url: String,
    /// The sections above this page, home first: page summaries.
    pub(crate) breadcrumbs: Vec<Value>,
    /// The search page's URL, relative to this page; none when search is off.
    pub(crate) search_url: Option<String>,
    pub(crate) mendbook_version: &'static str,
}

/// `config`: the site's configuration.
#[derive(Serialize)]
pub(crate) struct ConfigView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) authors: &'a [String],
    pub(crate) language: &'a str,
    pub(crate) base_url: Option<String>,
    pub(crate) extra: &'a serde_json::Value,
}

/// `site`: lists every page may show.
#[derive(Serialize)]
pub(crate) struct SiteView {
    /// Top-level sections: page summaries.
    pub(crate) sections: Vec<Value>,
    /// Every decision tree: tree summaries.
    pub(crate) trees: Vec<Value>,
    /// Every tag: tag summaries.
    pub(crate) tags: Vec<Value>,
}

/// A page in listings, `prev`/`next` and breadcrumbs.
#[derive(Serialize, Clone)]
pub(crate) struct PageSummary {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    /// Relative to the root.
    pub(crate) url: String,
    /// `home`, `section` or `guide`.
    pub(crate) kind: &'static str,
    /// `1 March 2026`.
    pub(crate) date: Option<String>,
    /// `2026-03-01`.
    pub(crate) date_iso: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) updated_iso: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) tags: Vec<TagRef>,
    /// Minutes.
    pub(crate) reading_time: usize,
    pub(crate) draft: bool,
    pub(crate) weight: Option<i64>,
}

/// A tag as a page lists it.
#[derive(Serialize, Clone)]
pub(crate) struct TagRef {
    pub(crate) name: String,
    pub(crate) url: String,
}

/// A decision tree in listings.
#[derive(Serialize)]
pub(crate) struct TreeSummary<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) url: &'a str,
    /// Always `tree`.
    pub(crate) kind: &'static str,
}

/// A tag in `site.tags` and on the tags page.
#[derive(Serialize)]
pub(crate) struct TagSummary<'a> {
    pub(crate) name: &'a str,
    pub(crate) url: &'a str,
    /// How many guides have it.
    pub(crate) count: usize,
}

/// `page` on `page.html`: a guide.
#[derive(Serialize)]
pub(crate) struct GuideView<'a> {
    #[serde(flatten)]
    pub(crate) summary: &'a PageSummary,
    /// HTML.
    pub(crate) content: Value,
    pub(crate) words: usize,
    /// Entries with `id`, `title`, `level`, `children`.
    pub(crate) toc: Value,
    pub(crate) extra: &'a serde_json::Value,
    /// Its section's summary.
    pub(crate) section: Value,
    pub(crate) prev: Value,
    pub(crate) next: Value,
    /// Summaries of the decision trees whose outcomes link to it.
    pub(crate) trees: Vec<Value>,
    /// Where to edit its source, when book.toml has an `edit-url`.
    pub(crate) edit_url: Option<String>,
}

/// `section` on `index.html` and `section.html`.
#[derive(Serialize)]
pub(crate) struct SectionView<'a> {
    #[serde(flatten)]
    pub(crate) summary: &'a PageSummary,
    /// HTML.
    pub(crate) content: Value,
    pub(crate) words: usize,
    pub(crate) toc: Value,
    pub(crate) extra: &'a serde_json::Value,
    /// Page summaries, in order.
    pub(crate) guides: Vec<Value>,
    /// Tree summaries.
    pub(crate) trees: Vec<Value>,
    /// Section summaries, each with its `guides` and `trees`.
    pub(crate) subsections: Vec<Value>,
}

/// A sub-section as its parent lists it.
#[derive(Serialize)]
pub(crate) struct SubsectionView<'a> {
    #[serde(flatten)]
    pub(crate) summary: &'a PageSummary,
    /// The guides on the sub-section's first page.
    pub(crate) guides: Vec<Value>,
    /// How many guides it has in all.
    pub(crate) guide_count: usize,
    pub(crate) trees: Vec<Value>,
}

/// `paginator` on the pages of a listing (`index.html`, `section.html`,
/// `tag.html`). URLs are relative to the root, like every `url`.
#[derive(Serialize)]
pub(crate) struct PaginatorView {
    /// This page's number, from 1.
    pub(crate) current: usize,
    /// How many pages the listing takes.
    pub(crate) total: usize,
    /// How many guides it lists in all.
    pub(crate) entries: usize,
    pub(crate) first_url: String,
    pub(crate) last_url: String,
    pub(crate) previous_url: Option<String>,
    pub(crate) next_url: Option<String>,
}

/// `tag` on `tag.html`.
#[derive(Serialize)]
pub(crate) struct TagView<'a> {
    pub(crate) name: &'a str,
    pub(crate) url: &'a str,
    /// Page summaries, newest first.
    pub(crate) guides: Vec<Value>,
}

/// `tree` on `tree-step.html` and `tree-map.html`.
#[derive(Serialize)]
pub(crate) struct TreeView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: Option<&'a str>,
    pub(crate) url: &'a str,
    pub(crate) map_url: String,
    /// How many step pages the tree has.
    pub(crate) step_count: usize,
    /// Where to edit its source, when book.toml has an `edit-url`.
    pub(crate) edit_url: Option<String>,
}

/// `step` on `tree-step.html`: one step of a tree.
#[derive(Serialize)]
pub(crate) struct StepView<'a> {
    pub(crate) id: &'a str,
    /// `question`, `info` or `outcome`.
    pub(crate) kind: &'static str,
    pub(crate) heading: &'a str,
    /// HTML.
    pub(crate) hint: Value,
    /// HTML.
    pub(crate) body: Value,
    pub(crate) is_first: bool,
    /// This question's number on the path.
    pub(crate) number: usize,
    /// The fewest and most questions on the paths through this step.
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) url: &'a str,
    /// Relative to this page.
    pub(crate) start_url: String,
    pub(crate) map_url: String,
    pub(crate) back_url: Option<String>,
    /// The answers given on the way here.
    pub(crate) answers: Vec<AnswerView>,
    /// For a question.
    pub(crate) options: Option<Vec<OptionView<'a>>>,
    /// For an info page.
    pub(crate) continue_url: Option<String>,
    /// For an outcome: the checklist, as HTML.
    pub(crate) steps: Option<Vec<Value>>,
    /// For an outcome: the guides it links to.
    pub(crate) guides: Option<Vec<GuideLinkView>>,
}

/// An answer in the summary of a step.
#[derive(Serialize)]
pub(crate) struct AnswerView {
    pub(crate) question: String,
    /// HTML.
    pub(crate) answer: Value,
    pub(crate) change_url: String,
}

/// An option of a question.
#[derive(Serialize)]
pub(crate) struct OptionView<'a> {
    pub(crate) id: &'a str,
    /// HTML.
    pub(crate) label: Value,
    /// HTML.
    pub(crate) hint: Option<Value>,
    pub(crate) url: String,
}

/// A guide an outcome links to.
#[derive(Serialize)]
pub(crate) struct GuideLinkView {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) url: String,
}

/// `map` on `tree-map.html`.
#[derive(Serialize)]
pub(crate) struct MapView<'a> {
    /// The drawing (SVG, as HTML).
    pub(crate) svg: Value,
    pub(crate) nodes: Vec<MapNodeView<'a>>,
    pub(crate) start_url: String,
}

/// A node of the map's outline.
#[derive(Serialize)]
pub(crate) struct MapNodeView<'a> {
    pub(crate) id: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) heading: &'a str,
    pub(crate) url: Option<String>,
    pub(crate) edges: Vec<MapEdgeView<'a>>,
}

/// An edge of the map's outline.
#[derive(Serialize)]
pub(crate) struct MapEdgeView<'a> {
    pub(crate) labels: Vec<String>,
    pub(crate) to_id: &'a str,
    pub(crate) to_heading: &'a str,
}

/// `search` on `search.html`: where pagefind's script is, and the other
/// shards of the index to merge into the first, each relative to the page.
#[derive(Serialize)]
pub(crate) struct SearchView {
    pub(crate) bundle: String,
    pub(crate) merge: Vec<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::model::config::{Config, Overrides};
    use crate::model::tree::Kind;

    /// Every key of a JSON value, as a name (the last part of its path).
    fn keys(value: &serde_json::Value, into: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    into.insert(k.clone());
                    keys(v, into);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, into)),
            _ => {}
        }
    }

    /// The README's template reference: from its heading to the next one.
    fn reference() -> String {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let start = readme.find("### Template context").expect("the section");
        let rest = &readme[start..];
        let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
        rest[..end].to_string()
    }

    /// Renders the contexts of every kind of page of the example site and
    /// checks that the README names every key they hold, and that every
    /// field name the README lists is a key of some context.
    #[test]
    fn the_readme_documents_exactly_what_templates_get() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root, &Overrides::default()).expect("the example site");
        let loaded = crate::engine::Loaded::load(config);
        let renderer = loaded.renderer().expect("the default theme");
        let site = &loaded.site;
        let mut jobs = vec![
            super::super::Job::Tags,
            super::super::Job::NotFound,
            super::super::Job::Search,
        ];
        for (i, page) in site.pages.iter().enumerate() {
            if jobs.iter().all(
                |j| !matches!(j, super::super::Job::Page(p) if site.pages[*p].kind == page.kind),
            ) {
                jobs.push(super::super::Job::Page(crate::model::site::PageId(i)));
            }
        }
        jobs.push(super::super::Job::Tag(crate::model::site::TagId(0)));
        for (t, tree) in site.trees.iter().enumerate() {
            let t = crate::model::site::TreeId(t);
            jobs.push(super::super::Job::TreeMap(t));
            let model = tree.model.as_ref().expect("valid trees");
            for kind in ["question", "info", "outcome"] {
                if let Some(s) = tree.steps.iter().position(|s| {
                    let node = &model.nodes[s.node];
                    node.type_name() == kind && (kind != "outcome" || matches!(&node.kind, Kind::Outcome { guides, steps } if !guides.is_empty() && !steps.is_empty()))
                }) {
                    jobs.push(super::super::Job::TreeStep(t, s));
                }
            }
        }
        let mut found = BTreeSet::new();
        let base_keys = [
            "config",
            "site",
            "root",
            "assets",
            "kind",
            "title",
            "description",
            "canonical",
            "feed_url",
            "current_url",
            "breadcrumbs",
            "search_url",
            "mendbook_version",
        ];
        // `t` holds the translation keys, which the README lists in its own
        // section (and a test of the translations checks).
        found.insert("t".to_string());
        let own_keys = [
            "page",
            "section",
            "tag",
            "tags",
            "tree",
            "step",
            "map",
            "search",
            "paginator",
        ];
        for job in jobs {
            let (_, ctx) = renderer.prepared(job);
            for key in base_keys.iter().chain(&own_keys) {
                if let Some(v) = ctx.get(key) {
                    found.insert(key.to_string());
                    keys(
                        &serde_json::to_value(v).expect("a context is JSON"),
                        &mut found,
                    );
                }
            }
        }
        // What the example site's `extra` tables hold is the author's, not the theme's.
        found.retain(|k| k != "footer" && k != "audience");
        let reference = reference();
        let documented: BTreeSet<String> = reference
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(str::to_string)
            .collect();
        let undocumented: Vec<&String> =
            found.iter().filter(|k| !documented.contains(*k)).collect();
        assert!(
            undocumented.is_empty(),
            "templates get these, the README does not say: {undocumented:?}"
        );
        // Words in backticks that are values, not keys.
        let values = [
            "home", "section", "guide", "tags", "tag", "search", "question", "info", "outcome",
            "action",
        ];
        let phantom: Vec<&String> = documented
            .iter()
            .filter(|w| !found.contains(*w) && !values.contains(&w.as_str()))
            .collect();
        assert!(
            phantom.is_empty(),
            "the README lists these, templates do not get them: {phantom:?}"
        );
    }
}
