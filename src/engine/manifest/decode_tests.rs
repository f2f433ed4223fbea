//! Tests for manifest decoding: realistic manifests decode with no warnings; mistakes are
//! reported with the real texts at the right line:col.

use super::*;
use crate::engine::manifest::{DiagnosticKind, Severity};

use crate::engine::testdata::EXPLAINER_SEED as SEED;

const POSTGRES: &str = r#"apiVersion: v1
kind: Secret
metadata:
  name: pg-secret
type: Opaque
stringData:
  POSTGRES_PASSWORD: s3cret
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  labels: {app.kubernetes.io/name: postgres, app.kubernetes.io/component: db}
  annotations:
    kubernetes.io/change-cause: "initial"
spec:
  serviceName: postgres
  replicas: 2
  podManagementPolicy: Parallel
  minReadySeconds: 5
  revisionHistoryLimit: 5
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Delete
    whenScaled: Retain
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 0
      maxUnavailable: 1
  ordinals:
    start: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: postgres
    matchExpressions:
      - {key: tier, operator: In, values: [db]}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: postgres
        tier: db
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: postgres
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 60
      priorityClassName: high
      enableServiceLinks: false
      securityContext:
        runAsUser: 999
        fsGroup: 999
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                labelSelector:
                  matchLabels: {app.kubernetes.io/name: postgres}
                topologyKey: kubernetes.io/hostname
      tolerations:
        - key: dedicated
          operator: Equal
          value: db
          effect: NoSchedule
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {app.kubernetes.io/name: postgres}
      nodeSelector:
        kubernetes.io/os: linux
      imagePullSecrets:
        - name: regcred
      initContainers:
        - name: init-perms
          image: busybox:1.36
          command: ["sh", "-c", "chown -R 999:999 /var/lib/postgresql/data"]
          securityContext: {runAsUser: 0}
          volumeMounts:
            - {name: data, mountPath: /var/lib/postgresql/data}
      containers:
        - name: postgres
          image: postgres:16.2
          imagePullPolicy: IfNotPresent
          args: ["-c", "max_connections=200"]
          ports:
            - name: pg
              containerPort: 5432
              protocol: TCP
          env:
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef: {name: pg-secret, key: POSTGRES_PASSWORD}
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
            - name: POD_IP
              valueFrom:
                fieldRef: {fieldPath: status.podIP}
          envFrom:
            - configMapRef: {name: pg-config, optional: true}
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {memory: 1Gi}
          livenessProbe:
            exec:
              command: ["pg_isready", "-U", "postgres"]
            initialDelaySeconds: 30
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 6
          readinessProbe:
            tcpSocket: {port: pg}
            initialDelaySeconds: 5
          startupProbe:
            httpGet: {path: /healthz, port: 8080, scheme: HTTP}
            failureThreshold: 30
          lifecycle:
            preStop:
              exec:
                command: ["pg_ctl", "stop", "-m", "fast"]
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
            readOnlyRootFilesystem: false
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: config
              mountPath: /etc/postgresql
              readOnly: true
            - name: shm
              mountPath: /dev/shm
      volumes:
        - name: config
          configMap:
            name: pg-config
            defaultMode: 0644
        - name: shm
          emptyDir: {medium: Memory, sizeLimit: 256Mi}
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
        labels: {app.kubernetes.io/name: postgres}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: standard
        volumeMode: Filesystem
        resources:
          requests:
            storage: 10Gi
"#;

