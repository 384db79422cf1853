//! Any text as a decision tree: parsing, validation and unfolding must not
//! panic, and a valid tree's step URLs are unique.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mendbook::api::{check_tree, SourceFile};

fuzz_target!(|text: &str| {
    let file = SourceFile::new("content/t.yaml", text);
    if let (_, Some(mut urls)) = check_tree(&file) {
        let n = urls.len();
        urls.sort();
        urls.dedup();
        assert_eq!(urls.len(), n);
    }
});
