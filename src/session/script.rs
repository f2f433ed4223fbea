//! Export and import of a session as a playground script (the format of [`crate::script`], which
//! `stsplay run` plays): kubectl lines, heredocs for applied files, `sim` directives.

use super::input::Input;
use std::collections::BTreeMap;
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
    out.push_str(&heredoc_block(line, body, true));
    out.push('\n');
}

/// `line <<EOF`, the body, and `EOF` (`EOF1`, … when the body has such a line), as a shell
/// reads a heredoc; `quoted` writes `<<'EOF'`, which a real shell does not expand `$` in.
pub fn heredoc_block(line: &str, body: &str, quoted: bool) -> String {
    let mut marker = "EOF".to_string();
    let mut i = 1;
    while body.lines().any(|l| l.trim_end() == marker) {
        marker = format!("EOF{i}");
        i += 1;
    }
    let q = if quoted { "'" } else { "" };
    let nl = if body.ends_with('\n') || body.is_empty() { "" } else { "\n" };
    format!("{line} <<{q}{marker}{q}\n{body}{nl}{marker}")
}

/// `line` with its `-f NAME` argument replaced by `-f -` (stdin), if it names `name` once.
fn file_to_stdin(line: &str, name: &str) -> Option<String> {
    let mut words = shell_words::split(line).ok()?;
    let mut hits = 0;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let bare = |n: &str| n.strip_prefix("./").unwrap_or(n) == name;
        if (w == "-f" || w == "--filename") && words.get(i + 1).is_some_and(|n| bare(n)) {
            words[i + 1] = "-".into();
            hits += 1;
            i += 1;
        } else if let Some(n) = w.strip_prefix("--filename=").or_else(|| w.strip_prefix("-f=")).or_else(|| w.strip_prefix("-f").filter(|n| !n.is_empty())) {
            if bare(n) {
                words[i] = "-f".into();
                words.insert(i + 1, "-".into());
                hits += 1;
                i += 1;
            }
        }
        i += 1;
    }
    (hits == 1).then(|| join(&words))
}

