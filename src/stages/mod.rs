//! The build's stages, each plain data in and plain data out: load the
//! content, check it, render markdown with resolved links, load the theme,
//! render pages, index them for search.

pub(crate) mod check;
pub(crate) mod links;
pub(crate) mod load;
pub(crate) mod markdown;
pub(crate) mod render;
pub(crate) mod search;
pub(crate) mod theme;
pub(crate) mod translations;
