//! `kubectl describe namespace|resourcequota|limitrange` (`describeNamespace`,
//! `DescribeResourceQuotas`, `DescribeLimitRanges`, `describeQuota`, `describeLimitRange` in
//! `kubectl/pkg/describe/describe.go`). Quota usage comes from `status`, which no simulated
//! controller fills in, so `Used` is what the stored object says (usually `0`).

use super::fields::*;
use super::*;
use crate::engine::api::{GenericObject, Kind};
use crate::engine::sim::Cluster;
use crate::kubectl::printers::quantity::canonical_str;
use serde_json::Value;

/// `Quantity.String()` of a stored quantity; `0` when absent (the zero Quantity).
fn quantity(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => canonical_str(s).unwrap_or_else(|| s.clone()),
        Some(Value::Number(n)) => canonical_str(&n.to_string()).unwrap_or_else(|| n.to_string()),
        _ => "0".into(),
    }
}

fn stored(c: &Cluster, kind: Kind, namespace: &str) -> Vec<GenericObject> {
    let mut v: Vec<GenericObject> = c
        .store
        .list(kind, Some(namespace))
        .filter_map(|o| match o.as_ref() {
            crate::engine::api::Object::Generic(_, g) => Some(g.clone()),
            _ => None,
        })
        .collect();
    crate::util::sort::sort_by(&mut v, |a, b| a.metadata.name.cmp(&b.metadata.name));
    v
}

/// `describeNamespace`: status, conditions, then the namespace's quotas and limit ranges.
pub fn describe_namespace(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    w.write(LEVEL_0, &format!("Status:\t{}\n", str_at(&v, "/status/phase")));
    let conditions = list_at(&v, "/status/conditions");
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n");
        for cond in conditions {
            w.write(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    str_at(cond, "/type"),
                    str_at(cond, "/status"),
                    time_at(cond, "/lastTransitionTime").unwrap_or_default().rfc1123z(),
                    str_at(cond, "/reason"),
                    str_at(cond, "/message")
                ),
            );
        }
    }
    w.write(LEVEL_0, "\n");
    describe_resource_quotas(&mut w, &stored(c, Kind::ResourceQuota, &g.metadata.name));
    w.write(LEVEL_0, "\n");
    describe_limit_ranges(&mut w, &stored(c, Kind::LimitRange, &g.metadata.name));
    w.finish()
}

