//! The `mendbook` binary: everything lives in the library; see `cli`.

// Why mimalloc: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mendbook::api::main()
}
