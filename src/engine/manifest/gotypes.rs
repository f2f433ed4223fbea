//! The Go types of the API fields the playground types, and the type check the API server's JSON
//! decoder (`sigs.k8s.io/json`, a fork of `encoding/json`) performs while decoding a request:
//! `json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type
//! int32`, plus `resource.Quantity`'s own parse errors.
//!
//! The table lists every field whose Go type can reject a JSON value. Fields the playground
//! keeps as opaque JSON are listed when a learner commonly gets them wrong (container
//! `resources`); the rest are accepted as-is, as the server would for most of them.

use serde_json::Value;

/// Go struct name → (JSON field, Go type as `reflect.Type.String()` prints it, pointers
/// removed because the decoder reports the pointee).
const STRUCTS: &[(&str, &[(&str, &str)])] = &[
    ("StatefulSet", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.StatefulSetSpec")]),
    (
        "StatefulSetSpec",
        &[
            ("replicas", "int32"),
            ("selector", "v1.LabelSelector"),
            ("template", "v1.PodTemplateSpec"),
            ("volumeClaimTemplates", "[]v1.PersistentVolumeClaim"),
            ("serviceName", "string"),
            ("podManagementPolicy", "v1.PodManagementPolicyType"),
            ("updateStrategy", "v1.StatefulSetUpdateStrategy"),
            ("revisionHistoryLimit", "int32"),
            ("minReadySeconds", "int32"),
            ("persistentVolumeClaimRetentionPolicy", "v1.StatefulSetPersistentVolumeClaimRetentionPolicy"),
            ("ordinals", "v1.StatefulSetOrdinals"),
        ],
    ),
    ("StatefulSetUpdateStrategy", &[("type", "v1.StatefulSetUpdateStrategyType"), ("rollingUpdate", "v1.RollingUpdateStatefulSetStrategy")]),
    ("RollingUpdateStatefulSetStrategy", &[("partition", "int32"), ("maxUnavailable", "intstr.IntOrString")]),
    (
        "StatefulSetPersistentVolumeClaimRetentionPolicy",
        &[
            ("whenDeleted", "v1.PersistentVolumeClaimRetentionPolicyType"),
            ("whenScaled", "v1.PersistentVolumeClaimRetentionPolicyType"),
        ],
    ),
    ("StatefulSetOrdinals", &[("start", "int32")]),
    (
        "ObjectMeta",
        &[
            ("name", "string"),
            ("generateName", "string"),
            ("namespace", "string"),
            ("uid", "types.UID"),
            ("resourceVersion", "string"),
            ("generation", "int64"),
            ("deletionGracePeriodSeconds", "int64"),
            ("labels", "map[string]string"),
            ("annotations", "map[string]string"),
            ("ownerReferences", "[]v1.OwnerReference"),
            ("finalizers", "[]string"),
        ],
    ),
    (
        "OwnerReference",
        &[("apiVersion", "string"), ("kind", "string"), ("name", "string"), ("uid", "types.UID"), ("controller", "bool"), ("blockOwnerDeletion", "bool")],
    ),
    ("LabelSelector", &[("matchLabels", "map[string]string"), ("matchExpressions", "[]v1.LabelSelectorRequirement")]),
    ("LabelSelectorRequirement", &[("key", "string"), ("operator", "v1.LabelSelectorOperator"), ("values", "[]string")]),
    ("PodTemplateSpec", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.PodSpec")]),
    ("Pod", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.PodSpec")]),
    (
        "PodSpec",
        &[
            ("volumes", "[]v1.Volume"),
            ("initContainers", "[]v1.Container"),
            ("containers", "[]v1.Container"),
            ("restartPolicy", "v1.RestartPolicy"),
            ("terminationGracePeriodSeconds", "int64"),
            ("activeDeadlineSeconds", "int64"),
            ("dnsPolicy", "v1.DNSPolicy"),
            ("nodeSelector", "map[string]string"),
            ("serviceAccountName", "string"),
            ("serviceAccount", "string"),
            ("automountServiceAccountToken", "bool"),
            ("nodeName", "string"),
            ("hostNetwork", "bool"),
            ("hostPID", "bool"),
            ("hostIPC", "bool"),
            ("shareProcessNamespace", "bool"),
            ("hostname", "string"),
            ("subdomain", "string"),
            ("schedulerName", "string"),
            ("priorityClassName", "string"),
            ("enableServiceLinks", "bool"),
        ],
    ),
    (
        "Container",
        &[
            ("name", "string"),
            ("image", "string"),
            ("command", "[]string"),
            ("args", "[]string"),
            ("workingDir", "string"),
            ("ports", "[]v1.ContainerPort"),
            ("env", "[]v1.EnvVar"),
            ("resources", "v1.ResourceRequirements"),
            ("restartPolicy", "v1.ContainerRestartPolicy"),
            ("volumeMounts", "[]v1.VolumeMount"),
            ("livenessProbe", "v1.Probe"),
            ("readinessProbe", "v1.Probe"),
            ("startupProbe", "v1.Probe"),
            ("terminationMessagePath", "string"),
            ("terminationMessagePolicy", "v1.TerminationMessagePolicy"),
            ("imagePullPolicy", "v1.PullPolicy"),
            ("stdin", "bool"),
            ("stdinOnce", "bool"),
            ("tty", "bool"),
        ],
    ),
    ("ResourceRequirements", &[("limits", "v1.ResourceList"), ("requests", "v1.ResourceList")]),
    ("VolumeResourceRequirements", &[("limits", "v1.ResourceList"), ("requests", "v1.ResourceList")]),
    (
        "ContainerPort",
        &[("name", "string"), ("hostPort", "int32"), ("containerPort", "int32"), ("protocol", "v1.Protocol"), ("hostIP", "string")],
    ),
    ("EnvVar", &[("name", "string"), ("value", "string")]),
    (
        "VolumeMount",
        &[("name", "string"), ("readOnly", "bool"), ("mountPath", "string"), ("subPath", "string"), ("subPathExpr", "string")],
    ),
    (
        "Probe",
        &[
            ("initialDelaySeconds", "int32"),
            ("timeoutSeconds", "int32"),
            ("periodSeconds", "int32"),
            ("successThreshold", "int32"),
            ("failureThreshold", "int32"),
            ("terminationGracePeriodSeconds", "int64"),
        ],
    ),
    ("Volume", &[("name", "string"), ("persistentVolumeClaim", "v1.PersistentVolumeClaimVolumeSource")]),
    ("PersistentVolumeClaimVolumeSource", &[("claimName", "string"), ("readOnly", "bool")]),
    ("PersistentVolumeClaim", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.PersistentVolumeClaimSpec")]),
    (
        "PersistentVolumeClaimSpec",
        &[
            ("accessModes", "[]v1.PersistentVolumeAccessMode"),
            ("selector", "v1.LabelSelector"),
            ("resources", "v1.VolumeResourceRequirements"),
            ("volumeName", "string"),
            ("storageClassName", "string"),
            ("volumeMode", "v1.PersistentVolumeMode"),
            ("volumeAttributesClassName", "string"),
        ],
    ),
    ("PersistentVolume", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.PersistentVolumeSpec")]),
    (
        "PersistentVolumeSpec",
        &[
            ("capacity", "v1.ResourceList"),
            ("accessModes", "[]v1.PersistentVolumeAccessMode"),
            ("persistentVolumeReclaimPolicy", "v1.PersistentVolumeReclaimPolicy"),
            ("storageClassName", "string"),
            ("volumeMode", "v1.PersistentVolumeMode"),
        ],
    ),
    (
        "StorageClass",
        &[
            ("metadata", "v1.ObjectMeta"),
            ("provisioner", "string"),
            ("parameters", "map[string]string"),
            ("reclaimPolicy", "v1.PersistentVolumeReclaimPolicy"),
            ("allowVolumeExpansion", "bool"),
            ("volumeBindingMode", "v1.VolumeBindingMode"),
        ],
    ),
    ("Service", &[("metadata", "v1.ObjectMeta"), ("spec", "v1.ServiceSpec")]),
    (
        "ServiceSpec",
        &[
            ("ports", "[]v1.ServicePort"),
            ("selector", "map[string]string"),
            ("clusterIP", "string"),
            ("clusterIPs", "[]string"),
            ("type", "v1.ServiceType"),
            ("sessionAffinity", "v1.ServiceAffinity"),
            ("publishNotReadyAddresses", "bool"),
            ("ipFamilies", "[]v1.IPFamily"),
            ("ipFamilyPolicy", "v1.IPFamilyPolicy"),
            ("internalTrafficPolicy", "v1.ServiceInternalTrafficPolicy"),
        ],
    ),
    (
        "ServicePort",
        &[
            ("name", "string"),
            ("protocol", "v1.Protocol"),
            ("appProtocol", "string"),
            ("port", "int32"),
            ("targetPort", "intstr.IntOrString"),
            ("nodePort", "int32"),
        ],
    ),
];

/// A value the Go decoder rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    /// JSON path with list indices (`spec.template.spec.containers[0].image`), for locating.
    pub path: String,
    /// The decoder's message, e.g. `json: cannot unmarshal string into Go struct field
    /// StatefulSetSpec.spec.replicas of type int32`.
    pub message: String,
}

fn fields_of(go_struct: &str) -> Option<&'static [(&'static str, &'static str)]> {
    STRUCTS.iter().find(|(n, _)| *n == go_struct).map(|(_, f)| *f)
}

/// Checks an object of Go struct `root` (e.g. `StatefulSet`); returns every rejected value in
/// path order (the caller picks the first in document order, as Go stops at the first).
pub fn check(root: &str, v: &Value) -> Vec<TypeError> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    check_struct(root, v, "", &mut stack, &mut out);
    out
}

fn json_kind(v: &Value) -> String {
    match v {
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::Null => "null".into(),
    }
}

fn unmarshal_error(value: &str, go_struct: &str, stack: &[&str], go_type: &str) -> String {
    format!("json: cannot unmarshal {value} into Go struct field {go_struct}.{} of type {go_type}", stack.join("."))
}

fn check_struct<'a>(name: &str, v: &'a Value, path: &str, stack: &mut Vec<&'a str>, out: &mut Vec<TypeError>) {
    let (Some(fields), Value::Object(m)) = (fields_of(name), v) else { return };
    for (k, fv) in m {
        let Some((_, ty)) = fields.iter().find(|(f, _)| f == k) else { continue };
        stack.push(k.as_str());
        check_value(name, ty, fv, &super::tree::child(path, k), stack, out);
        stack.pop();
    }
}

fn check_value<'a>(
    parent: &str,
    ty: &str,
    v: &'a Value,
    path: &str,
    stack: &mut Vec<&'a str>,
    out: &mut Vec<TypeError>,
) {
    if v.is_null() {
        // encoding/json: null leaves the field at its zero value.
        return;
    }
    let mut err = |value: String| {
        out.push(TypeError { path: path.to_string(), message: unmarshal_error(&value, parent, stack, ty) });
    };
    if let Some(elem) = ty.strip_prefix("[]") {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(parent, elem, item, &super::tree::index(path, i), stack, out);
                }
            }
            _ => err(json_kind(v)),
        }
        return;
    }
    if ty == "map[string]string" || ty == "v1.ResourceList" {
        let Value::Object(m) = v else { return err(json_kind(v)) };
        for (k, item) in m {
            let p = super::tree::child(path, k);
            if ty == "v1.ResourceList" {
                if let Some(msg) = quantity_error(item) {
                    out.push(TypeError { path: p, message: msg });
                }
            } else if !item.is_string() && !item.is_null() {
                out.push(TypeError { path: p, message: unmarshal_error(&json_kind(item), parent, stack, "string") });
            }
        }
        return;
    }
    match ty {
        "int32" | "int64" => {
            let ok = match v {
                Value::Number(n) => match n.as_i64() {
                    Some(i) => ty == "int64" || i32::try_from(i).is_ok(),
                    None => false,
                },
                _ => false,
            };
            if !ok {
                err(match v {
                    Value::Number(n) => format!("number {n}"),
                    _ => json_kind(v),
                });
            }
        }
        "bool" => {
            if !v.is_boolean() {
                err(json_kind(v));
            }
        }
        "intstr.IntOrString" => match v {
            // IntOrString.UnmarshalJSON: a string, else decode as int32 (no field context).
            Value::String(_) => {}
            Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {}
            _ => {
                let value = match v {
                    Value::Number(n) => format!("number {n}"),
                    _ => json_kind(v),
                };
                out.push(TypeError {
                    path: path.to_string(),
                    message: format!("json: cannot unmarshal {value} into Go value of type int32"),
                });
            }
        },
        _ => {
            let go_struct = ty.strip_prefix("v1.").unwrap_or(ty);
            if fields_of(go_struct).is_some() {
                if v.is_object() {
                    check_struct(go_struct, v, path, stack, out);
                } else {
                    err(json_kind(v));
                }
            } else if !v.is_string() {
                // A string kind: string, types.UID or a named enum type.
                err(json_kind(v));
            }
        }
    }
}

