//! `kubectl describe statefulset` (`describeStatefulSet`, `describeVolumeClaimTemplates`).

use super::pod::describe_pod_template;
use super::*;
use crate::engine::api::StatefulSet;
use crate::engine::sim::Cluster;
use crate::kubectl::printers::quantity::canonical;
use crate::kubectl::printers::storage::pvc_class;
use crate::kubectl::selector::{format_label_selector, from_label_selector};

/// `getPodStatusForController`: pods matching the selector and controlled by `uid`, by phase
/// (Running, Waiting = Pending, Succeeded, Failed).
pub fn pod_status_for_controller(c: &Cluster, namespace: &str, sel: &crate::engine::api::LabelSelector, uid: &str) -> (usize, usize, usize, usize) {
    let s = from_label_selector(sel);
    let (mut r, mut w, mut su, mut f) = (0, 0, 0, 0);
    for p in c.store.pods(namespace) {
        if !s.matches(&p.metadata.labels) || p.metadata.controller_ref().is_none_or(|o| o.uid != uid) {
            continue;
        }
        match p.status.phase.as_str() {
            "Running" => r += 1,
            "Pending" => w += 1,
            "Succeeded" => su += 1,
            "Failed" => f += 1,
            _ => {}
        }
    }
    (r, w, su, f)
}

/// `describeStatefulSet`.
pub fn describe_stateful_set(c: &Cluster, s: &StatefulSet) -> String {
    let mut w = PrefixWriter::new();
    let sel = s.spec.selector.clone().unwrap_or_default();
    w.write(LEVEL_0, &format!("Name:\t{}\n", s.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", s.metadata.namespace));
    w.write(LEVEL_0, &format!("CreationTimestamp:\t{}\n", s.metadata.creation_timestamp.unwrap_or_default().rfc1123z()));
    let selector = format_label_selector(&sel);
    // labels.Selector.String() of an empty selector is "".
    w.write(LEVEL_0, &format!("Selector:\t{}\n", if selector == "<none>" { "" } else { &selector }));
    print_labels_multiline(&mut w, "Labels", &s.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &s.metadata.annotations);
    w.write(LEVEL_0, &format!("Replicas:\t{} desired | {} total\n", s.spec.replicas(), s.status.replicas));
    w.write(LEVEL_0, &format!("Update Strategy:\t{}\n", s.spec.update_strategy.type_));
    if let Some(ru) = &s.spec.update_strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.write(LEVEL_1, &format!("Partition:\t{p}\n"));
            if let Some(m) = &ru.max_unavailable {
                w.write(LEVEL_1, &format!("MaxUnavailable:\t{m}\n"));
            }
        }
    }
    let (r, wt, su, f) = pod_status_for_controller(c, &s.metadata.namespace, &sel, &s.metadata.uid);
    w.write(LEVEL_0, &format!("Pods Status:\t{r} Running / {wt} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut w, &s.spec.template);
    if s.spec.volume_claim_templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
    } else {
        w.write(LEVEL_0, "Volume Claims:\n");
        for pvc in &s.spec.volume_claim_templates {
            w.write(LEVEL_1, &format!("Name:\t{}\n", pvc.metadata.name));
            w.write(LEVEL_1, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
            print_labels_multiline_with_indent(&mut w, "  ", "Labels", "\t", &pvc.metadata.labels);
            print_labels_multiline_with_indent(&mut w, "  ", "Annotations", "\t", &pvc.metadata.annotations);
            let cap = pvc.spec.resources.requests.get("storage").map(canonical).unwrap_or_else(|| "<default>".into());
            w.write(LEVEL_1, &format!("Capacity:\t{cap}\n"));
            w.write(LEVEL_1, &format!("Access Modes:\t{}\n", go_slice(&pvc.spec.access_modes)));
        }
    }
    let events = crate::engine::events::events_for(c, &s.metadata.namespace, &s.metadata.uid);
    describe_events(&mut w, &events, c.now);
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    #[test]
    fn describe_statefulset_layout() {
        let mut c = cluster();
        let mut s = sts("web", 3);
        s.metadata.labels.clear();
        s.spec.template.spec.containers[0].volume_mounts =
            vec![VolumeMount { name: "www".into(), mount_path: "/usr/share/nginx/html".into(), ..Default::default() }];
        let mut claim = PersistentVolumeClaim::default();
        claim.metadata.name = "www".into();
        claim.spec.access_modes = vec!["ReadWriteOnce".into()];
        claim.spec.resources.requests.insert("storage".into(), serde_json::json!("1Gi"));
        s.spec.volume_claim_templates = vec![claim];
        s.status.replicas = 3;
        put(&mut c, Object::StatefulSet(s));
        let o = kubectl(&mut c, "describe sts web");
        // describeStatefulSet (spec §5.5); the named port prints as "80/TCP (web)"
        // (describeContainerPorts, kubernetes#133018, kubectl 1.34+).
        let want = "Name:               web
Namespace:          default
CreationTimestamp:  Mon, 06 Jan 2025 09:10:00 +0000
Selector:           app=web
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 3 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.24
    Port:         80/TCP (web)
    Host Port:    0/TCP (web)
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:          <none>
";
        assert_eq!(o.stdout, want);
    }
}
