//! Admission through `apiserver::create`/`update`, from manifests to stored objects, asserting
//! the defaulted fields and the exact error texts a real 1.35 API server returns.

use crate::engine::api::*;
use crate::engine::apiserver;
use crate::engine::error::ApiError;
use crate::engine::manifest::parse_manifests;
use crate::engine::sim::Cluster;
use crate::engine::ClusterConfig;
use serde_json::json;

use crate::engine::testdata::EXPLAINER_SEED as SEED;

fn objects(text: &str) -> Vec<Object> {
    let set = parse_manifests("x.yaml", text);
    assert!(set.diagnostics.is_empty(), "{:?}", set.diagnostics);
    set.objects.into_iter().map(|d| d.object).collect()
}

fn sts_from(text: &str) -> Object {
    objects(text).remove(0)
}

fn create_err(c: &mut Cluster, obj: Object) -> String {
    apiserver::create(c, obj).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn seed_round_trip_matches_a_real_cluster() {
    let mut c = Cluster::new(ClusterConfig::default());
    let objs = objects(SEED);
    let sts = apiserver::create(&mut c, objs[0].clone()).unwrap();
    assert!(sts.warnings.is_empty());
    let v = sts.object.to_value();
    let spec = &v["spec"];
    assert_eq!(spec["replicas"], 3);
    assert_eq!(spec["podManagementPolicy"], "OrderedReady");
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(spec["updateStrategy"], json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
    assert_eq!(spec["persistentVolumeClaimRetentionPolicy"], json!({"whenDeleted": "Retain", "whenScaled": "Retain"}));
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["dnsPolicy"], "ClusterFirst");
    assert_eq!(pod["restartPolicy"], "Always");
    assert_eq!(pod["schedulerName"], "default-scheduler");
    assert_eq!(pod["securityContext"], json!({}));
    assert_eq!(pod["terminationGracePeriodSeconds"], 30);
    assert!(pod.get("enableServiceLinks").is_none(), "SetDefaults_Pod does not run on templates");
    let ctr = &pod["containers"][0];
    assert_eq!(ctr["imagePullPolicy"], "Always");
    assert_eq!(ctr["terminationMessagePath"], "/dev/termination-log");
    assert_eq!(ctr["terminationMessagePolicy"], "File");
    assert_eq!(ctr["resources"], json!({}));
    assert_eq!(ctr["ports"][0], json!({"containerPort": 8080, "protocol": "TCP"}));
    let claim = &spec["volumeClaimTemplates"][0];
    assert_eq!(claim["apiVersion"], "v1");
    assert_eq!(claim["kind"], "PersistentVolumeClaim");
    assert_eq!(claim["spec"]["volumeMode"], "Filesystem");
    assert_eq!(claim["status"], json!({"phase": "Pending"}));
    assert!(claim["spec"].get("storageClassName").is_none(), "DefaultStorageClass only admits PVC objects");
    assert_eq!(v["metadata"]["generation"], 1);
    assert_eq!(v["metadata"]["namespace"], "default");

    let svc = apiserver::create(&mut c, objs[1].clone()).unwrap().object.to_value();
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(svc["spec"]["clusterIPs"], json!(["None"]));
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["sessionAffinity"], "None");
    assert_eq!(svc["spec"]["ipFamilies"], json!(["IPv4"]));
    assert_eq!(svc["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(svc["spec"]["internalTrafficPolicy"], "Cluster");
    assert_eq!(svc["spec"]["ports"][0], json!({"name": "web", "port": 8080, "protocol": "TCP", "targetPort": 8080}));
    assert_eq!(svc["status"], json!({"loadBalancer": {}}));
}

#[test]
fn cluster_ips_are_deterministic_and_in_range() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    let ip = |seed| {
        let mut c = Cluster::new(ClusterConfig { seed, ..Default::default() });
        let o = apiserver::create(&mut c, sts_from(svc)).unwrap().object;
        o.as_service().unwrap().spec.cluster_ip.clone()
    };
    assert_eq!(ip(7), ip(7));
    let a = ip(7);
    assert!(a.starts_with("10.9") || a.starts_with("10.10") || a.starts_with("10.11"), "{a}");
}

#[test]
fn selector_mismatch_is_invalid_with_go_map_formatting() {
    let mut c = Cluster::new(ClusterConfig::default());
    let obj = sts_from(&SEED.replacen("      labels:\n        app: myapp", "      labels:\n        app: other", 1));
    assert_eq!(
        create_err(&mut c, obj),
        "StatefulSet.apps \"myapp\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn several_errors_are_bracketed() {
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED
        .replacen("replicas: 3", "replicas: -1\n  podManagementPolicy: Sometimes\n  updateStrategy:\n    rollingUpdate:\n      partition: -2\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Keep", 1);
    let e = create_err(&mut c, sts_from(&text));
    assert_eq!(
        e,
        "StatefulSet.apps \"myapp\" is invalid: [spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel', spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than or equal to 0, spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\", spec.replicas: Invalid value: -1: must be greater than or equal to 0]"
    );
}

#[test]
fn name_selector_restart_policy_and_deadline() {
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED
        .replacen("name: myapp\nspec:", "name: My_App\nspec:", 1)
        .replacen("      containers:", "      restartPolicy: Never\n      activeDeadlineSeconds: 10\n      containers:", 1);
    let e = create_err(&mut c, sts_from(&text));
    assert!(e.starts_with("StatefulSet.apps \"My_App\" is invalid: [metadata.name: Invalid value: \"My_App\": a lowercase RFC 1123 label must consist of"), "{e}");
    assert!(e.contains("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""), "{e}");
    assert!(e.contains("spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"), "{e}");

    let no_sel = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: b}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(no_sel)),
        "StatefulSet.apps \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`]"
    );
    let empty_sel = no_sel.replace("spec:\n  template", "spec:\n  selector: {}\n  template");
    assert_eq!(
        create_err(&mut c, sts_from(&empty_sel)),
        "StatefulSet.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"
    );
}

#[test]
fn bad_pod_template_is_invalid_on_create() {
    // Since 1.34 ValidateStatefulSetSpec validates the template's PodSpec (kubernetes#131790),
    // with a volume per volumeClaimTemplate (volumesToAddForTemplates): the seed's mount of
    // its claim template resolves, an unknown name does not.
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("          image: myapp:latest\n", "", 1).replacen("name: myapp-storage\n              mountPath", "name: nope\n              mountPath", 1);
    assert_eq!(
        create_err(&mut c, sts_from(&text)),
        "StatefulSet.apps \"myapp\" is invalid: [spec.template.spec.containers[0].image: Required value, spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"nope\"]"
    );
    let caps = SEED.replacen("- name: myapp\n", "- name: My_App\n", 1);
    let e = create_err(&mut c, sts_from(&caps));
    assert!(
        e.starts_with("StatefulSet.apps \"myapp\" is invalid: spec.template.spec.containers[0].name: Invalid value: \"My_App\": a lowercase RFC 1123 label"),
        "{e}"
    );
}

#[test]
fn volume_claim_templates_are_validated_on_create() {
    // ValidateVolumeClaimTemplates (kubernetes#132212), right after the retention policy.
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED
        .replacen("        accessModes: [\"ReadWriteOnce\"]\n", "", 1)
        .replacen("replicas: 3", "replicas: -1", 1);
    assert_eq!(
        create_err(&mut c, sts_from(&text)),
        "StatefulSet.apps \"myapp\" is invalid: [spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required, spec.replicas: Invalid value: -1: must be greater than or equal to 0]"
    );
}

#[test]
fn service_name_must_be_a_dns_label() {
    // kubernetes#130233: a serviceName that is set must be a DNS-1123 label (it becomes the
    // pods' spec.subdomain).
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("serviceName: \"myapp\"", "serviceName: My_Svc", 1);
    let e = create_err(&mut c, sts_from(&text));
    assert!(
        e.starts_with("StatefulSet.apps \"myapp\" is invalid: spec.serviceName: Invalid value: \"My_Svc\": a lowercase RFC 1123 label"),
        "{e}"
    );
    let none = SEED.replacen("  serviceName: \"myapp\" # Must point to a headless service\n", "", 1);
    assert!(apiserver::create(&mut c, sts_from(&none)).is_ok(), "serviceName is optional");
}

#[test]
fn missing_or_unparsable_selector_also_fails_the_template_check() {
    // LabelSelectorAsSelector(nil) is labels.Nothing(): not Empty(), matches nothing; an
    // unparsable selector is Invalid with an empty detail and skips the template check.
    let mut c = Cluster::new(ClusterConfig::default());
    let no_sel = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: a, image: b}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(no_sel)),
        "StatefulSet.apps \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`]"
    );
    let bad_op = no_sel.replace("spec:\n  template", "spec:\n  selector: {matchExpressions: [{key: app, operator: Has}]}\n  template");
    assert_eq!(
        create_err(&mut c, sts_from(&bad_op)),
        "StatefulSet.apps \"web\" is invalid: [spec.selector.matchExpressions[0].operator: Invalid value: \"Has\": not a valid selector operator, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Has\", Values:[]string(nil)}}}]"
    );
}

