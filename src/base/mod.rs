//! The bottom layer: what every other layer speaks. Diagnostics, the three
//! kinds of path, reading source text, the YAML reader, and the guard on
//! what may be read.

pub mod artifact;
pub mod bounds;
pub mod diagnostics;
pub mod paths;
pub mod text;
pub mod yaml;
