//! `feed.xml`: an Atom 1.0 feed of the newest guides, for feed readers and
//! mailing tools. Written only when a base-url is set: Atom wants absolute
//! addresses.

use crate::base::paths::SitePath;
use crate::base::text::html_escape;
use crate::model::config::BaseUrl;
use crate::model::reserved::FEED_FILE;
use crate::model::site::{Page, PageKind, Site};

/// How many guides the feed lists.
pub(crate) const FEED_ENTRIES: usize = 50;

/// The guides the feed lists: dated, not drafts, newest first (by when they
/// changed, then when they were written), at most [`FEED_ENTRIES`].
fn entries(site: &Site) -> Vec<&Page> {
    let mut guides: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Guide && !p.draft && p.changed().is_some())
        .collect();
    guides.sort_by(|a, b| {
        b.changed()
            .cmp(&a.changed())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.url.cmp(&b.url))
    });
    guides.truncate(FEED_ENTRIES);
    guides
}

/// The feed's text. `base` gives every address in it.
pub(crate) fn atom(site: &Site, base: &BaseUrl) -> String {
    let config = &site.config;
    let entries = entries(site);
    // The newest entry's date; a feed with none says the epoch, so the
    // same site always gives the same file.
    let updated = entries
        .first()
        .and_then(|p| p.changed())
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let home = base.absolute(&SitePath::root());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        text(&config.language)
    ));
    out.push_str(&format!("  <title>{}</title>\n", text(&config.title)));
    if let Some(d) = config
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", text(d)));
    }
    out.push_str(&format!("  <id>{}</id>\n", text(&home)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        text(&base.absolute(&SitePath::file(FEED_FILE)))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        text(&home)
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    // Atom wants an author for the feed unless every entry has one.
    let mut names: Vec<&str> = config
        .authors
        .iter()
        .map(String::as_str)
        .filter(|n| !n.trim().is_empty())
        .collect();
    if names.is_empty() {
        names.push(&config.title);
    }
    authors(&mut out, "  ", &names);
    out.push_str(&format!(
        "  <generator uri=\"https://github.com/mendbook/mendbook\" version=\"{}\">mendbook</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for page in entries {
        entry(&mut out, page, base);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, page: &Page, base: &BaseUrl) {
    let url = text(&base.absolute(&page.url));
    out.push_str("  <entry>\n");
    out.push_str(&format!("    <title>{}</title>\n", text(&page.title)));
    out.push_str(&format!("    <id>{url}</id>\n"));
    out.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"
    ));
    if let Some(updated) = page.changed() {
        out.push_str(&format!("    <updated>{}</updated>\n", updated.rfc3339()));
    }
    if let Some(date) = page.date {
        out.push_str(&format!("    <published>{}</published>\n", date.rfc3339()));
    }
    let names: Vec<&str> = page.authors.iter().map(String::as_str).collect();
    authors(out, "    ", &names);
    for tag in &page.tags {
        out.push_str(&format!("    <category term=\"{}\"/>\n", text(tag)));
    }
    if let Some(d) = &page.description {
        out.push_str(&format!("    <summary>{}</summary>\n", text(d)));
    }
    out.push_str("  </entry>\n");
}

fn authors(out: &mut String, indent: &str, names: &[&str]) {
    for name in names.iter().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!(
            "{indent}<author><name>{}</name></author>\n",
            text(name)
        ));
    }
}

/// Text escaped for XML, without the control characters XML 1.0 forbids.
fn text(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    html_escape(&kept)
}
