//! `stsplay`: the playground's engine on the command line.
fn main() {
    eprintln!("stsplay: not built yet");
    std::process::exit(2);
}
