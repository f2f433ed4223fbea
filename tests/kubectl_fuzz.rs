//! Property test: kubectl command lines built from a grammar of verbs, kinds, names and flags,
//! mixed with arbitrary tokens and bytes, never panic, and a command that fails without
//! printing anything on stdout leaves the cluster exactly as it was.

use proptest::prelude::*;
use stsplay::engine::sim::Cluster;
use stsplay::engine::ClusterConfig;
use stsplay::kubectl::{run, Context};

const WEB: &str = include_str!("transcripts/web.yaml");

const VERBS: &[&str] = &[
    "get", "describe", "delete", "scale", "patch", "apply", "create", "replace", "set image", "label", "annotate",
    "rollout status", "rollout undo", "rollout history", "rollout restart", "rollout pause", "edit", "logs", "frobnicate", "",
];
const KINDS: &[&str] = &["sts", "statefulset.apps", "pods", "po", "pvc", "svc", "nodes", "all", "foo", "sts/web", "pod/web-0", ""];
const NAMES: &[&str] = &["web", "web-0", "web-1", "nope", "nginx", "www-web-0", ""];
const FLAGS: &[&str] = &[
    "-o yaml", "-o json", "-o wide", "-o name", "-o jsonpath={.spec}", "-o custom-columns=N:.metadata.name", "-o foo",
    "-l app=nginx", "-l 'a in (b'", "--replicas=3", "--replicas=-1", "--replicas=x", "-p '{}'",
    "-p '{\"spec\":{\"replicas\":-5}}'", "-p '['", "-p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}}}'",
    "--type=json", "--type=merge", "--type=x", "-f -", "-f web.yaml", "--dry-run=server", "--dry-run=client",
    "--cascade=orphan", "--cascade=bogus", "-w", "--watch-only", "-A", "-n kube-system", "--validate=warn",
    "--validate=nope", "--foo", "-x", "--", "nginx=nginx:1.25", "app=x", "app-", "--to-revision=9", "--timeout=1s",
    "--grace-period=0", "--force", "--field-selector=metadata.name=web-0", "--sort-by=.metadata.name",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KINDS).prop_map(String::from),
        4 => prop::sample::select(NAMES).prop_map(String::from),
        6 => prop::sample::select(FLAGS).prop_map(String::from),
        1 => "[ -~]{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    (prop::sample::select(VERBS), prop::collection::vec(token(), 0..6), any::<bool>())
        .prop_map(|(v, toks, prefix)| format!("{}{v} {}", if prefix { "kubectl " } else { "" }, toks.join(" ")))
}

fn base() -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default());
    let ctx = Context { stdin: Some(WEB.into()), ..Context::default() };
    let o = run(&mut c, "kubectl apply -f -", &ctx);
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
    c.settle_default();
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn random_command_lines_never_panic_and_failures_change_nothing(l in line(), stdin in prop::option::of("[ -~\n]{0,40}")) {
        let mut c = base();
        let rv = c.store.resource_version();
        let ctx = Context { stdin, ..Context::default() };
        let o = run(&mut c, &l, &ctx);
        prop_assert!(o.exit_code == 0 || o.exit_code == 1);
        if o.exit_code != 0 && o.stdout.is_empty() {
            prop_assert_eq!(c.store.resource_version(), rv, "{} changed the store: {}", l, o.stderr);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let mut c = base();
        let l = String::from_utf8_lossy(&bytes).to_string();
        let _ = run(&mut c, &l, &Context::default());
        let _ = run(&mut c, &format!("kubectl {l}"), &Context::default());
    }
}
