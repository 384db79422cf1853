//! What pagefind reads of a page. Parsing is most of pagefind's cost, and
//! on a themed page the header, navigation, table of contents and footer
//! around the indexed region are a third of the markup. When nothing out
//! there can change what pagefind records, it gets the region alone, with
//! the page's `<html>` tag and `<title>`, and records exactly the same.

use std::borrow::Cow;

const BODY: &str = "data-pagefind-body";

/// Markup whose content is not parsed as tags (or is parsed by other
/// rules), so counting tags across it could end the region in the wrong
/// place. A region holding any is given to pagefind whole.
const OPAQUE: [&str; 13] = [
    "<script",
    "<style",
    "<textarea",
    "<title",
    "<template",
    "<xmp",
    "<plaintext",
    "<noscript",
    "<noembed",
    "<noframes",
    "<iframe",
    "<svg",
    "<math",
];

/// What pagefind reads outside the indexed region: the first `<h1>` and
/// the first image after it (a result's title and image), and any
/// `data-pagefind-*` attribute or pagefind script. A page with any of
/// these outside its region is given whole.
const MEANINGFUL_OUTSIDE: [&str; 3] = ["<h1", "<img", "pagefind"];

/// The HTML pagefind is given for `html`: the indexed region alone when
/// that provably records the same, else the page as it is.
pub(crate) fn search_input(html: &str) -> Cow<'_, str> {
    trimmed(html).map_or(Cow::Borrowed(html), Cow::Owned)
}

/// The page cut down to its `data-pagefind-body` element, or `None` when
/// the cut could change what pagefind records.
pub(crate) fn trimmed(html: &str) -> Option<String> {
    let at = html.find(BODY)?;
    if html[at + BODY.len()..].contains(BODY) {
        return None;
    }
    let start = html[..at].rfind('<')?;
    if html[start..at].contains('>') {
        return None;
    }
    let name_len = html[start + 1..]
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    if name_len == 0 {
        return None;
    }
    let name = html[start + 1..start + 1 + name_len].to_ascii_lowercase();
    let open_end = at + html[at..].find('>')? + 1;
    let end = matching_end(html, open_end, &name)?;

    let region = &html[start..end];
    let lower = region.to_ascii_lowercase();
    if OPAQUE.iter().any(|t| lower.contains(t)) {
        return None;
    }
    let before = html[..start].to_ascii_lowercase();
    let after = html[end..].to_ascii_lowercase();
    if MEANINGFUL_OUTSIDE
        .iter()
        .any(|s| before.contains(s) || after.contains(s))
        || after.contains("<title")
    {
        return None;
    }
    // `<html>` carries the language and tells pagefind the page is a
    // document; the first `<title>` is a result's title when there is no
    // `<h1>`. Both are copied as written. (The lowercase copy has the same
    // byte offsets: only ASCII letters change.)
    let html_tag = before
        .find("<html")
        .and_then(|i| Some(&html[i..i + html[i..start].find('>')? + 1]));
    let title = match before.find("<title") {
        Some(i) => {
            let close = i + before[i..].find("</title")?;
            let close = close + html[close..start].find('>')? + 1;
            &html[i..close]
        }
        None => "",
    };
    let mut out = String::with_capacity(region.len() + title.len() + 80);
    out.push_str(html_tag.unwrap_or(""));
    out.push_str("<head>");
    out.push_str(title);
    out.push_str("</head><body>");
    out.push_str(region);
    out.push_str("</body>");
    if html_tag.is_some() {
        out.push_str("</html>");
    }
    Some(out)
}

