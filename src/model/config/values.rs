//! Values of book.toml checked one by one: the base-url, the edit-url and
//! the language.

/// Where the site is published: scheme and host, and the path prefix
/// (`/recovery/` for a GitHub Pages project site, `/` at a domain root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    /// `https://example.github.io`, no trailing slash.
    pub(crate) origin: String,
    /// Always starts and ends with `/`.
    pub(crate) prefix: String,
}

impl BaseUrl {
    /// Parses an absolute http(s) URL with the `url` crate. Whitespace and
    /// control characters are refused rather than quietly dropped (as URL
    /// parsers do), since they would otherwise reach `robots.txt` and every
    /// canonical link as written.
    pub(crate) fn parse(url: &str) -> Result<BaseUrl, String> {
        let shown = crate::base::text::sanitise(url, 200);
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "`{shown}` contains spaces or control characters; write them as %20 and the like"
            ));
        }
        let parsed = url::Url::parse(url).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => {
                format!("`{shown}` is not an absolute URL (it needs https://)")
            }
            e => format!("`{shown}` is not a valid URL: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("`{shown}` must start with http:// or https://"));
        }
        let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
            return Err(format!("`{shown}` has no host name"));
        };
        if parsed.query().is_some() || parsed.fragment().is_some() || url.contains(['?', '#']) {
            return Err(format!("`{shown}` must not have a query or fragment"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!("`{shown}` must not hold a user name or password"));
        }
        let origin = match parsed.port() {
            Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
            None => format!("{}://{host}", parsed.scheme()),
        };
        // Kept decoded: pages and the preview server compare decoded paths,
        // and `absolute` encodes the whole path once.
        let decoded = crate::base::paths::percent_decode(parsed.path());
        if decoded.chars().any(char::is_control) || decoded.split('/').any(|s| s == "..") {
            return Err(format!("`{shown}` has an invalid path"));
        }
        let trimmed = decoded.trim_matches('/');
        let prefix = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        Ok(BaseUrl { origin, prefix })
    }

    /// The absolute URL of a site path, percent-encoded: the one encoding
    /// canonical links, the sitemap and robots.txt all use.
    pub(crate) fn absolute(&self, path: &crate::base::paths::SitePath) -> String {
        format!(
            "{}{}",
            self.origin,
            crate::base::paths::percent_encode_path(&format!("{}{}", self.prefix, path.as_str()))
        )
    }

    /// The site's path prefix, percent-encoded, for links that must be
    /// absolute (the 404 page's).
    pub(crate) fn encoded_prefix(&self) -> String {
        crate::base::paths::percent_encode_path(&self.prefix)
    }
}

/// `[site] edit-url`: an http(s) URL with `{path}` where the source file's
/// path from the site root goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EditUrl(String);

impl EditUrl {
    pub(crate) fn parse(written: &str) -> Result<EditUrl, String> {
        let shown = crate::base::text::sanitise(written, 200);
        if !written.contains("{path}") {
            return Err(format!(
                "`{shown}` has no `{{path}}`, where the page's file goes"
            ));
        }
        if written.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("`{shown}` contains spaces or control characters"));
        }
        match url::Url::parse(&written.replace("{path}", "x")) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                Ok(EditUrl(written.to_string()))
            }
            _ => Err(format!(
                "`{shown}` is not an absolute http:// or https:// URL"
            )),
        }
    }

    /// The link for the file at `path` (`content/recover/apologize.md`),
    /// percent-encoded.
    pub(crate) fn for_path(&self, path: &str) -> String {
        self.0
            .replace("{path}", &crate::base::paths::percent_encode_path(path))
    }
}

/// A language tag as BCP 47 defines it (`en`, `fr`, `pt-BR`), checked.
pub(crate) fn check_language(tag: &str) -> Result<(), String> {
    let shown = crate::base::text::sanitise(tag, 60);
    match oxilangtag::LanguageTag::parse(tag) {
        Ok(_) if tag.len() <= 35 => Ok(()),
        Ok(_) => Err(format!(
            "the language tag `{shown}` is longer than 35 characters"
        )),
        Err(e) => Err(format!("`{shown}` is not a language tag: {e}")),
    }
}

/// The primary language of a tag: `pt` for `pt-BR`, lowercase. Search picks
/// its word stemming by this.
pub(crate) fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase()
}
