//! `kubectl wait` (`kubectl/pkg/cmd/wait/`: `wait.go`, `create.go`, `delete.go`): waits until a
//! condition holds on every named object, then prints `pod/web-0 condition met`. Waiting runs
//! the simulation: the virtual clock moves on until the condition holds, or until `--timeout`
//! (default 30s) has passed, as it would have on a real cluster.

use super::get::{fetch, finish};
use super::manifests::DryRun;
use super::output::{parse_change_output, print_change, Format};
use super::parse_flags;
use crate::engine::api::{Kind, Object, Time};
use crate::engine::store::ObjectKey;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::printers::jsonpath;
use crate::kubectl::resources::{ListOptions, Targets};
use crate::kubectl::Env;
use serde_json::Value;

/// Flags `kubectl wait` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("for", None, FlagKind::String),
    flag("timeout", None, FlagKind::String),
    flag("selector", Some('l'), FlagKind::String),
    flag("field-selector", None, FlagKind::String),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::StringArray),
];

/// `--timeout`'s default (`NewWaitFlags`).
const DEFAULT_TIMEOUT_MS: u64 = 30_000;
/// What a negative `--timeout` means: a week.
const WEEK_MS: u64 = 168 * 3600 * 1000;

/// What `--for` asks for (`conditionFuncFor`).
#[derive(Clone, Debug, PartialEq)]
enum Condition {
    /// `--for=delete`: the object is gone (or replaced by one with another uid).
    Delete,
    /// `--for=create`: the object exists.
    Create,
    /// `--for=condition=Ready[=false]`: a status condition, compared case-insensitively.
    Status { name: String, value: String },
    /// `--for=jsonpath='{.status.readyReplicas}'[=3]`: a field, or a field's value.
    JsonPath { path: String, value: Option<String> },
}

/// `conditionFuncFor` and `processJSONPathInput`.
fn condition_for(s: &str) -> CmdResult<Condition> {
    if s.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if s.eq_ignore_ascii_case("create") {
        return Ok(Condition::Create);
    }
    if let Some(rest) = s.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status { name: name.to_string(), value: value.to_string() });
    }
    if let Some(rest) = s.strip_prefix("jsonpath=") {
        let parts = split_json_path_input(rest);
        if parts.is_empty() || parts.len() > 2 {
            return Err(CmdError::plain(
                "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'",
            ));
        }
        let path = relaxed_json_path(&parts[0])?;
        let value = match parts.get(1) {
            None => None,
            Some(v) => {
                let v = v.trim_matches(|c| c == '\'' || c == '"');
                if v.is_empty() {
                    return Err(CmdError::plain(
                        "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3",
                    ));
                }
                Some(v.to_string())
            }
        };
        // Fail now on a path that does not parse, as `newJSONPathParser` does.
        jsonpath::eval_relaxed(&path, &Value::Null).map_err(CmdError::Plain)?;
        return Ok(Condition::JsonPath { path, value });
    }
    Err(CmdError::plain(format!("unrecognized condition: {s:?}")))
}

/// `splitJSONPathInput`: splits on single `=`; `==` stays inside the expression.
fn split_json_path_input(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut element = String::new();
    let mut chars = input.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '=' {
            if chars.peek() == Some(&'=') {
                chars.next();
                element.push_str("==");
                continue;
            }
            out.push(std::mem::take(&mut element));
            continue;
        }
        element.push(ch);
    }
    out.push(element);
    out
}

/// `RelaxedJSONPathExpression`: `{.a.b}`, `{a.b}`, `.a.b` and `a.b` all mean `{.a.b}`.
fn relaxed_json_path(expr: &str) -> CmdResult<String> {
    if expr.is_empty() {
        return Err(CmdError::plain("jsonpath expression cannot be empty"));
    }
    let inner = expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')).unwrap_or(expr);
    let field = inner.strip_prefix('.').unwrap_or(inner);
    if field.is_empty() || field.contains(['{', '}']) {
        return Err(CmdError::plain(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
        ));
    }
    Ok(format!("{{.{field}}}"))
}

