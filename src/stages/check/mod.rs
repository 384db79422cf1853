//! Checks that need the whole model: decision trees' flows and tests.

pub(crate) mod tree;
