//! `kubectl get` (`kubectl/pkg/cmd/get/get.go`): tables per resource type with blank lines
//! between groups, `kind/name` names when several types are asked for, `-A`, `-l`,
//! `--field-selector`, `-L`, `--show-labels`, `--no-headers`, `--sort-by`, `-o …`, and the
//! "No resources found" message on stderr.

use super::output::{parse_output, write_generic, Format};
use super::{parse_flags, usage_errorf};
use crate::engine::api::{Kind, Object};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::printers::tabwriter::new_table_writer;
use crate::kubectl::printers::{jsonpath, print_table, PrintOptions, RowContext};
use crate::kubectl::resources::{self, ListOptions, Targets};
use crate::kubectl::watch::{Watch, WatchSpec};
use crate::kubectl::Env;
use std::rc::Rc;

/// Flags `kubectl get` accepts.
pub const FLAGS: &[FlagSpec] = &[
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("selector", Some('l'), FlagKind::String),
    flag("field-selector", None, FlagKind::String),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("watch", Some('w'), FlagKind::Bool),
    flag("watch-only", None, FlagKind::Bool),
    flag("output-watch-events", None, FlagKind::Bool),
    flag("show-labels", None, FlagKind::Bool),
    flag("label-columns", Some('L'), FlagKind::StringSlice),
    flag("no-headers", None, FlagKind::Bool),
    flag("show-kind", None, FlagKind::Bool),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("sort-by", None, FlagKind::String),
    flag("chunk-size", None, FlagKind::Int),
    flag("server-print", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::StringArray),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("subresource", None, FlagKind::String),
];

/// Fetched objects in print order, with the errors met on the way.
pub struct Fetched {
    /// Objects, grouped by kind in request order.
    pub objects: Vec<Rc<Object>>,
    /// Per-name errors (NotFound …), reported after the output.
    pub errors: Vec<CmdError>,
}

/// Resolves targets to objects (`resource.Builder … ContinueOnError().Flatten()`).
pub fn fetch(env: &Env, targets: &Targets, opts: &ListOptions, ignore_not_found: bool) -> CmdResult<Fetched> {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    match targets {
        Targets::Lists(kinds) => {
            for k in kinds {
                objects.extend(resources::list(env.cluster, *k, opts)?);
            }
        }
        Targets::Names(names) => {
            let ns = opts.namespace.clone().unwrap_or_else(|| env.namespace.clone());
            for (k, n) in names {
                match resources::get(env.cluster, *k, &ns, n) {
                    Ok(o) => objects.push(o),
                    Err(e) if ignore_not_found => drop(e),
                    Err(e) => errors.push(CmdError::Api(e)),
                }
            }
        }
    }
    Ok(Fetched { objects, errors })
}

