//! `stsplay`, the playground on the command line: `run` plays a script and prints its
//! transcript, `check` validates manifests as the API server would. The logic lives here (the
//! binary only does I/O) so it is testable.

pub mod check;
pub mod session;

use crate::kubectl::FileResolver;
#[cfg(not(target_arch = "wasm32"))]
use crate::kubectl::FileError;

/// `stsplay --help`.
pub const HELP: &str = "stsplay: the StatefulSet Playground's simulated cluster on the command line

Usage:
  stsplay run SCRIPT [--seed N]   play a playground script, print its transcript
  stsplay check FILE...           validate manifests as the API server would
  stsplay --help | --version

A script has one command per line: `kubectl ...` (heredocs like `kubectl apply -f - <<EOF`
work; `-f` paths are relative to the script) and `sim` directives:
  sim step [N]        run the next N changes (default 1)
  sim advance DUR     move the virtual clock forward (30s, 2m, 1m30s, 500ms)
  sim wait            run until the cluster settles; say what is stuck and why
  sim why             the controllers' latest decisions, in plain words
  sim time            the virtual clock
  sim fault [clear] crash POD [CONTAINER] | image IMAGE | readiness POD [CONTAINER]
                      | liveness POD [CONTAINER] | node NODE

`check` prints FILE:LINE:COL: message for each problem and exits 1 if any is an error.
";

/// What the process should print and exit with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

fn usage(msg: &str) -> CliOutput {
    CliOutput { stdout: String::new(), stderr: format!("stsplay: {msg}\nRun 'stsplay --help' for usage.\n"), code: 2 }
}

/// A resolver reading files relative to `base` (native only).
#[cfg(not(target_arch = "wasm32"))]
pub fn fs_resolver(base: std::path::PathBuf) -> FileResolver {
    FileResolver::new(move |name| {
        let p = base.join(name);
        if p.is_dir() {
            return Err(FileError::Directory);
        }
        std::fs::read_to_string(&p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::NotFound,
            _ => FileError::Other(format!("error reading {name}: {e}")),
        })
    })
}

/// Runs `stsplay` with its arguments (without the program name); `read` reads a file by path.
pub fn main_with(args: &[String], read: &dyn Fn(&str) -> Result<String, String>, files_for: &dyn Fn(&str) -> Option<FileResolver>) -> CliOutput {
    let Some(cmd) = args.first() else { return CliOutput { stdout: HELP.into(), ..Default::default() } };
    match cmd.as_str() {
        "--help" | "-h" | "help" => CliOutput { stdout: HELP.into(), ..Default::default() },
        "--version" | "-V" | "version" => CliOutput {
            stdout: format!("stsplay {} (simulating Kubernetes v1.35 StatefulSets)\n", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        },
        "run" => {
            let mut script = None;
            let mut seed = 1u64;
            let mut i = 1;
            while i < args.len() {
                let a = &args[i];
                if a == "--seed" || a.starts_with("--seed=") {
                    let v = match a.strip_prefix("--seed=") {
                        Some(v) => v.to_string(),
                        None => {
                            i += 1;
                            match args.get(i) {
                                Some(v) => v.clone(),
                                None => return usage("--seed needs a number"),
                            }
                        }
                    };
                    match v.parse() {
                        Ok(n) => seed = n,
                        Err(_) => return usage(&format!("--seed: not a number: {v:?}")),
                    }
                } else if script.is_none() && !a.starts_with('-') {
                    script = Some(a.clone());
                } else {
                    return usage(&format!("unexpected argument {a:?}"));
                }
                i += 1;
            }
            let Some(path) = script else { return usage("run needs a SCRIPT") };
            let text = match read(&path) {
                Ok(t) => t,
                Err(e) => return CliOutput { stderr: format!("stsplay: {e}\n"), code: 1, ..Default::default() },
            };
            let mut s = session::Session::new(seed, files_for(&path));
            match s.run_script(&text) {
                Ok(t) => CliOutput { stdout: t, ..Default::default() },
                Err(e) => CliOutput { stderr: format!("stsplay: {path}: {e}\n"), code: 1, ..Default::default() },
            }
        }
        "check" => {
            if args.len() < 2 {
                return usage("check needs at least one FILE");
            }
            let mut texts = Vec::new();
            let mut out = CliOutput::default();
            for f in &args[1..] {
                match read(f) {
                    Ok(t) => texts.push((f.clone(), t)),
                    Err(e) => {
                        out.stderr.push_str(&format!("stsplay: {e}\n"));
                        out.code = 1;
                    }
                }
            }
            let r = check::check(&texts);
            for l in &r.lines {
                out.stdout.push_str(l);
                out.stdout.push('\n');
            }
            if r.invalid {
                out.code = 1;
            }
            out
        }
        other => usage(&format!("unknown command {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_file(p: &str) -> Result<String, String> {
        Err(format!("cannot read {p}: no such file"))
    }

    #[test]
    fn arguments_and_errors() {
        let none = |_: &str| None;
        let w = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert!(main_with(&w("--help"), &no_file, &none).stdout.starts_with("stsplay: "));
        assert!(main_with(&w("--version"), &no_file, &none).stdout.starts_with("stsplay 0."));
        assert_eq!(main_with(&w("frob"), &no_file, &none).code, 2);
        assert_eq!(main_with(&w("run"), &no_file, &none).code, 2);
        assert_eq!(main_with(&w("run x.sh --seed abc"), &no_file, &none).code, 2);
        let o = main_with(&w("run x.sh"), &no_file, &none);
        assert_eq!((o.stderr.as_str(), o.code), ("stsplay: cannot read x.sh: no such file\n", 1));
        let read = |_: &str| Ok("kubectl get sts\nls\n".to_string());
        let o = main_with(&w("run x.sh"), &read, &none);
        assert_eq!(o.stderr, "stsplay: x.sh: line 2: expected a `kubectl …`, `sim …` or `echo …` command, found \"ls\"\n");
    }
}