#[test]
fn pod_create_validation_is_what_failed_create_events_show() {
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0}\nspec:\n  containers:\n  - name: Web\n    volumeMounts: [{name: www, mountPath: /x}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"web-0\" is invalid: [spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.containers[0].image: Required value, spec.containers[0].volumeMounts[0].name: Not found: \"www\"]"
    );
}

#[test]
fn pod_admission_plugins() {
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources: {limits: {cpu: 500m, memory: 128Mi}}\n";
    let v = apiserver::create(&mut c, sts_from(pod)).unwrap().object.to_value();
    let s = &v["spec"];
    assert_eq!(s["serviceAccountName"], "default");
    assert_eq!(s["enableServiceLinks"], true);
    assert_eq!(s["priority"], 0);
    assert_eq!(s["tolerations"].as_array().unwrap().len(), 2);
    assert!(s["volumes"][0]["name"].as_str().unwrap().starts_with("kube-api-access-"));
    assert_eq!(s["containers"][0]["volumeMounts"][0]["mountPath"], "/var/run/secrets/kubernetes.io/serviceaccount");
    assert_eq!(s["containers"][0]["imagePullPolicy"], "IfNotPresent");
    assert_eq!(s["containers"][0]["resources"]["requests"], json!({"cpu": "500m", "memory": "128Mi"}));
    assert_eq!(v["status"], json!({"phase": "Pending", "qosClass": "Guaranteed"}));
}

