//! How deep a page nests, so [`super::render`] can stop at
//! [`super::MAX_NESTING`]: markdown's own blocks and inlines count, and so
//! do elements opened in raw HTML, which the parser does not see into.

use pulldown_cmark::Event;

/// Counts how deep the current event sits: markdown's own blocks and
/// inlines, plus elements opened in raw HTML.
#[derive(Default)]
pub(super) struct Nesting {
    markdown: usize,
    html: usize,
}

impl Nesting {
    /// Takes in `event`; returns how deep it sits.
    pub(super) fn enter(&mut self, event: &Event) -> usize {
        match event {
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                let (opened, closed) = html_tags(h);
                self.html = (self.html + opened).saturating_sub(closed);
            }
            _ => {}
        }
        self.markdown + self.html
    }
}

/// Elements a piece of raw HTML opens and closes, roughly: enough to see
/// nesting grow, not a parser.
fn html_tags(html: &str) -> (usize, usize) {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut opened, mut closed) = (0, 0);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('/') {
            if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                closed += 1;
            }
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let self_closing = rest[name_len..]
            .find('>')
            .is_some_and(|end| rest[name_len..name_len + end].ends_with('/'));
        if !VOID.contains(&name.as_str()) && !self_closing {
            opened += 1;
        }
    }
    (opened, closed)
}
