//! The engine boundary (DEVELOPERS.md): the browser UI (`src/ui/**`, `src/main.rs`) reaches the
//! simulator only through `session::api::SessionApi`, the trait object `session::api::open`
//! returns. The app is to load its engine as a lazily fetched WebAssembly module split at
//! `open`, and any engine function the UI called by name would be pulled back into the
//! first-load module. This test reads the UI's source and fails on every path into the engine,
//! kubectl, the script reader, the session, the CLI or the utilities that is not in
//! [`ALLOWED`]: plain data, enum values, constants and static tables, which cost no engine code.
//!
//! It checks paths (`crate::session::view::ClusterView`, `use` groups included) and the
//! associated functions called on the allowed types (`Input::kubectl(…)`); it cannot see method
//! calls (`input.echo()`), so methods of the allowed types must stay trivial too (a field, a
//! `match` on a variant).

use std::fs;
use std::path::{Path, PathBuf};

/// The crate's modules the UI must not reach into (except for [`ALLOWED`]).
const SCANNED: &[&str] = &["engine", "kubectl", "script", "session", "cli", "util"];

/// What the UI may name directly. Keep it short: anything with logic goes through
/// `SessionApi`.
const ALLOWED: &[&str] = &[
    // The door itself: the factory's input and error, the trait (the factory is called in
    // one file only: OPEN_IN).
    "session::api::OpenError",
    "session::api::SessionApi",
    "session::api::Start",
    // Plain data the trait takes and returns.
    "session::File",
    "session::input::Input",
    "session::input::Change",
    "session::console::ConsoleLine",
    "session::console::LineKind",
    "session::console::Effect",
    "session::console::Watch",
    "session::complete::Completion",
    "session::highlight::Token",
    "session::inspect::Inspection",
    "session::why::DecisionRow",
    "session::why::EventRow",
    "session::why::Lead",
    "session::why::WhyView",
    "session::view::ClusterView",
    "session::view::SetView",
    "session::view::SlotView",
    "session::view::PodView",
    "session::view::ClaimView",
    "session::view::ServiceView",
    "session::view::Health",
    "engine::manifest::Diagnostic",
    "engine::manifest::Severity",
    // The prompt's reader state (its accessors are fields; `feed` goes through the trait).
    "script::LineReader",
    // Enums: `Kind::info()` indexes a static table.
    "engine::api::Kind",
    "engine::store::WatchEventType",
    // Constants and static tables.
    "session::persist::MAX_FILES",
    "session::seed::HINT",
    "session::seed::SEED_FILE",
    "session::seed::SEED_YAML",
    // The YAML highlighter: small, pure, no engine code; the editor colours the example with it
    // before the simulator has loaded (ui::pending).
    "session::highlight::line",
    "session::lessons::LESSONS",
    "session::lessons::Step",
];

/// The split point: the one file that calls the factory (`session::api::open`), inside the
/// function the build moves to the lazily loaded module with everything it reaches.
const OPEN_IN: &str = "src/ui/engine.rs";

/// Associated functions the UI may call on an allowed type by path (derived, no logic).
const ALLOWED_FUNCTIONS: &[&str] = &["default", "clone"];

fn ui_sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("src/main.rs")];
    walk(&root.join("src/ui"), &mut out);
    out.sort();
    out
}

