//! Markdown to HTML: CommonMark plus the extensions authors expect, heading
//! ids and a table of contents, callouts, build-time highlighting, and links
//! handed to a [`LinkResolver`] so they can be rewritten and checked.

pub(crate) mod embed;
mod headings;
pub(crate) mod highlight;
mod labels;
mod nesting;

pub(crate) use headings::TocEntry;
pub(crate) use highlight::Highlighter;
pub(crate) use labels::Labels;
use labels::{callout_title, task_marker};

use std::collections::HashSet;
use std::ops::Range;

use crate::base::text::{html_escape, substitute};
use headings::{base_id, build_toc, HeadingIds};
use nesting::Nesting;
use pulldown_cmark::{
    html, BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

/// Rewrites a link destination written by the author, or leaves it alone.
pub(crate) trait LinkResolver {
    /// `dest` is the link as written; `span` its byte range in the markdown.
    /// Returns the URL to write instead, or `None` to keep `dest`.
    fn resolve(&self, dest: &str, span: Range<usize>) -> Option<String>;

    /// HTML for a ```tree block naming a decision tree, or `None` to show the
    /// block as code.
    fn embed_tree(&self, _path: &str, _span: Range<usize>, _labels: &Labels) -> Option<String> {
        None
    }
}

/// A rendered markdown body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) toc: Vec<TocEntry>,
    /// Every id a link may point at: headings, footnotes, ids in raw HTML.
    pub(crate) anchors: HashSet<String>,
    /// Words of prose (code excluded), for reading time.
    pub(crate) words: usize,
    /// Where the text nests deeper than [`MAX_NESTING`], if it does.
    pub(crate) too_deep: Option<Range<usize>>,
}

/// How deep blocks, inlines and raw HTML elements may nest in one page.
pub(crate) const MAX_NESTING: usize = 100;

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

/// A heading being collected: its events, and its plain text for the id.
struct HeadingBuf<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    text: String,
}

/// A code block being collected: its language, its text, and where it starts
/// in the markdown (to find the span of a `tree` block's path).
struct CodeBuf {
    lang: String,
    text: String,
    start: usize,
}

/// Renders `text` to HTML. Links and images go through `links`.
pub(crate) fn render(
    text: &str,
    links: &dyn LinkResolver,
    highlighter: &Highlighter,
    labels: &Labels,
) -> Rendered {
    let mut renderer = Renderer::new(text, links, highlighter, labels);
    let mut depth = Nesting::default();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if depth.enter(&event) > MAX_NESTING {
            // Past this, browsers and the search indexer slow to a crawl;
            // no guide needs it. The page fails with this error.
            renderer.rendered.too_deep = Some(range);
            break;
        }
        renderer.event(event, range);
    }
    let mut rendered = renderer.finish();
    // Every page's HTML is kept until the page renders; a string grown by
    // doubling holds up to twice its length.
    rendered.html.shrink_to_fit();
    rendered
}

/// One [`render`] in progress: the events written so far, what is being
/// buffered, and what has been learnt about the page. [`Renderer::event`]
/// hands each parser event to the method for its kind.
struct Renderer<'a> {
    text: &'a str,
    links: &'a dyn LinkResolver,
    highlighter: &'a Highlighter,
    labels: &'a Labels,
    /// Events for pulldown-cmark's HTML writer.
    out: Vec<Event<'a>>,
    rendered: Rendered,
    ids: HeadingIds,
    /// Level, id and title of each heading, for the table of contents.
    headings: Vec<(u8, String, String)>,
    /// One per open block quote: whether it is a callout, so its end
    /// closes a `<div>` rather than a `<blockquote>`.
    quotes: Vec<bool>,
    // Set while inside a heading or a code block, whose events are buffered.
    heading: Option<HeadingBuf<'a>>,
    code: Option<CodeBuf>,
}

impl<'a> Renderer<'a> {
    fn new(
        text: &'a str,
        links: &'a dyn LinkResolver,
        highlighter: &'a Highlighter,
        labels: &'a Labels,
    ) -> Self {
        Renderer {
            text,
            links,
            highlighter,
            labels,
            out: Vec::new(),
            rendered: Rendered::default(),
            ids: HeadingIds::default(),
            headings: Vec::new(),
            quotes: Vec::new(),
            heading: None,
            code: None,
        }
    }

