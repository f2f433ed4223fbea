//! The programs a playground pipeline may feed (`kubectl get pods | grep web | wc -l`): GNU
//! grep ([`grep`]) and coreutils `head`, `tail` and `wc`, each reading its standard input
//! only, with GNU's output and exit statuses (coreutils `head.c`, `tail.c`, `wc.c`). What
//! they do not model (other options, files, `sort`, `uniq`, `awk` …) is refused by name.

pub mod grep;

/// One filter of a pipeline, read from its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `grep …`.
    Grep(grep::Grep),
    /// `head`: the first N lines, or (`-n -N`) all but the last N.
    Head {
        /// How many lines.
        n: u64,
        /// `-n -N`: all but the last N.
        all_but: bool,
    },
    /// `tail`: the last N lines, or (`-n +N`) from line N on.
    Tail {
        /// How many lines, or the first line to print.
        n: u64,
        /// `-n +N`.
        from: bool,
    },
    /// `wc` with the counts to print: lines, words, characters, bytes.
    Wc([bool; 4]),
    /// The program failing as GNU's does on these words: its stderr and exit status.
    Fails(String, i32),
}

/// What a pipeline's filters printed and their exit status (the last filter's, as bash's
/// without `pipefail`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The last filter's standard output.
    pub stdout: String,
    /// Every filter's standard error, in order.
    pub stderr: String,
    /// The last filter's exit status.
    pub status: i32,
}

/// The programs that can read a pipe here.
pub const PROGRAMS: &str = "grep, head, tail and wc";

/// Their names.
pub const NAMES: [&str; 4] = ["grep", "head", "tail", "wc"];

/// The lines of a text (a last line without a newline is a line).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n').map(|l| l.strip_suffix('\n').unwrap_or(l))
}

fn refuse(program: &str, what: &str, reads: &str) -> String {
    format!("{program} {what}: not supported by the playground's {program} (it reads {reads})")
}

/// A line count as coreutils reads it (`xstrtoumax`): digits; a size suffix (`10K`) is
/// refused; anything else is GNU's "invalid number of lines: ‘x’" (exit 1).
fn count(program: &str, s: &str, reads: &str) -> Result<Result<u64, Filter>, String> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits == s.len() {
        // Beyond u64 coreutils reads "as many as there are".
        return Ok(Ok(s.parse().unwrap_or(u64::MAX)));
    }
    let suffix = &s[digits..];
    if digits > 0 && suffix.len() <= 3 && suffix.starts_with(|c: char| "bkKmMgGtTpPeEzZyYRQ".contains(c)) {
        return Err(refuse(program, &format!("-n {s} (a size suffix)"), reads));
    }
    // head.c / tail.c: error (EXIT_FAILURE, 0, "%s: %s", _("invalid number of lines"), quote (n)).
    Ok(Err(Filter::Fails(format!("{program}: invalid number of lines: ‘{s}’\n"), 1)))
}

/// `head [-n N | -N | -n -N]` and `tail [-n N | -N | -n +N]`. The last count given wins.
fn head_tail(program: &str, args: &[String]) -> Result<Filter, String> {
    let head = program == "head";
    let reads = if head { "-n N, -N and -n -N" } else { "-n N, -N and -n +N" };
    let mut spec: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let value = if a == "-n" || a == "--lines" {
            match args.get(i) {
                Some(v) => {
                    i += 1;
                    v.clone()
                }
                // getopt: "option requires an argument -- 'n'", then the usage hint.
                None => return Ok(Filter::Fails(format!("{program}: option requires an argument -- 'n'\nTry '{program} --help' for more information.\n"), 1)),
            }
        } else if let Some(v) = a.strip_prefix("--lines=") {
            v.to_string()
        } else if let Some(v) = a.strip_prefix("-n") {
            v.to_string()
        } else if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) && i == 1 {
            // The obsolete `-N` form, first on the line.
            a[1..].to_string()
        } else if a.starts_with('-') && a != "-" {
            return Err(refuse(program, a, reads));
        } else {
            return Err(format!("{program} with a FILE: not supported by the playground's {program}, which reads the pipe"));
        };
        spec = Some(value);
    }
    let spec = spec.unwrap_or_else(|| "10".into());
    let (sign, digits) = match spec.strip_prefix('-') {
        Some(d) => ('-', d),
        None => match spec.strip_prefix('+') {
            Some(d) => ('+', d),
            None => (' ', spec.as_str()),
        },
    };
    if head && sign == '+' {
        return Err(refuse(program, &format!("-n {spec}"), reads));
    }
    let n = match count(program, digits, reads)? {
        Ok(n) => n,
        Err(f) => return Ok(f),
    };
    Ok(if head { Filter::Head { n, all_but: sign == '-' } } else { Filter::Tail { n, from: sign == '+' } })
}

