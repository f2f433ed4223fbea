//! The kubectl command tree as cobra resolves it: global flags before the command, the command
//! name, and "unknown command" errors with cobra's suggestions (Levenshtein distance ≤ 2 or a
//! prefix match).

use super::errors::CmdError;
use super::flags::{FlagKind, GLOBAL_FLAGS};

/// Top-level kubectl commands in the order kubectl registers them (cobra suggests in this order).
pub const KUBECTL_COMMANDS: &[&str] = &[
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale",
    "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint", "describe", "logs", "attach",
    "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch", "replace", "wait",
    "kustomize", "label", "annotate", "completion", "alpha", "api-resources", "api-versions", "config", "plugin",
    "version", "options", "help",
];

/// Levenshtein distance, case-insensitive (cobra's `ld(s, t, ignoreCase=true)`).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra `SuggestionsFor`.
pub fn suggestions_for(typed: &str, commands: &[&str]) -> Vec<String> {
    commands
        .iter()
        .filter(|c| levenshtein(typed, c) <= 2 || c.to_lowercase().starts_with(&typed.to_lowercase()))
        .map(|c| c.to_string())
        .collect()
}

/// cobra's unknown-command error for `kubectl`, with suggestions.
pub fn unknown_command(typed: &str) -> CmdError {
    let mut msg = format!("error: unknown command {typed:?} for \"kubectl\"");
    let s = suggestions_for(typed, KUBECTL_COMMANDS);
    if !s.is_empty() {
        msg.push_str("\n\nDid you mean this?\n");
        for x in s {
            msg.push_str(&format!("\t{x}\n"));
        }
    }
    msg.push_str("\nRun 'kubectl --help' for usage.");
    CmdError::Raw(msg)
}

/// Splits `words` into the command name and the remaining words (global flags that came
/// before the command stay in the remainder, where the command's parser reads them).
pub fn split_command(words: &[String]) -> Result<Option<(String, Vec<String>)>, CmdError> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let name = body.split('=').next().unwrap_or("");
            let Some(spec) = GLOBAL_FLAGS.iter().find(|f| f.long == name) else {
                return Err(CmdError::Raw(format!("error: unknown flag: --{name}\nSee 'kubectl --help' for usage.")));
            };
            i += if !body.contains('=') && spec.kind != FlagKind::Bool { 2 } else { 1 };
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            let c = w.chars().nth(1).unwrap_or('-');
            let Some(spec) = GLOBAL_FLAGS.iter().find(|f| f.short == Some(c)) else {
                return Err(CmdError::Raw(format!("error: unknown shorthand flag: {c:?} in {w}\nSee 'kubectl --help' for usage.")));
            };
            i += if w.len() == 2 && spec.kind != FlagKind::Bool { 2 } else { 1 };
            continue;
        }
        let mut rest: Vec<String> = words[..i].to_vec();
        rest.extend(words[i + 1..].iter().cloned());
        return Ok(Some((w.clone(), rest)));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn finds_command_after_global_flags() {
        let (cmd, rest) = split_command(&w("-n kube-system get pods")).unwrap().unwrap();
        assert_eq!(cmd, "get");
        assert_eq!(rest, w("-n kube-system pods"));
        let (cmd, _) = split_command(&w("--namespace=x describe sts web")).unwrap().unwrap();
        assert_eq!(cmd, "describe");
        assert!(split_command(&w("-n x")).unwrap().is_none());
    }

    #[test]
    fn unknown_command_suggests_like_cobra() {
        assert_eq!(
            unknown_command("gte").to_string(),
            "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\nRun 'kubectl --help' for usage."
        );
        assert_eq!(unknown_command("frobnicate").to_string(), "error: unknown command \"frobnicate\" for \"kubectl\"\nRun 'kubectl --help' for usage.");
        assert_eq!(suggestions_for("rollot", KUBECTL_COMMANDS), vec!["rollout"]);
        assert_eq!(suggestions_for("desc", KUBECTL_COMMANDS), vec!["describe"]);
    }
}