    /// Takes one event from the parser; `range` is its span in the markdown.
    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        match event {
            // A code block is raw text to its end, whatever the parser says.
            event if self.code.is_some() => self.code_event(event),
            Event::Start(Tag::CodeBlock(kind)) => self.start_code(kind, range.start),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => self.start_heading(level, id, classes),
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            event => {
                let event = self.pass(event, &range);
                self.emit(event);
            }
        }
    }

    /// An event that goes on to the output, rewritten or noted on the way.
    fn pass(&mut self, event: Event<'a>, range: &Range<usize>) -> Event<'a> {
        match event {
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                Event::Start(self.link(tag, range))
            }
            Event::Start(Tag::BlockQuote(kind)) => self.start_quote(kind),
            Event::End(TagEnd::BlockQuote(kind)) => self.end_quote(kind),
            Event::Text(t) => Event::Text(self.prose(t)),
            Event::Code(t) => Event::Code(self.prose(t)),
            Event::Html(h) | Event::InlineHtml(h) => self.raw_html(h),
            event @ (Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_))) => {
                self.footnote(event)
            }
            Event::TaskListMarker(done) => task_marker(done, self.labels),
            event => event,
        }
    }

    /// The default: an event joins the heading being buffered, if any, or
    /// the output.
    fn emit(&mut self, event: Event<'a>) {
        match self.heading.as_mut() {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
    }

    /// A link or image, its destination handed to the [`LinkResolver`].
    fn link(&self, tag: Tag<'a>, range: &Range<usize>) -> Tag<'a> {
        match tag {
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Link {
                link_type,
                dest_url: self.resolve(range, dest_url),
                title,
                id,
            },
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Image {
                link_type,
                dest_url: self.resolve(range, dest_url),
                title,
                id,
            },
            tag => tag,
        }
    }

    /// The URL to write for a link or image destination.
    fn resolve(&self, range: &Range<usize>, dest: CowStr<'a>) -> CowStr<'a> {
        let span = dest_span(self.text, range, &dest);
        self.links
            .resolve(&dest, span)
            .map(CowStr::from)
            .unwrap_or(dest)
    }

    /// Starts buffering a code block, which is rendered whole at its end.
    fn start_code(&mut self, kind: CodeBlockKind<'a>, start: usize) {
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info
                .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                .next()
                .unwrap_or("")
                .to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        self.code = Some(CodeBuf {
            lang,
            text: String::new(),
            start,
        });
    }

    /// An event inside a code block: its text is kept, its end renders it,
    /// anything else is dropped.
    fn code_event(&mut self, event: Event<'a>) {
        match event {
            Event::Text(t) => {
                if let Some(code) = self.code.as_mut() {
                    code.text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(code) = self.code.take() {
                    self.end_code(code);
                }
            }
            _ => {}
        }
    }

    /// A whole code block: a decision-tree card if it is a `tree` block
    /// the resolver knows, else highlighted code.
    fn end_code(&mut self, code: CodeBuf) {
        let CodeBuf { lang, text, start } = code;
        let embedded = if lang == "tree" {
            let path = text.trim();
            let at = self.text[start..]
                .find(path)
                .map(|i| start + i)
                .unwrap_or(start);
            self.links
                .embed_tree(path, at..at + path.len(), self.labels)
        } else {
            None
        };
        let html = embedded.unwrap_or_else(|| self.highlighter.highlight(&text, &lang));
        self.out.push(Event::Html(html.into()));
    }

    /// Starts buffering a heading: its id is made from all of its text.
    fn start_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
    ) {
        self.heading = Some(HeadingBuf {
            level,
            id,
            classes,
            events: Vec::new(),
            text: String::new(),
        });
    }

    /// A whole heading: written with a unique id and a link to itself, and
    /// noted for the table of contents.
    fn end_heading(&mut self) {
        let Some(HeadingBuf {
            level,
            id,
            classes,
            events,
            text,
        }) = self.heading.take()
        else {
            return;
        };
        let id = self.ids.unique(base_id(id.as_deref(), &text));
        let title = text.trim();
        let lvl = level_num(level);
        let class = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", html_escape(&classes.join(" ")))
        };
        let id_attr = html_escape(&id);
        self.out.push(Event::Html(
            format!("<h{lvl} id=\"{id_attr}\"{class}>").into(),
        ));
        self.out.extend(events);
        self.out.push(Event::Html(
            format!(
                " <a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"{}\">#</a></h{lvl}>\n",
                html_escape(&substitute(&self.labels.anchor, |n| {
                    (n == "title").then(|| title.to_string())
                }))
            )
            .into(),
        ));
        self.headings.push((lvl, id, title.to_string()));
    }

    /// A block quote opens; a GitHub alert (`> [!TIP]`) opens a callout.
    fn start_quote(&mut self, kind: Option<BlockQuoteKind>) -> Event<'a> {
        self.quotes.push(kind.is_some());
        match kind {
            Some(kind) => {
                let (class, title) = callout_title(kind, self.labels);
                let title = html_escape(title);
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

    /// A block quote closes, as the callout or quote it opened as.
    fn end_quote(&mut self, kind: Option<BlockQuoteKind>) -> Event<'a> {
        if self.quotes.pop().unwrap_or(false) {
            Event::Html("</div>\n".into())
        } else {
            Event::End(TagEnd::BlockQuote(kind))
        }
    }

    /// Text or a code span: its words are counted, and inside a heading it
    /// is part of the heading's title.
    fn prose(&mut self, t: CowStr<'a>) -> CowStr<'a> {
        self.rendered.words += t.split_whitespace().count();
        if let Some(h) = self.heading.as_mut() {
            h.text.push_str(&t);
        }
        t
    }

    /// Raw HTML goes out as written; ids in it are anchors links may target.
    fn raw_html(&mut self, h: CowStr<'a>) -> Event<'a> {
        collect_html_ids(&h, &mut self.rendered.anchors);
        Event::Html(h)
    }

    /// Footnote references and definitions are anchors links may target.
    fn footnote(&mut self, event: Event<'a>) -> Event<'a> {
        match &event {
            Event::FootnoteReference(name) => {
                self.rendered.anchors.insert(format!("fnref-{name}"));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.rendered.anchors.insert(name.to_string());
            }
            _ => {}
        }
        event
    }

    /// The HTML and everything learnt along the way.
    fn finish(self) -> Rendered {
        let mut html_out = String::with_capacity(self.text.len() * 3 / 2);
        html::push_html(&mut html_out, self.out.into_iter());
        let mut rendered = self.rendered;
        rendered.html = html_out;
        rendered.anchors.extend(self.ids.into_used());
        rendered.toc = build_toc(&self.headings);
        rendered
    }
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
            &crate::stages::translations::Translations::english().markdown_labels(),
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
pub(crate) fn inline_html(text: &str, links: Option<&dyn LinkResolver>) -> String {
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
