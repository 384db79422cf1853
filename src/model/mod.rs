//! The site as data: its configuration, its pages, trees, tags and URLs,
//! and the decision-tree model.

pub mod config;
pub mod reserved;
pub mod site;
pub mod tree;
