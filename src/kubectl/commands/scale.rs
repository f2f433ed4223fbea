//! `kubectl scale` (`kubectl/pkg/cmd/scale/scale.go`): sets `spec.replicas` through the API
//! server (generation bump, the controller reacts) and prints `statefulset.apps/web scaled`.

use super::get::{fetch, finish};
use super::manifests::{dry_run, send_update, DryRun, DRY_RUN_FLAG};
use super::output::{parse_change_output, print_change};
use super::parse_flags;
use crate::engine::api::{Kind, Object};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::resources::ListOptions;
use crate::kubectl::Env;

/// Flags `kubectl scale` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("replicas", None, FlagKind::Int),
    flag("current-replicas", None, FlagKind::Int),
    flag("resource-version", None, FlagKind::String),
    flag("selector", Some('l'), FlagKind::String),
    flag("all", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::String),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
    flag("filename", Some('f'), FlagKind::StringArray),
];

/// `kubectl scale`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "scale", args, FLAGS)?;
    let Some(replicas) = p.int("replicas") else {
        return Err(CmdError::plain("required flag(s) \"replicas\" not set"));
    };
    if replicas < 0 {
        return Err(CmdError::plain("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"));
    }
    // scale.go Validate.
    let current_replicas = p.int("current-replicas").unwrap_or(-1);
    if current_replicas < -1 {
        return Err(CmdError::plain("The --current-replicas must specify an integer of -1 or greater"));
    }
    let resource_version = p.string("resource-version").unwrap_or("").to_string();
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        return Err(CmdError::plain(super::delete::NO_RESOURCES_ERROR));
    }
    let ra = super::manifests::resource_args(env, &p, &p.args, "scale")?;
    let opts = ListOptions {
        namespace: Some(env.namespace.clone()),
        label_selector: p.string("selector").map(String::from),
        field_selector: None,
    };
    let fetched = fetch(env, &ra.targets, &opts, false)?;
    let errors = fetched.errors;
    // scale.go RunScale: these checks come before anything is scaled.
    if !resource_version.is_empty() && fetched.objects.len() > 1 {
        return Err(CmdError::plain("cannot use --resource-version with multiple resources"));
    }
    if fetched.objects.is_empty() {
        if errors.is_empty() {
            return Err(CmdError::plain("no objects passed to scale"));
        }
        return finish(env, errors);
    }
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    for obj in &fetched.objects {
        // scale.go prints the object as it was fetched (so `-o yaml` shows the old replicas),
        // and a client dry run prints it without checking --current-replicas.
        if dry == DryRun::Client {
            print_change(env, format.as_ref(), obj, "scaled", dry)?;
            continue;
        }
        let mut o = (**obj).clone();
        let current = match &mut o {
            Object::StatefulSet(s) => {
                let cur = s.spec.replicas();
                s.spec.replicas = Some(replicas as i32);
                cur as i64
            }
            Object::Generic(Kind::Deployment | Kind::ReplicaSet, g) => {
                let cur = g.rest.get("spec").and_then(|s| s.get("replicas")).and_then(|r| r.as_i64()).unwrap_or(1);
                if let Some(spec) = g.rest.get_mut("spec").and_then(|s| s.as_object_mut()) {
                    spec.insert("replicas".into(), replicas.into());
                }
                cur
            }
            _ => {
                // Only kinds with a scale subresource can be scaled.
                return Err(CmdError::Raw("Error from server (NotFound): the server could not find the requested resource".into()));
            }
        };
        // RunScale returns the first failed scale at once (the remaining objects are left
        // alone and the lookup errors are not printed); the preconditions are
        // `ScalePrecondition.validate` (kubectl/pkg/scale/scale.go).
        if current_replicas != -1 && current_replicas != current {
            return Err(CmdError::plain(format!("Expected replicas to be {current_replicas}, was {current}")));
        }
        let rv = &obj.meta().resource_version;
        if !resource_version.is_empty() && *rv != resource_version {
            return Err(CmdError::plain(format!("Expected resource version to be {resource_version}, was {rv}")));
        }
        send_update(env, o, dry)?;
        print_change(env, format.as_ref(), obj, "scaled", dry)?;
    }
    finish(env, errors)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn scale_outputs() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        // scale.go: NamePrinter with operation "scaled".
        let o = kubectl(&mut c, "scale sts web --replicas=5");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("statefulset.apps/web scaled\n", 0));
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(s.as_stateful_set().unwrap().spec.replicas, Some(5));
        let o = kubectl(&mut c, "scale sts web");
        assert_eq!(o.stderr, "error: required flag(s) \"replicas\" not set\n");
        let o = kubectl(&mut c, "scale sts web --replica=2");
        assert_eq!(o.stderr, "error: unknown flag: --replica\nSee 'kubectl scale --help' for usage.\n");
        let o = kubectl(&mut c, "scale sts web --replicas=-1");
        assert_eq!(o.stderr, "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n");
        let o = kubectl(&mut c, "scale sts web --replicas=2 --current-replicas=3");
        assert_eq!(o.stderr, "error: Expected replicas to be 3, was 5\n");
        let o = kubectl(&mut c, "scale sts nope --replicas=2");
        assert_eq!(o.stderr, "Error from server (NotFound): statefulsets.apps \"nope\" not found\n");
    }

    #[test]
    fn preconditions_and_empty_selection() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        put(&mut c, Object::StatefulSet(sts("db", 1)));
        // scale.go Validate.
        let o = kubectl(&mut c, "scale sts web --replicas=2 --current-replicas=-2");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("error: The --current-replicas must specify an integer of -1 or greater\n", 1));
        // RunScale: nothing selected.
        let o = kubectl(&mut c, "scale sts -l app=none --replicas=2");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "error: no objects passed to scale\n", 1));
        // ScalePrecondition.validate: the resource version.
        let rv = c.store.get(Kind::StatefulSet, "default", "web").unwrap().meta().resource_version.clone();
        let o = kubectl(&mut c, "scale sts web --replicas=2 --resource-version=1");
        assert_eq!(o.stderr, format!("error: Expected resource version to be 1, was {rv}\n"));
        let o = kubectl(&mut c, &format!("scale sts web --replicas=2 --resource-version={rv}"));
        assert_eq!(o.stdout, "statefulset.apps/web scaled\n");
        let o = kubectl(&mut c, "scale sts web db --replicas=2 --resource-version=1");
        assert_eq!(o.stderr, "error: cannot use --resource-version with multiple resources\n");
        // The first failed precondition ends the command: db is not scaled.
        let o = kubectl(&mut c, "scale sts web db --replicas=4 --current-replicas=3");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", "error: Expected replicas to be 3, was 2\n"));
        assert_eq!(c.store.get(Kind::StatefulSet, "default", "db").unwrap().as_stateful_set().unwrap().spec.replicas, Some(1));
    }

    #[test]
    fn dry_runs_and_output() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let replicas = |c: &crate::engine::sim::Cluster| {
            c.store.get(Kind::StatefulSet, "default", "web").unwrap().as_stateful_set().unwrap().spec.replicas
        };
        assert_eq!(kubectl(&mut c, "scale sts web --replicas=5 --dry-run=client").stdout, "statefulset.apps/web scaled (dry run)\n");
        assert_eq!(kubectl(&mut c, "scale sts web --replicas=5 --dry-run=server").stdout, "statefulset.apps/web scaled (server dry run)\n");
        assert_eq!(replicas(&c), Some(3));
        // scale.go prints the object as fetched, before the change.
        assert_eq!(kubectl(&mut c, "scale sts web --replicas=5 -o jsonpath={.spec.replicas}").stdout, "3");
        assert_eq!(replicas(&c), Some(5));
        assert_eq!(
            kubectl(&mut c, "scale sts web --replicas=1 --dry-run=maybe").stderr,
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
        );
    }
}
