//! How bash reads a pasted command line, bounded to what tutorials paste: simple commands,
//! `cmd1; cmd2` lists, newlines, `# comments`, quoting, pipelines of a kubectl or echo command
//! into the filters of [`super::filters`] (`kubectl get pods | grep web`; XCU 2.9.2: only the
//! first command's stdout is piped), and `for NAME in WORDS; do …; done` loops (also over
//! several lines, nested) whose `$NAME` / `${NAME}` expand as bash expands them: in bare words
//! (split into fields) and inside double quotes, never inside single quotes. Follows POSIX XCU
//! 2.2 (quoting), 2.3 (token recognition), 2.6.2 (parameter expansion), 2.6.5 (field splitting
//! with the default IFS), 2.9.2 (pipelines) and 2.9.4 (the for loop); the syntax errors are
//! bash's (`parse.y` report_syntax_error: "syntax error near unexpected token").
//!
//! Everything else a shell would do with the line (other pipes, `|&`, `&&`, redirections,
//! `$(…)`, other variables, brace expansion, while/if) is refused by name: running it
//! differently than bash would mislead. Each command comes back as a command line that
//! `shell_words::split` turns into the words bash would pass (the learner's quoting kept, an
//! expanded value quoted as needed).

use std::collections::BTreeMap;
use std::fmt;

use super::filters::{self, Filter};

mod tokens;
use tokens::{is_name, tokenize, Piece, Tok, Word};

/// The most commands one line may expand to (nested loops multiply).
pub const MAX_COMMANDS: usize = 500;

/// What a line asks the shell to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The simple commands (or pipelines, filters included: see [`pipeline`]), in order, as
    /// command lines with the loop variables expanded. A command in which nothing was expanded
    /// is its text as typed.
    pub commands: Vec<String>,
    /// Whether the line is more than a single simple command (a loop or a `;` list): it is
    /// echoed once, then each command's output.
    pub compound: bool,
}

/// Why a line cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellError {
    /// The line is not finished (an open quote, a loop without `done`, a trailing `\`): a shell
    /// reads the next line (PS2) before running anything. Says what is open.
    Incomplete(&'static str),
    /// Shell syntax this reader does not model; names it.
    Unsupported(String),
    /// A bash syntax error.
    Syntax(String),
    /// A filter (grep, head …) used in a way the playground does not model; says how.
    Filter(String),
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // bash at the end of `-c` input: "syntax error: unexpected end of file".
            ShellError::Incomplete(what) => write!(f, "syntax error: unexpected end of file ({what})"),
            ShellError::Unsupported(what) => write!(
                f,
                "{what}: not supported by the playground's shell, which reads kubectl, sim and echo commands, `a; b` lists, pipes into grep, head, tail and wc, and `for NAME in WORDS; do …; done` loops"
            ),
            ShellError::Syntax(m) | ShellError::Filter(m) => f.write_str(m),
        }
    }
}

/// Reads a command line (possibly several lines) as bash would.
pub fn read(text: &str) -> Result<Reading, ShellError> {
    let toks = tokenize(text)?;
    let mut p = Parser { toks, pos: 0 };
    let nodes = p.list(false)?;
    let compound = nodes.len() > 1 || nodes.iter().any(|n| matches!(n, Node::For { .. }));
    let mut vars = BTreeMap::new();
    let mut commands = Vec::new();
    expand(&nodes, text, &mut vars, &mut commands)?;
    Ok(Reading { commands, compound })
}

/// bash's builtin `echo` (without `xpg_echo`): leading `-n` drops the newline. `-e` (escape
/// sequences) is refused rather than printed differently.
pub fn echo(args: &[String]) -> Result<String, ShellError> {
    let mut newline = true;
    let mut i = 0;
    // Options are leading words made only of n, e and E after a dash (builtins/echo.def).
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty() && f.chars().all(|c| "neE".contains(c))) else { break };
        if flags.contains('e') {
            return Err(ShellError::Unsupported("echo -e (escape sequences)".into()));
        }
        newline &= !flags.contains('n');
        i += 1;
    }
    let mut out = args[i..].join(" ");
    if newline {
        out.push('\n');
    }
    Ok(out)
}

