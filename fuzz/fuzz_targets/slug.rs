//! Any text as a slug: URL-safe and idempotent.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let slug = mendbook::api::slugify(text);
    assert_eq!(mendbook::api::slugify(&slug), slug);
    assert!(slug.chars().all(|c| c == '-' || c.is_alphanumeric()));
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
});
