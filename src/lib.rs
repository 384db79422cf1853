//! mendbook: a static site generator for recovery guides and decision trees.
//!
//! One engine in five layers, each importing only from those below it
//! (see ARCHITECTURE.md): `base` (diagnostics, paths, text, YAML,
//! artifacts) → `model` (config, the site, trees) → `stages` (load, check,
//! markdown, links, theme, render, search) → `engine` (the engine and its
//! sinks) → `app` (the command line, serve, watch, scaffolding).
//!
//! Everything is crate-private but [`api`], which the binary, the
//! integration tests and the fuzz targets use.

#![warn(unreachable_pub)]

pub mod api;
mod app;
mod base;
mod engine;
mod model;
mod stages;