/// A command line read as a pipeline: the command, and the filters its stdout goes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// The first command's line as written (`kubectl get pods`).
    pub command: String,
    /// What its stdout is piped into, in order (none for a plain command).
    pub filters: Vec<Filter>,
}

/// Reads one command of a [`Reading`] (a recorded or expanded line) as a pipeline. Fails when
/// the text is not a single simple command or pipeline.
pub fn pipeline(text: &str) -> Result<Pipeline, ShellError> {
    let toks = tokenize(text)?;
    let mut p = Parser { toks, pos: 0 };
    let nodes = p.list(false)?;
    let [Node::Simple(words, filters)] = nodes.as_slice() else {
        return Err(ShellError::Unsupported("more than one command".into()));
    };
    let span = |ws: &[Word]| match (ws.first(), ws.last()) {
        (Some(a), Some(z)) => text[a.start..z.end].to_string(),
        _ => String::new(),
    };
    let mut stages: Vec<String> = vec![span(words)];
    stages.extend(filters.iter().map(|f| span(f)));
    let filters = check_pipeline(&stages)?;
    Ok(Pipeline { command: stages.swap_remove(0), filters })
}

/// Reads a pipeline's filters, refusing a pipe from anything but kubectl or echo and any
/// filter use [`filters::parse`] does not model.
fn check_pipeline(stages: &[String]) -> Result<Vec<Filter>, ShellError> {
    let Some((first, rest)) = stages.split_first() else { return Ok(Vec::new()) };
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    let split = |s: &str| shell_words::split(s).map_err(|_| ShellError::Syntax("unterminated quoted string".into()));
    let program = split(first)?.into_iter().next().unwrap_or_default();
    if program != "kubectl" && program != "echo" {
        return Err(ShellError::Unsupported(format!("pipes from `{program}` (only kubectl's and echo's output can be piped)")));
    }
    rest.iter()
        .map(|f| {
            let argv = split(f)?;
            match argv.first().map(String::as_str) {
                Some(p) if !filters::NAMES.contains(&p) => {
                    Err(ShellError::Unsupported(format!("pipes into `{p}` (a pipe here feeds {})", filters::PROGRAMS)))
                }
                _ => filters::parse(&argv).map_err(ShellError::Filter),
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    /// A command and the filters its output is piped into.
    Simple(Vec<Word>, Vec<Vec<Word>>),
    For { name: String, words: Vec<Word>, body: Vec<Node> },
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

fn near(tok: &str) -> ShellError {
    ShellError::Syntax(format!("syntax error near unexpected token `{tok}'"))
}

/// What an operator is, when the reader refuses it.
fn op_error(op: &str) -> ShellError {
    let what = match op {
        "|" => "pipes (|) from a for loop or into a compound command",
        "|&" => "|& (piping stderr)",
        "&&" | "||" => "&& and || lists",
        "&" => "background jobs (&)",
        "(" | ")" => "subshells ( … )",
        "<<" | "<<-" | "<<<" => "a heredoc inside a for loop, a ; list or a pipeline (run `kubectl … <<EOF` on its own)",
        ";;" => return near(";;"),
        _ => "redirections (<, >)",
    };
    ShellError::Unsupported(what.into())
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn keyword(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.plain.as_deref(),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Sep('\n')) {
            self.pos += 1;
        }
    }

    /// Commands up to the end, or up to `done` when `in_loop`.
    fn list(&mut self, in_loop: bool) -> Result<Vec<Node>, ShellError> {
        let mut nodes = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None if in_loop => return Err(ShellError::Incomplete("the for loop has no `done`")),
                None => return Ok(nodes),
                Some(Tok::Sep(_)) => return Err(near(";")),
                Some(Tok::Op(o)) => return Err(op_error(o)),
                Some(Tok::Word(_)) if in_loop && self.keyword() == Some("done") => {
                    if nodes.is_empty() {
                        return Err(near("done"));
                    }
                    self.pos += 1;
                    return Ok(nodes);
                }
                Some(Tok::Word(_)) => {
                    let mut node = self.command()?;
                    if let Node::Simple(_, filters) = &mut node {
                        while self.peek() == Some(&Tok::Op("|".into())) {
                            self.pos += 1;
                            // bash reads on past a newline after `|`.
                            self.skip_newlines();
                            match self.peek() {
                                None => return Err(ShellError::Incomplete("the line ends in |")),
                                Some(Tok::Word(_)) => match self.command()? {
                                    Node::Simple(words, _) => filters.push(words),
                                    Node::For { .. } => return Err(op_error("|")),
                                },
                                Some(Tok::Sep(s)) => return Err(near(if *s == ';' { ";" } else { "newline" })),
                                Some(Tok::Op(o)) => return Err(near(o)),
                            }
                        }
                    }
                    nodes.push(node);
                }
            }
            // After a command: `;`, a newline, the end, or a refused operator.
            match self.peek() {
                None | Some(Tok::Sep('\n')) => {}
                Some(Tok::Sep(_)) => self.pos += 1,
                Some(Tok::Op(o)) => return Err(op_error(o)),
                Some(Tok::Word(w)) => return Err(near(w.plain.as_deref().unwrap_or("word"))),
            }
        }
    }

    fn command(&mut self) -> Result<Node, ShellError> {
        match self.keyword() {
            Some("for") => return self.for_loop(),
            Some(k @ ("while" | "until" | "if" | "case" | "select" | "function" | "[[" | "{" | "!" | "time" | "coproc")) => {
                return Err(ShellError::Unsupported(format!("`{k}` (of the compound commands only for loops are read)")));
            }
            Some(k @ ("do" | "done" | "then" | "else" | "elif" | "fi" | "esac" | "}")) => return Err(near(k)),
            _ => {}
        }
        let mut words = Vec::new();
        while let Some(Tok::Word(w)) = self.peek() {
            words.push(w.clone());
            self.pos += 1;
        }
        if let Some(Piece::Raw(r)) = words[0].pieces.first() {
            if r.split_once('=').is_some_and(|(n, _)| is_name(n)) {
                return Err(ShellError::Unsupported("variable assignments (NAME=value)".into()));
            }
        }
        Ok(Node::Simple(words, Vec::new()))
    }

    /// `for NAME in WORDS; do LIST; done` (XCU 2.9.4.2; newlines may stand for the `;`).
    fn for_loop(&mut self) -> Result<Node, ShellError> {
        self.pos += 1;
        let name = match self.peek() {
            None => return Err(ShellError::Incomplete("the for loop has no `done`")),
            Some(Tok::Word(w)) => match &w.plain {
                Some(n) if is_name(n) => n.clone(),
                // bash: "`1': not a valid identifier".
                _ => return Err(ShellError::Syntax(format!("`{}': not a valid identifier", word_text(w)))),
            },
            Some(Tok::Sep(_)) => return Err(near(";")),
            Some(Tok::Op(o)) => return Err(near(o)),
        };
        self.pos += 1;
        self.skip_newlines();
        match self.keyword() {
            Some("in") => self.pos += 1,
            None if self.peek().is_none() => return Err(ShellError::Incomplete("the for loop has no `done`")),
            _ => return Err(ShellError::Unsupported("a for loop without `in WORDS` (it loops over the script's arguments)".into())),
        }
        let mut words = Vec::new();
        while let Some(Tok::Word(w)) = self.peek() {
            words.push(w.clone());
            self.pos += 1;
        }
        match self.peek() {
            None => return Err(ShellError::Incomplete("the for loop has no `done`")),
            Some(Tok::Sep(_)) => self.pos += 1,
            Some(Tok::Op(o)) => return Err(op_error(o)),
            Some(Tok::Word(w)) => return Err(near(w.plain.as_deref().unwrap_or("word"))),
        }
        self.skip_newlines();
        match self.peek() {
            None => return Err(ShellError::Incomplete("the for loop has no `done`")),
            Some(Tok::Word(w)) if w.plain.as_deref() == Some("do") => self.pos += 1,
            Some(Tok::Word(w)) => return Err(near(w.plain.as_deref().unwrap_or("word"))),
            Some(Tok::Sep(_)) => return Err(near(";")),
            Some(Tok::Op(o)) => return Err(near(o)),
        }
        let body = self.list(true)?;
        Ok(Node::For { name, words, body })
    }
}

fn word_text(w: &Word) -> String {
    w.pieces
        .iter()
        .map(|p| match p {
            Piece::Raw(r) => r.clone(),
            Piece::Var { name, .. } => format!("${name}"),
        })
        .collect()
}

/// A value put back into a command line so that splitting it gives the value's words: inside
/// double quotes, `\ " $ \`` are escaped; bare, the value is split into fields on blanks (the
/// default IFS) and each field's special characters are escaped (bash does not re-read quotes
/// or operators in an expansion; a glob character matches no local file, so it stays).
fn substitute(value: &str, quoted: bool, out: &mut String) {
    if quoted {
        for c in value.chars() {
            if matches!(c, '\\' | '"' | '$' | '`') {
                out.push('\\');
            }
            out.push(c);
        }
        return;
    }
    for (i, field) in value.split([' ', '\t', '\n']).filter(|f| !f.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in field.chars() {
            if !(c.is_alphanumeric() || "-_./:=,@%+^".contains(c)) {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

fn expand_word(w: &Word, src: &str, vars: &BTreeMap<String, String>) -> Result<String, ShellError> {
    if w.pieces.iter().all(|p| matches!(p, Piece::Raw(_))) {
        return Ok(src[w.start..w.end].to_string());
    }
    let mut out = String::new();
    for p in &w.pieces {
        match p {
            Piece::Raw(r) => out.push_str(r),
            Piece::Var { name, quoted } => match vars.get(name) {
                Some(v) => substitute(v, *quoted, &mut out),
                // bash would put in the learner's own environment (or nothing): unknowable here.
                None => {
                    return Err(ShellError::Unsupported(format!(
                        "${name} (only a for loop's variable is expanded; quote it with '…' to pass it on as written)"
                    )))
                }
            },
        }
    }
    Ok(out)
}

fn expand(nodes: &[Node], src: &str, vars: &mut BTreeMap<String, String>, out: &mut Vec<String>) -> Result<(), ShellError> {
    for n in nodes {
        match n {
            Node::Simple(words, filters) => {
                if out.len() >= MAX_COMMANDS {
                    return Err(ShellError::Unsupported(format!("more than {MAX_COMMANDS} commands from one line")));
                }
                let expanded: Vec<String> = words.iter().map(|w| expand_word(w, src, vars)).collect::<Result<_, _>>()?;
                let mut stages = vec![expanded.join(" ")];
                for f in filters {
                    let e: Vec<String> = f.iter().map(|w| expand_word(w, src, vars)).collect::<Result<_, _>>()?;
                    stages.push(e.join(" "));
                }
                check_pipeline(&stages)?;
                let verbatim = words.iter().chain(filters.iter().flatten()).all(|w| w.pieces.iter().all(|p| matches!(p, Piece::Raw(_))));
                let last = filters.last().and_then(|f| f.last()).or(words.last());
                match (verbatim, words.first(), last) {
                    (true, Some(a), Some(z)) => out.push(src[a.start..z.end].to_string()),
                    _ => out.push(stages.join(" | ")),
                }
            }
            Node::For { name, words, body } => {
                let mut values = Vec::new();
                for w in words {
                    let text = expand_word(w, src, vars)?;
                    values.extend(shell_words::split(&text).map_err(|_| ShellError::Syntax("unterminated quoted string".into()))?);
                }
                // bash's variables are global: the last value stays after the loop.
                for v in values {
                    vars.insert(name.clone(), v);
                    expand(body, src, vars, out)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(text: &str) -> Vec<String> {
        read(text).unwrap_or_else(|e| panic!("{text}: {e}")).commands
    }

    fn argv(line: &str) -> Vec<String> {
        shell_words::split(line).expect("splits")
    }

    #[test]
    fn a_simple_command_is_kept_as_typed() {
        let r = read("kubectl  get pods -l 'app in (a,b)'   # comment").unwrap();
        assert_eq!(r, Reading { commands: vec!["kubectl  get pods -l 'app in (a,b)'".into()], compound: false });
        assert_eq!(read("kubectl get pods;").unwrap().compound, false);
        assert_eq!(cmds("  "), Vec::<String>::new());
    }

    #[test]
    fn the_tutorials_loops_expand_in_double_quotes_and_bare_words_not_in_single_quotes() {
        let c = cmds("for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done");
        assert_eq!(c.len(), 2);
        assert_eq!(argv(&c[1]), ["kubectl", "exec", "web-1", "--", "sh", "-c", "echo \"$(hostname)\" > /usr/share/nginx/html/index.html"]);
        let c = cmds("for i in 0 1; do kubectl exec web-${i} -- sh -c 'hostname $i'; done");
        assert_eq!(c[0], "kubectl exec web-0 -- sh -c 'hostname $i'");
        let c = cmds("for p in 0 1 2; do kubectl get pod \"web-$p\" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done");
        assert_eq!(c.len(), 6);
        assert_eq!(argv(&c[4]), ["kubectl", "get", "pod", "web-2", "--template", "{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}"]);
        assert_eq!(c[5], "echo");
        assert!(read("for i in 0 1; do kubectl exec web-$i -- hostname; done").unwrap().compound);
    }

    #[test]
    fn values_split_in_bare_words_and_stay_whole_in_double_quotes() {
        let c = cmds("for v in 'a b' \"it's\" '$x'; do echo $v \"$v\" x$v; done");
        assert_eq!(argv(&c[0]), ["echo", "a", "b", "a b", "xa", "b"]);
        assert_eq!(argv(&c[1]), ["echo", "it's", "it's", "xit's"]);
        assert_eq!(argv(&c[2]), ["echo", "$x", "$x", "x$x"]);
        // The variable keeps its last value after the loop, as bash's do.
        assert_eq!(cmds("for i in a b; do echo $i; done; echo \"last $i\"")[2], "echo \"last b\"");
    }

    #[test]
    fn lists_newlines_and_nested_loops() {
        assert_eq!(cmds("kubectl get po; sim wait\nkubectl get pvc"), ["kubectl get po", "sim wait", "kubectl get pvc"]);
        let c = cmds("for i in 0 1\ndo\n  kubectl exec web-$i -- hostname\n  echo\ndone");
        assert_eq!(c, ["kubectl exec web-0 -- hostname", "echo", "kubectl exec web-1 -- hostname", "echo"]);
        let c = cmds("for a in x y; do for b in 1 2; do echo $a$b; done; done");
        assert_eq!(c, ["echo x1", "echo x2", "echo y1", "echo y2"]);
        assert_eq!(cmds("for i in; do echo $i; done"), Vec::<String>::new());
    }

    #[test]
    fn unfinished_lines_ask_for_more() {
        for t in ["for i in 0 1", "for i in 0 1; do", "for i in 0 1; do kubectl get po", "for i in 0 1\ndo\nkubectl get po\n", "echo 'a", "echo \"a", "kubectl get \\"] {
            assert!(matches!(read(t), Err(ShellError::Incomplete(_))), "{t}: {:?}", read(t));
        }
        assert_eq!(cmds("kubectl get \\\npods"), ["kubectl get \\\npods"]);
    }

    #[test]
    fn everything_else_is_refused_by_name() {
        let refused = |t: &str| match read(t) {
            Err(ShellError::Unsupported(m)) => m,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(refused("kubectl get po |& grep web"), "|& (piping stderr)");
        assert_eq!(refused("kubectl get po | awk '{print $1}'"), "pipes into `awk` (a pipe here feeds grep, head, tail and wc)");
        assert_eq!(refused("sim why | grep web"), "pipes from `sim` (only kubectl's and echo's output can be piped)");
        assert!(refused("for i in 0; do echo; done | grep x").starts_with("pipes (|) from a for loop"));
        assert_eq!(refused("kubectl get po -o name | grep $(echo web)"), "command substitution $(…)");
        assert_eq!(refused("kubectl get po && echo ok"), "&& and || lists");
        assert_eq!(refused("kubectl get po > pods.txt"), "redirections (<, >)");
        assert_eq!(refused("kubectl exec web-0 -- echo $(date)"), "command substitution $(…)");
        assert_eq!(refused("kubectl exec web-0 -- echo \"`date`\""), "command substitution `…`");
        assert!(refused("while true; do kubectl get po; done").starts_with("`while`"));
        assert!(refused("kubectl exec web-0 -- echo \"$HOSTNAME\"").starts_with("$HOSTNAME"));
        assert_eq!(refused("echo ${i:-0}"), "the parameter expansion ${i:-0}");
        assert_eq!(refused("echo $1"), "the special parameter $1");
        assert_eq!(refused("kubectl get pod web-{0,1}"), "brace expansion {0,1}");
        assert_eq!(refused("for i in {0..2}; do echo $i; done"), "brace expansion {0..2}");
        assert_eq!(refused("N=1 kubectl get po"), "variable assignments (NAME=value)");
        assert!(refused("for i; do echo; done").contains("without `in"));
        assert!(refused("for i in 0; do kubectl apply -f - <<EOF; done").contains("heredoc"));
        assert!(refused("kubectl apply -f - <<EOF | grep created").contains("a pipeline"));
        // Braces that bash leaves alone (JSONPath, templates) are words as written.
        assert_eq!(cmds("kubectl get po -o jsonpath={.items[*].metadata.name}")[0], "kubectl get po -o jsonpath={.items[*].metadata.name}");
        assert_eq!(cmds("kubectl get po -o jsonpath={..image} '{a,b}'").len(), 1);
    }

    #[test]
    fn syntax_errors_are_bashs() {
        assert_eq!(read("for i in 0; do done").unwrap_err().to_string(), "syntax error near unexpected token `done'");
        assert_eq!(read("for i in 0; do echo; done kubectl").unwrap_err().to_string(), "syntax error near unexpected token `kubectl'");
        assert_eq!(read("; kubectl get po").unwrap_err().to_string(), "syntax error near unexpected token `;'");
        assert_eq!(read("for 1 in a; do echo; done").unwrap_err().to_string(), "`1': not a valid identifier");
        assert_eq!(read("done").unwrap_err().to_string(), "syntax error near unexpected token `done'");
        assert!(read("for i in 0 1; do").unwrap_err().to_string().starts_with("syntax error: unexpected end of file"));
    }

    #[test]
    fn echo_is_bashs_builtin() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(echo(&[]).unwrap(), "\n");
        assert_eq!(echo(&s(&["a", "b"])).unwrap(), "a b\n");
        assert_eq!(echo(&s(&["-n", "a"])).unwrap(), "a");
        assert_eq!(echo(&s(&["-x", "a"])).unwrap(), "-x a\n");
        assert!(echo(&s(&["-e", "a\\n"])).is_err());
    }

    #[test]
    fn a_pipeline_is_one_command_and_its_filters() {
        assert_eq!(cmds("kubectl get po | grep web | wc -l"), ["kubectl get po | grep web | wc -l"]);
        assert!(!read("kubectl get po | grep web").unwrap().compound);
        let c = cmds("for i in 0 1; do kubectl get po web-$i | grep Running; done");
        assert_eq!(c, ["kubectl get po web-0 | grep Running", "kubectl get po web-1 | grep Running"]);
        assert_eq!(cmds("for p in 'a b'; do echo x | grep \"$p\"; done"), ["echo x | grep \"a b\""]);
        let p = pipeline("kubectl get po -o jsonpath='{a|b}' | grep -i 'web x' | head -n 2").unwrap();
        assert_eq!(p.command, "kubectl get po -o jsonpath='{a|b}'");
        assert_eq!(p.filters.len(), 2);
        assert_eq!(pipeline("kubectl get po").unwrap(), Pipeline { command: "kubectl get po".into(), filters: vec![] });
        assert!(matches!(read("kubectl get po |"), Err(ShellError::Incomplete(_))));
        assert_eq!(cmds("kubectl get po |\n  grep web").len(), 1);
        assert_eq!(read("kubectl get po | ; x").unwrap_err().to_string(), "syntax error near unexpected token `;'");
        // The filter's own refusal is the message, not the shell's.
        let e = read("kubectl get po | grep '\\(a\\)'").unwrap_err().to_string();
        assert!(e.starts_with("grep: \\( in a pattern: not supported by the playground's grep"), "{e}");
        // A GNU usage error is not refused: grep runs and fails as it would.
        assert!(read("kubectl get po | grep '['").is_ok());
    }

    #[test]
    fn a_loop_is_bounded() {
        let words = (0..30).map(|i| i.to_string()).collect::<Vec<_>>().join(" ");
        let t = format!("for a in {words}; do for b in {words}; do echo $a$b; done; done");
        assert!(matches!(read(&t), Err(ShellError::Unsupported(m)) if m.contains("more than 500")));
    }
}