/// `resource.ParseQuantity`'s error for a JSON value, None when valid.
pub fn quantity_error(v: &Value) -> Option<String> {
    const FORMAT: &str =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let s = match v {
        Value::Number(_) | Value::Null => return None,
        Value::String(s) => s.as_str(),
        _ => return Some(FORMAT.to_string()),
    };
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let num_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    if i == num_start {
        return Some(FORMAT.into());
    }
    let number = &s[num_start..i];
    let suffix = &s[i..];
    let sb = suffix.as_bytes();
    let mut j = 0;
    while j < sb.len() && b"eEinumkKMGTP".contains(&sb[j]) {
        j += 1;
    }
    if j < sb.len() && (sb[j] == b'-' || sb[j] == b'+') {
        j += 1;
    }
    while j < sb.len() && sb[j].is_ascii_digit() {
        j += 1;
    }
    if j != sb.len() {
        return Some(FORMAT.into());
    }
    if number.matches('.').count() > 1 {
        return Some("unable to parse quantity's numeric part".into());
    }
    let valid_suffix = matches!(suffix, "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E")
        || (suffix.len() > 1
            && (suffix.starts_with('e') || suffix.starts_with('E'))
            && suffix[1..].trim_start_matches(['+', '-']).bytes().all(|c| c.is_ascii_digit())
            && !suffix[1..].trim_start_matches(['+', '-']).is_empty());
    if !valid_suffix {
        return Some("unable to parse quantity's suffix".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replicas_as_string_is_an_int32_error() {
        let e = check("StatefulSet", &json!({"spec": {"replicas": "3"}}));
        assert_eq!(e[0].path, "spec.replicas");
        assert_eq!(
            e[0].message,
            "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
    }

    #[test]
    fn nested_list_fields_drop_indices_in_the_go_path() {
        let e = check(
            "StatefulSet",
            &json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "X", "value": true}]}]}}}}),
        );
        assert_eq!(e[0].path, "spec.template.spec.containers[0].env[0].value");
        assert_eq!(
            e[0].message,
            "json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        );
    }

    #[test]
    fn numbers_out_of_range_and_label_values() {
        let e = check("StatefulSet", &json!({"spec": {"replicas": 3_000_000_000i64}}));
        assert!(e[0].message.contains("cannot unmarshal number 3000000000 into"));
        let e = check("Pod", &json!({"metadata": {"labels": {"version": 1.5}}}));
        assert_eq!(
            e[0].message,
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
        let e = check("Service", &json!({"spec": {"type": ["ClusterIP"]}}));
        assert!(e[0].message.ends_with("ServiceSpec.spec.type of type v1.ServiceType"));
    }

    #[test]
    fn quantities_parse_like_resource_parse_quantity() {
        assert_eq!(quantity_error(&json!("1Gi")), None);
        assert_eq!(quantity_error(&json!("500m")), None);
        assert_eq!(quantity_error(&json!("1e3")), None);
        assert_eq!(quantity_error(&json!(2)), None);
        assert!(quantity_error(&json!("1GB")).unwrap().starts_with("quantities must match"));
        assert_eq!(quantity_error(&json!("1kk")).unwrap(), "unable to parse quantity's suffix");
        let e = check(
            "StatefulSet",
            &json!({"spec": {"volumeClaimTemplates": [{"spec": {"resources": {"requests": {"storage": "1GB"}}}}]}}),
        );
        assert_eq!(e[0].path, "spec.volumeClaimTemplates[0].spec.resources.requests.storage");
    }
}
