//! The diagnostics printer: any span on any line, however long, renders
//! without panicking, in bounded output, with no control character left
//! for the terminal to act on.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mendbook::api::{Diagnostic, SourceFile};

fuzz_target!(|input: (u16, u32, u16, String, String)| {
    let (repeat, start, len, piece, message) = input;
    // Long lines out of short inputs: the piece repeated up to 4,096 times.
    let text = piece.repeat(usize::from(repeat % 4096) + 1);
    let file = SourceFile::new("content/a.md", text.as_str());
    let start = start as usize % (text.len() + 2);
    let d = Diagnostic::error(message.clone())
        .at(&file, start..start + usize::from(len))
        .label(piece.clone())
        .help(message);
    for color in [false, true] {
        let out = mendbook::api::render_diagnostic(&d, color);
        assert!(out.len() < 16_000, "{} bytes", out.len());
        if !color {
            assert!(
                !out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{out:?}"
            );
        }
    }
});
