//! `stsplay`: the playground's engine on the command line (see `stsplay --help`). All logic is
//! in `stsplay::cli`; this file only reads files and writes the streams.

/// mimalloc: the engine makes many small, short-lived allocations, which it serves about a quarter
/// faster than glibc's malloc (see the README's benchmarks, which use it too).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    use std::path::Path;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"));
    let files_for = |script: &str| {
        let base = Path::new(script).parent().map(Path::to_path_buf).unwrap_or_default();
        Some(stsplay::cli::fs_resolver(base))
    };
    let out = stsplay::cli::main_with(&args, &read, &files_for);
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}

/// The CLI reads files and has no browser build; wasm test builds compile every binary, so this
/// one is an empty program there.
#[cfg(target_arch = "wasm32")]
fn main() {}
