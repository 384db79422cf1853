//! The bottom layer: what every other layer speaks. Diagnostics, the three
//! kinds of path, reading source text, the YAML reader, and the guard on
//! what may be read.

pub(crate) mod artifact;
pub(crate) mod bounds;
pub(crate) mod diagnostics;
pub(crate) mod paths;
pub(crate) mod text;
pub(crate) mod yaml;
