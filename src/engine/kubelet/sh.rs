//! The shell a container's main process often is (busybox `sh`, dash, bash), and the few
//! programs such a process runs (`echo`, `true`, `false`, `sleep`, `tail -f`), interpreted only
//! as far as deciding whether and when the process ends and what it prints first.
//!
//! A `-c` script is read as a list of simple commands joined by `;`, newlines, `&&` and `||`,
//! with `while true; do …; done` (or `while :`) running forever. Anything else (pipes,
//! redirections, `$(…)`, unknown programs) is not understood, and the process is then assumed
//! to keep running: the playground never invents a crash.

/// How the process ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It exits after this long, with this code.
    Exits {
        /// Running time.
        after_ms: u64,
        /// Exit code.
        code: i32,
    },
    /// It runs until stopped (`sleep infinity`, `tail -f`, `while true`, a shell waiting on stdin).
    Forever,
    /// Not understood from here on: assumed to keep running.
    Unknown,
}

/// What the process does: its output (stdout and stderr, as `kubectl logs` merges them), how it
/// ends, and for a `while true` loop the lines each pass prints and how long a pass takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Lines printed before it blocks or exits.
    pub output: Vec<String>,
    /// How it ends.
    pub outcome: Outcome,
    /// A forever loop's lines per pass and the pass's duration (ms).
    pub repeat: Option<(Vec<String>, u64)>,
}

/// The shells that interpret `-c` scripts.
pub fn is_shell(program: &str) -> bool {
    matches!(base(program), "sh" | "bash" | "ash" | "dash")
}

fn base(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
}

/// Runs a program with its arguments (a shell, or one of the programs above). `stdin`: the
/// container has an open stdin (`stdin: true`), so a shell without a script waits on it.
/// `var` looks up the container's environment.
pub fn program(argv: &[String], stdin: bool, var: &dyn Fn(&str) -> Option<String>) -> Run {
    let Some(prog) = argv.first() else { return unknown(Vec::new()) };
    if !is_shell(prog) {
        let mut st = State::default();
        let step = simple(&mut st, argv);
        return st.finish(step);
    }
    // `sh [-eux…] -c SCRIPT [NAME ARGS…]`, or `sh` alone: a shell reading commands from stdin.
    let mut errexit = false;
    let mut rest = argv[1..].iter();
    while let Some(a) = rest.next() {
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_alphabetic())) else {
            // A script file (`sh /scripts/run.sh`): not read.
            return unknown(Vec::new());
        };
        errexit |= flags.contains('e');
        if flags.contains('c') {
            let Some(script) = rest.next() else { return unknown(Vec::new()) };
            return script_run(script, errexit, var);
        }
        if flags.bytes().any(|b| !matches!(b, b'e' | b'u' | b'x' | b'i' | b'l')) {
            return unknown(Vec::new());
        }
    }
    if stdin {
        Run { output: Vec::new(), outcome: Outcome::Forever, repeat: None }
    } else {
        // No stdin: the shell reads end-of-file at once and exits 0.
        Run { output: Vec::new(), outcome: Outcome::Exits { after_ms: 0, code: 0 }, repeat: None }
    }
}

/// The command line a shell's process becomes, when it stops being the shell: `sh -c "…; exec
/// nginx -g 'daemon off;'"` replaces the shell with nginx. A `-c` script of a single simple
/// command is taken to be run in place of the shell too, as bash does (its `ONESHOT` path); for
/// other shells this is the playground's assumption, which only matters for a lone server
/// command (`sleep` and the shell both ignore the stop signal as PID 1). None when the shell
/// itself stays the process (a list, a loop, no script). Variables are not looked up: only the
/// program's name matters here.
pub fn exec_target(argv: &[String]) -> Option<Vec<String>> {
    let mut rest = argv.get(1..)?.iter();
    let script = loop {
        let a = rest.next()?;
        let flags = a.strip_prefix('-').filter(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_alphabetic()))?;
        if flags.contains('c') {
            break rest.next()?;
        }
    };
    let Some(toks) = tokenize(script, &|_| Some(String::new())) else {
        // A script the tokenizer does not read (redirections, pipes): its last `exec WORD`.
        let at = script.rfind("exec ")?;
        let word = script[at + 5..].split_whitespace().next()?.trim_matches(|c| c == '\'' || c == '"');
        return (!word.is_empty()).then(|| vec![word.to_string()]);
    };
    let cmds: Vec<Vec<String>> = commands(&toks).into_iter().map(|(_, w)| w).filter(|w| !w.is_empty()).collect();
    if let Some(w) = cmds.iter().find(|w| w[0] == "exec" && w.len() > 1) {
        return Some(w[1..].to_vec());
    }
    match cmds.as_slice() {
        [only] if !matches!(only[0].as_str(), "while" | "until" | "exit" | "exec") => Some(only.clone()),
        _ => None,
    }
}

