//! Playground scripts: the text format `stsplay run` plays and the browser exports — one
//! command per line, `#` comments, heredocs (`kubectl apply -f - <<EOF` … `EOF`), `sim`
//! directives that drive the virtual clock, and the bit of shell tutorials paste (`a; b`,
//! `for i in 0 1; do …; done`, `echo`), read as bash reads it ([`shell`]).

use std::fmt;

mod reader;
pub mod filters;
pub mod shell;
pub use reader::LineReader;

/// One thing a script does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A kubectl command line (starting with `kubectl`), with its heredoc as stdin if any.
    Kubectl {
        /// The command line as written (without the heredoc body); a pipeline into filters
        /// (`kubectl get pods | grep web`) whole, as [`shell::pipeline`] reads it.
        line: String,
        /// Heredoc body, when the line ends with `<<EOF` (or `<<'EOF'`, `<<-EOF`).
        stdin: Option<String>,
    },
    /// A simulator directive.
    Sim(Directive),
    /// What bash's `echo` prints (its words and a newline; piped, what its filters print).
    /// Empty for a loop that ran no iteration, which prints nothing. Not an input of the
    /// session.
    Echo(String),
}

/// `sim …` directives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    /// `sim step [N]`: run N steps (each: up to the next change).
    Step(u32),
    /// `sim advance 30s`: move the clock forward, running everything due.
    Advance(u64),
    /// `sim wait`: run until settled (bounded), report what is blocked.
    Wait,
    /// `sim why`: print the controllers' latest decisions.
    Why,
    /// `sim fault …` / `sim fault clear …`: the words after `fault`.
    Fault(Vec<String>),
    /// `sim time`: print the virtual clock.
    Time,
}

/// A script line with a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A parsed script item with its source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// 1-based line of the command.
    pub line: usize,
    /// The item.
    pub item: Item,
    /// The text to echo in a transcript (`$ ` + this): the command line as written. `None` for
    /// the later commands of a loop or `;` list, whose line was echoed once with the first.
    pub echo: Option<String>,
}

/// Parses a duration like `30s`, `2m`, `1m30s`, `500ms`, `1h` into milliseconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        // Go's time.ParseDuration: a number (with an optional fraction, `1.5s`) and a unit.
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        let n: u64 = if digits == 0 { 0 } else { rest[..digits].parse().ok()? };
        rest = &rest[digits..];
        let mut fraction = "";
        if let Some(after) = rest.strip_prefix('.') {
            let f = after.bytes().take_while(|b| b.is_ascii_digit()).count();
            fraction = &after[..f];
            rest = &after[f..];
        }
        if digits == 0 && fraction.is_empty() {
            return None;
        }
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let factor: u64 = match &rest[..unit_len] {
            "ms" => 1,
            "s" | "" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return None,
        };
        // The fraction in whole milliseconds (the virtual clock's resolution).
        let fraction_ms = fraction.bytes().take(9).enumerate().fold(0u64, |acc, (i, b)| {
            acc + (b - b'0') as u64 * factor / 10u64.pow(i as u32 + 1)
        });
        total = total.checked_add(n.checked_mul(factor)?)?.checked_add(fraction_ms)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// A line's heredoc: the command before `<<`, the closing marker, and whether `<<-` strips the
/// body's leading tabs.
fn heredoc_marker(line: &str) -> Option<(String, String, bool)> {
    let idx = line.find("<<")?;
    let (cmd, tail) = line.split_at(idx);
    let mut marker = tail[2..].trim();
    let strip_tabs = marker.starts_with('-');
    if strip_tabs {
        marker = marker[1..].trim_start();
    }
    let marker = marker.trim_matches(|c| c == '\'' || c == '"');
    if marker.is_empty() || marker.contains(char::is_whitespace) {
        return None;
    }
    Some((cmd.trim_end().to_string(), marker.to_string(), strip_tabs))
}

fn parse_sim(words: &[&str], line: usize) -> Result<Directive, ScriptError> {
    let err = |m: &str| ScriptError { line, message: m.to_string() };
    match words.first().copied() {
        Some("step") => match words.get(1) {
            None => Ok(Directive::Step(1)),
            Some(n) => n.parse().map(Directive::Step).map_err(|_| err("sim step takes a count, e.g. `sim step 5`")),
        },
        Some("advance") => words
            .get(1)
            .and_then(|d| parse_duration(d))
            .map(Directive::Advance)
            .ok_or_else(|| err("sim advance takes a duration, e.g. `sim advance 30s`")),
        Some("wait") => Ok(Directive::Wait),
        Some("why") => Ok(Directive::Why),
        Some("time") => Ok(Directive::Time),
        Some("fault") => Ok(Directive::Fault(words[1..].iter().map(|s| s.to_string()).collect())),
        _ => Err(err("unknown sim directive (try: step [N], advance DURATION, wait, why, fault …, time)")),
    }
}

