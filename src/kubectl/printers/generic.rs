//! Rows for the kinds the playground stores without simulating (printers.go
//! `printNamespace`, `printConfigMap`, `printSecret`, `printServiceAccount`,
//! `printDeployment`, `printReplicaSet`, `printDaemonSet`, `printEndpoints` with
//! `formatEndpoints`, `printEndpointSlice` with `formatDiscoveryPorts` and
//! `formatDiscoveryEndpoints`); other kinds get NAME and AGE, as
//! kubectl prints a resource without a dedicated printer.

use super::table::{col, wide, Column};
use crate::engine::api::{GenericObject, Kind, Time};
use crate::kubectl::duration::translate_timestamp_since;
use serde_json::Value;

/// Column definitions for a stored-only kind.
pub fn columns(kind: Kind) -> Vec<Column> {
    match kind {
        Kind::Namespace => vec![col("Name"), col("Status"), col("Age")],
        Kind::ConfigMap => vec![col("Name"), col("Data"), col("Age")],
        Kind::Secret => vec![col("Name"), col("Type"), col("Data"), col("Age")],
        // v1.35 prints no SECRETS count (kubernetes#117160: the field is unused since 1.24).
        Kind::ServiceAccount => vec![col("Name"), col("Age")],
        Kind::Endpoints => vec![col("Name"), col("Endpoints"), col("Age")],
        Kind::EndpointSlice => vec![col("Name"), col("AddressType"), col("Ports"), col("Endpoints"), col("Age")],
        Kind::Deployment => vec![
            col("Name"),
            col("Ready"),
            col("Up-to-date"),
            col("Available"),
            col("Age"),
            wide("Containers"),
            wide("Images"),
            wide("Selector"),
        ],
        Kind::ReplicaSet => vec![
            col("Name"),
            col("Desired"),
            col("Current"),
            col("Ready"),
            col("Age"),
            wide("Containers"),
            wide("Images"),
            wide("Selector"),
        ],
        Kind::DaemonSet => vec![
            col("Name"),
            col("Desired"),
            col("Current"),
            col("Ready"),
            col("Up-to-date"),
            col("Available"),
            col("Node Selector"),
            col("Age"),
            wide("Containers"),
            wide("Images"),
            wide("Selector"),
        ],
        _ => vec![col("Name"), col("Age")],
    }
}

fn int_at(v: &Value, path: &str) -> i64 {
    v.pointer(path).and_then(|x| x.as_i64()).unwrap_or(0)
}

fn len_at(v: &Value, path: &str) -> usize {
    match v.pointer(path) {
        Some(Value::Object(m)) => m.len(),
        Some(Value::Array(a)) => a.len(),
        _ => 0,
    }
}

fn containers_images(rest: &Value) -> (String, String) {
    let cs = rest.pointer("/spec/template/spec/containers").and_then(|c| c.as_array()).cloned().unwrap_or_default();
    let names: Vec<&str> = cs.iter().filter_map(|c| c.get("name").and_then(|v| v.as_str())).collect();
    let images: Vec<&str> = cs.iter().filter_map(|c| c.get("image").and_then(|v| v.as_str())).collect();
    (names.join(","), images.join(","))
}

fn selector(rest: &Value) -> String {
    let sel: crate::engine::api::LabelSelector =
        rest.pointer("/spec/selector").and_then(|s| crate::engine::api::from_value(s.clone()).ok()).unwrap_or_default();
    crate::kubectl::selector::format_label_selector(&sel)
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(|x| x.as_array()).map(Vec::as_slice).unwrap_or(&[])
}

