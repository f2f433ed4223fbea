//! Command-line flag parsing with spf13/pflag semantics, as every kubectl command uses:
//! `--name=value`, `--name value`, `-n value`, `-nvalue`, grouped short booleans (`-Aw`),
//! `--flag=false`, no-option defaults (`--cascade` alone means `background`), flags anywhere
//! among the arguments, and `--` ending flag parsing.

use super::errors::CmdError;
use std::collections::BTreeMap;

/// What a flag holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `true`/`false`; given alone it means true.
    Bool,
    /// One string; the last occurrence wins.
    String,
    /// A 64-bit integer (`strconv.ParseInt`).
    Int,
    /// A string slice: repeatable and comma-separated (`-L a,b -L c`).
    StringSlice,
    /// A string array: repeatable, no comma splitting (`-f a.yaml -f b.yaml`).
    StringArray,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    /// Long name without dashes.
    pub long: &'static str,
    /// Shorthand letter.
    pub short: Option<char>,
    /// Value kind.
    pub kind: FlagKind,
    /// pflag `NoOptDefVal`: the value used when the flag is given without `=value`.
    pub no_opt_default: Option<&'static str>,
}

/// Shorthand for a flag spec.
pub const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagSpec {
    FlagSpec { long, short, kind, no_opt_default: None }
}

/// Flags every kubectl command accepts (kubectl's persistent flags). Only `--namespace`
/// changes anything in the playground; the others are accepted so pasted commands work.
pub const GLOBAL_FLAGS: &[FlagSpec] = &[
    flag("namespace", Some('n'), FlagKind::String),
    flag("context", None, FlagKind::String),
    flag("cluster", None, FlagKind::String),
    flag("user", None, FlagKind::String),
    flag("kubeconfig", None, FlagKind::String),
    flag("request-timeout", None, FlagKind::String),
    flag("v", Some('v'), FlagKind::Int),
    flag("warnings-as-errors", None, FlagKind::Bool),
];

/// The result of parsing: positional arguments and flag values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Positional arguments in order.
    pub args: Vec<String>,
    /// Index into `args` where arguments after `--` start (cobra's `ArgsLenAtDash`).
    pub args_len_at_dash: Option<usize>,
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Parsed {
    /// Whether the flag was given.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// A boolean flag's value (false when absent).
    pub fn bool(&self, name: &str) -> bool {
        self.values.get(name).and_then(|v| v.last()).is_some_and(|v| v == "true")
    }

    /// A boolean flag with a default when absent.
    pub fn bool_or(&self, name: &str, default: bool) -> bool {
        match self.values.get(name).and_then(|v| v.last()) {
            Some(v) => v == "true",
            None => default,
        }
    }

    /// A string flag's last value.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|v| v.last()).map(|s| s.as_str())
    }

    /// An integer flag's value (validated at parse time).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.string(name).and_then(|s| parse_go_int(s).ok())
    }

    /// Every value of a repeatable flag.
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }
}

/// `strconv.ParseInt(s, 0, 64)` for the forms people type.
pub fn parse_go_int(s: &str) -> Result<i64, String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let parsed = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        i64::from_str_radix(h, 16)
    } else {
        digits.parse::<i64>()
    };
    match parsed {
        Ok(v) if !digits.is_empty() && !digits.starts_with(['+', '-']) => Ok(if neg { -v } else { v }),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            Err(format!("strconv.ParseInt: parsing {s:?}: value out of range"))
        }
        _ => Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax")),
    }
}

fn parse_go_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("strconv.ParseBool: parsing {s:?}: invalid syntax")),
    }
}

struct Lookup<'a> {
    specs: &'a [FlagSpec],
}

impl<'a> Lookup<'a> {
    fn long(&self, name: &str) -> Option<&'a FlagSpec> {
        self.specs.iter().chain(GLOBAL_FLAGS).find(|f| f.long == name)
    }
    fn short(&self, c: char) -> Option<&'a FlagSpec> {
        self.specs.iter().chain(GLOBAL_FLAGS).find(|f| f.short == Some(c))
    }
}

fn flag_display(spec: &FlagSpec) -> String {
    match spec.short {
        Some(s) => format!("-{s}, --{}", spec.long),
        None => format!("--{}", spec.long),
    }
}

fn store(values: &mut BTreeMap<&'static str, Vec<String>>, spec: &FlagSpec, value: &str) -> Result<(), String> {
    let invalid = |e: String| format!("invalid argument {value:?} for {:?} flag: {e}", flag_display(spec));
    let entry = values.entry(spec.long).or_default();
    match spec.kind {
        FlagKind::Bool => {
            let b = parse_go_bool(value).map_err(invalid)?;
            *entry = vec![b.to_string()];
        }
        FlagKind::Int => {
            parse_go_int(value).map_err(invalid)?;
            *entry = vec![value.to_string()];
        }
        FlagKind::String => *entry = vec![value.to_string()],
        FlagKind::StringSlice => {
            if !value.is_empty() {
                entry.extend(value.split(',').map(|s| s.to_string()));
            }
        }
        FlagKind::StringArray => entry.push(value.to_string()),
    }
    Ok(())
}