/// The source with comments removed and string and char literals blanked (paths in docs and
/// messages are not calls). Line breaks are kept, so offsets map to the same lines.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !b.get(i.wrapping_sub(1)).is_some_and(|p| p.is_alphanumeric() || *p == '_') {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            loop {
                match b.get(j) {
                    None => break,
                    Some('"') if (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(&ch) => {
                        out.push(blank(ch));
                        j += 1;
                    }
                }
            }
            out.push('"');
            i = j;
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\''); a lifetime ('a) is left as it is.
            out.push('\'');
            i += 1;
            if b.get(i) == Some(&'\\') {
                i += 2;
            } else {
                i += 1;
            }
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads a path tree at `at` (after `crate::`): `a::b::C`, `a::{b, c::{D, E as F}}`, `a::*`.
/// Returns the full paths and the offset after the tree.
fn read_tree(s: &[char], mut at: usize, prefix: &str) -> (Vec<String>, usize) {
    let skip_ws = |s: &[char], mut i: usize| {
        while i < s.len() && s[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let mut path = prefix.to_string();
    loop {
        at = skip_ws(s, at);
        if s.get(at) == Some(&'{') {
            let mut out = Vec::new();
            at += 1;
            loop {
                at = skip_ws(s, at);
                match s.get(at) {
                    None => return (out, at),
                    Some('}') => return (out, at + 1),
                    Some(',') => at += 1,
                    _ => {
                        let (paths, next) = read_tree(s, at, &path);
                        out.extend(paths);
                        at = next;
                    }
                }
            }
        }
        if s.get(at) == Some(&'*') {
            return (vec![format!("{path}*")], at + 1);
        }
        let start = at;
        while at < s.len() && is_ident(s[at]) {
            at += 1;
        }
        let seg: String = s[start..at].iter().collect();
        if seg.is_empty() {
            return (vec![path.trim_end_matches("::").to_string()], at);
        }
        if seg == "self" {
            return (vec![path.trim_end_matches("::").to_string()], at);
        }
        path.push_str(&seg);
        let after = skip_ws(s, at);
        if s.get(after) == Some(&':') && s.get(after + 1) == Some(&':') {
            path.push_str("::");
            at = after + 2;
            continue;
        }
        // `X as Y`: the alias does not change what is named.
        if s[after..].starts_with(&['a', 's', ' ']) {
            let mut j = skip_ws(s, after + 2);
            while j < s.len() && is_ident(s[j]) {
                j += 1;
            }
            return (vec![path], j);
        }
        return (vec![path], at);
    }
}

/// Every path into the crate's modules in `code`, with its line, as written after `crate::`
/// (or `stsplay::` in the binary).
fn paths(code: &str) -> Vec<(usize, String)> {
    let s: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let prefix = ["crate::", "stsplay::"].into_iter().find(|p| rest.starts_with(&p.chars().collect::<Vec<_>>()));
        match prefix {
            Some(p) if i == 0 || !is_ident(s[i - 1]) => {
                let line = s[..i].iter().filter(|c| **c == '\n').count() + 1;
                let (found, next) = read_tree(&s, i + p.len(), "");
                out.extend(found.into_iter().map(|f| (line, f)));
                i = next.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether the UI may name `path` (without `crate::`).
fn allowed(path: &str) -> bool {
    let first = path.split("::").next().unwrap_or_default();
    if !SCANNED.contains(&first) {
        return true;
    }
    ALLOWED.iter().any(|a| {
        path == *a
            || path.strip_prefix(a).and_then(|r| r.strip_prefix("::")).is_some_and(|member| {
                // An allowed type's variant or constant (`Kind::Pod`, `Input::STEP`).
                !member.contains("::") && member.starts_with(|c: char| c.is_ascii_uppercase())
            })
    })
}

/// Problems in one file: paths outside the allow-list, and associated functions called on the
/// allowed types it imports (`Input::kubectl(…)`).
fn problems(file: &Path, src: &str) -> Vec<String> {
    let code = code_only(src);
    let mut out = Vec::new();
    let found = paths(&code);
    for (line, p) in &found {
        if !allowed(p) && !(p == "session::api::open" && file == Path::new(OPEN_IN)) {
            out.push(format!("{}:{line}: crate::{p}", file.display()));
        }
    }
    // The allowed types named in this file, by their last segment.
    let mut types: Vec<&str> = found
        .iter()
        .filter(|(_, p)| allowed(p) && SCANNED.contains(&p.split("::").next().unwrap_or_default()))
        .filter_map(|(_, p)| p.rsplit("::").next())
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()) && n.chars().any(|c| c.is_ascii_lowercase()))
        .collect();
    types.sort();
    types.dedup();
    let s: Vec<char> = code.chars().collect();
    for t in types {
        let pat: Vec<char> = format!("{t}::").chars().collect();
        let mut i = 0;
        while i + pat.len() <= s.len() {
            if s[i..].starts_with(&pat) && (i == 0 || !is_ident(s[i - 1])) {
                let start = i + pat.len();
                let mut j = start;
                while j < s.len() && is_ident(s[j]) {
                    j += 1;
                }
                let member: String = s[start..j].iter().collect();
                if member.starts_with(|c: char| c.is_ascii_lowercase()) && !ALLOWED_FUNCTIONS.contains(&member.as_str()) {
                    let line = s[..i].iter().filter(|c| **c == '\n').count() + 1;
                    out.push(format!("{}:{line}: {t}::{member} (an associated function)", file.display()));
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }
    out
}

#[test]
fn the_ui_reaches_the_simulator_only_through_session_api() {
    let files = ui_sources();
    assert!(files.len() > 10, "the UI's sources were not found: {files:?}");
    let mut all = Vec::new();
    for f in &files {
        let src = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(f);
        all.extend(problems(name, &src));
    }
    assert!(
        all.is_empty(),
        "The browser UI names engine code directly. Go through session::api::SessionApi instead (add \
         a method there and call it on the session), so the engine can be loaded lazily; only plain \
         data, enum values and constants may be named (tests/engine_boundary.rs, ALLOWED):\n{}",
        all.join("\n")
    );
}

#[test]
fn the_scanner_sees_groups_aliases_and_calls_and_skips_comments_and_strings() {
    let src = r#"
        //! [`crate::engine::sim::Cluster`] in a doc comment is no call.
        use crate::session::view::{self, ClusterView, PodView as P};
        use crate::session::input::{Input, Change};
        use crate::ui::state::State;
        fn f() {
            let _ = "crate::kubectl::run in a string";
            let _ = '"'; let _ = crate::kubectl::run_args(a, b);
            let _: crate::engine::api::Kind = crate::engine::api::Kind::Pod;
            let _ = Input::STEP;
            let _ = Input::kubectl("x");
            let _ = crate::session::api::open(crate::session::api::Start::Fresh);
            /* crate::engine::store::Store */
        }
    "#;
    let got = problems(Path::new("x.rs"), src);
    assert_eq!(
        got,
        [
            "x.rs:3: crate::session::view",
            "x.rs:8: crate::kubectl::run_args",
            "x.rs:12: crate::session::api::open",
            "x.rs:11: Input::kubectl (an associated function)",
        ],
        "{got:?}"
    );
    assert!(allowed("session::view::PodView"));
    assert!(!allowed("session::view::build"));
    assert!(!allowed("session::view::*"));
    assert!(!allowed("session::Session"));
    assert!(allowed("ui::state::State"));
    assert!(problems(Path::new(OPEN_IN), "fn f() { crate::session::api::open(s) }").is_empty());
}
