//! kubectl, the Kubernetes command-line client (`staging/src/k8s.io/kubectl`): parses a command
//! line, runs it against the simulated cluster through the API server layer, and prints what
//! kubectl v1.35 prints — same columns, spacing, wording and error messages.
//!
//! Entry point: [`run`]. A failed command never changes cluster state.

pub mod commands;
pub mod describe;
pub mod dig;
pub mod nslookup;
pub mod duration;
pub mod errors;
pub mod flags;
pub mod patch;
pub mod parse;
pub mod printers;
pub mod resources;
pub mod selector;
pub mod shell;
pub mod watch;
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
    /// Both streams interleaved in the order the command wrote them (what a terminal shows).
    pub combined: String,
    /// The byte ranges of [`Output::combined`] that were written to standard error, in order
    /// (adjacent writes merged), so a UI can colour the streams and keep their order.
    pub stderr_spans: Vec<std::ops::Range<usize>>,
}

/// Why a file named with `-f` could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// No such file (kubectl: `the path "x.yaml" does not exist`).
    NotFound,
    /// The name is a directory (the playground reads files only).
    Directory,
    /// Anything else, worded for the user.
    Other(String),
}

/// Resolves `-f NAME` to file text: the browser passes its editor tabs
/// ([`FileResolver::from_map`]), the CLI reads the file system relative to the script.
#[derive(Clone)]
pub struct FileResolver(std::rc::Rc<ResolveFn>);

/// What a [`FileResolver`] calls: file name → text.
type ResolveFn = dyn Fn(&str) -> Result<String, FileError>;

impl FileResolver {
    /// A resolver from a function.
    pub fn new(f: impl Fn(&str) -> Result<String, FileError> + 'static) -> FileResolver {
        FileResolver(std::rc::Rc::new(f))
    }

    /// A resolver over named texts (editor tabs): exact names, also matched without a leading `./`.
    pub fn from_map(files: std::collections::BTreeMap<String, String>) -> FileResolver {
        FileResolver::new(move |name| {
            let n = name.strip_prefix("./").unwrap_or(name);
            files.get(n).cloned().ok_or(FileError::NotFound)
        })
    }

    /// Reads one file.
    pub fn read(&self, name: &str) -> Result<String, FileError> {
        (self.0)(name)
    }
}

impl std::fmt::Debug for FileResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileResolver(..)")
    }
}

impl PartialEq for FileResolver {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for FileResolver {}

/// Session settings a command runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The kubeconfig context's namespace (used when `-n` is not given).
    pub namespace: String,
    /// Standard input (a heredoc for `apply -f -`), if any.
    pub stdin: Option<String>,
    /// Where `-f NAME` files come from; None: every name is "does not exist".
    pub files: Option<FileResolver>,
}

impl Default for Context {
    fn default() -> Self {
        Context { namespace: "default".into(), stdin: None, files: None }
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
    /// Where `-f` files come from.
    pub files: Option<FileResolver>,
    /// Standard output so far.
    pub out: String,
    /// Standard error so far.
    pub err: String,
    /// Both streams in write order.
    pub combined: String,
    /// The byte ranges of `combined` written to stderr ([`Output::stderr_spans`]).
    pub stderr_spans: Vec<std::ops::Range<usize>>,
    /// `get -w` hands its [`watch::Watch`] to the caller instead of running the clock.
    pub stream_watch: bool,
    /// The watch `get -w` started, when streaming.
    pub watch: Option<watch::Watch>,
    /// Exit code to use instead of 1 when the command fails (`exec`: the remote command's).
    pub exit_code: Option<i32>,
}

impl Env<'_> {
    /// Writes to stdout.
    pub fn print(&mut self, s: &str) {
        self.out.push_str(s);
        self.combined.push_str(s);
    }

    /// Writes a line to stdout.
    pub fn println(&mut self, s: &str) {
        self.print(s);
        self.print("\n");
    }

    /// Writes to stderr.
    pub fn eprint(&mut self, s: &str) {
        self.err.push_str(s);
        let start = self.combined.len();
        self.combined.push_str(s);
        let end = self.combined.len();
        match self.stderr_spans.last_mut() {
            Some(last) if last.end == start => last.end = end,
            _ if start < end => self.stderr_spans.push(start..end),
            _ => {}
        }
    }

    /// Writes a line to stderr.
    pub fn eprintln(&mut self, s: &str) {
        self.eprint(s);
        self.eprint("\n");
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
            let e = "error: unterminated quoted string in command line\n".to_string();
            let span = 0..e.len();
            return Output { stdout: String::new(), stderr: e.clone(), exit_code: 1, combined: e, stderr_spans: vec![span] };
        }
    };
    run_args(cluster, &words, ctx)
}

/// Runs an already tokenized command line.
pub fn run_args(cluster: &mut Cluster, words: &[String], ctx: &Context) -> Output {
    run_words(cluster, words, ctx, false).0
}

/// Runs a command line for a UI that streams watches: a `kubectl get -w` returns its initial
/// output and the [`watch::Watch`]; after each `cluster.step()`, pass the step's changes to
/// [`watch::Watch::poll`] and append what it returns. Any other command runs as [`run`] does.
pub fn start_watch(cluster: &mut Cluster, line: &str, ctx: &Context) -> (Output, Option<watch::Watch>) {
    match shell_words::split(line) {
        Ok(words) => run_words(cluster, &words, ctx, true),
        Err(_) => (run(cluster, line, ctx), None),
    }
}

fn run_words(cluster: &mut Cluster, words: &[String], ctx: &Context, stream_watch: bool) -> (Output, Option<watch::Watch>) {
    let words: &[String] = match words.first() {
        Some(w) if w == "kubectl" => &words[1..],
        _ => words,
    };
    let (out, watch, _) = with_env(cluster, ctx, stream_watch, |env| commands::dispatch(env, words));
    (out, watch)
}

/// Runs `f` as a kubectl command: an [`Env`] over the cluster and the context, the error (if
/// any) reported as `CheckErr` does, the writes flushed to the components. For the UI's own
/// entry points into a command (the browser's `kubectl edit`), which have no command line.
pub fn with_env<T>(
    cluster: &mut Cluster,
    ctx: &Context,
    stream_watch: bool,
    f: impl FnOnce(&mut Env) -> Result<T, CmdError>,
) -> (Output, Option<watch::Watch>, Option<T>) {
    let mut env = Env {
        cluster,
        namespace: ctx.namespace.clone(),
        explicit_namespace: false,
        stdin: ctx.stdin.clone(),
        files: ctx.files.clone(),
        out: String::new(),
        err: String::new(),
        combined: String::new(),
        stderr_spans: Vec::new(),
        stream_watch,
        watch: None,
        exit_code: None,
    };
    let (value, exit_code) = match f(&mut env) {
        Ok(v) => (Some(v), 0),
        Err(e) => {
            env.report(&e);
            (None, env.exit_code.unwrap_or(1))
        }
    };
    // Deliver the command's writes to the components (informers), as the watch would.
    env.cluster.flush();
    (
        Output { stdout: env.out, stderr: env.err, exit_code, combined: env.combined, stderr_spans: env.stderr_spans },
        env.watch,
        value,
    )
}