impl Condition {
    /// Whether `obj` meets the condition (`checkCondition` of each waiter); errors end the wait.
    fn met(&self, obj: &Object) -> CmdResult<bool> {
        match self {
            Condition::Delete | Condition::Create => Ok(true),
            Condition::Status { name, value } => Ok(status_condition_met(&obj.to_value(), name, value)),
            Condition::JsonPath { path, value } => {
                let found = jsonpath::eval_relaxed(path, &obj.to_value()).map_err(CmdError::Plain)?;
                let Some(first) = found.first() else { return Ok(false) };
                if found.len() > 1 {
                    return Err(CmdError::plain("given jsonpath expression matches more than one value"));
                }
                let Some(want) = value else { return Ok(true) };
                let got = match first {
                    Value::Object(_) | Value::Array(_) => {
                        return Err(CmdError::plain("jsonpath leads to a nested object or list which is not supported"))
                    }
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Ok(got.trim() == want.trim())
            }
        }
    }
}

/// `ConditionalWait.checkCondition`: the named condition has the wanted status, and was written
/// for the object's current generation.
fn status_condition_met(v: &Value, name: &str, want: &str) -> bool {
    let Some(conditions) = v.pointer("/status/conditions").and_then(Value::as_array) else { return false };
    let Some(cond) = conditions.iter().find(|c| c.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(name)))
    else {
        return false;
    };
    let Some(status) = cond.get("status").and_then(Value::as_str) else { return false };
    if let Some(generation) = v.pointer("/metadata/generation").and_then(Value::as_i64) {
        let observed = cond.get("observedGeneration").or_else(|| v.pointer("/status/observedGeneration")).and_then(Value::as_i64);
        if observed.is_some_and(|o| o < generation) {
            return false;
        }
    }
    status.eq_ignore_ascii_case(want)
}

