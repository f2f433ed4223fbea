//! GNU grep reading a pipe (`kubectl get pods | grep -i web`): the options `-v -i -c -w -n -F
//! -E -G -e`, and a matcher for the part of POSIX basic and extended regular expressions that
//! learners type — literals, `.`, `^`, `$`, bracket expressions (`[abc]`, `[a-z]`, `[^…]`,
//! `[[:digit:]]`), `*`, and with `-E` also `+ ? |` and `( )`. Any other syntax (back-references,
//! intervals, `\(…\)`, `\w`, `\<`…) is refused by name rather than matched differently. Error
//! messages are glibc's `regcomp` ones (posix/regcomp.c `__re_error_msgid`) and gnulib `dfa.c`'s,
//! which GNU grep prints as `grep: MESSAGE` with exit status 2.

/// A compiled `grep` invocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grep {
    patterns: Vec<Vec<Node>>,
    invert: bool,
    count: bool,
    word: bool,
    number: bool,
    fold: bool,
}

/// What reading grep's words gave: a grep to run, or GNU grep's own failure (its stderr, exit 2).
pub type Parsed = Result<Grep, String>;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Char(char),
    Any,
    Set { negated: bool, items: Vec<Item> },
    Bol,
    Eol,
    Star(Box<Node>),
    Plus(Box<Node>),
    Opt(Box<Node>),
    /// Alternatives of a `( … )` group (or of the whole ERE).
    Group(Vec<Vec<Node>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Range(char, char),
    /// A `[:name:]` class, by name (checked at compile time).
    Class(String),
}

const OPTIONS: &str = "it reads -v -i -c -w -n -F -E -G and -e PATTERN";
const SYNTAX: &str = "which reads literals, ., [ ], ^, $, * and, with -E, + ? | and ( )";

fn unsupported_option(o: &str) -> String {
    format!("grep {o}: not supported by the playground's grep ({OPTIONS})")
}

fn unsupported_syntax(what: &str) -> String {
    format!("grep: {what} in a pattern: not supported by the playground's grep, {SYNTAX}")
}

/// Reads grep's words (after `grep`). `Err` is a refusal (the playground does not model it);
/// `Ok(Err(stderr))` is GNU grep failing as it would (exit 2).
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let (mut invert, mut count, mut word, mut number, mut fold) = (false, false, false, false, false);
    let mut matcher: Option<char> = None;
    let mut explicit: Vec<String> = Vec::new();
    let mut operands: Vec<&String> = Vec::new();
    let mut set_matcher = |m: char| -> Result<(), String> {
        match matcher {
            Some(o) if o != m => Err(unsupported_option("with two of -E, -F, -G")),
            _ => {
                matcher = Some(m);
                Ok(())
            }
        }
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(&args[i..]);
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "invert-match" => invert = true,
                "count" => count = true,
                "word-regexp" => word = true,
                "line-number" => number = true,
                "ignore-case" => fold = true,
                "fixed-strings" => set_matcher('F')?,
                "extended-regexp" => set_matcher('E')?,
                "basic-regexp" => set_matcher('G')?,
                _ => match long.strip_prefix("regexp=") {
                    Some(p) => explicit.push(p.to_string()),
                    None => return Err(unsupported_option(a)),
                },
            }
            continue;
        }
        let Some(cluster) = a.strip_prefix('-').filter(|c| !c.is_empty()) else {
            operands.push(a);
            continue;
        };
        for (k, c) in cluster.char_indices() {
            match c {
                'v' => invert = true,
                'c' => count = true,
                'w' => word = true,
                'n' => number = true,
                'i' | 'y' => fold = true,
                'F' | 'E' | 'G' => set_matcher(c)?,
                'e' => {
                    let rest = &cluster[k + 1..];
                    if !rest.is_empty() {
                        explicit.push(rest.to_string());
                    } else if let Some(p) = args.get(i) {
                        explicit.push(p.clone());
                        i += 1;
                    } else {
                        // grep.c via getopt: "option requires an argument -- 'e'", then usage.
                        return Ok(Err(format!("grep: option requires an argument -- 'e'\n{USAGE}")));
                    }
                    break;
                }
                _ => return Err(unsupported_option(&format!("-{c}"))),
            }
        }
    }
    let texts = if explicit.is_empty() {
        match operands.first() {
            // grep.c usage (status 2): "Usage: grep [OPTION]... PATTERNS [FILE]..."
            None => return Ok(Err(USAGE.to_string())),
            Some(p) => {
                let p = p.to_string();
                operands.remove(0);
                vec![p]
            }
        }
    } else {
        explicit
    };
    if !operands.is_empty() {
        return Err("grep with a FILE: not supported by the playground's grep, which reads the pipe".into());
    }
    let mut patterns = Vec::new();
    // A pattern with newlines is one pattern per line (grep.c).
    for t in texts.iter().flat_map(|t| t.split('\n')) {
        let p = match matcher {
            Some('F') => t.chars().map(Node::Char).collect(),
            m => match compile(t, m == Some('E'))? {
                Ok(p) => p,
                Err(e) => return Ok(Err(format!("grep: {e}\n"))),
            },
        };
        patterns.push(p);
    }
    Ok(Ok(Grep { patterns, invert, count, word, number, fold }))
}

