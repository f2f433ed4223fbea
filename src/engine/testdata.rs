//! Test fixtures shared by the engine's unit tests.

/// The seed explainer's StatefulSet `myapp` and its headless Service, as the explainer writes them
/// (image `myapp:latest`, port 8080). Manifest tests assert line:col positions in this text.
pub const EXPLAINER_SEED: &str = r#"apiVersion: apps/v1
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
          image: myapp:latest
          ports:
            - containerPort: 8080
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
    - port: 8080
      name: web
"#;
