//! Export and import of a session as a playground script (the format of [`crate::script`], which
//! `stsplay run` plays): kubectl lines, heredocs for applied files, `sim` directives.

use super::input::Input;
use crate::script::{self, Directive, Item};

/// `90000` → `1m30s`, `1500` → `1500ms` (the shortest exact form [`script::parse_duration`] reads).
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

fn heredoc(out: &mut String, line: &str, body: &str) {
    let mut marker = "EOF".to_string();
    let mut i = 1;
    while body.lines().any(|l| l.trim_end() == marker) {
        marker = format!("EOF{i}");
        i += 1;
    }
    out.push_str(&format!("{line} <<'{marker}'\n{body}"));
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&marker);
    out.push('\n');
}

/// The script for these inputs (consecutive steps merged into `sim step N`).
pub fn export<'a>(inputs: impl IntoIterator<Item = &'a Input>) -> String {
    let mut out = String::from("# StatefulSet Playground script: replay with `stsplay run FILE` or import it in the playground.\n");
    let mut pending_steps = 0u64;
    let flush = |out: &mut String, n: &mut u64| {
        match *n {
            0 => {}
            1 => out.push_str("sim step\n"),
            k => out.push_str(&format!("sim step {k}\n")),
        }
        *n = 0;
    };
    for input in inputs {
        if let Input::Step { n } = input {
            pending_steps += *n as u64;
            continue;
        }
        flush(&mut out, &mut pending_steps);
        match input {
            Input::Kubectl { line, stdin } => {
                let line = line.trim();
                let line = if line.starts_with("kubectl ") || line == "kubectl" { line.to_string() } else { format!("kubectl {line}") };
                match stdin {
                    Some(body) => heredoc(&mut out, &line, body),
                    None => {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            }
            Input::Apply { file, text } => {
                out.push_str(&format!("# kubectl apply -f {file}\n"));
                heredoc(&mut out, "kubectl apply -f -", text);
            }
            Input::Advance { ms } => out.push_str(&format!("sim advance {}\n", format_duration(*ms))),
            Input::Wait => out.push_str("sim wait\n"),
            Input::Fault { words } => out.push_str(&format!("sim fault {}\n", words.join(" "))),
            // A script has no editor: the save is replayed as the request kubectl edit sent, a
            // strategic merge PATCH of the same object (the default type of kubectl patch). It
            // leaves the cluster exactly as the save did; only the wording differs ("patched").
            Input::Edit { line, kind, namespace, name, patch } => {
                out.push_str(&format!("# {}: saved in the playground's editor, replayed as its patch\n", line.trim()));
                let ns = if namespace.is_empty() || namespace == super::NAMESPACE {
                    String::new()
                } else {
                    format!(" -n {}", shell_words::quote(namespace))
                };
                let target = shell_words::quote(&format!("{kind}/{name}")).into_owned();
                out.push_str(&format!("kubectl patch {target}{ns} -p {}\n", shell_words::quote(patch)));
            }
            Input::Step { .. } => unreachable!("merged above"),
        }
    }
    flush(&mut out, &mut pending_steps);
    out
}

/// The inputs a script replays (`sim why` / `sim time` only print, so they are left out). An
/// applied heredoc preceded by a `# kubectl apply -f NAME` comment comes back as that file.
pub fn import(text: &str) -> Result<Vec<Input>, script::ScriptError> {
    let items = script::parse(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for located in items {
        match located.item {
            Item::Kubectl { line, stdin } => {
                let file = located
                    .line
                    .checked_sub(2)
                    .and_then(|i| lines.get(i))
                    .and_then(|l| l.trim().strip_prefix("# kubectl apply -f "))
                    .map(|f| f.trim().to_string());
                match (file, stdin) {
                    (Some(file), Some(text)) if line.trim() == "kubectl apply -f -" => out.push(Input::Apply { file, text }),
                    (_, stdin) => out.push(Input::Kubectl { line, stdin }),
                }
            }
            Item::Sim(Directive::Step(n)) => out.extend((0..n).map(|_| Input::STEP)),
            Item::Sim(Directive::Advance(ms)) => out.push(Input::Advance { ms }),
            Item::Sim(Directive::Wait) => out.push(Input::Wait),
            Item::Sim(Directive::Fault(words)) => out.push(Input::Fault { words }),
            Item::Sim(Directive::Why | Directive::Time) => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let inputs = vec![
            Input::Apply { file: "web.yaml".into(), text: "kind: X\nEOF\n".into() },
            Input::STEP,
            Input::STEP,
            Input::Kubectl { line: "scale sts web --replicas=5".into(), stdin: None },
            Input::Advance { ms: 90_000 },
            Input::Wait,
            Input::Fault { words: vec!["crash".into(), "web-1".into()] },
            Input::STEP,
        ];
        let text = export(&inputs);
        assert!(text.contains("sim step 2\n"), "{text}");
        assert!(text.contains("<<'EOF1'"), "{text}");
        assert!(text.contains("kubectl scale sts web --replicas=5\n"));
        assert!(text.contains("sim advance 1m30s\n"));
        let back = import(&text).expect("parses");
        let mut expected = inputs.clone();
        expected[3] = Input::Kubectl { line: "kubectl scale sts web --replicas=5".into(), stdin: None };
        assert_eq!(back, expected);
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(1500), "1500ms");
        assert_eq!(format_duration(3_723_000), "1h2m3s");
        for ms in [1, 999, 1000, 61_000, 3_600_000] {
            assert_eq!(script::parse_duration(&format_duration(ms)), Some(ms));
        }
    }
}
