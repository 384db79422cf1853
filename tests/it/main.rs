//! mendbook's integration tests, one binary (as mdBook and ripgrep do):
//! each module drives the real `mendbook` binary on sites in temporary
//! folders and checks what an author or a reader would see.

mod build;
mod code_contrast;
mod common;
mod errors;
mod example_site;
mod feed;
mod includes;
mod invalid_inputs;
mod layers;
mod live_search;
mod oddities;
mod output_safety;
mod pagination;
mod scaffold;
mod search;
mod serve;
mod serve_load;
mod translations;
mod tree_map;
mod tree_rules;
mod trees;
mod trust;