/// `kubectl get`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let p = parse_flags(env, "get", args, FLAGS)?;
    let watching = p.bool("watch") || p.bool("watch-only");
    if watching {
        // GetOptions.Complete.
        if p.string("sort-by").is_some_and(|s| !s.is_empty()) {
            env.eprint("warning: --watch or --watch-only requested, --sort-by will be ignored\n");
        }
    } else if p.args.is_empty() && !super::manifests::has_files(&p) {
        env.eprint("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        return Err(usage_errorf(
            "get",
            "Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).",
        ));
    }
    // GetOptions.Validate (before Run builds the printer and resolves the resources).
    if p.bool("output-watch-events") && !watching {
        return Err(usage_errorf("get", "--output-watch-events option can only be used with --watch or --watch-only"));
    }
    let format = parse_output(env, &p, true)?;
    let ra = super::manifests::resource_args(env, &p, &p.args, "get")?;
    crate::kubectl::resources::request_warnings(env, &ra.targets.kinds());
    let all_namespaces = p.bool("all-namespaces");
    let opts = ListOptions {
        namespace: if all_namespaces { None } else { Some(env.namespace.clone()) },
        label_selector: p.string("selector").map(String::from),
        field_selector: p.string("field-selector").map(String::from),
    };
    if watching {
        return watch(env, &p, &ra, format, opts);
    }
    let fetched = fetch(env, &ra.targets, &opts, p.bool("ignore-not-found"))?;
    let mut objects = fetched.objects;
    if let Some(field) = p.string("sort-by") {
        sort_by(&mut objects, field)?;
    }
    let refs: Vec<&Object> = objects.iter().map(|o| o.as_ref()).collect();

    if !matches!(format, Format::Table | Format::Wide) {
        // Nothing is printed for an empty result under --ignore-not-found or for a named object.
        if !(refs.is_empty() && (p.bool("ignore-not-found") || ra.single_item_implied)) {
            write_generic(env, &format, &refs, ra.single_item_implied, p.bool("no-headers"))?;
        }
        return finish(env, fetched.errors);
    }

    let kinds_present: Vec<Kind> = {
        let mut v: Vec<Kind> = Vec::new();
        for o in &refs {
            if v.last() != Some(&o.kind()) {
                v.push(o.kind());
            }
        }
        v
    };
    let distinct = {
        let mut d = kinds_present.clone();
        crate::util::sort::sort(&mut d);
        d.dedup();
        d.len()
    };
    let popts = PrintOptions {
        wide: format == Format::Wide,
        no_headers: p.bool("no-headers"),
        with_namespace: all_namespaces,
        with_kind: ra.multiple_types_requested || p.bool("show-kind") || distinct > 1,
        show_labels: p.bool("show-labels"),
        column_labels: p.strings("label-columns"),
    };
    let ctx = RowContext { now: env.cluster.now, cluster: env.cluster };
    let mut out = String::new();
    let mut i = 0;
    while i < refs.len() {
        let kind = refs[i].kind();
        let mut j = i;
        while j < refs.len() && refs[j].kind() == kind {
            j += 1;
        }
        let mut w = new_table_writer();
        print_table(&mut w, kind, &refs[i..j], &popts, &ctx);
        let s = w.flush();
        if !s.is_empty() {
            // get.go separatorWriterWrapper: a blank line before each later group with headers.
            if !out.is_empty() && !popts.no_headers {
                out.push('\n');
            }
            out.push_str(&s);
        }
        i = j;
    }
    env.print(&out);
    if out.is_empty() && !p.bool("ignore-not-found") && fetched.errors.is_empty() {
        let all_namespaced = !all_namespaces && requested_kinds(&ra.targets).iter().all(|k| k.info().namespaced);
        if all_namespaced {
            let msg = format!("No resources found in {} namespace.", env.namespace);
            env.eprintln(&msg);
        } else {
            env.eprintln("No resources found");
        }
    }
    finish(env, fetched.errors)
}

/// `get -w`: the initial table, then the changes — streamed by the caller
/// ([`crate::kubectl::start_watch`]) or, from `kubectl::run`, until the cluster settles.
fn watch(env: &mut Env, p: &crate::kubectl::flags::Parsed, ra: &resources::ResourceArgs, format: Format, opts: ListOptions) -> CmdResult {
    let kinds = requested_kinds(&ra.targets);
    let mut distinct = kinds.clone();
    distinct.dedup();
    if distinct.len() != 1 {
        return Err(CmdError::plain("you may only specify a single resource type"));
    }
    let names = match &ra.targets {
        Targets::Names(n) => n.iter().map(|(_, n)| n.clone()).collect(),
        Targets::Lists(_) => Vec::new(),
    };
    let all_namespaces = opts.namespace.is_none();
    let spec = WatchSpec {
        kind: distinct[0],
        names,
        namespace: opts.namespace,
        label_selector: opts.label_selector,
        field_selector: opts.field_selector,
        popts: PrintOptions {
            wide: format == Format::Wide,
            no_headers: p.bool("no-headers"),
            with_namespace: all_namespaces,
            with_kind: p.bool("show-kind"),
            show_labels: p.bool("show-labels"),
            column_labels: p.strings("label-columns"),
        },
        format,
        watch_only: p.bool("watch-only"),
        output_watch_events: p.bool("output-watch-events"),
    };
    let (mut w, initial) = Watch::start(env.cluster, spec)?;
    env.print(&initial);
    if env.stream_watch {
        env.watch = Some(w);
    } else {
        let more = w.run_until_settled(env.cluster);
        env.print(&more);
    }
    Ok(())
}

fn requested_kinds(t: &Targets) -> Vec<Kind> {
    match t {
        Targets::Lists(k) => k.clone(),
        Targets::Names(n) => n.iter().map(|(k, _)| *k).collect(),
    }
}

