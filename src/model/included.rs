//! A page's body once its `{{#include}}` lines are replaced by the files
//! they name: the pasted text, where each piece of it was written (so a
//! problem in pasted text is reported in the file it came from, at its own
//! line), and which files were pasted (so `serve` knows which pages to
//! render again when one of them changes).

use std::ops::Range;
use std::sync::Arc;

use crate::base::diagnostics::{Diagnostic, SourceFile};
use crate::base::paths::SourcePath;

/// A stretch of the pasted text, copied from one file.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// Where the stretch starts in the pasted text.
    pub(crate) at: usize,
    /// The file it was written in.
    pub(crate) src: SourcePath,
    pub(crate) file: SourceFile,
    /// Where the stretch starts in that file.
    pub(crate) offset: usize,
}

/// What a page's includes gave: nothing at all for a page without one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Included {
    /// The body with every include pasted in; `None` when the page has no
    /// `{{#include}}` line, and its body is its file's text.
    pub(crate) text: Option<Arc<str>>,
    /// The stretches of `text`, in order.
    pub(crate) pieces: Vec<Piece>,
    /// Every file the page includes, at any depth: the page's edges of the
    /// site's include graph.
    pub(crate) files: Vec<SourcePath>,
    /// Includes that failed: a missing file, a loop, a path out of the
    /// content folder, too deep or too big.
    pub(crate) problems: Vec<Diagnostic>,
}

impl Included {
    /// The file a span of the pasted text was written in, with the span in
    /// that file's text; `None` when there is no pasted text.
    pub(crate) fn place(
        &self,
        span: &Range<usize>,
    ) -> Option<(&SourcePath, &SourceFile, Range<usize>)> {
        let i = self.pieces.partition_point(|p| p.at <= span.start);
        let piece = self.pieces.get(i.checked_sub(1)?)?;
        // A span never reaches past its piece: one link is written in one file.
        let piece_end = self.pieces.get(i).map_or(usize::MAX, |next| next.at);
        let start = piece.offset + (span.start - piece.at);
        let end = piece.offset + (span.end.min(piece_end).max(span.start) - piece.at);
        Some((&piece.src, &piece.file, start..end))
    }
}