#[test]
fn pvc_gets_default_class_and_protection() {
    let mut c = Cluster::new(ClusterConfig::default());
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n";
    let v = apiserver::create(&mut c, sts_from(pvc)).unwrap().object.to_value();
    assert_eq!(v["spec"]["storageClassName"], "standard");
    assert_eq!(v["spec"]["volumeMode"], "Filesystem");
    assert_eq!(v["metadata"]["finalizers"], json!(["kubernetes.io/pvc-protection"]));
    assert_eq!(v["status"]["phase"], "Pending");
    let explicit = pvc.replace("spec:\n", "spec:\n  storageClassName: \"\"\n").replace("name: data", "name: data2");
    let v = apiserver::create(&mut c, sts_from(&explicit)).unwrap().object.to_value();
    assert_eq!(v["spec"]["storageClassName"], "");
    // Immutable spec.
    let mut changed = sts_from(&pvc.replace("ReadWriteOnce", "ReadWriteMany"));
    changed.meta_mut().namespace = "default".into();
    let e = apiserver::update(&mut c, changed).map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        e,
        "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn statefulset_update_rules_and_warning() {
    let mut c = Cluster::new(ClusterConfig::default());
    apiserver::create(&mut c, sts_from(SEED)).unwrap();
    let scaled = sts_from(&SEED.replacen("replicas: 3", "replicas: 5\n  revisionHistoryLimit: -1", 1));
    let w = apiserver::update(&mut c, scaled).unwrap();
    assert_eq!(
        w.warnings,
        vec!["spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended"]
    );
    assert_eq!(w.object.meta().generation, 2);
    let renamed = sts_from(&SEED.replacen("serviceName: \"myapp\"", "serviceName: other", 1));
    assert_eq!(
        apiserver::update(&mut c, renamed).map(|_| ()).unwrap_err().to_string(),
        "StatefulSet.apps \"myapp\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
}

#[test]
fn replicas_past_the_playground_limit_are_refused_as_such() {
    let mut c = Cluster::new(ClusterConfig::default());
    let e = apiserver::create(&mut c, sts_from(&SEED.replacen("replicas: 3", "replicas: 2147483647", 1))).unwrap_err();
    assert_eq!(e.reason(), "RequestEntityTooLarge");
    let m = e.to_string();
    assert!(m.contains("MAX_REPLICAS = 10000") && m.contains("not a Kubernetes limit"), "{m}");
    assert!(matches!(e, ApiError::TooLarge(_)));
}

#[test]
fn max_unavailable_is_dropped_when_the_gate_is_off() {
    let text = SEED.replacen("replicas: 3", "replicas: 3\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 2", 1);
    let mut c = Cluster::new(ClusterConfig::default());
    let o = apiserver::create(&mut c, sts_from(&text)).unwrap().object;
    let ru = o.as_stateful_set().unwrap().spec.update_strategy.rolling_update.clone().unwrap();
    assert_eq!((ru.partition, ru.max_unavailable), (Some(0), None));
    let mut cfg = ClusterConfig::default();
    cfg.feature_gates.max_unavailable_stateful_set = true;
    let mut c = Cluster::new(cfg);
    let zero = text.replace("maxUnavailable: 2", "maxUnavailable: 0");
    assert_eq!(
        create_err(&mut c, sts_from(&zero)),
        "StatefulSet.apps \"myapp\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"
    );
}

#[test]
fn on_delete_with_rolling_update_block() {
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("replicas: 3", "replicas: 3\n  updateStrategy:\n    type: OnDelete\n    rollingUpdate: {partition: 1}", 1);
    assert_eq!(
        create_err(&mut c, sts_from(&text)),
        "StatefulSet.apps \"myapp\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"
    );
}

#[test]
fn generic_kinds_validate_names() {
    let mut c = Cluster::new(ClusterConfig::default());
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: My_Config}\ndata: {a: b}\n";
    assert!(create_err(&mut c, sts_from(cm)).starts_with("ConfigMap \"My_Config\" is invalid: metadata.name: Invalid value: \"My_Config\": a lowercase RFC 1123 subdomain"));
    let ok = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: my.config}\ndata: {a: b}\n";
    assert!(apiserver::create(&mut c, sts_from(ok)).is_ok());
}

