//! mendbook: a static site generator for recovery guides and decision trees.
//!
//! The build runs in stages with plain data between them:
//! [`config`] → [`content`] (into the [`site`] model) → [`markdown`] with
//! [`links`] checked → [`render`] through a [`theme`] → [`output`].
//! [`pipeline`] wires the stages; [`cli`] is the only place that prints.

pub mod bounds;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod links;
pub mod live;
pub mod markdown;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod theme;
pub mod tree;
pub mod watch;
pub mod yaml;
