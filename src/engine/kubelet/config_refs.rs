//! The ConfigMaps and Secrets a container's environment names (`kubelet_pods.go`
//! `makeEnvironmentVariables`, with the kubelet's watch-based ConfigMap/Secret managers): a
//! missing object or key that is not `optional` stops the container from being created
//! (`CreateContainerConfigError`), and the kubelet tries again at the pod's next sync.

use crate::engine::api::{Container, Kind, Pod};
use crate::engine::sim::Cluster;
use serde_json::Value;

/// One reference to a ConfigMap or Secret.
struct Ref<'a> {
    kind: Kind,
    name: &'a str,
    key: Option<&'a str>,
    optional: bool,
}

fn refs(ctr: &Container) -> Vec<Ref<'_>> {
    let mut out = Vec::new();
    let optional = |v: &Value| v.get("optional").and_then(Value::as_bool).unwrap_or(false);
    for from in ctr.env_from.as_ref().and_then(|v| v.as_array()).map_or(&[][..], Vec::as_slice) {
        for (field, kind) in [("configMapRef", Kind::ConfigMap), ("secretRef", Kind::Secret)] {
            if let Some(r) = from.get(field) {
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                out.push(Ref { kind, name, key: None, optional: optional(r) });
            }
        }
    }
    for e in &ctr.env {
        let Some(from) = e.value_from.as_ref() else { continue };
        for (field, kind) in [("configMapKeyRef", Kind::ConfigMap), ("secretKeyRef", Kind::Secret)] {
            if let Some(r) = from.get(field) {
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                out.push(Ref { kind, name, key: r.get("key").and_then(Value::as_str), optional: optional(r) });
            }
        }
    }
    out
}

/// Why the kubelet cannot build the container's environment, if it cannot: `configmap "x" not
/// found` (the managers' NotFound uses the singular resource), or `couldn't find key k in
/// ConfigMap ns/x`.
pub fn env_error(c: &Cluster, pod: &Pod, ctr: &Container) -> Option<String> {
    let ns = &pod.metadata.namespace;
    for r in refs(ctr) {
        let (resource, kind_name) = if r.kind == Kind::ConfigMap { ("configmap", "ConfigMap") } else { ("secret", "Secret") };
        let Some(obj) = c.store.get(r.kind, ns, r.name) else {
            if r.optional {
                continue;
            }
            return Some(format!("{resource} {:?} not found", r.name));
        };
        let Some(key) = r.key else { continue };
        let has = |field: &str| obj.to_value().get(field).and_then(|d| d.get(key)).is_some();
        let found = if r.kind == Kind::ConfigMap { has("data") || has("binaryData") } else { has("data") || has("stringData") };
        if !found && !r.optional {
            return Some(format!("couldn't find key {key} in {kind_name} {ns}/{}", r.name));
        }
    }
    None
}

/// Whether a container's environment names this ConfigMap or Secret.
pub fn names(ctr: &Container, kind: Kind, name: &str) -> bool {
    refs(ctr).iter().any(|r| r.kind == kind && r.name == name)
}

/// A container's environment as `makeEnvironmentVariables` builds it: `envFrom` first (with its
/// `prefix`), then `env`, a later name replacing an earlier one. A value the playground does not
/// resolve (a `fieldRef`, a `resourceFieldRef`) is `None`: set, content unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environ(Vec<(String, Option<String>)>);

impl Environ {
    /// From name/value pairs (later names win).
    pub fn from_pairs(pairs: Vec<(String, Option<String>)>) -> Self {
        let mut e = Environ::default();
        for (k, v) in pairs {
            e.set(k, v);
        }
        e
    }

    fn set(&mut self, k: String, v: Option<String>) {
        match self.0.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k, v)),
        }
    }

    /// A variable's value, when set and known.
    pub fn value(&self, k: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == k).and_then(|(_, v)| v.clone())
    }

    /// Whether a variable is set to a non-empty value (an unknown value counts as non-empty).
    pub fn non_empty(&self, k: &str) -> bool {
        self.0.iter().any(|(n, v)| n == k && v.as_deref() != Some(""))
    }
}

/// Standard base64 (a Secret's `data`) holding text; None when malformed.
fn base64_decode(s: &str) -> Option<String> {
    String::from_utf8(crate::util::base64::decode(s, false, false)?).ok()
}