#[test]
fn service_rules() {
    let mut c = Cluster::new(ClusterConfig::default());
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, name: a}, {port: 81, name: a}]\n";
    assert_eq!(create_err(&mut c, sts_from(svc)), "Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"a\"");
    let fixed = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  clusterIP: 10.96.5.5\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    apiserver::create(&mut c, sts_from(fixed)).unwrap();
    let mut changed = sts_from(&fixed.replace("10.96.5.5", "10.96.5.6"));
    changed.meta_mut().namespace = "default".into();
    assert_eq!(
        apiserver::update(&mut c, changed).map(|_| ()).unwrap_err().to_string(),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.5.6\"}: may not change once set"
    );
    let outside = fixed.replace("10.96.5.5", "192.168.1.1").replace("name: web", "name: web2");
    assert_eq!(
        create_err(&mut c, sts_from(&outside)),
        "Service \"web2\" is invalid: spec.clusterIPs[0]: Invalid value: \"192.168.1.1\": failed to allocate IP 192.168.1.1: the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
    );
}

#[test]
fn container_checks_in_validate_containers_order() {
    // validateContainers: validateContainerCommon (… ports, volumeMounts, resources), then the
    // Duplicate name, then the probes; validateHandler forbids each extra handler at its own path.
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: web, image: nginx, livenessProbe: {exec: {command: [\"true\"]}, httpGet: {port: 80}, tcpSocket: {port: 80}}}\n  - name: web\n    image: nginx\n    readinessProbe: {periodSeconds: 5}\n    resources: {requests: {cpu: \"2\", memory: 1Gi}, limits: {cpu: 500m, memory: 2Gi}}\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"p\" is invalid: [spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type, spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type, spec.containers[1].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit, spec.containers[1].name: Duplicate value: \"web\", spec.containers[1].readinessProbe: Required value: must specify a handler type]"
    );
}

#[test]
fn headless_service_types_and_env_names() {
    // ValidateService: clusterIPs[0] None is refused per type with the type in the message.
    let mut c = Cluster::new(ClusterConfig::default());
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  clusterIP: None\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(svc)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
    );
    let lb = svc.replace("NodePort", "LoadBalancer");
    assert_eq!(
        create_err(&mut c, sts_from(&lb)),
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"
    );
    // ValidateEnv with RelaxedEnvironmentVariableValidation (GA in 1.34): a name is required and
    // is printable ASCII without '='; spaces and leading digits are fine. Then the pull policy.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    imagePullPolicy: Sometimes\n    env: [{name: 'MY VAR 1'}, {name: ''}, {name: 'A=B'}]\n    volumeMounts: [{name: nope, mountPath: /x}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"p\" is invalid: [spec.containers[0].env[1].name: Required value, spec.containers[0].env[2].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '=', spec.containers[0].volumeMounts[0].name: Not found: \"nope\", spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"]"
    );
}