/// `wc [-l] [-w] [-m] [-c]`.
fn wc(args: &[String]) -> Result<Filter, String> {
    let mut which = [false; 4];
    for a in args {
        let flags: Vec<char> = match a.as_str() {
            "--lines" => vec!['l'],
            "--words" => vec!['w'],
            "--chars" => vec!['m'],
            "--bytes" => vec!['c'],
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => s[1..].chars().collect(),
            s if s.starts_with('-') && s != "-" => return Err(refuse("wc", s, "-l, -w, -m and -c")),
            _ => return Err("wc with a FILE: not supported by the playground's wc, which reads the pipe".into()),
        };
        for f in flags {
            match "lwmc".find(f) {
                Some(k) => which[k] = true,
                None => return Err(refuse("wc", &format!("-{f}"), "-l, -w, -m and -c")),
            }
        }
    }
    if which == [false; 4] {
        which = [true, true, false, true];
    }
    Ok(Filter::Wc(which))
}

/// Reads a filter's words (program first). `Err` refuses a program or usage not modelled.
pub fn parse(argv: &[String]) -> Result<Filter, String> {
    let Some(program) = argv.first() else { return Err("an empty pipeline stage".into()) };
    let args = &argv[1..];
    match program.as_str() {
        "grep" => Ok(match grep::parse(args)? {
            Ok(g) => Filter::Grep(g),
            Err(stderr) => Filter::Fails(stderr, 2),
        }),
        "head" | "tail" => {
            if program == "tail" && args.iter().any(|a| a.starts_with("-f") || a.starts_with("-F") || a == "--follow") {
                return Err("tail -f (it never ends): not supported by the playground's tail".into());
            }
            head_tail(program, args)
        }
        "wc" => wc(args),
        other => Err(format!("pipes into `{other}` (a pipe here feeds {PROGRAMS})")),
    }
}

impl Filter {
    /// Runs the filter over its standard input: (stdout, stderr, exit status).
    pub fn run(&self, input: &str) -> (String, String, i32) {
        let pieces: Vec<&str> = input.split_inclusive('\n').collect();
        let keep = |range: std::ops::Range<usize>| pieces[range].concat();
        let len = pieces.len();
        let clamp = |n: u64| usize::try_from(n).unwrap_or(usize::MAX).min(len);
        match self {
            Filter::Grep(g) => {
                let (out, status) = g.run(input);
                (out, String::new(), status)
            }
            Filter::Head { n, all_but: false } => (keep(0..clamp(*n)), String::new(), 0),
            Filter::Head { n, all_but: true } => (keep(0..len - clamp(*n)), String::new(), 0),
            // `+0` starts at the first line, as `+1` does.
            Filter::Tail { n, from: true } => (keep(clamp(n.saturating_sub(1))..len), String::new(), 0),
            Filter::Tail { n, from: false } => (keep(len - clamp(*n)..len), String::new(), 0),
            Filter::Wc(which) => {
                let counts = [input.matches('\n').count(), input.split_whitespace().count(), input.chars().count(), input.len()];
                let shown: Vec<usize> = (0..4).filter(|&k| which[k]).map(|k| counts[k]).collect();
                // wc.c: one count alone is printed bare; several are right-aligned in 7 columns
                // (the width for a pipe, whose size is unknown) and separated by a space.
                let text = match shown.as_slice() {
                    [one] => one.to_string(),
                    many => many.iter().map(|c| format!("{c:>7}")).collect::<Vec<_>>().join(" "),
                };
                (format!("{text}\n"), String::new(), 0)
            }
            Filter::Fails(stderr, status) => (String::new(), stderr.clone(), *status),
        }
    }
}

