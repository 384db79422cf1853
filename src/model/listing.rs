//! Listings split into pages: a section's or a tag's guides, `per` to a
//! page. The first page is the listing's own URL; the others are
//! `page/N/` under it (there is no `page/1/`).

use crate::base::paths::SitePath;

/// How a listing of some entries splits into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listing {
    /// Entries in all.
    pub(crate) entries: usize,
    /// Entries a page; none: all on one page.
    pub(crate) per: Option<usize>,
}

impl Listing {
    /// How many pages the listing takes: at least one, even when empty.
    pub(crate) fn pages(&self) -> usize {
        match self.per {
            Some(per) if per > 0 => self.entries.div_ceil(per).max(1),
            _ => 1,
        }
    }

    /// The range of entries on page `n` (from 1).
    pub(crate) fn range(&self, n: usize) -> std::ops::Range<usize> {
        match self.per {
            Some(per) if per > 0 => {
                let start = (n.saturating_sub(1) * per).min(self.entries);
                start..(start + per).min(self.entries)
            }
            _ => 0..self.entries,
        }
    }

    /// The page (from 1) entry `i` is on.
    pub(crate) fn page_of(&self, i: usize) -> usize {
        match self.per {
            Some(per) if per > 0 => i / per + 1,
            _ => 1,
        }
    }
}

/// The URL of page `n` of the listing at `url`.
pub(crate) fn page_url(url: &SitePath, n: usize) -> SitePath {
    if n <= 1 {
        return url.clone();
    }
    let number = n.to_string();
    let segments = url.as_str().split('/').chain(["page", number.as_str()]);
    SitePath::page(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_the_entries_and_only_later_pages_get_a_number() {
        let l = Listing {
            entries: 101,
            per: Some(50),
        };
        assert_eq!(l.pages(), 3);
        assert_eq!(l.range(1), 0..50);
        assert_eq!(l.range(3), 100..101);
        assert_eq!(l.page_of(49), 1);
        assert_eq!(l.page_of(50), 2);
        let all = Listing {
            entries: 7,
            per: None,
        };
        assert_eq!((all.pages(), all.range(1)), (1, 0..7));
        let empty = Listing {
            entries: 0,
            per: Some(10),
        };
        assert_eq!((empty.pages(), empty.range(1)), (1, 0..0));
        let guides = SitePath::page(["guides"]);
        assert_eq!(page_url(&guides, 1), guides);
        assert_eq!(page_url(&guides, 2).as_str(), "guides/page/2/");
        assert_eq!(page_url(&SitePath::root(), 3).as_str(), "page/3/");
    }
}