const REDIS_ZK_LIST: &str = r#"{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Service",
      "metadata": {"name": "zk-hs", "labels": {"app": "zk"}},
      "spec": {
        "ports": [{"port": 2888, "name": "server"}, {"port": 3888, "name": "leader-election"}],
        "clusterIP": "None",
        "publishNotReadyAddresses": true,
        "selector": {"app": "zk"}
      }
    },
    {
      "apiVersion": "policy/v1",
      "kind": "PodDisruptionBudget",
      "metadata": {"name": "zk-pdb"},
      "spec": {"selector": {"matchLabels": {"app": "zk"}}, "maxUnavailable": 1}
    },
    {
      "apiVersion": "apps/v1",
      "kind": "StatefulSet",
      "metadata": {"name": "zk"},
      "spec": {
        "selector": {"matchLabels": {"app": "zk"}},
        "serviceName": "zk-hs",
        "replicas": 3,
        "updateStrategy": {"type": "OnDelete"},
        "podManagementPolicy": "OrderedReady",
        "template": {
          "metadata": {"labels": {"app": "zk"}},
          "spec": {
            "hostAliases": [{"ip": "127.0.0.1", "hostnames": ["zk.local"]}],
            "dnsConfig": {"options": [{"name": "ndots", "value": "2"}]},
            "containers": [{
              "name": "kubernetes-zookeeper",
              "image": "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10",
              "resources": {"requests": {"memory": "1Gi", "cpu": "0.5"}},
              "ports": [{"containerPort": 2181, "name": "client"}],
              "command": ["sh", "-c", "start-zookeeper --servers=3"],
              "readinessProbe": {"exec": {"command": ["sh", "-c", "zookeeper-ready 2181"]}, "initialDelaySeconds": 10, "timeoutSeconds": 5},
              "volumeMounts": [{"name": "datadir", "mountPath": "/var/lib/zookeeper"}],
              "stdin": true,
              "tty": true
            }],
            "securityContext": {"runAsUser": 1000, "fsGroup": 1000}
          }
        },
        "volumeClaimTemplates": [{
          "metadata": {"name": "datadir"},
          "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
        }]
      }
    }
  ]
}
"#;

fn only_errors(s: &ManifestSet) -> Vec<String> {
    s.errors().map(|d| d.to_string()).collect()
}

#[test]
fn seed_manifest_decodes_cleanly() {
    let s = parse_manifests("seed.yaml", SEED);
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(s.objects.len(), 2);
    assert_eq!(s.objects[0].object.kind(), Kind::StatefulSet);
    assert_eq!(s.objects[1].source.doc_index, 1);
    assert_eq!(s.objects[1].source.line, 33);
}

#[test]
fn realistic_postgres_manifest_has_no_false_warning() {
    let s = parse_manifests("pg.yaml", POSTGRES);
    assert!(s.diagnostics.is_empty(), "{:#?}", s.diagnostics);
    assert_eq!(s.objects.len(), 2);
    let sts = s.objects[1].object.as_stateful_set().unwrap();
    assert_eq!(sts.spec.replicas, Some(2));
    assert_eq!(sts.spec.template.spec.containers[0].env.len(), 3);
}

#[test]
fn json_list_is_flattened_without_warnings() {
    let s = parse_manifests("zk.json", REDIS_ZK_LIST);
    assert!(s.diagnostics.is_empty(), "{:#?}", s.diagnostics);
    let kinds: Vec<Kind> = s.objects.iter().map(|o| o.object.kind()).collect();
    assert_eq!(kinds, vec![Kind::Service, Kind::PodDisruptionBudget, Kind::StatefulSet]);
}

#[test]
fn unknown_field_is_located_at_its_key() {
    let text = SEED.replacen("  replicas: 3", "  replica: 3", 1);
    let s = parse_manifests("x.yaml", &text);
    assert_eq!(s.objects.len(), 2);
    let w = &s.objects[0].warnings;
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].message, "unknown field \"spec.replica\"");
    assert_eq!((w[0].line, w[0].col), (7, 3));
    assert_eq!(w[0].kind, DiagnosticKind::UnknownField { path: "spec.replica".into() });
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(
        strict_decoding_error(Kind::StatefulSet, w),
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\""
    );
}

#[test]
fn unknown_field_inside_a_list_uses_brackets() {
    let text = SEED.replacen("image: myapp:latest", "image: myapp:latest\n          imagePullPolcy: Always", 1);
    let s = parse_manifests("x.yaml", &text);
    let w = &s.objects[0].warnings;
    assert_eq!(w[0].message, "unknown field \"spec.template.spec.containers[0].imagePullPolcy\"");
    assert_eq!((w[0].line, w[0].col), (19, 11));
}

#[test]
fn duplicate_field_is_reported() {
    let text = SEED.replacen("  replicas: 3", "  replicas: 3\n  replicas: 4", 1);
    let s = parse_manifests("x.yaml", &text);
    let w = &s.objects[0].warnings;
    assert_eq!(w[0].message, "duplicate field \"spec.replicas\"");
    assert_eq!(w[0].line, 8);
    assert_eq!(s.objects[0].object.as_stateful_set().unwrap().spec.replicas, Some(4));
}

