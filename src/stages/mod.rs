//! The build's stages, each plain data in and plain data out: load the
//! content, check it, render markdown with resolved links, load the theme,
//! render pages, index them for search.

pub mod check;
pub mod links;
pub mod load;
pub mod markdown;
pub mod render;
pub mod search;
pub mod theme;