fn unknown(output: Vec<String>) -> Run {
    Run { output, outcome: Outcome::Unknown, repeat: None }
}

/// One token of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// `;` or a newline.
    Semi,
    And,
    Or,
}

/// Splits a script into words and list operators, expanding `$NAME` and `${NAME}` from the
/// environment. None when the script uses anything else.
fn tokenize(s: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => word.push(c),
            (_, '$') => {
                let braced = chars.peek() == Some(&'{');
                if braced {
                    chars.next();
                }
                let mut name = String::new();
                while let Some(&c) = chars.peek() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    name.push(c);
                    chars.next();
                }
                if braced && chars.next() != Some('}') {
                    return None;
                }
                word.push_str(&var(&name).filter(|_| !name.is_empty())?);
                in_word = true;
            }
            (_, '`') => return None,
            (Some(_), '\\') => match chars.next() {
                Some(c @ ('"' | '\\' | '$')) => word.push(c),
                Some(c) => {
                    word.push('\\');
                    word.push(c);
                }
                None => return None,
            },
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(c) = chars.next().filter(|c| *c != '\n') {
                    word.push(c);
                    in_word = true;
                }
            }
            (None, ' ' | '\t' | '\n' | ';' | '&' | '|') => {
                if in_word {
                    out.push(Tok::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                match ch {
                    '\n' | ';' => out.push(Tok::Semi),
                    '&' if chars.next_if_eq(&'&').is_some() => out.push(Tok::And),
                    '|' if chars.next_if_eq(&'|').is_some() => out.push(Tok::Or),
                    // A background job or a pipe.
                    '&' | '|' => return None,
                    _ => {}
                }
            }
            (None, '#') if !in_word => {
                while chars.next_if(|c| *c != '\n').is_some() {}
            }
            (None, '<' | '>' | '(' | ')' | '*' | '?' | '[' | '{' | '}') => return None,
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    if in_word {
        out.push(Tok::Word(word));
    }
    Some(out)
}

/// The running script's state.
#[derive(Default)]
struct State {
    output: Vec<String>,
    elapsed_ms: u64,
    status: i32,
    errexit: bool,
}

/// What one simple command did.
enum Step {
    /// Finished with this status.
    Status(i32),
    /// The shell ends (`exit N`, or an `exec`'d program that ended).
    Exit(i32),
    /// Runs forever from here.
    Forever,
    /// Not understood.
    Unknown,
}

impl State {
    fn finish(&mut self, step: Step) -> Run {
        let output = std::mem::take(&mut self.output);
        let outcome = match step {
            Step::Status(code) | Step::Exit(code) => Outcome::Exits { after_ms: self.elapsed_ms, code },
            Step::Forever => Outcome::Forever,
            Step::Unknown => Outcome::Unknown,
        };
        Run { output, outcome, repeat: None }
    }
}

/// `sleep`'s operands (busybox and coreutils: a number with an optional `s`/`m`/`h`/`d` suffix,
/// several summed); None for `infinity`. Err when not understood.
fn sleep_ms(args: &[String]) -> Result<Option<u64>, ()> {
    if args.is_empty() {
        return Err(());
    }
    let mut total = 0f64;
    for a in args {
        if matches!(a.as_str(), "infinity" | "inf") {
            return Ok(None);
        }
        let (num, unit) = match a.char_indices().last() {
            Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&a[..i], c),
            _ => (a.as_str(), 's'),
        };
        let n: f64 = num.parse().map_err(|_| ())?;
        if !n.is_finite() || n < 0.0 {
            return Err(());
        }
        let scale = match unit {
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            _ => 1.0,
        };
        total += n * scale;
    }
    Ok(Some((total * 1000.0) as u64))
}

