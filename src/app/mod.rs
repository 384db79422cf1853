//! The top layer: the command line, the live preview and `watch`, and
//! scaffolding. Only this layer prints, picks exit codes, spawns threads
//! (beyond rayon's) and talks to tokio or notify.

pub mod cli;
pub mod indexer;
pub mod live;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod watch;
