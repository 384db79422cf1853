//! The top layer: the command line, the live preview and `watch`, and
//! scaffolding. Only this layer prints, picks exit codes, spawns threads
//! (beyond rayon's) and talks to tokio or notify.

pub(crate) mod cli;
pub(crate) mod indexer;
pub(crate) mod live;
pub(crate) mod report;
pub(crate) mod scaffold;
pub(crate) mod serve;
pub(crate) mod watch;