/// Runs one simple command (already split into words).
fn simple(st: &mut State, words: &[String]) -> Step {
    let Some(prog) = words.first() else { return Step::Status(st.status) };
    let args = &words[1..];
    match base(prog) {
        "exec" if args.is_empty() => Step::Status(0),
        "exec" => match simple(st, args) {
            Step::Status(code) => Step::Exit(code),
            other => other,
        },
        "exit" => match args.first().map(|a| a.parse::<i64>()) {
            None => Step::Exit(st.status),
            Some(Ok(n)) => Step::Exit((n & 0xff) as i32),
            Some(Err(_)) => Step::Unknown,
        },
        "true" | ":" => Step::Status(0),
        "false" => Step::Status(1),
        "echo" => {
            let text: Vec<&str> = args.iter().map(String::as_str).skip_while(|a| *a == "-n").collect();
            if text.iter().any(|a| a.contains('\\')) {
                // Escape handling differs between shells' echo.
                return Step::Unknown;
            }
            st.output.push(text.join(" "));
            Step::Status(0)
        }
        "sleep" => match sleep_ms(args) {
            Ok(Some(ms)) => {
                st.elapsed_ms += ms;
                Step::Status(0)
            }
            Ok(None) => Step::Forever,
            Err(()) => Step::Unknown,
        },
        "tail" if args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(['f', 'F']) || a == "--follow") => {
            Step::Forever
        }
        "set" if !args.is_empty() && args.iter().all(|a| a.strip_prefix('-').is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b == b'e' || b == b'u'))) => {
            st.errexit |= args.iter().any(|a| a.contains('e'));
            Step::Status(0)
        }
        _ => Step::Unknown,
    }
}

/// Runs a `-c` script.
fn script_run(script: &str, errexit: bool, var: &dyn Fn(&str) -> Option<String>) -> Run {
    let Some(toks) = tokenize(script, var) else { return unknown(Vec::new()) };
    let mut st = State { errexit, ..Default::default() };
    run_list(&mut st, &toks)
}

/// Splits tokens into simple commands with the operator before each.
fn commands(toks: &[Tok]) -> Vec<(Tok, Vec<String>)> {
    let mut out: Vec<(Tok, Vec<String>)> = vec![(Tok::Semi, Vec::new())];
    for t in toks {
        match t {
            Tok::Word(w) => {
                if let Some(last) = out.last_mut() {
                    last.1.push(w.clone());
                }
            }
            op => out.push((op.clone(), Vec::new())),
        }
    }
    out
}

fn run_list(st: &mut State, toks: &[Tok]) -> Run {
    let cmds = commands(toks);
    let mut i = 0;
    while i < cmds.len() {
        let (op, words) = &cmds[i];
        i += 1;
        let skip = match op {
            Tok::And => st.status != 0,
            Tok::Or => st.status == 0,
            _ => false,
        };
        if words.is_empty() || skip {
            continue;
        }
        if matches!(words[0].as_str(), "while" | "until") {
            return forever_loop(st, &cmds[i - 1..]);
        }
        let guarded = cmds.get(i).is_some_and(|(op, _)| matches!(op, Tok::And | Tok::Or)) || matches!(op, Tok::And | Tok::Or);
        match simple(st, words) {
            Step::Status(code) => {
                st.status = code;
                if code != 0 && st.errexit && !guarded {
                    return st.finish(Step::Exit(code));
                }
            }
            other => {
                return st.finish(other);
            }
        }
    }
    let code = st.status;
    st.finish(Step::Status(code))
}