const USAGE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

struct Compiler {
    chars: Vec<char>,
    pos: usize,
    ere: bool,
}

/// Compiles a pattern. `Err` refuses syntax the matcher does not model; `Ok(Err(msg))` is the
/// message GNU grep fails with.
fn compile(p: &str, ere: bool) -> Result<Result<Vec<Node>, &'static str>, String> {
    let mut c = Compiler { chars: p.chars().collect(), pos: 0, ere };
    let alts = c.alternatives(0)?;
    Ok(alts.map(|a| if a.len() == 1 { a.into_iter().next().unwrap_or_default() } else { vec![Node::Group(a)] }))
}

impl Compiler {
    fn alternatives(&mut self, depth: usize) -> Result<Result<Vec<Vec<Node>>, &'static str>, String> {
        let mut alts = Vec::new();
        loop {
            let seq = match self.sequence(depth)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            alts.push(seq);
            match self.chars.get(self.pos) {
                Some('|') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(Ok(alts));
                }
                // glibc REG_EPAREN.
                _ if depth > 0 => return Ok(Err("Unmatched ( or \\(")),
                _ => return Ok(Ok(alts)),
            }
        }
    }

    fn sequence(&mut self, depth: usize) -> Result<Result<Vec<Node>, &'static str>, String> {
        let mut seq: Vec<Node> = Vec::new();
        let start = self.pos;
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            // A quantifier with nothing to repeat: a BRE reads `*` as a literal (POSIX) but
            // newer GNU greps warn about it; ERE leaves it undefined. Refused either way.
            let leading = seq.is_empty() || seq == [Node::Bol];
            let node = match c {
                '|' | ')' if self.ere => {
                    if c == ')' && depth == 0 {
                        return Err(unsupported_syntax("an unmatched )"));
                    }
                    self.pos -= 1;
                    return Ok(Ok(seq));
                }
                '(' if self.ere => match self.alternatives(depth + 1)? {
                    Ok(a) => Node::Group(a),
                    Err(e) => return Ok(Err(e)),
                },
                '{' if self.ere => return Err(unsupported_syntax("an interval {n,m}")),
                '*' | '+' | '?' if leading && (self.ere || c == '*') => return Err(unsupported_syntax(&format!("a leading {c}"))),
                '*' | '+' | '?' if c == '*' || self.ere => {
                    let Some(last) = seq.pop() else { return Err(unsupported_syntax("a leading quantifier")) };
                    let last = Box::new(last);
                    seq.push(match c {
                        '*' => Node::Star(last),
                        '+' => Node::Plus(last),
                        _ => Node::Opt(last),
                    });
                    continue;
                }
                '^' if self.ere || self.pos - 1 == start && depth == 0 => Node::Bol,
                '$' if self.ere || self.pos == self.chars.len() => Node::Eol,
                '.' => Node::Any,
                '[' => match self.bracket()? {
                    Ok(n) => n,
                    Err(e) => return Ok(Err(e)),
                },
                '\\' => match self.chars.get(self.pos) {
                    // glibc REG_EESCAPE.
                    None => return Ok(Err("Trailing backslash")),
                    Some(&e) if ".[]*^$\\".contains(e) || (self.ere && "+?|(){}".contains(e)) => {
                        self.pos += 1;
                        Node::Char(e)
                    }
                    Some(&e) => return Err(unsupported_syntax(&format!("\\{e}"))),
                },
                c => Node::Char(c),
            };
            seq.push(node);
        }
        Ok(Ok(seq))
    }

    /// A bracket expression after its `[`.
    fn bracket(&mut self) -> Result<Result<Node, &'static str>, String> {
        let open = self.pos;
        let negated = self.chars.get(self.pos) == Some(&'^');
        if negated {
            self.pos += 1;
        }
        // glibc parse_bracket_exp: the pattern ending right after `[` or `[^` is REG_BADPAT.
        if self.pos >= self.chars.len() {
            return Ok(Err("Invalid regular expression"));
        }
        let first = self.pos;
        let mut items = Vec::new();
        loop {
            let Some(&c) = self.chars.get(self.pos) else { return Ok(Err("Unmatched [, [^, [:, [., or [=")) };
            self.pos += 1;
            if c == ']' && self.pos - 1 > first {
                break;
            }
            if c == '[' {
                match self.chars.get(self.pos) {
                    Some(':') => {
                        let rest: String = self.chars[self.pos + 1..].iter().collect();
                        // glibc parse_bracket_symbol: no `:]` before the end is REG_EBRACK.
                        let Some(end) = rest.find(":]") else { return Ok(Err("Unmatched [, [^, [:, [., or [=")) };
                        let name = &rest[..end];
                        self.pos += 1 + name.chars().count() + 2;
                        match class(name) {
                            Some(_) => items.push(Item::Class(name.to_string())),
                            // glibc REG_ECTYPE.
                            None => return Ok(Err("Invalid character class name")),
                        }
                        continue;
                    }
                    Some(k @ ('.' | '=')) => return Err(unsupported_syntax(&format!("[{k} … {k}]"))),
                    _ => {}
                }
            }
            let range_end = match (self.chars.get(self.pos), self.chars.get(self.pos + 1)) {
                (Some('-'), Some(&e)) if e != ']' => Some(e),
                _ => None,
            };
            match range_end {
                Some('[') => return Err(unsupported_syntax("a range ending in a [ form")),
                Some(e) => {
                    self.pos += 2;
                    if e < c {
                        // glibc REG_ERANGE.
                        return Ok(Err("Invalid range end"));
                    }
                    items.push(Item::Range(c, e));
                }
                None => items.push(Item::Range(c, c)),
            }
        }
        let inner: String = self.chars[open..self.pos - 1].iter().collect();
        if inner.len() >= 3 && inner.starts_with(':') && inner.ends_with(':') {
            // gnulib dfa.c parse_bracket_exp (colon_warning_state == 7).
            return Ok(Err("character class syntax is [[:space:]], not [:space:]"));
        }
        // dfa.c also objects to other brackets that start with a colon; which ones is not
        // modelled, so they are refused.
        if inner.trim_start_matches('^').starts_with(':') && inner.trim_start_matches(['^', ':']).contains(|c| c != ':') {
            return Err(unsupported_syntax(&format!("[{inner}]")));
        }
        Ok(Ok(Node::Set { negated, items }))
    }
}

