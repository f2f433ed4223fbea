//! Golden transcripts: every `tests/transcripts/*.sh` playground script runs through the
//! `stsplay run` logic (seed 1, `-f` paths relative to `tests/transcripts/`) and its transcript
//! must equal `<name>.out` byte for byte. Regenerate after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --test transcripts`, then read the diff critically: a golden
//! file freezes whatever the engine prints.

use std::path::{Path, PathBuf};
use stsplay::cli::{fs_resolver, session::Session};

fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    out.sort();
    out
}

#[test]
fn golden_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for script in scripts(&dir) {
        let text = std::fs::read_to_string(&script).expect("readable script");
        let mut s = Session::new(1, Some(fs_resolver(dir.clone())));
        let got = s.run_script(&text).unwrap_or_else(|e| panic!("{}: {e}", script.display()));
        // Determinism: a second run gives the same bytes.
        let again = Session::new(1, Some(fs_resolver(dir.clone()))).run_script(&text).expect("parses");
        assert_eq!(got, again, "{} is not deterministic", script.display());
        let golden = script.with_extension("out");
        if update {
            std::fs::write(&golden, &got).expect("writable golden file");
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != got {
            let first = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(want.lines().count().min(got.lines().count()));
            failures.push(format!(
                "{}: differs from {} at line {}\n  want: {:?}\n  got:  {:?}",
                script.display(),
                golden.display(),
                first + 1,
                want.lines().nth(first).unwrap_or("<end>"),
                got.lines().nth(first).unwrap_or("<end>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}\n(UPDATE_GOLDEN=1 regenerates)", failures.join("\n"));
}