/// `while true; do BODY; done` (or `while :`, `until false`): the body runs pass after pass.
fn forever_loop(st: &mut State, cmds: &[(Tok, Vec<String>)]) -> Run {
    // The condition is the rest of the `while` command: `true` or `:`.
    let (_, head) = &cmds[0];
    let cond_ok = match head.as_slice() {
        [w, c] if w == "while" => c == "true" || c == ":",
        [w, c] if w == "until" => c == "false",
        _ => false,
    };
    // The body: `do CMD; …; done` (no nesting), then nothing that matters after it.
    let body = cmds.get(1).filter(|(op, w)| *op == Tok::Semi && w.first().is_some_and(|d| d == "do"));
    let Some((_, first)) = body.filter(|_| cond_ok) else { return st.finish(Step::Unknown) };
    let mut pass: Vec<Vec<String>> = vec![first[1..].to_vec()];
    let mut closed = false;
    for (op, w) in &cmds[2..] {
        if *op != Tok::Semi || w.iter().any(|x| matches!(x.as_str(), "while" | "until" | "do" | "if" | "for")) {
            return st.finish(Step::Unknown);
        }
        if w.first().is_some_and(|x| x == "done") {
            closed = true;
            break;
        }
        pass.push(w.clone());
    }
    if !closed {
        return st.finish(Step::Unknown);
    }
    let mut body = State::default();
    for w in pass.iter().filter(|w| !w.is_empty()) {
        match simple(&mut body, w) {
            Step::Status(_) => {}
            Step::Forever => {
                // The first pass never ends (`sleep infinity` inside): its output is printed once.
                st.output.append(&mut body.output);
                return st.finish(Step::Forever);
            }
            _ => return st.finish(Step::Unknown),
        }
    }
    let mut run = st.finish(Step::Forever);
    run.repeat = Some((body.output, body.elapsed_ms));
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOSTNAME" => Some("web-0".into()),
            "GREETING" => Some("hi there".into()),
            _ => None,
        }
    }

    fn sh(script: &str) -> Run {
        program(&["sh".to_string(), "-c".to_string(), script.to_string()], false, &env)
    }

    fn exits(after_ms: u64, code: i32) -> Outcome {
        Outcome::Exits { after_ms, code }
    }

    #[test]
    fn a_shell_without_a_script_ends_unless_stdin_is_open() {
        let argv = ["sh".to_string()];
        assert_eq!(program(&argv, false, &env).outcome, exits(0, 0));
        assert_eq!(program(&argv, true, &env).outcome, Outcome::Forever);
        assert_eq!(program(&["/bin/bash".to_string(), "-i".to_string()], false, &env).outcome, exits(0, 0));
        assert_eq!(program(&["sh".to_string(), "/run.sh".to_string()], false, &env).outcome, Outcome::Unknown);
    }

    #[test]
    fn scripts_run_as_lists() {
        let r = sh("echo hello; echo \"$GREETING from ${HOSTNAME}\"");
        assert_eq!((r.output, r.outcome), (vec!["hello".to_string(), "hi there from web-0".to_string()], exits(0, 0)));
        assert_eq!(sh("sleep 10").outcome, exits(10_000, 0));
        assert_eq!(sh("sleep 1m; sleep 0.5").outcome, exits(60_500, 0));
        assert_eq!(sh("sleep infinity").outcome, Outcome::Forever);
        assert_eq!(sh("echo starting; tail -f /dev/null").output, vec!["starting".to_string()]);
        assert_eq!(sh("tail -f /dev/null").outcome, Outcome::Forever);
        assert_eq!(sh("false").outcome, exits(0, 1));
        assert_eq!(sh("exit 3; echo never").outcome, exits(0, 3));
        assert_eq!(sh("false && echo no || echo yes").output, vec!["yes".to_string()]);
        assert_eq!(sh("true || exit 4").outcome, exits(0, 0));
        assert_eq!(sh("false; echo went on").outcome, exits(0, 0));
        assert_eq!(program(&["sh".into(), "-ec".into(), "false; echo no".into()], false, &env).outcome, exits(0, 1));
        assert_eq!(sh("set -e\nfalse\necho no").outcome, exits(0, 1));
        assert_eq!(sh("exec sleep 5").outcome, exits(5_000, 0));
        assert_eq!(sh("echo 'a  b'   c # note").output, vec!["a  b c".to_string()]);
    }

    #[test]
    fn forever_loops_repeat_their_pass() {
        let r = sh("while true; do echo tick; sleep 5; done");
        assert_eq!((r.outcome, r.repeat), (Outcome::Forever, Some((vec!["tick".to_string()], 5_000))));
        assert_eq!(sh("echo up; while :; do sleep 1; done").output, vec!["up".to_string()]);
        assert_eq!(sh("while true; do sleep infinity; done").outcome, Outcome::Forever);
        assert_eq!(sh("while [ -f /x ]; do sleep 1; done").outcome, Outcome::Unknown);
    }

    #[test]
    fn exec_target_is_what_the_shell_becomes() {
        let v = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
        let sh_c = |script: &str| exec_target(&["sh".to_string(), "-c".to_string(), script.to_string()]);
        assert_eq!(sh_c("echo start; exec nginx -g 'daemon off;'"), Some(vec!["nginx".into(), "-g".into(), "daemon off;".into()]));
        assert_eq!(sh_c("sleep 3600"), Some(v("sleep 3600")));
        assert_eq!(sh_c("echo hi; sleep 3600"), None);
        assert_eq!(sh_c("while true; do sleep 5; done"), None);
        assert_eq!(sh_c("envsubst < /t > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'"), Some(v("nginx")));
        assert_eq!(exec_target(&v("sh")), None);
        assert_eq!(exec_target(&["bash".into(), "-ec".into(), "exec redis-server".into()]), Some(v("redis-server")));
    }

    #[test]
    fn what_is_not_understood_keeps_running() {
        for s in ["nginx -g 'daemon off;'", "echo $(date)", "echo $UNSET", "echo a | cat", "sleep 5 &", "echo x > /tmp/f", "ls *", "sleep abc"] {
            assert_eq!(sh(s).outcome, Outcome::Unknown, "{s}");
        }
        // What was printed before the unknown part stays.
        assert_eq!(sh("echo ready; ./server").output, vec!["ready".to_string()]);
        assert_eq!(program(&["/usr/local/bin/app".into()], false, &env).outcome, Outcome::Unknown);
        assert_eq!(program(&["sleep".into(), "3600".into()], false, &env).outcome, exits(3_600_000, 0));
        assert_eq!(program(&["echo".into(), "hello".into()], false, &env).output, vec!["hello".to_string()]);
    }
}
