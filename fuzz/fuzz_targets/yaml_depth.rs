//! The YAML reader under deep nesting: a fuzzed pattern repeated up to
//! 100,000 times around a fuzzed tail. Reading a tree must never overflow
//! the stack; past the depth limit it is an error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mendbook::api::SourceFile;

fuzz_target!(|input: (u8, u32, String)| {
    let (shape, repeat, tail) = input;
    let openers = ["- ", "[", "{a: ", "- [", "a:\n  ", "? ", "{", "[{x: "];
    let opener = openers[usize::from(shape) % openers.len()];
    let text = format!("{}{tail}", opener.repeat(repeat as usize % 100_000));
    let file = SourceFile::new("content/t.yaml", text.as_str());
    let _ = mendbook::api::check_tree(&file);
});
