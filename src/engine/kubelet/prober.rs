//! The kubelet's probe runner (`pkg/kubelet/prober/prober.go` `runProbe`, with
//! `pkg/probe/http` for `httpGet`): what a probe's handler answers.
//!
//! The playground knows what serves a port in one case only: the nginx/httpd images' web server
//! on port 80 ([`crate::engine::webserver`]). An `httpGet` probe of such a container on that port
//! gets the server's real answer: `DoHTTPProbe` (`pkg/probe/http/http.go`) succeeds for a status
//! from 200 to 399 and otherwise fails with "HTTP probe failed with statuscode: N"; a redirect to
//! the same host is followed (`RedirectChecker`), which nginx's 301 for a directory without its
//! trailing slash is. So the StatefulSet tutorial's nginx, whose web root is an empty claim,
//! answers 403 and is never Ready until something writes `index.html`. A `tcpSocket` probe of
//! that port connects (nginx listens, whatever it answers).
//!
//! When every container of the pod is such a web server, in its image's own configuration (no
//! command or args of its own, nothing mounted over its configuration directory), the
//! playground also knows that nothing else listens in the pod's network namespace: a probe of
//! another port is refused (`dial tcp 10.244.1.5:8080: connect: connection refused`, as Go's
//! dialer words it, behind `Get "http://…"` for `httpGet`), and an `httpGet` with `scheme: HTTPS`
//! on port 80 gets nginx's plain-HTTP answer to its TLS handshake (`http: server gave HTTP
//! response to HTTPS client`). Every other probe — another image in the pod, `exec`, `grpc`, an
//! `httpGet` with its own `host` — answers as the playground's healthy apps always do, unless a
//! fault says otherwise.

use crate::engine::api::{Container, Pod, Probe};
use crate::engine::kubelet::runtime::{parse_image, ImageRef};
use crate::engine::sim::Cluster;
use crate::engine::webserver;

/// A failed probe: the kubelet's event text and the plain-words cause for the why panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What `runProbe` reports (`HTTP probe failed with statuscode: 403`).
    pub message: String,
    /// Why, in plain words (`nginx answers 403 Forbidden for /: … has no index.html`).
    pub why: String,
}

/// `probe.ResolveContainerPort`: a number, or the name of one of the container's ports (a
/// string that names none is tried as a number). None when it resolves to no valid port.
pub fn resolve_port(port: &serde_json::Value, ctr: &Container) -> Option<i32> {
    let n = match port {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => match ctr.ports.iter().find(|p| p.name == *s) {
            Some(p) => p.container_port as i64,
            None => s.parse().ok()?,
        },
        _ => return None,
    };
    (1..65536).contains(&n).then_some(n as i32)
}

/// The path an `httpGet` probe of `ctr` requests from its own web server on port 80, if the
/// playground knows what answers it (see the module doc); with the server's image.
pub fn web_probe(ctr: &Container, probe: &Probe) -> Option<(String, ImageRef)> {
    let h = probe.http_get.as_deref()?;
    let image = parse_image(&ctr.image).ok().filter(|r| webserver::web_root(r).is_some())?;
    let other_host = h.get("host").and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty());
    let https = h.get("scheme").and_then(|v| v.as_str()).is_some_and(|s| s.eq_ignore_ascii_case("https"));
    if other_host || https || resolve_port(h.get("port")?, ctr) != Some(80) {
        return None;
    }
    // `formatURL`: an empty path is the root.
    let path = h.get("path").and_then(|v| v.as_str()).unwrap_or("");
    let path = if path.is_empty() { "/".to_string() } else if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    Some((path, image))
}

/// The configuration directory a web server image reads at start (its `listen` lines).
fn config_dir(image: &ImageRef) -> &'static str {
    if image.short_name() == "httpd" {
        "/usr/local/apache2/conf"
    } else if image.short_name() == "openresty" {
        "/usr/local/openresty/nginx/conf"
    } else {
        "/etc/nginx"
    }
}

/// The web server a container runs in its image's own configuration (listening on port 80
/// only), if it is one.
fn stock_web_server(ctr: &Container) -> Option<ImageRef> {
    let image = parse_image(&ctr.image).ok().filter(|r| webserver::web_root(r).is_some())?;
    let dir = config_dir(&image);
    let own_config = ctr.volume_mounts.iter().any(|m| {
        let m = m.mount_path.trim_end_matches('/');
        m == dir || m.starts_with(&format!("{dir}/")) || dir.starts_with(&format!("{m}/"))
    });
    (ctr.command.is_empty() && ctr.args.is_empty() && !own_config).then_some(image)
}

/// The first web server of the pod, when the playground knows everything that listens in the
/// pod's network namespace: every container that runs beside the others (the app containers,
/// and init containers with `restartPolicy: Always`, the sidecars) is a [`stock_web_server`].
fn only_stock_web_servers(pod: &Pod) -> Option<(&Container, ImageRef)> {
    let mut running = pod.spec.init_containers.iter().filter(|x| x.restart_policy == "Always").chain(pod.spec.containers.iter());
    let first = running.next()?;
    let image = stock_web_server(first)?;
    running.all(|x| stock_web_server(x).is_some()).then_some((first, image))
}

