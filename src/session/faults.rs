//! `sim fault …`: the words of a fault directive (script, console, a pod's menu) turned into an
//! engine fault, applied or cleared.
//!
//! ```text
//! sim fault crash POD [CONTAINER]        sim fault clear crash POD [CONTAINER]
//! sim fault image IMAGE                  sim fault clear image IMAGE
//! sim fault readiness POD [CONTAINER]    sim fault clear readiness POD [CONTAINER]
//! sim fault node NODE                    sim fault clear node NODE
//! ```

use crate::engine::sim::Cluster;

/// Usage text for a malformed fault directive.
pub const USAGE: &str = "usage: sim fault [clear] crash POD [CONTAINER] | image IMAGE | readiness POD [CONTAINER] | node NODE";

/// Applies (or with a leading `clear`, undoes) the fault the words describe; returns a note on
/// what will happen.
pub fn run(c: &mut Cluster, words: &[String]) -> Result<String, String> {
    let (clear, words) = match words.first().map(String::as_str) {
        Some("clear") => (true, &words[1..]),
        _ => (false, words),
    };
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["crash" | "image" | "readiness" | "node", _] | ["crash" | "readiness", _, _] => engine_fault(c, clear, &w),
        _ => Err(USAGE.to_string()),
    }
}

fn engine_fault(_c: &mut Cluster, _clear: bool, _w: &[&str]) -> Result<String, String> {
    Err("faults are not available in this build yet".into())
}
