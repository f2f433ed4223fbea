//! Tests for `kubectl apply`, `create -f` and `replace -f` (apply.go, create.go, replace.go).

use crate::engine::api::*;
use crate::kubectl::testutil::*;
use crate::kubectl::{run, Context, FileResolver, Output};
use std::collections::BTreeMap;

const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        readinessProbe:
          httpGet:
            path: /
            port: 80
";

fn with_files(c: &mut crate::engine::sim::Cluster, line: &str, files: &[(&str, &str)]) -> Output {
    let map: BTreeMap<String, String> = files.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let ctx = Context { files: Some(FileResolver::from_map(map)), ..Context::default() };
    run(c, line, &ctx)
}

fn sts_of(c: &crate::engine::sim::Cluster) -> StatefulSet {
    c.store.get(Kind::StatefulSet, "default", "web").unwrap().as_stateful_set().unwrap().clone()
}

#[test]
fn apply_created_configured_unchanged() {
    let mut c = cluster();
    // apply.go: NamePrinter with "created" / "configured" / "unchanged".
    let o = with_files(&mut c, "kubectl apply -f web.yaml", &[("web.yaml", WEB)]);
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("service/nginx created\nstatefulset.apps/web created\n", "", 0));
    let ann = sts_of(&c).metadata.annotations.get("kubectl.kubernetes.io/last-applied-configuration").cloned().unwrap();
    assert!(ann.starts_with("{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"annotations\":{},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{"), "{ann}");
    assert!(ann.ends_with("}\n"));
    let o = with_files(&mut c, "kubectl apply -f web.yaml", &[("web.yaml", WEB)]);
    assert_eq!(o.stdout, "service/nginx unchanged\nstatefulset.apps/web unchanged\n");
    let changed = WEB.replace("replicas: 3", "replicas: 5");
    let o = with_files(&mut c, "kubectl apply -f web.yaml", &[("web.yaml", &changed)]);
    assert_eq!(o.stdout, "service/nginx unchanged\nstatefulset.apps/web configured\n");
    assert_eq!(sts_of(&c).spec.replicas, Some(5));
    // Removing replicas from the file removes it live; the server defaults it to 1.
    let removed = WEB.replace("  replicas: 3\n", "");
    let o = with_files(&mut c, "kubectl apply -f web.yaml", &[("web.yaml", &removed)]);
    assert_eq!(o.stdout, "service/nginx unchanged\nstatefulset.apps/web configured\n");
    assert_eq!(sts_of(&c).spec.replicas, Some(1));
}

#[test]
fn apply_from_stdin_and_missing_files() {
    let mut c = cluster();
    let ctx = Context { stdin: Some(WEB.into()), ..Context::default() };
    let o = run(&mut c, "kubectl apply -f -", &ctx);
    assert_eq!(o.stdout, "service/nginx created\nstatefulset.apps/web created\n");
    let o = kubectl(&mut c, "apply -f nope.yaml");
    assert_eq!(o.stderr, "error: the path \"nope.yaml\" does not exist\n");
    // The tutorial's `kubectl apply -f https://k8s.io/examples/…`: no network, and it says so.
    let o = kubectl(&mut c, "apply -f https://k8s.io/examples/application/web/web.yaml");
    assert!(o.stderr.starts_with("error: unable to read URL \"https://k8s.io/examples/application/web/web.yaml\": the playground makes no network requests"), "{}", o.stderr);
    assert_eq!(o.exit_code, 1);
    let o = kubectl(&mut c, "apply");
    assert_eq!(o.stderr, "error: must specify one of -f and -k\n");
    let o = run(&mut c, "apply -f -", &Context { stdin: Some("# nothing\n".into()), ..Context::default() });
    assert_eq!(o.stderr, "error: no objects passed to apply\n");
}

#[test]
fn validate_strict_warn_ignore() {
    let mut c = cluster();
    let bad = WEB.replace("  replicas: 3", "  replica: 3");
    let files = [("x.yaml", bad.as_str())];
    let o = with_files(&mut c, "kubectl apply -f x.yaml", &files);
    assert_eq!(o.stdout, "service/nginx created\n");
    assert_eq!(
        o.stderr,
        "Error from server (BadRequest): error when creating \"x.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\"\n"
    );
    assert!(c.store.get(Kind::StatefulSet, "default", "web").is_none());
    let o = with_files(&mut c, "kubectl apply -f x.yaml --validate=warn", &files);
    assert_eq!(o.stderr, "Warning: unknown field \"spec.replica\"\n");
    assert_eq!(o.stdout, "service/nginx unchanged\nstatefulset.apps/web created\n");
    let o = with_files(&mut c, "kubectl apply -f x.yaml --validate=false", &files);
    assert_eq!((o.stderr.as_str(), o.exit_code), ("", 0));
}