/// The POSIX character classes (C/UTF-8 locale, ASCII).
fn class(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "digit" => |c: char| c.is_ascii_digit(),
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "upper" => |c: char| c.is_ascii_uppercase(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "space" => |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'),
        "blank" => |c: char| c == ' ' || c == '\t',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        _ => return None,
    })
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

impl Grep {
    fn eq(&self, a: char, b: char) -> bool {
        a == b || (self.fold && lower(a) == lower(b))
    }

    fn in_set(&self, negated: bool, items: &[Item], c: char) -> bool {
        let hit = |c: char| items.iter().any(|i| match i {
            Item::Range(a, z) => (*a..=*z).contains(&c),
            Item::Class(name) => class(name).is_some_and(|f| f(c)),
        });
        let found = hit(c) || (self.fold && (hit(lower(c)) || hit(upper(c))));
        found != negated
    }

    /// The positions a node can end at from any of `from` (a set over `0..=text.len()`).
    fn ends(&self, node: &Node, text: &[char], from: &[bool]) -> Vec<bool> {
        let n = text.len();
        let mut out = vec![false; n + 1];
        let step = |out: &mut Vec<bool>, ok: &dyn Fn(char) -> bool| {
            for p in 0..n {
                if from[p] && ok(text[p]) {
                    out[p + 1] = true;
                }
            }
        };
        match node {
            Node::Char(c) => step(&mut out, &|t| self.eq(t, *c)),
            Node::Any => step(&mut out, &|_| true),
            Node::Set { negated, items } => step(&mut out, &|t| self.in_set(*negated, items, t)),
            Node::Bol => out[0] = from[0],
            Node::Eol => out[n] = from[n],
            Node::Star(inner) | Node::Plus(inner) => {
                let mut frontier = if matches!(node, Node::Plus(_)) { self.ends(inner, text, from) } else { from.to_vec() };
                loop {
                    let mut new = false;
                    for p in 0..=n {
                        if frontier[p] && !out[p] {
                            out[p] = true;
                            new = true;
                        }
                    }
                    if !new {
                        break;
                    }
                    frontier = self.ends(inner, text, &frontier);
                }
            }
            Node::Opt(inner) => {
                out = self.ends(inner, text, from);
                for p in 0..=n {
                    out[p] |= from[p];
                }
            }
            Node::Group(alts) => {
                for alt in alts {
                    let e = self.seq_ends(alt, text, from);
                    for p in 0..=n {
                        out[p] |= e[p];
                    }
                }
            }
        }
        out
    }