/// A probe of a port nothing in the pod listens on, or HTTPS to nginx's plain-HTTP port: the
/// connection's own failure (see the module doc). None when it connects, or when the playground
/// does not know what listens.
fn refused(pod: &Pod, ctr: &Container, probe: &Probe) -> Option<Failure> {
    let (server, image) = only_stock_web_servers(pod)?;
    let ip = &pod.status.pod_ip;
    let server_name = image.short_name();
    let nothing_listens = |port: i32| {
        format!("nothing in the pod listens on port {port}: {server_name} (container {}) listens on port 80 only", server.name)
    };
    if let Some(t) = probe.tcp_socket.as_deref() {
        let other_host = t.get("host").and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty());
        let port = resolve_port(t.get("port")?, ctr)?;
        return (!other_host && port != 80).then(|| Failure {
            // pkg/probe/tcp/tcp.go DoTCPProbe: the dialer's error is the output.
            message: format!("dial tcp {ip}:{port}: connect: connection refused"),
            why: nothing_listens(port),
        });
    }
    let h = probe.http_get.as_deref()?;
    if h.get("host").and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty()) {
        return None;
    }
    let https = h.get("scheme").and_then(|v| v.as_str()).is_some_and(|s| s.eq_ignore_ascii_case("https"));
    let port = resolve_port(h.get("port")?, ctr)?;
    // `formatURL`; the client's error is a `url.Error`: `Get "URL": cause`.
    let path = h.get("path").and_then(|v| v.as_str()).unwrap_or("");
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    let url = format!("{}://{ip}:{port}{path}", if https { "https" } else { "http" });
    if port != 80 {
        return Some(Failure {
            message: format!("Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"),
            why: nothing_listens(port),
        });
    }
    https.then(|| Failure {
        message: format!("Get \"{url}\": http: server gave HTTP response to HTTPS client"),
        why: format!("{server_name} (container {}) speaks plain HTTP on port 80, not HTTPS", server.name),
    })
}