#[test]
fn resource_errors_print_canonical_quantities() {
    // ValidateResourceRequirements prints the request with Quantity.String(): canonical.
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    resources: {requests: {cpu: 2000m, memory: 2048Mi}, limits: {cpu: 1000m, memory: 1024Mi}}\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"p\" is invalid: [spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit, spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit]"
    );
}

#[test]
fn stored_quantities_are_canonical() {
    // The decoder's Quantity round trip: `kubectl get -o yaml` shows `cpu: "1"` for 1000m.
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    resources: {requests: {cpu: 0.5, memory: 1024Mi}, limits: {cpu: 1000m, memory: 1.5Gi}}\n  volumes: [{name: scratch, emptyDir: {sizeLimit: 2048Mi}}]\n";
    let v = apiserver::create(&mut c, sts_from(pod)).unwrap().object.to_value();
    assert_eq!(v["spec"]["containers"][0]["resources"], json!({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1536Mi"}}));
    assert_eq!(v["spec"]["volumes"][0]["emptyDir"]["sizeLimit"], "2Gi");
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: d}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1024Mi}}\n";
    let v = apiserver::create(&mut c, sts_from(pvc)).unwrap().object.to_value();
    assert_eq!(v["spec"]["resources"]["requests"]["storage"], "1Gi");
    let sts = SEED.replace("storage: 1Gi", "storage: 1024Mi");
    assert!(sts.contains("1024Mi"));
    let v = apiserver::create(&mut c, objects(&sts).remove(0)).unwrap().object.to_value();
    assert_eq!(v["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "1Gi");
}

#[test]
fn external_name_services_take_no_cluster_ip() {
    // ValidateService, ExternalName: any clusterIPs (normalized from clusterIP) are Forbidden,
    // and the CNAME is required.
    let mut c = Cluster::new(ClusterConfig::default());
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com.\n  clusterIP: None\n";
    assert_eq!(
        create_err(&mut c, sts_from(svc)),
        "Service \"ext\" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services"
    );
    let no_name = "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  clusterIP: 10.96.0.50\n";
    assert_eq!(
        create_err(&mut c, sts_from(no_name)),
        "Service \"ext\" is invalid: [spec.clusterIPs: Forbidden: may not be set for ExternalName services, spec.externalName: Required value]"
    );
    let ok = "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com.\n";
    assert!(apiserver::create(&mut c, sts_from(ok)).is_ok());
}

#[test]
fn service_port_errors_in_validate_service_order() {
    // validateServicePort per port (Required name, or the name's format then Duplicate), then
    // the (protocol, port) duplicates with the key printed as Go's %#v.
    let mut c = Cluster::new(ClusterConfig::default());
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n  - {name: web, port: 80}\n  - {port: 81}\n  - {name: web, port: 80}\n";
    assert_eq!(
        create_err(&mut c, sts_from(svc)),
        "Service \"web\" is invalid: [spec.ports[1].name: Required value, spec.ports[2].name: Duplicate value: \"web\", spec.ports[2]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}]"
    );
}

#[test]
fn init_containers_take_probes_only_as_sidecars() {
    // validateInitContainers: lifecycle and probes are Forbidden on a regular init container,
    // validated as usual on a restartable one (restartPolicy: Always); validateContainers
    // forbids restartPolicy on a regular container.
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: init\n    image: busybox\n    lifecycle: {postStart: {exec: {command: [\"true\"]}}}\n    readinessProbe: {exec: {command: [\"true\"]}}\n  - name: side\n    image: busybox\n    restartPolicy: Always\n    readinessProbe: {exec: {command: [\"true\"]}}\n    startupProbe: {exec: {command: [\"true\"]}, successThreshold: 2}\n  - name: once\n    image: busybox\n    restartPolicy: Never\n  containers:\n  - {name: web, image: nginx, restartPolicy: Always}\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"p\" is invalid: [spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers, spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always, spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always, spec.initContainers[1].startupProbe.successThreshold: Invalid value: 2: must be 1, spec.initContainers[2].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"]"
    );
    // A StatefulSet's template goes through the same ValidatePodSpec on create.
    let sts = SEED.replace("      containers:\n", "      initContainers:\n      - name: init\n        image: busybox\n        livenessProbe: {exec: {command: [\"true\"]}}\n      containers:\n");
    assert!(sts.contains("initContainers"));
    let name = objects(&sts)[0].meta().name.clone();
    assert_eq!(
        create_err(&mut c, objects(&sts).remove(0)),
        format!("StatefulSet.apps {name:?} is invalid: spec.template.spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always")
    );
}

#[test]
fn zero_storage_request_is_reported_at_resources_storage() {
    // ValidatePersistentVolumeClaimSpec: ValidatePositiveQuantityValue at
    // `resources[storage]` (no `requests`), the value as Quantity.String().
    let mut c = Cluster::new(ClusterConfig::default());
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 0Gi}}\n";
    assert_eq!(
        create_err(&mut c, sts_from(pvc)),
        "PersistentVolumeClaim \"data\" is invalid: spec.resources[storage]: Invalid value: \"0\": must be greater than zero"
    );
    let text = SEED.replacen("storage: 1Gi", "storage: \"0\"", 1);
    assert_eq!(
        create_err(&mut c, sts_from(&text)),
        "StatefulSet.apps \"myapp\" is invalid: spec.volumeClaimTemplates[0].spec.resources[storage]: Invalid value: \"0\": must be greater than zero"
    );
}

#[test]
fn template_hostname_and_subdomain_are_not_checked() {
    // ValidateStatefulSetSpec blanks them before ValidatePodTemplateSpec: the controller's
    // initIdentity overwrites both. A bare Pod still has them checked.
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("      containers:", "      hostname: Bad_Host\n      subdomain: Bad_Sub\n      containers:", 1);
    assert!(apiserver::create(&mut c, sts_from(&text)).is_ok());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostname: Bad_Host\n  containers: [{name: a, image: b}]\n";
    assert!(create_err(&mut c, sts_from(pod)).starts_with("Pod \"p\" is invalid: spec.hostname: Invalid value: \"Bad_Host\""));
}

#[test]
fn claim_templates_come_first_among_the_template_volumes() {
    // volumesToAddForTemplates: the claim volumes precede the template's own, so the
    // template's first volume is volumes[1] with one claim template; a claim name is checked
    // as a volume name.
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("      containers:", "      volumes: [{name: Bad_Vol, emptyDir: {}}]\n      containers:", 1);
    let e = create_err(&mut c, sts_from(&text));
    assert!(e.starts_with("StatefulSet.apps \"myapp\" is invalid: spec.template.spec.volumes[1].name: Invalid value: \"Bad_Vol\": a lowercase RFC 1123 label"), "{e}");
    // A template volume named like a claim template is replaced by it, not a duplicate.
    let shadow = SEED.replacen("      containers:", "      volumes: [{name: myapp-storage, emptyDir: {}}]\n      containers:", 1);
    assert!(apiserver::create(&mut c, sts_from(&shadow)).is_ok());
    let bad_claim = SEED.replace("myapp-storage", "Data_Vol");
    let e = create_err(&mut c, sts_from(&bad_claim));
    assert!(e.starts_with("StatefulSet.apps \"myapp\" is invalid: spec.template.spec.volumes[0].name: Invalid value: \"Data_Vol\": a lowercase RFC 1123 label"), "{e}");
}

#[test]
fn a_bad_template_label_is_a_cause_twice_and_in_the_message_once() {
    // ValidatePodTemplateSpec and ValidatePodTemplateSpecForStatefulSet both check the
    // template's labels; ErrorList.ToAggregate drops the repeat from the status message.
    let mut c = Cluster::new(ClusterConfig::default());
    let text = SEED.replacen("      labels:\n        app: myapp", "      labels:\n        app: myapp\n        tier: -db", 1);
    let err = apiserver::create(&mut c, sts_from(&text)).map(|_| ()).unwrap_err();
    let ApiError::Invalid { causes, .. } = &err else { panic!("{err}") };
    let texts: Vec<String> = causes.iter().map(|c| c.to_string()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts[0], texts[1]);
    assert!(texts[0].starts_with("spec.template.labels: Invalid value: \"-db\": a valid label must be"), "{}", texts[0]);
    assert_eq!(err.to_string(), format!("StatefulSet.apps \"myapp\" is invalid: {}", texts[0]));
}

#[test]
fn padded_images_are_refused_on_pods_not_on_templates() {
    // validateContainerCommon requires only a non-empty image; validateContainersOnlyForPod
    // refuses padding on pods, so a template may carry it (its pods then fail to be created).
    let mut c = Cluster::new(ClusterConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: ' nginx'}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(pod)),
        "Pod \"p\" is invalid: spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace"
    );
    let sts = SEED.replacen("image: myapp:latest", "image: ' myapp:latest'", 1);
    assert!(apiserver::create(&mut c, sts_from(&sts)).is_ok());
}

