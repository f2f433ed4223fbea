//! The browser playground's entry point (built for wasm32 by Trunk).

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
