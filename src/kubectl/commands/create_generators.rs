//! `kubectl create namespace NAME` and `kubectl create serviceaccount NAME`
//! (`kubectl/pkg/cmd/create/create_namespace.go`, `create_serviceaccount.go`): the two
//! generators that need nothing but a name. The others are refused with a pointer to YAML.

use super::manifests::{dry_run, send_create, DRY_RUN_FLAG};
use super::output::{parse_change_output, print_change};
use super::parse_flags;
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta};
use crate::kubectl::errors::CmdResult;
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::Env;

/// Flags both generators accept.
const FLAGS: &[FlagSpec] = &[
    flag("output", Some('o'), FlagKind::String),
    flag("save-config", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::String),
    flag("validate", None, FlagKind::String),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("template", None, FlagKind::String),
    DRY_RUN_FLAG,
];

/// The generator for `kubectl create WORD`, if the playground has it (aliases included).
pub fn generator(word: &str) -> Option<(&'static str, Kind)> {
    match word {
        "namespace" | "ns" => Some(("namespace", Kind::Namespace)),
        "serviceaccount" | "sa" => Some(("serviceaccount", Kind::ServiceAccount)),
        _ => None,
    }
}

/// Runs `kubectl create <generator> NAME`; `args` follow the generator word.
pub fn run(env: &mut Env, command: &str, kind: Kind, args: &[String]) -> CmdResult {
    let path = format!("create {command}");
    let p = parse_flags(env, &path, args, FLAGS)?;
    // `NameFromCommandArgs`.
    let [name] = p.args.as_slice() else {
        return Err(super::usage_errorf(&path, &format!("exactly one NAME is required, got {}", p.args.len())));
    };
    let namespace = if kind == Kind::Namespace { String::new() } else { env.namespace.clone() };
    let object = Object::Generic(
        kind,
        GenericObject {
            api_version: "v1".into(),
            kind: kind.info().kind_name.into(),
            metadata: ObjectMeta { name: name.clone(), namespace, ..Default::default() },
            // A Namespace's spec and status are Go structs, so encoding/json writes `{}`.
            rest: if kind == Kind::Namespace {
                [("spec".to_string(), serde_json::json!({})), ("status".to_string(), serde_json::json!({}))].into_iter().collect()
            } else {
                Default::default()
            },
        },
    );
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    let stored = send_create(env, object, dry)?;
    print_change(env, format.as_ref(), &stored, "created", dry)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::Kind;
    use crate::engine::config::ClusterConfig;
    use crate::engine::sim::Cluster;
    use crate::kubectl::run;

    #[test]
    fn create_namespace_and_serviceaccount() {
        let mut c = Cluster::new(ClusterConfig::default());
        let ctx = Default::default();
        let o = run(&mut c, "create namespace dev", &ctx);
        assert_eq!((o.stdout.as_str(), o.exit_code), ("namespace/dev created\n", 0));
        let ns = c.store.get(Kind::Namespace, "", "dev").expect("created").to_value();
        assert_eq!(ns["status"]["phase"], "Active");
        assert_eq!(ns["spec"]["finalizers"][0], "kubernetes");
        assert_eq!(ns["metadata"]["labels"]["kubernetes.io/metadata.name"], "dev");
        let o = run(&mut c, "create ns dev", &ctx);
        assert_eq!(o.stderr, "Error from server (AlreadyExists): namespaces \"dev\" already exists\n");
        let o = run(&mut c, "create sa robot -n dev", &ctx);
        assert_eq!(o.stdout, "serviceaccount/robot created\n");
        assert!(c.store.get(Kind::ServiceAccount, "dev", "robot").is_some());
        let o = run(&mut c, "create namespace", &ctx);
        assert_eq!(o.stderr, "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n");
        let o = run(&mut c, "create namespace tmp --dry-run=client", &ctx);
        assert_eq!(o.stdout, "namespace/tmp created (dry run)\n");
        let o = run(&mut c, "create namespace tmp --dry-run=client -o yaml", &ctx);
        assert_eq!(o.stdout, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tmp\nspec: {}\nstatus: {}\n");
        let o = run(&mut c, "create namespace tmp --dry-run=server -o jsonpath={.status.phase}", &ctx);
        assert_eq!(o.stdout, "Active");
        assert!(c.store.get(Kind::Namespace, "", "tmp").is_none());
    }
}