/// What an `httpGet` or `tcpSocket` probe of `ctr` (a running container of `pod`) gets from what
/// the playground knows listens in the pod: None when it does not know (the probe then answers
/// as always), else success or the failure (`DoHTTPProbe`, `DoTCPProbe`).
pub fn answer(c: &Cluster, pod: &Pod, ctr: &Container, probe: &Probe) -> Option<Result<(), Failure>> {
    if let Some(f) = refused(pod, ctr, probe) {
        return Some(Err(f));
    }
    let (path, image) = web_probe(ctr, probe)?;
    let mut r = webserver::serve_from(c, pod, ctr, &image, &path).ok()?;
    let mut asked = path.clone();
    // nginx's 301 for a directory points at the same host with a slash: the prober follows it
    // (`RedirectChecker` stops only at another host, or after 10 redirects).
    if r.status == 301 && !asked.ends_with('/') {
        asked.push('/');
        r = webserver::serve_from(c, pod, ctr, &image, &asked).ok()?;
    }
    if (200..400).contains(&r.status) {
        return Some(Ok(()));
    }
    // pkg/probe/http/http.go DoHTTPProbe: the failure message carries only the status code.
    Some(Err(Failure { message: format!("HTTP probe failed with statuscode: {}", r.status), why: webserver::explain(pod, ctr, &image, &asked, &r) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::{ContainerPort, Object};
    use crate::engine::testutil::*;

    fn http(v: serde_json::Value) -> Probe {
        Probe { http_get: Some(v.into()), ..Default::default() }
    }

    #[test]
    fn ports_resolve_by_number_or_container_port_name() {
        let mut x = Container { name: "nginx".into(), image: "nginx:1.27".into(), ..Default::default() };
        x.ports = vec![ContainerPort { name: "web".into(), container_port: 80, ..Default::default() }];
        assert_eq!(resolve_port(&serde_json::json!(80), &x), Some(80));
        assert_eq!(resolve_port(&serde_json::json!("web"), &x), Some(80));
        assert_eq!(resolve_port(&serde_json::json!("8080"), &x), Some(8080));
        assert_eq!(resolve_port(&serde_json::json!("metrics"), &x), None);
        assert_eq!(resolve_port(&serde_json::json!(0), &x), None);
        assert!(web_probe(&x, &http(serde_json::json!({"port": "web"}))).is_some_and(|(p, _)| p == "/"));
        // Another port, another host, HTTPS, another image: not the web server the playground knows.
        assert!(web_probe(&x, &http(serde_json::json!({"port": 8080}))).is_none());
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80, "host": "example.com"}))).is_none());
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80, "scheme": "HTTPS"}))).is_none());
        x.image = "busybox:1.36".into();
        assert!(web_probe(&x, &http(serde_json::json!({"port": 80}))).is_none());
    }

    #[test]
    fn the_web_server_answers_the_probe() {
        let mut c = cluster();
        create(&mut c, Object::PersistentVolumeClaim(pvc("www-web-0", Some("standard"))));
        create(&mut c, Object::Pod(with_claim(sts_pod("web-0", "nginx", "nginx:1.27"), "www-web-0", "/usr/share/nginx/html")));
        c.settle_default();
        let p = get_pod(&c, "web-0").unwrap();
        let x = p.spec.containers[0].clone();
        let root = http(serde_json::json!({"path": "/", "port": 80}));
        let e = answer(&c, &p, &x, &root).unwrap().unwrap_err();
        assert_eq!(e.message, "HTTP probe failed with statuscode: 403");
        let vol = &p.spec.containers[0].volume_mounts[0].name;
        assert_eq!(e.why, format!("nginx answers 403 Forbidden for /: /usr/share/nginx/html (the volume {vol}, claim www-web-0) has no index.html"));
        let missing = answer(&c, &p, &x, &http(serde_json::json!({"path": "/healthz", "port": 80}))).unwrap().unwrap_err();
        assert_eq!(missing.message, "HTTP probe failed with statuscode: 404");
        crate::engine::fs::write(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/index.html", b"web-0\n", false).unwrap();
        assert_eq!(answer(&c, &p, &x, &root), Some(Ok(())));
        // A directory without its slash: nginx's 301 is followed to the directory's answer.
        crate::engine::fs::mkdir(&mut c, "default", "web-0", "nginx", "/usr/share/nginx/html/app", false).unwrap();
        let dir = answer(&c, &p, &x, &http(serde_json::json!({"path": "/app", "port": 80}))).unwrap().unwrap_err();
        assert_eq!(dir.message, "HTTP probe failed with statuscode: 403");
        assert!(dir.why.starts_with("nginx answers 403 Forbidden for /app/: /usr/share/nginx/html/app (the volume"), "{}", dir.why);
        // A port nothing in the pod listens on: refused, in Go's words.
        let ip = p.status.pod_ip.clone();
        let other = answer(&c, &p, &x, &http(serde_json::json!({"path": "/", "port": 8080}))).unwrap().unwrap_err();
        assert_eq!(other.message, format!("Get \"http://{ip}:8080/\": dial tcp {ip}:8080: connect: connection refused"));
        assert_eq!(other.why, "nothing in the pod listens on port 8080: nginx (container nginx) listens on port 80 only");
        let tcp = Probe { tcp_socket: Some(serde_json::json!({"port": 8080}).into()), ..Default::default() };
        assert_eq!(answer(&c, &p, &x, &tcp).unwrap().unwrap_err().message, format!("dial tcp {ip}:8080: connect: connection refused"));
        let tcp80 = Probe { tcp_socket: Some(serde_json::json!({"port": 80}).into()), ..Default::default() };
        assert_eq!(answer(&c, &p, &x, &tcp80), None, "nginx listens on 80");
        let tls = answer(&c, &p, &x, &http(serde_json::json!({"path": "/", "port": 80, "scheme": "HTTPS"}))).unwrap().unwrap_err();
        assert_eq!(tls.message, format!("Get \"https://{ip}:80/\": http: server gave HTTP response to HTTPS client"));
    }

    #[test]
    fn only_a_pod_of_stock_web_servers_refuses_other_ports() {
        let probe = http(serde_json::json!({"path": "/", "port": 8080}));
        let mut p = sts_pod("web-0", "nginx", "nginx:1.27");
        p.status.pod_ip = "10.244.1.5".into();
        assert!(refused(&p, &p.spec.containers[0].clone(), &probe).is_some());
        // Its own configuration mounted, or its own command: it may listen elsewhere.
        let mut conf = p.clone();
        conf.spec.containers[0].volume_mounts.push(crate::engine::api::VolumeMount { name: "conf".into(), mount_path: "/etc/nginx/conf.d".into(), ..Default::default() });
        assert!(refused(&conf, &conf.spec.containers[0].clone(), &probe).is_none());
        let mut cmd = p.clone();
        cmd.spec.containers[0].args = vec!["nginx".into(), "-c".into(), "/tmp/n.conf".into()];
        assert!(refused(&cmd, &cmd.spec.containers[0].clone(), &probe).is_none());
        // Another image beside it (or a sidecar): what it listens on is not known.
        let mut two = p.clone();
        two.spec.containers.push(Container { name: "app".into(), image: "busybox:1.36".into(), ..Default::default() });
        assert!(refused(&two, &two.spec.containers[0].clone(), &probe).is_none());
        let mut sidecar = p.clone();
        sidecar.spec.init_containers.push(Container { name: "proxy".into(), image: "envoyproxy/envoy:v1.31".into(), restart_policy: "Always".into(), ..Default::default() });
        assert!(refused(&sidecar, &sidecar.spec.containers[0].clone(), &probe).is_none());
        // An init container that has exited listens on nothing.
        let mut init = p.clone();
        init.spec.init_containers.push(Container { name: "init".into(), image: "busybox:1.36".into(), ..Default::default() });
        assert!(refused(&init, &init.spec.containers[0].clone(), &probe).is_some());
    }
}