#[test]
fn invalid_objects_print_like_check_err() {
    let mut c = cluster();
    let bad = WEB.replace("replicas: 3", "replicas: -1");
    let o = with_files(&mut c, "kubectl create -f x.yaml", &[("x.yaml", &bad)]);
    assert_eq!(o.stdout, "service/nginx created\n");
    assert_eq!(o.stderr, "The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n");
    let o = with_files(&mut c, "kubectl create -f x.yaml", &[("x.yaml", &bad)]);
    // Two errors: an aggregate, each with StandardErrorMessage.
    assert_eq!(
        o.stderr,
        "Error from server (AlreadyExists): error when creating \"x.yaml\": services \"nginx\" already exists\n\
         Error from server (Invalid): error when creating \"x.yaml\": StatefulSet.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
}

#[test]
fn create_replace_and_dry_runs() {
    let mut c = cluster();
    let files = [("web.yaml", WEB)];
    let o = with_files(&mut c, "kubectl create -f web.yaml --dry-run=client", &files);
    assert_eq!(o.stdout, "service/nginx created (dry run)\nstatefulset.apps/web created (dry run)\n");
    let o = with_files(&mut c, "kubectl create -f web.yaml --dry-run=server", &files);
    assert_eq!(o.stdout, "service/nginx created (server dry run)\nstatefulset.apps/web created (server dry run)\n");
    assert!(c.store.get(Kind::StatefulSet, "default", "web").is_none());
    let o = with_files(&mut c, "kubectl replace -f web.yaml", &files);
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): error when replacing \"web.yaml\": services \"nginx\" not found\n\
         Error from server (NotFound): error when replacing \"web.yaml\": statefulsets.apps \"web\" not found\n"
    );
    let o = with_files(&mut c, "kubectl create -f web.yaml", &files);
    assert_eq!(o.stdout, "service/nginx created\nstatefulset.apps/web created\n");
    assert!(sts_of(&c).metadata.annotations.is_empty());
    // apply over a created object warns about the missing annotation and patches it in.
    let o = with_files(&mut c, "kubectl apply -f web.yaml", &files);
    assert!(o.stderr.starts_with("Warning: resource services/nginx is missing the kubectl.kubernetes.io/last-applied-configuration annotation"), "{}", o.stderr);
    assert_eq!(o.stdout, "service/nginx configured\nstatefulset.apps/web configured\n");
    let o = with_files(&mut c, "kubectl replace -f web.yaml", &files);
    assert_eq!(o.stdout, "service/nginx replaced\nstatefulset.apps/web replaced\n");
}

#[test]
fn playground_lints() {
    let mut c = cluster();
    let sts_only = WEB.split("---\n").nth(1).unwrap().replace("        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n", "");
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &[("s.yaml", &sts_only)]);
    assert_eq!(o.stdout, "statefulset.apps/web created\n");
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", o.stderr);
    assert!(lines[0].starts_with("Warning: playground: StatefulSet \"web\" names serviceName \"nginx\", but there is no Service \"nginx\""));
    assert!(lines[1].contains("no container has a readinessProbe"));
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  clusterIP: None\n  selector:\n    app: nope\n";
    let o = with_files(&mut c, "kubectl apply -f svc.yaml", &[("svc.yaml", svc)]);
    assert!(o.stderr.starts_with("Warning: playground: headless Service \"other\" selects app=nope"), "{}", o.stderr);
}

#[test]
fn apply_warns_about_objects_being_deleted() {
    let mut c = cluster();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  finalizers: [example.com/hold]\ndata:\n  a: \"1\"\n";
    apply(&mut c, cm);
    let mut o = (**c.store.get(Kind::ConfigMap, "default", "cfg").unwrap()).clone();
    o.meta_mut().deletion_timestamp = Some(c.now);
    let now = c.now;
    c.store.update(o, now);
    c.store.take_changes();
    // apply.go WarnIfDeleting, after the (possibly empty) patch.
    let stdin = |y: &str| Context { stdin: Some(y.into()), ..Context::default() };
    let out = run(&mut c, "apply -f -", &stdin(cm));
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("configmap/cfg unchanged\n", "Warning: Detected changes to resource cfg which is currently being deleted.\n")
    );
    let out = run(&mut c, "apply -f -", &stdin(&cm.replace("\"1\"", "\"2\"")));
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("configmap/cfg configured\n", "Warning: Detected changes to resource cfg which is currently being deleted.\n")
    );
}

