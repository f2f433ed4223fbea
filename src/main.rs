//! The browser playground's entry point (built for wasm32 by Trunk).

/// talc instead of Rust's default dlmalloc: a step that creates 1,000 pods makes hundreds of
/// thousands of small allocations, and talc serves them faster in less code.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    stsplay::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in a browser: build it with `trunk build` (see README.md).");
    eprintln!("For the command line, run the `stsplay` binary.");
    std::process::exit(2);
}