/// `formatEndpoints(endpoints, nil)`: up to three ready `ip:port` (or bare IPs for a headless
/// Service without ports), then `+ N more...`; `<none>` without subsets.
pub fn format_endpoints(ep: &Value) -> String {
    let subsets = array(ep, "subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let (mut list, mut more, mut count) = (Vec::new(), false, 0usize);
    for ss in subsets {
        let addrs: Vec<&str> = array(ss, "addresses").iter().filter_map(|a| a.get("ip").and_then(|i| i.as_str())).collect();
        let ports = array(ss, "ports");
        if ports.is_empty() {
            count += addrs.len();
            for ip in &addrs {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(ip.to_string());
            }
            continue;
        }
        for p in ports {
            let port = p.get("port").and_then(|x| x.as_i64()).unwrap_or(0);
            count += addrs.len();
            for ip in &addrs {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(ip, port));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

/// `net.JoinHostPort`: brackets around an IPv6 host.
pub fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `listWithMoreString`.
fn list_with_more(list: Vec<String>, more: bool, count: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - 3);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`: up to three port numbers (`*` for a port without one).
pub fn format_discovery_ports(slice: &Value) -> String {
    let (mut list, mut more, mut count) = (Vec::new(), false, 0);
    for p in array(slice, "ports") {
        if list.len() < 3 {
            let num = match (p.get("port").and_then(|x| x.as_i64()), p.get("name").and_then(|x| x.as_str())) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.to_string(),
                (None, None) => "*".into(),
            };
            list.push(num);
        } else if list.len() == 3 {
            more = true;
        }
        count += 1;
    }
    list_with_more(list, more, count)
}

/// `formatDiscoveryEndpoints`: up to three addresses, ready or not.
pub fn format_discovery_endpoints(slice: &Value) -> String {
    let (mut list, mut more, mut count) = (Vec::new(), false, 0);
    for e in array(slice, "endpoints") {
        for a in array(e, "addresses") {
            if list.len() < 3 {
                list.push(a.as_str().unwrap_or("").to_string());
            } else if list.len() == 3 {
                more = true;
            }
            count += 1;
        }
    }
    list_with_more(list, more, count)
}

/// The row for a stored-only object.
pub fn print_generic(kind: Kind, g: &GenericObject, now: Time) -> Vec<String> {
    let rest = Value::Object(g.rest.clone());
    let age = translate_timestamp_since(g.metadata.creation_timestamp, now);
    let name = g.metadata.name.clone();
    match kind {
        Kind::Namespace => {
            let phase = rest.pointer("/status/phase").and_then(|v| v.as_str()).unwrap_or("").to_string();
            vec![name, phase, age]
        }
        Kind::ConfigMap => vec![name, (len_at(&rest, "/data") + len_at(&rest, "/binaryData")).to_string(), age],
        Kind::Secret => {
            let t = rest.get("type").and_then(|v| v.as_str()).unwrap_or("").to_string();
            vec![name, t, len_at(&rest, "/data").to_string(), age]
        }
        Kind::ServiceAccount => vec![name, age],
        Kind::Endpoints => vec![name, format_endpoints(&rest), age],
        Kind::EndpointSlice => {
            let address_type = rest.get("addressType").and_then(|v| v.as_str()).unwrap_or("").to_string();
            vec![name, address_type, format_discovery_ports(&rest), format_discovery_endpoints(&rest), age]
        }
        Kind::Deployment => {
            let desired = rest.pointer("/spec/replicas").and_then(|v| v.as_i64()).unwrap_or(1);
            let (c, i) = containers_images(&rest);
            vec![
                name,
                format!("{}/{desired}", int_at(&rest, "/status/readyReplicas")),
                int_at(&rest, "/status/updatedReplicas").to_string(),
                int_at(&rest, "/status/availableReplicas").to_string(),
                age,
                c,
                i,
                selector(&rest),
            ]
        }
        Kind::ReplicaSet => {
            let desired = rest.pointer("/spec/replicas").and_then(|v| v.as_i64()).unwrap_or(1);
            let (c, i) = containers_images(&rest);
            vec![
                name,
                desired.to_string(),
                int_at(&rest, "/status/replicas").to_string(),
                int_at(&rest, "/status/readyReplicas").to_string(),
                age,
                c,
                i,
                selector(&rest),
            ]
        }
        Kind::DaemonSet => {
            let (c, i) = containers_images(&rest);
            let ns: crate::engine::api::StringMap = rest
                .pointer("/spec/template/spec/nodeSelector")
                .and_then(|s| crate::engine::api::from_value(s.clone()).ok())
                .unwrap_or_default();
            vec![
                name,
                int_at(&rest, "/status/desiredNumberScheduled").to_string(),
                int_at(&rest, "/status/currentNumberScheduled").to_string(),
                int_at(&rest, "/status/numberReady").to_string(),
                int_at(&rest, "/status/updatedNumberScheduled").to_string(),
                int_at(&rest, "/status/numberAvailable").to_string(),
                super::table::format_labels(&ns),
                age,
                c,
                i,
                selector(&rest),
            ]
        }
        _ => vec![name, age],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configmap_and_namespace_rows() {
        let t = Time::from_utc(2025, 1, 6, 9, 0, 0);
        let mut g = GenericObject::default();
        g.metadata.name = "cfg".into();
        g.metadata.creation_timestamp = Some(t);
        g.rest.insert("data".into(), serde_json::json!({"a": "1", "b": "2"}));
        // printConfigMap.
        assert_eq!(print_generic(Kind::ConfigMap, &g, t.plus_secs(5)), ["cfg", "2", "5s"]);
        let mut ns = GenericObject::default();
        ns.metadata.name = "default".into();
        ns.metadata.creation_timestamp = Some(t);
        ns.rest.insert("status".into(), serde_json::json!({"phase": "Active"}));
        // printNamespace.
        assert_eq!(print_generic(Kind::Namespace, &ns, t.plus_secs(3600 * 24 * 3)), ["default", "Active", "3d"]);
    }
}