/// The container's environment (what its process sees), with `HOSTNAME` as the runtime sets it.
/// References that do not resolve are left out (the container would not have been created).
pub fn environment(c: &Cluster, pod: &Pod, ctr: &Container) -> Environ {
    let ns = &pod.metadata.namespace;
    let mut env = Environ::default();
    let host = if pod.spec.hostname.is_empty() { pod.metadata.name.clone() } else { pod.spec.hostname.clone() };
    env.set("HOSTNAME".into(), Some(host));
    // A ConfigMap's or Secret's key, decoded (None when missing; Some(None) when not text).
    let lookup = |kind: Kind, name: &str, key: &str| -> Option<Option<String>> {
        let obj = c.store.get(kind, ns, name)?.to_value();
        let field = |f: &str| obj.get(f).and_then(|d| d.get(key)).and_then(Value::as_str).map(String::from);
        match kind {
            Kind::Secret => field("stringData").map(Some).or_else(|| field("data").map(|v| base64_decode(&v))),
            _ => field("data").map(Some),
        }
    };
    for from in ctr.env_from.as_ref().and_then(|v| v.as_array()).map_or(&[][..], Vec::as_slice) {
        let prefix = from.get("prefix").and_then(Value::as_str).unwrap_or("");
        for (field, kind) in [("configMapRef", Kind::ConfigMap), ("secretRef", Kind::Secret)] {
            let Some(name) = from.get(field).and_then(|r| r.get("name")).and_then(Value::as_str) else { continue };
            let Some(obj) = c.store.get(kind, ns, name).map(|o| o.to_value()) else { continue };
            let mut keys: Vec<String> = Vec::new();
            for f in ["data", "stringData"] {
                if let Some(m) = obj.get(f).and_then(Value::as_object) {
                    keys.extend(m.keys().cloned());
                }
            }
            crate::util::sort::sort(&mut keys);
            keys.dedup();
            for k in keys {
                let v = lookup(kind, name, &k).flatten();
                env.set(format!("{prefix}{k}"), v);
            }
        }
    }
    for e in &ctr.env {
        let v = match (&e.value, e.value_from.as_deref()) {
            (Some(v), _) => Some(v.clone()),
            (None, None) => Some(String::new()),
            (None, Some(from)) => {
                let r = [("configMapKeyRef", Kind::ConfigMap), ("secretKeyRef", Kind::Secret)]
                    .into_iter()
                    .find_map(|(f, kind)| from.get(f).map(|r| (kind, r)));
                match r {
                    Some((kind, r)) => {
                        let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                        let key = r.get("key").and_then(Value::as_str).unwrap_or("");
                        match lookup(kind, name, key) {
                            Some(v) => v,
                            // An optional reference that is missing leaves the variable unset.
                            None => continue,
                        }
                    }
                    None => None,
                }
            }
        };
        env.set(e.name.clone(), v);
    }
    env
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::engine::testutil::*;

    fn env_pod() -> Pod {
        let mut p = pod("web-0", "nginx:1.27");
        p.spec.containers[0].env = vec![EnvVar {
            name: "MODE".into(),
            value: None,
            value_from: Some(serde_json::json!({"configMapKeyRef": {"name": "cfg", "key": "mode"}}).into()),
        }];
        p
    }

    #[test]
    fn a_missing_config_map_stops_the_container_until_it_exists() {
        let mut c = cluster();
        create(&mut c, Object::Pod(env_pod()));
        c.settle_default();
        let p = get_pod(&c, "web-0").unwrap();
        let w = p.status.container_statuses[0].state.waiting.clone().expect("waiting");
        assert_eq!((w.reason.as_str(), w.message.as_str()), ("CreateContainerConfigError", "configmap \"cfg\" not found"));
        let ev = events_of(&c, "default", "web-0");
        assert!(ev.iter().any(|e| e.0 == "Failed" && e.1 == "Error: configmap \"cfg\" not found"), "{ev:?}");
        // The key must be there too.
        let cm = |data: serde_json::Value| {
            let mut v = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"}});
            v["data"] = data;
            Object::from_value(Kind::ConfigMap, v).expect("configmap")
        };
        create(&mut c, cm(serde_json::json!({"other": "x"})));
        c.settle_default();
        let w = get_pod(&c, "web-0").unwrap().status.container_statuses[0].state.waiting.clone().expect("still waiting");
        assert_eq!(w.message, "couldn't find key mode in ConfigMap default/cfg");
        crate::engine::apiserver::delete(&mut c, &crate::engine::store::ObjectKey::new(Kind::ConfigMap, "default", "cfg"), Default::default())
            .expect("deleted");
        create(&mut c, cm(serde_json::json!({"mode": "primary"})));
        c.settle_default();
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
    }

    #[test]
    fn optional_references_are_skipped() {
        let mut c = cluster();
        let mut p = env_pod();
        p.spec.containers[0].env[0].value_from = Some(serde_json::json!({"secretKeyRef": {"name": "s", "key": "k", "optional": true}}).into());
        p.spec.containers[0].env_from = Some(serde_json::json!([{"configMapRef": {"name": "gone", "optional": true}}]).into());
        create(&mut c, Object::Pod(p));
        c.settle_default();
        assert!(get_pod(&c, "web-0").unwrap().is_ready());
    }
}