fn help_text_for_scope(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

fn scopes(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = list_at(v, "/spec/scopes").iter().filter_map(|x| x.as_str().map(String::from)).collect();
    crate::util::sort::sort(&mut s);
    s
}

/// `DescribeResourceQuotas`: every quota of the namespace, by name, with used/hard per resource.
fn describe_resource_quotas(w: &mut PrefixWriter, quotas: &[GenericObject]) {
    if quotas.is_empty() {
        w.write(LEVEL_0, "No resource quota.\n");
        return;
    }
    w.write(LEVEL_0, "Resource Quotas\n");
    for q in quotas {
        let v = rest(q);
        w.write(LEVEL_1, &format!("Name:\t{}\n", q.metadata.name));
        let scopes = scopes(&v);
        if !scopes.is_empty() {
            w.write(LEVEL_1, &format!("Scopes:\t{}\n", scopes.join(", ")));
            for s in &scopes {
                let help = help_text_for_scope(s);
                if !help.is_empty() {
                    w.write(LEVEL_1, &format!("* {help}\n"));
                }
            }
        }
        w.write(LEVEL_1, "Resource\tUsed\tHard\n");
        w.write(LEVEL_1, "--------\t---\t---\n");
        if let Some(hard) = map_at(&v, "/status/hard") {
            for (res, h) in hard {
                let used = v.pointer("/status/used").and_then(|u| u.get(res));
                w.write(LEVEL_1, &format!("{res}\t{}\t{}\n", quantity(used), quantity(Some(h))));
            }
        }
    }
}

/// `describeLimitRangeSpec`: one row per limit type and resource (resources sorted; upstream
/// walks a Go map here, so its order varies between runs).
fn describe_limit_range_spec(w: &mut PrefixWriter, v: &Value, prefix: &str) {
    for item in list_at(v, "/spec/limits") {
        let fields = ["/max", "/min", "/default", "/defaultRequest", "/maxLimitRequestRatio"];
        let mut set: BTreeMap<String, ()> = BTreeMap::new();
        for f in fields {
            if let Some(m) = map_at(item, f) {
                set.extend(m.keys().map(|k| (k.clone(), ())));
            }
        }
        let get = |f: &str, k: &str| match item.pointer(f).and_then(|m| m.get(k)) {
            Some(q) => quantity(Some(q)),
            None => "-".to_string(),
        };
        for k in set.keys() {
            w.write(
                LEVEL_0,
                &format!(
                    "{prefix}{}\t{k}\t{}\t{}\t{}\t{}\t{}\n",
                    str_at(item, "/type"),
                    get("/min", k),
                    get("/max", k),
                    get("/defaultRequest", k),
                    get("/default", k),
                    get("/maxLimitRequestRatio", k)
                ),
            );
        }
    }
}

/// `DescribeLimitRanges`: all limit ranges of the namespace merged into one table.
fn describe_limit_ranges(w: &mut PrefixWriter, ranges: &[GenericObject]) {
    if ranges.is_empty() {
        w.write(LEVEL_0, "No LimitRange resource.\n");
        return;
    }
    w.write(LEVEL_0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    for r in ranges {
        describe_limit_range_spec(w, &rest(r), " ");
    }
}

/// `describeLimitRange`.
pub fn describe_limit_range(g: &GenericObject) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    w.write(LEVEL_0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
    w.write(LEVEL_0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    describe_limit_range_spec(&mut w, &rest(g), "");
    w.finish()
}

/// `describeQuota` (used values are printed as stored; upstream re-formats a used value whose
/// quantity format differs from the hard one).
pub fn describe_quota(g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    let scopes = scopes(&v);
    if !scopes.is_empty() {
        w.write(LEVEL_0, &format!("Scopes:\t{}\n", scopes.join(", ")));
        for s in &scopes {
            let help = help_text_for_scope(s);
            if !help.is_empty() {
                w.write(LEVEL_0, &format!(" * {help}\n"));
            }
        }
    }
    w.write(LEVEL_0, "Resource\tUsed\tHard\n");
    w.write(LEVEL_0, "--------\t----\t----\n");
    if let Some(hard) = map_at(&v, "/status/hard") {
        for (res, h) in hard {
            let used = v.pointer("/status/used").and_then(|u| u.get(res));
            w.write(LEVEL_0, &format!("{res}\t{}\t{}\n", quantity(used), quantity(Some(h))));
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::*;

    #[test]
    fn describe_default_namespace() {
        let mut c = cluster();
        let o = kubectl(&mut c, "describe namespace default");
        // describeNamespace with empty quota and limit range lists.
        let want = "Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
";
        assert_eq!(o.stdout, want);
    }

    #[test]
    fn describe_namespace_with_quota_and_limits() {
        let mut c = cluster();
        apply(
            &mut c,
            "apiVersion: v1
kind: LimitRange
metadata:
  name: cpu-mem
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
      memory: 512Mi
    defaultRequest:
      cpu: 250m
    max:
      memory: 1Gi
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: pods-high
spec:
  hard:
    pods: \"10\"
status:
  hard:
    pods: \"10\"
    requests.cpu: \"2\"
  used:
    pods: \"3\"
",
        );
        let o = kubectl(&mut c, "describe ns default");
        let want = "Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

Resource Quotas
  Name:         pods-high
  Resource      Used  Hard
  --------      ---   ---
  pods          3     10
  requests.cpu  0     2

Resource Limits
 Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
 ----       --------  ---  ---  ---------------  -------------  -----------------------
 Container  cpu       -    -    250m             500m           -
 Container  memory    -    1Gi  -                512Mi          -
";
        assert_eq!(o.stdout, want);
        let o = kubectl(&mut c, "describe limitrange cpu-mem");
        let want = "Name:       cpu-mem
Namespace:  default
Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
----        --------  ---  ---  ---------------  -------------  -----------------------
Container   cpu       -    -    250m             500m           -
Container   memory    -    1Gi  -                512Mi          -
";
        assert_eq!(o.stdout, want);
        let o = kubectl(&mut c, "describe quota pods-high");
        let want = "Name:         pods-high
Namespace:    default
Resource      Used  Hard
--------      ----  ----
pods          3     10
requests.cpu  0     2
";
        assert_eq!(o.stdout, want);
    }
}
