//! The example the playground opens with: the StatefulSet `myapp` (3 replicas, one volume claim
//! template) and its headless Service `myapp`, from the StatefulSet explainer in the brief.
//!
//! One deliberate change: the explainer's image `myapp:latest` exists in no public registry, so
//! a learner who copies it to a real cluster gets `ErrImagePull`. The simulation would happily
//! "pull" it, which would teach something untrue. The example therefore uses `nginx:1.27`
//! (real, pinned, so `kubectl set image … nginx:1.28` is a natural first rolling update) and
//! nginx's port 80; everything else is as in the explainer. A comment in the file says so.

/// File name of the example tab.
pub const SEED_FILE: &str = "myapp.yaml";

/// The example: the StatefulSet, then the headless Service.
pub const SEED_YAML: &str = r#"# StatefulSet "myapp" and its headless Service, from the StatefulSet explainer.
# The explainer's image myapp:latest is in no registry; nginx:1.27 is real, so this
# file also works on a real cluster (and port 80 is nginx's).
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: myapp
spec:
  serviceName: "myapp" # Must point to a headless service
  replicas: 3
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
        - name: myapp
          image: nginx:1.27
          ports:
            - containerPort: 80
          volumeMounts:
            - name: myapp-storage
              mountPath: /data
  volumeClaimTemplates:
    - metadata:
        name: myapp-storage
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: myapp
spec:
  clusterIP: None
  selector:
    app: myapp
  ports:
    - port: 80
      name: web
"#;

/// The example with `replicas` pods and `podManagementPolicy: Parallel`: the large set the
/// warm-up, the benchmarks and the browser tests create all at once.
pub fn parallel(replicas: usize) -> String {
    SEED_YAML
        .replace("replicas: 3", &format!("replicas: {replicas}"))
        .replace("  serviceName: \"myapp\"", "  podManagementPolicy: Parallel\n  serviceName: \"myapp\"")
}

/// The one-line hint shown above the playground.
pub const HINT: &str =
    "Press Apply to create the StatefulSet, then step (→) or play (space) and watch myapp-0, -1, -2 start in order. New to StatefulSets? Open Lessons for a guided tour.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_sets_replicas_and_the_policy() {
        let y = parallel(7);
        assert!(y.contains("\n  replicas: 7\n") && y.contains("\n  podManagementPolicy: Parallel\n  serviceName: \"myapp\""), "{y}");
        assert!(!y.contains("replicas: 3"));
    }
}
