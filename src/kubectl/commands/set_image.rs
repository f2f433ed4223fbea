//! `kubectl set image` (`kubectl/pkg/cmd/set/set_image.go`): `container=image` pairs (or
//! `*=image`) on a workload's pod template; prints `statefulset.apps/web image updated`.

use super::get::{fetch, finish};
use super::manifests::{dry_run, send_update, DRY_RUN_FLAG};
use super::output::{parse_change_output, print_change};
use super::{parse_flags, usage_errorf};
use crate::engine::api::Object;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::resources::ListOptions;
use crate::kubectl::Env;

/// Flags `kubectl set image` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), FlagKind::String),
    flag("all", None, FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
    flag("filename", Some('f'), FlagKind::StringArray),
];

/// `kubectl set …`: only `image` is simulated.
pub fn run_set(env: &mut Env, args: &[String]) -> CmdResult {
    match args.iter().position(|a| !a.starts_with('-')) {
        Some(i) if args[i] == "image" => {
            let mut rest = args.to_vec();
            rest.remove(i);
            run_image(env, &rest)
        }
        Some(i) if ["env", "resources", "selector", "serviceaccount", "subject"].contains(&args[i].as_str()) => {
            Err(CmdError::plain(format!("\"kubectl set {}\" is not available in the StatefulSet Playground", args[i])))
        }
        Some(i) => Err(usage_errorf("set", &format!("unknown command {:?}", args[i..].join(" ")))),
        None => Err(usage_errorf("set", "unknown command \"\"")),
    }
}

/// `kubectl set image`.
pub fn run_image(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "set image", args, FLAGS)?;
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    if p.bool("local") {
        return Err(CmdError::plain("--local is not available in the StatefulSet Playground"));
    }
    let split = p.args.iter().position(|a| a.contains('=')).unwrap_or(p.args.len());
    let (res, pairs) = p.args.split_at(split);
    if pairs.is_empty() {
        return Err(usage_errorf("set image", "at least one image update is required"));
    }
    if res.is_empty() && !super::manifests::has_files(&p) {
        return Err(usage_errorf("set image", "one or more resources must be specified as <resource> <name> or <resource>/<name>"));
    }
    let images: Vec<(String, String)> =
        pairs.iter().filter_map(|s| s.split_once('=')).map(|(a, b)| (a.to_string(), b.to_string())).collect();
    if images.len() > 1 && images.iter().any(|(name, _)| name == "*") {
        return Err(CmdError::plain(
            "all containers are already specified by *, but saw more than one container_name=container_image pairs",
        ));
    }
    let ra = super::manifests::resource_args(env, &p, res, "set image")?;
    let opts = ListOptions { namespace: Some(env.namespace.clone()), label_selector: p.string("selector").map(String::from), field_selector: None };
    let fetched = fetch(env, &ra.targets, &opts, false)?;
    let mut errors = fetched.errors;
    for obj in &fetched.objects {
        let mut o = (**obj).clone();
        let spec = match &mut o {
            Object::StatefulSet(s) => &mut *s.spec.template.spec,
            Object::Pod(pd) => &mut *pd.spec,
            _ => {
                errors.push(CmdError::plain(format!(
                    "the object of kind {} is not supported by set image in the StatefulSet Playground",
                    obj.kind().info().kind_name
                )));
                continue;
            }
        };
        // set_image.go: a container that is not there is an error, but the pairs that did
        // match are still patched.
        for (name, image) in &images {
            let mut found = false;
            for ct in spec.init_containers.iter_mut().chain(spec.containers.iter_mut()) {
                if name == "*" || ct.name == *name {
                    ct.image = image.clone();
                    found = true;
                }
            }
            if !found {
                errors.push(CmdError::plain(format!("unable to find container named {name:?}")));
            }
        }
        if p.bool("record") {
            let line = format!("kubectl set image {}", args.join(" "));
            o.meta_mut().annotations.insert("kubernetes.io/change-cause".into(), line);
        }
        // An empty patch is skipped: nothing is sent and nothing printed.
        if o == **obj {
            continue;
        }
        match send_update(env, o, dry) {
            Ok(stored) => print_change(env, format.as_ref(), &stored, "image updated", dry)?,
            Err(e) => errors.push(e),
        }
    }
    finish(env, errors)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn set_image_outputs() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        // set_image.go: NamePrinter with "image updated".
        let o = kubectl(&mut c, "set image sts/web nginx=nginx:1.25");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("statefulset.apps/web image updated\n", 0));
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
        assert_eq!(s.as_stateful_set().unwrap().spec.template.spec.containers[0].image, "nginx:1.25");
        assert_eq!(kubectl(&mut c, "set image sts/web foo=x").stderr, "error: unable to find container named \"foo\"\n");
    }

    #[test]
    fn dry_runs_no_op_and_missing_containers() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let image = |c: &crate::engine::sim::Cluster| {
            let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap();
            s.as_stateful_set().unwrap().spec.template.spec.containers[0].image.clone()
        };
        let first = image(&c);
        let o = kubectl(&mut c, "set image sts/web nginx=nginx:1.27 --dry-run=client");
        assert_eq!(o.stdout, "statefulset.apps/web image updated (dry run)\n");
        let o = kubectl(&mut c, "set image sts/web nginx=nginx:1.27 --dry-run=server -o jsonpath={.spec.template.spec.containers[0].image}");
        assert_eq!(o.stdout, "nginx:1.27");
        assert_eq!(image(&c), first);
        // An empty patch is skipped without a word.
        let o = kubectl(&mut c, &format!("set image sts/web nginx={first}"));
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "", 0));
        // A missing container is an error, but the pairs that matched are patched.
        let o = kubectl(&mut c, "set image sts/web nginx=nginx:1.28 sidecar=busybox");
        assert_eq!(o.stdout, "statefulset.apps/web image updated\n");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("error: unable to find container named \"sidecar\"\n", 1));
        assert_eq!(image(&c), "nginx:1.28");
        assert_eq!(
            kubectl(&mut c, "set image sts/web *=nginx nginx=nginx").stderr,
            "error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n"
        );
    }
}
