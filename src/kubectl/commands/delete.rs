//! `kubectl delete` (`kubectl/pkg/cmd/delete/delete.go`, `delete_flags.go`): by name, `-l`,
//! `--all`; `--cascade`, `--grace-period`, `--force`, `--now`; prints
//! `pod "web-0" deleted from default namespace` (kubectl ≥ 1.33 names the namespace) and waits
//! for the objects to be gone (`--wait=true`), advancing the virtual clock.

use super::get::{fetch, finish, Fetched};
use super::parse_flags;
use super::manifests::{dry_run, DryRun, DRY_RUN_FLAG};
use crate::engine::api::Object;
use crate::engine::apiserver::{self, DeleteOptions, Propagation};
use crate::engine::store::ObjectKey;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::resources::{ListOptions, ResourceArgs, Targets};
use crate::kubectl::Env;
use std::rc::Rc;

/// Flags `kubectl delete` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), FlagKind::String),
    flag("field-selector", None, FlagKind::String),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    FlagSpec { long: "cascade", short: None, kind: FlagKind::String, no_opt_default: Some("background") },
    flag("force", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Int),
    flag("now", None, FlagKind::Bool),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::String),
    flag("output", Some('o'), FlagKind::String),
    DRY_RUN_FLAG,
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("interactive", Some('i'), FlagKind::Bool),
    flag("raw", None, FlagKind::String),
];

/// The text kubectl prints when no resource was named.
pub const NO_RESOURCES_ERROR: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// Virtual time `kubectl delete` waits at most for objects to disappear.
const WAIT_LIMIT_MS: u64 = 5 * 60 * 1000;

