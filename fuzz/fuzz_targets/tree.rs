//! Any text as a decision tree: parsing, validation and unfolding must not
//! panic, and a valid tree's step URLs are unique.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mendbook::diagnostics::{Diagnostic, SourceFile};
use mendbook::tree::{parse, validate};

fuzz_target!(|text: &str| {
    let file = SourceFile::new("content/t.yaml", text);
    let (Some(tree), found) = parse::parse(&file) else { return };
    if found.iter().any(Diagnostic::is_error) {
        return;
    }
    if validate::check_structure(&tree, &file).iter().any(Diagnostic::is_error) {
        return;
    }
    if let (Some(steps), _) = validate::check_paths(&tree, &file) {
        let mut urls: Vec<String> = steps.iter().map(|s| s.rel_url()).collect();
        let n = urls.len();
        urls.sort();
        urls.dedup();
        assert_eq!(urls.len(), n);
    }
});