/// `kubectl wait`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "wait", args, FLAGS)?;
    let format = parse_change_output(env, &p)?;
    let condition = condition_for(p.string("for").unwrap_or(""))?;
    let timeout_ms = match p.string("timeout") {
        None => DEFAULT_TIMEOUT_MS,
        Some(t) => {
            let bad = |e: String| CmdError::Usage { message: format!("invalid argument {t:?} for \"--timeout\" flag: {e}"), command: "wait".into() };
            match t.strip_prefix('-') {
                Some(rest) => parse_go_duration(rest).map(|_| WEEK_MS).map_err(|_| bad(format!("time: invalid duration {t:?}")))?,
                None => parse_go_duration(t).map_err(bad)?,
            }
        }
    };
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        return Err(CmdError::plain(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    let ra = super::manifests::resource_args(env, &p, &p.args, "wait")?;
    let opts = ListOptions {
        namespace: if p.bool("all-namespaces") { None } else { Some(env.namespace.clone()) },
        label_selector: p.string("selector").map(String::from),
        field_selector: p.string("field-selector").map(String::from),
    };
    env.cluster.flush();
    let deadline = env.cluster.now.plus_ms(timeout_ms);
    if condition == Condition::Create {
        return wait_for_create(env, &ra.targets, &opts, deadline, timeout_ms, format.as_ref());
    }
    let fetched = fetch(env, &ra.targets, &opts, condition == Condition::Delete)?;
    if !fetched.errors.is_empty() {
        return finish(env, fetched.errors);
    }
    if fetched.objects.is_empty() && condition != Condition::Delete {
        return Err(CmdError::plain("no matching resources found"));
    }
    for obj in &fetched.objects {
        let key = ObjectKey::of(obj);
        let uid = obj.meta().uid.clone();
        let object_name = format!("{}/{}", obj.kind().info().plural, obj.meta().name);
        let printed = loop {
            let current = env.cluster.store.get_key(&key).cloned();
            match (&condition, current) {
                (Condition::Delete, None) => break (**obj).clone(),
                (Condition::Delete, Some(cur)) if cur.meta().uid != uid => break (*cur).clone(),
                (Condition::Delete, Some(_)) => {}
                (_, None) => return Err(CmdError::Api(crate::engine::error::ApiError::not_found(obj.kind(), &key.name))),
                (_, Some(cur)) => {
                    if condition.met(&cur)? {
                        break (*cur).clone();
                    }
                }
            }
            if timeout_ms == 0 {
                return Err(CmdError::plain(format!("condition not met for {object_name}")));
            }
            if !run_until(env, deadline) {
                return Err(CmdError::plain(format!("timed out waiting for the condition on {object_name}")));
            }
        };
        print_change(env, format.as_ref(), &printed, "condition met", DryRun::None)?;
    }
    Ok(())
}

/// `--for=create`: polls until every named object exists (`wait.go` before `IsCreated`).
fn wait_for_create(
    env: &mut Env,
    targets: &Targets,
    opts: &ListOptions,
    deadline: Time,
    timeout_ms: u64,
    format: Option<&Format>,
) -> CmdResult {
    let Targets::Names(names) = targets else {
        return Err(CmdError::plain("resource name must be provided"));
    };
    let names: Vec<(Kind, String)> = names.clone();
    loop {
        let fetched = fetch(env, &Targets::Names(names.clone()), opts, true)?;
        if fetched.objects.len() == names.len() {
            for obj in &fetched.objects {
                print_change(env, format, obj, "condition met", DryRun::None)?;
            }
            return Ok(());
        }
        if timeout_ms == 0 || !run_until(env, deadline) {
            return Err(CmdError::plain("timed out waiting for the condition"));
        }
    }
}

/// Runs the next change due by `deadline`; false (with the clock moved to the deadline) when
/// nothing more happens before it, so the wait has timed out.
fn run_until(env: &mut Env, deadline: Time) -> bool {
    match env.cluster.next_due() {
        Some(t) if t <= deadline => {
            env.cluster.step();
            true
        }
        _ => {
            let left = deadline.since(env.cluster.now).max(0) as u64;
            env.cluster.advance(left);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn waits_by_running_the_simulation() {
        let mut c = cluster();
        crate::engine::apiserver::create(&mut c, Object::StatefulSet(sts("web", 2))).expect("created");
        let start = c.now;
        // The pod does not exist yet: as on a real cluster, only --for=create can wait for that.
        let o = kubectl(&mut c, "wait --for=condition=Ready pod/web-0");
        assert_eq!(o.stderr, "Error from server (NotFound): pods \"web-0\" not found\n");
        assert_eq!(kubectl(&mut c, "wait --for=create pod/web-0").stdout, "pod/web-0 condition met\n");
        // wait.go: NamePrinter with "condition met" once the Ready condition is True.
        let o = kubectl(&mut c, "wait --for=condition=Ready pod/web-0 --timeout=60s");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("pod/web-0 condition met\n", "", 0));
        assert!(c.now.since(start) > 0, "virtual time passed while waiting");
        let o = kubectl(&mut c, "wait --for=jsonpath={.status.readyReplicas}=2 sts/web");
        assert_eq!(o.stdout, "statefulset.apps/web condition met\n", "{}", o.stderr);
        let o = kubectl(&mut c, "wait --for=jsonpath='{.status.phase}'=Running pods -l app=web -o name");
        assert_eq!(o.stdout, "pod/web-0\npod/web-1\n", "{}", o.stderr);
        // A condition that never comes: the clock runs to the deadline.
        let before = c.now;
        let o = kubectl(&mut c, "wait --for=condition=Ready=false pod/web-1 --timeout=5s");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("error: timed out waiting for the condition on pods/web-1\n", 1));
        assert_eq!(c.now.since(before), 5000);
        let o = kubectl(&mut c, "wait --for=condition=Ready=false pod/web-1 --timeout=0");
        assert_eq!(o.stderr, "error: condition not met for pods/web-1\n");
        // --for=delete after a delete: the pod terminates gracefully, then is gone.
        kubectl(&mut c, "delete pod web-1 --wait=false");
        let o = kubectl(&mut c, "wait --for=delete pod/web-1 --timeout=60s");
        assert_eq!(o.stdout, "pod/web-1 condition met\n", "{}", o.stderr);
        // --for=create: the controller creates web-1 again.
        let o = kubectl(&mut c, "wait --for=create pod/web-1");
        assert_eq!(o.stdout, "pod/web-1 condition met\n", "{}", o.stderr);
    }

    #[test]
    fn errors_as_upstream() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 1)));
        assert_eq!(kubectl(&mut c, "wait pod/web-0").stderr, "error: unrecognized condition: \"\"\n");
        assert_eq!(kubectl(&mut c, "wait --for=ready pod/web-0").stderr, "error: unrecognized condition: \"ready\"\n");
        assert_eq!(
            kubectl(&mut c, "wait --for=jsonpath='{.status.phase}'= pod/web-0").stderr,
            "error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3\n"
        );
        assert_eq!(kubectl(&mut c, "wait --for=condition=Ready pod/nope").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
        assert_eq!(kubectl(&mut c, "wait --for=delete pod/nope").stdout, "");
        assert_eq!(kubectl(&mut c, "wait --for=condition=Ready pods -l app=none").stderr, "error: no matching resources found\n");
        assert_eq!(
            kubectl(&mut c, "wait --for=delete pod/web-0 --timeout=soon").stderr,
            "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'kubectl wait --help' for usage.\n"
        );
        assert_eq!(super::split_json_path_input("{.a==b}=c"), vec!["{.a==b}", "c"]);
        assert_eq!(super::relaxed_json_path("status.phase").unwrap(), "{.status.phase}");
    }
}