/// Reports all but the last error; the last one becomes the command's error (exit 1).
pub fn finish(env: &mut Env, mut errors: Vec<CmdError>) -> CmdResult {
    let last = errors.pop();
    for e in &errors {
        env.report(e);
    }
    match last {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `sortorder.NaturalLess` (kubectl's `isLess` for strings, after fvbommel/sortorder): digit runs
/// compare as numbers (fewer leading zeros first on a tie), digits sort before other bytes, and
/// other bytes compare bytewise — so `web-2` sorts before `web-10`.
fn natural_less(s1: &str, s2: &str) -> bool {
    let (a, b) = (s1.as_bytes(), s2.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (d1, d2) = (a[i].is_ascii_digit(), b[j].is_ascii_digit());
        if d1 != d2 {
            return d1;
        }
        if !d1 {
            if a[i] != b[j] {
                return a[i] < b[j];
            }
            i += 1;
            j += 1;
            continue;
        }
        while i < a.len() && a[i] == b'0' {
            i += 1;
        }
        while j < b.len() && b[j] == b'0' {
            j += 1;
        }
        let (nz1, nz2) = (i, j);
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if i - nz1 != j - nz2 {
            return i - nz1 < j - nz2;
        }
        if a[nz1..i] != b[nz2..j] {
            return a[nz1..i] < b[nz2..j];
        }
        if nz1 != nz2 {
            return nz1 < nz2;
        }
    }
    a.len() < b.len()
}

fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if natural_less(a, b) {
        std::cmp::Ordering::Less
    } else if natural_less(b, a) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// `--sort-by=<jsonpath>` (`RuntimeSorter`): numbers numerically, strings in natural order
/// (`isLess` uses `sortorder.NaturalLess`), objects without the field first.
fn sort_by(objects: &mut [Rc<Object>], field: &str) -> CmdResult {
    let path = if field.starts_with('{') { field.to_string() } else { format!("{{{field}}}") };
    let t = jsonpath::parse(&path).map_err(CmdError::Plain)?;
    let mut keyed: Vec<(serde_json::Value, Rc<Object>)> = objects
        .iter()
        .map(|o| {
            let v = o.to_value();
            let s = t.execute(&v);
            let key = s.parse::<f64>().map(serde_json::Value::from).unwrap_or(serde_json::Value::String(s));
            (key, o.clone())
        })
        .collect();
    crate::util::sort::sort_by(&mut keyed, |(a, _), (b, _)| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => natural_cmp(a.as_str().unwrap_or(""), b.as_str().unwrap_or("")),
    });
    for (slot, (_, o)) in objects.iter_mut().zip(keyed) {
        *slot = o;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    fn setup() -> crate::engine::sim::Cluster {
        let mut c = cluster();
        let mut s = sts("web", 3);
        s.status.ready_replicas = 2;
        s.status.replicas = 3;
        put(&mut c, Object::StatefulSet(s));
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "web", now)));
        put(&mut c, Object::Pod(running_pod("web-1", "web", now)));
        c.now = c.now.plus_secs(45);
        c
    }

    #[test]
    fn sort_by_uses_natural_order_for_strings() {
        // kubectl/pkg/cmd/get/sorter.go isLess: strings compare with sortorder.NaturalLess.
        use super::natural_less;
        assert!(natural_less("web-2", "web-10"));
        assert!(!natural_less("web-10", "web-2"));
        assert!(natural_less("a2", "a02"));
        assert!(natural_less("1x", "x"));
        assert!(natural_less("web", "web-0"));
        let mut c = setup();
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-10", "web", now)));
        put(&mut c, Object::Pod(running_pod("web-2", "web", now)));
        let o = kubectl(&mut c, "get pods --sort-by=.metadata.name -o name");
        assert_eq!(o.stdout, "pod/web-0\npod/web-1\npod/web-2\npod/web-10\n");
    }

    #[test]
    fn get_statefulsets_table() {
        let mut c = setup();
        let o = kubectl(&mut c, "kubectl get sts");
        // printStatefulSet through the table printer.
        assert_eq!(o.stdout, "NAME   READY   AGE\nweb    2/3     45s\n");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("", 0));
        let o = kubectl(&mut c, "kubectl get statefulset.apps/web -o wide");
        assert_eq!(
            o.stdout,
            "NAME   READY   AGE   CONTAINERS   IMAGES\nweb    2/3     45s   nginx        registry.k8s.io/nginx-slim:0.24\n"
        );
    }

    #[test]
    fn get_pods_wide_labels_and_namespaces() {
        let mut c = setup();
        let o = kubectl(&mut c, "get pods -o wide");
        // printPod, wide.
        assert_eq!(
            o.stdout,
            "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
             web-0   1/1     Running   0          45s   10.244.1.5   node-1   <none>           <none>\n\
             web-1   1/1     Running   0          45s   10.244.1.5   node-1   <none>           <none>\n"
        );
        let o = kubectl(&mut c, "get po -L app --show-labels -A");
        assert_eq!(
            o.stdout,
            "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   APP   LABELS\n\
             default     web-0   1/1     Running   0          45s   web   app=web\n\
             default     web-1   1/1     Running   0          45s   web   app=web\n"
        );
        let o = kubectl(&mut c, "get pods -l app=nope");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", "No resources found in default namespace.\n"));
        let o = kubectl(&mut c, "get pods --field-selector metadata.name=web-1 --no-headers");
        assert_eq!(o.stdout, "web-1   1/1   Running   0     45s\n");
    }

    #[test]
    fn get_all_groups_with_kind_names() {
        let mut c = setup();
        let o = kubectl(&mut c, "get all");
        // get.go: one table per resource type, blank line between, names as kind/name.
        assert_eq!(
            o.stdout,
            "NAME        READY   STATUS    RESTARTS   AGE\n\
             pod/web-0   1/1     Running   0          45s\n\
             pod/web-1   1/1     Running   0          45s\n\
             \n\
             NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
             service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   10m\n\
             \n\
             NAME                   READY   AGE\n\
             statefulset.apps/web   2/3     45s\n"
        );
    }

    #[test]
    fn get_cluster_scoped_kinds() {
        let mut c = setup();
        let o = kubectl(&mut c, "get nodes");
        // printNode.
        assert_eq!(
            o.stdout,
            "NAME     STATUS   ROLES    AGE   VERSION\nnode-1   Ready    <none>   10m   v1.35.0\nnode-2   Ready    <none>   10m   v1.35.0\nnode-3   Ready    <none>   10m   v1.35.0\n"
        );
        let o = kubectl(&mut c, "get sc");
        // printStorageClass.
        assert_eq!(
            o.stdout,
            "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\n\
             standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  10m\n"
        );
        let o = kubectl(&mut c, "get pv");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", "No resources found\n"));
        let o = kubectl(&mut c, "get ns");
        assert_eq!(
            o.stdout,
            "NAME              STATUS   AGE\ndefault           Active   10m\nkube-node-lease   Active   10m\nkube-public       Active   10m\nkube-system       Active   10m\n"
        );
    }

    #[test]
    fn get_errors() {
        let mut c = setup();
        let o = kubectl(&mut c, "get sts nope");
        assert_eq!((o.stderr.as_str(), o.exit_code), ("Error from server (NotFound): statefulsets.apps \"nope\" not found\n", 1));
        let o = kubectl(&mut c, "get pods web-0 nope web-1");
        assert_eq!(o.stderr, "Error from server (NotFound): pods \"nope\" not found\n");
        assert_eq!(o.stdout.lines().count(), 3);
        let o = kubectl(&mut c, "get statefulsetz");
        assert_eq!(o.stderr, "error: the server doesn't have a resource type \"statefulsetz\"\n");
        let o = kubectl(&mut c, "gte pods");
        assert_eq!(o.stderr, "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\nRun 'kubectl --help' for usage.\n");
        let o = kubectl(&mut c, "get pods --foo");
        assert_eq!(o.stderr, "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n");
        let o = kubectl(&mut c, "get");
        assert_eq!(
            o.stderr,
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n\
             error: Required resource not specified.\n\
             Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n\
             See 'kubectl get -h' for help and examples\n"
        );
        let o = kubectl(&mut c, "get pods -o foo");
        assert!(o.stderr.starts_with("error: unable to match a printer suitable for the output format \"foo\""));
        let o = kubectl(&mut c, "get sts nope --ignore-not-found");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "", 0));
    }

    #[test]
    fn get_structured_outputs() {
        let mut c = setup();
        let o = kubectl(&mut c, "get pods -o name");
        assert_eq!(o.stdout, "pod/web-0\npod/web-1\n");
        let o = kubectl(&mut c, "get sts web -o jsonpath={.spec.replicas}");
        assert_eq!(o.stdout, "3");
        let o = kubectl(&mut c, "get pods -o jsonpath='{.items[*].metadata.name}'");
        assert_eq!(o.stdout, "web-0 web-1");
        let o = kubectl(&mut c, "get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName");
        assert_eq!(o.stdout, "NAME    NODE\nweb-0   node-1\nweb-1   node-1\n");
        let o = kubectl(&mut c, "get sts web -o yaml");
        assert!(o.stdout.starts_with("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  creationTimestamp: \"2025-01-06T09:10:00Z\"\n"), "{}", o.stdout);
        let o = kubectl(&mut c, "get pv -o yaml");
        assert_eq!(o.stdout, "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
        let o = kubectl(&mut c, "get sts -o json");
        assert!(o.stdout.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"apps/v1\","), "{}", o.stdout);
    }
}
