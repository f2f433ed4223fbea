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
    let mut errors = fetched.errors;
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(&p)?;
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
                errors.push(CmdError::Raw("Error from server (NotFound): the server could not find the requested resource".into()));
                continue;
            }
        };
        if let Some(want) = p.int("current-replicas").filter(|w| *w >= 0) {
            if want != current {
                errors.push(CmdError::plain(format!("Expected replicas to be {want}, was {current}")));
                continue;
            }
        }
        if let Err(e) = send_update(env, o, dry) {
            errors.push(e);
            continue;
        }
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
