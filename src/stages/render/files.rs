//! The files every site gets besides its pages: static theme files, the
//! highlighting stylesheet, content assets, redirects for aliases, the
//! sitemap, the feed, robots.txt, `.nojekyll` and CNAME.

use std::borrow::Cow;
use std::sync::Arc;

use crate::base::artifact::{Artifact, Content};
use crate::base::diagnostics::SourceFile;
use crate::base::paths::{percent_encode_path, OutputPath, SitePath};
use crate::base::text::html_escape;
use crate::model::config::Config;
use crate::model::listing::page_url;
use crate::model::reserved::{ASSET_DIR, FEED_FILE};
use crate::model::site::Site;
use crate::stages::markdown::Highlighter;
use crate::stages::theme::Theme;
use crate::stages::translations::Translations;

/// Files every site gets besides its pages: static theme files, the
/// highlighting stylesheet, content assets, aliases, sitemap, robots.txt,
/// `.nojekyll` and CNAME.
pub(super) fn generated_files(site: &Site, theme: &Theme) -> Vec<Artifact> {
    let config = &site.config;
    let mut files = Vec::new();
    let theme_key = config.located("theme");
    for (name, bytes) in &theme.static_files {
        files.push(Artifact {
            path: OutputPath::new(name.clone()),
            content: match bytes {
                Cow::Borrowed(b) => Content::Static(b),
                Cow::Owned(v) => Content::Bytes(Arc::from(v.as_slice())),
            },
            search: None,
            origin: Some(theme_key.clone()),
        });
    }
    files.push(
        Artifact::text(
            OutputPath::new(format!("{ASSET_DIR}/syntax.css")),
            Highlighter::stylesheet(),
        )
        .from(theme_key),
    );
    for asset in &site.assets {
        let shown = config.shown(&asset.src);
        files.push(Artifact {
            path: asset.url.output_path(),
            content: Content::Copy(asset.disk.clone()),
            search: None,
            origin: Some((SourceFile::new(shown, ""), 0..0)),
        });
    }
    for page in &site.pages {
        let span = crate::base::text::find_yaml_key(&page.file.text, "aliases").unwrap_or(0..0);
        for alias in &page.aliases {
            files.push(
                Artifact::text(
                    alias.output_path(),
                    redirect_page(config, &theme.translations, alias, &page.url, &page.title),
                )
                .from((page.file.clone(), span.clone())),
            );
        }
    }
    let book = config.located("title");
    files.push(Artifact::text(OutputPath::new(".nojekyll"), String::new()).from(book.clone()));
    if let Some(cname) = &config.cname {
        files.push(
            Artifact::text(OutputPath::new("CNAME"), format!("{}\n", cname.trim()))
                .from(config.located("cname")),
        );
    }
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &config.base_url {
        robots.push_str(&format!(
            "Sitemap: {}\n",
            base.absolute(&SitePath::file("sitemap.xml"))
        ));
        files.push(
            Artifact::text(OutputPath::new("sitemap.xml"), sitemap(site))
                .from(config.located("base-url")),
        );
        if config.writes_feed() {
            files.push(
                Artifact::text(OutputPath::new(FEED_FILE), super::feed::atom(site, base))
                    .from(config.located("base-url")),
            );
        }
    }
    files.push(Artifact::text(OutputPath::new("robots.txt"), robots).from(book));
    files
}

fn redirect_page(
    config: &Config,
    tr: &Translations,
    from: &SitePath,
    to: &SitePath,
    title: &str,
) -> String {
    let rel = html_escape(&percent_encode_path(&from.relative_to(to)));
    let canonical = match &config.base_url {
        Some(b) => html_escape(&b.absolute(to)),
        None => rel.clone(),
    };
    // The title is escaped with the sentence; the link goes in after.
    let heading = html_escape(&tr.fill("redirect.title", &[("title", title)]));
    let link = format!("<a href=\"{rel}\">{}</a>", html_escape(title));
    let moved = crate::base::text::substitute(&html_escape(tr.text("redirect.moved")), |n| {
        (n == "link").then(|| link.clone())
    });
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{heading}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={rel}\">\n</head>\n<body>\n<p>{moved}</p>\n</body>\n</html>\n",
        lang = html_escape(&config.language),
    )
}

fn sitemap(site: &Site) -> String {
    let Some(base) = &site.config.base_url else {
        return String::new();
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |url: &SitePath, lastmod: Option<String>| {
        out.push_str("  <url><loc>");
        out.push_str(&html_escape(&base.absolute(url)));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    };
    for page in &site.pages {
        entry(&page.url, page.changed().map(|d| d.iso()));
        for n in 2..=page.listing().pages() {
            entry(&page_url(&page.url, n), None);
        }
    }
    // A tree's later steps are not indexed; its first page and map are.
    for tree in site.trees.iter().filter(|t| !t.steps.is_empty()) {
        entry(&tree.url, None);
        entry(&tree.map_url(), None);
    }
    if !site.tags.is_empty() {
        entry(&SitePath::page(["tags"]), None);
        for tag in &site.tags {
            for n in 1..=tag.listing(site.config.paginate_by).pages() {
                entry(&page_url(&tag.url, n), None);
            }
        }
    }
    out.push_str("</urlset>\n");
    out
}
