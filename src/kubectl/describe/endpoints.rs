//! `kubectl describe endpoints|endpointslice` (describe.go `describeEndpoints`,
//! `describeEndpointSliceV1`) and the Endpoints line of `describeService`
//! (`formatEndpointSlices`, from the Service's EndpointSlices since kubectl 1.33).

use super::*;
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta};
use crate::engine::controllers::endpointslice::utils::LABEL_SERVICE_NAME;
use crate::engine::sim::Cluster;
use crate::kubectl::printers::generic::join_host_port;
use serde_json::Value;

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `describeEndpoints`.
pub fn describe_endpoints(c: &Cluster, m: &ObjectMeta, v: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", m.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", m.namespace));
    print_labels_multiline(&mut w, "Labels", &m.labels);
    print_annotations_multiline(&mut w, "Annotations", &m.annotations);
    w.write(LEVEL_0, "Subsets:\n");
    for ss in array(v, "subsets") {
        let ips = |key: &str| {
            let s: Vec<&str> = array(ss, key).iter().filter_map(|a| text(a, "ip")).collect();
            if s.is_empty() {
                "<none>".to_string()
            } else {
                s.join(",")
            }
        };
        w.write(LEVEL_1, &format!("Addresses:\t{}\n", ips("addresses")));
        w.write(LEVEL_1, &format!("NotReadyAddresses:\t{}\n", ips("notReadyAddresses")));
        let ports = array(ss, "ports");
        if !ports.is_empty() {
            w.write(LEVEL_1, "Ports:\n");
            w.write(LEVEL_2, "Name\tPort\tProtocol\n");
            w.write(LEVEL_2, "----\t----\t--------\n");
            for p in ports {
                let name = text(p, "name").filter(|n| !n.is_empty()).unwrap_or("<unset>");
                let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                w.write(LEVEL_2, &format!("{name}\t{port}\t{}\n", text(p, "protocol").unwrap_or("")));
            }
        }
        w.write(LEVEL_0, "\n");
    }
    let events = crate::engine::events::events_for(c, &m.namespace, &m.uid);
    describe_events(&mut w, &events, c.now);
    w.finish()
}

/// `describeEndpointSliceV1`.
pub fn describe_endpoint_slice(c: &Cluster, g: &GenericObject) -> String {
    let v = Value::Object(g.rest.clone());
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    print_labels_multiline(&mut w, "Labels", &g.metadata.labels);
    print_annotations_multiline(&mut w, "Annotations", &g.metadata.annotations);
    w.write(LEVEL_0, &format!("AddressType:\t{}\n", text(&v, "addressType").unwrap_or("")));
    let ports = array(&v, "ports");
    if ports.is_empty() {
        w.write(LEVEL_0, "Ports: <unset>\n");
    } else {
        w.write(LEVEL_0, "Ports:\n");
        w.write(LEVEL_1, "Name\tPort\tProtocol\n");
        w.write(LEVEL_1, "----\t----\t--------\n");
        for p in ports {
            let name = text(p, "name").filter(|n| !n.is_empty()).unwrap_or("<unset>");
            let port = p.get("port").and_then(Value::as_i64).map_or("<unset>".to_string(), |n| n.to_string());
            w.write(LEVEL_1, &format!("{name}\t{port}\t{}\n", text(p, "protocol").unwrap_or("")));
        }
    }
    let endpoints = array(&v, "endpoints");
    if endpoints.is_empty() {
        w.write(LEVEL_0, "Endpoints: <none>\n");
    } else {
        w.write(LEVEL_0, "Endpoints:\n");
        for e in endpoints {
            let addrs: Vec<&str> = array(e, "addresses").iter().filter_map(Value::as_str).collect();
            let addrs = if addrs.is_empty() { "<none>".to_string() } else { addrs.join(", ") };
            w.write(LEVEL_1, &format!("- Addresses:\t{addrs}\n"));
            w.write(LEVEL_2, "Conditions:\n");
            let ready = e.pointer("/conditions/ready").and_then(Value::as_bool).map_or("<unset>".to_string(), |b| b.to_string());
            w.write(LEVEL_3, &format!("Ready:\t{ready}\n"));
            w.write(LEVEL_2, &format!("Hostname:\t{}\n", text(e, "hostname").unwrap_or("<unset>")));
            if let Some(t) = e.get("targetRef") {
                w.write(LEVEL_2, &format!("TargetRef:\t{}/{}\n", text(t, "kind").unwrap_or(""), text(t, "name").unwrap_or("")));
            }
            w.write(LEVEL_2, &format!("NodeName:\t{}\n", text(e, "nodeName").unwrap_or("<unset>")));
            w.write(LEVEL_2, &format!("Zone:\t{}\n", text(e, "zone").unwrap_or("<unset>")));
        }
    }
    let events = crate::engine::events::events_for(c, &g.metadata.namespace, &g.metadata.uid);
    describe_events(&mut w, &events, c.now);
    w.finish()
}

/// The Service's EndpointSlices, as `ServiceDescriber` lists them (label
/// `kubernetes.io/service-name=<name>`, any manager), in name order.
pub fn service_slices(c: &Cluster, namespace: &str, name: &str) -> Vec<Value> {
    c.store
        .list(Kind::EndpointSlice, Some(namespace))
        .filter(|o| o.meta().labels.get(LABEL_SERVICE_NAME).map(String::as_str) == Some(name))
        .filter_map(|o| match &**o {
            Object::Generic(_, g) => Some(Value::Object(g.rest.clone())),
            _ => None,
        })
        .collect()
}

/// `formatEndpointSlices(slices, ports)`: up to three ready `ip:port` of the named port (or all
/// ports with `None`), bare IPs for slices without ports, then `+ N more...`; `<none>` without
/// slices.
pub fn format_endpoint_slices(slices: &[Value], port_name: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let (mut list, mut more, mut count) = (Vec::<String>::new(), false, 0usize);
    // A nil `ready` counts as ready.
    let ready = |e: &Value| e.pointer("/conditions/ready").and_then(Value::as_bool).unwrap_or(true);
    let first = |e: &Value| array(e, "addresses").first().and_then(Value::as_str).unwrap_or("").to_string();
    for s in slices {
        let ports = array(s, "ports");
        if ports.is_empty() {
            for e in array(s, "endpoints") {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(first(e));
                }
                count += 1;
            }
            continue;
        }
        for p in ports {
            if port_name.is_some_and(|n| text(p, "name").unwrap_or("") != n) {
                continue;
            }
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            for e in array(s, "endpoints") {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(join_host_port(&first(e), port));
                }
                count += 1;
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(MAX))
    } else {
        ret
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slice(ready: &[bool]) -> Value {
        let eps: Vec<Value> = ready
            .iter()
            .enumerate()
            .map(|(i, r)| json!({"addresses": [format!("10.0.0.{i}")], "conditions": {"ready": r}}))
            .collect();
        json!({"ports": [{"name": "web", "port": 80, "protocol": "TCP"}], "endpoints": eps})
    }

    #[test]
    fn endpoint_slices_format_like_kubectl() {
        assert_eq!(format_endpoint_slices(&[], Some("web")), "<none>");
        assert_eq!(format_endpoint_slices(&[slice(&[true, false])], Some("web")), "10.0.0.0:80");
        assert_eq!(format_endpoint_slices(&[slice(&[false])], Some("web")), "");
        assert_eq!(format_endpoint_slices(&[slice(&[true; 5])], Some("web")), "10.0.0.0:80,10.0.0.1:80,10.0.0.2:80 + 2 more...");
        assert_eq!(format_endpoint_slices(&[slice(&[true])], Some("other")), "");
    }
}