/// Joins words into a shell line, quoting only words that need it (`--wait=false` stays bare).
fn join(words: &[String]) -> String {
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    let quoted: Vec<String> = words.iter().map(|w| if plain(w) { w.clone() } else { shell_words::quote(w).into_owned() }).collect();
    quoted.join(" ")
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
            Input::Kubectl { line, stdin, files } => {
                let line = line.trim();
                let line = if line.starts_with("kubectl ") || line == "kubectl" { line.to_string() } else { format!("kubectl {line}") };
                // A pipeline keeps its tab reference: `-f -` would feed the tab to kubectl
                // while the filters are at the line's end, which reads confusingly.
                let piped = matches!(script::shell::pipeline(&line), Ok(p) if !p.filters.is_empty());
                let single = files.iter().next().filter(|_| files.len() == 1 && stdin.is_none() && !piped);
                match (stdin, single.and_then(|(name, text)| Some((file_to_stdin(&line, name)?, text)))) {
                    (Some(body), _) => heredoc(&mut out, &line, body),
                    // A script has no editor tabs: the tab the line read becomes its stdin, and
                    // the line as typed stays above it (import turns the pair back).
                    (None, Some((piped, text))) => {
                        out.push_str(&format!("# {line}\n"));
                        heredoc(&mut out, &piped, text);
                    }
                    (None, None) => {
                        if !files.is_empty() {
                            let names: Vec<&str> = files.keys().map(String::as_str).collect();
                            out.push_str(&format!("# reads the editor tabs {} (not in this script)\n", names.join(", ")));
                        }
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

/// The inputs a script replays (`sim why`, `sim time` and `echo` only print, so they are left
/// out; a loop's commands come back one input each, expanded). An
/// applied heredoc preceded by a `# kubectl apply -f NAME` comment comes back as that file, and
/// any other `kubectl … -f -` heredoc under a `# kubectl … -f NAME` comment as that line reading
/// the tab NAME.
pub fn import(text: &str) -> Result<Vec<Input>, script::ScriptError> {
    let items = script::parse(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for located in items {
        match located.item {
            Item::Kubectl { line, stdin } => {
                // `# kubectl … -f NAME` above the same line with `-f -`: the tab NAME, piped.
                let typed = located
                    .line
                    .checked_sub(2)
                    .and_then(|i| lines.get(i))
                    .and_then(|l| l.trim().strip_prefix("# "))
                    .filter(|l| l.starts_with("kubectl "));
                let piped = typed.and_then(|t| {
                    let words = shell_words::split(t).ok()?;
                    let name = super::input::named_files(&words).into_iter().next()?;
                    (file_to_stdin(t, &name)?.as_str() == line.trim()).then(|| (t.to_string(), name))
                });
                // The Apply button's form, kept apart so a tab name with spaces still comes back.
                let applied = typed.and_then(|t| t.strip_prefix("kubectl apply -f ")).filter(|_| line.trim() == "kubectl apply -f -");
                match (applied, piped, stdin) {
                    (Some(file), _, Some(text)) => out.push(Input::Apply { file: file.trim().to_string(), text }),
                    (None, Some((typed, file)), Some(text)) => {
                        out.push(Input::Kubectl { line: typed, stdin: None, files: crate::util::sort::btree_map([(file, text)]) })
                    }
                    (_, _, stdin) => out.push(Input::Kubectl { line, stdin, files: BTreeMap::new() }),
                }
            }
            Item::Sim(Directive::Step(n)) => out.extend((0..n).map(|_| Input::STEP)),
            Item::Sim(Directive::Advance(ms)) => out.push(Input::Advance { ms }),
            Item::Sim(Directive::Wait) => out.push(Input::Wait),
            Item::Sim(Directive::Fault(words)) => out.push(Input::Fault { words }),
            Item::Sim(Directive::Why | Directive::Time) | Item::Echo(_) => {}
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
            Input::kubectl("scale sts web --replicas=5"),
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
        expected[3] = Input::kubectl("kubectl scale sts web --replicas=5");
        assert_eq!(back, expected);
    }

    #[test]
    fn a_line_that_read_an_editor_tab_round_trips_through_its_heredoc() {
        let tab = BTreeMap::from([("myapp.yaml".to_string(), "kind: X\n".to_string())]);
        let inputs = vec![
            Input::Kubectl { line: "kubectl delete -f ./myapp.yaml --wait=false".into(), stdin: None, files: tab.clone() },
            Input::Kubectl { line: "kubectl create --filename=myapp.yaml".into(), stdin: None, files: tab.clone() },
        ];
        let text = export(&inputs);
        assert!(text.contains("# kubectl delete -f ./myapp.yaml --wait=false\nkubectl delete -f - --wait=false <<"), "{text}");
        assert!(text.contains("# kubectl create --filename=myapp.yaml\nkubectl create -f - <<"), "{text}");
        assert_eq!(import(&text).expect("parses"), inputs);
        assert_eq!(file_to_stdin("kubectl apply -f a.yaml -f a.yaml", "a.yaml"), None, "twice: not one stdin");
        assert_eq!(file_to_stdin("kubectl apply -fa.yaml", "a.yaml").as_deref(), Some("kubectl apply -f -"));
    }

    #[test]
    fn an_imported_loop_is_its_expanded_commands_and_echo_is_no_input() {
        let text = "for i in 0 1; do kubectl exec \"web-$i\" -- hostname; echo; done\nsim wait\n";
        let back = import(text).expect("parses");
        assert_eq!(
            back,
            [Input::kubectl("kubectl exec \"web-0\" -- hostname"), Input::kubectl("kubectl exec \"web-1\" -- hostname"), Input::Wait]
        );
        // Exported again, each is a line of its own.
        assert!(export(&back).contains("kubectl exec \"web-1\" -- hostname\nsim wait\n"), "{}", export(&back));
    }

    #[test]
    fn a_pipeline_exports_and_imports_whole() {
        let tab = BTreeMap::from([("myapp.yaml".to_string(), "kind: X\n".to_string())]);
        let inputs = vec![
            Input::kubectl("kubectl exec web-0 -- env | grep -i host | head -1"),
            Input::Kubectl { line: "kubectl apply -f myapp.yaml | grep -c created".into(), stdin: None, files: tab },
        ];
        let text = export(&inputs);
        assert!(text.contains("\nkubectl exec web-0 -- env | grep -i host | head -1\n"), "{text}");
        // The tab is not turned into a heredoc in front of the filters.
        assert!(text.contains("# reads the editor tabs myapp.yaml (not in this script)\nkubectl apply -f myapp.yaml | grep -c created\n"), "{text}");
        assert_eq!(import(&text).expect("parses")[0], inputs[0]);
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
