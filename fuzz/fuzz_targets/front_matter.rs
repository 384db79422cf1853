//! Any text as a markdown page: the front-matter splitter must not panic,
//! and its spans must stay inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (_, body_start, problems) = mendbook::api::parse_for_fuzzing(text);
    let len = mendbook::api::normalise_text(text).len();
    assert!(body_start <= len);
    for d in problems {
        if let Some(at) = &d.location {
            assert!(at.1.end <= len + 1);
        }
    }
});
