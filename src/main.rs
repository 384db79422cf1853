//! The `mendbook` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    mendbook::api::main()
}
