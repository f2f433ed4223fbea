//! kubectl, the Kubernetes command-line client (`staging/src/k8s.io/kubectl`): parses a command
//! line, runs it against the simulated cluster through the API server layer, and prints what
//! kubectl v1.35 prints — same columns, spacing, wording and error messages.
//!
//! Entry point: [`run`]. A failed command never changes cluster state.

pub mod commands;
pub mod describe;
pub mod duration;
pub mod errors;
pub mod flags;
pub mod patch;
pub mod parse;
pub mod printers;
pub mod resources;
pub mod selector;
#[cfg(test)]
pub mod testutil;

use crate::engine::sim::Cluster;
use errors::CmdError;

/// What a command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error (errors, warnings, "No resources found …").
    pub stderr: String,
    /// Process exit code: 0 on success, 1 on error.
    pub exit_code: i32,
}

/// Session settings a command runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The kubeconfig context's namespace (used when `-n` is not given).
    pub namespace: String,
    /// Standard input (a heredoc for `apply -f -`), if any.
    pub stdin: Option<String>,
}

impl Default for Context {
    fn default() -> Self {
        Context { namespace: "default".into(), stdin: None }
    }
}

/// Everything a running command can touch: the cluster, the effective namespace, stdin and the
/// output streams.
pub struct Env<'a> {
    /// The simulated cluster.
    pub cluster: &'a mut Cluster,
    /// Effective namespace (`-n`, else the context's).
    pub namespace: String,
    /// Whether `-n` was given explicitly.
    pub explicit_namespace: bool,
    /// Standard input.
    pub stdin: Option<String>,
    /// Standard output so far.
    pub out: String,
    /// Standard error so far.
    pub err: String,
}

impl Env<'_> {
    /// Writes to stdout.
    pub fn print(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Writes a line to stdout.
    pub fn println(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// Writes a line to stderr.
    pub fn eprintln(&mut self, s: &str) {
        self.err.push_str(s);
        self.err.push('\n');
    }

    /// Prints an error as kubectl's `CheckErr` would, without ending the command (for the
    /// per-object errors of multi-object commands).
    pub fn report(&mut self, e: &CmdError) {
        let s = e.to_string();
        self.eprintln(&s);
    }
}

/// Runs one kubectl command line (with or without the leading `kubectl`).
pub fn run(cluster: &mut Cluster, line: &str, ctx: &Context) -> Output {
    let words = match shell_words::split(line) {
        Ok(w) => w,
        Err(_) => {
            return Output { stdout: String::new(), stderr: "error: unterminated quoted string in command line\n".into(), exit_code: 1 }
        }
    };
    run_args(cluster, &words, ctx)
}

/// Runs an already tokenized command line.
pub fn run_args(cluster: &mut Cluster, words: &[String], ctx: &Context) -> Output {
    let words: &[String] = match words.first() {
        Some(w) if w == "kubectl" => &words[1..],
        _ => words,
    };
    let mut env = Env {
        cluster,
        namespace: ctx.namespace.clone(),
        explicit_namespace: false,
        stdin: ctx.stdin.clone(),
        out: String::new(),
        err: String::new(),
    };
    let result = commands::dispatch(&mut env, words);
    let mut exit_code = 0;
    if let Err(e) = result {
        env.report(&e);
        exit_code = 1;
    }
    // Deliver the command's writes to the components (informers), as the watch would.
    env.cluster.flush();
    Output { stdout: env.out, stderr: env.err, exit_code }
}
