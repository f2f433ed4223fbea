//! The container sections of `kubectl describe` for pods and pod templates
//! (`describeContainers`: state, ports, probes, resources, environment, mounts).

use super::pod::describe_seccomp_profile;
use super::*;
use crate::engine::api::{Container, ContainerState, ContainerStatus, Pod, Probe, Time};
use serde_json::Value;

fn rfc1123z(t: Option<Time>) -> String {
    // A zero metav1.Time formats as Go's zero time.
    t.map(|t| t.rfc1123z()).unwrap_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into())
}

fn describe_status(w: &mut PrefixWriter, name: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w.write(LEVEL_2, &format!("{name}:\tRunning\n"));
        w.write(LEVEL_3, &format!("Started:\t{}\n", rfc1123z(r.started_at)));
    } else if let Some(wt) = &state.waiting {
        w.write(LEVEL_2, &format!("{name}:\tWaiting\n"));
        if !wt.reason.is_empty() {
            w.write(LEVEL_3, &format!("Reason:\t{}\n", wt.reason));
        }
    } else if let Some(t) = &state.terminated {
        w.write(LEVEL_2, &format!("{name}:\tTerminated\n"));
        if !t.reason.is_empty() {
            w.write(LEVEL_3, &format!("Reason:\t{}\n", t.reason));
        }
        if !t.message.is_empty() {
            w.write(LEVEL_3, &format!("Message:\t{}\n", t.message));
        }
        w.write(LEVEL_3, &format!("Exit Code:\t{}\n", t.exit_code));
        if t.signal.unwrap_or(0) > 0 {
            w.write(LEVEL_3, &format!("Signal:\t{}\n", t.signal.unwrap_or(0)));
        }
        w.write(LEVEL_3, &format!("Started:\t{}\n", rfc1123z(t.started_at)));
        w.write(LEVEL_3, &format!("Finished:\t{}\n", rfc1123z(t.finished_at)));
    } else {
        w.write(LEVEL_2, &format!("{name}:\tWaiting\n"));
    }
}

fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// `DescribeProbe`.
pub fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = &p.exec {
        let cmd: Vec<String> = e
            .get("command")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
            .unwrap_or_default();
        return format!("exec {} {attrs}", go_slice(&cmd));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.get("scheme").and_then(|s| s.as_str()).unwrap_or("HTTP").to_lowercase();
        let host = h.get("host").and_then(|s| s.as_str()).unwrap_or("");
        let port = int_or_string(h.get("port"));
        let path = h.get("path").and_then(|s| s.as_str()).unwrap_or("");
        let hostport = if port.is_empty() { host.to_string() } else { format!("{host}:{port}") };
        return format!("http-get {scheme}://{hostport}{path} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        let host = t.get("host").and_then(|s| s.as_str()).unwrap_or("");
        return format!("tcp-socket {host}:{} {attrs}", int_or_string(t.get("port")));
    }
    if let Some(g) = &p.grpc {
        let service = g.get("service").and_then(|s| s.as_str()).unwrap_or("");
        return format!("grpc <pod>:{} {service} {attrs}", int_or_string(g.get("port")));
    }
    format!("unknown {attrs}")
}

fn describe_resources(w: &mut PrefixWriter, c: &Container) {
    let Some(r) = &c.resources else { return };
    for (title, key) in [("Limits", "limits"), ("Requests", "requests")] {
        if let Some(Value::Object(m)) = r.get(key) {
            if m.is_empty() {
                continue;
            }
            w.write(LEVEL_2, &format!("{title}:\n"));
            for (k, v) in m {
                w.write(LEVEL_3, &format!("{k}:\t{}\n", crate::kubectl::printers::quantity::canonical(v)));
            }
        }
    }
}