    fn seq_ends(&self, seq: &[Node], text: &[char], from: &[bool]) -> Vec<bool> {
        let mut cur = from.to_vec();
        for node in seq {
            if !cur.iter().any(|b| *b) {
                break;
            }
            cur = self.ends(node, text, &cur);
        }
        cur
    }

    /// Whether a line holds a match (with `-w`, one whose ends are at word boundaries: the
    /// line's ends or a character other than a letter, digit or underscore).
    fn matches(&self, line: &str) -> bool {
        let text: Vec<char> = line.chars().collect();
        let n = text.len();
        let word = |p: usize| text.get(p).is_some_and(|c| c.is_alphanumeric() || *c == '_');
        self.patterns.iter().any(|pat| {
            if !self.word {
                return self.seq_ends(pat, &text, &vec![true; n + 1]).iter().any(|b| *b);
            }
            (0..=n).filter(|&s| s == 0 || !word(s - 1)).any(|s| {
                let mut from = vec![false; n + 1];
                from[s] = true;
                let ends = self.seq_ends(pat, &text, &from);
                (0..=n).any(|e| ends[e] && !word(e))
            })
        })
    }

    /// Runs over the input: the selected lines (or their count) and the exit status (0 when a
    /// line was selected, 1 when none was).
    pub fn run(&self, input: &str) -> (String, i32) {
        let mut out = String::new();
        let mut selected = 0;
        for (i, line) in super::lines(input).enumerate() {
            if self.matches(line) == self.invert {
                continue;
            }
            selected += 1;
            if !self.count {
                if self.number {
                    out.push_str(&format!("{}:", i + 1));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        if self.count {
            out = format!("{selected}\n");
        }
        (out, if selected > 0 { 0 } else { 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grep(args: &[&str], input: &str) -> (String, i32) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args) {
            Ok(Ok(g)) => g.run(input),
            Ok(Err(e)) => (e, 2),
            Err(r) => (format!("refused: {r}"), -1),
        }
    }

    fn hits(args: &[&str], line: &str) -> bool {
        grep(args, line).1 == 0
    }

    const PODS: &str = "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          1m\nweb-1   0/1     Pending   0          1m\ndb-0    1/1     Running   2          3m\n";

    #[test]
    fn selects_inverts_counts_and_numbers_lines() {
        assert_eq!(grep(&["web"], PODS), ("web-0   1/1     Running   0          1m\nweb-1   0/1     Pending   0          1m\n".into(), 0));
        assert_eq!(grep(&["-v", "Running"], PODS).0.lines().count(), 2);
        assert_eq!(grep(&["-c", "Running"], PODS), ("2\n".into(), 0));
        assert_eq!(grep(&["-c", "nothing"], PODS), ("0\n".into(), 1));
        assert_eq!(grep(&["-n", "db"], PODS).0, "4:db-0    1/1     Running   2          3m\n");
        assert_eq!(grep(&["-in", "PENDING"], PODS).0, "3:web-1   0/1     Pending   0          1m\n");
        assert_eq!(grep(&["-e", "db", "-e", "web-1"], PODS).0.lines().count(), 2);
        assert_eq!(grep(&["-E", "db|web-1"], PODS).0.lines().count(), 2);
        // A last line without a newline is a line; grep ends it with one.
        assert_eq!(grep(&["b"], "a\nb"), ("b\n".into(), 0));
        assert_eq!(grep(&["x"], ""), (String::new(), 1));
    }

    #[test]
    fn basic_and_extended_expressions() {
        assert!(hits(&["^web-[0-9]"], "web-1 x"));
        assert!(!hits(&["^eb"], "web"));
        assert!(hits(&["1m$"], "a 1m"));
        assert!(hits(&["a.c"], "abc"));
        assert!(hits(&["ab*c"], "ac") && hits(&["ab*c"], "abbbc"));
        assert!(hits(&["a+"], "a+") && !hits(&["a+"], "aa"), "BRE + is a literal");
        assert!(hits(&["-E", "ab+c"], "abbc") && !hits(&["-E", "ab+c"], "ac"));
        assert!(hits(&["-E", "colou?r"], "color"));
        assert!(hits(&["-E", "^(web|db)-[0-9]+ "], "db-12 x") && !hits(&["-E", "^(web|db)-[0-9]+ "], "api-1 x"));
        assert!(hits(&["a^b$c"], "a^b$c"), "^ and $ are anchors only at the ends of a BRE");
        assert!(hits(&["[^0-9]"], "12a") && !hits(&["[^0-9]"], "12"));
        assert!(hits(&["[]a]"], "]") && hits(&["[a-]"], "-"));
        assert!(hits(&["[[:digit:]]/[[:digit:]]"], "1/1"));
        assert!(hits(&["-i", "[a-c]X"], "Bx"));
        assert!(hits(&["\\.yaml$"], "a.yaml") && !hits(&["\\.yaml$"], "ayaml"));
        assert!(hits(&["-F", "a.*["], "xa.*[") && !hits(&["-F", "a.*["], "abc"));
        assert!(hits(&["-E", "(a*)*b"], "b"));
        assert!(hits(&[""], "anything"));
    }

    #[test]
    fn word_matches_need_boundaries_on_both_sides() {
        assert!(!hits(&["-w", "web"], "web-0x".replace("-", "_").as_str()));
        assert!(hits(&["-w", "web"], "web-0"));
        assert!(!hits(&["-w", "Run"], "Running"));
        // GNU tries every match: the second `ab` stands alone.
        assert!(hits(&["-w", "ab"], "abc ab"));
        assert!(hits(&["-w", "a.*"], "xa a"));
    }

    #[test]
    fn gnu_errors_exit_2_and_the_rest_is_refused() {
        assert_eq!(grep(&["[a"], ""), ("grep: Unmatched [, [^, [:, [., or [=\n".into(), 2));
        assert_eq!(grep(&["a["], "").0, "grep: Invalid regular expression\n");
        assert_eq!(grep(&["[z-a]"], "").0, "grep: Invalid range end\n");
        assert_eq!(grep(&["a\\"], "").0, "grep: Trailing backslash\n");
        assert_eq!(grep(&["[[:nope:]]"], "").0, "grep: Invalid character class name\n");
        assert_eq!(grep(&["[:space:]"], "").0, "grep: character class syntax is [[:space:]], not [:space:]\n");
        assert_eq!(grep(&["[[:alpha]"], "").0, "grep: Unmatched [, [^, [:, [., or [=\n");
        assert_eq!(grep(&["[[:alpha:]"], "").0, "grep: Unmatched [, [^, [:, [., or [=\n");
        assert_eq!(grep(&["-E", "(a"], "").0, "grep: Unmatched ( or \\(\n");
        assert!(grep(&[], "").0.starts_with("Usage: grep [OPTION]... PATTERNS [FILE]..."));
        assert!(grep(&["-e"], "").0.starts_with("grep: option requires an argument -- 'e'\n"));
        for args in [&["\\(a\\)"][..], &["a\\{2\\}"], &["\\w"], &["\\<a"], &["-E", "a{2}"], &["-E", "*a"], &["-E", "a)"], &["-o", "a"], &["-A", "1", "a"], &["a", "file"], &["[[.a.]]"], &["[:a]"], &["[^:a:]"], &["*a"], &["^*a"]] {
            let (out, status) = grep(args, "a");
            assert_eq!(status, -1, "{args:?}: {out}");
            assert!(out.contains("not supported by the playground's grep"), "{out}");
        }
    }
}