/// `kubectl delete`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "delete", args, FLAGS)?;
    let cascade = p.string("cascade").unwrap_or("background");
    // delete_flags.go GetCascadingStrategy: a boolean (strconv.ParseBool's spellings) still
    // works, with a deprecation warning naming its replacement.
    let boolean = match cascade {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    };
    if let Some(b) = boolean {
        let instead = if b { "background" } else { "orphan" };
        env.eprint(&format!("warning: --cascade={b} is deprecated (boolean value) and can be replaced with --cascade={instead}.\n"));
    }
    let propagation = match (boolean, cascade) {
        (Some(true), _) | (None, "background") => Propagation::Background,
        (None, "foreground") => Propagation::Foreground,
        (Some(false), _) | (None, "orphan") => Propagation::Orphan,
        (None, other) => {
            return Err(CmdError::plain(format!(
                "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    };
    let force = p.bool("force");
    let mut grace = p.int("grace-period").unwrap_or(-1);
    if p.bool("now") {
        if grace != -1 {
            return Err(CmdError::plain("--now and --grace-period cannot be specified together"));
        }
        grace = 1;
    }
    // delete.go Complete: --grace-period=0 without --force means 1; --force alone means 0.
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    // builder.go SelectAllParam, called after LabelSelectorParam/FieldSelectorParam: its error
    // (with the trailing space) comes before any argument is looked at.
    let non_empty = |f: &str| p.string(f).is_some_and(|s| !s.trim().is_empty());
    if p.bool("all") && (non_empty("selector") || non_empty("field-selector")) {
        return Err(CmdError::plain("setting 'all' parameter but found a non empty selector. "));
    }
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        return Err(CmdError::plain(NO_RESOURCES_ERROR));
    }
    let ra = super::manifests::resource_args(env, &p, &p.args, "delete")?;
    crate::kubectl::resources::request_warnings(env, &ra.targets.kinds());
    let selector = p.string("selector").map(String::from);
    let all = p.bool("all");
    if matches!(ra.targets, Targets::Lists(_)) && selector.is_none() && !all && p.string("field-selector").is_none() {
        return Err(CmdError::plain("resource(s) were provided, but no name was specified"));
    }
    if matches!(ra.targets, Targets::Names(_)) && (all || selector.is_some()) {
        return Err(CmdError::plain("name cannot be provided when a selector is specified"));
    }
    // delete.go Validate (after Complete has built the request).
    if let Some(o) = p.string("output").filter(|o| !o.is_empty() && *o != "name") {
        return Err(CmdError::plain(format!("unexpected -o output mode: {o}. We only support '-o name'")));
    }
    if force && grace > 0 {
        return Err(CmdError::plain("--force and --grace-period greater than 0 cannot be specified together"));
    }
    let opts = ListOptions {
        namespace: if p.bool("all-namespaces") { None } else { Some(env.namespace.clone()) },
        label_selector: selector.clone(),
        field_selector: p.string("field-selector").map(String::from),
    };
    // Selecting by label or --all ignores not-found by default.
    let ignore = p.bool_or("ignore-not-found", all || selector.is_some());
    // delete.go deleteResource: AddSourceToErr("deleting", info.Source, err) — an object
    // named in a file that is not there reads `error when deleting "FILE": …`.
    let fetched = if ra.sources.is_empty() { fetch(env, &ra.targets, &opts, ignore)? } else { fetch_from_files(env, &ra, &opts, ignore)? };
    if grace == 0 && force {
        env.eprintln("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let dry = dry_run(env, &p)?;
    let real = dry == DryRun::None;
    let opts = DeleteOptions { propagation, grace_period_seconds: (grace >= 0).then_some(grace) };
    let mut deleted: Vec<(ObjectKey, String)> = Vec::new();
    let mut errors = fetched.errors;
    // DeleteResult: with -n given (and not -A), the first cluster-scoped object gets a warning.
    let mut warn_cluster_scope = env.explicit_namespace && !p.bool("all-namespaces");
    for obj in &fetched.objects {
        if warn_cluster_scope && !obj.kind().info().namespaced {
            env.eprintln("Warning: deleting cluster-scoped resources, not scoped to the provided namespace");
            warn_cluster_scope = false;
        }
        let key = ObjectKey::of(obj);
        if real {
            if let Err(e) = apiserver::delete(env.cluster, &key, opts) {
                errors.push(CmdError::Api(e));
                continue;
            }
            deleted.push((key.clone(), obj.meta().uid.clone()));
        }
        print_deleted(env, obj, grace == 0, dry, p.string("output") == Some("name"));
    }
    if fetched.objects.is_empty() && errors.is_empty() {
        env.println("No resources found");
        return Ok(());
    }
    if p.bool_or("wait", true) && real {
        wait_for_deletion(env, &deleted);
    }
    finish(env, errors)
}

/// The objects `-f` files name, fetched one by one so that each error carries its file.
fn fetch_from_files(env: &Env, ra: &ResourceArgs, opts: &ListOptions, ignore: bool) -> CmdResult<Fetched> {
    let mut out = Fetched { objects: Vec::new(), errors: Vec::new() };
    let Targets::Names(names) = &ra.targets else { return Ok(out) };
    for (name, source) in names.iter().zip(&ra.sources) {
        let one = fetch(env, &Targets::Names(vec![name.clone()]), opts, ignore)?;
        out.objects.extend(one.objects);
        out.errors.extend(one.errors.into_iter().map(|e| match e {
            CmdError::Api(err) => CmdError::ApiWithSource { action: "deleting".into(), source: source.clone(), err },
            e => e,
        }));
    }
    Ok(out)
}

/// `DeleteOptions.PrintObj`.
fn print_deleted(env: &mut Env, obj: &Rc<Object>, force: bool, dry: DryRun, name_only: bool) {
    let kind = obj.kind().name_prefix();
    let name = obj.meta().name.clone();
    if name_only {
        env.println(&format!("{kind}/{name}"));
        return;
    }
    let mut op = if force { "force deleted".to_string() } else { "deleted".to_string() };
    if obj.kind().info().namespaced {
        op = format!("{op} from {} namespace", obj.meta().namespace);
    }
    op.push_str(dry.suffix());
    env.println(&format!("{kind} {name:?} {op}"));
}

/// `--wait`: runs the cluster until every deleted object (by uid) is gone, or nothing more can
/// happen, or the bound is reached.
fn wait_for_deletion(env: &mut Env, deleted: &[(ObjectKey, String)]) {
    env.cluster.flush();
    let until = env.cluster.now.plus_ms(WAIT_LIMIT_MS);
    let gone = |env: &Env| deleted.iter().all(|(k, uid)| env.cluster.store.get_key(k).is_none_or(|o| o.meta().uid != *uid));
    while !gone(env) {
        match env.cluster.next_due() {
            Some(t) if t <= until => {
                env.cluster.step();
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn delete_outputs() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::StatefulSet(sts("web", 1)));
        let mut unscheduled = running_pod("web-0", "web", now);
        unscheduled.spec.node_name.clear();
        put(&mut c, Object::Pod(unscheduled));
        // DeleteOptions.PrintObj (namespace suffix since kubectl 1.33).
        let o = kubectl(&mut c, "delete pod web-0");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("pod \"web-0\" deleted from default namespace\n", 0));
        assert!(c.store.get(Kind::Pod, "default", "web-0").is_none());
        let o = kubectl(&mut c, "delete sts web --dry-run=server");
        assert_eq!(o.stdout, "statefulset.apps \"web\" deleted from default namespace (server dry run)\n");
        let o = kubectl(&mut c, "delete sts web --dry-run=client");
        assert_eq!(o.stdout, "statefulset.apps \"web\" deleted from default namespace (dry run)\n");
        assert!(c.store.get(Kind::StatefulSet, "default", "web").is_some());
        // The tutorial's `--cascade=false`: still an orphaning delete, with kubectl's warning.
        let o = kubectl(&mut c, "delete sts web --cascade=false --dry-run=client");
        assert_eq!(o.stderr, "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
        let o = kubectl(&mut c, "delete sts web --cascade=orphan");
        assert_eq!(o.stdout, "statefulset.apps \"web\" deleted from default namespace\n");
        assert_eq!(o.stderr, "");
        let o = kubectl(&mut c, "delete sts web");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("Error from server (NotFound): statefulsets.apps \"web\" not found\n", 1));
        let o = kubectl(&mut c, "delete pods");
        assert_eq!(o.stderr, "error: resource(s) were provided, but no name was specified\n");
        let o = kubectl(&mut c, "delete pods --all");
        assert_eq!(o.stdout, "No resources found\n");
        let o = kubectl(&mut c, "delete sts web --cascade=sideways");
        assert!(!o.stderr.contains("deprecated"));
        assert_eq!(o.stderr, "error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\"\n");
    }

    #[test]
    fn validate_errors_and_cluster_scope_warning() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "web", now)));
        // builder.go SelectAllParam.
        let o = kubectl(&mut c, "delete pods --all -l app=web");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("error: setting 'all' parameter but found a non empty selector. \n", 1));
        let o = kubectl(&mut c, "delete pods --all --field-selector=metadata.name=web-0");
        assert_eq!(o.stderr, "error: setting 'all' parameter but found a non empty selector. \n");
        // delete.go Validate.
        let o = kubectl(&mut c, "delete pod web-0 -o yaml");
        assert_eq!(o.stderr, "error: unexpected -o output mode: yaml. We only support '-o name'\n");
        let o = kubectl(&mut c, "delete pod web-0 --force --grace-period=5");
        assert_eq!(o.stderr, "error: --force and --grace-period greater than 0 cannot be specified together\n");
        assert!(c.store.get(Kind::Pod, "default", "web-0").is_some());
        // DeleteResult: -n names a namespace, the object has none.
        let o = kubectl(&mut c, "delete node node-3 -n default --wait=false");
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str()),
            ("node \"node-3\" deleted\n", "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n")
        );
    }

    #[test]
    fn force_delete_warns() {
        let mut c = cluster();
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "web", now)));
        let o = kubectl(&mut c, "delete pod web-0 --force --grace-period=0");
        assert_eq!(
            o.stderr,
            "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        );
        assert_eq!(o.stdout, "pod \"web-0\" force deleted from default namespace\n");
        assert!(c.store.get(Kind::Pod, "default", "web-0").is_none());
        let o = kubectl(&mut c, "delete pv nothing --ignore-not-found");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("No resources found\n", 0));
    }
}