/// Parses `args` against a command's flags plus the global ones. The error is pflag's message
/// (kubectl adds `See 'kubectl <cmd> --help' for usage.`).
pub fn parse(args: &[String], specs: &[FlagSpec]) -> Result<Parsed, String> {
    let lookup = Lookup { specs };
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.args_len_at_dash = Some(out.args.len());
            out.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let Some(spec) = lookup.long(name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match (inline, spec.kind, spec.no_opt_default) {
                (Some(v), _, _) => v.to_string(),
                (None, FlagKind::Bool, _) => "true".into(),
                (None, _, Some(d)) => d.to_string(),
                (None, _, None) => {
                    if i < args.len() {
                        i += 1;
                        args[i - 1].clone()
                    } else {
                        return Err(format!("flag needs an argument: --{name}"));
                    }
                }
            };
            store(&mut out.values, spec, &value)?;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let shorts: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let Some(spec) = lookup.short(c) else {
                    return Err(format!("unknown shorthand flag: {c:?} in {a}"));
                };
                let rest: String = shorts[j + 1..].iter().collect();
                if spec.kind == FlagKind::Bool {
                    if let Some(v) = rest.strip_prefix('=') {
                        store(&mut out.values, spec, v)?;
                        break;
                    }
                    store(&mut out.values, spec, "true")?;
                    j += 1;
                    continue;
                }
                let value = if let Some(v) = rest.strip_prefix('=') {
                    v.to_string()
                } else if !rest.is_empty() {
                    rest
                } else if let Some(d) = spec.no_opt_default {
                    d.to_string()
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].clone()
                } else {
                    return Err(format!("flag needs an argument: {c:?} in {a}"));
                };
                store(&mut out.values, spec, &value)?;
                break;
            }
            continue;
        }
        out.args.push(a.clone());
    }
    Ok(out)
}

/// Parses, turning a pflag error into kubectl's flag error for `command`.
pub fn parse_for(command: &str, args: &[String], specs: &[FlagSpec]) -> Result<Parsed, CmdError> {
    parse(args, specs).map_err(|m| CmdError::usage(command, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FlagSpec] = &[
        flag("output", Some('o'), FlagKind::String),
        flag("all-namespaces", Some('A'), FlagKind::Bool),
        flag("watch", Some('w'), FlagKind::Bool),
        flag("replicas", None, FlagKind::Int),
        flag("label-columns", Some('L'), FlagKind::StringSlice),
        FlagSpec { long: "cascade", short: None, kind: FlagKind::String, no_opt_default: Some("background") },
    ];

    fn p(s: &str) -> Result<Parsed, String> {
        let args: Vec<String> = s.split_whitespace().map(String::from).collect();
        parse(&args, SPECS)
    }

    #[test]
    fn long_short_and_grouped_forms() {
        let r = p("pods -o wide -Aw --namespace=kube-system web").unwrap();
        assert_eq!(r.args, vec!["pods", "web"]);
        assert_eq!(r.string("output"), Some("wide"));
        assert!(r.bool("all-namespaces") && r.bool("watch"));
        assert_eq!(r.string("namespace"), Some("kube-system"));
        let r = p("-owide -nfoo -L a,b -L c").unwrap();
        assert_eq!(r.string("output"), Some("wide"));
        assert_eq!(r.string("namespace"), Some("foo"));
        assert_eq!(r.strings("label-columns"), vec!["a", "b", "c"]);
    }

    #[test]
    fn no_opt_default_and_dash_dash() {
        let r = p("sts web --cascade orphan").unwrap();
        assert_eq!(r.string("cascade"), Some("background"));
        assert_eq!(r.args, vec!["sts", "web", "orphan"]);
        let r = p("web-0 -- ls -la").unwrap();
        assert_eq!(r.args_len_at_dash, Some(1));
        assert_eq!(r.args, vec!["web-0", "ls", "-la"]);
    }

    #[test]
    fn pflag_error_texts() {
        assert_eq!(p("--replica=3").unwrap_err(), "unknown flag: --replica");
        assert_eq!(p("-x").unwrap_err(), "unknown shorthand flag: 'x' in -x");
        assert_eq!(p("-o").unwrap_err(), "flag needs an argument: 'o' in -o");
        assert_eq!(p("--output").unwrap_err(), "flag needs an argument: --output");
        assert_eq!(
            p("--replicas=abc").unwrap_err(),
            "invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            p("-A=maybe").unwrap_err(),
            "invalid argument \"maybe\" for \"-A, --all-namespaces\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
    }
}
