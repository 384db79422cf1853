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
pub struct Base {
    /// `title`, `description`, `authors`, `language`, `base_url`, `extra`.
    pub config: Value,
    /// `sections`, `trees`, `tags` of the whole site.
    pub site: Value,
    /// The relative path from this page to the site root (`""`, `"../"`);
    /// on `404.html`, the absolute prefix.
    pub root: String,
    /// The URL of the theme's asset folder.
    pub assets: String,
    /// `home`, `section`, `guide`, `tags`, `tag`, `tree-step`, `tree-map`,
    /// `search` or `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    /// The absolute URL, when a base-url is set.
    pub canonical: Option<String>,
    /// This page's URL, relative to the root.
    pub current_url: String,
    /// The sections above this page, home first: page summaries.
    pub breadcrumbs: Vec<Value>,
    /// The search page's URL, relative to this page; none when search is off.
    pub search_url: Option<String>,
    pub mendbook_version: &'static str,
}

/// `config`: the site's configuration.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub authors: &'a [String],
    pub language: &'a str,
    pub base_url: Option<String>,
    pub extra: &'a serde_json::Value,
}

/// `site`: lists every page may show.
#[derive(Serialize)]
pub struct SiteView {
    /// Top-level sections: page summaries.
    pub sections: Vec<Value>,
    /// Every decision tree: tree summaries.
    pub trees: Vec<Value>,
    /// Every tag: tag summaries.
    pub tags: Vec<Value>,
}

/// A page in listings, `prev`/`next` and breadcrumbs.
#[derive(Serialize, Clone)]
pub struct PageSummary {
    pub title: String,
    pub description: Option<String>,
    /// Relative to the root.
    pub url: String,
    /// `home`, `section` or `guide`.
    pub kind: &'static str,
    /// `1 March 2026`.
    pub date: Option<String>,
    /// `2026-03-01`.
    pub date_iso: Option<String>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<TagRef>,
    /// Minutes.
    pub reading_time: usize,
    pub draft: bool,
    pub weight: Option<i64>,
}

/// A tag as a page lists it.
#[derive(Serialize, Clone)]
pub struct TagRef {
    pub name: String,
    pub url: String,
}

/// A decision tree in listings.
#[derive(Serialize)]
pub struct TreeSummary<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    /// Always `tree`.
    pub kind: &'static str,
}

/// A tag in `site.tags` and on the tags page.
#[derive(Serialize)]
pub struct TagSummary<'a> {
    pub name: &'a str,
    pub url: &'a str,
    /// How many guides have it.
    pub count: usize,
}

/// `page` on `page.html`: a guide.
#[derive(Serialize)]
pub struct GuideView<'a> {
    #[serde(flatten)]
    pub summary: &'a PageSummary,
    /// HTML.
    pub content: Value,
    pub words: usize,
    /// Entries with `id`, `title`, `level`, `children`.
    pub toc: Value,
    pub extra: &'a serde_json::Value,
    /// Its section's summary.
    pub section: Value,
    pub prev: Value,
    pub next: Value,
    /// Summaries of the decision trees whose outcomes link to it.
    pub trees: Vec<Value>,
}

/// `section` on `index.html` and `section.html`.
#[derive(Serialize)]
pub struct SectionView<'a> {
    #[serde(flatten)]
    pub summary: &'a PageSummary,
    /// HTML.
    pub content: Value,
    pub words: usize,
    pub toc: Value,
    pub extra: &'a serde_json::Value,
    /// Page summaries, in order.
    pub guides: Vec<Value>,
    /// Tree summaries.
    pub trees: Vec<Value>,
    /// Section summaries, each with its `guides` and `trees`.
    pub subsections: Vec<Value>,
}

/// A sub-section as its parent lists it.
#[derive(Serialize)]
pub struct SubsectionView<'a> {
    #[serde(flatten)]
    pub summary: &'a PageSummary,
    pub guides: Vec<Value>,
    pub trees: Vec<Value>,
}

/// `tag` on `tag.html`.
#[derive(Serialize)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub url: &'a str,
    /// Page summaries, newest first.
    pub guides: Vec<Value>,
}

/// `tree` on `tree-step.html` and `tree-map.html`.
#[derive(Serialize)]
pub struct TreeView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub map_url: String,
    /// How many step pages the tree has.
    pub step_count: usize,
}

/// `step` on `tree-step.html`: one step of a tree.
#[derive(Serialize)]
pub struct StepView<'a> {
    pub id: &'a str,
    /// `question`, `info` or `outcome`.
    pub kind: &'static str,
    pub heading: &'a str,
    /// HTML.
    pub hint: Value,
    /// HTML.
    pub body: Value,
    pub is_first: bool,
    /// This question's number on the path.
    pub number: usize,
    /// The fewest and most questions on the paths through this step.
    pub min: usize,
    pub max: usize,
    pub url: &'a str,
    /// Relative to this page.
    pub start_url: String,
    pub map_url: String,
    pub back_url: Option<String>,
    /// The answers given on the way here.
    pub answers: Vec<AnswerView>,
    /// For a question.
    pub options: Option<Vec<OptionView<'a>>>,
    /// For an info page.
    pub continue_url: Option<String>,
    /// For an outcome: the checklist, as HTML.
    pub steps: Option<Vec<Value>>,
    /// For an outcome: the guides it links to.
    pub guides: Option<Vec<GuideLinkView>>,
}

/// An answer in the summary of a step.
#[derive(Serialize)]
pub struct AnswerView {
    pub question: String,
    /// HTML.
    pub answer: Value,
    pub change_url: String,
}

/// An option of a question.
#[derive(Serialize)]
pub struct OptionView<'a> {
    pub id: &'a str,
    /// HTML.
    pub label: Value,
    /// HTML.
    pub hint: Option<Value>,
    pub url: String,
}

/// A guide an outcome links to.
#[derive(Serialize)]
pub struct GuideLinkView {
    pub title: String,
    pub description: Option<String>,
    pub url: String,
}

/// `map` on `tree-map.html`.
#[derive(Serialize)]
pub struct MapView<'a> {
    /// The drawing (SVG, as HTML).
    pub svg: Value,
    pub nodes: Vec<MapNodeView<'a>>,
    pub start_url: String,
}

/// A node of the map's outline.
#[derive(Serialize)]
pub struct MapNodeView<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub heading: &'a str,
    pub url: Option<String>,
    pub edges: Vec<MapEdgeView<'a>>,
}

/// An edge of the map's outline.
#[derive(Serialize)]
pub struct MapEdgeView<'a> {
    pub labels: &'a [String],
    pub to_id: &'a str,
    pub to_heading: &'a str,
}