#[test]
fn read_write_once_pod_stands_alone_in_claims_and_claim_templates() {
    // ValidatePersistentVolumeClaimSpec: ReadWriteOncePod with any other supported mode is
    // Forbidden at accessModes; the class name is a DNS subdomain.
    let mut c = Cluster::new(ClusterConfig::default());
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOncePod, ReadWriteOnce]\n  storageClassName: Fast_SSD\n  resources: {requests: {storage: 1Gi}}\n";
    let e = create_err(&mut c, sts_from(pvc));
    assert!(
        e.starts_with("PersistentVolumeClaim \"data\" is invalid: [spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes, spec.storageClassName: Invalid value: \"Fast_SSD\": a lowercase RFC 1123 subdomain"),
        "{e}"
    );
    let sts = SEED.replacen("accessModes: [\"ReadWriteOnce\"]", "accessModes: [\"ReadWriteOnce\", \"ReadWriteOncePod\"]", 1);
    assert_eq!(
        create_err(&mut c, sts_from(&sts)),
        "StatefulSet.apps \"myapp\" is invalid: spec.volumeClaimTemplates[0].spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"
    );
}

#[test]
fn service_selectors_are_labels_and_updates_check_the_cluster_ip_first() {
    // validateService: ValidateLabels(spec.selector) after the ports, before sessionAffinity.
    let mut c = Cluster::new(ClusterConfig::default());
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: -web}\n  ports: [{port: 80}]\n";
    assert_eq!(
        create_err(&mut c, sts_from(svc)),
        "Service \"web\" is invalid: spec.selector: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
    // ValidateServiceUpdate: the changed cluster IP before validateService's errors.
    let good = svc.replace("-web", "web");
    apiserver::create(&mut c, sts_from(&good)).unwrap();
    let moved = good.replace("spec:\n", "spec:\n  clusterIP: 10.96.0.99\n").replace("app: web", "app: -web");
    let e = apiserver::update(&mut c, sts_from(&moved)).map(|_| ()).unwrap_err().to_string();
    assert!(e.starts_with("Service \"web\" is invalid: [spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set, spec.selector: Invalid value: \"-web\""), "{e}");
}

