//! The memory sink: the files `serve` answers from, kept as the last
//! complete build left them, so no request ever sees a half-built site.

use std::collections::HashMap;

use crate::base::artifact::{ChangeSet, Content};
use crate::base::paths::OutputPath;

/// Output path -> contents (copied assets are read from disk on request).
#[derive(Default)]
pub(crate) struct MemorySink {
    files: HashMap<OutputPath, Content>,
}

impl MemorySink {
    /// Applies a change set: written files replace or join the others,
    /// removed files go.
    pub(crate) fn apply(&mut self, changes: &ChangeSet) {
        for a in &changes.written {
            self.files.insert(a.path.clone(), a.content.clone());
        }
        for p in &changes.removed {
            self.files.remove(p);
        }
    }

    pub(crate) fn get(&self, path: &OutputPath) -> Option<&Content> {
        self.files.get(path)
    }

    pub(crate) fn contains(&self, path: &OutputPath) -> bool {
        self.files.contains_key(path)
    }
}