/// Where the element named `name` whose start tag ends at `from` ends:
/// just past its matching end tag, counting the same elements nested in
/// it and skipping comments. `None` when it is never closed, or when
/// markup the count cannot follow for certain comes first (a comment
/// closed in one of HTML's odd ways, a `<!…>` or `<?…>` bogus comment).
fn matching_end(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut depth = 1usize;
    let mut i = from;
    while let Some(lt) = html[i..].find('<') {
        let tag = i + lt + 1;
        if html[tag..].starts_with("!--") {
            let body = &html[tag + 3..];
            if body.starts_with('>') || body.starts_with("->") {
                return None;
            }
            let close = body.find("-->")?;
            if body[..close].contains("--!>") {
                return None;
            }
            i = tag + 3 + close + 3;
            continue;
        }
        if matches!(bytes.get(tag), Some(b'!' | b'?')) {
            return None;
        }
        let (closing, name_at) = match bytes.get(tag) {
            Some(b'/') => (true, tag + 1),
            _ => (false, tag),
        };
        let named = bytes
            .get(name_at..name_at + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        let bounded = matches!(
            bytes.get(name_at + name.len()),
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/')
        );
        i = tag;
        if !(named && bounded) {
            continue;
        }
        if closing {
            depth -= 1;
            if depth == 0 {
                return Some(name_at + html[name_at..].find('>')? + 1);
            }
        } else {
            depth += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Say sorry · Site</title>\n<script src=\"site.js\"></script></head>\n<body><header><a href=\"/\">Site</a><nav><ul><li>Guides</li></ul></nav></header>\n<main><article class=\"guide\" data-pagefind-body data-pagefind-filter=\"section:Guides\"><h1>Say sorry</h1><article><p>Nested</p></article><p>Once.</p></article>\n<nav class=\"toc\"><ol><li>Step</li></ol></nav></main><footer>Built</footer></body></html>";

    #[test]
    fn the_region_is_cut_at_its_own_end_tag_with_the_html_tag_and_title() {
        assert_eq!(
            trimmed(PAGE).unwrap(),
            "<html lang=\"en\"><head><title>Say sorry · Site</title></head><body><article class=\"guide\" data-pagefind-body data-pagefind-filter=\"section:Guides\"><h1>Say sorry</h1><article><p>Nested</p></article><p>Once.</p></article></body></html>"
        );
    }

    #[test]
    fn a_page_is_given_whole_when_the_cut_could_change_the_record() {
        let whole = |html: &str| assert!(trimmed(html).is_none(), "{html}");
        whole(&PAGE.replace("<header>", "<header><h1>Site</h1>"));
        whole(&PAGE.replace("<footer>", "<footer><img src=\"x.png\">"));
        whole(&PAGE.replace("<footer>", "<footer data-pagefind-meta=\"k:v\">"));
        whole(&PAGE.replace("<p>Once.</p>", "<!--> </article><p>Once.</p>"));
        whole(&PAGE.replace("<p>Once.</p>", "<!-- a --!> </article><p>Once.</p>"));
        whole(&PAGE.replace("<p>Once.</p>", "<! </article> ><p>Once.</p>"));
        whole(&PAGE.replace("<p>Once.</p>", "<script>1</script>"));
        whole(&PAGE.replace("<p>Once.</p>", "<svg><title>x</title></svg>"));
        whole(&PAGE.replace("</article>\n", "\n"));
        whole(&PAGE.replace("<footer>", "<footer><div data-pagefind-body>"));
        whole("<p>No indexed region at all.</p>");
    }

    #[test]
    fn a_comment_in_the_region_is_skipped_not_counted() {
        let page = PAGE.replace("<p>Once.</p>", "<!-- an </article> of old --><p>Once.</p>");
        let cut = trimmed(&page).unwrap();
        assert!(
            cut.ends_with("of old --><p>Once.</p></article></body></html>"),
            "{cut}"
        );
    }

    #[test]
    fn tag_names_match_whole_and_in_any_case() {
        let page = PAGE
            .replace("<article><p>Nested", "<articles><ARTICLE><p>Nested")
            .replace("</p></article><p>Once", "</p></ARTICLE ></articles><p>Once");
        let cut = trimmed(&page).unwrap();
        assert!(
            cut.ends_with("<p>Once.</p></article></body></html>"),
            "{cut}"
        );
    }
}
