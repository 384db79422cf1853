//! Markdown to HTML: CommonMark plus the extensions authors expect, heading
//! ids and a table of contents, callouts, build-time highlighting, and links
//! handed to a [`LinkResolver`] so they can be rewritten and checked.

pub mod embed;
mod headings;
pub mod highlight;
mod nesting;

pub use headings::{heading_slug, TocEntry};
pub use highlight::Highlighter;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::base::text::html_escape;
use headings::build_toc;
use nesting::Nesting;
use pulldown_cmark::{
    html, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

/// Rewrites a link destination written by the author, or leaves it alone.
pub trait LinkResolver {
    /// `dest` is the link as written; `span` its byte range in the markdown.
    /// Returns the URL to write instead, or `None` to keep `dest`.
    fn resolve(&self, dest: &str, span: Range<usize>) -> Option<String>;

    /// HTML for a ```tree block naming a decision tree, or `None` to show the
    /// block as code.
    fn embed_tree(&self, _path: &str, _span: Range<usize>) -> Option<String> {
        None
    }
}

/// A rendered markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id a link may point at: headings, footnotes, ids in raw HTML.
    pub anchors: HashSet<String>,
    /// Words of prose (code excluded), for reading time.
    pub words: usize,
    /// Where the text nests deeper than [`MAX_NESTING`], if it does.
    pub too_deep: Option<Range<usize>>,
}

/// How deep blocks, inlines and raw HTML elements may nest in one page.
pub const MAX_NESTING: usize = 100;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

fn level_num(level: HeadingLevel) -> u8 {
    level as u8
}

fn callout_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A heading being collected: its events, and its plain text for the id.
struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    text: String,
}

/// Renders `text` to HTML. Links and images go through `links`.
pub fn render(text: &str, links: &dyn LinkResolver, highlighter: &Highlighter) -> Rendered {
    let mut out: Vec<Event> = Vec::new();
    let mut rendered = Rendered::default();
    let mut used_ids: HashSet<String> = HashSet::new();
    // The next suffix to try per heading id, so a thousand `## Step`
    // headings take a thousand steps, not half a million.
    let mut id_suffix: HashMap<String, usize> = HashMap::new();
    let mut depth = Nesting::default();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut quotes: Vec<bool> = Vec::new();

    // Set while inside a heading or a code block, whose events are buffered.
    let mut heading: Option<HeadingBuf> = None;
    let mut code: Option<(String, String, usize)> = None;

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if depth.enter(&event) > MAX_NESTING {
            // Past this, browsers and the search indexer slow to a crawl;
            // no guide needs it. The page fails with this error.
            rendered.too_deep = Some(range);
            break;
        }
        if let Some((_, buf, _)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, buf, start) = code.take().unwrap_or_default();
                    let embedded = if lang == "tree" {
                        let path = buf.trim();
                        let at = text[start..].find(path).map(|i| start + i).unwrap_or(start);
                        links.embed_tree(path, at..at + path.len())
                    } else {
                        None
                    };
                    let html = embedded.unwrap_or_else(|| highlighter.highlight(&buf, &lang));
                    out.push(Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: rewrite(links, text, &range, dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: rewrite(links, text, &range, dest_url),
                title,
                id,
            }),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new(), range.start));
                continue;
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                heading = Some(HeadingBuf {
                    level,
                    id,
                    classes,
                    events: Vec::new(),
                    text: String::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some(HeadingBuf {
                    level,
                    id,
                    classes,
                    events: inner,
                    text: plain,
                }) = heading.take()
                else {
                    continue;
                };
                let base = match id {
                    Some(id) => id.to_string(),
                    None => {
                        let s = heading_slug(&plain);
                        if s.is_empty() {
                            "section".to_string()
                        } else {
                            s
                        }
                    }
                };
                let mut unique = base.clone();
                if used_ids.contains(&unique) {
                    let n = id_suffix.entry(base.clone()).or_insert(0);
                    loop {
                        *n += 1;
                        unique = format!("{base}-{n}");
                        if !used_ids.contains(&unique) {
                            break;
                        }
                    }
                }
                used_ids.insert(unique.clone());
                let lvl = level_num(level);
                let class = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", html_escape(&classes.join(" ")))
                };
                let id_attr = html_escape(&unique);
                out.push(Event::Html(
                    format!("<h{lvl} id=\"{id_attr}\"{class}>").into(),
                ));
                out.extend(inner);
                out.push(Event::Html(
                    format!(
                        " <a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section: {}\">#</a></h{lvl}>\n",
                        html_escape(plain.trim())
                    )
                    .into(),
                ));
                headings.push((lvl, unique, plain.trim().to_string()));
                continue;
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                quotes.push(kind.is_some());
                match kind {
                    Some(kind) => {
                        let (class, title) = callout_title(kind);
                        Event::Html(
                            format!(
                                "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
                            )
                            .into(),
                        )
                    }
                    None => Event::Start(Tag::BlockQuote(None)),
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if quotes.pop().unwrap_or(false) {
                    Event::Html("</div>\n".into())
                } else {
                    Event::End(TagEnd::BlockQuote(kind))
                }
            }
            Event::Text(t) => {
                rendered.words += t.split_whitespace().count();
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                Event::Text(t)
            }
            Event::Code(t) => {
                rendered.words += t.split_whitespace().count();
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                Event::Code(t)
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                collect_html_ids(&h, &mut rendered.anchors);
                Event::Html(h)
            }
            Event::FootnoteReference(name) => {
                rendered.anchors.insert(format!("fnref-{name}"));
                Event::FootnoteReference(name)
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                rendered.anchors.insert(name.to_string());
                Event::Start(Tag::FootnoteDefinition(name))
            }
            // A task list's boxes show state only; name that state, since a
            // checkbox without a name is announced as just "checkbox".
            Event::TaskListMarker(done) => Event::InlineHtml(if done {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> ".into()
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Not done yet\"> ".into()
            }),
            e => e,
        };
        match heading.as_mut() {
            Some(h) => h.events.push(event),
            None => out.push(event),
        }
    }

    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    rendered.html = html_out;
    rendered.anchors.extend(used_ids);
    rendered.toc = build_toc(&headings);
    rendered
}

