//! The browser playground's entry point (built for wasm32 by Trunk).

/// talc instead of Rust's default dlmalloc: a step that creates 1,000 pods makes hundreds of
/// thousands of small allocations, and talc serves them faster in less code. Its memory grows
/// in large pieces ([`stsplay::ui::heap`]).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::cell::TalcSyncCell<stsplay::ui::heap::GrowingHeap, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(stsplay::ui::heap::GrowingHeap::new());

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
