//! mendbook: a static site generator for recovery guides and decision trees.
//!
//! One engine in five layers, each importing only from those below it
//! (see ARCHITECTURE.md):
//! [`base`] (diagnostics, paths, text, YAML, artifacts) → [`model`] (config,
//! the site, trees) → [`stages`] (load, check, markdown, links, theme,
//! render, search) → [`engine`] (the engine and its sinks) → [`app`] (the
//! command line, serve, watch, scaffolding).

pub mod app;
pub mod base;
pub mod engine;
pub mod model;
pub mod stages;