/// The URL to write for a link or image destination.
fn rewrite<'a>(
    links: &dyn LinkResolver,
    text: &str,
    range: &Range<usize>,
    dest: CowStr<'a>,
) -> CowStr<'a> {
    let span = dest_span(text, range, &dest);
    links.resolve(&dest, span).map(CowStr::from).unwrap_or(dest)
}

/// Narrows a link's span to its destination when it is written inline.
fn dest_span(text: &str, range: &Range<usize>, dest: &str) -> Range<usize> {
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    match text.get(start..end).and_then(|s| s.rfind(dest)) {
        Some(i) if !dest.is_empty() => start + i..start + i + dest.len(),
        _ => range.clone(),
    }
}

fn collect_html_ids(html: &str, ids: &mut HashSet<String>) {
    for quote in ['"', '\''] {
        let pat = format!("id={quote}");
        let mut rest = html;
        while let Some(i) = rest.find(&pat) {
            let after = &rest[i + pat.len()..];
            if let Some(end) = after.find(quote) {
                ids.insert(after[..end].to_string());
            }
            rest = after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Recorder(RefCell<Vec<String>>);
    impl LinkResolver for Recorder {
        fn resolve(&self, dest: &str, _span: Range<usize>) -> Option<String> {
            self.0.borrow_mut().push(dest.to_string());
            dest.contains(".md").then(|| "../rewritten/".to_string())
        }
    }

    fn md(text: &str) -> Rendered {
        render(
            text,
            &Recorder(RefCell::new(Vec::new())),
            &Highlighter::new(),
        )
    }

    #[test]
    fn headings_get_github_ids_deduplicated_and_a_toc() {
        let r = md("## What to say\n\n## What to say\n\n### Don't panic!\n");
        assert!(r.html.contains("<h2 id=\"what-to-say\">"));
        assert!(r.html.contains("<h2 id=\"what-to-say-1\">"));
        assert!(r.html.contains("<h3 id=\"dont-panic\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "dont-panic");
        assert!(r.anchors.contains("what-to-say-1"));
    }

    #[test]
    fn custom_heading_id() {
        let r = md("## Title {#custom}\n");
        assert!(r.html.contains("id=\"custom\""));
    }

    #[test]
    fn alerts_become_callouts() {
        let r = md("> [!TIP]\n> Breathe.\n\n> plain\n");
        assert!(r
            .html
            .contains("<div class=\"callout callout-tip\" role=\"note\">"));
        assert!(r.html.contains("Breathe."));
        assert!(r.html.contains("<blockquote>"));
    }

    #[test]
    fn links_are_rewritten() {
        let r = md("[a](x.md#y) [b](https://example.org)");
        assert!(r.html.contains("href=\"../rewritten/\""));
        assert!(r.html.contains("href=\"https://example.org\""));
    }

    #[test]
    fn code_is_highlighted_and_unknown_languages_are_plain() {
        let r = md("```rust\nfn main() {}\n```\n\n```nosuchlang\n<b>\n```\n");
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(r.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn extensions() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~no~~ \"quoted\"\n\nNote[^1]\n\n[^1]: here\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<del>no</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("footnote"));
    }
}

/// Renders a short text (an option label, a checklist step) as inline
/// markdown: emphasis and code work, raw HTML is shown as text, never
/// injected. With `links`, links are rewritten (a step may link a guide);
/// without, they are dropped, as a label is already a link.
pub fn inline_html(text: &str, links: Option<&dyn LinkResolver>) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION;
    let events = Parser::new_ext(text, options).filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        // Block structure has no place in a line of text.
        Event::Start(
            Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::List(_)
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_),
        )
        | Event::End(
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock,
        ) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let links = links?;
            let dest = links
                .resolve(&dest_url, 0..0)
                .map(CowStr::from)
                .unwrap_or(dest_url);
            Some(Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => links.map(|_| Event::End(TagEnd::Link)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        e => Some(e),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim().to_string()
}

#[cfg(test)]
mod inline_tests {
    #[test]
    fn labels_render_emphasis_and_escape_html() {
        assert_eq!(
            super::inline_html("A *big* one", None),
            "A <em>big</em> one"
        );
        assert_eq!(
            super::inline_html("<script>x</script> & co", None),
            "&lt;script&gt;x&lt;/script&gt; &amp; co"
        );
    }
}