/// `describeContainerPorts` / `describeContainerHostPorts`: `port/PROTO`, with ` (name)` for a
/// named port (kubernetes#133018, kubectl 1.34+), comma-joined.
fn describe_container_ports(c: &Container, host: bool) -> String {
    c.ports
        .iter()
        .map(|p| {
            let port = if host { p.host_port.unwrap_or(0) } else { p.container_port };
            let s = format!("{port}/{}", p.protocol);
            if p.name.is_empty() {
                s
            } else {
                format!("{s} ({})", p.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `EnvValueRetriever`: kubectl resolves a `fieldRef` through its client scheme, which knows only
/// the default field selectors (`metadata.name`, `metadata.namespace`); anything else is "".
fn env_field_value(pod: Option<&Pod>, field_path: &str) -> String {
    match (pod, field_path) {
        (Some(p), "metadata.name") => p.metadata.name.clone(),
        (Some(p), "metadata.namespace") => p.metadata.namespace.clone(),
        _ => String::new(),
    }
}

/// `kubectlresourcehelper.ExtractContainerResourceValue`: a `resourceFieldRef`'s value as the
/// ceiling of the container's request or limit over the divisor (default 1) — in millicores for
/// CPU, in units for the rest; an absent resource counts as 0, an unsupported one prints "".
fn container_resource_value(c: &Container, resource: &str, divisor: Option<&Value>) -> String {
    use crate::engine::volumes::parse_quantity;
    let Some((kind, name)) = resource.split_once('.') else { return String::new() };
    if !matches!(kind, "limits" | "requests") {
        return String::new();
    }
    let cpu = name == "cpu";
    if !(cpu || name == "memory" || name == "ephemeral-storage" || name.starts_with("hugepages-")) {
        return String::new();
    }
    let amount = c.resources.as_deref().and_then(|r| r.get(kind)).and_then(|m| m.get(name)).and_then(parse_quantity).unwrap_or(0.0);
    let divisor = divisor.and_then(parse_quantity).filter(|d| *d > 0.0).unwrap_or(1.0);
    // Quantity.MilliValue and Value round up.
    let (a, d) = if cpu { ((amount * 1000.0).ceil(), (divisor * 1000.0).ceil()) } else { (amount.ceil(), divisor.ceil()) };
    format!("{}", (a / d).ceil() as i64)
}

/// `describeContainerEnvFrom`: one line per source, `name<TAB>Kind[ with prefix 'p']<TAB>Optional: b`.
fn describe_container_env_from(w: &mut PrefixWriter, env_from: &[Value]) {
    let none = if env_from.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, &format!("Environment Variables from:{none}\n"));
    for e in env_from {
        let (from, r) = match (e.get("configMapRef"), e.get("secretRef")) {
            (Some(r), _) => ("ConfigMap", Some(r)),
            (None, Some(r)) => ("Secret", Some(r)),
            _ => ("", None),
        };
        let name = r.and_then(|r| r.get("name")).and_then(|v| v.as_str()).unwrap_or("");
        let optional = r.and_then(|r| r.get("optional")).and_then(|v| v.as_bool()).unwrap_or(false);
        match e.get("prefix").and_then(|v| v.as_str()).filter(|p| !p.is_empty()) {
            None => w.write(LEVEL_3, &format!("{name}\t{from}\tOptional: {optional}\n")),
            Some(prefix) => w.write(LEVEL_3, &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n")),
        }
    }
}

/// `describeContainers`: one block per container, with live status when known. `pod` resolves
/// `fieldRef` environment values (`EnvValueRetriever`); pod templates pass `None`.
pub fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    space: &str,
    pod: Option<&Pod>,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(LEVEL_0, &format!("{space}{label}:{none}\n"));
    for c in containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        let name_indent = if space.is_empty() { "" } else { " " };
        w.write(LEVEL_1, &format!("{name_indent}{}:\n", c.name));
        if let Some(s) = status {
            w.write(LEVEL_2, &format!("Container ID:\t{}\n", s.container_id));
        }
        w.write(LEVEL_2, &format!("Image:\t{}\n", c.image));
        if let Some(s) = status {
            w.write(LEVEL_2, &format!("Image ID:\t{}\n", s.image_id));
        }
        // describeContainerBasicInfo: "Ports"/"Host Ports" when the list has a comma. It prints no
        // restart policy, not even a sidecar's.
        let or_none = |s: String| if s.is_empty() { "<none>".to_string() } else { s };
        let ports = describe_container_ports(c, false);
        if ports.contains(',') {
            w.write(LEVEL_2, &format!("Ports:\t{ports}\n"));
        } else {
            w.write(LEVEL_2, &format!("Port:\t{}\n", or_none(ports)));
        }
        let host_ports = describe_container_ports(c, true);
        if host_ports.contains(',') {
            w.write(LEVEL_2, &format!("Host Ports:\t{host_ports}\n"));
        } else {
            w.write(LEVEL_2, &format!("Host Port:\t{}\n", or_none(host_ports)));
        }
        describe_seccomp_profile(w, c.security_context.as_deref(), LEVEL_2);
        // describeContainerCommand: each element split at its line breaks.
        for (title, list) in [("Command", &c.command), ("Args", &c.args)] {
            if !list.is_empty() {
                w.write(LEVEL_2, &format!("{title}:\n"));
                for x in list {
                    for line in x.split('\n') {
                        w.write(LEVEL_3, &format!("{line}\n"));
                    }
                }
            }
        }
        if let Some(s) = status {
            describe_status(w, "State", &s.state);
            if s.last_state.terminated.is_some() {
                describe_status(w, "Last State", &s.last_state);
            }
            w.write(LEVEL_2, &format!("Ready:\t{}\n", if s.ready { "True" } else { "False" }));
            w.write(LEVEL_2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        describe_resources(w, c);
        for (t, p) in [("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe), ("Startup", &c.startup_probe)] {
            if let Some(p) = p {
                w.write(LEVEL_2, &format!("{t}:\t{}\n", describe_probe(p)));
            }
        }
        if let Some(from) = c.env_from.as_deref().and_then(|v| v.as_array()).filter(|a| !a.is_empty()) {
            describe_container_env_from(w, from);
        }
        let none = if c.env.is_empty() { "\t<none>" } else { "" };
        w.write(LEVEL_2, &format!("Environment:{none}\n"));
        for e in &c.env {
            match (&e.value_from, &e.value) {
                (Some(from), _) => {
                    // describeContainerEnvVars: fieldRef as "value (apiVersion:path)", the key
                    // references with their Optional flag.
                    let s = |r: &Value, k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                    let optional = |r: &Value| r.get("optional").and_then(|v| v.as_bool()).unwrap_or(false);
                    if let Some(r) = from.get("fieldRef") {
                        let path = s(r, "fieldPath");
                        let api = r.get("apiVersion").and_then(|v| v.as_str()).unwrap_or("v1");
                        w.write(LEVEL_3, &format!("{}:\t{} ({api}:{path})\n", e.name, env_field_value(pod, &path)));
                    } else if let Some(r) = from.get("resourceFieldRef") {
                        let resource = s(r, "resource");
                        let mut value = container_resource_value(c, &resource, r.get("divisor"));
                        if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                            value = "node allocatable".into();
                        }
                        w.write(LEVEL_3, &format!("{}:\t{value} ({resource})\n", e.name));
                    } else if let Some(r) = from.get("secretKeyRef") {
                        w.write(
                            LEVEL_3,
                            &format!("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", e.name, s(r, "key"), s(r, "name"), optional(r)),
                        );
                    } else if let Some(r) = from.get("configMapKeyRef") {
                        w.write(
                            LEVEL_3,
                            &format!("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", e.name, s(r, "key"), s(r, "name"), optional(r)),
                        );
                    }
                }
                (None, v) => {
                    for (i, s) in v.clone().unwrap_or_default().split('\n').enumerate() {
                        if i == 0 {
                            w.write(LEVEL_3, &format!("{}:\t{s}\n", e.name));
                        } else {
                            w.write(LEVEL_3, &format!("\t{s}\n"));
                        }
                    }
                }
            }
        }
        let none = if c.volume_mounts.is_empty() { "\t<none>" } else { "" };
        w.write(LEVEL_2, &format!("Mounts:{none}\n"));
        let mut mounts = c.volume_mounts.clone();
        crate::util::sort::sort_by(&mut mounts, |a, b| a.mount_path.cmp(&b.mount_path));
        for m in mounts {
            let mut flags = vec![if m.read_only == Some(true) { "ro".to_string() } else { "rw".to_string() }];
            if !m.sub_path.is_empty() {
                flags.push(format!("path={:?}", m.sub_path));
            }
            w.write(LEVEL_3, &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")));
        }
    }
}