#[test]
fn replicas_as_string_is_the_servers_decode_error_at_the_value() {
    let text = SEED.replacen("replicas: 3", "replicas: \"3\"", 1);
    let s = parse_manifests("x.yaml", &text);
    let e: Vec<&Diagnostic> = s.errors().collect();
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].message,
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
    );
    assert_eq!((e[0].line, e[0].col), (7, 13));
    assert_eq!(e[0].kind, DiagnosticKind::Decode);
    // The Service in the next document still decodes.
    assert_eq!(s.objects.len(), 1);
}

#[test]
fn yaml_1_1_booleans_reach_the_server_as_booleans() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    env:\n    - name: DEBUG\n      value: yes\n";
    let s = parse_manifests("p.yaml", text);
    assert_eq!(
        only_errors(&s),
        vec!["p.yaml:10:14: Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string"]
    );
}

#[test]
fn syntax_error_has_kubectls_text_and_the_position() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v: w\n";
    let s = parse_manifests("x.yaml", text);
    assert_eq!(s.objects.len(), 1);
    let e: Vec<&Diagnostic> = s.errors().collect();
    assert_eq!(e[0].message, "error parsing x.yaml: error converting YAML to JSON: yaml: line 6: mapping values are not allowed in this context");
    assert_eq!((e[0].line, e[0].doc_index), (11, 1));
}

#[test]
fn missing_api_version_and_kind() {
    let s = parse_manifests("x.yaml", "metadata:\n  name: x\n");
    assert_eq!(
        s.errors().next().unwrap().message,
        "error validating \"x.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false"
    );
    let s = parse_manifests("x.yaml", "apiVersion: v1\nmetadata:\n  name: x\n");
    assert!(s.errors().next().unwrap().message.contains("error validating data: kind not set; if you"));
}

#[test]
fn unknown_kind_is_a_resource_mapping_error() {
    let s = parse_manifests("x.yaml", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n");
    let e = s.errors().next().unwrap();
    assert_eq!(
        e.message,
        "resource mapping not found for name: \"x\" namespace: \"\" from \"x.yaml\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first"
    );
    assert_eq!((e.line, e.col), (2, 7));
    let s = parse_manifests("x.yaml", "apiVersion: apps/v1beta1\nkind: StatefulSet\nmetadata: {name: web}\n");
    assert!(s.errors().next().unwrap().message.contains("no matches for kind \"StatefulSet\" in version \"apps/v1beta1\""));
}

#[test]
fn bad_document_separator() {
    let s = parse_manifests("x.yaml", "a: 1\n--- foo\nb: 2\n");
    assert_eq!(s.errors().next().unwrap().message, "error parsing x.yaml: invalid Yaml document separator: foo");
}

#[test]
fn oversized_file_is_refused_fast_naming_the_limit() {
    let big = "a".repeat(10 * 1024 * 1024);
    let t = std::time::Instant::now();
    let s = parse_manifests("big.yaml", &big);
    assert!(t.elapsed().as_millis() < 500);
    let e = s.errors().next().unwrap();
    assert_eq!(e.kind, DiagnosticKind::Limit);
    assert!(e.message.contains("MAX_MANIFEST_BYTES = 1048576"), "{}", e.message);
}

#[test]
fn alias_bomb_is_refused_fast_naming_the_limit() {
    let text = r#"apiVersion: v1
kind: ConfigMap
metadata: {name: lol}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"#;
    let t = std::time::Instant::now();
    let s = parse_manifests("lol.yaml", text);
    assert!(t.elapsed().as_secs() < 2);
    let e = s.errors().next().unwrap();
    assert_eq!(e.kind, DiagnosticKind::Limit);
    assert!(e.message.contains("excessive aliasing") && e.message.contains("MAX_YAML_NODES"), "{}", e.message);
    assert!(s.objects.is_empty());
}

#[test]
fn empty_documents_are_skipped() {
    let s = parse_manifests("x.yaml", "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n");
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    assert_eq!(s.objects.len(), 1);
    assert_eq!(s.objects[0].source.doc_index, 2);
}

#[test]
fn invalid_quantity_is_the_servers_error() {
    let text = SEED.replacen("storage: 1Gi", "storage: 1GB", 1);
    let s = parse_manifests("x.yaml", &text);
    let e = s.errors().next().unwrap();
    assert_eq!(
        e.message,
        "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
    assert_eq!(e.line, 31);
}