#[test]
fn statefulset_updates_never_recheck_claim_templates() {
    // ValidateStatefulSetUpdate sets SkipValidateVolumeClaimTemplates: a changed claim template
    // is only the Forbidden error, however invalid the new one is.
    let mut c = Cluster::new(ClusterConfig::default());
    apiserver::create(&mut c, sts_from(SEED)).unwrap();
    let changed = SEED.replacen("accessModes: [\"ReadWriteOnce\"]", "accessModes: [\"ReadWriteOnce\", \"ReadWriteOncePod\"]", 1);
    assert_eq!(
        apiserver::update(&mut c, sts_from(&changed)).map(|_| ()).unwrap_err().to_string(),
        "StatefulSet.apps \"myapp\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
}

#[test]
fn a_node_port_service_turned_cluster_ip_drops_its_node_ports() {
    // dropTypeDependentFields wipes the node ports and externalTrafficPolicy a request carries
    // over unchanged; validateService then refuses only ones set on a ClusterIP Service.
    let mut c = Cluster::new(ClusterConfig::default());
    let np = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 30080}]\n";
    let stored = apiserver::create(&mut c, sts_from(np)).unwrap().object.to_value();
    assert!(stored["spec"]["ports"][0]["nodePort"].is_number() && stored["spec"]["externalTrafficPolicy"] == "Cluster");
    let mut v = stored.clone();
    v["spec"]["type"] = json!("ClusterIP");
    v["metadata"]["resourceVersion"] = json!("");
    let w = apiserver::update(&mut c, Object::from_value(Kind::Service, v).unwrap()).unwrap().object.to_value();
    assert!(w["spec"]["ports"][0].get("nodePort").is_none() && w["spec"].get("externalTrafficPolicy").is_none(), "{w}");
    let mut v = w.clone();
    v["spec"]["externalTrafficPolicy"] = json!("Local");
    v["metadata"]["resourceVersion"] = json!("");
    assert_eq!(
        apiserver::update(&mut c, Object::from_value(Kind::Service, v).unwrap()).map(|_| ()).unwrap_err().to_string(),
        "Service \"web\" is invalid: spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"
    );
}
