//! The site as data: its configuration, its pages, trees, tags and URLs,
//! and the decision-tree model.

pub(crate) mod config;
pub(crate) mod date;
pub(crate) mod included;
pub(crate) mod listing;
pub(crate) mod reserved;
pub(crate) mod site;
pub(crate) mod tree;