/// The StatefulSet of `WEB` with two ports that share containerPort 53 (TCP and UDP).
fn dns_sts(ports: &str) -> String {
    let sts = WEB.split("---\n").nth(1).unwrap().to_string();
    sts.replace("        - containerPort: 80\n          name: web\n", ports)
}

const DNS_PORTS: &str = "        - containerPort: 53\n          name: dns-tcp\n          protocol: TCP\n        - containerPort: 53\n          name: dns-udp\n          protocol: UDP\n";

fn ports_of(c: &crate::engine::sim::Cluster) -> Vec<(i32, String, String)> {
    sts_of(c).spec.template.spec.containers[0]
        .ports
        .iter()
        .map(|p| (p.container_port, p.name.clone(), p.protocol.clone()))
        .collect()
}

#[test]
fn two_ports_with_one_container_port_reapply_unchanged() {
    // patch.go diffListsOfMaps walks both lists sorted by the merge key, so the two port-53
    // entries pair up with their own live copies: nothing changed.
    let mut c = cluster();
    let yaml = dns_sts(DNS_PORTS);
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &[("s.yaml", &yaml)]);
    assert_eq!(o.stdout, "statefulset.apps/web created\n");
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &[("s.yaml", &yaml)]);
    assert_eq!(o.stdout, "statefulset.apps/web unchanged\n");
    assert_eq!(ports_of(&c), vec![(53, "dns-tcp".into(), "TCP".into()), (53, "dns-udp".into(), "UDP".into())]);
}

#[test]
fn removing_one_of_two_ports_with_one_container_port_removes_both() {
    // The known containerPort merge-key quirk: the deletion `{"$patch":"delete","containerPort":53}`
    // and the change to the surviving entry share the merge key, CreateThreeWayMergePatch's
    // mergeMap folds them into one delete directive, and the server deletes every port 53.
    let mut c = cluster();
    let yaml = dns_sts(DNS_PORTS);
    with_files(&mut c, "kubectl apply -f s.yaml", &[("s.yaml", &yaml)]);
    let udp_only = dns_sts("        - containerPort: 53\n          name: dns-udp\n          protocol: UDP\n");
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &[("s.yaml", &udp_only)]);
    assert_eq!(o.stdout, "statefulset.apps/web configured\n");
    assert_eq!(ports_of(&c), vec![]);
}

#[test]
fn live_only_list_elements_make_apply_configured_and_stay() {
    // patch.go diffLists: the live env list has an element the file lacks, so isOrderSame is
    // false and the delta carries $setElementOrder/env: the patch is not `{}`, kubectl says
    // "configured", and the server keeps the live-only element.
    let mut c = cluster();
    let sts = WEB.split("---\n").nth(1).unwrap().replace("        ports:\n", "        env:\n        - name: A\n          value: \"1\"\n        ports:\n");
    let files = [("s.yaml", sts.as_str())];
    with_files(&mut c, "kubectl apply -f s.yaml", &files);
    let o = kubectl(&mut c, r#"patch sts web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"EXTRA","value":"x"}]}]}}}}'"#);
    assert_eq!(o.stdout, "statefulset.apps/web patched\n");
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &files);
    assert_eq!(o.stdout, "statefulset.apps/web configured\n");
    let env: Vec<String> = sts_of(&c).spec.template.spec.containers[0].env.iter().map(|e| e.name.clone()).collect();
    assert_eq!(env.len(), 2, "{env:?}");
    assert!(env.contains(&"A".to_string()) && env.contains(&"EXTRA".to_string()));
}

#[test]
fn apply_over_create_warns_with_the_resource_name() {
    // apply.go warningNoLastAppliedConfigAnnotation with info.ObjectName() (resource/name).
    let mut c = cluster();
    let sts = WEB.split("---\n").nth(1).unwrap().to_string();
    let files = [("s.yaml", sts.as_str())];
    with_files(&mut c, "kubectl create -f s.yaml", &files);
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &files);
    assert_eq!(o.stdout, "statefulset.apps/web configured\n");
    assert_eq!(
        o.stderr.lines().next().unwrap(),
        "Warning: resource statefulsets/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically."
    );
    assert!(sts_of(&c).metadata.annotations.contains_key("kubectl.kubernetes.io/last-applied-configuration"));
    let o = with_files(&mut c, "kubectl apply -f s.yaml", &files);
    assert_eq!(o.stdout, "statefulset.apps/web unchanged\n");
}
