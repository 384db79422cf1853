//! The `mendbook` binary: everything lives in the library; see `cli`.

// Why mimalloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its place in `mi_option_e` in
/// mimalloc.h (v2 and v3 alike), which the Rust bindings do not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    mendbook::api::main_with(|| {
        // `serve` and `watch` drop and remake pages on every edit, seconds
        // apart. mimalloc handed the freed memory back to the system in
        // between, so each edit faulted it in again: 47 ms from edit to
        // reload at 10,000 guides became 70. A build, which peaks once,
        // keeps the default.
        // SAFETY: sets one of mimalloc's integer options; any value is
        // valid, and -1 means "never purge".
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    })
}
