//! `kubectl label` and `kubectl annotate` (`kubectl/pkg/cmd/label/label.go`,
//! `annotate/annotate.go`): `key=value` sets, `key-` removes, `--overwrite` is required to
//! change an existing value; prints `pod/web-0 labeled` / `unlabeled` / `not labeled` /
//! `annotated`.

use super::get::{fetch, finish};
use super::manifests::{dry_run, send_update, DryRun, DRY_RUN_FLAG};
use super::output::{parse_change_output, print_change};
use super::{parse_flags, usage_errorf};
use crate::engine::api::{Object, StringMap};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::resources::{ListOptions, Targets};
use crate::kubectl::Env;

/// Which metadata map the command edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `kubectl label`.
    Label,
    /// `kubectl annotate`.
    Annotate,
}

/// Flags both commands accept.
pub const FLAGS: &[FlagSpec] = &[
    flag("overwrite", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::String),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("resource-version", None, FlagKind::String),
    flag("list", None, FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
    flag("field-selector", None, FlagKind::String),
    flag("filename", Some('f'), FlagKind::StringArray),
];

fn valid_label_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// `kubectl label` / `kubectl annotate`.
pub fn run(env: &mut Env, args: &[String], mode: Mode) -> CmdResult {
    let cmd = if mode == Mode::Label { "label" } else { "annotate" };
    let p = parse_flags(env, cmd, args, FLAGS)?;
    // Resources come first; the first argument with '=' or ending in '-' starts the changes.
    let split = p.args.iter().position(|a| a.contains('=') || (a.ends_with('-') && a.len() > 1)).unwrap_or(p.args.len());
    let (res, changes) = p.args.split_at(split);
    if changes.is_empty() && !p.bool("list") {
        let what = if mode == Mode::Label { "label" } else { "annotation" };
        return Err(usage_errorf(cmd, &format!("at least one {what} update is required")));
    }
    if res.is_empty() && !super::manifests::has_files(&p) {
        return Err(usage_errorf(cmd, "one or more resources must be specified as <resource> <name> or <resource>/<name>"));
    }
    let mut set = StringMap::new();
    let mut remove: Vec<String> = Vec::new();
    for c in changes {
        if let Some((k, v)) = c.split_once('=') {
            if mode == Mode::Label && !valid_label_value(v) {
                return Err(CmdError::plain(format!("invalid label value: {c:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")));
            }
            set.insert(k.to_string(), v.to_string());
        } else if let Some(k) = c.strip_suffix('-') {
            remove.push(k.to_string());
        }
    }
    for k in &remove {
        if set.contains_key(k) {
            return Err(CmdError::plain(format!("can not both modify and remove the following {} in the same command: {k}", if mode == Mode::Label { "label(s)" } else { "annotation(s)" })));
        }
    }
    let ra = super::manifests::resource_args(env, &p, res, cmd)?;
    let selector = p.string("selector").map(String::from);
    if matches!(ra.targets, Targets::Lists(_)) && selector.is_none() && !p.bool("all") {
        return Err(CmdError::plain("resource(s) were provided, but no name was specified"));
    }
    let opts = ListOptions {
        namespace: if p.bool("all-namespaces") { None } else { Some(env.namespace.clone()) },
        label_selector: selector,
        field_selector: p.string("field-selector").map(String::from),
    };
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    let list = p.bool("list");
    let fetched = fetch(env, &ra.targets, &opts, false)?;
    let mut errors = fetched.errors;
    let overwrite = p.bool("overwrite");
    for obj in &fetched.objects {
        let mut o = (**obj).clone();
        // Sent to the server unless the change is only printed (client dry run, --list).
        let send = dry != DryRun::Client && !list;
        let map = if mode == Mode::Label { &mut o.meta_mut().labels } else { &mut o.meta_mut().annotations };
        if send && mode == Mode::Label {
            for k in remove.iter().filter(|k| !map.contains_key(k.as_str())) {
                env.println(&format!("label {k:?} not found."));
            }
        }
        if !overwrite {
            if let Some(e) = overwrite_conflicts(mode, map, &set) {
                errors.push(e);
                continue;
            }
        }
        let before = map.clone();
        for (k, v) in &set {
            map.insert(k.clone(), v.clone());
        }
        for k in &remove {
            map.remove(k);
        }
        let after = map.clone();
        if let Some(rv) = p.string("resource-version") {
            o.meta_mut().resource_version = rv.to_string();
        }
        let changed = before != after;
        // label.go prints its own copy of the object; annotate.go prints what the server sent back.
        let printed = if send && changed {
            match send_update(env, o.clone(), dry) {
                Ok(stored) if mode == Mode::Annotate => stored,
                Ok(_) => o,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        } else {
            o
        };
        if list {
            print_list(env, mode, &printed, ra.single_item_implied);
            continue;
        }
        // label.go updateDataChangeMsg; annotate always says "annotated".
        let op = match mode {
            Mode::Annotate => "annotated",
            Mode::Label if !changed => "not labeled",
            Mode::Label if !overwrite && after.len() < before.len() => "unlabeled",
            Mode::Label => "labeled",
        };
        print_change(env, format.as_ref(), &printed, op, dry)?;
    }
    finish(env, errors)
}

/// Without `--overwrite`, a key that already has another value is an error (label.go
/// `validateNoOverwrites`, annotate.go `validateNoAnnotationOverwrites`; the same value is no
/// conflict since kubectl 1.24). The change-cause annotation may always be overwritten.
fn overwrite_conflicts(mode: Mode, current: &StringMap, set: &StringMap) -> Option<CmdError> {
    let conflicts: Vec<(&String, &String)> = set
        .iter()
        .filter(|(k, _)| mode == Mode::Label || k.as_str() != "kubernetes.io/change-cause")
        .filter_map(|(k, v)| current.get(k).filter(|cur| *cur != v).map(|cur| (k, cur)))
        .collect();
    if conflicts.is_empty() {
        return None;
    }
    let msg = match mode {
        Mode::Label => {
            let each: Vec<String> =
                conflicts.iter().map(|(k, cur)| format!("'{k}' already has a value ({cur}), and --overwrite is false")).collect();
            if each.len() == 1 { each[0].clone() } else { format!("[{}]", each.join(", ")) }
        }
        Mode::Annotate => {
            let each: Vec<String> = conflicts.iter().map(|(k, cur)| format!("'{k}' already has a value ({cur})")).collect();
            format!("--overwrite is false but found the following declared annotation(s): {}", each.join("; "))
        }
    };
    Some(CmdError::plain(msg))
}

/// `--list`: the object's labels (or annotations) as `key=value` lines, under a heading per
/// object when several were named. kubectl walks a Go map (random order); these are sorted.
fn print_list(env: &mut Env, mode: Mode, obj: &Object, single: bool) {
    let (map, what) = match mode {
        Mode::Label => (&obj.meta().labels, "labels"),
        Mode::Annotate => (&obj.meta().annotations, "annotations"),
    };
    let indent = if single { "" } else { " " };
    if !single {
        let info = obj.kind().info();
        let heading = format!("Listing {what} for {}.{}/{}:", info.kind_name, info.group, obj.meta().name);
        // label.go writes the heading to stderr, annotate.go to stdout.
        match mode {
            Mode::Label => env.eprintln(&heading),
            Mode::Annotate => env.println(&heading),
        }
    }
    for (k, v) in map.iter() {
        env.println(&format!("{indent}{k}={v}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn label_and_annotate() {
        let mut c = cluster();
        let now = c.now;
        let mut pod = running_pod("web-0", "web", now);
        // A stored pod has been through defaulting; an update compares against it.
        crate::engine::admission::defaults::set_defaults_pod(&mut pod);
        put(&mut c, Object::Pod(pod));
        // label.go: NamePrinter with "labeled" / "unlabeled" / "not labeled".
        let o = kubectl(&mut c, "label pod web-0 tier=frontend");
        assert_eq!(o.stdout, "pod/web-0 labeled\n", "{}", o.stderr);
        assert_eq!(
            kubectl(&mut c, "label pod web-0 tier=backend").stderr,
            "error: 'tier' already has a value (frontend), and --overwrite is false\n"
        );
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=backend --overwrite").stdout, "pod/web-0 labeled\n");
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=backend").stdout, "pod/web-0 not labeled\n");
        assert_eq!(kubectl(&mut c, "label pod web-0 tier-").stdout, "pod/web-0 unlabeled\n");
        let p = c.store.get(Kind::Pod, "default", "web-0").unwrap();
        assert!(!p.meta().labels.contains_key("tier"));
        assert_eq!(kubectl(&mut c, "annotate pods web-0 note=hello").stdout, "pod/web-0 annotated\n");
        assert_eq!(kubectl(&mut c, "label pods -l app=web env=prod").stdout, "pod/web-0 labeled\n");
        assert_eq!(
            kubectl(&mut c, "label pod web-0").stderr,
            "error: at least one label update is required\nSee 'kubectl label -h' for help and examples\n"
        );
    }

    #[test]
    fn dry_runs_list_and_annotate_conflicts() {
        let mut c = cluster();
        let now = c.now;
        let mut pod = running_pod("web-0", "web", now);
        crate::engine::admission::defaults::set_defaults_pod(&mut pod);
        put(&mut c, Object::Pod(pod));
        let before = c.store.get(Kind::Pod, "default", "web-0").unwrap().clone();
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=db --dry-run=client").stdout, "pod/web-0 labeled (dry run)\n");
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=db --dry-run=server").stdout, "pod/web-0 labeled (server dry run)\n");
        assert_eq!(kubectl(&mut c, "annotate pod web-0 a=b --dry-run=server").stdout, "pod/web-0 annotated (server dry run)\n");
        let o = kubectl(&mut c, "label pod web-0 tier=db --dry-run -o jsonpath={.metadata.labels.tier}");
        assert_eq!(o.stdout, "db");
        assert!(o.stderr.ends_with(" 12345 helpers.go:663] --dry-run is deprecated and can be replaced with --dry-run=client.\n"), "{}", o.stderr);
        // --list applies the change to its own copy only.
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=db --list").stdout, "app=web\ntier=db\n");
        assert_eq!(*c.store.get(Kind::Pod, "default", "web-0").unwrap(), before);
        // label.go: removing a label that is not there is reported, and the rest still applies.
        assert_eq!(kubectl(&mut c, "label pod web-0 tier=db gone-").stdout, "label \"gone\" not found.\npod/web-0 labeled\n");
        assert_eq!(kubectl(&mut c, "annotate pod web-0 note=one").stdout, "pod/web-0 annotated\n");
        assert_eq!(kubectl(&mut c, "annotate pod web-0 note=one").stdout, "pod/web-0 annotated\n");
        // annotate.go validateNoAnnotationOverwrites words it differently from label.
        assert_eq!(
            kubectl(&mut c, "annotate pod web-0 note=two").stderr,
            "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (one)\n"
        );
        assert_eq!(kubectl(&mut c, "annotate pod web-0 note=two --overwrite -o name").stdout, "pod/web-0\n");
        let p = c.store.get(Kind::Pod, "default", "web-0").unwrap();
        assert_eq!(p.meta().annotations.get("note").map(String::as_str), Some("two"));
    }
}
