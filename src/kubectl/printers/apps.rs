//! `kubectl get statefulsets` and `controllerrevisions` rows (printers.go `printStatefulSet`,
//! `printControllerRevision`).

use super::table::{col, wide, Column};
use crate::engine::api::{ControllerRevision, PodSpec, StatefulSet, Time};
use crate::kubectl::duration::translate_timestamp_since;

/// `statefulSetColumnDefinitions`.
pub const STATEFUL_SET_COLUMNS: &[Column] =
    &[col("Name"), col("Ready"), col("Age"), wide("Containers"), wide("Images")];

/// `controllerRevisionColumnDefinition`.
pub const CONTROLLER_REVISION_COLUMNS: &[Column] = &[col("Name"), col("Controller"), col("Revision"), col("Age")];

/// `layoutContainerCells`: comma-joined container names and images.
pub fn layout_container_cells(spec: &PodSpec) -> (String, String) {
    let names: Vec<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = spec.containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

/// `printStatefulSet`: READY is `readyReplicas/spec.replicas`.
pub fn print_stateful_set(s: &StatefulSet, now: Time) -> Vec<String> {
    let (names, images) = layout_container_cells(&s.spec.template.spec);
    vec![
        s.metadata.name.clone(),
        format!("{}/{}", s.status.ready_replicas, s.spec.replicas()),
        translate_timestamp_since(s.metadata.creation_timestamp, now),
        names,
        images,
    ]
}

/// `printControllerRevision`: CONTROLLER is the controller ref as `kind.group/name`.
pub fn print_controller_revision(r: &ControllerRevision, now: Time) -> Vec<String> {
    let controller = match r.metadata.controller_ref() {
        Some(o) => {
            let group = o.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
            let kind = o.kind.to_lowercase();
            if group.is_empty() {
                format!("{kind}/{}", o.name)
            } else {
                format!("{kind}.{group}/{}", o.name)
            }
        }
        None => "<none>".into(),
    };
    vec![
        r.metadata.name.clone(),
        controller,
        r.revision.to_string(),
        translate_timestamp_since(r.metadata.creation_timestamp, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::*;

    #[test]
    fn stateful_set_row() {
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let mut s = StatefulSet::default();
        s.metadata.name = "web".into();
        s.metadata.creation_timestamp = Some(t);
        s.spec.replicas = Some(3);
        s.status.ready_replicas = 2;
        s.spec.template.spec.containers = vec![
            Container { name: "nginx".into(), image: "nginx:1.25".into(), ..Default::default() },
            Container { name: "sidecar".into(), image: "busybox".into(), ..Default::default() },
        ].into();
        // printStatefulSet.
        assert_eq!(print_stateful_set(&s, t.plus_secs(45)), ["web", "2/3", "45s", "nginx,sidecar", "nginx:1.25,busybox"]);
    }

    #[test]
    fn controller_revision_row() {
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let mut r = ControllerRevision::default();
        r.metadata.name = "web-6b7c9d5f4d".into();
        r.metadata.creation_timestamp = Some(t);
        r.revision = 2;
        *r.metadata.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "web".into(),
            uid: "u".into(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        // printControllerRevision.
        assert_eq!(print_controller_revision(&r, t.plus_secs(600)), ["web-6b7c9d5f4d", "statefulset.apps/web", "2", "10m"]);
    }
}