/// Parses a whole script.
pub fn parse(text: &str) -> Result<Vec<Located>, ScriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let no = i + 1;
        let raw = lines[i];
        i += 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // A trailing backslash continues the command on the next line, as in a shell.
        let mut joined = trimmed.to_string();
        while joined.ends_with('\\') && i < lines.len() {
            joined.pop();
            joined = format!("{} {}", joined.trim_end(), lines[i].trim());
            i += 1;
        }
        let err = |message: String| ScriptError { line: no, message };
        if joined.starts_with("kubectl ") {
            if let Some((cmd, marker, strip_tabs)) = heredoc_marker(&joined) {
                match shell::read(&cmd) {
                    Ok(r) if !r.compound => {}
                    Ok(_) => return Err(err("a heredoc must follow a single kubectl command, not a ; list".into())),
                    Err(e) => return Err(err(e.to_string())),
                }
                let mut body = String::new();
                let mut closed = false;
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let l = if strip_tabs { l.trim_start_matches('\t') } else { l };
                    if l.trim_end() == marker {
                        closed = true;
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                if !closed {
                    return Err(err(format!("heredoc not closed: no line `{marker}`")));
                }
                out.push(Located { line: no, echo: Some(joined), item: Item::Kubectl { line: cmd, stdin: Some(body) } });
                continue;
            }
        }
        // A shell reads on while a loop or a quote is open.
        let mut text = joined;
        let reading = loop {
            match shell::read(&text) {
                Err(shell::ShellError::Incomplete(_)) if i < lines.len() => {
                    text.push('\n');
                    text.push_str(lines[i]);
                    i += 1;
                }
                Err(e) => return Err(err(e.to_string())),
                Ok(r) => break r,
            }
        };
        let mut echo = Some(text.clone());
        for cmd in &reading.commands {
            // A pipeline runs its first command; its filters run on that command's output.
            let piped = shell::pipeline(cmd).map_err(|e| err(e.to_string()))?;
            let words = shell_words::split(&piped.command).map_err(|_| err("unterminated quoted string".into()))?;
            let item = match words.first().map(String::as_str) {
                Some("sim") => Item::Sim(parse_sim(&words[1..].iter().map(String::as_str).collect::<Vec<_>>(), no)?),
                Some("kubectl") => Item::Kubectl { line: cmd.clone(), stdin: None },
                Some("echo") => {
                    let out = filters::run(&piped.filters, &shell::echo(&words[1..]).map_err(|e| err(e.to_string()))?);
                    Item::Echo(out.stderr + &out.stdout)
                }
                other => {
                    return Err(err(format!("expected a `kubectl …`, `sim …` or `echo …` command, found {:?}", other.unwrap_or_default())));
                }
            };
            out.push(Located { line: no, item, echo: echo.take() });
        }
        if let Some(text) = echo.filter(|_| reading.compound) {
            // A loop over no words: echoed, runs nothing.
            out.push(Located { line: no, item: Item::Echo(String::new()), echo: Some(text) });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_heredocs_and_directives() {
        let s = "# demo\nkubectl apply -f - <<EOF\nkind: ConfigMap\n  x: 1\nEOF\n\nsim advance 1m30s\nsim wait\nkubectl get pods \\\n  -o wide\n";
        let items = parse(s).expect("parses");
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[0].item,
            Item::Kubectl { line: "kubectl apply -f -".into(), stdin: Some("kind: ConfigMap\n  x: 1\n".into()) }
        );
        assert_eq!(items[0].line, 2);
        assert_eq!(items[1].item, Item::Sim(Directive::Advance(90_000)));
        assert_eq!(items[2].item, Item::Sim(Directive::Wait));
        assert_eq!(items[3].item, Item::Kubectl { line: "kubectl get pods -o wide".into(), stdin: None });
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("kubectl get po\nls -la\n").expect_err("not kubectl");
        assert_eq!(e.line, 2);
        assert_eq!(e.message, "expected a `kubectl …`, `sim …` or `echo …` command, found \"ls\"");
        let e = parse("kubectl apply -f - <<EOF\nkind: x\n").expect_err("open heredoc");
        assert!(e.message.contains("heredoc"));
        assert!(parse("sim advance soon").is_err());
    }

    #[test]
    fn a_loop_is_echoed_once_and_runs_each_expanded_command() {
        let s = "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; echo; done\nfor i in 0 1\ndo\n  sim step\ndone\nfor i in; do echo; done\n";
        let items = parse(s).expect("parses");
        let echoes: Vec<Option<&str>> = items.iter().map(|l| l.echo.as_deref()).collect();
        assert_eq!(echoes, [Some("for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; echo; done"), None, None, None, Some("for i in 0 1\ndo\n  sim step\ndone"), None, Some("for i in; do echo; done")]);
        assert_eq!(items[2].item, Item::Kubectl { line: "kubectl exec \"web-1\" -- sh -c 'hostname'".into(), stdin: None });
        assert_eq!(items[3].item, Item::Echo("\n".into()));
        assert_eq!((items[5].line, &items[5].item), (2, &Item::Sim(Directive::Step(1))));
        assert_eq!(items[6].item, Item::Echo(String::new()), "no iteration: nothing runs");
        let e = parse("kubectl get po\nfor i in 0 1; do kubectl get po | sort; done\n").expect_err("pipe");
        assert_eq!(e.line, 2);
        assert!(e.message.starts_with("pipes into `sort` (a pipe here feeds grep, head, tail and wc): not supported"), "{}", e.message);
        let e = parse("for i in 0 1; do\nkubectl get po\n").expect_err("open loop");
        assert_eq!(e.message, "syntax error: unexpected end of file (the for loop has no `done`)");
        assert!(parse("kubectl get po; kubectl apply -f - <<EOF\nkind: x\nEOF\n").is_err());
        assert!(parse("for i in 0; do ls; done").expect_err("ls").message.contains("found \"ls\""));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("2m"), Some(120_000));
        assert_eq!(parse_duration("1h2m3s"), Some(3_723_000));
        assert_eq!(parse_duration("1.5s"), Some(1500));
        assert_eq!(parse_duration(".25m"), Some(15_000));
        assert_eq!(parse_duration("1m0.5s"), Some(60_500));
        assert_eq!(parse_duration("."), None);
        assert_eq!(parse_duration("x"), None);
        assert_eq!(parse_duration(""), None);
    }
}
