//! The words of the theme that markdown output carries: callout titles and
//! the names of heading anchors and task boxes, in the site's language.

use pulldown_cmark::{BlockQuoteKind, Event};

use crate::base::text::html_escape;

/// The theme's words that markdown output carries, in the site's language
/// (from the theme's translation tables).
#[derive(Debug, Clone)]
pub(crate) struct Labels {
    pub(crate) note: String,
    pub(crate) tip: String,
    pub(crate) important: String,
    pub(crate) warning: String,
    pub(crate) caution: String,
    /// The name of a heading's `#` link; `{title}` is the heading.
    pub(crate) anchor: String,
    pub(crate) task_done: String,
    pub(crate) task_not_done: String,
    /// The kicker of an embedded tree's card, and its button.
    pub(crate) tree_kind: String,
    pub(crate) tree_start: String,
}

pub(super) fn callout_title(kind: BlockQuoteKind, labels: &Labels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &labels.note),
        BlockQuoteKind::Tip => ("tip", &labels.tip),
        BlockQuoteKind::Important => ("important", &labels.important),
        BlockQuoteKind::Warning => ("warning", &labels.warning),
        BlockQuoteKind::Caution => ("caution", &labels.caution),
    }
}

/// A task list's box. Boxes show state only; name that state, since a
/// checkbox without a name is announced as just "checkbox".
pub(super) fn task_marker(done: bool, labels: &Labels) -> Event<'static> {
    Event::InlineHtml(if done {
        format!(
            "<input type=\"checkbox\" disabled checked aria-label=\"{}\"> ",
            html_escape(&labels.task_done)
        )
        .into()
    } else {
        format!(
            "<input type=\"checkbox\" disabled aria-label=\"{}\"> ",
            html_escape(&labels.task_not_done)
        )
        .into()
    })
}