/// Runs a pipeline's filters over the first command's standard output.
pub fn run(filters: &[Filter], input: &str) -> Output {
    let mut out = Output { stdout: input.to_string(), ..Output::default() };
    for f in filters {
        let (stdout, stderr, status) = f.run(&out.stdout);
        out.stdout = stdout;
        out.stderr.push_str(&stderr);
        out.status = status;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(words: &str) -> Filter {
        parse(&shell_words::split(words).expect("splits")).unwrap_or_else(|e| panic!("{words}: {e}"))
    }

    fn pipe(words: &str, input: &str) -> (String, String, i32) {
        filter(words).run(input)
    }

    const TEN: &str = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";

    #[test]
    fn head_takes_the_first_lines_or_all_but_the_last() {
        assert_eq!(pipe("head", TEN).0, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        assert_eq!(pipe("head -n 2", TEN).0, "1\n2\n");
        assert_eq!(pipe("head -3", TEN).0, "1\n2\n3\n");
        assert_eq!(pipe("head -n2", TEN).0, "1\n2\n");
        assert_eq!(pipe("head -n -10", TEN).0, "1\n2\n");
        assert_eq!(pipe("head -n 99", "a\nb").0, "a\nb", "a missing final newline stays missing");
        assert_eq!(pipe("head -n x", TEN), (String::new(), "head: invalid number of lines: ‘x’\n".into(), 1));
        assert!(parse(&["head".into(), "-c".into(), "5".into()]).unwrap_err().contains("not supported by the playground's head"));
        assert!(parse(&["head".into(), "-n".into(), "1K".into()]).is_err());
        assert!(parse(&["head".into(), "pods.txt".into()]).is_err());
    }

    #[test]
    fn tail_takes_the_last_lines_or_from_a_line_on() {
        assert_eq!(pipe("tail -n 2", TEN).0, "11\n12\n");
        assert_eq!(pipe("tail -2", TEN).0, "11\n12\n");
        assert_eq!(pipe("tail -n -1", TEN).0, "12\n");
        assert_eq!(pipe("tail -n +11", TEN).0, "11\n12\n");
        assert_eq!(pipe("tail -n +0", "a\nb\n").0, "a\nb\n");
        assert_eq!(pipe("tail", TEN).0, "3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n");
        assert_eq!(pipe("tail -n 1", "a\nb").0, "b");
        assert_eq!(pipe("tail -n 1x", TEN).1, "tail: invalid number of lines: ‘1x’\n");
        assert!(parse(&["tail".into(), "-f".into()]).is_err());
    }

    #[test]
    fn wc_prints_a_lone_count_bare_and_several_in_columns() {
        assert_eq!(pipe("wc -l", TEN).0, "12\n");
        assert_eq!(pipe("wc -l", "a\nb").0, "1\n", "wc -l counts newlines");
        assert_eq!(pipe("wc -w", "a b\nc\n").0, "3\n");
        assert_eq!(pipe("wc -c", "héé\n").0, "6\n");
        assert_eq!(pipe("wc -m", "héé\n").0, "4\n");
        assert_eq!(pipe("wc", "a b\nc\n").0, "      2       3       6\n");
        assert_eq!(pipe("wc -lw", "a b\n").0, "      1       2\n");
    }

    #[test]
    fn filters_chain_and_the_last_status_counts() {
        let f = [filter("grep web"), filter("wc -l")];
        assert_eq!(run(&f, "web-0\ndb-0\nweb-1\n"), Output { stdout: "2\n".into(), stderr: String::new(), status: 0 });
        let f = [filter("grep '['"), filter("head -1")];
        assert_eq!(run(&f, "a\n"), Output { stdout: String::new(), stderr: "grep: Invalid regular expression\n".into(), status: 0 });
        assert_eq!(run(&[filter("grep zzz")], "a\n").status, 1);
        assert_eq!(parse(&["sort".into()]).unwrap_err(), "pipes into `sort` (a pipe here feeds grep, head, tail and wc)");
    }
}
